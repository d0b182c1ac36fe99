//! Schema migrations for both backends.
//!
//! Each migration has a SQLite and a PostgreSQL form because the two name their binary type
//! differently (`BLOB`, `BYTEA`). Everything else uses the SQL both accept, so queries elsewhere
//! are shared. Times are Unix seconds in 64-bit integers and flags are 0 or 1.

/// One schema step: its version, the statements both backends run, then those of one backend.
pub(super) struct Migration {
    pub version: i64,
    pub common: &'static [&'static str],
    pub sqlite: &'static [&'static str],
    pub postgres: &'static [&'static str],
}

const V1_COMMON: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        patients TEXT NOT NULL,
        disabled BIGINT NOT NULL DEFAULT 0,
        not_before BIGINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS families (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT
    )",
    "CREATE TABLE IF NOT EXISTS refresh_tokens (
        hash TEXT PRIMARY KEY,
        family_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        state TEXT NOT NULL,
        issued_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        rotated_at BIGINT,
        successor TEXT
    )",
    "CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens (family_id)",
    "CREATE TABLE IF NOT EXISTS access_tokens (
        jti TEXT PRIMARY KEY,
        family_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL
    )",
    "CREATE INDEX IF NOT EXISTS access_tokens_family ON access_tokens (family_id)",
    "CREATE TABLE IF NOT EXISTS revoked_tokens (
        jti TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS counters (
        name TEXT PRIMARY KEY,
        value BIGINT NOT NULL
    )",
    "INSERT INTO counters (name, value) VALUES ('revocation_seq', 0) ON CONFLICT (name) DO NOTHING",
    "CREATE TABLE IF NOT EXISTS audit_log (
        seq BIGINT PRIMARY KEY,
        at BIGINT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        resource TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS audit_head (
        id BIGINT PRIMARY KEY,
        seq BIGINT NOT NULL,
        hash TEXT NOT NULL
    )",
    "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '') ON CONFLICT (id) DO NOTHING",
];

const V1_SQLITE: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS signing_keys (
        kid TEXT PRIMARY KEY,
        alg TEXT NOT NULL,
        public_key BLOB NOT NULL,
        sealed_private_key BLOB NOT NULL,
        created_at BIGINT NOT NULL,
        retired_at BIGINT,
        verify_until BIGINT
    )",
    "CREATE TABLE IF NOT EXISTS audit_checkpoints (
        seq BIGINT PRIMARY KEY,
        hash TEXT NOT NULL,
        at BIGINT NOT NULL,
        kid TEXT NOT NULL,
        signature BLOB NOT NULL
    )",
];

const V1_POSTGRES: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS signing_keys (
        kid TEXT PRIMARY KEY,
        alg TEXT NOT NULL,
        public_key BYTEA NOT NULL,
        sealed_private_key BYTEA NOT NULL,
        created_at BIGINT NOT NULL,
        retired_at BIGINT,
        verify_until BIGINT
    )",
    "CREATE TABLE IF NOT EXISTS audit_checkpoints (
        seq BIGINT PRIMARY KEY,
        hash TEXT NOT NULL,
        at BIGINT NOT NULL,
        kid TEXT NOT NULL,
        signature BYTEA NOT NULL
    )",
];

const V2_COMMON: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS datasets (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        patients TEXT NOT NULL,
        anonymized BIGINT NOT NULL,
        created_at BIGINT NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS shredded_conversations (
        dataset_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        destroyed_at BIGINT NOT NULL,
        PRIMARY KEY (dataset_id, conversation_id)
    )",
    "INSERT INTO counters (name, value) VALUES ('kek_min_decrypt_version', 1) ON CONFLICT (name) DO NOTHING",
];

const V2_SQLITE: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS kek_versions (
        version BIGINT PRIMARY KEY,
        sealed_kek BLOB NOT NULL,
        created_at BIGINT NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS data_keys (
        dataset_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        kek_version BIGINT NOT NULL,
        wrapped_key BLOB,
        created_at BIGINT NOT NULL,
        destroyed_at BIGINT,
        PRIMARY KEY (dataset_id, key_id)
    )",
];

const V2_POSTGRES: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS kek_versions (
        version BIGINT PRIMARY KEY,
        sealed_kek BYTEA NOT NULL,
        created_at BIGINT NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS data_keys (
        dataset_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        kek_version BIGINT NOT NULL,
        wrapped_key BYTEA,
        created_at BIGINT NOT NULL,
        destroyed_at BIGINT,
        PRIMARY KEY (dataset_id, key_id)
    )",
];

/// Every migration, oldest first. A migration never changes once released.
pub(super) const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, common: V1_COMMON, sqlite: V1_SQLITE, postgres: V1_POSTGRES },
    Migration { version: 2, common: V2_COMMON, sqlite: V2_SQLITE, postgres: V2_POSTGRES },
];
