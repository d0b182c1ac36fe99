//! Layers around every route: security headers and CORS, request ids with the request log and
//! metrics, and the per-IP rate limit.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::{ORIGIN, VARY};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::tokens::canonical_ip;

/// The request id header, accepted from the caller when well formed and always returned.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Maximum length of a request id accepted from a caller, in bytes.
const MAX_REQUEST_ID_BYTES: usize = 64;

/// Security headers of the specification, on every response. The content security policy is
/// stricter than the specification's page policy because this server returns only JSON and
/// JWTs, never a page.
const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("x-xss-protection", "1; mode=block"),
    ("strict-transport-security", "max-age=31536000; includeSubDomains"),
    ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("cache-control", "no-store"),
];

/// Responds to CORS preflights for the configured TechDeck origin, adds CORS headers to its
/// requests and the security headers to every response.
pub async fn cors_and_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let allowed = state.server.config.cors_origin.as_deref();
    let origin = request.headers().get(ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_string);
    let cors_origin = origin.filter(|o| Some(o.as_str()) == allowed);
    let preflight = request.method() == Method::OPTIONS;

    let mut response = if preflight {
        if cors_origin.is_some() { StatusCode::NO_CONTENT } else { StatusCode::FORBIDDEN }.into_response()
    } else {
        next.run(request).await
    };

    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        if !headers.contains_key(*name) {
            headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
        }
    }
    headers.append(VARY, HeaderValue::from_static("origin"));
    if let Some(origin) = cors_origin.and_then(|o| HeaderValue::from_str(&o).ok()) {
        headers.insert("access-control-allow-origin", origin);
        headers
            .insert("access-control-expose-headers", HeaderValue::from_static("x-request-id, retry-after"));
        if preflight {
            headers.insert(
                "access-control-allow-methods",
                HeaderValue::from_static("GET, POST, DELETE, OPTIONS"),
            );
            headers.insert(
                "access-control-allow-headers",
                HeaderValue::from_static("authorization, content-type, x-request-id"),
            );
            headers.insert("access-control-max-age", HeaderValue::from_static("600"));
        }
    }
    response
}

fn well_formed_request_id(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let ok = !text.is_empty()
        && text.len() <= MAX_REQUEST_ID_BYTES
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    ok.then(|| text.to_string())
}

/// Assigns a request id, logs one structured line per request and counts it in the metrics.
/// The log line has the route template, never the raw path, query, headers or body.
pub async fn observe(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(well_formed_request_id)
        .unwrap_or_else(crate::keys::random_id);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        request.headers_mut().insert(REQUEST_ID, value);
    }
    let method = request.method().clone();

    let mut response = next.run(request).await;

    let route = response
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());

    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    state.metrics.record(&route, status, elapsed);
    tracing::info!(
        request_id = %request_id,
        method = %method,
        route = %route,
        status,
        duration_us = elapsed.as_micros() as u64,
        "request"
    );
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// Copies the matched route template into the response, where [`observe`], which runs
/// before routing, can read it.
pub async fn mark_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(route);
    }
    response
}

/// Applies the default rate limit per client IP to every `/v1` route.
pub async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/v1/") {
        if let Some(ConnectInfo(address)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
            let key = format!("default:ip:{}", canonical_ip(address.ip()));
            if let Err(error) =
                state.server.limiter.enforce(&key, state.server.config.rate_limits.default).await
            {
                return error.into_response();
            }
        }
    }
    next.run(request).await
}
