//! Storage of KEK versions, datasets and wrapped data keys.

use sqlx::Row;

use super::{db_error, Result, Store};

/// A dataset's access facts, recorded when its first key is generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatasetRecord {
    pub id: String,
    pub owner: String,
    pub patients: Vec<String>,
    pub anonymized: bool,
}

/// A data key row. `wrapped_key` is None once the key is destroyed.
#[derive(Clone, Debug)]
pub struct DataKeyRecord {
    pub kek_version: u32,
    pub wrapped_key: Option<Vec<u8>>,
}

impl Store {
    /// Stores a new KEK version, sealed under the master key. Returns false when the version
    /// exists already (another instance rotated at the same moment).
    pub async fn insert_kek(&self, version: u32, sealed: &[u8], now: i64) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO kek_versions (version, sealed_kek, created_at) VALUES ($1, $2, $3) ON CONFLICT (version) DO NOTHING",
        )
        .bind(i64::from(version))
        .bind(sealed)
        .bind(now)
        .execute(&self.writer)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    /// Lists every KEK version with its sealed key, oldest first.
    pub async fn keks(&self) -> Result<Vec<(u32, Vec<u8>)>> {
        let rows = sqlx::query("SELECT version, sealed_kek FROM kek_versions ORDER BY version")
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| {
                let version: i64 = r.try_get("version").map_err(db_error)?;
                Ok((version as u32, r.try_get("sealed_kek").map_err(db_error)?))
            })
            .collect()
    }

    /// Returns the lowest KEK version that may still unwrap keys.
    pub async fn kek_min_decrypt_version(&self) -> Result<u32> {
        let row = sqlx::query("SELECT value FROM counters WHERE name = 'kek_min_decrypt_version'")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        let value: i64 = row.try_get("value").map_err(db_error)?;
        Ok(value as u32)
    }

    /// Sets the lowest KEK version that may still unwrap keys.
    pub async fn set_kek_min_decrypt_version(&self, version: u32) -> Result<()> {
        sqlx::query("UPDATE counters SET value = $1 WHERE name = 'kek_min_decrypt_version'")
            .bind(i64::from(version))
            .execute(&self.writer)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// Registers a dataset unless it exists, then returns the stored record.
    pub async fn register_dataset(&self, dataset: &DatasetRecord, now: i64) -> Result<DatasetRecord> {
        let patients = serde_json::to_string(&dataset.patients).unwrap_or_else(|_| "[]".into());
        sqlx::query(
            "INSERT INTO datasets (id, owner, patients, anonymized, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&dataset.id)
        .bind(&dataset.owner)
        .bind(patients)
        .bind(i64::from(dataset.anonymized))
        .bind(now)
        .execute(&self.writer)
        .await
        .map_err(db_error)?;
        self.dataset(&dataset.id).await?.ok_or_else(|| db_error(sqlx::Error::RowNotFound))
    }

    /// Finds a dataset.
    pub async fn dataset(&self, id: &str) -> Result<Option<DatasetRecord>> {
        let row = sqlx::query("SELECT * FROM datasets WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        let Some(r) = row else { return Ok(None) };
        let patients: String = r.try_get("patients").map_err(db_error)?;
        let anonymized: i64 = r.try_get("anonymized").map_err(db_error)?;
        Ok(Some(DatasetRecord {
            id: r.try_get("id").map_err(db_error)?,
            owner: r.try_get("owner").map_err(db_error)?,
            patients: serde_json::from_str(&patients).unwrap_or_default(),
            anonymized: anonymized != 0,
        }))
    }

    /// Stores a new wrapped data key.
    pub async fn insert_data_key(
        &self,
        dataset_id: &str,
        key_id: &str,
        kek_version: u32,
        wrapped: &[u8],
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO data_keys (dataset_id, key_id, kek_version, wrapped_key, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(dataset_id)
        .bind(key_id)
        .bind(i64::from(kek_version))
        .bind(wrapped)
        .bind(now)
        .execute(&self.writer)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    /// Finds a data key.
    pub async fn data_key(&self, dataset_id: &str, key_id: &str) -> Result<Option<DataKeyRecord>> {
        let row = sqlx::query(
            "SELECT kek_version, wrapped_key FROM data_keys WHERE dataset_id = $1 AND key_id = $2",
        )
        .bind(dataset_id)
        .bind(key_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        let Some(r) = row else { return Ok(None) };
        let version: i64 = r.try_get("kek_version").map_err(db_error)?;
        Ok(Some(DataKeyRecord {
            kek_version: version as u32,
            wrapped_key: r.try_get("wrapped_key").map_err(db_error)?,
        }))
    }

    /// Replaces a live key's wrapped form after a rewrap. Returns false when the key was
    /// destroyed meanwhile.
    pub async fn update_wrapped_key(
        &self,
        dataset_id: &str,
        key_id: &str,
        kek_version: u32,
        wrapped: &[u8],
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE data_keys SET kek_version = $1, wrapped_key = $2
             WHERE dataset_id = $3 AND key_id = $4 AND destroyed_at IS NULL",
        )
        .bind(i64::from(kek_version))
        .bind(wrapped)
        .bind(dataset_id)
        .bind(key_id)
        .execute(&self.writer)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    /// Destroys a data key: its wrapped form is overwritten with NULL. Returns false when it
    /// was destroyed already or does not exist.
    pub async fn destroy_data_key(&self, dataset_id: &str, key_id: &str, now: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE data_keys SET wrapped_key = NULL, destroyed_at = $1
             WHERE dataset_id = $2 AND key_id = $3 AND destroyed_at IS NULL",
        )
        .bind(now)
        .bind(dataset_id)
        .bind(key_id)
        .execute(&self.writer)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    /// Records that a conversation's key must never be released again.
    pub async fn shred_conversation(
        &self,
        dataset_id: &str,
        conversation_id: &str,
        now: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO shredded_conversations (dataset_id, conversation_id, destroyed_at) VALUES ($1, $2, $3)
             ON CONFLICT (dataset_id, conversation_id) DO NOTHING",
        )
        .bind(dataset_id)
        .bind(conversation_id)
        .bind(now)
        .execute(&self.writer)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    /// Tells whether a conversation's key was destroyed.
    pub async fn conversation_shredded(&self, dataset_id: &str, conversation_id: &str) -> Result<bool> {
        let row = sqlx::query(
            "SELECT 1 AS one FROM shredded_conversations WHERE dataset_id = $1 AND conversation_id = $2",
        )
        .bind(dataset_id)
        .bind(conversation_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(row.is_some())
    }

    /// Lists the live keys wrapped under a KEK version older than `version`.
    pub async fn keys_below_kek(&self, version: u32) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT dataset_id, key_id FROM data_keys WHERE kek_version < $1 AND destroyed_at IS NULL ORDER BY dataset_id, key_id",
        )
        .bind(i64::from(version))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|r| Ok((r.try_get("dataset_id").map_err(db_error)?, r.try_get("key_id").map_err(db_error)?)))
            .collect()
    }
}
