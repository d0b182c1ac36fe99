//! `techdeck-keyserver`: the native key server of techdeck-guard.
//!
//! It issues the access tokens that the Wasm verifier checks, rotates refresh tokens, revokes
//! tokens and publishes a signed revocation snapshot for edges, and keeps an audit log as a
//! hash chain. Data lives in a SQLite file by default, or in PostgreSQL when `DATABASE_URL` is
//! set. `README.md` lists the environment variables.

pub mod audit;
pub mod config;
pub mod datakeys;
pub mod error;
pub mod http;
pub mod keys;
pub mod logging;
pub mod ratelimit;
pub mod service;
pub mod store;
pub mod tokens;

pub use config::Config;
pub use error::{ApiError, ErrorKind};
pub use service::KeyServer;
