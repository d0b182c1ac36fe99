//! C2SP chunked encryption v1 with HKDF-SHA-512 and AES-256-GCM: streaming encryption and
//! decryption of one message under a [`Key`] and a context.
//!
//! The format and the reasons for it are in the [`seal`](crate::seal) module documentation.
//! Both stream types buffer at most one chunk, so memory use does not grow with the message.
//!
//! ```
//! use techdeck_guard::seal::{chunked::{Decryptor, Encryptor}, Key};
//!
//! let key = Key::generate()?;
//! let mut ciphertext = Vec::new();
//! let mut encryptor = Encryptor::new(&key, b"dataset 42")?;
//! encryptor.push(b"id,note\n", &mut ciphertext)?;
//! encryptor.push(b"1,first session\n", &mut ciphertext)?;
//! encryptor.finish(&mut ciphertext)?;
//!
//! let mut plaintext = Vec::new();
//! let mut decryptor = Decryptor::new(&key, b"dataset 42");
//! for piece in ciphertext.chunks(1000) {
//!     decryptor.push(piece, &mut plaintext)?;
//! }
//! decryptor.finish(&mut plaintext)?;
//! assert_eq!(plaintext, b"id,note\n1,first session\n");
//! # Ok::<(), techdeck_guard::seal::Error>(())
//! ```

use aes_gcm::{AeadInOut, Aes256Gcm, KeyInit, Tag};
use ctutils::CtEq;
use sha2::Sha512;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::kdf::hkdf_expand;
use super::{Error, Key, KEY_LEN};

/// Plaintext bytes in every chunk but the last, 16 KiB as in the TLS 1.3 record layer. The last
/// chunk is always shorter, and empty when the message length is a multiple of this.
pub const CHUNK_SIZE: usize = 16 * 1024;

/// Length of the AES-GCM tag that follows each chunk, in bytes.
pub const TAG_LEN: usize = 16;

/// Length of the random salt that starts a ciphertext, in bytes.
pub const SALT_LEN: usize = 24;

/// Length of the key commitment that follows the salt, in bytes.
pub const COMMITMENT_LEN: usize = 32;

/// Length of the salt and commitment before the first chunk, in bytes.
pub const HEADER_LEN: usize = SALT_LEN + COMMITMENT_LEN;

/// Maximum number of chunks in one message, 2³⁸ as the C2SP specification sets.
///
/// Chunk numbers are XORed into the low 38 bits of the nonce, so a larger count would reuse a
/// nonce. The encryptor and the decryptor return [`Error::MessageTooLong`] before chunk number
/// `MAX_CHUNKS` would be used.
pub const MAX_CHUNKS: u64 = 1 << 38;

/// Maximum plaintext length of one message in bytes (4 PiB less one byte): `MAX_CHUNKS - 1` full
/// chunks and a final chunk one byte short of full.
pub const MAX_MESSAGE_BYTES: u64 = MAX_CHUNKS * CHUNK_SIZE as u64 - 1;

const NONCE_LEN: usize = 12;

/// A full chunk with its tag: the decryptor opens a buffer of this size as soon as it fills,
/// because only the final chunk may be shorter.
const SEALED_CHUNK_LEN: usize = CHUNK_SIZE + TAG_LEN;

const DERIVED_LEN: usize = KEY_LEN + NONCE_LEN + COMMITMENT_LEN;

/// The HKDF-Expand info starts with this label, then the AEAD name from the IANA AEAD registry
/// and a zero byte, then the salt and the context.
const INFO_LABEL: &[u8] = b"c2sp.org/chunked-encryption@v1+";
const AEAD_NAME: &[u8] = b"AEAD_AES_256_GCM";

/// Encrypts `plaintext` as one message bound to `context`.
///
/// # Errors
///
/// [`Error::RandomUnavailable`] if no salt can be drawn, [`Error::MessageTooLong`] if the
/// plaintext is longer than [`MAX_MESSAGE_BYTES`].
pub fn encrypt(key: &Key, context: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, Error> {
    let mut encryptor = Encryptor::new(key, context)?;
    let mut ciphertext = Vec::with_capacity(sealed_len(plaintext.len()));
    encryptor.push(plaintext, &mut ciphertext)?;
    encryptor.finish(&mut ciphertext)?;
    Ok(ciphertext)
}

/// Decrypts and verifies a whole message sealed with `key` and `context`.
///
/// # Errors
///
/// [`Error::NotAuthentic`] if any check fails. No plaintext is returned in that case, and the
/// part that was already verified is zeroed.
pub fn decrypt(key: &Key, context: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, Error> {
    let mut decryptor = Decryptor::new(key, context);
    // The plaintext is never longer than the ciphertext, so the buffer is not reallocated and no
    // stray copy of plaintext is left in freed memory.
    let mut plaintext = Zeroizing::new(Vec::with_capacity(ciphertext.len()));
    decryptor.push(ciphertext, &mut plaintext)?;
    decryptor.finish(&mut plaintext)?;
    Ok(std::mem::take(&mut *plaintext))
}

/// Returns the ciphertext length of a plaintext of `plaintext_len` bytes, saturating at
/// `usize::MAX`.
fn sealed_len(plaintext_len: usize) -> usize {
    let chunks = plaintext_len / CHUNK_SIZE + 1;
    chunks.saturating_mul(TAG_LEN).saturating_add(plaintext_len).saturating_add(HEADER_LEN)
}

/// Whether a stream can take more input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum State {
    Open,
    Finished,
    Failed(Error),
}

impl State {
    pub(super) fn check_open(self) -> Result<(), Error> {
        match self {
            State::Open => Ok(()),
            State::Finished => Err(Error::AlreadyFinished),
            State::Failed(error) => Err(error),
        }
    }
}

/// The derived per-message AES key and base nonce, and the number of the next chunk.
#[derive(ZeroizeOnDrop)]
struct ChunkCipher {
    // With the `zeroize` feature, aes-gcm zeroes its key schedule on drop.
    #[zeroize(skip)]
    aead: Aes256Gcm,
    base_nonce: [u8; NONCE_LEN],
    #[zeroize(skip)]
    next_index: u64,
}

impl ChunkCipher {
    /// Derives the chunk cipher and the commitment of one message.
    fn derive(key: &Key, salt: &[u8], context: &[u8]) -> (ChunkCipher, [u8; COMMITMENT_LEN]) {
        let derived = expand(key, salt, context);
        let mut aead_key = Zeroizing::new([0u8; KEY_LEN]);
        aead_key.copy_from_slice(&derived[..KEY_LEN]);
        let mut base_nonce = [0u8; NONCE_LEN];
        base_nonce.copy_from_slice(&derived[KEY_LEN..KEY_LEN + NONCE_LEN]);
        let mut commitment = [0u8; COMMITMENT_LEN];
        commitment.copy_from_slice(&derived[KEY_LEN + NONCE_LEN..]);

        let cipher =
            ChunkCipher { aead: Aes256Gcm::new((&*aead_key).into()), base_nonce, next_index: 0 };
        (cipher, commitment)
    }

    /// Returns the nonce of the next chunk, or [`Error::MessageTooLong`] at the chunk limit.
    fn next_nonce(&self) -> Result<aes_gcm::Nonce<aes_gcm::aead::consts::U12>, Error> {
        if self.next_index >= MAX_CHUNKS {
            return Err(Error::MessageTooLong);
        }
        // The chunk number is XORed in as a 96-bit big-endian integer. Its top 32 bits are zero,
        // so only the last 8 bytes change.
        let mut nonce = self.base_nonce;
        let counter = self.next_index.to_be_bytes();
        for (byte, counter_byte) in nonce[NONCE_LEN - counter.len()..].iter_mut().zip(counter) {
            *byte ^= counter_byte;
        }
        Ok(nonce.into())
    }

    /// Encrypts the next chunk in place and returns its tag.
    fn seal(&mut self, chunk: &mut [u8]) -> Result<Tag, Error> {
        let nonce = self.next_nonce()?;
        // AES-GCM rejects only inputs longer than 2³⁶ - 32 bytes, far above a chunk.
        let tag = self
            .aead
            .encrypt_inout_detached(&nonce, &[], chunk.into())
            .map_err(|_| Error::MessageTooLong)?;
        self.next_index += 1;
        Ok(tag)
    }

    /// Verifies and decrypts the next chunk in place. aes-gcm checks the tag before it
    /// decrypts, so `chunk` still contains ciphertext after an error.
    fn open(&mut self, chunk: &mut [u8], tag: &[u8]) -> Result<(), Error> {
        let nonce = self.next_nonce()?;
        let tag = Tag::try_from(tag).map_err(|_| Error::NotAuthentic)?;
        self.aead
            .decrypt_inout_detached(&nonce, &[], chunk.into(), &tag)
            .map_err(|_| Error::NotAuthentic)?;
        self.next_index += 1;
        Ok(())
    }
}

/// Streaming encryptor of one message.
///
/// [`push`](Encryptor::push) appends the ciphertext of every chunk that has filled up to the
/// caller's buffer, and [`finish`](Encryptor::finish) appends the final short chunk. The salt
/// and commitment are written before the first chunk, on the first call of either.
pub struct Encryptor {
    cipher: ChunkCipher,
    /// The salt and commitment, until they are written out.
    header: Option<[u8; HEADER_LEN]>,
    /// Plaintext of the chunk being filled, always shorter than [`CHUNK_SIZE`].
    pending: Zeroizing<Vec<u8>>,
    state: State,
}

impl Encryptor {
    /// Starts a message under `key` and `context`, with a fresh random salt.
    ///
    /// # Errors
    ///
    /// [`Error::RandomUnavailable`] if the random number generator fails.
    pub fn new(key: &Key, context: &[u8]) -> Result<Encryptor, Error> {
        let mut salt = [0u8; SALT_LEN];
        getrandom::fill(&mut salt).map_err(|_| Error::RandomUnavailable)?;
        Ok(Encryptor::with_salt(key, salt, context))
    }

    /// Starts a message with a given salt. A salt must never repeat under one key, which only a
    /// fresh random salt guarantees, so this stays private to tests and [`Encryptor::new`].
    fn with_salt(key: &Key, salt: [u8; SALT_LEN], context: &[u8]) -> Encryptor {
        let (cipher, commitment) = ChunkCipher::derive(key, &salt, context);
        let mut header = [0u8; HEADER_LEN];
        header[..SALT_LEN].copy_from_slice(&salt);
        header[SALT_LEN..].copy_from_slice(&commitment);
        Encryptor {
            cipher,
            header: Some(header),
            pending: Zeroizing::new(Vec::with_capacity(CHUNK_SIZE)),
            state: State::Open,
        }
    }

    /// Encrypts `plaintext` and appends the ciphertext of every completed chunk to `out`.
    ///
    /// Plaintext that does not fill a chunk is kept until the next call.
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyFinished`] after [`finish`](Encryptor::finish), and
    /// [`Error::MessageTooLong`] when the message reaches [`MAX_CHUNKS`] chunks. After an error
    /// the encryptor returns the same error on every call.
    pub fn push(&mut self, plaintext: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.state.check_open()?;
        self.write_header(out);
        let result = self.write_chunks(plaintext, out);
        if let Err(error) = result {
            self.state = State::Failed(error);
        }
        result
    }

    /// Seals the final chunk, which contains the pending plaintext and may be empty, and appends
    /// it to `out`.
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyFinished`] on a second call, [`Error::MessageTooLong`] as for
    /// [`push`](Encryptor::push).
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.state.check_open()?;
        self.write_header(out);

        let result = seal_into(&mut self.cipher, &self.pending, out);
        self.pending.zeroize();
        self.state = match result {
            Ok(()) => State::Finished,
            Err(error) => State::Failed(error),
        };
        result
    }

    fn write_chunks(&mut self, plaintext: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let mut input = plaintext;
        while !input.is_empty() {
            if self.pending.is_empty() && input.len() >= CHUNK_SIZE {
                let (chunk, rest) = input.split_at(CHUNK_SIZE);
                seal_into(&mut self.cipher, chunk, out)?;
                input = rest;
                continue;
            }
            let take = input.len().min(CHUNK_SIZE - self.pending.len());
            let (head, rest) = input.split_at(take);
            self.pending.extend_from_slice(head);
            input = rest;
            // A full chunk is never the final one, so it is sealed at once.
            if self.pending.len() == CHUNK_SIZE {
                seal_into(&mut self.cipher, &self.pending, out)?;
                self.pending.zeroize();
            }
        }
        Ok(())
    }

    fn write_header(&mut self, out: &mut Vec<u8>) {
        if let Some(header) = self.header.take() {
            out.extend_from_slice(&header);
        }
    }
}

/// The position of a decryptor in the ciphertext.
enum Phase {
    /// Reading the salt and commitment. The input key and context are kept until then.
    Header { key: Key, context: Vec<u8> },
    /// Reading chunks. The cipher is boxed because its AES key schedule is large.
    Body(Box<ChunkCipher>),
    /// Failed or finished: the key material is dropped.
    Done,
}

/// Streaming decryptor of one message.
///
/// [`push`](Decryptor::push) accepts the ciphertext split anywhere, verifies each chunk as soon
/// as it is complete and appends only verified plaintext to the caller's buffer.
/// [`finish`](Decryptor::finish) verifies the final short chunk, and fails if the stream was
/// truncated. Plaintext from [`push`](Decryptor::push) is authentic but may be a prefix of the
/// message until [`finish`](Decryptor::finish) returns `Ok`.
pub struct Decryptor {
    phase: Phase,
    /// The header, then the sealed chunk being filled: at most [`CHUNK_SIZE`] + [`TAG_LEN`]
    /// bytes, allocated once.
    buffer: Zeroizing<Vec<u8>>,
    state: State,
}

impl Decryptor {
    /// Starts decrypting a message sealed under `key` and `context`.
    pub fn new(key: &Key, context: &[u8]) -> Decryptor {
        Decryptor {
            phase: Phase::Header { key: key.clone(), context: context.to_vec() },
            buffer: Zeroizing::new(Vec::with_capacity(SEALED_CHUNK_LEN)),
            state: State::Open,
        }
    }

    /// Reads the next part of the ciphertext and appends the plaintext of every chunk that
    /// completes and verifies to `out`.
    ///
    /// # Errors
    ///
    /// [`Error::NotAuthentic`] if the commitment or a chunk fails to verify,
    /// [`Error::MessageTooLong`] at [`MAX_CHUNKS`] chunks, [`Error::AlreadyFinished`] after a
    /// successful [`finish`](Decryptor::finish). After an error, `out` contains the plaintext of
    /// the chunks verified before the failing one and nothing of it, and every later call
    /// returns the same error.
    pub fn push(&mut self, ciphertext: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.state.check_open()?;
        let result = self.read(ciphertext, out);
        if let Err(error) = result {
            self.fail(error);
        }
        result
    }

    /// Verifies the final chunk and appends its plaintext to `out`.
    ///
    /// # Errors
    ///
    /// [`Error::NotAuthentic`] if the stream is truncated (it ends inside the header, on a
    /// chunk boundary, or with fewer bytes than a tag after it) or the final chunk does not
    /// verify. [`Error::AlreadyFinished`] on a second call, and the earlier error after a
    /// failure.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.state.check_open()?;
        let result = match &mut self.phase {
            // A stream that ends on a chunk boundary lacks its short final chunk. Every full
            // chunk has been opened by `read`, so the buffer is shorter than a full chunk here.
            Phase::Body(cipher) if self.buffer.len() >= TAG_LEN => {
                open_into(cipher, &mut self.buffer, out)
            }
            _ => Err(Error::NotAuthentic),
        };
        match result {
            Ok(()) => {
                self.state = State::Finished;
                self.phase = Phase::Done;
            }
            Err(error) => self.fail(error),
        }
        result
    }

    fn read(&mut self, ciphertext: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let mut input = ciphertext;
        while !input.is_empty() {
            let target = match self.phase {
                Phase::Header { .. } => HEADER_LEN,
                _ => SEALED_CHUNK_LEN,
            };
            let take = input.len().min(target - self.buffer.len());
            let (head, rest) = input.split_at(take);
            self.buffer.extend_from_slice(head);
            input = rest;
            if self.buffer.len() < target {
                continue;
            }

            match &mut self.phase {
                Phase::Header { key, context } => {
                    let cipher = open_header(key, context, &self.buffer)?;
                    self.phase = Phase::Body(Box::new(cipher));
                    self.buffer.clear();
                }
                // A full chunk is never the final one, so it can be opened at once.
                Phase::Body(cipher) => open_into(cipher, &mut self.buffer, out)?,
                Phase::Done => return Err(Error::NotAuthentic),
            }
        }
        Ok(())
    }

    fn fail(&mut self, error: Error) {
        self.state = State::Failed(error);
        self.phase = Phase::Done;
        self.buffer.zeroize();
    }
}

/// Runs HKDF-Expand with SHA-512 and returns the AES key, the base nonce and the commitment, in
/// that order.
fn expand(key: &Key, salt: &[u8], context: &[u8]) -> Zeroizing<[u8; DERIVED_LEN]> {
    let mut derived = Zeroizing::new([0u8; DERIVED_LEN]);
    let info = [INFO_LABEL, AEAD_NAME, &[0], salt, context];
    hkdf_expand::<Sha512>(key.expose_secret(), &info, &mut *derived)
        .expect("76 bytes is below the HKDF-SHA-512 output limit of 16320");
    derived
}

/// Appends `chunk` sealed to `out`. On error `out` is left as it was.
fn seal_into(cipher: &mut ChunkCipher, chunk: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
    let start = out.len();
    out.extend_from_slice(chunk);
    let sealed = &mut out[start..];
    match cipher.seal(sealed) {
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

/// Derives the chunk cipher from the salt in `header` and checks the commitment in constant
/// time, before any chunk is opened.
fn open_header(key: &Key, context: &[u8], header: &[u8]) -> Result<ChunkCipher, Error> {
    let (salt, commitment) = header.split_at_checked(SALT_LEN).ok_or(Error::NotAuthentic)?;
    let (cipher, expected) = ChunkCipher::derive(key, salt, context);
    if expected.as_slice().ct_eq(commitment).to_bool() {
        Ok(cipher)
    } else {
        Err(Error::NotAuthentic)
    }
}

/// Opens the sealed chunk in `buffer`, appends its plaintext to `out` and clears `buffer`.
/// On error nothing is appended.
fn open_into(
    cipher: &mut ChunkCipher,
    buffer: &mut Vec<u8>,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let body_len = buffer.len().checked_sub(TAG_LEN).ok_or(Error::NotAuthentic)?;
    let (body, tag) = buffer.split_at_mut(body_len);
    cipher.open(body, tag)?;
    out.extend_from_slice(body);
    buffer.zeroize();
    Ok(())
}

#[cfg(test)]
mod tests;
