//! The footer's `FileMetaData`: the schema with each leaf column's types and levels, and the
//! row groups with the codec and byte range of each column chunk.

use std::fmt;
use std::ops::Range;

use super::thrift::{Decoded, Decoder, MetadataErrorKind, BINARY, I32, I64, LIST, STRUCT};

/// Maximum nesting of groups in the schema. Real schemas nest a few levels, and the bound keeps
/// the column paths from growing with the square of the footer size.
pub(super) const MAX_SCHEMA_DEPTH: usize = 64;

/// Maximum number of leaf columns. Wide tables have thousands of columns, and the bound keeps
/// a crafted schema of millions of tiny elements from taking hundreds of megabytes.
pub(super) const MAX_COLUMNS: usize = 65_536;

/// Maximum total size of the column paths passed to [`Sink::columns`](crate::dataset::Sink::columns).
pub(super) const MAX_COLUMN_PATH_BYTES: usize = 4 * 1024 * 1024;

/// Maximum number of column chunks (row groups times columns) kept from the footer. Each one
/// takes about 100 bytes of memory and at least 10 bytes of footer.
pub(super) const MAX_COLUMN_CHUNKS: usize = 1 << 20;

// Physical types of the Parquet format (`Type` in parquet.thrift).
pub(super) const BYTE_ARRAY: i32 = 6;
pub(super) const FIXED_LEN_BYTE_ARRAY: i32 = 7;

// Repetition types (`FieldRepetitionType`).
const OPTIONAL: i32 = 1;
const REPEATED: i32 = 2;

// Converted types (`ConvertedType`) and logical type union members (`LogicalType`) that mark
// text: UTF8, ENUM and JSON.
const CONVERTED_UTF8: i32 = 0;
const CONVERTED_ENUM: i32 = 4;
const CONVERTED_JSON: i32 = 19;
const LOGICAL_STRING: i16 = 1;
const LOGICAL_ENUM: i16 = 4;
const LOGICAL_JSON: i16 = 12;

/// Fields of the footer's `FileMetaData` that the reader and the writer use.
#[derive(PartialEq, Eq)]
pub(super) struct FileMetadata {
    /// Leaf column paths, with the names of enclosing groups joined by `.`.
    pub columns: Vec<String>,
    /// One entry per leaf column, in the order of `columns`.
    pub leaves: Vec<Leaf>,
    pub num_rows: u64,
    pub row_groups: Vec<RowGroup>,
    /// `encryption_algorithm` is set, so columns are encrypted though the footer is not.
    pub encrypted: bool,
    /// Footer bytes of the `schema` list, from its list header to its last element, which the
    /// writer copies unchanged.
    pub schema_span: Range<usize>,
}

/// What a leaf column's values are, as far as the reader is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ValueType {
    /// Text by its logical or converted type (STRING, UTF8, ENUM, JSON): invalid UTF-8 is a
    /// finding.
    Text,
    /// BYTE_ARRAY without a logical type, as older Hive and Impala writers store strings: values
    /// that are valid UTF-8 are read as text, others are skipped.
    Binary,
    /// Numbers, booleans, dates and other types that the reader skips.
    Other,
}

/// A leaf column of the schema.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Leaf {
    /// Names from the root's child down to the leaf (`path_in_schema`).
    pub path: Vec<String>,
    pub physical_type: i32,
    /// Byte length of a FIXED_LEN_BYTE_ARRAY value.
    pub type_length: Option<i32>,
    pub value_type: ValueType,
    /// Optional and repeated fields on the way from the root, including the leaf.
    pub max_definition_level: u8,
    /// Repeated fields on the way from the root, including the leaf.
    pub max_repetition_level: u8,
}

/// A row group and its column chunks, one per leaf column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct RowGroup {
    pub num_rows: u64,
    pub chunks: Vec<ColumnChunk>,
}

/// The `ColumnMetaData` of a column chunk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ColumnChunk {
    /// The chunk is in another file (`file_path` is set).
    pub external: bool,
    pub physical_type: i32,
    pub encodings: Vec<i32>,
    pub codec: i32,
    pub num_values: u64,
    pub total_uncompressed_size: u64,
    pub total_compressed_size: u64,
    pub data_page_offset: u64,
    pub dictionary_page_offset: Option<u64>,
}

impl ColumnChunk {
    /// Returns the file offset of the chunk's first page: the dictionary page, if there is one.
    ///
    /// Some writers set `dictionary_page_offset` to 0 when there is no dictionary, so only an
    /// offset before the first data page counts.
    pub fn start(&self) -> u64 {
        match self.dictionary_page_offset {
            Some(offset) if offset > 0 && offset < self.data_page_offset => offset,
            _ => self.data_page_offset,
        }
    }

    /// Returns the byte range of the chunk in the file, or `None` when it overflows.
    pub fn range(&self) -> Option<Range<u64>> {
        let start = self.start();
        Some(start..start.checked_add(self.total_compressed_size)?)
    }
}

/// One `SchemaElement` of the flattened schema tree.
pub(super) struct SchemaElement {
    pub name: String,
    /// Set for groups and absent for leaf columns.
    pub num_children: Option<i32>,
    /// Physical type, which every leaf column has.
    pub physical_type: Option<i32>,
    pub type_length: Option<i32>,
    pub repetition: Option<i32>,
    pub converted_type: Option<i32>,
    /// Field id of the member that is set in the `LogicalType` union.
    pub logical_type: Option<i16>,
}

impl SchemaElement {
    fn value_type(&self) -> ValueType {
        let text = matches!(self.converted_type, Some(CONVERTED_UTF8 | CONVERTED_ENUM | CONVERTED_JSON))
            || matches!(self.logical_type, Some(LOGICAL_STRING | LOGICAL_ENUM | LOGICAL_JSON));
        let annotated = self.converted_type.is_some() || self.logical_type.is_some();
        match self.physical_type {
            Some(BYTE_ARRAY | FIXED_LEN_BYTE_ARRAY) if text => ValueType::Text,
            Some(BYTE_ARRAY) if !annotated => ValueType::Binary,
            _ => ValueType::Other,
        }
    }
}

// Column names can hold PHI, so the `Debug` output of the metadata types shows only their sizes.

impl fmt::Debug for FileMetadata {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("FileMetadata")
            .field("columns", &self.columns.len())
            .field("num_rows", &self.num_rows)
            .field("row_groups", &self.row_groups.len())
            .field("encrypted", &self.encrypted)
            .finish()
    }
}

impl fmt::Debug for Leaf {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Leaf")
            .field("path_len", &self.path.len())
            .field("physical_type", &self.physical_type)
            .field("value_type", &self.value_type)
            .field("max_definition_level", &self.max_definition_level)
            .field("max_repetition_level", &self.max_repetition_level)
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

impl Decoder<'_> {
    /// Decodes `FileMetaData`: field 1 `version`, 2 `schema`, 3 `num_rows` and 4 `row_groups`
    /// are required, field 8 `encryption_algorithm` is noted, and other fields are skipped.
    pub(super) fn file_metadata(&mut self) -> Decoded<FileMetadata> {
        let mut version = None;
        let mut schema = None;
        let mut num_rows = None;
        let mut row_groups = None;
        let mut encrypted = false;
        let mut schema_span = 0..0;
        let mut last_id = 0;
        while let Some((id, kind)) = self.field_header(&mut last_id)? {
            match id {
                1 => version = Some(self.expect(kind, I32, "version").and_then(|()| self.i32())?),
                2 => {
                    self.expect(kind, LIST, "schema")?;
                    let start = self.position;
                    schema = Some(self.schema()?);
                    schema_span = start..self.position;
                }
                3 => num_rows = Some(self.expect(kind, I64, "num_rows").and_then(|()| self.zigzag())?),
                4 => row_groups = Some(self.expect(kind, LIST, "row_groups").and_then(|()| self.row_groups())?),
                8 => {
                    encrypted = true;
                    self.skip_field(kind, 1)?;
                }
                _ => self.skip_field(kind, 1)?,
            }
        }

        let missing = |field| self.error(MetadataErrorKind::MissingField(field));
        version.ok_or_else(|| missing("version"))?;
        let (columns, leaves) = schema.ok_or_else(|| missing("schema"))?;
        let num_rows = num_rows.ok_or_else(|| missing("num_rows"))?;
        let row_groups = row_groups.ok_or_else(|| missing("row_groups"))?;

        let num_rows = u64::try_from(num_rows).map_err(|_| self.error(MetadataErrorKind::NegativeRowCount))?;
        if num_rows > 0 && row_groups.is_empty() {
            return Err(self.error(MetadataErrorKind::RowsWithoutRowGroups));
        }
        if row_groups.iter().any(|group| group.chunks.len() != leaves.len()) {
            return Err(self.error(MetadataErrorKind::ChunkCountMismatch));
        }
        let total_rows = row_groups.iter().try_fold(0u64, |total, group| total.checked_add(group.num_rows));
        if total_rows != Some(num_rows) {
            return Err(self.error(MetadataErrorKind::RowCountMismatch));
        }
        Ok(FileMetadata { columns, leaves, num_rows, row_groups, encrypted, schema_span })
    }

    /// Decodes the list of `RowGroup`s.
    fn row_groups(&mut self) -> Decoded<Vec<RowGroup>> {
        let (count, element) = self.list_header()?;
        if element != STRUCT {
            return Err(self.error(MetadataErrorKind::WrongFieldType("row_groups")));
        }
        let mut groups = Vec::new();
        let mut chunks = 0usize;
        for _ in 0..count {
            let group = self.row_group()?;
            chunks += group.chunks.len();
            if chunks > MAX_COLUMN_CHUNKS {
                return Err(self.error(MetadataErrorKind::TooManyChunks));
            }
            groups.push(group);
        }
        Ok(groups)
    }

    /// Decodes a `RowGroup`: field 1 `columns` and 3 `num_rows` are required.
    fn row_group(&mut self) -> Decoded<RowGroup> {
        let mut chunks = None;
        let mut num_rows = None;
        let mut last_id = 0;
        while let Some((id, kind)) = self.field_header(&mut last_id)? {
            match id {
                1 => {
                    self.expect(kind, LIST, "RowGroup.columns")?;
                    let (count, element) = self.list_header()?;
                    if element != STRUCT {
                        return Err(self.error(MetadataErrorKind::WrongFieldType("RowGroup.columns")));
                    }
                    if count > MAX_COLUMN_CHUNKS {
                        return Err(self.error(MetadataErrorKind::TooManyChunks));
                    }
                    let mut list = Vec::new();
                    for _ in 0..count {
                        list.push(self.column_chunk()?);
                    }
                    chunks = Some(list);
                }
                3 => num_rows = Some(self.expect(kind, I64, "RowGroup.num_rows").and_then(|()| self.zigzag())?),
                _ => self.skip_field(kind, 3)?,
            }
        }
        let chunks = chunks.ok_or_else(|| self.error(MetadataErrorKind::MissingField("RowGroup.columns")))?;
        let num_rows = num_rows.ok_or_else(|| self.error(MetadataErrorKind::MissingField("RowGroup.num_rows")))?;
        let num_rows = u64::try_from(num_rows).map_err(|_| self.error(MetadataErrorKind::NegativeRowCount))?;
        Ok(RowGroup { num_rows, chunks })
    }

    /// Decodes a `ColumnChunk`: field 1 `file_path` and 3 `meta_data`, which is required
    /// because encrypted columns, which lack it, are not supported.
    fn column_chunk(&mut self) -> Decoded<ColumnChunk> {
        let mut external = false;
        let mut chunk = None;
        let mut last_id = 0;
        while let Some((id, kind)) = self.field_header(&mut last_id)? {
            match id {
                1 => {
                    external = true;
                    self.skip_field(kind, 4)?;
                }
                3 => chunk = Some(self.expect(kind, STRUCT, "ColumnChunk.meta_data").and_then(|()| self.column_metadata())?),
                _ => self.skip_field(kind, 4)?,
            }
        }
        let mut chunk = chunk.ok_or_else(|| self.error(MetadataErrorKind::MissingField("ColumnChunk.meta_data")))?;
        chunk.external = external;
        Ok(chunk)
    }

    /// Decodes a `ColumnMetaData`. Statistics, which can hold values, are skipped.
    fn column_metadata(&mut self) -> Decoded<ColumnChunk> {
        let mut chunk = ColumnChunk::default();
        let mut seen = [false; 7];
        let mut last_id = 0;
        while let Some((id, kind)) = self.field_header(&mut last_id)? {
            match id {
                1 => chunk.physical_type = self.expect(kind, I32, "ColumnMetaData.type").and_then(|()| self.i32())?,
                2 => chunk.encodings = self.expect(kind, LIST, "ColumnMetaData.encodings").and_then(|()| self.encodings())?,
                4 => chunk.codec = self.expect(kind, I32, "ColumnMetaData.codec").and_then(|()| self.i32())?,
                5 => chunk.num_values = self.unsigned(kind, "ColumnMetaData.num_values")?,
                6 => chunk.total_uncompressed_size = self.unsigned(kind, "ColumnMetaData.total_uncompressed_size")?,
                7 => chunk.total_compressed_size = self.unsigned(kind, "ColumnMetaData.total_compressed_size")?,
                9 => chunk.data_page_offset = self.unsigned(kind, "ColumnMetaData.data_page_offset")?,
                11 => chunk.dictionary_page_offset = Some(self.unsigned(kind, "ColumnMetaData.dictionary_page_offset")?),
                _ => self.skip_field(kind, 5)?,
            }
            let required = [1, 2, 4, 5, 6, 7, 9];
            if let Some(index) = required.iter().position(|&field| field == id) {
                seen[index] = true;
            }
        }
        if seen.contains(&false) {
            return Err(self.error(MetadataErrorKind::MissingField("ColumnMetaData")));
        }
        Ok(chunk)
    }

    /// Reads an i64 field that must not be negative.
    fn unsigned(&mut self, kind: u8, field: &'static str) -> Decoded<u64> {
        self.expect(kind, I64, field)?;
        let value = self.zigzag()?;
        u64::try_from(value).map_err(|_| self.error(MetadataErrorKind::NegativeValue(field)))
    }

    fn encodings(&mut self) -> Decoded<Vec<i32>> {
        let (count, element) = self.list_header()?;
        if element != I32 {
            return Err(self.error(MetadataErrorKind::WrongFieldType("ColumnMetaData.encodings")));
        }
        // There are 10 encodings, and writers list each once.
        if count > 64 {
            return Err(self.error(MetadataErrorKind::WrongFieldType("ColumnMetaData.encodings")));
        }
        (0..count).map(|_| self.i32()).collect()
    }

    /// Decodes the schema list and returns the leaf column paths and leaves. Group elements are
    /// not kept, so memory follows the columns rather than the element count.
    fn schema(&mut self) -> Decoded<(Vec<String>, Vec<Leaf>)> {
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

    /// Decodes a `SchemaElement`: field 1 `type`, 2 `type_length`, 3 `repetition_type`,
    /// 4 `name` (required), 5 `num_children`, 6 `converted_type` and 10 `logicalType`.
    fn schema_element(&mut self) -> Decoded<SchemaElement> {
        let mut element = SchemaElement {
            name: String::new(),
            num_children: None,
            physical_type: None,
            type_length: None,
            repetition: None,
            converted_type: None,
            logical_type: None,
        };
        let mut name = None;
        let mut last_id = 0;
        while let Some((id, kind)) = self.field_header(&mut last_id)? {
            match id {
                1 => element.physical_type = Some(self.expect(kind, I32, "SchemaElement.type").and_then(|()| self.i32())?),
                2 => {
                    element.type_length =
                        Some(self.expect(kind, I32, "SchemaElement.type_length").and_then(|()| self.i32())?)
                }
                3 => {
                    element.repetition =
                        Some(self.expect(kind, I32, "SchemaElement.repetition_type").and_then(|()| self.i32())?)
                }
                4 => name = Some(self.expect(kind, BINARY, "SchemaElement.name").and_then(|()| self.string())?),
                5 => {
                    element.num_children =
                        Some(self.expect(kind, I32, "SchemaElement.num_children").and_then(|()| self.i32())?)
                }
                6 => {
                    element.converted_type =
                        Some(self.expect(kind, I32, "SchemaElement.converted_type").and_then(|()| self.i32())?)
                }
                10 => {
                    self.expect(kind, STRUCT, "SchemaElement.logicalType")?;
                    element.logical_type = self.union_member(3)?;
                }
                _ => self.skip_field(kind, 3)?,
            }
        }
        element.name = name.ok_or_else(|| self.error(MetadataErrorKind::MissingField("SchemaElement.name")))?;
        Ok(element)
    }

    /// Reads a Thrift union and returns the id of its first set field.
    fn union_member(&mut self, depth: usize) -> Decoded<Option<i16>> {
        let mut member = None;
        let mut last_id = 0;
        while let Some((id, kind)) = self.field_header(&mut last_id)? {
            member.get_or_insert(id);
            self.skip_field(kind, depth + 1)?;
        }
        Ok(member)
    }
}

/// Leaf column paths and levels, rebuilt element by element from the depth-first flattening of
/// the schema tree. The first element is the root, whose name is not part of the paths.
#[derive(Default)]
struct ColumnPaths {
    /// Each open group: children still to come, the length of `prefix` before its name, and the
    /// definition and repetition levels below it.
    open: Vec<OpenGroup>,
    /// Names of the open groups below the root, each followed by `.`.
    prefix: String,
    /// Names of the open groups below the root.
    names: Vec<String>,
    columns: Vec<String>,
    leaves: Vec<Leaf>,
    total_bytes: usize,
    root_seen: bool,
}

struct OpenGroup {
    remaining: i32,
    prefix_length: usize,
    definition: u8,
    repetition: u8,
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
                    self.open.push(OpenGroup { remaining: children, prefix_length: 0, definition: 0, repetition: 0 });
                    Ok(())
                }
                _ => Err(MetadataErrorKind::SchemaMismatch),
            };
        }

        self.close_finished_groups();
        let parent = self.open.last_mut().ok_or(MetadataErrorKind::SchemaMismatch)?;
        parent.remaining -= 1;
        // The depth bound keeps both levels below 2 * MAX_SCHEMA_DEPTH, so they fit in a u8.
        let definition = parent.definition + u8::from(matches!(element.repetition, Some(OPTIONAL | REPEATED)));
        let repetition = parent.repetition + u8::from(element.repetition == Some(REPEATED));
        match element.num_children {
            Some(children) if children < 0 => Err(MetadataErrorKind::SchemaMismatch),
            Some(children) => {
                if self.open.len() >= MAX_SCHEMA_DEPTH {
                    return Err(MetadataErrorKind::SchemaTooDeep);
                }
                self.open.push(OpenGroup { remaining: children, prefix_length: self.prefix.len(), definition, repetition });
                self.prefix.push_str(&element.name);
                self.prefix.push('.');
                self.names.push(element.name);
                Ok(())
            }
            None => self.push_column(element, definition, repetition),
        }
    }

    fn push_column(&mut self, leaf: SchemaElement, definition: u8, repetition: u8) -> Result<(), MetadataErrorKind> {
        let Some(physical_type) = leaf.physical_type else {
            return Err(MetadataErrorKind::LeafWithoutType);
        };
        if self.columns.len() == MAX_COLUMNS {
            return Err(MetadataErrorKind::TooManyColumns);
        }
        self.total_bytes += self.prefix.len() + leaf.name.len();
        if self.total_bytes > MAX_COLUMN_PATH_BYTES {
            return Err(MetadataErrorKind::ColumnsTooLarge);
        }
        self.columns.push(format!("{}{}", self.prefix, leaf.name));
        let value_type = leaf.value_type();
        let mut path = self.names.clone();
        path.push(leaf.name);
        self.leaves.push(Leaf {
            path,
            physical_type,
            type_length: leaf.type_length,
            value_type,
            max_definition_level: definition,
            max_repetition_level: repetition,
        });
        Ok(())
    }

    fn close_finished_groups(&mut self) {
        while let Some(group) = self.open.last() {
            if group.remaining != 0 {
                break;
            }
            self.prefix.truncate(group.prefix_length);
            self.open.pop();
            // The root has no name on the stack.
            if !self.open.is_empty() {
                self.names.pop();
            }
        }
    }

    /// Returns the paths and leaves after checking that every group received all its children.
    fn finish(mut self) -> Result<(Vec<String>, Vec<Leaf>), MetadataErrorKind> {
        if !self.root_seen {
            return Err(MetadataErrorKind::EmptySchema);
        }
        self.close_finished_groups();
        if self.open.is_empty() {
            Ok((self.columns, self.leaves))
        } else {
            Err(MetadataErrorKind::SchemaMismatch)
        }
    }
}
