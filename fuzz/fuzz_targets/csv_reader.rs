//! Feeds arbitrary bytes to the CSV reader in two chunks and checks the reader's invariants.
//!
//! The first input byte picks the delimiter option (low two bits) and where the rest is split
//! (high six bits). The same bytes are also read in one chunk, and both reads must agree, so
//! a chunk boundary can never change what the reader reports.

#![no_main]

use libfuzzer_sys::fuzz_target;
use techdeck_guard::dataset::csv::CsvReader;
use techdeck_guard::dataset::{Field, Reader, Sink, Value};
use techdeck_guard::limits::MAX_VALUE_BYTES;
use techdeck_guard::Finding;

/// Everything the reader reported, checked against the input as it arrives.
#[derive(Debug, PartialEq)]
struct Checked {
    input_len: u64,
    /// Physical lines in the input: line ends (CRLF counted once) plus one.
    max_line: u64,
    values: Vec<(String, u64, u64, Option<u64>, usize)>,
    columns: Option<Vec<String>>,
    records_ended: u64,
    findings: Vec<Finding>,
}

impl Checked {
    fn new(input: &[u8]) -> Self {
        let line_ends = input
            .iter()
            .enumerate()
            .filter(|&(at, &byte)| byte == b'\r' || (byte == b'\n' && (at == 0 || input[at - 1] != b'\r')))
            .count();
        Checked {
            input_len: input.len() as u64,
            max_line: line_ends as u64 + 1,
            values: Vec::new(),
            columns: None,
            records_ended: 0,
            findings: Vec::new(),
        }
    }
}

impl Sink for Checked {
    fn value(&mut self, value: &Value<'_>) {
        assert!(value.offset <= self.input_len, "offset {} beyond input of {}", value.offset, self.input_len);
        assert!((1..=self.max_line).contains(&value.line), "line {} outside 1..={}", value.line, self.max_line);
        assert!(value.text.len() <= MAX_VALUE_BYTES * 3, "value of {} bytes", value.text.len());
        assert!(self.columns.is_some(), "value before the header");
        let Some(record) = value.record else {
            // A header name too long to keep as a column name is still checked, as a value
            // without a record that comes after the header and before any data.
            assert_eq!(self.records_ended, 0, "header value after a data record");
            assert!(self.values.is_empty(), "header value after a data value");
            return;
        };
        assert_eq!(record, self.records_ended + 1, "record number out of order");
        let Field::Column { index, name } = value.field else { panic!("CSV values have a column") };
        let columns = self.columns.as_deref().unwrap_or_default();
        assert_eq!(name, columns.get(index).map(String::as_str), "column name does not match the header");
        if let Some((_, line, offset, previous_record, previous_index)) = self.values.last() {
            assert!(offset < &value.offset || (offset == &value.offset && value.text.is_empty()), "offsets go back");
            assert!(line <= &value.line, "lines go back");
            if *previous_record == Some(record) {
                assert_eq!(previous_index + 1, index, "column index skipped");
            } else {
                assert_eq!(index, 0, "record does not start at column 0");
            }
        }
        self.values.push((value.text.to_owned(), value.line, value.offset, value.record, index));
    }

    fn columns(&mut self, names: &[String]) {
        assert!(self.columns.is_none(), "columns reported twice");
        self.columns = Some(names.to_vec());
    }

    fn record_end(&mut self) {
        self.records_ended += 1;
    }

    fn finding(&mut self, finding: Finding) {
        let location = &finding.location;
        if let Some(offset) = location.offset {
            assert!(offset <= self.input_len, "finding offset {offset} beyond input of {}", self.input_len);
        }
        if let Some(line) = location.line {
            assert!((1..=self.max_line).contains(&line), "finding line {line} outside 1..={}", self.max_line);
        }
        if let Some(record) = location.record {
            assert!(record >= 1, "finding record 0");
            assert!(record <= self.records_ended + 1, "finding record {record} after the current record");
        }
        assert!(!finding.message.is_empty());
        self.findings.push(finding);
    }
}

fn read(input: &[u8], delimiter: Option<u8>, split: usize) -> (Checked, u64) {
    let mut reader = CsvReader::new(delimiter);
    let mut sink = Checked::new(input);
    let (first, second) = input.split_at(split);
    reader.feed(first, &mut sink);
    reader.feed(second, &mut sink);
    reader.finish(&mut sink);
    assert_eq!(reader.records(), sink.records_ended, "records() differs from record_end calls");
    (sink, reader.records())
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, input)) = data.split_first() else { return };
    let delimiter = match control & 0b11 {
        0 => None,
        1 => Some(b','),
        2 => Some(b';'),
        _ => Some(b'\t'),
    };
    let split = input.len() * usize::from(control >> 2) / 63;
    let (split_read, _) = read(input, delimiter, split);
    let (whole_read, _) = read(input, delimiter, input.len());
    assert_eq!(split_read, whole_read, "a chunk boundary changed the result");
});
