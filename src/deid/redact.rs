//! Streaming redaction that keeps the file's format.
//!
//! The input is copied byte for byte, except the values that hold PHI: each of those is
//! written anew with its identifiers replaced, encoded for its format. A CSV cell keeps its
//! quoting (and is quoted when the new text needs it), a JSON string stays a string, and a JSON
//! number stays a number when its replacement is one and becomes a string otherwise. Key order,
//! whitespace, delimiters and line ends are the input's.
//!
//! The dataset reader decodes the values and names their location. This module keeps the raw
//! bytes since the last value written out, and a small lexer ([`Tracker`]) finds how far the
//! output may go without passing a value that the reader has not finished yet. Memory is
//! bounded by [`MAX_REDACT_PENDING_BYTES`] plus one chunk.
//!
//! A Parquet file is kept whole and rewritten at the end of the input, with the schema, row
//! groups and non-string columns of the input and the string columns redacted (see the
//! `parquet` submodule).

use std::collections::VecDeque;
use std::sync::Arc;

use super::dataset::{already_finished, leaves_values_unread, utf8_runs, Analyzer, DatasetOptions, TextBlocks};
use super::operators::{Key, Operator, Operators, Replacer};
use super::report::{SafeHarborReport, Tally};
use parquet::ParquetState;
pub use parquet::redact_parquet_seekable;
use crate::dataset::{self, Format, Reader, Sink, Value, ValueKind};
use crate::error::Error;
use crate::phi::{PhiType, Scanner, Span};
use crate::report::Findings;
use crate::Finding;

/// Raw bytes a redactor keeps before it writes them out even though a value may still be open.
///
/// Four times the value limit leaves room for a value at the limit whose raw form is longer
/// (doubled CSV quotes, JSON escapes) and for the rest of its record while dates wait for the
/// record's subject. A value that arrives after its bytes were written is counted in
/// [`SafeHarborReport::unredacted_values`], and the report is then not complete.
pub const MAX_REDACT_PENDING_BYTES: usize = 4 * crate::limits::MAX_VALUE_BYTES;

/// The format of a file to scan or redact: a dataset format, or plain text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// A dataset read by [`crate::dataset`].
    Dataset(Format),
    /// Plain UTF-8 text, scanned as a whole.
    Text,
}

impl Input {
    /// Returns the input for a format name or file extension: `csv`, `json`, `jsonl`,
    /// `parquet`, or `text`, `txt` and `md` for text.
    pub fn from_name(name: &str) -> Option<Input> {
        match name {
            "text" | "txt" | "md" => Some(Input::Text),
            other => Format::from_extension(other).map(Input::Dataset),
        }
    }

    /// Returns the format's name.
    pub fn name(self) -> &'static str {
        match self {
            Input::Dataset(format) => format.extension(),
            Input::Text => "text",
        }
    }
}

/// Options for a [`Redactor`].
#[derive(Clone, Debug, Default)]
pub struct RedactOptions {
    /// The operator per type and the subject field.
    pub operators: Operators,
    /// The key of the keyed operators; required when one is in use.
    pub key: Option<Key>,
    /// Reader options and the minimum confidence of column findings.
    pub dataset: DatasetOptions,
}

/// Returns whether dates shift per subject: a subject field is set and dates shift.
fn dates_per_subject(replacer: &Replacer) -> bool {
    replacer.operators().subject_field.is_some()
        && matches!(replacer.operators().get(PhiType::Date), Operator::Shift | Operator::Surrogate)
}

/// Replaces the spans of `text` and returns the new text and, per span, its type and whether
/// its replacement differs from it. Overlapping spans are merged first.
pub(crate) fn replace_spans(
    text: &str,
    spans: &[Span],
    replacer: &Replacer,
    subject: Option<&str>,
) -> (String, Vec<(PhiType, bool)>) {
    let mut out = String::with_capacity(text.len());
    let mut counted = Vec::new();
    let mut cursor = 0;
    for span in merge(spans) {
        let (start, end) = (span.start.min(text.len()), span.end.min(text.len()));
        let (Some(before), Some(original)) = (text.get(cursor..start), text.get(start..end)) else { continue };
        out.push_str(before);
        let replacement = replacer.replace(span.kind, original, subject);
        counted.push((span.kind, replacement != original));
        out.push_str(&replacement);
        cursor = end;
    }
    out.push_str(text.get(cursor..).unwrap_or_default());
    (out, counted)
}

/// Returns the spans with overlaps merged: a merged span has the type of its most confident part.
pub(crate) fn merge(spans: &[Span]) -> Vec<Span> {
    let mut sorted = spans.to_vec();
    sorted.sort_by_key(|span| (span.start, std::cmp::Reverse(span.end)));
    let mut merged: Vec<Span> = Vec::with_capacity(sorted.len());
    for span in sorted {
        match merged.last_mut() {
            Some(last) if span.start < last.end => {
                if span.confidence > last.confidence {
                    last.kind = span.kind;
                    last.confidence = span.confidence;
                    last.recognizer = span.recognizer;
                }
                last.end = last.end.max(span.end);
            }
            _ => merged.push(span),
        }
    }
    merged
}

/// A value with PHI, waiting to be written.
struct Item {
    /// File offset of the value's first raw byte.
    start: u64,
    /// File offset just past its last raw byte, once lexed.
    end: Option<u64>,
    kind: ValueKind,
    original: String,
    spans: Vec<Span>,
    group: String,
    /// The new text, once the record's subject is known.
    replacement: Option<String>,
}

/// The sink side of a redactor: the values, the raw bytes and the counts.
struct State {
    format: Format,
    analyzer: Analyzer,
    replacer: Replacer,
    /// Whether replacements wait for the end of the record, because dates shift per subject.
    per_subject: bool,
    subject: Option<String>,
    pending: Vec<u8>,
    /// File offset of `pending[0]`.
    pending_start: u64,
    items: VecDeque<Item>,
    tally: Tally,
    problems: Findings,
    unread: bool,
}

impl Sink for State {
    fn value(&mut self, value: &Value<'_>) {
        let Some(analysis) = self.analyzer.analyze(value) else { return };
        self.tally.values += 1;
        if self.per_subject && self.subject.is_none() && analysis.field.as_deref() == self.replacer.operators().subject_field.as_deref() {
            self.subject = Some(value.text.to_owned());
        }
        if analysis.spans.is_empty() {
            return;
        }
        if value.offset < self.pending_start {
            self.tally.unredacted_values += 1;
            return;
        }
        self.items.push_back(Item {
            start: value.offset,
            end: None,
            kind: value.kind,
            original: value.text.to_owned(),
            spans: analysis.spans,
            group: analysis.group,
            replacement: None,
        });
        if !self.per_subject {
            self.resolve();
        }
    }

    fn record_end(&mut self) {
        self.resolve();
        self.subject = None;
    }

    fn finding(&mut self, finding: Finding) {
        if leaves_values_unread(&finding) {
            self.unread = true;
        }
        self.problems.push(finding);
    }
}

impl State {
    /// Computes the replacement of every item that has none, with the current subject.
    fn resolve(&mut self) {
        let date_shifts = matches!(self.replacer.operators().get(PhiType::Date), Operator::Shift | Operator::Surrogate);
        for item in self.items.iter_mut().filter(|item| item.replacement.is_none()) {
            let (text, counted) = replace_spans(&item.original, &item.spans, &self.replacer, self.subject.as_deref());
            for (kind, changed) in counted {
                self.tally.count(&item.group, kind, changed);
                if kind == PhiType::Date && date_shifts && self.subject.is_none() && self.per_subject {
                    self.tally.dates_without_subject += 1;
                }
            }
            if text != item.original {
                self.tally.changed_values += 1;
            }
            item.original = String::new();
            item.spans = Vec::new();
            item.replacement = Some(text);
        }
    }

    /// Finds the raw end of every item that has none.
    fn lex_items(&mut self, delimiter: Option<u8>) {
        for item in self.items.iter_mut().filter(|item| item.end.is_none()) {
            let Some(from) = item.start.checked_sub(self.pending_start) else { continue };
            let raw = self.pending.get(from as usize..).unwrap_or_default();
            let length = match (self.format, item.kind) {
                (Format::Csv, _) => delimiter.map(|delimiter| csv_cell_len(raw, delimiter)),
                (_, ValueKind::Number) => Some(json_number_len(raw)),
                _ => json_string_len(raw),
            };
            item.end = length.map(|length| item.start + length as u64);
        }
    }

    /// Writes the raw bytes before `safe`, with each finished item's replacement in place of
    /// its raw bytes.
    fn flush(&mut self, safe: u64, delimiter: u8, out: &mut Vec<u8>) {
        let mut cursor = self.pending_start;
        while let Some(item) = self.items.front() {
            let (Some(end), Some(_)) = (item.end, &item.replacement) else { break };
            if item.start >= safe || end > self.pending_end() {
                break;
            }
            let Some(item) = self.items.pop_front() else { break };
            out.extend_from_slice(self.raw(cursor, item.start));
            let raw = self.raw(item.start, end);
            let replacement = item.replacement.unwrap_or_default();
            self.encode(raw.first().copied(), item.kind, &replacement, delimiter, out);
            cursor = end;
        }
        let safe = safe.max(cursor).min(self.pending_end());
        out.extend_from_slice(self.raw(cursor, safe));
        let drained = (safe - self.pending_start) as usize;
        self.pending.drain(..drained);
        self.pending_start = safe;
        // An item whose start was written out raw can no longer be replaced.
        while self.items.front().is_some_and(|item| item.start < safe) {
            self.items.pop_front();
            self.tally.unredacted_values += 1;
        }
    }

    fn pending_end(&self) -> u64 {
        self.pending_start + self.pending.len() as u64
    }

    fn raw(&self, from: u64, to: u64) -> &[u8] {
        let from = from.saturating_sub(self.pending_start) as usize;
        let to = to.saturating_sub(self.pending_start) as usize;
        self.pending.get(from..to.max(from)).unwrap_or_default()
    }

    fn encode(&self, first_raw: Option<u8>, kind: ValueKind, text: &str, delimiter: u8, out: &mut Vec<u8>) {
        match self.format {
            Format::Csv => encode_csv(text, first_raw == Some(b'"'), delimiter, out),
            _ if kind == ValueKind::Number && is_json_number(text) => out.extend_from_slice(text.as_bytes()),
            _ => encode_json_string(text, out),
        }
    }
}

/// Returns the raw length of the CSV cell at the start of `raw`, as the reader reads it: a
/// quoted part with doubled quotes, then any text up to the delimiter or line end.
fn csv_cell_len(raw: &[u8], delimiter: u8) -> usize {
    let mut at = 0;
    if raw.first() == Some(&b'"') {
        at = 1;
        loop {
            match memchr::memchr(b'"', raw.get(at..).unwrap_or_default()) {
                Some(quote) if raw.get(at + quote + 1) == Some(&b'"') => at += quote + 2,
                Some(quote) => {
                    at += quote + 1;
                    break;
                }
                None => return raw.len(),
            }
        }
    }
    let rest = raw.get(at..).unwrap_or_default();
    at + memchr::memchr3(delimiter, b'\n', b'\r', rest).unwrap_or(rest.len())
}

/// Returns the raw length of the JSON string at the start of `raw`, quotes included.
fn json_string_len(raw: &[u8]) -> Option<usize> {
    if raw.first() != Some(&b'"') {
        return None;
    }
    let mut at = 1;
    loop {
        let found = memchr::memchr2(b'"', b'\\', raw.get(at..)?)?;
        if raw[at + found] == b'"' {
            return Some(at + found + 1);
        }
        at += found + 2;
    }
}

fn json_number_len(raw: &[u8]) -> usize {
    raw.iter().position(|byte| !matches!(byte, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')).unwrap_or(raw.len())
}

fn is_json_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()) && (digits == "0" || !digits.starts_with('0'))
}

/// Writes a CSV field. It is quoted when the original was, when it is empty (so that a record
/// of one empty field is not read as a blank line) and when the text needs quotes.
fn encode_csv(text: &str, was_quoted: bool, delimiter: u8, out: &mut Vec<u8>) {
    let needs_quotes = text.is_empty() || text.bytes().any(|byte| matches!(byte, b'"' | b'\n' | b'\r') || byte == delimiter);
    if !(was_quoted || needs_quotes) {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    out.push(b'"');
    for byte in text.bytes() {
        if byte == b'"' {
            out.push(b'"');
        }
        out.push(byte);
    }
    out.push(b'"');
}

fn encode_json_string(text: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for c in text.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes()),
            c => {
                let mut buffer = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// A lexer that follows the raw bytes only far enough to tell where the open token starts.
#[derive(Debug)]
enum Tracker {
    Csv { state: CsvState, cell_start: u64, offset: u64 },
    Json { state: JsonState, token_start: u64, offset: u64 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CsvState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JsonState {
    Outside,
    String,
    Escape,
    Number,
}

impl Tracker {
    fn new(format: Format) -> Tracker {
        match format {
            Format::Csv => Tracker::Csv { state: CsvState::FieldStart, cell_start: 0, offset: 0 },
            _ => Tracker::Json { state: JsonState::Outside, token_start: 0, offset: 0 },
        }
    }

    /// Follows the bytes of `pending` (which starts at file offset `pending_start`) that it has
    /// not seen yet. A CSV tracker waits for the delimiter.
    fn advance(&mut self, pending: &[u8], pending_start: u64, delimiter: Option<u8>) {
        match self {
            Tracker::Csv { state, cell_start, offset } => {
                let Some(delimiter) = delimiter else { return };
                let from = offset.saturating_sub(pending_start) as usize;
                for &byte in pending.get(from..).unwrap_or_default() {
                    let ends_field = byte == delimiter || byte == b'\n' || byte == b'\r';
                    *state = match *state {
                        CsvState::FieldStart => {
                            *cell_start = *offset;
                            if byte == b'"' {
                                CsvState::Quoted
                            } else if ends_field {
                                CsvState::FieldStart
                            } else {
                                CsvState::Unquoted
                            }
                        }
                        CsvState::Unquoted if ends_field => CsvState::FieldStart,
                        CsvState::Quoted if byte == b'"' => CsvState::QuoteInQuoted,
                        CsvState::QuoteInQuoted if byte == b'"' => CsvState::Quoted,
                        CsvState::QuoteInQuoted if ends_field => CsvState::FieldStart,
                        CsvState::QuoteInQuoted => CsvState::Unquoted,
                        same => same,
                    };
                    *offset += 1;
                }
            }
            Tracker::Json { state, token_start, offset } => {
                let from = offset.saturating_sub(pending_start) as usize;
                for &byte in pending.get(from..).unwrap_or_default() {
                    if *state == JsonState::Number && !matches!(byte, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                        *state = JsonState::Outside;
                    }
                    *state = match (*state, byte) {
                        // A raw line feed cannot be inside a valid string, so a JSON Lines line
                        // with an unclosed string does not hold back the rest of the file.
                        (_, b'\n') => JsonState::Outside,
                        (JsonState::Outside, b'"') => {
                            *token_start = *offset;
                            JsonState::String
                        }
                        (JsonState::Outside, b'-' | b'0'..=b'9') => {
                            *token_start = *offset;
                            JsonState::Number
                        }
                        (JsonState::String, b'\\') => JsonState::Escape,
                        (JsonState::String, b'"') => JsonState::Outside,
                        (JsonState::Escape, _) => JsonState::String,
                        (same, _) => same,
                    };
                    *offset += 1;
                }
            }
        }
    }

    /// Returns the file offset before which no value is open.
    fn safe(&self, pending_start: u64) -> u64 {
        match *self {
            Tracker::Csv { offset, .. } if offset < pending_start => pending_start,
            Tracker::Csv { state: CsvState::FieldStart, offset, .. } => offset,
            Tracker::Csv { cell_start, .. } => cell_start,
            Tracker::Json { state: JsonState::Outside, offset, .. } => offset,
            Tracker::Json { token_start, .. } => token_start,
        }
    }
}

/// The text side of a redactor.
struct TextState {
    scanner: Arc<Scanner>,
    replacer: Replacer,
    blocks: TextBlocks,
    tally: Tally,
}

impl TextState {
    fn drain(&mut self, chunk: &[u8], at_end: bool, out: &mut Vec<u8>) {
        let mut chunk = chunk;
        while let Some((_, block)) = self.blocks.next_block(chunk, at_end) {
            chunk = &[];
            let mut cursor = 0;
            let mut runs = Vec::new();
            utf8_runs(&block, |at, text| runs.push((at, at + text.len())));
            for (from, to) in runs {
                out.extend_from_slice(&block[cursor..from]);
                let text = std::str::from_utf8(&block[from..to]).unwrap_or_default();
                let spans = self.scanner.scan(text);
                self.tally.values += 1;
                let (replaced, counted) = replace_spans(text, &spans, &self.replacer, None);
                for (kind, changed) in counted {
                    self.tally.count("text", kind, changed);
                }
                if replaced != text {
                    self.tally.changed_values += 1;
                }
                out.extend_from_slice(replaced.as_bytes());
                cursor = to;
            }
            out.extend_from_slice(&block[cursor..]);
        }
    }
}

enum Engine {
    Dataset { reader: Box<dyn Reader>, state: Box<State>, tracker: Tracker },
    Parquet(Box<ParquetState>),
    Text(Box<TextState>),
}

/// A streaming redactor: feed the file chunk by chunk and write out what each call returns.
///
/// ```
/// use std::sync::Arc;
/// use techdeck_guard::dataset::Format;
/// use techdeck_guard::deid::{Input, RedactOptions, Redactor};
/// use techdeck_guard::phi::{Scanner, ScanOptions};
///
/// let scanner = Arc::new(Scanner::new(&ScanOptions::default()).unwrap());
/// let mut redactor = Redactor::new(Input::Dataset(Format::Csv), scanner, RedactOptions::default()).unwrap();
/// let mut out = Vec::new();
/// redactor.feed(b"id,note\n1,\"write to a@b.org\"\n", &mut out);
/// let report = redactor.finish(&mut out).unwrap();
/// assert_eq!(out, b"id,note\n1,\"write to [EMAIL]\"\n");
/// assert_eq!((report.types[0].found, report.complete), (1, true));
/// ```
pub struct Redactor {
    input: Input,
    engine: Engine,
    bytes: u64,
    finished: bool,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Redactor")
            .field("input", &self.input)
            .field("bytes", &self.bytes)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl Redactor {
    /// Creates a redactor.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidKey`](crate::ErrorCode::InvalidKey) when an operator needs a key and
    /// none is given.
    pub fn new(input: Input, scanner: Arc<Scanner>, options: RedactOptions) -> Result<Redactor, Error> {
        let replacer = Replacer::new(options.operators, options.key)?;
        let per_subject = dates_per_subject(&replacer);
        let engine = match input {
            Input::Text => Engine::Text(Box::new(TextState { scanner, replacer, blocks: TextBlocks::default(), tally: Tally::default() })),
            Input::Dataset(Format::Parquet) => {
                let state = ParquetState::new(scanner, replacer, options.dataset.min_confidence, per_subject);
                Engine::Parquet(Box::new(state))
            }
            Input::Dataset(format) => {
                let state = State {
                    format,
                    analyzer: Analyzer::new(scanner, format, options.dataset.min_confidence),
                    replacer,
                    per_subject,
                    subject: None,
                    pending: Vec::new(),
                    pending_start: 0,
                    items: VecDeque::new(),
                    tally: Tally::default(),
                    problems: Findings::default(),
                    unread: false,
                };
                Engine::Dataset {
                    reader: dataset::reader(format, &options.dataset.reader),
                    state: Box::new(state),
                    tracker: Tracker::new(format),
                }
            }
        };
        Ok(Redactor { input, engine, bytes: 0, finished: false })
    }

    /// Reads the next chunk and appends the output that is ready to `out`.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if self.finished {
            return;
        }
        self.bytes += chunk.len() as u64;
        match &mut self.engine {
            Engine::Text(state) => state.drain(chunk, false, out),
            Engine::Parquet(state) => state.feed(chunk),
            Engine::Dataset { reader, state, tracker } => {
                state.pending.extend_from_slice(chunk);
                reader.feed(chunk, state.as_mut());
                let delimiter = reader.csv_delimiter();
                tracker.advance(&state.pending, state.pending_start, delimiter);
                if state.pending.len() > MAX_REDACT_PENDING_BYTES {
                    // The record is too long to wait for its subject.
                    state.resolve();
                }
                state.lex_items(delimiter);
                let mut safe = tracker.safe(state.pending_start);
                if let Some(waiting) = state.items.iter().find(|item| item.replacement.is_none() || item.end.is_none()) {
                    safe = safe.min(waiting.start);
                }
                if state.format == Format::Csv && delimiter.is_none() {
                    safe = state.pending_start;
                }
                state.flush(safe, delimiter.unwrap_or(b','), out);
                if state.pending.len() > MAX_REDACT_PENDING_BYTES {
                    // An open token this long is over the value limit or will arrive too late.
                    // Either way the report is marked incomplete, and memory stays bounded.
                    let end = state.pending_end();
                    state.flush(end, delimiter.unwrap_or(b','), out);
                }
            }
        }
    }

    /// Reads the end of the input, appends the rest of the output to `out` and returns the
    /// report. A Parquet file is rewritten here, so all of its output comes from this call.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::AlreadyFinished`](crate::ErrorCode::AlreadyFinished) on a second call.
    /// A Parquet file fails with [`ErrorCode::InputTooLarge`](crate::ErrorCode::InputTooLarge)
    /// when it is over [`MAX_PARQUET_STREAM_BYTES`](crate::limits::MAX_PARQUET_STREAM_BYTES).
    /// It fails with [`ErrorCode::ParquetUnreadable`](crate::ErrorCode::ParquetUnreadable) when
    /// it is invalid or has a text column that the writer cannot rewrite. Nothing is appended to
    /// `out` then.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<SafeHarborReport, Error> {
        if self.finished {
            return Err(already_finished());
        }
        self.finished = true;
        let format = self.input.name();
        match &mut self.engine {
            Engine::Text(state) => {
                state.drain(&[], true, out);
                let mut report = state.tally.report(format, state.replacer.operators());
                report.bytes = self.bytes;
                Ok(report)
            }
            Engine::Parquet(state) => {
                let mut report = state.finish(out)?;
                report.bytes = self.bytes;
                Ok(report)
            }
            Engine::Dataset { reader, state, .. } => {
                reader.finish(state.as_mut());
                state.resolve();
                let delimiter = reader.csv_delimiter();
                state.lex_items(delimiter);
                let end = state.pending_end();
                state.flush(end, delimiter.unwrap_or(b','), out);
                // Items still here have no raw end, so their values were not rewritten.
                state.tally.unredacted_values += state.items.len() as u64;
                state.items.clear();
                let mut report = state.tally.report(format, state.replacer.operators());
                report.bytes = self.bytes;
                report.records = reader.records();
                report.complete &= !state.unread;
                report.problems = state.problems.errors.iter().chain(&state.problems.warnings).cloned().collect();
                Ok(report)
            }
        }
    }

    /// Returns the number of bytes read so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }
}

mod parquet;
#[cfg(test)]
mod tests;
