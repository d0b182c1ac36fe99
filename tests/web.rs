//! Core checks run inside a WebAssembly engine: Node by default (`wasm-pack test --node`), and
//! headless Chromium when `WASM_BINDGEN_USE_BROWSER=1` is set for `wasm-pack test --chrome`.
//!
//! There is deliberately no `wasm_bindgen_test_configure!(run_in_browser)`: with it, the Node
//! run would skip this file. Without `WASM_BINDGEN_USE_BROWSER=1`, the Chromium run skips it and
//! still exits 0, so `scripts/test-wasm.sh` checks the number of passed tests.
#![cfg(target_arch = "wasm32")]

use techdeck_guard::request::RuleTable;
use techdeck_guard::validate::{validate_upload, UploadOptions, UploadValidator};
use techdeck_guard::{Code, ErrorCode, Finding, Report, Severity};
use wasm_bindgen_test::wasm_bindgen_test;

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|finding| finding.code.as_str()).collect()
}

fn upload(bytes: &[u8], file_name: &str) -> Report {
    validate_upload(bytes, UploadOptions::new(file_name))
}

#[wasm_bindgen_test]
fn csv_ragged_row_location() {
    let report = upload(b"id,note\n1,a\n2,b,c\n3,d\n", "sessions.csv");

    assert!(!report.valid);
    assert_eq!(codes(&report.errors), ["CSV_RAGGED_ROW"]);
    let location = &report.errors[0].location;
    assert_eq!(location.record, Some(2), "ragged row is the second data record");
    assert_eq!(location.line, Some(3), "ragged row starts on line 3");
    assert_eq!(report.stats.records, 3);
}

#[wasm_bindgen_test]
fn json_duplicate_key_pointer() {
    let report = upload(br#"[{"a":1},{"b":1,"b":2}]"#, "sessions.json");

    assert!(!report.valid);
    assert_eq!(codes(&report.errors), ["JSON_DUPLICATE_KEY"]);
    assert_eq!(report.errors[0].location.pointer.as_deref(), Some("/1/b"));
}

#[wasm_bindgen_test]
fn malicious_content_rules() {
    let payloads = [
        ("<ScRiPt>alert(1)</script>", "script_tag"),
        ("&#60;script>alert(1)", "script_tag"),
        ("<img src=x onerror=alert(1)>", "event_handler"),
        ("java\u{200B}script:alert(1)", "javascript_url"),
    ];
    for (payload, rule) in payloads {
        let body = serde_json::to_string(payload).unwrap();
        let report = upload(format!(r#"[{{"text":{body}}}]"#).as_bytes(), "notes.json");

        assert_eq!(codes(&report.errors), ["MALICIOUS_CONTENT"], "payload for rule {rule}");
        assert_eq!(report.errors[0].rule, Some(rule));
        assert_eq!(report.errors[0].location.pointer.as_deref(), Some("/0/text"), "payload for rule {rule}");
    }
}

#[wasm_bindgen_test]
fn file_name_and_declared_size() {
    let report = upload(b"id\n1\n", "../sessions.csv");
    assert_eq!(codes(&report.errors), ["UNSAFE_FILE_NAME"]);
    assert!(report.errors[0].rule.is_some());

    let options = UploadOptions::new("sessions.csv").declared_size(2 * 1024 * 1024).max_file_size_mb(1).unwrap();
    let validator = UploadValidator::new(options);
    assert!(validator.is_rejected(), "declared size over the maximum rejects before any byte is read");

    let empty = upload(b"", "sessions.csv");
    assert_eq!(codes(&empty.errors), ["FILE_EMPTY"]);
}

#[wasm_bindgen_test]
fn request_rules_enforced() {
    let table = RuleTable::from_json(
        r#"{"endpoints":{"POST /api/sessions":{
            "strict":true,
            "roles":["admin","admin_readonly"],
            "fields":{"patient_id":{"type":"string","pattern":"[0-9]+"},"title":{"type":"string","required":true}},
            "roleRestrictions":{"admin_readonly":["patient_id"]}}}}"#,
    )
    .unwrap();

    let valid = table.validate_json(r#"{"title":"In\u200Btake","patient_id":"123"}"#, "POST /api/sessions", "admin").unwrap();
    assert!(valid.valid, "admin is not restricted by the admin_readonly rule: {:?}", valid.errors);
    let sanitized = valid.sanitized.expect("a valid request has sanitized data");
    assert_eq!(sanitized["title"], "Intake");

    let pattern = table.validate_json(r#"{"title":"x","patient_id":"12; DROP"}"#, "POST /api/sessions", "admin").unwrap();
    assert_eq!(codes(&pattern.errors), ["FIELD_PATTERN"]);
    assert_eq!(pattern.sanitized, None);

    let forbidden =
        table.validate_json(r#"{"title":"x","patient_id":"1"}"#, "POST /api/sessions", "admin_readonly").unwrap();
    assert_eq!(codes(&forbidden.errors), ["FIELD_FORBIDDEN"]);
    assert_eq!(forbidden.errors[0].severity, Severity::Error);

    let nested = table.validate_json(r#"{"title":"<script>x</script>"}"#, "POST /api/sessions", "admin").unwrap();
    assert_eq!(nested.errors.iter().map(|finding| finding.code).collect::<Vec<_>>(), [Code::MaliciousContent]);

    let unlisted = table.validate_json(r#"{"title":"x"}"#, "POST /api/sessions", "Admin").unwrap();
    assert_eq!(codes(&unlisted.errors), ["ROLE_NOT_ALLOWED"]);

    let unknown = table.validate_json("{}", "DELETE /api/sessions", "admin").unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::UnknownEndpoint);
}
