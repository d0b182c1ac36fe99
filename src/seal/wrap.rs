//! Wrapping of data keys under a key-encryption key (KEK), and per-conversation keys.
//!
//! A data key encrypts one dataset. It is stored only wrapped: encrypted and authenticated
//! under a KEK that the key server holds, with the dataset id, the key id and the KEK version
//! bound as associated data. A wrapped key therefore unwraps only under the same KEK and for
//! the same dataset and key id, and it records its KEK version so that a reader can pick the
//! KEK after a rotation.
//!
//! # Wrapped form, version 1 (85 bytes)
//!
//! ```text
//! format (1) = 0x01 || kek_version (4, big-endian) || salt (32) || sealed key (32) || tag (16)
//!
//! wrap_key (32) || nonce (12) = HKDF-SHA-256(ikm = KEK, salt = salt, info = "techdeck-guard/wrap/v1")
//! sealed key || tag = AES-256-GCM(wrap_key, nonce, data key,
//!     aad = "techdeck-guard/wrap/v1" || 0x00 || format || kek_version
//!           || len(dataset_id) (2, big-endian) || dataset_id || len(key_id) (2, big-endian) || key_id)
//! ```
//!
//! Each wrap draws a fresh 32-byte salt, so every wrap uses its own AES key and nonce. A KEK
//! can therefore wrap any practical number of keys, where random 96-bit nonces under one
//! AES-GCM key would be limited to 2³² wraps.

use aes_gcm::{AeadInOut, Aes256Gcm, KeyInit, Tag};
use zeroize::Zeroizing;

use super::kdf::hkdf_sha256;
use super::{Error, Key, KEY_LEN};
use crate::limits::MAX_SEAL_ID_BYTES;

/// The first byte of a version 1 wrapped key.
const WRAP_FORMAT: u8 = 1;

const WRAP_LABEL: &[u8] = b"techdeck-guard/wrap/v1";

const WRAP_SALT_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const PREFIX_LEN: usize = 1 + 4;

/// Length of a version 1 wrapped key in bytes.
pub const WRAPPED_KEY_LEN: usize = PREFIX_LEN + WRAP_SALT_LEN + KEY_LEN + TAG_LEN;

const CONVERSATION_LABEL: &[u8] = b"techdeck-guard/conversation-key/v1";

/// A key-encryption key: a [`Key`] with the version number under which the key server
/// publishes it.
///
/// It has no `Debug` or `Serialize`, and its key bytes are zeroed on drop.
#[derive(Clone)]
pub struct Kek {
    version: u32,
    key: Key,
}

impl Kek {
    /// Pairs a key with its version number.
    pub fn new(version: u32, key: Key) -> Kek {
        Kek { version, key }
    }

    /// Returns the version number, which every key wrapped under this KEK records.
    pub fn version(&self) -> u32 {
        self.version
    }
}

/// The values a wrapped key is bound to. It unwraps only with the same three values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WrapContext<'a> {
    /// The dataset the key encrypts, 1 to [`MAX_SEAL_ID_BYTES`] bytes.
    pub dataset_id: &'a str,
    /// The key's own id, 1 to [`MAX_SEAL_ID_BYTES`] bytes.
    pub key_id: &'a str,
    /// The version of the KEK that wraps the key.
    pub kek_version: u32,
}

impl WrapContext<'_> {
    fn check(&self, kek: &Kek) -> Result<(), Error> {
        check_id("dataset_id", self.dataset_id)?;
        check_id("key_id", self.key_id)?;
        if self.kek_version != kek.version {
            return Err(Error::KekVersionMismatch {
                expected: self.kek_version,
                found: kek.version,
            });
        }
        Ok(())
    }

    fn associated_data(&self) -> Vec<u8> {
        let mut aad =
            Vec::with_capacity(WRAP_LABEL.len() + 10 + self.dataset_id.len() + self.key_id.len());
        aad.extend_from_slice(WRAP_LABEL);
        aad.push(0);
        aad.push(WRAP_FORMAT);
        aad.extend_from_slice(&self.kek_version.to_be_bytes());
        for id in [self.dataset_id, self.key_id] {
            // check_id bounds every id to 255 bytes, so the length fits in two bytes.
            aad.extend_from_slice(&(id.len() as u16).to_be_bytes());
            aad.extend_from_slice(id.as_bytes());
        }
        aad
    }
}

/// Checks that an id is not empty and not longer than [`MAX_SEAL_ID_BYTES`].
pub(crate) fn check_id(field: &'static str, id: &str) -> Result<(), Error> {
    if id.is_empty() || id.len() > MAX_SEAL_ID_BYTES {
        return Err(Error::InvalidId { field, length: id.len() });
    }
    Ok(())
}

/// Derives the one-time AES-GCM cipher and nonce of a wrap from the KEK and the salt.
fn wrap_cipher(kek: &Kek, salt: &[u8]) -> (Aes256Gcm, [u8; NONCE_LEN]) {
    let mut derived = Zeroizing::new([0u8; KEY_LEN + NONCE_LEN]);
    hkdf_sha256(kek.key.expose_secret(), salt, &[WRAP_LABEL], &mut *derived)
        .expect("44 bytes is below the HKDF-SHA-256 output limit of 8160");
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&derived[KEY_LEN..]);
    (Aes256Gcm::new((&derived[..KEY_LEN]).try_into().expect("32-byte key")), nonce)
}

/// Wraps `data_key` under `kek`, bound to `context`.
///
/// Returns [`WRAPPED_KEY_LEN`] bytes, which start with the format byte and the KEK version.
///
/// # Errors
///
/// [`Error::InvalidId`] if the dataset id or key id is empty or longer than
/// [`MAX_SEAL_ID_BYTES`], [`Error::KekVersionMismatch`] if `context.kek_version` is not the
/// version of `kek`, [`Error::RandomUnavailable`] if no salt can be drawn.
pub fn wrap_key(kek: &Kek, data_key: &Key, context: &WrapContext<'_>) -> Result<Vec<u8>, Error> {
    context.check(kek)?;
    let mut salt = [0u8; WRAP_SALT_LEN];
    getrandom::fill(&mut salt).map_err(|_| Error::RandomUnavailable)?;

    let mut wrapped = Vec::with_capacity(WRAPPED_KEY_LEN);
    wrapped.push(WRAP_FORMAT);
    wrapped.extend_from_slice(&kek.version.to_be_bytes());
    wrapped.extend_from_slice(&salt);
    wrapped.extend_from_slice(data_key.expose_secret());

    let (cipher, nonce) = wrap_cipher(kek, &salt);
    let sealed = &mut wrapped[PREFIX_LEN + WRAP_SALT_LEN..];
    let tag = cipher
        .encrypt_inout_detached(&nonce.into(), &context.associated_data(), sealed.into())
        .map_err(|_| Error::MessageTooLong)?;
    wrapped.extend_from_slice(&tag);
    Ok(wrapped)
}

/// Returns the KEK version that a wrapped key records, so that a reader can pick the KEK.
///
/// The version is not authenticated until [`unwrap_key`] succeeds.
///
/// # Errors
///
/// [`Error::InvalidWrappedKey`] if `wrapped` is not a version 1 wrapped key.
pub fn wrapped_kek_version(wrapped: &[u8]) -> Result<u32, Error> {
    if wrapped.len() != WRAPPED_KEY_LEN || wrapped[0] != WRAP_FORMAT {
        return Err(Error::InvalidWrappedKey);
    }
    let mut version = [0u8; 4];
    version.copy_from_slice(&wrapped[1..PREFIX_LEN]);
    Ok(u32::from_be_bytes(version))
}

/// Unwraps a data key that [`wrap_key`] wrapped under `kek` with the same `context`.
///
/// # Errors
///
/// [`Error::InvalidId`] as for [`wrap_key`]; [`Error::InvalidWrappedKey`] if `wrapped` is not
/// a version 1 wrapped key; [`Error::KekVersionMismatch`] if the version recorded in `wrapped`,
/// the version of `kek` and `context.kek_version` are not all equal; [`Error::NotAuthentic`] if
/// the KEK, the dataset id or the key id is wrong or a byte was changed.
pub fn unwrap_key(kek: &Kek, wrapped: &[u8], context: &WrapContext<'_>) -> Result<Key, Error> {
    context.check(kek)?;
    let recorded = wrapped_kek_version(wrapped)?;
    if recorded != kek.version {
        return Err(Error::KekVersionMismatch { expected: recorded, found: kek.version });
    }

    let salt = &wrapped[PREFIX_LEN..PREFIX_LEN + WRAP_SALT_LEN];
    let (sealed, tag) = wrapped[PREFIX_LEN + WRAP_SALT_LEN..].split_at(KEY_LEN);
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    key.copy_from_slice(sealed);

    let (cipher, nonce) = wrap_cipher(kek, salt);
    let tag = Tag::try_from(tag).map_err(|_| Error::NotAuthentic)?;
    cipher
        .decrypt_inout_detached(
            &nonce.into(),
            &context.associated_data(),
            key.as_mut_slice().into(),
            &tag,
        )
        .map_err(|_| Error::NotAuthentic)?;
    Ok(Key::from_bytes(*key))
}

/// Derives the key of one conversation from its dataset's key, with HKDF-SHA-256.
///
/// ```text
/// key = HKDF-SHA-256(ikm = dataset key, salt = empty,
///                    info = "techdeck-guard/conversation-key/v1" || 0x00 || conversation_id)
/// ```
///
/// Different conversation ids give independent keys, and one conversation's key reveals
/// nothing about the dataset key or about another conversation's key.
///
/// # Security
///
/// The derivation is deterministic, so anyone with the dataset key can derive every
/// conversation key again. Destroying one conversation's key shreds that conversation only
/// where the dataset key itself is no longer available to the holder.
///
/// # Errors
///
/// [`Error::InvalidId`] if `conversation_id` is empty or longer than [`MAX_SEAL_ID_BYTES`].
pub fn derive_conversation_key(dataset_key: &Key, conversation_id: &str) -> Result<Key, Error> {
    check_id("conversation_id", conversation_id)?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    hkdf_sha256(
        dataset_key.expose_secret(),
        &[],
        &[CONVERSATION_LABEL, &[0], conversation_id.as_bytes()],
        &mut *key,
    )
    .expect("32 bytes is below the HKDF-SHA-256 output limit of 8160");
    Ok(Key::from_bytes(*key))
}

#[cfg(test)]
mod tests;
