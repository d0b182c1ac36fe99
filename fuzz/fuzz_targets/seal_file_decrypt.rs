//! Feeds arbitrary bytes to the file decryptor, split at fuzzer-chosen sizes, and checks that
//! forged input releases nothing, that a sealed file survives any split, and that one flipped
//! bit fails it while releasing only true plaintext.
#![no_main]

use libfuzzer_sys::fuzz_target;
use techdeck_guard::seal::file::{Decryptor, EncryptOptions, Encryptor, Level, Unlock, TAG_LEN};
use techdeck_guard::seal::{Error, Kek, Key};

fn kek() -> Kek {
    Kek::new(1, Key::from_bytes([0x42; 32]))
}

/// Decrypts in pieces of `piece` bytes and returns what was released and the result.
fn decrypt_streamed(unlock: Unlock, file: &[u8], piece: usize) -> (Vec<u8>, Result<(), Error>) {
    let mut decryptor = Decryptor::new(unlock);
    let mut out = Vec::new();
    for part in file.chunks(piece) {
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
    let piece = usize::from(selector) * 97 + 1;

    // Arbitrary input, with a KEK and with a data key: nothing is released without a valid
    // commitment, which forged input cannot have.
    for unlock in [Unlock::Kek(kek()), Unlock::DataKey(Key::from_bytes([0x24; 32]))] {
        let (out, result) = decrypt_streamed(unlock, rest, piece);
        assert!(result.is_err(), "forged input decrypted");
        assert!(out.is_empty(), "plaintext released from forged input");
    }

    // A file of up to about 8 chunks of 4 KiB, at the level the selector picks, round-trips.
    let level = Level::ALL[usize::from(selector) % 3];
    let options = EncryptOptions { dataset_id: "fuzz", key_id: "fuzz-key", level, chunk_size: 4096 };
    let length = rest.len() + usize::from(selector) * 131;
    let plaintext: Vec<u8> = rest.iter().copied().cycle().take(length).collect();
    let Ok(mut encryptor) = Encryptor::with_kek(&kek(), &options) else { return };
    let mut file = Vec::new();
    encryptor.push(&plaintext, &mut file).expect("push succeeds");
    encryptor.finish(&mut file).expect("finish succeeds");
    let (out, result) = decrypt_streamed(Unlock::Kek(kek()), &file, piece);
    assert_eq!(result, Ok(()));
    assert!(out == plaintext, "round trip changed the plaintext");

    // One flipped bit fails the file and releases only a prefix of the true plaintext.
    let position = rest.iter().fold(usize::from(selector), |acc, &byte| acc.wrapping_mul(31) ^ usize::from(byte));
    let offset = position % file.len();
    let mut tampered = file;
    tampered[offset] ^= 1 << (selector % 8);
    let (out, result) = decrypt_streamed(Unlock::Kek(kek()), &tampered, piece);
    assert!(result.is_err(), "a flipped bit at {offset} went unnoticed");
    // A flip in the final chunk may come after every data chunk has verified: when the plaintext
    // fills its last chunk, the final chunk carries only padding. Earlier, it must hold some back.
    let in_final_chunk = offset + options.chunk_size + TAG_LEN >= tampered.len();
    assert!(out.len() < plaintext.len() || plaintext.is_empty() || in_final_chunk, "released the whole file");
    assert!(out == plaintext[..out.len()], "released plaintext that differs from the file");
});
