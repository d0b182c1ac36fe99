//! The key server's operations, independent of HTTP: accounts, login, refresh rotation,
//! revocation, introspection and the revocation snapshot. Every operation that changes state
//! or checks a credential writes an audit record; if that write fails, the operation fails.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use jwt_simple::prelude::{Claims, UnixTimeStamp};
use serde::Serialize;
use serde_json::{json, Value};

use crate::audit::{self, Event, Outcome};
use crate::config::{Config, Database, COMPLIANCE_LEVEL};
use crate::error::{ApiError, ErrorKind};
use crate::keys::{random_id, Keyring};
use crate::ratelimit::Limiter;
use crate::store::{Rotation, SessionStart, Store, UserRecord};
use crate::tokens::{self, AccessGrant, ClientContext, VerifiedAccess};

/// The `typ` header of revocation snapshots.
pub const SNAPSHOT_TYP: &str = "revocation+jwt";

/// How long a built snapshot is served before it is rebuilt, so pollers cost one database
/// read per interval. A revocation reaches the snapshot after at most this long.
const SNAPSHOT_CACHE: Duration = Duration::from_secs(1);

/// Maximum lengths of a user name and a password in bytes, checked before hashing.
pub const MAX_USERNAME_BYTES: usize = 128;
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Shortest password `user add` accepts.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Returns a hash to verify when the user name is unknown, so that the response time does not
/// reveal whether the account exists. It is made once, with the same cost as real hashes.
fn dummy_hash() -> String {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default()).clone()
}

/// The token pair returned by login and refresh.
#[derive(Clone, Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub compliance_level: &'static str,
}

/// An authenticated caller, from a verified and unrevoked access token.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: String,
    pub role: String,
    pub patients: Vec<String>,
    pub jti: String,
    pub session_id: String,
}

impl Caller {
    /// Tells whether the caller acts through the break-glass role.
    pub fn break_glass(&self) -> bool {
        self.role == "break_glass"
    }
}

/// The running server's state, shared by every request.
pub struct KeyServer {
    pub config: Config,
    pub store: Store,
    pub keyring: Keyring,
    pub limiter: Limiter,
    snapshot: Mutex<Option<(Instant, String)>>,
}

/// Returns the current Unix time in seconds.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn invalid_credentials() -> ApiError {
    ApiError::new(ErrorKind::InvalidCredentials, "the user name or password is wrong")
}

fn invalid_token() -> ApiError {
    ApiError::new(ErrorKind::InvalidToken, "the token is invalid, expired or revoked")
}

/// Hashes a password with Argon2id at the crate's default cost (19 MiB, 2 passes).
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| ApiError::new(ErrorKind::Internal, "password hashing failed"))
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

impl KeyServer {
    /// Opens the store, loads or creates the signing key and connects the rate limiter.
    ///
    /// # Errors
    ///
    /// `INTERNAL` when the database or Redis cannot be reached or the master key does not
    /// open the stored signing keys.
    pub async fn start(config: Config) -> Result<Arc<KeyServer>, ApiError> {
        let store = match &config.database {
            Database::Sqlite(path) => Store::open_sqlite(path).await?,
            Database::Postgres(url) => Store::open_postgres(url).await?,
        };
        let limiter = match &config.redis_url {
            Some(url) => Limiter::redis(url).await.map_err(|error| {
                tracing::error!(error = %error, "cannot connect to Redis");
                ApiError::new(ErrorKind::Internal, "cannot connect to Redis at REDIS_URL")
            })?,
            None => Limiter::memory(),
        };
        let keyring = Keyring::new(store.clone(), config.master_key.clone(), config.algorithm);
        keyring.load(now()).await?;
        Ok(Arc::new(KeyServer { config, store, keyring, limiter, snapshot: Mutex::new(None) }))
    }

    /// Appends an audit record; the caller fails its action when this fails.
    pub(crate) async fn audit(&self, event: &Event<'_>) -> Result<(), ApiError> {
        audit::append(&self.store, &self.keyring, self.config.audit_checkpoint_every, event, now())
            .await
            .map(|_| ())
    }

    /// Creates a user with an Argon2id password hash. Returns the new user id.
    ///
    /// # Errors
    ///
    /// `INVALID_REQUEST` for an unknown role, an empty or overlong user name or a short
    /// password; `CONFLICT` when the name is taken.
    pub async fn add_user(
        &self,
        actor: &str,
        username: &str,
        password: &str,
        role: &str,
        patients: &[String],
    ) -> Result<String, ApiError> {
        if !tokens::ROLES.contains(&role) {
            return Err(ApiError::new(
                ErrorKind::InvalidRequest,
                format!("unknown role {role:?}; use one of {}", tokens::ROLES.join(", ")),
            ));
        }
        if username.is_empty()
            || username.len() > MAX_USERNAME_BYTES
            || username.chars().any(char::is_control)
        {
            return Err(ApiError::new(
                ErrorKind::InvalidRequest,
                format!("the user name must have 1 to {MAX_USERNAME_BYTES} bytes and no control characters"),
            ));
        }
        if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
            return Err(ApiError::new(
                ErrorKind::InvalidRequest,
                format!("the password must have at least {MIN_PASSWORD_CHARS} characters and at most {MAX_PASSWORD_BYTES} bytes"),
            ));
        }
        let password = password.to_string();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|_| ApiError::new(ErrorKind::Internal, "password hashing failed"))??;
        let user = UserRecord {
            id: random_id(),
            username: username.to_string(),
            password_hash: hash,
            role: role.to_string(),
            patients: patients.to_vec(),
            disabled: false,
            not_before: 0,
        };
        self.store.insert_user(&user, now()).await?;
        self.audit(&Event::new(actor, "user.create", &user.id, Outcome::Success)).await?;
        Ok(user.id)
    }

    /// Checks a user name and password and starts a session.
    ///
    /// # Errors
    ///
    /// `RATE_LIMITED` after too many attempts from the IP or for the user name,
    /// `INVALID_CREDENTIALS` for a wrong name or password or a disabled account.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        context: &ClientContext,
    ) -> Result<TokenResponse, ApiError> {
        let rate = self.config.rate_limits.authentication;
        if let Some(ip) = context.ip {
            self.limiter.enforce(&format!("auth:ip:{}", tokens::canonical_ip(ip)), rate).await?;
        }
        if username.len() > MAX_USERNAME_BYTES || password.len() > MAX_PASSWORD_BYTES {
            return Err(invalid_credentials());
        }
        self.limiter.enforce(&format!("auth:user:{username}"), rate).await?;

        let user = self.store.user_by_name(username).await?;
        let hash = user.as_ref().map(|u| u.password_hash.clone());
        let password = zeroize::Zeroizing::new(password.to_string());
        let matches = tokio::task::spawn_blocking(move || {
            password_matches(&password, &hash.unwrap_or_else(dummy_hash))
        })
        .await
        .map_err(|_| ApiError::new(ErrorKind::Internal, "password check failed"))?;
        let user = match user {
            Some(user) if matches && !user.disabled => user,
            Some(user) => {
                let reason = if user.disabled { "account_disabled" } else { "bad_password" };
                self.audit(&Event::new("anonymous", "login", &user.id, Outcome::Failure).reason(reason))
                    .await?;
                return Err(invalid_credentials());
            }
            None => {
                self.audit(
                    &Event::new("anonymous", "login", "unknown_user", Outcome::Failure)
                        .reason("unknown_user"),
                )
                .await?;
                return Err(invalid_credentials());
            }
        };
        self.start_session(&user, context).await
    }

    async fn start_session(
        &self,
        user: &UserRecord,
        context: &ClientContext,
    ) -> Result<TokenResponse, ApiError> {
        let now = now();
        let family_id = random_id();
        let refresh_token = tokens::new_refresh_token();
        let refresh_hash = tokens::refresh_token_hash(&refresh_token);
        let refresh_ttl = self.config.refresh_ttl.as_secs() as i64;
        let access = self.issue(user, &family_id, context, now)?;
        self.store
            .start_family(&SessionStart {
                family_id: &family_id,
                user_id: &user.id,
                now,
                family_expires_at: now + refresh_ttl,
                refresh_hash: &refresh_hash,
                refresh_expires_at: now + refresh_ttl,
                access_jti: &access.jti,
                access_expires_at: access.expires_at as i64,
            })
            .await?;
        self.audit(
            &Event::new(&user.id, "login", &family_id, Outcome::Success).jti(&access.jti).kid(&access.kid),
        )
        .await?;
        Ok(self.token_response(access.token, refresh_token))
    }

    fn issue(
        &self,
        user: &UserRecord,
        session_id: &str,
        context: &ClientContext,
        now: i64,
    ) -> Result<tokens::IssuedAccess, ApiError> {
        // A token issued in the second of a log-out-everywhere must not fall before it.
        let issued_at = now.max(user.not_before) as u64;
        tokens::issue_access(
            &self.keyring,
            &self.config.issuer,
            &self.config.audience,
            &AccessGrant {
                user_id: &user.id,
                role: &user.role,
                patients: &user.patients,
                session_id,
                reason: None,
                issued_at,
                lifetime_seconds: self.config.access_ttl.as_secs(),
                bind: self.config.session_binding.then_some(context),
            },
        )
    }

    fn token_response(&self, access_token: String, refresh_token: String) -> TokenResponse {
        TokenResponse {
            access_token,
            refresh_token,
            token_type: "Bearer",
            expires_in: self.config.access_ttl.as_secs(),
            compliance_level: COMPLIANCE_LEVEL,
        }
    }

    /// Rotates a refresh token: the presented token stops working and a new pair is returned.
    ///
    /// A token that was rotated already revokes its whole family, which is logged as a security
    /// event. The exception is a retry within the configured grace window: when the token is the
    /// immediately preceding one and its successor is unused, the successor is rotated instead.
    ///
    /// # Errors
    ///
    /// `INVALID_TOKEN` for an unknown, expired or revoked token, `REFRESH_TOKEN_REUSED` when
    /// reuse revoked the family, `RATE_LIMITED`.
    pub async fn refresh(
        &self,
        refresh_token: &str,
        context: &ClientContext,
    ) -> Result<TokenResponse, ApiError> {
        if let Some(ip) = context.ip {
            self.limiter
                .enforce(
                    &format!("refresh:ip:{}", tokens::canonical_ip(ip)),
                    self.config.rate_limits.authentication,
                )
                .await?;
        }
        if refresh_token.is_empty() || refresh_token.len() > tokens::MAX_TOKEN_BYTES {
            return Err(invalid_token());
        }
        let hash = tokens::refresh_token_hash(refresh_token);
        let Some((record, user)) = self.store.refresh_token_with_user(&hash).await? else {
            self.audit(
                &Event::new("anonymous", "refresh", "unknown_token", Outcome::Failure)
                    .reason("unknown_token"),
            )
            .await?;
            return Err(invalid_token());
        };
        let now = now();
        if record.family_revoked || record.state == "revoked" || record.expires_at <= now {
            let reason = if record.expires_at <= now { "expired" } else { "family_revoked" };
            self.audit(
                &Event::new(&record.user_id, "refresh", &record.family_id, Outcome::Denied).reason(reason),
            )
            .await?;
            return Err(invalid_token());
        }
        let user = match user {
            Some(user) if !user.disabled => user,
            _ => {
                self.audit(
                    &Event::new(&record.user_id, "refresh", &record.family_id, Outcome::Denied)
                        .reason("account_disabled"),
                )
                .await?;
                return Err(invalid_token());
            }
        };

        let grace = self.config.refresh_grace.as_secs() as i64;
        let expect_successor = match (record.state.as_str(), record.rotated_at, record.successor.as_deref()) {
            ("active", _, _) => None,
            ("rotated", Some(at), Some(successor)) if grace > 0 && now - at <= grace => Some(successor),
            _ => return self.reuse_detected(&record.user_id, &record.family_id, now).await,
        };

        let new_token = tokens::new_refresh_token();
        let new_hash = tokens::refresh_token_hash(&new_token);
        let access = self.issue(&user, &record.family_id, context, now)?;
        let mut event = Event::new(&user.id, "refresh", &record.family_id, Outcome::Success)
            .jti(&access.jti)
            .kid(&access.kid);
        event.reason = expect_successor.map(|_| "grace_retry");
        let detail = event.detail();
        let audit_record = event.insert(&detail, now);
        let rotation = Rotation {
            old_hash: &hash,
            expect_successor,
            new_hash: &new_hash,
            family_id: &record.family_id,
            user_id: &user.id,
            now,
            // Rotation does not extend the session, which ends JWT_REFRESH_EXPIRATION_DAYS
            // after login.
            expires_at: record.family_expires_at,
            access_jti: &access.jti,
            access_expires_at: access.expires_at as i64,
        };
        let appended = self
            .store
            .rotate_refresh(&rotation, &audit_record, |prev, seq| audit::chain_hash(prev, seq, &audit_record))
            .await?;
        let Some((seq, chain_hash)) = appended else {
            // Another request rotated this token (or its successor) first: a concurrent use
            // of one refresh token is treated as reuse.
            return self.reuse_detected(&record.user_id, &record.family_id, now).await;
        };
        audit::checkpoint_if_due(&self.store, &self.keyring, self.config.audit_checkpoint_every, seq, &chain_hash, now)
            .await?;
        Ok(self.token_response(access.token, new_token))
    }

    async fn reuse_detected(
        &self,
        user_id: &str,
        family_id: &str,
        now: i64,
    ) -> Result<TokenResponse, ApiError> {
        self.store.revoke_family(family_id, now).await?;
        tracing::warn!(user_id, family_id, "refresh token reuse detected; the family is revoked");
        self.audit(&Event::new(user_id, "refresh.reuse", family_id, Outcome::Alert).reason("family_revoked"))
            .await?;
        Err(ApiError::new(
            ErrorKind::RefreshReused,
            "this refresh token was used already, so its session is revoked; log in again",
        ))
    }

    /// Verifies a bearer access token and checks it against the deny-list, the user's
    /// not-before time and, when binding is on, the client context.
    ///
    /// # Errors
    ///
    /// `INVALID_TOKEN`.
    pub async fn authenticate(&self, token: &str, context: &ClientContext) -> Result<Caller, ApiError> {
        let verified = self.verify_active(token).await?.ok_or_else(invalid_token)?;
        if self.config.session_binding && !binding_matches(&verified, context) {
            return Err(invalid_token());
        }
        Ok(Caller {
            user_id: verified.sub,
            role: verified.claims.role,
            patients: verified.claims.patients.unwrap_or_default(),
            jti: verified.jti,
            session_id: verified.claims.session_id,
        })
    }

    /// Returns the verified claims of an active access token, or None when it is revoked or
    /// older than its user's not-before time.
    async fn verify_active(&self, token: &str) -> Result<Option<VerifiedAccess>, ApiError> {
        let now = now();
        let verified = match tokens::verify_access(
            &self.keyring,
            &self.config.issuer,
            &self.config.audience,
            token,
            now,
        )
        .await
        {
            Ok(v) => v,
            Err(e) if e.kind() == ErrorKind::InvalidToken => return Ok(None),
            Err(e) => return Err(e),
        };
        // Read on every request, not cached, so a revocation or log-out on any instance
        // applies to the next request.
        let active =
            self.store.access_token_active(&verified.jti, &verified.sub, verified.issued_at as i64).await?;
        Ok(active.then_some(verified))
    }

    /// Revokes a token (RFC 7009). An access token joins the deny-list until it expires; a
    /// refresh token revokes its family. An unknown or invalid token is not an error, as
    /// RFC 7009 section 2.2 requires.
    pub async fn revoke_token(&self, token: &str, actor: &str) -> Result<(), ApiError> {
        let now = now();
        if token.len() > tokens::MAX_TOKEN_BYTES {
            return Ok(());
        }
        if let Ok(verified) =
            tokens::verify_access(&self.keyring, &self.config.issuer, &self.config.audience, token, now).await
        {
            self.store.revoke_jti(&verified.jti, verified.expires_at as i64, now).await?;
            self.audit(
                &Event::new(actor, "token.revoke", &verified.sub, Outcome::Success).jti(&verified.jti),
            )
            .await?;
            return Ok(());
        }
        if let Some(record) = self.store.refresh_token(&tokens::refresh_token_hash(token)).await? {
            self.store.revoke_family(&record.family_id, now).await?;
            self.audit(&Event::new(actor, "family.revoke", &record.family_id, Outcome::Success)).await?;
        }
        Ok(())
    }

    /// Revokes an access token by `jti`, for an administrator.
    ///
    /// # Errors
    ///
    /// `FORBIDDEN` unless the caller is an admin.
    pub async fn revoke_jti(&self, caller: &Caller, jti: &str) -> Result<(), ApiError> {
        if caller.role != "admin" {
            self.audit(
                &Event::new(&caller.user_id, "token.revoke", jti, Outcome::Denied).reason("not_admin"),
            )
            .await?;
            return Err(ApiError::new(ErrorKind::Forbidden, "only an admin may revoke a token by jti"));
        }
        if jti.is_empty() || jti.len() > 256 {
            return Err(ApiError::new(ErrorKind::InvalidRequest, "jti must have 1 to 256 bytes"));
        }
        let now = now();
        // The deny-list entry must outlive every token with this jti; the longest access token
        // lifetime bounds that.
        let expires_at = now + self.config.access_ttl.as_secs() as i64 + tokens::CLOCK_SKEW_SECONDS as i64;
        self.store.revoke_jti(jti, expires_at, now).await?;
        self.audit(&Event::new(&caller.user_id, "token.revoke", jti, Outcome::Success).jti(jti)).await?;
        Ok(())
    }

    /// Logs `user_id` out everywhere: tokens issued before now are rejected and every refresh
    /// family is revoked. An admin may do this for anyone, others only for themselves.
    ///
    /// # Errors
    ///
    /// `FORBIDDEN`, or `NOT_FOUND` for an unknown user.
    pub async fn log_out_everywhere(&self, caller: &Caller, user_id: &str) -> Result<(), ApiError> {
        if caller.user_id != user_id && caller.role != "admin" {
            self.audit(&Event::new(&caller.user_id, "user.logout_all", user_id, Outcome::Denied)).await?;
            return Err(ApiError::new(ErrorKind::Forbidden, "only an admin may end another user's sessions"));
        }
        // Tokens issued in this second are rejected too, so the cut is never late.
        if !self.store.log_out_everywhere(user_id, now() + 1).await? {
            return Err(ApiError::new(ErrorKind::NotFound, "no user has this id"));
        }
        self.audit(&Event::new(&caller.user_id, "user.logout_all", user_id, Outcome::Success)).await?;
        Ok(())
    }

    /// Introspects a token (RFC 7662): `{"active": false}` for anything not currently valid.
    pub async fn introspect(&self, token: &str) -> Result<Value, ApiError> {
        let Some(v) = self.verify_active(token).await? else {
            return Ok(json!({ "active": false }));
        };
        Ok(json!({
            "active": true,
            "token_type": "Bearer",
            "iss": self.config.issuer,
            "aud": v.audience,
            "sub": v.sub,
            "user_id": v.claims.user_id,
            "role": v.claims.role,
            "jti": v.jti,
            "session_id": v.claims.session_id,
            "iat": v.issued_at,
            "exp": v.expires_at,
            "compliance_level": v.claims.compliance_level,
        }))
    }

    /// Returns the signed revocation snapshot, rebuilt when the cached one is older than
    /// [`SNAPSHOT_CACHE`].
    pub async fn revocation_snapshot(&self) -> Result<String, ApiError> {
        if let Some((built, jws)) = &*self.snapshot.lock().expect("snapshot lock") {
            if built.elapsed() < SNAPSHOT_CACHE {
                return Ok(jws.clone());
            }
        }
        let now = now();
        let (seq, revoked) = self.store.revoked_list(now).await?;
        let not_before: serde_json::Map<String, Value> =
            self.store.not_before_times().await?.into_iter().map(|(sub, t)| (sub, json!(t))).collect();
        let revoked: Vec<Value> =
            revoked.into_iter().map(|(jti, exp)| json!({ "jti": jti, "exp": exp })).collect();
        let max_age = self.config.snapshot_max_age.as_secs();
        let mut claims = Claims::with_custom_claims(
            json!({ "seq": seq, "revoked": revoked, "not_before": not_before }),
            jwt_simple::prelude::Duration::from_secs(max_age),
        )
        .with_issuer(&self.config.issuer);
        claims.issued_at = Some(UnixTimeStamp::from_secs(now as u64));
        claims.expires_at = Some(UnixTimeStamp::from_secs(now as u64 + max_age));
        claims.invalid_before = None;
        let (jws, _) = self.keyring.sign(claims, SNAPSHOT_TYP)?;
        *self.snapshot.lock().expect("snapshot lock") = Some((Instant::now(), jws.clone()));
        Ok(jws)
    }

    /// Rotates the token signing key. The old keys stay published until the tokens they signed
    /// have expired.
    pub async fn rotate_signing_key(&self, actor: &str) -> Result<String, ApiError> {
        let overlap = self.config.access_ttl
            + self.config.snapshot_max_age
            + Duration::from_secs(tokens::CLOCK_SKEW_SECONDS);
        let kid = self.keyring.rotate(now(), overlap).await?;
        self.audit(&Event::new(actor, "signing_key.rotate", &kid, Outcome::Success).kid(&kid)).await?;
        Ok(kid)
    }

    /// Runs the periodic chores: reload keys, rotate the signing key when it is older than the
    /// rotation period, purge expired rows and audit records past retention.
    pub async fn run_maintenance(&self) -> Result<(), ApiError> {
        let now = now();
        self.keyring.refresh_if_stale(now).await?;
        if let (Some(period), Some(created)) = (self.config.key_rotation, self.keyring.signer_created_at()) {
            if now - created >= period.as_secs() as i64 {
                self.rotate_signing_key("system").await?;
            }
        }
        self.store.purge_expired(now).await?;
        let removed = self.store.purge_audit(now - self.config.audit_retention.as_secs() as i64).await?;
        if removed > 0 {
            tracing::info!(removed, "audit records past retention deleted");
        }
        Ok(())
    }
}

fn binding_matches(verified: &VerifiedAccess, context: &ClientContext) -> bool {
    use base64::Engine;
    let Some(salt) = verified.claims.bind_salt.as_deref() else { return false };
    let Ok(salt) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(salt) else { return false };
    let ip_ok = match (&verified.claims.ip_hash, context.ip) {
        (Some(hash), Some(ip)) => *hash == tokens::binding_hash(&salt, "ip:", &tokens::canonical_ip(ip)),
        (None, _) => true,
        (Some(_), None) => false,
    };
    let ua_ok = match (&verified.claims.user_agent_hash, &context.user_agent) {
        (Some(hash), Some(ua)) => *hash == tokens::binding_hash(&salt, "ua:", ua),
        (None, _) => true,
        (Some(_), None) => false,
    };
    ip_ok && ua_ok
}
