
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
