//! Fuzzes the JSON reader with the input fed in two chunks.
//!
//! The first byte picks where the rest of the input is split. The sink checks that every
//! location lies inside the input, and the result is compared with serde_json: input that
//! serde_json accepts must give no error findings, and input that it rejects as malformed must
//! give at least one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeSeed;
use techdeck_guard::dataset::json::JsonReader;
use techdeck_guard::dataset::{Field, Reader, Sink, Value};
use techdeck_guard::{Code, Finding, Location, Severity};

#[path = "shared/json_walk.rs"]
mod json_walk;

/// A sink that checks the invariants of every value and finding.
struct Check {
    len: u64,
    lines: u64,
    errors: Vec<Code>,
    lone_surrogate: bool,
    record_ends: u64,
}

impl Check {
    fn check_location(&self, location: &Location) {
        if let Some(offset) = location.offset {
            assert!(offset <= self.len, "finding offset {offset} past the input length {}", self.len);
        }
        if let Some(line) = location.line {
            assert!((1..=self.lines).contains(&line), "finding line {line} outside 1..={}", self.lines);
        }
        if let Some(pointer) = &location.pointer {
            assert!(pointer.is_empty() || pointer.starts_with('/'), "invalid pointer {pointer:?}");
        }
        assert_eq!(location.record, None, "a JSON finding has a record number");
    }
}

impl Sink for Check {
    fn value(&mut self, value: &Value<'_>) {
        assert!(value.offset < self.len, "value offset {} past the input length {}", value.offset, self.len);
        assert!((1..=self.lines).contains(&value.line), "value line {} outside 1..={}", value.line, self.lines);
        assert_eq!(value.record, None, "a JSON value has a record number");
        match value.field {
            Field::Pointer(pointer) => {
                assert!(pointer.is_empty() || pointer.starts_with('/'), "invalid pointer {pointer:?}")
            }
            Field::Column { .. } => panic!("a JSON value has a column"),
        }
    }

    fn record_end(&mut self) {
        self.record_ends += 1;
    }

    fn finding(&mut self, finding: Finding) {
        self.check_location(&finding.location);
        assert!(!finding.message.is_empty(), "finding {:?} has no message", finding.code);
        match finding.severity {
            Severity::Error => self.errors.push(finding.code),
            Severity::Warning => {
                assert_eq!(finding.code, Code::JsonLoneSurrogate, "unexpected warning");
                self.lone_surrogate = true;
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&split, input)) = data.split_first() else { return };
    let (head, tail) = input.split_at(usize::from(split).min(input.len()));

    let lines = 1 + input.iter().filter(|&&byte| byte == b'\n').count() as u64;
    let mut check = Check { len: input.len() as u64, lines, errors: Vec::new(), lone_surrogate: false, record_ends: 0 };
    let mut reader = JsonReader::new();
    reader.feed(head, &mut check);
    reader.feed(tail, &mut check);
    reader.finish(&mut check);
    assert_eq!(reader.records(), check.record_ends, "records() differs from the record_end calls");

    // serde_json does not skip a byte order mark.
    let json = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut duplicate = false;
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let parsed =
        json_walk::Walk { duplicate: &mut duplicate }.deserialize(&mut deserializer).and_then(|()| deserializer.end());
    // Limits that serde_json does not have make the reader reject valid JSON on purpose.
    let over_limit = check
        .errors
        .iter()
        .any(|code| matches!(code, Code::JsonTooDeep | Code::JsonNumberTooLong | Code::ValueTooLarge));
    match parsed {
        Ok(()) => {
            assert!(!check.lone_surrogate, "lone surrogate reported in input that serde_json accepts");
            if duplicate {
                assert!(
                    over_limit || check.errors.contains(&Code::JsonDuplicateKey),
                    "duplicate key missed: {:?}",
                    check.errors
                );
            } else if !over_limit {
                assert!(check.errors.is_empty(), "errors in valid JSON: {:?}", check.errors);
            }
        }
        Err(error) => {
            let malformed =
                matches!(error.classify(), serde_json::error::Category::Syntax | serde_json::error::Category::Eof);
            // serde_json rejects lone surrogates and numbers beyond f64, which the reader accepts.
            let accepted_difference = check.lone_surrogate || error.to_string().starts_with("number out of range");
            if malformed && !accepted_difference {
                assert!(!check.errors.is_empty(), "no error for input that serde_json rejects: {error}");
            }
        }
    }
});
