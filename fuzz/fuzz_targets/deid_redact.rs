//! Redacts arbitrary bytes as CSV, JSON, JSON Lines, Parquet or text and checks the redactor's
//! promises.
//!
//! The first input byte picks the format (low two bits), the operator for every type (next
//! three bits) and where the rest is split (high three bits). The rest is redacted as Parquet
//! when it starts with the Parquet magic `PAR1`, whatever the format bits. Redacting in two
//! chunks must give the same output and report (or the same error) as one chunk. When the input
//! reads without errors and the report is complete, the output must read without errors too,
//! with the same number of records. A Parquet file may be rejected as unreadable, but with no
//! other error.

#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use techdeck_guard::dataset::{self, Format, ReaderOptions, Sink, Value};
use techdeck_guard::deid::{Input, Key, Operators, RedactOptions, Redactor, SafeHarborReport};
use techdeck_guard::phi::{ScanOptions, Scanner};
use techdeck_guard::{Error, ErrorCode, Finding, Severity};

const OPERATORS: [&str; 8] = ["tag", "mask", "remove", "hash", "pseudonym", "surrogate", "shift", "keep"];

fn scanner() -> Arc<Scanner> {
    static SCANNER: OnceLock<Arc<Scanner>> = OnceLock::new();
    Arc::clone(SCANNER.get_or_init(|| Arc::new(Scanner::new(&ScanOptions::default()).expect("default options"))))
}

fn redact(input: Input, options: &RedactOptions, data: &[u8], split: usize) -> Result<(Vec<u8>, SafeHarborReport), Error> {
    let mut redactor = Redactor::new(input, scanner(), options.clone()).expect("options are valid");
    let mut out = Vec::new();
    let (first, second) = data.split_at(split);
    redactor.feed(first, &mut out);
    redactor.feed(second, &mut out);
    let report = redactor.finish(&mut out)?;
    Ok((out, report))
}

/// Counts records and error findings.
#[derive(Default)]
struct Counts {
    records: u64,
    errors: u64,
}

impl Sink for Counts {
    fn value(&mut self, _value: &Value<'_>) {}

    fn record_end(&mut self) {
        self.records += 1;
    }

    fn finding(&mut self, finding: Finding) {
        if finding.severity == Severity::Error {
            self.errors += 1;
        }
    }
}

fn counts(format: Format, data: &[u8]) -> Counts {
    let mut reader = dataset::reader(format, &ReaderOptions::default());
    let mut counts = Counts::default();
    reader.feed(data, &mut counts);
    reader.finish(&mut counts);
    counts
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, data)) = data.split_first() else { return };
    let input = match control & 0b11 {
        _ if data.starts_with(b"PAR1") => Input::Dataset(Format::Parquet),
        0 => Input::Dataset(Format::Csv),
        1 => Input::Dataset(Format::Json),
        2 => Input::Dataset(Format::Jsonl),
        _ => Input::Text,
    };
    let mut operators = Operators::default();
    operators.apply_setting(&format!("*={}", OPERATORS[usize::from(control >> 2 & 0b111)])).expect("known operator");
    operators.subject_field = Some("client_id".to_owned());
    let options = RedactOptions { operators, key: Some(Key::from_bytes(&[3; 32]).expect("32 bytes")), ..RedactOptions::default() };
    let split = data.len() * usize::from(control >> 5) / 7;

    let split_result = redact(input, &options, data, split);
    let whole_result = redact(input, &options, data, data.len());
    assert_eq!(split_result, whole_result, "a chunk boundary changed the output or report");
    let (whole_out, whole_report) = match whole_result {
        Ok(result) => result,
        Err(error) => {
            assert_eq!(input, Input::Dataset(Format::Parquet), "only Parquet redaction fails: {error}");
            assert_eq!(error.code(), ErrorCode::ParquetUnreadable, "{error}");
            return;
        }
    };

    let Input::Dataset(format) = input else { return };
    let before = counts(format, data);
    if before.errors == 0 && whole_report.complete {
        let after = counts(format, &whole_out);
        assert_eq!(after.errors, 0, "the output of a valid input does not read");
        assert_eq!(after.records, before.records, "the output has another number of records");
    }
});
