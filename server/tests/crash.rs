//! Crash safety: SIGKILL during a burst of refreshes and revocations loses nothing that was
//! acknowledged, and the audit chain still verifies after a restart.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::process::{free_port, http_client, post, ServerProcess};
use common::{jws_parts, location, Db, PASSWORD};
use serde_json::json;
use techdeck_keyserver::{audit, tokens};

both_backends!(sigkill_during_burst_loses_nothing_acknowledged);

/// What the server acknowledged with a 200 response before it died.
#[derive(Default)]
struct Acknowledged {
    refresh_tokens: Vec<String>,
    access_jtis: Vec<String>,
    revoked_jtis: Vec<String>,
}

async fn sigkill_during_burst_loses_nothing_acknowledged(db: Db) {
    let place = location(db)
        .await
        .with("RATE_LIMIT_AUTH", "100000/second")
        .with("RATE_LIMIT_DEFAULT", "100000/second");
    {
        let setup = place.start().await;
        for i in 0..4 {
            setup.add_user(&format!("crash{i}"), "user", &[]).await;
        }
    }
    let port = free_port();
    let mut server = ServerProcess::start(&place, port, &[]).await;
    let base = server.base.clone();
    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));

    let mut workers = Vec::new();
    for i in 0..4 {
        let base = base.clone();
        let acknowledged = acknowledged.clone();
        workers.push(tokio::spawn(async move {
            let client = http_client();
            let login = json!({ "username": format!("crash{i}"), "password": PASSWORD });
            let Ok((200, pair)) = post(&client, &format!("{base}/v1/login"), None, &login).await else {
                return;
            };
            let mut refresh = pair["refresh_token"].as_str().unwrap().to_string();
            loop {
                let Ok((200, pair)) =
                    post(&client, &format!("{base}/v1/refresh"), None, &json!({ "refresh_token": refresh }))
                        .await
                else {
                    return;
                };
                refresh = pair["refresh_token"].as_str().unwrap().to_string();
                let access = pair["access_token"].as_str().unwrap().to_string();
                let jti = jws_parts(&access).1["jti"].as_str().unwrap().to_string();
                acknowledged.lock().unwrap().refresh_tokens.push(refresh.clone());
                acknowledged.lock().unwrap().access_jtis.push(jti.clone());
                let Ok((200, _)) =
                    post(&client, &format!("{base}/v1/revoke"), None, &json!({ "token": access })).await
                else {
                    return;
                };
                acknowledged.lock().unwrap().revoked_jtis.push(jti);
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill();
    for worker in workers {
        worker.await.unwrap();
    }

    let restarted = ServerProcess::start(&place, free_port(), &[]).await;
    drop(restarted);
    let h = place.start().await;
    let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
    assert!(
        acknowledged.revoked_jtis.len() >= 5,
        "the burst ran: {} revocations",
        acknowledged.revoked_jtis.len()
    );
    for token in &acknowledged.refresh_tokens {
        let record = h.server.store.refresh_token(&tokens::refresh_token_hash(token)).await.unwrap();
        assert!(record.is_some(), "an acknowledged refresh token was lost");
    }
    for jti in &acknowledged.access_jtis {
        assert!(
            h.server.store.access_token_family(jti).await.unwrap().is_some(),
            "an issued access token was lost"
        );
    }
    for jti in &acknowledged.revoked_jtis {
        assert!(h.server.store.is_revoked(jti).await.unwrap(), "an acknowledged revocation was lost");
    }
    let report = audit::verify(&h.server.store, &h.server.keyring).await.unwrap();
    assert_eq!(report.first_break, None);
    assert!(report.records as usize > acknowledged.revoked_jtis.len() * 2);
}
