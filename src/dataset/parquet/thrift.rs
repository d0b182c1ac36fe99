//! A decoder and an encoder for the Thrift compact protocol, in which Parquet stores its file
//! metadata and page headers.
//!
//! The protocol is specified in `doc/specs/thrift-compact-protocol.md` of the apache/thrift
//! repository.

use std::fmt;

use super::metadata::{MAX_COLUMNS, MAX_COLUMN_CHUNKS, MAX_COLUMN_PATH_BYTES, MAX_SCHEMA_DEPTH};

/// Maximum nesting of Thrift structs and containers, each counting as one level.
/// `FileMetaData` nests about ten levels (row groups, column chunk, column metadata,
/// statistics), so 32 leaves room without letting crafted input exhaust the stack.
pub(super) const MAX_THRIFT_DEPTH: usize = 32;

/// A problem in the footer metadata and the footer offset where it was found.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct MetadataError {
    pub kind: MetadataErrorKind,
    pub position: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum MetadataErrorKind {
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
    TooManyChunks,
    ChunkCountMismatch,
    RowCountMismatch,
    NegativeValue(&'static str),
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
            TooManyChunks => write!(formatter, "row groups have more than {MAX_COLUMN_CHUNKS} column chunks in total"),
            ChunkCountMismatch => write!(formatter, "a row group has a column chunk count other than the schema's column count"),
            RowCountMismatch => write!(formatter, "num_rows is not the sum of the row groups' row counts"),
            NegativeValue(field) => write!(formatter, "field {field} is negative"),
        }
    }
}

pub(super) type Decoded<T> = Result<T, MetadataError>;

// Thrift compact protocol type codes.
pub(super) const BOOLEAN_TRUE: u8 = 1;
pub(super) const BOOLEAN_FALSE: u8 = 2;
pub(super) const BYTE: u8 = 3;
pub(super) const I16: u8 = 4;
pub(super) const I32: u8 = 5;
pub(super) const I64: u8 = 6;
pub(super) const DOUBLE: u8 = 7;
pub(super) const BINARY: u8 = 8;
pub(super) const LIST: u8 = 9;
pub(super) const SET: u8 = 10;
pub(super) const MAP: u8 = 11;
pub(super) const STRUCT: u8 = 12;
pub(super) const UUID: u8 = 13;

/// Thrift compact protocol decoder over the footer bytes. It decodes only the `FileMetaData`
/// fields the reader uses and skips the others, with nesting bounded by [`MAX_THRIFT_DEPTH`].
pub(super) struct Decoder<'a> {
    input: &'a [u8],
    pub position: usize,
}

impl<'a> Decoder<'a> {
    pub(super) fn new(input: &'a [u8]) -> Self {
        Decoder { input, position: 0 }
    }

    pub(super) fn error(&self, kind: MetadataErrorKind) -> MetadataError {
        MetadataError { kind, position: self.position }
    }

    pub(super) fn error_at(&self, kind: MetadataErrorKind, position: usize) -> MetadataError {
        MetadataError { kind, position }
    }

    pub(super) fn remaining(&self) -> usize {
        self.input.len().saturating_sub(self.position)
    }

    pub(super) fn byte(&mut self) -> Decoded<u8> {
        let byte = *self.input.get(self.position).ok_or_else(|| self.error(MetadataErrorKind::Truncated))?;
        self.position += 1;
        Ok(byte)
    }

    pub(super) fn bytes(&mut self, count: usize) -> Decoded<&'a [u8]> {
        let end = self.position.checked_add(count).ok_or_else(|| self.error(MetadataErrorKind::Truncated))?;
        let bytes = self.input.get(self.position..end).ok_or_else(|| self.error(MetadataErrorKind::Truncated))?;
        self.position = end;
        Ok(bytes)
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes.
    pub(super) fn varint(&mut self) -> Decoded<u64> {
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
    pub(super) fn zigzag(&mut self) -> Decoded<i64> {
        let value = self.varint()?;
        Ok((value >> 1) as i64 ^ -((value & 1) as i64))
    }

    pub(super) fn i32(&mut self) -> Decoded<i32> {
        let value = self.zigzag()?;
        i32::try_from(value).map_err(|_| self.error(MetadataErrorKind::IntegerOutOfRange))
    }

    /// Reads a varint length or count that must fit in the remaining input, because each
    /// byte of a binary, and each element of a container, takes at least one byte.
    pub(super) fn size(&mut self) -> Decoded<usize> {
        let size = self.varint()?;
        match usize::try_from(size) {
            Ok(size) if size <= self.remaining() => Ok(size),
            _ => Err(self.error(MetadataErrorKind::Truncated)),
        }
    }

    /// Reads a field header and returns the field id and type, or `None` at the struct's end.
    pub(super) fn field_header(&mut self, last_id: &mut i16) -> Decoded<Option<(i16, u8)>> {
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
    pub(super) fn list_header(&mut self) -> Decoded<(usize, u8)> {
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
    pub(super) fn skip_field(&mut self, kind: u8, depth: usize) -> Decoded<()> {
        match kind {
            BOOLEAN_TRUE | BOOLEAN_FALSE => Ok(()),
            _ => self.skip_value(kind, depth),
        }
    }

    /// Skips a container element or a non-boolean field value.
    pub(super) fn skip_value(&mut self, kind: u8, depth: usize) -> Decoded<()> {
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

    pub(super) fn skip_struct(&mut self, depth: usize) -> Decoded<()> {
        let mut last_id = 0;
        while let Some((_, kind)) = self.field_header(&mut last_id)? {
            self.skip_field(kind, depth + 1)?;
        }
        Ok(())
    }

    pub(super) fn expect(&self, kind: u8, expected: u8, field: &'static str) -> Decoded<()> {
        if kind == expected {
            Ok(())
        } else {
            Err(self.error(MetadataErrorKind::WrongFieldType(field)))
        }
    }

    pub(super) fn string(&mut self) -> Decoded<String> {
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


/// Thrift compact protocol encoder for the structs that the writer emits.
///
/// Structs are written field by field in increasing id order, and each struct opened with
/// [`Encoder::begin_struct`] is closed with [`Encoder::end_struct`].
pub(super) struct Encoder {
    pub bytes: Vec<u8>,
    /// The last field id of each open struct, from which the next field's id delta is taken.
    last_ids: Vec<i16>,
}

impl Encoder {
    /// Creates an encoder positioned inside a top-level struct.
    pub fn new() -> Self {
        Encoder { bytes: Vec::new(), last_ids: vec![0] }
    }

    pub fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.bytes.push((value as u8 & 0x7F) | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
    }

    pub fn zigzag(&mut self, value: i64) {
        self.varint(((value << 1) ^ (value >> 63)) as u64);
    }

    pub fn field(&mut self, id: i16, kind: u8) {
        let previous = self.last_ids.last_mut().map_or(0, |last| std::mem::replace(last, id));
        let delta = id - previous;
        if (1..=15).contains(&delta) {
            self.bytes.push((delta as u8) << 4 | kind);
        } else {
            self.bytes.push(kind);
            self.zigzag(i64::from(id));
        }
    }

    pub fn i32_field(&mut self, id: i16, value: i32) {
        self.field(id, I32);
        self.zigzag(i64::from(value));
    }

    pub fn i64_field(&mut self, id: i16, value: i64) {
        self.field(id, I64);
        self.zigzag(value);
    }

    pub fn binary_field(&mut self, id: i16, value: &[u8]) {
        self.field(id, BINARY);
        self.binary(value);
    }

    pub fn binary(&mut self, value: &[u8]) {
        self.varint(value.len() as u64);
        self.bytes.extend_from_slice(value);
    }

    pub fn list_header(&mut self, count: usize, kind: u8) {
        if count < 15 {
            self.bytes.push((count as u8) << 4 | kind);
        } else {
            self.bytes.push(0xF0 | kind);
            self.varint(count as u64);
        }
    }

    /// Starts a struct, as a field value or a list element.
    pub fn begin_struct(&mut self) {
        self.last_ids.push(0);
    }

    /// Writes the stop byte of the innermost open struct.
    pub fn end_struct(&mut self) {
        self.bytes.push(0);
        self.last_ids.pop();
    }
}
