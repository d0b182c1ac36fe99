//! Feeds arbitrary bytes to the chunked decryptor, split at fuzzer-chosen sizes, and checks that
//! a sealed message survives any split and fails after any single bit flip, releasing only the
//! chunks before the flipped one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use techdeck_guard::seal::chunked::{decrypt, encrypt, Decryptor};
use techdeck_guard::seal::{Error, Key, CHUNK_SIZE, HEADER_LEN, TAG_LEN};

const CONTEXT: &[u8] = b"fuzz";

/// Decrypts in pieces of `piece` bytes and returns what was released and the result.
fn decrypt_streamed(key: &Key, ciphertext: &[u8], piece: usize) -> (Vec<u8>, Result<(), Error>) {
    let mut decryptor = Decryptor::new(key, CONTEXT);
    let mut out = Vec::new();
    for part in ciphertext.chunks(piece) {
        if let Err(error) = decryptor.push(part, &mut out) {
            assert_eq!(decryptor.finish(&mut out), Err(error), "a failed decryptor stays failed");
            return (out, Err(error));
        }
    }
    let result = decryptor.finish(&mut out);
    (out, result)
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let key = Key::from_bytes([0x42; 32]);
    let piece = usize::from(selector) * 97 + 1;

    // Arbitrary input: streamed and one-shot decryption agree, and nothing is released without
    // a valid commitment.
    let (out, result) = decrypt_streamed(&key, rest, piece);
    assert_eq!(result.map(|()| out.clone()), decrypt(&key, CONTEXT, rest));
    assert!(out.is_empty(), "plaintext released from forged input");

    // A message of up to about 5 chunks built from the input round-trips under any split.
    let length = rest.len() + usize::from(selector) * 257;
    let plaintext: Vec<u8> = rest.iter().copied().cycle().take(length).collect();
    let Ok(ciphertext) = encrypt(&key, CONTEXT, &plaintext) else { return };
    let (out, result) = decrypt_streamed(&key, &ciphertext, piece);
    assert_eq!(result, Ok(()));
    assert!(out == plaintext, "round trip changed the plaintext");

    // One flipped bit fails the message and releases exactly the full chunks before it.
    let position = rest.iter().fold(usize::from(selector), |acc, &byte| acc.wrapping_mul(31) ^ usize::from(byte));
    let offset = position % ciphertext.len();
    let mut tampered = ciphertext;
    tampered[offset] ^= 1 << (selector % 8);
    let (out, result) = decrypt_streamed(&key, &tampered, piece);
    assert_eq!(result, Err(Error::NotAuthentic));
    let released = offset.saturating_sub(HEADER_LEN) / (CHUNK_SIZE + TAG_LEN) * CHUNK_SIZE;
    assert_eq!(out.len(), released, "released unverified plaintext");
    assert!(out == plaintext[..released], "released plaintext that differs from the message");
});
