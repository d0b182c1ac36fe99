//! Known-answer vectors for the token signature checks: Wycheproof Ed25519, ECDSA P-256 in the
//! P1363 (`r || s`) form that JWS uses, HMAC-SHA-256, and the RFC 7520 and RFC 8037 JWS
//! examples. The files and their provenance are in `tests/vectors/`.
#![cfg(feature = "tokens")]

use serde_json::{json, Value};
use techdeck_guard::token::{KeySet, SigningKey, VerifyingKey};
use techdeck_guard::ErrorCode;

fn load(path: &str) -> Value {
    let path = format!("{}/tests/vectors/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit pair")).collect()
}

fn field(value: &Value, name: &str) -> Vec<u8> {
    hex(value[name].as_str().unwrap_or_else(|| panic!("missing hex field {name}")))
}

fn base64url(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'-' => 62,
            b'_' => 63,
            _ => panic!("not base64url"),
        }
    };
    let mut out = Vec::new();
    for group in text.as_bytes().chunks(4) {
        let bits = group.iter().fold(0u32, |bits, &c| (bits << 6) | value(c)) << (6 * (4 - group.len()));
        out.extend_from_slice(&bits.to_be_bytes()[1..group.len()]);
    }
    out
}

/// Counts of a vector run: every vector either matches its expected result or is listed.
#[derive(Default)]
struct Outcome {
    passed: usize,
    failures: Vec<String>,
}

impl Outcome {
    fn record(&mut self, tc_id: &Value, expected_valid: bool, accepted: bool) {
        if accepted == expected_valid {
            self.passed += 1;
        } else {
            self.failures.push(format!("tcId {tc_id}: expected valid={expected_valid}, accepted={accepted}"));
        }
    }
}

fn expected_valid(test: &Value) -> bool {
    match test["result"].as_str() {
        Some("valid") => true,
        Some("invalid") => false,
        other => panic!("tcId {}: result {other:?} has no fixed outcome", test["tcId"]),
    }
}

#[test]
fn wycheproof_ed25519() {
    let file = load("wycheproof/ed25519_test.json");
    let mut outcome = Outcome::default();
    for group in file["testGroups"].as_array().unwrap() {
        let key = VerifyingKey::ed25519("wycheproof", &field(&group["publicKey"], "pk")).unwrap();
        for test in group["tests"].as_array().unwrap() {
            let accepted = key.verify(&field(test, "msg"), &field(test, "sig")).is_ok();
            outcome.record(&test["tcId"], expected_valid(test), accepted);
        }
    }
    assert_eq!(outcome.failures, Vec::<String>::new());
    assert_eq!(outcome.passed, 151);
}

#[test]
fn wycheproof_ed25519_malleability_has_own_code() {
    let file = load("wycheproof/ed25519_test.json");
    let mut checked = 0;
    for group in file["testGroups"].as_array().unwrap() {
        let key = VerifyingKey::ed25519("wycheproof", &field(&group["publicKey"], "pk")).unwrap();
        for test in group["tests"].as_array().unwrap() {
            let malleable = test["flags"].as_array().unwrap().iter().any(|flag| flag == "SignatureMalleability");
            if malleable {
                let error = key.verify(&field(test, "msg"), &field(test, "sig")).unwrap_err();
                assert_eq!(error.code(), ErrorCode::TokenNonCanonicalSignature, "tcId {}", test["tcId"]);
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

#[test]
fn wycheproof_ecdsa_p256_p1363() {
    let file = load("wycheproof/ecdsa_secp256r1_sha256_p1363_test.json");
    let mut outcome = Outcome::default();
    for group in file["testGroups"].as_array().unwrap() {
        assert_eq!(group["sha"], "SHA-256");
        let key = VerifyingKey::p256("wycheproof", &field(&group["publicKey"], "uncompressed")).unwrap();
        for test in group["tests"].as_array().unwrap() {
            let accepted = key.verify(&field(test, "msg"), &field(test, "sig")).is_ok();
            outcome.record(&test["tcId"], expected_valid(test), accepted);
        }
    }
    assert_eq!(outcome.failures, Vec::<String>::new());
    assert_eq!(outcome.passed, 262);
}

/// Every HMAC group with a key of at least 256 bits and a full 256-bit tag runs through the
/// HS256 check. Shorter keys must be rejected when the key is created, and a truncated tag is
/// never accepted, because a JWS HS256 signature is always the full 32 bytes.
#[test]
fn wycheproof_hmac_sha256() {
    let file = load("wycheproof/hmac_sha256_test.json");
    let mut outcome = Outcome::default();
    let mut short_keys = 0;
    let mut truncated = 0;
    for group in file["testGroups"].as_array().unwrap() {
        let key_bits = group["keySize"].as_u64().unwrap();
        let tag_bits = group["tagSize"].as_u64().unwrap();
        for test in group["tests"].as_array().unwrap() {
            let key = VerifyingKey::hs256_shared_secret("wycheproof", &field(test, "key"));
            if key_bits < 256 {
                assert_eq!(key.unwrap_err().code(), ErrorCode::InvalidKey, "tcId {}", test["tcId"]);
                short_keys += 1;
                continue;
            }
            let accepted = key.unwrap().verify(&field(test, "msg"), &field(test, "tag")).is_ok();
            if tag_bits < 256 {
                assert!(!accepted, "tcId {}: a truncated tag was accepted", test["tcId"]);
                truncated += 1;
            } else {
                outcome.record(&test["tcId"], expected_valid(test), accepted);
            }
        }
    }
    assert_eq!(outcome.failures, Vec::<String>::new());
    assert_eq!(outcome.passed + short_keys + truncated, 174);
    assert!(outcome.passed >= 50);
}

#[test]
fn rfc7520_hs256_example() {
    let example = load("jose-cookbook-rfc7520/4_4.hmac-sha2_integrity_protection.json");
    let jwk = &example["input"]["key"];
    let key = VerifyingKey::hs256_shared_secret(jwk["kid"].as_str().unwrap(), &base64url(jwk["k"].as_str().unwrap()))
        .unwrap();
    let input = example["signing"]["sig-input"].as_str().unwrap();
    let signature = base64url(example["signing"]["sig"].as_str().unwrap());
    assert_eq!(key.verify(input.as_bytes(), &signature), Ok(()));

    let compact = example["output"]["compact"].as_str().unwrap();
    assert_eq!(compact, format!("{input}.{}", example["signing"]["sig"].as_str().unwrap()));
    let mut tampered = signature.clone();
    tampered[31] ^= 0x80;
    assert_eq!(key.verify(input.as_bytes(), &tampered).unwrap_err().code(), ErrorCode::TokenSignatureInvalid);
    assert_eq!(key.verify(&input.as_bytes()[1..], &signature).unwrap_err().code(), ErrorCode::TokenSignatureInvalid);
}

#[test]
fn rfc8037_ed25519_example() {
    let example = load("jose-cookbook-rfc7520/rfc8037_ed25519_jws.json");
    let jwk = &example["input"]["key"];
    let input = example["signing"]["sig-input"].as_str().unwrap();
    let signature = base64url(example["signing"]["sig"].as_str().unwrap());

    let public = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": jwk["x"], "kid": "rfc8037", "use": "sig"}]});
    let keys = KeySet::from_jwks(&public.to_string()).unwrap();
    assert_eq!(keys.get("rfc8037").unwrap().verify(input.as_bytes(), &signature), Ok(()));

    // Ed25519 is deterministic, so signing the same input with the private key gives the
    // example's signature byte for byte.
    let signer = SigningKey::ed25519_from_seed("rfc8037", &base64url(jwk["d"].as_str().unwrap())).unwrap();
    assert_eq!(signer.sign_raw(input.as_bytes()), signature);
    assert_eq!(signer.verifying_key().to_jwk().unwrap()["x"], jwk["x"]);
}

#[test]
fn rfc7520_unsupported_algorithms_are_rejected() {
    for file in ["jose-cookbook-rfc7520/4_3.ecdsa_signature.json", "jose-cookbook-rfc7520/4_1.rsa_v15_signature.json"] {
        let example = load(file);
        let mut jwk = example["input"]["key"].clone();
        let public = jwk.as_object_mut().unwrap();
        for private in ["d", "p", "q", "dp", "dq", "qi"] {
            public.remove(private);
        }
        let error = KeySet::from_jwks(&json!({ "keys": [jwk] }).to_string()).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidKey, "{file}");
    }
}
