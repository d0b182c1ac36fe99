//! Runs the `scan` and `redact` commands of the built binary on fixture files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_techdeck-guard")).args(args).output().expect("the binary runs")
}

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures").join(path).display().to_string()
}

/// Creates a fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("techdeck-guard-deid-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary directory");
    dir
}

fn write(dir: &Path, name: &str, content: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("file written");
    path.display().to_string()
}

fn lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(output.stdout.clone())
        .expect("UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

#[test]
fn scan_csv_prints_one_finding_per_line() {
    let dir = scratch("scan-csv");
    let file = write(&dir, "notes.csv", b"id,client_phone,note\n1,call me,ssn 123-45-6789\n");
    let output = run(&["scan", &file]);
    assert_eq!(output.status.code(), Some(0));
    let found = lines(&output);
    assert_eq!(
        found[0],
        serde_json::json!({"location": {"row": 1, "column": "client_phone"}, "type": "PHONE", "start": 0, "end": 7,
            "confidence": 0.9, "recognizer": "column_name"})
    );
    assert_eq!(found[1]["location"], serde_json::json!({"row": 1, "column": "note"}));
    assert_eq!((found[1]["type"].as_str(), found[1]["start"].as_u64(), found[1]["end"].as_u64()), (Some("SSN"), Some(4), Some(15)));
    assert!(!String::from_utf8_lossy(&output.stdout).contains("123-45-6789"), "PHI printed without --show-text");

    let shown = lines(&run(&["scan", &file, "--show-text"]));
    assert_eq!(shown[1]["text"], "123-45-6789");
}

#[test]
fn scan_locations_per_format() {
    let jsonl = lines(&run(&["scan", &fixture("jsonl/conversations-sample.jsonl")]));
    let first = jsonl.first().expect("a finding");
    assert!(first["location"]["line"].as_u64().is_some(), "{first}");
    assert!(first["location"]["pointer"].is_string(), "{first}");

    let json = lines(&run(&["scan", &fixture("json/intake-sample.json")]));
    assert_eq!(json[0]["location"], serde_json::json!({"pointer": "/0/intake_date"}));

    let dir = scratch("scan-text");
    let file = write(&dir, "note.txt", "first line\nmy ssn is 123-45-6789\n".as_bytes());
    let text = lines(&run(&["scan", &file]));
    assert_eq!(text[0]["location"], serde_json::json!({}));
    assert_eq!((text[0]["start"].as_u64(), text[0]["end"].as_u64()), (Some(21), Some(32)));
    let forced = lines(&run(&["scan", &fixture("csv/notes-sample.csv"), "--format", "text"]));
    assert!(forced.iter().all(|finding| finding["location"] == serde_json::json!({})));
}

#[test]
fn scan_min_confidence_filters() {
    let all = lines(&run(&["scan", &fixture("csv/notes-sample.csv"), "--min-confidence", "0.5"]));
    let none = lines(&run(&["scan", &fixture("csv/notes-sample.csv"), "--min-confidence", "1"]));
    assert!(!all.is_empty());
    assert!(none.len() < all.len());
    let bad = run(&["scan", &fixture("csv/notes-sample.csv"), "--min-confidence", "2"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("hint: pass --min-confidence"));
}

#[test]
fn redact_csv_writes_valid_copy_and_report() {
    let dir = scratch("redact-csv");
    let out = dir.join("out.csv").display().to_string();
    let output = run(&["redact", &fixture("csv/notes-sample.csv"), "--out", &out]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("report is JSON");
    assert_eq!(report["complete"], true);
    assert_eq!(report["records"], 36);
    let names = report["types"].as_array().unwrap().iter().find(|count| count["type"] == "NAME").unwrap();
    // 36 client names, 36 therapist names and 44 names inside the notes.
    assert_eq!((names["operator"].as_str(), names["found"].as_u64()), (Some("tag"), Some(116)));
    let redacted = std::fs::read_to_string(&out).unwrap();
    assert!(!redacted.contains("092-59-2889"));
    assert!(redacted.starts_with("session_id,session_date,client_name,client_phone,therapist,note_type,note\r\n"));
    let validated = run(&["validate", &out]);
    assert!(String::from_utf8_lossy(&validated.stdout).contains("36 records"), "{}", String::from_utf8_lossy(&validated.stdout));
    assert!(!String::from_utf8_lossy(&output.stdout).contains("Lorena"), "report echoes PHI");
}

#[test]
fn pseudonyms_agree_across_files() {
    let dir = scratch("pseudonyms");
    let key = write(&dir, "dataset.key", &[7u8; 32]);
    let first = write(&dir, "a.csv", b"client_name,n\nAnn Lee,1\n");
    let second = write(&dir, "b.jsonl", b"{\"client_name\": \"ann  lee\"}\n");
    let (out_a, out_b) = (dir.join("a.out.csv"), dir.join("b.out.jsonl"));
    for (input, out) in [(&first, &out_a), (&second, &out_b)] {
        let output = run(&["redact", input, "--out", &out.display().to_string(), "--operator", "NAME=pseudonym", "--key-file", &key]);
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let a = std::fs::read_to_string(out_a).unwrap();
    let b = std::fs::read_to_string(out_b).unwrap();
    let pseudonym = a.lines().nth(1).unwrap().split(',').next().unwrap().to_owned();
    assert!(pseudonym.starts_with("NAME-"), "{a}");
    assert_eq!(b, format!("{{\"client_name\": \"{pseudonym}\"}}\n"));
}

#[test]
fn redact_parquet_writes_readable_copy() {
    let dir = scratch("redact-parquet");
    let key = write(&dir, "dataset.key", &[7u8; 32]);
    let input = fixture("parquet/patients-dict-v1-pages.parquet");
    let out = dir.join("out.parquet").display().to_string();
    let report_path = dir.join("report.json").display().to_string();
    let arguments = ["--operator", "DATE=shift", "--operator", "NAME=pseudonym", "--key-file", &key, "--subject-field", "Id"];
    let output = run(&[&["redact", &input, "--out", &out, "--report", &report_path][..], &arguments].concat());
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stdout.is_empty());

    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&report_path).unwrap()).expect("report is JSON");
    assert_eq!((report["format"].as_str(), report["complete"].as_bool()), (Some("parquet"), Some(true)));
    assert_eq!((report["records"].as_u64(), report["datesWithoutSubject"].as_u64()), (Some(14), Some(0)));
    let names = report["types"].as_array().unwrap().iter().find(|count| count["type"] == "NAME").unwrap();
    // FIRST and LAST of 14 patients, and no other name.
    assert_eq!((names["operator"].as_str(), names["found"].as_u64(), names["changed"].as_u64()), (Some("pseudonym"), Some(28), Some(28)));

    let validated = run(&["validate", &out]);
    assert_eq!(validated.status.code(), Some(0), "{}", String::from_utf8_lossy(&validated.stdout));
    let before = run(&["scan", &input, "--show-text"]);
    let after = run(&["scan", &out, "--show-text"]);
    for text in ["999-23-2392", "Freeman822", "1968-07-31", "555 Adams Row"] {
        assert!(String::from_utf8_lossy(&before.stdout).contains(text), "{text} not found in the input");
        assert!(!String::from_utf8_lossy(&after.stdout).contains(text), "{text} survived");
    }
}

#[test]
fn redact_rejects_nested_parquet() {
    let dir = scratch("nested-parquet");
    let out = dir.join("out.parquet");
    let output = run(&["redact", &fixture("parquet/nested-list.parquet"), "--out", &out.display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("techdeck-guard: PARQUET_UNREADABLE: Parquet file cannot be redacted: column is repeated"), "{stderr}");
    assert!(!out.exists());
    assert!(!dir.join("out.parquet.partial").exists());
}

#[test]
fn redact_rejects_missing_key() {
    let dir = scratch("rejects");
    let out = dir.join("out.csv").display().to_string();
    let output = run(&["redact", &fixture("csv/notes-sample.csv"), "--out", &out, "--operator", "NAME=hash"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("hint: create one with"));
    let output = run(&["redact", &fixture("csv/notes-sample.csv"), "--out", &out, "--operator", "NAME=blur"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!Path::new(&out).exists());
}

#[test]
fn incomplete_redaction_writes_nothing() {
    let dir = scratch("incomplete");
    let input = write(&dir, "bad.jsonl", b"{\"note\": \"123-45-6789\"}\n{\"note\": \"a@b.org\" oops}\n");
    let out = dir.join("out.jsonl");
    let output = run(&["redact", &input, "--out", &out.display().to_string()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!out.exists());
    assert!(!dir.join("out.jsonl.partial").exists());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("report is JSON");
    assert_eq!(report["complete"], false);
    assert!(String::from_utf8_lossy(&output.stderr).contains("JSONL_INVALID_LINE"));
}
