
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
