//! Apache Parquet reader of text columns, and a writer that rewrites them.
//!
//! A Parquet file starts with the magic bytes `PAR1` and ends with the file metadata (a Thrift
//! `FileMetaData` struct in the compact protocol), the metadata length as a 4-byte
//! little-endian integer, and `PAR1` again. The metadata contains the schema and, for each row
//! group and column, the codec and byte range of the column chunk. Pages cannot be decoded
//! without it, and it comes last.
//!
//! So there are two ways in:
//!
//! - [`ParquetFile`], for callers with random access (a native file, a browser `File` through
//!   `slice`): the footer first, then one row group at a time. Memory is bounded by the footer
//!   and one row group, whatever the file size. [`read_seekable`] does this for a native file.
//! - [`ParquetReader`], the streaming [`Reader`] that upload validation feeds from the start of
//!   the file. It keeps the file's bytes, up to [`MAX_PARQUET_STREAM_BYTES`], and decodes them
//!   at [`Reader::finish`]. A larger file gets its framing and footer checked from a rolling
//!   tail of at most [`MAX_PARQUET_FOOTER_BYTES`] + 8 bytes, and a `PARQUET_UNSUPPORTED`
//!   finding reports that its values were not read.
//!
//! What is read: every string value, in row order, with its 1-based row as the record, its
//! column path and the file offset of its page. The elements of a list (or the keys and
//! values of a map) come one by one, with the row of the list. A
//! string column is a BYTE_ARRAY with the STRING, ENUM or JSON logical type (or UTF8, ENUM or
//! JSON converted type), a FIXED_LEN_BYTE_ARRAY with one of these types, or a BYTE_ARRAY
//! without any logical type, as older writers store strings, whose values are read when they
//! are valid UTF-8. Numbers, booleans, dates and other types are skipped. Data pages v1 and
//! v2, dictionary pages, the PLAIN, PLAIN_DICTIONARY, RLE_DICTIONARY, DELTA_LENGTH_BYTE_ARRAY
//! and DELTA_BYTE_ARRAY encodings and the UNCOMPRESSED, SNAPPY, GZIP and (with the `zstd`
//! feature) ZSTD codecs are read.
//!
//! A corrupt page stops its column chunk with a `PARQUET_INVALID` finding, and another codec or
//! encoding, or a page over a limit, gives a `PARQUET_UNSUPPORTED` warning. The other columns
//! are still read. Findings never quote a value.
//!
//! Encrypted files are rejected: with an encrypted footer they start and end with `PARE`, and
//! with a plaintext footer `FileMetaData` has an `encryption_algorithm`.
//!
//! The structs are defined in `src/main/thrift/parquet.thrift` of the apache/parquet-format
//! repository.

mod codec;
mod file;
mod metadata;
mod page;
mod thrift;
#[cfg(test)]
mod value_tests;
mod write;

use std::collections::VecDeque;
use std::fmt;
use std::io::{Read, Seek, SeekFrom};

pub use file::ParquetFile;
pub use write::{rewrite, rewrite_seekable, rewrite_with, Cell, Compression, Editor, RewriteError, RewriteOptions, RowGroup};

use super::{Reader, Sink};
use crate::limits::{MAX_PARQUET_FOOTER_BYTES, MAX_PARQUET_STREAM_BYTES};
use crate::report::{Code, Finding, Location};
use metadata::FileMetadata;
use thrift::Decoder;

const MAGIC: &[u8; 4] = b"PAR1";

/// Leading and trailing magic of a file whose footer is encrypted (Parquet modular encryption).
const ENCRYPTED_MAGIC: &[u8; 4] = b"PARE";

const ENCRYPTED_MESSAGE: &str =
    "file is encrypted, and encrypted Parquet files are not supported; upload an unencrypted file";

/// Bytes after the footer: its 4-byte length and the trailing magic.
const TRAILER_BYTES: usize = 8;

/// Smallest possible file: leading magic, footer length and trailing magic.
const MIN_FILE_BYTES: u64 = 12;

/// Bytes of the file end kept while reading: the largest accepted footer and its trailer.
const MAX_TAIL_BYTES: usize = MAX_PARQUET_FOOTER_BYTES + TRAILER_BYTES;

/// Streaming Parquet reader. See the [module documentation](self).
///
/// Its `Debug` output shows sizes and counts only, never the file bytes that it holds.
#[derive(Default)]
pub struct ParquetReader {
    head: Vec<u8>,
    /// The whole file while it fits in [`MAX_PARQUET_STREAM_BYTES`].
    buffer: Vec<u8>,
    /// Set once the file outgrew `buffer`; from then on only `tail` is kept.
    overflowed: bool,
    tail: VecDeque<u8>,
    /// Bytes fed so far.
    length: u64,
    /// `num_rows` from the footer, once it is decoded.
    records: u64,
}

impl ParquetReader {
    /// Creates a reader.
    pub fn new() -> Self {
        ParquetReader::default()
    }

    /// Appends `chunk` to the buffer, or to the tail once the file is over the stream limit.
    fn keep(&mut self, chunk: &[u8]) {
        if !self.overflowed && self.buffer.len() + chunk.len() <= MAX_PARQUET_STREAM_BYTES {
            // Grow by doubling, but never past the limit.
            let needed = self.buffer.len() + chunk.len();
            if needed > self.buffer.capacity() {
                let target = (self.buffer.capacity() * 2).clamp(needed, MAX_PARQUET_STREAM_BYTES);
                self.buffer.reserve_exact(target - self.buffer.len());
            }
            self.buffer.extend_from_slice(chunk);
            return;
        }
        if !self.overflowed {
            self.overflowed = true;
            let buffer = std::mem::take(&mut self.buffer);
            self.keep_tail(&buffer);
        }
        self.keep_tail(chunk);
    }

    /// Appends `chunk` to the tail, dropping the oldest bytes beyond [`MAX_TAIL_BYTES`].
    fn keep_tail(&mut self, chunk: &[u8]) {
        let newest = chunk.get(chunk.len().saturating_sub(MAX_TAIL_BYTES)..).unwrap_or_default();
        let overflow = (self.tail.len() + newest.len()).saturating_sub(MAX_TAIL_BYTES);
        self.tail.drain(..overflow.min(self.tail.len()));

        // Grow by doubling, but never past the bound: plain doubling would reserve twice
        // MAX_TAIL_BYTES once the tail is full.
        let needed = self.tail.len() + newest.len();
        if needed > self.tail.capacity() {
            let target = (self.tail.capacity() * 2).clamp(needed, MAX_TAIL_BYTES.max(needed));
            self.tail.reserve_exact(target - self.tail.len());
        }
        self.tail.extend(newest);
    }

    /// Reads the buffered file: its footer, then every row group.
    fn read_buffer(&mut self, sink: &mut dyn Sink) {
        let buffer = std::mem::take(&mut self.buffer);
        let mut file = match ParquetFile::open(&self.head, &buffer, self.length) {
            Ok(file) => file,
            Err(finding) => return sink.finding(finding),
        };
        self.records = file.num_rows();
        file.start(sink);
        for index in 0..file.row_group_count() {
            let Some(range) = file.row_group_range(index) else { continue };
            let bytes = buffer.get(range.start as usize..range.end as usize).unwrap_or_default();
            file.read_row_group(index, bytes, sink);
        }
    }

    /// Checks the framing and footer of a file over the stream limit, whose values are not read.
    fn read_tail(&mut self, sink: &mut dyn Sink) {
        let tail = Vec::from(std::mem::take(&mut self.tail));
        match open_footer(&self.head, &tail, self.length) {
            Ok((metadata, _)) => {
                self.records = metadata.num_rows;
                sink.columns(&metadata.columns);
                let message = format!(
                    "file is larger than the {MAX_PARQUET_STREAM_BYTES}-byte limit of the streaming reader, so its values were not checked; read it with random access instead"
                );
                sink.finding(unsupported("stream_limit", Location::file(), &message));
            }
            Err(finding) => sink.finding(finding),
        }
    }
}

impl fmt::Debug for ParquetReader {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ParquetReader")
            .field("head_len", &self.head.len())
            .field("buffer_len", &self.buffer.len())
            .field("tail_len", &self.tail.len())
            .field("length", &self.length)
            .field("records", &self.records)
            .finish()
    }
}

impl Reader for ParquetReader {
    fn feed(&mut self, chunk: &[u8], _sink: &mut dyn Sink) {
        let missing = MAGIC.len().saturating_sub(self.head.len());
        self.head.extend_from_slice(chunk.get(..missing.min(chunk.len())).unwrap_or_default());
        self.keep(chunk);
        self.length += chunk.len() as u64;
    }

    fn finish(&mut self, sink: &mut dyn Sink) {
        if self.overflowed {
            self.read_tail(sink);
        } else {
            self.read_buffer(sink);
        }
        self.buffer = Vec::new();
        self.tail = VecDeque::new();
    }

    fn records(&self) -> u64 {
        self.records
    }
}

/// Reads a Parquet file with random access, as [`ParquetFile`] describes, and returns its row
/// count. Problems in the file are findings passed to `sink`.
///
/// A row group larger than [`MAX_PARQUET_STREAM_BYTES`] is not read, with a
/// `PARQUET_UNSUPPORTED` finding.
///
/// # Errors
///
/// The I/O error when seeking or reading fails.
pub fn read_seekable<R: Read + Seek>(input: &mut R, sink: &mut dyn Sink) -> std::io::Result<u64> {
    let mut file = match open_seekable(input)? {
        Ok((file, _)) => file,
        Err(finding) => {
            sink.finding(finding);
            return Ok(0);
        }
    };
    file.start(sink);
    for index in 0..file.row_group_count() {
        let Some(range) = file.row_group_range(index) else { continue };
        if range.end - range.start > MAX_PARQUET_STREAM_BYTES as u64 {
            let message = format!(
                "row group {index} is larger than the {MAX_PARQUET_STREAM_BYTES}-byte limit, so its values were not checked"
            );
            sink.finding(unsupported("row_group_limit", Location { offset: Some(range.start), ..Location::file() }, &message));
            continue;
        }
        let bytes = read_at(input, range.start, range.end - range.start)?;
        file.read_row_group(index, &bytes, sink);
    }
    Ok(file.num_rows())
}

/// Reads `count` bytes of `input` from `start`, or fewer at the end of the input.
fn read_at<R: Read + Seek>(input: &mut R, start: u64, count: u64) -> std::io::Result<Vec<u8>> {
    input.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::with_capacity(count as usize);
    input.take(count).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads the head and the footer of a seekable file and opens it. Returns the file and its
/// tail: the footer and the 8 bytes after it.
fn open_seekable<R: Read + Seek>(input: &mut R) -> std::io::Result<Result<(ParquetFile, Vec<u8>), Finding>> {
    let length = input.seek(SeekFrom::End(0))?;
    let head = read_at(input, 0, 4)?;
    let trailer_length = length.min(TRAILER_BYTES as u64);
    let trailer = read_at(input, length - trailer_length, trailer_length)?;
    let tail_length = match ParquetFile::tail_length(&trailer, length) {
        Ok(tail_length) => tail_length,
        Err(finding) => return Ok(Err(finding)),
    };
    let tail = read_at(input, length - tail_length, tail_length)?;
    Ok(ParquetFile::open(&head, &tail, length).map(|file| (file, tail)))
}

/// Returns the footer length from the last 8 bytes of a file of `file_length` bytes, after
/// checking the trailing magic and that the footer fits in the file and in
/// [`MAX_PARQUET_FOOTER_BYTES`].
#[allow(clippy::result_large_err, reason = "runs once per file, so the error's size costs nothing")]
fn trailer_footer_length(tail: &[u8], file_length: u64) -> Result<u32, Finding> {
    let Some((rest, trailing_magic)) = tail.split_last_chunk::<4>() else {
        return Err(invalid("footer_magic", 0, "file is too short to end with PAR1; the file may be truncated"));
    };
    if trailing_magic == ENCRYPTED_MAGIC {
        return Err(invalid("encrypted", file_length.saturating_sub(4), ENCRYPTED_MESSAGE));
    }
    if trailing_magic != MAGIC {
        let message = "file does not end with the Parquet magic bytes PAR1; the file may be truncated";
        return Err(invalid("footer_magic", file_length.saturating_sub(4), message));
    }
    if file_length < MIN_FILE_BYTES {
        let message = format!(
            "file has {file_length} bytes, fewer than the {MIN_FILE_BYTES} that the magic bytes and footer length need; the file may be truncated"
        );
        return Err(invalid("footer_length", 0, message));
    }
    let Some((_, length_bytes)) = rest.split_last_chunk::<4>() else {
        return Err(invalid("footer_length", 0, "file is too short to contain a footer length"));
    };
    let footer_length = u32::from_le_bytes(*length_bytes);
    let trailer_offset = file_length.saturating_sub(TRAILER_BYTES as u64);
    let available = file_length.saturating_sub(MIN_FILE_BYTES);
    if footer_length == 0 {
        let message = "footer length is 0, so the file has no metadata; the file may be corrupt";
        return Err(invalid("footer_length", trailer_offset, message));
    }
    if u64::from(footer_length) > available {
        let message = format!(
            "footer length {footer_length} points outside the file, which has {available} bytes between the magic bytes; the file may be truncated"
        );
        return Err(invalid("footer_length", trailer_offset, message));
    }
    if footer_length as usize > MAX_PARQUET_FOOTER_BYTES {
        let message = format!(
            "footer is {footer_length} bytes, more than the {MAX_PARQUET_FOOTER_BYTES}-byte limit; write the file with fewer row groups or columns"
        );
        return Err(invalid("footer_length", trailer_offset, message));
    }
    Ok(footer_length)
}

/// Checks the framing of a file of `file_length` bytes, of which `head` contains the first 4 and
/// `tail` the last ones, and decodes its footer. Returns the metadata and the footer offset.
#[allow(clippy::result_large_err, reason = "runs once per file, so the error's size costs nothing")]
fn open_footer(head: &[u8], tail: &[u8], file_length: u64) -> Result<(FileMetadata, u64), Finding> {
    let head = head.get(..4).unwrap_or(head);
    if head == ENCRYPTED_MAGIC.as_slice() {
        return Err(invalid("encrypted", 0, ENCRYPTED_MESSAGE));
    }
    if head != MAGIC.as_slice() {
        let message = "file does not start with the Parquet magic bytes PAR1; check that it is a Parquet file";
        return Err(invalid("header_magic", 0, message));
    }
    let footer_length = trailer_footer_length(tail, file_length)?;
    let trailer_offset = file_length.saturating_sub(TRAILER_BYTES as u64);
    let before_trailer = &tail[..tail.len() - TRAILER_BYTES];
    let start = before_trailer.len().checked_sub(footer_length as usize).ok_or_else(|| {
        invalid("footer_length", trailer_offset, "footer is not in the bytes read; the file may be truncated")
    })?;
    let footer = &before_trailer[start..];
    let footer_offset = trailer_offset - u64::from(footer_length);

    let metadata = Decoder::new(footer).file_metadata().map_err(|error| {
        let message = format!("file metadata is invalid: {error}; the file may be corrupt or truncated");
        invalid("metadata", footer_offset + error.position as u64, message)
    })?;
    if metadata.encrypted {
        return Err(invalid("encrypted", footer_offset, ENCRYPTED_MESSAGE));
    }
    Ok((metadata, footer_offset))
}

fn invalid(rule: &'static str, offset: u64, message: impl Into<String>) -> Finding {
    let location = Location { offset: Some(offset), ..Location::file() };
    Finding::error(Code::ParquetInvalid, location, message).with_rule(rule)
}

fn unsupported(rule: &'static str, location: Location, message: &str) -> Finding {
    Finding::warning(Code::ParquetUnsupported, location, message).with_rule(rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{assert_debug_hides, read_all, Collect, Format};
    use crate::report::Severity;
    use metadata::MAX_COLUMNS;
    use metadata::MAX_SCHEMA_DEPTH;
    use thrift::{Decoded, MetadataErrorKind, MAX_THRIFT_DEPTH, STRUCT};

    const FIXTURE: &[u8] = include_bytes!("../../../tests/fixtures/parquet/sessions.parquet");
    const FIXTURE_COLUMNS: [&str; 5] = ["session_id", "minutes", "note", "contact.phone", "contact.email"];
    const CHUNK_SIZES: [usize; 6] = [1, 2, 3, 7, 64, usize::MAX];

    /// Reads `input` in chunks of `size` bytes and returns the sink and `records()`.
    pub(super) fn read_chunks(input: &[u8], size: usize) -> (Collect, u64) {
        let mut reader = ParquetReader::new();
        let mut sink = Collect::default();
        for part in input.chunks(size) {
            reader.feed(part, &mut sink);
        }
        reader.finish(&mut sink);
        (sink, reader.records())
    }

    /// Reads `input` at every chunk size, checks that all sizes agree, and returns the result.
    fn read(input: &[u8]) -> (Collect, u64) {
        let (whole, records) = read_chunks(input, usize::MAX);
        for size in CHUNK_SIZES {
            let (sink, chunked_records) = read_chunks(input, size);
            assert_eq!(sink.columns, whole.columns, "columns with {size}-byte chunks");
            assert_eq!(sink.findings, whole.findings, "findings with {size}-byte chunks");
            assert_eq!(sink.values, whole.values, "values with {size}-byte chunks");
            assert_eq!(chunked_records, records, "records with {size}-byte chunks");
        }
        (whole, records)
    }

    /// Returns the rule of the only finding, after checking its code and severity.
    fn only_rule(sink: &Collect) -> &'static str {
        assert_eq!(sink.findings.len(), 1, "{:?}", sink.findings);
        let finding = &sink.findings[0];
        assert_eq!(finding.code, Code::ParquetInvalid);
        assert_eq!(finding.severity, Severity::Error);
        finding.rule.unwrap_or("none")
    }

    fn varint(mut value: u64) -> Vec<u8> {
        let mut bytes = Vec::new();
        while value >= 0x80 {
            bytes.push((value as u8 & 0x7F) | 0x80);
            value >>= 7;
        }
        bytes.push(value as u8);
        bytes
    }

    fn zigzag(value: i64) -> Vec<u8> {
        varint(((value << 1) ^ (value >> 63)) as u64)
    }

    fn binary(text: &[u8]) -> Vec<u8> {
        [varint(text.len() as u64), text.to_vec()].concat()
    }

    /// Encodes a `SchemaElement`: a group when `children` is set, else a BYTE_ARRAY leaf.
    fn element(name: &str, children: Option<i64>) -> Vec<u8> {
        let mut bytes = Vec::new();
        match children {
            Some(children) => {
                bytes.push(0x48);
                bytes.extend(binary(name.as_bytes()));
                bytes.push(0x15);
                bytes.extend(zigzag(children));
            }
            None => {
                bytes.extend([0x15, 0x0C, 0x38]);
                bytes.extend(binary(name.as_bytes()));
            }
        }
        bytes.push(0);
        bytes
    }

    /// Encodes a `FileMetaData` with `extra` inserted before the stop byte, and one row group
    /// of `num_rows` rows whose column chunks are empty and start at offset 4.
    fn metadata(schema: &[Vec<u8>], num_rows: i64, extra: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0x15, 0x04, 0x19];
        bytes.extend(list_header(schema.len(), STRUCT));
        bytes.extend(schema.concat());
        bytes.push(0x16);
        bytes.extend(zigzag(num_rows));
        bytes.extend([0x19, 0x1C]);
        bytes.extend(row_group(schema.iter().filter(|element| element.starts_with(&[0x15, 0x0C])).count(), num_rows));
        bytes.extend(extra);
        bytes.push(0);
        bytes
    }

    /// Encodes a `RowGroup` with `columns` empty BYTE_ARRAY column chunks at offset 4.
    fn row_group(columns: usize, num_rows: i64) -> Vec<u8> {
        // type BYTE_ARRAY, encodings [PLAIN], codec UNCOMPRESSED, num_values and both sizes 0,
        // data_page_offset 4.
        let column_metadata = [0x15, 0x0C, 0x19, 0x15, 0x00, 0x25, 0x00, 0x16, 0x00, 0x16, 0x00, 0x16, 0x00, 0x26, 0x08, 0x00];
        let mut bytes = vec![0x19];
        bytes.extend(list_header(columns, STRUCT));
        for _ in 0..columns {
            bytes.push(0x3C);
            bytes.extend(column_metadata);
            bytes.push(0x00);
        }
        bytes.push(0x26);
        bytes.extend(zigzag(num_rows));
        bytes.push(0x00);
        bytes
    }

    fn list_header(count: usize, kind: u8) -> Vec<u8> {
        if count < 15 {
            vec![(count as u8) << 4 | kind]
        } else {
            [vec![0xF0 | kind], varint(count as u64)].concat()
        }
    }

    fn simple_schema() -> Vec<Vec<u8>> {
        vec![element("schema", Some(2)), element("id", None), element("note", None)]
    }

    /// Frames `footer` as a Parquet file with an empty body.
    fn file(footer: &[u8]) -> Vec<u8> {
        [MAGIC.as_slice(), footer, &(footer.len() as u32).to_le_bytes(), MAGIC].concat()
    }

    /// Decodes `footer` and, on success, checks that the whole footer was consumed.
    fn decode(footer: &[u8]) -> Decoded<FileMetadata> {
        let mut decoder = Decoder::new(footer);
        let metadata = decoder.file_metadata()?;
        assert_eq!(decoder.position, footer.len(), "bytes left after the metadata");
        Ok(metadata)
    }

    fn decode_error(footer: &[u8]) -> MetadataErrorKind {
        match decode(footer) {
            Ok(metadata) => panic!("decoded {metadata:?}"),
            Err(error) => error.kind,
        }
    }

    #[test]
    fn fixture_columns_and_rows() {
        let (sink, records) = read(FIXTURE);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        assert_eq!(sink.columns, FIXTURE_COLUMNS);
        assert_eq!(records, 3);
        assert_eq!(sink.records, 3);
        let texts: Vec<&str> = sink.values.iter().map(|(_, text, _)| text.as_str()).collect();
        assert_eq!(
            texts[..4],
            ["sess-0001", "Client reported better sleep.", "415-555-0101", "client1@example.com"]
        );
        assert_eq!(texts.len(), 11, "the third row has no phone");
        assert_eq!(sink.values[2].2.column.as_deref(), Some("contact.phone"));
        assert_eq!(sink.values[2].2.record, Some(1));
        assert_eq!(sink.values[10].2.record, Some(3));

        let footer_length = u32::from_le_bytes(FIXTURE[FIXTURE.len() - 8..FIXTURE.len() - 4].try_into().unwrap());
        let footer = &FIXTURE[FIXTURE.len() - 8 - footer_length as usize..FIXTURE.len() - 8];
        assert_eq!(decode(footer).unwrap().columns, FIXTURE_COLUMNS);
    }

    #[test]
    fn fixture_chunk_size_sweep() {
        for size in 1..=FIXTURE.len() + 1 {
            let (sink, records) = read_chunks(FIXTURE, size);
            assert!(sink.findings.is_empty(), "{size}-byte chunks: {:?}", sink.findings);
            assert_eq!(sink.columns, FIXTURE_COLUMNS, "{size}-byte chunks");
            assert_eq!(records, 3, "{size}-byte chunks");
        }
    }

    #[test]
    fn read_through_format_dispatch() {
        let sink = read_all(Format::Parquet, FIXTURE, 100);
        assert_eq!(sink.columns, FIXTURE_COLUMNS);
        assert!(sink.findings.is_empty());
    }

    #[test]
    fn truncated_file_rejected() {
        for length in [FIXTURE.len() - 1, FIXTURE.len() - 4, FIXTURE.len() / 2, 12, 5] {
            let (sink, records) = read(&FIXTURE[..length]);
            assert_eq!(only_rule(&sink), "footer_magic", "first {length} bytes");
            assert_eq!(sink.findings[0].location.offset, Some(length as u64 - 4));
            assert!(sink.columns.is_empty());
            assert_eq!(records, 0);
        }
    }

    #[test]
    fn tiny_files_rejected() {
        assert_eq!(only_rule(&read(b"").0), "header_magic");
        assert_eq!(only_rule(&read(b"PAR").0), "header_magic");
        assert_eq!(only_rule(&read(b"PAR1").0), "footer_length");
        assert_eq!(only_rule(&read(b"PAR1xyz").0), "footer_magic");
        assert_eq!(only_rule(&read(b"PAR1PAR1").0), "footer_length");
        assert_eq!(only_rule(&read(b"PAR1\x00\x00\x00\x00PAR1").0), "footer_length");
    }

    #[test]
    fn bad_header_magic() {
        let mut input = FIXTURE.to_vec();
        input[3] = b'2';
        let (sink, records) = read(&input);
        assert_eq!(only_rule(&sink), "header_magic");
        assert_eq!(sink.findings[0].location.offset, Some(0));
        assert_eq!(
            sink.findings[0].message,
            "file does not start with the Parquet magic bytes PAR1; check that it is a Parquet file"
        );
        assert_eq!(records, 0);
    }

    #[test]
    fn csv_named_parquet_rejected() {
        let input = include_bytes!("../../../tests/fixtures/csv/notes-sample.csv");
        let (sink, _) = read(input);
        assert_eq!(only_rule(&sink), "header_magic");
        assert!(sink.columns.is_empty());
    }

    #[test]
    fn encrypted_footer_rejected() {
        let mut input = FIXTURE.to_vec();
        let end = input.len();
        input[end - 4..].copy_from_slice(ENCRYPTED_MAGIC);
        let (sink, _) = read(&input);
        assert_eq!(only_rule(&sink), "encrypted");
        assert_eq!(sink.findings[0].location.offset, Some(FIXTURE.len() as u64 - 4));
        assert!(sink.findings[0].message.contains("encrypted Parquet files are not supported"));
    }

    #[test]
    fn encrypted_leading_magic_rejected() {
        let mut input = FIXTURE.to_vec();
        input[..4].copy_from_slice(ENCRYPTED_MAGIC);
        let (sink, _) = read(&input);
        assert_eq!(only_rule(&sink), "encrypted");
        assert_eq!(sink.findings[0].location.offset, Some(0));
    }

    #[test]
    fn plaintext_footer_encryption_rejected() {
        let encryption_algorithm = [0x4C, 0x1C, 0x00, 0x00]; // field 8: AES_GCM_V1 {}
        let footer = metadata(&simple_schema(), 1, &encryption_algorithm);
        let (sink, records) = read(&file(&footer));
        assert_eq!(only_rule(&sink), "encrypted");
        assert_eq!(sink.findings[0].location.offset, Some(4));
        assert!(sink.columns.is_empty());
        assert_eq!(records, 0);
    }

    #[test]
    fn footer_length_outside_file() {
        for declared in [FIXTURE.len() as u32 - 11, FIXTURE.len() as u32, u32::MAX] {
            let mut input = FIXTURE.to_vec();
            let end = input.len();
            input[end - 8..end - 4].copy_from_slice(&declared.to_le_bytes());
            let (sink, _) = read(&input);
            assert_eq!(only_rule(&sink), "footer_length", "declared length {declared}");
            assert_eq!(sink.findings[0].location.offset, Some(end as u64 - 8));
            assert!(sink.findings[0].message.contains("points outside the file"), "{}", sink.findings[0].message);
        }
    }

    #[test]
    fn footer_length_over_limit() {
        let footer_length = MAX_PARQUET_FOOTER_BYTES + 1;
        let mut input = MAGIC.to_vec();
        input.resize(4 + footer_length, 0);
        input.extend_from_slice(&(footer_length as u32).to_le_bytes());
        input.extend_from_slice(MAGIC);
        let (sink, _) = read_chunks(&input, 1 << 20);
        assert_eq!(only_rule(&sink), "footer_length");
        assert!(sink.findings[0].message.contains("limit"), "{}", sink.findings[0].message);
    }

    #[test]
    fn footer_length_zero() {
        let (sink, _) = read(b"PAR1rowsPAR1\x00\x00\x00\x00PAR1");
        assert_eq!(only_rule(&sink), "footer_length");
    }

    #[test]
    fn minimal_file_accepted() {
        let footer = metadata(&simple_schema(), 2, &[]);
        let input = file(&footer);
        let (sink, records) = read(&input);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        assert_eq!(sink.columns, ["id", "note"]);
        assert_eq!(records, 2);
    }

    #[test]
    fn corrupted_footer_rejected() {
        let mut input = FIXTURE.to_vec();
        let footer_length = u32::from_le_bytes(input[input.len() - 8..input.len() - 4].try_into().unwrap()) as usize;
        let footer_start = input.len() - 8 - footer_length;
        let footer_end = input.len() - 8;
        input[footer_start..footer_end].fill(0xFF);
        let (sink, records) = read(&input);
        assert_eq!(only_rule(&sink), "metadata");
        assert_eq!(sink.findings[0].location.offset, Some(footer_start as u64));
        assert!(sink.findings[0].message.starts_with("file metadata is invalid: "), "{}", sink.findings[0].message);
        assert_eq!(records, 0);
    }

    #[test]
    fn footer_byte_flips_never_panic() {
        let footer_length = u32::from_le_bytes(FIXTURE[FIXTURE.len() - 8..FIXTURE.len() - 4].try_into().unwrap());
        let footer_start = FIXTURE.len() - 8 - footer_length as usize;
        for position in footer_start..FIXTURE.len() - 8 {
            for flip in [0x01, 0x80, 0xFF] {
                let mut input = FIXTURE.to_vec();
                input[position] ^= flip;
                let (sink, _) = read_chunks(&input, 64);
                for finding in &sink.findings {
                    // A flipped field id can turn a field into `encryption_algorithm`, and a
                    // flipped offset, codec or type breaks the pages instead of the footer.
                    let expected = [Code::ParquetInvalid, Code::ParquetUnsupported, Code::InvalidEncoding];
                    assert!(expected.contains(&finding.code), "byte {position} ^ {flip:#x}: {finding:?}");
                    assert!(!finding.message.contains("sess-"), "byte {position} ^ {flip:#x}: {finding:?}");
                }
            }
        }
    }

    #[test]
    fn shortened_footer_length_rejected() {
        let mut input = FIXTURE.to_vec();
        let end = input.len();
        let footer_length = u32::from_le_bytes(input[end - 8..end - 4].try_into().unwrap());
        input[end - 8..end - 4].copy_from_slice(&(footer_length - 10).to_le_bytes());
        let (sink, _) = read(&input);
        assert_eq!(only_rule(&sink), "metadata");
    }

    #[test]
    fn nested_groups_give_dotted_paths() {
        let schema = [
            element("root", Some(3)),
            element("a", None),
            element("b", Some(2)),
            element("c", Some(1)),
            element("d", None),
            element("e", None),
            element("f", None),
        ];
        let metadata = decode(&metadata(&schema, 0, &[])).unwrap();
        assert_eq!(metadata.columns, ["a", "b.c.d", "b.e", "f"]);
        assert_eq!(metadata.num_rows, 0);
    }

    #[test]
    fn unknown_fields_of_every_type_skipped() {
        let mut extra = vec![
            0x11, // field 5: boolean true, value in the type
            0x12, // field 6: boolean false
            0x13, 0x7F, // field 7: byte
            0x14, 0x03, // field 8: i16
            0x15, 0x80, 0x01, // field 9: i32
            0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, // field 10: i64 of 10 bytes
            0x17, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, // field 11: double
            0x18, 0x03, b'a', b'b', b'c', // field 12: binary
            0x19, 0x21, 0x01, 0x02, // field 13: list of two booleans, one byte each
            0x1A, 0x25, 0x02, 0x04, // field 14: set of two i32
            0x1B, 0x02, 0x85, 0x00, 0x02, 0x01, b'x', 0x04, // field 15: map<binary, i32> of two entries
            0x1B, 0x00, // field 16: empty map
            0x1C, 0x1C, 0x19, 0x1C, 0x00, 0x00, 0x00, // field 17: struct { struct { list<struct> } }
            0x1D, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, // field 18: uuid
            0x09, 0x28, 0x1C, // long-form field id 20: list of one struct
        ];
        extra.extend([0x11, 0x00]); // the struct: boolean field 1, stop
        extra.extend([0x08, 0xF2, 0x03, 0x00]); // long-form field id 249: empty binary
        let metadata = decode(&metadata(&simple_schema(), 7, &extra)).unwrap();
        assert_eq!(metadata.columns, ["id", "note"]);
        assert_eq!(metadata.num_rows, 7);
    }

    #[test]
    fn long_list_header_decoded() {
        let mut schema = vec![element("schema", Some(20))];
        schema.extend((0..20).map(|index| element(&format!("c{index}"), None)));
        let metadata = decode(&metadata(&schema, 1, &[])).unwrap();
        assert_eq!(metadata.columns.len(), 20);
        assert_eq!(metadata.columns[19], "c19");
    }

    #[test]
    fn nesting_deeper_than_limit_rejected() {
        let mut extra = vec![0x1C];
        extra.extend(std::iter::repeat_n(0x1C, MAX_THRIFT_DEPTH + 1));
        extra.extend(std::iter::repeat_n(0x00, MAX_THRIFT_DEPTH + 2));
        assert_eq!(decode_error(&metadata(&simple_schema(), 1, &extra)), MetadataErrorKind::TooDeep);
    }

    #[test]
    fn nesting_at_limit_accepted() {
        let mut extra = vec![0x1C];
        extra.extend(std::iter::repeat_n(0x1C, MAX_THRIFT_DEPTH - 2));
        extra.extend(std::iter::repeat_n(0x00, MAX_THRIFT_DEPTH - 1));
        assert!(decode(&metadata(&simple_schema(), 1, &extra)).is_ok());
    }

    #[test]
    fn schema_deeper_than_limit_rejected() {
        let mut schema = vec![element("schema", Some(1))];
        schema.extend((0..MAX_SCHEMA_DEPTH).map(|_| element("g", Some(1))));
        schema.push(element("leaf", None));
        assert_eq!(decode_error(&metadata(&schema, 1, &[])), MetadataErrorKind::SchemaTooDeep);
    }

    #[test]
    fn schema_count_mismatch_rejected() {
        let too_few = [element("schema", Some(3)), element("a", None)];
        assert_eq!(decode_error(&metadata(&too_few, 1, &[])), MetadataErrorKind::SchemaMismatch);
        let too_many = [element("schema", Some(1)), element("a", None), element("b", None)];
        assert_eq!(decode_error(&metadata(&too_many, 1, &[])), MetadataErrorKind::SchemaMismatch);
        let negative = [element("schema", Some(-1)), element("a", None)];
        assert_eq!(decode_error(&metadata(&negative, 1, &[])), MetadataErrorKind::SchemaMismatch);
        let leaf_root = [element("a", None)];
        assert_eq!(decode_error(&metadata(&leaf_root, 1, &[])), MetadataErrorKind::SchemaMismatch);
        assert_eq!(decode_error(&metadata(&[], 1, &[])), MetadataErrorKind::EmptySchema);
    }

    #[test]
    fn too_many_columns_rejected() {
        let mut schema = vec![element("schema", Some(MAX_COLUMNS as i64 + 1))];
        schema.extend((0..=MAX_COLUMNS).map(|_| element("c", None)));
        assert_eq!(decode_error(&metadata(&schema, 1, &[])), MetadataErrorKind::TooManyColumns);
        schema[0] = element("schema", Some(MAX_COLUMNS as i64));
        schema.pop();
        assert_eq!(decode(&metadata(&schema, 1, &[])).unwrap().columns.len(), MAX_COLUMNS);
    }

    #[test]
    fn leaf_without_type_rejected() {
        let untyped_leaf = [0x48, 0x01, b'x', 0x00].to_vec();
        let schema = [element("schema", Some(1)), untyped_leaf];
        assert_eq!(decode_error(&metadata(&schema, 1, &[])), MetadataErrorKind::LeafWithoutType);
    }

    #[test]
    fn required_fields_checked() {
        assert_eq!(decode_error(&[0x00]), MetadataErrorKind::MissingField("version"));
        assert_eq!(decode_error(&[0x15, 0x02, 0x00]), MetadataErrorKind::MissingField("schema"));
        assert_eq!(decode_error(&metadata(&simple_schema(), -1, &[])), MetadataErrorKind::NegativeRowCount);
        let wrong_type = [0x18, 0x00, 0x00];
        assert_eq!(decode_error(&wrong_type), MetadataErrorKind::WrongFieldType("version"));
    }

    #[test]
    fn rows_without_row_groups_rejected() {
        let mut footer = vec![0x15, 0x04, 0x19];
        footer.extend(list_header(3, STRUCT));
        footer.extend(simple_schema().concat());
        footer.extend([0x16, 0x02, 0x19, 0x0C, 0x00]);
        assert_eq!(decode_error(&footer), MetadataErrorKind::RowsWithoutRowGroups);
    }

    #[test]
    fn malformed_compact_values_rejected() {
        assert_eq!(decode_error(&[0x15]), MetadataErrorKind::Truncated);
        assert_eq!(decode_error(&[0x15, 0x80, 0x80]), MetadataErrorKind::Truncated);
        let eleven_bytes = [0x76, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x00];
        assert_eq!(decode_error(&eleven_bytes), MetadataErrorKind::VarintTooLong);
        let over_64_bits = [0x76, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02];
        assert_eq!(decode_error(&over_64_bits), MetadataErrorKind::IntegerOutOfRange);
        assert_eq!(decode_error(&[0x15, 0x80, 0x80, 0x80, 0x80, 0x20]), MetadataErrorKind::IntegerOutOfRange);
        assert_eq!(decode_error(&[0x1E]), MetadataErrorKind::InvalidType(14));
        assert_eq!(decode_error(&[0x58, 0x10, b'a']), MetadataErrorKind::Truncated);
        assert_eq!(decode_error(&[0x59, 0xF5, 0xFF, 0xFF, 0xFF, 0x0F]), MetadataErrorKind::Truncated);
        assert_eq!(decode_error(&[0x5B, 0x01, 0xE5, 0x02, 0x00]), MetadataErrorKind::InvalidType(14));
    }

    #[test]
    fn invalid_name_rejected() {
        let bad_name = [0x48, 0x02, 0xC3, 0x28, 0x15, 0x00, 0x00].to_vec();
        assert_eq!(decode_error(&metadata(&[bad_name], 0, &[])), MetadataErrorKind::InvalidName);
    }

    #[test]
    fn error_position_points_into_footer() {
        let footer = metadata(&simple_schema(), 1, &[0x1F]);
        let input = file(&footer);
        let (sink, _) = read(&input);
        assert_eq!(only_rule(&sink), "metadata");
        // The bad field header is the last byte before the stop byte.
        assert_eq!(sink.findings[0].location.offset, Some(4 + footer.len() as u64 - 2));
        assert!(sink.findings[0].message.contains("Thrift type 15"), "{}", sink.findings[0].message);
    }

    #[test]
    fn tail_stays_bounded() {
        let mut reader = ParquetReader::new();
        let mut sink = Collect::default();
        let chunk = vec![0u8; 3 << 20];
        while reader.length <= MAX_PARQUET_STREAM_BYTES as u64 + (9 << 20) {
            reader.feed(&chunk, &mut sink);
            assert!(reader.buffer.capacity() <= MAX_PARQUET_STREAM_BYTES, "capacity {}", reader.buffer.capacity());
            assert!(reader.tail.len() <= MAX_TAIL_BYTES);
            assert!(reader.tail.capacity() < 2 * MAX_TAIL_BYTES, "capacity {}", reader.tail.capacity());
        }
        assert!(reader.overflowed);
        assert!(reader.buffer.is_empty());
        reader.feed(&vec![0u8; MAX_TAIL_BYTES + 5], &mut sink);
        assert_eq!(reader.tail.len(), MAX_TAIL_BYTES);
    }

    #[test]
    fn debug_hides_file_bytes() {
        let mut reader = ParquetReader::new();
        let mut sink = Collect::default();
        reader.feed(b"PAR1 raw bytes: Jane Doe SSN 078-05-1120", &mut sink);
        let debug = format!("{reader:?}");
        assert_debug_hides(&debug, "Jane Doe");
        assert_debug_hides(&debug, "078-05-1120");
        assert_debug_hides(&debug, "PAR1");
        assert!(debug.contains("buffer_len: 40"), "{debug}");
    }

    #[test]
    fn metadata_debug_hides_names() {
        let metadata = open_footer(&FIXTURE[..4], FIXTURE, FIXTURE.len() as u64).map(|(metadata, _)| metadata);
        assert!(metadata.is_ok(), "{metadata:?}");
        let debug = format!("{metadata:?}");
        for name in FIXTURE_COLUMNS {
            assert_debug_hides(&debug, name);
        }

        let element = metadata::SchemaElement {
            name: "ssn 078-05-1120".to_owned(),
            num_children: None,
            physical_type: Some(6),
            type_length: None,
            repetition: None,
            converted_type: None,
            logical_type: None,
        };
        assert_debug_hides(&format!("{element:?}"), "078-05-1120");
    }
}
