//! The token verifier: options with secure defaults, the key set, revocation state and the
//! cache of verified tokens.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::cache::{self, Cache, DEFAULT_CACHE_CAPACITY};
use super::claims::{
    check_required, check_times, AccessClaims, RefreshClaims, SessionBinding, TokenType, ACCESS_REQUIRED, ACCESS_TYP,
    COMPLIANCE_LEVEL, REFRESH_REQUIRED,
};
use super::jws;
use super::keys::{bad_signature, token_error, Algorithm, KeySet};
use super::revocation::Revocations;
use super::snapshot::{Snapshot, SnapshotCheck};
use crate::error::{Error, ErrorCode};
use crate::limits;

/// The largest leeway for clock differences that [`Options`] accepts, in seconds.
pub const MAX_LEEWAY: u64 = 60;

/// Verifier settings. [`Options::new`] gives the secure defaults; every field can be changed
/// before [`Verifier::new`] checks them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The exact `iss` every token and snapshot must have.
    pub issuer: String,
    /// The audience that the token's `aud` (a string or an array) must contain.
    pub audience: String,
    /// Allowed clock difference for `exp`, `nbf` and `iat`, in seconds: 30 by default, at most
    /// [`MAX_LEEWAY`].
    pub leeway: u64,
    /// Maximum token size in bytes: [`limits::MAX_TOKEN_BYTES`] by default and at most.
    pub max_token_bytes: usize,
    /// Maximum `exp - iat` of an access token in seconds: 24 hours by default, the pipeline's
    /// `JWT_EXPIRATION_HOURS` default.
    pub max_access_lifetime: u64,
    /// Maximum `exp - iat` of a refresh token in seconds: 7 days by default, the pipeline's
    /// `JWT_REFRESH_EXPIRATION_DAYS` default.
    pub max_refresh_lifetime: u64,
    /// Reject tokens without a session binding, and requests without an IP address and
    /// User-Agent to check it against. Off by default: a bound token is then checked only when
    /// the request's IP address and User-Agent are both given.
    pub require_binding: bool,
    /// Reject every token while no revocation snapshot is loaded or the loaded one is stale.
    /// On by default; a browser, which only hides what a role may not do, may turn it off.
    pub require_revocation_snapshot: bool,
    /// Minimum time between two key set refreshes triggered by an unknown `kid`, in seconds:
    /// 300 by default.
    pub key_refresh_cooldown: u64,
    /// Number of verified access tokens kept in the cache; 0 turns the cache off.
    pub cache_capacity: usize,
}

impl Options {
    /// Creates options with the secure defaults for one issuer and audience.
    pub fn new(issuer: &str, audience: &str) -> Options {
        Options {
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            leeway: 30,
            max_token_bytes: limits::MAX_TOKEN_BYTES,
            max_access_lifetime: 24 * 3600,
            max_refresh_lifetime: 7 * 24 * 3600,
            require_binding: false,
            require_revocation_snapshot: true,
            key_refresh_cooldown: 300,
            cache_capacity: DEFAULT_CACHE_CAPACITY,
        }
    }

    fn check(&self) -> Result<(), Error> {
        let invalid =
            |name: &str, message: &str| Err(Error::new(ErrorCode::InvalidOptions, message).with_subject(name));
        if self.issuer.is_empty() {
            return invalid("issuer", "option issuer must not be empty");
        }
        if self.audience.is_empty() {
            return invalid("audience", "option audience must not be empty");
        }
        if self.leeway > MAX_LEEWAY {
            return invalid("leeway", "option leeway must be at most 60 seconds");
        }
        if self.max_token_bytes == 0 || self.max_token_bytes > limits::MAX_TOKEN_BYTES {
            return invalid("maxTokenBytes", "option maxTokenBytes must be from 1 to 8192");
        }
        if self.max_access_lifetime == 0 || self.max_refresh_lifetime == 0 {
            return invalid("maxAccessLifetime", "the maximum token lifetimes must be positive");
        }
        Ok(())
    }
}

/// The request a token arrives with.
#[derive(Clone, Copy, Debug, Default)]
pub struct Request<'a> {
    /// The current time in seconds since the Unix epoch.
    pub now: u64,
    /// The client's IP address, for the session binding.
    pub ip: Option<&'a str>,
    /// The client's User-Agent, for the session binding.
    pub user_agent: Option<&'a str>,
    /// The token may be used only once (for example a download link): a second use of its
    /// `jti` before its `exp` is rejected.
    pub one_time: bool,
}

/// The claims that every check after the signature reads.
trait Checked: DeserializeOwned + Clone {
    const TYPE: TokenType;
    const REQUIRED: &'static [&'static str];
    fn common(&self) -> Common<'_>;
}

struct Common<'a> {
    iss: &'a str,
    aud: &'a super::claims::Audience,
    sub: &'a str,
    jti: &'a str,
    iat: u64,
    exp: u64,
    nbf: Option<u64>,
    compliance_level: &'a str,
    binding: Option<&'a SessionBinding>,
}

impl Checked for AccessClaims {
    const TYPE: TokenType = TokenType::Access;
    const REQUIRED: &'static [&'static str] = &ACCESS_REQUIRED;
    fn common(&self) -> Common<'_> {
        Common {
            iss: &self.iss,
            aud: &self.aud,
            sub: &self.sub,
            jti: &self.jti,
            iat: self.iat,
            exp: self.exp,
            nbf: self.nbf,
            compliance_level: &self.compliance_level,
            binding: self.binding.as_ref(),
        }
    }
}

impl Checked for RefreshClaims {
    const TYPE: TokenType = TokenType::Refresh;
    const REQUIRED: &'static [&'static str] = &REFRESH_REQUIRED;
    fn common(&self) -> Common<'_> {
        Common {
            iss: &self.iss,
            aud: &self.aud,
            sub: &self.sub,
            jti: &self.jti,
            iat: self.iat,
            exp: self.exp,
            nbf: self.nbf,
            compliance_level: &self.compliance_level,
            binding: self.binding.as_ref(),
        }
    }
}

/// Verifies access and refresh tokens against a key set, the revocation state and the
/// options.
///
/// # Example
///
/// ```
/// use techdeck_guard::token::{AccessClaims, KeySet, Options, Request, SigningKey, Verifier};
///
/// let signer = SigningKey::ed25519_from_seed("k1", &[1; 32]).unwrap();
/// let mut keys = KeySet::new();
/// keys.insert(signer.verifying_key()).unwrap();
/// let mut options = Options::new("https://keys.example", "techdeck");
/// options.require_revocation_snapshot = false;
/// let mut verifier = Verifier::new(options, keys).unwrap();
///
/// let claims = serde_json::json!({
///     "iss": "https://keys.example", "aud": "techdeck", "sub": "u1", "user_id": "u1",
///     "role": "therapist", "type": "access", "jti": "j1", "session_id": "s1",
///     "iat": 1_700_000_000, "exp": 1_700_000_600, "compliance_level": "hipaa_plus_plus",
/// });
/// let token = signer.sign_jws("at+jwt", &claims);
/// let request = Request { now: 1_700_000_100, ..Request::default() };
/// let verified: AccessClaims = verifier.verify_access(&token, &request).unwrap();
/// assert_eq!(verified.role, "therapist");
/// ```
#[derive(Debug)]
pub struct Verifier {
    options: Options,
    keys: KeySet,
    revocations: Revocations,
    cache: Cache<AccessClaims>,
    last_key_refresh: Option<u64>,
}

impl Verifier {
    /// Creates a verifier.
    ///
    /// # Errors
    ///
    /// `INVALID_OPTIONS` for an empty issuer or audience, a leeway above [`MAX_LEEWAY`] or a
    /// size limit above [`limits::MAX_TOKEN_BYTES`].
    pub fn new(options: Options, keys: KeySet) -> Result<Verifier, Error> {
        options.check()?;
        let cache = Cache::new(options.cache_capacity);
        Ok(Verifier { options, keys, revocations: Revocations::new(), cache, last_key_refresh: None })
    }

    /// Returns the options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Returns the key set.
    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// Replaces the key set after a rotation and empties the token cache, so a token signed
    /// by a removed key stops verifying at once.
    pub fn replace_keys(&mut self, keys: KeySet, now: u64) {
        self.keys = keys;
        self.cache.clear();
        self.last_key_refresh = Some(now);
    }

    /// Returns whether the caller should fetch the JWK Set again after a `TOKEN_UNKNOWN_KID`,
    /// and if so records the attempt. At most one refresh per
    /// [`Options::key_refresh_cooldown`] is signalled, so tokens with made-up `kid`s cannot
    /// make the verifier hammer the key server.
    pub fn begin_key_refresh(&mut self, now: u64) -> bool {
        let due =
            self.last_key_refresh.is_none_or(|last| now >= last.saturating_add(self.options.key_refresh_cooldown));
        if due {
            self.last_key_refresh = Some(now);
        }
        due
    }

    /// Verifies a revocation snapshot with the key set and loads it.
    ///
    /// # Errors
    ///
    /// The errors of [`Snapshot::verify`] and of [`Revocations::load`].
    pub fn load_snapshot(&mut self, token: &str, now: u64) -> Result<u64, Error> {
        let check = SnapshotCheck { issuer: &self.options.issuer, now, leeway: self.options.leeway };
        let snapshot = Snapshot::verify(token, &self.keys, &check)?;
        self.revocations.load(&snapshot, now)?;
        Ok(snapshot.seq)
    }

    /// Returns the revocation state, to add entries learned outside a snapshot.
    pub fn revocations_mut(&mut self) -> &mut Revocations {
        &mut self.revocations
    }

    /// Returns the revocation state.
    pub fn revocations(&self) -> &Revocations {
        &self.revocations
    }

    /// Verifies an access token for a request.
    ///
    /// # Errors
    ///
    /// A `TOKEN_*` code for every rejected case, and `REVOCATION_STALE` while
    /// [`Options::require_revocation_snapshot`] is on and no fresh snapshot is loaded.
    pub fn verify_access(&mut self, token: &str, request: &Request<'_>) -> Result<AccessClaims, Error> {
        self.check_snapshot_fresh(request.now)?;
        let key = cache::digest(token);
        let claims = match self.cache.get(&key) {
            Some(claims) => claims.clone(),
            None => {
                let claims: AccessClaims = self.verify_fixed(token)?;
                check_user_id(&claims)?;
                self.cache.insert(key, claims.clone());
                claims
            }
        };
        self.check_live(&claims, request)?;
        Ok(claims)
    }

    /// Starts verifying an access token whose signature the caller checks with WebCrypto. A
    /// cached token, or one whose key is an HS256 secret, is verified completely here.
    /// Otherwise every check up to the signature arithmetic has passed, and the caller passes
    /// the WebCrypto result to [`Verifier::finish_access`].
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn begin_access(&mut self, token: &str, request: &Request<'_>) -> Result<Begun, Error> {
        self.check_snapshot_fresh(request.now)?;
        if self.cache.get(&cache::digest(token)).is_some() {
            return self.verify_access(token, request).map(|claims| Begun::Verified(Box::new(claims)));
        }
        let compact = jws::parse(token, self.options.max_token_bytes, ACCESS_TYP)?;
        let key = compact.select(&self.keys)?;
        let Some(jwk) = key.to_jwk() else {
            return self.verify_access(token, request).map(|claims| Begun::Verified(Box::new(claims)));
        };
        Ok(Begun::NeedsSignature(ExternalSignature {
            jwk,
            algorithm: key.algorithm(),
            signing_input: compact.signing_input().as_bytes().to_vec(),
            signature: compact.signature().to_vec(),
        }))
    }

    /// Completes [`Verifier::begin_access`] with the WebCrypto result for the same token. The
    /// header checks and the key selection run again, because the key set may have changed
    /// while WebCrypto ran.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn finish_access(
        &mut self,
        token: &str,
        request: &Request<'_>,
        signature_valid: bool,
    ) -> Result<AccessClaims, Error> {
        self.check_snapshot_fresh(request.now)?;
        let compact = jws::parse(token, self.options.max_token_bytes, ACCESS_TYP)?;
        compact.select(&self.keys)?;
        if !signature_valid {
            return Err(bad_signature());
        }
        let claims: AccessClaims = self.check_fixed(compact.claims()?)?;
        check_user_id(&claims)?;
        self.cache.insert(cache::digest(token), claims.clone());
        self.check_live(&claims, request)?;
        Ok(claims)
    }

    /// Verifies a refresh token for a request. Refresh tokens are never cached.
    ///
    /// # Errors
    ///
    /// As [`Verifier::verify_access`].
    pub fn verify_refresh(&mut self, token: &str, request: &Request<'_>) -> Result<RefreshClaims, Error> {
        self.check_snapshot_fresh(request.now)?;
        let claims: RefreshClaims = self.verify_fixed(token)?;
        self.check_live(&claims, request)?;
        Ok(claims)
    }

    fn check_snapshot_fresh(&self, now: u64) -> Result<(), Error> {
        if !self.options.require_revocation_snapshot {
            return Ok(());
        }
        match self.revocations.snapshot() {
            Some((_, exp)) if exp.saturating_add(self.options.leeway) >= now => Ok(()),
            Some(_) => Err(Error::new(
                ErrorCode::RevocationStale,
                "the revocation snapshot is past its exp; load a new one from the key server",
            )),
            None => Err(Error::new(
                ErrorCode::RevocationStale,
                "no revocation snapshot is loaded; load one from the key server before verifying tokens",
            )),
        }
    }

    /// Runs the checks whose outcome does not depend on the time or the request.
    fn verify_fixed<T: Checked>(&self, token: &str) -> Result<T, Error> {
        let compact = jws::parse(token, self.options.max_token_bytes, T::TYPE.typ())?;
        self.check_fixed(compact.verify(&self.keys)?)
    }

    /// Checks the claims of a token whose signature has been checked.
    fn check_fixed<T: Checked>(&self, claims: Map<String, Value>) -> Result<T, Error> {
        check_times(&claims)?;
        check_required(&claims, T::REQUIRED)?;
        check_type(&claims, T::TYPE)?;
        let claims: T = serde_json::from_value(Value::Object(claims))
            .map_err(|_| token_error(ErrorCode::TokenMalformed, "a token claim has the wrong JSON type"))?;
        let common = claims.common();
        if common.compliance_level != COMPLIANCE_LEVEL {
            return Err(token_error(
                ErrorCode::TokenWrongComplianceLevel,
                "the token's compliance_level must be hipaa_plus_plus",
            ));
        }
        if common.iss != self.options.issuer {
            return Err(token_error(ErrorCode::TokenWrongIssuer, "the token comes from another issuer"));
        }
        if !common.aud.contains(&self.options.audience) {
            return Err(token_error(ErrorCode::TokenWrongAudience, "the token is meant for another audience"));
        }
        if common.jti.is_empty() || common.sub.is_empty() {
            return Err(token_error(ErrorCode::TokenClaimMissing, "the token's jti and sub must not be empty"));
        }
        let max_lifetime = match T::TYPE {
            TokenType::Access => self.options.max_access_lifetime,
            TokenType::Refresh => self.options.max_refresh_lifetime,
        };
        if common.exp <= common.iat || common.exp - common.iat > max_lifetime {
            return Err(token_error(
                ErrorCode::TokenLifetimeTooLong,
                &format!("the token's exp must be after iat and at most {max_lifetime} seconds later"),
            ));
        }
        Ok(claims)
    }

    /// Runs the checks that depend on the time, the revocation state and the request.
    fn check_live<T: Checked>(&mut self, claims: &T, request: &Request<'_>) -> Result<(), Error> {
        let common = claims.common();
        let leeway = self.options.leeway;
        if request.now >= common.exp.saturating_add(leeway) {
            return Err(token_error(ErrorCode::TokenExpired, "the token has expired; request a new one"));
        }
        let starts = common.nbf.unwrap_or(0).max(common.iat);
        if starts > request.now.saturating_add(leeway) {
            return Err(token_error(ErrorCode::TokenNotYetValid, "the token is not valid yet; check the clock"));
        }
        self.revocations.check(common.jti, common.sub, common.iat)?;
        self.check_binding(common.binding, request)?;
        if request.one_time {
            self.revocations.use_once(common.jti, common.exp, request.now)?;
        }
        Ok(())
    }

    fn check_binding(&self, binding: Option<&SessionBinding>, request: &Request<'_>) -> Result<(), Error> {
        let mismatch = |message: &str| Err(token_error(ErrorCode::TokenSessionMismatch, message));
        match (binding, request.ip, request.user_agent) {
            (Some(binding), Some(ip), Some(user_agent)) => binding.check(ip, user_agent),
            (Some(_), _, _) if self.options.require_binding => {
                mismatch("the request's IP address and User-Agent are needed to check the token's session binding")
            }
            (None, _, _) if self.options.require_binding => mismatch("the token is not bound to a session"),
            _ => Ok(()),
        }
    }
}

/// The outcome of [`Verifier::begin_access`].
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) enum Begun {
    /// The token is verified.
    Verified(Box<AccessClaims>),
    /// The signature is left to WebCrypto.
    NeedsSignature(ExternalSignature),
}

/// A signature for WebCrypto to check: the key as a public JWK, its algorithm, the signing
/// input and the signature.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) struct ExternalSignature {
    pub(crate) jwk: Value,
    pub(crate) algorithm: Algorithm,
    pub(crate) signing_input: Vec<u8>,
    pub(crate) signature: Vec<u8>,
}

#[cfg(test)]
impl Verifier {
    /// Checks an external signature with the built-in verifier, as WebCrypto would.
    fn verifying_key_check(&self, external: &ExternalSignature) -> Result<(), Error> {
        let kid = external.jwk["kid"].as_str().unwrap_or_default();
        let key = self.keys.get(kid).ok_or_else(bad_signature)?;
        key.verify(&external.signing_input, &external.signature)
    }
}

fn check_user_id(claims: &AccessClaims) -> Result<(), Error> {
    if claims.sub != claims.user_id {
        return Err(token_error(ErrorCode::TokenMalformed, "the user_id claim must equal sub"));
    }
    Ok(())
}

fn check_type(claims: &Map<String, Value>, expected: TokenType) -> Result<(), Error> {
    match claims.get("type") {
        Some(Value::String(value)) if value == expected.as_str() => Ok(()),
        _ => Err(token_error(
            ErrorCode::TokenWrongType,
            &format!("the token's type claim must be {}", expected.as_str()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::SigningKey;

    const NOW: u64 = 1_700_000_000;

    fn setup() -> (SigningKey, Verifier) {
        let signer = SigningKey::ed25519_from_seed("k1", &[1; 32]).unwrap();
        let mut keys = KeySet::new();
        keys.insert(signer.verifying_key()).unwrap();
        let mut options = Options::new("iss", "aud");
        options.require_revocation_snapshot = false;
        (signer, Verifier::new(options, keys).unwrap())
    }

    fn token(signer: &SigningKey) -> String {
        let claims = serde_json::json!({
            "iss": "iss", "aud": "aud", "sub": "u", "user_id": "u", "role": "user", "type": "access",
            "jti": "j", "session_id": "s", "iat": NOW - 1, "exp": NOW + 60, "compliance_level": "hipaa_plus_plus",
        });
        signer.sign_jws("at+jwt", &claims)
    }

    #[test]
    fn external_signature_round_trip() {
        let (signer, mut verifier) = setup();
        let token = token(&signer);
        let request = Request { now: NOW, ..Request::default() };
        let Ok(Begun::NeedsSignature(external)) = verifier.begin_access(&token, &request) else {
            panic!("an uncached EdDSA token needs its signature checked");
        };
        assert_eq!(external.algorithm, Algorithm::EdDSA);
        assert_eq!(external.jwk["kid"], "k1");
        assert_eq!(verifier.verifying_key_check(&external), Ok(()));

        let error = verifier.finish_access(&token, &request, false).unwrap_err();
        assert_eq!(error.code(), ErrorCode::TokenSignatureInvalid);
        assert_eq!(verifier.finish_access(&token, &request, true).unwrap().jti, "j");
        assert!(matches!(verifier.begin_access(&token, &request), Ok(Begun::Verified(_))));
    }

    #[test]
    fn external_signature_prechecks_form() {
        let (signer, mut verifier) = setup();
        let token = token(&signer);
        let cut = token.rfind('.').unwrap();
        let truncated = format!("{}.{}", &token[..cut], super::super::b64::encode(&[1; 63]));
        let request = Request { now: NOW, ..Request::default() };
        let error = verifier.begin_access(&truncated, &request).err().unwrap();
        assert_eq!(error.code(), ErrorCode::TokenNonCanonicalSignature);
    }
}
