use std::io::Read;

use sha2::{Digest, Sha512};

use super::*;

const CONTEXT: &[u8] = b"dataset 7";

/// xorshift64*: a seeded generator so that every run pushes the same split sizes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Returns a push size from 0 to `max`, biased toward small sizes and chunk-sized ones.
    fn piece(&mut self, max: usize) -> usize {
        let size = match self.next() % 4 {
            0 => self.next() % 17,
            1 => self.next() % 300,
            2 => CHUNK_SIZE as u64 + self.next() % 40 - 20,
            _ => self.next() % 50_000,
        };
        (size as usize).min(max)
    }
}

fn key(seed: u8) -> Key {
    Key::from_bytes([seed; KEY_LEN])
}

fn message(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn seal(key: &Key, plaintext: &[u8]) -> Vec<u8> {
    encrypt(key, CONTEXT, plaintext).expect("encryption succeeds")
}

/// Encrypts with random push sizes and a fixed salt.
fn seal_split(plaintext: &[u8], salt: [u8; SALT_LEN], rng: &mut Rng) -> Vec<u8> {
    let mut encryptor = Encryptor::with_salt(&key(1), salt, CONTEXT);
    let mut out = Vec::new();
    let mut rest = plaintext;
    while !rest.is_empty() {
        let (piece, tail) = rest.split_at(rng.piece(rest.len()));
        encryptor.push(piece, &mut out).expect("push succeeds");
        rest = tail;
    }
    encryptor.finish(&mut out).expect("finish succeeds");
    out
}

/// Decrypts with random push sizes and returns the released plaintext with the first error.
fn open_split(
    key: &Key,
    context: &[u8],
    ciphertext: &[u8],
    rng: &mut Rng,
) -> (Vec<u8>, Result<(), Error>) {
    let mut decryptor = Decryptor::new(key, context);
    let mut out = Vec::new();
    let mut rest = ciphertext;
    while !rest.is_empty() {
        let (piece, tail) = rest.split_at(rng.piece(rest.len()).max(1));
        if let Err(error) = decryptor.push(piece, &mut out) {
            return (out, Err(error));
        }
        rest = tail;
    }
    let result = decryptor.finish(&mut out);
    (out, result)
}

/// Offsets of each sealed chunk in a ciphertext, as `(start, end)`.
fn chunk_ranges(ciphertext_len: usize) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = HEADER_LEN;
    while start < ciphertext_len {
        let end = (start + SEALED_CHUNK_LEN).min(ciphertext_len);
        ranges.push((start, end));
        start = end;
    }
    ranges
}

/// Plaintext bytes that a decryptor may release before it reads a bad byte at `offset`: the
/// full chunks that end before it.
fn verified_prefix(offset: usize) -> usize {
    offset.saturating_sub(HEADER_LEN) / SEALED_CHUNK_LEN * CHUNK_SIZE
}

/// Asserts that `ciphertext` fails as not authentic and that exactly `released` bytes of
/// `plaintext` came out first, whatever the push sizes.
fn assert_rejected(ciphertext: &[u8], plaintext: &[u8], released: usize, case: &str) {
    assert_eq!(decrypt(&key(1), CONTEXT, ciphertext), Err(Error::NotAuthentic), "{case}: one-shot");
    for seed in 1..4 {
        let (out, result) = open_split(&key(1), CONTEXT, ciphertext, &mut Rng(seed));
        assert_eq!(result, Err(Error::NotAuthentic), "{case}: seed {seed}");
        assert_eq!(out.len(), released, "{case}: seed {seed}: released length");
        assert!(out == plaintext[..released], "{case}: seed {seed}: released bytes");
    }
}

#[test]
fn round_trip_sizes() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for size in [0, 1, 16383, 16384, 16385, 32768, 100_000] {
        let plaintext = message(size);
        let ciphertext = seal_split(&plaintext, [size as u8; SALT_LEN], &mut rng);
        assert_eq!(ciphertext.len(), sealed_len(size), "size {size}: ciphertext length");

        let (out, result) = open_split(&key(1), CONTEXT, &ciphertext, &mut rng);
        assert_eq!(result, Ok(()), "size {size}");
        assert!(out == plaintext, "size {size}: plaintext");
        assert_eq!(
            decrypt(&key(1), CONTEXT, &ciphertext).as_deref(),
            Ok(&plaintext[..]),
            "size {size}: one-shot"
        );
    }
}

#[test]
fn round_trip_oneshot() {
    let plaintext = message(40_000);
    let ciphertext = seal(&key(2), &plaintext);
    assert_eq!(decrypt(&key(2), CONTEXT, &ciphertext).as_deref(), Ok(&plaintext[..]));
}

#[test]
fn encrypt_split_independent() {
    let plaintext = message(70_000);
    let whole = seal_split(&plaintext, [9; SALT_LEN], &mut Rng(5));
    for seed in 6..12 {
        assert_eq!(seal_split(&plaintext, [9; SALT_LEN], &mut Rng(seed)), whole, "seed {seed}");
    }
}

#[test]
fn encrypt_salts_differ() {
    let first = seal(&key(1), b"same");
    let second = seal(&key(1), b"same");
    assert_ne!(first[..SALT_LEN], second[..SALT_LEN]);
}

#[test]
fn nonce_counter_big_endian() {
    let (mut cipher, _) = ChunkCipher::derive(&key(1), &[0; SALT_LEN], b"");
    cipher.base_nonce = [0; NONCE_LEN];
    cipher.next_index = 0x3f_0102_0304;
    let nonce = cipher.next_nonce().expect("below the limit");
    assert_eq!(nonce.as_slice(), [0, 0, 0, 0, 0, 0, 0, 0x3f, 1, 2, 3, 4]);
}

#[test]
fn tamper_header() {
    let plaintext = message(40_000);
    let ciphertext = seal(&key(1), &plaintext);
    for offset in [0, SALT_LEN - 1, SALT_LEN, HEADER_LEN - 1] {
        let mut bad = ciphertext.clone();
        bad[offset] ^= 0x01;
        assert_rejected(&bad, &plaintext, 0, &format!("header byte {offset}"));
    }
}

#[test]
fn tamper_chunks_and_tags() {
    for size in [40_000, 32768] {
        let plaintext = message(size);
        let ciphertext = seal(&key(1), &plaintext);
        for (index, (start, end)) in chunk_ranges(ciphertext.len()).into_iter().enumerate() {
            let mut offsets = vec![end - 1, end - TAG_LEN];
            if end - start > TAG_LEN {
                offsets.extend([start, (start + end - TAG_LEN) / 2]);
            }
            for offset in offsets {
                let mut bad = ciphertext.clone();
                bad[offset] ^= 0x80;
                let case = format!("size {size}, chunk {index}, byte {offset}");
                assert_rejected(&bad, &plaintext, index * CHUNK_SIZE, &case);
            }
        }
    }
}

#[test]
fn truncate_everywhere() {
    let plaintext = message(40_000);
    let ciphertext = seal(&key(1), &plaintext);
    let mut lengths = vec![0, 1, SALT_LEN, HEADER_LEN - 1, HEADER_LEN, HEADER_LEN + TAG_LEN - 1];
    for (_, end) in chunk_ranges(ciphertext.len()) {
        lengths.extend([end - 1, end - TAG_LEN, end - TAG_LEN - 1]);
        if end < ciphertext.len() {
            lengths.extend([end, end + 1, end + 100]);
        }
    }
    for length in lengths {
        assert_rejected(
            &ciphertext[..length],
            &plaintext,
            verified_prefix(length),
            &format!("length {length}"),
        );
    }
}

#[test]
fn truncate_empty_final() {
    let plaintext = message(2 * CHUNK_SIZE);
    let ciphertext = seal(&key(1), &plaintext);
    let without_final = &ciphertext[..ciphertext.len() - TAG_LEN];
    assert_rejected(without_final, &plaintext, 2 * CHUNK_SIZE, "final chunk dropped");
}

#[test]
fn reorder_drop_duplicate() {
    let plaintext = message(40_000);
    let ciphertext = seal(&key(1), &plaintext);
    let ranges = chunk_ranges(ciphertext.len());
    let chunk = |index: usize| &ciphertext[ranges[index].0..ranges[index].1];
    let header = &ciphertext[..HEADER_LEN];

    let cases: [(&str, Vec<&[u8]>, usize); 5] = [
        ("swap 0 and 1", vec![header, chunk(1), chunk(0), chunk(2)], 0),
        ("swap 1 and 2", vec![header, chunk(0), chunk(2), chunk(1)], CHUNK_SIZE),
        ("drop 1", vec![header, chunk(0), chunk(2)], CHUNK_SIZE),
        ("drop 0", vec![header, chunk(1), chunk(2)], 0),
        ("duplicate 0", vec![header, chunk(0), chunk(0), chunk(1), chunk(2)], CHUNK_SIZE),
    ];
    for (case, parts, released) in cases {
        assert_rejected(&parts.concat(), &plaintext, released, case);
    }
}

#[test]
fn splice_other_message() {
    let plaintext = message(40_000);
    let ciphertext = seal(&key(1), &plaintext);
    let other = seal(&key(1), &message(40_000));
    let ranges = chunk_ranges(ciphertext.len());
    for (index, (start, end)) in ranges.into_iter().enumerate() {
        let mut spliced = ciphertext.clone();
        spliced[start..end].copy_from_slice(&other[start..end]);
        assert_rejected(&spliced, &plaintext, index * CHUNK_SIZE, &format!("chunk {index}"));
    }
}

#[test]
fn trailing_data() {
    for size in [40_000, 32768, 5] {
        let plaintext = message(size);
        let ciphertext = seal(&key(1), &plaintext);
        let full_chunks = size / CHUNK_SIZE * CHUNK_SIZE;
        let extra_chunk = ciphertext[HEADER_LEN..].to_vec();
        for trailer in [vec![0], vec![0; TAG_LEN], vec![0xff; 20_000], extra_chunk] {
            let bad = [ciphertext.clone(), trailer.clone()].concat();
            assert_rejected(
                &bad,
                &plaintext,
                full_chunks,
                &format!("size {size}, {} trailing bytes", trailer.len()),
            );
        }
    }
}

#[test]
fn wrong_key_or_context() {
    let plaintext = message(40_000);
    let ciphertext = seal(&key(1), &plaintext);
    let mut out = Vec::new();

    let mut decryptor = Decryptor::new(&key(2), CONTEXT);
    assert_eq!(decryptor.push(&ciphertext, &mut out), Err(Error::NotAuthentic));
    assert!(out.is_empty(), "wrong key released plaintext");

    let mut decryptor = Decryptor::new(&key(1), b"dataset 8");
    assert_eq!(decryptor.push(&ciphertext, &mut out), Err(Error::NotAuthentic));
    assert!(out.is_empty(), "wrong context released plaintext");

    assert_eq!(decrypt(&key(1), b"", &ciphertext), Err(Error::NotAuthentic));
}

#[test]
fn decryptor_stays_failed() {
    let ciphertext = seal(&key(1), &message(40_000));
    let mut bad = ciphertext.clone();
    bad[HEADER_LEN] ^= 1;
    let mut decryptor = Decryptor::new(&key(1), CONTEXT);
    let mut out = Vec::new();
    assert_eq!(
        decryptor.push(&bad[..HEADER_LEN + SEALED_CHUNK_LEN], &mut out),
        Err(Error::NotAuthentic)
    );

    // The rest of the stream, and even the original chunk, no longer decrypt.
    assert_eq!(decryptor.push(&ciphertext[HEADER_LEN..], &mut out), Err(Error::NotAuthentic));
    assert_eq!(decryptor.finish(&mut out), Err(Error::NotAuthentic));
    assert_eq!(decryptor.finish(&mut out), Err(Error::NotAuthentic));
    assert!(out.is_empty());
}

#[test]
fn finish_twice() {
    let mut encryptor = Encryptor::new(&key(1), CONTEXT).expect("salt");
    let mut ciphertext = Vec::new();
    encryptor.push(b"abc", &mut ciphertext).expect("push");
    assert_eq!(encryptor.finish(&mut ciphertext), Ok(()));
    let length = ciphertext.len();
    assert_eq!(encryptor.finish(&mut ciphertext), Err(Error::AlreadyFinished));
    assert_eq!(encryptor.push(b"d", &mut ciphertext), Err(Error::AlreadyFinished));
    assert_eq!(ciphertext.len(), length, "encryptor wrote after finish");

    let mut decryptor = Decryptor::new(&key(1), CONTEXT);
    let mut plaintext = Vec::new();
    decryptor.push(&ciphertext, &mut plaintext).expect("push");
    assert_eq!(decryptor.finish(&mut plaintext), Ok(()));
    assert_eq!(decryptor.finish(&mut plaintext), Err(Error::AlreadyFinished));
    assert_eq!(decryptor.push(b"x", &mut plaintext), Err(Error::AlreadyFinished));
    assert_eq!(plaintext, b"abc");
}

#[test]
fn encryptor_chunk_limit() {
    let mut encryptor = Encryptor::with_salt(&key(1), [3; SALT_LEN], CONTEXT);
    encryptor.cipher.next_index = MAX_CHUNKS - 1;
    let mut out = Vec::new();
    encryptor.push(&message(CHUNK_SIZE), &mut out).expect("the last chunk number is usable");
    let length = out.len();
    assert_eq!(length, HEADER_LEN + SEALED_CHUNK_LEN);

    assert_eq!(encryptor.finish(&mut out), Err(Error::MessageTooLong));
    assert_eq!(out.len(), length, "failed finish wrote output");
    assert_eq!(encryptor.push(b"a", &mut out), Err(Error::MessageTooLong));
    assert_eq!(encryptor.finish(&mut out), Err(Error::MessageTooLong));
}

#[test]
fn decryptor_chunk_limit() {
    let plaintext = message(CHUNK_SIZE);
    let mut encryptor = Encryptor::with_salt(&key(1), [3; SALT_LEN], CONTEXT);
    encryptor.cipher.next_index = MAX_CHUNKS - 1;
    let mut ciphertext = Vec::new();
    encryptor.push(&plaintext, &mut ciphertext).expect("push");

    let mut decryptor = Decryptor::new(&key(1), CONTEXT);
    let mut out = Vec::new();
    decryptor.push(&ciphertext[..HEADER_LEN], &mut out).expect("header verifies");
    let Phase::Body(cipher) = &mut decryptor.phase else { panic!("header was read") };
    cipher.next_index = MAX_CHUNKS - 1;
    decryptor.push(&ciphertext[HEADER_LEN..], &mut out).expect("the last chunk number opens");
    assert!(out == plaintext);

    // An empty final chunk would need chunk number 2^38.
    assert_eq!(decryptor.push(&[0; TAG_LEN], &mut out), Ok(()));
    assert_eq!(decryptor.finish(&mut out), Err(Error::MessageTooLong));
    assert_eq!(out.len(), CHUNK_SIZE);
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit pair"))
        .collect()
}

/// Checks the key derivation and the encryptor against the Wycheproof chunked-encryption
/// vectors: the derived AES key and base nonce match `aeadKey` and `baseNonce`, and
/// re-encrypting a valid message with its salt reproduces the ciphertext byte for byte.
#[test]
fn vectors_derive_and_encrypt() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/wycheproof/c2sp_chunked_encryption_aes_256_gcm_test.json"
    );
    let text = std::fs::read_to_string(path).expect("vector file is present");
    let root: serde_json::Value = serde_json::from_str(&text).expect("vector file is JSON");
    let (mut derived, mut reencrypted) = (0, 0);
    for test in root["testGroups"][0]["tests"].as_array().expect("tests") {
        let id = &test["tcId"];
        let (Some(aead_key), Some(base_nonce)) =
            (test["aeadKey"].as_str(), test["baseNonce"].as_str())
        else {
            continue;
        };
        let mut ciphertext = Vec::new();
        flate2::read::ZlibDecoder::new(&hex(test["ct"].as_str().expect("ct"))[..])
            .read_to_end(&mut ciphertext)
            .expect("ct inflates");
        let key = Key::from_slice(&hex(test["key"].as_str().expect("key"))).expect("32-byte key");
        let context = hex(test["ctx"].as_str().expect("ctx"));
        let salt: [u8; SALT_LEN] = ciphertext[..SALT_LEN].try_into().expect("salt");

        let derived_bytes = expand(&key, &salt, &context);
        assert_eq!(derived_bytes[..KEY_LEN], hex(aead_key), "tcId {id}: AES key");
        assert_eq!(
            derived_bytes[KEY_LEN..KEY_LEN + NONCE_LEN],
            hex(base_nonce),
            "tcId {id}: base nonce"
        );
        assert_eq!(
            derived_bytes[KEY_LEN + NONCE_LEN..],
            ciphertext[SALT_LEN..HEADER_LEN],
            "tcId {id}: commitment"
        );
        derived += 1;

        if test["result"] == "valid" {
            let plaintext = decrypt(&key, &context, &ciphertext).expect("valid vector decrypts");
            assert_eq!(
                hex(test["msgSha512"].as_str().expect("hash")),
                Sha512::digest(&plaintext).to_vec(),
                "tcId {id}"
            );
            let mut encryptor = Encryptor::with_salt(&key, salt, &context);
            let mut sealed = Vec::new();
            encryptor.push(&plaintext, &mut sealed).expect("push");
            encryptor.finish(&mut sealed).expect("finish");
            assert!(sealed == ciphertext, "tcId {id}: ciphertext differs");
            reencrypted += 1;
        }
    }
    assert_eq!((derived, reencrypted), (25, 10));
}
