
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
