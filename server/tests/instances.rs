//! Two server instances on one PostgreSQL database agree: revocations, refresh reuse, signing
//! keys and the audit chain are shared.

mod common;

use axum::http::StatusCode;
use common::{jws_parts, location, Db};
use serde_json::json;
use techdeck_keyserver::audit;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_revoked_on_one_is_rejected_by_other() {
    let place = location(Db::Postgres).await;
    let a = place.start().await;
    let b = place.start().await;
    a.add_user("mia", "user", &[]).await;

    let victim = a.login("mia").await["access_token"].as_str().unwrap().to_string();
    let probe = b.login("mia").await["access_token"].as_str().unwrap().to_string();
    assert_eq!(b.introspect(&probe, &victim).await["active"], true, "B verifies A's token");
    assert_eq!(a.introspect(&victim, &probe).await["active"], true, "A verifies B's token");

    let revoked = b.post_json("/v1/revoke", None, json!({ "token": victim })).await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert_eq!(a.introspect(&probe, &victim).await["active"], false);
    let denied = a.post_json("/v1/logout-all", Some(&victim), json!({})).await;
    assert_eq!(denied.status, StatusCode::UNAUTHORIZED);

    let (_, snapshot) = jws_parts(&a.get("/v1/revocations").await.text);
    let jti = jws_parts(&victim).1["jti"].clone();
    assert!(snapshot["revoked"].as_array().unwrap().iter().any(|r| r["jti"] == jti));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_reuse_across_instances_revokes_family() {
    let place = location(Db::Postgres).await;
    let a = place.start().await;
    let b = place.start().await;
    a.add_user("noa", "user", &[]).await;
    let first = a.login("noa").await["refresh_token"].as_str().unwrap().to_string();

    let rotated = b.post_json("/v1/refresh", None, json!({ "refresh_token": first })).await;
    assert_eq!(rotated.status, StatusCode::OK);
    let second = rotated.body["refresh_token"].as_str().unwrap().to_string();
    let second_access = rotated.body["access_token"].as_str().unwrap().to_string();

    let reused = a.post_json("/v1/refresh", None, json!({ "refresh_token": first })).await;
    assert_eq!(reused.body["error"]["code"], "REFRESH_TOKEN_REUSED");
    let after = b.post_json("/v1/refresh", None, json!({ "refresh_token": second })).await;
    assert_eq!(after.body["error"]["code"], "INVALID_TOKEN");
    let probe = b.login("noa").await["access_token"].as_str().unwrap().to_string();
    assert_eq!(b.introspect(&probe, &second_access).await["active"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_instances_build_one_audit_chain() {
    let place = location(Db::Postgres).await.with("AUDIT_CHECKPOINT_INTERVAL", "5");
    let a = std::sync::Arc::new(place.start().await);
    let b = std::sync::Arc::new(place.start().await);
    a.add_user("ola", "user", &[]).await;

    let mut tasks = Vec::new();
    for i in 0..12 {
        let h = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move { h.login("ola").await }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let report = audit::verify(&b.server.store, &b.server.keyring).await.unwrap();
    assert_eq!(report.first_break, None);
    assert_eq!(report.records, 13);
    assert_eq!(report.checkpoints, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_rotated_on_one_verifies_on_other() {
    let place = location(Db::Postgres).await;
    let a = place.start().await;
    let b = place.start().await;
    a.add_user("pat", "admin", &[]).await;
    let old = a.login("pat").await["access_token"].as_str().unwrap().to_string();
    let rotated = a.post_json("/v1/admin/signing-keys/rotate", Some(&old), json!({})).await;
    let new_kid = rotated.body["kid"].as_str().unwrap().to_string();
    let new = a.login("pat").await["access_token"].as_str().unwrap().to_string();
    assert_eq!(jws_parts(&new).0["kid"], new_kid.as_str());

    // B loaded its keys at start; an unknown kid makes it reload, at most once per 5 seconds.
    tokio::time::sleep(std::time::Duration::from_millis(5100)).await;
    assert_eq!(b.introspect(&old, &new).await["active"], true);
    let kids = b.get("/.well-known/jwks.json").await.body["keys"].as_array().unwrap().len();
    assert_eq!(kids, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_login_limit_is_shared_by_instances() {
    let redis = std::env::var("KEYSERVER_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let place = location(Db::Postgres).await.with("REDIS_URL", &redis).with("RATE_LIMIT_AUTH", "3/minute");
    let a = place.start().await;
    let b = place.start().await;
    let username = common::unique_name("limited");
    a.add_user(&username, "user", &[]).await;

    // A random client address keeps reruns within the minute apart in Redis.
    let mut octets = [0u8; 3];
    getrandom::fill(&mut octets).unwrap();
    let client = std::net::SocketAddr::from(([10, octets[0], octets[1], octets[2]], 50000));
    let attempt = || {
        let body = json!({ "username": username, "password": "not the password" }).to_string();
        let mut request = axum::http::Request::post("/v1/login")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body))
            .unwrap();
        request.extensions_mut().insert(axum::extract::ConnectInfo(client));
        request
    };
    assert_eq!(a.send(attempt()).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(b.send(attempt()).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.send(attempt()).await.status, StatusCode::UNAUTHORIZED);
    let limited = b.send(attempt()).await;
    assert_eq!(
        limited.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the fourth attempt across instances is limited"
    );
    assert!(limited.headers.contains_key("retry-after"));
}
