//! The RFC 8725 attack catalogue and the claim edge cases of access token verification. Every
//! rejected case asserts its own error code.
#![cfg(feature = "tokens")]

use serde_json::{json, Value};
use techdeck_guard::token::{
    AccessClaims, KeySet, Options, Request, SessionBinding, SigningKey, Snapshot, Verifier, VerifyingKey,
};
use techdeck_guard::ErrorCode;

const ISSUER: &str = "https://keys.techdeck.test";
const AUDIENCE: &str = "techdeck-pipeline";
const NOW: u64 = 1_700_000_000;

fn ed_key() -> SigningKey {
    SigningKey::ed25519_from_seed("ed-1", &[1; 32]).unwrap()
}

fn ec_key() -> SigningKey {
    SigningKey::p256_from_scalar("ec-1", &[2; 32]).unwrap()
}

fn keys() -> KeySet {
    let mut keys = KeySet::new();
    keys.insert(ed_key().verifying_key()).unwrap();
    keys.insert(ec_key().verifying_key()).unwrap();
    keys
}

fn options() -> Options {
    let mut options = Options::new(ISSUER, AUDIENCE);
    options.require_revocation_snapshot = false;
    options
}

fn verifier() -> Verifier {
    Verifier::new(options(), keys()).unwrap()
}

fn claims() -> Value {
    json!({
        "iss": ISSUER, "aud": [AUDIENCE, "other"], "sub": "user-1", "user_id": "user-1",
        "role": "therapist", "type": "access", "jti": "jti-1", "session_id": "session-1",
        "iat": NOW - 60, "exp": NOW + 600, "compliance_level": "hipaa_plus_plus",
        "patients": ["patient-7"],
    })
}

fn with(changes: Value) -> Value {
    let mut claims = claims();
    for (name, value) in changes.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(name);
        } else {
            claims[name] = value.clone();
        }
    }
    claims
}

fn header(alg: &str, kid: &str) -> String {
    json!({"alg": alg, "typ": "at+jwt", "kid": kid}).to_string()
}

fn ed_token(payload: &Value) -> String {
    ed_key().sign_jws("at+jwt", payload)
}

fn request() -> Request<'static> {
    Request { now: NOW, ..Request::default() }
}

fn verify(token: &str) -> Result<AccessClaims, ErrorCode> {
    verifier().verify_access(token, &request()).map_err(|error| error.code())
}

fn encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for group in bytes.chunks(3) {
        let mut bits = 0u32;
        for (i, &b) in group.iter().enumerate() {
            bits |= u32::from(b) << (16 - 8 * i);
        }
        for i in 0..=group.len() {
            out.push(char::from(ALPHABET[(bits >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

/// Returns the token with its signature replaced.
fn with_signature(token: &str, signature: &[u8]) -> String {
    let cut = token.rfind('.').unwrap();
    format!("{}.{}", &token[..cut], encode(signature))
}

fn signature_of(token: &str, key: &SigningKey) -> Vec<u8> {
    let cut = token.rfind('.').unwrap();
    key.sign_raw(&token.as_bytes()[..cut])
}

#[test]
fn valid_eddsa_and_es256_tokens() {
    let claims = verify(&ed_token(&claims())).unwrap();
    assert_eq!(claims.sub, "user-1");
    assert_eq!(claims.patients.as_deref(), Some(&["patient-7".to_owned()][..]));
    let es = ec_key().sign_jws("at+jwt", &claims_value_for("jti-es"));
    assert_eq!(verify(&es).unwrap().jti, "jti-es");
}

fn claims_value_for(jti: &str) -> Value {
    with(json!({ "jti": jti }))
}

#[test]
fn alg_none_in_any_case() {
    for alg in ["none", "None", "NONE", "nOnE", " none"] {
        let header = json!({"alg": alg, "typ": "at+jwt", "kid": "ed-1"}).to_string();
        let token = format!("{}.{}.", encode(header.as_bytes()), encode(claims().to_string().as_bytes()));
        assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenAlgNone, "{alg}");
    }
}

#[test]
fn hmac_with_public_key_as_secret() {
    // The classic confusion: an HS256 token whose secret is the verifier's public key.
    let public_key = ed_key().verifying_key().to_jwk().unwrap()["x"].as_str().unwrap().to_owned();
    let secret = VerifyingKey::hs256_shared_secret("ed-1", &[0u8; 32]).unwrap();
    assert_eq!(secret.algorithm().as_str(), "HS256");
    let header = encode(header("HS256", "ed-1").as_bytes());
    let payload = encode(claims().to_string().as_bytes());
    let mac = hmac_sha256(public_key.as_bytes(), format!("{header}.{payload}").as_bytes());
    let token = format!("{header}.{payload}.{}", encode(&mac));
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenAlgMismatch);
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

#[test]
fn alg_of_other_key_type() {
    let token = ed_key().sign_compact(&header("ES256", "ed-1"), &claims().to_string());
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenAlgMismatch);
    let token = ec_key().sign_compact(&header("EdDSA", "ec-1"), &claims().to_string());
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenAlgMismatch);
}

#[test]
fn embedded_keys_and_key_urls() {
    let jwk = ed_key().verifying_key().to_jwk().unwrap();
    for (name, value) in [
        ("jwk", jwk),
        ("jku", json!("https://attacker.test/jwks.json")),
        ("x5u", json!("https://attacker.test/cert.pem")),
        ("x5c", json!(["MIIB"])),
    ] {
        let mut header: Value = serde_json::from_str(&header("EdDSA", "ed-1")).unwrap();
        header[name] = value;
        let token = ed_key().sign_compact(&header.to_string(), &claims().to_string());
        assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenEmbeddedKey, "{name}");
    }
}

#[test]
fn kid_injection() {
    let long = "k".repeat(129);
    for kid in ["../../../dev/null", "ed-1' OR '1'='1", "ed-1\u{0}", "", "..", "a/b", "ed 1", long.as_str()] {
        let token = ed_key().sign_compact(&header("EdDSA", kid), &claims().to_string());
        assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenKidInvalid, "{kid:?}");
    }
    let token = ed_key().sign_compact(r#"{"alg":"EdDSA","typ":"at+jwt"}"#, &claims().to_string());
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenKidInvalid);
    let token = ed_key().sign_compact(r#"{"alg":"EdDSA","typ":"at+jwt","kid":7}"#, &claims().to_string());
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenKidInvalid);
}

#[test]
fn unknown_kid_signals_refresh_with_cooldown() {
    let other = SigningKey::ed25519_from_seed("ed-2", &[9; 32]).unwrap();
    let mut verifier = verifier();
    let error = verifier.verify_access(&other.sign_jws("at+jwt", &claims()), &request()).unwrap_err();
    assert_eq!(error.code(), ErrorCode::TokenUnknownKid);
    assert!(verifier.begin_key_refresh(NOW));
    assert!(!verifier.begin_key_refresh(NOW + 299));
    assert!(verifier.begin_key_refresh(NOW + 300));
}

#[test]
fn duplicate_claims_and_header_parameters() {
    let payload = claims().to_string();
    let duplicated = format!("{},\"sub\":\"admin-0\"}}", &payload[..payload.len() - 1]);
    let token = ed_key().sign_compact(&header("EdDSA", "ed-1"), &duplicated);
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenDuplicateClaim);

    let header = r#"{"alg":"EdDSA","typ":"at+jwt","kid":"ed-1","alg":"HS256"}"#;
    let token = ed_key().sign_compact(header, &payload);
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenDuplicateHeader);
}

#[test]
fn non_canonical_base64url() {
    let token = ed_token(&claims());
    // A 64-byte signature is 86 characters; the last one carries 4 unused bits.
    let mut bytes = token.clone().into_bytes();
    let last = bytes.len() - 1;
    let value = alphabet_index(bytes[last]);
    bytes[last] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[(value | 1) as usize];
    let tampered = String::from_utf8(bytes).unwrap();
    assert_ne!(tampered, token);
    assert_eq!(verify(&tampered).unwrap_err(), ErrorCode::TokenNonCanonicalBase64);

    assert_eq!(verify(&format!("{token}==")).unwrap_err(), ErrorCode::TokenNonCanonicalBase64);
    let standard_alphabet = token.replace('-', "+").replace('_', "/");
    if standard_alphabet != token {
        assert_eq!(verify(&standard_alphabet).unwrap_err(), ErrorCode::TokenMalformed);
    }
}

fn alphabet_index(c: u8) -> u8 {
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".iter().position(|&a| a == c).unwrap() as u8
}

#[test]
fn zero_ecdsa_signatures() {
    let token = ec_key().sign_jws("at+jwt", &claims());
    assert_eq!(verify(&with_signature(&token, &[0; 64])).unwrap_err(), ErrorCode::TokenZeroSignature);
    let mut r_zero = signature_of(&token, &ec_key());
    r_zero[..32].fill(0);
    assert_eq!(verify(&with_signature(&token, &r_zero)).unwrap_err(), ErrorCode::TokenZeroSignature);
    let mut s_zero = signature_of(&token, &ec_key());
    s_zero[32..].fill(0);
    assert_eq!(verify(&with_signature(&token, &s_zero)).unwrap_err(), ErrorCode::TokenZeroSignature);
}

/// The order n of P-256, big-endian.
const P256_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa,
    0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// The order L of the Ed25519 group, little-endian.
const ED25519_ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

#[test]
fn malleated_ecdsa_signature_is_still_revoked() {
    // (r, n - s) is a second valid signature over the same token; revocation by jti catches it.
    let token = ec_key().sign_jws("at+jwt", &claims());
    let mut signature = signature_of(&token, &ec_key());
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let difference = i16::from(P256_ORDER[i]) - i16::from(signature[32 + i]) - borrow;
        signature[32 + i] = difference.rem_euclid(256) as u8;
        borrow = i16::from(difference < 0);
    }
    let malleated = with_signature(&token, &signature);
    assert_ne!(malleated, token);
    let mut verifier = verifier();
    assert_eq!(verifier.verify_access(&malleated, &request()).unwrap().jti, "jti-1");
    verifier.revocations_mut().revoke("jti-1", NOW + 600, NOW).unwrap();
    assert_eq!(verifier.verify_access(&token, &request()).unwrap_err().code(), ErrorCode::TokenRevoked);
    assert_eq!(verifier.verify_access(&malleated, &request()).unwrap_err().code(), ErrorCode::TokenRevoked);
}

#[test]
fn non_canonical_ed25519_signature() {
    // S + L verifies with a lax implementation; RFC 8032 section 5.1.7 requires S < L.
    let token = ed_token(&claims());
    let mut signature = signature_of(&token, &ed_key());
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(signature[32 + i]) + u16::from(ED25519_ORDER[i]) + carry;
        signature[32 + i] = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    assert_eq!(verify(&with_signature(&token, &signature)).unwrap_err(), ErrorCode::TokenNonCanonicalSignature);
    assert_eq!(verify(&with_signature(&token, &signature[..63])).unwrap_err(), ErrorCode::TokenNonCanonicalSignature);
}

#[test]
fn tampered_signature_and_payload() {
    let token = ed_token(&claims());
    let mut signature = signature_of(&token, &ed_key());
    signature[0] ^= 1;
    assert_eq!(verify(&with_signature(&token, &signature)).unwrap_err(), ErrorCode::TokenSignatureInvalid);

    let forged = encode(with(json!({"role": "admin"})).to_string().as_bytes());
    let parts: Vec<&str> = token.split('.').collect();
    let token = format!("{}.{}.{}", parts[0], forged, parts[2]);
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenSignatureInvalid);
}

#[test]
fn time_claims_as_strings_floats_or_missing() {
    let cases = [
        (json!({"exp": "1700000600"}), ErrorCode::TokenTimeNotInteger),
        (json!({"exp": 1_700_000_600.5}), ErrorCode::TokenTimeNotInteger),
        (json!({"exp": 1.7000006e9}), ErrorCode::TokenTimeNotInteger),
        (json!({"exp": 1e300}), ErrorCode::TokenTimeOutOfRange),
        (json!({"exp": -1}), ErrorCode::TokenTimeOutOfRange),
        (json!({"exp": 18_446_744_073_709_551_615u64}), ErrorCode::TokenTimeOutOfRange),
        (json!({"exp": null}), ErrorCode::TokenClaimMissing),
        (json!({"iat": null}), ErrorCode::TokenClaimMissing),
        (json!({"nbf": "0"}), ErrorCode::TokenTimeNotInteger),
        (json!({"nbf": 1e300}), ErrorCode::TokenTimeOutOfRange),
        (json!({"iat": [1]}), ErrorCode::TokenTimeNotInteger),
    ];
    for (changes, code) in cases {
        assert_eq!(verify(&ed_token(&with(changes.clone()))).unwrap_err(), code, "{changes}");
    }
}

#[test]
fn crit_header_is_rejected() {
    let header = r#"{"alg":"EdDSA","typ":"at+jwt","kid":"ed-1","crit":["exp"]}"#;
    assert_eq!(verify(&ed_key().sign_compact(header, &claims().to_string())).unwrap_err(), ErrorCode::TokenCrit);
}

#[test]
fn token_over_8_kib() {
    let padded = with(json!({"padding": "x".repeat(8 * 1024)}));
    assert_eq!(verify(&ed_token(&padded)).unwrap_err(), ErrorCode::TokenTooLarge);
}

#[test]
fn wrong_typ_header() {
    for typ in [Some("JWT"), Some("rt+jwt"), Some("revocation+jwt"), None] {
        let mut header: Value = serde_json::from_str(&header("EdDSA", "ed-1")).unwrap();
        match typ {
            Some(typ) => header["typ"] = json!(typ),
            None => {
                header.as_object_mut().unwrap().remove("typ");
            }
        }
        let token = ed_key().sign_compact(&header.to_string(), &claims().to_string());
        assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenWrongTyp, "{typ:?}");
    }
    let token =
        ed_key().sign_compact(&header("EdDSA", "ed-1").replace("at+jwt", "application/AT+JWT"), &claims().to_string());
    assert!(verify(&token).is_ok());
}

#[test]
fn wrong_type_claim() {
    assert_eq!(verify(&ed_token(&with(json!({"type": "refresh"})))).unwrap_err(), ErrorCode::TokenWrongType);
    assert_eq!(verify(&ed_token(&with(json!({"type": "Access"})))).unwrap_err(), ErrorCode::TokenWrongType);
    assert_eq!(verify(&ed_token(&with(json!({"type": null})))).unwrap_err(), ErrorCode::TokenClaimMissing);
}

#[test]
fn wrong_compliance_level() {
    let token = ed_token(&with(json!({"compliance_level": "hipaa"})));
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenWrongComplianceLevel);
}

#[test]
fn lifetime_too_long() {
    let token = ed_token(&with(json!({"iat": NOW - 60, "exp": NOW - 60 + 24 * 3600 + 1})));
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenLifetimeTooLong);
    let token = ed_token(&with(json!({"iat": NOW - 60, "exp": NOW - 60})));
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenLifetimeTooLong);
}

#[test]
fn expiry_and_not_before_with_leeway() {
    let token = ed_token(&with(json!({"exp": NOW - 29})));
    assert!(verify(&token).is_ok());
    let token = ed_token(&with(json!({"exp": NOW - 30})));
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenExpired);
    let token = ed_token(&with(json!({"nbf": NOW + 30})));
    assert!(verify(&token).is_ok());
    let token = ed_token(&with(json!({"nbf": NOW + 31})));
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenNotYetValid);
    let token = ed_token(&with(json!({"iat": NOW + 31, "exp": NOW + 600})));
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenNotYetValid);
}

#[test]
fn issuer_and_audience_are_exact() {
    assert_eq!(
        verify(&ed_token(&with(json!({"iss": "https://keys.techdeck.test/"})))).unwrap_err(),
        ErrorCode::TokenWrongIssuer
    );
    assert_eq!(verify(&ed_token(&with(json!({"aud": "techdeck"})))).unwrap_err(), ErrorCode::TokenWrongAudience);
    assert_eq!(verify(&ed_token(&with(json!({"aud": []})))).unwrap_err(), ErrorCode::TokenWrongAudience);
    assert!(verify(&ed_token(&with(json!({"aud": AUDIENCE})))).is_ok());
}

#[test]
fn user_id_must_equal_sub() {
    assert_eq!(verify(&ed_token(&with(json!({"user_id": "user-2"})))).unwrap_err(), ErrorCode::TokenMalformed);
}

#[test]
fn malformed_tokens() {
    let token = ed_token(&claims());
    let parts: Vec<&str> = token.split('.').collect();
    for bad in [
        format!("{}.{}", parts[0], parts[1]),
        format!("{token}.x"),
        format!("{}.{}.{}", encode(b"not json"), parts[1], parts[2]),
        format!("{}.{}.{}", encode(b"[1]"), parts[1], parts[2]),
        String::new(),
    ] {
        assert_eq!(verify(&bad).unwrap_err(), ErrorCode::TokenMalformed, "{bad}");
    }
    let token = ed_key().sign_compact(&header("EdDSA", "ed-1"), "[]");
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenMalformed);
    let token = ed_token(&with(json!({"role": 7})));
    assert_eq!(verify(&token).unwrap_err(), ErrorCode::TokenMalformed);
}

#[test]
fn revoked_token_is_rejected_after_caching() {
    let mut verifier = verifier();
    let token = ed_token(&claims());
    assert!(verifier.verify_access(&token, &request()).is_ok());
    verifier.revocations_mut().revoke("jti-1", NOW + 600, NOW).unwrap();
    assert_eq!(verifier.verify_access(&token, &request()).unwrap_err().code(), ErrorCode::TokenRevoked);
}

#[test]
fn cached_token_still_expires() {
    let mut verifier = verifier();
    let token = ed_token(&claims());
    assert!(verifier.verify_access(&token, &request()).is_ok());
    let later = Request { now: NOW + 630, ..request() };
    assert_eq!(verifier.verify_access(&token, &later).unwrap_err().code(), ErrorCode::TokenExpired);
}

#[test]
fn snapshot_revokes_jti_and_subject() {
    let mut options = options();
    options.require_revocation_snapshot = true;
    let mut verifier = Verifier::new(options, keys()).unwrap();
    let token = ed_token(&claims());
    assert_eq!(verifier.verify_access(&token, &request()).unwrap_err().code(), ErrorCode::RevocationStale);

    let mut snapshot = Snapshot::new(ISSUER, NOW - 10, 300, 1);
    snapshot.not_before.insert("user-1".into(), NOW - 59);
    assert_eq!(verifier.load_snapshot(&snapshot.sign(&ed_key()), NOW), Ok(1));
    assert_eq!(verifier.verify_access(&token, &request()).unwrap_err().code(), ErrorCode::TokenSubjectRevoked);
    let newer = ed_token(&with(json!({"iat": NOW - 59, "jti": "jti-2"})));
    assert!(verifier.verify_access(&newer, &request()).is_ok());

    let stale = Request { now: NOW + 321, ..request() };
    assert_eq!(verifier.verify_access(&newer, &stale).unwrap_err().code(), ErrorCode::RevocationStale);
}

#[test]
fn session_binding_mismatch() {
    let binding = SessionBinding::new(&[5; 16], "203.0.113.9", "Mozilla/5.0 Test").unwrap();
    let mut claims = claims();
    claims["bind_salt"] = json!(binding.bind_salt);
    claims["ip_hash"] = json!(binding.ip_hash);
    claims["user_agent_hash"] = json!(binding.user_agent_hash);
    let token = ed_token(&claims);
    let mut verifier = verifier();

    let same = Request { ip: Some("::ffff:203.0.113.9"), user_agent: Some("Mozilla/5.0 Test"), ..request() };
    assert!(verifier.verify_access(&token, &same).unwrap().binding.is_some());
    let other_ip = Request { ip: Some("203.0.113.10"), ..same };
    assert_eq!(verifier.verify_access(&token, &other_ip).unwrap_err().code(), ErrorCode::TokenSessionMismatch);
    let other_agent = Request { user_agent: Some("curl/8"), ..same };
    assert_eq!(verifier.verify_access(&token, &other_agent).unwrap_err().code(), ErrorCode::TokenSessionMismatch);

    let mut options = options();
    options.require_binding = true;
    let mut strict = Verifier::new(options, keys()).unwrap();
    assert_eq!(strict.verify_access(&token, &request()).unwrap_err().code(), ErrorCode::TokenSessionMismatch);
    let unbound = ed_token(&with(json!({"jti": "jti-unbound"})));
    assert_eq!(strict.verify_access(&unbound, &same).unwrap_err().code(), ErrorCode::TokenSessionMismatch);
}

#[test]
fn one_time_token_replay() {
    let mut verifier = verifier();
    let token = ed_token(&claims());
    let once = Request { one_time: true, ..request() };
    assert!(verifier.verify_access(&token, &once).is_ok());
    assert_eq!(verifier.verify_access(&token, &once).unwrap_err().code(), ErrorCode::TokenReplayed);
}

#[test]
fn hs256_needs_a_256_bit_secret() {
    assert_eq!(VerifyingKey::hs256_shared_secret("hs-1", &[7; 31]).unwrap_err().code(), ErrorCode::InvalidKey);
    let secret = [7u8; 32];
    let mut keys = KeySet::new();
    keys.insert(VerifyingKey::hs256_shared_secret("hs-1", &secret).unwrap()).unwrap();
    let mut verifier = Verifier::new(options(), keys).unwrap();
    let header = encode(header("HS256", "hs-1").as_bytes());
    let payload = encode(claims().to_string().as_bytes());
    let mac = hmac_sha256(&secret, format!("{header}.{payload}").as_bytes());
    let token = format!("{header}.{payload}.{}", encode(&mac));
    assert!(verifier.verify_access(&token, &request()).is_ok());
    let truncated = format!("{header}.{payload}.{}", encode(&mac[..16]));
    assert_eq!(verifier.verify_access(&truncated, &request()).unwrap_err().code(), ErrorCode::TokenSignatureInvalid);
    assert_eq!(KeySet::from_jwks(&verifier.keys().to_jwks()).unwrap().len(), 0);
}

#[test]
fn key_rotation_drops_cached_tokens() {
    let mut verifier = verifier();
    let token = ed_token(&claims());
    assert!(verifier.verify_access(&token, &request()).is_ok());
    let mut rotated = KeySet::new();
    rotated.insert(ec_key().verifying_key()).unwrap();
    verifier.replace_keys(rotated, NOW);
    assert_eq!(verifier.verify_access(&token, &request()).unwrap_err().code(), ErrorCode::TokenUnknownKid);
    assert!(!verifier.begin_key_refresh(NOW + 1));
}

#[test]
fn jwks_round_trip_and_rejections() {
    let jwks = keys().to_jwks();
    let parsed = KeySet::from_jwks(&jwks).unwrap();
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed.to_jwks(), jwks);

    let mut private: Value = serde_json::from_str(&jwks).unwrap();
    private["keys"][0]["d"] = json!("AAAA");
    assert_eq!(KeySet::from_jwks(&private.to_string()).unwrap_err().code(), ErrorCode::InvalidKey);
    let mut duplicate: Value = serde_json::from_str(&jwks).unwrap();
    let first = duplicate["keys"][0].clone();
    duplicate["keys"].as_array_mut().unwrap().push(first);
    assert_eq!(KeySet::from_jwks(&duplicate.to_string()).unwrap_err().code(), ErrorCode::InvalidKey);
    let symmetric = json!({"keys": [{"kty": "oct", "k": "AAAA", "kid": "h"}]});
    assert_eq!(KeySet::from_jwks(&symmetric.to_string()).unwrap_err().code(), ErrorCode::InvalidKey);
    let wrong_alg = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "kid": "k", "alg": "HS256"}]});
    assert_eq!(KeySet::from_jwks(&wrong_alg.to_string()).unwrap_err().code(), ErrorCode::InvalidKey);
    let small_order = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": encode(&[0; 32]), "kid": "k"}]});
    assert_eq!(KeySet::from_jwks(&small_order.to_string()).unwrap_err().code(), ErrorCode::InvalidKey);
}

#[test]
fn options_are_checked() {
    let mut options = options();
    options.leeway = 61;
    assert_eq!(Verifier::new(options, keys()).unwrap_err().code(), ErrorCode::InvalidOptions);
    let mut options = self::options();
    options.max_token_bytes = 8 * 1024 + 1;
    assert_eq!(Verifier::new(options, keys()).unwrap_err().code(), ErrorCode::InvalidOptions);
}

/// A deterministic sweep over time claim values: only whole numbers from 0 to the year 9999
/// may pass the type checks.
#[test]
fn time_claim_value_sweep() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..200 {
        let raw = next();
        let candidates = [
            json!(raw),
            json!(raw as i64),
            json!((raw % 4_000_000_000) as f64 + 0.25),
            json!(f64::from_bits(raw)),
            json!(raw.to_string()),
        ];
        for exp in candidates {
            let result = verify(&ed_token(&with(json!({"exp": exp.clone()}))));
            let whole = exp.as_u64().filter(|&v| v <= 253_402_300_799);
            match whole {
                Some(v) if v > NOW - 60 && v - (NOW - 60) <= 24 * 3600 && v > NOW - 30 => {
                    assert!(result.is_ok(), "{exp}")
                }
                Some(_) => assert!(
                    matches!(result, Err(ErrorCode::TokenExpired | ErrorCode::TokenLifetimeTooLong)),
                    "{exp}: {result:?}"
                ),
                None => assert!(
                    matches!(
                        result,
                        Err(ErrorCode::TokenTimeNotInteger
                            | ErrorCode::TokenTimeOutOfRange
                            | ErrorCode::TokenClaimMissing)
                    ),
                    "{exp}: {result:?}"
                ),
            }
        }
    }
}
