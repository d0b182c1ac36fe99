//! The error type of every fallible entry point.
//!
//! Bad *data* (a ragged CSV row, a script tag, a leaked key) is a [`Finding`](crate::Finding) in
//! a report, not an error. An [`Error`] means the call itself could not be carried out: invalid
//! options, an invalid rule table, a request larger than the limit, or a call out of order.

use std::fmt;

/// Stable, machine-readable error codes, shared by Rust, the JavaScript `GuardError.code` and
/// the CLI's JSON output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// An option has a wrong type or a value outside its allowed range.
    InvalidOptions,
    /// An argument passed from JavaScript has the wrong type.
    InvalidArgument,
    /// A request rule table is not valid JSON of the expected shape.
    InvalidRules,
    /// A rule pattern does not compile or exceeds its size limit.
    InvalidPattern,
    /// An input is larger than the named limit for it.
    InputTooLarge,
    /// A request body is not valid JSON.
    InvalidJson,
    /// A streaming validator was used after `finish`.
    AlreadyFinished,
    /// The endpoint has no rules, so a deny-by-default table rejects it.
    UnknownEndpoint,
    /// A Parquet file is invalid, or uses a feature that the reader or writer does not
    /// support, so it cannot be read or rewritten.
    ParquetUnreadable,
    /// A de-identification key is missing or not 32 bytes.
    InvalidKey,
    /// The operation does not support this file format.
    UnsupportedFormat,
}

impl ErrorCode {
    /// Returns the code as the stable string used across Rust, JavaScript and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidOptions => "INVALID_OPTIONS",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::InvalidRules => "INVALID_RULES",
            ErrorCode::InvalidPattern => "INVALID_PATTERN",
            ErrorCode::InputTooLarge => "INPUT_TOO_LARGE",
            ErrorCode::InvalidJson => "INVALID_JSON",
            ErrorCode::AlreadyFinished => "ALREADY_FINISHED",
            ErrorCode::UnknownEndpoint => "UNKNOWN_ENDPOINT",
            ErrorCode::ParquetUnreadable => "PARQUET_UNREADABLE",
            ErrorCode::InvalidKey => "INVALID_KEY",
            ErrorCode::UnsupportedFormat => "UNSUPPORTED_FORMAT",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with a stable [`ErrorCode`], a message that states what failed and what to do, and
/// the name of the option, field or value involved.
///
/// Messages never contain the content of the input, so they are safe to log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
    subject: Option<String>,
}

impl Error {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), subject: None }
    }

    /// Attaches the name of the option, field or argument involved.
    pub(crate) fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Returns the stable error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// Returns the human-readable message: what failed and what to do.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Returns the option, field or argument name involved, if any.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}
