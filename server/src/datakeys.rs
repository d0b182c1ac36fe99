//! Dataset keys, KMS-style: generate, unwrap for authorized callers, rewrap to the newest KEK,
//! rotate the KEK, and destroy (crypto-shred) a dataset's or a conversation's key.
//!
//! KEKs are random 256-bit keys, one per version, stored sealed under the master key from the
//! environment, so the database alone opens nothing. Data keys are stored only in the wrapped
//! form of `techdeck_guard::seal::wrap_key`, bound to the dataset id, key id and KEK version.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use techdeck_guard::seal::{
    self, chunked, derive_conversation_key, unwrap_key, wrap_key, Kek, Key, WrapContext,
};

use crate::audit::{Event, Outcome};
use crate::error::{ApiError, ErrorKind};
use crate::keys::random_id;
use crate::service::{now, Caller, KeyServer};
use crate::store::DatasetRecord;

/// Maximum length of a dataset, key or conversation id in bytes, as `seal` limits it.
pub const MAX_ID_BYTES: usize = techdeck_guard::limits::MAX_SEAL_ID_BYTES;

/// The access facts sent with the first key of a dataset.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetAccess {
    #[serde(default)]
    pub patients: Vec<String>,
    #[serde(default)]
    pub anonymized: bool,
}

fn kek_context(version: u32) -> Vec<u8> {
    format!("techdeck-keyserver kek v{version}").into_bytes()
}

fn internal(message: &str) -> ApiError {
    ApiError::new(ErrorKind::Internal, message)
}

fn not_found() -> ApiError {
    ApiError::new(ErrorKind::NotFound, "no live key has this dataset id and key id")
}

fn check_id(name: &str, value: &str) -> Result<(), ApiError> {
    if value.is_empty() || value.len() > MAX_ID_BYTES || value.chars().any(char::is_control) {
        return Err(ApiError::new(
            ErrorKind::InvalidRequest,
            format!("{name} must have 1 to {MAX_ID_BYTES} bytes and no control characters"),
        ));
    }
    Ok(())
}

/// Decides whether `caller` may use the keys of `dataset`: admins and break-glass always,
/// therapists when every patient of the dataset is assigned to them, researchers for
/// anonymized datasets, users for their own.
pub fn may_access(caller: &Caller, dataset: &DatasetRecord) -> bool {
    match caller.role.as_str() {
        "admin" | "break_glass" => true,
        "therapist" => {
            !dataset.patients.is_empty() && dataset.patients.iter().all(|p| caller.patients.contains(p))
        }
        "researcher" => dataset.anonymized,
        "user" => dataset.owner == caller.user_id,
        _ => false,
    }
}

impl KeyServer {
    fn master(&self) -> Key {
        Key::from_bytes(*self.config.master_key.expose_secret())
    }

    /// Loads one KEK version, or the newest when `version` is None.
    async fn kek(&self, version: Option<u32>) -> Result<Kek, ApiError> {
        let mut keks = self.store.keks().await?;
        if keks.is_empty() {
            self.create_kek(1).await?;
            keks = self.store.keks().await?;
        }
        let (found, sealed) = match version {
            Some(v) => {
                keks.into_iter().find(|(n, _)| *n == v).ok_or_else(|| internal("a KEK version is missing"))?
            }
            None => keks.into_iter().last().ok_or_else(|| internal("no KEK exists"))?,
        };
        let bytes = zeroize::Zeroizing::new(
            chunked::decrypt(&self.master(), &kek_context(found), &sealed)
                .map_err(|_| internal("a KEK does not open with ENCRYPTION_MASTER_KEY"))?,
        );
        let key = Key::from_slice(&bytes).map_err(|_| internal("a stored KEK is malformed"))?;
        Ok(Kek::new(found, key))
    }

    async fn create_kek(&self, version: u32) -> Result<bool, ApiError> {
        let key = Key::generate().map_err(|_| internal("the random source failed"))?;
        let sealed = chunked::encrypt(&self.master(), &kek_context(version), key.expose_secret())
            .map_err(|_| internal("sealing a KEK failed"))?;
        self.store.insert_kek(version, &sealed, now()).await
    }

    async fn audited_denial(&self, caller: &Caller, action: &'static str, dataset_id: &str) -> ApiError {
        let mut event =
            Event::new(&caller.user_id, action, dataset_id, Outcome::Denied).reason("not_authorized");
        event.break_glass = caller.break_glass();
        if let Err(error) = self.audit(&event).await {
            return error;
        }
        ApiError::new(ErrorKind::Forbidden, "your role or patient assignments do not cover this dataset")
    }

    async fn authorized_dataset(
        &self,
        caller: &Caller,
        action: &'static str,
        dataset_id: &str,
    ) -> Result<DatasetRecord, ApiError> {
        check_id("dataset_id", dataset_id)?;
        let dataset = self.store.dataset(dataset_id).await?.ok_or_else(not_found)?;
        if !may_access(caller, &dataset) {
            return Err(self.audited_denial(caller, action, dataset_id).await);
        }
        Ok(dataset)
    }

    async fn audit_success(
        &self,
        caller: &Caller,
        action: &'static str,
        resource: &str,
        kid: &str,
    ) -> Result<(), ApiError> {
        let mut event = Event::new(&caller.user_id, action, resource, Outcome::Success).kid(kid);
        event.break_glass = caller.break_glass();
        self.audit(&event).await
    }

    /// Generates a data key for a dataset and returns the plaintext key once, with its wrapped
    /// form. The first key registers the dataset with `access` (its patients and whether it is
    /// anonymized) and the caller as owner. Later keys need access to the dataset.
    pub async fn generate_data_key(
        &self,
        caller: &Caller,
        dataset_id: &str,
        access: DatasetAccess,
    ) -> Result<Value, ApiError> {
        check_id("dataset_id", dataset_id)?;
        for patient in &access.patients {
            check_id("patients[]", patient)?;
        }
        let proposed = DatasetRecord {
            id: dataset_id.to_string(),
            owner: caller.user_id.clone(),
            patients: access.patients,
            anonymized: access.anonymized,
        };

        if !may_access(caller, &proposed) {
            return Err(self.audited_denial(caller, "data_key.generate", dataset_id).await);
        }
        let dataset = self.store.register_dataset(&proposed, now()).await?;
        if !may_access(caller, &dataset) {
            return Err(self.audited_denial(caller, "data_key.generate", dataset_id).await);
        }

        let kek = self.kek(None).await?;
        let key_id = random_id();
        let data_key = Key::generate().map_err(|_| internal("the random source failed"))?;
        let context = WrapContext { dataset_id, key_id: &key_id, kek_version: kek.version() };
        let wrapped =
            wrap_key(&kek, &data_key, &context).map_err(|_| internal("wrapping the data key failed"))?;

        self.store.insert_data_key(dataset_id, &key_id, kek.version(), &wrapped, now()).await?;
        self.audit_success(caller, "data_key.generate", &format!("{dataset_id}/{key_id}"), &key_id).await?;
        Ok(json!({
            "key_id": key_id,
            "data_key": STANDARD.encode(data_key.expose_secret()),
            "wrapped_key": STANDARD.encode(&wrapped),
            "kek_version": kek.version(),
        }))
    }

    async fn open_data_key(&self, dataset_id: &str, key_id: &str) -> Result<(Key, u32), ApiError> {
        check_id("key_id", key_id)?;
        let record = self.store.data_key(dataset_id, key_id).await?.ok_or_else(not_found)?;
        let wrapped = record.wrapped_key.ok_or_else(not_found)?;
        if record.kek_version < self.store.kek_min_decrypt_version().await? {
            return Err(ApiError::new(
                ErrorKind::Forbidden,
                "the key is wrapped under a KEK version below the minimum decryption version; an admin must lower it or the key is lost",
            ));
        }
        let kek = self.kek(Some(record.kek_version)).await?;
        let context = WrapContext { dataset_id, key_id, kek_version: record.kek_version };
        let key = unwrap_key(&kek, &wrapped, &context).map_err(|e: seal::Error| {
            tracing::error!(code = e.code(), dataset_id, key_id, "a stored wrapped key does not unwrap");
            internal("the stored key does not unwrap")
        })?;
        Ok((key, record.kek_version))
    }

    /// Unwraps a dataset's data key for an authorized caller.
    pub async fn unwrap_data_key(
        &self,
        caller: &Caller,
        dataset_id: &str,
        key_id: &str,
    ) -> Result<Value, ApiError> {
        self.authorized_dataset(caller, "data_key.unwrap", dataset_id).await?;
        let (key, version) = self.open_data_key(dataset_id, key_id).await?;
        self.audit_success(caller, "data_key.unwrap", &format!("{dataset_id}/{key_id}"), key_id).await?;
        Ok(
            json!({ "key_id": key_id, "data_key": STANDARD.encode(key.expose_secret()), "kek_version": version }),
        )
    }

    /// Rewraps a data key under the newest KEK without returning the plaintext.
    pub async fn rewrap_data_key(
        &self,
        caller: &Caller,
        dataset_id: &str,
        key_id: &str,
    ) -> Result<Value, ApiError> {
        self.authorized_dataset(caller, "data_key.rewrap", dataset_id).await?;
        let (key, _) = self.open_data_key(dataset_id, key_id).await?;
        let kek = self.kek(None).await?;
        let context = WrapContext { dataset_id, key_id, kek_version: kek.version() };
        let wrapped = wrap_key(&kek, &key, &context).map_err(|_| internal("wrapping the data key failed"))?;
        if !self.store.update_wrapped_key(dataset_id, key_id, kek.version(), &wrapped).await? {
            return Err(not_found());
        }
        self.audit_success(caller, "data_key.rewrap", &format!("{dataset_id}/{key_id}"), key_id).await?;
        Ok(
            json!({ "key_id": key_id, "wrapped_key": STANDARD.encode(&wrapped), "kek_version": kek.version() }),
        )
    }

    /// Destroys a data key. Data encrypted under it cannot be decrypted again unless someone
    /// kept the plaintext key.
    pub async fn destroy_data_key(
        &self,
        caller: &Caller,
        dataset_id: &str,
        key_id: &str,
    ) -> Result<(), ApiError> {
        let dataset = self.authorized_dataset(caller, "data_key.destroy", dataset_id).await?;
        if caller.role != "admin" && dataset.owner != caller.user_id {
            return Err(self.audited_denial(caller, "data_key.destroy", dataset_id).await);
        }
        check_id("key_id", key_id)?;
        if !self.store.destroy_data_key(dataset_id, key_id, now()).await? {
            return Err(not_found());
        }
        self.audit_success(caller, "data_key.destroy", &format!("{dataset_id}/{key_id}"), key_id).await
    }

    /// Returns a conversation's key, derived from the dataset key, unless it was destroyed.
    pub async fn conversation_key(
        &self,
        caller: &Caller,
        dataset_id: &str,
        key_id: &str,
        conversation_id: &str,
    ) -> Result<Value, ApiError> {
        self.authorized_dataset(caller, "conversation_key.unwrap", dataset_id).await?;
        check_id("conversation_id", conversation_id)?;
        if self.store.conversation_shredded(dataset_id, conversation_id).await? {
            return Err(ApiError::new(ErrorKind::NotFound, "this conversation's key was destroyed"));
        }
        let (key, _) = self.open_data_key(dataset_id, key_id).await?;
        let derived =
            derive_conversation_key(&key, conversation_id).map_err(|_| internal("key derivation failed"))?;
        self.audit_success(caller, "conversation_key.unwrap", &format!("{dataset_id}/{key_id}"), key_id)
            .await?;
        Ok(json!({ "key_id": key_id, "conversation_key": STANDARD.encode(derived.expose_secret()) }))
    }

    /// Destroys one conversation's key: the server never releases it again.
    pub async fn destroy_conversation_key(
        &self,
        caller: &Caller,
        dataset_id: &str,
        conversation_id: &str,
    ) -> Result<(), ApiError> {
        let dataset = self.authorized_dataset(caller, "conversation_key.destroy", dataset_id).await?;
        if caller.role != "admin" && dataset.owner != caller.user_id {
            return Err(self.audited_denial(caller, "conversation_key.destroy", dataset_id).await);
        }
        check_id("conversation_id", conversation_id)?;
        self.store.shred_conversation(dataset_id, conversation_id, now()).await?;
        self.audit_success(caller, "conversation_key.destroy", dataset_id, conversation_id).await
    }

    /// Rotates the KEK: creates the next version, optionally rewraps every live key under it,
    /// and optionally raises the minimum decryption version. Admin only.
    pub async fn rotate_kek(
        &self,
        caller: &Caller,
        rewrap_all: bool,
        min_decrypt_version: Option<u32>,
    ) -> Result<Value, ApiError> {
        if caller.role != "admin" {
            return Err(self.audited_denial(caller, "kek.rotate", "kek").await);
        }
        let current = self.kek(None).await?.version();
        let next = current + 1;
        if let Some(min) = min_decrypt_version {
            if min == 0 || min > next {
                return Err(ApiError::new(
                    ErrorKind::InvalidRequest,
                    format!("min_decrypt_version must be 1 to {next}"),
                ));
            }
        }

        if !self.create_kek(next).await? {
            return Err(ApiError::new(
                ErrorKind::Conflict,
                "another KEK rotation ran at the same moment; retry",
            ));
        }
        // Lowering the minimum takes effect before the rewrap, so the keys it unlocks move to
        // the new KEK too. Raising it takes effect after, so the rewrap can still read them.
        let old_min = self.store.kek_min_decrypt_version().await?;
        if let Some(min) = min_decrypt_version.filter(|&m| m < old_min) {
            self.store.set_kek_min_decrypt_version(min).await?;
        }

        let mut rewrapped = 0u64;
        if rewrap_all {
            let kek = self.kek(Some(next)).await?;
            for (dataset_id, key_id) in self.store.keys_below_kek(next).await? {
                let (key, _) = self.open_data_key(&dataset_id, &key_id).await?;
                let context = WrapContext { dataset_id: &dataset_id, key_id: &key_id, kek_version: next };
                let wrapped =
                    wrap_key(&kek, &key, &context).map_err(|_| internal("wrapping the data key failed"))?;
                if self.store.update_wrapped_key(&dataset_id, &key_id, next, &wrapped).await? {
                    rewrapped += 1;
                }
            }
        }
        if let Some(min) = min_decrypt_version.filter(|&m| m > old_min) {
            self.store.set_kek_min_decrypt_version(min).await?;
        }
        let version = next.to_string();
        self.audit_success(caller, "kek.rotate", "kek", &version).await?;
        Ok(
            json!({ "kek_version": next, "rewrapped": rewrapped, "min_decrypt_version": self.store.kek_min_decrypt_version().await? }),
        )
    }
}
