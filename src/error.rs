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
    /// A key is invalid: a de-identification key that is missing or not 32 bytes, or a JWK Set
    /// key of the wrong type, curve or length, or a weak one.
    InvalidKey,
    /// The operation does not support this file format.
    UnsupportedFormat,
    /// A token is not three base64url parts of JSON objects, or a claim has the wrong JSON type.
    TokenMalformed,
    /// A token is longer than the size limit.
    TokenTooLarge,
    /// A token part is base64url with non-zero unused bits, padding or foreign characters.
    TokenNonCanonicalBase64,
    /// The header names the unsecured algorithm `none`, in any letter case.
    TokenAlgNone,
    /// The header's `alg` is not the one algorithm the selected key allows (key confusion).
    TokenAlgMismatch,
    /// The header carries a key or a key location (`jwk`, `jku`, `x5u`, `x5c`).
    TokenEmbeddedKey,
    /// The header's `kid` is missing, too long or has characters outside the allowed set.
    TokenKidInvalid,
    /// No key in the key set has the header's `kid`; the key set may need a refresh.
    TokenUnknownKid,
    /// The header has a `crit` parameter, which this verifier never supports.
    TokenCrit,
    /// The header's `typ` is not the one expected for this kind of token.
    TokenWrongTyp,
    /// The header repeats a parameter name.
    TokenDuplicateHeader,
    /// The claims repeat a claim name.
    TokenDuplicateClaim,
    /// An ECDSA signature has r or s equal to zero.
    TokenZeroSignature,
    /// An Ed25519 signature's S is not below the group order, or the signature has the wrong length.
    TokenNonCanonicalSignature,
    /// The signature does not verify with the selected key.
    TokenSignatureInvalid,
    /// A time claim (`exp`, `nbf`, `iat`) is a string, a fraction or another non-integer type.
    TokenTimeNotInteger,
    /// A time claim is negative or beyond the year 9999.
    TokenTimeOutOfRange,
    /// A required claim is missing.
    TokenClaimMissing,
    /// The token's `exp` has passed, beyond the allowed leeway.
    TokenExpired,
    /// The token's `nbf` or `iat` lies in the future, beyond the allowed leeway.
    TokenNotYetValid,
    /// The `iss` claim is not the expected issuer.
    TokenWrongIssuer,
    /// No `aud` value is the expected audience.
    TokenWrongAudience,
    /// The `type` claim is not the expected token type (access or refresh).
    TokenWrongType,
    /// The `compliance_level` claim is not the required level.
    TokenWrongComplianceLevel,
    /// `exp` minus `iat` exceeds the maximum lifetime.
    TokenLifetimeTooLong,
    /// The token's `jti` is on the revocation list.
    TokenRevoked,
    /// The token was issued before its subject's not-before time.
    TokenSubjectRevoked,
    /// The request's IP address or User-Agent does not match the token's session binding.
    TokenSessionMismatch,
    /// A one-time token's `jti` was already used.
    TokenReplayed,
    /// A revocation snapshot is past its `exp`, so revocations may be missing.
    RevocationStale,
    /// A revocation snapshot's `seq` is lower than the one already loaded.
    RevocationRollback,
    /// A PHI name dictionary is not in the expected format.
    InvalidDictionary,
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
            ErrorCode::TokenMalformed => "TOKEN_MALFORMED",
            ErrorCode::TokenTooLarge => "TOKEN_TOO_LARGE",
            ErrorCode::TokenNonCanonicalBase64 => "TOKEN_NONCANONICAL_BASE64",
            ErrorCode::TokenAlgNone => "TOKEN_ALG_NONE",
            ErrorCode::TokenAlgMismatch => "TOKEN_ALG_MISMATCH",
            ErrorCode::TokenEmbeddedKey => "TOKEN_EMBEDDED_KEY",
            ErrorCode::TokenKidInvalid => "TOKEN_KID_INVALID",
            ErrorCode::TokenUnknownKid => "TOKEN_UNKNOWN_KID",
            ErrorCode::TokenCrit => "TOKEN_CRIT",
            ErrorCode::TokenWrongTyp => "TOKEN_WRONG_TYP",
            ErrorCode::TokenDuplicateHeader => "TOKEN_DUPLICATE_HEADER",
            ErrorCode::TokenDuplicateClaim => "TOKEN_DUPLICATE_CLAIM",
            ErrorCode::TokenZeroSignature => "TOKEN_ZERO_SIGNATURE",
            ErrorCode::TokenNonCanonicalSignature => "TOKEN_NONCANONICAL_SIGNATURE",
            ErrorCode::TokenSignatureInvalid => "TOKEN_SIGNATURE_INVALID",
            ErrorCode::TokenTimeNotInteger => "TOKEN_TIME_NOT_INTEGER",
            ErrorCode::TokenTimeOutOfRange => "TOKEN_TIME_OUT_OF_RANGE",
            ErrorCode::TokenClaimMissing => "TOKEN_CLAIM_MISSING",
            ErrorCode::TokenExpired => "TOKEN_EXPIRED",
            ErrorCode::TokenNotYetValid => "TOKEN_NOT_YET_VALID",
            ErrorCode::TokenWrongIssuer => "TOKEN_WRONG_ISSUER",
            ErrorCode::TokenWrongAudience => "TOKEN_WRONG_AUDIENCE",
            ErrorCode::TokenWrongType => "TOKEN_WRONG_TYPE",
            ErrorCode::TokenWrongComplianceLevel => "TOKEN_WRONG_COMPLIANCE_LEVEL",
            ErrorCode::TokenLifetimeTooLong => "TOKEN_LIFETIME_TOO_LONG",
            ErrorCode::TokenRevoked => "TOKEN_REVOKED",
            ErrorCode::TokenSubjectRevoked => "TOKEN_SUBJECT_REVOKED",
            ErrorCode::TokenSessionMismatch => "TOKEN_SESSION_MISMATCH",
            ErrorCode::TokenReplayed => "TOKEN_REPLAYED",
            ErrorCode::RevocationStale => "REVOCATION_STALE",
            ErrorCode::RevocationRollback => "REVOCATION_ROLLBACK",
            ErrorCode::InvalidDictionary => "INVALID_DICTIONARY",
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
