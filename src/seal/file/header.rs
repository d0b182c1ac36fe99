//! The header of an encrypted file: encoding, limits and parsing.

use std::fmt;
use std::str::FromStr;

use super::{EncryptOptions, FileKeys, COMMITMENT_LEN, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, SALT_LEN};
use crate::limits::MAX_SEAL_HEADER_BYTES;
use crate::seal::wrap::check_id;
use crate::seal::{Error, Key};

/// The first eight bytes of every encrypted file. The high first byte and the CR LF, SUB, LF
/// sequence catch transfers that alter bytes or line endings, as the PNG signature does.
pub const MAGIC: [u8; 8] = *b"\x89TDG\r\n\x1a\n";

/// The format version that this module writes and reads.
pub const FORMAT_VERSION: u8 = 1;

/// Algorithm 1: AES-256-GCM chunks, HKDF-SHA-256 key derivation, STREAM nonces.
pub const ALGORITHM_AES_256_GCM_HKDF_SHA256: u8 = 1;

/// Bytes before the salt: magic, version, algorithm, level, chunk size log2, header length.
const FIXED_LEN: usize = 14;

const HEADER_LENGTH_OFFSET: usize = 12;

/// The smallest possible header: one-byte ids, no wrapped key.
const MIN_HEADER_LEN: usize = FIXED_LEN + SALT_LEN + 1 + 2 + 2 + 1 + COMMITMENT_LEN;

const SOURCE_WRAPPED: u8 = 1;
const SOURCE_REFERENCE: u8 = 2;

/// An encryption level. The levels differ in how much of the plaintext length the
/// ciphertext shows, so that record and file sizes can be hidden.
///
/// | level | file: final chunk | JSON package plaintext |
/// |---|---|---|
/// | `standard` | exact length | exact length |
/// | `enhanced` | padded to a multiple of [`PAD_BLOCK`](super::PAD_BLOCK) (4 KiB) | padded to a multiple of 256 bytes |
/// | `maximum` | padded to a full chunk | padded to a power of two, at least 256 bytes |
///
/// Conversation content is encrypted under per-conversation keys at every level; see
/// [`encrypt_conversation_content`](crate::seal::encrypt_conversation_content).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    /// Exact lengths.
    Standard,
    /// Lengths rounded up to 4 KiB in files and 256 bytes in packages.
    Enhanced,
    /// Lengths rounded up to a full chunk in files and a power of two in packages.
    Maximum,
}

impl Level {
    /// Every level, weakest first.
    pub const ALL: [Level; 3] = [Level::Standard, Level::Enhanced, Level::Maximum];

    /// Returns the level's name: `standard`, `enhanced` or `maximum`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Standard => "standard",
            Level::Enhanced => "enhanced",
            Level::Maximum => "maximum",
        }
    }

    /// Returns the byte that stores the level in a header.
    pub fn code(self) -> u8 {
        match self {
            Level::Standard => 1,
            Level::Enhanced => 2,
            Level::Maximum => 3,
        }
    }

    /// Returns the level a header byte stores.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownLevel`] for any byte but 1, 2 and 3.
    pub fn from_code(code: u8) -> Result<Level, Error> {
        Level::ALL.into_iter().find(|level| level.code() == code).ok_or(Error::UnknownLevel)
    }
}

impl FromStr for Level {
    type Err = Error;

    /// Parses a level name, as written by [`Level::as_str`].
    fn from_str(name: &str) -> Result<Level, Error> {
        Level::ALL.into_iter().find(|level| level.as_str() == name).ok_or(Error::UnknownLevel)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The location of a file's data key.
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The data key, wrapped under a KEK (see [`wrap_key`](crate::seal::wrap_key)), is stored in
    /// the header: 1 to 255 bytes.
    Wrapped(Vec<u8>),
    /// The key server stores the data key under the header's key id.
    Reference,
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Wrapped(wrapped) => write!(f, "Wrapped({} bytes)", wrapped.len()),
            KeySource::Reference => f.write_str("Reference"),
        }
    }
}

/// A parsed header. It contains no secret: the wrapped key is encrypted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    level: Level,
    chunk_size: usize,
    key_source: KeySource,
    key_id: String,
    dataset_id: String,
    /// The encoded header, commitment included.
    bytes: Vec<u8>,
}

impl Header {
    /// Encodes the header of a new file and derives its keys.
    pub(super) fn seal(
        data_key: &Key,
        key_source: KeySource,
        options: &EncryptOptions<'_>,
        salt: [u8; SALT_LEN],
    ) -> Result<(Header, FileKeys), Error> {
        check_id("dataset_id", options.dataset_id)?;
        check_id("key_id", options.key_id)?;
        let chunk_size_log2 = chunk_size_log2(options.chunk_size)?;
        let wrapped: &[u8] = match &key_source {
            KeySource::Wrapped(wrapped) if !wrapped.is_empty() && wrapped.len() <= 255 => wrapped,
            KeySource::Wrapped(_) => return Err(Error::InvalidWrappedKey),
            KeySource::Reference => &[],
        };

        let mut bytes = Vec::with_capacity(MAX_SEAL_HEADER_BYTES);
        bytes.extend_from_slice(&MAGIC);
        bytes.extend_from_slice(&[
            FORMAT_VERSION,
            ALGORITHM_AES_256_GCM_HKDF_SHA256,
            options.level.code(),
            chunk_size_log2,
            0,
            0,
        ]);
        bytes.extend_from_slice(&salt);
        bytes.push(match key_source {
            KeySource::Wrapped(_) => SOURCE_WRAPPED,
            KeySource::Reference => SOURCE_REFERENCE,
        });
        // check_id and the match above bound every length to 255.
        for field in [options.key_id.as_bytes(), options.dataset_id.as_bytes(), wrapped] {
            bytes.push(field.len() as u8);
            bytes.extend_from_slice(field);
        }
        let header_len = bytes.len() + COMMITMENT_LEN;
        bytes[HEADER_LENGTH_OFFSET..FIXED_LEN].copy_from_slice(&(header_len as u16).to_be_bytes());

        let keys = FileKeys::derive(data_key, &salt, &bytes);
        bytes.extend_from_slice(&keys.commitment);
        let header = Header::parse(&bytes)?;
        Ok((header, keys))
    }

    /// Returns how many bytes the header needs, judged from the `prefix` read so far: the
    /// fixed part first, then the declared header length.
    ///
    /// # Errors
    ///
    /// The errors of [`Header::parse`] that the prefix already shows: wrong magic, version,
    /// algorithm, level or chunk size, or a header length out of bounds.
    pub fn needed_len(prefix: &[u8]) -> Result<usize, Error> {
        let magic_len = prefix.len().min(MAGIC.len());
        if prefix[..magic_len] != MAGIC[..magic_len] {
            return Err(Error::InvalidHeader(
                "wrong magic bytes: not a techdeck-guard encrypted file",
            ));
        }
        if prefix.len() < FIXED_LEN {
            return Ok(FIXED_LEN);
        }
        check_fixed(prefix)?;
        Ok(declared_len(prefix))
    }

    /// Parses a header from the start of `input`. Bytes after the header are ignored.
    ///
    /// Every length is checked against its limit before the field is read: the header length
    /// against [`MAX_SEAL_HEADER_BYTES`], each id and the wrapped key against 255 bytes.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeader`] for wrong magic bytes, a truncated header, a length out of
    /// bounds, an id that is not UTF-8 or a field that does not end where the header length
    /// puts the commitment; [`Error::UnsupportedVersion`], [`Error::UnsupportedAlgorithm`],
    /// [`Error::UnknownLevel`] and [`Error::InvalidChunkSize`] for those bytes.
    pub fn parse(input: &[u8]) -> Result<Header, Error> {
        let needed = Header::needed_len(input)?;
        if input.len() < needed {
            return Err(Error::InvalidHeader("truncated header: the file ends inside it"));
        }
        let bytes = &input[..needed];
        let level = Level::from_code(bytes[10])?;
        let chunk_size = 1usize << bytes[11];

        let mut fields = &bytes[FIXED_LEN + SALT_LEN..needed - COMMITMENT_LEN];
        let source = take(&mut fields, 1)?[0];
        let key_id = take_id(&mut fields, "key_id")?;
        let dataset_id = take_id(&mut fields, "dataset_id")?;
        let wrapped_len = usize::from(take(&mut fields, 1)?[0]);
        let wrapped = take(&mut fields, wrapped_len)?;
        if !fields.is_empty() {
            return Err(Error::InvalidHeader(
                "header length does not match its fields: bytes are left before the commitment",
            ));
        }
        let key_source = match (source, wrapped.len()) {
            (SOURCE_WRAPPED, 1..) => KeySource::Wrapped(wrapped.to_vec()),
            (SOURCE_REFERENCE, 0) => KeySource::Reference,
            _ => {
                return Err(Error::InvalidHeader(
                    "invalid key source: expected 1 with a wrapped key or 2 without one",
                ))
            }
        };
        Ok(Header { level, chunk_size, key_source, key_id, dataset_id, bytes: bytes.to_vec() })
    }

    /// Returns the encryption level.
    pub fn level(&self) -> Level {
        self.level
    }

    /// Returns the plaintext bytes per chunk.
    pub fn chunk_size(&self) -> usize {
        self.chunk_size
    }

    /// Returns where the data key is.
    pub fn key_source(&self) -> &KeySource {
        &self.key_source
    }

    /// Returns the id of the data key.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Returns the dataset id.
    pub fn dataset_id(&self) -> &str {
        &self.dataset_id
    }

    /// Returns the format version.
    pub fn version(&self) -> u8 {
        self.bytes[MAGIC.len()]
    }

    /// Returns the algorithm byte.
    pub fn algorithm(&self) -> u8 {
        self.bytes[MAGIC.len() + 1]
    }

    /// Returns the encoded header, commitment included.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Returns the encoded length of the header in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Returns whether the encoded header is empty, which a parsed header never is.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Returns the KEK version recorded in the wrapped key, if the header stores one in the
    /// version 1 wrapped form.
    pub fn kek_version(&self) -> Option<u32> {
        match &self.key_source {
            KeySource::Wrapped(wrapped) => crate::seal::wrapped_kek_version(wrapped).ok(),
            KeySource::Reference => None,
        }
    }

    pub(super) fn salt(&self) -> &[u8] {
        &self.bytes[FIXED_LEN..FIXED_LEN + SALT_LEN]
    }

    /// Returns the header without its commitment: the input of key derivation.
    pub(super) fn body(&self) -> &[u8] {
        &self.bytes[..self.bytes.len() - COMMITMENT_LEN]
    }

    pub(super) fn commitment(&self) -> &[u8] {
        &self.bytes[self.bytes.len() - COMMITMENT_LEN..]
    }
}

/// Returns log2 of a chunk size, or [`Error::InvalidChunkSize`].
fn chunk_size_log2(chunk_size: usize) -> Result<u8, Error> {
    if !chunk_size.is_power_of_two() || !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size) {
        return Err(Error::InvalidChunkSize);
    }
    Ok(chunk_size.trailing_zeros() as u8)
}

/// Checks the version, algorithm, level, chunk size and header length in the fixed part.
fn check_fixed(fixed: &[u8]) -> Result<(), Error> {
    let version = fixed[8];
    if version != FORMAT_VERSION {
        return Err(Error::UnsupportedVersion { version });
    }
    let algorithm = fixed[9];
    if algorithm != ALGORITHM_AES_256_GCM_HKDF_SHA256 {
        return Err(Error::UnsupportedAlgorithm { algorithm });
    }
    Level::from_code(fixed[10])?;
    let log2 = fixed[11];
    if !(MIN_CHUNK_SIZE.trailing_zeros()..=MAX_CHUNK_SIZE.trailing_zeros())
        .contains(&u32::from(log2))
    {
        return Err(Error::InvalidChunkSize);
    }
    let declared = declared_len(fixed);
    if !(MIN_HEADER_LEN..=MAX_SEAL_HEADER_BYTES).contains(&declared) {
        return Err(Error::InvalidHeader("header length out of bounds"));
    }
    Ok(())
}

fn declared_len(fixed: &[u8]) -> usize {
    usize::from(u16::from_be_bytes([fixed[HEADER_LENGTH_OFFSET], fixed[HEADER_LENGTH_OFFSET + 1]]))
}

/// Splits `len` bytes off the front of `fields`.
fn take<'a>(fields: &mut &'a [u8], len: usize) -> Result<&'a [u8], Error> {
    let (head, rest) = fields.split_at_checked(len).ok_or(Error::InvalidHeader(
        "header length does not match its fields: a field runs past the commitment",
    ))?;
    *fields = rest;
    Ok(head)
}

/// Reads a length-prefixed id and checks it as [`check_id`] does.
fn take_id(fields: &mut &[u8], field: &'static str) -> Result<String, Error> {
    let len = usize::from(take(fields, 1)?[0]);
    let id = std::str::from_utf8(take(fields, len)?)
        .map_err(|_| Error::InvalidHeader("an id in the header is not UTF-8"))?;
    check_id(field, id)?;
    Ok(id.to_owned())
}
