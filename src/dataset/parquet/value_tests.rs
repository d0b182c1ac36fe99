//! Tests of value reading and rewriting: the fixtures written by pyarrow against their expected
//! JSON, hand-built hostile pages, and round trips through the writer.

use std::io::Cursor;

use serde::Deserialize;

use super::codec::{GZIP, SNAPPY, UNCOMPRESSED};
use super::thrift::{Encoder, BINARY, I32, LIST, STRUCT};
use super::*;
use crate::dataset::{read_all, Collect, Format, ValueKind};
use crate::limits::{MAX_PARQUET_PAGE_BYTES, MAX_PARQUET_PAGE_VALUES};
use crate::report::Severity;

/// The expected reader output that scripts/make-parquet-fixtures.py writes beside each file.
#[derive(Deserialize)]
struct Expected {
    columns: Vec<String>,
    rows: u64,
    values: Vec<(u64, usize, String)>,
    unsupported: Vec<usize>,
}

const FIXTURES: [&str; 10] = [
    "notes-plain-v1",
    "notes-dict-v1-snappy",
    "notes-dict-v2-gzip",
    "notes-plain-v2-zstd",
    "notes-delta-v2",
    "patients-dict-v1-pages",
    "patients-plain-v2-pages",
    "nested-list",
    "notes-lz4",
    "active-content",
];

fn fixture(name: &str) -> (Vec<u8>, Expected) {
    let directory = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/parquet/");
    let bytes = std::fs::read(format!("{directory}{name}.parquet")).unwrap();
    let json = std::fs::read_to_string(format!("{directory}{name}.json")).unwrap();
    (bytes, serde_json::from_str(&json).unwrap())
}

/// Returns the values of `sink` as (record, column index, text).
fn values(sink: &Collect) -> Vec<(u64, usize, String)> {
    sink.values
        .iter()
        .map(|(kind, text, location)| {
            assert_eq!(*kind, ValueKind::String);
            let column = location.column.as_deref().unwrap();
            let index = sink.columns.iter().position(|name| name == column).unwrap();
            (location.record.unwrap(), index, text.clone())
        })
        .collect()
}

use super::tests::read_chunks as read_stream;

fn read_random_access(input: &[u8]) -> (Collect, u64) {
    let mut sink = Collect::default();
    let rows = read_seekable(&mut Cursor::new(input), &mut sink).unwrap();
    (sink, rows)
}

fn codes(sink: &Collect) -> Vec<(Code, &'static str)> {
    sink.findings.iter().map(|finding| (finding.code, finding.rule.unwrap_or("none"))).collect()
}

#[test]
fn fixtures_match_expected_values() {
    for name in FIXTURES {
        let (bytes, expected) = fixture(name);
        let (sink, records) = read_stream(&bytes, usize::MAX);
        assert_eq!(sink.columns, expected.columns, "{name}");
        assert_eq!(records, expected.rows, "{name}");
        assert_eq!(sink.records as u64, expected.rows, "{name}: record ends");
        assert_eq!(values(&sink), expected.values, "{name}");

        let unsupported: Vec<usize> = sink
            .findings
            .iter()
            .map(|finding| {
                assert_eq!(finding.code, Code::ParquetUnsupported, "{name}: {finding:?}");
                assert_eq!(finding.severity, Severity::Warning, "{name}");
                let column = finding.location.column.as_deref().unwrap();
                sink.columns.iter().position(|name| name == column).unwrap()
            })
            .collect();
        assert_eq!(unsupported, expected.unsupported, "{name}");
    }
}

#[test]
fn fixtures_agree_across_chunk_sizes_and_random_access() {
    for name in FIXTURES {
        let (bytes, _) = fixture(name);
        let (whole, records) = read_stream(&bytes, usize::MAX);
        for size in [1, 7, 64, 1000] {
            let (sink, chunked_records) = read_stream(&bytes, size);
            assert_eq!(sink.values, whole.values, "{name} at {size}-byte chunks");
            assert_eq!(sink.findings, whole.findings, "{name} at {size}-byte chunks");
            assert_eq!(chunked_records, records, "{name} at {size}-byte chunks");
        }
        let (random, rows) = read_random_access(&bytes);
        assert_eq!(random.values, whole.values, "{name} with random access");
        assert_eq!(random.findings, whole.findings, "{name} with random access");
        assert_eq!(random.records, whole.records, "{name} with random access");
        assert_eq!(rows, records, "{name} with random access");
    }
}

#[test]
fn unsupported_codec_named() {
    let (bytes, _) = fixture("notes-lz4");
    let (sink, _) = read_stream(&bytes, usize::MAX);
    assert_eq!(codes(&sink).len(), 7);
    assert!(codes(&sink).iter().all(|&code| code == (Code::ParquetUnsupported, "codec")));
    assert!(sink.findings[0].message.contains("LZ4_RAW"), "{}", sink.findings[0].message);
}

#[test]
fn values_locate_page_and_row() {
    let (bytes, _) = fixture("patients-dict-v1-pages");
    let (sink, _) = read_stream(&bytes, usize::MAX);
    for (_, _, location) in &sink.values {
        assert_eq!(location.line, None);
        let offset = location.offset.unwrap() as usize;
        assert!((4..bytes.len()).contains(&offset), "offset {offset}");
    }
    let last = sink.values.last().unwrap();
    assert_eq!(last.2.record, Some(14));
}

#[test]
fn format_dispatch_reads_values() {
    let (bytes, expected) = fixture("notes-dict-v1-snappy");
    let sink = read_all(Format::Parquet, &bytes, 4096);
    assert_eq!(values(&sink), expected.values);
}

#[test]
fn two_phase_api_reads_ranges() {
    let (bytes, expected) = fixture("patients-plain-v2-pages");
    let length = bytes.len() as u64;
    let tail_length = ParquetFile::tail_length(&bytes[bytes.len() - 8..], length).unwrap();
    let tail = &bytes[bytes.len() - tail_length as usize..];
    let mut file = ParquetFile::open(&bytes[..4], tail, length).unwrap();
    assert_eq!(file.row_group_count(), 3);
    assert_eq!(file.num_rows(), 14);
    let mut sink = Collect::default();
    file.start(&mut sink);
    for index in 0..file.row_group_count() {
        let range = file.row_group_range(index).unwrap();
        file.read_row_group(index, &bytes[range.start as usize..range.end as usize], &mut sink);
    }
    assert_eq!(values(&sink), expected.values);
    assert!(file.row_group_range(3).is_none());

    let range = file.row_group_range(0).unwrap();
    file.read_row_group(0, &bytes[range.start as usize..range.end as usize - 1], &mut sink);
    assert_eq!(sink.findings.last().unwrap().rule, Some("row_group"));
}

#[test]
fn tail_length_checks_trailer() {
    let (bytes, _) = fixture("notes-plain-v1");
    let length = bytes.len() as u64;
    let footer_length = u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap());
    assert_eq!(ParquetFile::tail_length(&bytes[bytes.len() - 8..], length).unwrap(), u64::from(footer_length) + 8);
    assert_eq!(ParquetFile::tail_length(b"xxxxxxxx", length).unwrap_err().rule, Some("footer_magic"));
    assert_eq!(ParquetFile::tail_length(b"\xFF\xFF\xFF\x7FPAR1", length).unwrap_err().rule, Some("footer_length"));
}

#[test]
fn data_byte_flips_never_panic() {
    for name in ["notes-dict-v1-snappy", "notes-delta-v2", "patients-plain-v2-pages", "notes-dict-v2-gzip"] {
        let (bytes, _) = fixture(name);
        let footer_length = u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap()) as usize;
        for position in 4..bytes.len() - 8 - footer_length {
            let mut input = bytes.clone();
            input[position] ^= 0xFF;
            let (sink, _) = read_stream(&input, usize::MAX);
            for finding in &sink.findings {
                let expected = [Code::ParquetInvalid, Code::ParquetUnsupported, Code::InvalidEncoding];
                assert!(expected.contains(&finding.code), "{name} byte {position}: {finding:?}");
            }
        }
    }
}

/// Builds a file with one column `note` and one row group whose column chunk is `chunk`.
struct Crafted {
    /// `repetition_type` of the column: 0 required, 1 optional, 2 repeated.
    repetition: i32,
    physical_type: i32,
    codec: i32,
    num_values: u64,
    num_rows: i64,
    /// `total_compressed_size` to declare instead of the chunk's length.
    declared_length: Option<i64>,
}

impl Default for Crafted {
    fn default() -> Self {
        Crafted {
            repetition: 0,
            physical_type: metadata::BYTE_ARRAY,
            codec: UNCOMPRESSED,
            num_values: 2,
            num_rows: 2,
            declared_length: None,
        }
    }
}

impl Crafted {
    fn file(&self, chunk: &[u8]) -> Vec<u8> {
        let mut encoder = Encoder::new();
        encoder.i32_field(1, 1);
        encoder.field(2, LIST);
        encoder.list_header(2, STRUCT);
        encoder.begin_struct();
        encoder.binary_field(4, b"schema");
        encoder.i32_field(5, 1);
        encoder.end_struct();
        encoder.begin_struct();
        encoder.i32_field(1, self.physical_type);
        encoder.i32_field(2, 3);
        encoder.i32_field(3, self.repetition);
        encoder.binary_field(4, b"note");
        encoder.i32_field(6, 0);
        encoder.end_struct();
        encoder.i64_field(3, self.num_rows);
        encoder.field(4, LIST);
        encoder.list_header(1, STRUCT);
        encoder.begin_struct();
        encoder.field(1, LIST);
        encoder.list_header(1, STRUCT);
        encoder.begin_struct();
        encoder.i64_field(2, 4);
        encoder.field(3, STRUCT);
        encoder.begin_struct();
        encoder.i32_field(1, self.physical_type);
        encoder.field(2, LIST);
        encoder.list_header(1, I32);
        encoder.zigzag(0);
        encoder.field(3, LIST);
        encoder.list_header(1, BINARY);
        encoder.binary(b"note");
        encoder.i32_field(4, self.codec);
        encoder.i64_field(5, self.num_values as i64);
        encoder.i64_field(6, chunk.len() as i64);
        encoder.i64_field(7, self.declared_length.unwrap_or(chunk.len() as i64));
        encoder.i64_field(9, 4);
        encoder.end_struct();
        encoder.end_struct();
        encoder.i64_field(3, self.num_rows);
        encoder.end_struct();
        encoder.end_struct();
        let footer = encoder.bytes;
        [MAGIC.as_slice(), chunk, &footer, &(footer.len() as u32).to_le_bytes(), MAGIC].concat()
    }

    fn read(&self, chunk: &[u8]) -> Collect {
        read_stream(&self.file(chunk), usize::MAX).0
    }
}

/// Encodes a page header. `kind` 0 is a data page v1 and 2 a dictionary page.
fn header(kind: i32, uncompressed: i32, compressed: i32, num_values: i32, encoding: i32) -> Vec<u8> {
    let mut encoder = Encoder::new();
    encoder.i32_field(1, kind);
    encoder.i32_field(2, uncompressed);
    encoder.i32_field(3, compressed);
    encoder.field(if kind == 2 { 7 } else { 5 }, STRUCT);
    encoder.begin_struct();
    encoder.i32_field(1, num_values);
    encoder.i32_field(2, encoding);
    if kind == 0 {
        encoder.i32_field(3, 3);
        encoder.i32_field(4, 3);
    }
    encoder.end_struct();
    encoder.end_struct();
    encoder.bytes
}

fn plain(values: &[&[u8]]) -> Vec<u8> {
    values.iter().flat_map(|value| [(value.len() as u32).to_le_bytes().as_slice(), value].concat()).collect()
}

fn page(kind: i32, num_values: i32, encoding: i32, data: &[u8]) -> Vec<u8> {
    [header(kind, data.len() as i32, data.len() as i32, num_values, encoding), data.to_vec()].concat()
}

/// Returns the only finding's code and rule.
fn only(sink: &Collect) -> (Code, &'static str) {
    assert_eq!(sink.findings.len(), 1, "{:?}", sink.findings);
    (sink.findings[0].code, sink.findings[0].rule.unwrap_or("none"))
}

#[test]
fn encoder_output_decodes() {
    let mut encoder = Encoder::new();
    encoder.i32_field(1, -7);
    encoder.i64_field(3, 1 << 40);
    encoder.field(20, STRUCT);
    encoder.begin_struct();
    encoder.binary_field(2, b"inner");
    encoder.end_struct();
    encoder.field(21, LIST);
    encoder.list_header(16, I32);
    (0..16).for_each(|value| encoder.zigzag(value));
    encoder.end_struct();

    let mut decoder = super::thrift::Decoder::new(&encoder.bytes);
    let mut last_id = 0;
    assert_eq!(decoder.field_header(&mut last_id).unwrap(), Some((1, I32)));
    assert_eq!(decoder.i32().unwrap(), -7);
    assert_eq!(decoder.field_header(&mut last_id).unwrap(), Some((3, super::thrift::I64)));
    assert_eq!(decoder.zigzag().unwrap(), 1 << 40);
    assert_eq!(decoder.field_header(&mut last_id).unwrap(), Some((20, STRUCT)));
    let mut inner_id = 0;
    assert_eq!(decoder.field_header(&mut inner_id).unwrap(), Some((2, BINARY)));
    assert_eq!(decoder.string().unwrap(), "inner");
    assert_eq!(decoder.field_header(&mut inner_id).unwrap(), None);
    assert_eq!(decoder.field_header(&mut last_id).unwrap(), Some((21, LIST)));
    assert_eq!(decoder.list_header().unwrap(), (16, I32));
    assert_eq!((0..16).map(|_| decoder.i32().unwrap()).collect::<Vec<_>>(), (0..16).collect::<Vec<_>>());
    assert_eq!(decoder.field_header(&mut last_id).unwrap(), None);
    assert_eq!(decoder.position, encoder.bytes.len());
}

#[test]
fn crafted_plain_page_read() {
    let sink = Crafted::default().read(&page(0, 2, 0, &plain(&[b"first", b"second"])));
    assert!(sink.findings.is_empty(), "{:?}", sink.findings);
    assert_eq!(values(&sink), [(1, 0, "first".to_owned()), (2, 0, "second".to_owned())]);
}

#[test]
fn truncated_chunk_reported() {
    let full = page(0, 2, 0, &plain(&[b"first", b"second"]));
    for cut in [1, 5, full.len() - 3] {
        let sink = Crafted::default().read(&full[..full.len() - cut]);
        assert_eq!(sink.findings.len(), 1, "cut {cut}: {:?}", sink.findings);
        assert_eq!(sink.findings[0].code, Code::ParquetInvalid, "cut {cut}");
        assert_eq!(sink.findings[0].location.column.as_deref(), Some("note"));
    }
    let sink = Crafted::default().read(&page(0, 1, 0, &plain(&[b"first"])));
    assert_eq!(only(&sink), (Code::ParquetInvalid, "value_count"));
    assert_eq!(values(&sink), [(1, 0, "first".to_owned())]);
}

#[test]
fn page_sizes_checked() {
    let data = plain(&[b"first", b"second"]);
    let too_long = [header(0, data.len() as i32, 1000, 2, 0), data.clone()].concat();
    assert_eq!(only(&Crafted::default().read(&too_long)), (Code::ParquetInvalid, "page_size"));

    let huge = [header(0, i32::MAX, data.len() as i32, 2, 0), data.clone()].concat();
    assert_eq!(only(&Crafted::default().read(&huge)), (Code::ParquetUnsupported, "page_limit"));

    let wrong = [header(0, data.len() as i32 + 1, data.len() as i32, 2, 0), data.clone()].concat();
    assert_eq!(only(&Crafted::default().read(&wrong)), (Code::ParquetInvalid, "decompress"));

    let negative = [header(0, -1, data.len() as i32, 2, 0), data.clone()].concat();
    assert_eq!(only(&Crafted::default().read(&negative)), (Code::ParquetInvalid, "page_header"));

    let many = MAX_PARQUET_PAGE_VALUES as i32 + 1;
    let crafted = Crafted { num_values: many as u64, num_rows: i64::from(many), ..Crafted::default() };
    assert_eq!(only(&crafted.read(&page(0, many, 0, &data))), (Code::ParquetUnsupported, "page_limit"));

    let more = Crafted::default().read(&page(0, 3, 0, &plain(&[b"a", b"b", b"c"])));
    assert_eq!(only(&more), (Code::ParquetInvalid, "value_count"));
    assert!(MAX_PARQUET_PAGE_BYTES < i32::MAX as usize);
}

#[test]
fn dictionary_pages_checked() {
    let dictionary = page(2, 2, 0, &plain(&[b"alpha", b"beta"]));
    // Bit width 1, then one bit-packed group of 8 indices: 1, 0, then padding.
    let indices = page(0, 2, 8, &[1, 0x03, 0b0000_0001]);
    let sink = Crafted::default().read(&[dictionary.clone(), indices.clone()].concat());
    assert!(sink.findings.is_empty(), "{:?}", sink.findings);
    assert_eq!(values(&sink), [(1, 0, "beta".to_owned()), (2, 0, "alpha".to_owned())]);

    // An RLE run of index 5, beyond the two entries.
    let beyond = page(0, 2, 8, &[3, 0x04, 5]);
    let sink = Crafted::default().read(&[dictionary.clone(), beyond].concat());
    assert_eq!(only(&sink), (Code::ParquetInvalid, "dictionary"));

    let sink = Crafted::default().read(&indices);
    assert_eq!(only(&sink), (Code::ParquetInvalid, "dictionary"));

    let twice = [dictionary.clone(), dictionary.clone(), indices.clone()].concat();
    assert_eq!(only(&Crafted::default().read(&twice)), (Code::ParquetInvalid, "dictionary"));

    let inflated = page(2, 1_000_000_000, 0, &plain(&[b"alpha"]));
    assert_eq!(only(&Crafted::default().read(&[inflated, indices.clone()].concat())), (Code::ParquetInvalid, "dictionary"));

    let wide = page(0, 2, 8, &[33, 0x04, 5]);
    assert_eq!(only(&Crafted::default().read(&[dictionary, wide].concat())), (Code::ParquetInvalid, "values"));
}

#[test]
fn definition_levels_mark_nulls() {
    // Levels 0, 1 as one bit-packed group (bit width 1), length-prefixed, then one value.
    let levels = [2u8, 0, 0, 0, 0x03, 0b0000_0010];
    let data = [levels.as_slice(), &plain(&[b"present"])].concat();
    let crafted = Crafted { repetition: 1, ..Crafted::default() };
    let sink = crafted.read(&page(0, 2, 0, &data));
    assert!(sink.findings.is_empty(), "{:?}", sink.findings);
    assert_eq!(values(&sink), [(2, 0, "present".to_owned())]);
    assert_eq!(sink.records, 2);

    let cut = [2u8, 0, 0, 0, 0x03];
    let sink = crafted.read(&page(0, 2, 0, &cut));
    assert_eq!(only(&sink), (Code::ParquetInvalid, "levels"));

    let long = [200u8, 0, 0, 0, 0x03];
    assert_eq!(only(&crafted.read(&page(0, 2, 0, &long))), (Code::ParquetInvalid, "levels"));

    // An RLE run of level 3, above the maximum of 1.
    let above = [2u8, 0, 0, 0, 0x04, 3];
    assert_eq!(only(&crafted.read(&page(0, 2, 0, &above))), (Code::ParquetInvalid, "levels"));
}

#[test]
fn repetition_levels_group_rows() {
    // Levels of a repeated column: repetition 0, 1, 0 and definition 1, 1, 1, as RLE runs.
    let levels = |repetitions: &[u8]| {
        let mut data = vec![repetitions.len() as u8 * 2, 0, 0, 0];
        repetitions.iter().for_each(|&level| data.extend([0x02, level]));
        data.extend([2, 0, 0, 0, 0x06, 0x01]);
        data
    };
    let crafted = Crafted { repetition: 2, num_values: 3, ..Crafted::default() };
    let data = [levels(&[0, 1, 0]), plain(&[b"a", b"b", b"c"])].concat();
    let sink = crafted.read(&page(0, 3, 0, &data));
    assert!(sink.findings.is_empty(), "{:?}", sink.findings);
    assert_eq!(values(&sink), [(1, 0, "a".to_owned()), (1, 0, "b".to_owned()), (2, 0, "c".to_owned())]);
    assert_eq!(sink.records, 2);

    let too_many_rows = [levels(&[0, 0, 0]), plain(&[b"a", b"b", b"c"])].concat();
    let sink = crafted.read(&page(0, 3, 0, &too_many_rows));
    assert_eq!(only(&sink), (Code::ParquetInvalid, "levels"));
    assert_eq!(values(&sink).len(), 2);

    let starts_inside = [levels(&[1, 0, 0]), plain(&[b"a", b"b", b"c"])].concat();
    assert_eq!(only(&crafted.read(&page(0, 3, 0, &starts_inside))), (Code::ParquetInvalid, "levels"));
}

#[test]
fn flat_chunk_rows_bounded_by_group() {
    let crafted = Crafted { num_values: 3, num_rows: 2, ..Crafted::default() };
    let sink = crafted.read(&page(0, 3, 0, &plain(&[b"a", b"b", b"hidden"])));
    assert_eq!(only(&sink), (Code::ParquetInvalid, "levels"));
    assert_eq!(values(&sink), [(1, 0, "a".to_owned()), (2, 0, "b".to_owned())]);
}

#[test]
fn plain_lengths_checked() {
    let mut data = plain(&[b"first"]);
    data.extend_from_slice(&u32::MAX.to_le_bytes());
    let sink = Crafted::default().read(&page(0, 2, 0, &data));
    assert_eq!(only(&sink), (Code::ParquetInvalid, "values"));
    assert_eq!(values(&sink), [(1, 0, "first".to_owned())]);
}

#[test]
fn delta_headers_checked() {
    // DELTA_LENGTH_BYTE_ARRAY whose header declares a billion lengths.
    let data = [0x80, 0x01, 0x04, 0x80, 0x94, 0xEB, 0xDC, 0x03, 0x00];
    assert_eq!(only(&Crafted::default().read(&page(0, 2, 6, &data))), (Code::ParquetInvalid, "values"));
    // A block size that is not a multiple of 128.
    let data = [0x05, 0x01, 0x02, 0x00];
    assert_eq!(only(&Crafted::default().read(&page(0, 2, 7, &data))), (Code::ParquetInvalid, "values"));
}

#[test]
fn unknown_encoding_unsupported() {
    let sink = Crafted::default().read(&page(0, 2, 9, &[0; 8]));
    assert_eq!(only(&sink), (Code::ParquetUnsupported, "encoding"));
}

#[test]
fn invalid_utf8_reported_and_replaced() {
    let sink = Crafted::default().read(&page(0, 2, 0, &plain(&[b"ok", b"bad \xFF"])));
    assert_eq!(only(&sink), (Code::InvalidEncoding, "none"));
    assert_eq!(values(&sink), [(1, 0, "ok".to_owned()), (2, 0, "bad \u{FFFD}".to_owned())]);
}

#[test]
fn compressed_pages_checked() {
    let data = plain(&[b"first", b"second"]);
    let compressed = snap::raw::Encoder::new().compress_vec(&data).unwrap();
    let snappy = Crafted { codec: SNAPPY, ..Crafted::default() };
    let good = [header(0, data.len() as i32, compressed.len() as i32, 2, 0), compressed.clone()].concat();
    assert_eq!(values(&snappy.read(&good)).len(), 2);
    let lie = [header(0, data.len() as i32 + 5, compressed.len() as i32, 2, 0), compressed].concat();
    assert_eq!(only(&snappy.read(&lie)), (Code::ParquetInvalid, "decompress"));

    let gzip = Crafted { codec: GZIP, ..Crafted::default() };
    let garbage = [header(0, data.len() as i32, 4, 2, 0), b"junk".to_vec()].concat();
    assert_eq!(only(&gzip.read(&garbage)), (Code::ParquetInvalid, "decompress"));
}

#[test]
fn chunk_outside_file_reported() {
    let chunk = page(0, 2, 0, &plain(&[b"first", b"second"]));
    for declared in [chunk.len() as i64 + 1000, i64::MAX] {
        let crafted = Crafted { declared_length: Some(declared), ..Crafted::default() };
        assert_eq!(only(&crafted.read(&chunk)), (Code::ParquetInvalid, "column_chunk"), "length {declared}");
    }
}

#[test]
fn rewrite_round_trips_every_fixture() {
    for name in FIXTURES.into_iter().filter(|name| !["nested-list", "notes-lz4"].contains(name)) {
        let (bytes, expected) = fixture(name);
        for compression in [Compression::None, Compression::Snappy] {
            let options = RewriteOptions { compression };
            let mut seen = Vec::new();
            let output = rewrite(&bytes, &options, &mut |cell, text| {
                seen.push((cell.record, cell.column, text.to_owned()));
                (cell.column == 0).then(|| format!("[{}]", cell.record))
            })
            .unwrap();
            seen.sort();
            let mut sorted = expected.values.clone();
            sorted.sort();
            assert_eq!(seen, sorted, "{name}: edit calls");

            let (sink, records) = read_stream(&output, usize::MAX);
            assert!(sink.findings.is_empty(), "{name}: {:?}", sink.findings);
            assert_eq!(sink.columns, expected.columns, "{name}");
            assert_eq!(records, expected.rows, "{name}");
            let edited: Vec<(u64, usize, String)> = expected
                .values
                .iter()
                .map(|(row, column, text)| {
                    let text = if *column == 0 { format!("[{row}]") } else { text.clone() };
                    (*row, *column, text)
                })
                .collect();
            assert_eq!(values(&sink), edited, "{name} {compression:?}");
        }
    }
}

#[test]
fn rewrite_keeps_other_columns_and_schema() {
    let (bytes, _) = fixture("patients-dict-v1-pages");
    let output = rewrite(&bytes, &RewriteOptions::default(), &mut |_, _| None).unwrap();
    let input_file = ParquetFile::open(&bytes[..4], &bytes, bytes.len() as u64).unwrap();
    let output_file = ParquetFile::open(&output[..4], &output, output.len() as u64).unwrap();
    assert_eq!(output_file.metadata().leaves, input_file.metadata().leaves);
    assert_eq!(output_file.row_group_count(), input_file.row_group_count());
    // The LAT and VISITS columns are copied byte for byte.
    for group in 0..input_file.row_group_count() {
        for column in [10, 11] {
            let old = &input_file.metadata().row_groups[group].chunks[column];
            let new = &output_file.metadata().row_groups[group].chunks[column];
            let old_bytes = &bytes[old.range().unwrap().start as usize..old.range().unwrap().end as usize];
            let new_bytes = &output[new.range().unwrap().start as usize..new.range().unwrap().end as usize];
            assert_eq!(old_bytes, new_bytes, "group {group} column {column}");
            assert_eq!(old.codec, new.codec);
        }
    }
}

#[test]
fn rewrite_drops_statistics() {
    let (bytes, _) = fixture("notes-plain-v1");
    let secret = "092-59-2889";
    assert!(bytes.windows(secret.len()).any(|window| window == secret.as_bytes()));
    let output = rewrite(&bytes, &RewriteOptions { compression: Compression::None }, &mut |_, text| {
        text.contains(secret).then(|| text.replace(secret, "[SSN]"))
    })
    .unwrap();
    assert!(!output.windows(secret.len()).any(|window| window == secret.as_bytes()), "SSN left in the output");
}

#[test]
fn rewrite_rejects_unreadable_text_columns() {
    let (bytes, _) = fixture("nested-list");
    let error = rewrite(&bytes, &RewriteOptions::default(), &mut |_, _| None).unwrap_err();
    assert_eq!((error.code, error.rule), (Code::ParquetUnsupported, Some("nested")));

    let (bytes, _) = fixture("notes-lz4");
    let error = rewrite(&bytes, &RewriteOptions::default(), &mut |_, _| None).unwrap_err();
    assert_eq!((error.code, error.rule), (Code::ParquetUnsupported, Some("codec")));

    let error = rewrite(b"PAR1", &RewriteOptions::default(), &mut |_, _| None).unwrap_err();
    assert_eq!((error.code, error.rule), (Code::ParquetInvalid, Some("footer_length")));

    let bad = Crafted::default().file(&page(0, 2, 0, &plain(&[b"first"])));
    let error = rewrite(&bad, &RewriteOptions::default(), &mut |_, _| None).unwrap_err();
    assert_eq!((error.code, error.rule), (Code::ParquetInvalid, Some("values")));
}

#[test]
fn rewrite_fixed_length_needs_same_length() {
    let fixed = Crafted { physical_type: metadata::FIXED_LEN_BYTE_ARRAY, ..Crafted::default() };
    let file = fixed.file(&page(0, 2, 0, b"abcdef"));
    assert_eq!(values(&read_stream(&file, usize::MAX).0), [(1, 0, "abc".to_owned()), (2, 0, "def".to_owned())]);
    let output = rewrite(&file, &RewriteOptions::default(), &mut |_, _| Some("xyz".to_owned())).unwrap();
    assert_eq!(values(&read_stream(&output, usize::MAX).0), [(1, 0, "xyz".to_owned()), (2, 0, "xyz".to_owned())]);
    let error = rewrite(&file, &RewriteOptions::default(), &mut |_, _| Some("[X]!".to_owned())).unwrap_err();
    assert_eq!(error.rule, Some("fixed_length"));
}

#[test]
fn rewrite_splits_large_columns_into_pages() {
    let (bytes, _) = fixture("notes-plain-v1");
    let long = "x".repeat(300_000);
    let output = rewrite(&bytes, &RewriteOptions::default(), &mut |_, _| Some(long.clone())).unwrap();
    let file = ParquetFile::open(&output[..4], &output, output.len() as u64).unwrap();
    let chunk = &file.metadata().row_groups[0].chunks[0];
    assert!(chunk.total_uncompressed_size > 3_000_000);
    let (sink, _) = read_stream(&output, usize::MAX);
    assert!(sink.findings.is_empty(), "{:?}", sink.findings);
    assert!(sink.values.iter().all(|(_, text, _)| text.len() == 300_000));
    let pages = sink.values.iter().map(|(_, _, location)| location.offset).collect::<std::collections::BTreeSet<_>>();
    assert!(pages.len() > 7, "{} pages", pages.len());
}

#[test]
fn stream_limit_keeps_footer_checks() {
    let (bytes, expected) = fixture("notes-plain-v1");
    let footer_length = u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap()) as usize;
    let (body, footer) = bytes.split_at(bytes.len() - 8 - footer_length);
    let mut reader = ParquetReader::new();
    let mut sink = Collect::default();
    reader.feed(body, &mut sink);
    let filler = vec![0u8; 1 << 20];
    for _ in 0..=(crate::limits::MAX_PARQUET_STREAM_BYTES >> 20) {
        reader.feed(&filler, &mut sink);
    }
    reader.feed(footer, &mut sink);
    reader.finish(&mut sink);
    assert_eq!(sink.columns, expected.columns);
    assert_eq!(reader.records(), expected.rows);
    assert!(sink.values.is_empty());
    assert_eq!(codes(&sink), [(Code::ParquetUnsupported, "stream_limit")]);
    assert_eq!(sink.findings[0].severity, Severity::Warning);
}

#[test]
fn large_row_group_emitted_by_column() {
    let (bytes, expected) = fixture("notes-plain-v1");
    let mut file = ParquetFile::open(&bytes[..4], &bytes, bytes.len() as u64).unwrap();
    file.set_row_group_text_limit(100);
    let mut sink = Collect::default();
    file.start(&mut sink);
    let range = file.row_group_range(0).unwrap();
    file.read_row_group(0, &bytes[range.start as usize..range.end as usize], &mut sink);

    assert_eq!(codes(&sink), [(Code::ParquetUnsupported, "row_group_limit")]);
    assert_eq!(sink.records as u64, expected.rows);
    let mut by_column = expected.values.clone();
    by_column.sort_by_key(|&(row, column, _)| (column, row));
    assert_eq!(values(&sink), by_column);
}

#[test]
fn large_row_group_reports_once() {
    let file = Crafted::default().file(&page(0, 2, 0, &plain(&[b"first", b"bad \xFF"])));
    let mut parquet = ParquetFile::open(&file[..4], &file, file.len() as u64).unwrap();
    parquet.set_row_group_text_limit(3);
    let mut sink = Collect::default();
    parquet.start(&mut sink);
    let range = parquet.row_group_range(0).unwrap();
    parquet.read_row_group(0, &file[range.start as usize..range.end as usize], &mut sink);
    assert_eq!(codes(&sink), [(Code::ParquetUnsupported, "row_group_limit"), (Code::InvalidEncoding, "none")]);
    assert_eq!(values(&sink).len(), 2);
}
