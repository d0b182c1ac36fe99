//! Wycheproof known-answer vectors for `seal::chunked` and the AES-GCM primitive under it.
//!
//! The vector files and their provenance are in `tests/vectors/wycheproof/`. The HKDF vectors
//! run in the unit tests of `seal::chunked`, because its HKDF-Expand is private.

use std::io::Read;

use aes_gcm::{AeadInOut, Aes256Gcm, KeyInit, Nonce, Tag};
use serde_json::Value;
use sha2::{Digest, Sha512};
use techdeck_guard::seal::chunked::{decrypt, Decryptor};
use techdeck_guard::seal::{Error, Key};

fn load(name: &str) -> Value {
    let path = format!("{}/tests/vectors/wycheproof/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit pair"))
        .collect()
}

fn field(test: &Value, name: &str) -> Vec<u8> {
    hex(test[name].as_str().unwrap_or_else(|| panic!("missing hex field {name}")))
}

fn inflate(compressed: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(compressed).read_to_end(&mut out).expect("ct is a zlib stream");
    out
}

/// Decrypts in pieces of `piece` bytes and returns what was released and the result.
fn decrypt_streamed(
    key: &Key,
    context: &[u8],
    ciphertext: &[u8],
    piece: usize,
) -> (Vec<u8>, Result<(), Error>) {
    let mut decryptor = Decryptor::new(key, context);
    let mut out = Vec::new();
    for part in ciphertext.chunks(piece) {
        if let Err(error) = decryptor.push(part, &mut out) {
            // A failed decryptor keeps failing, also at the end of the stream.
            assert_eq!(decryptor.finish(&mut out), Err(error));
            return (out, Err(error));
        }
    }
    let result = decryptor.finish(&mut out);
    (out, result)
}

#[test]
fn c2sp_chunked_aes_256_gcm() {
    let root = load("c2sp_chunked_encryption_aes_256_gcm_test.json");
    let (mut valid, mut invalid) = (0, 0);
    for group in root["testGroups"].as_array().expect("groups") {
        assert_eq!(group["aead"], "AEAD_AES_256_GCM");
        assert_eq!(group["sha"], "SHA-512");
        for test in group["tests"].as_array().expect("tests") {
            let id = &test["tcId"];
            let context = field(test, "ctx");
            let ciphertext = inflate(&field(test, "ct"));
            let key = match Key::from_slice(&field(test, "key")) {
                Ok(key) => key,
                Err(error) => {
                    let flags = test["flags"].as_array().expect("flags");
                    assert!(
                        flags.iter().any(|flag| flag == "InvalidKeySize"),
                        "tcId {id}: {error}"
                    );
                    assert_eq!(error.code(), "INVALID_KEY_LENGTH", "tcId {id}");
                    invalid += 1;
                    continue;
                }
            };

            // Plaintext that may come out before the error: the message itself for a valid
            // vector, the longest valid prefix for a partial one, nothing otherwise.
            let expected = test["msgLength"]
                .as_u64()
                .map(|length| (length as usize, field(test, "msgSha512")));
            let one_shot = decrypt(&key, &context, &ciphertext);
            if test["result"] == "valid" {
                let (length, hash) =
                    expected.as_ref().expect("valid vectors give the message hash");
                let plaintext = one_shot.unwrap_or_else(|error| panic!("tcId {id}: {error}"));
                assert_eq!(plaintext.len(), *length, "tcId {id}: length");
                assert_eq!(Sha512::digest(&plaintext).to_vec(), *hash, "tcId {id}: SHA-512");
                valid += 1;
            } else {
                assert_eq!(one_shot, Err(Error::NotAuthentic), "tcId {id}");
                invalid += 1;
            }

            for piece in [1, 7, 56, 16_400, 16_401, 1 << 20] {
                if piece < 100 && ciphertext.len() > 100_000 {
                    continue;
                }
                let (out, result) = decrypt_streamed(&key, &context, &ciphertext, piece);
                let expected_result =
                    if test["result"] == "valid" { Ok(()) } else { Err(Error::NotAuthentic) };
                assert_eq!(result, expected_result, "tcId {id}, pieces of {piece}");
                match &expected {
                    Some((length, hash)) => {
                        assert_eq!(
                            out.len(),
                            *length,
                            "tcId {id}, pieces of {piece}: released length"
                        );
                        assert_eq!(
                            &Sha512::digest(&out).to_vec(),
                            hash,
                            "tcId {id}, pieces of {piece}: released bytes"
                        );
                    }
                    None => {
                        assert!(out.is_empty(), "tcId {id}, pieces of {piece}: released plaintext")
                    }
                }
            }
        }
    }
    assert_eq!((valid, invalid), (10, 25));
}

/// Runs the AES-GCM groups that the chunked layer uses: 256-bit key, 96-bit nonce, 128-bit
/// tag. The other groups (AES-128, AES-192, other nonce sizes) test parameters it never uses.
#[test]
fn aes_256_gcm() {
    let root = load("aes_gcm_test.json");
    let (mut groups_run, mut groups_skipped, mut valid, mut invalid) = (0, 0, 0, 0);
    for group in root["testGroups"].as_array().expect("groups") {
        if (group["keySize"].as_u64(), group["ivSize"].as_u64(), group["tagSize"].as_u64())
            != (Some(256), Some(96), Some(128))
        {
            groups_skipped += 1;
            continue;
        }
        groups_run += 1;
        for test in group["tests"].as_array().expect("tests") {
            let id = &test["tcId"];
            let cipher = Aes256Gcm::new_from_slice(&field(test, "key")).expect("32-byte key");
            let nonce = Nonce::try_from(&field(test, "iv")[..]).expect("12-byte nonce");
            let aad = field(test, "aad");
            let (message, ciphertext) = (field(test, "msg"), field(test, "ct"));
            let tag_bytes = field(test, "tag");

            let mut opened = ciphertext.clone();
            let result = match Tag::try_from(&tag_bytes[..]) {
                Ok(tag) => {
                    cipher.decrypt_inout_detached(&nonce, &aad, opened.as_mut_slice().into(), &tag)
                }
                Err(_) => Err(aes_gcm::Error),
            };
            if test["result"] == "valid" {
                assert_eq!(result, Ok(()), "tcId {id}: decrypt");
                assert_eq!(opened, message, "tcId {id}: plaintext");

                let mut sealed = message.clone();
                let tag = cipher
                    .encrypt_inout_detached(&nonce, &aad, sealed.as_mut_slice().into())
                    .expect("encrypt");
                assert_eq!(sealed, ciphertext, "tcId {id}: ciphertext");
                assert_eq!(tag.to_vec(), tag_bytes, "tcId {id}: tag");
                valid += 1;
            } else {
                assert_eq!(result, Err(aes_gcm::Error), "tcId {id}");
                invalid += 1;
            }
        }
    }
    assert_eq!((groups_run, groups_skipped), (1, 44));
    assert_eq!((valid, invalid), (39, 27));
}
