/* tslint:disable */
/* eslint-disable */

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
| "PARQUET_UNREADABLE";

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
    readonly __wbg_parquetfile_free: (a: number, b: number) => void;
    readonly __wbg_requestrules_free: (a: number, b: number) => void;
    readonly __wbg_sanitizer_free: (a: number, b: number) => void;
    readonly __wbg_uploadvalidator_free: (a: number, b: number) => void;
    readonly parquetfile_columns: (a: number) => [number, number];
    readonly parquetfile_findings: (a: number) => [number, number, number];
    readonly parquetfile_new: (a: any, b: any, c: number) => [number, number, number];
    readonly parquetfile_numRows: (a: number) => number;
    readonly parquetfile_readRowGroup: (a: number, b: number, c: any) => [number, number, number];
    readonly parquetfile_rowGroupCount: (a: number) => number;
    readonly parquetfile_rowGroupRange: (a: number, b: number) => [number, number, number];
    readonly parquetfile_tailLength: (a: any, b: number) => [number, number, number];
    readonly requestrules_endpoints: (a: number) => [number, number];
    readonly requestrules_new: (a: any) => [number, number, number];
    readonly requestrules_validate: (a: number, b: any, c: any, d: any) => [number, number, number];
    readonly rewriteParquet: (a: any, b: any, c: any) => [number, number, number];
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
