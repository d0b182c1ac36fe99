//! Errors as HTTP responses: a status, a stable code and a message safe to show a client.
//!
//! Codes are SCREAMING_SNAKE strings like the core crate's `ErrorCode`. Messages never contain
//! a token, key, password or record content; the server log gets the detail of internal
//! failures instead.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// The kinds of failure a client can see. Each has one status and one code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request body or a parameter is malformed.
    InvalidRequest,
    /// The user name or password is wrong, or the account is disabled.
    InvalidCredentials,
    /// A bearer or refresh token is missing, malformed, expired, revoked or not signed by us.
    InvalidToken,
    /// A refresh token that was already rotated came back, so its family is revoked.
    RefreshReused,
    /// The caller is authenticated but its role or assignments do not allow the action.
    Forbidden,
    /// The resource does not exist (or was destroyed).
    NotFound,
    /// The route exists but not for this HTTP method.
    MethodNotAllowed,
    /// The resource exists already.
    Conflict,
    /// A rate limit is exhausted.
    RateLimited,
    /// The server failed; the log has the detail.
    Internal,
}

impl ErrorKind {
    /// Returns the stable code string.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "INVALID_REQUEST",
            ErrorKind::InvalidCredentials => "INVALID_CREDENTIALS",
            ErrorKind::InvalidToken => "INVALID_TOKEN",
            ErrorKind::RefreshReused => "REFRESH_TOKEN_REUSED",
            ErrorKind::Forbidden => "FORBIDDEN",
            ErrorKind::NotFound => "NOT_FOUND",
            ErrorKind::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ErrorKind::Conflict => "CONFLICT",
            ErrorKind::RateLimited => "RATE_LIMITED",
            ErrorKind::Internal => "INTERNAL",
        }
    }

    /// Returns the HTTP status of this kind.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::InvalidRequest => StatusCode::BAD_REQUEST,
            ErrorKind::InvalidCredentials | ErrorKind::InvalidToken | ErrorKind::RefreshReused => {
                StatusCode::UNAUTHORIZED
            }
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An error that becomes a JSON response `{"error": {"code", "message"}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    kind: ErrorKind,
    message: String,
    retry_after: Option<u64>,
}

impl ApiError {
    /// Creates an error of `kind` with a client-safe message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError { kind, message: message.into(), retry_after: None }
    }

    /// Creates a `RATE_LIMITED` error with the `Retry-After` delay in seconds.
    pub fn rate_limited(retry_after: u64) -> Self {
        ApiError {
            kind: ErrorKind::RateLimited,
            message: format!("too many requests; retry after {retry_after} s"),
            retry_after: Some(retry_after),
        }
    }

    /// Returns the kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Returns the client-safe message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.kind.code(), "message": self.message } });
        let mut response = (self.kind.status(), Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert("retry-after", HeaderValue::from(seconds));
        }
        if self.kind.status() == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert("www-authenticate", HeaderValue::from_static("Bearer"));
        }
        response
    }
}
