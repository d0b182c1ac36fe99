//! Upload validation: the checks that a dataset file must pass before it leaves the browser.
//!
//! [`UploadValidator`] is fed the file chunk by chunk, so a 100 MB upload is read once and never
//! held whole. In order, it checks:
//!
//! 1. the declared size against the maximum, before any byte is read;
//! 2. the file name: allowed extension, no path traversal, absolute path, control characters
//!    or hidden executable extension;
//! 3. the declared content type against the extension (a warning, since browsers often guess);
//! 4. the leading bytes against the extension, so a CSV renamed `.parquet` or an executable
//!    renamed `.csv` is caught;
//! 5. the structure, through the [`dataset`](crate::dataset) reader for the format;
//! 6. every value: active content after Unicode and entity folding, spreadsheet formulas in
//!    CSV cells, and embedded credentials;
//! 7. the size actually read against the maximum.
//!
//! The result is a [`Report`] with the pipeline's shape: `valid`, `errors`, `warnings`.

pub mod content;
pub mod filename;
pub mod formula;
pub mod sanitize;
pub mod secrets;

use crate::dataset::sniff::{self, Kind};
use crate::dataset::{self, Field, Format, Reader, ReaderOptions, Sink, Value, ValueKind};
use crate::error::{Error, ErrorCode};
use crate::limits;
use crate::report::{Code, Finding, Findings, Location, Report, Severity, Stats};
use crate::text;

const MIB: u64 = 1024 * 1024;

/// Options for validating one upload.
///
/// Its `Debug` output shows the file name's extension only, since a name such as
/// `jane-doe-intake.csv` can itself be PHI.
#[derive(Clone)]
pub struct UploadOptions {
    file_name: String,
    content_type: Option<String>,
    declared_size: Option<u64>,
    max_file_size: u64,
    csv_delimiter: Option<u8>,
}

impl UploadOptions {
    /// Creates options for a file called `file_name`, with the default maximum size of
    /// [`limits::DEFAULT_MAX_FILE_SIZE_MB`] MiB.
    pub fn new(file_name: impl Into<String>) -> Self {
        UploadOptions {
            file_name: file_name.into(),
            content_type: None,
            declared_size: None,
            max_file_size: limits::DEFAULT_MAX_FILE_SIZE_MB * MIB,
            csv_delimiter: None,
        }
    }

    /// Sets the content type that the client declared, such as a browser's `File.type`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Sets the size that the client declared, so an oversized file is rejected before any
    /// byte is read.
    pub fn declared_size(mut self, bytes: u64) -> Self {
        self.declared_size = Some(bytes);
        self
    }

    /// Sets the maximum file size in MiB, the pipeline's `MAX_FILE_SIZE_MB`.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidOptions`] when `megabytes` is 0 or above
    /// [`limits::MAX_FILE_SIZE_MB_CEILING`].
    pub fn max_file_size_mb(mut self, megabytes: u64) -> Result<Self, Error> {
        if megabytes == 0 || megabytes > limits::MAX_FILE_SIZE_MB_CEILING {
            return Err(Error::new(
                ErrorCode::InvalidOptions,
                format!(
                    "maximum file size must be between 1 and {} MiB, got {megabytes}",
                    limits::MAX_FILE_SIZE_MB_CEILING
                ),
            )
            .with_subject("maxFileSizeMb"));
        }
        self.max_file_size = megabytes * MIB;
        Ok(self)
    }

    /// Fixes the CSV delimiter instead of detecting it.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidOptions`] unless the delimiter is one of `,` `;` tab `|`.
    pub fn csv_delimiter(mut self, delimiter: char) -> Result<Self, Error> {
        match delimiter {
            ',' | ';' | '\t' | '|' => {
                self.csv_delimiter = Some(delimiter as u8);
                Ok(self)
            }
            _ => Err(Error::new(
                ErrorCode::InvalidOptions,
                "CSV delimiter must be one of ',', ';', tab or '|'",
            )
            .with_subject("csvDelimiter")),
        }
    }

    /// Returns the maximum file size in bytes.
    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
    }
}

impl std::fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadOptions")
            .field("extension", &filename::extension(&self.file_name))
            .field("content_type", &self.content_type)
            .field("declared_size", &self.declared_size)
            .field("max_file_size", &self.max_file_size)
            .field("csv_delimiter", &self.csv_delimiter.map(char::from))
            .finish()
    }
}

/// Validates one upload, fed chunk by chunk.
///
/// ```
/// use techdeck_guard::validate::{UploadOptions, UploadValidator};
///
/// let mut validator = UploadValidator::new(UploadOptions::new("sessions.csv").content_type("text/csv"));
/// validator.update(b"id,note\n1,\"first, quoted\"\n").unwrap();
/// validator.update(b"2,=HYPERLINK(\"x\")\n").unwrap();
/// let report = validator.finish().unwrap();
/// assert!(!report.valid);
/// assert_eq!(report.errors[0].code.as_str(), "FORMULA_INJECTION");
/// assert_eq!(report.errors[0].location.record, Some(2));
/// ```
pub struct UploadValidator {
    stage: Stage,
    format: Option<Format>,
    csv_delimiter: Option<u8>,
    max_file_size: u64,
    bytes: u64,
    checker: Checker,
}

enum Stage {
    /// Collecting the leading bytes to compare them with the extension.
    Sniffing(Vec<u8>),
    /// Reading the structure and the values.
    Reading(Box<dyn Reader>),
    /// A fatal finding ends reading; later chunks are only counted.
    Rejected,
    Finished,
}

impl UploadValidator {
    /// Creates a validator and runs the checks that need no content: declared size, file name,
    /// extension and content type.
    pub fn new(options: UploadOptions) -> Self {
        let mut checker = Checker::default();
        let format = check_metadata(&options, &mut checker);
        let stage = if format.is_some() && !checker.has_fatal {
            Stage::Sniffing(Vec::new())
        } else {
            Stage::Rejected
        };
        UploadValidator {
            stage,
            format,
            csv_delimiter: options.csv_delimiter,
            max_file_size: options.max_file_size,
            bytes: 0,
            checker,
        }
    }

    /// Reads the next chunk of the file.
    ///
    /// Once [`is_rejected`](Self::is_rejected) returns `true`, the remaining chunks are only
    /// counted, so a caller may stop reading the file.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::AlreadyFinished`] after [`finish`](Self::finish).
    pub fn update(&mut self, chunk: &[u8]) -> Result<(), Error> {
        if matches!(self.stage, Stage::Finished) {
            return Err(finished_error());
        }
        self.bytes = self.bytes.saturating_add(chunk.len() as u64);
        if self.bytes > self.max_file_size && !matches!(self.stage, Stage::Rejected) {
            self.reject_oversized();
            return Ok(());
        }
        match &mut self.stage {
            Stage::Sniffing(prefix) => {
                prefix.extend_from_slice(chunk);
                if prefix.len() >= sniff::SNIFF_BYTES {
                    let prefix = std::mem::take(prefix);
                    self.start_reading(&prefix);
                }
            }
            Stage::Reading(reader) => reader.feed(chunk, &mut self.checker),
            Stage::Rejected | Stage::Finished => {}
        }
        Ok(())
    }

    /// Returns `true` once a finding rules the file out, so that reading more cannot change
    /// the verdict.
    pub fn is_rejected(&self) -> bool {
        matches!(self.stage, Stage::Rejected)
    }

    /// Reads the end of the file and returns the report.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::AlreadyFinished`] when called twice.
    pub fn finish(&mut self) -> Result<Report, Error> {
        let stage = std::mem::replace(&mut self.stage, Stage::Finished);
        match stage {
            Stage::Finished => return Err(finished_error()),
            // An empty file gets one FILE_EMPTY finding, not a second one from its reader.
            Stage::Sniffing(prefix) if prefix.is_empty() => {}
            Stage::Sniffing(prefix) => {
                self.start_reading(&prefix);
                if let Stage::Reading(mut reader) = std::mem::replace(&mut self.stage, Stage::Finished) {
                    self.finish_reader(reader.as_mut());
                }
            }
            Stage::Reading(mut reader) => self.finish_reader(reader.as_mut()),
            Stage::Rejected => {}
        }
        self.stage = Stage::Finished;
        if self.bytes == 0 && !self.checker.has_fatal {
            self.checker.push(Finding::error(
                Code::FileEmpty,
                Location::file(),
                "file is empty; choose a file that contains data",
            ));
        }
        Ok(self.checker.report(self.bytes, self.format))
    }

    fn start_reading(&mut self, prefix: &[u8]) {
        let Some(format) = self.format else {
            self.stage = Stage::Rejected;
            return;
        };
        let leading = &prefix[..prefix.len().min(sniff::SNIFF_BYTES)];
        if let Some(finding) = check_magic(format, sniff::sniff(leading)) {
            let fatal = finding.severity == Severity::Error;
            self.checker.push(finding);
            if fatal {
                self.stage = Stage::Rejected;
                return;
            }
        }
        let mut reader = dataset::reader(format, &self.reader_options());
        self.checker.csv = matches!(format, Format::Csv | Format::Parquet);
        reader.feed(prefix, &mut self.checker);
        self.stage = Stage::Reading(reader);
    }

    fn finish_reader(&mut self, reader: &mut dyn Reader) {
        reader.finish(&mut self.checker);
        self.checker.stats.records = reader.records();
        self.checker.stats.delimiter = reader.csv_delimiter().map(|byte| char::from(byte).to_string());
    }

    fn reader_options(&self) -> ReaderOptions {
        ReaderOptions { csv_delimiter: self.csv_delimiter }
    }

    fn reject_oversized(&mut self) {
        self.checker.push(Finding::error(
            Code::FileTooLarge,
            Location::file(),
            format!(
                "file is larger than the maximum of {} bytes ({} MiB); split it or ask for a higher MAX_FILE_SIZE_MB",
                self.max_file_size,
                self.max_file_size / MIB
            ),
        ));
        self.stage = Stage::Rejected;
    }
}

impl std::fmt::Debug for UploadValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadValidator")
            .field("format", &self.format)
            .field("bytes", &self.bytes)
            .field("rejected", &self.is_rejected())
            .finish_non_exhaustive()
    }
}

/// Validates a whole upload held in memory.
///
/// For large files prefer [`UploadValidator`], which reads chunk by chunk.
pub fn validate_upload(bytes: &[u8], options: UploadOptions) -> Report {
    let mut validator = UploadValidator::new(options);
    // Neither call can fail on a fresh validator: only a finished one returns an error.
    let _ = validator.update(bytes);
    validator.finish().unwrap_or_default()
}

fn finished_error() -> Error {
    Error::new(
        ErrorCode::AlreadyFinished,
        "validator is already finished; create a new validator for each file",
    )
}

/// Runs the checks that need only the options, and returns the format to read.
fn check_metadata(options: &UploadOptions, checker: &mut Checker) -> Option<Format> {
    if let Some(size) = options.declared_size {
        if size > options.max_file_size {
            checker.push(Finding::error(
                Code::FileTooLarge,
                Location::file(),
                format!(
                    "file size of {size} bytes is larger than the maximum of {} bytes ({} MiB); split the file or ask for a higher MAX_FILE_SIZE_MB",
                    options.max_file_size,
                    options.max_file_size / MIB
                ),
            ));
        }
    }

    for problem in filename::check(&options.file_name) {
        checker.push(
            Finding::error(Code::UnsafeFileName, Location::file(), problem.message).with_rule(problem.rule),
        );
    }

    let extension = filename::extension(&options.file_name);
    let format = extension.as_deref().and_then(Format::from_extension);
    if format.is_none() {
        let shown = match extension.as_deref() {
            Some(extension) => format!("extension .{extension} is not allowed"),
            None => "file name has no extension".to_owned(),
        };
        checker.push(Finding::error(
            Code::ExtensionNotAllowed,
            Location::file(),
            format!("{shown}; upload a .csv, .json, .jsonl or .parquet file"),
        ));
    }

    if let (Some(format), Some(declared)) = (format, options.content_type.as_deref()) {
        let essence = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        // Browsers report an empty type for extensions they do not know, such as .jsonl and
        // .parquet. An empty type carries no information, so it gets no warning.
        if !essence.is_empty() && !format.content_types().contains(&essence.as_str()) {
            checker.push(Finding::warning(
                Code::ContentTypeMismatch,
                Location::file(),
                format!(
                    "content type {essence:?} does not match the .{} extension; expected one of {}",
                    format.extension(),
                    format.content_types().join(", ")
                ),
            ));
        }
    }

    format
}

/// Compares the leading bytes with the format that the extension names.
///
/// Text formats are distinguished only where it is certain: Parquet by its magic bytes, and JSON
/// from CSV by a leading `{` or `[`, which no CSV header starts with in practice. A JSON file
/// named `.jsonl` or the other way round is left to the reader, which reports its syntax.
fn check_magic(format: Format, kind: Kind) -> Option<Finding> {
    let mismatch = |what: &str| {
        Some(Finding::error(
            Code::ContentMismatch,
            Location { offset: Some(0), ..Location::default() },
            format!(
                "file is named .{} but its content is {what}; rename it to match its format, or export the data again as {}",
                format.extension(),
                format_name(format)
            ),
        ))
    };
    match (format, kind) {
        (Format::Parquet, Kind::Parquet) => None,
        (Format::Csv, Kind::JsonLike) => mismatch("JSON text"),
        (_, Kind::Text | Kind::JsonLike) if format != Format::Parquet => None,
        (_, other) => mismatch(&with_article(other.name())),
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Csv => "CSV",
        Format::Json => "JSON",
        Format::Jsonl => "JSON Lines",
        Format::Parquet => "Parquet",
    }
}

/// Adds "a" or "an" before a kind name that is a countable noun, such as "PNG image".
fn with_article(name: &str) -> String {
    if name.ends_with("text") || name.ends_with("data") {
        return name.to_owned();
    }
    let article = match name.chars().next() {
        Some('A' | 'E' | 'I' | 'O' | 'U' | 'a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    };
    format!("{article} {name}")
}

/// The sink that checks every value and collects findings, capped per code.
#[derive(Default)]
struct Checker {
    /// The format is a table (CSV or Parquet) whose values are cells that a spreadsheet may
    /// open, so they are checked for formulas.
    csv: bool,
    findings: Findings,
    stats: Stats,
    /// A finding after which the content is not read.
    has_fatal: bool,
    /// Columns whose header name had a finding. Their name is replaced by `#N` in locations and
    /// stats, so a credential or markup in a header is not repeated in the report.
    hidden_columns: Vec<bool>,
}

/// The kind of text being checked, named in messages.
#[derive(Clone, Copy)]
enum Subject {
    Value,
    Cell,
    Key,
    ColumnName,
}

impl Subject {
    fn noun(self) -> &'static str {
        match self {
            Subject::Value => "value",
            Subject::Cell => "cell",
            Subject::Key => "object key",
            Subject::ColumnName => "column name",
        }
    }
}

impl Checker {
    fn push(&mut self, finding: Finding) {
        if self.admit(finding.code) {
            self.store(finding);
        }
    }

    /// Counts a finding and returns whether it is kept, as [`Findings::admit`] does, and marks
    /// the findings after which the content is not read.
    fn admit(&mut self, code: Code) -> bool {
        if matches!(code, Code::FileTooLarge | Code::ExtensionNotAllowed | Code::ContentMismatch) {
            self.has_fatal = true;
        }
        self.findings.admit(code)
    }

    fn store(&mut self, finding: Finding) {
        self.findings.store(finding);
    }

    /// Runs the value checks and returns `true` when any of them matched.
    ///
    /// The checks see the text as sanitizing would leave it, so that removing an invisible or
    /// control character cannot join two harmless pieces into active content or a formula.
    fn check_text(&mut self, text: &str, location: impl Fn() -> Location, subject: Subject) -> bool {
        let mut found_any = false;
        if text.contains('\0') {
            found_any = true;
            if self.admit(Code::InvalidEncoding) {
                let message = format!("{} contains a NUL character, which text data does not have; check that the file is text", subject.noun());
                self.store(Finding::error(Code::InvalidEncoding, location(), message).with_rule("nul"));
            }
        }
        let text = text::strip_removable(text);
        for found in content::scan(&text) {
            found_any = true;
            if self.admit(Code::MaliciousContent) {
                let message = format!("{} {}; remove the markup or code from the data", subject.noun(), found.reason);
                self.store(Finding::error(Code::MaliciousContent, location(), message).with_rule(found.rule));
            }
        }
        if matches!(subject, Subject::Cell | Subject::ColumnName) {
            if let Some(rule) = formula_rule(&text) {
                found_any = true;
                if self.admit(Code::FormulaInjection) {
                    let message = match rule {
                        "leading" => "cell starts with =, +, -, @, tab or carriage return and a spreadsheet would run it as a formula; prefix it with an apostrophe or remove the leading character",
                        _ => "cell has a delimiter followed by =, +, -, @ and a spreadsheet that splits on that delimiter would run the rest as a formula; put a space after the delimiter or remove the character",
                    };
                    self.store(Finding::error(Code::FormulaInjection, location(), message).with_rule(rule));
                }
            }
        }
        for secret in secrets::scan(&text) {
            found_any = true;
            if self.admit(Code::Secret) {
                let message = format!(
                    "possible credential ({}) in a {}; remove it and rotate the credential",
                    secret.rule,
                    subject.noun()
                );
                self.store(Finding::warning(Code::Secret, location(), message).with_rule(secret.rule));
            }
        }
        found_any
    }

    fn report(&mut self, bytes: u64, format: Option<Format>) -> Report {
        let mut stats = std::mem::take(&mut self.stats);
        let findings = std::mem::take(&mut self.findings);
        stats.bytes = bytes;
        stats.format = format.map(Format::extension);
        stats.suppressed = findings.suppressed;
        Report { valid: findings.errors.is_empty(), errors: findings.errors, warnings: findings.warnings, stats }
    }
}

/// Returns the location of a value. It hides the name of a column whose header had a finding,
/// and for an object key it points at the object, so a finding does not repeat the key it is
/// about.
fn locate(value: &Value<'_>, hide_column: bool) -> Location {
    let mut location = value.location();
    match value.field {
        Field::Column { index, .. } if hide_column => {
            location.column = Some(dataset::column_label(index, None));
        }
        Field::Pointer(pointer) if value.kind == ValueKind::Key => {
            let parent = pointer.rfind('/').map_or("", |slash| &pointer[..slash]);
            location.pointer = Some(parent.to_owned());
        }
        _ => {}
    }
    location
}

/// Returns the formula rule that a CSV cell breaks, if any.
///
/// `leading` is a cell that starts like a formula. `after_delimiter` is a cell with `,` `;` tab
/// or `|` directly followed by a formula that has a call, a cell reference (`!`) or a DDE pipe.
/// Spreadsheets split CSV on the list separator of their locale, so a cell that is quoted for
/// one delimiter can still be split on another.
fn formula_rule(cell: &str) -> Option<&'static str> {
    if formula::is_formula(cell) {
        return Some("leading");
    }
    let bytes = cell.as_bytes();
    if !formula::has_delimiter_before_operator(bytes) {
        return None;
    }
    let is_delimiter = |byte: u8| matches!(byte, b',' | b';' | b'\t' | b'|');
    for (index, pair) in bytes.windows(2).enumerate() {
        if is_delimiter(pair[0]) && matches!(pair[1], b'=' | b'+' | b'-' | b'@') {
            let rest = &cell[index + 1..];
            let segment = rest.split([',', ';', '\t', '|']).next().unwrap_or(rest);
            // Only a segment that calls something is flagged here: prose such as "In
            // solidarity,-Lindsey" splits into "-Lindsey", which a spreadsheet shows as an
            // error, not as a command.
            let calls = segment.contains(['(', '!']) || rest.contains('|');
            if calls && formula::is_formula(segment) {
                return Some("after_delimiter");
            }
        }
    }
    None
}

impl Sink for Checker {
    fn value(&mut self, value: &Value<'_>) {
        self.stats.values += 1;
        let subject = match (value.kind, value.field) {
            (ValueKind::Number, _) => return,
            (ValueKind::Key, _) => Subject::Key,
            (_, Field::Column { .. }) if self.csv => Subject::Cell,
            _ => Subject::Value,
        };
        let hide_column = match value.field {
            Field::Column { index, .. } => self.hidden_columns.get(index).copied().unwrap_or(false),
            Field::Pointer(_) => false,
        };
        self.check_text(value.text, || locate(value, hide_column), subject);
    }

    fn columns(&mut self, names: &[String]) {
        let mut labels = Vec::with_capacity(names.len());
        self.hidden_columns = vec![false; names.len()];
        for (index, name) in names.iter().enumerate() {
            let label = dataset::column_label(index, None);
            let location = || Location { column: Some(label.clone()), ..Location::default() };
            let subject = if self.csv { Subject::ColumnName } else { Subject::Value };
            let hidden = self.check_text(name, location, subject);
            self.hidden_columns[index] = hidden;
            labels.push(if hidden { label } else { name.clone() });
        }
        self.stats.columns = labels;
    }

    fn finding(&mut self, finding: Finding) {
        self.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|finding| finding.code.as_str()).collect()
    }

    fn validate(name: &str, bytes: &[u8]) -> Report {
        validate_upload(bytes, UploadOptions::new(name))
    }

    #[test]
    fn declared_size_rejects_before_reading() {
        let options = UploadOptions::new("a.csv").declared_size(2 * MIB).max_file_size_mb(1).expect("valid limit");
        let mut validator = UploadValidator::new(options);
        assert!(validator.is_rejected());
        validator.update(b"a,b\n1,2\n").expect("not finished");
        let report = validator.finish().expect("first finish");
        assert_eq!(codes(&report.errors), ["FILE_TOO_LARGE"]);
        assert_eq!(report.stats.records, 0);
    }

    #[test]
    fn streamed_size_over_limit_is_reported_once() {
        let options = UploadOptions::new("a.csv").max_file_size_mb(1).expect("valid limit");
        let mut validator = UploadValidator::new(options);
        let row = b"1,2\n".repeat(100_000);
        for _ in 0..4 {
            validator.update(&row).expect("not finished");
        }
        assert!(validator.is_rejected());
        let report = validator.finish().expect("first finish");
        assert_eq!(codes(&report.errors), ["FILE_TOO_LARGE"]);
        assert_eq!(report.stats.bytes, 1_600_000);
    }

    #[test]
    fn options_debug_hides_file_name() {
        let printed = format!("{:?}", UploadOptions::new("jane-doe-intake.csv"));
        assert!(!printed.contains("jane"), "{printed}");
        assert!(printed.contains("\"csv\""), "{printed}");
    }

    #[test]
    fn limit_option_is_checked() {
        assert_eq!(UploadOptions::new("a.csv").max_file_size_mb(0).expect_err("zero").code(), ErrorCode::InvalidOptions);
        let above = limits::MAX_FILE_SIZE_MB_CEILING + 1;
        assert_eq!(UploadOptions::new("a.csv").max_file_size_mb(above).expect_err("above").code(), ErrorCode::InvalidOptions);
        assert_eq!(UploadOptions::new("a.csv").csv_delimiter('x').expect_err("delimiter").subject(), Some("csvDelimiter"));
    }

    #[test]
    fn disallowed_extension_stops_reading() {
        let report = validate("notes.txt", b"<script>alert(1)</script>");
        assert_eq!(codes(&report.errors), ["EXTENSION_NOT_ALLOWED"]);
        assert_eq!(report.stats.format, None);
        let report = validate("notes", b"a");
        assert_eq!(report.errors[0].message, "file name has no extension; upload a .csv, .json, .jsonl or .parquet file");
    }

    #[test]
    fn content_type_mismatch_is_a_warning() {
        let check = |content_type: &str| {
            validate_upload(b"a,b\n1,2\n", UploadOptions::new("a.csv").content_type(content_type)).warnings
        };
        assert_eq!(codes(&check("image/png")), ["CONTENT_TYPE_MISMATCH"]);
        assert_eq!(codes(&check("text/csv; charset=utf-8")), Vec::<&str>::new());
        assert_eq!(codes(&check("TEXT/CSV")), Vec::<&str>::new());
        assert_eq!(codes(&check("")), Vec::<&str>::new());
    }

    #[test]
    fn renamed_files_are_caught_by_magic_bytes() {
        let report = validate("sessions.parquet", b"id,note\n1,hello\n");
        assert_eq!(codes(&report.errors), ["CONTENT_MISMATCH"]);
        let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
        elf.extend_from_slice(&[0; 64]);
        let report = validate("sessions.csv", &elf);
        assert_eq!(codes(&report.errors), ["CONTENT_MISMATCH"]);
        assert_eq!(report.errors[0].location.offset, Some(0));
        assert_eq!(
            report.errors[0].message,
            "file is named .csv but its content is an ELF executable; rename it to match its format, or export the data again as CSV"
        );
    }

    #[test]
    fn json_named_csv_is_a_mismatch() {
        let report = validate("sessions.csv", br#"[{"id": 1, "note": "hello"}]"#);
        assert_eq!(codes(&report.errors), ["CONTENT_MISMATCH"]);
        assert_eq!(
            report.errors[0].message,
            "file is named .csv but its content is JSON text; rename it to match its format, or export the data again as CSV"
        );
        let report = validate("sessions.json", br#"[{"id": 1}]"#);
        assert!(report.valid);
    }

    #[test]
    fn empty_file_is_invalid() {
        assert_eq!(codes(&validate("a.csv", b"").errors), ["FILE_EMPTY"]);
        assert_eq!(codes(&validate("a.json", b"").errors), ["FILE_EMPTY"]);
    }

    #[test]
    fn findings_are_capped_per_code() {
        let mut csv = String::from("id,formula\n");
        for index in 0..150 {
            csv.push_str(&format!("{index},=1+{index}\n"));
        }
        let report = validate("a.csv", csv.as_bytes());
        assert_eq!(report.errors.len(), limits::MAX_FINDINGS_PER_CODE);
        assert_eq!(report.stats.suppressed, 50);
        assert_eq!(report.stats.records, 150);
    }

    #[test]
    fn header_cells_are_checked() {
        let report = validate("a.csv", b"id,<script>x</script>\n1,<b>2</b>\n");
        assert_eq!(codes(&report.errors), ["MALICIOUS_CONTENT"]);
        assert_eq!(report.errors[0].location.column.as_deref(), Some("#2"));
        assert_eq!(report.stats.columns, ["id", "#2"]);
    }

    #[test]
    fn header_secret_is_not_repeated() {
        let key = format!("AKIA{}", "Q".repeat(16));
        let csv = format!("id,{key}\n1,=2+3\n");
        let report = validate("a.csv", csv.as_bytes());
        assert_eq!(codes(&report.warnings), ["SECRET"]);
        assert_eq!(codes(&report.errors), ["FORMULA_INJECTION"]);
        assert_eq!(report.errors[0].location.column.as_deref(), Some("#2"));
        let printed = format!("{report:?}");
        assert!(!printed.contains(&key), "the key must not appear in the report");
    }

    #[test]
    fn key_finding_points_at_its_object() {
        let report = validate("a.json", br#"[{"note": {"<script>": 1}}]"#);
        assert_eq!(codes(&report.errors), ["MALICIOUS_CONTENT"]);
        assert_eq!(report.errors[0].location.pointer.as_deref(), Some("/0/note"));
        assert!(report.errors[0].message.starts_with("object key contains"), "{}", report.errors[0].message);
    }

    #[test]
    fn removable_characters_do_not_hide_content() {
        for (input, code) in [
            ("id,note\n1,<scr\u{1}ipt>x</script>\n", "MALICIOUS_CONTENT"),
            ("id,note\n1,\u{1}=cmd|' /C calc'!A0\n", "FORMULA_INJECTION"),
            ("id,note\n1,\u{200B}@SUM(A1)\n", "FORMULA_INJECTION"),
        ] {
            assert_eq!(codes(&validate("a.csv", input.as_bytes()).errors), [code], "{input:?}");
        }
    }

    #[test]
    fn formula_after_another_delimiter() {
        let report = validate("a.csv", b"id;note\n1;x,=cmd|' /C calc'!A0\n");
        assert_eq!(codes(&report.errors), ["FORMULA_INJECTION"]);
        assert_eq!(report.errors[0].rule, Some("after_delimiter"));
        let report = validate("a.csv", b"id;note\n1;x,@SUM(A1:A9)\n");
        assert_eq!(codes(&report.errors), ["FORMULA_INJECTION"]);
        let harmless = [
            "id,note\n1,\"one, two\"\n",
            "id,note\n1,\"range 1,-2\"\n",
            "id,note\n1,\"a, -b\"\n",
            "id,note\n1,\"In solidarity,-Lindsey\"\n",
        ];
        for harmless in harmless {
            assert!(validate("a.csv", harmless.as_bytes()).valid, "{harmless:?}");
        }
    }

    #[test]
    fn nul_in_text_is_invalid() {
        let report = validate("a.jsonl", b"{\"note\": \"a\\u0000b\"}\n");
        assert_eq!(codes(&report.errors), ["INVALID_ENCODING"]);
        assert_eq!(report.errors[0].rule, Some("nul"));
    }

    #[test]
    fn chunking_does_not_change_the_report() {
        let input = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/datasets/problems.csv"))
            .expect("example exists");
        let whole = validate("problems.csv", &input);
        assert_eq!(codes(&whole.errors), ["FORMULA_INJECTION", "MALICIOUS_CONTENT", "CSV_RAGGED_ROW"]);
        assert_eq!(codes(&whole.warnings), ["SECRET"]);
        for size in [1, 2, 3, 7, 64, 4096] {
            let mut validator = UploadValidator::new(UploadOptions::new("problems.csv"));
            for chunk in input.chunks(size) {
                validator.update(chunk).expect("not finished");
            }
            assert_eq!(validator.finish().expect("first finish"), whole, "chunk size {size}");
        }
    }

    #[test]
    fn finished_validator_returns_errors() {
        let mut validator = UploadValidator::new(UploadOptions::new("a.json"));
        validator.update(b"[]").expect("not finished");
        assert!(validator.finish().expect("first finish").valid);
        assert_eq!(validator.finish().expect_err("second finish").code(), ErrorCode::AlreadyFinished);
        assert_eq!(validator.update(b"x").expect_err("update after finish").code(), ErrorCode::AlreadyFinished);
    }

    #[test]
    fn parquet_values_are_checked() {
        let bytes = include_bytes!("../../tests/fixtures/parquet/active-content.parquet");
        let report = validate("sessions.parquet", bytes);
        assert_eq!(codes(&report.errors), ["MALICIOUS_CONTENT", "FORMULA_INJECTION"]);
        assert_eq!(report.errors[0].location.record, Some(2));
        assert_eq!(report.errors[0].location.column.as_deref(), Some("note"));
        assert_eq!(report.errors[0].location.line, None);
        assert_eq!(report.errors[1].location.record, Some(3));
        assert_eq!(report.errors[1].rule, Some("leading"));
        assert!(!report.errors[0].message.contains("alert(1)"), "{}", report.errors[0].message);
        assert_eq!(report.stats.records, 3);
        assert_eq!(report.stats.values, 6);
        assert_eq!(report.stats.columns, ["id", "note"]);
    }

    #[test]
    fn parquet_clean_file_is_valid() {
        let bytes = include_bytes!("../../tests/fixtures/parquet/sessions.parquet");
        let report = validate("sessions.parquet", bytes);
        assert!(report.valid, "{:?}", report.errors);
        assert_eq!(report.stats.values, 11);
    }

    #[test]
    fn parquet_unsupported_column_is_a_warning() {
        let bytes = include_bytes!("../../tests/fixtures/parquet/notes-lz4.parquet");
        let report = validate("notes.parquet", bytes);
        assert!(report.valid, "{:?}", report.errors);
        assert_eq!(codes(&report.warnings), ["PARQUET_UNSUPPORTED"; 7]);
        assert_eq!(report.warnings[0].rule, Some("codec"));
        assert_eq!(report.warnings[0].location.column.as_deref(), Some("session_id"));
        assert_eq!(report.stats.values, 0);
    }

    #[test]
    fn parquet_list_values_are_checked() {
        let bytes = include_bytes!("../../tests/fixtures/parquet/nested-list.parquet");
        let report = validate("tags.parquet", bytes);
        assert!(report.valid, "{:?}", report.errors);
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        assert_eq!(report.stats.values, 7);
    }
}
