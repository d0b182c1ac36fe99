//! Upload and request validation for clinical conversation datasets, built to run the same way
//! natively, in browsers, in Node and in Cloudflare Workers.
//!
//! The core is plain Rust with no JavaScript types:
//!
//! - [`dataset`] reads CSV, JSON, JSONL and Parquet chunk by chunk and reports every value with
//!   its location, so a large file is never held in memory twice;
//! - [`validate`] checks an upload (size, name, type, structure, active content, formula
//!   injection, embedded secrets) and returns a [`Report`];
//! - [`request`] checks an API request against a rule table that a deployment supplies as JSON;
//! - [`phi`] finds the HIPAA Safe Harbor identifiers in text;
//! - [`deid`] scans datasets for them and writes de-identified copies in the same format;
//! - [`seal`] encrypts datasets in authenticated chunks;
//! - [`token`] verifies access tokens and the signed revocation snapshot;
//! - [`access`] decides what a role may do on a resource;
//! - [`threat`] scores a request's fields for attack signatures;
//! - [`compliance`] checks a request against the HIPAA rules of the pipeline;
//! - [`guard`] runs all of these on one request at the edge and returns an HTTP decision.
//!
//! The `wasm` module, compiled only for `wasm32`, is the single JavaScript boundary: it converts
//! values, calls the core and turns every [`Error`] into a thrown `GuardError` with a stable code.
//!
//! # Untrusted input
//!
//! Every entry point takes attacker-controlled bytes. Limits are named constants in [`limits`]
//! and are checked before parsing. The regex engine runs in linear time. No function panics on
//! bad input: bad input is either a finding in a report or an [`Error`].

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod access;
mod b64;
pub mod compliance;
pub mod dataset;
pub mod deid;
mod error;
#[cfg(feature = "tokens")]
pub mod guard;
pub mod limits;
pub mod phi;
mod report;
pub mod request;
pub mod seal;
pub mod text;
pub mod threat;
#[cfg(feature = "tokens")]
pub mod token;
pub mod validate;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{Error, ErrorCode};
pub use report::{Code, Finding, Location, Report, Severity, Stats};
