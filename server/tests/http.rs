//! The HTTP surface: security headers, CORS, request ids, JSON errors, health, metrics and the
//! OpenAPI document.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{location, Db};
use serde_json::json;

const ORIGIN: &str = "https://techdeck.example";

async fn harness() -> common::Harness {
    location(Db::Sqlite).await.with("TECHDECK_ORIGIN", ORIGIN).start().await
}

#[tokio::test]
async fn every_response_has_security_headers() {
    let h = harness().await;
    for reply in
        [h.get("/healthz").await, h.get("/nope").await, h.post_json("/v1/login", None, json!({})).await]
    {
        assert_eq!(reply.headers["x-content-type-options"], "nosniff");
        assert_eq!(reply.headers["x-frame-options"], "DENY");
        assert_eq!(reply.headers["x-xss-protection"], "1; mode=block");
        assert_eq!(reply.headers["strict-transport-security"], "max-age=31536000; includeSubDomains");
        assert_eq!(reply.headers["content-security-policy"], "default-src 'none'; frame-ancestors 'none'");
        assert_eq!(reply.headers["referrer-policy"], "strict-origin-when-cross-origin");
        assert_eq!(reply.headers["cache-control"], "no-store");
        assert!(reply.headers.contains_key("x-request-id"));
    }
}

#[tokio::test]
async fn errors_are_json_with_codes() {
    let h = harness().await;
    let missing = h.get("/nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body["error"]["code"], "NOT_FOUND");

    let wrong_method = h.get("/v1/login").await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.body["error"]["code"], "METHOD_NOT_ALLOWED");

    let bad = h.post_json("/v1/login", None, json!({ "username": "x" })).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body["error"]["code"], "INVALID_REQUEST");

    let text =
        Request::post("/v1/login").header("content-type", "text/plain").body(Body::from("hi")).unwrap();
    assert_eq!(h.send(text).await.body["error"]["code"], "INVALID_REQUEST");

    let no_bearer = h.post_json("/v1/logout-all", None, json!({})).await;
    assert_eq!(no_bearer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_bearer.body["error"]["code"], "INVALID_TOKEN");
    assert_eq!(no_bearer.headers["www-authenticate"], "Bearer");

    let huge = "x".repeat(100 * 1024);
    let too_big = h.post_json("/v1/login", None, json!({ "username": huge, "password": "y" })).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn cors_allows_only_configured_origin() {
    let h = harness().await;
    let preflight = Request::options("/v1/login")
        .header("origin", ORIGIN)
        .header("access-control-request-method", "POST")
        .body(Body::empty())
        .unwrap();
    let reply = h.send(preflight).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(reply.headers["access-control-allow-origin"], ORIGIN);
    assert!(reply.headers["access-control-allow-headers"].to_str().unwrap().contains("authorization"));

    let foreign = Request::options("/v1/login")
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .body(Body::empty())
        .unwrap();
    let reply = h.send(foreign).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(!reply.headers.contains_key("access-control-allow-origin"));

    let simple = Request::get("/.well-known/jwks.json").header("origin", ORIGIN).body(Body::empty()).unwrap();
    let reply = h.send(simple).await;
    assert_eq!(reply.headers["access-control-allow-origin"], ORIGIN);
    assert_eq!(reply.headers["content-type"], "application/jwk-set+json");
}

#[tokio::test]
async fn request_id_is_kept_or_made() {
    let h = harness().await;
    let given = Request::get("/healthz").header("x-request-id", "abc-123").body(Body::empty()).unwrap();
    assert_eq!(h.send(given).await.headers["x-request-id"], "abc-123");
    let hostile = Request::get("/healthz").header("x-request-id", "a b\"c").body(Body::empty()).unwrap();
    let made = h.send(hostile).await.headers["x-request-id"].to_str().unwrap().to_string();
    assert_ne!(made, "a b\"c");
    assert_eq!(made.len(), 22);
}

#[tokio::test]
async fn health_metrics_and_openapi_are_served() {
    let h = harness().await;
    let health = h.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.body, json!({ "status": "ok" }));

    h.get("/.well-known/jwks.json").await;
    let metrics = h.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics.text.contains("keyserver_requests_total{route=\"/healthz\",status=\"200\"} 1"),
        "{}",
        metrics.text
    );
    assert!(metrics
        .text
        .contains("keyserver_requests_total{route=\"/.well-known/jwks.json\",status=\"200\"} 1"));

    let openapi = h.get("/openapi.json").await;
    assert_eq!(openapi.body["openapi"], "3.1.0");
    let paths = openapi.body["paths"].as_object().expect("paths");
    for path in [
        "/v1/login",
        "/v1/refresh",
        "/v1/revoke",
        "/v1/logout-all",
        "/v1/introspect",
        "/v1/revocations",
        "/.well-known/jwks.json",
        "/v1/datasets/{dataset_id}/keys",
        "/v1/datasets/{dataset_id}/keys/{key_id}",
        "/v1/datasets/{dataset_id}/keys/{key_id}/unwrap",
        "/v1/datasets/{dataset_id}/keys/{key_id}/rewrap",
        "/v1/datasets/{dataset_id}/keys/{key_id}/conversations/{conversation_id}",
        "/v1/admin/signing-keys/rotate",
        "/v1/admin/kek/rotate",
        "/v1/admin/users/{user_id}/revoke-sessions",
        "/healthz",
        "/metrics",
    ] {
        assert!(paths.contains_key(path), "the OpenAPI document lacks {path}");
    }
}

#[tokio::test]
async fn default_rate_limit_applies_per_ip() {
    let h = location(Db::Sqlite).await.with("RATE_LIMIT_DEFAULT", "2/minute").start().await;
    assert_eq!(h.get("/v1/revocations").await.status, StatusCode::OK);
    assert_eq!(h.get("/v1/revocations").await.status, StatusCode::OK);
    let limited = h.get("/v1/revocations").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key("retry-after"));
    assert_eq!(h.get("/healthz").await.status, StatusCode::OK, "health checks are not limited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_rate_limit_is_shared() {
    let url = std::env::var("KEYSERVER_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let limiter = techdeck_keyserver::ratelimit::Limiter::redis(&url)
        .await
        .unwrap_or_else(|e| panic!("Redis is not reachable at {url} ({e}); start it with scripts/services.sh or set KEYSERVER_TEST_REDIS_URL"));
    let other = techdeck_keyserver::ratelimit::Limiter::redis(&url).await.unwrap();
    let rate = techdeck_keyserver::config::Rate { count: 3, period: std::time::Duration::from_secs(60) };
    let key = common::unique_name("test");
    for limiter in [&limiter, &other, &limiter] {
        limiter.enforce(&key, rate).await.expect("within the burst");
    }
    let error = other.enforce(&key, rate).await.expect_err("the fourth request in a minute is rejected");
    assert_eq!(error.kind(), techdeck_keyserver::ErrorKind::RateLimited);
}
