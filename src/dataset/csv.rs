//! RFC 4180 CSV reader that takes the file in chunks of any size.
//!
//! The first record is the header. Every cell of every later record goes to the sink as a
//! [`ValueKind::String`] with the physical line and the file offset where the cell starts.
//! Beyond RFC 4180, the reader accepts what spreadsheets and scripts commonly write: LF and lone
//! CR line ends, a UTF-8 byte-order mark, blank lines, and `;`, tab or `|` as the delimiter.
//!
//! A header name longer than [`MAX_COLUMN_NAME_BYTES`], or beyond [`MAX_CSV_HEADER_BYTES`] in
//! total, is not kept as a name: its column is labelled `#N` in locations, because every finding
//! copies the label. The name's text still goes to the sink, as a value without a record right
//! after [`Sink::columns`], so that content checks see it.
//!
//! Memory is bounded by one cell ([`MAX_VALUE_BYTES`]), the kept header names, the header names
//! that are not kept until the header ends (at most [`MAX_VALUE_BYTES`] in total) and, while the
//! delimiter is being detected, the first [`CSV_SNIFF_BYTES`] of the file.

use std::collections::HashMap;
use std::fmt;

use memchr::{memchr, memchr3};

use super::{column_label, Field, Reader, Sink, Value, ValueKind};
use crate::limits::{
    CSV_SNIFF_BYTES, MAX_COLUMN_NAME_BYTES, MAX_CSV_COLUMNS, MAX_CSV_HEADER_BYTES, MAX_FINDINGS_PER_CODE,
    MAX_VALUE_BYTES,
};
use crate::report::{Code, Finding, Location};

const QUOTE: u8 = b'"';
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Delimiters that detection chooses from.
const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Records compared when detecting the delimiter. Twenty are enough to see a stable count, and
/// a short sample keeps one ragged row far down the file from making every candidate look
/// inconsistent.
const SNIFF_RECORDS: usize = 20;

/// Streaming RFC 4180 reader. See the [module documentation](self).
///
/// Its `Debug` output shows sizes, counts and positions only, never file content.
pub struct CsvReader {
    /// Bytes held at the start of the file until the byte-order mark and the delimiter are known.
    prefix: Vec<u8>,
    /// `true` once the prefix has been examined and handed to the parser.
    started: bool,
    /// The delimiter passed to [`CsvReader::new`], if it can be used.
    requested: Option<u8>,
    parser: Parser,
}

impl CsvReader {
    /// Creates a reader that splits fields at `delimiter`, or detects one of `,` `;` tab `|`
    /// from the start of the file when it is `None`.
    ///
    /// A quote, CR, LF or non-ASCII byte cannot separate fields, so such a delimiter is ignored
    /// and the delimiter is detected instead.
    pub fn new(delimiter: Option<u8>) -> Self {
        let requested = delimiter.filter(|&byte| byte.is_ascii() && !matches!(byte, QUOTE | b'\r' | b'\n'));
        CsvReader { prefix: Vec::new(), started: false, requested, parser: Parser::new() }
    }

    /// Returns the delimiter in use: the requested one, or the detected one once the start of
    /// the file has been read. Detection waits for [`CSV_SNIFF_BYTES`] or the end of the file.
    pub fn delimiter(&self) -> Option<u8> {
        if self.started {
            Some(self.parser.delimiter)
        } else {
            self.requested
        }
    }

    /// Returns the header names read so far, at most [`MAX_CSV_COLUMNS`] of them. A name is
    /// empty when its header cell was empty, larger than [`MAX_VALUE_BYTES`], longer than
    /// [`MAX_COLUMN_NAME_BYTES`] or beyond [`MAX_CSV_HEADER_BYTES`] in total.
    pub fn columns(&self) -> &[String] {
        &self.parser.columns
    }

    /// Number of prefix bytes needed before parsing can start.
    fn prefix_needed(&self) -> usize {
        match self.requested {
            Some(_) => BYTE_ORDER_MARK.len(),
            None => CSV_SNIFF_BYTES,
        }
    }

    /// Skips the byte-order mark, settles the delimiter and parses the held prefix.
    fn start(&mut self, at_end: bool, sink: &mut dyn Sink) {
        let prefix = std::mem::take(&mut self.prefix);
        let body = match prefix.strip_prefix(BYTE_ORDER_MARK) {
            Some(body) => {
                self.parser.offset = BYTE_ORDER_MARK.len() as u64;
                body
            }
            None => &prefix[..],
        };
        self.parser.delimiter = match self.requested {
            Some(delimiter) => delimiter,
            None => detect_delimiter(body, at_end),
        };
        self.started = true;
        self.parser.parse(body, sink);
    }
}

impl fmt::Debug for CsvReader {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("CsvReader")
            .field("prefix_len", &self.prefix.len())
            .field("started", &self.started)
            .field("requested", &self.requested.map(char::from))
            .field("parser", &self.parser)
            .finish()
    }
}

impl Reader for CsvReader {
    fn feed(&mut self, chunk: &[u8], sink: &mut dyn Sink) {
        if self.started {
            self.parser.parse(chunk, sink);
            return;
        }
        let take = self.prefix_needed().saturating_sub(self.prefix.len()).min(chunk.len());
        let (head, rest) = chunk.split_at(take);
        self.prefix.extend_from_slice(head);
        if self.prefix.len() >= self.prefix_needed() {
            self.start(false, sink);
            self.parser.parse(rest, sink);
        }
    }

    fn finish(&mut self, sink: &mut dyn Sink) {
        if !self.started {
            self.start(true, sink);
        }
        self.parser.finish(sink);
    }

    fn records(&self) -> u64 {
        self.parser.records
    }

    fn csv_delimiter(&self) -> Option<u8> {
        self.delimiter()
    }
}

/// Chooses the delimiter whose count outside quotes is the same, and not zero, on each of the
/// first complete records of `sample`. When several fit, `,` wins if it is one of them, and
/// otherwise the one with the highest count. A tie or no fit gives `,`, the RFC 4180 delimiter.
/// `at_end` means the sample is the whole file, so its last record is complete without a line
/// end.
fn detect_delimiter(sample: &[u8], at_end: bool) -> u8 {
    let mut tally = DelimiterTally::default();
    let mut counts = [0usize; CANDIDATES.len()];
    let mut in_quotes = false;
    let mut blank = true;
    for &byte in sample {
        if byte == QUOTE {
            in_quotes = !in_quotes;
            blank = false;
        } else if in_quotes {
            continue;
        } else if byte == b'\n' || byte == b'\r' {
            if !blank {
                tally.add(&counts);
                if tally.records == SNIFF_RECORDS {
                    break;
                }
            }
            counts = [0; CANDIDATES.len()];
            blank = true;
        } else {
            blank = false;
            if let Some(slot) = CANDIDATES.iter().position(|&candidate| candidate == byte) {
                if let Some(count) = counts.get_mut(slot) {
                    *count += 1;
                }
            }
        }
    }
    if at_end && !blank && !in_quotes && tally.records < SNIFF_RECORDS {
        tally.add(&counts);
    }
    tally.choose()
}

/// Per-candidate delimiter counts of the records seen so far during detection.
#[derive(Default)]
struct DelimiterTally {
    records: usize,
    first: [usize; CANDIDATES.len()],
    consistent: [bool; CANDIDATES.len()],
}

impl DelimiterTally {
    fn add(&mut self, counts: &[usize; CANDIDATES.len()]) {
        if self.records == 0 {
            self.first = *counts;
            self.consistent = [true; CANDIDATES.len()];
        } else {
            for ((consistent, first), count) in self.consistent.iter_mut().zip(&self.first).zip(counts) {
                *consistent &= first == count;
            }
        }
        self.records += 1;
    }

    fn choose(&self) -> u8 {
        let mut best: Option<(u8, usize)> = None;
        let mut tied = false;
        for ((&candidate, &consistent), &count) in CANDIDATES.iter().zip(&self.consistent).zip(&self.first) {
            if !consistent || count == 0 {
                continue;
            }
            if candidate == b',' {
                return b',';
            }
            match best {
                Some((_, best_count)) if count < best_count => {}
                Some((_, best_count)) if count == best_count => tied = true,
                _ => {
                    best = Some((candidate, count));
                    tied = false;
                }
            }
        }
        match best {
            Some((candidate, _)) if !tied => candidate,
            _ => b',',
        }
    }
}

/// Start of a cell or record: physical line and file offset.
#[derive(Clone, Copy, Debug, Default)]
struct Position {
    line: u64,
    offset: u64,
}

/// Parser state inside a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the first byte of a field.
    FieldStart,
    /// Inside a field that did not start with a quote.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: it closes the field or starts a doubled quote.
    QuoteInQuoted,
}

/// A header name that is not kept as a column name, held until the header ends.
struct UnnamedColumn {
    index: usize,
    start: Position,
    /// The name's text, or `None` when holding it would pass [`MAX_VALUE_BYTES`] in total.
    text: Option<String>,
}

/// The byte-level state machine, fed after the byte-order mark and the delimiter are settled.
struct Parser {
    delimiter: u8,
    state: State,
    /// File offset of the next byte to parse.
    offset: u64,
    /// Physical line of the next byte to parse.
    line: u64,
    /// Last byte of the previous chunk, so that a CRLF split between chunks ends one line.
    last_byte: u8,
    /// Decoded bytes of the current cell.
    cell: Vec<u8>,
    cell_start: Position,
    /// The current cell passed [`MAX_VALUE_BYTES`], so its bytes are dropped.
    cell_too_large: bool,
    /// A stray quote in the current cell was reported, so later ones in it are not.
    stray_quote_reported: bool,
    /// At least one field of the current record has started.
    in_record: bool,
    record_start: Position,
    /// 0-based index of the current field in its record.
    field_index: usize,
    /// The current record has more than [`MAX_CSV_COLUMNS`] fields and that was reported.
    too_many_reported: bool,
    /// `true` once the header record has ended.
    header_read: bool,
    /// Fields in the header, including those beyond [`MAX_CSV_COLUMNS`].
    header_fields: usize,
    /// Header names, at most [`MAX_CSV_COLUMNS`].
    columns: Vec<String>,
    /// Bytes in `columns`, bounded by [`MAX_CSV_HEADER_BYTES`].
    header_bytes: usize,
    /// Header names not kept in `columns`, in column order.
    unnamed: Vec<UnnamedColumn>,
    /// Bytes of text in `unnamed`, bounded by [`MAX_VALUE_BYTES`].
    unnamed_bytes: usize,
    /// Data records that have ended.
    records: u64,
    /// Findings with a cell location reported so far, per code.
    reported: Vec<(Code, usize)>,
}

impl fmt::Debug for Parser {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Parser")
            .field("delimiter", &char::from(self.delimiter))
            .field("state", &self.state)
            .field("offset", &self.offset)
            .field("line", &self.line)
            .field("cell_len", &self.cell.len())
            .field("cell_start", &self.cell_start)
            .field("cell_too_large", &self.cell_too_large)
            .field("in_record", &self.in_record)
            .field("record_start", &self.record_start)
            .field("field_index", &self.field_index)
            .field("header_read", &self.header_read)
            .field("header_fields", &self.header_fields)
            .field("columns", &self.columns.len())
            .field("header_bytes", &self.header_bytes)
            .field("unnamed_columns", &self.unnamed.len())
            .field("unnamed_bytes", &self.unnamed_bytes)
            .field("records", &self.records)
            .finish_non_exhaustive()
    }
}

impl Parser {
    fn new() -> Self {
        Parser {
            delimiter: b',',
            state: State::FieldStart,
            offset: 0,
            line: 1,
            last_byte: 0,
            cell: Vec::new(),
            cell_start: Position::default(),
            cell_too_large: false,
            stray_quote_reported: false,
            in_record: false,
            record_start: Position::default(),
            field_index: 0,
            too_many_reported: false,
            header_read: false,
            header_fields: 0,
            columns: Vec::new(),
            header_bytes: 0,
            unnamed: Vec::new(),
            unnamed_bytes: 0,
            records: 0,
            reported: Vec::new(),
        }
    }

    fn parse(&mut self, chunk: &[u8], sink: &mut dyn Sink) {
        let base = self.offset;
        let mut at = 0;
        while at < chunk.len() {
            at = match self.state {
                State::FieldStart => self.parse_field_start(chunk, at, base, sink),
                State::Unquoted => self.parse_unquoted(chunk, at, base, sink),
                State::Quoted => self.parse_quoted(chunk, at, sink),
                State::QuoteInQuoted => self.parse_after_quote(chunk, at, base, sink),
            };
        }
        self.offset = base + chunk.len() as u64;
        if let Some(&last) = chunk.last() {
            self.last_byte = last;
        }
    }

    fn finish(&mut self, sink: &mut dyn Sink) {
        match self.state {
            State::FieldStart if !self.in_record => return,
            // The record ends with a delimiter, so an empty last field follows it.
            State::FieldStart => self.begin_cell(Position { line: self.line, offset: self.offset }),
            State::Quoted => {
                // A quoted cell starts at its opening quote, so the cell location is the quote's.
                let location = self.cell_location(Code::CsvUnterminatedQuote);
                let message = "quoted field is not closed before the end of the file; \
                               close the quote or double the quotes inside the field";
                sink.finding(Finding::error(Code::CsvUnterminatedQuote, location, message));
            }
            _ => {}
        }
        self.end_cell(sink);
        self.end_record(sink);
    }

    /// Returns the index after the byte at `at`, which starts a field, a blank line or nothing.
    fn parse_field_start(&mut self, chunk: &[u8], at: usize, base: u64, sink: &mut dyn Sink) -> usize {
        let Some(&byte) = chunk.get(at) else { return chunk.len() };
        let position = Position { line: self.line, offset: base + at as u64 };
        if byte == QUOTE {
            self.begin_cell(position);
            self.state = State::Quoted;
        } else if byte == b'\n' || byte == b'\r' {
            self.count_line_end(chunk, at);
            // A line end right at the start of a record is a blank line, which is skipped.
            if self.in_record {
                self.begin_cell(position);
                self.end_cell(sink);
                self.end_record(sink);
            }
        } else if byte == self.delimiter {
            self.begin_cell(position);
            self.end_cell(sink);
        } else {
            self.begin_cell(position);
            self.state = State::Unquoted;
            return at;
        }
        at + 1
    }

    fn parse_unquoted(&mut self, chunk: &[u8], at: usize, base: u64, sink: &mut dyn Sink) -> usize {
        let rest = chunk.get(at..).unwrap_or_default();
        let end = memchr3(self.delimiter, b'\n', b'\r', rest);
        let text = rest.get(..end.unwrap_or(rest.len())).unwrap_or_default();
        if !self.stray_quote_reported {
            if let Some(quote) = memchr(QUOTE, text) {
                let position = Position { line: self.line, offset: base + (at + quote) as u64 };
                let message = "quote inside an unquoted field is kept as text; \
                               to include a quote, enclose the whole field in quotes and double the quote";
                self.report_stray_quote(position, message, sink);
            }
        }
        self.append(text, sink);
        let Some(end) = end else { return chunk.len() };
        let stop = at + end;
        if chunk.get(stop) == Some(&self.delimiter) {
            self.end_cell(sink);
        } else {
            self.count_line_end(chunk, stop);
            self.end_cell(sink);
            self.end_record(sink);
        }
        stop + 1
    }

    fn parse_quoted(&mut self, chunk: &[u8], at: usize, sink: &mut dyn Sink) -> usize {
        let rest = chunk.get(at..).unwrap_or_default();
        let Some(end) = memchr3(QUOTE, b'\n', b'\r', rest) else {
            self.append(rest, sink);
            return chunk.len();
        };
        self.append(rest.get(..end).unwrap_or_default(), sink);
        let stop = at + end;
        match chunk.get(stop) {
            Some(&QUOTE) => self.state = State::QuoteInQuoted,
            Some(&line_end) => {
                self.count_line_end(chunk, stop);
                self.append(&[line_end], sink);
            }
            None => {}
        }
        stop + 1
    }

    /// Handles the byte after a quote inside a quoted field.
    fn parse_after_quote(&mut self, chunk: &[u8], at: usize, base: u64, sink: &mut dyn Sink) -> usize {
        let Some(&byte) = chunk.get(at) else { return chunk.len() };
        if byte == QUOTE {
            self.append(&[QUOTE], sink);
            self.state = State::Quoted;
        } else if byte == self.delimiter {
            self.end_cell(sink);
        } else if byte == b'\n' || byte == b'\r' {
            self.count_line_end(chunk, at);
            self.end_cell(sink);
            self.end_record(sink);
        } else {
            let position = Position { line: self.line, offset: base + at as u64 };
            let message = "text after the closing quote of a field is kept; \
                           to include a quote inside a quoted field, double it";
            self.report_stray_quote(position, message, sink);
            self.state = State::Unquoted;
            return at;
        }
        at + 1
    }

    /// Counts the CR or LF at `at`: CR always ends a line, LF only when no CR came just before it.
    fn count_line_end(&mut self, chunk: &[u8], at: usize) {
        let previous = at.checked_sub(1).and_then(|before| chunk.get(before)).copied().unwrap_or(self.last_byte);
        if chunk.get(at) == Some(&b'\r') || previous != b'\r' {
            self.line += 1;
        }
    }

    fn begin_cell(&mut self, start: Position) {
        if !self.in_record {
            self.in_record = true;
            self.record_start = start;
        }
        self.cell.clear();
        self.cell_start = start;
        self.cell_too_large = false;
        self.stray_quote_reported = false;
    }

    fn append(&mut self, bytes: &[u8], sink: &mut dyn Sink) {
        if self.cell_too_large || bytes.is_empty() {
            return;
        }
        if self.cell.len() + bytes.len() > MAX_VALUE_BYTES {
            self.cell_too_large = true;
            self.cell.clear();
            let location = self.cell_location(Code::ValueTooLarge);
            let message = format!(
                "cell is larger than {MAX_VALUE_BYTES} bytes and was not checked; split the text into smaller cells"
            );
            sink.finding(Finding::error(Code::ValueTooLarge, location, message));
            return;
        }
        self.cell.extend_from_slice(bytes);
    }

    fn end_cell(&mut self, sink: &mut dyn Sink) {
        if self.header_read {
            self.end_data_cell(sink);
        } else {
            self.end_header_cell(sink);
        }
        self.field_index += 1;
        self.state = State::FieldStart;
    }

    fn end_data_cell(&mut self, sink: &mut dyn Sink) {
        if self.field_index == MAX_CSV_COLUMNS && !self.too_many_reported {
            self.too_many_reported = true;
            let location = self.record_location(self.record_start);
            let message = format!(
                "record has more than {MAX_CSV_COLUMNS} fields; check the delimiter or split the columns into several files"
            );
            sink.finding(Finding::error(Code::CsvTooManyColumns, location, message));
        }
        if self.cell_too_large {
            return;
        }
        // The cell is taken out so that counting a finding can borrow the parser; its buffer
        // goes back afterwards to be reused.
        let cell = std::mem::take(&mut self.cell);
        self.check_nul(&cell, sink);
        let text = match std::str::from_utf8(&cell) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => {
                let location = self.cell_location(Code::InvalidEncoding);
                sink.finding(Finding::error(Code::InvalidEncoding, location, INVALID_UTF8_MESSAGE));
                String::from_utf8_lossy(&cell)
            }
        };
        let name = self.columns.get(self.field_index).map(String::as_str);
        sink.value(&Value {
            kind: ValueKind::String,
            text: &text,
            line: self.cell_start.line,
            offset: self.cell_start.offset,
            record: Some(self.records + 1),
            field: Field::Column { index: self.field_index, name },
        });
        drop(text);
        self.cell = cell;
    }

    fn end_header_cell(&mut self, sink: &mut dyn Sink) {
        if self.field_index == MAX_CSV_COLUMNS {
            let location = self.record_location(self.record_start);
            let message = format!(
                "header has more than {MAX_CSV_COLUMNS} fields; check the delimiter or split the columns into several files"
            );
            sink.finding(Finding::error(Code::CsvTooManyColumns, location, message));
        }
        if self.field_index >= MAX_CSV_COLUMNS {
            return;
        }
        let cell = std::mem::take(&mut self.cell);
        self.check_nul(&cell, sink);
        self.cell = cell;
        let name = if self.cell_too_large {
            String::new()
        } else if let Ok(name) = std::str::from_utf8(&self.cell) {
            name.to_owned()
        } else {
            let location = self.cell_location(Code::InvalidEncoding);
            sink.finding(Finding::error(Code::InvalidEncoding, location, INVALID_UTF8_MESSAGE));
            String::from_utf8_lossy(&self.cell).into_owned()
        };
        let number = self.field_index + 1;
        let message = if name.len() > MAX_COLUMN_NAME_BYTES {
            format!(
                "header field {number} is longer than {MAX_COLUMN_NAME_BYTES} bytes, so the column is labelled #{number}; shorten the name"
            )
        } else if self.header_bytes + name.len() > MAX_CSV_HEADER_BYTES {
            format!(
                "header names are longer than {MAX_CSV_HEADER_BYTES} bytes in total, so column {number} is labelled #{number}; shorten the names"
            )
        } else {
            self.header_bytes += name.len();
            self.columns.push(name);
            return;
        };
        let location = self.cell_location(Code::CsvBadHeader);
        sink.finding(Finding::warning(Code::CsvBadHeader, location, message));
        self.hold_unnamed(name, sink);
        self.columns.push(String::new());
    }

    /// Reports a NUL byte in a cell. Sniffing rejects binary data only in the first bytes of
    /// the file, and text never contains NUL.
    fn check_nul(&mut self, cell: &[u8], sink: &mut dyn Sink) {
        if memchr(0, cell).is_some() {
            let location = self.cell_location(Code::InvalidEncoding);
            let message = "cell contains a NUL byte, which text never contains; remove it, or check that the file is CSV text";
            sink.finding(Finding::error(Code::InvalidEncoding, location, message));
        }
    }

    /// Holds a header name that is not kept in `columns`, so that it can go to the sink as a
    /// value once the header has ended.
    fn hold_unnamed(&mut self, name: String, sink: &mut dyn Sink) {
        let text = if self.unnamed_bytes + name.len() > MAX_VALUE_BYTES {
            let number = self.field_index + 1;
            let message = format!(
                "header names that are not kept are longer than {MAX_VALUE_BYTES} bytes in total, so header field {number} was not checked; shorten the header names"
            );
            sink.finding(Finding::error(Code::ValueTooLarge, self.cell_location(Code::ValueTooLarge), message));
            None
        } else {
            self.unnamed_bytes += name.len();
            Some(name)
        };
        self.unnamed.push(UnnamedColumn { index: self.field_index, start: self.cell_start, text });
    }

    /// Hands the held header names to the sink as values without a record, labelled `#N`.
    fn emit_unnamed(&mut self, sink: &mut dyn Sink) {
        for column in std::mem::take(&mut self.unnamed) {
            let Some(text) = column.text else { continue };
            sink.value(&Value {
                kind: ValueKind::String,
                text: &text,
                line: column.start.line,
                offset: column.start.offset,
                record: None,
                field: Field::Column { index: column.index, name: None },
            });
        }
        self.unnamed_bytes = 0;
    }

    fn end_record(&mut self, sink: &mut dyn Sink) {
        let fields = self.field_index;
        if self.header_read {
            self.check_field_count(fields, sink);
            self.records += 1;
            sink.record_end();
        } else {
            self.header_read = true;
            self.header_fields = fields;
            self.check_header(sink);
            sink.columns(&self.columns);
            self.emit_unnamed(sink);
        }
        self.in_record = false;
        self.field_index = 0;
        self.too_many_reported = false;
        self.state = State::FieldStart;
    }

    fn check_field_count(&self, fields: usize, sink: &mut dyn Sink) {
        if fields == self.header_fields || self.too_many_reported {
            return;
        }
        let hint = if fields > self.header_fields {
            "quote fields that contain the delimiter"
        } else {
            "add the missing fields, or quote fields that contain line breaks"
        };
        let message = format!("record has {fields} fields but the header has {}; {hint}", self.header_fields);
        let location = self.record_location(self.record_start);
        sink.finding(Finding::error(Code::CsvRaggedRow, location, message));
    }

    /// Reports empty and repeated header names. The messages name columns by number only,
    /// because a header cell may itself contain PHI.
    fn check_header(&self, sink: &mut dyn Sink) {
        let mut first_index: HashMap<&str, usize> = HashMap::new();
        let header = self.header_location();
        for (index, name) in self.columns.iter().enumerate() {
            if self.unnamed.binary_search_by_key(&index, |column| column.index).is_ok() {
                continue;
            }
            let number = index + 1;
            let location = Location { column: Some(column_label(index, None)), ..header.clone() };
            if name.is_empty() {
                let message = format!("header field {number} is empty; give every column a name");
                sink.finding(Finding::warning(Code::CsvBadHeader, location, message));
            } else if let Some(first) = first_index.get(name.as_str()) {
                let message = format!(
                    "header field {number} repeats the name of field {}; give every column a unique name",
                    first + 1
                );
                sink.finding(Finding::warning(Code::CsvBadHeader, location, message));
            } else {
                first_index.insert(name, index);
            }
        }
    }

    fn report_stray_quote(&mut self, at: Position, message: &str, sink: &mut dyn Sink) {
        self.stray_quote_reported = true;
        let location = Location { line: Some(at.line), offset: Some(at.offset), ..self.cell_location(Code::CsvStrayQuote) };
        sink.finding(Finding::warning(Code::CsvStrayQuote, location, message));
    }

    /// Returns the data record number of the current record, or `None` in the header.
    fn record_number(&self) -> Option<u64> {
        self.header_read.then_some(self.records + 1)
    }

    fn header_location(&self) -> Location {
        Location { line: Some(self.record_start.line), offset: Some(self.record_start.offset), ..Location::default() }
    }

    /// Returns the location of `at` in the current record, without a column.
    fn record_location(&self, at: Position) -> Location {
        Location { line: Some(at.line), offset: Some(at.offset), record: self.record_number(), ..Location::default() }
    }

    /// Returns the location of the current cell for a finding with code `code`, and counts the
    /// finding.
    ///
    /// Beyond [`MAX_FINDINGS_PER_CODE`] findings of one code the location has no column. The
    /// report keeps only that many, and a file can repeat one problem in every row.
    fn cell_location(&mut self, code: Code) -> Location {
        let count = match self.reported.iter_mut().find(|(reported, _)| *reported == code) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                self.reported.push((code, 1));
                1
            }
        };
        let location = self.record_location(self.cell_start);
        if count > MAX_FINDINGS_PER_CODE {
            return location;
        }
        let name = if self.header_read { self.columns.get(self.field_index).map(String::as_str) } else { None };
        Location { column: Some(column_label(self.field_index, name)), ..location }
    }
}

const INVALID_UTF8_MESSAGE: &str =
    "cell is not valid UTF-8, so invalid bytes were replaced with U+FFFD before checking; save the file as UTF-8";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{assert_debug_hides, read_all, read_at_sizes, Collect, Format, CHUNK_SIZES};
    use crate::report::Severity;

    /// Reads `input` with delimiter detection at every chunk size, checks that every size gives
    /// the same result, and returns it.
    fn read(input: &[u8]) -> Collect {
        read_at_sizes(Format::Csv, input, &CHUNK_SIZES)
    }

    /// Reads `input` with a fixed delimiter at every chunk size, like [`read`].
    fn read_with(input: &[u8], delimiter: u8) -> Collect {
        let read_chunks = |size: usize| {
            let mut reader = CsvReader::new(Some(delimiter));
            let mut sink = Collect::default();
            for part in input.chunks(size) {
                reader.feed(part, &mut sink);
            }
            reader.finish(&mut sink);
            assert_eq!(reader.records(), sink.records as u64, "records() with {size}-byte chunks");
            sink
        };
        let whole = read_chunks(usize::MAX);
        for size in CHUNK_SIZES {
            assert_same(&read_chunks(size), &whole, size);
        }
        whole
    }

    fn assert_same(actual: &Collect, expected: &Collect, size: usize) {
        assert_eq!(actual.values, expected.values, "values with {size}-byte chunks");
        assert_eq!(actual.columns, expected.columns, "columns with {size}-byte chunks");
        assert_eq!(actual.records, expected.records, "records with {size}-byte chunks");
        assert_eq!(actual.findings, expected.findings, "findings with {size}-byte chunks");
    }

    fn location(line: u64, offset: u64, record: Option<u64>, column: Option<&str>) -> Location {
        Location { line: Some(line), offset: Some(offset), record, column: column.map(str::to_owned), pointer: None }
    }

    fn cell(text: &str, line: u64, offset: u64, record: u64, column: &str) -> (ValueKind, String, Location) {
        (ValueKind::String, text.to_owned(), location(line, offset, Some(record), Some(column)))
    }

    fn texts(sink: &Collect) -> Vec<&str> {
        sink.values.iter().map(|(_, text, _)| text.as_str()).collect()
    }

    fn codes(sink: &Collect) -> Vec<Code> {
        sink.findings.iter().map(|finding| finding.code).collect()
    }

    fn detect(input: &[u8]) -> Option<u8> {
        let mut reader = CsvReader::new(None);
        reader.feed(input, &mut Collect::default());
        reader.finish(&mut Collect::default());
        reader.delimiter()
    }

    #[test]
    fn rows_give_cells_with_locations() {
        let sink = read(b"name,age\nAda,36\nBob,7\n");
        assert_eq!(sink.columns, ["name", "age"]);
        assert_eq!(sink.records, 2);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        assert_eq!(
            sink.values,
            [
                cell("Ada", 2, 9, 1, "name"),
                cell("36", 2, 13, 1, "age"),
                cell("Bob", 3, 16, 2, "name"),
                cell("7", 3, 20, 2, "age"),
            ]
        );
    }

    #[test]
    fn last_record_without_line_end() {
        let sink = read(b"a,b\n1,2");
        assert_eq!(texts(&sink), ["1", "2"]);
        assert_eq!(sink.records, 1);
        assert!(sink.findings.is_empty());
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let sink = read(b"a,b\r\n1,2\r3,4\r\n5,6\n");
        assert_eq!(texts(&sink), ["1", "2", "3", "4", "5", "6"]);
        let lines: Vec<_> = sink.values.iter().map(|(_, _, at)| at.line).collect();
        assert_eq!(lines, [Some(2), Some(2), Some(3), Some(3), Some(4), Some(4)]);
        assert_eq!(sink.values[2].2.offset, Some(9));
        assert!(sink.findings.is_empty());
    }

    #[test]
    fn quoted_newline_spans_lines() {
        let sink = read(b"id,note\n1,\"first\r\nsecond\nthird\"\n2,x\n");
        assert_eq!(
            sink.values,
            [
                cell("1", 2, 8, 1, "id"),
                cell("first\r\nsecond\nthird", 2, 10, 1, "note"),
                cell("2", 5, 32, 2, "id"),
                cell("x", 5, 34, 2, "note"),
            ]
        );
        assert!(sink.findings.is_empty());
    }

    #[test]
    fn quoted_delimiter_and_doubled_quote() {
        let sink = read(b"a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"\",\"\"\"\"\n");
        assert_eq!(texts(&sink), ["x, y", "say \"hi\"", "", "\""]);
        assert_eq!(sink.values[1].2.offset, Some(11));
        assert!(sink.findings.is_empty());
    }

    #[test]
    fn empty_fields_are_values() {
        let sink = read(b"a,b,c\n,,\n1,,\n");
        assert_eq!(texts(&sink), ["", "", "", "1", "", ""]);
        let offsets: Vec<_> = sink.values.iter().map(|(_, _, at)| at.offset).collect();
        assert_eq!(offsets, [Some(6), Some(7), Some(8), Some(9), Some(11), Some(12)]);
        assert!(sink.findings.is_empty());
    }

    #[test]
    fn blank_lines_skipped() {
        let sink = read(b"\r\n\na,b\n\n1,2\r\n\r\n\n3,4\n\n");
        assert_eq!(sink.columns, ["a", "b"]);
        assert_eq!(sink.records, 2);
        assert_eq!(sink.values[0], cell("1", 5, 8, 1, "a"));
        assert_eq!(sink.values[2], cell("3", 8, 16, 2, "a"));
        assert!(sink.findings.is_empty());
    }

    #[test]
    fn byte_order_mark_skipped() {
        let sink = read(b"\xEF\xBB\xBFname\nAda\n");
        assert_eq!(sink.columns, ["name"]);
        assert_eq!(sink.values, [cell("Ada", 2, 8, 1, "name")]);
        assert!(sink.findings.is_empty());
    }

    #[test]
    fn byte_order_mark_with_fixed_delimiter() {
        let sink = read_with(b"\xEF\xBB\xBFa;b\n1;2\n", b';');
        assert_eq!(sink.columns, ["a", "b"]);
        assert_eq!(sink.values[0], cell("1", 2, 7, 1, "a"));
    }

    #[test]
    fn short_file_not_a_byte_order_mark() {
        let sink = read_with(b"\xEF\xBB", b',');
        assert_eq!(codes(&sink), [Code::InvalidEncoding]);
        assert_eq!(sink.columns, ["\u{FFFD}"]);
    }

    #[test]
    fn multibyte_text_split_across_chunks() {
        let sink = read("name,note\nZoë,naïve 😀 café\n".as_bytes());
        assert_eq!(texts(&sink), ["Zoë", "naïve 😀 café"]);
        assert_eq!(sink.values[1].2.offset, Some(15));
        assert!(sink.findings.is_empty());
    }

    #[test]
    fn header_only_has_no_records() {
        let sink = read(b"a,b\n");
        assert_eq!(sink.columns, ["a", "b"]);
        assert_eq!(sink.records, 0);
        assert!(sink.values.is_empty());
    }

    #[test]
    fn empty_file_has_no_header() {
        let sink = read(b"");
        assert!(sink.columns.is_empty());
        assert!(sink.values.is_empty());
        assert!(sink.findings.is_empty());
    }

    #[test]
    fn delimiter_detected_per_candidate() {
        assert_eq!(detect(b"a;b;c\n1;2,5;3\n4;5;6\n"), Some(b';'));
        assert_eq!(detect(b"a\tb\n1\t2\n"), Some(b'\t'));
        assert_eq!(detect(b"a|b|c\n1|2|3"), Some(b'|'));
        assert_eq!(detect(b"a,b\n1,2\n"), Some(b','));
    }

    #[test]
    fn delimiter_ignores_quoted_candidates() {
        assert_eq!(detect(b"a;b\n\"1,2,3\";x\n\"4,5\";y\n"), Some(b';'));
        assert_eq!(detect(b"a;b\n\"1\n,2\";x\n"), Some(b';'));
    }

    #[test]
    fn delimiter_tie_or_none_is_comma() {
        assert_eq!(detect(b"a;b|c\n1;2|3\n"), Some(b','));
        assert_eq!(detect(b"name\nAda\n"), Some(b','));
        assert_eq!(detect(b"a;b\n1;2;3\n"), Some(b','));
        assert_eq!(detect(b""), Some(b','));
    }

    #[test]
    fn delimiter_prefers_consistent_comma() {
        assert_eq!(detect(b"a,b;c\n1,2;3\n"), Some(b','));
    }

    #[test]
    fn delimiter_unknown_until_sample_read() {
        let mut reader = CsvReader::new(None);
        let mut sink = Collect::default();
        reader.feed(b"a;b\n1;2\n", &mut sink);
        assert_eq!(reader.delimiter(), None);
        assert!(sink.columns.is_empty());
        reader.finish(&mut sink);
        assert_eq!(reader.delimiter(), Some(b';'));
        assert_eq!(reader.columns(), ["a", "b"]);
    }

    #[test]
    fn delimiter_detected_after_sample_bytes() {
        let mut input = b"a;b\n".to_vec();
        while input.len() < CSV_SNIFF_BYTES {
            input.extend_from_slice(b"x,1;y,2\n");
        }
        let mut reader = CsvReader::new(None);
        let mut sink = Collect::default();
        reader.feed(&input, &mut sink);
        assert_eq!(reader.delimiter(), Some(b';'));
        assert_eq!(sink.columns, ["a", "b"]);
        assert_eq!(sink.values[0].1, "x,1");
    }

    #[test]
    fn fixed_delimiter_used() {
        let sink = read_with(b"a|b\n1,2|3\n", b'|');
        assert_eq!(texts(&sink), ["1,2", "3"]);
        assert!(sink.findings.is_empty());
    }

    #[test]
    fn unusable_delimiter_falls_back_to_detection() {
        assert_eq!(CsvReader::new(Some(b'"')).delimiter(), None);
        assert_eq!(CsvReader::new(Some(b'\n')).delimiter(), None);
        assert_eq!(CsvReader::new(Some(0xE9)).delimiter(), None);
        assert_eq!(CsvReader::new(Some(b'\t')).delimiter(), Some(b'\t'));
    }

    #[test]
    fn ragged_row_more_fields() {
        let sink = read(b"a,b\n1,2\n3,4,5\n6,7\n");
        assert_eq!(sink.records, 3);
        assert_eq!(sink.findings.len(), 1);
        let finding = &sink.findings[0];
        assert_eq!(finding.code, Code::CsvRaggedRow);
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.location, location(3, 8, Some(2), None));
        assert_eq!(
            finding.message,
            "record has 3 fields but the header has 2; quote fields that contain the delimiter"
        );
        assert_eq!(sink.values[4], cell("5", 3, 12, 2, "#3"));
    }

    #[test]
    fn ragged_row_fewer_fields() {
        let sink = read(b"a,b,c\n1,2\n");
        assert_eq!(codes(&sink), [Code::CsvRaggedRow]);
        assert_eq!(sink.findings[0].location, location(2, 6, Some(1), None));
        assert_eq!(
            sink.findings[0].message,
            "record has 2 fields but the header has 3; add the missing fields, or quote fields that contain line breaks"
        );
        assert_eq!(texts(&sink), ["1", "2"]);
    }

    #[test]
    fn too_many_columns_reported_once() {
        let mut input = b"a\n".to_vec();
        input.extend(std::iter::repeat_n(b",".as_slice(), MAX_CSV_COLUMNS + 5).flatten());
        input.extend_from_slice(b"\nx\n");
        let sink = read_with(&input, b',');
        assert_eq!(codes(&sink), [Code::CsvTooManyColumns]);
        assert_eq!(sink.findings[0].location, location(2, 2, Some(1), None));
        assert_eq!(sink.records, 2);
        assert_eq!(sink.values.len(), MAX_CSV_COLUMNS + 6 + 1);
    }

    #[test]
    fn too_many_header_columns() {
        let mut input = vec![b'h'];
        input.extend(std::iter::repeat_n(b",h".as_slice(), MAX_CSV_COLUMNS).flatten());
        let sink = read_with(&input, b',');
        let too_many: Vec<_> = sink.findings.iter().filter(|f| f.code == Code::CsvTooManyColumns).collect();
        assert_eq!(too_many.len(), 1);
        assert_eq!(too_many[0].location, location(1, 0, None, None));
        assert_eq!(sink.columns.len(), MAX_CSV_COLUMNS);
    }

    #[test]
    fn unterminated_quote_located_at_open() {
        let sink = read(b"a,b\n1,2\n3,\"never\nclosed\n");
        assert_eq!(codes(&sink), [Code::CsvUnterminatedQuote]);
        let finding = &sink.findings[0];
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.location, location(3, 10, Some(2), Some("b")));
        assert_eq!(sink.values.last(), Some(&cell("never\nclosed\n", 3, 10, 2, "b")));
        assert_eq!(sink.records, 2);
    }

    #[test]
    fn stray_quote_in_unquoted_field() {
        let sink = read(b"a,b\n5\" tall,x\"y\"z\n");
        assert_eq!(texts(&sink), ["5\" tall", "x\"y\"z"]);
        assert_eq!(codes(&sink), [Code::CsvStrayQuote, Code::CsvStrayQuote]);
        assert_eq!(sink.findings[0].severity, Severity::Warning);
        assert_eq!(sink.findings[0].location, location(2, 5, Some(1), Some("a")));
        assert_eq!(sink.findings[1].location, location(2, 13, Some(1), Some("b")));
    }

    #[test]
    fn text_after_closing_quote_kept() {
        let sink = read(b"a,b\n\"x\"yz,\"p\"\"q\"r\"s\n");
        assert_eq!(texts(&sink), ["xyz", "p\"qr\"s"]);
        assert_eq!(codes(&sink), [Code::CsvStrayQuote, Code::CsvStrayQuote]);
        assert_eq!(sink.findings[0].location, location(2, 7, Some(1), Some("a")));
        assert_eq!(sink.findings[1].location, location(2, 16, Some(1), Some("b")));
    }

    #[test]
    fn invalid_utf8_reported_and_decoded() {
        let sink = read(b"a,b\nok,bad\xFF\xFEend\n");
        assert_eq!(codes(&sink), [Code::InvalidEncoding]);
        assert_eq!(sink.findings[0].severity, Severity::Error);
        assert_eq!(sink.findings[0].location, location(2, 7, Some(1), Some("b")));
        assert_eq!(texts(&sink), ["ok", "bad\u{FFFD}\u{FFFD}end"]);
    }

    #[test]
    fn invalid_utf8_in_header() {
        let sink = read(b"a,\xC3(\n1,2\n");
        assert_eq!(codes(&sink), [Code::InvalidEncoding]);
        assert_eq!(sink.findings[0].location, location(1, 2, None, Some("#2")));
        assert_eq!(sink.columns, ["a", "\u{FFFD}("]);
    }

    #[test]
    fn oversized_cell_skipped() {
        let mut input = b"a,b\n\"".to_vec();
        input.resize(input.len() + MAX_VALUE_BYTES + 1, b'x');
        input.extend_from_slice(b"\",after\nnext,row\n");
        for size in [7, 65_536, usize::MAX] {
            let sink = read_all(Format::Csv, &input, size);
            assert_eq!(codes(&sink), [Code::ValueTooLarge], "{size}-byte chunks");
            assert_eq!(sink.findings[0].location, location(2, 4, Some(1), Some("a")));
            assert_eq!(texts(&sink), ["after", "next", "row"], "{size}-byte chunks");
            assert_eq!(sink.records, 2);
        }
    }

    #[test]
    fn cell_at_size_limit_kept() {
        let mut input = b"a\n".to_vec();
        input.resize(input.len() + MAX_VALUE_BYTES, b'x');
        let sink = read_all(Format::Csv, &input, 65_536);
        assert!(sink.findings.is_empty());
        assert_eq!(sink.values[0].1.len(), MAX_VALUE_BYTES);
    }

    #[test]
    fn header_empty_and_duplicate_names() {
        let sink = read(b"id,,note,id\n1,2,3,4\n");
        assert_eq!(codes(&sink), [Code::CsvBadHeader, Code::CsvBadHeader]);
        let [empty, duplicate] = &sink.findings[..] else { panic!("two findings expected") };
        assert_eq!(empty.severity, Severity::Warning);
        assert_eq!(empty.location, location(1, 0, None, Some("#2")));
        assert_eq!(empty.message, "header field 2 is empty; give every column a name");
        assert_eq!(duplicate.location, location(1, 0, None, Some("#4")));
        assert_eq!(duplicate.message, "header field 4 repeats the name of field 1; give every column a unique name");
        assert_eq!(sink.values[1].2.column.as_deref(), Some("#2"));
    }

    #[test]
    fn messages_never_quote_cells() {
        let secret = "sk_live_SECRET";
        let mut input = format!("{secret},{secret}\n{secret}\"x,\"{secret}\"y,z\n\"{secret}").into_bytes();
        input.extend_from_slice(b"\xFF\",2\n1,\"");
        input.extend_from_slice(secret.as_bytes());
        let sink = read(&input);
        assert!(sink.findings.len() >= 5, "{:?}", sink.findings);
        for finding in &sink.findings {
            assert!(!finding.message.contains("SECRET"), "{}", finding.message);
        }
    }

    #[test]
    fn nul_byte_reported_after_sniffed_prefix() {
        // Sniffing reads only the first 8 KiB, so a NUL further on reaches the reader.
        let mut input = b"id,note\n".to_vec();
        while input.len() < 9000 {
            input.extend_from_slice(b"1,plain text\n");
        }
        input.extend_from_slice(b"2,a\x00b\x01\x02\x7f\n");
        let sink = read_all(Format::Csv, &input, 4096);
        assert_eq!(codes(&sink), [Code::InvalidEncoding]);
        assert_eq!(sink.findings[0].severity, Severity::Error);
        assert_eq!(sink.findings[0].location.column.as_deref(), Some("note"));

        let sink = read(b"i\x00d,note\n1,2\n");
        assert_eq!(codes(&sink), [Code::InvalidEncoding]);
        assert_eq!(sink.findings[0].location, location(1, 0, None, Some("#1")));
    }

    #[test]
    fn long_header_name_labelled_by_number() {
        let long = "n".repeat(MAX_COLUMN_NAME_BYTES + 1);
        let input = format!("id,{long}\n1,2\n");
        let sink = read(input.as_bytes());
        assert_eq!(sink.columns, ["id", ""]);
        assert_eq!(codes(&sink), [Code::CsvBadHeader]);
        let finding = &sink.findings[0];
        assert_eq!(finding.severity, Severity::Warning);
        assert_eq!(finding.location, location(1, 3, None, Some("#2")));
        assert_eq!(
            finding.message,
            "header field 2 is longer than 256 bytes, so the column is labelled #2; shorten the name"
        );
        assert_eq!(sink.values[1], cell("1", 2, input.len() as u64 - 4, 1, "id"));
        assert_eq!(sink.values[2], cell("2", 2, input.len() as u64 - 2, 1, "#2"));
    }

    #[test]
    fn long_header_name_still_a_value() {
        let long = format!("=cmd|' /C calc'!A0 {}", "n".repeat(MAX_COLUMN_NAME_BYTES));
        let sink = read(format!("id,{long}\n1,2\n").as_bytes());
        let header_value = (ValueKind::String, long, location(1, 3, None, Some("#2")));
        assert_eq!(sink.values.first(), Some(&header_value));
        assert_eq!(sink.values.len(), 3);
    }

    #[test]
    fn header_name_at_limit_kept() {
        let name = "n".repeat(MAX_COLUMN_NAME_BYTES);
        let sink = read(format!("{name}\nx\n").as_bytes());
        assert_eq!(sink.columns, [name.as_str()]);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        assert_eq!(sink.values.len(), 1);
    }

    #[test]
    fn header_budget_labels_later_columns() {
        let names: Vec<String> = (0..330).map(|index| format!("{index:0200}")).collect();
        let kept_count = MAX_CSV_HEADER_BYTES / 200;
        let input = format!("{}\n", names.join(","));
        let sink = read_with(input.as_bytes(), b',');
        assert_eq!(sink.columns.len(), names.len());
        assert_eq!(sink.columns[..kept_count], names[..kept_count]);
        assert!(sink.columns[kept_count..].iter().all(String::is_empty));
        assert_eq!(codes(&sink), vec![Code::CsvBadHeader; names.len() - kept_count]);
        assert_eq!(sink.findings[0].location.column.as_deref(), Some("#328"));
        assert_eq!(
            sink.findings[0].message,
            "header names are longer than 65536 bytes in total, so column 328 is labelled #328; shorten the names"
        );
        let unnamed: Vec<_> = sink.values.iter().map(|(_, text, _)| text.as_str()).collect();
        assert_eq!(unnamed, names[kept_count..]);
    }

    #[test]
    fn unnamed_header_text_bounded() {
        // Each name fits in a cell, but together they pass what the reader holds for checking.
        let name = "n".repeat(MAX_VALUE_BYTES / 2 + 1);
        let input = format!("{name},{name}\n1,2\n");
        let sink = read_all(Format::Csv, input.as_bytes(), 64 * 1024);
        assert_eq!(codes(&sink), [Code::CsvBadHeader, Code::CsvBadHeader, Code::ValueTooLarge]);
        assert_eq!(sink.findings[2].severity, Severity::Error);
        assert_eq!(sink.findings[2].location.column.as_deref(), Some("#2"));
        assert_eq!(sink.values.len(), 3);
        assert_eq!(sink.values[0].2.column.as_deref(), Some("#1"));
    }

    #[test]
    fn long_header_many_stray_quotes() {
        // A 1 MiB header name and a stray quote or an invalid byte in every row. Each finding
        // copies the column label, so the label must stay short and stop after the cap.
        let rows = 3000;
        let mut input = "h".repeat(1024 * 1024).into_bytes();
        input.push(b'\n');
        for _ in 0..rows {
            input.extend_from_slice(b"x\"y\n\xFF\n");
        }
        for size in [64 * 1024, usize::MAX] {
            let mut reader = CsvReader::new(None);
            let mut sink = Collect::default();
            for part in input.chunks(size) {
                reader.feed(part, &mut sink);
            }
            reader.finish(&mut sink);
            assert_eq!(reader.columns(), [""]);
            assert_eq!(reader.parser.header_bytes, 0);
            assert_eq!(reader.parser.unnamed.capacity(), 0);

            let count = |code| sink.findings.iter().filter(|finding| finding.code == code).count();
            assert_eq!(count(Code::CsvBadHeader), 1);
            assert_eq!(count(Code::CsvStrayQuote), rows);
            assert_eq!(count(Code::InvalidEncoding), rows);
            assert_eq!(sink.findings.len(), 1 + 2 * rows);
            let labelled = sink.findings.iter().filter(|finding| finding.location.column.is_some());
            assert!(labelled.clone().all(|finding| finding.location.column.as_deref() == Some("#1")));
            assert_eq!(labelled.count(), 1 + 2 * MAX_FINDINGS_PER_CODE);
            assert_eq!(sink.values.len(), 1 + 2 * rows);
            assert_eq!(sink.values[1].2.column.as_deref(), Some("#1"));
        }
    }

    #[test]
    fn multi_finding_report_stays_small() {
        // Five finding codes per row in a column with a 4 MiB name: each kept finding used to
        // copy the name, so the report took about 2 GB.
        let access_key = format!("AKIA{}", "Z".repeat(16));
        let mut input = format!("id,{}\n", "h".repeat(4 * 1024 * 1024 - 16)).into_bytes();
        for _ in 0..120 {
            input.extend_from_slice(format!("1,=<script> {access_key} x\"").as_bytes());
            input.extend_from_slice(b"\xFF\n");
        }
        let report = crate::validate::validate_upload(&input, crate::validate::UploadOptions::new("multi.csv"));
        let json = serde_json::to_string(&report).unwrap_or_default();
        assert!(!report.valid);
        assert!(json.len() < 512 * 1024, "report has {} bytes", json.len());
        let columns = report.errors.iter().chain(&report.warnings).filter_map(|finding| finding.location.column.as_deref());
        assert!(columns.clone().count() > 300);
        assert!(columns.clone().all(|column| column == "#2"), "{:?}", columns.collect::<Vec<_>>());
    }

    #[test]
    fn debug_hides_content() {
        let input = b"patient,password=Hunter2Hunter2\nJane Doe SSN 078-05-1120,x\n1,partial cell John Smith";
        for delimiter in [None, Some(b',')] {
            let mut reader = CsvReader::new(delimiter);
            let mut sink = Collect::default();
            reader.feed(input, &mut sink);
            let debug = format!("{reader:?}");
            for secret in ["patient", "Hunter2", "078-05-1120", "John Smith"] {
                assert_debug_hides(&debug, secret);
            }
            assert!(debug.contains("CsvReader"), "{debug}");
        }
    }

    #[test]
    fn value_debug_hides_content() {
        let value = Value {
            kind: ValueKind::String,
            text: "Jane Doe SSN 078-05-1120",
            line: 2,
            offset: 30,
            record: Some(1),
            field: Field::Column { index: 1, name: Some("password=Hunter2Hunter2") },
        };
        let debug = format!("{value:?}");
        assert_debug_hides(&debug, "078-05-1120");
        assert_debug_hides(&debug, "Hunter2");
        assert!(debug.contains("text_len: 24"), "{debug}");
        assert!(debug.contains("column_index: 1"), "{debug}");
    }

    #[test]
    fn notes_sample_fixture() {
        let input = include_bytes!("../../tests/fixtures/csv/notes-sample.csv");
        let sink = read(input);
        assert_eq!(
            sink.columns,
            ["session_id", "session_date", "client_name", "client_phone", "therapist", "note_type", "note"]
        );
        assert_eq!(sink.records, 36);
        assert_eq!(sink.values.len(), 36 * 7);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        assert_eq!(sink.values[0], cell("sess-0001", 2, 75, 1, "session_id"));
        assert_eq!(sink.values[2], cell("Alonzo, Lorena", 2, 96, 1, "client_name"));
        assert_eq!(sink.values[31 * 7].2, location(33, 9362, Some(32), Some("session_id")));
        assert_eq!(sink.values[32 * 7].2, location(36, 9696, Some(33), Some("session_id")));
        assert_eq!(sink.values[35 * 7], cell("sess-0036", 41, 10641, 36, "session_id"));
        assert_eq!(sink.values[31 * 7 + 6].1.matches('\n').count(), 2);
    }

    #[test]
    fn counsel_chat_dataset() {
        let path =
            concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/therapy/counsel-chat/20200325_counsel_chat.csv");
        let Ok(input) = std::fs::read(path) else {
            println!("skipped: {path} is not present");
            return;
        };
        let sink = read_all(Format::Csv, &input, 64 * 1024);
        assert_eq!(sink.records, 2129);
        assert_eq!(sink.columns.len(), 12);
        assert_eq!(sink.values.len(), 2129 * 12);
        let errors: Vec<_> = sink.findings.iter().filter(|f| f.severity == Severity::Error).collect();
        assert!(errors.is_empty(), "{errors:?}");
        // The first header cell is empty: the file was written with a pandas index column.
        assert_eq!(codes(&sink), [Code::CsvBadHeader]);
    }
}
