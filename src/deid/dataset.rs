//! Streaming PHI scan of a dataset file: every string value of a CSV, JSON, JSON Lines or
//! Parquet file goes through the [`Scanner`] and the column classification, chunk by chunk.

use std::sync::Arc;

use serde::{Serialize, Serializer};

use super::columns::{self, Basis, Columns};
use crate::dataset::{self, column_label, Field, Format, Reader, ReaderOptions, Sink, Value, ValueKind};
use crate::error::{Error, ErrorCode};
use crate::phi::{Context, PhiType, ScanOptions, Scanner, Span};
use crate::report::Findings;
use crate::Finding;

/// The location of a PHI finding. It serializes as `{"row": 3, "column": "note"}` for CSV,
/// `{"line": 2, "pointer": "/turns/3/text"}` for JSON Lines, `{"pointer": "/0/client/ssn"}`
/// for JSON and `{}` for plain text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PhiLocation {
    /// A CSV or Parquet cell.
    Cell {
        /// 1-based data record; the header is not a record.
        row: u64,
        /// The column's header name, or `#N` (1-based) without one.
        column: String,
    },
    /// A value inside one JSON Lines document.
    Line {
        /// 1-based physical line of the document.
        line: u64,
        /// RFC 6901 JSON Pointer into the line's document.
        pointer: String,
    },
    /// A value inside a JSON document.
    Pointer {
        /// RFC 6901 JSON Pointer into the document.
        pointer: String,
    },
    /// Plain text: the offsets count from the start of the file.
    Text {},
}

/// One identifier found in a dataset value or a text file. It never carries the matched text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhiFinding {
    /// The location of the value.
    pub location: PhiLocation,
    /// The identifier type.
    #[serde(rename = "type", serialize_with = "serialize_kind")]
    pub kind: PhiType,
    /// UTF-8 byte offset of the first byte, into the decoded value (into the file for text).
    pub start: usize,
    /// UTF-8 byte offset just past the last byte.
    pub end: usize,
    /// Confidence from 0 to 1.
    pub confidence: f32,
    /// The recognizer, or `column_name` / `column_values` for a classified column.
    pub recognizer: &'static str,
    /// The found text itself, present only with [`DatasetOptions::include_text`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `start` and `end` in UTF-16 code units, as JavaScript strings count, present only with
    /// [`DatasetOptions::utf16_offsets`].
    #[serde(rename = "utf16", skip_serializing_if = "Option::is_none")]
    pub utf16: Option<Utf16Range>,
}

/// A range in UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Utf16Range {
    /// Offset of the first code unit.
    pub start: usize,
    /// Offset just past the last code unit.
    pub end: usize,
}

impl Utf16Range {
    /// Converts the byte range `start..end` of `text` to UTF-16 code units, plus `base`.
    fn of(text: &str, start: usize, end: usize, base: usize) -> Utf16Range {
        let units = |to: usize| text.get(..to).map_or(0, |prefix| prefix.encode_utf16().count());
        let start_units = units(start);
        let end_units = start_units + text.get(start..end).map_or(0, |span| span.encode_utf16().count());
        Utf16Range { start: base + start_units, end: base + end_units }
    }
}

pub(crate) fn serialize_kind<S: Serializer>(kind: &PhiType, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(kind.code())
}

/// The spans of one value and where the value sits.
pub(crate) struct Analysis {
    pub(crate) location: PhiLocation,
    /// The report group: the CSV column label, or the JSON Pointer with indices as `*`.
    pub(crate) group: String,
    /// The field name that a subject option matches: the CSV column or the last JSON key.
    pub(crate) field: Option<String>,
    pub(crate) spans: Vec<Span>,
}

/// Scans values with the scanner and the column classification.
pub(crate) struct Analyzer {
    scanner: Arc<Scanner>,
    format: Format,
    min_confidence: f32,
    columns: Columns,
    /// The last `speaker` or `role` value and the pointer of its object, for JSON turns.
    speaker: Option<(String, String)>,
}

impl Analyzer {
    pub(crate) fn new(scanner: Arc<Scanner>, format: Format, min_confidence: f32) -> Self {
        Analyzer { scanner, format, min_confidence, columns: Columns::default(), speaker: None }
    }

    /// Returns the spans of a value, or `None` for what is not scanned: object keys and CSV
    /// header names.
    pub(crate) fn analyze(&mut self, value: &Value<'_>) -> Option<Analysis> {
        if value.kind == ValueKind::Key {
            return None;
        }
        let (location, group, name, parent) = match value.field {
            Field::Column { index, name } => {
                let row = value.record?;
                let label = column_label(index, name);
                (PhiLocation::Cell { row, column: label.clone() }, label, name.map(str::to_owned), None)
            }
            Field::Pointer(pointer) => {
                let (name, parent) = pointer_names(pointer);
                let location = match self.format {
                    Format::Jsonl => PhiLocation::Line { line: value.line, pointer: pointer.to_owned() },
                    _ => PhiLocation::Pointer { pointer: pointer.to_owned() },
                };
                (location, generalize(pointer), name, parent)
            }
        };
        let speaker = self.track_speaker(value, name.as_deref());
        let context = Context { field: name.as_deref(), speaker: speaker.as_deref() };
        let spans = self.scanner.scan_in(value.text, &context);
        let mut spans = self.classify(value.text, &group, name.as_deref(), parent.as_deref(), spans);
        propagate(value.text, &mut spans);
        Some(Analysis { location, group, field: name, spans })
    }

    /// Replaces the spans with one span over the whole value when the column is PHI.
    fn classify(&mut self, text: &str, group: &str, name: Option<&str>, parent: Option<&str>, spans: Vec<Span>) -> Vec<Span> {
        let start = text.len() - text.trim_start().len();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return spans;
        }
        let class = self.columns.class(group, name, parent);
        let Some(class) = class else {
            let inner: Vec<Span> = spans
                .iter()
                .map(|span| Span { start: span.start.saturating_sub(start), end: span.end.saturating_sub(start), ..*span })
                .collect();
            self.columns.sample(group, trimmed, &inner);
            return spans;
        };
        let (confidence, recognizer) = match class.basis {
            Basis::Name => (columns::NAME_CONFIDENCE, columns::NAME_RECOGNIZER),
            Basis::Values => (columns::VALUES_CONFIDENCE, columns::VALUES_RECOGNIZER),
        };
        if confidence < self.min_confidence || !columns::value_applies(class.kind, trimmed) {
            return spans;
        }
        vec![Span { kind: class.kind, start, end: start + trimmed.len(), confidence, recognizer }]
    }

    /// Remembers a `speaker` or `role` member and returns the speaker of the value's object.
    fn track_speaker(&mut self, value: &Value<'_>, name: Option<&str>) -> Option<String> {
        let Field::Pointer(pointer) = value.field else { return None };
        let object = pointer.rsplit_once('/').map_or("", |(object, _)| object);
        if matches!(name, Some("speaker" | "role")) && value.kind == ValueKind::String {
            self.speaker = Some((object.to_owned(), value.text.chars().take(64).collect()));
            return None;
        }
        self.speaker.as_ref().filter(|(owner, _)| owner == object).map(|(_, speaker)| speaker.clone())
    }
}

/// Returns the last object key of a pointer and the key before it, skipping array indices and
/// undoing the `~1` and `~0` escapes.
fn pointer_names(pointer: &str) -> (Option<String>, Option<String>) {
    let keys: Vec<&str> = pointer.split('/').skip(1).filter(|segment| !is_index(segment)).collect();
    let mut keys = keys.into_iter().rev();
    let unescape = |segment: &str| segment.replace("~1", "/").replace("~0", "~");
    let name = keys.next().map(unescape);
    let parent = keys.next().map(unescape);
    (name, parent)
}

fn is_index(segment: &str) -> bool {
    !segment.is_empty() && segment.bytes().all(|byte| byte.is_ascii_digit())
}

/// Returns the pointer with every array index replaced by `*`, so all records share one group.
pub(crate) fn generalize(pointer: &str) -> String {
    pointer.split('/').map(|segment| if is_index(segment) { "*" } else { segment }).collect::<Vec<_>>().join("/")
}

/// Options for a dataset scan.
#[derive(Clone, Debug)]
pub struct DatasetOptions {
    /// Options of the dataset reader, such as a fixed CSV delimiter.
    pub reader: ReaderOptions,
    /// Column findings below this confidence are dropped; pass the scanner's own minimum.
    pub min_confidence: f32,
    /// Puts the found text into each finding. Off by default, because findings are meant to be
    /// logged and shown without PHI.
    pub include_text: bool,
    /// Adds UTF-16 offsets to each finding, for highlighting in JavaScript.
    pub utf16_offsets: bool,
}

impl Default for DatasetOptions {
    fn default() -> Self {
        DatasetOptions {
            reader: ReaderOptions::default(),
            min_confidence: ScanOptions::default().min_confidence,
            include_text: false,
            utf16_offsets: false,
        }
    }
}

/// Counts and reader problems of a finished scan.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanSummary {
    /// Bytes read.
    pub bytes: u64,
    /// Data records read.
    pub records: u64,
    /// Values scanned.
    pub values: u64,
    /// Findings reported.
    pub findings: u64,
    /// `false` when some value could not be read (too large, after a syntax error, an invalid
    /// JSON Lines line), so it was not scanned.
    pub complete: bool,
    /// Problems the reader reported, at most 100 per code. Their messages never quote a value.
    pub problems: Vec<Finding>,
}

/// Reader codes after which some value was not scanned.
pub(crate) fn leaves_values_unread(finding: &Finding) -> bool {
    use crate::Code;
    matches!(
        finding.code,
        Code::ValueTooLarge | Code::JsonSyntax | Code::JsonTooDeep | Code::JsonlInvalidLine | Code::JsonNumberTooLong | Code::ParquetInvalid
    )
}

struct ScanSink {
    analyzer: Analyzer,
    include_text: bool,
    utf16_offsets: bool,
    found: Vec<PhiFinding>,
    problems: Findings,
    values: u64,
    findings: u64,
    complete: bool,
}

impl Sink for ScanSink {
    fn value(&mut self, value: &Value<'_>) {
        let Some(analysis) = self.analyzer.analyze(value) else { return };
        self.values += 1;
        for span in analysis.spans {
            self.findings += 1;
            self.found.push(PhiFinding {
                location: analysis.location.clone(),
                kind: span.kind,
                start: span.start,
                end: span.end,
                confidence: span.confidence,
                recognizer: span.recognizer,
                text: self.include_text.then(|| value.text.get(span.start..span.end).unwrap_or_default().to_owned()),
                utf16: self.utf16_offsets.then(|| Utf16Range::of(value.text, span.start, span.end, 0)),
            });
        }
    }

    fn finding(&mut self, finding: Finding) {
        if leaves_values_unread(&finding) {
            self.complete = false;
        }
        self.problems.push(finding);
    }
}

/// A streaming PHI scan of one dataset file.
///
/// ```
/// use std::sync::Arc;
/// use techdeck_guard::dataset::Format;
/// use techdeck_guard::deid::{DatasetScan, DatasetOptions, PhiLocation};
/// use techdeck_guard::phi::{Scanner, ScanOptions};
///
/// let scanner = Arc::new(Scanner::new(&ScanOptions::default()).unwrap());
/// let mut scan = DatasetScan::new(Format::Csv, scanner, &DatasetOptions::default());
/// let mut findings = scan.feed(b"id,ssn\n1,");
/// findings.extend(scan.feed(b"unknown\n"));
/// findings.extend(scan.finish().unwrap());
/// assert_eq!(findings[0].location, PhiLocation::Cell { row: 1, column: "ssn".into() });
/// assert_eq!(findings[0].recognizer, "column_name");
/// ```
pub struct DatasetScan {
    reader: Box<dyn Reader>,
    sink: ScanSink,
    bytes: u64,
    finished: bool,
}

impl std::fmt::Debug for DatasetScan {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("DatasetScan")
            .field("bytes", &self.bytes)
            .field("values", &self.sink.values)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl DatasetScan {
    /// Creates a scan of a file in `format`.
    pub fn new(format: Format, scanner: Arc<Scanner>, options: &DatasetOptions) -> Self {
        let min_confidence = options.min_confidence;
        DatasetScan {
            reader: dataset::reader(format, &options.reader),
            sink: ScanSink {
                analyzer: Analyzer::new(scanner, format, min_confidence),
                include_text: options.include_text,
                utf16_offsets: options.utf16_offsets,
                found: Vec::new(),
                problems: Findings::default(),
                values: 0,
                findings: 0,
                complete: true,
            },
            bytes: 0,
            finished: false,
        }
    }

    /// Reads the next chunk and returns the findings in the values it completed. A value split
    /// between chunks is reported with the chunk that ends it.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<PhiFinding> {
        if self.finished {
            return Vec::new();
        }
        self.bytes += chunk.len() as u64;
        self.reader.feed(chunk, &mut self.sink);
        std::mem::take(&mut self.sink.found)
    }

    /// Reads the end of the file and returns the last findings.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::AlreadyFinished`] on a second call.
    pub fn finish(&mut self) -> Result<Vec<PhiFinding>, Error> {
        if self.finished {
            return Err(already_finished());
        }
        self.finished = true;
        self.reader.finish(&mut self.sink);
        Ok(std::mem::take(&mut self.sink.found))
    }

    /// Returns the number of bytes read so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// Returns the counts and problems so far.
    pub fn summary(&self) -> ScanSummary {
        let problems = &self.sink.problems;
        ScanSummary {
            bytes: self.bytes,
            records: self.reader.records(),
            values: self.sink.values,
            findings: self.sink.findings,
            complete: self.sink.complete,
            problems: problems.errors.iter().chain(&problems.warnings).cloned().collect(),
        }
    }
}

pub(crate) fn already_finished() -> Error {
    Error::new(ErrorCode::AlreadyFinished, "the scan or redaction was already finished; start a new one")
}

/// Size of the text blocks that a text scan hands to the scanner, cut at line ends.
pub const TEXT_BLOCK_BYTES: usize = 64 * 1024;

/// Splits plain text into blocks at line ends, so the scanner gets whole lines.
#[derive(Debug, Default)]
pub(crate) struct TextBlocks {
    pending: Vec<u8>,
    /// File offset of `pending[0]`.
    offset: u64,
}

impl TextBlocks {
    /// Appends `chunk` and returns the next block and its file offset, if one is complete.
    /// Call it again with an empty chunk until it returns `None`.
    pub(crate) fn next_block(&mut self, chunk: &[u8], at_end: bool) -> Option<(u64, Vec<u8>)> {
        self.pending.extend_from_slice(chunk);
        if self.pending.is_empty() {
            return None;
        }
        let cut = if at_end {
            self.pending.len()
        } else if self.pending.len() < TEXT_BLOCK_BYTES {
            return None;
        } else {
            match memchr::memrchr(b'\n', &self.pending) {
                Some(line_end) => line_end + 1,
                None if self.pending.len() > crate::limits::MAX_VALUE_BYTES => {
                    // A line longer than the value limit is cut at a character boundary.
                    let mut cut = crate::limits::MAX_VALUE_BYTES;
                    while cut > 0 && self.pending[cut] & 0xC0 == 0x80 {
                        cut -= 1;
                    }
                    cut
                }
                None => return None,
            }
        };
        let rest = self.pending.split_off(cut);
        let block = std::mem::replace(&mut self.pending, rest);
        let offset = self.offset;
        self.offset += block.len() as u64;
        Some((offset, block))
    }
}

/// Calls `each` with every valid UTF-8 run of `bytes` and its offset in `bytes`. Invalid bytes
/// are skipped, so offsets stay true to the file.
pub(crate) fn utf8_runs(bytes: &[u8], mut each: impl FnMut(usize, &str)) {
    let mut at = 0;
    while at < bytes.len() {
        match std::str::from_utf8(&bytes[at..]) {
            Ok(text) => {
                each(at, text);
                return;
            }
            Err(error) => {
                let valid = error.valid_up_to();
                if valid > 0 {
                    // The prefix up to valid_up_to is UTF-8 by the error's contract.
                    each(at, std::str::from_utf8(&bytes[at..at + valid]).unwrap_or_default());
                }
                at += valid + error.error_len().unwrap_or(bytes.len() - at - valid).max(1);
            }
        }
    }
}

/// A streaming PHI scan of a plain-text file, with offsets into the whole file.
pub struct TextScan {
    scanner: Arc<Scanner>,
    include_text: bool,
    utf16_offsets: bool,
    /// UTF-16 code units of the blocks scanned so far, with each invalid sequence as one
    /// U+FFFD, as `TextDecoder` reads it.
    utf16_base: usize,
    blocks: TextBlocks,
    bytes: u64,
    findings: u64,
}

impl std::fmt::Debug for TextScan {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("TextScan").field("bytes", &self.bytes).finish_non_exhaustive()
    }
}

impl TextScan {
    /// Creates a text scan. Of the options, `include_text` and `utf16_offsets` apply.
    pub fn new(scanner: Arc<Scanner>, options: &DatasetOptions) -> Self {
        TextScan {
            scanner,
            include_text: options.include_text,
            utf16_offsets: options.utf16_offsets,
            utf16_base: 0,
            blocks: TextBlocks::default(),
            bytes: 0,
            findings: 0,
        }
    }

    /// Reads the next chunk and returns the findings in the lines it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<PhiFinding> {
        self.bytes += chunk.len() as u64;
        self.drain(chunk, false)
    }

    /// Scans what is left and returns the last findings.
    pub fn finish(&mut self) -> Vec<PhiFinding> {
        self.drain(&[], true)
    }

    /// Returns the number of bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    fn drain(&mut self, chunk: &[u8], at_end: bool) -> Vec<PhiFinding> {
        let mut found = Vec::new();
        let mut chunk = chunk;
        while let Some((offset, block)) = self.blocks.next_block(chunk, at_end) {
            chunk = &[];
            let block_base = self.utf16_base;
            utf8_runs(&block, |at, text| {
                let spans = self.scanner.scan(text);
                let run_base = match (self.utf16_offsets, spans.is_empty()) {
                    (true, false) => block_base + String::from_utf8_lossy(&block[..at]).encode_utf16().count(),
                    _ => 0,
                };
                for span in spans {
                    let base = offset as usize + at;
                    found.push(PhiFinding {
                        location: PhiLocation::Text {},
                        kind: span.kind,
                        start: base + span.start,
                        end: base + span.end,
                        confidence: span.confidence,
                        recognizer: span.recognizer,
                        text: self.include_text.then(|| text.get(span.start..span.end).unwrap_or_default().to_owned()),
                        utf16: self.utf16_offsets.then(|| Utf16Range::of(text, span.start, span.end, run_base)),
                    });
                }
            });
            if self.utf16_offsets {
                self.utf16_base += String::from_utf8_lossy(&block).encode_utf16().count();
            }
        }
        self.findings += found.len() as u64;
        found
    }
}

/// Shortest found text that [`propagate`] looks for elsewhere in a value, in bytes. Shorter ones
/// (`Jo`, `12`) would mark ordinary text.
const MIN_PROPAGATED_BYTES: usize = 4;

/// Most distinct found texts that [`propagate`] looks for in one value, so a value with many
/// findings costs at most this many passes over it.
const MAX_PROPAGATED_TEXTS: usize = 32;

/// Adds a span over every other occurrence, in the same value, of a text already found there, so
/// that redaction leaves no copy that a recognizer missed (`gJuly 12, 2023` beside a found
/// `July 12, 2023`).
fn propagate(text: &str, spans: &mut Vec<Span>) {
    let mut searched: Vec<&str> = Vec::new();
    let mut added = Vec::new();
    for span in spans.iter() {
        let found = &text[span.start..span.end];
        if found.len() < MIN_PROPAGATED_BYTES || searched.contains(&found) {
            continue;
        }
        if searched.len() == MAX_PROPAGATED_TEXTS {
            break;
        }
        searched.push(found);
        for (start, _) in text.match_indices(found) {
            let end = start + found.len();
            let overlaps = spans.iter().chain(added.iter()).any(|other: &Span| other.start < end && start < other.end);
            if !overlaps {
                added.push(Span { start, end, ..*span });
            }
        }
    }
    if !added.is_empty() {
        spans.extend(added);
        spans.sort_by_key(|span| (span.start, span.end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanner() -> Arc<Scanner> {
        Arc::new(Scanner::new(&ScanOptions::default()).unwrap())
    }

    fn scan(format: Format, input: &[u8], chunk: usize) -> (Vec<PhiFinding>, ScanSummary) {
        let mut scan = DatasetScan::new(format, scanner(), &DatasetOptions::default());
        let mut found = Vec::new();
        for part in input.chunks(chunk.max(1)) {
            found.extend(scan.feed(part));
        }
        found.extend(scan.finish().unwrap());
        (found, scan.summary())
    }

    fn brief(found: &[PhiFinding]) -> Vec<(PhiLocation, &str, usize, usize, &str)> {
        found.iter().map(|finding| (finding.location.clone(), finding.kind.code(), finding.start, finding.end, finding.recognizer)).collect()
    }

    fn cell(row: u64, column: &str) -> PhiLocation {
        PhiLocation::Cell { row, column: column.to_owned() }
    }

    #[test]
    fn csv_cells_and_columns() {
        let input = "id,client_name,dob,note\n1,Ann Lee, 1/2/1990 ,mail ann@x.org now\n2,,odd,ssn 123-45-6789\n";
        for chunk in [1, 3, 7, usize::MAX] {
            let (found, summary) = scan(Format::Csv, input.as_bytes(), chunk);
            assert_eq!(
                brief(&found),
                [
                    (cell(1, "client_name"), "NAME", 0, 7, "column_name"),
                    (cell(1, "dob"), "DATE", 1, 9, "column_name"),
                    (cell(1, "note"), "EMAIL", 5, 14, "email"),
                    (cell(2, "dob"), "DATE", 0, 3, "column_name"),
                    (cell(2, "note"), "SSN", 4, 15, "ssn"),
                ],
                "chunk {chunk}"
            );
            assert_eq!((summary.records, summary.values, summary.findings, summary.complete), (2, 8, 5, true));
        }
    }

    #[test]
    fn json_pointers_and_nested_names() {
        let input = r#"[{"client": {"name": {"first": "Ann"}, "address": {"street": "1 Main St", "state": "TN"}},
            "contact": "ann@x.org", "age": 93, "n": 12}, {"client": {"name": {"first": "Bo"}}, "age": 40}]"#;
        let (found, summary) = scan(Format::Json, input.as_bytes(), 5);
        let pointer = |pointer: &str| PhiLocation::Pointer { pointer: pointer.to_owned() };
        assert_eq!(
            brief(&found),
            [
                (pointer("/0/client/name/first"), "NAME", 0, 3, "column_name"),
                (pointer("/0/client/address/street"), "ADDRESS", 0, 9, "column_name"),
                (pointer("/0/contact"), "EMAIL", 0, 9, "email"),
                (pointer("/0/age"), "AGE_OVER_89", 0, 2, "column_name"),
                (pointer("/1/client/name/first"), "NAME", 0, 2, "column_name"),
            ]
        );
        assert!(summary.complete);
    }

    #[test]
    fn jsonl_lines_and_column_values() {
        let mut input = String::new();
        for n in 0..8 {
            input.push_str(&format!("{{\"contact\": \"user{n}@x.org\", \"text\": \"hi\"}}\n"));
        }
        input.push_str("{\"contact\": \"not an email\"}\n");
        let (found, _) = scan(Format::Jsonl, input.as_bytes(), 16);
        let last = found.last().unwrap();
        assert_eq!(last.location, PhiLocation::Line { line: 9, pointer: "/contact".to_owned() });
        assert_eq!((last.kind, last.start, last.end, last.recognizer), (PhiType::Email, 0, 12, "column_values"));
        assert_eq!(found.len(), 9);
    }

    #[test]
    fn unread_values_make_scan_incomplete() {
        let (_, summary) = scan(Format::Jsonl, b"{\"a\": \"123-45-6789\"}\n{\"a\": \n", 4);
        assert!(!summary.complete);
        assert_eq!(summary.problems[0].code, crate::Code::JsonlInvalidLine);
    }

    #[test]
    fn text_offsets_span_the_file() {
        let mut input = "x".repeat(TEXT_BLOCK_BYTES) + "\n";
        input.push_str("ssn 123-45-6789 and \u{FF}");
        let mut bytes = input.into_bytes();
        let at = bytes.len() - 2;
        bytes[at] = 0xFF;
        bytes.extend_from_slice(b"b@c.org\n");
        let options = DatasetOptions { utf16_offsets: true, ..DatasetOptions::default() };
        let mut scan = TextScan::new(scanner(), &options);
        let mut found = Vec::new();
        for part in bytes.chunks(1000) {
            found.extend(scan.feed(part));
        }
        found.extend(scan.finish());
        let texts: Vec<&[u8]> = found.iter().map(|finding| &bytes[finding.start..finding.end]).collect();
        assert_eq!(texts, [&b"123-45-6789"[..], &b"b@c.org"[..]]);
        let decoded: Vec<u16> = String::from_utf8_lossy(&bytes).encode_utf16().collect();
        let utf16 = found[1].utf16.unwrap();
        assert_eq!(String::from_utf16(&decoded[utf16.start..utf16.end]).unwrap(), "b@c.org");
    }

    #[test]
    fn synthea_columns_classify_by_name() {
        let input = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/csv/synthea-patients.csv")).unwrap();
        let (found, summary) = scan(Format::Csv, &input, 100);
        assert_eq!(summary.records, 6);
        let mut first_row: Vec<(String, &str)> = found
            .iter()
            .filter_map(|finding| match &finding.location {
                PhiLocation::Cell { row: 1, column } => Some((column.clone(), finding.kind.code())),
                _ => None,
            })
            .collect();
        first_row.dedup();
        let expected = [
            ("BIRTHDATE", "DATE"),
            ("SSN", "SSN"),
            ("DRIVERS", "LICENSE_NUMBER"),
            ("PASSPORT", "OTHER_ID"),
            ("FIRST", "NAME"),
            ("LAST", "NAME"),
            ("BIRTHPLACE", "CITY"),
            ("ADDRESS", "ADDRESS"),
            ("CITY", "CITY"),
            ("COUNTY", "CITY"),
            ("ZIP", "ZIP"),
            ("LAT", "ADDRESS"),
            ("LON", "ADDRESS"),
        ];
        let expected: Vec<(String, &str)> = expected.iter().map(|(column, kind)| (column.to_string(), *kind)).collect();
        assert_eq!(first_row, expected);
        // Row 2 has an empty ZIP, which is no finding.
        assert!(!found.iter().any(|finding| finding.location == cell(2, "ZIP")));
    }

    #[test]
    fn propagate_marks_every_copy() {
        let text = "gJuly 12, 2023 July 12, 2023";
        let found = Span { kind: PhiType::Date, start: 15, end: 28, confidence: 0.9, recognizer: "date" };
        let mut spans = vec![found];
        propagate(text, &mut spans);
        let covered: Vec<(usize, usize)> = spans.iter().map(|span| (span.start, span.end)).collect();
        assert_eq!(covered, [(1, 14), (15, 28)]);
        assert!(spans.iter().all(|span| span.kind == PhiType::Date && span.recognizer == "date"));
    }

    #[test]
    fn propagate_skips_short_texts() {
        let text = "Jo met Jo";
        let mut spans = vec![Span { kind: PhiType::Name, start: 0, end: 2, confidence: 0.9, recognizer: "name" }];
        propagate(text, &mut spans);
        assert_eq!(spans.len(), 1);
    }

    #[test]
    fn finding_serializes_as_specified() {
        let finding = PhiFinding {
            location: cell(3, "note"),
            kind: PhiType::Phone,
            start: 10,
            end: 22,
            confidence: 0.93,
            recognizer: "phone",
            text: None,
            utf16: None,
        };
        assert_eq!(
            serde_json::to_string(&finding).unwrap(),
            r#"{"location":{"row":3,"column":"note"},"type":"PHONE","start":10,"end":22,"confidence":0.93,"recognizer":"phone"}"#
        );
        assert_eq!(serde_json::to_string(&PhiLocation::Text {}).unwrap(), "{}");
    }
}
