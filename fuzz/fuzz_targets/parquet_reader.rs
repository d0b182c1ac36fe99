//! Feeds arbitrary bytes to the Parquet reader in two chunks and checks the reader's invariants,
//! then rewrites the same bytes and reads the output back.
//!
//! The first input byte picks where the rest is split. The same bytes are also read in one
//! chunk, and both reads must agree.

#![no_main]

use libfuzzer_sys::fuzz_target;
use techdeck_guard::dataset::parquet::{rewrite, ParquetReader, RewriteOptions};
use techdeck_guard::dataset::{Field, Reader, Sink, Value, ValueKind};
use techdeck_guard::{Code, Finding};

#[derive(Debug, Default, PartialEq)]
struct Checked {
    input_len: u64,
    columns: Option<Vec<String>>,
    values: Vec<(u64, usize, String)>,
    record_ends: u64,
    findings: Vec<Finding>,
}

impl Sink for Checked {
    fn value(&mut self, value: &Value<'_>) {
        let columns = self.columns.as_ref().expect("a value before the columns");
        assert_eq!(value.kind, ValueKind::String);
        assert_eq!(value.line, 0, "Parquet values have no line");
        assert!(value.offset < self.input_len, "value offset {} beyond the input", value.offset);
        let record = value.record.expect("a value without a record");
        assert!(record > self.record_ends, "record {record} after {} record ends", self.record_ends);
        let Field::Column { index, name } = value.field else { panic!("a value without a column") };
        assert_eq!(name, Some(columns[index].as_str()));
        self.values.push((record, index, value.text.to_owned()));
    }

    fn columns(&mut self, names: &[String]) {
        assert!(self.columns.is_none(), "columns reported twice");
        self.columns = Some(names.to_vec());
    }

    fn record_end(&mut self) {
        assert!(self.columns.is_some(), "a record end before the columns");
        self.record_ends += 1;
    }

    fn finding(&mut self, finding: Finding) {
        let expected = [Code::ParquetInvalid, Code::ParquetUnsupported, Code::InvalidEncoding];
        assert!(expected.contains(&finding.code), "unexpected finding {finding:?}");
        assert!(finding.rule.is_some() || finding.code == Code::InvalidEncoding, "finding without a rule");
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
    match &sink.columns {
        // Every row of every row group ends, even when some of its columns could not be read.
        Some(_) => assert_eq!(sink.record_ends, reader.records(), "record ends and rows differ"),
        None => {
            assert_eq!(sink.findings.len(), 1, "a file without columns has one finding: {:?}", sink.findings);
            assert_eq!(reader.records(), 0, "rows counted in an invalid file");
        }
    }
    (sink, reader.records())
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, input)) = data.split_first() else { return };
    let split = input.len() * usize::from(control) / 255;
    let split_read = read(input, split);
    let whole_read = read(input, input.len());
    assert_eq!(split_read, whole_read, "a chunk boundary changed the result");

    // A rewrite that succeeds reads back without an invalid finding, with the same rows and
    // the edited values.
    let mut edits = 0u64;
    let rewritten = rewrite(input, &RewriteOptions::default(), &mut |_, text| {
        edits += 1;
        Some(format!("<{}>", text.len()))
    });
    if let Ok(output) = rewritten {
        let (sink, records) = read(&output, output.len());
        assert_eq!(records, whole_read.1, "the rewrite changed the row count");
        assert!(
            sink.findings.iter().all(|finding| finding.code != Code::ParquetInvalid),
            "the rewrite wrote an invalid file: {:?}",
            sink.findings
        );
        assert_eq!(sink.values.len() as u64, edits, "values read back and edits differ");
        assert!(sink.values.iter().all(|(_, _, text)| text.starts_with('<')), "an unedited value");
    }
});
