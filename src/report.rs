//! Findings and reports shared by the readers, upload validation and request validation.

use std::collections::HashMap;

use serde::{Serialize, Serializer};

use crate::limits;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident => $text:literal, )*) => {
        /// Stable finding codes. The string form is part of the public API in Rust, JavaScript
        /// and the CLI's JSON output; a code is never reused for another meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Returns the code's stable string.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Code::$variant => $text, )*
                }
            }

            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];
        }
    };
}

codes! {
    /// The file is larger than the configured maximum.
    FileTooLarge => "FILE_TOO_LARGE",
    /// The file has no content.
    FileEmpty => "FILE_EMPTY",
    /// The extension is not one of `.csv`, `.json`, `.jsonl`, `.parquet`.
    ExtensionNotAllowed => "EXTENSION_NOT_ALLOWED",
    /// The declared content type does not match the extension.
    ContentTypeMismatch => "CONTENT_TYPE_MISMATCH",
    /// The bytes are of another kind than the extension names (for example a CSV named `.parquet`).
    ContentMismatch => "CONTENT_MISMATCH",
    /// The file name could escape a directory, hide its real type or break a file system.
    UnsafeFileName => "UNSAFE_FILE_NAME",
    /// The text is not valid UTF-8.
    InvalidEncoding => "INVALID_ENCODING",
    /// One value is larger than the per-value limit.
    ValueTooLarge => "VALUE_TOO_LARGE",
    /// A quoted CSV field is not closed before the end of the file.
    CsvUnterminatedQuote => "CSV_UNTERMINATED_QUOTE",
    /// A quote inside an unquoted field, or text after a closing quote.
    CsvStrayQuote => "CSV_STRAY_QUOTE",
    /// A CSV record has a different number of fields than the header.
    CsvRaggedRow => "CSV_RAGGED_ROW",
    /// A CSV record has more fields than the column limit.
    CsvTooManyColumns => "CSV_TOO_MANY_COLUMNS",
    /// Two CSV header fields have the same name, or one is empty.
    CsvBadHeader => "CSV_BAD_HEADER",
    /// The JSON text is not well formed.
    JsonSyntax => "JSON_SYNTAX",
    /// Arrays and objects are nested deeper than the limit.
    JsonTooDeep => "JSON_TOO_DEEP",
    /// An object has the same key twice.
    JsonDuplicateKey => "JSON_DUPLICATE_KEY",
    /// A string escapes half of a UTF-16 surrogate pair.
    JsonLoneSurrogate => "JSON_LONE_SURROGATE",
    /// A number literal is longer than the limit.
    JsonNumberTooLong => "JSON_NUMBER_TOO_LONG",
    /// A JSON Lines line is not one valid JSON value.
    JsonlInvalidLine => "JSONL_INVALID_LINE",
    /// The Parquet magic bytes, footer length or file metadata are invalid.
    ParquetInvalid => "PARQUET_INVALID",
    /// A Parquet column that the reader skips: an unsupported codec or encoding, or a page, row
    /// group or file beyond a reader limit. Its values are not checked.
    ParquetUnsupported => "PARQUET_UNSUPPORTED",
    /// Active content: script or PHP tags, event handlers, `javascript:` URLs, code calls.
    MaliciousContent => "MALICIOUS_CONTENT",
    /// A CSV cell that a spreadsheet would run as a formula.
    FormulaInjection => "FORMULA_INJECTION",
    /// A credential or private key embedded in the data.
    Secret => "SECRET",
    /// A request field has the wrong JSON type.
    FieldType => "FIELD_TYPE",
    /// A request field is longer than its rule allows.
    FieldTooLong => "FIELD_TOO_LONG",
    /// A request field does not match its rule's pattern.
    FieldPattern => "FIELD_PATTERN",
    /// A required request field is missing.
    FieldMissing => "FIELD_MISSING",
    /// A request field has no rule, so a strict endpoint rejects it.
    FieldUnknown => "FIELD_UNKNOWN",
    /// The caller's role may not send this request field.
    FieldForbidden => "FIELD_FORBIDDEN",
    /// The caller's role is not among the roles that may call the endpoint.
    RoleNotAllowed => "ROLE_NOT_ALLOWED",
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Whether a finding makes the input invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is rejected.
    Error,
    /// The input is accepted, but a person should look at it.
    Warning,
}

/// The position of a finding. Every field is optional because each format has its own coordinates.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// 1-based physical line of the file where the value starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based data record: a CSV row after the header, or a JSON Lines document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
    /// CSV column name (or `#N` for a column without a header), Parquet column path, or the
    /// name of a request field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// RFC 6901 JSON Pointer to the value; in JSON Lines it points into the line's document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// 0-based byte offset in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

impl Location {
    /// Returns an empty location, for findings about the file as a whole.
    pub fn file() -> Self {
        Location::default()
    }

    /// Formats the location for people, for example `line 12, record 11, column "note"`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        }
        if let Some(record) = self.record {
            parts.push(format!("record {record}"));
        }
        if let Some(column) = &self.column {
            parts.push(format!("column {column:?}"));
        }
        if let Some(pointer) = &self.pointer {
            parts.push(format!("pointer {pointer:?}"));
        }
        if parts.is_empty() {
            if let Some(offset) = self.offset {
                parts.push(format!("byte {offset}"));
            }
        }
        if parts.is_empty() {
            "file".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// One problem found in the input.
///
/// The message is a short reason that never quotes the offending value, so a finding about a
/// secret or about PHI is safe to show and to log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable finding code.
    pub code: Code,
    /// Whether the finding makes the input invalid.
    pub severity: Severity,
    /// The rule inside the code that matched, for example `aws_access_key_id` for [`Code::Secret`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    /// The position of the problem.
    pub location: Location,
    /// A short reason, without the offending value.
    pub message: String,
}

impl Finding {
    /// Creates an error finding.
    pub fn error(code: Code, location: Location, message: impl Into<String>) -> Self {
        Finding { code, severity: Severity::Error, rule: None, location, message: message.into() }
    }

    /// Creates a warning finding.
    pub fn warning(code: Code, location: Location, message: impl Into<String>) -> Self {
        Finding { code, severity: Severity::Warning, rule: None, location, message: message.into() }
    }

    /// Names the rule that matched.
    pub fn with_rule(mut self, rule: &'static str) -> Self {
        self.rule = Some(rule);
        self
    }
}

/// Counts gathered while validating.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Bytes read.
    pub bytes: u64,
    /// The format that the file was read as, if it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    /// Data records read: CSV rows after the header, JSON Lines documents, top-level JSON array
    /// elements (1 for any other JSON document), Parquet rows from the footer.
    pub records: u64,
    /// Values checked: cells, strings, numbers and keys.
    pub values: u64,
    /// The CSV delimiter that was detected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Column names from the CSV header or the Parquet schema.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// Findings that were counted but not kept, beyond the per-code limit.
    pub suppressed: u64,
}

/// The result of validating an upload or a request, in the pipeline's shape: `valid`,
/// `errors`, `warnings` and the sanitized data.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// `true` when no finding is an error.
    pub valid: bool,
    /// Findings that make the input invalid.
    pub errors: Vec<Finding>,
    /// Findings that do not.
    pub warnings: Vec<Finding>,
    /// Counts gathered while validating.
    pub stats: Stats,
}

/// Findings split by severity and capped at [`limits::MAX_FINDINGS_PER_CODE`] per code.
#[derive(Clone, Debug, Default)]
pub(crate) struct Findings {
    pub(crate) errors: Vec<Finding>,
    pub(crate) warnings: Vec<Finding>,
    /// Findings counted but not kept.
    pub(crate) suppressed: u64,
    kept: HashMap<Code, usize>,
}

impl Findings {
    pub(crate) fn push(&mut self, finding: Finding) {
        if self.admit(finding.code) {
            self.store(finding);
        }
    }

    /// Counts a finding of `code` and returns whether it is kept. A finding beyond the cap is
    /// only counted, so the caller skips building it: an input can repeat the same problem
    /// millions of times, and a location can carry a long pointer.
    pub(crate) fn admit(&mut self, code: Code) -> bool {
        let kept = self.kept.entry(code).or_insert(0);
        if *kept >= limits::MAX_FINDINGS_PER_CODE {
            self.suppressed += 1;
            return false;
        }
        *kept += 1;
        true
    }

    /// Stores a finding that [`admit`](Self::admit) accepted.
    pub(crate) fn store(&mut self, finding: Finding) {
        match finding.severity {
            Severity::Error => self.errors.push(finding),
            Severity::Warning => self.warnings.push(finding),
        }
    }
}
