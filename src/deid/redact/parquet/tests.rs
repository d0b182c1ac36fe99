//! Tests of Parquet redaction: the fixtures written by pyarrow are redacted and read back, and
//! each result is compared with the redaction of the same values as CSV.

use std::collections::BTreeMap;
use std::io::Cursor;

use crate::dataset::{read_all, Collect, Format};
use crate::deid::dataset::{DatasetOptions, DatasetScan, PhiLocation};
use crate::deid::redact::tests::{options, redact_at, scanner};
use crate::deid::redact::{redact_parquet_seekable, Input, RedactOptions, Redactor};
use crate::deid::report::SafeHarborReport;
use crate::error::ErrorCode;

const PARQUET: Input = Input::Dataset(Format::Parquet);

/// Fixtures whose text columns the writer can rewrite.
const FIXTURES: [&str; 8] = [
    "notes-plain-v1",
    "notes-dict-v1-snappy",
    "notes-dict-v2-gzip",
    "notes-plain-v2-zstd",
    "notes-delta-v2",
    "patients-dict-v1-pages",
    "patients-plain-v2-pages",
    "sessions",
];

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/parquet/{name}.parquet", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Redacts a Parquet file at several chunk sizes and with random access, checks that they
/// agree and returns the result.
fn redact(bytes: &[u8], options: &RedactOptions) -> (Vec<u8>, SafeHarborReport) {
    let (whole, report) = redact_at(PARQUET, bytes, options, usize::MAX);
    for chunk in [1, 7, 4096] {
        let (part, part_report) = redact_at(PARQUET, bytes, options, chunk);
        assert!(part == whole, "output at chunk {chunk}");
        assert_eq!(part_report, report, "report at chunk {chunk}");
    }
    let mut seekable = Vec::new();
    let seekable_report = redact_parquet_seekable(&mut Cursor::new(bytes), &mut seekable, scanner(), options.clone()).unwrap().unwrap();
    assert!(seekable == whole, "output with random access");
    assert_eq!(seekable_report, report, "report with random access");
    (whole, report)
}

/// Returns the string values of a file as (record, column label) to text.
fn cells(sink: &Collect) -> BTreeMap<(u64, String), String> {
    let cell = |(_, text, location): &(_, String, crate::report::Location)| {
        ((location.record.unwrap(), location.column.clone().unwrap()), text.clone())
    };
    sink.values.iter().map(cell).collect()
}

/// Writes the values of `sink` as a CSV file with every field quoted. Cells that are null in
/// Parquet are empty, and columns without any string value are left out.
fn to_csv(sink: &Collect) -> String {
    let cells = cells(sink);
    let columns: Vec<&String> = sink.columns.iter().filter(|name| cells.keys().any(|(_, column)| column == *name)).collect();
    let quote = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    let mut csv = columns.iter().map(|name| quote(name)).collect::<Vec<_>>().join(",") + "\n";
    for record in 1..=sink.records as u64 {
        let row: Vec<String> = columns
            .iter()
            .map(|&name| quote(cells.get(&(record, name.clone())).map_or("", String::as_str)))
            .collect();
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    csv
}

/// Redacts `name` as Parquet and as CSV with the same options, and checks that every string
/// cell and every count of the report agree.
fn assert_same_as_csv(name: &str, options: &RedactOptions) -> SafeHarborReport {
    let bytes = fixture(name);
    let original = read_all(Format::Parquet, &bytes, usize::MAX);
    let (output, report) = redact(&bytes, options);
    let redacted = read_all(Format::Parquet, &output, usize::MAX);

    let csv = to_csv(&original);
    let (csv_output, csv_report) = redact_at(Input::Dataset(Format::Csv), csv.as_bytes(), options, usize::MAX);
    let csv_cells = cells(&read_all(Format::Csv, &csv_output, usize::MAX));
    let parquet_cells = cells(&redacted);
    for (cell, text) in &parquet_cells {
        assert_eq!(Some(text), csv_cells.get(cell), "{name} cell {cell:?}");
    }

    // Cells that are null in Parquet are empty CSV values, which are counted but hold nothing.
    let nulls = csv_cells.iter().filter(|(cell, _)| !parquet_cells.contains_key(cell));
    assert!(nulls.clone().all(|(_, text)| text.is_empty()), "{name} nulls");
    assert_eq!(report.values, csv_report.values - nulls.count() as u64, "{name} values");
    assert_eq!(report.types, csv_report.types, "{name} types");
    assert_eq!(report.locations, csv_report.locations, "{name} locations");
    assert_eq!(report.changed_values, csv_report.changed_values, "{name} changed values");
    assert_eq!(report.dates_without_subject, csv_report.dates_without_subject, "{name} dates without subject");
    assert_eq!(report.records, csv_report.records, "{name} records");
    report
}

#[test]
fn fixtures_keep_shape_and_lose_found_text() {
    for name in FIXTURES {
        let bytes = fixture(name);
        let (output, report) = redact(&bytes, &RedactOptions::default());
        let original = read_all(Format::Parquet, &bytes, usize::MAX);
        let redacted = read_all(Format::Parquet, &output, usize::MAX);
        assert!(redacted.findings.is_empty(), "{name}: {:?}", redacted.findings);
        assert_eq!(redacted.columns, original.columns, "{name}");
        assert_eq!(redacted.records, original.records, "{name}");
        assert_eq!(report.records, original.records as u64, "{name}");
        assert_eq!((report.format, report.bytes, report.complete), ("parquet", bytes.len() as u64, true), "{name}");
        assert_eq!(report.values, original.values.len() as u64, "{name}");

        let mut scan = DatasetScan::new(Format::Parquet, scanner(), &DatasetOptions::default());
        let mut found = scan.feed(&bytes);
        found.extend(scan.finish().unwrap());
        assert!(!found.is_empty(), "{name}");

        let before = cells(&original);
        let after = cells(&redacted);
        assert_eq!(after.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>(), "{name}: nulls stay nulls");
        for (cell, text) in &before {
            let in_cell: Vec<&str> = found
                .iter()
                .filter(|finding| finding.location == PhiLocation::Cell { row: cell.0, column: cell.1.clone() })
                .map(|finding| &text[finding.start..finding.end])
                .collect();
            let new_text = &after[cell];
            if in_cell.is_empty() {
                assert_eq!(new_text, text, "{name} {cell:?} has no finding");
                continue;
            }
            assert_ne!(new_text, text, "{name} {cell:?}");
            // Shorter texts can occur in the tags themselves; every copy of a longer one is
            // replaced.
            for span in in_cell.iter().filter(|span| span.len() >= 4) {
                assert!(!new_text.contains(span), "{name} {cell:?} keeps a found span");
            }
        }
    }
}

#[test]
fn notes_redact_as_csv_does() {
    for name in ["notes-plain-v1", "notes-dict-v2-gzip", "notes-delta-v2"] {
        let report = assert_same_as_csv(name, &RedactOptions::default());
        assert_eq!(report.values, 84);
        let names = report.types.iter().find(|count| count.kind.code() == "NAME").unwrap();
        assert!(names.found > 12, "{name}: {} names", names.found);
    }
    let settings = ["NAME=pseudonym", "PHONE=mask", "SSN=hash", "DATE=surrogate"];
    assert_same_as_csv("notes-dict-v1-snappy", &options(&settings, None));
}

#[test]
fn dates_shift_per_subject_across_row_groups() {
    let options = options(&["DATE=shift"], Some("Id"));
    for name in ["patients-dict-v1-pages", "patients-plain-v2-pages"] {
        let report = assert_same_as_csv(name, &options);
        assert_eq!(report.dates_without_subject, 0, "{name}");
        let dates = report.types.iter().find(|count| count.kind.code() == "DATE").unwrap();
        assert!(dates.found >= 14, "{name}: {dates:?}");
        assert_eq!(dates.changed, dates.found, "{name}");
    }

    // Each patient's birth date moves by that patient's own offset, so two runs with the
    // same key agree and patients get different offsets.
    let bytes = fixture("patients-dict-v1-pages");
    let (first, _) = redact(&bytes, &options);
    let (second, _) = redact_at(PARQUET, &bytes, &options, 100);
    assert!(first == second);
    let before = cells(&read_all(Format::Parquet, &bytes, usize::MAX));
    let after = cells(&read_all(Format::Parquet, &first, usize::MAX));
    let shifts: std::collections::BTreeSet<i64> = (1..=14u64)
        .filter_map(|record| {
            let key = (record, "BIRTHDATE".to_owned());
            Some(days(after.get(&key)?) - days(before.get(&key)?))
        })
        .collect();
    assert!(shifts.len() > 1, "{shifts:?}");
}

/// Returns the day number of a `YYYY-MM-DD` date, counted from 0000-03-01.
fn days(date: &str) -> i64 {
    let parts: Vec<i64> = date.split('-').map(|part| part.parse().unwrap()).collect();
    let (year, month, day) = (parts[0], parts[1], parts[2]);
    let (year, month) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
    year * 365 + year / 4 - year / 100 + year / 400 + (153 * month + 2) / 5 + day - 1
}

#[test]
fn missing_subject_column_counted() {
    let options = options(&["DATE=shift"], Some("patient"));
    let report = assert_same_as_csv("patients-dict-v1-pages", &options);
    let dates = report.types.iter().find(|count| count.kind.code() == "DATE").unwrap();
    assert_eq!(report.dates_without_subject, dates.found);
}

#[test]
fn unrewritable_files_rejected() {
    let cases: [(&[u8], Option<&str>); 4] = [
        (&fixture("nested-list"), Some("nested")),
        (&fixture("notes-lz4"), Some("codec")),
        (b"PAR1", None),
        (b"id,note\n1,a@b.org\n", None),
    ];
    for (bytes, rule) in cases {
        let mut redactor = Redactor::new(PARQUET, scanner(), RedactOptions::default()).unwrap();
        let mut out = Vec::new();
        redactor.feed(bytes, &mut out);
        let error = redactor.finish(&mut out).unwrap_err();
        assert_eq!(error.code(), ErrorCode::ParquetUnreadable, "{}", error.message());
        if rule.is_some() {
            assert_eq!(error.subject(), rule, "{}", error.message());
        }
        assert!(out.is_empty());

        // With random access the trailer is checked before the head, so a file that is not
        // Parquet at all can fail on another rule.
        let result = redact_parquet_seekable(&mut Cursor::new(bytes), &mut out, scanner(), RedactOptions::default());
        let seekable_error = result.unwrap().unwrap_err();
        assert_eq!(seekable_error.code(), ErrorCode::ParquetUnreadable, "{}", seekable_error.message());
        if rule.is_some() {
            assert_eq!(seekable_error, error);
        }
    }
}

#[test]
fn seekable_needs_key() {
    let mut options = options(&["NAME=pseudonym"], None);
    options.key = None;
    let result = redact_parquet_seekable(&mut Cursor::new(fixture("sessions")), &mut Vec::new(), scanner(), options);
    assert_eq!(result.unwrap().unwrap_err().code(), ErrorCode::InvalidKey);
}

#[test]
fn nested_column_named_in_error() {
    let mut redactor = Redactor::new(PARQUET, scanner(), RedactOptions::default()).unwrap();
    let mut out = Vec::new();
    redactor.feed(&fixture("nested-list"), &mut out);
    let error = redactor.finish(&mut out).unwrap_err();
    assert!(error.message().starts_with("Parquet file cannot be redacted: column is repeated"), "{}", error.message());
    assert!(error.message().ends_with("(column tags.list.element)"), "{}", error.message());
}

#[test]
fn oversized_file_rejected() {
    let mut redactor = Redactor::new(PARQUET, scanner(), RedactOptions::default()).unwrap();
    let mut out = Vec::new();
    redactor.feed(&fixture("sessions"), &mut out);
    redactor.feed(&vec![0; crate::limits::MAX_PARQUET_STREAM_BYTES], &mut out);
    let error = redactor.finish(&mut out).unwrap_err();
    assert_eq!((error.code(), error.subject()), (ErrorCode::InputTooLarge, Some("file")));
    assert!(out.is_empty());
}

/// A writer whose every write fails, like a full disk.
struct FullDisk;

impl std::io::Write for FullDisk {
    fn write(&mut self, _bytes: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "no space left"))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn seekable_write_failure_returned() {
    let result = redact_parquet_seekable(&mut Cursor::new(fixture("sessions")), &mut FullDisk, scanner(), RedactOptions::default());
    assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::StorageFull);
}
