//! Token checks: JWS compact access and refresh tokens signed with EdDSA or ES256 (HS256 only
//! with a configured shared secret), keys from a JWK Set, and revocation from a signed snapshot.
//!
//! The checks follow RFC 8725 (JSON Web Token Best Current Practices). The key selected by
//! `kid` fixes the algorithm, and the header may not carry keys or `crit`. Every part must be
//! canonical base64url, names may not repeat, and the time claims must be integers.

pub(crate) use crate::b64;
mod cache;
pub mod claims;
mod json;
mod jws;
pub mod keys;
pub mod revocation;
pub mod snapshot;
pub(crate) mod verify;

pub use claims::{AccessClaims, Audience, RefreshClaims, SessionBinding, TokenType};
pub use keys::{Algorithm, KeySet, SigningKey, VerifyingKey};
pub use revocation::Revocations;
pub use snapshot::{RevokedToken, Snapshot, SnapshotCheck};
pub use verify::{Options, Request, Verifier, MAX_LEEWAY};
