//! Configuration from environment variables, validated once at start.
//!
//! Names follow the security specification where it has one (`JWT_ALGORITHM`,
//! `JWT_EXPIRATION_HOURS`, `RATE_LIMIT_*`, `AUDIT_LOG_RETENTION_DAYS`, ...). Every problem is
//! reported together, each naming its variable, so one restart fixes them all.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine;
use zeroize::Zeroizing;

/// The compliance level every token carries; `HIPAA_COMPLIANCE_LEVEL` may only name it.
pub const COMPLIANCE_LEVEL: &str = "hipaa_plus_plus";

/// Maximum grace window, in seconds, for the retry of a rotated refresh token.
pub const MAX_REFRESH_GRACE_SECONDS: u64 = 60;

/// The token signature algorithm. HMAC algorithms are not offered because every edge verifier
/// would then hold the signing secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    EdDsa,
    Es256,
}

impl Algorithm {
    /// Returns the JOSE name.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::EdDsa => "EdDSA",
            Algorithm::Es256 => "ES256",
        }
    }
}

/// A rate as the specification writes it: `N/second`, `N/minute`, `N/hour` or `N/day`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub period: Duration,
}

impl Rate {
    /// Parses `"20/minute"`. Returns None for anything else.
    pub fn parse(text: &str) -> Option<Rate> {
        let (count, unit) = text.trim().split_once('/')?;
        let count: u32 = count.trim().parse().ok().filter(|&n| n > 0)?;
        let seconds = match unit.trim() {
            "second" | "s" => 1,
            "minute" | "m" => 60,
            "hour" | "h" => 3600,
            "day" | "d" => 86_400,
            _ => return None,
        };
        Some(Rate { count, period: Duration::from_secs(seconds) })
    }
}

/// The rate limit classes of the specification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    pub default: Rate,
    pub validation: Rate,
    pub export: Rate,
    pub pipeline: Rate,
    pub authentication: Rate,
}

/// The master key-encryption key, 32 bytes, zeroized on drop and never printed.
#[derive(Clone)]
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl MasterKey {
    /// Wraps raw key bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        MasterKey(Zeroizing::new(bytes))
    }

    /// Returns the raw key bytes.
    pub fn expose_secret(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(redacted)")
    }
}

/// The storage backend and its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    /// The embedded SQLite file, created on first start.
    Sqlite(PathBuf),
    /// A PostgreSQL URL (`DATABASE_URL`).
    Postgres(String),
}

/// The validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub bind: SocketAddr,
    pub database: Database,
    pub master_key: MasterKey,
    pub algorithm: Algorithm,
    pub issuer: String,
    pub audience: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub refresh_grace: Duration,
    pub key_rotation: Option<Duration>,
    pub session_binding: bool,
    pub snapshot_max_age: Duration,
    pub rate_limits: RateLimits,
    pub redis_url: Option<String>,
    pub audit_retention: Duration,
    pub audit_checkpoint_every: u64,
    pub cors_origin: Option<String>,
}

/// Every problem found in the environment, one line each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub Vec<String>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration:")?;
        for problem in &self.0 {
            writeln!(f, "  {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// Reads variables through `lookup` and collects the problems.
struct Reader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    problems: Vec<String>,
}

impl Reader<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|v| !v.is_empty())
    }

    fn number(&mut self, name: &str, default: f64, min: f64, max: f64) -> f64 {
        let Some(text) = self.get(name) else { return default };
        match text.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && v >= min && v <= max => v,
            _ => {
                self.problems.push(format!("{name}: expected a number from {min} to {max}, got {text:?}"));
                default
            }
        }
    }

    fn flag(&mut self, name: &str, default: bool) -> bool {
        let Some(text) = self.get(name) else { return default };
        match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            _ => {
                self.problems.push(format!("{name}: expected true or false, got {text:?}"));
                default
            }
        }
    }

    fn rate(&mut self, name: &str, default: &str) -> Rate {
        let fallback = Rate::parse(default).expect("default rates parse");
        let Some(text) = self.get(name) else { return fallback };
        Rate::parse(&text).unwrap_or_else(|| {
            self.problems.push(format!("{name}: expected COUNT/UNIT such as 20/minute (unit second, minute, hour or day), got {text:?}"));
            fallback
        })
    }

    fn master_key(&mut self) -> MasterKey {
        let encoded = match (self.get("ENCRYPTION_MASTER_KEY"), self.get("ENCRYPTION_MASTER_KEY_FILE")) {
            (Some(_), Some(_)) => {
                self.problems.push(
                    "ENCRYPTION_MASTER_KEY and ENCRYPTION_MASTER_KEY_FILE are both set; set one".into(),
                );
                None
            }
            (Some(value), None) => Some(Zeroizing::new(value)),
            (None, Some(path)) => match std::fs::read_to_string(&path) {
                Ok(text) => Some(Zeroizing::new(text)),
                Err(error) => {
                    self.problems.push(format!("ENCRYPTION_MASTER_KEY_FILE: cannot read {path:?}: {error}"));
                    None
                }
            },
            (None, None) => {
                self.problems.push(
                    "ENCRYPTION_MASTER_KEY is missing: set it to 32 random bytes in base64 \
                     (openssl rand -base64 32), or name a file holding them in ENCRYPTION_MASTER_KEY_FILE"
                        .into(),
                );
                None
            }
        };
        let decoded = encoded.and_then(|text| {
            let bytes = Zeroizing::new(base64::engine::general_purpose::STANDARD.decode(text.trim()).ok()?);
            <[u8; 32]>::try_from(bytes.as_slice()).ok()
        });
        match decoded {
            Some(bytes) => MasterKey::new(bytes),
            None => {
                if self.problems.iter().all(|p| !p.starts_with("ENCRYPTION_MASTER_KEY")) {
                    self.problems.push(
                        "ENCRYPTION_MASTER_KEY: expected exactly 32 bytes (256 bits) in standard base64"
                            .into(),
                    );
                }
                MasterKey::new([0; 32])
            }
        }
    }
}

impl Config {
    /// Reads the configuration from the process environment.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] listing every invalid or missing variable.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(&|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, which maps a variable name to its value.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] listing every invalid or missing variable.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut r = Reader { lookup, problems: Vec::new() };

        let bind_text = r.get("KEYSERVER_BIND").unwrap_or_else(|| "127.0.0.1:8787".into());
        let bind = bind_text.parse().unwrap_or_else(|_| {
            r.problems.push(format!(
                "KEYSERVER_BIND: expected an address such as 127.0.0.1:8787, got {bind_text:?}"
            ));
            SocketAddr::from(([127, 0, 0, 1], 8787))
        });

        let database = match r.get("DATABASE_URL") {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Database::Postgres(url)
            }
            Some(_) => {
                r.problems
                    .push("DATABASE_URL: expected a postgres:// URL; unset it to use the SQLite file".into());
                Database::Sqlite(PathBuf::new())
            }
            None => Database::Sqlite(PathBuf::from(
                r.get("KEYSERVER_SQLITE_PATH").unwrap_or_else(|| "techdeck-keyserver.db".into()),
            )),
        };

        let master_key = r.master_key();

        let algorithm = match r.get("JWT_ALGORITHM").as_deref() {
            None | Some("EdDSA") => Algorithm::EdDsa,
            Some("ES256") => Algorithm::Es256,
            Some(other) => {
                r.problems.push(format!(
                    "JWT_ALGORITHM: unknown or unsupported algorithm {other:?}; use EdDSA (default) or ES256 \
                     (HMAC algorithms such as HS256 would give every verifier the signing secret)"
                ));
                Algorithm::EdDsa
            }
        };

        if let Some(secret) = r.get("JWT_SECRET_KEY") {
            if secret.len() < 32 {
                r.problems.push("JWT_SECRET_KEY: shorter than 256 bits; it is not used for signing (keys are Ed25519 or P-256), so unset it or make it at least 32 bytes".into());
            }
        }

        let level = r.get("HIPAA_COMPLIANCE_LEVEL").unwrap_or_else(|| COMPLIANCE_LEVEL.into());
        if level != COMPLIANCE_LEVEL {
            r.problems.push(format!(
                "HIPAA_COMPLIANCE_LEVEL: only {COMPLIANCE_LEVEL:?} is supported, got {level:?}"
            ));
        }

        // The specification's default lifetime of 24 hours is far longer than an access token
        // should live when refresh tokens exist, so the default here is 15 minutes.
        let access_hours = r.number("JWT_EXPIRATION_HOURS", 0.25, 1.0 / 60.0, 24.0);
        let refresh_days = r.number("JWT_REFRESH_EXPIRATION_DAYS", 7.0, 1.0 / 24.0, 90.0);
        let grace = r.number("REFRESH_GRACE_SECONDS", 0.0, 0.0, MAX_REFRESH_GRACE_SECONDS as f64);
        let rotation_enabled = r.flag("JWT_KEY_ROTATION_ENABLED", true);
        let rotation_days = r.number("JWT_KEY_ROTATION_DAYS", 30.0, 1.0 / 24.0, 365.0);
        let session_binding = r.flag("SESSION_BINDING", false);
        let snapshot_age = r.number("REVOCATION_SNAPSHOT_MAX_AGE_SECONDS", 60.0, 5.0, 3600.0);
        let retention_days = r.number("AUDIT_LOG_RETENTION_DAYS", 2555.0, 1.0, 36_500.0);
        let checkpoint_every = r.number("AUDIT_CHECKPOINT_INTERVAL", 1000.0, 1.0, 1_000_000.0);

        let rate_limits = RateLimits {
            default: r.rate("RATE_LIMIT_DEFAULT", "100/minute"),
            validation: r.rate("RATE_LIMIT_VALIDATION", "100/minute"),
            export: r.rate("RATE_LIMIT_EXPORT", "10/hour"),
            pipeline: r.rate("RATE_LIMIT_PIPELINE", "5/hour"),
            authentication: r.rate("RATE_LIMIT_AUTH", "20/minute"),
        };

        let redis_url = r.get("REDIS_URL");
        if let Some(url) = &redis_url {
            if !url.starts_with("redis://") && !url.starts_with("rediss://") {
                r.problems.push("REDIS_URL: expected a redis:// or rediss:// URL".into());
            }
        }

        let cors_origin = r.get("TECHDECK_ORIGIN");
        if let Some(origin) = &cors_origin {
            if !(origin.starts_with("https://") || origin.starts_with("http://")) || origin.ends_with('/') {
                r.problems.push(format!(
                    "TECHDECK_ORIGIN: expected an origin such as https://techdeck.example (scheme and host, no path), got {origin:?}"
                ));
            }
        }

        let config = Config {
            bind,
            database,
            master_key,
            algorithm,
            issuer: r.get("JWT_ISSUER").unwrap_or_else(|| "techdeck-keyserver".into()),
            audience: r.get("JWT_AUDIENCE").unwrap_or_else(|| "techdeck".into()),
            access_ttl: Duration::from_secs_f64(access_hours * 3600.0),
            refresh_ttl: Duration::from_secs_f64(refresh_days * 86_400.0),
            refresh_grace: Duration::from_secs_f64(grace),
            key_rotation: rotation_enabled.then(|| Duration::from_secs_f64(rotation_days * 86_400.0)),
            session_binding,
            snapshot_max_age: Duration::from_secs_f64(snapshot_age),
            rate_limits,
            redis_url,
            audit_retention: Duration::from_secs_f64(retention_days * 86_400.0),
            audit_checkpoint_every: checkpoint_every as u64,
            cors_origin,
        };
        if r.problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError(r.problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: std::collections::HashMap<String, String> =
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(&move |name| map.get(name).cloned())
    }

    #[test]
    fn defaults_follow_the_specification() {
        let c = config(&[("ENCRYPTION_MASTER_KEY", KEY)]).unwrap();
        assert_eq!(c.algorithm, Algorithm::EdDsa);
        assert_eq!(c.access_ttl, Duration::from_secs(900));
        assert_eq!(c.refresh_ttl, Duration::from_secs(7 * 86_400));
        assert_eq!(c.audit_retention, Duration::from_secs(2555 * 86_400));
        assert_eq!(c.rate_limits.authentication, Rate { count: 20, period: Duration::from_secs(60) });
        assert_eq!(c.rate_limits.default, Rate { count: 100, period: Duration::from_secs(60) });
        assert_eq!(c.rate_limits.export, Rate { count: 10, period: Duration::from_secs(3600) });
        assert_eq!(c.rate_limits.pipeline, Rate { count: 5, period: Duration::from_secs(3600) });
        assert_eq!(c.database, Database::Sqlite(PathBuf::from("techdeck-keyserver.db")));
        assert_eq!(c.refresh_grace, Duration::ZERO);
        assert_eq!(format!("{:?}", c.master_key), "MasterKey(redacted)");
    }

    #[test]
    fn missing_master_key_is_named() {
        let error = config(&[]).unwrap_err();
        assert_eq!(error.0.len(), 1);
        assert!(error.0[0].starts_with("ENCRYPTION_MASTER_KEY is missing"), "{}", error.0[0]);
    }

    #[test]
    fn short_master_key_is_rejected() {
        let error = config(&[("ENCRYPTION_MASTER_KEY", "c2hvcnQ=")]).unwrap_err();
        assert_eq!(
            error.0,
            vec!["ENCRYPTION_MASTER_KEY: expected exactly 32 bytes (256 bits) in standard base64"]
        );
    }

    #[test]
    fn master_key_file_is_read() {
        let path = std::env::temp_dir().join(format!("keyserver-master-{}", std::process::id()));
        std::fs::write(&path, format!("{KEY}\n")).unwrap();
        let c = config(&[("ENCRYPTION_MASTER_KEY_FILE", path.to_str().unwrap())]).unwrap();
        assert_eq!(c.master_key.expose_secret(), &[7u8; 32]);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn every_problem_is_listed_with_its_variable() {
        let error = config(&[
            ("ENCRYPTION_MASTER_KEY", KEY),
            ("JWT_ALGORITHM", "HS256"),
            ("JWT_EXPIRATION_HOURS", "forever"),
            ("RATE_LIMIT_AUTH", "20 per minute"),
            ("REFRESH_GRACE_SECONDS", "120"),
            ("DATABASE_URL", "mysql://x"),
            ("HIPAA_COMPLIANCE_LEVEL", "basic"),
            ("JWT_SECRET_KEY", "short"),
        ])
        .unwrap_err();
        let names: Vec<&str> = error.0.iter().map(|p| p.split(':').next().unwrap()).collect();
        assert_eq!(
            names,
            vec![
                "DATABASE_URL",
                "JWT_ALGORITHM",
                "JWT_SECRET_KEY",
                "HIPAA_COMPLIANCE_LEVEL",
                "JWT_EXPIRATION_HOURS",
                "REFRESH_GRACE_SECONDS",
                "RATE_LIMIT_AUTH"
            ]
        );
        assert!(error.0[1].contains("\"HS256\""), "the unknown algorithm is named: {}", error.0[1]);
    }

    #[test]
    fn postgres_url_and_overrides_are_taken() {
        let c = config(&[
            ("ENCRYPTION_MASTER_KEY", KEY),
            ("DATABASE_URL", "postgres://u@127.0.0.1/db"),
            ("JWT_ALGORITHM", "ES256"),
            ("RATE_LIMIT_DEFAULT", "5/second"),
            ("JWT_EXPIRATION_HOURS", "1"),
        ])
        .unwrap();
        assert_eq!(c.database, Database::Postgres("postgres://u@127.0.0.1/db".into()));
        assert_eq!(c.algorithm, Algorithm::Es256);
        assert_eq!(c.rate_limits.default, Rate { count: 5, period: Duration::from_secs(1) });
        assert_eq!(c.access_ttl, Duration::from_secs(3600));
    }
}
