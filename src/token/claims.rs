//! The claims of the access and refresh tokens that the key server issues, and the session
//! binding hashes inside them.
//!
//! Times are whole seconds since the Unix epoch. Verification checks the JSON types of the
//! time claims before these structs are filled, so a string or fractional `exp` is an error
//! with its own code rather than a generic parse failure.

use std::net::IpAddr;

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::Sha256;

use super::b64;
use super::keys::token_error;
use crate::error::{Error, ErrorCode};

/// The only `compliance_level` an access or refresh token may carry.
pub const COMPLIANCE_LEVEL: &str = "hipaa_plus_plus";

/// The `typ` header of an access token (RFC 9068 section 2.1).
pub const ACCESS_TYP: &str = "at+jwt";

/// The `typ` header of a refresh token.
pub const REFRESH_TYP: &str = "rt+jwt";

/// The largest time claim accepted: 9999-12-31T23:59:59Z. Larger values overflow date types in
/// other languages and are never a real token's lifetime.
pub const MAX_TIME: u64 = 253_402_300_799;

/// Bytes of random salt per token for the session binding hashes.
pub const BIND_SALT_BYTES: usize = 16;

/// The `aud` claim: one audience or several (RFC 7519 section 4.1.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// A single audience string.
    One(String),
    /// An array of audience strings.
    Many(Vec<String>),
}

impl Audience {
    /// Returns true when `audience` is one of the values, compared exactly.
    pub fn contains(&self, audience: &str) -> bool {
        match self {
            Audience::One(one) => one == audience,
            Audience::Many(many) => many.iter().any(|one| one == audience),
        }
    }
}

/// The value of the `type` claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    /// An access token, sent with each API request.
    Access,
    /// A refresh token, exchanged at the key server for a new access token.
    Refresh,
}

impl TokenType {
    /// Returns the claim value.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenType::Access => "access",
            TokenType::Refresh => "refresh",
        }
    }

    /// Returns the `typ` header that goes with this token type.
    pub fn typ(self) -> &'static str {
        match self {
            TokenType::Access => ACCESS_TYP,
            TokenType::Refresh => REFRESH_TYP,
        }
    }
}

/// The session binding claims: a per-token salt and salted hashes of the client's IP address
/// and User-Agent, so that no raw IP address is stored in a token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionBinding {
    /// 16 random bytes, base64url without padding.
    pub bind_salt: String,
    /// `base64url(HMAC-SHA-256(salt, "ip:" + canonical IP))`.
    pub ip_hash: String,
    /// `base64url(HMAC-SHA-256(salt, "ua:" + User-Agent))`.
    pub user_agent_hash: String,
}

/// The claims of an access token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: Audience,
    /// Subject: the user id.
    pub sub: String,
    /// The user id again, under the name the pipeline's code reads.
    pub user_id: String,
    /// One of `admin`, `therapist`, `researcher`, `user`, `break_glass`, or a role that a
    /// deployment's access rules add.
    pub role: String,
    /// Always [`TokenType::Access`] in a valid access token.
    #[serde(rename = "type")]
    pub token_type: TokenType,
    /// Unique token id, the key for revocation and replay checks.
    pub jti: String,
    /// The login session this token belongs to.
    pub session_id: String,
    /// Issued at.
    pub iat: u64,
    /// Expires at.
    pub exp: u64,
    /// Not valid before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    /// Always [`COMPLIANCE_LEVEL`] in a valid token.
    pub compliance_level: String,
    /// Ids of the patients assigned to a therapist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patients: Option<Vec<String>>,
    /// The stated reason for a break-glass token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The session binding, when the deployment binds tokens to the client.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub binding: Option<SessionBinding>,
}

/// The claims of a refresh token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshClaims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: Audience,
    /// Subject: the user id.
    pub sub: String,
    /// Always [`TokenType::Refresh`] in a valid refresh token.
    #[serde(rename = "type")]
    pub token_type: TokenType,
    /// Unique token id.
    pub jti: String,
    /// The `jti` of the refresh token this one replaced, for reuse detection across a chain.
    pub parent_jti: String,
    /// The login session this token belongs to.
    pub session_id: String,
    /// Issued at.
    pub iat: u64,
    /// Expires at.
    pub exp: u64,
    /// Not valid before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    /// Always [`COMPLIANCE_LEVEL`] in a valid token.
    pub compliance_level: String,
    /// The session binding, when the deployment binds tokens to the client.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub binding: Option<SessionBinding>,
}

/// Claims that every access token must have.
pub const ACCESS_REQUIRED: [&str; 11] =
    ["iss", "aud", "sub", "user_id", "role", "type", "jti", "session_id", "iat", "exp", "compliance_level"];

/// Claims that every refresh token must have.
pub const REFRESH_REQUIRED: [&str; 10] =
    ["iss", "aud", "sub", "type", "jti", "parent_jti", "session_id", "iat", "exp", "compliance_level"];

/// Checks that the time claims `exp`, `iat` and `nbf` are whole numbers from 0 to [`MAX_TIME`].
///
/// # Errors
///
/// `TOKEN_TIME_NOT_INTEGER` for a string, boolean, fraction or a whole number written as a
/// float (`1.7e9`), `TOKEN_TIME_OUT_OF_RANGE` for a negative value or one above [`MAX_TIME`].
pub(crate) fn check_times(claims: &Map<String, Value>) -> Result<(), Error> {
    for name in ["exp", "iat", "nbf"] {
        let Some(value) = claims.get(name) else { continue };
        let out_of_range = || {
            token_error(ErrorCode::TokenTimeOutOfRange, &format!("the {name} claim must be between 0 and {MAX_TIME}"))
                .with_subject(name)
        };
        match value {
            Value::Number(number) if number.is_u64() => {
                if number.as_u64().is_some_and(|seconds| seconds > MAX_TIME) {
                    return Err(out_of_range());
                }
            }
            Value::Number(number) if number.is_i64() => return Err(out_of_range()),
            Value::Number(number)
                if number.as_f64().is_some_and(|f| f.fract() == 0.0 && !(0.0..=MAX_TIME as f64).contains(&f)) =>
            {
                return Err(out_of_range());
            }
            _ => {
                return Err(token_error(
                    ErrorCode::TokenTimeNotInteger,
                    &format!("the {name} claim must be an integer number of seconds"),
                )
                .with_subject(name));
            }
        }
    }
    Ok(())
}

/// Checks that every name in `required` is present.
///
/// # Errors
///
/// `TOKEN_CLAIM_MISSING`, with the claim's name as the subject.
pub(crate) fn check_required(claims: &Map<String, Value>, required: &[&str]) -> Result<(), Error> {
    match required.iter().find(|name| !claims.contains_key(**name)) {
        Some(name) => {
            Err(token_error(ErrorCode::TokenClaimMissing, &format!("the token has no {name} claim"))
                .with_subject(*name))
        }
        None => Ok(()),
    }
}

/// Writes an IP address in the canonical text form of the session binding: IPv4 in dotted
/// decimal, IPv6 in RFC 5952 form, and an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as IPv4.
///
/// Returns `None` when `text` is not an IP address.
pub fn canonical_ip(text: &str) -> Option<String> {
    let address: IpAddr = text.trim().parse().ok()?;
    Some(match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.to_string(),
        },
        IpAddr::V4(v4) => v4.to_string(),
    })
}

fn binding_mac(salt: &[u8], label: &str, value: &str) -> Hmac<Sha256> {
    // HMAC accepts a key of any length, so this never fails.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(salt).unwrap_or_else(|_| unreachable!());
    mac.update(label.as_bytes());
    mac.update(value.as_bytes());
    mac
}

/// Returns `base64url(HMAC-SHA-256(key = salt, message = label + value))`, the form of
/// `ip_hash` (label `"ip:"`) and `user_agent_hash` (label `"ua:"`).
pub fn binding_hash(salt: &[u8], label: &str, value: &str) -> String {
    b64::encode(&binding_mac(salt, label, value).finalize().into_bytes())
}

impl SessionBinding {
    /// Creates the binding claims for a client from a given salt.
    ///
    /// # Errors
    ///
    /// `INVALID_ARGUMENT` when `ip` is not an IP address.
    pub fn new(salt: &[u8; BIND_SALT_BYTES], ip: &str, user_agent: &str) -> Result<SessionBinding, Error> {
        let ip = canonical_ip(ip).ok_or_else(invalid_ip)?;
        Ok(SessionBinding {
            bind_salt: b64::encode(salt),
            ip_hash: binding_hash(salt, "ip:", &ip),
            user_agent_hash: binding_hash(salt, "ua:", user_agent),
        })
    }

    /// Creates the binding claims for a client with a fresh random salt.
    ///
    /// # Errors
    ///
    /// `INVALID_ARGUMENT` when `ip` is not an IP address or no random source is available.
    pub fn generate(ip: &str, user_agent: &str) -> Result<SessionBinding, Error> {
        let mut salt = [0u8; BIND_SALT_BYTES];
        getrandom::fill(&mut salt).map_err(|_| {
            Error::new(ErrorCode::InvalidArgument, "no random source is available for the binding salt")
        })?;
        SessionBinding::new(&salt, ip, user_agent)
    }

    /// Checks a request's IP address and User-Agent against the binding. The hashes are
    /// compared in constant time.
    ///
    /// # Errors
    ///
    /// `TOKEN_SESSION_MISMATCH` when either differs or `ip` is not an IP address,
    /// `TOKEN_MALFORMED` when the salt or a hash is not base64url of the right length.
    pub fn check(&self, ip: &str, user_agent: &str) -> Result<(), Error> {
        let salt =
            b64::decode(self.bind_salt.as_bytes()).ok().filter(|salt| salt.len() == BIND_SALT_BYTES).ok_or_else(
                || token_error(ErrorCode::TokenMalformed, "the bind_salt claim must be 16 bytes of base64url"),
            )?;
        let decode_hash = |hash: &str| {
            b64::decode(hash.as_bytes())
                .map_err(|_| token_error(ErrorCode::TokenMalformed, "a session binding hash is not base64url"))
        };
        let ip_hash = decode_hash(&self.ip_hash)?;
        let user_agent_hash = decode_hash(&self.user_agent_hash)?;
        let mismatch = || {
            token_error(
                ErrorCode::TokenSessionMismatch,
                "the request's IP address or User-Agent differs from the token's session",
            )
        };
        let ip = canonical_ip(ip).ok_or_else(mismatch)?;
        let ip_ok = binding_mac(&salt, "ip:", &ip).verify_slice(&ip_hash).is_ok();
        let user_agent_ok = binding_mac(&salt, "ua:", user_agent).verify_slice(&user_agent_hash).is_ok();
        if ip_ok && user_agent_ok {
            Ok(())
        } else {
            Err(mismatch())
        }
    }
}

fn invalid_ip() -> Error {
    Error::new(ErrorCode::InvalidArgument, "the IP address is not an IPv4 or IPv6 address").with_subject("ip")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn canonical_ip_forms() {
        assert_eq!(canonical_ip("203.0.113.7").as_deref(), Some("203.0.113.7"));
        assert_eq!(canonical_ip("::ffff:203.0.113.7").as_deref(), Some("203.0.113.7"));
        assert_eq!(canonical_ip("::FFFF:cb00:7107").as_deref(), Some("203.0.113.7"));
        assert_eq!(canonical_ip("2001:DB8:0:0:0:0:0:1").as_deref(), Some("2001:db8::1"));
        assert_eq!(canonical_ip("not an ip"), None);
        assert_eq!(canonical_ip("203.0.113.7:443"), None);
    }

    #[test]
    fn binding_hash_known_answer() {
        // HMAC-SHA-256 with key 0x00..0x0f over "ip:203.0.113.7", computed independently with
        // Python's hmac module.
        let salt: Vec<u8> = (0..16).collect();
        assert_eq!(binding_hash(&salt, "ip:", "203.0.113.7"), "UnX1RQF0ZuxwIeWBv0LTGob3jft91RhI5fb_RYmNnBI");
    }

    #[test]
    fn binding_accepts_same_client() {
        let salt = [7u8; 16];
        let binding = SessionBinding::new(&salt, "::ffff:198.51.100.2", "Mozilla/5.0").unwrap();
        assert_eq!(binding.bind_salt, "BwcHBwcHBwcHBwcHBwcHBw");
        assert_eq!(binding.check("198.51.100.2", "Mozilla/5.0"), Ok(()));
    }

    #[test]
    fn binding_rejects_other_ip_or_agent() {
        let binding = SessionBinding::generate("198.51.100.2", "Mozilla/5.0").unwrap();
        let code = |result: Result<(), Error>| result.unwrap_err().code();
        assert_eq!(code(binding.check("198.51.100.3", "Mozilla/5.0")), ErrorCode::TokenSessionMismatch);
        assert_eq!(code(binding.check("198.51.100.2", "curl/8.0")), ErrorCode::TokenSessionMismatch);
        assert_eq!(code(binding.check("garbage", "Mozilla/5.0")), ErrorCode::TokenSessionMismatch);
    }

    #[test]
    fn binding_rejects_bad_salt() {
        let mut binding = SessionBinding::generate("198.51.100.2", "ua").unwrap();
        binding.bind_salt = "AAAA".into();
        assert_eq!(binding.check("198.51.100.2", "ua").unwrap_err().code(), ErrorCode::TokenMalformed);
    }

    #[test]
    fn time_claims_types() {
        let code = |claims: Value| check_times(&object(claims)).err().map(|e| e.code());
        assert_eq!(code(json!({"exp": 1_700_000_000, "iat": 0})), None);
        assert_eq!(code(json!({"exp": "1700000000"})), Some(ErrorCode::TokenTimeNotInteger));
        assert_eq!(code(json!({"exp": 1.7e9})), Some(ErrorCode::TokenTimeNotInteger));
        assert_eq!(code(json!({"nbf": 1.5})), Some(ErrorCode::TokenTimeNotInteger));
        assert_eq!(code(json!({"iat": true})), Some(ErrorCode::TokenTimeNotInteger));
        assert_eq!(code(json!({"exp": null})), Some(ErrorCode::TokenTimeNotInteger));
        assert_eq!(code(json!({"exp": -1})), Some(ErrorCode::TokenTimeOutOfRange));
        assert_eq!(code(json!({"exp": 1e300})), Some(ErrorCode::TokenTimeOutOfRange));
        assert_eq!(code(json!({"exp": MAX_TIME + 1})), Some(ErrorCode::TokenTimeOutOfRange));
        assert_eq!(code(json!({"exp": u64::MAX})), Some(ErrorCode::TokenTimeOutOfRange));
    }

    #[test]
    fn required_claims_name_the_missing_one() {
        let error = check_required(&object(json!({"iss": "a"})), &["iss", "exp"]).unwrap_err();
        assert_eq!(error.code(), ErrorCode::TokenClaimMissing);
        assert_eq!(error.subject(), Some("exp"));
    }

    #[test]
    fn access_claims_round_trip() {
        let claims = AccessClaims {
            iss: "https://keys.example".into(),
            aud: Audience::Many(vec!["techdeck".into(), "pipeline".into()]),
            sub: "u1".into(),
            user_id: "u1".into(),
            role: "therapist".into(),
            token_type: TokenType::Access,
            jti: "j1".into(),
            session_id: "s1".into(),
            iat: 100,
            exp: 1000,
            nbf: None,
            compliance_level: COMPLIANCE_LEVEL.into(),
            patients: Some(vec!["p1".into()]),
            reason: None,
            binding: Some(SessionBinding::new(&[1; 16], "192.0.2.1", "ua").unwrap()),
        };
        let value = serde_json::to_value(&claims).unwrap();
        assert_eq!(value["type"], "access");
        assert_eq!(value["bind_salt"], "AQEBAQEBAQEBAQEBAQEBAQ");
        assert!(value.get("nbf").is_none());
        assert_eq!(serde_json::from_value::<AccessClaims>(value).unwrap(), claims);
    }

    #[test]
    fn audience_string_or_array() {
        let one: Audience = serde_json::from_value(json!("a")).unwrap();
        let many: Audience = serde_json::from_value(json!(["b", "a"])).unwrap();
        assert!(one.contains("a"));
        assert!(many.contains("a"));
        assert!(!many.contains("A"));
    }
}
