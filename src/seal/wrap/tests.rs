use super::*;

const CONTEXT: WrapContext<'static> =
    WrapContext { dataset_id: "dataset-7", key_id: "key-2026-12", kek_version: 3 };

fn kek(version: u32, seed: u8) -> Kek {
    Kek::new(version, Key::from_bytes([seed; KEY_LEN]))
}

fn data_key() -> Key {
    Key::from_bytes(*b"0123456789abcdef0123456789abcdef")
}

fn wrapped() -> Vec<u8> {
    wrap_key(&kek(3, 1), &data_key(), &CONTEXT).expect("wrap succeeds")
}

#[test]
fn wrap_round_trip() {
    let wrapped = wrapped();
    assert_eq!(wrapped.len(), WRAPPED_KEY_LEN);
    assert_eq!(wrapped[0], WRAP_FORMAT);
    assert_eq!(wrapped_kek_version(&wrapped), Ok(3));
    let unwrapped = unwrap_key(&kek(3, 1), &wrapped, &CONTEXT).map(|key| *key.expose_secret());
    assert_eq!(unwrapped, Ok(*data_key().expose_secret()));
}

#[test]
fn wrap_hides_key_and_differs() {
    let first = wrapped();
    let second = wrapped();
    assert_ne!(first, second, "each wrap draws a fresh salt");
    let secret = data_key();
    let found = first.windows(KEY_LEN).any(|window| window == secret.expose_secret());
    assert!(!found, "the data key does not appear in the wrapped form");
}

#[test]
fn unwrap_wrong_dataset_id() {
    let context = WrapContext { dataset_id: "dataset-8", ..CONTEXT };
    assert_eq!(unwrap_key(&kek(3, 1), &wrapped(), &context).err(), Some(Error::NotAuthentic));
}

#[test]
fn unwrap_wrong_key_id() {
    let context = WrapContext { key_id: "key-2026-11", ..CONTEXT };
    assert_eq!(unwrap_key(&kek(3, 1), &wrapped(), &context).err(), Some(Error::NotAuthentic));
}

#[test]
fn unwrap_wrong_kek() {
    assert_eq!(unwrap_key(&kek(3, 2), &wrapped(), &CONTEXT).err(), Some(Error::NotAuthentic));
}

#[test]
fn unwrap_wrong_kek_version() {
    let wrapped = wrapped();

    // A KEK of another version, with a context that names it.
    let context = WrapContext { kek_version: 4, ..CONTEXT };
    assert_eq!(
        unwrap_key(&kek(4, 1), &wrapped, &context).err(),
        Some(Error::KekVersionMismatch { expected: 3, found: 4 })
    );

    // The right KEK, with a context that names another version.
    assert_eq!(
        unwrap_key(&kek(3, 1), &wrapped, &context).err(),
        Some(Error::KekVersionMismatch { expected: 4, found: 3 })
    );
}

#[test]
fn unwrap_rewritten_kek_version() {
    // The recorded version rewritten to 4, and the same KEK bytes offered as version 4: the
    // version is associated data, so the tag fails.
    let mut wrapped = wrapped();
    wrapped[1..5].copy_from_slice(&4u32.to_be_bytes());
    let context = WrapContext { kek_version: 4, ..CONTEXT };
    assert_eq!(unwrap_key(&kek(4, 1), &wrapped, &context).err(), Some(Error::NotAuthentic));
}

#[test]
fn unwrap_tampered_bytes() {
    let wrapped = wrapped();
    for index in PREFIX_LEN..wrapped.len() {
        for bit in [0x01, 0x80] {
            let mut tampered = wrapped.clone();
            tampered[index] ^= bit;
            let result = unwrap_key(&kek(3, 1), &tampered, &CONTEXT);
            assert_eq!(result.err(), Some(Error::NotAuthentic), "byte {index} bit {bit:#x}");
        }
    }
}

#[test]
fn unwrap_malformed() {
    let wrapped = wrapped();
    let mut wrong_format = wrapped.clone();
    wrong_format[0] = 2;
    let cases: [(&str, &[u8]); 4] = [
        ("empty", &[]),
        ("short", &wrapped[..WRAPPED_KEY_LEN - 1]),
        ("long", &[wrapped.as_slice(), &[0]].concat()),
        ("format 2", &wrong_format),
    ];
    for (case, bytes) in cases {
        let result = unwrap_key(&kek(3, 1), bytes, &CONTEXT);
        assert_eq!(result.err(), Some(Error::InvalidWrappedKey), "{case}");
    }
}

#[test]
fn wrap_rejects_bad_context() {
    let long = "d".repeat(MAX_SEAL_ID_BYTES + 1);
    let cases = [
        (
            WrapContext { dataset_id: "", ..CONTEXT },
            Error::InvalidId { field: "dataset_id", length: 0 },
        ),
        (WrapContext { key_id: "", ..CONTEXT }, Error::InvalidId { field: "key_id", length: 0 }),
        (
            WrapContext { dataset_id: &long, ..CONTEXT },
            Error::InvalidId { field: "dataset_id", length: MAX_SEAL_ID_BYTES + 1 },
        ),
        (
            WrapContext { kek_version: 9, ..CONTEXT },
            Error::KekVersionMismatch { expected: 9, found: 3 },
        ),
    ];
    for (context, expected) in cases {
        assert_eq!(wrap_key(&kek(3, 1), &data_key(), &context).err(), Some(expected));
    }
    let longest = "k".repeat(MAX_SEAL_ID_BYTES);
    let context = WrapContext { key_id: &longest, ..CONTEXT };
    let wrapped = wrap_key(&kek(3, 1), &data_key(), &context).expect("255-byte id is allowed");
    assert!(unwrap_key(&kek(3, 1), &wrapped, &context).is_ok());
}

#[test]
fn conversation_keys_independent() {
    let dataset = data_key();
    let first = derive_conversation_key(&dataset, "conversation-1").expect("derives");
    let again = derive_conversation_key(&dataset, "conversation-1").expect("derives");
    let second = derive_conversation_key(&dataset, "conversation-2").expect("derives");
    let other_dataset =
        derive_conversation_key(&Key::from_bytes([9; KEY_LEN]), "conversation-1").expect("derives");
    assert_eq!(first.expose_secret(), again.expose_secret());
    assert_ne!(first.expose_secret(), second.expose_secret());
    assert_ne!(first.expose_secret(), other_dataset.expose_secret());
    assert_ne!(first.expose_secret(), dataset.expose_secret());
}

#[test]
fn conversation_key_known_answer() {
    // HKDF-SHA-256 with IKM = 32 bytes of 0x00, no salt, and the info documented on
    // derive_conversation_key, computed independently with Python's hmac module.
    let key = derive_conversation_key(&Key::from_bytes([0; KEY_LEN]), "c1").expect("derives");
    let hex: String = key.expose_secret().iter().map(|byte| format!("{byte:02x}")).collect();
    assert_eq!(hex, EXPECTED_C1);
}

#[test]
fn conversation_key_bad_id() {
    let dataset = data_key();
    assert_eq!(
        derive_conversation_key(&dataset, "").err(),
        Some(Error::InvalidId { field: "conversation_id", length: 0 })
    );
    let long = "c".repeat(MAX_SEAL_ID_BYTES + 1);
    assert_eq!(
        derive_conversation_key(&dataset, &long).err(),
        Some(Error::InvalidId { field: "conversation_id", length: MAX_SEAL_ID_BYTES + 1 })
    );
}

const EXPECTED_C1: &str = "a51f72cc3c44c49cdf1aba7b9d57d59e46ace3bd04c5d16b583087dc20b56875";
