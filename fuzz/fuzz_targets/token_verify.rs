//! Feeds arbitrary text to the access token verifier, and arbitrary edits to a valid token, and
//! checks that every rejection carries a token code and that no edit yields a token with other
//! claims than the signed one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use techdeck_guard::token::{KeySet, Options, Request, SigningKey, Verifier};

const NOW: u64 = 1_700_000_000;

fn verifier(signers: &[SigningKey]) -> Verifier {
    let mut keys = KeySet::new();
    for signer in signers {
        keys.insert(signer.verifying_key()).expect("distinct kids");
    }
    let mut options = Options::new("https://keys.fuzz", "fuzz");
    options.require_revocation_snapshot = false;
    options.cache_capacity = 0;
    Verifier::new(options, keys).expect("valid options")
}

fuzz_target!(|data: &[u8]| {
    let signers = [
        SigningKey::ed25519_from_seed("ed", &[1; 32]).expect("valid seed"),
        SigningKey::p256_from_scalar("ec", &[2; 32]).expect("valid scalar"),
    ];
    let mut verifier = verifier(&signers);
    let request = Request { now: NOW, ..Request::default() };

    // Arbitrary text: never a panic, and every error is a token or revocation code.
    let text = String::from_utf8_lossy(data);
    if let Err(error) = verifier.verify_access(&text, &request) {
        let code = error.code().as_str();
        assert!(code.starts_with("TOKEN_") || code == "INVALID_KEY", "unexpected code {code}");
    }

    // Edits of a valid token: whatever still verifies has exactly the signed claims.
    let Some((&selector, edits)) = data.split_first() else { return };
    let signer = &signers[usize::from(selector) % 2];
    let claims = serde_json::json!({
        "iss": "https://keys.fuzz", "aud": "fuzz", "sub": "u", "user_id": "u", "role": "user",
        "type": "access", "jti": "j", "session_id": "s", "iat": NOW - 1, "exp": NOW + 60,
        "compliance_level": "hipaa_plus_plus",
    });
    let token = signer.sign_jws("at+jwt", &claims);
    let original = verifier.verify_access(&token, &request).expect("the signed token verifies");
    let mut bytes = token.into_bytes();
    for pair in edits.chunks(2) {
        let position = usize::from(pair[0]) * 7 % bytes.len();
        match pair.get(1) {
            Some(&value) if value.is_ascii() => bytes[position] = value,
            Some(_) => {
                bytes.remove(position);
            }
            None => bytes.truncate(position),
        }
        if bytes.is_empty() {
            return;
        }
    }
    let edited = String::from_utf8_lossy(&bytes);
    if let Ok(claims) = verifier.verify_access(&edited, &request) {
        assert_eq!(claims, original, "an edited token verified with other claims");
    }
});
