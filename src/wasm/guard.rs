//! The JavaScript boundary of the edge guard: `EdgeGuard` with its `guard(request)` decision,
//! token verification, revocation snapshots and key rotation.

use std::cell::{RefCell, RefMut};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::futures::{future_to_promise, JsFuture};
use wasm_bindgen::prelude::*;

use super::{invalid_argument, json_argument, to_js};
use crate::access::Policy;
use crate::error::{Error, ErrorCode};
use crate::guard::{bearer_token, header, Guard, GuardRequest};
use crate::token::verify::{Begun, ExternalSignature};
use crate::token::{AccessClaims, Algorithm, KeySet, Options, Request, Verifier, VerifyingKey};

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
/// within one request reads one time. Expiry is checked per request, so this is enough.
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
    inner: Rc<RefCell<Guard>>,
    /// WebCrypto keys imported for signature checks, by the JSON text of their public JWK.
    crypto_keys: Rc<RefCell<HashMap<String, JsValue>>>,
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
        let inner = Rc::new(RefCell::new(Guard::new(verifier, policy)?));
        Ok(EdgeGuard { inner, crypto_keys: Rc::default() })
    }

    /// Decides one request: token, access, threat monitoring and compliance.
    #[wasm_bindgen(unchecked_return_type = "GuardDecision")]
    pub fn guard(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "GuardRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        let request = request_argument(request)?;
        let decision = borrow(&self.inner)?.check(&request, now_seconds());
        Ok(to_js(&decision)?)
    }

    /// Decides one request like `guard`, with EdDSA and ES256 signatures checked by the
    /// runtime's WebCrypto, which is several times faster than the built-in check. Where
    /// WebCrypto lacks the algorithm, the built-in check runs instead.
    #[wasm_bindgen(js_name = guardAsync, unchecked_return_type = "Promise<GuardDecision>")]
    pub fn guard_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GuardRequest")] request: JsValue,
    ) -> Result<js_sys::Promise, JsValue> {
        let request = request_argument(request)?;
        let now = request.now.unwrap_or_else(now_seconds);
        let inner = Rc::clone(&self.inner);
        let crypto_keys = Rc::clone(&self.crypto_keys);
        Ok(future_to_promise(async move {
            let verified = match bearer_token(&request.headers) {
                Some(token) => {
                    let context = Context {
                        now,
                        ip: request.ip.clone(),
                        user_agent: header(&request.headers, "user-agent").map(str::to_owned),
                        one_time: request.one_time,
                    };
                    Some(verify_with_webcrypto(&inner, &crypto_keys, token, &context).await)
                }
                None => None,
            };
            let decision = borrow(&inner)?.check_with(&request, now, verified);
            Ok(to_js(&decision)?)
        }))
    }

    /// Verifies an access token like `verifyAccessToken`, with EdDSA and ES256 signatures
    /// checked by the runtime's WebCrypto.
    #[wasm_bindgen(js_name = verifyAccessTokenAsync, unchecked_return_type = "Promise<AccessClaims>")]
    pub fn verify_access_token_async(
        &self,
        token: String,
        #[wasm_bindgen(unchecked_param_type = "VerifyContext | undefined")] context: JsValue,
    ) -> Result<js_sys::Promise, JsValue> {
        let context = context_argument(&context)?;
        let inner = Rc::clone(&self.inner);
        let crypto_keys = Rc::clone(&self.crypto_keys);
        Ok(future_to_promise(async move {
            let claims = verify_with_webcrypto(&inner, &crypto_keys, &token, &context).await?;
            Ok(to_js(&claims)?)
        }))
    }

    /// Verifies an access token on its own and returns its claims.
    #[wasm_bindgen(js_name = verifyAccessToken, unchecked_return_type = "AccessClaims")]
    pub fn verify_access_token(
        &mut self,
        token: &str,
        #[wasm_bindgen(unchecked_param_type = "VerifyContext | undefined")] context: JsValue,
    ) -> Result<JsValue, JsValue> {
        let context = context_argument(&context)?;
        let claims = borrow(&self.inner)?.verifier_mut().verify_access(token, &context.request())?;
        Ok(to_js(&claims)?)
    }

    /// Verifies a revocation snapshot from the key server and loads it; returns its `seq`.
    #[wasm_bindgen(js_name = loadRevocations)]
    pub fn load_revocations(&mut self, snapshot: &str, now: Option<f64>) -> Result<f64, JsValue> {
        let now = optional_now(now)?;
        Ok(borrow(&self.inner)?.verifier_mut().load_snapshot(snapshot, now)? as f64)
    }

    /// Revokes one token by its `jti` until `exp`.
    pub fn revoke(&mut self, jti: &str, exp: f64) -> Result<(), JsValue> {
        let exp = whole_seconds(exp, "exp")?;
        borrow(&self.inner)?.verifier_mut().revocations_mut().revoke(jti, exp, now_seconds())?;
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
        borrow(&self.inner)?.verifier_mut().revocations_mut().revoke_subject(subject, not_before);
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
        borrow(&self.inner)?.verifier_mut().replace_keys(keys, now);
        self.crypto_keys.borrow_mut().clear();
        Ok(())
    }

    /// Returns the public JWK Set as JSON text, for a cache such as Workers KV.
    #[wasm_bindgen(js_name = keySet)]
    pub fn key_set(&self) -> Result<String, JsValue> {
        Ok(borrow(&self.inner)?.verifier().keys().to_jwks())
    }
}

/// Borrows the guard. JavaScript runs one call at a time and no borrow is held across an
/// `await`, so the borrow only fails if a call re-enters the guard, which is reported as an
/// error rather than a panic.
fn borrow(inner: &Rc<RefCell<Guard>>) -> Result<RefMut<'_, Guard>, Error> {
    inner.try_borrow_mut().map_err(|_| Error::new(ErrorCode::InvalidArgument, "the guard is busy with another call"))
}

fn request_argument(request: JsValue) -> Result<GuardRequest, Error> {
    Object::with_code(&request, "request", &REQUEST_NAMES, ErrorCode::InvalidArgument)?;
    serde_wasm_bindgen::from_value(request).map_err(|_| {
        Error::new(
            ErrorCode::InvalidArgument,
            "the request has an unknown property, misses action or resource, or has a property of the wrong type",
        )
        .with_subject("request")
    })
}

/// The request facts of a token check, owned so that they outlive an `await`.
struct Context {
    now: u64,
    ip: Option<String>,
    user_agent: Option<String>,
    one_time: bool,
}

impl Context {
    fn request(&self) -> Request<'_> {
        Request {
            now: self.now,
            ip: self.ip.as_deref(),
            user_agent: self.user_agent.as_deref(),
            one_time: self.one_time,
        }
    }
}

fn context_argument(context: &JsValue) -> Result<Context, Error> {
    if context.is_undefined() || context.is_null() {
        return Ok(Context { now: now_seconds(), ip: None, user_agent: None, one_time: false });
    }
    let object = Object::new(context, "context", &CONTEXT_NAMES)?;
    let now =
        object.get("now")?.map(|value| value.as_f64().ok_or_else(|| wrong_type("now", "a number"))).transpose()?;
    Ok(Context {
        now: optional_now(now)?,
        ip: object.string("ip")?,
        user_agent: object.string("userAgent")?,
        one_time: object.boolean("oneTime")?.unwrap_or(false),
    })
}

/// Verifies an access token with the signature checked by WebCrypto, falling back to the
/// built-in check when WebCrypto is missing or rejects the key or algorithm.
async fn verify_with_webcrypto(
    inner: &Rc<RefCell<Guard>>,
    crypto_keys: &Rc<RefCell<HashMap<String, JsValue>>>,
    token: &str,
    context: &Context,
) -> Result<AccessClaims, Error> {
    let begun = borrow(inner)?.verifier_mut().begin_access(token, &context.request())?;
    let external = match begun {
        Begun::Verified(claims) => return Ok(*claims),
        Begun::NeedsSignature(external) => external,
    };
    match webcrypto_verify(crypto_keys, &external).await {
        Ok(valid) => borrow(inner)?.verifier_mut().finish_access(token, &context.request(), valid),
        Err(_) => borrow(inner)?.verifier_mut().verify_access(token, &context.request()),
    }
}

fn call(target: &JsValue, method: &str, arguments: &[&JsValue]) -> Result<JsValue, JsValue> {
    let function: js_sys::Function = js_sys::Reflect::get(target, &JsValue::from_str(method))?.dyn_into()?;
    let array = arguments.iter().copied().collect::<js_sys::Array>();
    js_sys::Reflect::apply(&function, target, &array)
}

fn object(entries: &[(&str, &str)]) -> JsValue {
    let object = js_sys::Object::new();
    for (name, value) in entries {
        // Setting a property on a new plain object cannot fail.
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(name), &JsValue::from_str(value));
    }
    object.into()
}

/// Checks the signature with `crypto.subtle.verify` and returns whether it is valid. An `Err`
/// means WebCrypto could not run the check at all.
async fn webcrypto_verify(
    crypto_keys: &Rc<RefCell<HashMap<String, JsValue>>>,
    external: &ExternalSignature,
) -> Result<bool, JsValue> {
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))?;
    let subtle = js_sys::Reflect::get(&crypto, &JsValue::from_str("subtle"))?;
    let (import_params, verify_params) = match external.algorithm {
        Algorithm::EdDSA => (object(&[("name", "Ed25519")]), object(&[("name", "Ed25519")])),
        Algorithm::ES256 => {
            (object(&[("name", "ECDSA"), ("namedCurve", "P-256")]), object(&[("name", "ECDSA"), ("hash", "SHA-256")]))
        }
        Algorithm::HS256 => return Err(JsValue::from_str("HS256 is checked in Rust")),
    };
    let cache_key = external.jwk.to_string();
    let cached = crypto_keys.borrow().get(&cache_key).cloned();
    let key = match cached {
        Some(key) => key,
        None => {
            // Only the members that describe the key itself: WebCrypto implementations differ
            // in which `alg` names they accept for Ed25519.
            let jwk = JsValue::from(js_sys::Object::new());
            for name in ["kty", "crv", "x", "y"] {
                if let Some(value) = external.jwk.get(name).and_then(|value| value.as_str()) {
                    let _ = js_sys::Reflect::set(&jwk, &JsValue::from_str(name), &JsValue::from_str(value));
                }
            }
            let usages: js_sys::Array = std::iter::once(JsValue::from_str("verify")).collect();
            let promise = call(
                &subtle,
                "importKey",
                &[&JsValue::from_str("jwk"), &jwk, &import_params, &JsValue::FALSE, &usages],
            )?;
            let key = JsFuture::from(js_sys::Promise::from(promise)).await?;
            crypto_keys.borrow_mut().insert(cache_key, key.clone());
            key
        }
    };
    let signature = JsValue::from(js_sys::Uint8Array::from(external.signature.as_slice()));
    let data = JsValue::from(js_sys::Uint8Array::from(external.signing_input.as_slice()));
    let promise = call(&subtle, "verify", &[&verify_params, &key, &signature, &data])?;
    let valid = JsFuture::from(js_sys::Promise::from(promise)).await?;
    Ok(valid.as_bool() == Some(true))
}
