//! The revocation state of a verifier: revoked `jti`s, per-subject not-before times, and the
//! `jti`s of one-time tokens already used.
//!
//! Revocation matches on `jti`, never on the token's bytes: an ECDSA signature can be
//! rewritten into a second valid signature (`s` to `n - s`) without the private key, so a
//! list of revoked token strings would miss the rewritten token.

use std::collections::{BTreeMap, HashMap};

use super::keys::token_error;
use super::snapshot::Snapshot;
use crate::error::{Error, ErrorCode};

/// Maximum number of revoked `jti`s and of used one-time `jti`s kept, each. Entries of expired
/// tokens are dropped first when a list is full.
pub const MAX_REVOCATION_ENTRIES: usize = 100_000;

/// Revoked token ids, subject not-before times, and used one-time token ids.
#[derive(Debug, Default)]
pub struct Revocations {
    /// `jti` to the token's `exp`.
    revoked: HashMap<String, u64>,
    not_before: BTreeMap<String, u64>,
    /// `jti` of a used one-time token to its `exp`.
    used: HashMap<String, u64>,
    /// `seq` and `exp` of the last snapshot loaded.
    snapshot: Option<(u64, u64)>,
}

fn insert_bounded(map: &mut HashMap<String, u64>, jti: &str, exp: u64, now: u64) -> Result<(), Error> {
    if map.len() >= MAX_REVOCATION_ENTRIES && !map.contains_key(jti) {
        map.retain(|_, entry_exp| *entry_exp >= now);
        if map.len() >= MAX_REVOCATION_ENTRIES {
            return Err(Error::new(ErrorCode::InputTooLarge, "the revocation list is full; shorten token lifetimes"));
        }
    }
    let entry = map.entry(jti.to_owned()).or_insert(exp);
    *entry = (*entry).max(exp);
    Ok(())
}

impl Revocations {
    /// Creates empty revocation state.
    pub fn new() -> Revocations {
        Revocations::default()
    }

    /// Replaces the snapshot-derived lists with a verified snapshot's, keeping the entries
    /// added through [`Revocations::revoke`] and [`Revocations::revoke_subject`].
    ///
    /// # Errors
    ///
    /// `REVOCATION_ROLLBACK` when `snapshot.seq` is lower than the last loaded one's, and
    /// `INPUT_TOO_LARGE` when it has more than [`MAX_REVOCATION_ENTRIES`] live entries.
    pub fn load(&mut self, snapshot: &Snapshot, now: u64) -> Result<(), Error> {
        if let Some((seq, _)) = self.snapshot {
            if snapshot.seq < seq {
                return Err(Error::new(
                    ErrorCode::RevocationRollback,
                    "the revocation snapshot is older than the one already loaded",
                ));
            }
        }
        for entry in &snapshot.revoked {
            if entry.exp >= now {
                insert_bounded(&mut self.revoked, &entry.jti, entry.exp, now)?;
            }
        }
        for (subject, time) in &snapshot.not_before {
            self.revoke_subject(subject, *time);
        }
        self.snapshot = Some((snapshot.seq, snapshot.exp));
        Ok(())
    }

    /// Revokes one token by its `jti` until its `exp`.
    ///
    /// # Errors
    ///
    /// `INPUT_TOO_LARGE` when the list is full of unexpired entries.
    pub fn revoke(&mut self, jti: &str, exp: u64, now: u64) -> Result<(), Error> {
        insert_bounded(&mut self.revoked, jti, exp, now)
    }

    /// Revokes every token of `subject` issued before `not_before`. A later time replaces an
    /// earlier one, never the other way round.
    pub fn revoke_subject(&mut self, subject: &str, not_before: u64) {
        let entry = self.not_before.entry(subject.to_owned()).or_insert(not_before);
        *entry = (*entry).max(not_before);
    }

    /// Returns the `seq` and `exp` of the last snapshot loaded.
    pub fn snapshot(&self) -> Option<(u64, u64)> {
        self.snapshot
    }

    /// Checks a token's `jti`, subject and `iat`.
    ///
    /// # Errors
    ///
    /// `TOKEN_REVOKED` or `TOKEN_SUBJECT_REVOKED`.
    pub fn check(&self, jti: &str, subject: &str, iat: u64) -> Result<(), Error> {
        if self.revoked.contains_key(jti) {
            return Err(token_error(ErrorCode::TokenRevoked, "the token has been revoked"));
        }
        if self.not_before.get(subject).is_some_and(|&not_before| iat < not_before) {
            return Err(token_error(
                ErrorCode::TokenSubjectRevoked,
                "every token of this user issued before a revocation time is revoked",
            ));
        }
        Ok(())
    }

    /// Records the use of a one-time token and rejects a second use before its `exp`.
    ///
    /// # Errors
    ///
    /// `TOKEN_REPLAYED` for a `jti` already used, and `INPUT_TOO_LARGE` when the list of used
    /// ids is full of unexpired entries (the token is then rejected, never let through).
    pub fn use_once(&mut self, jti: &str, exp: u64, now: u64) -> Result<(), Error> {
        if self.used.get(jti).is_some_and(|&used_exp| used_exp >= now) {
            return Err(token_error(ErrorCode::TokenReplayed, "this one-time token has already been used"));
        }
        insert_bounded(&mut self.used, jti, exp, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::snapshot::RevokedToken;

    #[test]
    fn revoked_jti_is_rejected() {
        let mut revocations = Revocations::new();
        revocations.revoke("j1", 500, 100).unwrap();
        assert_eq!(revocations.check("j1", "u", 100).unwrap_err().code(), ErrorCode::TokenRevoked);
        assert_eq!(revocations.check("j2", "u", 100), Ok(()));
    }

    #[test]
    fn subject_not_before_only_moves_forward() {
        let mut revocations = Revocations::new();
        revocations.revoke_subject("u", 200);
        revocations.revoke_subject("u", 150);
        assert_eq!(revocations.check("j", "u", 199).unwrap_err().code(), ErrorCode::TokenSubjectRevoked);
        assert_eq!(revocations.check("j", "u", 200), Ok(()));
        assert_eq!(revocations.check("j", "other", 0), Ok(()));
    }

    #[test]
    fn snapshot_rollback_is_rejected() {
        let mut revocations = Revocations::new();
        let mut snapshot = Snapshot::new("iss", 100, 300, 5);
        snapshot.revoked.push(RevokedToken { jti: "j1".into(), exp: 1_000 });
        snapshot.revoked.push(RevokedToken { jti: "gone".into(), exp: 50 });
        revocations.load(&snapshot, 100).unwrap();
        assert_eq!(revocations.snapshot(), Some((5, 400)));
        assert_eq!(revocations.check("j1", "u", 100).unwrap_err().code(), ErrorCode::TokenRevoked);
        assert_eq!(revocations.check("gone", "u", 100), Ok(()));

        let older = Snapshot::new("iss", 90, 300, 4);
        assert_eq!(revocations.load(&older, 100).unwrap_err().code(), ErrorCode::RevocationRollback);
    }

    #[test]
    fn one_time_token_used_twice() {
        let mut revocations = Revocations::new();
        revocations.use_once("j", 200, 100).unwrap();
        assert_eq!(revocations.use_once("j", 200, 150).unwrap_err().code(), ErrorCode::TokenReplayed);
        assert_eq!(revocations.use_once("k", 200, 150), Ok(()));
    }

    #[test]
    fn full_list_drops_expired_entries() {
        let mut revocations = Revocations::new();
        for i in 0..MAX_REVOCATION_ENTRIES {
            revocations.revoke(&i.to_string(), 10, 0).unwrap();
        }
        assert_eq!(revocations.revoke("live", 100, 5).unwrap_err().code(), ErrorCode::InputTooLarge);
        assert_eq!(revocations.revoke("live", 100, 11), Ok(()));
        assert_eq!(revocations.revoked.len(), 1);
    }
}
