//! Apache Parquet reader that checks the file's framing and decodes its footer.
//!
//! A Parquet file starts with the magic bytes `PAR1` and ends with the file metadata (a Thrift
//! `FileMetaData` struct in the compact protocol), the metadata length as a 4-byte
//! little-endian integer, and `PAR1` again. The reader keeps the first 4 bytes and a rolling
//! tail of at most [`MAX_PARQUET_FOOTER_BYTES`] + 8 bytes, so memory does not grow with the
//! file. At [`Reader::finish`] it checks both magics and the footer length, decodes the
//! metadata, passes the leaf column paths to [`Sink::columns`] and takes the row count from
//! `num_rows`.
//!
//! NOTE: no values are emitted, because data pages are not decoded yet, so the content checks
//! see none of a Parquet file's cells.
//!
//! Encrypted files are rejected: with an encrypted footer they start and end with `PARE`, and
//! with a plaintext footer `FileMetaData` has an `encryption_algorithm`.
//!
//! The structs are defined in `src/main/thrift/parquet.thrift` of the apache/parquet-format
//! repository, and the compact protocol in `doc/specs/thrift-compact-protocol.md` of the
//! apache/thrift repository.

use std::collections::VecDeque;
use std::fmt;

use super::{Reader, Sink};
use crate::limits::MAX_PARQUET_FOOTER_BYTES;
use crate::report::{Code, Finding, Location};

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

/// Maximum nesting of Thrift structs and containers, each counting as one level.
/// `FileMetaData` nests about ten levels (row groups, column chunk, column metadata,
/// statistics), so 32 leaves room without letting crafted input exhaust the stack.
const MAX_THRIFT_DEPTH: usize = 32;

/// Maximum nesting of groups in the schema. Real schemas nest a few levels, and the bound keeps
/// the column paths from growing with the square of the footer size.
const MAX_SCHEMA_DEPTH: usize = 64;

/// Maximum number of leaf columns. Wide tables have thousands of columns, and the bound keeps
/// a crafted schema of millions of tiny elements from taking hundreds of megabytes.
const MAX_COLUMNS: usize = 65_536;

/// Maximum total size of the column paths passed to [`Sink::columns`].
const MAX_COLUMN_PATH_BYTES: usize = 4 * 1024 * 1024;

/// Streaming Parquet reader. See the [module documentation](self).
///
/// Its `Debug` output shows sizes and counts only, never the file bytes that it holds.
#[derive(Default)]
pub struct ParquetReader {
    head: Vec<u8>,
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

    /// Checks the framing and decodes the footer, returning the first problem found.
    #[allow(clippy::result_large_err, reason = "runs once per file, so the error's size costs nothing")]
    fn check(&mut self) -> Result<FileMetadata, Finding> {
        if self.head.as_slice() == ENCRYPTED_MAGIC.as_slice() {
            return Err(invalid("encrypted", 0, ENCRYPTED_MESSAGE));
        }
        if self.head.as_slice() != MAGIC.as_slice() {
            let message = "file does not start with the Parquet magic bytes PAR1; check that it is a Parquet file";
            return Err(invalid("header_magic", 0, message));
        }

        let length = self.length;
        let tail = self.tail.make_contiguous();
        let Some((rest, trailing_magic)) = tail.split_last_chunk::<4>() else {
            return Err(invalid("footer_magic", 0, "file is too short to end with PAR1; the file may be truncated"));
        };
        if trailing_magic == ENCRYPTED_MAGIC {
            return Err(invalid("encrypted", length.saturating_sub(4), ENCRYPTED_MESSAGE));
        }
        if trailing_magic != MAGIC {
            let message = "file does not end with the Parquet magic bytes PAR1; the file may be truncated";
            return Err(invalid("footer_magic", length.saturating_sub(4), message));
        }

        if length < MIN_FILE_BYTES {
            let message = format!(
                "file has {length} bytes, fewer than the {MIN_FILE_BYTES} that the magic bytes and footer length need; the file may be truncated"
            );
            return Err(invalid("footer_length", 0, message));
        }
        let Some((rest, length_bytes)) = rest.split_last_chunk::<4>() else {
            return Err(invalid("footer_length", 0, "file is too short to contain a footer length"));
        };
        let footer_length = u32::from_le_bytes(*length_bytes);
        let footer = footer_slice(rest, footer_length, length)?;
        let footer_offset = length.saturating_sub(TRAILER_BYTES as u64 + u64::from(footer_length));

        let metadata = Decoder::new(footer).file_metadata().map_err(|error| {
            let message = format!("file metadata is invalid: {error}; the file may be corrupt or truncated");
            invalid("metadata", footer_offset + error.position as u64, message)
        })?;
        if metadata.encrypted {
            return Err(invalid("encrypted", footer_offset, ENCRYPTED_MESSAGE));
        }
        Ok(metadata)
    }
}

impl fmt::Debug for ParquetReader {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ParquetReader")
            .field("head_len", &self.head.len())
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
        self.keep_tail(chunk);
        self.length += chunk.len() as u64;
    }

    fn finish(&mut self, sink: &mut dyn Sink) {
        let result = self.check();
        self.tail = VecDeque::new();
        match result {
            Ok(metadata) => {
                self.records = metadata.num_rows;
                sink.columns(&metadata.columns);
            }
            Err(finding) => sink.finding(finding),
        }
    }

    fn records(&self) -> u64 {
        self.records
    }
}

/// Returns the footer at the end of `before_trailer` after checking that `footer_length` fits
/// in a file of `file_length` bytes and in [`MAX_PARQUET_FOOTER_BYTES`].
#[allow(clippy::result_large_err, reason = "runs once per file, so the error's size costs nothing")]
fn footer_slice(before_trailer: &[u8], footer_length: u32, file_length: u64) -> Result<&[u8], Finding> {
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
    let start = before_trailer.len().saturating_sub(footer_length as usize);
    before_trailer.get(start..).ok_or_else(|| {
        invalid("footer_length", trailer_offset, "footer is not in the bytes read; the file may be truncated")
    })
}

fn invalid(rule: &'static str, offset: u64, message: impl Into<String>) -> Finding {
    let location = Location { offset: Some(offset), ..Location::file() };
    Finding::error(Code::ParquetInvalid, location, message).with_rule(rule)
}

/// Fields of the footer's `FileMetaData` that the reader uses.
#[derive(PartialEq, Eq)]
struct FileMetadata {
    /// Leaf column paths, with the names of enclosing groups joined by `.`.
    columns: Vec<String>,
    num_rows: u64,
    /// `encryption_algorithm` is set, so columns are encrypted though the footer is not.
    encrypted: bool,
}

/// One `SchemaElement` of the flattened schema tree.
struct SchemaElement {
    name: String,
    /// Set for groups and absent for leaf columns.
    num_children: Option<i32>,
    /// Physical type, which every leaf column has.
    physical_type: Option<i32>,
}

// Column names can hold PHI, so the `Debug` output of the metadata types shows only their sizes.

impl fmt::Debug for FileMetadata {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("FileMetadata")
            .field("columns", &self.columns.len())
            .field("num_rows", &self.num_rows)
            .field("encrypted", &self.encrypted)
            .finish()
    }
}

impl fmt::Debug for SchemaElement {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("SchemaElement")
            .field("name_len", &self.name.len())
            .field("num_children", &self.num_children)
            .field("physical_type", &self.physical_type)
            .finish()
    }
}

/// A problem in the footer metadata and the footer offset where it was found.
#[derive(Debug, PartialEq, Eq)]
struct MetadataError {
    kind: MetadataErrorKind,
    position: usize,
}

#[derive(Debug, PartialEq, Eq)]
enum MetadataErrorKind {
    Truncated,
    VarintTooLong,
    IntegerOutOfRange,
    InvalidType(u8),
    InvalidFieldId,
    TooDeep,
    WrongFieldType(&'static str),
    MissingField(&'static str),
    NegativeRowCount,
    RowsWithoutRowGroups,
    InvalidName,
    EmptySchema,
    SchemaTooDeep,
    SchemaMismatch,
    LeafWithoutType,
    TooManyColumns,
    ColumnsTooLarge,
}

impl fmt::Display for MetadataError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        use MetadataErrorKind::*;
        match self.kind {
            Truncated => write!(formatter, "it ends in the middle of a value"),
            VarintTooLong => write!(formatter, "an integer is longer than 10 bytes"),
            IntegerOutOfRange => write!(formatter, "an integer is out of range for its type"),
            InvalidType(kind) => write!(formatter, "Thrift type {kind} is not a compact protocol type"),
            InvalidFieldId => write!(formatter, "a field id is out of range"),
            TooDeep => write!(formatter, "structs and lists nest deeper than {MAX_THRIFT_DEPTH} levels"),
            WrongFieldType(field) => write!(formatter, "field {field} has the wrong type"),
            MissingField(field) => write!(formatter, "required field {field} is missing"),
            NegativeRowCount => write!(formatter, "num_rows is negative"),
            RowsWithoutRowGroups => write!(formatter, "num_rows is not 0 but there are no row groups"),
            InvalidName => write!(formatter, "a schema name is not valid UTF-8"),
            EmptySchema => write!(formatter, "the schema is empty"),
            SchemaTooDeep => write!(formatter, "schema groups nest deeper than {MAX_SCHEMA_DEPTH} levels"),
            SchemaMismatch => write!(formatter, "the schema's children counts do not match its elements"),
            LeafWithoutType => write!(formatter, "a leaf column has no physical type"),
            TooManyColumns => write!(formatter, "the schema has more than {MAX_COLUMNS} leaf columns"),
            ColumnsTooLarge => {
                write!(formatter, "column paths are larger than {MAX_COLUMN_PATH_BYTES} bytes in total")
            }
        }
    }
}

type Decoded<T> = Result<T, MetadataError>;

// Thrift compact protocol type codes.
const BOOLEAN_TRUE: u8 = 1;
const BOOLEAN_FALSE: u8 = 2;
const BYTE: u8 = 3;
const I16: u8 = 4;
const I32: u8 = 5;
const I64: u8 = 6;
const DOUBLE: u8 = 7;
const BINARY: u8 = 8;
const LIST: u8 = 9;
const SET: u8 = 10;
const MAP: u8 = 11;
const STRUCT: u8 = 12;
const UUID: u8 = 13;

/// Thrift compact protocol decoder over the footer bytes. It decodes only the `FileMetaData`
/// fields the reader uses and skips the others, with nesting bounded by [`MAX_THRIFT_DEPTH`].
struct Decoder<'a> {
    input: &'a [u8],
    position: usize,
}

impl<'a> Decoder<'a> {
    fn new(input: &'a [u8]) -> Self {
        Decoder { input, position: 0 }
    }

    fn error(&self, kind: MetadataErrorKind) -> MetadataError {
        MetadataError { kind, position: self.position }
    }

    fn error_at(&self, kind: MetadataErrorKind, position: usize) -> MetadataError {
        MetadataError { kind, position }
    }

    fn remaining(&self) -> usize {
        self.input.len().saturating_sub(self.position)
    }

    fn byte(&mut self) -> Decoded<u8> {
        let byte = *self.input.get(self.position).ok_or_else(|| self.error(MetadataErrorKind::Truncated))?;
        self.position += 1;
        Ok(byte)
    }

    fn bytes(&mut self, count: usize) -> Decoded<&'a [u8]> {
        let end = self.position.checked_add(count).ok_or_else(|| self.error(MetadataErrorKind::Truncated))?;
        let bytes = self.input.get(self.position..end).ok_or_else(|| self.error(MetadataErrorKind::Truncated))?;
        self.position = end;
        Ok(bytes)
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes.
    fn varint(&mut self) -> Decoded<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            let bits = u64::from(byte & 0x7F);
            if shift == 63 && bits > 1 {
                return Err(self.error(MetadataErrorKind::IntegerOutOfRange));
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.error(MetadataErrorKind::VarintTooLong))
    }

    /// Reads a zigzag varint, the compact encoding of i16, i32 and i64.
    fn zigzag(&mut self) -> Decoded<i64> {
        let value = self.varint()?;
        Ok((value >> 1) as i64 ^ -((value & 1) as i64))
    }

    fn i32(&mut self) -> Decoded<i32> {
        let value = self.zigzag()?;
        i32::try_from(value).map_err(|_| self.error(MetadataErrorKind::IntegerOutOfRange))
    }

    /// Reads a varint length or count that must fit in the remaining input, because each
    /// byte of a binary, and each element of a container, takes at least one byte.
    fn size(&mut self) -> Decoded<usize> {
        let size = self.varint()?;
        match usize::try_from(size) {
            Ok(size) if size <= self.remaining() => Ok(size),
            _ => Err(self.error(MetadataErrorKind::Truncated)),
        }
    }

    /// Reads a field header and returns the field id and type, or `None` at the struct's end.
    fn field_header(&mut self, last_id: &mut i16) -> Decoded<Option<(i16, u8)>> {
        let start = self.position;
        let byte = self.byte()?;
        if byte == 0 {
            return Ok(None);
        }
        let kind = byte & 0x0F;
        check_type(kind).map_err(|kind| self.error_at(kind, start))?;
        let delta = i16::from(byte >> 4);
        let id = if delta == 0 {
            i16::try_from(self.zigzag()?).map_err(|_| self.error(MetadataErrorKind::InvalidFieldId))?
        } else {
            last_id.checked_add(delta).ok_or_else(|| self.error(MetadataErrorKind::InvalidFieldId))?
        };
        *last_id = id;
        Ok(Some((id, kind)))
    }

    /// Reads a list or set header and returns the element count and type.
    fn list_header(&mut self) -> Decoded<(usize, u8)> {
        let start = self.position;
        let byte = self.byte()?;
        let kind = byte & 0x0F;
        check_type(kind).map_err(|kind| self.error_at(kind, start))?;
        let count = match byte >> 4 {
            15 => self.size()?,
            short => usize::from(short),
        };
        if count > self.remaining() {
            return Err(self.error(MetadataErrorKind::Truncated));
        }
        Ok((count, kind))
    }

    /// Skips a struct field's value. A boolean field stores its value in the type code.
    fn skip_field(&mut self, kind: u8, depth: usize) -> Decoded<()> {
        match kind {
            BOOLEAN_TRUE | BOOLEAN_FALSE => Ok(()),
            _ => self.skip_value(kind, depth),
        }
    }

    /// Skips a container element or a non-boolean field value.
    fn skip_value(&mut self, kind: u8, depth: usize) -> Decoded<()> {
        if depth > MAX_THRIFT_DEPTH {
            return Err(self.error(MetadataErrorKind::TooDeep));
        }
        match kind {
            BOOLEAN_TRUE | BOOLEAN_FALSE | BYTE => self.bytes(1).map(drop),
            I16 | I32 | I64 => self.varint().map(drop),
            DOUBLE => self.bytes(8).map(drop),
            UUID => self.bytes(16).map(drop),
            BINARY => {
                let length = self.size()?;
                self.bytes(length).map(drop)
            }
            LIST | SET => {
                let (count, element) = self.list_header()?;
                (0..count).try_for_each(|_| self.skip_value(element, depth + 1))
            }
            MAP => self.skip_map(depth),
            STRUCT => self.skip_struct(depth),
            other => Err(self.error(MetadataErrorKind::InvalidType(other))),
        }
    }

    fn skip_map(&mut self, depth: usize) -> Decoded<()> {
        let count = self.size()?;
        if count == 0 {
            return Ok(());
        }
        let start = self.position;
        let types = self.byte()?;
        let (key, value) = (types >> 4, types & 0x0F);
        check_type(key).and_then(|()| check_type(value)).map_err(|kind| self.error_at(kind, start))?;
        for _ in 0..count {
            self.skip_value(key, depth + 1)?;
            self.skip_value(value, depth + 1)?;
        }
        Ok(())
    }

    fn skip_struct(&mut self, depth: usize) -> Decoded<()> {
        let mut last_id = 0;
        while let Some((_, kind)) = self.field_header(&mut last_id)? {
            self.skip_field(kind, depth + 1)?;
        }
        Ok(())
    }

    /// Decodes `FileMetaData`: field 1 `version`, 2 `schema`, 3 `num_rows` and 4 `row_groups`
    /// are required, field 8 `encryption_algorithm` is noted, and other fields are skipped.
    fn file_metadata(&mut self) -> Decoded<FileMetadata> {
        let mut version = None;
        let mut schema = None;
        let mut num_rows = None;
        let mut row_groups = None;
        let mut encrypted = false;
        let mut last_id = 0;
        while let Some((id, kind)) = self.field_header(&mut last_id)? {
            match id {
                1 => version = Some(self.expect(kind, I32, "version").and_then(|()| self.i32())?),
                2 => schema = Some(self.expect(kind, LIST, "schema").and_then(|()| self.schema())?),
                3 => num_rows = Some(self.expect(kind, I64, "num_rows").and_then(|()| self.zigzag())?),
                4 => row_groups = Some(self.expect(kind, LIST, "row_groups").and_then(|()| self.count_structs())?),
                8 => {
                    encrypted = true;
                    self.skip_field(kind, 1)?;
                }
                _ => self.skip_field(kind, 1)?,
            }
        }

        let missing = |field| self.error(MetadataErrorKind::MissingField(field));
        version.ok_or_else(|| missing("version"))?;
        let columns = schema.ok_or_else(|| missing("schema"))?;
        let num_rows = num_rows.ok_or_else(|| missing("num_rows"))?;
        let row_groups = row_groups.ok_or_else(|| missing("row_groups"))?;

        let num_rows = u64::try_from(num_rows).map_err(|_| self.error(MetadataErrorKind::NegativeRowCount))?;
        if num_rows > 0 && row_groups == 0 {
            return Err(self.error(MetadataErrorKind::RowsWithoutRowGroups));
        }
        Ok(FileMetadata { columns, num_rows, encrypted })
    }

    fn expect(&self, kind: u8, expected: u8, field: &'static str) -> Decoded<()> {
        if kind == expected {
            Ok(())
        } else {
            Err(self.error(MetadataErrorKind::WrongFieldType(field)))
        }
    }

    /// Reads a list of structs, skipping each, and returns how many there were.
    fn count_structs(&mut self) -> Decoded<u64> {
        let (count, element) = self.list_header()?;
        if element != STRUCT {
            return Err(self.error(MetadataErrorKind::WrongFieldType("row_groups")));
        }
        for _ in 0..count {
            self.skip_struct(2)?;
        }
        Ok(count as u64)
    }

    /// Decodes the schema list and returns the leaf column paths. Elements are not kept, so
    /// memory follows the columns rather than the element count.
    fn schema(&mut self) -> Decoded<Vec<String>> {
        let (count, element) = self.list_header()?;
        if element != STRUCT {
            return Err(self.error(MetadataErrorKind::WrongFieldType("schema")));
        }
        let mut paths = ColumnPaths::default();
        for _ in 0..count {
            let start = self.position;
            let element = self.schema_element()?;
            paths.push(element).map_err(|kind| self.error_at(kind, start))?;
        }
        paths.finish().map_err(|kind| self.error(kind))
    }

    /// Decodes a `SchemaElement`: field 1 `type`, 4 `name` (required) and 5 `num_children`.
    fn schema_element(&mut self) -> Decoded<SchemaElement> {
        let mut name = None;
        let mut num_children = None;
        let mut physical_type = None;
        let mut last_id = 0;
        while let Some((id, kind)) = self.field_header(&mut last_id)? {
            match id {
                1 => physical_type = Some(self.expect(kind, I32, "SchemaElement.type").and_then(|()| self.i32())?),
                4 => name = Some(self.expect(kind, BINARY, "SchemaElement.name").and_then(|()| self.string())?),
                5 => {
                    num_children = Some(self.expect(kind, I32, "SchemaElement.num_children").and_then(|()| self.i32())?)
                }
                _ => self.skip_field(kind, 3)?,
            }
        }
        let name = name.ok_or_else(|| self.error(MetadataErrorKind::MissingField("SchemaElement.name")))?;
        Ok(SchemaElement { name, num_children, physical_type })
    }

    fn string(&mut self) -> Decoded<String> {
        let length = self.size()?;
        let start = self.position;
        let bytes = self.bytes(length)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| self.error_at(MetadataErrorKind::InvalidName, start))
    }
}

/// Returns an error unless `kind` is a compact protocol type code.
fn check_type(kind: u8) -> Result<(), MetadataErrorKind> {
    if (BOOLEAN_TRUE..=UUID).contains(&kind) {
        Ok(())
    } else {
        Err(MetadataErrorKind::InvalidType(kind))
    }
}

/// Leaf column paths, rebuilt element by element from the depth-first flattening of the
/// schema tree. The first element is the root, whose name is not part of the paths.
#[derive(Default)]
struct ColumnPaths {
    /// Each open group: children still to come, and the length of `prefix` before its name.
    open: Vec<(i32, usize)>,
    /// Names of the open groups below the root, each followed by `.`.
    prefix: String,
    columns: Vec<String>,
    total_bytes: usize,
    root_seen: bool,
}

impl fmt::Debug for ColumnPaths {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ColumnPaths")
            .field("open_groups", &self.open.len())
            .field("prefix_len", &self.prefix.len())
            .field("columns", &self.columns.len())
            .field("total_bytes", &self.total_bytes)
            .field("root_seen", &self.root_seen)
            .finish()
    }
}

impl ColumnPaths {
    fn push(&mut self, element: SchemaElement) -> Result<(), MetadataErrorKind> {
        if !self.root_seen {
            self.root_seen = true;
            return match element.num_children {
                Some(children) if children >= 0 => {
                    self.open.push((children, 0));
                    Ok(())
                }
                _ => Err(MetadataErrorKind::SchemaMismatch),
            };
        }

        self.close_finished_groups();
        let (remaining, _) = self.open.last_mut().ok_or(MetadataErrorKind::SchemaMismatch)?;
        *remaining -= 1;
        match element.num_children {
            Some(children) if children < 0 => Err(MetadataErrorKind::SchemaMismatch),
            Some(children) => {
                if self.open.len() >= MAX_SCHEMA_DEPTH {
                    return Err(MetadataErrorKind::SchemaTooDeep);
                }
                self.open.push((children, self.prefix.len()));
                self.prefix.push_str(&element.name);
                self.prefix.push('.');
                Ok(())
            }
            None => self.push_column(&element),
        }
    }

    fn push_column(&mut self, leaf: &SchemaElement) -> Result<(), MetadataErrorKind> {
        if leaf.physical_type.is_none() {
            return Err(MetadataErrorKind::LeafWithoutType);
        }
        if self.columns.len() == MAX_COLUMNS {
            return Err(MetadataErrorKind::TooManyColumns);
        }
        self.total_bytes += self.prefix.len() + leaf.name.len();
        if self.total_bytes > MAX_COLUMN_PATH_BYTES {
            return Err(MetadataErrorKind::ColumnsTooLarge);
        }
        self.columns.push(format!("{}{}", self.prefix, leaf.name));
        Ok(())
    }

    fn close_finished_groups(&mut self) {
        while let Some(&(0, prefix_length)) = self.open.last() {
            self.open.pop();
            self.prefix.truncate(prefix_length);
        }
    }

    /// Returns the paths after checking that every group received all its children.
    fn finish(mut self) -> Result<Vec<String>, MetadataErrorKind> {
        if !self.root_seen {
            return Err(MetadataErrorKind::EmptySchema);
        }
        self.close_finished_groups();
        if self.open.is_empty() {
            Ok(self.columns)
        } else {
            Err(MetadataErrorKind::SchemaMismatch)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{assert_debug_hides, read_all, Collect, Format};
    use crate::report::Severity;

    const FIXTURE: &[u8] = include_bytes!("../../tests/fixtures/parquet/sessions.parquet");
    const FIXTURE_COLUMNS: [&str; 5] = ["session_id", "minutes", "note", "contact.phone", "contact.email"];
    const CHUNK_SIZES: [usize; 6] = [1, 2, 3, 7, 64, usize::MAX];

    /// Reads `input` in chunks of `size` bytes and returns the sink and `records()`.
    fn read_chunks(input: &[u8], size: usize) -> (Collect, u64) {
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

    /// Encodes a `FileMetaData` with `extra` inserted before the stop byte.
    fn metadata(schema: &[Vec<u8>], num_rows: i64, extra: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0x15, 0x04, 0x19];
        bytes.extend(list_header(schema.len(), STRUCT));
        bytes.extend(schema.concat());
        bytes.push(0x16);
        bytes.extend(zigzag(num_rows));
        bytes.extend([0x19, 0x1C, 0x00]);
        bytes.extend(extra);
        bytes.push(0);
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
        assert!(sink.values.is_empty());

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
        let input = include_bytes!("../../tests/fixtures/csv/notes-sample.csv");
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
                    // A flipped field id can turn a field into `encryption_algorithm`.
                    let rule = finding.rule.unwrap_or_default();
                    assert!(rule == "metadata" || rule == "encrypted", "byte {position} ^ {flip:#x}: {finding:?}");
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
        for _ in 0..8 {
            reader.feed(&chunk, &mut sink);
            assert!(reader.tail.len() <= MAX_TAIL_BYTES);
            assert!(reader.tail.capacity() < 2 * MAX_TAIL_BYTES, "capacity {}", reader.tail.capacity());
        }
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
        assert!(debug.contains("tail_len: 40"), "{debug}");
    }

    #[test]
    fn metadata_debug_hides_names() {
        let mut reader = ParquetReader::new();
        reader.feed(FIXTURE, &mut Collect::default());
        let metadata = reader.check();
        assert!(metadata.is_ok(), "{metadata:?}");
        let debug = format!("{metadata:?}");
        for name in FIXTURE_COLUMNS {
            assert_debug_hides(&debug, name);
        }

        let element = SchemaElement { name: "ssn 078-05-1120".to_owned(), num_children: None, physical_type: Some(6) };
        assert_debug_hides(&format!("{element:?}"), "078-05-1120");
    }
}
