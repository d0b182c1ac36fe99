//! Property tests of the redactor: for generated CSV, JSON, JSON Lines and Parquet files, every
//! operator and any chunk size, the output parses like the input and no value still contains a
//! span that the scan found in it.
//!
//! Native only: proptest is not built for wasm32, where `wasm-pack test` compiles every test.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;
use std::sync::Arc;

use proptest::prelude::*;
use techdeck_guard::dataset::parquet::{rewrite, RewriteOptions};
use techdeck_guard::dataset::{self, column_label, Field, Format, ReaderOptions, Sink, Value, ValueKind};
use techdeck_guard::deid::{DatasetOptions, DatasetScan, Input, Key, Operators, PhiLocation, RedactOptions, Redactor};
use techdeck_guard::phi::{ScanOptions, Scanner};
use techdeck_guard::{Finding, Severity};

/// Columns with a name that classifies them and columns of free text.
const COLUMNS: [&str; 4] = ["client_name", "dob", "note", "text"];

/// Found text shorter than this is not looked for in the output, because a short word can
/// occur by chance inside a replacement (a hash's hex digits, a surrogate name).
const MIN_CHECKED_LEN: usize = 6;

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[g-z]{1,8}",
        2 => prop::sample::select(vec![" ", ", ", "; ", "\"", "\n", "\r\n", "é", "😬", "\\", "|", "\t"]).prop_map(str::to_owned),
        1 => "[g-z]{3,8}@[g-z]{3,6}\\.org",
        1 => "[1-8][0-9]{2}-[0-9]{2}-[0-9]{4}",
        1 => prop::sample::select(vec!["2023-03-01", "7/22/1988", "July 12, 2023"]).prop_map(str::to_owned),
    ]
}

fn cell() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..6).prop_map(|pieces| pieces.concat())
}

fn records() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec(cell(), COLUMNS.len()), 1..6)
}

fn csv(records: &[Vec<String>], delimiter: char, quote_all: bool) -> String {
    let field = |text: &str| {
        let needs = text.contains(['"', '\n', '\r', delimiter]) || quote_all;
        if needs {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    };
    let mut out = COLUMNS.join(&delimiter.to_string()) + "\r\n";
    for record in records {
        out.push_str(&record.iter().map(|text| field(text)).collect::<Vec<_>>().join(&delimiter.to_string()));
        out.push_str("\r\n");
    }
    out
}

fn object(record: &[String], spaced: bool) -> String {
    let separator = if spaced { ", " } else { "," };
    let members: Vec<String> = COLUMNS
        .iter()
        .zip(record)
        .map(|(name, text)| format!("\"{name}\":{}{}", if spaced { " " } else { "" }, serde_json::to_string(text).unwrap()))
        .collect();
    format!("{{{}}}", members.join(separator))
}

fn json(records: &[Vec<String>], spaced: bool) -> String {
    let objects: Vec<String> = records.iter().map(|record| object(record, spaced)).collect();
    format!("[\n  {}\n]\n", objects.join(",\n  "))
}

fn jsonl(records: &[Vec<String>], spaced: bool) -> String {
    records.iter().map(|record| object(record, spaced) + "\n").collect()
}

/// Rows and string columns of the Parquet template.
const PARQUET_ROWS: usize = 12;
const PARQUET_COLUMNS: usize = 7;

/// Returns a Parquet file with the schema of a pyarrow-written fixture (`client_name`,
/// `client_phone`, `note` and other string columns) and `cells` as its values, row by row.
fn parquet(cells: &[String]) -> Vec<u8> {
    let template = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/parquet/notes-plain-v1.parquet")).unwrap();
    let replace = &mut |cell: &dataset::parquet::Cell<'_>, _text: &str| {
        let row = usize::try_from(cell.record - 1).unwrap();
        Some(cells[row * PARQUET_COLUMNS + cell.column].clone())
    };
    rewrite(&template, &RewriteOptions::default(), replace).unwrap()
}

/// Every value of a dataset keyed like a finding's location.
struct Values {
    format: Format,
    by_location: HashMap<String, String>,
    records: u64,
    errors: usize,
}

impl Sink for Values {
    fn value(&mut self, value: &Value<'_>) {
        if value.kind == ValueKind::Key {
            return;
        }
        let key = match value.field {
            Field::Column { index, name } => match value.record {
                Some(row) => format!("{row}/{}", column_label(index, name)),
                None => return,
            },
            Field::Pointer(pointer) if self.format == Format::Jsonl => format!("{}{pointer}", value.line),
            Field::Pointer(pointer) => pointer.to_owned(),
        };
        self.by_location.insert(key, value.text.to_owned());
    }

    fn record_end(&mut self) {
        self.records += 1;
    }

    fn finding(&mut self, finding: Finding) {
        if finding.severity == Severity::Error {
            self.errors += 1;
        }
    }
}

fn read(format: Format, bytes: &[u8]) -> Values {
    let mut reader = dataset::reader(format, &ReaderOptions::default());
    let mut values = Values { format, by_location: HashMap::new(), records: 0, errors: 0 };
    reader.feed(bytes, &mut values);
    reader.finish(&mut values);
    values
}

fn key_of(location: &PhiLocation) -> String {
    match location {
        PhiLocation::Cell { row, column } => format!("{row}/{column}"),
        PhiLocation::Line { line, pointer } => format!("{line}{pointer}"),
        PhiLocation::Pointer { pointer } => pointer.clone(),
        PhiLocation::Text {} => String::new(),
    }
}

fn check(format: Format, input: &[u8], operator: &str, chunk: usize) -> Result<(), TestCaseError> {
    let scanner = Arc::new(Scanner::new(&ScanOptions::default()).unwrap());
    let mut operators = Operators::default();
    operators.apply_setting(&format!("*={operator}")).unwrap();
    operators.subject_field = Some("client_name".to_owned());
    let options = RedactOptions { operators, key: Some(Key::from_bytes(&[9; 32]).unwrap()), dataset: DatasetOptions::default() };
    let mut redactor = Redactor::new(Input::Dataset(format), Arc::clone(&scanner), options).unwrap();
    let mut output = Vec::new();
    for part in input.chunks(chunk) {
        redactor.feed(part, &mut output);
    }
    let report = redactor.finish(&mut output).unwrap();
    prop_assert!(report.complete);

    let before = read(format, input);
    let after = read(format, &output);
    prop_assert_eq!(before.errors, 0);
    prop_assert_eq!(after.errors, 0, "output does not parse: {}", String::from_utf8_lossy(&output));
    prop_assert_eq!(after.records, before.records);
    prop_assert_eq!(after.by_location.len(), before.by_location.len());
    if matches!(format, Format::Json | Format::Jsonl) {
        let parsed = match format {
            Format::Json => serde_json::from_slice::<serde_json::Value>(&output).is_ok(),
            _ => output.split(|&byte| byte == b'\n').filter(|line| !line.is_empty()).all(|line| serde_json::from_slice::<serde_json::Value>(line).is_ok()),
        };
        prop_assert!(parsed, "serde_json rejects the output");
    }

    let mut scan = DatasetScan::new(format, scanner, &DatasetOptions::default());
    let mut findings = scan.feed(input);
    findings.extend(scan.finish().unwrap());
    for finding in findings {
        let key = key_of(&finding.location);
        let original = &before.by_location[&key];
        let found = &original[finding.start..finding.end];
        if found.len() < MIN_CHECKED_LEN {
            continue;
        }
        prop_assert!(!after.by_location[&key].contains(found), "{} at {} survived {}", finding.kind, key, operator);
    }
    Ok(())
}

fn operator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["tag", "mask", "remove", "hash", "pseudonym", "surrogate", "shift"])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn csv_redaction(records in records(), semicolon in any::<bool>(), quote_all in any::<bool>(), operator in operator(), chunk in 1usize..40) {
        let input = csv(&records, if semicolon { ';' } else { ',' }, quote_all);
        check(Format::Csv, input.as_bytes(), operator, chunk)?;
    }

    #[test]
    fn json_redaction(records in records(), spaced in any::<bool>(), operator in operator(), chunk in 1usize..40) {
        check(Format::Json, json(&records, spaced).as_bytes(), operator, chunk)?;
    }

    #[test]
    fn jsonl_redaction(records in records(), spaced in any::<bool>(), operator in operator(), chunk in 1usize..40) {
        check(Format::Jsonl, jsonl(&records, spaced).as_bytes(), operator, chunk)?;
    }

    #[test]
    fn parquet_redaction(cells in prop::collection::vec(cell(), PARQUET_ROWS * PARQUET_COLUMNS), operator in operator(), chunk in 64usize..4096) {
        check(Format::Parquet, &parquet(&cells), operator, chunk)?;
    }
}
