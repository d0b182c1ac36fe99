//! The JavaScript boundary of the edge guard: `EdgeGuard` with its `guard(request)` decision,
//! token verification, revocation snapshots and key rotation.

use wasm_bindgen::prelude::*;

use super::{invalid_argument, json_argument, to_js};
use crate::access::Policy;
use crate::error::{Error, ErrorCode};
use crate::guard::{Guard, GuardRequest};
use crate::token::{KeySet, Options, Request, Verifier, VerifyingKey};

#[wasm_bindgen(typescript_custom_section)]
const GUARD_TYPES: &str = include_str!("../../js/guard.d.ts");

const OPTION_NAMES: [&str; 13] = [
    "issuer",
    "audience",
    "jwks",
    "leeway",
    "maxTokenBytes",
    "maxAccessLifetime",
    "maxRefreshLifetime",
    "requireBinding",
    "requireRevocationSnapshot",
    "keyRefreshCooldown",
    "cacheCapacity",
    "accessRules",
    "hmacSecret",
];

const CONTEXT_NAMES: [&str; 4] = ["ip", "userAgent", "oneTime", "now"];

/// The properties of a `GuardRequest`. `serde_wasm_bindgen` reads only the declared fields, so
/// unknown properties are rejected here instead.
const REQUEST_NAMES: [&str; 17] = [
    "method",
    "path",
    "query",
    "headers",
    "ip",
    "body",
    "action",
    "resource",
    "owner",
    "patient",
    "deidentified",
    "requestedFields",
    "rateLimited",
    "requiresEncryption",
    "acceptsPhi",
    "oneTime",
    "now",
];

/// Property access on a caller's object through `Reflect`, which turns a throwing getter or
/// proxy trap into an error, with unknown keys rejected.
struct Object<'a> {
    value: &'a JsValue,
    name: &'static str,
}

impl<'a> Object<'a> {
    fn new(value: &'a JsValue, name: &'static str, known: &[&str]) -> Result<Object<'a>, Error> {
        Object::with_code(value, name, known, ErrorCode::InvalidOptions)
    }

    /// Like [`Object::new`], with `code` for an unknown key.
    fn with_code(value: &'a JsValue, name: &'static str, known: &[&str], code: ErrorCode) -> Result<Object<'a>, Error> {
        if !value.is_object() {
            return Err(invalid_argument(name, "an object"));
        }
        let keys = js_sys::Reflect::own_keys(value).map_err(|_| unreadable(name))?;
        for key in keys.iter() {
            let Some(key) = key.as_string() else { continue };
            if !known.contains(&key.as_str()) {
                let shown: String = key.chars().take(64).collect();
                return Err(Error::new(
                    code,
                    format!("unknown {name} property {shown:?}; expected one of {}", known.join(", ")),
                )
                .with_subject(shown));
            }
        }
        Ok(Object { value, name })
    }

    fn get(&self, key: &str) -> Result<Option<JsValue>, Error> {
        let value = js_sys::Reflect::get(self.value, &JsValue::from_str(key)).map_err(|_| unreadable(self.name))?;
        Ok((!value.is_undefined() && !value.is_null()).then_some(value))
    }

    fn string(&self, key: &str) -> Result<Option<String>, Error> {
        self.get(key)?.map(|value| value.as_string().ok_or_else(|| wrong_type(key, "a string"))).transpose()
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, Error> {
        self.get(key)?.map(|value| value.as_bool().ok_or_else(|| wrong_type(key, "a boolean"))).transpose()
    }

    fn whole(&self, key: &str) -> Result<Option<u64>, Error> {
        let Some(value) = self.get(key)? else { return Ok(None) };
        let number = value.as_f64().ok_or_else(|| wrong_type(key, "a number"))?;
        whole_seconds(number, key).map(Some)
    }
}

fn unreadable(name: &str) -> Error {
    Error::new(ErrorCode::InvalidOptions, format!("{name} could not be read; pass a plain object")).with_subject(name)
}

fn wrong_type(name: &str, expected: &str) -> Error {
    Error::new(ErrorCode::InvalidOptions, format!("option {name} must be {expected}")).with_subject(name)
}

fn whole_seconds(value: f64, name: &str) -> Result<u64, Error> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 9_007_199_254_740_991.0 {
        Ok(value as u64)
    } else {
        Err(Error::new(ErrorCode::InvalidOptions, format!("{name} must be a non-negative whole number"))
            .with_subject(name))
    }
}

/// Returns the current time in whole seconds from `Date.now()`.
///
/// NOTE: in Cloudflare Workers `Date.now()` advances only across I/O, so a long computation
/// within one request reads one time; expiry checks are per request, so this is enough.
fn now_seconds() -> u64 {
    (js_sys::Date::now() / 1000.0).floor() as u64
}

fn optional_now(value: Option<f64>) -> Result<u64, Error> {
    value.map_or(Ok(now_seconds()), |now| whole_seconds(now, "now"))
}

/// Returns whether the code runs in Cloudflare Workers or Node, where a shared HMAC secret
/// stays on the server. Everywhere else (a browser window or a browser worker) it would be
/// readable by the user.
fn is_server_runtime() -> bool {
    let global = js_sys::global();
    let read = |object: &JsValue, key: &str| js_sys::Reflect::get(object, &JsValue::from_str(key)).ok();
    let workers = read(&global, "navigator")
        .and_then(|navigator| read(&navigator, "userAgent"))
        .and_then(|agent| agent.as_string())
        .is_some_and(|agent| agent == "Cloudflare-Workers");
    let node = read(&global, "process")
        .and_then(|process| read(&process, "versions"))
        .and_then(|versions| read(&versions, "node"))
        .is_some_and(|version| version.is_string());
    workers || node
}

fn keys_argument(value: &JsValue, name: &str) -> Result<KeySet, Error> {
    KeySet::from_jwks(&json_argument(value, name)?)
}

fn hmac_key(value: JsValue) -> Result<VerifyingKey, Error> {
    if !is_server_runtime() {
        return Err(Error::new(
            ErrorCode::InvalidOptions,
            "option hmacSecret is accepted only in Cloudflare Workers and Node, never in a browser; use EdDSA or ES256 keys",
        )
        .with_subject("hmacSecret"));
    }
    let secret = Object::new(&value, "hmacSecret", &["kid", "secret"])?;
    let kid = secret.string("kid")?.ok_or_else(|| wrong_type("hmacSecret.kid", "a string"))?;
    let bytes = secret
        .get("secret")?
        .and_then(|value| value.dyn_into::<js_sys::Uint8Array>().ok())
        .ok_or_else(|| wrong_type("hmacSecret.secret", "a Uint8Array"))?;
    let mut bytes = zeroize::Zeroizing::new(bytes.to_vec());
    let key = VerifyingKey::hs256_shared_secret(&kid, &bytes);
    zeroize::Zeroize::zeroize(&mut *bytes);
    key
}

fn guard_options(value: &JsValue) -> Result<(Options, KeySet, Policy), Error> {
    let object = Object::new(value, "options", &OPTION_NAMES)?;
    let required =
        |name: &str| Error::new(ErrorCode::InvalidOptions, format!("option {name} is missing")).with_subject(name);
    let issuer = object.string("issuer")?.ok_or_else(|| required("issuer"))?;
    let audience = object.string("audience")?.ok_or_else(|| required("audience"))?;
    let mut options = Options::new(&issuer, &audience);
    if let Some(leeway) = object.whole("leeway")? {
        options.leeway = leeway;
    }
    if let Some(bytes) = object.whole("maxTokenBytes")? {
        options.max_token_bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
    }
    if let Some(seconds) = object.whole("maxAccessLifetime")? {
        options.max_access_lifetime = seconds;
    }
    if let Some(seconds) = object.whole("maxRefreshLifetime")? {
        options.max_refresh_lifetime = seconds;
    }
    if let Some(flag) = object.boolean("requireBinding")? {
        options.require_binding = flag;
    }
    if let Some(flag) = object.boolean("requireRevocationSnapshot")? {
        options.require_revocation_snapshot = flag;
    }
    if let Some(seconds) = object.whole("keyRefreshCooldown")? {
        options.key_refresh_cooldown = seconds;
    }
    if let Some(capacity) = object.whole("cacheCapacity")? {
        options.cache_capacity = usize::try_from(capacity.min(1 << 20)).unwrap_or(1 << 20);
    }
    let jwks = object.get("jwks")?.ok_or_else(|| required("jwks"))?;
    let mut keys = keys_argument(&jwks, "jwks")?;
    if let Some(secret) = object.get("hmacSecret")? {
        keys.insert(hmac_key(secret)?)?;
    }
    let mut policy = Policy::default();
    if let Some(rules) = object.get("accessRules")? {
        policy.extend_json(&json_argument(&rules, "accessRules")?)?;
    }
    Ok((options, keys, policy))
}

/// The edge guard for Cloudflare Workers (and Node): verifies the access token, checks access,
/// scores the request for threats, checks compliance and returns one decision.
#[wasm_bindgen]
pub struct EdgeGuard {
    inner: Guard,
}

#[wasm_bindgen]
impl EdgeGuard {
    /// Creates a guard from options with secure defaults.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "EdgeGuardOptions")] options: JsValue,
    ) -> Result<EdgeGuard, JsValue> {
        let (options, keys, policy) = guard_options(&options)?;
        let verifier = Verifier::new(options, keys)?;
        Ok(EdgeGuard { inner: Guard::new(verifier, policy)? })
    }

    /// Decides one request: token, access, threat monitoring and compliance.
    #[wasm_bindgen(unchecked_return_type = "GuardDecision")]
    pub fn guard(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "GuardRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        Object::with_code(&request, "request", &REQUEST_NAMES, ErrorCode::InvalidArgument)?;
        let request: GuardRequest = serde_wasm_bindgen::from_value(request).map_err(|_| {
            Error::new(
                ErrorCode::InvalidArgument,
                "the request has an unknown property, misses action or resource, or has a property of the wrong type",
            )
            .with_subject("request")
        })?;
        let decision = self.inner.check(&request, now_seconds());
        Ok(to_js(&decision)?)
    }

    /// Verifies an access token on its own and returns its claims.
    #[wasm_bindgen(js_name = verifyAccessToken, unchecked_return_type = "AccessClaims")]
    pub fn verify_access_token(
        &mut self,
        token: &str,
        #[wasm_bindgen(unchecked_param_type = "VerifyContext | undefined")] context: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (ip, user_agent, one_time, now) = if context.is_undefined() || context.is_null() {
            (None, None, false, now_seconds())
        } else {
            let object = Object::new(&context, "context", &CONTEXT_NAMES)?;
            let now = object
                .get("now")?
                .map(|value| value.as_f64().ok_or_else(|| wrong_type("now", "a number")))
                .transpose()?;
            (
                object.string("ip")?,
                object.string("userAgent")?,
                object.boolean("oneTime")?.unwrap_or(false),
                optional_now(now)?,
            )
        };
        let request = Request { now, ip: ip.as_deref(), user_agent: user_agent.as_deref(), one_time };
        let claims = self.inner.verifier_mut().verify_access(token, &request)?;
        Ok(to_js(&claims)?)
    }

    /// Verifies a revocation snapshot from the key server and loads it; returns its `seq`.
    #[wasm_bindgen(js_name = loadRevocations)]
    pub fn load_revocations(&mut self, snapshot: &str, now: Option<f64>) -> Result<f64, JsValue> {
        let now = optional_now(now)?;
        Ok(self.inner.verifier_mut().load_snapshot(snapshot, now)? as f64)
    }

    /// Revokes one token by its `jti` until `exp`.
    pub fn revoke(&mut self, jti: &str, exp: f64) -> Result<(), JsValue> {
        let exp = whole_seconds(exp, "exp")?;
        self.inner.verifier_mut().revocations_mut().revoke(jti, exp, now_seconds())?;
        Ok(())
    }

    /// Revokes every token of `subject` issued before `notBefore`.
    #[wasm_bindgen(js_name = revokeSubject)]
    pub fn revoke_subject(
        &mut self,
        subject: &str,
        #[wasm_bindgen(js_name = notBefore)] not_before: f64,
    ) -> Result<(), JsValue> {
        let not_before = whole_seconds(not_before, "notBefore")?;
        self.inner.verifier_mut().revocations_mut().revoke_subject(subject, not_before);
        Ok(())
    }

    /// Replaces the keys with a new JWK Set after a rotation; the token cache is emptied. A
    /// configured HMAC secret is not kept.
    #[wasm_bindgen(js_name = replaceKeys)]
    pub fn replace_keys(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | JsonWebKeySet")] jwks: JsValue,
        now: Option<f64>,
    ) -> Result<(), JsValue> {
        let keys = keys_argument(&jwks, "jwks")?;
        let now = optional_now(now)?;
        self.inner.verifier_mut().replace_keys(keys, now);
        Ok(())
    }

    /// Returns the public JWK Set as JSON text, for a cache such as Workers KV.
    #[wasm_bindgen(js_name = keySet)]
    pub fn key_set(&self) -> String {
        self.inner.verifier().keys().to_jwks()
    }
}
