//! Runs the built `techdeck-guard` binary on real files and checks its output and exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_techdeck-guard"))
        .args(args)
        .env_remove("MAX_FILE_SIZE_MB")
        .output()
        .expect("the binary runs")
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/datasets").join(name).display().to_string()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("output is UTF-8")
}

#[test]
fn valid_file_exits_zero() {
    let output = run(&["validate", &example("sessions.csv"), "--content-type", "text/csv"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("sessions.csv: valid (0 errors, 0 warnings)"), "{text}");
    assert!(text.contains("as csv: 4 records, 16 values"), "{text}");
}

#[test]
fn problems_are_listed_with_locations() {
    let output = run(&["validate", &example("problems.csv")]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("invalid (3 errors, 1 warning)"), "{text}");
    assert!(text.contains(r#"error[FORMULA_INJECTION/leading] line 2, record 1, column "text""#), "{text}");
    assert!(text.contains(r#"error[MALICIOUS_CONTENT/event_handler] line 3, record 2, column "text""#), "{text}");
    assert!(text.contains("error[CSV_RAGGED_ROW] line 5, record 4"), "{text}");
    assert!(text.contains(r#"warning[SECRET/aws_access_key_id] line 4, record 3, column "text""#), "{text}");
}

#[test]
fn report_never_echoes_the_secret() {
    let output = run(&["validate", &example("problems.csv"), "--json"]);
    let text = stdout(&output);
    assert!(!text.contains("AKIAZZZZ"), "the key id must not be printed");
    assert!(!text.contains("onerror"), "the markup must not be printed");
}

#[test]
fn json_report_has_the_pipeline_shape() {
    let output = run(&["validate", &example("problems.csv"), "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(report["valid"], false);
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(3));
    assert_eq!(report["warnings"][0]["code"], "SECRET");
    assert_eq!(report["warnings"][0]["rule"], "aws_access_key_id");
    assert_eq!(report["warnings"][0]["location"]["record"], 3);
    assert_eq!(report["stats"]["format"], "csv");
    assert_eq!(report["stats"]["records"], 5);
}

#[test]
fn size_limit_applies_before_reading() {
    let dir = tempdir();
    let path = dir.join("big.csv");
    std::fs::write(&path, "a,b\n".repeat(300_000)).expect("fixture is written");
    let output = run(&["validate", path.to_str().expect("path is UTF-8"), "--max-file-size-mb", "1"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("error[FILE_TOO_LARGE] file: file size of 1200000 bytes"), "{text}");
}

#[test]
fn missing_file_exits_two() {
    let output = run(&["validate", "/nonexistent/data.csv"]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("cannot open /nonexistent/data.csv"), "{error}");
}

#[test]
fn bad_delimiter_exits_two_with_hint() {
    let output = run(&["validate", &example("sessions.csv"), "--delimiter", "x"]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("invalid delimiter \"x\"\nhint: pass --delimiter"), "{error}");
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("techdeck-guard-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir is created");
    dir
}

#[test]
fn directory_is_not_a_file() {
    let dir = tempdir().join("folder.csv");
    std::fs::create_dir_all(&dir).expect("dir is created");
    let output = run(&["validate", dir.to_str().expect("path is UTF-8")]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("is not a regular file"), "{error}");
}

#[test]
fn singular_counts_read_naturally() {
    let dir = tempdir();
    let path = dir.join("one.csv");
    std::fs::write(&path, "a\n1\n").expect("fixture is written");
    let text = stdout(&run(&["validate", path.to_str().expect("path is UTF-8")]));
    assert!(text.contains("read 4 bytes as csv: 1 record, 1 value"), "{text}");
}
