//! The JSON package for small payloads: one AES-256-GCM message with its metadata, in the
//! shape the pipeline's `DataEncryptor` reads and writes.
//!
//! ```json
//! {"encrypted_data": "…", "iv": "…", "auth_tag": "…", "encryption_level": "standard",
//!  "key_id": "key-1", "timestamp": "2026-12-05T00:00:00Z", "compliance_level": "hipaa_plus_plus"}
//! ```
//!
//! `encrypted_data`, `iv` (12 bytes) and `auth_tag` (16 bytes) are standard base64 with
//! padding. Unlike the pipeline's sketch, every metadata field is authenticated: the level,
//! key id, timestamp, compliance level and, for conversation content, the conversation id are
//! associated data, so changing any of them makes decryption fail. Datasets larger than
//! [`MAX_SEAL_PACKAGE_BYTES`] belong in the streamed [`file`](super::file) format.
//!
//! ```text
//! package key = HKDF-SHA-256(ikm = dataset key or conversation key, salt = empty,
//!                            info = "techdeck-guard/package/v1" || 0x00 || kind)
//! aad = "techdeck-guard/package/v1" || 0x00 || kind || for each of level, key id, timestamp,
//!       compliance level, conversation id (empty for a dataset): uint16 length || bytes
//! ```
//!
//! `kind` is `dataset` or `conversation`. The enhanced level pads the plaintext with `0x80` and
//! zeros to a multiple of 256 bytes, the maximum level to a power of two of at least 256 bytes.

use aes_gcm::{AeadInOut, Aes256Gcm, KeyInit, Tag};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::file::Level;
use super::kdf::hkdf_sha256;
use super::wrap::check_id;
use super::{derive_conversation_key, Error, Key, KEY_LEN};
use crate::limits::{
    MAX_SEAL_PACKAGE_BYTES, MAX_SEAL_PACKAGE_FIELD_BYTES, MAX_SEAL_PACKAGE_JSON_BYTES,
};

/// The `compliance_level` that new packages carry.
pub const COMPLIANCE_LEVEL: &str = "hipaa_plus_plus";

/// Length of a package's `iv`, in bytes.
pub const IV_LEN: usize = 12;

/// Length of a package's `auth_tag`, in bytes.
pub const AUTH_TAG_LEN: usize = 16;

/// The block that the enhanced level pads to a multiple of, and the smallest padded length at
/// the maximum level, in bytes.
pub const PACKAGE_PAD_BLOCK: usize = 256;

const LABEL: &[u8] = b"techdeck-guard/package/v1";

/// The package fields, in the order the JSON lists them.
pub const FIELDS: [&str; 7] = [
    "encrypted_data",
    "iv",
    "auth_tag",
    "encryption_level",
    "key_id",
    "timestamp",
    "compliance_level",
];

/// A set of package fields, for [`Error::MissingFields`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FieldSet(u8);

impl FieldSet {
    /// Adds the field at `index` in [`FIELDS`].
    fn insert(&mut self, index: usize) {
        self.0 |= 1 << index;
    }

    /// Returns the names of the fields in the set, in [`FIELDS`] order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        FIELDS.into_iter().enumerate().filter(move |(i, _)| self.0 & (1 << i) != 0).map(|(_, n)| n)
    }

    /// Returns whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// The kind of content a package encrypts. It selects the key and is part of the associated data.
#[derive(Clone, Copy)]
enum Kind<'a> {
    Dataset,
    Conversation(&'a str),
}

impl Kind<'_> {
    fn label(self) -> &'static [u8] {
        match self {
            Kind::Dataset => b"dataset",
            Kind::Conversation(_) => b"conversation",
        }
    }
}

/// An encrypted package. Its fields are not secret: the data is encrypted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// The ciphertext, without the tag.
    pub encrypted_data: Vec<u8>,
    /// The AES-GCM nonce.
    pub iv: [u8; IV_LEN],
    /// The AES-GCM tag.
    pub auth_tag: [u8; AUTH_TAG_LEN],
    /// The encryption level.
    pub encryption_level: Level,
    /// The id of the dataset key.
    pub key_id: String,
    /// When the package was sealed, as the caller wrote it (RFC 3339 is expected).
    pub timestamp: String,
    /// The compliance label, [`COMPLIANCE_LEVEL`] for new packages.
    pub compliance_level: String,
}

impl Package {
    /// Serializes the package as a JSON object with the fields in [`FIELDS`] order.
    pub fn to_json(&self) -> String {
        let mut object = Map::new();
        let values = [
            BASE64.encode(&self.encrypted_data),
            BASE64.encode(self.iv),
            BASE64.encode(self.auth_tag),
            self.encryption_level.as_str().to_owned(),
            self.key_id.clone(),
            self.timestamp.clone(),
            self.compliance_level.clone(),
        ];
        for (name, value) in FIELDS.into_iter().zip(values) {
            object.insert(name.to_owned(), Value::String(value));
        }
        Value::Object(object).to_string()
    }

    /// Parses a package from JSON. Fields other than those in [`FIELDS`] are ignored.
    ///
    /// # Errors
    ///
    /// [`Error::PackageTooLarge`] if `json` is longer than [`MAX_SEAL_PACKAGE_JSON_BYTES`];
    /// [`Error::InvalidPackage`] if it is not a JSON object or a field has the wrong type,
    /// base64, length or size; [`Error::MissingFields`] naming every missing field;
    /// [`Error::UnknownLevel`] for an unknown `encryption_level`.
    pub fn from_json(json: &str) -> Result<Package, Error> {
        if json.len() > MAX_SEAL_PACKAGE_JSON_BYTES {
            return Err(Error::PackageTooLarge {
                length: json.len(),
                max: MAX_SEAL_PACKAGE_JSON_BYTES,
            });
        }
        let value: Value =
            serde_json::from_str(json).map_err(|_| Error::InvalidPackage { field: "package" })?;
        let Value::Object(object) = value else {
            return Err(Error::InvalidPackage { field: "package" });
        };

        let mut missing = FieldSet::default();
        let mut strings = [""; FIELDS.len()];
        for (index, name) in FIELDS.into_iter().enumerate() {
            match object.get(name) {
                None | Some(Value::Null) => missing.insert(index),
                Some(Value::String(text)) => strings[index] = text,
                Some(_) => return Err(Error::InvalidPackage { field: name }),
            }
        }
        if !missing.is_empty() {
            return Err(Error::MissingFields(missing));
        }
        let [data, iv, tag, level, key_id, timestamp, compliance] = strings;

        let package = Package {
            encrypted_data: decode(data, "encrypted_data")?,
            iv: decode_exact(iv, "iv")?,
            auth_tag: decode_exact(tag, "auth_tag")?,
            encryption_level: level.parse()?,
            key_id: key_id.to_owned(),
            timestamp: timestamp.to_owned(),
            compliance_level: compliance.to_owned(),
        };
        package.check_fields()?;
        Ok(package)
    }

    fn check_fields(&self) -> Result<(), Error> {
        check_id("key_id", &self.key_id)?;
        for (field, text) in
            [("timestamp", &self.timestamp), ("compliance_level", &self.compliance_level)]
        {
            if text.len() > MAX_SEAL_PACKAGE_FIELD_BYTES {
                return Err(Error::InvalidPackage { field });
            }
        }
        Ok(())
    }

    fn associated_data(&self, kind: Kind<'_>) -> Vec<u8> {
        let conversation_id = match kind {
            Kind::Dataset => "",
            Kind::Conversation(id) => id,
        };
        let mut aad = Vec::with_capacity(128);
        aad.extend_from_slice(LABEL);
        aad.push(0);
        aad.extend_from_slice(kind.label());
        for field in [
            self.encryption_level.as_str(),
            &self.key_id,
            &self.timestamp,
            &self.compliance_level,
            conversation_id,
        ] {
            // check_fields and check_id bound every field to 255 bytes.
            aad.extend_from_slice(&(field.len() as u16).to_be_bytes());
            aad.extend_from_slice(field.as_bytes());
        }
        aad
    }
}

/// Encrypts a serialized dataset into a package under the dataset key.
///
/// `timestamp` is stored and authenticated as given.
///
/// # Errors
///
/// [`Error::PackageTooLarge`] if `plaintext` is longer than [`MAX_SEAL_PACKAGE_BYTES`],
/// [`Error::InvalidId`] for an empty or overlong key id, [`Error::InvalidPackage`] for a
/// timestamp over [`MAX_SEAL_PACKAGE_FIELD_BYTES`], [`Error::RandomUnavailable`].
pub fn encrypt_dataset(
    dataset_key: &Key,
    key_id: &str,
    level: Level,
    plaintext: &[u8],
    timestamp: &str,
) -> Result<Package, Error> {
    seal(dataset_key, Kind::Dataset, key_id, level, plaintext, timestamp)
}

/// Decrypts a package that [`encrypt_dataset`] sealed under `dataset_key`.
///
/// # Errors
///
/// [`Error::NotAuthentic`] if the key is wrong or any field was changed.
pub fn decrypt_dataset(dataset_key: &Key, package: &Package) -> Result<Vec<u8>, Error> {
    open(dataset_key, Kind::Dataset, package)
}

/// Encrypts one conversation's content under its own key, derived from the dataset key with
/// [`derive_conversation_key`].
///
/// # Errors
///
/// [`Error::PackageTooLarge`] if `content` is longer than [`MAX_SEAL_PACKAGE_BYTES`] (1 MiB of
/// UTF-8), [`Error::InvalidId`] for an empty or overlong conversation or key id, and the other
/// errors of [`encrypt_dataset`].
pub fn encrypt_conversation_content(
    dataset_key: &Key,
    conversation_id: &str,
    key_id: &str,
    level: Level,
    content: &str,
    timestamp: &str,
) -> Result<Package, Error> {
    check_size(content.len())?;
    let key = derive_conversation_key(dataset_key, conversation_id)?;
    let kind = Kind::Conversation(conversation_id);
    seal(&key, kind, key_id, level, content.as_bytes(), timestamp)
}

/// Decrypts a package that [`encrypt_conversation_content`] sealed for `conversation_id`.
///
/// # Errors
///
/// [`Error::NotAuthentic`] if the key or conversation id is wrong or any field was changed,
/// [`Error::InvalidId`] for an empty or overlong conversation id.
pub fn decrypt_conversation_content(
    dataset_key: &Key,
    conversation_id: &str,
    package: &Package,
) -> Result<String, Error> {
    let key = derive_conversation_key(dataset_key, conversation_id)?;
    let plaintext = open(&key, Kind::Conversation(conversation_id), package)?;
    // The content was a &str when it was sealed, and the tag verified.
    String::from_utf8(plaintext).map_err(|_| Error::NotAuthentic)
}

fn check_size(length: usize) -> Result<(), Error> {
    if length > MAX_SEAL_PACKAGE_BYTES {
        return Err(Error::PackageTooLarge { length, max: MAX_SEAL_PACKAGE_BYTES });
    }
    Ok(())
}

fn package_cipher(key: &Key, kind: Kind<'_>) -> Aes256Gcm {
    let mut derived = Zeroizing::new([0u8; KEY_LEN]);
    hkdf_sha256(key.expose_secret(), &[], &[LABEL, &[0], kind.label()], &mut *derived)
        .expect("32 bytes is below the HKDF-SHA-256 output limit of 8160");
    Aes256Gcm::new((&*derived).into())
}

fn seal(
    key: &Key,
    kind: Kind<'_>,
    key_id: &str,
    level: Level,
    plaintext: &[u8],
    timestamp: &str,
) -> Result<Package, Error> {
    check_size(plaintext.len())?;
    let mut package = Package {
        encrypted_data: Vec::new(),
        iv: [0; IV_LEN],
        auth_tag: [0; AUTH_TAG_LEN],
        encryption_level: level,
        key_id: key_id.to_owned(),
        timestamp: timestamp.to_owned(),
        compliance_level: COMPLIANCE_LEVEL.to_owned(),
    };
    package.check_fields()?;
    getrandom::fill(&mut package.iv).map_err(|_| Error::RandomUnavailable)?;

    let mut data = Vec::with_capacity(padded_len(level, plaintext.len()));
    data.extend_from_slice(plaintext);
    pad(level, &mut data);
    let tag = package_cipher(key, kind)
        .encrypt_inout_detached(
            &package.iv.into(),
            &package.associated_data(kind),
            data.as_mut_slice().into(),
        )
        .map_err(|_| Error::MessageTooLong)?;
    package.auth_tag.copy_from_slice(&tag);
    package.encrypted_data = data;
    Ok(package)
}

fn open(key: &Key, kind: Kind<'_>, package: &Package) -> Result<Vec<u8>, Error> {
    package.check_fields()?;
    let mut data = Zeroizing::new(package.encrypted_data.clone());
    let tag = Tag::from(package.auth_tag);
    package_cipher(key, kind)
        .decrypt_inout_detached(
            &package.iv.into(),
            &package.associated_data(kind),
            data.as_mut_slice().into(),
            &tag,
        )
        .map_err(|_| Error::NotAuthentic)?;
    let length = unpad(package.encryption_level, &data)?;
    data.truncate(length);
    Ok(std::mem::take(&mut *data))
}

/// Returns the padded length of `length` plaintext bytes at `level`.
fn padded_len(level: Level, length: usize) -> usize {
    match level {
        Level::Standard => length,
        Level::Enhanced => (length + 1).div_ceil(PACKAGE_PAD_BLOCK) * PACKAGE_PAD_BLOCK,
        Level::Maximum => (length + 1).next_power_of_two().max(PACKAGE_PAD_BLOCK),
    }
}

fn pad(level: Level, data: &mut Vec<u8>) {
    if level != Level::Standard {
        let target = padded_len(level, data.len());
        data.push(0x80);
        data.resize(target, 0);
    }
}

/// Returns the plaintext length after checking the padding [`pad`] writes.
fn unpad(level: Level, data: &[u8]) -> Result<usize, Error> {
    if level == Level::Standard {
        return Ok(data.len());
    }
    let length = data.iter().rposition(|&byte| byte != 0).ok_or(Error::NotAuthentic)?;
    if data[length] != 0x80 || data.len() != padded_len(level, length) {
        return Err(Error::NotAuthentic);
    }
    Ok(length)
}

fn decode(text: &str, field: &'static str) -> Result<Vec<u8>, Error> {
    BASE64.decode(text).map_err(|_| Error::InvalidPackage { field })
}

fn decode_exact<const N: usize>(text: &str, field: &'static str) -> Result<[u8; N], Error> {
    decode(text, field)?.try_into().map_err(|_| Error::InvalidPackage { field })
}

#[cfg(test)]
mod tests;
