/* tslint:disable */
/* eslint-disable */

/** Stable codes of `GuardError.code`. */
export type GuardErrorCode =
| "INVALID_OPTIONS"
| "INVALID_ARGUMENT"
| "INVALID_RULES"
| "INVALID_PATTERN"
| "INPUT_TOO_LARGE"
| "INVALID_JSON"
| "ALREADY_FINISHED"
| "UNKNOWN_ENDPOINT";

/** Stable codes of findings in reports. */
export type FindingCode =
| "FILE_TOO_LARGE"
| "FILE_EMPTY"
| "EXTENSION_NOT_ALLOWED"
| "CONTENT_TYPE_MISMATCH"
| "CONTENT_MISMATCH"
| "UNSAFE_FILE_NAME"
| "INVALID_ENCODING"
| "VALUE_TOO_LARGE"
| "CSV_UNTERMINATED_QUOTE"
| "CSV_STRAY_QUOTE"
| "CSV_RAGGED_ROW"
| "CSV_TOO_MANY_COLUMNS"
| "CSV_BAD_HEADER"
| "JSON_SYNTAX"
| "JSON_TOO_DEEP"
| "JSON_DUPLICATE_KEY"
| "JSON_LONE_SURROGATE"
| "JSON_NUMBER_TOO_LONG"
| "JSONL_INVALID_LINE"
| "PARQUET_INVALID"
| "MALICIOUS_CONTENT"
| "FORMULA_INJECTION"
| "SECRET"
| "FIELD_TYPE"
| "FIELD_TOO_LONG"
| "FIELD_PATTERN"
| "FIELD_MISSING"
| "FIELD_UNKNOWN"
| "FIELD_FORBIDDEN"
| "ROLE_NOT_ALLOWED";

/** Options for `validateUpload` and `new UploadValidator`. */
export interface UploadOptions {
    /** The file's name as the user chose it, such as `File.name`. */
    fileName: string;
    /** The declared content type, such as `File.type`. An empty string gets no warning. */
    contentType?: string;
    /** The declared size in bytes, such as `File.size`; checked before any byte is read. */
    size?: number;
    /** Maximum file size in MiB (the pipeline's `MAX_FILE_SIZE_MB`); default 100. */
    maxFileSizeMb?: number;
    /** CSV delimiter; detected from the start of the file when absent. */
    csvDelimiter?: "," | ";" | "\t" | "|";
    /**
     * `validateUpload` only: also return `sanitizedData`, the upload without invisible and
     * control characters, when it is a valid CSV, JSON or JSON Lines file.
     */
    sanitize?: boolean;
}

/** The position of a finding. Each format fills the fields it has. */
export interface Location {
    /** 1-based physical line where the value starts. */
    line?: number;
    /** 1-based data record: a CSV row after the header, or a JSON Lines document. */
    record?: number;
    /** CSV column name (`#N` without a header), Parquet column path, or request field name. */
    column?: string;
    /** RFC 6901 JSON Pointer; in JSON Lines it points into the line's document. */
    pointer?: string;
    /** 0-based byte offset in the file. */
    offset?: number;
}

/** One problem found in the input. The message never quotes the offending value. */
export interface Finding {
    code: FindingCode;
    severity: "error" | "warning";
    /** The rule that matched inside the code, such as `aws_access_key_id` for `SECRET`. */
    rule?: string;
    location: Location;
    /** A short reason and what to do. */
    message: string;
}

/** Counts gathered while validating an upload. */
export interface UploadStats {
    bytes: number;
    /** The format the file was read as: "csv", "json", "jsonl" or "parquet". */
    format?: "csv" | "json" | "jsonl" | "parquet";
    /** Data records: CSV rows, JSON Lines documents, top-level JSON array elements, Parquet rows. */
    records: number;
    /** Values checked: cells, strings, numbers and keys. */
    values: number;
    /** The CSV delimiter that was used. */
    delimiter?: string;
    /** Column names from the CSV header or the Parquet schema. */
    columns?: string[];
    /** Findings counted but not kept, beyond 100 per code. */
    suppressed: number;
}

/** The result of validating an upload. */
export interface UploadReport {
    valid: boolean;
    errors: Finding[];
    warnings: Finding[];
    stats: UploadStats;
    /**
     * Present when `sanitize` was set: the sanitized bytes, or `null` when the upload is
     * invalid or a Parquet file.
     */
    sanitizedData?: Uint8Array | null;
}

/** The rules of one request field. */
export interface FieldRule {
    type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
    required?: boolean;
    /** Maximum length in characters of the string, or of the JSON text of another value. */
    maxLength?: number;
    /** A regular expression that must match the whole value (linear-time syntax, no look-around). */
    pattern?: string;
}

/** The rules of one endpoint. */
export interface EndpointRules {
    /**
     * Roles that may call the endpoint, matched exactly. Without it, the roles named in
     * `roleRestrictions` may, or every role when that is absent too.
     */
    roles?: string[];
    /** Reject fields that have no rule. */
    strict?: boolean;
    fields?: Record<string, FieldRule>;
    /** Fields that a role may not send, by exact role name. */
    roleRestrictions?: Record<string, string[]>;
}

/** A request rule table; endpoints without rules are rejected. */
export interface RuleTable {
    endpoints: Record<string, EndpointRules>;
}

/** The result of validating a request. */
export interface RequestReport {
    valid: boolean;
    errors: Finding[];
    warnings: Finding[];
    /** The request with invisible and control characters removed; `null` when invalid. */
    sanitized: Record<string, unknown> | null;
    /** Findings counted but not kept, beyond 100 per code. */
    suppressed: number;
}


/** Stable codes of a rejected token, in `GuardError.code` and in a guard decision's body. */
export type TokenErrorCode =
| "TOKEN_MALFORMED"
| "TOKEN_TOO_LARGE"
| "TOKEN_NONCANONICAL_BASE64"
| "TOKEN_ALG_NONE"
| "TOKEN_ALG_MISMATCH"
| "TOKEN_EMBEDDED_KEY"
| "TOKEN_KID_INVALID"
| "TOKEN_UNKNOWN_KID"
| "TOKEN_CRIT"
| "TOKEN_WRONG_TYP"
| "TOKEN_DUPLICATE_HEADER"
| "TOKEN_DUPLICATE_CLAIM"
| "TOKEN_ZERO_SIGNATURE"
| "TOKEN_NONCANONICAL_SIGNATURE"
| "TOKEN_SIGNATURE_INVALID"
| "TOKEN_TIME_NOT_INTEGER"
| "TOKEN_TIME_OUT_OF_RANGE"
| "TOKEN_CLAIM_MISSING"
| "TOKEN_EXPIRED"
| "TOKEN_NOT_YET_VALID"
| "TOKEN_WRONG_ISSUER"
| "TOKEN_WRONG_AUDIENCE"
| "TOKEN_WRONG_TYPE"
| "TOKEN_WRONG_COMPLIANCE_LEVEL"
| "TOKEN_LIFETIME_TOO_LONG"
| "TOKEN_REVOKED"
| "TOKEN_SUBJECT_REVOKED"
| "TOKEN_SESSION_MISMATCH"
| "TOKEN_REPLAYED"
| "INVALID_KEY"
| "REVOCATION_STALE"
| "REVOCATION_ROLLBACK";

/** A JWK Set (RFC 7517) with Ed25519 (`OKP`) and P-256 (`EC`) public keys, each with a `kid`. */
export interface JsonWebKeySet {
    keys: Array<Record<string, unknown>>;
}

/** Options of `EdgeGuard`. Every optional value has a secure default. */
export interface EdgeGuardOptions {
    /** The exact `iss` of tokens and revocation snapshots. */
    issuer: string;
    /** The audience that each token's `aud` must contain. */
    audience: string;
    /** The issuer's public keys, as JSON text or an object. */
    jwks: string | JsonWebKeySet;
    /** Allowed clock difference in seconds; default 30, at most 60. */
    leeway?: number;
    /** Maximum token size in bytes; default and maximum 8192. */
    maxTokenBytes?: number;
    /** Maximum `exp - iat` of an access token in seconds; default 86400. */
    maxAccessLifetime?: number;
    /** Maximum `exp - iat` of a refresh token in seconds; default 604800. */
    maxRefreshLifetime?: number;
    /** Reject tokens without a session binding and requests without `ip` and `user-agent`; default false. */
    requireBinding?: boolean;
    /** Reject every token until a fresh revocation snapshot is loaded; default true. */
    requireRevocationSnapshot?: boolean;
    /** Minimum seconds between two key refreshes signalled by an unknown `kid`; default 300. */
    keyRefreshCooldown?: number;
    /** Number of verified tokens kept; default 1024, 0 turns the cache off. */
    cacheCapacity?: number;
    /** Access rules that extend or replace the built-in roles, as JSON text or an object. */
    accessRules?: string | Record<string, unknown>;
    /**
     * An HS256 shared secret of at least 32 bytes, for edge-only deployments. Accepted only in
     * Cloudflare Workers and Node; a browser gets `INVALID_OPTIONS`.
     */
    hmacSecret?: { kid: string; secret: Uint8Array };
}

/** One request as the Worker describes it to `EdgeGuard.guard`. */
export interface GuardRequest {
    method?: string;
    path?: string;
    query?: Record<string, string>;
    /** Request headers; `authorization` carries `Bearer <token>`. */
    headers?: Record<string, string>;
    /** The client's IP address, for the session binding. Never copied into the audit event. */
    ip?: string;
    /** The request body as text. */
    body?: string;
    /** The action, such as `read`, `write` or `analyze_data`. */
    action: string;
    /** The resource, such as `patient_records`. */
    resource: string;
    /** The user id owning the resource, for roles that reach only their own data. */
    owner?: string;
    /** The patient the resource belongs to, for roles that reach assigned patients. */
    patient?: string;
    /** Whether the resource is de-identified. */
    deidentified?: boolean;
    /** Fields the request reads, checked against the role's minimum necessary set. */
    requestedFields?: string[];
    /** Whether the Worker's rate limiter reports a violation. */
    rateLimited?: boolean;
    /** Whether the body must be an encrypted package. */
    requiresEncryption?: boolean;
    /** Whether the endpoint accepts PHI in a plaintext body. */
    acceptsPhi?: boolean;
    /** Whether the token may be used only once. */
    oneTime?: boolean;
    /** The current time in seconds; `Date.now()` when absent. */
    now?: number;
}

/** The claims of a verified access token. */
export interface AccessClaims {
    iss: string;
    aud: string | string[];
    sub: string;
    user_id: string;
    role: string;
    type: "access";
    jti: string;
    session_id: string;
    iat: number;
    exp: number;
    nbf?: number;
    compliance_level: "hipaa_plus_plus";
    patients?: string[];
    reason?: string;
    bind_salt?: string;
    ip_hash?: string;
    user_agent_hash?: string;
}

/** The request facts for `EdgeGuard.verifyAccessToken`. */
export interface VerifyContext {
    ip?: string;
    userAgent?: string;
    oneTime?: boolean;
    now?: number;
}

/** The audit event of one decision: no token, body, path, query or IP address. */
export interface AuditEvent {
    eventType: "access_decision";
    timestamp: number;
    userId: string | null;
    role: string | null;
    jti: string | null;
    sessionId: string | null;
    action: string;
    resource: string;
    decision: "allow" | "challenge" | "deny";
    status: number;
    code: string | null;
    breakGlass: boolean;
    phi: boolean;
    riskScore: number;
    threats: string[];
}

/** One threat found in one field. */
export interface ThreatReason {
    threat: string;
    /** `path`, `query.<name>`, `body/<pointer>` or empty for request-wide threats. */
    field: string;
    rule: string;
}

/** The threat monitoring verdict. */
export interface MonitoringVerdict {
    threat_detected: boolean;
    threats: string[];
    risk_score: number;
    action: "allow" | "challenge" | "block";
    reasons: ThreatReason[];
}

/** The compliance result. */
export interface ComplianceResult {
    compliant: boolean;
    violations: string[];
    recommendations: string[];
    body_format: "empty" | "encrypted_package" | "plaintext";
}

/** The decision of `EdgeGuard.guard` and `EdgeGuard.guardAsync`. */
export interface GuardDecision {
    allowed: boolean;
    /** 200 when allowed; otherwise 401, 403, 422, 429 or 503. */
    status: number;
    /** The JSON body of a rejection. */
    body: { code: string; reason: string } | null;
    /** Security headers to add to the response. */
    headers: Record<string, string>;
    audit: AuditEvent;
    /** Whether to fetch the JWK Set again and call `replaceKeys`. */
    refreshKeys: boolean;
    claims: AccessClaims | null;
    monitoring: MonitoringVerdict | null;
    compliance: ComplianceResult | null;
}



/**
 * The edge guard for Cloudflare Workers (and Node): verifies the access token, checks access,
 * scores the request for threats, checks compliance and returns one decision.
 */
export class EdgeGuard {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Decides one request like `guard`, with EdDSA and ES256 signatures checked by the
     * runtime's WebCrypto, which is several times faster than the built-in check. Where
     * WebCrypto lacks the algorithm, the built-in check runs instead.
     */
    guardAsync(request: GuardRequest): Promise<GuardDecision>;
    /**
     * Decides one request: token, access, threat monitoring and compliance.
     */
    guard(request: GuardRequest): GuardDecision;
    /**
     * Returns the public JWK Set as JSON text, for a cache such as Workers KV.
     */
    keySet(): string;
    /**
     * Verifies a revocation snapshot from the key server and loads it; returns its `seq`.
     */
    loadRevocations(snapshot: string, now?: number | null): number;
    /**
     * Creates a guard from options with secure defaults.
     */
    constructor(options: EdgeGuardOptions);
    /**
     * Replaces the keys with a new JWK Set after a rotation; the token cache is emptied. A
     * configured HMAC secret is not kept.
     */
    replaceKeys(jwks: string | JsonWebKeySet, now?: number | null): void;
    /**
     * Revokes every token of `subject` issued before `notBefore`.
     */
    revokeSubject(subject: string, notBefore: number): void;
    /**
     * Revokes one token by its `jti` until `exp`.
     */
    revoke(jti: string, exp: number): void;
    /**
     * Verifies an access token like `verifyAccessToken`, with EdDSA and ES256 signatures
     * checked by the runtime's WebCrypto.
     */
    verifyAccessTokenAsync(token: string, context: VerifyContext | undefined): Promise<AccessClaims>;
    /**
     * Verifies an access token on its own and returns its claims.
     */
    verifyAccessToken(token: string, context: VerifyContext | undefined): AccessClaims;
}

/**
 * A compiled request rule table.
 */
export class RequestRules {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Returns the endpoint names in the table.
     */
    endpoints(): string[];
    /**
     * Compiles a rule table given as JSON text or as an object.
     */
    constructor(rules: string | RuleTable);
    /**
     * Validates a request body (JSON text or an object) sent to `endpoint` by `role`.
     */
    validate(request: string | Record<string, unknown>, endpoint: string, role: string): RequestReport;
}

/**
 * Removes invisible and control characters from a CSV, JSON or JSON Lines stream, keeping
 * its format valid.
 */
export class Sanitizer {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Returns the bytes that the last chunk left open, unchanged.
     */
    finish(): Uint8Array;
    /**
     * Creates a sanitizer.
     */
    constructor();
    /**
     * Returns the sanitized bytes of the next chunk. A character split between chunks comes
     * out with the chunk that completes it.
     */
    update(chunk: Uint8Array): Uint8Array;
    /**
     * Returns the number of characters removed so far.
     */
    readonly removed: number;
}

/**
 * Validates an upload fed chunk by chunk, for example from `File.stream()`.
 */
export class UploadValidator {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Reads the end of the file and returns the report.
     */
    finish(): UploadReport;
    /**
     * Creates a validator and checks the file name, extension, content type and size.
     */
    constructor(options: UploadOptions);
    /**
     * Reads the next chunk. Chunks may split records and characters anywhere.
     */
    update(chunk: Uint8Array): void;
    /**
     * `true` once the file is certain to be invalid; the caller may stop reading it.
     */
    readonly rejected: boolean;
}

/**
 * Validates a whole upload held in memory and returns the report.
 *
 * With `sanitize: true`, a valid CSV, JSON or JSON Lines upload also comes back as
 * `sanitizedData`: the same bytes without invisible and control characters. For files larger
 * than a few megabytes, stream them through `UploadValidator` and `Sanitizer` instead.
 */
export function validateUpload(bytes: Uint8Array, options: UploadOptions): UploadReport;

/**
 * Returns the package version.
 */
export function version(): string;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_edgeguard_free: (a: number, b: number) => void;
    readonly __wbg_requestrules_free: (a: number, b: number) => void;
    readonly __wbg_sanitizer_free: (a: number, b: number) => void;
    readonly __wbg_uploadvalidator_free: (a: number, b: number) => void;
    readonly edgeguard_guard: (a: number, b: any) => [number, number, number];
    readonly edgeguard_guardAsync: (a: number, b: any) => [number, number, number];
    readonly edgeguard_keySet: (a: number) => [number, number, number, number];
    readonly edgeguard_loadRevocations: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
    readonly edgeguard_new: (a: any) => [number, number, number];
    readonly edgeguard_replaceKeys: (a: number, b: any, c: number, d: number) => [number, number];
    readonly edgeguard_revoke: (a: number, b: number, c: number, d: number) => [number, number];
    readonly edgeguard_revokeSubject: (a: number, b: number, c: number, d: number) => [number, number];
    readonly edgeguard_verifyAccessToken: (a: number, b: number, c: number, d: any) => [number, number, number];
    readonly edgeguard_verifyAccessTokenAsync: (a: number, b: number, c: number, d: any) => [number, number, number];
    readonly requestrules_endpoints: (a: number) => [number, number];
    readonly requestrules_new: (a: any) => [number, number, number];
    readonly requestrules_validate: (a: number, b: any, c: any, d: any) => [number, number, number];
    readonly sanitizer_finish: (a: number) => any;
    readonly sanitizer_new: () => number;
    readonly sanitizer_removed: (a: number) => number;
    readonly sanitizer_update: (a: number, b: any) => [number, number, number];
    readonly uploadvalidator_finish: (a: number) => [number, number, number];
    readonly uploadvalidator_new: (a: any) => [number, number, number];
    readonly uploadvalidator_rejected: (a: number) => number;
    readonly uploadvalidator_update: (a: number, b: any) => [number, number];
    readonly validateUpload: (a: any, b: any) => [number, number, number];
    readonly version: () => [number, number];
    readonly wasm_bindgen__convert__closures_____invoke__h60702a48838d1764: (a: number, b: number, c: any) => [number, number];
    readonly wasm_bindgen__convert__closures_____invoke__hb98d63cc49481475: (a: number, b: number, c: any, d: any) => void;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __wbindgen_destroy_closure: (a: number, b: number) => void;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __externref_drop_slice: (a: number, b: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
