//! Parsing and signature checks of JWS compact tokens (RFC 7515), with the header rules of
//! RFC 8725.
//!
//! The order is fixed: size, shape, strict base64url of every part, the header (duplicate
//! names, `alg: none`, embedded keys, `crit`, `typ`, `kid`), key selection by `kid`, the key's
//! algorithm against `alg`, the signature, and only then the payload JSON.

use serde_json::{Map, Value};

use super::b64::{self, DecodeError};
use super::json::{self, ParseError};
use super::keys::{is_valid_kid, token_error, KeySet, VerifyingKey};
use crate::error::{Error, ErrorCode};

/// Header parameters that carry a key or point to one. A verifier that used them would let the
/// token choose its own key (RFC 8725 sections 2.3 and 3.10).
const KEY_CARRYING_PARAMETERS: [&str; 5] = ["jwk", "jku", "x5u", "x5c", "x5t#S256"];

/// A token whose header passed every check, with its key selected but its signature not yet
/// checked.
pub(crate) struct Compact<'a> {
    signing_input: &'a str,
    payload: Vec<u8>,
    signature: Vec<u8>,
    kid: String,
    alg: String,
}

fn malformed(message: &str) -> Error {
    token_error(ErrorCode::TokenMalformed, message)
}

fn decode_part(part: &str, name: &str) -> Result<Vec<u8>, Error> {
    b64::decode(part.as_bytes()).map_err(|error| match error {
        DecodeError::NonCanonical => token_error(
            ErrorCode::TokenNonCanonicalBase64,
            &format!("the token {name} is not canonical base64url: it has padding or non-zero unused bits"),
        ),
        DecodeError::Invalid => malformed(&format!("the token {name} is not base64url")),
    })
}

fn parse_object(bytes: &[u8], duplicate: ErrorCode, name: &str) -> Result<Map<String, Value>, Error> {
    match json::parse(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) | Err(ParseError::Invalid) => Err(malformed(&format!("the token {name} is not a JSON object"))),
        Err(ParseError::Duplicate) => Err(token_error(duplicate, &format!("the token {name} repeats a member name"))),
    }
}

/// Returns whether a `typ` value names one of the expected media types. RFC 7515 section 4.1.9
/// compares media types without regard to case and allows the `application/` prefix to be left
/// out.
fn typ_matches(typ: &str, expected: &str) -> bool {
    let short = typ.get(..12).filter(|prefix| prefix.eq_ignore_ascii_case("application/")).map_or(typ, |_| &typ[12..]);
    short.eq_ignore_ascii_case(expected)
}

/// Splits a token and checks its header.
///
/// # Errors
///
/// `TOKEN_TOO_LARGE`, `TOKEN_MALFORMED`, `TOKEN_NONCANONICAL_BASE64`, `TOKEN_DUPLICATE_HEADER`,
/// `TOKEN_ALG_NONE`, `TOKEN_EMBEDDED_KEY`, `TOKEN_CRIT`, `TOKEN_WRONG_TYP`, `TOKEN_KID_INVALID`.
pub(crate) fn parse<'a>(token: &'a str, max_bytes: usize, expected_typ: &str) -> Result<Compact<'a>, Error> {
    if token.len() > max_bytes {
        return Err(token_error(ErrorCode::TokenTooLarge, &format!("the token is longer than {max_bytes} bytes")));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("a token must have exactly three parts separated by '.'"));
    };
    let header_bytes = decode_part(header, "header")?;
    // Decoded before the signature check, so a token with a bad payload encoding never costs
    // one, but parsed as JSON only after it.
    let payload_bytes = decode_part(payload, "payload")?;
    let signature = decode_part(signature, "signature")?;
    let header_map = parse_object(&header_bytes, ErrorCode::TokenDuplicateHeader, "header")?;

    let alg = match header_map.get("alg") {
        Some(Value::String(alg)) => alg.clone(),
        _ => return Err(malformed("the token header needs an alg string")),
    };
    if alg.trim().eq_ignore_ascii_case("none") {
        return Err(token_error(ErrorCode::TokenAlgNone, "unsecured tokens (alg none) are never accepted"));
    }
    if KEY_CARRYING_PARAMETERS.iter().any(|name| header_map.contains_key(*name)) {
        return Err(token_error(
            ErrorCode::TokenEmbeddedKey,
            "the token header carries a key or key URL (jwk, jku, x5u, x5c); keys come only from the configured key set",
        ));
    }
    if header_map.contains_key("crit") {
        return Err(token_error(ErrorCode::TokenCrit, "the token header has crit, and no extension is supported"));
    }
    match header_map.get("typ") {
        Some(Value::String(typ)) if typ_matches(typ, expected_typ) => {}
        _ => {
            return Err(token_error(ErrorCode::TokenWrongTyp, &format!("the token header typ must be {expected_typ}")));
        }
    }
    let kid = match header_map.get("kid") {
        Some(Value::String(kid)) if is_valid_kid(kid) => kid.clone(),
        _ => {
            return Err(token_error(
                ErrorCode::TokenKidInvalid,
                "the token header needs a kid of 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' or '-'",
            ));
        }
    };
    let signing_input = &token[..header.len() + 1 + payload.len()];
    Ok(Compact { signing_input, payload: payload_bytes, signature, kid, alg })
}

impl Compact<'_> {
    /// Selects the key by `kid`, checks that its algorithm is the header's `alg`, checks the
    /// signature and returns the parsed payload.
    ///
    /// # Errors
    ///
    /// `TOKEN_UNKNOWN_KID`, `TOKEN_ALG_MISMATCH`, the signature errors of
    /// [`VerifyingKey::verify`], and `TOKEN_MALFORMED` or `TOKEN_DUPLICATE_CLAIM` for the payload.
    pub(crate) fn verify(&self, keys: &KeySet) -> Result<Map<String, Value>, Error> {
        let key = keys.get(&self.kid).ok_or_else(|| {
            token_error(ErrorCode::TokenUnknownKid, "no key in the key set has the token's kid; refresh the key set")
        })?;
        self.verify_with(key)
    }

    /// Checks the signature with one key and returns the parsed payload.
    pub(crate) fn verify_with(&self, key: &VerifyingKey) -> Result<Map<String, Value>, Error> {
        self.check_key(key)?;
        key.verify(self.signing_input.as_bytes(), &self.signature)?;
        self.claims()
    }

    /// Selects the key by `kid` and checks everything but the signature arithmetic, for a
    /// caller that verifies the signature with WebCrypto.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn select<'k>(&self, keys: &'k KeySet) -> Result<&'k VerifyingKey, Error> {
        let key = keys.get(&self.kid).ok_or_else(|| {
            token_error(ErrorCode::TokenUnknownKid, "no key in the key set has the token's kid; refresh the key set")
        })?;
        self.check_key(key)?;
        key.check_signature_form(&self.signature)?;
        Ok(key)
    }

    fn check_key(&self, key: &VerifyingKey) -> Result<(), Error> {
        if self.alg != key.algorithm().as_str() {
            return Err(token_error(
                ErrorCode::TokenAlgMismatch,
                &format!("the token alg does not match the key, which only allows {}", key.algorithm().as_str()),
            ));
        }
        Ok(())
    }

    /// Returns the ASCII `header.payload` that the signature covers.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn signing_input(&self) -> &str {
        self.signing_input
    }

    /// Returns the decoded signature.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// Parses the payload; only for a token whose signature has been checked.
    pub(crate) fn claims(&self) -> Result<Map<String, Value>, Error> {
        parse_object(&self.payload, ErrorCode::TokenDuplicateClaim, "claims")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typ_matching_ignores_case_and_prefix() {
        assert!(typ_matches("at+jwt", "at+jwt"));
        assert!(typ_matches("AT+JWT", "at+jwt"));
        assert!(typ_matches("application/at+jwt", "at+jwt"));
        assert!(!typ_matches("JWT", "at+jwt"));
        assert!(!typ_matches("application/", "at+jwt"));
        assert!(!typ_matches("rt+jwt", "at+jwt"));
    }
}
