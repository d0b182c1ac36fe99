//! The audit hash chain: verification, tampering found at the right record, signed
//! checkpoints and the `audit verify` command, on SQLite and on PostgreSQL.

mod common;

use std::process::Command;

use common::{location, Db, Harness, Location};
use techdeck_keyserver::audit;

both_backends!(
    chain_verifies_with_checkpoints,
    changed_record_breaks_chain_there,
    removed_records_are_reported,
    forged_checkpoint_is_reported,
    verify_command_reports_first_break,
);

async fn busy_server(db: Db) -> (Harness, Location) {
    let place = location(db).await.with("AUDIT_CHECKPOINT_INTERVAL", "4");
    let h = place.start().await;
    h.add_user("aud", "user", &[]).await;
    for _ in 0..4 {
        h.login("aud").await;
    }
    (h, place)
}

async fn first_break(h: &Harness) -> Option<audit::Break> {
    audit::verify(&h.server.store, &h.server.keyring).await.unwrap().first_break
}

async fn chain_verifies_with_checkpoints(db: Db) {
    let (h, _) = busy_server(db).await;
    let report = audit::verify(&h.server.store, &h.server.keyring).await.unwrap();
    assert_eq!(report.first_break, None);
    assert_eq!(report.records, 5);
    assert_eq!(report.checkpoints, 1);

    // A checkpoint signed before a key rotation still verifies afterwards.
    h.server.rotate_signing_key("test").await.unwrap();
    for _ in 0..3 {
        h.login("aud").await;
    }
    let report = audit::verify(&h.server.store, &h.server.keyring).await.unwrap();
    assert_eq!(report.first_break, None);
    assert_eq!(report.records, 9);
    assert_eq!(report.checkpoints, 2);
}

async fn changed_record_breaks_chain_there(db: Db) {
    let (h, _) = busy_server(db).await;
    h.server.store.execute_raw("UPDATE audit_log SET outcome = 'failure' WHERE seq = 3").await.unwrap();
    let found = first_break(&h).await.expect("a break");
    assert_eq!(found.seq, 3);
    assert!(found.reason.contains("changed"), "{}", found.reason);
}

async fn removed_records_are_reported(db: Db) {
    let (h, _) = busy_server(db).await;
    h.server.store.execute_raw("DELETE FROM audit_log WHERE seq = 2").await.unwrap();
    let found = first_break(&h).await.expect("a break");
    assert_eq!(found.seq, 3);
    assert!(found.reason.contains("missing"), "{}", found.reason);

    let (h, _) = busy_server(db).await;
    h.server.store.execute_raw("DELETE FROM audit_log WHERE seq = 5").await.unwrap();
    let found = first_break(&h).await.expect("a truncated tail is a break");
    assert_eq!(found.seq, 5);
}

async fn forged_checkpoint_is_reported(db: Db) {
    let (h, _) = busy_server(db).await;
    // Rewrite record 4 and its hash consistently, as an attacker without a signing key could.
    let rows = h.server.store.audit_rows(3, 1).await.unwrap();
    let row = &rows[0];
    let forged = techdeck_keyserver::store::AuditInsert {
        at: row.at,
        actor: &row.actor,
        action: &row.action,
        resource: &row.resource,
        outcome: "failure",
        detail: &row.detail,
    };
    let hash = audit::chain_hash(&row.prev_hash, row.seq, &forged);
    h.server
        .store
        .execute_raw(&format!("UPDATE audit_log SET outcome = 'failure', hash = '{hash}' WHERE seq = 4"))
        .await
        .unwrap();
    h.server
        .store
        .execute_raw(&format!("UPDATE audit_checkpoints SET hash = '{hash}' WHERE seq = 4"))
        .await
        .unwrap();
    let found = first_break(&h).await.expect("a break");
    assert_eq!(found.seq, 4);
    assert!(found.reason.contains("checkpoint"), "{}", found.reason);
}

fn run_verify(place: &Location) -> (i32, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_techdeck-keyserver"));
    command.args(["audit", "verify"]).env_clear().env("KEYSERVER_LOG", "error");
    for (name, value) in place.vars() {
        command.env(name, value);
    }
    let output = command.output().expect("the binary runs");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).to_string())
}

async fn verify_command_reports_first_break(db: Db) {
    let (h, place) = busy_server(db).await;
    let (status, out) = run_verify(&place);
    assert_eq!(status, 0, "{out}");
    assert_eq!(out.trim(), "audit chain verified: 5 records and 1 signed checkpoint");

    h.server.store.execute_raw("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2").await.unwrap();
    let (status, out) = run_verify(&place);
    assert_eq!(status, 1, "{out}");
    assert!(out.starts_with("audit chain broken at record 2: "), "{out}");
}
