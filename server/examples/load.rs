//! Load generator for a running key server on loopback.
//!
//! Run by `bench/keyserver.sh`, which starts the server and creates the users:
//!
//! ```text
//! cargo run --profile bench-server -p techdeck-keyserver --example load -- \
//!     BASE_URL PASSWORD USER_PREFIX USERS SECONDS CONCURRENCY
//! ```
//!
//! Each scenario runs for SECONDS with CONCURRENCY requests in flight and prints one Markdown
//! table row: requests per second and latency percentiles. `GET /healthz` (one database ping)
//! is the anchor, measured in the same run against the same server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

type HttpClient = Client<HttpConnector, Full<Bytes>>;

struct Setup {
    base: String,
    password: String,
    prefix: String,
    users: usize,
    seconds: u64,
    concurrency: usize,
}

#[derive(Clone, Copy)]
enum Scenario {
    Health,
    Login,
    Refresh,
    Introspect,
    Snapshot,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Health => "anchor: GET /healthz",
            Scenario::Login => "login (Argon2id)",
            Scenario::Refresh => "refresh (token issuance)",
            Scenario::Introspect => "introspection",
            Scenario::Snapshot => "revocation snapshot",
        }
    }
}

async fn call(
    client: &HttpClient,
    method: &str,
    url: &str,
    bearer: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut builder = hyper::Request::builder().method(method).uri(url);
    if body.is_some() {
        builder = builder.header("content-type", "application/json");
    }
    if let Some(token) = bearer {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    let payload = body.map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
    let response =
        client.request(builder.body(Full::new(payload)).unwrap()).await.expect("the server responds");
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.expect("the body arrives").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn login(client: &HttpClient, setup: &Setup, user: usize) -> Value {
    let body = json!({ "username": format!("{}{user}", setup.prefix), "password": setup.password });
    let (status, pair) = call(client, "POST", &format!("{}/v1/login", setup.base), None, Some(&body)).await;
    assert_eq!(status, 200, "login failed: {pair}");
    pair
}

/// Runs one worker until `deadline` and returns its latencies in microseconds.
async fn worker(
    client: HttpClient,
    setup: Arc<Setup>,
    scenario: Scenario,
    index: usize,
    deadline: Instant,
) -> Vec<u64> {
    let user = index % setup.users;
    let mut state = match scenario {
        Scenario::Refresh | Scenario::Introspect => Some(login(&client, &setup, user).await),
        _ => None,
    };
    let mut latencies = Vec::new();
    while Instant::now() < deadline {
        let started = Instant::now();
        let status = match scenario {
            Scenario::Health => call(&client, "GET", &format!("{}/healthz", setup.base), None, None).await.0,
            Scenario::Snapshot => {
                call(&client, "GET", &format!("{}/v1/revocations", setup.base), None, None).await.0
            }
            Scenario::Login => login(&client, &setup, user).await.get("access_token").map_or(500, |_| 200),
            Scenario::Refresh => {
                let pair = state.as_ref().unwrap();
                let body = json!({ "refresh_token": pair["refresh_token"] });
                let (status, next) =
                    call(&client, "POST", &format!("{}/v1/refresh", setup.base), None, Some(&body)).await;
                state = Some(next);
                status
            }
            Scenario::Introspect => {
                let token = state.as_ref().unwrap()["access_token"].as_str().unwrap().to_string();
                let body = json!({ "token": token });
                call(&client, "POST", &format!("{}/v1/introspect", setup.base), Some(&token), Some(&body))
                    .await
                    .0
            }
        };
        assert_eq!(status, 200, "{} request failed", scenario.name());
        latencies.push(started.elapsed().as_micros() as u64);
    }
    latencies
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1000.0
}

async fn run(setup: Arc<Setup>, scenario: Scenario, concurrency: usize, seconds: u64) -> f64 {
    let client: HttpClient =
        Client::builder(TokioExecutor::new()).pool_max_idle_per_host(concurrency).build_http();
    // Logins for the per-worker state happen before the clock starts.
    let deadline = Instant::now() + Duration::from_secs(seconds) + Duration::from_millis(500);
    let started = Instant::now() + Duration::from_millis(500);
    let tasks: Vec<_> = (0..concurrency)
        .map(|i| tokio::spawn(worker(client.clone(), setup.clone(), scenario, i, deadline)))
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("worker finished"));
    }
    let elapsed = deadline.saturating_duration_since(started).as_secs_f64();
    latencies.sort_unstable();
    let rate = latencies.len() as f64 / elapsed;
    println!(
        "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} |",
        scenario.name(),
        concurrency,
        latencies.len(),
        rate,
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.9),
        percentile(&latencies, 0.99)
    );
    rate
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 6 {
        eprintln!("usage: load BASE_URL PASSWORD USER_PREFIX USERS SECONDS CONCURRENCY");
        std::process::exit(2);
    }
    let setup = Arc::new(Setup {
        base: args[0].clone(),
        password: args[1].clone(),
        prefix: args[2].clone(),
        users: args[3].parse().expect("USERS is a number"),
        seconds: args[4].parse().expect("SECONDS is a number"),
        concurrency: args[5].parse().expect("CONCURRENCY is a number"),
    });
    println!("| scenario | concurrency | requests | req/s | p50 ms | p90 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let c = setup.concurrency;
    let s = setup.seconds;
    let anchor = run(setup.clone(), Scenario::Health, c, s).await;
    for scenario in [Scenario::Refresh, Scenario::Introspect, Scenario::Snapshot] {
        let rate = run(setup.clone(), scenario, c, s).await;
        eprintln!("{}: {:.2} x the anchor", scenario.name(), rate / anchor);
    }
    run(setup.clone(), Scenario::Login, 2, s).await;
}
