//! The encrypted file format, version 1: a header that names the key and the dataset, then a
//! body of AES-256-GCM chunks in the STREAM construction.
//!
//! `docs/format.md` specifies the bytes and gives the reasons for each choice. In short:
//!
//! ```text
//! header = magic (8) || version (1) || algorithm (1) || level (1) || chunk size log2 (1)
//!          || header length (2, big-endian) || salt (32) || key source (1)
//!          || len (1) || key id || len (1) || dataset id || len (1) || wrapped key
//!          || commitment (32)
//!
//! h = SHA-256(header without the commitment)
//! file key (32) || nonce prefix (7) || commitment (32) =
//!     HKDF-SHA-256(ikm = data key, salt = salt, info = "techdeck-guard/seal/v1" || 0x00 || h)
//! chunk i = AES-256-GCM(file key, nonce = prefix || i (4, big-endian) || last (1), aad = h)
//! ```
//!
//! The decryptor checks the commitment before it opens any chunk. It holds back each full
//! chunk until more input shows that it is not the last one, and opens the chunk it holds at
//! [`Decryptor::finish`] with the last flag set. Truncation at a chunk boundary, reordering, duplication, splicing
//! chunks from another file and trailing data all make a tag fail.
//!
//! ```
//! use techdeck_guard::seal::file::{Decryptor, EncryptOptions, Encryptor, Level};
//! use techdeck_guard::seal::{Kek, Key};
//!
//! let kek = Kek::new(1, Key::generate()?);
//! let options = EncryptOptions::new("dataset-7", "key-1", Level::Standard);
//! let mut encryptor = Encryptor::with_kek(&kek, &options)?;
//! let mut sealed = Vec::new();
//! encryptor.push(b"id,note\n1,first session\n", &mut sealed)?;
//! encryptor.finish(&mut sealed)?;
//!
//! let mut decryptor = Decryptor::with_kek(kek);
//! let mut plaintext = Vec::new();
//! decryptor.push(&sealed, &mut plaintext)?;
//! decryptor.finish(&mut plaintext)?;
//! assert_eq!(plaintext, b"id,note\n1,first session\n");
//! # Ok::<(), techdeck_guard::seal::Error>(())
//! ```

mod header;

use aes_gcm::{AeadInOut, Aes256Gcm, KeyInit, Tag};
use ctutils::CtEq;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub use header::{
    Header, KeySource, Level, ALGORITHM_AES_256_GCM_HKDF_SHA256, FORMAT_VERSION, MAGIC,
};

use super::chunked::State;
use super::kdf::hkdf_sha256;
use super::{unwrap_key, wrap_key, Error, Kek, Key, WrapContext, KEY_LEN};

/// Length of the AES-GCM tag after each chunk, in bytes.
pub const TAG_LEN: usize = 16;

/// Length of the random salt in the header, in bytes.
pub const SALT_LEN: usize = 32;

/// Length of the key commitment that ends the header, in bytes.
pub const COMMITMENT_LEN: usize = 32;

/// Length of the derived nonce prefix, in bytes. The 12-byte nonce is the prefix, a 4-byte
/// chunk counter and a 1-byte last-chunk flag, as in Tink's AES-GCM-HKDF streaming AEAD.
pub const NONCE_PREFIX_LEN: usize = 7;

/// Length of an AES-GCM nonce, in bytes.
pub const NONCE_LEN: usize = 12;

/// Default plaintext bytes per chunk: 64 KiB, as in age.
pub const DEFAULT_CHUNK_SIZE: usize = 64 * 1024;

/// Smallest chunk size a header may declare: 4 KiB (2¹²).
pub const MIN_CHUNK_SIZE: usize = 1 << 12;

/// Largest chunk size a header may declare: 1 MiB (2²⁰). A decryptor buffers one chunk.
pub const MAX_CHUNK_SIZE: usize = 1 << 20;

/// Maximum number of chunks in a file, 2³²: the chunk counter in the nonce has 4 bytes.
pub const MAX_CHUNKS: u64 = 1 << 32;

/// Block that the enhanced level pads the final chunk to a multiple of, in bytes.
pub const PAD_BLOCK: usize = 4096;

/// The padding marker: padded final chunks end with this byte and then zeros.
const PAD_MARKER: u8 = 0x80;

const KDF_LABEL: &[u8] = b"techdeck-guard/seal/v1";

/// Settings of a new encrypted file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncryptOptions<'a> {
    /// The dataset the file belongs to, 1 to 255 bytes. It is bound to the ciphertext.
    pub dataset_id: &'a str,
    /// The id of the data key, 1 to 255 bytes, for the key server or a key file.
    pub key_id: &'a str,
    /// The encryption level.
    pub level: Level,
    /// Plaintext bytes per chunk: a power of two from [`MIN_CHUNK_SIZE`] to [`MAX_CHUNK_SIZE`].
    pub chunk_size: usize,
}

impl<'a> EncryptOptions<'a> {
    /// Returns options with the [`DEFAULT_CHUNK_SIZE`].
    pub fn new(dataset_id: &'a str, key_id: &'a str, level: Level) -> EncryptOptions<'a> {
        EncryptOptions { dataset_id, key_id, level, chunk_size: DEFAULT_CHUNK_SIZE }
    }
}

/// The keys derived for one file: the AES key, the nonce prefix and the commitment.
///
/// The WebCrypto path of the JavaScript API imports [`FileKeys::expose_file_key`] into
/// `crypto.subtle` and computes the same nonces with [`chunk_nonce`].
#[derive(ZeroizeOnDrop)]
pub struct FileKeys {
    file_key: [u8; KEY_LEN],
    nonce_prefix: [u8; NONCE_PREFIX_LEN],
    commitment: [u8; COMMITMENT_LEN],
    /// SHA-256 of the header without its commitment: the associated data of every chunk.
    header_hash: [u8; 32],
}

impl FileKeys {
    /// Derives the keys of the file whose header, without the commitment, is `header_body`.
    fn derive(data_key: &Key, salt: &[u8], header_body: &[u8]) -> FileKeys {
        let header_hash: [u8; 32] = Sha256::digest(header_body).into();
        let mut okm = Zeroizing::new([0u8; KEY_LEN + NONCE_PREFIX_LEN + COMMITMENT_LEN]);
        hkdf_sha256(data_key.expose_secret(), salt, &[KDF_LABEL, &[0], &header_hash], &mut *okm)
            .expect("71 bytes is below the HKDF-SHA-256 output limit of 8160");

        let mut keys = FileKeys {
            file_key: [0; KEY_LEN],
            nonce_prefix: [0; NONCE_PREFIX_LEN],
            commitment: [0; COMMITMENT_LEN],
            header_hash,
        };
        let (file_key, rest) = okm.split_at(KEY_LEN);
        let (nonce_prefix, commitment) = rest.split_at(NONCE_PREFIX_LEN);
        keys.file_key.copy_from_slice(file_key);
        keys.nonce_prefix.copy_from_slice(nonce_prefix);
        keys.commitment.copy_from_slice(commitment);
        keys
    }

    /// Returns the AES-256-GCM key of the chunks. Every use is a place where it leaves Rust.
    pub fn expose_file_key(&self) -> &[u8; KEY_LEN] {
        &self.file_key
    }

    /// Returns the nonce prefix of the chunks.
    pub fn nonce_prefix(&self) -> &[u8; NONCE_PREFIX_LEN] {
        &self.nonce_prefix
    }

    /// Returns the associated data of every chunk: SHA-256 of the header without its
    /// commitment.
    pub fn associated_data(&self) -> &[u8; 32] {
        &self.header_hash
    }
}

/// Returns the nonce of chunk `index`: the prefix, the big-endian counter and the last flag.
///
/// # Errors
///
/// [`Error::MessageTooLong`] if `index` is [`MAX_CHUNKS`] or more.
pub fn chunk_nonce(
    prefix: &[u8; NONCE_PREFIX_LEN],
    index: u64,
    last: bool,
) -> Result<[u8; NONCE_LEN], Error> {
    let counter = u32::try_from(index).map_err(|_| Error::MessageTooLong)?;
    let mut nonce = [0u8; NONCE_LEN];
    nonce[..NONCE_PREFIX_LEN].copy_from_slice(prefix);
    nonce[NONCE_PREFIX_LEN..NONCE_LEN - 1].copy_from_slice(&counter.to_be_bytes());
    nonce[NONCE_LEN - 1] = u8::from(last);
    Ok(nonce)
}

/// The AES-GCM cipher of a file's chunks and the number of the next chunk.
struct BodyCipher {
    // With the `zeroize` feature, aes-gcm zeroes its key schedule on drop.
    aead: Aes256Gcm,
    nonce_prefix: [u8; NONCE_PREFIX_LEN],
    header_hash: [u8; 32],
    next_index: u64,
}

impl BodyCipher {
    fn new(keys: &FileKeys) -> BodyCipher {
        BodyCipher {
            aead: Aes256Gcm::new((&keys.file_key).into()),
            nonce_prefix: keys.nonce_prefix,
            header_hash: keys.header_hash,
            next_index: 0,
        }
    }

    /// Encrypts the next chunk in place and returns its tag.
    fn seal(&mut self, chunk: &mut [u8], last: bool) -> Result<Tag, Error> {
        let nonce = chunk_nonce(&self.nonce_prefix, self.next_index, last)?;
        let tag = self
            .aead
            .encrypt_inout_detached(&nonce.into(), &self.header_hash, chunk.into())
            .map_err(|_| Error::MessageTooLong)?;
        self.next_index += 1;
        Ok(tag)
    }

    /// Verifies and decrypts the next chunk in place. aes-gcm checks the tag before it
    /// decrypts, so `chunk` still contains ciphertext after an error.
    fn open(&mut self, chunk: &mut [u8], tag: &[u8], last: bool) -> Result<(), Error> {
        let nonce = chunk_nonce(&self.nonce_prefix, self.next_index, last)?;
        let tag = Tag::try_from(tag).map_err(|_| Error::NotAuthentic)?;
        self.aead
            .decrypt_inout_detached(&nonce.into(), &self.header_hash, chunk.into(), &tag)
            .map_err(|_| Error::NotAuthentic)?;
        self.next_index += 1;
        Ok(())
    }
}

/// Returns the length of the final chunk's plaintext after padding, for `data_len` bytes of
/// data at `level`. Padded levels always add the marker byte, so their data is at most
/// `chunk_size - 1` bytes.
pub fn padded_len(level: Level, chunk_size: usize, data_len: usize) -> usize {
    match level {
        Level::Standard => data_len,
        Level::Enhanced => (data_len + 1).div_ceil(PAD_BLOCK) * PAD_BLOCK,
        Level::Maximum => chunk_size,
    }
}

/// Appends the padding of `level` to the final chunk's data in `chunk`.
pub fn pad_final(level: Level, chunk_size: usize, chunk: &mut Vec<u8>) {
    if level == Level::Standard {
        return;
    }
    let target = padded_len(level, chunk_size, chunk.len());
    chunk.push(PAD_MARKER);
    chunk.resize(target, 0);
}

/// Returns the length of the data in a verified final chunk, after checking that its padding
/// is the one [`pad_final`] writes for `level`.
///
/// # Errors
///
/// [`Error::NotAuthentic`] if the padding or the chunk length is not canonical: an empty final
/// chunk after other chunks at the standard level, or padding that [`pad_final`] would not
/// write. Only a holder of the key can produce such a chunk.
pub fn unpad_final(
    level: Level,
    chunk_size: usize,
    index: u64,
    chunk: &[u8],
) -> Result<usize, Error> {
    if level == Level::Standard {
        // An empty final chunk is written only for an empty file.
        return if chunk.is_empty() && index > 0 {
            Err(Error::NotAuthentic)
        } else {
            Ok(chunk.len())
        };
    }
    let data_len = chunk.iter().rposition(|&byte| byte != 0).ok_or(Error::NotAuthentic)?;
    if chunk[data_len] != PAD_MARKER || chunk.len() != padded_len(level, chunk_size, data_len) {
        return Err(Error::NotAuthentic);
    }
    Ok(data_len)
}

/// Streaming encryptor of one file.
///
/// [`push`](Encryptor::push) appends the header and every chunk that is known not to be the
/// last one to the caller's buffer. [`finish`](Encryptor::finish) pads and appends the final
/// chunk. At most one chunk of plaintext is buffered.
pub struct Encryptor {
    header: Header,
    keys: FileKeys,
    cipher: BodyCipher,
    header_written: bool,
    /// Plaintext not yet sealed: at most one chunk.
    pending: Zeroizing<Vec<u8>>,
    state: State,
}

impl Encryptor {
    /// Starts a file under `data_key`, recording `key_source` in the header.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidId`] for an empty or overlong id, [`Error::InvalidChunkSize`] for a chunk
    /// size that is not a power of two from [`MIN_CHUNK_SIZE`] to [`MAX_CHUNK_SIZE`],
    /// [`Error::InvalidWrappedKey`] for a wrapped key longer than 255 bytes,
    /// [`Error::RandomUnavailable`] if no salt can be drawn.
    pub fn new(
        data_key: &Key,
        key_source: KeySource,
        options: &EncryptOptions<'_>,
    ) -> Result<Encryptor, Error> {
        let mut salt = [0u8; SALT_LEN];
        getrandom::fill(&mut salt).map_err(|_| Error::RandomUnavailable)?;
        Encryptor::with_salt(data_key, key_source, options, salt)
    }

    /// Starts a file under a fresh random data key, wrapped under `kek` into the header with
    /// the dataset id, the key id and the KEK version as its context.
    ///
    /// # Errors
    ///
    /// As for [`Encryptor::new`] and [`wrap_key`].
    pub fn with_kek(kek: &Kek, options: &EncryptOptions<'_>) -> Result<Encryptor, Error> {
        let data_key = Key::generate()?;
        let context = WrapContext {
            dataset_id: options.dataset_id,
            key_id: options.key_id,
            kek_version: kek.version(),
        };
        let wrapped = wrap_key(kek, &data_key, &context)?;
        Encryptor::new(&data_key, KeySource::Wrapped(wrapped), options)
    }

    /// Starts a file with a given salt. A salt must not repeat under one data key, which only a
    /// fresh random salt guarantees, so this stays private to the crate.
    pub(crate) fn with_salt(
        data_key: &Key,
        key_source: KeySource,
        options: &EncryptOptions<'_>,
        salt: [u8; SALT_LEN],
    ) -> Result<Encryptor, Error> {
        let (header, keys) = Header::seal(data_key, key_source, options, salt)?;
        Ok(Encryptor {
            cipher: BodyCipher::new(&keys),
            keys,
            pending: Zeroizing::new(Vec::with_capacity(header.chunk_size())),
            header,
            header_written: false,
            state: State::Open,
        })
    }

    /// Returns the header that the encryptor writes first.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Returns the derived keys of this file, for a chunk cipher outside Rust such as
    /// WebCrypto that must produce the same bytes.
    pub fn file_keys(&self) -> &FileKeys {
        &self.keys
    }

    /// Encrypts `plaintext` and appends the header (on the first call) and every chunk that
    /// more input follows to `out`.
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyFinished`] after [`finish`](Encryptor::finish), [`Error::MessageTooLong`]
    /// at [`MAX_CHUNKS`] chunks. After an error every call returns the same error.
    pub fn push(&mut self, plaintext: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.state.check_open()?;
        self.write_header(out);
        let result = self.write_chunks(plaintext, out);
        if let Err(error) = result {
            self.fail(error);
        }
        result
    }

    /// Pads and seals the final chunk and appends it to `out`.
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyFinished`] on a second call, [`Error::MessageTooLong`] as for
    /// [`push`](Encryptor::push).
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.state.check_open()?;
        self.write_header(out);
        let result = self.write_final(out);
        self.pending.zeroize();
        self.state = match result {
            Ok(()) => State::Finished,
            Err(error) => State::Failed(error),
        };
        result
    }

    fn write_header(&mut self, out: &mut Vec<u8>) {
        if !self.header_written {
            out.extend_from_slice(self.header.as_bytes());
            self.header_written = true;
        }
    }

    fn write_chunks(&mut self, plaintext: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let chunk_size = self.header.chunk_size();
        let mut input = plaintext;
        while !input.is_empty() {
            // A full chunk is sealed only once more input shows that it is not the last one.
            if self.pending.len() == chunk_size {
                seal_into(&mut self.cipher, &self.pending, false, out)?;
                self.pending.clear();
            }
            if self.pending.is_empty() && input.len() > chunk_size {
                let (chunk, rest) = input.split_at(chunk_size);
                seal_into(&mut self.cipher, chunk, false, out)?;
                input = rest;
                continue;
            }
            let take = input.len().min(chunk_size - self.pending.len());
            let (head, rest) = input.split_at(take);
            self.pending.extend_from_slice(head);
            input = rest;
        }
        Ok(())
    }

    fn write_final(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        let level = self.header.level();
        let chunk_size = self.header.chunk_size();
        // A padded final chunk needs room for the marker, so a full pending chunk goes first.
        if level != Level::Standard && self.pending.len() == chunk_size {
            seal_into(&mut self.cipher, &self.pending, false, out)?;
            self.pending.clear();
        }
        pad_final(level, chunk_size, &mut self.pending);
        seal_into(&mut self.cipher, &self.pending, true, out)
    }

    fn fail(&mut self, error: Error) {
        self.state = State::Failed(error);
        self.pending.zeroize();
    }
}

/// The key that opens a file.
#[derive(Clone)]
pub enum Unlock {
    /// The data key itself, for a file whose key is a reference or was unwrapped already.
    DataKey(Key),
    /// A KEK that unwraps the data key stored in the header.
    Kek(Kek),
}

/// The position of a decryptor in the file.
enum Phase {
    /// Reading the header. The key is kept until the header is complete.
    Header(Unlock),
    /// Reading chunks. The cipher is boxed because its AES key schedule is large.
    Body(Box<BodyCipher>),
    /// Failed or finished: the key material is dropped.
    Done,
}

/// Streaming decryptor of one file.
///
/// [`push`](Decryptor::push) accepts the file split anywhere. It reads the header, checks the
/// key commitment, then verifies each chunk and appends only verified plaintext to the caller's
/// buffer. A full chunk is opened once the next byte arrives, because only then is it known
/// not to be the last. Plaintext from [`push`](Decryptor::push) is authentic but may be a
/// prefix of the file until [`finish`](Decryptor::finish) returns `Ok`.
pub struct Decryptor {
    phase: Phase,
    header: Option<Header>,
    /// The header, then the sealed chunk being filled: at most one chunk and its tag.
    buffer: Zeroizing<Vec<u8>>,
    state: State,
}

impl Decryptor {
    /// Starts decrypting with the data key.
    pub fn with_data_key(data_key: Key) -> Decryptor {
        Decryptor::new(Unlock::DataKey(data_key))
    }

    /// Starts decrypting with the KEK that wrapped the data key in the header.
    pub fn with_kek(kek: Kek) -> Decryptor {
        Decryptor::new(Unlock::Kek(kek))
    }

    /// Starts decrypting with either key.
    pub fn new(unlock: Unlock) -> Decryptor {
        Decryptor {
            phase: Phase::Header(unlock),
            header: None,
            buffer: Zeroizing::new(Vec::new()),
            state: State::Open,
        }
    }

    /// Returns the header once it has been read and its commitment checked.
    pub fn header(&self) -> Option<&Header> {
        self.header.as_ref()
    }

    /// Reads the next part of the file and appends the plaintext of every chunk that is
    /// verified and known not to be the last one to `out`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeader`], [`Error::UnsupportedVersion`], [`Error::UnknownLevel`] and
    /// [`Error::InvalidChunkSize`] for a header that cannot be read; [`Error::NotAuthentic`] if
    /// the key commitment or a chunk fails to verify; [`Error::KeyReference`],
    /// [`Error::KekVersionMismatch`] when the key given does not fit the header;
    /// [`Error::AlreadyFinished`] after [`finish`](Decryptor::finish). After an error `out`
    /// contains nothing of the failing chunk, and every later call returns the same error.
    pub fn push(&mut self, ciphertext: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.state.check_open()?;
        let result = self.read(ciphertext, out);
        if let Err(error) = result {
            self.fail(error);
        }
        result
    }

    /// Verifies the final chunk, removes its padding and appends its plaintext to `out`.
    ///
    /// # Errors
    ///
    /// [`Error::NotAuthentic`] if the file is truncated (inside the header, or anywhere in the
    /// body, so that no chunk with the last flag ends it) or the final chunk fails to verify.
    /// [`Error::AlreadyFinished`] on a second call, and the earlier error after a failure.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.state.check_open()?;
        let result = self.open_final(out);
        match result {
            Ok(()) => {
                self.state = State::Finished;
                self.phase = Phase::Done;
                self.buffer.zeroize();
            }
            Err(error) => self.fail(error),
        }
        result
    }

    fn read(&mut self, ciphertext: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let mut input = ciphertext;
        while !input.is_empty() {
            if let Phase::Header(_) = self.phase {
                input = self.read_header(input)?;
                continue;
            }
            let Phase::Body(cipher) = &mut self.phase else {
                return Err(Error::NotAuthentic);
            };
            let sealed_len = self.header.as_ref().map_or(0, Header::chunk_size) + TAG_LEN;
            // More input follows, so a full buffered chunk is not the last one.
            if self.buffer.len() == sealed_len {
                open_into(cipher, &mut self.buffer, false, out)?;
            }
            let take = input.len().min(sealed_len - self.buffer.len());
            let (head, rest) = input.split_at(take);
            self.buffer.extend_from_slice(head);
            input = rest;
        }
        Ok(())
    }

    /// Buffers header bytes; once the header is complete, parses it, derives the file keys and
    /// checks the commitment. Returns the input after the bytes it used.
    fn read_header<'i>(&mut self, input: &'i [u8]) -> Result<&'i [u8], Error> {
        let needed = Header::needed_len(&self.buffer)?;
        let take = input.len().min(needed - self.buffer.len());
        let (head, rest) = input.split_at(take);
        self.buffer.extend_from_slice(head);
        if Header::needed_len(&self.buffer)? > self.buffer.len() {
            return Ok(rest);
        }

        let header = Header::parse(&self.buffer)?;
        let Phase::Header(unlock) = std::mem::replace(&mut self.phase, Phase::Done) else {
            return Err(Error::NotAuthentic);
        };
        let keys = header.open(&unlock)?;
        self.phase = Phase::Body(Box::new(BodyCipher::new(&keys)));
        self.buffer.zeroize();
        self.buffer.reserve_exact(header.chunk_size() + TAG_LEN);
        self.header = Some(header);
        Ok(rest)
    }

    fn open_final(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        let (Phase::Body(cipher), Some(header)) = (&mut self.phase, &self.header) else {
            return Err(Error::NotAuthentic);
        };
        let body_len = self.buffer.len().checked_sub(TAG_LEN).ok_or(Error::NotAuthentic)?;
        let index = cipher.next_index;
        let (body, tag) = self.buffer.split_at_mut(body_len);
        cipher.open(body, tag, true)?;
        let data_len = unpad_final(header.level(), header.chunk_size(), index, body)?;
        out.extend_from_slice(&body[..data_len]);
        Ok(())
    }

    fn fail(&mut self, error: Error) {
        self.state = State::Failed(error);
        self.phase = Phase::Done;
        self.buffer.zeroize();
    }
}

impl Header {
    /// Derives the file keys with the key in `unlock` and checks the commitment in constant
    /// time.
    ///
    /// # Errors
    ///
    /// [`Error::KeyReference`] if the header stores no wrapped key and `unlock` is a KEK,
    /// the errors of [`unwrap_key`], and [`Error::NotAuthentic`] if the commitment differs.
    pub fn open(&self, unlock: &Unlock) -> Result<FileKeys, Error> {
        let unwrapped;
        let data_key = match (unlock, self.key_source()) {
            (Unlock::DataKey(key), _) => key,
            (Unlock::Kek(kek), KeySource::Wrapped(wrapped)) => {
                unwrapped = unwrap_key(kek, wrapped, &self.wrap_context(kek.version()))?;
                &unwrapped
            }
            (Unlock::Kek(_), KeySource::Reference) => return Err(Error::KeyReference),
        };
        let keys = FileKeys::derive(data_key, self.salt(), self.body());
        if keys.commitment.as_slice().ct_eq(self.commitment()).to_bool() {
            Ok(keys)
        } else {
            Err(Error::NotAuthentic)
        }
    }

    /// Returns the context that the wrapped key in this header is bound to.
    pub fn wrap_context(&self, kek_version: u32) -> WrapContext<'_> {
        WrapContext { dataset_id: self.dataset_id(), key_id: self.key_id(), kek_version }
    }
}

/// Appends `chunk` sealed to `out`. On error `out` is left as it was.
fn seal_into(
    cipher: &mut BodyCipher,
    chunk: &[u8],
    last: bool,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let start = out.len();
    out.extend_from_slice(chunk);
    let sealed = &mut out[start..];
    match cipher.seal(sealed, last) {
        Ok(tag) => {
            out.extend_from_slice(&tag);
            Ok(())
        }
        Err(error) => {
            sealed.zeroize();
            out.truncate(start);
            Err(error)
        }
    }
}

/// Opens the sealed non-final chunk in `buffer`, appends its plaintext to `out` and clears
/// `buffer`. On error nothing is appended.
fn open_into(
    cipher: &mut BodyCipher,
    buffer: &mut Vec<u8>,
    last: bool,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let body_len = buffer.len().checked_sub(TAG_LEN).ok_or(Error::NotAuthentic)?;
    let (body, tag) = buffer.split_at_mut(body_len);
    cipher.open(body, tag, last)?;
    out.extend_from_slice(body);
    buffer.zeroize();
    Ok(())
}

#[cfg(test)]
mod tests;
