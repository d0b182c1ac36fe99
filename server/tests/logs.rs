//! The server log never contains a token, key, password or record content.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{location, Db, PASSWORD};
use serde_json::{json, Value};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Field names that must never appear in a log line, whatever their value.
const FORBIDDEN_FIELDS: &[&str] = &[
    "password",
    "access_token",
    "refresh_token",
    "token",
    "data_key",
    "wrapped_key",
    "conversation_key",
    "patients",
];

#[tokio::test]
async fn log_lines_hold_no_secrets() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let _guard =
        tracing::subscriber::set_default(techdeck_keyserver::logging::subscriber("debug", move || {
            writer.clone()
        }));

    let h = location(Db::Sqlite).await.start().await;
    h.add_user("logan", "therapist", &["patient-7731"]).await;
    let mut secrets: Vec<String> =
        vec![PASSWORD.into(), "wrong but long password".into(), "patient-7731".into()];

    h.post_json("/v1/login", None, json!({ "username": "logan", "password": "wrong but long password" }))
        .await;
    let login = h.login("logan").await;
    let access = login["access_token"].as_str().unwrap().to_string();
    let first_refresh = login["refresh_token"].as_str().unwrap().to_string();
    let refreshed = h.post_json("/v1/refresh", None, json!({ "refresh_token": first_refresh })).await.body;
    h.post_json("/v1/refresh", None, json!({ "refresh_token": first_refresh })).await; // reuse: a warning
    let fresh = h.login("logan").await;
    let bearer = fresh["access_token"].as_str().unwrap().to_string();
    let key = h
        .post_json("/v1/datasets/ds-log/keys", Some(&bearer), json!({ "patients": ["patient-7731"] }))
        .await
        .body;
    let key_id = key["key_id"].as_str().unwrap();
    let unwrapped = h
        .post_json(&format!("/v1/datasets/ds-log/keys/{key_id}/unwrap"), Some(&bearer), json!({}))
        .await
        .body;
    h.post_json("/v1/revoke", None, json!({ "token": access })).await;
    h.post_json("/v1/introspect", Some(&bearer), json!({ "token": bearer })).await;

    for value in [&login, &refreshed, &fresh, &key, &unwrapped] {
        for field in ["access_token", "refresh_token", "data_key", "wrapped_key"] {
            if let Some(secret) = value[field].as_str() {
                secrets.push(secret.to_string());
                // A JWS signature or a key's base64 could also appear in parts.
                secrets.extend(secret.split('.').filter(|p| p.len() >= 16).map(str::to_string));
            }
        }
    }

    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 10, "the flow should log its requests: {} lines", lines.len());
    assert!(text.contains("refresh token reuse detected"), "the reuse warning is logged");
    for line in &lines {
        let parsed: Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("a log line is not JSON: {line}"));
        for secret in &secrets {
            assert!(!line.contains(secret.as_str()), "a secret appears in a log line: {line}");
        }
        let fields = parsed["fields"].as_object().expect("fields object");
        for name in FORBIDDEN_FIELDS {
            assert!(!fields.contains_key(*name), "field {name} appears in a log line: {line}");
        }
    }
}
