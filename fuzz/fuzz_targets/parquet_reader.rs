//! Feeds arbitrary bytes to the Parquet reader in two chunks and checks the reader's invariants.
//!
//! The first input byte picks where the rest is split. The same bytes are also read in one
//! chunk, and both reads must agree.

#![no_main]

use libfuzzer_sys::fuzz_target;
use techdeck_guard::dataset::parquet::ParquetReader;
use techdeck_guard::dataset::{Reader, Sink, Value};
use techdeck_guard::{Code, Finding};

#[derive(Debug, Default, PartialEq)]
struct Checked {
    input_len: u64,
    columns: Option<Vec<String>>,
    findings: Vec<Finding>,
}

impl Sink for Checked {
    fn value(&mut self, _value: &Value<'_>) {
        panic!("the Parquet reader emits no values yet");
    }

    fn columns(&mut self, names: &[String]) {
        assert!(self.columns.is_none(), "columns reported twice");
        self.columns = Some(names.to_vec());
    }

    fn record_end(&mut self) {
        panic!("the Parquet reader reports no record ends");
    }

    fn finding(&mut self, finding: Finding) {
        assert_eq!(finding.code, Code::ParquetInvalid);
        assert!(finding.rule.is_some(), "finding without a rule");
        if let Some(offset) = finding.location.offset {
            assert!(offset <= self.input_len, "finding offset {offset} beyond input of {}", self.input_len);
        }
        self.findings.push(finding);
    }
}

fn read(input: &[u8], split: usize) -> (Checked, u64) {
    let mut reader = ParquetReader::new();
    let mut sink = Checked { input_len: input.len() as u64, ..Checked::default() };
    let (first, second) = input.split_at(split);
    reader.feed(first, &mut sink);
    reader.feed(second, &mut sink);
    reader.finish(&mut sink);
    assert!(sink.findings.len() <= 1, "more than one finding: {:?}", sink.findings);
    assert_eq!(sink.columns.is_some(), sink.findings.is_empty(), "columns and findings both or neither");
    if !sink.findings.is_empty() {
        assert_eq!(reader.records(), 0, "rows counted in an invalid file");
    }
    (sink, reader.records())
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, input)) = data.split_first() else { return };
    let split = input.len() * usize::from(control) / 255;
    let split_read = read(input, split);
    let whole_read = read(input, input.len());
    assert_eq!(split_read, whole_read, "a chunk boundary changed the result");
});
