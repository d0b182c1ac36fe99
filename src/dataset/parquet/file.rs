//! Reading a Parquet file with random access: the footer first, then one row group at a time.

use std::ops::Range;

use super::metadata::{FileMetadata, ValueType};
use super::page::{decode_chunk, PageError, Slot};
use super::{codec, open_footer, trailer_footer_length, unsupported, TRAILER_BYTES};
use crate::dataset::{column_label, Field, Sink, Value, ValueKind};
use crate::limits::{MAX_PARQUET_ROW_GROUP_TEXT_BYTES, MAX_PARQUET_TEXT_BYTES};
use crate::report::{Code, Finding, Location};

/// A Parquet file whose footer has been read, from which row groups are read one at a time.
///
/// This is the entry point for callers with random access, such as a native file or a browser
/// `File` read through `slice`. Read the last 8 bytes and pass them to
/// [`ParquetFile::tail_length`]. Read that many bytes from the end, and the first 4 bytes, and
/// pass them to [`ParquetFile::open`]. Then read each [`ParquetFile::row_group_range`] and pass
/// it to [`ParquetFile::read_row_group`]. Memory is bounded by the footer, one row group's
/// bytes and its decoded text.
///
/// ```
/// use techdeck_guard::dataset::parquet::ParquetFile;
/// # use techdeck_guard::dataset::{Sink, Value};
/// # use techdeck_guard::Finding;
/// # struct Print;
/// # impl Sink for Print {
/// #     fn value(&mut self, value: &Value<'_>) { let _ = value.text; }
/// #     fn finding(&mut self, _finding: Finding) {}
/// # }
/// let file = std::fs::read("tests/fixtures/parquet/sessions.parquet").unwrap();
/// let length = file.len() as u64;
/// let tail = ParquetFile::tail_length(&file[file.len() - 8..], length).unwrap();
/// let mut parquet = ParquetFile::open(&file[..4], &file[file.len() - tail as usize..], length).unwrap();
/// let mut sink = Print;
/// parquet.start(&mut sink);
/// for index in 0..parquet.row_group_count() {
///     let range = parquet.row_group_range(index).unwrap();
///     parquet.read_row_group(index, &file[range.start as usize..range.end as usize], &mut sink);
/// }
/// assert_eq!(parquet.num_rows(), 3);
/// ```
pub struct ParquetFile {
    metadata: FileMetadata,
    /// Offset of the footer, where the column chunks must end.
    footer_offset: u64,
    /// First row of each row group, 0-based.
    first_rows: Vec<u64>,
    /// Columns already reported as unsupported, so each gets one finding.
    reported: Vec<bool>,
    /// Decoded text emitted so far, checked against [`MAX_PARQUET_TEXT_BYTES`].
    text_bytes: u64,
    text_limit_reported: bool,
    /// [`MAX_PARQUET_ROW_GROUP_TEXT_BYTES`], lowered by tests.
    row_group_text_limit: usize,
}

impl std::fmt::Debug for ParquetFile {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ParquetFile")
            .field("metadata", &self.metadata)
            .field("footer_offset", &self.footer_offset)
            .field("text_bytes", &self.text_bytes)
            .finish()
    }
}

impl ParquetFile {
    /// Returns how many bytes from the end of the file [`ParquetFile::open`] needs: the footer
    /// and the 8 bytes after it. `trailer` is the file's last 8 bytes (or the whole file, when
    /// it is shorter) and `file_length` its size.
    ///
    /// # Errors
    ///
    /// A [`Code::ParquetInvalid`] finding when the trailer has no Parquet magic or its footer
    /// length does not fit in the file or in the footer limit.
    #[allow(clippy::result_large_err, reason = "runs once per file, so the error's size costs nothing")]
    pub fn tail_length(trailer: &[u8], file_length: u64) -> Result<u64, Finding> {
        let footer_length = trailer_footer_length(trailer, file_length)?;
        Ok(u64::from(footer_length) + TRAILER_BYTES as u64)
    }

    /// Decodes the footer. `head` is the file's first 4 bytes and `tail` at least its last
    /// [`ParquetFile::tail_length`] bytes.
    ///
    /// # Errors
    ///
    /// A [`Code::ParquetInvalid`] finding when the magic bytes, the footer length or the file
    /// metadata are invalid, or the file is encrypted.
    #[allow(clippy::result_large_err, reason = "runs once per file, so the error's size costs nothing")]
    pub fn open(head: &[u8], tail: &[u8], file_length: u64) -> Result<ParquetFile, Finding> {
        let (metadata, footer_offset) = open_footer(head, tail, file_length)?;
        let mut first_rows = Vec::with_capacity(metadata.row_groups.len());
        let mut rows = 0u64;
        for group in &metadata.row_groups {
            first_rows.push(rows);
            rows += group.num_rows;
        }
        let reported = vec![false; metadata.columns.len()];
        Ok(ParquetFile {
            metadata,
            footer_offset,
            first_rows,
            reported,
            text_bytes: 0,
            text_limit_reported: false,
            row_group_text_limit: MAX_PARQUET_ROW_GROUP_TEXT_BYTES,
        })
    }

    /// Returns the leaf column paths, with the names of enclosing groups joined by `.`.
    pub fn columns(&self) -> &[String] {
        &self.metadata.columns
    }

    /// Returns the row count from the footer.
    pub fn num_rows(&self) -> u64 {
        self.metadata.num_rows
    }

    /// Returns the number of row groups.
    pub fn row_group_count(&self) -> usize {
        self.metadata.row_groups.len()
    }

    /// Returns the byte range of the file that contains row group `index`, from the first byte of
    /// its first column chunk to the last byte of its last, or `None` when `index` is out of
    /// range. Chunks whose range is outside the file's data are left out, and
    /// [`ParquetFile::read_row_group`] reports them; a group without any valid chunk gets an
    /// empty range.
    pub fn row_group_range(&self, index: usize) -> Option<Range<u64>> {
        let group = self.metadata.row_groups.get(index)?;
        let ranges = group.chunks.iter().filter(|chunk| !chunk.external).filter_map(|chunk| chunk.range());
        let ranges = ranges.filter(|range| range.start >= 4 && range.end <= self.footer_offset);
        Some(ranges.reduce(|all, range| all.start.min(range.start)..all.end.max(range.end)).unwrap_or(4..4))
    }

    /// Passes the column paths to [`Sink::columns`]. Call it once, before reading row groups.
    pub fn start(&mut self, sink: &mut dyn Sink) {
        sink.columns(&self.metadata.columns);
    }

    /// Reads row group `index` from `bytes`, the file bytes in
    /// [`ParquetFile::row_group_range`], and passes its text values to `sink`.
    ///
    /// Values come in row order, each row closed by [`Sink::record_end`], as long as the row
    /// group's decoded text fits in [`MAX_PARQUET_ROW_GROUP_TEXT_BYTES`]. A larger row group is
    /// emitted column by column, followed by the record ends of all its rows. A column chunk
    /// that cannot be read gives a finding, and the other columns are still read.
    pub fn read_row_group(&mut self, index: usize, bytes: &[u8], sink: &mut dyn Sink) {
        let (Some(rows), Some(range)) =
            (self.metadata.row_groups.get(index).map(|group| group.num_rows), self.row_group_range(index))
        else {
            return;
        };
        if bytes.len() as u64 != range.end - range.start {
            let message = format!(
                "row group {index} was given {} bytes, but its range has {}; pass the bytes of row_group_range",
                bytes.len(),
                range.end - range.start
            );
            sink.finding(super::invalid("row_group", range.start, message));
            return;
        }
        let columns = self.readable_columns(index, range.start, sink);
        let first_record = self.first_rows[index] + 1;

        // Findings wait until the row group is known to fit, because the column-by-column
        // pass below decodes every chunk again and reports them then.
        let mut deferred = Deferred::default();
        let text_bytes = (self.text_bytes, self.text_limit_reported);
        let mut buffers: Vec<ColumnText> = columns.iter().map(|&column| ColumnText::new(column)).collect();
        let mut buffered = 0usize;
        let mut fits = true;
        for buffer in &mut buffers {
            let column = buffer.column;
            let limit = self.row_group_text_limit;
            self.decode(index, column, bytes, range.start, &mut deferred, &mut |text, slot, _sink| {
                buffered += text.len();
                if buffered > limit {
                    fits = false;
                } else if fits {
                    buffer.push(slot.row, text, slot.page_offset);
                }
            });
            if !fits {
                break;
            }
        }
        if fits {
            deferred.0.into_iter().for_each(|finding| sink.finding(finding));
            self.emit_rows(&buffers, first_record, rows, sink);
            return;
        }

        drop(buffers);
        (self.text_bytes, self.text_limit_reported) = text_bytes;
        let message = format!(
            "row group {index} has more than {} bytes of text, so its values are emitted column by column, and its record ends after them",
            self.row_group_text_limit
        );
        let location = Location { offset: Some(range.start), ..Location::file() };
        sink.finding(unsupported("row_group_limit", location, &message));
        for &column in &columns {
            let name = self.metadata.columns[column].clone();
            self.decode(index, column, bytes, range.start, sink, &mut |text, slot, sink| {
                emit(sink, column, &name, text, first_record + slot.row, slot.page_offset);
            });
        }
        (0..rows).for_each(|_| sink.record_end());
    }

    /// Returns the text columns of row group `group` that can be read, reporting the others.
    fn readable_columns(&mut self, group: usize, base: u64, sink: &mut dyn Sink) -> Vec<usize> {
        let mut columns = Vec::new();
        for column in 0..self.metadata.leaves.len() {
            let leaf = &self.metadata.leaves[column];
            if leaf.value_type == ValueType::Other {
                continue;
            }
            let chunk = &self.metadata.row_groups[group].chunks[column];
            let codec = chunk.codec;
            if chunk.external {
                let message = "column chunk is stored in another file, which the reader does not read; its values were not checked";
                self.report(column, "external_chunk", base, message, sink);
            } else if !codec::is_supported(codec) {
                let message = format!(
                    "column uses codec {}, which the reader does not support; its values were not checked",
                    codec::name(codec)
                );
                self.report(column, "codec", base, &message, sink);
            } else if chunk.physical_type != leaf.physical_type {
                let message = "column chunk's physical type differs from the schema's; the file may be corrupt";
                sink.finding(self.chunk_finding(column, PageError { rule: "column_chunk", offset: base, message: message.to_owned(), unsupported: false }));
            } else if !chunk.range().is_some_and(|range| range.start >= 4 && range.end <= self.footer_offset) {
                let message = "column chunk's byte range is outside the file's data; the file may be corrupt";
                sink.finding(self.chunk_finding(column, PageError { rule: "column_chunk", offset: base, message: message.to_owned(), unsupported: false }));
            } else {
                columns.push(column);
            }
        }
        columns
    }

    /// Decodes one column chunk and passes each value's text to `visit`, after the UTF-8 and
    /// text-limit checks.
    fn decode(
        &mut self,
        group: usize,
        column: usize,
        bytes: &[u8],
        base: u64,
        sink: &mut dyn Sink,
        visit: &mut dyn FnMut(&str, &Slot<'_>, &mut dyn Sink),
    ) {
        let leaf = &self.metadata.leaves[column];
        let chunk = &self.metadata.row_groups[group].chunks[column];
        let Some(range) = chunk.range() else { return };
        let start = (range.start - base) as usize;
        let Some(chunk_bytes) = bytes.get(start..start + chunk.total_compressed_size as usize) else { return };
        let binary = leaf.value_type == ValueType::Binary;
        let name = &self.metadata.columns[column];
        let mut text_bytes = self.text_bytes;
        let mut over_limit = false;
        let rows = self.metadata.row_groups[group].num_rows;
        let result = decode_chunk(leaf, chunk, chunk_bytes, range.start, rows, &mut |slot| {
            let Some(value) = slot.value else { return };
            text_bytes += value.len() as u64;
            if text_bytes > MAX_PARQUET_TEXT_BYTES {
                over_limit = true;
                return;
            }
            match std::str::from_utf8(value) {
                Ok(text) => visit(text, &slot, sink),
                Err(_) if binary => {}
                Err(_) => {
                    let location = Location {
                        record: None,
                        column: Some(column_label(column, Some(name))),
                        offset: Some(slot.page_offset),
                        ..Location::default()
                    };
                    let message = "string value is not valid UTF-8; invalid bytes were replaced with U+FFFD for the checks";
                    sink.finding(Finding::error(Code::InvalidEncoding, location, message));
                    visit(&String::from_utf8_lossy(value), &slot, sink);
                }
            }
        });
        self.text_bytes = text_bytes;
        if let Err(error) = result {
            sink.finding(self.chunk_finding(column, error));
        }
        if over_limit && !self.text_limit_reported {
            self.text_limit_reported = true;
            let message = format!(
                "file has more than {MAX_PARQUET_TEXT_BYTES} bytes of decoded text, and the values beyond it were not checked"
            );
            sink.finding(Finding::warning(Code::ParquetUnsupported, Location { offset: Some(base), ..Location::file() }, message).with_rule("text_limit"));
        }
    }

    fn emit_rows(&self, buffers: &[ColumnText], first_record: u64, rows: u64, sink: &mut dyn Sink) {
        let mut cursors = vec![0usize; buffers.len()];
        for row in 0..rows {
            for (buffer, cursor) in buffers.iter().zip(&mut cursors) {
                let name = &self.metadata.columns[buffer.column];
                while let Some(&(value_row, start, end, offset)) = buffer.entries.get(*cursor) {
                    if value_row != row {
                        break;
                    }
                    *cursor += 1;
                    let text = buffer.text.get(start..end).unwrap_or_default();
                    emit(sink, buffer.column, name, text, first_record + row, offset);
                }
            }
            sink.record_end();
        }
    }

    fn chunk_finding(&self, column: usize, error: PageError) -> Finding {
        let location = Location {
            column: Some(column_label(column, Some(&self.metadata.columns[column]))),
            offset: Some(error.offset),
            ..Location::default()
        };
        if error.unsupported {
            Finding::warning(Code::ParquetUnsupported, location, error.message).with_rule(error.rule)
        } else {
            Finding::error(Code::ParquetInvalid, location, error.message).with_rule(error.rule)
        }
    }

    /// Reports that `column` is not read, once per file.
    fn report(&mut self, column: usize, rule: &'static str, offset: u64, message: &str, sink: &mut dyn Sink) {
        if std::mem::replace(&mut self.reported[column], true) {
            return;
        }
        let label = column_label(column, Some(&self.metadata.columns[column]));
        sink.finding(unsupported(rule, Location { column: Some(label), offset: Some(offset), ..Location::default() }, message));
    }

    /// Lowers the row group text limit, to test the column-by-column order.
    #[cfg(test)]
    pub(super) fn set_row_group_text_limit(&mut self, limit: usize) {
        self.row_group_text_limit = limit;
    }

    /// Returns the footer metadata, for the writer.
    pub(super) fn metadata(&self) -> &FileMetadata {
        &self.metadata
    }

    /// Returns the file offset of the footer.
    pub(super) fn footer_offset(&self) -> u64 {
        self.footer_offset
    }
}

/// A sink that keeps findings for later and ignores values.
#[derive(Default)]
struct Deferred(Vec<Finding>);

impl Sink for Deferred {
    fn value(&mut self, _value: &Value<'_>) {}

    fn finding(&mut self, finding: Finding) {
        self.0.push(finding);
    }
}

/// The decoded text values of one column chunk, kept to emit a row group in row order.
struct ColumnText {
    column: usize,
    text: String,
    /// Row, start and end in `text`, and page offset of each value.
    entries: Vec<(u64, usize, usize, u64)>,
}

impl ColumnText {
    fn new(column: usize) -> Self {
        ColumnText { column, text: String::new(), entries: Vec::new() }
    }

    fn push(&mut self, row: u64, text: &str, offset: u64) {
        let start = self.text.len();
        self.text.push_str(text);
        self.entries.push((row, start, self.text.len(), offset));
    }
}

fn emit(sink: &mut dyn Sink, column: usize, name: &str, text: &str, record: u64, offset: u64) {
    sink.value(&Value {
        kind: ValueKind::String,
        text,
        line: 0,
        offset,
        record: Some(record),
        field: Field::Column { index: column, name: Some(name) },
    });
}
