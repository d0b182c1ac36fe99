//! Authenticated, key-committing encryption of datasets.
//!
//! - [`file`] is the encrypted file format (`docs/format.md`): a header that names the key and
//!   the dataset, then AES-256-GCM chunks in the STREAM construction with a per-file key from
//!   HKDF-SHA-256, a last-chunk flag and a key commitment;
//! - [`wrap_key`] and [`unwrap_key`] store a data key under a versioned key-encryption key, and
//!   [`derive_conversation_key`] gives each conversation its own key;
//! - [`chunked`] implements C2SP chunked encryption v1
//!   (<https://c2sp.org/chunked-encryption>) instantiated with HKDF-SHA-512 and AES-256-GCM,
//!   the instantiation that filippo.io/cobblestone calls Cobblestone-256 and that the
//!   Wycheproof chunked-encryption vectors test. The rest of this page describes it.
//!
//! # Construction
//!
//! For each message the encryptor draws a random 24-byte salt and derives a per-message AES key,
//! a base nonce and a key commitment with HKDF-Expand (no Extract step, because the input key is
//! already uniformly random):
//!
//! ```text
//! key (32) || base_nonce (12) || commitment (32) = HKDF-Expand-SHA-512(
//!     prk  = input key,
//!     info = "c2sp.org/chunked-encryption@v1+" || "AEAD_AES_256_GCM" || 0x00 || salt || context)
//! ciphertext = salt (24) || commitment (32) || chunk 0 || chunk 1 || ...
//! ```
//!
//! The plaintext is split into chunks of [`CHUNK_SIZE`] bytes. The final chunk is always shorter
//! than that and may be empty, so every message length has exactly one chunking. Chunk `i` is
//! sealed with AES-256-GCM under the derived key, the nonce `base_nonce XOR big-endian(i)` and
//! empty associated data, and is followed by its 16-byte tag. The *context* is bound through the
//! key derivation, so it must be known before the first byte is encrypted or decrypted.
//!
//! # Why this format and not STREAM with a last-chunk flag
//!
//! STREAM marks the final chunk with a flag in the nonce or the associated data. A decryptor then
//! cannot tell whether a full chunk is the last one without trial decryption or reading ahead,
//! an encryptor has to hold back a full chunk until more input is known to follow, and an empty
//! message needs a special case. Here a short chunk is itself the end-of-message marker: the
//! decryptor opens every full chunk as soon as it arrives, and a stream that ends on a full chunk
//! is truncated by definition. The commitment makes a ciphertext decrypt under one key only, so
//! a crafted ciphertext cannot be valid for two keys (a property plain AES-GCM lacks), and
//! decryption fails on the header before any chunk is opened when the key or context is wrong.
//!
//! # Security
//!
//! A decryptor releases a chunk's plaintext only after its tag verifies. Every authentication
//! failure (wrong key, wrong context, a modified, reordered, dropped, duplicated or spliced chunk,
//! truncation, trailing data) is the one error [`Error::NotAuthentic`], so a client cannot tell
//! them apart. After an error a decryptor keeps returning it.
//!
//! Limits: [`MAX_CHUNKS`] chunks per message ([`MAX_MESSAGE_BYTES`] of plaintext), the limit
//! that the C2SP specification sets. A salt must not repeat under one key; with random 24-byte
//! salts the chance of a repeat stays below 2⁻³² for 2⁸⁰ messages, according to the
//! specification's analysis.

pub mod chunked;
pub mod file;
mod kdf;
pub mod package;
mod wrap;

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

pub use chunked::{
    CHUNK_SIZE, COMMITMENT_LEN, HEADER_LEN, MAX_CHUNKS, MAX_MESSAGE_BYTES, SALT_LEN, TAG_LEN,
};
pub use package::{
    decrypt_conversation_content, decrypt_dataset, encrypt_conversation_content, encrypt_dataset,
    Package,
};
pub use wrap::{
    derive_conversation_key, unwrap_key, wrap_key, wrapped_kek_version, Kek, WrapContext,
    WRAPPED_KEY_LEN,
};

use crate::limits::MAX_SEAL_ID_BYTES;

/// Length of a [`Key`] in bytes: an AES-256 key.
pub const KEY_LEN: usize = 32;

/// A 256-bit input key for [`chunked`] encryption.
///
/// The bytes are zeroed when the key is dropped. The type has no `Serialize` and its `Debug`
/// output is redacted; [`Key::expose_secret`] is the only way to read the bytes back.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Key([u8; KEY_LEN]);

impl Key {
    /// Wraps 32 bytes as a key.
    ///
    /// The bytes must be uniformly random, for example the output of a CSPRNG or of a KDF. The
    /// caller's copy of `bytes` is not zeroed.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Key {
        Key(bytes)
    }

    /// Copies a key out of a slice.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKeyLength`] if `bytes` is not exactly [`KEY_LEN`] bytes long.
    pub fn from_slice(bytes: &[u8]) -> Result<Key, Error> {
        let mut key = Key([0; KEY_LEN]);
        if bytes.len() != KEY_LEN {
            return Err(Error::InvalidKeyLength { length: bytes.len() });
        }
        key.0.copy_from_slice(bytes);
        Ok(key)
    }

    /// Generates a key from the operating system's random number generator (in a browser or a
    /// Worker, `crypto.getRandomValues`).
    ///
    /// # Errors
    ///
    /// [`Error::RandomUnavailable`] if the random number generator fails.
    pub fn generate() -> Result<Key, Error> {
        let mut key = Key([0; KEY_LEN]);
        getrandom::fill(&mut key.0).map_err(|_| Error::RandomUnavailable)?;
        Ok(key)
    }

    /// Returns the raw key bytes. Every use is a place where the secret leaves this type.
    pub fn expose_secret(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key([REDACTED])")
    }
}

/// An error from encryption or decryption.
///
/// Each variant has a stable [`code`](Error::code). Messages contain no key, plaintext or
/// ciphertext bytes, so they are safe to log and to show to a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The ciphertext is not authentic.
    ///
    /// This one variant covers a wrong key or context, a modified salt, commitment, chunk or tag,
    /// reordered, dropped, duplicated or spliced chunks, truncation and trailing data, so that
    /// the error reveals nothing to an attacker about which check failed.
    NotAuthentic,
    /// A key was not [`KEY_LEN`] bytes long.
    InvalidKeyLength {
        /// The length that was passed, in bytes.
        length: usize,
    },
    /// `push` or `finish` was called after `finish` had succeeded.
    AlreadyFinished,
    /// The message would need more than [`MAX_CHUNKS`] chunks.
    MessageTooLong,
    /// The operating system's random number generator failed.
    RandomUnavailable,
    /// A wrapped key is not in a known wrapped form: wrong length or format byte.
    InvalidWrappedKey,
    /// Two KEK versions that must be equal differ: the version a wrapped key records or a
    /// context names, and the version of the KEK passed in.
    KekVersionMismatch {
        /// The version that the wrapped key or the context requires.
        expected: u32,
        /// The version of the KEK that was passed.
        found: u32,
    },
    /// A dataset, key or conversation id is empty or longer than
    /// [`MAX_SEAL_ID_BYTES`](crate::limits::MAX_SEAL_ID_BYTES).
    InvalidId {
        /// The name of the id: `dataset_id`, `key_id` or `conversation_id`.
        field: &'static str,
        /// Its length in bytes.
        length: usize,
    },
    /// An encrypted file's header cannot be read. The text names the problem.
    InvalidHeader(&'static str),
    /// An encrypted file has a format version that this version of the crate does not read.
    UnsupportedVersion {
        /// The version byte of the file.
        version: u8,
    },
    /// An encrypted file names an algorithm that this version of the crate does not know.
    UnsupportedAlgorithm {
        /// The algorithm byte of the file.
        algorithm: u8,
    },
    /// An encryption level is not `standard`, `enhanced` or `maximum`.
    UnknownLevel,
    /// A chunk size is not a power of two from 4 KiB to 1 MiB.
    InvalidChunkSize,
    /// The file refers to a data key that the key server holds, so a KEK cannot open it.
    KeyReference,
    /// A JSON package lacks required fields.
    MissingFields(package::FieldSet),
    /// A JSON package, or one of its fields, has the wrong type, base64, length or size.
    InvalidPackage {
        /// The field's name, or `package` for the whole document.
        field: &'static str,
    },
    /// A package plaintext or package JSON is larger than its limit.
    PackageTooLarge {
        /// Its length in bytes.
        length: usize,
        /// The limit in bytes.
        max: usize,
    },
}

impl Error {
    /// Returns the stable code of the error, for JavaScript, HTTP responses and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotAuthentic => "NOT_AUTHENTIC",
            Error::InvalidKeyLength { .. } => "INVALID_KEY_LENGTH",
            Error::AlreadyFinished => "ALREADY_FINISHED",
            Error::MessageTooLong => "MESSAGE_TOO_LONG",
            Error::RandomUnavailable => "RANDOM_UNAVAILABLE",
            Error::InvalidWrappedKey => "INVALID_WRAPPED_KEY",
            Error::KekVersionMismatch { .. } => "KEK_VERSION_MISMATCH",
            Error::InvalidId { .. } => "INVALID_ID",
            Error::InvalidHeader(_) => "INVALID_HEADER",
            Error::UnsupportedVersion { .. } => "UNSUPPORTED_VERSION",
            Error::UnsupportedAlgorithm { .. } => "UNSUPPORTED_ALGORITHM",
            Error::UnknownLevel => "UNKNOWN_LEVEL",
            Error::InvalidChunkSize => "INVALID_CHUNK_SIZE",
            Error::KeyReference => "KEY_REFERENCE",
            Error::MissingFields(_) => "MISSING_FIELDS",
            Error::InvalidPackage { .. } => "INVALID_PACKAGE",
            Error::PackageTooLarge { .. } => "PACKAGE_TOO_LARGE",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotAuthentic => f.write_str(
                "ciphertext is not authentic: it was modified, truncated, or sealed with another \
                 key or context",
            ),
            Error::InvalidKeyLength { length } => {
                write!(f, "invalid key length: expected {KEY_LEN} bytes, got {length}")
            }
            Error::AlreadyFinished => {
                f.write_str("the stream is already finished: create a new one for another message")
            }
            Error::MessageTooLong => write!(
                f,
                "message too long: at most {MAX_CHUNKS} chunks of {CHUNK_SIZE} bytes (chunked) or \
                 {} chunks (file format) can be sealed under one salt; split the data",
                file::MAX_CHUNKS
            ),
            Error::RandomUnavailable => {
                f.write_str("the operating system's random number generator failed: retry later")
            }
            Error::InvalidWrappedKey => write!(
                f,
                "invalid wrapped key: expected {WRAPPED_KEY_LEN} bytes starting with format 1; \
                 pass the bytes that wrap_key returned"
            ),
            Error::KekVersionMismatch { expected, found } => write!(
                f,
                "KEK version mismatch: the key needs KEK version {expected}, but version {found} \
                 was passed; fetch that KEK version"
            ),
            Error::InvalidId { field, length } => {
                write!(f, "invalid {field}: expected 1 to {MAX_SEAL_ID_BYTES} bytes, got {length}")
            }
            Error::InvalidHeader(problem) => write!(f, "invalid encrypted file header: {problem}"),
            Error::UnsupportedVersion { version } => write!(
                f,
                "unsupported encrypted file version {version}: this version of techdeck-guard \
                 reads version {}; upgrade techdeck-guard",
                file::FORMAT_VERSION
            ),
            Error::UnsupportedAlgorithm { algorithm } => write!(
                f,
                "unsupported algorithm {algorithm} in the encrypted file: this version reads \
                 algorithm {}; upgrade techdeck-guard",
                file::ALGORITHM_AES_256_GCM_HKDF_SHA256
            ),
            Error::UnknownLevel => {
                f.write_str("unknown encryption level: expected standard, enhanced or maximum")
            }
            Error::InvalidChunkSize => write!(
                f,
                "invalid chunk size: expected a power of two from {} to {} bytes",
                file::MIN_CHUNK_SIZE,
                file::MAX_CHUNK_SIZE
            ),
            Error::KeyReference => f.write_str(
                "the file's data key is held by the key server, not wrapped in the file: \
                 pass the data key instead of a KEK",
            ),
            Error::MissingFields(fields) => {
                let names: Vec<&str> = fields.names().collect();
                write!(f, "missing required fields: {}", names.join(", "))
            }
            Error::InvalidPackage { field } => {
                write!(f, "invalid package: {field} has the wrong type, base64, length or size")
            }
            Error::PackageTooLarge { length, max } => write!(
                f,
                "package too large: {length} bytes, the limit is {max}; encrypt larger data \
                 as a file"
            ),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_debug_redacted() {
        let key = Key::from_bytes([0xab; KEY_LEN]);
        let text = format!("{key:?}");
        assert_eq!(text, "Key([REDACTED])");
        assert!(!text.to_lowercase().contains("ab, "));
    }

    #[test]
    fn key_from_slice_lengths() {
        assert_eq!(Key::from_slice(&[1; 31]).err(), Some(Error::InvalidKeyLength { length: 31 }));
        assert_eq!(Key::from_slice(&[1; 33]).err(), Some(Error::InvalidKeyLength { length: 33 }));
        let key = Key::from_slice(&[7; KEY_LEN]).map(|key| *key.expose_secret());
        assert_eq!(key, Ok([7; KEY_LEN]));
    }

    #[test]
    fn key_generate_differs() {
        let first = Key::generate().map(|key| *key.expose_secret());
        let second = Key::generate().map(|key| *key.expose_secret());
        assert!(first.is_ok());
        assert_ne!(first, second);
    }

    #[test]
    fn error_codes_stable() {
        let cases = [
            (Error::NotAuthentic, "NOT_AUTHENTIC"),
            (Error::InvalidKeyLength { length: 1 }, "INVALID_KEY_LENGTH"),
            (Error::AlreadyFinished, "ALREADY_FINISHED"),
            (Error::MessageTooLong, "MESSAGE_TOO_LONG"),
            (Error::RandomUnavailable, "RANDOM_UNAVAILABLE"),
            (Error::InvalidWrappedKey, "INVALID_WRAPPED_KEY"),
            (Error::KekVersionMismatch { expected: 1, found: 2 }, "KEK_VERSION_MISMATCH"),
            (Error::InvalidId { field: "key_id", length: 0 }, "INVALID_ID"),
            (Error::InvalidHeader("wrong magic bytes"), "INVALID_HEADER"),
            (Error::UnsupportedVersion { version: 2 }, "UNSUPPORTED_VERSION"),
            (Error::UnsupportedAlgorithm { algorithm: 2 }, "UNSUPPORTED_ALGORITHM"),
            (Error::UnknownLevel, "UNKNOWN_LEVEL"),
            (Error::InvalidChunkSize, "INVALID_CHUNK_SIZE"),
            (Error::KeyReference, "KEY_REFERENCE"),
            (Error::MissingFields(package::FieldSet::default()), "MISSING_FIELDS"),
            (Error::InvalidPackage { field: "iv" }, "INVALID_PACKAGE"),
            (Error::PackageTooLarge { length: 2, max: 1 }, "PACKAGE_TOO_LARGE"),
        ];
        for (error, code) in cases {
            assert_eq!(error.code(), code);
            assert!(!error.to_string().is_empty(), "{code} has a message");
        }
    }
}
