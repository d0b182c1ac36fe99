//! Token signing keys: generation, storage sealed under the master key, rotation by `kid` and
//! the JWK Set.
//!
//! The newest unretired key signs. A rotation retires the others but keeps publishing them
//! until every token they signed has expired, so verifiers holding the JWK Set accept both
//! during the overlap. Every instance reloads the key table at least every
//! [`RELOAD_INTERVAL`], and at once when it meets an unknown `kid`.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jwt_simple::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use techdeck_guard::seal::{chunked, Key};

use crate::config::{Algorithm, MasterKey};
use crate::error::{ApiError, ErrorKind};
use crate::store::{SigningKeyRecord, Store};

/// Maximum time an instance signs with a key that another instance has retired.
pub const RELOAD_INTERVAL: Duration = Duration::from_secs(30);

/// Shortest time between two reloads triggered by an unknown `kid`, so a flood of forged
/// key ids cannot turn into a flood of database reads.
const UNKNOWN_KID_RELOAD_GAP: Duration = Duration::from_secs(5);

/// A private signing key of either supported algorithm.
enum KeyPair {
    Ed25519(Ed25519KeyPair),
    P256(ES256KeyPair),
}

/// A public verification key of either supported algorithm.
#[derive(Clone)]
pub enum PublicKey {
    Ed25519(Ed25519PublicKey),
    P256(ES256PublicKey),
}

struct Loaded {
    signer_kid: String,
    signer_created_at: i64,
    signer: KeyPair,
    public: HashMap<String, PublicKey>,
    jwks: Value,
    loaded_at: Instant,
}

/// The signing keys of this server, cached from the store.
pub struct Keyring {
    store: Store,
    master: MasterKey,
    algorithm: Algorithm,
    loaded: RwLock<Option<Loaded>>,
}

fn internal(message: &str) -> ApiError {
    ApiError::new(ErrorKind::Internal, message)
}

fn seal_context(kid: &str) -> Vec<u8> {
    format!("techdeck-keyserver signing key {kid}").into_bytes()
}

/// Creates a random key id: 16 random bytes in base64url.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system random source failed");
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Keyring {
    /// Creates a keyring; call [`Keyring::load`] before signing.
    pub fn new(store: Store, master: MasterKey, algorithm: Algorithm) -> Keyring {
        Keyring { store, master, algorithm, loaded: RwLock::new(None) }
    }

    fn master_key(&self) -> Key {
        Key::from_bytes(*self.master.expose_secret())
    }

    /// Loads the keys from the store, generating a first key when there is none of the
    /// configured algorithm.
    ///
    /// # Errors
    ///
    /// `INTERNAL` when the store fails or a stored key cannot be opened with the master key
    /// (a wrong `ENCRYPTION_MASTER_KEY`).
    pub async fn load(&self, now: i64) -> Result<(), ApiError> {
        let mut records = self.store.signing_keys(now).await?;
        let usable = records.iter().any(|r| r.retired_at.is_none() && r.alg == self.algorithm.name());
        if !usable {
            self.store.insert_signing_key(&self.generate(now)?).await?;
            records = self.store.signing_keys(now).await?;
        }
        let loaded = self.build(&records)?;
        *self.loaded.write().expect("keyring lock") = Some(loaded);
        Ok(())
    }

    /// Reloads when the cache is older than [`RELOAD_INTERVAL`].
    pub async fn refresh_if_stale(&self, now: i64) -> Result<(), ApiError> {
        let stale = match &*self.loaded.read().expect("keyring lock") {
            Some(l) => l.loaded_at.elapsed() >= RELOAD_INTERVAL,
            None => true,
        };
        if stale {
            self.load(now).await?;
        }
        Ok(())
    }

    /// Generates a new key, makes it the signer and retires the others, which stay published
    /// for `overlap` so the tokens they signed keep verifying. Returns the new `kid`.
    pub async fn rotate(&self, now: i64, overlap: Duration) -> Result<String, ApiError> {
        let record = self.generate(now)?;
        self.store.insert_signing_key(&record).await?;
        self.store.retire_signing_keys(&record.kid, now, now + overlap.as_secs() as i64).await?;
        self.load(now).await?;
        Ok(record.kid)
    }

    /// Returns the creation time of the key that signs now.
    pub fn signer_created_at(&self) -> Option<i64> {
        self.loaded.read().expect("keyring lock").as_ref().map(|l| l.signer_created_at)
    }

    fn generate(&self, now: i64) -> Result<SigningKeyRecord, ApiError> {
        let kid = random_id();
        let (public_key, private_key) = match self.algorithm {
            Algorithm::EdDsa => {
                let pair = Ed25519KeyPair::generate();
                (pair.public_key().to_bytes(), zeroize::Zeroizing::new(pair.to_bytes()))
            }
            Algorithm::Es256 => {
                let pair = ES256KeyPair::generate();
                (
                    pair.public_key().public_key().to_bytes_uncompressed(),
                    zeroize::Zeroizing::new(pair.to_bytes()),
                )
            }
        };
        let sealed = chunked::encrypt(&self.master_key(), &seal_context(&kid), &private_key)
            .map_err(|_| internal("sealing a new signing key failed"))?;
        Ok(SigningKeyRecord {
            kid,
            alg: self.algorithm.name().to_string(),
            public_key,
            sealed_private_key: sealed,
            created_at: now,
            retired_at: None,
            verify_until: None,
        })
    }

    fn build(&self, records: &[SigningKeyRecord]) -> Result<Loaded, ApiError> {
        let mut public = HashMap::new();
        let mut jwks = Vec::new();
        for record in records {
            let key = public_key_of(record)?;
            jwks.push(jwk_of(&record.kid, &key));
            public.insert(record.kid.clone(), key);
        }
        // Records come newest first. If two instances rotated at the same moment and retired
        // each other's key, the newest key still signs.
        let signer_record = records
            .iter()
            .find(|r| r.retired_at.is_none() && r.alg == self.algorithm.name())
            .or_else(|| records.iter().find(|r| r.alg == self.algorithm.name()))
            .ok_or_else(|| internal("no signing key is available"))?;
        let private_key = zeroize::Zeroizing::new(
            chunked::decrypt(&self.master_key(), &seal_context(&signer_record.kid), &signer_record.sealed_private_key)
                .map_err(|_| {
                    tracing::error!(kid = %signer_record.kid, "a signing key does not open with ENCRYPTION_MASTER_KEY");
                    internal("the signing key cannot be opened; check ENCRYPTION_MASTER_KEY")
                })?,
        );
        let signer = match self.algorithm {
            Algorithm::EdDsa => KeyPair::Ed25519(
                Ed25519KeyPair::from_bytes(&private_key)
                    .map_err(|_| internal("a stored signing key is malformed"))?
                    .with_key_id(&signer_record.kid),
            ),
            Algorithm::Es256 => KeyPair::P256(
                ES256KeyPair::from_bytes(&private_key)
                    .map_err(|_| internal("a stored signing key is malformed"))?
                    .with_key_id(&signer_record.kid),
            ),
        };
        Ok(Loaded {
            signer_kid: signer_record.kid.clone(),
            signer_created_at: signer_record.created_at,
            signer,
            public,
            jwks: json!({ "keys": jwks }),
            loaded_at: Instant::now(),
        })
    }

    /// Signs `claims` with the current key, with `typ` in the header. Returns the token and the
    /// `kid` that signed it.
    pub fn sign<C: Serialize + DeserializeOwned>(
        &self,
        claims: JWTClaims<C>,
        typ: &str,
    ) -> Result<(String, String), ApiError> {
        let guard = self.loaded.read().expect("keyring lock");
        let loaded = guard.as_ref().ok_or_else(|| internal("signing keys are not loaded"))?;
        let options = HeaderOptions { signature_type: Some(typ.to_string()), content_type: None };
        let token = match &loaded.signer {
            KeyPair::Ed25519(pair) => pair.sign_with_options(claims, &options),
            KeyPair::P256(pair) => pair.sign_with_options(claims, &options),
        }
        .map_err(|_| internal("signing failed"))?;
        Ok((token, loaded.signer_kid.clone()))
    }

    /// Signs an audit checkpoint payload with the current key. Returns the compact JWS and the
    /// `kid`.
    pub fn sign_bytes(&self, payload: &Value) -> Result<(String, String), ApiError> {
        // A checkpoint never expires: it has to verify for as long as the audit log is kept.
        let mut claims =
            Claims::with_custom_claims(payload.clone(), jwt_simple::prelude::Duration::from_secs(0));
        claims.expires_at = None;
        self.sign(claims, "checkpoint+jwt")
    }

    /// Returns the public key for `kid`, reloading once when the `kid` is unknown.
    pub async fn public_key(&self, kid: &str, now: i64) -> Result<Option<PublicKey>, ApiError> {
        let (found, reload) = {
            let guard = self.loaded.read().expect("keyring lock");
            match guard.as_ref() {
                Some(l) => (l.public.get(kid).cloned(), l.loaded_at.elapsed() >= UNKNOWN_KID_RELOAD_GAP),
                None => (None, true),
            }
        };
        if found.is_some() || !reload {
            return Ok(found);
        }
        self.load(now).await?;
        Ok(self.loaded.read().expect("keyring lock").as_ref().and_then(|l| l.public.get(kid).cloned()))
    }

    /// Returns the public key of `kid` even when it is no longer published, for checking old
    /// audit checkpoints.
    pub async fn archived_public_key(&self, kid: &str) -> Result<Option<PublicKey>, ApiError> {
        match self.store.signing_key(kid).await? {
            Some(record) => Ok(Some(public_key_of(&record)?)),
            None => Ok(None),
        }
    }

    /// Returns the JWK Set document.
    pub fn jwks(&self) -> Value {
        self.loaded
            .read()
            .expect("keyring lock")
            .as_ref()
            .map(|l| l.jwks.clone())
            .unwrap_or(json!({ "keys": [] }))
    }
}

fn public_key_of(record: &SigningKeyRecord) -> Result<PublicKey, ApiError> {
    let key = match record.alg.as_str() {
        "EdDSA" => Ed25519PublicKey::from_bytes(&record.public_key).map(PublicKey::Ed25519),
        "ES256" => ES256PublicKey::from_bytes(&record.public_key).map(PublicKey::P256),
        _ => return Err(internal("a stored signing key has an unknown algorithm")),
    };
    key.map_err(|_| internal("a stored public key is malformed"))
}

fn jwk_of(kid: &str, key: &PublicKey) -> Value {
    match key {
        PublicKey::Ed25519(k) => json!({
            "kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(k.to_bytes()),
            "kid": kid, "alg": "EdDSA", "use": "sig",
        }),
        PublicKey::P256(k) => {
            let point = k.public_key().to_bytes_uncompressed();
            json!({
                "kty": "EC", "crv": "P-256",
                "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
                "kid": kid, "alg": "ES256", "use": "sig",
            })
        }
    }
}

impl PublicKey {
    /// Verifies `token` with this key and `options`, returning its claims.
    ///
    /// # Errors
    ///
    /// `INVALID_TOKEN` for a bad signature, a wrong `typ`, issuer or audience, or an expired
    /// token.
    pub fn verify<C: Serialize + DeserializeOwned>(
        &self,
        token: &str,
        options: VerificationOptions,
    ) -> Result<JWTClaims<C>, ApiError> {
        match self {
            PublicKey::Ed25519(k) => k.verify_token::<C>(token, Some(options)),
            PublicKey::P256(k) => k.verify_token::<C>(token, Some(options)),
        }
        .map_err(|_| ApiError::new(ErrorKind::InvalidToken, "the token is invalid or expired"))
    }
}
