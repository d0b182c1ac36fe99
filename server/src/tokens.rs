//! Access tokens: the claims the Wasm verifier checks, issuance and verification.
//!
//! An access token is a compact JWS with header `{"alg", "typ": "at+jwt", "kid"}`. Refresh
//! tokens are not JWTs: they are 256-bit random strings that the store keeps only as SHA-256
//! hashes, so a database dump cannot be replayed and a refresh token is useless anywhere but
//! at this server.

use std::collections::HashSet;
use std::net::IpAddr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{KeyInit, Mac};
use jwt_simple::prelude::{Audiences, Claims, JWTClaims, Token, UnixTimeStamp, VerificationOptions};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::COMPLIANCE_LEVEL;
use crate::error::{ApiError, ErrorKind};
use crate::keys::Keyring;

/// The `typ` header of access tokens.
pub const ACCESS_TYP: &str = "at+jwt";

/// Clock skew tolerated when this server verifies a token.
pub const CLOCK_SKEW_SECONDS: u64 = 30;

/// Maximum token length in bytes that this server parses, checked before decoding.
pub const MAX_TOKEN_BYTES: usize = 8192;

/// The roles a user can have. `break_glass` is emergency access, flagged in every audit
/// record it produces.
pub const ROLES: &[&str] = &["admin", "therapist", "researcher", "user", "break_glass"];

/// Claims beyond the registered ones (`iss`, `aud`, `sub`, `jti`, `iat`, `exp`, `nbf`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub user_id: String,
    pub role: String,
    #[serde(rename = "type")]
    pub token_type: String,
    pub session_id: String,
    pub compliance_level: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patients: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_salt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent_hash: Option<String>,
}

/// The client context an access token is bound to when session binding is on.
#[derive(Clone, Debug, Default)]
pub struct ClientContext {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

/// The user, session and lifetime an access token is issued for.
pub struct AccessGrant<'a> {
    pub user_id: &'a str,
    pub role: &'a str,
    pub patients: &'a [String],
    pub session_id: &'a str,
    pub reason: Option<&'a str>,
    /// Issue time in seconds; never earlier than the user's not-before time.
    pub issued_at: u64,
    pub lifetime_seconds: u64,
    pub bind: Option<&'a ClientContext>,
}

/// A freshly signed access token.
pub struct IssuedAccess {
    pub token: String,
    pub jti: String,
    pub kid: String,
    pub expires_at: u64,
}

/// Writes an IP address in canonical text form, with an IPv4-mapped IPv6 address as IPv4.
pub fn canonical_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.to_string(),
        },
        IpAddr::V4(v4) => v4.to_string(),
    }
}

/// Computes a binding hash: base64url without padding of HMAC-SHA-256 keyed with the salt.
pub fn binding_hash(salt: &[u8], prefix: &str, value: &str) -> String {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(salt).expect("HMAC accepts any key length");
    mac.update(prefix.as_bytes());
    mac.update(value.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Creates a new random refresh token: 32 random bytes in base64url.
pub fn new_refresh_token() -> String {
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(bytes.as_mut()).expect("the operating system random source failed");
    URL_SAFE_NO_PAD.encode(bytes.as_ref())
}

/// Hashes a refresh token for storage. A fast hash is enough because the token has 256 random
/// bits, so it cannot be guessed from its hash.
pub fn refresh_token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// Signs an access token for `grant`.
///
/// # Errors
///
/// `INTERNAL` when no signing key is loaded.
pub fn issue_access(
    keyring: &Keyring,
    issuer: &str,
    audience: &str,
    grant: &AccessGrant<'_>,
) -> Result<IssuedAccess, ApiError> {
    let jti = crate::keys::random_id();
    let mut custom = AccessClaims {
        user_id: grant.user_id.to_string(),
        role: grant.role.to_string(),
        token_type: "access".into(),
        session_id: grant.session_id.to_string(),
        compliance_level: COMPLIANCE_LEVEL.into(),
        patients: (!grant.patients.is_empty()).then(|| grant.patients.to_vec()),
        reason: grant.reason.map(str::to_string),
        bind_salt: None,
        ip_hash: None,
        user_agent_hash: None,
    };
    if let Some(context) = grant.bind {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).expect("the operating system random source failed");
        custom.bind_salt = Some(URL_SAFE_NO_PAD.encode(salt));
        custom.ip_hash = context.ip.map(|ip| binding_hash(&salt, "ip:", &canonical_ip(ip)));
        custom.user_agent_hash = context.user_agent.as_deref().map(|ua| binding_hash(&salt, "ua:", ua));
    }
    let expires_at = grant.issued_at + grant.lifetime_seconds;
    let mut claims: JWTClaims<AccessClaims> =
        Claims::with_custom_claims(custom, jwt_simple::prelude::Duration::from_secs(grant.lifetime_seconds))
            .with_issuer(issuer)
            .with_audience(audience)
            .with_subject(grant.user_id)
            .with_jwt_id(&jti);
    claims.issued_at = Some(UnixTimeStamp::from_secs(grant.issued_at));
    claims.invalid_before = Some(UnixTimeStamp::from_secs(grant.issued_at));
    claims.expires_at = Some(UnixTimeStamp::from_secs(expires_at));
    let (token, kid) = keyring.sign(claims, ACCESS_TYP)?;
    Ok(IssuedAccess { token, jti, kid, expires_at })
}

/// A verified access token's claims.
pub struct VerifiedAccess {
    pub jti: String,
    pub sub: String,
    pub kid: String,
    pub issued_at: u64,
    pub expires_at: u64,
    pub claims: AccessClaims,
    pub audience: Vec<String>,
}

/// Verifies the signature, `typ`, issuer, audience, lifetime and `type` claim of an access
/// token. Revocation is checked by the caller.
///
/// # Errors
///
/// `INVALID_TOKEN` for any failure; the reason goes to the debug log only.
pub async fn verify_access(
    keyring: &Keyring,
    issuer: &str,
    audience: &str,
    token: &str,
    now: i64,
) -> Result<VerifiedAccess, ApiError> {
    let invalid = || ApiError::new(ErrorKind::InvalidToken, "the token is invalid or expired");
    if token.len() > MAX_TOKEN_BYTES {
        return Err(invalid());
    }
    let metadata = Token::decode_metadata(token).map_err(|_| invalid())?;
    let kid = metadata.key_id().ok_or_else(invalid)?.to_string();
    let key = keyring.public_key(&kid, now).await?.ok_or_else(invalid)?;
    let options = VerificationOptions {
        required_signature_type: Some(ACCESS_TYP.into()),
        allowed_issuers: Some(HashSet::from([issuer.to_string()])),
        allowed_audiences: Some(HashSet::from([audience.to_string()])),
        time_tolerance: Some(jwt_simple::prelude::Duration::from_secs(CLOCK_SKEW_SECONDS)),
        max_token_length: Some(MAX_TOKEN_BYTES),
        ..VerificationOptions::default()
    };
    let claims = key.verify::<AccessClaims>(token, options)?;
    if claims.custom.token_type != "access" || claims.custom.compliance_level != COMPLIANCE_LEVEL {
        return Err(invalid());
    }
    let audience = match &claims.audiences {
        Some(Audiences::AsString(a)) => vec![a.clone()],
        Some(Audiences::AsSet(set)) => set.iter().cloned().collect(),
        None => Vec::new(),
    };
    Ok(VerifiedAccess {
        jti: claims.jwt_id.clone().ok_or_else(invalid)?,
        sub: claims.subject.clone().ok_or_else(invalid)?,
        kid,
        issued_at: claims.issued_at.ok_or_else(invalid)?.as_secs(),
        expires_at: claims.expires_at.ok_or_else(invalid)?.as_secs(),
        audience,
        claims: claims.custom,
    })
}
