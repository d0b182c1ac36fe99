//! Structured JSON logs through `tracing`, one object per line on standard error.
//!
//! Log events carry ids (request, user, family, key) and never a token, key, password or
//! record content; `tests/logs.rs` checks that on a full flow.

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// Builds the JSON subscriber that the server installs, writing to `writer`. `filter` uses
/// the `EnvFilter` syntax, such as `info` or `techdeck_keyserver=debug`.
pub fn subscriber<W>(filter: &str, writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .json()
        .with_current_span(false)
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(writer)
        .finish()
}
