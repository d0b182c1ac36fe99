/* tslint:disable */
/* eslint-disable */

/** A Safe Harbor identifier type code. */
export type PhiTypeCode =
| "NAME"
| "ADDRESS"
| "CITY"
| "ZIP"
| "DATE"
| "AGE_OVER_89"
| "PHONE"
| "FAX"
| "EMAIL"
| "SSN"
| "MRN"
| "HEALTH_PLAN_ID"
| "ACCOUNT_NUMBER"
| "LICENSE_NUMBER"
| "VEHICLE_ID"
| "DEVICE_ID"
| "URL"
| "IP_ADDRESS"
| "OTHER_ID";

/** A de-identification operator. */
export type DeidOperator = "tag" | "mask" | "remove" | "hash" | "pseudonym" | "surrogate" | "shift" | "keep";

/** The format of a file to scan or redact. */
export type DeidFormat = "csv" | "json" | "jsonl" | "parquet" | "text";

/** Progress of a streaming scan or redaction, passed to `onProgress` after each `feed`. */
export interface DeidProgress {
    bytesRead: number;
}

/** Options of `DatasetScanner`. */
export interface DatasetScannerOptions {
    format: DeidFormat;
    /** The types to report; every type by default. */
    types?: PhiTypeCode[];
    /** Findings below this confidence are dropped; 0.5 by default. */
    minConfidence?: number;
    /** CSV delimiter; detected when absent. */
    csvDelimiter?: "," | ";" | "|" | "\t";
    /** Adds the found text to each finding. It is PHI: never log it. */
    includeText?: boolean;
    onProgress?: (progress: DeidProgress) => void;
}

/**
 * The location of a finding: `{ row, column }` in CSV, `{ line, pointer }` in JSON Lines,
 * `{ pointer }` in JSON, `{}` in text.
 */
export type PhiLocation =
| { row: number; column: string }
| { line: number; pointer: string }
| { pointer: string }
| Record<string, never>;

/** One identifier found in a value (in the whole file for text). */
export interface PhiFinding {
    location: PhiLocation;
    type: PhiTypeCode;
    /** UTF-8 byte offset into the value (into the file for text). */
    start: number;
    end: number;
    /** The same range in UTF-16 code units, for `String.prototype.slice` and highlighting. */
    utf16: { start: number; end: number };
    confidence: number;
    recognizer: string;
    /** Only with `includeText`. */
    text?: string;
}

/** Counts and reader problems of a scan. */
export interface ScanSummary {
    bytes: number;
    records: number;
    values: number;
    findings: number;
    /** False when some value could not be read and was not scanned. */
    complete: boolean;
    problems: Finding[];
}

/** Options of `Redactor` and `redact`. */
export interface RedactorOptions {
    /** With `parquet`, the file is kept until `finish`, which returns the whole output. */
    format: DeidFormat;
    /** Operator per type code (`"*"` for all), or `TYPE=OPERATOR` strings; `tag` by default. */
    operators?: Partial<Record<PhiTypeCode | "*", DeidOperator>> | string[];
    /** The per-dataset key of hash, pseudonym, surrogate and shift: 32 bytes. */
    key?: Uint8Array;
    /** The CSV column or JSON key naming the person a record is about, for date shifting. */
    subjectField?: string;
    types?: PhiTypeCode[];
    minConfidence?: number;
    csvDelimiter?: "," | ";" | "|" | "\t";
    onProgress?: (progress: DeidProgress) => void;
}

/** The counts of a redaction's findings and changes. It never contains a value. */
export interface SafeHarborReport {
    format: "csv" | "json" | "jsonl" | "text";
    /** False when some value could not be read or rewritten: do not share the output then. */
    complete: boolean;
    bytes: number;
    records: number;
    values: number;
    changedValues: number;
    types: { type: PhiTypeCode; operator: DeidOperator; found: number; changed: number }[];
    locations: { location: string; type: PhiTypeCode; found: number; changed: number }[];
    omittedLocations: number;
    datesWithoutSubject: number;
    unredactedValues: number;
    problems: Finding[];
}

/** The result of `redact` and `Redactor.finish`. */
export interface RedactResult {
    output: Uint8Array;
    report: SafeHarborReport;
}



/** One string value of a Parquet row group. */
export interface ParquetValue {
    /** 1-based row in the file. */
    record: number;
    /** 0-based leaf column index. */
    column: number;
    /** The column path, with the names of enclosing groups joined by `.`. */
    columnName: string;
    text: string;
    /** File offset of the page that contains the value. */
    offset: number;
}

/** What `ParquetFile.readRowGroup` returns: values in row order, and findings. */
export interface ParquetRows {
    values: ParquetValue[];
    findings: Finding[];
}

/** Where a value passed to a `rewriteParquet` edit sits. */
export interface ParquetCell {
    /** 0-based leaf column index. */
    column: number;
    /** The column path. */
    name: string;
    /** 1-based row. */
    record: number;
}

/**
 * Returns the replacement for one string value, or `null` or `undefined` to keep it. An
 * exception stops the rewrite and is thrown by `rewriteParquet`.
 */
export type ParquetEdit = (text: string, cell: ParquetCell) => string | null | undefined;

/** Options for `rewriteParquet`. */
export interface RewriteParquetOptions {
    /** Codec of the rewritten string columns; default `"snappy"`. */
    compression?: "snappy" | "none";
}



/** Stable codes of `GuardError.code`. */
export type GuardErrorCode =
| "INVALID_OPTIONS"
| "INVALID_ARGUMENT"
| "INVALID_RULES"
| "INVALID_PATTERN"
| "INPUT_TOO_LARGE"
| "INVALID_JSON"
| "ALREADY_FINISHED"
| "UNKNOWN_ENDPOINT"
| "PARQUET_UNREADABLE"
| "INVALID_KEY"
| "UNSUPPORTED_FORMAT"
| "INVALID_DICTIONARY"
| SealErrorCode;

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
| "PARQUET_UNSUPPORTED"
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
    /** 1-based data record: a CSV row after the header, a JSON Lines document or a Parquet row. */
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



/** The Safe Harbor identifier types that the PHI scanner reports. */
export type PhiType =
| "NAME"
| "ADDRESS"
| "CITY"
| "ZIP"
| "DATE"
| "AGE_OVER_89"
| "PHONE"
| "FAX"
| "EMAIL"
| "SSN"
| "MRN"
| "HEALTH_PLAN_ID"
| "ACCOUNT_NUMBER"
| "LICENSE_NUMBER"
| "VEHICLE_ID"
| "DEVICE_ID"
| "URL"
| "IP_ADDRESS"
| "OTHER_ID";

/** Options of `Scanner`. Every key is optional; unknown keys are rejected. */
export interface ScannerOptions {
    /** The types to report; the default is every type. */
    types?: PhiType[];
    /** Findings below this confidence (0 to 1) are dropped; the default is 0.5. */
    minConfidence?: number;
    /** Extra regexes (Rust `regex` syntax, linear time), at most 64. */
    patterns?: { type: PhiType; pattern: string; confidence?: number }[];
    /** Values never reported, compared without regard to case. */
    allow?: string[];
    /** Words or phrases always reported as their type, matched as whole words. */
    deny?: { type: PhiType; value: string }[];
}

/** One identifier found in a text. It never contains the text itself. */
export interface PhiFinding {
    type: PhiType;
    /** UTF-8 byte offsets into the text. */
    start: number;
    end: number;
    /** UTF-16 offsets, for `text.slice(start16, end16)` in JavaScript. */
    start16: number;
    end16: number;
    /** From 0 to 1. */
    confidence: number;
    /** The recognizer that found it, such as "ssn" or "name". */
    recognizer: string;
}


/** Codes of the errors that encryption and decryption throw, in `GuardError.code`. */
export type SealErrorCode =
| "NOT_AUTHENTIC"
| "INVALID_KEY_LENGTH"
| "ALREADY_FINISHED"
| "MESSAGE_TOO_LONG"
| "RANDOM_UNAVAILABLE"
| "INVALID_WRAPPED_KEY"
| "KEK_VERSION_MISMATCH"
| "INVALID_ID"
| "INVALID_HEADER"
| "UNSUPPORTED_VERSION"
| "UNSUPPORTED_ALGORITHM"
| "UNKNOWN_LEVEL"
| "INVALID_CHUNK_SIZE"
| "KEY_REFERENCE"
| "MISSING_FIELDS"
| "INVALID_PACKAGE"
| "PACKAGE_TOO_LARGE";

/** An encryption level; see docs/format.md for what each one pads. */
export type SealLevel = "standard" | "enhanced" | "maximum";

/** The chunk cipher: WebCrypto where the runtime has it ("auto"), or always one of the two. */
export type SealBackend = "auto" | "webcrypto" | "rust";

/** Bytes read and written so far, reported after each piece of input. */
export interface SealProgress {
    bytesIn: number;
    bytesOut: number;
}

/**
 * The key that seals or opens a file: a 32-byte `dataKey` held by the key server, or a
 * 32-byte `kek` with its `kekVersion`, which wraps a fresh data key into the header.
 */
export type SealKeyOptions =
| { dataKey: Uint8Array; kek?: undefined; kekVersion?: undefined }
| { kek: Uint8Array; kekVersion: number; dataKey?: undefined };

/** Options of `FileEncryptor` and `encryptStream`. Unknown keys are rejected. */
export type EncryptFileOptions = SealKeyOptions & {
    /** The dataset id bound to the file, 1 to 255 bytes of UTF-8. It must not contain PHI. */
    datasetId: string;
    /** The id of the data key, 1 to 255 bytes of UTF-8. */
    keyId: string;
    /** Default "standard". */
    level?: SealLevel;
    /** Plaintext bytes per chunk, a power of two from 4096 to 1048576. Default 65536. */
    chunkSize?: number;
    /** Default "auto". `FileEncryptor` checks it but always uses Rust. */
    backend?: SealBackend;
    onProgress?: (progress: SealProgress) => void;
};

/** Options of `FileDecryptor` and `decryptStream`. Unknown keys are rejected. */
export type DecryptFileOptions = SealKeyOptions & {
    backend?: SealBackend;
    onProgress?: (progress: SealProgress) => void;
};

/** The public fields of an encrypted file's header. None of them is secret. */
export interface EncryptedFileHeader {
    version: number;
    level: SealLevel;
    chunkSize: number;
    keyId: string;
    datasetId: string;
    /** "wrapped": the data key is in the header; "reference": the key server stores it. */
    keySource: "wrapped" | "reference";
    /** The KEK version of a wrapped key, or null. */
    kekVersion: number | null;
    headerLength: number;
}

/** Options of the JSON package functions. Unknown keys are rejected. */
export interface PackageOptions {
    /** The id of the dataset key, 1 to 255 bytes of UTF-8. */
    keyId: string;
    /** Default "standard". "enhanced" pads to 256 bytes, "maximum" to a power of two. */
    level?: SealLevel;
    /** Stored and authenticated as given. Default: the current time, `Date.toISOString()`. */
    timestamp?: string;
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
 * A streaming PHI scan of a dataset or text file.
 */
export class DatasetScanner {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Reads the next chunk and returns the findings in the values it completed.
     */
    feed(chunk: Uint8Array): PhiFinding[];
    /**
     * Reads the end of the file and returns the last findings.
     */
    finish(): PhiFinding[];
    /**
     * Creates a scanner from options: `format` (required), `types`, `minConfidence`,
     * `csvDelimiter`, `includeText` and `onProgress`.
     */
    constructor(options: DatasetScannerOptions);
    /**
     * Returns the counts and reader problems so far. A text scan has no records or problems.
     */
    summary(): ScanSummary;
    /**
     * Returns the number of bytes read so far.
     */
    readonly bytesRead: number;
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
 * Decrypts a file chunk by chunk in Rust, releasing only verified plaintext.
 */
export class FileDecryptor {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Verifies the final chunk and returns its plaintext. Until this returns, the plaintext
     * from `push` may be a truncated file.
     */
    finish(): Uint8Array;
    /**
     * Returns how many bytes the header needs, as `encryptedHeaderLength` does.
     */
    headerLength(prefix: Uint8Array): number;
    /**
     * Starts decrypting with `dataKey`, or with `kek` and `kekVersion` for a wrapped key.
     */
    constructor(options: DecryptFileOptions);
    /**
     * Parses a complete header, unwraps or takes the data key, checks the key commitment and
     * returns the keys that the WebCrypto chunk cipher needs.
     */
    openHeader(header: Uint8Array): object;
    /**
     * Reads the next piece of the file and returns the plaintext of the chunks that verified.
     */
    push(chunk: Uint8Array): Uint8Array;
    /**
     * Returns the header once `push` has read it and the key commitment has verified.
     */
    readonly header: EncryptedFileHeader | undefined;
}

/**
 * Encrypts a file chunk by chunk in Rust.
 */
export class FileEncryptor {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Seals the final chunk and returns the rest of the ciphertext.
     */
    finish(): Uint8Array;
    /**
     * Starts a file. With `kek` and `kekVersion`, a fresh data key is drawn and stored in the
     * header wrapped under the KEK; with `dataKey`, the header refers to the key by `keyId`.
     */
    constructor(options: EncryptFileOptions);
    /**
     * Encrypts the next piece of plaintext and returns the ciphertext that is complete.
     */
    push(chunk: Uint8Array): Uint8Array;
    /**
     * Returns a `TransformStream` that seals this file's chunks with WebCrypto: the same
     * bytes as `push` and `finish` would write. Use either, not both, for one file.
     */
    webCryptoStream(on_progress: (progress: SealProgress) => void): TransformStream<Uint8Array, Uint8Array>;
    /**
     * Returns the encoded header, which the first `push` or `finish` writes first.
     */
    readonly header: Uint8Array;
}

/**
 * A Parquet file whose footer has been read. Its row groups are read one at a time from byte
 * ranges, such as slices of a browser `File`, so memory stays bounded by one row group.
 */
export class ParquetFile {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Decodes the footer from the file's first 4 bytes and its last `tailLength` bytes.
     */
    constructor(head: Uint8Array, tail: Uint8Array, fileSize: number);
    /**
     * Reads row group `index` from the bytes of its range and returns its string values in
     * row order, with the findings about it.
     */
    readRowGroup(index: number, bytes: Uint8Array): ParquetRows;
    /**
     * Returns `[start, end)`, the byte range of row group `index`.
     */
    rowGroupRange(index: number): [number, number];
    /**
     * Returns how many bytes from the end of the file the constructor needs, from the file's
     * last 8 bytes and its size.
     */
    static tailLength(trailer: Uint8Array, fileSize: number): number;
    /**
     * The leaf column paths.
     */
    readonly columns: string[];
    /**
     * Findings about the schema, such as list columns that are not read.
     */
    readonly findings: Finding[];
    /**
     * The row count from the footer.
     */
    readonly numRows: number;
    /**
     * The number of row groups.
     */
    readonly rowGroupCount: number;
}

/**
 * A streaming redactor: each `feed` returns the output that is ready, and `finish` the rest
 * and the Safe Harbor report.
 */
export class Redactor {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Reads the next chunk and returns the output bytes that are ready. A Parquet file is
     * written by `finish` only, so `feed` returns an empty array for it.
     */
    feed(chunk: Uint8Array): Uint8Array;
    /**
     * Reads the end of the input and returns `{ output, report }`: the last output bytes and
     * the Safe Harbor report. Do not share the output when `report.complete` is false.
     */
    finish(): RedactResult;
    /**
     * Creates a redactor from options: `format` (required), `operators`, `key`,
     * `subjectField`, `types`, `minConfidence`, `csvDelimiter` and `onProgress`.
     */
    constructor(options: RedactorOptions);
    /**
     * Returns the number of bytes read so far.
     */
    readonly bytesRead: number;
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
 * Finds HIPAA Safe Harbor identifiers in text. Build one at module scope and reuse it.
 */
export class Scanner {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Creates a scanner. Without a name dictionary (see `withDictionary`), names are found
     * only by context: titles, self-introductions, relatives, credentials.
     */
    constructor(options: ScannerOptions | undefined);
    /**
     * Returns the findings in `text`, ordered by start offset.
     */
    scan(text: string): PhiFinding[];
    /**
     * Creates a scanner with the name dictionary `assets/phi-names.bin`, loaded by the caller.
     */
    static withDictionary(options: ScannerOptions | undefined, dictionary: Uint8Array): Scanner;
    /**
     * Returns whether this scanner has a name dictionary.
     */
    readonly hasDictionary: boolean;
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
 * Decrypts a JSON package from `encryptConversationContent` for the same conversation id.
 */
export function decryptConversationContent(data_key: Uint8Array, conversation_id: string, _package: string): string;

/**
 * Decrypts a JSON package from `encryptDataset`. A package that lacks fields throws
 * `MISSING_FIELDS` with their names in `subject`; a changed field throws `NOT_AUTHENTIC`.
 */
export function decryptDataset(data_key: Uint8Array, _package: string): Uint8Array;

/**
 * Returns a `TransformStream` from an encrypted file to its plaintext. The stream errors with
 * `NOT_AUTHENTIC` on any modification, and releases only verified chunks; a consumer must
 * still discard the output if the stream errors.
 */
export function decryptStream(options: DecryptFileOptions): TransformStream<Uint8Array, Uint8Array>;

/**
 * Encrypts one conversation's content (at most 1 MiB of UTF-8) under a key derived from the
 * dataset key and the conversation id, and returns the JSON package.
 */
export function encryptConversationContent(data_key: Uint8Array, conversation_id: string, content: string, options: PackageOptions): string;

/**
 * Encrypts a small dataset (at most 1 MiB) under the dataset key and returns the JSON package
 * (`encrypted_data`, `iv`, `auth_tag`, `encryption_level`, `key_id`, `timestamp`,
 * `compliance_level`). Larger data belongs in `encryptStream`.
 */
export function encryptDataset(data_key: Uint8Array, data: Uint8Array, options: PackageOptions): string;

/**
 * Returns a `TransformStream` from plaintext to an encrypted file, for example for
 * `file.stream().pipeThrough(encryptStream(options))`.
 */
export function encryptStream(options: EncryptFileOptions): TransformStream<Uint8Array, Uint8Array>;

/**
 * Returns how many bytes the header needs, judged from the bytes read so far: 14 until the
 * fixed part is complete, then the declared header length. Throws for bytes that cannot
 * start a valid header.
 */
export function encryptedHeaderLength(prefix: Uint8Array): number;

/**
 * Returns the optional cargo features compiled into this build: `"tokens"` (token verification
 * and `EdgeGuard`, in the Workers, Node and `edge` entries) and `"zstd"` (ZSTD-compressed
 * Parquet pages).
 */
export function features(): string[];

/**
 * Parses the header at the start of an encrypted file and returns its public fields. It
 * needs no key and checks no commitment.
 */
export function inspectEncryptedFile(bytes: Uint8Array): EncryptedFileHeader;

/**
 * Redacts a whole file held in memory and returns `{ output, report }`. For large files, use
 * `Redactor` chunk by chunk.
 */
export function redact(bytes: Uint8Array, options: RedactorOptions): RedactResult;

/**
 * Rewrites the string values of a Parquet file through `edit` and returns the new file.
 */
export function rewriteParquet(bytes: Uint8Array, edit: ParquetEdit, options: RewriteParquetOptions | undefined): Uint8Array;

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
    readonly __wbg_datasetscanner_free: (a: number, b: number) => void;
    readonly __wbg_edgeguard_free: (a: number, b: number) => void;
    readonly __wbg_filedecryptor_free: (a: number, b: number) => void;
    readonly __wbg_fileencryptor_free: (a: number, b: number) => void;
    readonly __wbg_parquetfile_free: (a: number, b: number) => void;
    readonly __wbg_redactor_free: (a: number, b: number) => void;
    readonly __wbg_requestrules_free: (a: number, b: number) => void;
    readonly __wbg_sanitizer_free: (a: number, b: number) => void;
    readonly __wbg_scanner_free: (a: number, b: number) => void;
    readonly __wbg_uploadvalidator_free: (a: number, b: number) => void;
    readonly datasetscanner_bytesRead: (a: number) => number;
    readonly datasetscanner_feed: (a: number, b: any) => [number, number, number];
    readonly datasetscanner_finish: (a: number) => [number, number, number];
    readonly datasetscanner_new: (a: any) => [number, number, number];
    readonly datasetscanner_summary: (a: number) => [number, number, number];
    readonly decryptConversationContent: (a: any, b: any, c: any) => [number, number, number, number];
    readonly decryptDataset: (a: any, b: any) => [number, number, number];
    readonly decryptStream: (a: any) => [number, number, number];
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
    readonly encryptConversationContent: (a: any, b: any, c: any, d: any) => [number, number, number, number];
    readonly encryptDataset: (a: any, b: any, c: any) => [number, number, number, number];
    readonly encryptStream: (a: any) => [number, number, number];
    readonly encryptedHeaderLength: (a: any) => [number, number, number];
    readonly features: () => [number, number];
    readonly filedecryptor_finish: (a: number) => [number, number, number];
    readonly filedecryptor_header: (a: number) => any;
    readonly filedecryptor_headerLength: (a: number, b: any) => [number, number, number];
    readonly filedecryptor_new: (a: any) => [number, number, number];
    readonly filedecryptor_openHeader: (a: number, b: any) => [number, number, number];
    readonly filedecryptor_push: (a: number, b: any) => [number, number, number];
    readonly fileencryptor_finish: (a: number) => [number, number, number];
    readonly fileencryptor_header: (a: number) => any;
    readonly fileencryptor_new: (a: any) => [number, number, number];
    readonly fileencryptor_push: (a: number, b: any) => [number, number, number];
    readonly fileencryptor_webCryptoStream: (a: number, b: any) => [number, number, number];
    readonly inspectEncryptedFile: (a: any) => [number, number, number];
    readonly parquetfile_columns: (a: number) => [number, number];
    readonly parquetfile_findings: (a: number) => [number, number, number];
    readonly parquetfile_new: (a: any, b: any, c: number) => [number, number, number];
    readonly parquetfile_numRows: (a: number) => number;
    readonly parquetfile_readRowGroup: (a: number, b: number, c: any) => [number, number, number];
    readonly parquetfile_rowGroupCount: (a: number) => number;
    readonly parquetfile_rowGroupRange: (a: number, b: number) => [number, number, number];
    readonly parquetfile_tailLength: (a: any, b: number) => [number, number, number];
    readonly redact: (a: any, b: any) => [number, number, number];
    readonly redactor_bytesRead: (a: number) => number;
    readonly redactor_feed: (a: number, b: any) => [number, number, number];
    readonly redactor_finish: (a: number) => [number, number, number];
    readonly redactor_new: (a: any) => [number, number, number];
    readonly requestrules_endpoints: (a: number) => [number, number];
    readonly requestrules_new: (a: any) => [number, number, number];
    readonly requestrules_validate: (a: number, b: any, c: any, d: any) => [number, number, number];
    readonly rewriteParquet: (a: any, b: any, c: any) => [number, number, number];
    readonly sanitizer_finish: (a: number) => any;
    readonly sanitizer_new: () => number;
    readonly sanitizer_removed: (a: number) => number;
    readonly sanitizer_update: (a: number, b: any) => [number, number, number];
    readonly scanner_hasDictionary: (a: number) => number;
    readonly scanner_new: (a: any) => [number, number, number];
    readonly scanner_scan: (a: number, b: any) => [number, number, number];
    readonly scanner_withDictionary: (a: any, b: any) => [number, number, number];
    readonly uploadvalidator_finish: (a: number) => [number, number, number];
    readonly uploadvalidator_new: (a: any) => [number, number, number];
    readonly uploadvalidator_rejected: (a: number) => number;
    readonly uploadvalidator_update: (a: number, b: any) => [number, number];
    readonly validateUpload: (a: any, b: any) => [number, number, number];
    readonly version: () => [number, number];
    readonly wasm_bindgen__convert__closures_____invoke__h697259bcbfacc258: (a: number, b: number, c: any, d: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__ha11761071df2d9af: (a: number, b: number, c: any) => [number, number];
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
