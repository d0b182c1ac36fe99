//! Streaming readers for the dataset formats: CSV, JSON, JSON Lines and Parquet.
//!
//! A reader is fed the file chunk by chunk with [`Reader::feed`] and closed with
//! [`Reader::finish`]. It hands every value (a CSV cell, a JSON string, number or object key)
//! to a [`Sink`] together with its location, and reports structural problems to the same sink
//! as [`Finding`]s. It keeps only what the current value needs, so memory stays bounded by the
//! limits in [`crate::limits`], not by the file size. Readers never stop on a problem they can
//! step over: a ragged CSV row or a bad JSON Lines line is reported and reading goes on.

pub mod csv;
pub mod json;
pub mod jsonl;
pub mod parquet;
pub mod sniff;

use crate::report::{Finding, Location};

/// The dataset formats that uploads may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated values, RFC 4180, with a header row.
    Csv,
    /// One JSON document, usually an array of records.
    Json,
    /// JSON Lines: one JSON document per line.
    Jsonl,
    /// Apache Parquet.
    Parquet,
}

impl Format {
    /// Every format, in the order of the extension allow-list.
    pub const ALL: [Format; 4] = [Format::Csv, Format::Json, Format::Jsonl, Format::Parquet];

    /// Returns the format for a file extension given without the dot, ignoring ASCII case.
    pub fn from_extension(extension: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.extension().eq_ignore_ascii_case(extension))
    }

    /// Returns the extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Parquet => "parquet",
        }
    }

    /// Returns the content types that the pipeline accepts for this format.
    pub fn content_types(self) -> &'static [&'static str] {
        match self {
            Format::Csv => &["text/csv", "application/csv"],
            Format::Json => &["application/json"],
            Format::Jsonl => &["application/jsonl", "application/x-jsonlines", "application/x-ndjson"],
            Format::Parquet => &["application/octet-stream", "application/parquet", "application/vnd.apache.parquet"],
        }
    }
}

/// The kind of token that a [`Value`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A CSV cell or a JSON string, decoded (unquoted, unescaped).
    String,
    /// A JSON number, exactly as written, never converted to a float.
    Number,
    /// A JSON object key, decoded.
    Key,
}

/// The field a value belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field<'a> {
    /// A CSV or Parquet column: its 0-based index and its header name, if there is one.
    Column {
        /// 0-based column index.
        index: usize,
        /// The header name of the column.
        name: Option<&'a str>,
    },
    /// An RFC 6901 JSON Pointer, relative to the document (in JSON Lines, the line's document).
    Pointer(&'a str),
}

/// One value read from a dataset, borrowed for the duration of a [`Sink::value`] call.
///
/// Its `Debug` output shows the kind, sizes and position only, never the text, the column name
/// or the pointer.
#[derive(Clone, Copy)]
pub struct Value<'a> {
    /// The kind of token.
    pub kind: ValueKind,
    /// The decoded text. For a JSON string with a lone surrogate escape, the surrogate is
    /// U+FFFD here and the reader also reports it.
    pub text: &'a str,
    /// 1-based line where the value starts, or 0 in Parquet, which has no lines.
    pub line: u64,
    /// 0-based byte offset in the file where the value starts (at its opening quote, if any).
    /// In Parquet, the offset of the header of the page that holds the value.
    pub offset: u64,
    /// 1-based data record: CSV row after the header, JSON Lines document or Parquet row.
    /// `None` in JSON.
    pub record: Option<u64>,
    /// The column or pointer of the value.
    pub field: Field<'a>,
}

impl std::fmt::Debug for Value<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = formatter.debug_struct("Value");
        debug
            .field("kind", &self.kind)
            .field("text_len", &self.text.len())
            .field("line", &self.line)
            .field("offset", &self.offset)
            .field("record", &self.record);
        match self.field {
            Field::Column { index, name } => {
                debug.field("column_index", &index).field("column_name_len", &name.map(str::len));
            }
            Field::Pointer(pointer) => {
                debug.field("pointer_len", &pointer.len());
            }
        }
        debug.finish()
    }
}

impl Value<'_> {
    /// Returns an owned location for a finding about this value.
    pub fn location(&self) -> Location {
        let mut location = Location {
            line: (self.line > 0).then_some(self.line),
            record: self.record,
            offset: Some(self.offset),
            ..Location::default()
        };
        match self.field {
            Field::Column { index, name } => {
                location.column = Some(column_label(index, name));
            }
            Field::Pointer(pointer) => location.pointer = Some(pointer.to_owned()),
        }
        location
    }
}

/// Returns the label of a column for locations: its header name, or `#N` (1-based) without one.
///
/// A name longer than [`MAX_COLUMN_NAME_BYTES`](crate::limits::MAX_COLUMN_NAME_BYTES), such as a
/// deep Parquet column path, is replaced by `#N` too, so a location never costs more than that.
pub fn column_label(index: usize, name: Option<&str>) -> String {
    match name {
        Some(name) if !name.is_empty() && name.len() <= crate::limits::MAX_COLUMN_NAME_BYTES => name.to_owned(),
        _ => format!("#{}", index + 1),
    }
}

/// Receives what a reader reads.
pub trait Sink {
    /// Receives one value.
    fn value(&mut self, value: &Value<'_>);

    /// Receives the column names of a CSV header or a Parquet schema, once, before any value.
    fn columns(&mut self, _names: &[String]) {}

    /// Marks the end of one data record.
    fn record_end(&mut self) {}

    /// Receives a structural problem.
    fn finding(&mut self, finding: Finding);
}

/// A streaming reader of one dataset format.
pub trait Reader {
    /// Reads the next chunk. Chunks may split values, lines and UTF-8 sequences anywhere.
    fn feed(&mut self, chunk: &[u8], sink: &mut dyn Sink);

    /// Reads the end of the input and reports what is left open (an unterminated quote, an
    /// unclosed array, a missing Parquet footer).
    fn finish(&mut self, sink: &mut dyn Sink);

    /// Returns the number of data records read so far.
    fn records(&self) -> u64;

    /// Returns the CSV delimiter in use, once it is known; `None` for other formats.
    fn csv_delimiter(&self) -> Option<u8> {
        None
    }
}

/// Options for [`reader`].
#[derive(Clone, Debug, Default)]
pub struct ReaderOptions {
    /// CSV delimiter. `None` detects one of `,` `;` tab `|` from the start of the file.
    pub csv_delimiter: Option<u8>,
}

/// Creates a reader for `format`.
pub fn reader(format: Format, options: &ReaderOptions) -> Box<dyn Reader> {
    match format {
        Format::Csv => Box::new(csv::CsvReader::new(options.csv_delimiter)),
        Format::Json => Box::new(json::JsonReader::new()),
        Format::Jsonl => Box::new(jsonl::JsonlReader::new()),
        Format::Parquet => Box::new(parquet::ParquetReader::new()),
    }
}

/// A sink that collects everything, for tests.
#[cfg(test)]
#[derive(Default, Debug)]
pub(crate) struct Collect {
    pub values: Vec<(ValueKind, String, Location)>,
    pub columns: Vec<String>,
    pub records: usize,
    pub findings: Vec<Finding>,
}

#[cfg(test)]
impl Sink for Collect {
    fn value(&mut self, value: &Value<'_>) {
        self.values.push((value.kind, value.text.to_owned(), value.location()));
    }

    fn columns(&mut self, names: &[String]) {
        self.columns = names.to_vec();
    }

    fn record_end(&mut self) {
        self.records += 1;
    }

    fn finding(&mut self, finding: Finding) {
        self.findings.push(finding);
    }
}

/// Asserts that `debug`, the `Debug` output of a reader or value, shows neither `secret` nor its
/// bytes as a list of numbers, for tests.
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_debug_hides(debug: &str, secret: &str) {
    assert!(!debug.contains(secret), "{secret:?} in {debug}");
    let bytes = format!("{:?}", secret.as_bytes().get(..4).unwrap_or(secret.as_bytes()));
    let bytes = bytes.trim_start_matches('[').trim_end_matches(']');
    assert!(!debug.contains(bytes), "bytes of {secret:?} in {debug}");
}

/// Chunk sizes that reader tests read every case with. `usize::MAX` feeds the whole input at once.
#[cfg(test)]
pub(crate) const CHUNK_SIZES: [usize; 6] = [1, 2, 3, 7, 64, usize::MAX];

/// Reads `input` at each of `sizes`, checks that all sizes agree with reading it whole and
/// returns the result, for tests.
#[cfg(test)]
pub(crate) fn read_at_sizes(format: Format, input: &[u8], sizes: &[usize]) -> Collect {
    let whole = read_all(format, input, usize::MAX);
    for &size in sizes {
        let part = read_all(format, input, size);
        assert_eq!(part.values, whole.values, "values at chunk size {size}");
        assert_eq!(part.findings, whole.findings, "findings at chunk size {size}");
        assert_eq!(part.records, whole.records, "records at chunk size {size}");
        assert_eq!(part.columns, whole.columns, "columns at chunk size {size}");
    }
    whole
}

/// Feeds `input` to a fresh reader in chunks of `chunk` bytes, for tests.
#[cfg(test)]
pub(crate) fn read_all(format: Format, input: &[u8], chunk: usize) -> Collect {
    let mut reader = reader(format, &ReaderOptions::default());
    let mut sink = Collect::default();
    for part in input.chunks(chunk.max(1)) {
        reader.feed(part, &mut sink);
    }
    reader.finish(&mut sink);
    sink
}
