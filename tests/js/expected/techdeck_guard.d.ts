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
| "UNKNOWN_ENDPOINT"
| "INVALID_DICTIONARY";

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
    readonly __wbg_requestrules_free: (a: number, b: number) => void;
    readonly __wbg_sanitizer_free: (a: number, b: number) => void;
    readonly __wbg_scanner_free: (a: number, b: number) => void;
    readonly __wbg_uploadvalidator_free: (a: number, b: number) => void;
    readonly requestrules_endpoints: (a: number) => [number, number];
    readonly requestrules_new: (a: any) => [number, number, number];
    readonly requestrules_validate: (a: number, b: any, c: any, d: any) => [number, number, number];
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
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __externref_drop_slice: (a: number, b: number) => void;
    readonly __externref_table_dealloc: (a: number) => void;
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
