//! Runs the per-recognizer case tables in tests/fixtures/phi/cases.json, which the JavaScript
//! tests share, with and without the name dictionary.

use serde_json::Value;
use techdeck_guard::phi::{Context, ScanOptions, Scanner};

fn cases() -> Vec<(String, Value)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/phi/cases.json")).expect("the case table is readable");
    let table: Value = serde_json::from_str(&text).expect("the case table is JSON");
    let mut all = Vec::new();
    for (recognizer, items) in table["recognizers"].as_object().expect("recognizers is an object") {
        for item in items.as_array().expect("each recognizer has a list") {
            all.push((recognizer.clone(), item.clone()));
        }
    }
    all
}

fn findings(scanner: &Scanner, case: &Value) -> Vec<(String, String)> {
    let text = case["text"].as_str().expect("each case has a text");
    let context = Context { field: case["field"].as_str(), speaker: None };
    scanner.scan_in(text, &context).iter().map(|span| (span.kind.code().to_owned(), text[span.start..span.end].to_owned())).collect()
}

fn expected(case: &Value) -> Vec<(String, String)> {
    case["expect"]
        .as_array()
        .expect("each case has an expect list")
        .iter()
        .map(|item| (item["type"].as_str().unwrap_or("").to_owned(), item["text"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[test]
fn case_table_with_dictionary() {
    let scanner = Scanner::new(&ScanOptions::default()).unwrap();
    assert!(scanner.has_dictionary());
    let mut failures = Vec::new();
    for (recognizer, case) in cases() {
        let (got, want) = (findings(&scanner, &case), expected(&case));
        if got != want {
            failures.push(format!("{recognizer} / {}: expected {want:?}, got {got:?}", case["name"]));
        }
    }
    assert!(failures.is_empty(), "{} cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn case_table_without_dictionary() {
    let scanner = Scanner::with_dictionary(&ScanOptions::default(), None).unwrap();
    let mut failures = Vec::new();
    for (recognizer, case) in cases().into_iter().filter(|(_, case)| case["needsDictionary"] != Value::Bool(true)) {
        let (got, want) = (findings(&scanner, &case), expected(&case));
        if got != want {
            failures.push(format!("{recognizer} / {}: expected {want:?}, got {got:?}", case["name"]));
        }
    }
    assert!(failures.is_empty(), "{} cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn options_from_json() {
    let options = ScanOptions::from_json(r#"{"types": ["MRN", "NAME"], "minConfidence": 0.6, "patterns": [{"type": "MRN", "pattern": "CHART-[0-9]{5}"}], "allow": ["Dr. Who"], "deny": [{"type": "NAME", "value": "Zed"}]}"#).unwrap();
    let scanner = Scanner::new(&options).unwrap();
    let text = "Zed brought CHART-12345 and MRN 4107-2468; SSN 092-59-2889.";
    let found: Vec<(&str, &str)> = scanner.scan(text).iter().map(|span| (span.kind.code(), &text[span.start..span.end])).collect();
    assert_eq!(found, [("NAME", "Zed"), ("MRN", "CHART-12345"), ("MRN", "4107-2468")]);
}

#[test]
fn allow_list_drops_a_value() {
    let options = ScanOptions::from_json(r#"{"allow": ["202-555-0127"]}"#).unwrap();
    let scanner = Scanner::new(&options).unwrap();
    assert!(scanner.scan("Their office line is 202-555-0127.").is_empty());
}

#[test]
fn options_errors_have_codes() {
    use techdeck_guard::ErrorCode;
    assert_eq!(ScanOptions::from_json("{").unwrap_err().code(), ErrorCode::InvalidJson);
    assert_eq!(ScanOptions::from_json(r#"{"color": 1}"#).unwrap_err().code(), ErrorCode::InvalidOptions);
    assert_eq!(ScanOptions::from_json(r#"{"types": ["NOPE"]}"#).unwrap_err().code(), ErrorCode::InvalidOptions);
    let bad_pattern = ScanOptions::from_json(r#"{"patterns": [{"type": "MRN", "pattern": "("}]}"#).unwrap();
    assert_eq!(Scanner::new(&bad_pattern).unwrap_err().code(), ErrorCode::InvalidPattern);
}

#[test]
fn offsets_fall_on_char_boundaries() {
    let scanner = Scanner::new(&ScanOptions::default()).unwrap();
    let text = "Ström’s fax: ５５５\u{200B}-０１３４, 🎉 Dr. Zoë Ñúñez 12/05/2023";
    for span in scanner.scan(text) {
        assert!(text.is_char_boundary(span.start), "start inside a character");
        assert!(text.is_char_boundary(span.end), "end inside a character");
        assert!(span.start < span.end, "empty span");
    }
}
