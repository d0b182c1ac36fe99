//! The append-only audit log: a SHA-256 hash chain with periodic signed checkpoints.
//!
//! Each record's hash covers the previous record's hash and every field of the record, so
//! changing, removing or reordering a record breaks the chain at that point. Every
//! `AUDIT_CHECKPOINT_INTERVAL` records the head hash is signed with the current token signing
//! key, so rewriting the whole chain after some point also needs a signing key.
//!
//! Records hold who, what, which resource, the outcome and identifiers such as a `jti` or
//! `kid`. The [`Event`] type has no field for a token, key, password or record content, so
//! none can be written.

use jwt_simple::prelude::VerificationOptions;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::keys::Keyring;
use crate::store::{AuditInsert, AuditRow, CheckpointRow, Store};

/// How many rows `verify` reads per query.
const VERIFY_PAGE: i64 = 1000;

/// Outcome of an audited action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Denied,
    /// A security event: refresh reuse, a revoked family.
    Alert,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
            Outcome::Alert => "alert",
        }
    }
}

/// One auditable event. Identifiers only: never a token, key, password or PHI.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    /// The user id, or `anonymous`, or `system`.
    pub actor: &'a str,
    /// A dotted action name such as `token.issue` or `refresh.reuse`.
    pub action: &'static str,
    /// The resource acted on: a user id, family id, dataset id or `kid`.
    pub resource: &'a str,
    pub outcome: Outcome,
    pub jti: Option<&'a str>,
    pub kid: Option<&'a str>,
    /// A short fixed reason code such as `bad_password`.
    pub reason: Option<&'static str>,
    /// Set when the actor used the break-glass role.
    pub break_glass: bool,
}

impl<'a> Event<'a> {
    /// Creates an event with no identifiers beyond actor and resource.
    pub fn new(actor: &'a str, action: &'static str, resource: &'a str, outcome: Outcome) -> Self {
        Event { actor, action, resource, outcome, jti: None, kid: None, reason: None, break_glass: false }
    }

    /// Sets the token id.
    pub fn jti(mut self, jti: &'a str) -> Self {
        self.jti = Some(jti);
        self
    }

    /// Sets the signing key id.
    pub fn kid(mut self, kid: &'a str) -> Self {
        self.kid = Some(kid);
        self
    }

    /// Sets the reason code.
    pub fn reason(mut self, reason: &'static str) -> Self {
        self.reason = Some(reason);
        self
    }

    /// Returns the record fields of this event at time `now`, with `detail` from
    /// [`Event::detail`].
    pub(crate) fn insert<'b>(&'b self, detail: &'b str, now: i64) -> AuditInsert<'b> {
        AuditInsert {
            at: now,
            actor: self.actor,
            action: self.action,
            resource: self.resource,
            outcome: self.outcome.as_str(),
            detail,
        }
    }

    /// Serializes the identifiers and reason of this event as the record's JSON detail.
    pub(crate) fn detail(&self) -> String {
        let mut detail = serde_json::Map::new();
        if let Some(jti) = self.jti {
            detail.insert("jti".into(), json!(jti));
        }
        if let Some(kid) = self.kid {
            detail.insert("kid".into(), json!(kid));
        }
        if let Some(reason) = self.reason {
            detail.insert("reason".into(), json!(reason));
        }
        if self.break_glass {
            detail.insert("break_glass".into(), json!(true));
        }
        Value::Object(detail).to_string()
    }
}

/// Computes a record's chain hash: SHA-256 over a JSON array of the previous hash and every
/// field, which is unambiguous whatever the fields contain. Hex encoded.
pub fn chain_hash(prev_hash: &str, seq: i64, record: &AuditInsert<'_>) -> String {
    let material = json!([
        prev_hash,
        seq,
        record.at,
        record.actor,
        record.action,
        record.resource,
        record.outcome,
        record.detail
    ]);
    let digest = Sha256::digest(material.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends `event` at time `now`, and writes a signed checkpoint every `checkpoint_every`
/// records. Returns the record's sequence number.
///
/// # Errors
///
/// `INTERNAL` when the store fails. Callers fail the audited action then, because an action
/// without its record must not succeed.
pub async fn append(
    store: &Store,
    keyring: &Keyring,
    checkpoint_every: u64,
    event: &Event<'_>,
    now: i64,
) -> Result<i64, ApiError> {
    let detail = event.detail();
    let insert = event.insert(&detail, now);
    let (seq, hash) = store.append_audit(&insert, |prev, seq| chain_hash(prev, seq, &insert)).await?;
    checkpoint_if_due(store, keyring, checkpoint_every, seq, &hash, now).await?;
    Ok(seq)
}

/// Writes a signed checkpoint of record `seq` when it falls on the `checkpoint_every`
/// interval. Callers that append a record inside their own transaction call this after the
/// commit.
///
/// # Errors
///
/// `INTERNAL` when signing or the store fails.
pub async fn checkpoint_if_due(
    store: &Store,
    keyring: &Keyring,
    checkpoint_every: u64,
    seq: i64,
    hash: &str,
    now: i64,
) -> Result<(), ApiError> {
    if checkpoint_every > 0 && seq as u64 % checkpoint_every == 0 {
        write_checkpoint(store, keyring, seq, hash, now).await?;
    }
    Ok(())
}

async fn write_checkpoint(
    store: &Store,
    keyring: &Keyring,
    seq: i64,
    hash: &str,
    now: i64,
) -> Result<(), ApiError> {
    let (jws, kid) = keyring.sign_bytes(&json!({ "audit_seq": seq, "audit_hash": hash }))?;
    store
        .insert_checkpoint(&CheckpointRow {
            seq,
            hash: hash.to_string(),
            at: now,
            kid,
            signature: jws.into_bytes(),
        })
        .await
}

/// The first place where the chain does not verify.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    pub seq: i64,
    pub reason: String,
}

/// The result of [`verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    pub records: u64,
    pub checkpoints: u64,
    pub first_break: Option<Break>,
}

/// Replays the whole chain and every checkpoint, and reports the first break.
///
/// # Errors
///
/// `INTERNAL` when the store cannot be read.
pub async fn verify(store: &Store, keyring: &Keyring) -> Result<Verification, ApiError> {
    let mut records = 0u64;
    let mut previous: Option<AuditRow> = None;
    let checkpoints = store.checkpoints().await?;
    let mut pending = checkpoints.iter().peekable();
    let mut first_break = None;
    'pages: loop {
        let after = previous.as_ref().map_or(0, |p| p.seq);
        let page = store.audit_rows(after, VERIFY_PAGE).await?;
        if page.is_empty() {
            break;
        }
        for row in page {
            if let Some(reason) = check_row(&row, previous.as_ref()) {
                first_break = Some(Break { seq: row.seq, reason });
                break 'pages;
            }
            while let Some(checkpoint) = pending.next_if(|c| c.seq <= row.seq) {
                if checkpoint.seq == row.seq {
                    if let Some(reason) = check_checkpoint(keyring, checkpoint, &row).await? {
                        first_break = Some(Break { seq: row.seq, reason });
                        break 'pages;
                    }
                }
            }
            records += 1;
            previous = Some(row);
        }
    }
    if first_break.is_none() {
        let (head_seq, head_hash) = store.audit_head().await?;
        let last = previous.as_ref().map_or((0, String::new()), |p| (p.seq, p.hash.clone()));
        if head_seq != 0 && (head_seq, head_hash) != last {
            first_break = Some(Break {
                seq: last.0 + 1,
                reason: "records after this point are missing: the chain head is further on".into(),
            });
        }
    }
    Ok(Verification { records, checkpoints: checkpoints.len() as u64, first_break })
}

fn check_row(row: &AuditRow, previous: Option<&AuditRow>) -> Option<String> {
    if let Some(p) = previous {
        if row.seq != p.seq + 1 {
            return Some(format!("records {} to {} are missing", p.seq + 1, row.seq - 1));
        }
        if row.prev_hash != p.hash {
            return Some("the record does not link to the hash of the record before it".into());
        }
    }
    let insert = AuditInsert {
        at: row.at,
        actor: &row.actor,
        action: &row.action,
        resource: &row.resource,
        outcome: &row.outcome,
        detail: &row.detail,
    };
    if chain_hash(&row.prev_hash, row.seq, &insert) != row.hash {
        return Some("the record was changed after it was written: its hash does not match".into());
    }
    None
}

async fn check_checkpoint(
    keyring: &Keyring,
    checkpoint: &CheckpointRow,
    row: &AuditRow,
) -> Result<Option<String>, ApiError> {
    if checkpoint.hash != row.hash {
        return Ok(Some("a signed checkpoint names a different hash for this record".into()));
    }
    let Some(key) = keyring.archived_public_key(&checkpoint.kid).await? else {
        return Ok(Some("the key that signed the checkpoint here is unknown".into()));
    };
    let jws = String::from_utf8_lossy(&checkpoint.signature);
    let options = VerificationOptions {
        required_signature_type: Some("checkpoint+jwt".into()),
        max_token_length: Some(4096),
        ..VerificationOptions::default()
    };
    let signed = match key.verify::<Value>(&jws, options) {
        Ok(claims) => claims.custom,
        Err(_) => return Ok(Some("the checkpoint signature does not verify".into())),
    };
    if signed["audit_seq"] != json!(row.seq) || signed["audit_hash"] != json!(row.hash) {
        return Ok(Some("the checkpoint signature covers a different record".into()));
    }
    Ok(None)
}
