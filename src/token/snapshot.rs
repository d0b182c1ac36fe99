//! The signed revocation snapshot that the key server publishes at `GET /v1/revocations`.
//!
//! A snapshot is a JWS compact token with header `typ` `revocation+jwt`, signed by a key of
//! the issuer's JWK Set. Its payload lists revoked token ids (each with the token's own `exp`,
//! so an entry can be dropped once the token would have expired anyway) and a not-before time
//! per subject, which revokes every token of that subject issued earlier.
//!
//! # Staleness
//!
//! A verifier accepts a snapshot until its `exp` (`iat` plus the key server's maximum age)
//! plus the leeway. A revocation made at the key server therefore reaches an edge verifier
//! after at most the caller's polling interval. A verifier that cannot reach the key server
//! keeps working with the old snapshot for at most its remaining age. After that it fails
//! closed with `REVOCATION_STALE`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::claims::{check_required, check_times};
use super::jws;
use super::keys::{token_error, KeySet, SigningKey};
use crate::error::{Error, ErrorCode};
use crate::limits;

/// The `typ` header of a revocation snapshot.
pub const SNAPSHOT_TYP: &str = "revocation+jwt";

/// One revoked token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokedToken {
    /// The token's `jti`.
    pub jti: String,
    /// The token's own `exp`; after it the entry is no longer needed.
    pub exp: u64,
}

/// The payload of a revocation snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Issuer, the same as the tokens' `iss`.
    pub iss: String,
    /// Issued at, in seconds since the Unix epoch.
    pub iat: u64,
    /// The time after which the snapshot is stale: `iat` plus the maximum age.
    pub exp: u64,
    /// A number that grows with every snapshot the issuer publishes, so an older snapshot
    /// cannot replace a newer one.
    pub seq: u64,
    /// Revoked tokens.
    #[serde(default)]
    pub revoked: Vec<RevokedToken>,
    /// Per subject, the time before which every token issued is revoked.
    #[serde(default)]
    pub not_before: BTreeMap<String, u64>,
}

/// The expected issuer, the time and the leeway for [`Snapshot::verify`].
#[derive(Clone, Debug)]
pub struct SnapshotCheck<'a> {
    /// The expected `iss`.
    pub issuer: &'a str,
    /// The current time in seconds since the Unix epoch.
    pub now: u64,
    /// Allowed clock difference in seconds.
    pub leeway: u64,
}

impl Snapshot {
    /// Creates an empty snapshot that is fresh for `max_age` seconds from `iat`.
    pub fn new(iss: &str, iat: u64, max_age: u64, seq: u64) -> Snapshot {
        Snapshot { iss: iss.to_owned(), iat, exp: iat.saturating_add(max_age), seq, ..Snapshot::default() }
    }

    /// Removes entries of tokens that have expired by `now`, because such tokens fail their
    /// own `exp` check anyway.
    pub fn prune(&mut self, now: u64) {
        self.revoked.retain(|entry| entry.exp >= now);
    }

    /// Signs the snapshot as a JWS compact token with `typ` `revocation+jwt`.
    pub fn sign(&self, key: &SigningKey) -> String {
        // Serializing a struct of strings, integers, arrays and maps with string keys cannot fail.
        let payload = serde_json::to_value(self).unwrap_or(Value::Null);
        key.sign_jws(SNAPSHOT_TYP, &payload)
    }

    /// Verifies a snapshot token and returns its payload.
    ///
    /// # Errors
    ///
    /// Every header and signature error of a token (`TOKEN_*`), `TOKEN_WRONG_ISSUER`,
    /// `TOKEN_NOT_YET_VALID` for an `iat` in the future, and `REVOCATION_STALE` once `exp`
    /// plus the leeway has passed.
    pub fn verify(token: &str, keys: &KeySet, check: &SnapshotCheck<'_>) -> Result<Snapshot, Error> {
        let compact = jws::parse(token, limits::MAX_REVOCATION_SNAPSHOT_BYTES, SNAPSHOT_TYP)?;
        let claims = compact.verify(keys)?;
        check_required(&claims, &["iss", "iat", "exp", "seq"])?;
        check_times(&claims)?;
        let snapshot: Snapshot = serde_json::from_value(Value::Object(claims)).map_err(|_| {
            token_error(ErrorCode::TokenMalformed, "the revocation snapshot has a member of the wrong type")
        })?;
        if snapshot.iss != check.issuer {
            return Err(token_error(ErrorCode::TokenWrongIssuer, "the revocation snapshot comes from another issuer"));
        }
        if snapshot.iat > check.now.saturating_add(check.leeway) {
            return Err(token_error(ErrorCode::TokenNotYetValid, "the revocation snapshot is issued in the future"));
        }
        if snapshot.exp.saturating_add(check.leeway) < check.now {
            return Err(Error::new(
                ErrorCode::RevocationStale,
                "the revocation snapshot is past its exp; fetch a new one from the key server",
            ));
        }
        Ok(snapshot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::b64;

    const ISSUER: &str = "https://keys.techdeck.test";

    fn key() -> SigningKey {
        SigningKey::ed25519_from_seed("rev-1", &[3u8; 32]).unwrap()
    }

    fn keys() -> KeySet {
        let mut keys = KeySet::new();
        keys.insert(key().verifying_key()).unwrap();
        keys
    }

    fn sample() -> Snapshot {
        let mut snapshot = Snapshot::new(ISSUER, 1_000, 300, 7);
        snapshot.revoked.push(RevokedToken { jti: "j-1".into(), exp: 2_000 });
        snapshot.revoked.push(RevokedToken { jti: "j-old".into(), exp: 900 });
        snapshot.not_before.insert("u-9".into(), 1_100);
        snapshot
    }

    fn check(now: u64) -> SnapshotCheck<'static> {
        SnapshotCheck { issuer: ISSUER, now, leeway: 30 }
    }

    #[test]
    fn sign_verify_round_trip() {
        let token = sample().sign(&key());
        let header: Value =
            serde_json::from_slice(&b64::decode(token.split('.').next().unwrap().as_bytes()).unwrap()).unwrap();
        assert_eq!(header, serde_json::json!({"alg": "EdDSA", "typ": "revocation+jwt", "kid": "rev-1"}));
        assert_eq!(Snapshot::verify(&token, &keys(), &check(1_100)).unwrap(), sample());
    }

    #[test]
    fn es256_snapshot_verifies() {
        let key = SigningKey::p256_from_scalar("rev-ec", &[5u8; 32]).unwrap();
        let mut keys = KeySet::new();
        keys.insert(key.verifying_key()).unwrap();
        let token = sample().sign(&key);
        assert_eq!(Snapshot::verify(&token, &keys, &check(1_100)).unwrap().seq, 7);
    }

    #[test]
    fn stale_snapshot_is_rejected() {
        let token = sample().sign(&key());
        assert!(Snapshot::verify(&token, &keys(), &check(1_330)).is_ok());
        let error = Snapshot::verify(&token, &keys(), &check(1_331)).unwrap_err();
        assert_eq!(error.code(), ErrorCode::RevocationStale);
    }

    #[test]
    fn future_snapshot_is_rejected() {
        let token = sample().sign(&key());
        let error = Snapshot::verify(&token, &keys(), &check(969)).unwrap_err();
        assert_eq!(error.code(), ErrorCode::TokenNotYetValid);
    }

    #[test]
    fn other_issuer_is_rejected() {
        let mut snapshot = sample();
        snapshot.iss = "https://evil.test".into();
        let error = Snapshot::verify(&snapshot.sign(&key()), &keys(), &check(1_100)).unwrap_err();
        assert_eq!(error.code(), ErrorCode::TokenWrongIssuer);
    }

    #[test]
    fn access_token_typ_is_not_a_snapshot() {
        let payload = serde_json::to_value(sample()).unwrap();
        let token = key().sign_jws("at+jwt", &payload);
        let error = Snapshot::verify(&token, &keys(), &check(1_100)).unwrap_err();
        assert_eq!(error.code(), ErrorCode::TokenWrongTyp);
    }

    #[test]
    fn tampered_snapshot_is_rejected() {
        let token = sample().sign(&key());
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut snapshot = sample();
        snapshot.revoked.clear();
        parts[1] = b64::encode(serde_json::to_string(&snapshot).unwrap().as_bytes());
        let error = Snapshot::verify(&parts.join("."), &keys(), &check(1_100)).unwrap_err();
        assert_eq!(error.code(), ErrorCode::TokenSignatureInvalid);
    }

    #[test]
    fn unknown_signing_key_is_rejected() {
        let other = SigningKey::ed25519_from_seed("rev-2", &[4u8; 32]).unwrap();
        let error = Snapshot::verify(&sample().sign(&other), &keys(), &check(1_100)).unwrap_err();
        assert_eq!(error.code(), ErrorCode::TokenUnknownKid);
    }

    #[test]
    fn prune_drops_expired_entries() {
        let mut snapshot = sample();
        snapshot.prune(1_000);
        assert_eq!(snapshot.revoked, vec![RevokedToken { jti: "j-1".into(), exp: 2_000 }]);
    }
}
