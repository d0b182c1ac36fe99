//! Named limits. Each one is checked before the input it bounds is parsed or stored.

/// Default maximum upload size in MiB, the pipeline's `MAX_FILE_SIZE_MB` default.
pub const DEFAULT_MAX_FILE_SIZE_MB: u64 = 100;

/// Upper bound that a deployment may raise the upload size to, in MiB.
pub const MAX_FILE_SIZE_MB_CEILING: u64 = 16 * 1024;

/// Maximum length of an upload's file name in bytes, as most file systems allow.
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// Maximum size of one decoded value (a CSV cell, a JSON string or number, a JSONL line).
///
/// A longer value is reported and skipped, so a single giant cell cannot make the reader buffer
/// the whole file.
pub const MAX_VALUE_BYTES: usize = 4 * 1024 * 1024;

/// Maximum nesting depth of a JSON document (arrays and objects together).
pub const MAX_JSON_DEPTH: usize = 64;

/// Maximum length of a JSON number literal in bytes. Longer literals are reported, never parsed.
pub const MAX_JSON_NUMBER_BYTES: usize = 1024;

/// Maximum number of columns in a CSV header or record.
pub const MAX_CSV_COLUMNS: usize = 4096;

/// Maximum length of a CSV header name that is kept as the column's name, in bytes.
///
/// Every finding about a cell copies its column's name into the location, so a longer name is
/// not kept: the column is labelled `#N` instead, and the name's text is still checked.
pub const MAX_COLUMN_NAME_BYTES: usize = 256;

/// Maximum total size of the CSV header names that are kept, in bytes. Names beyond it are
/// treated like names over [`MAX_COLUMN_NAME_BYTES`], so that a wide header does not keep much
/// memory for the whole file.
pub const MAX_CSV_HEADER_BYTES: usize = 64 * 1024;

/// Maximum length of the RFC 6901 JSON Pointer of an object member, in bytes.
///
/// Every finding about a JSON value copies its pointer into the location. A key that would make
/// the pointer longer stops reading, because the members below it could not be located. Array
/// indices after the last key can add up to 21 bytes per nesting level.
pub const MAX_POINTER_BYTES: usize = 4096;

/// Bytes read from the start of a CSV file to detect its delimiter.
pub const CSV_SNIFF_BYTES: usize = 64 * 1024;

/// Maximum size of a Parquet footer (the Thrift-encoded file metadata).
pub const MAX_PARQUET_FOOTER_BYTES: usize = 16 * 1024 * 1024;

/// Maximum number of findings kept per finding code. Further findings are only counted.
pub const MAX_FINDINGS_PER_CODE: usize = 100;

/// Maximum size of an API request body given to request validation, in bytes of JSON.
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// Maximum size of a request rule table, in bytes of JSON.
pub const MAX_RULES_BYTES: usize = 1024 * 1024;

/// Maximum length of a pattern in a request rule table, in bytes.
pub const MAX_RULE_PATTERN_BYTES: usize = 1024;

/// Maximum compiled size of one rule pattern, passed to the regex engine.
pub const MAX_RULE_PATTERN_COMPILED_BYTES: usize = 256 * 1024;

/// Maximum size of PHI scanner options given as JSON, in bytes.
pub const MAX_PHI_OPTIONS_BYTES: usize = 256 * 1024;

/// Maximum number of custom patterns of a PHI scanner. They compile into one regex, so each
/// adds to one automaton rather than to a pass over the text.
pub const MAX_PHI_PATTERNS: usize = 64;

/// Maximum number of allow-list and of deny-list entries of a PHI scanner, each.
pub const MAX_PHI_LIST_ENTRIES: usize = 4096;

/// Maximum length of one allow-list or deny-list entry, in bytes.
pub const MAX_PHI_LIST_ENTRY_BYTES: usize = 256;
