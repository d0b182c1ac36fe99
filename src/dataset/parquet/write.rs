//! Rewriting the string values of a flat Parquet file, for redaction.
//!
//! The output has the input's schema (its `SchemaElement`s are copied byte for byte), row
//! groups and row count. Every text column is written again with PLAIN-encoded data pages v1,
//! uncompressed or Snappy-compressed. Other columns (numbers, dates, booleans) are copied page
//! for page. Statistics, page indexes, bloom filters and key-value metadata are not copied,
//! since statistics and indexes hold minimum and maximum values, which can be the very values
//! that were redacted.

use std::borrow::Cow;
use std::io::{Read, Seek, Write};
use std::ops::Range;

use super::codec;
use super::file::ParquetFile;
use super::metadata::{ColumnChunk, FileMetadata, Leaf, ValueType, FIXED_LEN_BYTE_ARRAY};
use super::page::{bit_width, decode_chunk, PageError, DATA_PAGE, PLAIN, RLE};
use super::thrift::{Encoder, BINARY, I32, LIST, STRUCT};
use super::{invalid, open_seekable, read_at, unsupported, MAGIC};
use crate::dataset::column_label;
use crate::limits::MAX_PARQUET_STREAM_BYTES;
use crate::report::{Finding, Location};

/// Value bytes after which the writer starts a new data page. Readers, this one included,
/// bound the page size, and 1 MiB is the size that common writers default to.
const PAGE_TARGET_BYTES: usize = 1024 * 1024;

/// Rows after which the writer starts a new data page, the cap of recent Arrow writers.
const PAGE_TARGET_ROWS: usize = 20_000;

/// The codec of the rewritten text columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compression {
    /// No compression.
    None,
    /// Snappy, the default of most Parquet writers.
    #[default]
    Snappy,
}

/// Options for [`rewrite`].
#[derive(Clone, Debug, Default)]
pub struct RewriteOptions {
    /// The codec of the rewritten text columns.
    pub compression: Compression,
}

/// The position of a value passed to the `edit` callback of [`rewrite`].
#[derive(Clone, Copy, Debug)]
pub struct Cell<'a> {
    /// 0-based leaf column index.
    pub column: usize,
    /// The column path, with the names of enclosing groups joined by `.`.
    pub name: &'a str,
    /// 1-based row.
    pub record: u64,
}

/// Rewrites the string values of the Parquet file `input` and returns the new file.
///
/// `edit` is called once for every non-null string value that the reader would emit, in
/// column order and then row order, and returns the replacement, or `None` to keep the value.
/// Nulls stay nulls.
///
/// ```
/// use techdeck_guard::dataset::parquet::{rewrite, RewriteOptions};
///
/// let input = std::fs::read("tests/fixtures/parquet/sessions.parquet").unwrap();
/// let output = rewrite(&input, &RewriteOptions::default(), &mut |cell, _text| {
///     (cell.name == "contact.email").then(|| "[EMAIL]".to_owned())
/// })
/// .unwrap();
/// assert_eq!(&output[..4], b"PAR1");
/// ```
///
/// # Errors
///
/// The finding that stopped the rewrite. Either the input is not valid Parquet, or it has a
/// text column that cannot be rewritten (a repeated column, another codec or encoding, a chunk
/// in another file), where a value could pass unredacted. A FIXED_LEN_BYTE_ARRAY value whose
/// replacement has another length, or output larger than
/// [`MAX_PARQUET_STREAM_BYTES`](crate::limits::MAX_PARQUET_STREAM_BYTES), stops it too.
#[allow(clippy::result_large_err, reason = "runs once per file, so the error's size costs nothing")]
pub fn rewrite(
    input: &[u8],
    options: &RewriteOptions,
    edit: &mut dyn FnMut(&Cell<'_>, &str) -> Option<String>,
) -> Result<Vec<u8>, Finding> {
    rewrite_with(input, options, &mut EditFn(edit))
}

/// Receives the values of a [`rewrite_with`] and returns their replacements.
pub trait Editor {
    /// Called before the values of each row group are edited. `group` can decode a column of
    /// the row group first, such as the column that names each row's subject.
    fn row_group(&mut self, _group: &RowGroup<'_>) {}

    /// Returns the replacement of one value, or `None` to keep it. See [`rewrite`].
    fn edit(&mut self, cell: &Cell<'_>, text: &str) -> Option<String>;
}

struct EditFn<'a>(&'a mut dyn FnMut(&Cell<'_>, &str) -> Option<String>);

impl Editor for EditFn<'_> {
    fn edit(&mut self, cell: &Cell<'_>, text: &str) -> Option<String> {
        (self.0)(cell, text)
    }
}

/// A row group that is about to be rewritten, passed to [`Editor::row_group`].
pub struct RowGroup<'a> {
    /// The bytes of the row group's range, which starts at file offset `base`.
    bytes: &'a [u8],
    base: u64,
    metadata: &'a FileMetadata,
    footer_offset: u64,
    index: usize,
    first_record: u64,
}

impl RowGroup<'_> {
    /// Returns the 0-based index of the row group.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Returns the 1-based record of the row group's first row.
    pub fn first_record(&self) -> u64 {
        self.first_record
    }

    /// Returns the number of rows in the row group.
    pub fn num_rows(&self) -> u64 {
        self.metadata.row_groups[self.index].num_rows
    }

    /// Returns the index of the leaf column whose path (group names joined by `.`) is `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.metadata.columns.iter().position(|column| column == name)
    }

    /// Decodes text column `column` of this row group and calls `visit` with the 0-based row
    /// and the text of each non-null value. Invalid UTF-8 is decoded with U+FFFD, as the
    /// rewrite passes it to [`Editor::edit`], except in BYTE_ARRAY columns without a logical
    /// type, whose invalid values are skipped.
    ///
    /// # Errors
    ///
    /// The finding that stopped the decoding, as [`rewrite`] would report it. Nothing is
    /// decoded for a column that is not text or is repeated.
    #[allow(clippy::result_large_err, reason = "runs once per row group, so the error's size costs nothing")]
    pub fn column_text(&self, column: usize, visit: &mut dyn FnMut(u64, &str)) -> Result<(), Finding> {
        let Some(leaf) = self.metadata.leaves.get(column) else { return Ok(()) };
        if leaf.value_type == ValueType::Other || leaf.max_repetition_level > 0 {
            return Ok(());
        }
        let group = &self.metadata.row_groups[self.index];
        let chunk = &group.chunks[column];
        let bytes = chunk_bytes(self.bytes, self.base, self.metadata, column, chunk, self.footer_offset)?;
        let binary = leaf.value_type == ValueType::Binary;
        let result = decode_chunk(leaf, chunk, bytes, chunk.start(), group.num_rows, &mut |slot| {
            let Some(value) = slot.value else { return };
            match std::str::from_utf8(value) {
                Ok(text) => visit(slot.row, text),
                Err(_) if binary => {}
                Err(_) => visit(slot.row, &String::from_utf8_lossy(value)),
            }
        });
        result.map_err(|error| page_finding(self.metadata, column, error))
    }
}

/// Rewrites the string values of the Parquet file `input` with `editor` and returns the new
/// file. It is [`rewrite`] with a call to [`Editor::row_group`] before each row group.
///
/// # Errors
///
/// As [`rewrite`].
#[allow(clippy::result_large_err, reason = "runs once per file, so the error's size costs nothing")]
pub fn rewrite_with(input: &[u8], options: &RewriteOptions, editor: &mut dyn Editor) -> Result<Vec<u8>, Finding> {
    let file = ParquetFile::open(input.get(..4).unwrap_or(input), input, input.len() as u64)?;
    let footer = input.get(file.footer_offset() as usize..).unwrap_or_default();
    let mut output = Vec::new();
    let mut read_group = |range: Range<u64>| Ok(Cow::Borrowed(input.get(range.start as usize..range.end as usize).unwrap_or_default()));
    let target = Target { writer: &mut output, written: 0, limit: Some(MAX_PARQUET_STREAM_BYTES as u64) };
    match write_file(&file, footer, options, editor, &mut read_group, target) {
        Ok(_) => Ok(output),
        Err(RewriteError::Parquet(finding)) => Err(*finding),
        // Writing to a Vec does not fail, so this arm only keeps the types whole.
        Err(RewriteError::Io(error)) => Err(unsupported("output", Location::file(), &error.to_string())),
    }
}

/// The error that stopped a [`rewrite_seekable`].
#[derive(Debug)]
pub enum RewriteError {
    /// Reading the input or writing the output failed.
    Io(std::io::Error),
    /// The input is not valid Parquet or cannot be rewritten, as [`rewrite`] describes.
    Parquet(Box<Finding>),
}

impl From<std::io::Error> for RewriteError {
    fn from(error: std::io::Error) -> Self {
        RewriteError::Io(error)
    }
}

impl From<Finding> for RewriteError {
    fn from(finding: Finding) -> Self {
        RewriteError::Parquet(Box::new(finding))
    }
}

/// Rewrites the string values of a seekable Parquet file into `output` and returns the number
/// of bytes written. It reads the footer first and then one row group at a time, so memory is
/// bounded by the footer and one row group with its rewritten copy, whatever the file size.
/// The output is written row group by row group and is a valid file only when this returns
/// `Ok`.
///
/// # Errors
///
/// [`RewriteError::Io`] when reading or writing fails. [`RewriteError::Parquet`] as [`rewrite`]
/// describes, except that the output has no size limit. A row group whose byte range is larger
/// than [`MAX_PARQUET_STREAM_BYTES`](crate::limits::MAX_PARQUET_STREAM_BYTES) stops it instead.
pub fn rewrite_seekable<R: Read + Seek>(
    input: &mut R,
    output: &mut dyn Write,
    options: &RewriteOptions,
    editor: &mut dyn Editor,
) -> Result<u64, RewriteError> {
    let (file, tail) = open_seekable(input)??;
    let mut read_group = |range: Range<u64>| -> Result<Cow<'_, [u8]>, RewriteError> {
        if range.end - range.start > MAX_PARQUET_STREAM_BYTES as u64 {
            let message = format!("row group is larger than the {MAX_PARQUET_STREAM_BYTES}-byte limit of the writer");
            let location = Location { offset: Some(range.start), ..Location::file() };
            return Err(unsupported("row_group_limit", location, &message).into());
        }
        Ok(Cow::Owned(read_at(input, range.start, range.end - range.start)?))
    };
    let target = Target { writer: output, written: 0, limit: None };
    write_file(&file, &tail, options, editor, &mut read_group, target)
}

/// The output of [`write_file`] and the bytes written to it so far.
struct Target<'a> {
    writer: &'a mut dyn Write,
    written: u64,
    /// Largest output allowed, for output held in memory.
    limit: Option<u64>,
}

impl Target<'_> {
    fn write(&mut self, bytes: &[u8]) -> Result<(), RewriteError> {
        self.writer.write_all(bytes)?;
        self.written += bytes.len() as u64;
        if self.limit.is_some_and(|limit| self.written > limit) {
            let message = format!("rewritten file is larger than the {MAX_PARQUET_STREAM_BYTES}-byte limit");
            return Err(unsupported("output_limit", Location::file(), &message).into());
        }
        Ok(())
    }
}

/// Writes the rewritten file, reading each row group's byte range through `read_group`.
/// `footer` starts at the file's footer. Returns the number of bytes written.
fn write_file<'a>(
    file: &ParquetFile,
    footer: &[u8],
    options: &RewriteOptions,
    editor: &mut dyn Editor,
    read_group: &mut dyn FnMut(Range<u64>) -> Result<Cow<'a, [u8]>, RewriteError>,
    mut target: Target<'_>,
) -> Result<u64, RewriteError> {
    let metadata = file.metadata();
    check_columns(metadata)?;
    let codec = match options.compression {
        Compression::None => codec::UNCOMPRESSED,
        Compression::Snappy => codec::SNAPPY,
    };

    target.write(MAGIC)?;
    let mut groups = Vec::with_capacity(metadata.row_groups.len());
    let mut first_record = 1;
    for (index, group) in metadata.row_groups.iter().enumerate() {
        let range = file.row_group_range(index).unwrap_or(4..4);
        let base = range.start;
        let bytes = read_group(range)?;
        let view = RowGroup { bytes: &bytes, base, metadata, footer_offset: file.footer_offset(), index, first_record };
        editor.row_group(&view);

        // The row group is written at once, after its last chunk, so each chunk's offset is the
        // bytes written so far plus its place in `buffer`.
        let mut buffer = Vec::new();
        let mut chunks = Vec::with_capacity(group.chunks.len());
        for (column, chunk) in group.chunks.iter().enumerate() {
            let leaf = &metadata.leaves[column];
            let chunk_data = chunk_bytes(&bytes, base, metadata, column, chunk, file.footer_offset())?;
            let written = if leaf.value_type == ValueType::Other {
                copy_chunk(&mut buffer, target.written, chunk, chunk_data)
            } else if chunk.physical_type != leaf.physical_type {
                let message = "column chunk's physical type differs from the schema's; the file may be corrupt";
                return Err(page_finding(metadata, column, PageError::invalid("column_chunk", chunk.start(), message)).into());
            } else {
                let name = &metadata.columns[column];
                let mut writer = ChunkWriter::new(leaf, codec, column, name);
                let mut edit_slot = |record: u64, text: &str| editor.edit(&Cell { column, name, record: first_record + record }, text);
                let result = decode_chunk(leaf, chunk, chunk_data, chunk.start(), group.num_rows, &mut |slot| {
                    writer.push(slot.definition, slot.value, slot.row, &mut edit_slot);
                });
                result.map_err(|error| page_finding(metadata, column, error))?;
                writer.finish(&mut buffer, target.written)?
            };
            chunks.push(written);
        }
        target.write(&buffer)?;
        groups.push((group.num_rows, chunks));
        first_record += group.num_rows;
    }

    let footer = file_metadata(footer, file, &groups);
    target.write(&footer)?;
    target.write(&(footer.len() as u32).to_le_bytes())?;
    target.write(MAGIC)?;
    Ok(target.written)
}

/// Rejects files with a text column that the writer cannot rewrite.
#[allow(clippy::result_large_err, reason = "runs once per file, so the error's size costs nothing")]
fn check_columns(metadata: &FileMetadata) -> Result<(), Finding> {
    for (column, leaf) in metadata.leaves.iter().enumerate() {
        if leaf.value_type == ValueType::Other {
            continue;
        }
        let location = || Location { column: Some(column_label(column, Some(&metadata.columns[column]))), ..Location::file() };
        if leaf.max_repetition_level > 0 {
            let message = "column is repeated (a list or map), and the writer rewrites only columns that are not";
            return Err(unsupported("nested", location(), message));
        }
        for group in &metadata.row_groups {
            let chunk = &group.chunks[column];
            if !codec::is_supported(chunk.codec) {
                let message = format!("column uses codec {}, which the writer cannot read", codec::name(chunk.codec));
                return Err(unsupported("codec", location(), &message));
            }
        }
    }
    Ok(())
}

/// Returns the bytes of a column chunk after checking its range.
#[allow(clippy::result_large_err, reason = "runs once per chunk, so the error's size costs nothing")]
fn chunk_bytes<'a>(
    group_bytes: &'a [u8],
    base: u64,
    metadata: &FileMetadata,
    column: usize,
    chunk: &ColumnChunk,
    footer_offset: u64,
) -> Result<&'a [u8], Finding> {
    let location = || Location { column: Some(column_label(column, Some(&metadata.columns[column]))), ..Location::file() };
    if chunk.external {
        let message = "column chunk is stored in another file, which the writer does not read";
        return Err(unsupported("external_chunk", location(), message));
    }
    let range = chunk.range().filter(|range| range.start >= 4 && range.end <= footer_offset);
    let relative = range.and_then(|range| Some(range.start.checked_sub(base)? as usize..range.end.checked_sub(base)? as usize));
    let bytes = relative.and_then(|range| group_bytes.get(range));
    bytes.ok_or_else(|| {
        let mut finding = invalid("column_chunk", chunk.start(), "column chunk's byte range is outside the file's data; the file may be corrupt");
        finding.location.column = location().column;
        finding
    })
}

fn page_finding(metadata: &FileMetadata, column: usize, error: PageError) -> Finding {
    let location = Location {
        column: Some(column_label(column, Some(&metadata.columns[column]))),
        offset: Some(error.offset),
        ..Location::default()
    };
    if error.unsupported {
        unsupported(error.rule, location, &error.message)
    } else {
        let mut finding = invalid(error.rule, error.offset, error.message);
        finding.location = location;
        finding
    }
}

/// Copies a column chunk unchanged to `buffer`, which starts at file offset `buffer_offset`, and
/// returns its metadata with the new offsets.
fn copy_chunk(buffer: &mut Vec<u8>, buffer_offset: u64, chunk: &ColumnChunk, bytes: &[u8]) -> ColumnChunk {
    let start = buffer_offset + buffer.len() as u64;
    buffer.extend_from_slice(bytes);
    let old_start = chunk.start();
    let mut copied = chunk.clone();
    copied.data_page_offset = start + (chunk.data_page_offset - old_start);
    copied.dictionary_page_offset = (old_start < chunk.data_page_offset).then_some(start);
    copied
}

/// Writes the rewritten values of one column chunk as PLAIN data pages.
struct ChunkWriter<'a> {
    leaf: &'a Leaf,
    codec: i32,
    column: usize,
    name: &'a str,
    /// Definition levels and values of the page being filled.
    levels: Vec<u8>,
    values: Vec<u8>,
    /// Finished pages, each with its header.
    pages: Vec<u8>,
    num_values: u64,
    uncompressed_size: u64,
    /// The first value whose replacement does not fit a FIXED_LEN_BYTE_ARRAY column.
    wrong_length: Option<u64>,
}

impl<'a> ChunkWriter<'a> {
    fn new(leaf: &'a Leaf, codec: i32, column: usize, name: &'a str) -> Self {
        ChunkWriter {
            leaf,
            codec,
            column,
            name,
            levels: Vec::new(),
            values: Vec::new(),
            pages: Vec::new(),
            num_values: 0,
            uncompressed_size: 0,
            wrong_length: None,
        }
    }

    fn push(&mut self, definition: u8, value: Option<&[u8]>, row: u64, edit: &mut dyn FnMut(u64, &str) -> Option<String>) {
        self.levels.push(definition);
        if let Some(value) = value {
            let replacement = match std::str::from_utf8(value) {
                Ok(text) => edit(row, text),
                Err(_) if self.leaf.value_type == ValueType::Binary => None,
                Err(_) => edit(row, &String::from_utf8_lossy(value)),
            };
            let value = replacement.as_ref().map_or(value, |text| text.as_bytes());
            if self.leaf.physical_type == FIXED_LEN_BYTE_ARRAY {
                if Some(value.len()) != self.leaf.type_length.and_then(|length| usize::try_from(length).ok()) {
                    self.wrong_length.get_or_insert(row);
                }
            } else {
                self.values.extend_from_slice(&(value.len() as u32).to_le_bytes());
            }
            self.values.extend_from_slice(value);
        }
        if self.values.len() >= PAGE_TARGET_BYTES || self.levels.len() >= PAGE_TARGET_ROWS {
            self.flush();
        }
    }

    /// Encodes the buffered slots as one data page.
    fn flush(&mut self) {
        if self.levels.is_empty() {
            return;
        }
        let mut page = Vec::new();
        if self.leaf.max_definition_level > 0 {
            let levels = encode_levels(&self.levels, bit_width(u32::from(self.leaf.max_definition_level)));
            page.extend_from_slice(&(levels.len() as u32).to_le_bytes());
            page.extend_from_slice(&levels);
        }
        page.extend_from_slice(&self.values);
        let compressed = match self.codec {
            codec::SNAPPY => snap::raw::Encoder::new().compress_vec(&page).unwrap_or_default(),
            _ => page.clone(),
        };
        let header = page_header(page.len(), compressed.len(), self.levels.len());
        self.uncompressed_size += (header.len() + page.len()) as u64;
        self.pages.extend_from_slice(&header);
        self.pages.extend_from_slice(&compressed);
        self.num_values += self.levels.len() as u64;
        self.levels.clear();
        self.values.clear();
    }

    #[allow(clippy::result_large_err, reason = "runs once per chunk, so the error's size costs nothing")]
    /// Writes the pages to `buffer`, which starts at file offset `buffer_offset`.
    fn finish(mut self, buffer: &mut Vec<u8>, buffer_offset: u64) -> Result<ColumnChunk, Finding> {
        if let Some(row) = self.wrong_length {
            let location = Location { record: None, column: Some(column_label(self.column, Some(self.name))), ..Location::file() };
            let message = format!(
                "a replacement in row group row {} has another length than the FIXED_LEN_BYTE_ARRAY column allows",
                row + 1
            );
            return Err(unsupported("fixed_length", location, &message));
        }
        self.flush();
        let start = buffer_offset + buffer.len() as u64;
        buffer.extend_from_slice(&self.pages);
        Ok(ColumnChunk {
            external: false,
            physical_type: self.leaf.physical_type,
            encodings: vec![PLAIN, RLE],
            codec: self.codec,
            num_values: self.num_values,
            total_uncompressed_size: self.uncompressed_size,
            total_compressed_size: self.pages.len() as u64,
            data_page_offset: start,
            dictionary_page_offset: None,
        })
    }
}

/// Encodes levels with the RLE / bit-packing hybrid, as RLE runs only.
fn encode_levels(levels: &[u8], bit_width: u32) -> Vec<u8> {
    let mut encoder = Encoder::new();
    let mut index = 0;
    while index < levels.len() {
        let value = levels[index];
        let run = levels[index..].iter().take_while(|&&level| level == value).count();
        encoder.varint((run as u64) << 1);
        encoder.bytes.extend_from_slice(&u32::from(value).to_le_bytes()[..bit_width.div_ceil(8) as usize]);
        index += run;
    }
    encoder.bytes
}

/// Encodes the `PageHeader` of a PLAIN data page v1 with RLE levels.
fn page_header(uncompressed_size: usize, compressed_size: usize, num_values: usize) -> Vec<u8> {
    let mut encoder = Encoder::new();
    encoder.i32_field(1, DATA_PAGE);
    encoder.i32_field(2, uncompressed_size as i32);
    encoder.i32_field(3, compressed_size as i32);
    encoder.field(5, STRUCT);
    encoder.begin_struct();
    encoder.i32_field(1, num_values as i32);
    encoder.i32_field(2, PLAIN);
    encoder.i32_field(3, RLE);
    encoder.i32_field(4, RLE);
    encoder.end_struct();
    encoder.end_struct();
    encoder.bytes
}

/// Encodes the output's `FileMetaData`, with the input's schema elements copied unchanged.
fn file_metadata(footer: &[u8], file: &ParquetFile, groups: &[(u64, Vec<ColumnChunk>)]) -> Vec<u8> {
    let metadata = file.metadata();
    let mut encoder = Encoder::new();
    encoder.i32_field(1, 1);
    encoder.field(2, LIST);
    encoder.bytes.extend_from_slice(&footer[metadata.schema_span.clone()]);
    encoder.i64_field(3, metadata.num_rows as i64);
    encoder.field(4, LIST);
    encoder.list_header(groups.len(), STRUCT);
    for (num_rows, chunks) in groups {
        encoder.begin_struct();
        encoder.field(1, LIST);
        encoder.list_header(chunks.len(), STRUCT);
        for (chunk, leaf) in chunks.iter().zip(&metadata.leaves) {
            encode_chunk(&mut encoder, chunk, leaf);
        }
        let total_size: u64 = chunks.iter().map(|chunk| chunk.total_uncompressed_size).sum();
        encoder.i64_field(2, total_size as i64);
        encoder.i64_field(3, *num_rows as i64);
        encoder.end_struct();
    }
    encoder.binary_field(6, b"techdeck-guard");
    encoder.end_struct();
    encoder.bytes
}

/// Encodes a `ColumnChunk` with its `ColumnMetaData`.
fn encode_chunk(encoder: &mut Encoder, chunk: &ColumnChunk, leaf: &Leaf) {
    encoder.begin_struct();
    encoder.i64_field(2, chunk.start() as i64);
    encoder.field(3, STRUCT);
    encoder.begin_struct();
    encoder.i32_field(1, chunk.physical_type);
    encoder.field(2, LIST);
    encoder.list_header(chunk.encodings.len(), I32);
    for &encoding in &chunk.encodings {
        encoder.zigzag(i64::from(encoding));
    }
    encoder.field(3, LIST);
    encoder.list_header(leaf.path.len(), BINARY);
    for name in &leaf.path {
        encoder.binary(name.as_bytes());
    }
    encoder.i32_field(4, chunk.codec);
    encoder.i64_field(5, chunk.num_values as i64);
    encoder.i64_field(6, chunk.total_uncompressed_size as i64);
    encoder.i64_field(7, chunk.total_compressed_size as i64);
    encoder.i64_field(9, chunk.data_page_offset as i64);
    if let Some(offset) = chunk.dictionary_page_offset {
        encoder.i64_field(11, offset as i64);
    }
    encoder.end_struct();
    encoder.end_struct();
}
