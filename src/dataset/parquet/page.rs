//! Column chunk decoding: page headers, levels and the value encodings of BYTE_ARRAY and
//! FIXED_LEN_BYTE_ARRAY columns.
//!
//! Definition levels mark the slots that are null. In a column inside a list, repetition
//! levels mark the slots that start a new row. Every count and length that the file
//! declares is checked against the bytes that hold it, or against a limit in
//! [`crate::limits`], before memory is reserved for it.
//!
//! The encodings are specified in `Encodings.md` of the apache/parquet-format repository.

use std::borrow::Cow;

use super::codec;
use super::metadata::{ColumnChunk, Leaf, FIXED_LEN_BYTE_ARRAY};
use super::thrift::{Decoded, Decoder, MetadataErrorKind, BOOLEAN_FALSE, BOOLEAN_TRUE, I32, STRUCT};
use crate::limits::{MAX_PARQUET_PAGE_BYTES, MAX_PARQUET_PAGE_VALUES};

// Page types (`PageType`).
pub(super) const DATA_PAGE: i32 = 0;
pub(super) const DICTIONARY_PAGE: i32 = 2;
pub(super) const DATA_PAGE_V2: i32 = 3;

// Encodings (`Encoding`).
pub(super) const PLAIN: i32 = 0;
const PLAIN_DICTIONARY: i32 = 2;
pub(super) const RLE: i32 = 3;
const DELTA_LENGTH_BYTE_ARRAY: i32 = 6;
const DELTA_BYTE_ARRAY: i32 = 7;
const RLE_DICTIONARY: i32 = 8;

/// A problem that stops decoding a column chunk.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct PageError {
    /// The finding rule.
    pub rule: &'static str,
    /// The file offset of the page, or of the chunk when no page was read.
    pub offset: u64,
    pub message: String,
    /// The file is valid, but uses something the reader does not read, or exceeds a limit.
    pub unsupported: bool,
}

impl PageError {
    pub(super) fn invalid(rule: &'static str, offset: u64, message: impl Into<String>) -> Self {
        PageError { rule, offset, message: message.into(), unsupported: false }
    }

    fn unsupported(rule: &'static str, offset: u64, message: impl Into<String>) -> Self {
        PageError { rule, offset, message: message.into(), unsupported: true }
    }
}

/// One value slot of a column: its row, its levels, and its bytes unless it is null.
pub(super) struct Slot<'a> {
    /// 0-based row within the row group.
    pub row: u64,
    pub definition: u8,
    pub value: Option<&'a [u8]>,
    /// File offset of the header of the page that contains the value.
    pub page_offset: u64,
}

/// The fields of a `PageHeader` that decoding uses.
#[derive(Debug, Default)]
struct PageHeader {
    kind: i32,
    uncompressed_size: usize,
    compressed_size: usize,
    num_values: usize,
    encoding: i32,
    definition_encoding: i32,
    repetition_encoding: i32,
    /// Data page v2: byte lengths of the uncompressed levels before the values.
    definition_bytes: usize,
    repetition_bytes: usize,
    /// Data page v2: whether the values are compressed (the default).
    compressed: bool,
}

/// Decodes every page of a column chunk and passes each slot to `visit`, in row order.
///
/// `bytes` is the whole chunk, `base` its offset in the file and `rows` the row count of its
/// row group. The caller checks beforehand that the column has BYTE_ARRAY or
/// FIXED_LEN_BYTE_ARRAY values and uses a supported codec.
///
/// # Errors
///
/// The first problem found. Slots before it have already been visited.
pub(super) fn decode_chunk(
    leaf: &Leaf,
    chunk: &ColumnChunk,
    bytes: &[u8],
    base: u64,
    rows: u64,
    visit: &mut dyn FnMut(Slot<'_>),
) -> Result<(), PageError> {
    let fixed_width = fixed_width(leaf, base)?;
    let mut position = 0usize;
    let mut slots = 0u64;
    let mut cursor = RowCursor { row: 0, started: false, rows };
    let mut dictionary: Option<Dictionary> = None;
    while slots < chunk.num_values {
        let page_offset = base + position as u64;
        let rest = bytes.get(position..).unwrap_or_default();
        if rest.is_empty() {
            let message = format!("column chunk ends after {slots} of its {} values; the file may be truncated", chunk.num_values);
            return Err(PageError::invalid("value_count", page_offset, message));
        }
        let mut decoder = Decoder::new(rest);
        let header = decoder.page_header().map_err(|error| {
            let message = format!("page header is invalid: {error}; the file may be corrupt");
            PageError::invalid("page_header", page_offset + error.position as u64, message)
        })?;
        position += decoder.position;
        if header.compressed_size > MAX_PARQUET_PAGE_BYTES || header.uncompressed_size > MAX_PARQUET_PAGE_BYTES {
            let message = format!(
                "page declares {} compressed and {} uncompressed bytes, more than the {MAX_PARQUET_PAGE_BYTES}-byte limit; its column was not read",
                header.compressed_size, header.uncompressed_size
            );
            return Err(PageError::unsupported("page_limit", page_offset, message));
        }
        let payload = position
            .checked_add(header.compressed_size)
            .and_then(|end| bytes.get(position..end))
            .ok_or_else(|| {
                let message = format!("page of {} bytes extends past the end of its column chunk; the file may be truncated", header.compressed_size);
                PageError::invalid("page_size", page_offset, message)
            })?;
        position += header.compressed_size;

        let page = Page { header: &header, payload, offset: page_offset, codec: chunk.codec };
        match header.kind {
            DICTIONARY_PAGE => {
                if dictionary.is_some() || slots > 0 {
                    let message = "column chunk has a dictionary page after its first page; the file may be corrupt";
                    return Err(PageError::invalid("dictionary", page_offset, message));
                }
                let data = page.decompress(header.uncompressed_size)?;
                dictionary = Some(Dictionary::decode(&data, header.num_values, fixed_width, page_offset)?);
            }
            DATA_PAGE | DATA_PAGE_V2 => {
                let remaining = chunk.num_values - slots;
                if header.num_values as u64 > remaining {
                    let message = format!("page holds {} values, but its column chunk has {remaining} left; the file may be corrupt", header.num_values);
                    return Err(PageError::invalid("value_count", page_offset, message));
                }
                let reader = SlotReader { leaf, dictionary: dictionary.as_ref(), fixed_width };
                reader.read(&page, &mut cursor, visit)?;
                slots += header.num_values as u64;
            }
            // Index pages and unknown page types carry no values of the chunk.
            _ => {}
        }
    }
    Ok(())
}

/// Returns the byte width of a FIXED_LEN_BYTE_ARRAY column's values, `None` for BYTE_ARRAY.
fn fixed_width(leaf: &Leaf, base: u64) -> Result<Option<usize>, PageError> {
    if leaf.physical_type != FIXED_LEN_BYTE_ARRAY {
        return Ok(None);
    }
    match leaf.type_length.and_then(|length| usize::try_from(length).ok()) {
        Some(width) if width > 0 => Ok(Some(width)),
        _ => {
            let message = "FIXED_LEN_BYTE_ARRAY column has no positive type_length; the file may be corrupt";
            Err(PageError::invalid("values", base, message))
        }
    }
}

struct Page<'a> {
    header: &'a PageHeader,
    payload: &'a [u8],
    offset: u64,
    codec: i32,
}

impl<'a> Page<'a> {
    fn decompress(&self, size: usize) -> Result<Cow<'a, [u8]>, PageError> {
        codec::decompress(self.codec, self.payload, size)
            .map_err(|message| PageError::invalid("decompress", self.offset, format!("{message}; the file may be corrupt")))
    }

    fn invalid(&self, rule: &'static str, message: impl Into<String>) -> PageError {
        PageError::invalid(rule, self.offset, message)
    }
}

/// The row that the next slot of a column chunk belongs to.
struct RowCursor {
    row: u64,
    /// A slot has been read, so the next slot with repetition level 0 starts a new row.
    started: bool,
    /// Rows in the row group.
    rows: u64,
}

impl RowCursor {
    /// Returns the row of a slot with `repetition`, or `None` when it is beyond the row group's
    /// rows or the chunk's first slot does not start a row.
    fn advance(&mut self, repetition: u8) -> Option<u64> {
        match (self.started, repetition) {
            (false, 0) => self.started = true,
            (false, _) => return None,
            (true, 0) => self.row += 1,
            (true, _) => {}
        }
        (self.row < self.rows).then_some(self.row)
    }
}

/// Reads the slots of one data page.
struct SlotReader<'a> {
    leaf: &'a Leaf,
    dictionary: Option<&'a Dictionary>,
    fixed_width: Option<usize>,
}

/// Splits the levels of a data page v1, a 4-byte length and RLE data, from the front of
/// `data`.
fn split_levels<'d>(data: &mut &'d [u8], encoding: i32, page: &Page<'_>) -> Result<&'d [u8], PageError> {
    if encoding != RLE {
        let message = format!("levels use encoding {encoding}, and only RLE is supported");
        return Err(PageError::unsupported("encoding", page.offset, message));
    }
    let (length, rest) = data.split_first_chunk::<4>().ok_or_else(|| page.invalid("levels", "page ends inside a level length"))?;
    let length = u32::from_le_bytes(*length) as usize;
    if length > rest.len() {
        return Err(page.invalid("levels", "levels extend past the end of the page"));
    }
    let (levels, rest) = rest.split_at(length);
    *data = rest;
    Ok(levels)
}

impl SlotReader<'_> {
    fn read(&self, page: &Page<'_>, cursor: &mut RowCursor, visit: &mut dyn FnMut(Slot<'_>)) -> Result<(), PageError> {
        let header = page.header;
        let max_definition = self.leaf.max_definition_level;
        let max_repetition = self.leaf.max_repetition_level;
        let data;
        let (repetitions, levels, values): (&[u8], &[u8], &[u8]) = if header.kind == DATA_PAGE {
            data = page.decompress(header.uncompressed_size)?;
            let mut rest: &[u8] = &data;
            let repetitions = match max_repetition {
                0 => &[][..],
                _ => split_levels(&mut rest, header.repetition_encoding, page)?,
            };
            let definitions = match max_definition {
                0 => &[][..],
                _ => split_levels(&mut rest, header.definition_encoding, page)?,
            };
            (repetitions, definitions, rest)
        } else {
            let levels_end = header.repetition_bytes.checked_add(header.definition_bytes).filter(|&end| end <= page.payload.len());
            let Some(levels_end) = levels_end else {
                return Err(page.invalid("levels", "level byte lengths extend past the end of the page"));
            };
            let repetitions = &page.payload[..header.repetition_bytes];
            let levels = &page.payload[header.repetition_bytes..levels_end];
            let values_size = header.uncompressed_size.checked_sub(levels_end).ok_or_else(|| {
                page.invalid("page_size", "uncompressed page size is smaller than its levels")
            })?;
            let compressed_values = &page.payload[levels_end..];
            data = if header.compressed {
                codec::decompress(page.codec, compressed_values, values_size)
                    .map_err(|message| page.invalid("decompress", format!("{message}; the file may be corrupt")))?
            } else {
                codec::decompress(codec::UNCOMPRESSED, compressed_values, values_size)
                    .map_err(|message| page.invalid("page_size", message))?
            };
            (repetitions, levels, &data)
        };

        let count = header.num_values;
        if count > MAX_PARQUET_PAGE_VALUES {
            let message = format!("page holds {count} values, more than the limit of {MAX_PARQUET_PAGE_VALUES}; its column was not read");
            return Err(PageError::unsupported("page_limit", page.offset, message));
        }
        let mut definitions = Levels::new(levels, max_definition, "definition");
        let mut repetitions = Levels::new(repetitions, max_repetition, "repetition");
        let mut decoder = self.values(page, values, count)?;
        for _ in 0..count {
            let definition = definitions.next().map_err(|message| page.invalid("levels", message))?;
            let repetition = repetitions.next().map_err(|message| page.invalid("levels", message))?;
            let row = cursor.advance(repetition).ok_or_else(|| {
                page.invalid("levels", "levels give more rows than the row group has, or the column chunk starts inside a row")
            })?;
            if definition < max_definition {
                visit(Slot { row, definition, value: None, page_offset: page.offset });
                continue;
            }
            let value = decoder.next().map_err(|message| page.invalid(message.0, message.1))?;
            visit(Slot { row, definition, value: Some(value), page_offset: page.offset });
        }
        Ok(())
    }

    fn values<'v>(&'v self, page: &Page<'_>, input: &'v [u8], count: usize) -> Result<Values<'v>, PageError> {
        let encoding = page.header.encoding;
        match encoding {
            PLAIN => Ok(Values::Plain { input, position: 0, fixed_width: self.fixed_width }),
            PLAIN_DICTIONARY | RLE_DICTIONARY => {
                let Some(dictionary) = self.dictionary else {
                    return Err(page.invalid("dictionary", "page uses a dictionary, but its column chunk has no dictionary page"));
                };
                let (&width, indices) = input.split_first().ok_or_else(|| page.invalid("values", "page ends before its dictionary index bit width"))?;
                if width > 32 {
                    return Err(page.invalid("values", format!("dictionary index bit width {width} is above 32")));
                }
                Ok(Values::Dictionary { indices: Hybrid::new(indices, u32::from(width)), dictionary })
            }
            DELTA_LENGTH_BYTE_ARRAY if self.fixed_width.is_none() => {
                let mut position = 0;
                let lengths = delta_binary_packed(input, &mut position, count).map_err(|message| page.invalid("values", message))?;
                Ok(Values::DeltaLength { lengths: lengths.into_iter(), data: &input[position..], position: 0 })
            }
            DELTA_BYTE_ARRAY => {
                let mut position = 0;
                let prefixes = delta_binary_packed(input, &mut position, count).map_err(|message| page.invalid("values", message))?;
                let suffixes = delta_binary_packed(input, &mut position, count).map_err(|message| page.invalid("values", message))?;
                Ok(Values::DeltaBytes {
                    prefixes: prefixes.into_iter(),
                    suffixes: suffixes.into_iter(),
                    data: &input[position..],
                    position: 0,
                    previous: Vec::new(),
                })
            }
            other => {
                let message = format!("values use encoding {other}, which the reader does not support; its column was not read");
                Err(PageError::unsupported("encoding", page.offset, message))
            }
        }
    }
}

/// The definition or repetition levels of a page, or all zeros when the column's maximum is 0.
struct Levels<'a> {
    decoder: Option<Hybrid<'a>>,
    max: u8,
    name: &'static str,
}

impl<'a> Levels<'a> {
    fn new(input: &'a [u8], max: u8, name: &'static str) -> Self {
        let decoder = (max > 0).then(|| Hybrid::new(input, bit_width(u32::from(max))));
        Levels { decoder, max, name }
    }

    fn next(&mut self) -> Result<u8, String> {
        let Some(decoder) = self.decoder.as_mut() else { return Ok(0) };
        match decoder.next() {
            Some(level) if level <= u32::from(self.max) => Ok(level as u8),
            Some(_) => Err(format!("a {} level is above the column's maximum", self.name)),
            None => Err(format!("{} levels end before the page's values", self.name)),
        }
    }
}

/// Returns the number of bits that values up to `max` need.
pub(super) fn bit_width(max: u32) -> u32 {
    u32::BITS - max.leading_zeros()
}

/// A rule and message for a problem in the values of a page.
type ValueError = (&'static str, &'static str);

/// The values of one data page, decoded one at a time.
enum Values<'a> {
    Plain { input: &'a [u8], position: usize, fixed_width: Option<usize> },
    Dictionary { indices: Hybrid<'a>, dictionary: &'a Dictionary },
    DeltaLength { lengths: std::vec::IntoIter<i64>, data: &'a [u8], position: usize },
    DeltaBytes {
        prefixes: std::vec::IntoIter<i64>,
        suffixes: std::vec::IntoIter<i64>,
        data: &'a [u8],
        position: usize,
        /// The last value, which the next one shares a prefix with. It is never longer than the
        /// suffixes read so far, so it is bounded by the page size.
        previous: Vec<u8>,
    },
}

impl Values<'_> {
    fn next(&mut self) -> Result<&[u8], ValueError> {
        const ENDED: ValueError = ("values", "page ends before all its values");
        match self {
            Values::Plain { input, position, fixed_width } => {
                let length = match fixed_width {
                    Some(width) => *width,
                    None => {
                        let (length, _) = input.get(*position..).and_then(<[u8]>::split_first_chunk::<4>).ok_or(ENDED)?;
                        *position += 4;
                        u32::from_le_bytes(*length) as usize
                    }
                };
                take(input, position, length).ok_or(ENDED)
            }
            Values::Dictionary { indices, dictionary } => {
                let index = indices.next().ok_or(("values", "page ends before all its dictionary indices"))?;
                dictionary
                    .get(index as usize)
                    .ok_or(("dictionary", "a dictionary index is beyond the end of the dictionary"))
            }
            Values::DeltaLength { lengths, data, position } => {
                let length = lengths.next().ok_or(("values", "page has fewer lengths than values"))?;
                let length = usize::try_from(length).map_err(|_| ("values", "a value length is negative"))?;
                take(data, position, length).ok_or(ENDED)
            }
            Values::DeltaBytes { prefixes, suffixes, data, position, previous } => {
                let prefix = prefixes.next().ok_or(("values", "page has fewer prefix lengths than values"))?;
                let suffix = suffixes.next().ok_or(("values", "page has fewer suffix lengths than values"))?;
                let prefix = usize::try_from(prefix).ok().filter(|&prefix| prefix <= previous.len());
                let prefix = prefix.ok_or(("values", "a prefix length is negative or longer than the previous value"))?;
                let suffix = usize::try_from(suffix).map_err(|_| ("values", "a suffix length is negative"))?;
                let suffix = take(data, position, suffix).ok_or(ENDED)?;
                previous.truncate(prefix);
                previous.extend_from_slice(suffix);
                Ok(previous)
            }
        }
    }
}

/// Returns the next `length` bytes of `input` from `position` and moves past them.
fn take<'a>(input: &'a [u8], position: &mut usize, length: usize) -> Option<&'a [u8]> {
    let end = position.checked_add(length)?;
    let bytes = input.get(*position..end)?;
    *position = end;
    Some(bytes)
}

/// The values of a dictionary page, stored once and referenced by index.
pub(super) struct Dictionary {
    data: Vec<u8>,
    /// Start and end of each value in `data`.
    spans: Vec<(usize, usize)>,
}

impl Dictionary {
    /// Decodes `count` PLAIN values. `count` is checked against the page size and
    /// [`MAX_PARQUET_PAGE_VALUES`] before the index is allocated.
    fn decode(data: &[u8], count: usize, fixed_width: Option<usize>, offset: u64) -> Result<Dictionary, PageError> {
        let smallest = fixed_width.unwrap_or(4);
        if count > MAX_PARQUET_PAGE_VALUES || count.saturating_mul(smallest) > data.len() {
            let message = format!("dictionary page declares {count} values, more than its {} bytes can hold or the limit of {MAX_PARQUET_PAGE_VALUES}", data.len());
            return Err(PageError::invalid("dictionary", offset, message));
        }
        let mut values = Values::Plain { input: data, position: 0, fixed_width };
        let mut spans = Vec::with_capacity(count);
        for _ in 0..count {
            let value = values.next().map_err(|_| PageError::invalid("dictionary", offset, "dictionary page ends before all its values"))?;
            let start = value.as_ptr() as usize - data.as_ptr() as usize;
            spans.push((start, start + value.len()));
        }
        Ok(Dictionary { data: data.to_vec(), spans })
    }

    fn get(&self, index: usize) -> Option<&[u8]> {
        let &(start, end) = self.spans.get(index)?;
        self.data.get(start..end)
    }
}

/// Decoder of the RLE / bit-packing hybrid encoding, used for levels and dictionary indices.
/// It reads one value at a time, so a page's count of values costs no memory.
pub(super) struct Hybrid<'a> {
    input: &'a [u8],
    position: usize,
    bit_width: u32,
    repeat_left: u64,
    repeat_value: u32,
    packed_left: u64,
    /// Bit offset of the next bit-packed value in `input`.
    packed_bit: usize,
}

impl<'a> Hybrid<'a> {
    pub(super) fn new(input: &'a [u8], bit_width: u32) -> Self {
        Hybrid { input, position: 0, bit_width, repeat_left: 0, repeat_value: 0, packed_left: 0, packed_bit: 0 }
    }

    /// Returns the next value, or `None` when the input ends first.
    pub(super) fn next(&mut self) -> Option<u32> {
        loop {
            if self.repeat_left > 0 {
                self.repeat_left -= 1;
                return Some(self.repeat_value);
            }
            if self.packed_left > 0 {
                self.packed_left -= 1;
                let value = read_bits(self.input, self.packed_bit, self.bit_width)?;
                self.packed_bit += self.bit_width as usize;
                return Some(value as u32);
            }
            // Every run header takes at least one byte, so this loop ends with the input.
            let header = read_varint(self.input, &mut self.position)?;
            let count = header >> 1;
            if header & 1 == 1 {
                // `count` groups of 8 values, `bit_width` bytes per group. The last group may
                // be cut short; read_bits reports a value beyond the input.
                self.packed_left = count.checked_mul(8)?;
                self.packed_bit = self.position.checked_mul(8)?;
                let bytes = usize::try_from(count.checked_mul(u64::from(self.bit_width))?).ok()?;
                self.position = self.position.saturating_add(bytes).min(self.input.len());
            } else {
                let width = self.bit_width.div_ceil(8) as usize;
                let bytes = take(self.input, &mut self.position, width)?;
                let value = bytes.iter().rev().fold(0u32, |value, &byte| value << 8 | u32::from(byte));
                self.repeat_left = count;
                self.repeat_value = value;
            }
        }
    }
}

/// Reads `width` bits (at most 64) from `input` at bit offset `bit`, least significant first.
fn read_bits(input: &[u8], bit: usize, width: u32) -> Option<u64> {
    if width == 0 {
        return Some(0);
    }
    let end = bit.checked_add(width as usize)?;
    let bytes = input.get(bit / 8..end.div_ceil(8))?;
    let word = bytes.iter().rev().fold(0u128, |word, &byte| word << 8 | u128::from(byte));
    let mask = (1u128 << width) - 1;
    Some(((word >> (bit % 8)) & mask) as u64)
}

/// Reads an unsigned LEB128 varint of at most 10 bytes.
fn read_varint(input: &[u8], position: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let &byte = input.get(*position)?;
        *position += 1;
        value |= u64::from(byte & 0x7F).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn read_zigzag(input: &[u8], position: &mut usize) -> Option<i64> {
    let value = read_varint(input, position)?;
    Some((value >> 1) as i64 ^ -((value & 1) as i64))
}

/// Decodes a DELTA_BINARY_PACKED sequence of at most `max_count` values from `position`, and
/// leaves `position` after it.
fn delta_binary_packed(input: &[u8], position: &mut usize, max_count: usize) -> Result<Vec<i64>, &'static str> {
    const TRUNCATED: &str = "page ends inside a DELTA_BINARY_PACKED header or block";
    let block_size = read_varint(input, position).ok_or(TRUNCATED)?;
    let miniblocks = read_varint(input, position).ok_or(TRUNCATED)?;
    let total = read_varint(input, position).ok_or(TRUNCATED)?;
    let first = read_zigzag(input, position).ok_or(TRUNCATED)?;
    if block_size == 0 || block_size % 128 != 0 || miniblocks == 0 || block_size % miniblocks != 0 {
        return Err("a DELTA_BINARY_PACKED block size is not a multiple of 128 split into miniblocks");
    }
    let per_miniblock = block_size / miniblocks;
    if per_miniblock % 32 != 0 || block_size > 1 << 20 {
        return Err("a DELTA_BINARY_PACKED miniblock size is not a multiple of 32, or the block is too large");
    }
    if total > max_count as u64 {
        return Err("a DELTA_BINARY_PACKED sequence has more values than its page");
    }
    let total = total as usize;
    let mut values = Vec::with_capacity(total);
    if total == 0 {
        return Ok(values);
    }
    values.push(first);
    let mut last = first;
    while values.len() < total {
        let min_delta = read_zigzag(input, position).ok_or(TRUNCATED)?;
        let widths = take(input, position, miniblocks as usize).ok_or(TRUNCATED)?;
        for &width in widths {
            if values.len() == total {
                break;
            }
            if width > 64 {
                return Err("a DELTA_BINARY_PACKED bit width is above 64");
            }
            let start = position.checked_mul(8).ok_or(TRUNCATED)?;
            for index in 0..per_miniblock as usize {
                if values.len() == total {
                    break;
                }
                let delta = read_bits(input, start + index * usize::from(width), u32::from(width)).ok_or(TRUNCATED)?;
                last = last.wrapping_add(min_delta).wrapping_add(delta as i64);
                values.push(last);
            }
            let bytes = per_miniblock as usize * usize::from(width) / 8;
            *position = position.saturating_add(bytes).min(input.len());
        }
    }
    Ok(values)
}

impl Decoder<'_> {
    /// Decodes a `PageHeader`: field 1 `type`, 2 `uncompressed_page_size` and
    /// 3 `compressed_page_size` are required, and the header of the page's type is read.
    fn page_header(&mut self) -> Decoded<PageHeader> {
        let mut header = PageHeader { compressed: true, kind: -1, ..PageHeader::default() };
        let mut sizes = [None, None];
        let mut last_id = 0;
        while let Some((id, kind)) = self.field_header(&mut last_id)? {
            match id {
                1 => header.kind = self.expect(kind, I32, "PageHeader.type").and_then(|()| self.i32())?,
                2 => sizes[0] = Some(self.page_size(kind, "PageHeader.uncompressed_page_size")?),
                3 => sizes[1] = Some(self.page_size(kind, "PageHeader.compressed_page_size")?),
                5 | 7 | 8 => {
                    self.expect(kind, STRUCT, "PageHeader")?;
                    self.page_type_header(id, &mut header)?;
                }
                _ => self.skip_field(kind, 1)?,
            }
        }
        let missing = |field| self.error(MetadataErrorKind::MissingField(field));
        header.uncompressed_size = sizes[0].ok_or_else(|| missing("PageHeader.uncompressed_page_size"))?;
        header.compressed_size = sizes[1].ok_or_else(|| missing("PageHeader.compressed_page_size"))?;
        if header.kind < 0 {
            return Err(missing("PageHeader.type"));
        }
        Ok(header)
    }

    fn page_size(&mut self, kind: u8, field: &'static str) -> Decoded<usize> {
        self.expect(kind, I32, field)?;
        let size = self.i32()?;
        usize::try_from(size).map_err(|_| self.error(MetadataErrorKind::NegativeValue(field)))
    }

    /// Decodes `DataPageHeader` (field 5), `DictionaryPageHeader` (7) or `DataPageHeaderV2` (8).
    /// Their statistics are skipped.
    fn page_type_header(&mut self, which: i16, header: &mut PageHeader) -> Decoded<()> {
        let mut last_id = 0;
        while let Some((id, kind)) = self.field_header(&mut last_id)? {
            match (which, id) {
                (_, 1) => header.num_values = self.page_size(kind, "num_values")?,
                (5 | 7, 2) | (8, 4) => header.encoding = self.expect(kind, I32, "encoding").and_then(|()| self.i32())?,
                (5, 3) => header.definition_encoding = self.expect(kind, I32, "definition_level_encoding").and_then(|()| self.i32())?,
                (5, 4) => header.repetition_encoding = self.expect(kind, I32, "repetition_level_encoding").and_then(|()| self.i32())?,
                (8, 5) => header.definition_bytes = self.page_size(kind, "definition_levels_byte_length")?,
                (8, 6) => header.repetition_bytes = self.page_size(kind, "repetition_levels_byte_length")?,
                (8, 7) => match kind {
                    BOOLEAN_TRUE => header.compressed = true,
                    BOOLEAN_FALSE => header.compressed = false,
                    _ => return Err(self.error(MetadataErrorKind::WrongFieldType("is_compressed"))),
                },
                _ => self.skip_field(kind, 2)?,
            }
        }
        Ok(())
    }
}
