//! The HTTP API: routes, request parsing and the response layers (security headers, CORS,
//! request ids, metrics and the request log).

mod layers;
mod metrics;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Path, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use crate::datakeys::DatasetAccess;
use crate::error::{ApiError, ErrorKind};
use crate::service::{Caller, KeyServer};
use crate::tokens::ClientContext;

pub use metrics::Metrics;

/// Largest request body accepted. Every request of this API is a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The OpenAPI document of this API.
const OPENAPI: &str = include_str!("../../openapi.json");

/// Shared state of the router.
#[derive(Clone)]
pub struct AppState {
    pub server: Arc<KeyServer>,
    pub metrics: Arc<Metrics>,
}

/// Builds the router with every route and layer.
pub fn router(server: Arc<KeyServer>) -> Router {
    let state = AppState { server, metrics: Arc::new(Metrics::default()) };
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::render))
        .route("/openapi.json", get(openapi))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/v1/login", post(login))
        .route("/v1/refresh", post(refresh))
        .route("/v1/revoke", post(revoke))
        .route("/v1/logout-all", post(logout_all))
        .route("/v1/introspect", post(introspect))
        .route("/v1/revocations", get(revocations))
        .route("/v1/datasets/{dataset_id}/keys", post(generate_data_key))
        .route("/v1/datasets/{dataset_id}/keys/{key_id}", axum::routing::delete(destroy_data_key))
        .route("/v1/datasets/{dataset_id}/keys/{key_id}/unwrap", post(unwrap_data_key))
        .route("/v1/datasets/{dataset_id}/keys/{key_id}/rewrap", post(rewrap_data_key))
        .route(
            "/v1/datasets/{dataset_id}/keys/{key_id}/conversations/{conversation_id}",
            post(conversation_key).delete(destroy_conversation_key),
        )
        .route("/v1/admin/signing-keys/rotate", post(rotate_signing_key))
        .route("/v1/admin/kek/rotate", post(rotate_kek))
        .route("/v1/admin/users/{user_id}/revoke-sessions", post(revoke_sessions))
        .route_layer(axum::middleware::from_fn(layers::mark_route))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(state.clone(), layers::rate_limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), layers::observe))
        .layer(axum::middleware::from_fn_with_state(state.clone(), layers::cors_and_headers))
        .with_state(state)
}

/// The caller's IP address and User-Agent, for rate limits and session binding.
pub struct Client(pub ClientContext);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client(client_context(parts)))
    }
}

fn client_context(parts: &Parts) -> ClientContext {
    ClientContext {
        ip: parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()),
        user_agent: parts.headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string),
    }
}

/// An authenticated caller from the `Authorization: Bearer` header.
pub struct Bearer(pub Caller);

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .ok_or_else(|| ApiError::new(ErrorKind::InvalidToken, "a Bearer access token is required"))?;
        let caller = state.server.authenticate(token.trim(), &client_context(parts)).await?;
        state
            .server
            .limiter
            .enforce(&format!("default:user:{}", caller.user_id), state.server.config.rate_limits.default)
            .await?;
        Ok(Bearer(caller))
    }
}

/// Parses a JSON or `application/x-www-form-urlencoded` body, as RFC 7009 and RFC 7662 allow.
fn parse_body<T: DeserializeOwned>(headers: &HeaderMap, body: &Bytes) -> Result<T, ApiError> {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let parsed = if content_type.starts_with("application/x-www-form-urlencoded") {
        serde_urlencoded::from_bytes(body).map_err(|_| ())
    } else if content_type.starts_with("application/json") {
        serde_json::from_slice(body).map_err(|_| ())
    } else {
        return Err(ApiError::new(
            ErrorKind::InvalidRequest,
            "the body must be application/json or application/x-www-form-urlencoded",
        ));
    };
    parsed.map_err(|_| {
        ApiError::new(ErrorKind::InvalidRequest, "the request body has missing or invalid fields")
    })
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.server.store.ping().await {
        Ok(()) => Json(json!({ "status": "ok" })).into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "database unavailable" })))
            .into_response(),
    }
}

async fn openapi() -> Response {
    ([(CONTENT_TYPE, HeaderValue::from_static("application/json"))], OPENAPI).into_response()
}

async fn jwks(State(state): State<AppState>) -> Response {
    let mut response = Json(state.server.keyring.jwks()).into_response();
    response.headers_mut().insert("cache-control", HeaderValue::from_static("public, max-age=60"));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/jwk-set+json"));
    response
}

#[derive(Deserialize)]
struct LoginRequest {
    username: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let request: LoginRequest = parse_body(&headers, &body)?;
        state.server.login(&request.username, &request.password, &client).await
    }
    .await;
    result.map(Json).into_response()
}

#[derive(Deserialize)]
struct RefreshRequest {
    refresh_token: String,
    grant_type: Option<String>,
}

async fn refresh(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let request: RefreshRequest = parse_body(&headers, &body)?;
        if request.grant_type.as_deref().is_some_and(|g| g != "refresh_token") {
            return Err(ApiError::new(ErrorKind::InvalidRequest, "grant_type must be refresh_token"));
        }
        state.server.refresh(&request.refresh_token, &client).await
    }
    .await;
    result.map(Json).into_response()
}

#[derive(Deserialize)]
struct RevokeRequest {
    token: Option<String>,
    jti: Option<String>,
    #[allow(dead_code)]
    token_type_hint: Option<String>,
}

async fn revoke(State(state): State<AppState>, mut parts: Parts, body: Bytes) -> Result<Response, ApiError> {
    let request: RevokeRequest = parse_body(&parts.headers, &body)?;
    match (request.token, request.jti) {
        (Some(token), None) => {
            state.server.revoke_token(&token, "token_holder").await?;
        }
        (None, Some(jti)) => {
            let Bearer(caller) = Bearer::from_request_parts(&mut parts, &state).await?;
            state.server.revoke_jti(&caller, &jti).await?;
        }
        _ => return Err(ApiError::new(ErrorKind::InvalidRequest, "send exactly one of token and jti")),
    }
    Ok(StatusCode::OK.into_response())
}

async fn logout_all(State(state): State<AppState>, Bearer(caller): Bearer) -> Result<StatusCode, ApiError> {
    let user_id = caller.user_id.clone();
    state.server.log_out_everywhere(&caller, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct IntrospectRequest {
    token: String,
}

async fn introspect(
    State(state): State<AppState>,
    Bearer(_caller): Bearer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: IntrospectRequest = parse_body(&headers, &body)?;
    Ok(Json(state.server.introspect(&request.token).await?).into_response())
}

async fn revocations(State(state): State<AppState>) -> Result<Response, ApiError> {
    let jws = state.server.revocation_snapshot().await?;
    Ok(([(CONTENT_TYPE, HeaderValue::from_static("application/jwt"))], jws).into_response())
}

fn require_admin(caller: &Caller) -> Result<(), ApiError> {
    if caller.role == "admin" {
        Ok(())
    } else {
        Err(ApiError::new(ErrorKind::Forbidden, "this endpoint needs the admin role"))
    }
}

async fn rotate_signing_key(
    State(state): State<AppState>,
    Bearer(caller): Bearer,
) -> Result<Response, ApiError> {
    require_admin(&caller)?;
    let kid = state.server.rotate_signing_key(&caller.user_id).await?;
    Ok(Json(json!({ "kid": kid })).into_response())
}

async fn revoke_sessions(
    State(state): State<AppState>,
    Bearer(caller): Bearer,
    Path(user_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    require_admin(&caller)?;
    state.server.log_out_everywhere(&caller, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn generate_data_key(
    State(state): State<AppState>,
    Bearer(caller): Bearer,
    Path(dataset_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let access: DatasetAccess =
        if body.is_empty() { DatasetAccess::default() } else { parse_body(&headers, &body)? };
    let created = state.server.generate_data_key(&caller, &dataset_id, access).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn unwrap_data_key(
    State(state): State<AppState>,
    Bearer(caller): Bearer,
    Path((dataset_id, key_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.server.unwrap_data_key(&caller, &dataset_id, &key_id).await?).into_response())
}

async fn rewrap_data_key(
    State(state): State<AppState>,
    Bearer(caller): Bearer,
    Path((dataset_id, key_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.server.rewrap_data_key(&caller, &dataset_id, &key_id).await?).into_response())
}

async fn destroy_data_key(
    State(state): State<AppState>,
    Bearer(caller): Bearer,
    Path((dataset_id, key_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.server.destroy_data_key(&caller, &dataset_id, &key_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn conversation_key(
    State(state): State<AppState>,
    Bearer(caller): Bearer,
    Path((dataset_id, key_id, conversation_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.server.conversation_key(&caller, &dataset_id, &key_id, &conversation_id).await?)
        .into_response())
}

async fn destroy_conversation_key(
    State(state): State<AppState>,
    Bearer(caller): Bearer,
    Path((dataset_id, _key_id, conversation_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    state.server.destroy_conversation_key(&caller, &dataset_id, &conversation_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct KekRotateRequest {
    #[serde(default)]
    rewrap_all: bool,
    min_decrypt_version: Option<u32>,
}

async fn rotate_kek(
    State(state): State<AppState>,
    Bearer(caller): Bearer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: KekRotateRequest =
        if body.is_empty() { KekRotateRequest::default() } else { parse_body(&headers, &body)? };
    let rotated = state.server.rotate_kek(&caller, request.rewrap_all, request.min_decrypt_version).await?;
    Ok(Json(rotated).into_response())
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(ErrorKind::MethodNotAllowed, "this route does not accept this method; see /openapi.json")
}

async fn not_found() -> ApiError {
    ApiError::new(ErrorKind::NotFound, "no such endpoint; see /openapi.json")
}
