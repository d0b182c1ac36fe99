//! Test harness: a key server on a fresh SQLite file or a fresh PostgreSQL schema, and helpers
//! that send requests through the router without a network.
//!
//! PostgreSQL tests use `KEYSERVER_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and fail, not skip, when it is unreachable.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::Router;
use base64::Engine;
use http_body_util::BodyExt;
use serde_json::Value;
use techdeck_keyserver::{Config, KeyServer};
use tower::ServiceExt;

pub mod process;

pub const PASSWORD: &str = "correct horse battery staple";

/// The database a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Where one test's data lives, so a second instance can open the same data.
#[derive(Clone, Debug)]
pub struct Location {
    vars: HashMap<String, String>,
    _dir: Option<Arc<TempDir>>,
}

/// A directory removed when the last reference goes.
#[derive(Debug)]
pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn postgres_base_url() -> String {
    std::env::var("KEYSERVER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn unique_name(prefix: &str) -> String {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).unwrap();
    format!("{prefix}_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Creates a fresh data location on `db`.
pub async fn location(db: Db) -> Location {
    let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
    let mut vars = HashMap::new();
    vars.insert(
        "ENCRYPTION_MASTER_KEY".to_string(),
        base64::engine::general_purpose::STANDARD.encode([7u8; 32]),
    );
    match db {
        Db::Sqlite => {
            let dir = std::env::temp_dir().join(unique_name("keyserver-test"));
            std::fs::create_dir_all(&dir).unwrap();
            vars.insert("KEYSERVER_SQLITE_PATH".into(), dir.join("keys.db").display().to_string());
            Location { vars, _dir: Some(Arc::new(TempDir(dir))) }
        }
        Db::Postgres => {
            let base = postgres_base_url();
            let schema = unique_name("kstest");
            let pool =
                sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(&base).await.unwrap_or_else(
                    |e| {
                        panic!(
                            "PostgreSQL is not reachable at {base} ({e}); start it with scripts/services.sh \
                     or set KEYSERVER_TEST_POSTGRES_URL"
                        )
                    },
                );
            sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&pool).await.unwrap();
            let separator = if base.contains('?') { '&' } else { '?' };
            vars.insert(
                "DATABASE_URL".into(),
                format!("{base}{separator}options=-c%20search_path%3D{schema}"),
            );
            Location { vars, _dir: None }
        }
    }
}

impl Location {
    /// Returns a copy with one more variable set.
    pub fn with(&self, name: &str, value: &str) -> Location {
        let mut copy = self.clone();
        copy.vars.insert(name.into(), value.into());
        copy
    }

    /// Returns the environment variables of this location.
    pub fn vars(&self) -> &HashMap<String, String> {
        &self.vars
    }

    pub fn config(&self) -> Config {
        let vars = self.vars.clone();
        Config::from_lookup(&move |name| vars.get(name).cloned()).expect("test configuration is valid")
    }

    pub async fn start(&self) -> Harness {
        let server = KeyServer::start(self.config()).await.expect("key server starts");
        Harness { router: techdeck_keyserver::http::router(server.clone()), server, location: self.clone() }
    }
}

/// A running key server and its router.
pub struct Harness {
    pub server: Arc<KeyServer>,
    pub router: Router,
    /// Keeps the SQLite directory alive as long as the server.
    pub location: Location,
}

/// A response's status, headers and body as JSON (or the raw text under "text").
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Harness {
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let mut request = request;
        if request.extensions().get::<ConnectInfo<SocketAddr>>().is_none() {
            request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        }
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, headers, body, text }
    }

    pub async fn post_json(&self, path: &str, bearer: Option<&str>, body: Value) -> Reply {
        let mut builder = Request::post(path).header("content-type", "application/json");
        if let Some(token) = bearer {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        self.send(builder.body(Body::from(body.to_string())).unwrap()).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn add_user(&self, username: &str, role: &str, patients: &[&str]) -> String {
        let patients: Vec<String> = patients.iter().map(|p| p.to_string()).collect();
        self.server.add_user("test", username, PASSWORD, role, &patients).await.unwrap()
    }

    pub async fn login(&self, username: &str) -> Value {
        let reply = self
            .post_json("/v1/login", None, serde_json::json!({ "username": username, "password": PASSWORD }))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "login failed: {}", reply.text);
        reply.body
    }

    pub async fn introspect(&self, bearer: &str, token: &str) -> Value {
        let reply =
            self.post_json("/v1/introspect", Some(bearer), serde_json::json!({ "token": token })).await;
        assert_eq!(reply.status, StatusCode::OK, "introspect failed: {}", reply.text);
        reply.body
    }
}

/// Decodes the header and payload of a compact JWS without checking it.
pub fn jws_parts(token: &str) -> (Value, Value) {
    let mut parts = token.split('.');
    let decode = |p: &str| -> Value {
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
    };
    let header = decode(parts.next().unwrap());
    let payload = decode(parts.next().unwrap());
    (header, payload)
}

/// Defines one test per backend from an async function taking a [`Db`].
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name(super::common::Db::Sqlite).await }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name(super::common::Db::Postgres).await }
            )*
        }
    };
}
