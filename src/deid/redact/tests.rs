use std::collections::HashMap;

use super::*;
use crate::dataset::{Field, ReaderOptions};
use crate::deid::dataset::{DatasetScan, PhiLocation};
use crate::deid::operators::KEY_LEN;
use crate::error::ErrorCode;
use crate::phi::ScanOptions;

pub(super) fn scanner() -> Arc<Scanner> {
    Arc::new(Scanner::new(&ScanOptions::default()).unwrap())
}

pub(super) fn options(settings: &[&str], subject: Option<&str>) -> RedactOptions {
    let mut operators = Operators::default();
    for setting in settings {
        operators.apply_setting(setting).unwrap();
    }
    operators.subject_field = subject.map(str::to_owned);
    RedactOptions { operators, key: Some(Key::from_bytes(&[5; KEY_LEN]).unwrap()), ..RedactOptions::default() }
}

pub(super) fn redact_at(input: Input, bytes: &[u8], options: &RedactOptions, chunk: usize) -> (Vec<u8>, SafeHarborReport) {
    let mut redactor = Redactor::new(input, scanner(), options.clone()).unwrap();
    let mut out = Vec::new();
    for part in bytes.chunks(chunk.max(1)) {
        redactor.feed(part, &mut out);
    }
    let report = redactor.finish(&mut out).unwrap();
    (out, report)
}

/// Redacts at several chunk sizes, checks that they agree and returns the output as text.
fn redact(input: Input, text: &str, options: &RedactOptions) -> (String, SafeHarborReport) {
    let (whole, report) = redact_at(input, text.as_bytes(), options, usize::MAX);
    for chunk in [1, 2, 3, 7, 64] {
        let (part, part_report) = redact_at(input, text.as_bytes(), options, chunk);
        assert_eq!(String::from_utf8_lossy(&part), String::from_utf8_lossy(&whole), "chunk {chunk}");
        assert_eq!(part_report, report, "report at chunk {chunk}");
    }
    (String::from_utf8(whole).unwrap(), report)
}

const CSV: Input = Input::Dataset(Format::Csv);
const JSON: Input = Input::Dataset(Format::Json);
const JSONL: Input = Input::Dataset(Format::Jsonl);

#[test]
fn csv_keeps_layout_and_quoting() {
    let input = "\u{FEFF}id;client_name;note\r\n1;\"Ann Lee\";\"a@b.org; \"\"hi\"\"\"\r\n\r\n2;;ssn 123-45-6789\r\n3;Bo;plain";
    let (out, report) = redact(CSV, input, &RedactOptions::default());
    assert_eq!(
        out,
        "\u{FEFF}id;client_name;note\r\n1;\"[NAME]\";\"[EMAIL]; \"\"hi\"\"\"\r\n\r\n2;;ssn [SSN]\r\n3;[NAME];plain"
    );
    assert!(report.complete);
    assert_eq!((report.records, report.values, report.changed_values), (3, 9, 4));
    let found: Vec<_> = report.types.iter().map(|count| (count.kind.code(), count.found, count.changed)).collect();
    assert_eq!(found, [("NAME", 2, 2), ("EMAIL", 1, 1), ("SSN", 1, 1)]);
}

#[test]
fn csv_quotes_new_text_when_needed() {
    let options = options(&["EMAIL=remove"], None);
    let (out, _) = redact(CSV, "only\na@b.org\n", &options);
    assert_eq!(out, "only\n\"\"\n");
    let mut options = RedactOptions::default();
    options.operators.apply_setting("EMAIL=keep").unwrap();
    let (out, report) = redact(CSV, "e\na@b.org\n", &options);
    assert_eq!(out, "e\na@b.org\n");
    assert_eq!((report.types[0].found, report.types[0].changed, report.types[0].operator), (1, 0, "keep"));
}

#[test]
fn json_keeps_keys_whitespace_and_numbers() {
    let input = "[\n  {\"ssn\": \"123-45-6789\", \"mrn\": 120034, \"n\": 5, \"age\": 91,\n   \"note\": \"mail \\\"a@b.org\\\" \\u00e9\"},\n  {\"x\": [true, null]}\n]\n";
    let (out, report) = redact(JSON, input, &options(&["AGE_OVER_89=surrogate", "MRN=mask"], None));
    assert_eq!(
        out,
        "[\n  {\"ssn\": \"[SSN]\", \"mrn\": \"******\", \"n\": 5, \"age\": \"90+\",\n   \"note\": \"mail \\\"[EMAIL]\\\" é\"},\n  {\"x\": [true, null]}\n]\n"
    );
    assert!(report.complete);
    let locations: Vec<_> = report.locations.iter().map(|count| (count.location.as_str(), count.kind.code())).collect();
    assert_eq!(locations, [("/*/age", "AGE_OVER_89"), ("/*/mrn", "MRN"), ("/*/note", "EMAIL"), ("/*/ssn", "SSN")]);
}

#[test]
fn json_number_stays_number_when_replacement_is_one() {
    let (out, _) = redact(JSON, "{\"mrn\": 120034}", &options(&["MRN=surrogate"], None));
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(value["mrn"].is_u64(), "{out}");
    assert_ne!(value["mrn"], 120034);
}

#[test]
fn jsonl_lines_stay_lines() {
    let input = "{\"turns\": [{\"speaker\": \"client\", \"text\": \"ssn 123-45-6789\"}]}\n\n{\"email\": \"x@y.org\"}\n";
    let (out, report) = redact(JSONL, input, &RedactOptions::default());
    assert_eq!(out, "{\"turns\": [{\"speaker\": \"client\", \"text\": \"ssn [SSN]\"}]}\n\n{\"email\": \"[EMAIL]\"}\n");
    assert_eq!(report.records, 2);
}

#[test]
fn dates_shift_per_subject() {
    let input = "session_date,client_id,note\n2023-03-01,c1,x\n2023-03-11,c1,x\n2023-03-01,c2,x\n03/21/2023,c1,x\n";
    let options = options(&["DATE=shift", "OTHER_ID=keep"], Some("client_id"));
    let (out, report) = redact(CSV, input, &options);
    let days = |line: &str| crate::deid::dates::parse(line.split(',').next().unwrap()).unwrap().days();
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(days(lines[1]) - days(lines[0]), 10);
    assert_eq!(days(lines[3]) - days(lines[0]), 20);
    assert!(lines[3].contains('/'), "{out}");
    assert_ne!(days(lines[0]), crate::deid::dates::parse("2023-03-01").unwrap().days());
    assert_eq!(report.dates_without_subject, 0);
    assert!(lines.iter().all(|line| line.ends_with(",x")));
}

#[test]
fn dates_without_subject_are_counted() {
    let input = r#"[{"dob": "2001-02-03"}, {"dob": "2001-02-04", "client_id": "c9"}]"#;
    let (out, report) = redact(JSON, input, &options(&["DATE=shift", "OTHER_ID=keep"], Some("client_id")));
    assert_eq!(report.dates_without_subject, 1);
    assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
}

#[test]
fn text_redaction_keeps_other_bytes() {
    let input = "line one a@b.org\nssn 123-45-6789 \u{FF}\n";
    let mut bytes = input.as_bytes().to_vec();
    let at = bytes.len() - 3;
    bytes[at] = 0xFF;
    let (out, report) = redact_at(Input::Text, &bytes, &RedactOptions::default(), 5);
    let mut expected = b"line one [EMAIL]\nssn [SSN] \xFF".to_vec();
    expected.extend_from_slice(&bytes[at + 1..]);
    assert_eq!(out, expected);
    assert_eq!(report.format, "text");
}

#[test]
fn unread_values_make_report_incomplete() {
    let (_, report) = redact(JSONL, "{\"a\": \"123-45-6789\"}\n{\"a\": 1,,}\n", &RedactOptions::default());
    assert!(!report.complete);
    assert_eq!(report.problems[0].code, crate::Code::JsonlInvalidLine);
}

#[test]
fn missing_key_rejected() {
    let mut options = options(&["NAME=pseudonym"], None);
    options.key = None;
    assert_eq!(Redactor::new(CSV, scanner(), options).unwrap_err().code(), ErrorCode::InvalidKey);
}

#[test]
fn finish_twice_fails() {
    let mut redactor = Redactor::new(CSV, scanner(), RedactOptions::default()).unwrap();
    let mut out = Vec::new();
    redactor.finish(&mut out).unwrap();
    assert_eq!(redactor.finish(&mut out).unwrap_err().code(), ErrorCode::AlreadyFinished);
}

/// Every value of a dataset by location, for comparing input and output.
struct Values {
    format: Format,
    columns: Vec<String>,
    by_location: HashMap<String, String>,
    records: u64,
    errors: usize,
}

impl Sink for Values {
    fn value(&mut self, value: &Value<'_>) {
        if value.kind == ValueKind::Key || value.record.is_none() && self.format == Format::Csv {
            return;
        }
        let key = match value.field {
            Field::Column { index, name } => format!("{}/{}", value.record.unwrap_or(0), dataset::column_label(index, name)),
            Field::Pointer(pointer) if self.format == Format::Jsonl => format!("{}{pointer}", value.line),
            Field::Pointer(pointer) => pointer.to_owned(),
        };
        self.by_location.insert(key, value.text.to_owned());
    }

    fn columns(&mut self, names: &[String]) {
        self.columns = names.to_vec();
    }

    fn record_end(&mut self) {
        self.records += 1;
    }

    fn finding(&mut self, finding: Finding) {
        if finding.severity == crate::Severity::Error {
            self.errors += 1;
        }
    }
}

fn read_values(format: Format, bytes: &[u8]) -> Values {
    let mut reader = dataset::reader(format, &ReaderOptions::default());
    let mut values = Values { format, columns: Vec::new(), by_location: HashMap::new(), records: 0, errors: 0 };
    reader.feed(bytes, &mut values);
    reader.finish(&mut values);
    values
}

fn location_key(location: &PhiLocation) -> String {
    match location {
        PhiLocation::Cell { row, column } => format!("{row}/{column}"),
        PhiLocation::Line { line, pointer } => format!("{line}{pointer}"),
        PhiLocation::Pointer { pointer } => pointer.clone(),
        PhiLocation::Text {} => String::new(),
    }
}

/// Checks that the output parses like the input and that no value with a finding still
/// contains the found text.
pub(crate) fn assert_redacted(format: Format, input: &[u8], output: &[u8]) {
    let before = read_values(format, input);
    let after = read_values(format, output);
    assert_eq!(after.errors, before.errors, "output has new reader errors");
    assert_eq!(after.records, before.records, "record count changed");
    assert_eq!(after.columns, before.columns, "header changed");
    assert_eq!(after.by_location.len(), before.by_location.len(), "value count changed");

    let mut scan = DatasetScan::new(format, scanner(), &DatasetOptions::default());
    let mut findings = scan.feed(input);
    findings.extend(scan.finish().unwrap());
    for finding in findings {
        let key = location_key(&finding.location);
        let original = before.by_location.get(&key).expect("finding at a known value");
        let found = &original[finding.start..finding.end];
        let redacted = after.by_location.get(&key).expect("value still present");
        assert!(!redacted.contains(found), "found text left at {key}");
    }
}

#[test]
fn fixtures_round_trip() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let cases = [
        (Format::Csv, "csv/notes-sample.csv"),
        (Format::Csv, "csv/counsel-chat-200.csv"),
        (Format::Json, "json/intake-sample.json"),
        (Format::Jsonl, "jsonl/conversations-sample.jsonl"),
    ];
    for (format, path) in cases {
        let input = std::fs::read(format!("{root}/{path}")).unwrap();
        for settings in [&["*=tag"][..], &["*=mask"], &["*=surrogate", "NAME=pseudonym"], &["*=hash", "DATE=shift"]] {
            let options = options(settings, Some("client_id"));
            let (out, report) = redact_at(Input::Dataset(format), &input, &options, 4096);
            assert!(report.complete, "{path} {settings:?}");
            assert!(report.changed_values > 0, "{path} {settings:?}");
            assert_redacted(format, &input, &out);
        }
    }
}
