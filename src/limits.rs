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

/// Maximum size of one Parquet page, compressed and uncompressed, and of a Zstandard window.
///
/// Writers default to pages of about 1 MiB, so a larger page is reported as unsupported and
/// its column chunk is not read, and no decompression buffer is ever larger than this.
pub const MAX_PARQUET_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// Maximum number of values in one Parquet data page, or entries in one dictionary page.
///
/// Recent writers cap pages at 20,000 rows. The bound keeps a page of tiny run-length-encoded
/// values from costing unbounded time.
pub const MAX_PARQUET_PAGE_VALUES: usize = 4 * 1024 * 1024;

/// Maximum number of file bytes that the streaming Parquet reader keeps until it reaches the
/// footer, which it needs before it can decode any page. A larger file gets its footer checked,
/// but its values are not read. Read it with `ParquetFile`, which needs random access.
pub const MAX_PARQUET_STREAM_BYTES: usize = 128 * 1024 * 1024;

/// Maximum size of the decoded text of one Parquet row group held to emit its values in row
/// order. A larger row group is emitted column by column instead.
pub const MAX_PARQUET_ROW_GROUP_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// Maximum size of the decoded text emitted from one Parquet file. Dictionary encoding lets a
/// small file repeat a large value millions of times, so the bound caps the work that a crafted
/// file causes. Values beyond it are not read.
pub const MAX_PARQUET_TEXT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

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

/// Maximum length of a dataset id, key id or conversation id in `seal`, in bytes of UTF-8.
///
/// The ids are bound into key wrapping, file headers and key derivation, and a file header
/// stores each one after a one-byte length.
pub const MAX_SEAL_ID_BYTES: usize = 255;

/// Maximum length of an encrypted file's header in bytes, checked before the header is read.
///
/// The largest valid version 1 header (two 255-byte ids and a wrapped key) is 677 bytes.
pub const MAX_SEAL_HEADER_BYTES: usize = 1024;

/// Maximum size of the plaintext in one JSON package or one encrypted conversation, in bytes:
/// 1 MiB, the limit the pipeline's `encrypt_conversation_content` sets.
pub const MAX_SEAL_PACKAGE_BYTES: usize = 1024 * 1024;

/// Maximum size of a JSON package given to `decrypt_dataset`, in bytes: room for the base64 of
/// a [`MAX_SEAL_PACKAGE_BYTES`] plaintext padded to 2 MiB, and the other fields.
pub const MAX_SEAL_PACKAGE_JSON_BYTES: usize = 4 * 1024 * 1024;

/// Maximum length of a package's `timestamp` and `compliance_level` fields, in bytes.
pub const MAX_SEAL_PACKAGE_FIELD_BYTES: usize = 64;

/// Maximum length of a JWS compact token in bytes, checked before any decoding. Access tokens of
/// this product are well under 2 KB; the limit stops a large token from costing parse time.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Maximum length of a revocation snapshot in bytes (a JWS compact token).
pub const MAX_REVOCATION_SNAPSHOT_BYTES: usize = 4 * 1024 * 1024;

/// Maximum length of a JWK Set in bytes of JSON.
pub const MAX_JWKS_BYTES: usize = 64 * 1024;

/// Maximum number of keys in a JWK Set.
pub const MAX_JWKS_KEYS: usize = 32;

/// Maximum length of a key id (`kid`) in bytes.
pub const MAX_KID_BYTES: usize = 128;

/// Minimum length of an HS256 shared secret in bytes: 256 bits, the size of the SHA-256 output
/// (RFC 7518 section 3.2).
pub const MIN_HMAC_SECRET_BYTES: usize = 32;

/// Maximum size of PHI scanner options given as JSON, in bytes.
pub const MAX_PHI_OPTIONS_BYTES: usize = 256 * 1024;

/// Maximum number of custom patterns of a PHI scanner. They compile into one regex, so each
/// adds to one automaton rather than to a pass over the text.
pub const MAX_PHI_PATTERNS: usize = 64;

/// Maximum number of allow-list and of deny-list entries of a PHI scanner, each.
pub const MAX_PHI_LIST_ENTRIES: usize = 4096;

/// Maximum length of one allow-list or deny-list entry, in bytes.
pub const MAX_PHI_LIST_ENTRY_BYTES: usize = 256;
