//! Prometheus metrics in the text exposition format: request counts by route and status, and
//! request duration sums by route.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};

use super::AppState;

#[derive(Default)]
struct Counts {
    requests: BTreeMap<(String, u16), u64>,
    seconds: BTreeMap<String, f64>,
}

/// Counters shared by every request.
#[derive(Default)]
pub struct Metrics {
    counts: Mutex<Counts>,
}

impl Metrics {
    /// Counts one request.
    pub fn record(&self, route: &str, status: u16, elapsed: Duration) {
        let mut counts = self.counts.lock().expect("metrics lock");
        *counts.requests.entry((route.to_string(), status)).or_default() += 1;
        *counts.seconds.entry(route.to_string()).or_default() += elapsed.as_secs_f64();
    }

    fn render_text(&self) -> String {
        let counts = self.counts.lock().expect("metrics lock");
        let mut out = String::new();
        out.push_str("# HELP keyserver_requests_total Requests answered, by route template and status.\n");
        out.push_str("# TYPE keyserver_requests_total counter\n");
        for ((route, status), n) in &counts.requests {
            let _ = writeln!(out, "keyserver_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}");
        }
        out.push_str(
            "# HELP keyserver_request_seconds_total Time spent answering requests, by route template.\n",
        );
        out.push_str("# TYPE keyserver_request_seconds_total counter\n");
        for (route, seconds) in &counts.seconds {
            let _ = writeln!(out, "keyserver_request_seconds_total{{route=\"{route}\"}} {seconds}");
        }
        out
    }
}

/// Serves the metrics.
pub async fn render(State(state): State<AppState>) -> Response {
    let content_type = HeaderValue::from_static("text/plain; version=0.0.4");
    ([(CONTENT_TYPE, content_type)], state.metrics.render_text()).into_response()
}
