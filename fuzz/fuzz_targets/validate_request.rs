//! Feeds arbitrary request bodies to request validation under a fixed rule table, and the
//! input itself as a rule table.
#![no_main]

use libfuzzer_sys::fuzz_target;
use techdeck_guard::request::RuleTable;

const RULES: &str = r#"{
  "endpoints": {
    "POST /datasets": {
      "strict": true,
      "fields": {
        "name": { "type": "string", "required": true, "maxLength": 40, "pattern": "[A-Za-z0-9 _.-]+" },
        "tags": { "type": "array", "maxLength": 200 },
        "meta": { "type": "object" },
        "count": { "type": "integer" }
      },
      "roleRestrictions": { "researcher": ["meta"] }
    }
  }
}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let table = RuleTable::from_json(RULES).expect("the fixed rule table compiles");
    for role in ["researcher", "admin"] {
        if let Ok(report) = table.validate_json(text, "POST /datasets", role) {
            assert_eq!(report.valid, report.errors.is_empty());
            assert_eq!(report.sanitized.is_some(), report.valid);
        }
    }
    let _ = RuleTable::from_json(text);
});
