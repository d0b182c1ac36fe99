//! Storage of users, refresh families, revocations, signing keys and the audit chain.
//!
//! One implementation serves both backends through sqlx's `Any` driver: a SQLite file when no
//! `DATABASE_URL` is set, PostgreSQL when it is. Queries use only SQL that both accept
//! (`$n` parameters, `ON CONFLICT`, `RETURNING`), and every state change that must be atomic
//! across server instances is a single conditional `UPDATE` whose affected-row count decides
//! the outcome.

mod datakeys;
mod schema;

pub use datakeys::{DataKeyRecord, DatasetRecord};

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

use crate::error::{ApiError, ErrorKind};

/// The database kind behind a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The connection pools and the backend they point at.
#[derive(Clone)]
pub struct Store {
    /// Connections for reads outside a transaction.
    pool: AnyPool,
    /// Connections for writes. On SQLite this is one connection, so writers queue in the pool
    /// in arrival order instead of retrying against the file lock with the busy timeout's
    /// sleeps. On PostgreSQL it is the same pool as `pool`.
    writer: AnyPool,
    backend: Backend,
}

/// A user account as stored.
#[derive(Clone, Debug)]
pub struct UserRecord {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub patients: Vec<String>,
    pub disabled: bool,
    pub not_before: i64,
}

/// A refresh token row, found by the SHA-256 hash of the token.
#[derive(Clone, Debug)]
pub struct RefreshRecord {
    pub family_id: String,
    pub user_id: String,
    pub state: String,
    pub expires_at: i64,
    pub rotated_at: Option<i64>,
    pub successor: Option<String>,
    pub family_revoked: bool,
    /// The end of the session: no refresh token of the family outlives it.
    pub family_expires_at: i64,
}

/// A signing key row. The private key is sealed under the master key.
#[derive(Clone)]
pub struct SigningKeyRecord {
    pub kid: String,
    pub alg: String,
    pub public_key: Vec<u8>,
    pub sealed_private_key: Vec<u8>,
    pub created_at: i64,
    pub retired_at: Option<i64>,
    pub verify_until: Option<i64>,
}

/// One audit record as stored, with its place in the hash chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub resource: String,
    pub outcome: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// A signed checkpoint of the audit chain head.
#[derive(Clone, Debug)]
pub struct CheckpointRow {
    pub seq: i64,
    pub hash: String,
    pub at: i64,
    pub kid: String,
    pub signature: Vec<u8>,
}

fn db_error(error: sqlx::Error) -> ApiError {
    tracing::error!(error = %error, "database operation failed");
    ApiError::new(ErrorKind::Internal, "the database operation failed; see the server log")
}

type Result<T> = std::result::Result<T, ApiError>;

impl Store {
    /// Opens the SQLite file at `path`, creating it and its schema on first use.
    ///
    /// # Errors
    ///
    /// `INTERNAL` when the file cannot be opened or migrated.
    pub async fn open_sqlite(path: &Path) -> Result<Store> {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        // WAL lets readers run beside the single writer. synchronous=NORMAL keeps every
        // committed transaction through a process crash; only a power loss can drop the last
        // commits, which docs/limitations.md states.
        let options = Self::options(&url)?;
        // The busy timeout still covers other processes, such as `user add` beside `serve`.
        let open = |connections: u32| {
            AnyPoolOptions::new()
                .max_connections(connections)
                .acquire_timeout(Duration::from_secs(10))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        sqlx::query("PRAGMA journal_mode=WAL").execute(&mut *conn).await?;
                        sqlx::query("PRAGMA synchronous=NORMAL").execute(&mut *conn).await?;
                        sqlx::query("PRAGMA busy_timeout=10000").execute(&mut *conn).await?;
                        Ok(())
                    })
                })
        };
        let writer = open(1).connect_with(options.clone()).await.map_err(db_error)?;
        let pool = open(8).connect_with(options).await.map_err(db_error)?;
        Self::migrated(pool, writer, Backend::Sqlite).await
    }

    /// Connects to the PostgreSQL database at `url` and brings its schema up to date.
    ///
    /// # Errors
    ///
    /// `INTERNAL` when the server cannot be reached or the migration fails.
    pub async fn open_postgres(url: &str) -> Result<Store> {
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(Self::options(url)?)
            .await
            .map_err(db_error)?;
        Self::migrated(pool.clone(), pool, Backend::Postgres).await
    }

    fn options(url: &str) -> Result<AnyConnectOptions> {
        sqlx::any::install_default_drivers();
        AnyConnectOptions::from_str(url).map_err(db_error)
    }

    async fn migrated(pool: AnyPool, writer: AnyPool, backend: Backend) -> Result<Store> {
        let store = Store { pool, writer, backend };
        store.migrate().await?;
        Ok(store)
    }

    /// Returns the backend this store uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    async fn migrate(&self) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(db_error)?;
        if self.backend == Backend::Postgres {
            // Two instances starting together must not run the same migration twice.
            sqlx::query("SELECT pg_advisory_xact_lock(7301)").execute(&mut *tx).await.map_err(db_error)?;
        }
        sqlx::query("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let current: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM schema_version")
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?
            .try_get("v")
            .map_err(db_error)?;
        for migration in schema::MIGRATIONS.iter().filter(|m| m.version > current.unwrap_or(0)) {
            let own = match self.backend {
                Backend::Sqlite => migration.sqlite,
                Backend::Postgres => migration.postgres,
            };
            for statement in migration.common.iter().chain(own) {
                sqlx::query(statement).execute(&mut *tx).await.map_err(db_error)?;
            }
            sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
                .bind(migration.version)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    /// Checks that the database responds, for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ()).map_err(db_error)
    }

    // ---- users ----

    /// Inserts a new user.
    ///
    /// # Errors
    ///
    /// `CONFLICT` when the user name is taken.
    pub async fn insert_user(&self, user: &UserRecord, now: i64) -> Result<()> {
        let patients = serde_json::to_string(&user.patients).unwrap_or_else(|_| "[]".into());
        let done = sqlx::query(
            "INSERT INTO users (id, username, password_hash, role, patients, disabled, not_before, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7) ON CONFLICT (username) DO NOTHING",
        )
        .bind(&user.id)
        .bind(&user.username)
        .bind(&user.password_hash)
        .bind(&user.role)
        .bind(patients)
        .bind(i64::from(user.disabled))
        .bind(now)
        .execute(&self.writer)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(ApiError::new(ErrorKind::Conflict, "a user with this user name exists already"));
        }
        Ok(())
    }

    /// Finds a user by user name.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>> {
        let row = sqlx::query("SELECT * FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|r| user_from_row(&r)).transpose()
    }

    /// Finds a user by id.
    pub async fn user_by_id(&self, id: &str) -> Result<Option<UserRecord>> {
        let row = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|r| user_from_row(&r)).transpose()
    }

    /// Sets a user's not-before time, so every token issued earlier is rejected, and revokes
    /// the user's refresh families. Returns false when the user does not exist.
    pub async fn log_out_everywhere(&self, user_id: &str, now: i64) -> Result<bool> {
        let mut tx = self.writer.begin().await.map_err(db_error)?;
        let done = sqlx::query("UPDATE users SET not_before = $1 WHERE id = $2")
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("UPDATE families SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        bump_revocation_seq(&mut tx).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }

    /// Lists the not-before times of users that have one, for the revocation snapshot.
    pub async fn not_before_times(&self) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query("SELECT id, not_before FROM users WHERE not_before > 0 ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| Ok((r.try_get("id").map_err(db_error)?, r.try_get("not_before").map_err(db_error)?)))
            .collect()
    }

    // ---- sessions: families, refresh and access tokens ----

    /// Starts a refresh family (one login session) with its first refresh token and access
    /// token, in one transaction.
    pub async fn start_family(&self, start: &SessionStart<'_>) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(db_error)?;
        sqlx::query("INSERT INTO families (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(start.family_id)
            .bind(start.user_id)
            .bind(start.now)
            .bind(start.family_expires_at)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        insert_refresh(
            &mut tx,
            start.refresh_hash,
            start.family_id,
            start.user_id,
            start.now,
            start.refresh_expires_at,
        )
        .await?;
        insert_access(&mut tx, start.access_jti, start.family_id, start.user_id, start.access_expires_at)
            .await?;
        tx.commit().await.map_err(db_error)
    }

    /// Finds a refresh token by its hash, with the state of its family.
    pub async fn refresh_token(&self, hash: &str) -> Result<Option<RefreshRecord>> {
        let row = sqlx::query(
            "SELECT r.family_id, r.user_id, r.state, r.expires_at, r.rotated_at, r.successor, f.revoked_at,
                    f.expires_at AS family_expires_at
             FROM refresh_tokens r JOIN families f ON f.id = r.family_id WHERE r.hash = $1",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|r| refresh_from_row(&r)).transpose()
    }

    /// Finds a refresh token by its hash, with the state of its family and its user, in one
    /// query. The user is None when the account does not exist.
    pub async fn refresh_token_with_user(
        &self,
        hash: &str,
    ) -> Result<Option<(RefreshRecord, Option<UserRecord>)>> {
        let row = sqlx::query(
            "SELECT r.family_id, r.user_id, r.state, r.expires_at, r.rotated_at, r.successor, f.revoked_at,
                    f.expires_at AS family_expires_at, u.id, u.username, u.password_hash, u.role,
                    u.patients, u.disabled, u.not_before
             FROM refresh_tokens r JOIN families f ON f.id = r.family_id
             LEFT JOIN users u ON u.id = r.user_id WHERE r.hash = $1",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        let Some(r) = row else { return Ok(None) };
        let user_id: Option<String> = r.try_get("id").map_err(db_error)?;
        let user = match user_id {
            Some(_) => Some(user_from_row(&r)?),
            None => None,
        };
        Ok(Some((refresh_from_row(&r)?, user)))
    }

    /// Marks the refresh token `rotation.old_hash` as rotated and stores its successor and the
    /// new access token, if and only if the old token was still active (or, for a grace
    /// retry, if `rotation.expect_successor` is still active). The conditional update makes
    /// this atomic on both backends and across instances.
    ///
    /// The rotation's audit record is appended in the same transaction, so a rotation is never
    /// committed without its record and the request costs one commit. Returns the record's
    /// sequence number and hash, or None when another request rotated the token first.
    pub async fn rotate_refresh(
        &self,
        rotation: &Rotation<'_>,
        record: &AuditInsert<'_>,
        link: impl Fn(&str, i64) -> String,
    ) -> Result<Option<(i64, String)>> {
        let mut tx = self.writer.begin().await.map_err(db_error)?;

        let target = rotation.expect_successor.unwrap_or(rotation.old_hash);
        let claimed = sqlx::query(
            "UPDATE refresh_tokens SET state = 'rotated', rotated_at = $1, successor = $2
             WHERE hash = $3 AND state = 'active'",
        )
        .bind(rotation.now)
        .bind(rotation.new_hash)
        .bind(target)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if claimed.rows_affected() != 1 {
            return Ok(None);
        }

        insert_refresh(
            &mut tx,
            rotation.new_hash,
            rotation.family_id,
            rotation.user_id,
            rotation.now,
            rotation.expires_at,
        )
        .await?;
        insert_access(
            &mut tx,
            rotation.access_jti,
            rotation.family_id,
            rotation.user_id,
            rotation.access_expires_at,
        )
        .await?;
        // The chain head is locked last, so concurrent rotations hold it only briefly.
        let appended = append_audit_in(&mut tx, record, link).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some(appended))
    }

    /// Revokes a refresh family: its refresh tokens stop working and its unexpired access
    /// tokens join the deny-list. Returns false when it was revoked already.
    pub async fn revoke_family(&self, family_id: &str, now: i64) -> Result<bool> {
        let mut tx = self.writer.begin().await.map_err(db_error)?;
        let done = sqlx::query("UPDATE families SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(family_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO revoked_tokens (jti, expires_at, revoked_at)
             SELECT jti, expires_at, $1 FROM access_tokens WHERE family_id = $2 AND expires_at > $1
             ON CONFLICT (jti) DO NOTHING",
        )
        .bind(now)
        .bind(family_id)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        bump_revocation_seq(&mut tx).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }

    /// Returns the family of an access token, if the server issued it.
    pub async fn access_token_family(&self, jti: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT family_id FROM access_tokens WHERE jti = $1")
            .bind(jti)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|r| r.try_get("family_id").map_err(db_error)).transpose()
    }

    // ---- revocations ----

    /// Adds a token id to the deny-list until `expires_at`. Returns false when it was there.
    pub async fn revoke_jti(&self, jti: &str, expires_at: i64, now: i64) -> Result<bool> {
        let mut tx = self.writer.begin().await.map_err(db_error)?;
        let done = sqlx::query(
            "INSERT INTO revoked_tokens (jti, expires_at, revoked_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING",
        )
        .bind(jti)
        .bind(expires_at)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 1 {
            bump_revocation_seq(&mut tx).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    /// Tells whether a token id is on the deny-list.
    pub async fn is_revoked(&self, jti: &str) -> Result<bool> {
        let row = sqlx::query("SELECT 1 AS one FROM revoked_tokens WHERE jti = $1")
            .bind(jti)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(row.is_some())
    }

    /// Tells in one query whether the access token `jti` of user `user_id` may still be
    /// accepted: not on the deny-list, the user present and enabled, and `issued_at` not
    /// before the user's not-before time.
    pub async fn access_token_active(&self, jti: &str, user_id: &str, issued_at: i64) -> Result<bool> {
        let row = sqlx::query(
            "SELECT u.disabled, u.not_before,
                    (SELECT COUNT(*) FROM revoked_tokens WHERE jti = $1) AS revoked
             FROM users u WHERE u.id = $2",
        )
        .bind(jti)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        let Some(row) = row else { return Ok(false) };
        let disabled: i64 = row.try_get("disabled").map_err(db_error)?;
        let not_before: i64 = row.try_get("not_before").map_err(db_error)?;
        let revoked: i64 = row.try_get("revoked").map_err(db_error)?;
        Ok(revoked == 0 && disabled == 0 && issued_at >= not_before)
    }

    /// Lists the revoked token ids that have not expired at `now`, with their expiry, and the
    /// revocation sequence number.
    pub async fn revoked_list(&self, now: i64) -> Result<(i64, Vec<(String, i64)>)> {
        let mut tx = self.writer.begin().await.map_err(db_error)?;
        let seq: i64 = sqlx::query("SELECT value FROM counters WHERE name = 'revocation_seq'")
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?
            .try_get("value")
            .map_err(db_error)?;
        let rows =
            sqlx::query("SELECT jti, expires_at FROM revoked_tokens WHERE expires_at > $1 ORDER BY jti")
                .bind(now)
                .fetch_all(&mut *tx)
                .await
                .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        let list = rows
            .iter()
            .map(|r| Ok((r.try_get("jti").map_err(db_error)?, r.try_get("expires_at").map_err(db_error)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok((seq, list))
    }

    /// Deletes expired deny-list entries, access token records and refresh tokens, which no
    /// verifier accepts any more. Returns the number of rows removed.
    pub async fn purge_expired(&self, now: i64) -> Result<u64> {
        let mut removed = 0;
        for statement in [
            "DELETE FROM revoked_tokens WHERE expires_at <= $1",
            "DELETE FROM access_tokens WHERE expires_at <= $1",
            "DELETE FROM refresh_tokens WHERE expires_at <= $1",
        ] {
            removed +=
                sqlx::query(statement).bind(now).execute(&self.writer).await.map_err(db_error)?.rows_affected();
        }
        Ok(removed)
    }

    // ---- signing keys ----

    /// Stores a new signing key.
    pub async fn insert_signing_key(&self, key: &SigningKeyRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO signing_keys (kid, alg, public_key, sealed_private_key, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&key.kid)
        .bind(&key.alg)
        .bind(&key.public_key)
        .bind(&key.sealed_private_key)
        .bind(key.created_at)
        .execute(&self.writer)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    /// Retires every signing key except `keep`: they stop signing and stay published until
    /// `verify_until`, when every token they signed has expired.
    pub async fn retire_signing_keys(&self, keep: &str, now: i64, verify_until: i64) -> Result<()> {
        sqlx::query("UPDATE signing_keys SET retired_at = $1, verify_until = $2 WHERE kid <> $3 AND retired_at IS NULL")
            .bind(now)
            .bind(verify_until)
            .bind(keep)
            .execute(&self.writer)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// Lists the signing keys still published at `now`, newest first.
    pub async fn signing_keys(&self, now: i64) -> Result<Vec<SigningKeyRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM signing_keys WHERE verify_until IS NULL OR verify_until > $1 ORDER BY created_at DESC, kid DESC",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(signing_key_from_row).collect()
    }

    /// Finds a signing key by kid, published or not, for checking old audit checkpoints.
    pub async fn signing_key(&self, kid: &str) -> Result<Option<SigningKeyRecord>> {
        let row = sqlx::query("SELECT * FROM signing_keys WHERE kid = $1")
            .bind(kid)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(signing_key_from_row).transpose()
    }

    // ---- audit chain ----

    /// Appends one audit record. `link` computes the record's hash from the previous hash and
    /// its sequence number. The head row is locked by the first statement of the transaction,
    /// so appends from several connections or instances form one chain.
    pub async fn append_audit(
        &self,
        record: &AuditInsert<'_>,
        link: impl Fn(&str, i64) -> String,
    ) -> Result<(i64, String)> {
        let mut tx = self.writer.begin().await.map_err(db_error)?;
        let appended = append_audit_in(&mut tx, record, link).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(appended)
    }

    /// Reads up to `limit` audit records with a sequence number above `after`, in order.
    pub async fn audit_rows(&self, after: i64, limit: i64) -> Result<Vec<AuditRow>> {
        let rows = sqlx::query("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(audit_from_row).collect()
    }

    /// Returns the sequence number and hash of the chain head.
    pub async fn audit_head(&self) -> Result<(i64, String)> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        Ok((row.try_get("seq").map_err(db_error)?, row.try_get("hash").map_err(db_error)?))
    }

    /// Deletes audit records older than `before` and returns how many went. The chain stays
    /// verifiable from the oldest remaining record, whose `prev_hash` anchors it.
    pub async fn purge_audit(&self, before: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM audit_log WHERE at < $1")
            .bind(before)
            .execute(&self.writer)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected())
    }

    /// Stores a signed checkpoint of the chain head.
    pub async fn insert_checkpoint(&self, checkpoint: &CheckpointRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_checkpoints (seq, hash, at, kid, signature) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (seq) DO NOTHING",
        )
        .bind(checkpoint.seq)
        .bind(&checkpoint.hash)
        .bind(checkpoint.at)
        .bind(&checkpoint.kid)
        .bind(&checkpoint.signature)
        .execute(&self.writer)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    /// Lists every checkpoint, oldest first.
    pub async fn checkpoints(&self) -> Result<Vec<CheckpointRow>> {
        let rows = sqlx::query("SELECT * FROM audit_checkpoints ORDER BY seq")
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| {
                Ok(CheckpointRow {
                    seq: r.try_get("seq").map_err(db_error)?,
                    hash: r.try_get("hash").map_err(db_error)?,
                    at: r.try_get("at").map_err(db_error)?,
                    kid: r.try_get("kid").map_err(db_error)?,
                    signature: r.try_get("signature").map_err(db_error)?,
                })
            })
            .collect()
    }

    /// Runs a raw statement; tests use it to tamper with rows.
    #[doc(hidden)]
    pub async fn execute_raw(&self, statement: &str) -> Result<u64> {
        Ok(sqlx::query(statement).execute(&self.writer).await.map_err(db_error)?.rows_affected())
    }
}

/// The rows written when a login starts a session.
pub struct SessionStart<'a> {
    pub family_id: &'a str,
    pub user_id: &'a str,
    pub now: i64,
    pub family_expires_at: i64,
    pub refresh_hash: &'a str,
    pub refresh_expires_at: i64,
    pub access_jti: &'a str,
    pub access_expires_at: i64,
}

/// One refresh rotation: the token presented, its successor and the new access token.
pub struct Rotation<'a> {
    pub old_hash: &'a str,
    /// For a retry inside the grace window: the successor that must still be active.
    pub expect_successor: Option<&'a str>,
    pub new_hash: &'a str,
    pub family_id: &'a str,
    pub user_id: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub access_jti: &'a str,
    pub access_expires_at: i64,
}

/// The fields of a new audit record.
pub struct AuditInsert<'a> {
    pub at: i64,
    pub actor: &'a str,
    pub action: &'a str,
    pub resource: &'a str,
    pub outcome: &'a str,
    pub detail: &'a str,
}

type Tx<'c> = sqlx::Transaction<'c, sqlx::Any>;

async fn insert_refresh(
    tx: &mut Tx<'_>,
    hash: &str,
    family_id: &str,
    user_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO refresh_tokens (hash, family_id, user_id, state, issued_at, expires_at)
         VALUES ($1, $2, $3, 'active', $4, $5)",
    )
    .bind(hash)
    .bind(family_id)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn insert_access(
    tx: &mut Tx<'_>,
    jti: &str,
    family_id: &str,
    user_id: &str,
    expires_at: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO access_tokens (jti, family_id, user_id, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(jti)
        .bind(family_id)
        .bind(user_id)
        .bind(expires_at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Appends one audit record inside `tx`, locking the chain head row with its first statement.
async fn append_audit_in(
    tx: &mut Tx<'_>,
    record: &AuditInsert<'_>,
    link: impl Fn(&str, i64) -> String,
) -> Result<(i64, String)> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await
        .map_err(db_error)?;
    let seq: i64 = head.try_get("seq").map_err(db_error)?;
    let prev_hash: String = head.try_get("hash").map_err(db_error)?;
    let hash = link(&prev_hash, seq);

    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, resource, outcome, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(seq)
    .bind(record.at)
    .bind(record.actor)
    .bind(record.action)
    .bind(record.resource)
    .bind(record.outcome)
    .bind(record.detail)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    Ok((seq, hash))
}

async fn bump_revocation_seq(tx: &mut Tx<'_>) -> Result<()> {
    sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'revocation_seq'")
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    Ok(())
}

fn refresh_from_row(r: &AnyRow) -> Result<RefreshRecord> {
    let revoked_at: Option<i64> = r.try_get("revoked_at").map_err(db_error)?;
    Ok(RefreshRecord {
        family_id: r.try_get("family_id").map_err(db_error)?,
        user_id: r.try_get("user_id").map_err(db_error)?,
        state: r.try_get("state").map_err(db_error)?,
        expires_at: r.try_get("expires_at").map_err(db_error)?,
        rotated_at: r.try_get("rotated_at").map_err(db_error)?,
        successor: r.try_get("successor").map_err(db_error)?,
        family_revoked: revoked_at.is_some(),
        family_expires_at: r.try_get("family_expires_at").map_err(db_error)?,
    })
}

fn user_from_row(r: &AnyRow) -> Result<UserRecord> {
    let patients: String = r.try_get("patients").map_err(db_error)?;
    let disabled: i64 = r.try_get("disabled").map_err(db_error)?;
    Ok(UserRecord {
        id: r.try_get("id").map_err(db_error)?,
        username: r.try_get("username").map_err(db_error)?,
        password_hash: r.try_get("password_hash").map_err(db_error)?,
        role: r.try_get("role").map_err(db_error)?,
        patients: serde_json::from_str(&patients).unwrap_or_default(),
        disabled: disabled != 0,
        not_before: r.try_get("not_before").map_err(db_error)?,
    })
}

fn signing_key_from_row(r: &AnyRow) -> Result<SigningKeyRecord> {
    Ok(SigningKeyRecord {
        kid: r.try_get("kid").map_err(db_error)?,
        alg: r.try_get("alg").map_err(db_error)?,
        public_key: r.try_get("public_key").map_err(db_error)?,
        sealed_private_key: r.try_get("sealed_private_key").map_err(db_error)?,
        created_at: r.try_get("created_at").map_err(db_error)?,
        retired_at: r.try_get("retired_at").map_err(db_error)?,
        verify_until: r.try_get("verify_until").map_err(db_error)?,
    })
}

fn audit_from_row(r: &AnyRow) -> Result<AuditRow> {
    Ok(AuditRow {
        seq: r.try_get("seq").map_err(db_error)?,
        at: r.try_get("at").map_err(db_error)?,
        actor: r.try_get("actor").map_err(db_error)?,
        action: r.try_get("action").map_err(db_error)?,
        resource: r.try_get("resource").map_err(db_error)?,
        outcome: r.try_get("outcome").map_err(db_error)?,
        detail: r.try_get("detail").map_err(db_error)?,
        prev_hash: r.try_get("prev_hash").map_err(db_error)?,
        hash: r.try_get("hash").map_err(db_error)?,
    })
}
