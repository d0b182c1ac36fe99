//! The core crate's token verifier accepts what this server issues: access tokens, the JWK Set
//! and the revocation snapshot, with and without session binding.

mod common;

use common::{location, Db, PASSWORD};
use serde_json::json;
use techdeck_guard::token::{KeySet, Options, Request, Verifier};
use techdeck_keyserver::service::now;

#[tokio::test]
async fn core_verifier_accepts_server_tokens() {
    let h = location(Db::Sqlite).await.start().await;
    h.add_user("vera", "therapist", &["p1"]).await;
    let access = h.login("vera").await["access_token"].as_str().unwrap().to_string();
    let victim = h.login("vera").await["access_token"].as_str().unwrap().to_string();
    h.post_json("/v1/revoke", None, json!({ "token": victim })).await;

    let jwks = h.get("/.well-known/jwks.json").await.text;
    let keys = KeySet::from_jwks(&jwks).expect("the core parses the JWK Set");
    let mut verifier = Verifier::new(Options::new("techdeck-keyserver", "techdeck"), keys).unwrap();
    let snapshot = h.get("/v1/revocations").await.text;
    verifier.load_snapshot(&snapshot, now() as u64).expect("the core accepts the snapshot");
    let request = Request { now: now() as u64, ..Request::default() };
    let claims = verifier.verify_access(&access, &request).expect("the core accepts the access token");
    assert_eq!(claims.role, "therapist");
    let error = verifier.verify_access(&victim, &request).unwrap_err();
    assert_eq!(error.code().as_str(), "TOKEN_REVOKED");
    assert!(verifier.verify_access(&access, &request).is_ok());
}

#[tokio::test]
async fn core_verifier_checks_server_binding() {
    let h = location(Db::Sqlite).await.with("SESSION_BINDING", "true").start().await;
    h.add_user("will", "user", &[]).await;
    let body = json!({ "username": "will", "password": PASSWORD }).to_string();
    let login = axum::http::Request::post("/v1/login")
        .header("content-type", "application/json")
        .header("user-agent", "Browser/1")
        .body(axum::body::Body::from(body))
        .unwrap();
    let access = h.send(login).await.body["access_token"].as_str().unwrap().to_string();

    let keys = KeySet::from_jwks(&h.get("/.well-known/jwks.json").await.text).unwrap();
    let mut verifier = Verifier::new(Options::new("techdeck-keyserver", "techdeck"), keys).unwrap();
    verifier.load_snapshot(&h.get("/v1/revocations").await.text, now() as u64).unwrap();
    let good = Request { now: now() as u64, ip: Some("127.0.0.1"), user_agent: Some("Browser/1"), ..Request::default() };
    verifier.verify_access(&access, &good).expect("the binding matches");
    let other = Request { user_agent: Some("Other/2"), ..good };
    assert_eq!(verifier.verify_access(&access, &other).unwrap_err().code().as_str(), "TOKEN_SESSION_MISMATCH");
}
