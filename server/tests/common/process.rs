//! The server binary as a child process, and a small HTTP client for it.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use super::Location;

pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

pub fn http_client() -> HttpClient {
    Client::builder(TokioExecutor::new()).pool_max_idle_per_host(64).build_http()
}

/// Returns a loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `techdeck-keyserver serve`.
pub struct ServerProcess {
    pub child: Child,
    pub base: String,
}

impl ServerProcess {
    /// Starts the binary on `port` with the location's variables and waits for `/healthz`.
    pub async fn start(place: &Location, port: u16, extra: &[(&str, &str)]) -> ServerProcess {
        let mut command = Command::new(env!("CARGO_BIN_EXE_techdeck-keyserver"));
        command
            .arg("serve")
            .env_clear()
            .env("KEYSERVER_LOG", "warn")
            .env("KEYSERVER_BIND", format!("127.0.0.1:{port}"));
        for (name, value) in place.vars() {
            command.env(name, value);
        }
        for (name, value) in extra {
            command.env(name, value);
        }
        let child =
            command.stdout(Stdio::null()).stderr(Stdio::inherit()).spawn().expect("the server binary starts");
        let server = ServerProcess { child, base: format!("http://127.0.0.1:{port}") };
        let client = http_client();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok((200, _)) = get(&client, &format!("{}/healthz", server.base)).await {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not answer /healthz within 30 s");
    }

    /// Kills the process with SIGKILL, as a crash would.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn send(client: &HttpClient, request: hyper::Request<Full<Bytes>>) -> Result<(u16, Value), String> {
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into())),
    ))
}

pub async fn get(client: &HttpClient, url: &str) -> Result<(u16, Value), String> {
    send(client, hyper::Request::get(url).body(Full::new(Bytes::new())).unwrap()).await
}

pub async fn post(
    client: &HttpClient,
    url: &str,
    bearer: Option<&str>,
    body: &Value,
) -> Result<(u16, Value), String> {
    let mut builder = hyper::Request::post(url).header("content-type", "application/json");
    if let Some(token) = bearer {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    send(client, builder.body(Full::new(Bytes::from(body.to_string()))).unwrap()).await
}
