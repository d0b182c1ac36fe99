//! Dataset keys: generation, authorization of unwrap, rewrap after KEK rotation, the minimum
//! decryption version and crypto-shredding, on SQLite and on PostgreSQL.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::{location, Db, Harness};
use serde_json::{json, Value};
use techdeck_guard::seal::{chunked, Key};

both_backends!(
    data_key_flow_encrypts_and_unwraps,
    unwrap_checks_role_and_patients,
    kek_rotation_rewraps_and_sets_minimum,
    destroyed_keys_are_gone,
);

async fn token(h: &Harness, username: &str, role: &str, patients: &[&str]) -> String {
    h.add_user(username, role, patients).await;
    h.login(username).await["access_token"].as_str().unwrap().to_string()
}

async fn delete(h: &Harness, path: &str, bearer: &str) -> common::Reply {
    let request = Request::delete(path)
        .header("authorization", format!("Bearer {bearer}"))
        .body(Body::empty())
        .unwrap();
    h.send(request).await
}

fn key_of(value: &Value, field: &str) -> Key {
    Key::from_slice(&STANDARD.decode(value[field].as_str().unwrap()).unwrap()).unwrap()
}

async fn data_key_flow_encrypts_and_unwraps(db: Db) {
    let h = location(db).await.start().await;
    let therapist = token(&h, "tara", "therapist", &["p1", "p2"]).await;

    let created =
        h.post_json("/v1/datasets/ds-1/keys", Some(&therapist), json!({ "patients": ["p1"] })).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["kek_version"], 1);
    assert_eq!(STANDARD.decode(created.body["wrapped_key"].as_str().unwrap()).unwrap().len(), 85);
    let key_id = created.body["key_id"].as_str().unwrap();

    let ciphertext =
        chunked::encrypt(&key_of(&created.body, "data_key"), b"ds-1", b"id,note\n1,first session\n").unwrap();

    let unwrapped =
        h.post_json(&format!("/v1/datasets/ds-1/keys/{key_id}/unwrap"), Some(&therapist), json!({})).await;
    assert_eq!(unwrapped.status, StatusCode::OK, "{}", unwrapped.text);
    assert_eq!(unwrapped.body["data_key"], created.body["data_key"]);
    let plaintext = chunked::decrypt(&key_of(&unwrapped.body, "data_key"), b"ds-1", &ciphertext).unwrap();
    assert_eq!(plaintext, b"id,note\n1,first session\n");

    let rows = h.server.store.audit_rows(0, 100).await.unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    assert!(actions.contains(&"data_key.generate"));
    assert!(actions.contains(&"data_key.unwrap"));
    let data_key = created.body["data_key"].as_str().unwrap();
    assert!(rows.iter().all(|r| !r.detail.contains(data_key)), "no key material in the audit log");
}

async fn unwrap_checks_role_and_patients(db: Db) {
    let h = location(db).await.start().await;
    let owner = token(&h, "tom", "therapist", &["p1"]).await;
    let other_therapist = token(&h, "tess", "therapist", &["p9"]).await;
    let researcher = token(&h, "rita", "researcher", &[]).await;
    let admin = token(&h, "adam", "admin", &[]).await;
    let glass = token(&h, "gina", "break_glass", &[]).await;

    let refused =
        h.post_json("/v1/datasets/ds-2/keys", Some(&owner), json!({ "patients": ["p1", "p5"] })).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "a therapist cannot register unassigned patients");

    let created = h.post_json("/v1/datasets/ds-2/keys", Some(&owner), json!({ "patients": ["p1"] })).await;
    let path = format!("/v1/datasets/ds-2/keys/{}/unwrap", created.body["key_id"].as_str().unwrap());

    for (caller, expected) in [
        (&other_therapist, StatusCode::FORBIDDEN),
        (&researcher, StatusCode::FORBIDDEN),
        (&admin, StatusCode::OK),
        (&glass, StatusCode::OK),
        (&owner, StatusCode::OK),
    ] {
        let reply = h.post_json(&path, Some(caller), json!({})).await;
        assert_eq!(reply.status, expected, "{}", reply.text);
        if expected == StatusCode::FORBIDDEN {
            assert_eq!(reply.body["error"]["code"], "FORBIDDEN");
            assert!(reply.body.get("data_key").is_none());
        }
    }
    let anonymous = h.post_json(&path, None, json!({})).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let anonymized =
        h.post_json("/v1/datasets/ds-anon/keys", Some(&admin), json!({ "anonymized": true })).await;
    let anon_path =
        format!("/v1/datasets/ds-anon/keys/{}/unwrap", anonymized.body["key_id"].as_str().unwrap());
    assert_eq!(h.post_json(&anon_path, Some(&researcher), json!({})).await.status, StatusCode::OK);

    let rows = h.server.store.audit_rows(0, 200).await.unwrap();
    assert!(rows.iter().any(|r| r.action == "data_key.unwrap" && r.outcome == "denied"));
    let glass_row = rows
        .iter()
        .find(|r| r.action == "data_key.unwrap" && r.detail.contains("break_glass"))
        .expect("break-glass flagged");
    assert_eq!(glass_row.outcome, "success");
}

async fn kek_rotation_rewraps_and_sets_minimum(db: Db) {
    let h = location(db).await.start().await;
    let admin = token(&h, "ava", "admin", &[]).await;
    let first = h.post_json("/v1/datasets/ds-3/keys", Some(&admin), json!({})).await.body;
    let second = h.post_json("/v1/datasets/ds-3/keys", Some(&admin), json!({})).await.body;
    let first_id = first["key_id"].as_str().unwrap();
    let second_id = second["key_id"].as_str().unwrap();

    let rotated = h.post_json("/v1/admin/kek/rotate", Some(&admin), json!({})).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text);
    assert_eq!(rotated.body["kek_version"], 2);
    assert_eq!(rotated.body["rewrapped"], 0);

    let rewrapped =
        h.post_json(&format!("/v1/datasets/ds-3/keys/{first_id}/rewrap"), Some(&admin), json!({})).await;
    assert_eq!(rewrapped.status, StatusCode::OK, "{}", rewrapped.text);
    assert_eq!(rewrapped.body["kek_version"], 2);
    assert!(rewrapped.body.get("data_key").is_none(), "rewrap never returns plaintext");

    let min = h.post_json("/v1/admin/kek/rotate", Some(&admin), json!({ "min_decrypt_version": 2 })).await;
    assert_eq!(min.body["min_decrypt_version"], 2);
    let moved =
        h.post_json(&format!("/v1/datasets/ds-3/keys/{first_id}/unwrap"), Some(&admin), json!({})).await;
    assert_eq!(moved.status, StatusCode::OK);
    assert_eq!(moved.body["data_key"], first["data_key"]);
    let stranded =
        h.post_json(&format!("/v1/datasets/ds-3/keys/{second_id}/unwrap"), Some(&admin), json!({})).await;
    assert_eq!(stranded.status, StatusCode::FORBIDDEN, "a key below the minimum version stays locked");

    let all = h
        .post_json(
            "/v1/admin/kek/rotate",
            Some(&admin),
            json!({ "rewrap_all": true, "min_decrypt_version": 1 }),
        )
        .await;
    assert_eq!(all.body["kek_version"], 4);
    assert_eq!(all.body["rewrapped"], 2);
    let back =
        h.post_json(&format!("/v1/datasets/ds-3/keys/{second_id}/unwrap"), Some(&admin), json!({})).await;
    assert_eq!(back.body["kek_version"], 4);
    assert_eq!(back.body["data_key"], second["data_key"]);

    let user = token(&h, "uma", "user", &[]).await;
    assert_eq!(
        h.post_json("/v1/admin/kek/rotate", Some(&user), json!({})).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn destroyed_keys_are_gone(db: Db) {
    let h = location(db).await.start().await;
    let owner = token(&h, "otto", "user", &[]).await;
    let stranger = token(&h, "sam", "user", &[]).await;
    let created = h.post_json("/v1/datasets/ds-4/keys", Some(&owner), json!({})).await.body;
    let key_id = created["key_id"].as_str().unwrap();
    let base = format!("/v1/datasets/ds-4/keys/{key_id}");

    let conversation = h.post_json(&format!("{base}/conversations/c-1"), Some(&owner), json!({})).await;
    assert_eq!(conversation.status, StatusCode::OK, "{}", conversation.text);
    let expected =
        techdeck_guard::seal::derive_conversation_key(&key_of(&created, "data_key"), "c-1").unwrap();
    assert_eq!(key_of(&conversation.body, "conversation_key").expose_secret(), expected.expose_secret());

    assert_eq!(
        delete(&h, &format!("{base}/conversations/c-1"), &stranger).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(delete(&h, &format!("{base}/conversations/c-1"), &owner).await.status, StatusCode::NO_CONTENT);
    let gone = h.post_json(&format!("{base}/conversations/c-1"), Some(&owner), json!({})).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(
        h.post_json(&format!("{base}/conversations/c-2"), Some(&owner), json!({})).await.status,
        StatusCode::OK
    );

    assert_eq!(delete(&h, &base, &stranger).await.status, StatusCode::FORBIDDEN);
    assert_eq!(delete(&h, &base, &owner).await.status, StatusCode::NO_CONTENT);
    let unwrap = h.post_json(&format!("{base}/unwrap"), Some(&owner), json!({})).await;
    assert_eq!(unwrap.status, StatusCode::NOT_FOUND);
    assert_eq!(unwrap.body["error"]["code"], "NOT_FOUND");
    assert_eq!(delete(&h, &base, &owner).await.status, StatusCode::NOT_FOUND);
    let record = h.server.store.data_key("ds-4", key_id).await.unwrap().unwrap();
    assert!(record.wrapped_key.is_none(), "the wrapped key bytes are deleted");
}
