//! Scheduled work and process life: signing key rotation on schedule, audit retention,
//! session lifetime and graceful shutdown.

mod common;

use std::process::Command;
use std::time::Duration;

use common::process::{free_port, ServerProcess};
use common::{jws_parts, location, Db};
use serde_json::json;
use techdeck_keyserver::{audit, service, tokens};

both_backends!(
    scheduled_rotation_replaces_old_key,
    retention_deletes_old_records,
    refresh_never_extends_session
);

async fn scheduled_rotation_replaces_old_key(db: Db) {
    let h = location(db).await.with("JWT_KEY_ROTATION_DAYS", "1").start().await;
    h.add_user("rob", "user", &[]).await;
    let before = jws_parts(h.login("rob").await["access_token"].as_str().unwrap()).0["kid"].clone();

    h.server.run_maintenance().await.unwrap();
    let same = jws_parts(h.login("rob").await["access_token"].as_str().unwrap()).0["kid"].clone();
    assert_eq!(same, before, "a young key is kept");

    h.server.store.execute_raw("UPDATE signing_keys SET created_at = created_at - 86400").await.unwrap();
    h.server.keyring.load(service::now()).await.unwrap();
    h.server.run_maintenance().await.unwrap();
    let after = jws_parts(h.login("rob").await["access_token"].as_str().unwrap()).0["kid"].clone();
    assert_ne!(after, before, "a key older than the rotation period is replaced");
    let rows = h.server.store.audit_rows(0, 100).await.unwrap();
    let rotation = rows.iter().find(|r| r.action == "signing_key.rotate").expect("rotation audited");
    assert_eq!(rotation.actor, "system");
}

async fn retention_deletes_old_records(db: Db) {
    let h = location(db)
        .await
        .with("AUDIT_LOG_RETENTION_DAYS", "30")
        .with("AUDIT_CHECKPOINT_INTERVAL", "2")
        .start()
        .await;
    h.add_user("sue", "user", &[]).await;
    for _ in 0..4 {
        h.login("sue").await;
    }
    h.server.store.execute_raw("UPDATE audit_log SET at = at - 31 * 86400 WHERE seq <= 2").await.unwrap();
    h.server.run_maintenance().await.unwrap();

    let rows = h.server.store.audit_rows(0, 100).await.unwrap();
    assert_eq!(rows.first().unwrap().seq, 3, "records past retention are gone");
    let report = audit::verify(&h.server.store, &h.server.keyring).await.unwrap();
    assert_eq!(report.first_break, None, "the chain verifies from the oldest remaining record");
    assert_eq!(report.records, 3);
}

async fn refresh_never_extends_session(db: Db) {
    let h = location(db).await.start().await;
    h.add_user("ted", "user", &[]).await;
    let first = h.login("ted").await["refresh_token"].as_str().unwrap().to_string();
    let session_end =
        h.server.store.refresh_token(&tokens::refresh_token_hash(&first)).await.unwrap().unwrap().expires_at;
    h.server.store.execute_raw("UPDATE families SET expires_at = expires_at - 3600").await.unwrap();

    let reply = h.post_json("/v1/refresh", None, json!({ "refresh_token": first })).await;
    let second = reply.body["refresh_token"].as_str().unwrap().to_string();
    let record = h.server.store.refresh_token(&tokens::refresh_token_hash(&second)).await.unwrap().unwrap();
    assert_eq!(record.expires_at, session_end - 3600);
}

#[tokio::test]
async fn sigterm_stops_server_cleanly() {
    let place = location(Db::Sqlite).await;
    let mut server = ServerProcess::start(&place, free_port(), &[]).await;
    let status = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            assert!(exit.success(), "the server exits with status 0 after SIGTERM: {exit}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the server did not stop within 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn invalid_environment_exits_with_status_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_techdeck-keyserver"))
        .arg("serve")
        .env_clear()
        .env("JWT_ALGORITHM", "none")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("invalid configuration:\n"), "{stderr}");
    assert!(stderr.contains("ENCRYPTION_MASTER_KEY is missing"), "{stderr}");
    assert!(stderr.contains("JWT_ALGORITHM: unknown or unsupported algorithm \"none\""), "{stderr}");
}

#[tokio::test]
async fn user_add_command_creates_login() {
    let place = location(Db::Sqlite).await;
    let mut command = Command::new(env!("CARGO_BIN_EXE_techdeck-keyserver"));
    command.args([
        "user",
        "add",
        "--username",
        "vic",
        "--role",
        "therapist",
        "--patient",
        "p1",
        "--patient",
        "p2",
    ]);
    command.env_clear().env("KEYSERVER_LOG", "error");
    for (name, value) in place.vars() {
        command.env(name, value);
    }
    let mut child =
        command.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(format!("{}\n", common::PASSWORD).as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let user_id = String::from_utf8(output.stdout).unwrap().trim().to_string();
    assert_eq!(user_id.len(), 22);

    let h = place.start().await;
    let token = h.login("vic").await["access_token"].as_str().unwrap().to_string();
    let claims = jws_parts(&token).1;
    assert_eq!(claims["sub"], user_id.as_str());
    assert_eq!(claims["role"], "therapist");
    assert_eq!(claims["patients"], json!(["p1", "p2"]));

    let again = Command::new(env!("CARGO_BIN_EXE_techdeck-keyserver"))
        .args(["user", "add", "--username", "vic", "--role", "nurse"])
        .env_clear()
        .envs(place.vars())
        .env("KEYSERVER_LOG", "error")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("unknown role \"nurse\""));
}
