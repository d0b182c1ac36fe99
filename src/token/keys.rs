//! Verification keys from a JWK Set (RFC 7517), and signing keys for the tokens and snapshots
//! this product issues.
//!
//! Each key fixes its algorithm: an `OKP`/`Ed25519` key only verifies `EdDSA`, an `EC`/`P-256`
//! key only `ES256`, and a shared secret only `HS256`. The token header only selects a key by
//! `kid`; its `alg` must then equal the key's algorithm (RFC 8725 section 3.1).

use std::collections::BTreeMap;
use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use jwt_simple::prelude::{
    ECDSAP256KeyPairLike, ECDSAP256PublicKeyLike, ES256KeyPair, ES256PublicKey, Ed25519KeyPair, Ed25519PublicKey,
    EdDSAKeyPairLike, EdDSAPublicKeyLike,
};
use p256::ecdsa::signature::{Signer, Verifier};
use serde::Deserialize;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::b64;
use crate::error::{Error, ErrorCode};
use crate::limits;

/// A JWS signature algorithm that this crate verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// Ed25519 (RFC 8037).
    EdDSA,
    /// ECDSA with P-256 and SHA-256, signature in the 64-byte `r || s` form (RFC 7518 section 3.4).
    ES256,
    /// HMAC-SHA-256 with a shared secret; for edge-only deployments.
    HS256,
}

impl Algorithm {
    /// Returns the JOSE name of the algorithm.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::EdDSA => "EdDSA",
            Algorithm::ES256 => "ES256",
            Algorithm::HS256 => "HS256",
        }
    }
}

enum Material {
    Ed25519(Ed25519PublicKey),
    P256(ES256PublicKey),
    Secret(Zeroizing<Vec<u8>>),
}

/// One verification key with its id.
pub struct VerifyingKey {
    kid: String,
    material: Material,
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey").field("kid", &self.kid).field("alg", &self.algorithm()).finish_non_exhaustive()
    }
}

/// The `r` and `s` halves of a P1363 ECDSA signature, each checked for zero before verifying.
const P256_SCALAR_BYTES: usize = 32;

/// The order L of the Ed25519 group, little-endian (RFC 8032 section 5.1).
const ED25519_ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// Returns true when the little-endian scalar is below the Ed25519 group order.
fn is_canonical_scalar(s: &[u8]) -> bool {
    for i in (0..32).rev() {
        if s[i] != ED25519_ORDER[i] {
            return s[i] < ED25519_ORDER[i];
        }
    }
    false
}

impl VerifyingKey {
    /// Creates an Ed25519 key from its 32-byte public key. Small-order (weak) keys are rejected.
    ///
    /// # Errors
    ///
    /// `INVALID_KEY` for a wrong length or a weak key, `TOKEN_KID_INVALID` for a bad `kid`.
    pub fn ed25519(kid: &str, public_key: &[u8]) -> Result<VerifyingKey, Error> {
        check_kid(kid)?;
        let key = Ed25519PublicKey::from_bytes(public_key)
            .map_err(|_| invalid_key("an Ed25519 public key must be 32 bytes and not of small order"))?;
        Ok(VerifyingKey { kid: kid.to_owned(), material: Material::Ed25519(key) })
    }

    /// Creates a P-256 key from its SEC1 encoding (`04 || x || y`, or compressed).
    ///
    /// # Errors
    ///
    /// `INVALID_KEY` when the bytes are not a point on P-256, `TOKEN_KID_INVALID` for a bad `kid`.
    pub fn p256(kid: &str, sec1: &[u8]) -> Result<VerifyingKey, Error> {
        check_kid(kid)?;
        let key = ES256PublicKey::from_bytes(sec1).map_err(|_| invalid_key("the P-256 point is not on the curve"))?;
        Ok(VerifyingKey { kid: kid.to_owned(), material: Material::P256(key) })
    }

    /// Creates an HS256 key from a shared secret of at least 256 bits.
    ///
    /// # Security
    ///
    /// Anyone holding the secret can mint tokens. Use it only where every verifier is a trusted
    /// server (an edge-only deployment), never in a browser.
    ///
    /// # Errors
    ///
    /// `INVALID_KEY` for a secret shorter than [`limits::MIN_HMAC_SECRET_BYTES`].
    pub fn hs256_shared_secret(kid: &str, secret: &[u8]) -> Result<VerifyingKey, Error> {
        check_kid(kid)?;
        if secret.len() < limits::MIN_HMAC_SECRET_BYTES {
            return Err(invalid_key("an HS256 secret must be at least 32 bytes (256 bits) of random data"));
        }
        Ok(VerifyingKey { kid: kid.to_owned(), material: Material::Secret(Zeroizing::new(secret.to_vec())) })
    }

    /// Returns the key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Returns the only algorithm this key verifies.
    pub fn algorithm(&self) -> Algorithm {
        match self.material {
            Material::Ed25519(_) => Algorithm::EdDSA,
            Material::P256(_) => Algorithm::ES256,
            Material::Secret(_) => Algorithm::HS256,
        }
    }

    /// Checks `signature` over `signing_input` (the ASCII `header.payload` of a JWS).
    ///
    /// # Errors
    ///
    /// `TOKEN_NONCANONICAL_SIGNATURE` for an Ed25519 signature whose S is not below the group
    /// order or whose length is not 64, `TOKEN_ZERO_SIGNATURE` for an ECDSA r or s of zero,
    /// `TOKEN_SIGNATURE_INVALID` otherwise.
    pub fn verify(&self, signing_input: &[u8], signature: &[u8]) -> Result<(), Error> {
        self.check_signature_form(signature)?;
        match &self.material {
            Material::Ed25519(key) => {
                let signature = ed25519_compact::Signature::from_slice(signature).map_err(|_| bad_signature())?;
                key.public_key().as_ref().verify(signing_input, &signature).map_err(|_| bad_signature())
            }
            Material::P256(key) => {
                let signature = p256::ecdsa::Signature::from_slice(signature).map_err(|_| bad_signature())?;
                key.public_key().as_ref().verify(signing_input, &signature).map_err(|_| bad_signature())
            }
            Material::Secret(secret) => {
                let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).map_err(|_| bad_signature())?;
                mac.update(signing_input);
                // `verify_slice` compares in constant time and rejects a truncated tag.
                mac.verify_slice(signature).map_err(|_| bad_signature())
            }
        }
    }

    /// Checks the signature's length and form before any signature arithmetic: 64 bytes for
    /// EdDSA and ES256, an Ed25519 S below the group order, and no ECDSA r or s of zero. A
    /// signature that WebCrypto verifies passes this check first.
    pub(crate) fn check_signature_form(&self, signature: &[u8]) -> Result<(), Error> {
        match &self.material {
            Material::Ed25519(_) => {
                if signature.len() != 64 || !is_canonical_scalar(&signature[32..]) {
                    return Err(token_error(
                        ErrorCode::TokenNonCanonicalSignature,
                        "the Ed25519 signature is not in canonical form",
                    ));
                }
            }
            Material::P256(_) => {
                if signature.len() != 2 * P256_SCALAR_BYTES {
                    return Err(bad_signature());
                }
                let (r, s) = signature.split_at(P256_SCALAR_BYTES);
                if r.iter().all(|&b| b == 0) || s.iter().all(|&b| b == 0) {
                    return Err(token_error(
                        ErrorCode::TokenZeroSignature,
                        "the ECDSA signature has r or s equal to zero",
                    ));
                }
            }
            Material::Secret(_) => {}
        }
        Ok(())
    }

    /// Returns the public JWK of an asymmetric key, or `None` for a shared secret.
    pub fn to_jwk(&self) -> Option<serde_json::Value> {
        match &self.material {
            Material::Ed25519(key) => Some(serde_json::json!({
                "kty": "OKP", "crv": "Ed25519", "x": b64::encode(&key.to_bytes()),
                "kid": self.kid, "alg": "EdDSA", "use": "sig",
            })),
            Material::P256(key) => {
                // The uncompressed SEC1 form is 0x04, then x, then y.
                let point = key.public_key().to_bytes_uncompressed();
                let (x, y) = point.get(1..)?.split_at_checked(P256_SCALAR_BYTES)?;
                Some(serde_json::json!({
                    "kty": "EC", "crv": "P-256", "x": b64::encode(x), "y": b64::encode(y),
                    "kid": self.kid, "alg": "ES256", "use": "sig",
                }))
            }
            Material::Secret(_) => None,
        }
    }
}

pub(crate) fn bad_signature() -> Error {
    token_error(ErrorCode::TokenSignatureInvalid, "the token signature does not verify")
}

pub(crate) fn token_error(code: ErrorCode, message: &str) -> Error {
    Error::new(code, message)
}

fn invalid_key(message: &str) -> Error {
    Error::new(ErrorCode::InvalidKey, message)
}

/// Returns whether `kid` is 1 to [`limits::MAX_KID_BYTES`] bytes of `A-Z a-z 0-9 . _ -`.
///
/// Key ids end up in cache keys, KV names, log lines and sometimes file or SQL lookups in
/// other services, so path separators, quotes and control characters are never accepted
/// (RFC 8725 section 3.10).
pub fn is_valid_kid(kid: &str) -> bool {
    !kid.is_empty()
        && kid.len() <= limits::MAX_KID_BYTES
        && kid.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && kid != "."
        && kid != ".."
}

fn check_kid(kid: &str) -> Result<(), Error> {
    if is_valid_kid(kid) {
        Ok(())
    } else {
        Err(token_error(
            ErrorCode::TokenKidInvalid,
            "a key id must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' or '-'",
        ))
    }
}

/// The public members of a JWK that this crate reads. A private member (`d`) or a symmetric
/// key (`k`) in a published set is an error, because it means a secret was published.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Jwk {
    kty: String,
    crv: Option<String>,
    x: Option<String>,
    y: Option<String>,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    key_ops: Option<Vec<String>>,
    d: Option<serde::de::IgnoredAny>,
    k: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct JwkSet {
    keys: Vec<serde_json::Value>,
}

fn decode_member(value: Option<&String>, name: &str) -> Result<Vec<u8>, Error> {
    let text = value.ok_or_else(|| invalid_key(&format!("the JWK has no {name}")))?;
    b64::decode(text.as_bytes()).map_err(|_| invalid_key(&format!("the JWK member {name} is not canonical base64url")))
}

impl Jwk {
    fn into_key(self) -> Result<VerifyingKey, Error> {
        if self.d.is_some() || self.k.is_some() {
            return Err(invalid_key("the JWK Set contains secret key material; publish public keys only"));
        }
        if self.use_.as_deref().is_some_and(|u| u != "sig") {
            return Err(invalid_key("a JWK's use must be sig"));
        }
        if self.key_ops.as_ref().is_some_and(|ops| ops.iter().any(|op| op != "verify")) {
            return Err(invalid_key("a JWK's key_ops may only contain verify"));
        }
        let kid = self.kid.as_deref().ok_or_else(|| invalid_key("every JWK needs a kid"))?;
        match (self.kty.as_str(), self.crv.as_deref(), self.alg.as_deref()) {
            ("OKP", Some("Ed25519"), Some("EdDSA") | None) => {
                VerifyingKey::ed25519(kid, &decode_member(self.x.as_ref(), "x")?)
            }
            ("EC", Some("P-256"), Some("ES256") | None) => {
                let x = decode_member(self.x.as_ref(), "x")?;
                let y = decode_member(self.y.as_ref(), "y")?;
                if x.len() != P256_SCALAR_BYTES || y.len() != P256_SCALAR_BYTES {
                    return Err(invalid_key("P-256 coordinates x and y must be 32 bytes each"));
                }
                let mut point = Vec::with_capacity(65);
                point.push(4);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                VerifyingKey::p256(kid, &point)
            }
            _ => Err(invalid_key("unsupported JWK: expected OKP Ed25519 with EdDSA or EC P-256 with ES256")),
        }
    }
}

/// Verification keys indexed by `kid`.
///
/// A key set is replaced as a whole when the issuer rotates keys: a new set from the JWK Set
/// endpoint goes through [`KeySet::from_jwks`], and [`KeySet::to_jwks`] gives back the public
/// part for a caller's cache (for example Workers KV).
#[derive(Debug, Default)]
pub struct KeySet {
    keys: BTreeMap<String, VerifyingKey>,
}

impl KeySet {
    /// Creates an empty key set.
    pub fn new() -> KeySet {
        KeySet::default()
    }

    /// Parses a JWK Set (`{"keys": [...]}`).
    ///
    /// # Errors
    ///
    /// `INPUT_TOO_LARGE` above [`limits::MAX_JWKS_BYTES`] or [`limits::MAX_JWKS_KEYS`] keys,
    /// `INVALID_KEY` for a key of another type, a private key, a repeated `kid` or bad base64url.
    pub fn from_jwks(json: &str) -> Result<KeySet, Error> {
        if json.len() > limits::MAX_JWKS_BYTES {
            return Err(Error::new(ErrorCode::InputTooLarge, "the JWK Set is larger than 64 KiB"));
        }
        let set: JwkSet = serde_json::from_str(json)
            .map_err(|_| invalid_key("the JWK Set is not a JSON object with a keys array"))?;
        if set.keys.len() > limits::MAX_JWKS_KEYS {
            return Err(Error::new(ErrorCode::InputTooLarge, "the JWK Set has more than 32 keys"));
        }
        let mut keys = KeySet::new();
        for value in set.keys {
            let jwk: Jwk = serde_json::from_value(value)
                .map_err(|_| invalid_key("a JWK has an unknown member or a member of the wrong type"))?;
            keys.insert(jwk.into_key()?)?;
        }
        Ok(keys)
    }

    /// Adds a key.
    ///
    /// # Errors
    ///
    /// `INVALID_KEY` when a key with the same `kid` is already in the set.
    pub fn insert(&mut self, key: VerifyingKey) -> Result<(), Error> {
        if self.keys.contains_key(&key.kid) {
            return Err(invalid_key("two keys have the same kid"));
        }
        self.keys.insert(key.kid.clone(), key);
        Ok(())
    }

    /// Returns the key with this id.
    pub fn get(&self, kid: &str) -> Option<&VerifyingKey> {
        self.keys.get(kid)
    }

    /// Returns the number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Returns true when the set has no keys.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Returns the public JWK Set as JSON text. Shared secrets are never included.
    pub fn to_jwks(&self) -> String {
        let keys: Vec<_> = self.keys.values().filter_map(VerifyingKey::to_jwk).collect();
        serde_json::json!({ "keys": keys }).to_string()
    }
}

enum Pair {
    Ed25519(Box<Ed25519KeyPair>),
    P256(Box<ES256KeyPair>),
}

/// A private key that signs tokens and revocation snapshots. It has no `Debug` output beyond
/// its `kid` and algorithm, and the underlying key types wipe their bytes on drop.
pub struct SigningKey {
    kid: String,
    pair: Pair,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("kid", &self.kid).field("alg", &self.algorithm()).finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Creates an Ed25519 signing key from its 32-byte seed (RFC 8032 private key).
    ///
    /// # Errors
    ///
    /// `INVALID_KEY` for a seed that is not 32 bytes, `TOKEN_KID_INVALID` for a bad `kid`.
    pub fn ed25519_from_seed(kid: &str, seed: &[u8]) -> Result<SigningKey, Error> {
        check_kid(kid)?;
        let seed =
            ed25519_compact::Seed::from_slice(seed).map_err(|_| invalid_key("an Ed25519 seed must be 32 bytes"))?;
        let pair = ed25519_compact::KeyPair::from_seed(seed);
        let pair = Ed25519KeyPair::from_bytes(pair.as_ref()).map_err(|_| invalid_key("the Ed25519 seed is invalid"))?;
        Ok(SigningKey { kid: kid.to_owned(), pair: Pair::Ed25519(Box::new(pair)) })
    }

    /// Creates a P-256 signing key from its 32-byte private scalar.
    ///
    /// # Errors
    ///
    /// `INVALID_KEY` for a scalar that is zero, not below the group order or not 32 bytes.
    pub fn p256_from_scalar(kid: &str, scalar: &[u8]) -> Result<SigningKey, Error> {
        check_kid(kid)?;
        let pair = ES256KeyPair::from_bytes(scalar).map_err(|_| invalid_key("the P-256 private key is invalid"))?;
        Ok(SigningKey { kid: kid.to_owned(), pair: Pair::P256(Box::new(pair)) })
    }

    /// Generates a new Ed25519 signing key from the operating system's random source.
    pub fn generate_ed25519(kid: &str) -> Result<SigningKey, Error> {
        check_kid(kid)?;
        Ok(SigningKey { kid: kid.to_owned(), pair: Pair::Ed25519(Box::new(Ed25519KeyPair::generate())) })
    }

    /// Generates a new P-256 signing key from the operating system's random source.
    pub fn generate_p256(kid: &str) -> Result<SigningKey, Error> {
        check_kid(kid)?;
        Ok(SigningKey { kid: kid.to_owned(), pair: Pair::P256(Box::new(ES256KeyPair::generate())) })
    }

    /// Returns the key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Returns the algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        match self.pair {
            Pair::Ed25519(_) => Algorithm::EdDSA,
            Pair::P256(_) => Algorithm::ES256,
        }
    }

    /// Returns the matching verification key.
    pub fn verifying_key(&self) -> VerifyingKey {
        let material = match &self.pair {
            Pair::Ed25519(pair) => Material::Ed25519(pair.public_key()),
            Pair::P256(pair) => Material::P256(pair.public_key()),
        };
        VerifyingKey { kid: self.kid.clone(), material }
    }

    /// Signs `signing_input` and returns the raw JWS signature bytes (64 bytes for both). Both algorithms are
    /// deterministic (RFC 8032, and RFC 6979 for ECDSA), so no random source is needed.
    pub fn sign_raw(&self, signing_input: &[u8]) -> Vec<u8> {
        match &self.pair {
            Pair::Ed25519(pair) => pair.key_pair().as_ref().sk.sign(signing_input, None).to_vec(),
            Pair::P256(pair) => {
                let signature: p256::ecdsa::Signature = pair.key_pair().as_ref().sign(signing_input);
                signature.to_vec()
            }
        }
    }

    /// Signs a JSON payload as a JWS compact token with header
    /// `{"alg": <this key's>, "typ": typ, "kid": <this key's>}`.
    pub fn sign_jws(&self, typ: &str, payload: &serde_json::Value) -> String {
        let header = serde_json::json!({ "alg": self.algorithm().as_str(), "typ": typ, "kid": self.kid });
        self.sign_compact(&header.to_string(), &payload.to_string())
    }

    /// Signs a header and payload given as JSON text, exactly as given, and returns the JWS
    /// compact token. The caller is responsible for the header matching this key.
    pub fn sign_compact(&self, header: &str, payload: &str) -> String {
        let mut token = b64::encode(header.as_bytes());
        token.push('.');
        token.push_str(&b64::encode(payload.as_bytes()));
        let signature = self.sign_raw(token.as_bytes());
        token.push('.');
        token.push_str(&b64::encode(&signature));
        token
    }
}
