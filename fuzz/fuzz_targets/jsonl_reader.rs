//! Fuzzes the JSON Lines reader with the input fed in two chunks.
//!
//! The first byte picks where the rest of the input is split. The sink checks that every
//! location lies inside the input and that document numbers only grow. Each line is also
//! compared with serde_json: a line that serde_json accepts must not be reported as invalid,
//! and a line that it rejects as malformed must get an error finding on that line.
#![no_main]

use std::collections::{HashMap, HashSet};

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeSeed;
use techdeck_guard::dataset::jsonl::JsonlReader;
use techdeck_guard::dataset::{Field, Reader, Sink, Value};
use techdeck_guard::{Code, Finding, Location, Severity};

#[path = "shared/json_walk.rs"]
mod json_walk;

/// A sink that checks the invariants of every value and finding.
struct Check {
    len: u64,
    lines: u64,
    last_record: u64,
    record_ends: u64,
    /// (line, code) of every error finding.
    errors: Vec<(u64, Code)>,
    /// Lines with a lone surrogate warning.
    lone_surrogate_lines: Vec<u64>,
}

impl Check {
    fn check_location(&self, location: &Location) {
        if let Some(offset) = location.offset {
            assert!(offset <= self.len, "finding offset {offset} past the input length {}", self.len);
        }
        let line = location.line.unwrap_or(0);
        assert!((1..=self.lines).contains(&line), "finding line {line} outside 1..={}", self.lines);
        if let Some(pointer) = &location.pointer {
            assert!(pointer.is_empty() || pointer.starts_with('/'), "invalid pointer {pointer:?}");
        }
        let record = location.record.unwrap_or(0);
        assert!(record >= 1, "finding without a record number on line {line}");
        assert!(record <= line, "finding record {record} after its line {line}");
    }
}

impl Sink for Check {
    fn value(&mut self, value: &Value<'_>) {
        assert!(value.offset < self.len, "value offset {} past the input length {}", value.offset, self.len);
        assert!((1..=self.lines).contains(&value.line), "value line {} outside 1..={}", value.line, self.lines);
        let record = value.record.unwrap_or(0);
        assert!(record >= 1, "value without a record number on line {}", value.line);
        assert!(record <= value.line, "value record {record} after its line {}", value.line);
        assert!(record >= self.last_record, "record {record} after record {}", self.last_record);
        self.last_record = record;
        match value.field {
            Field::Pointer(pointer) => {
                assert!(pointer.is_empty() || pointer.starts_with('/'), "invalid pointer {pointer:?}")
            }
            Field::Column { .. } => panic!("a JSON Lines value has a column"),
        }
    }

    fn record_end(&mut self) {
        self.record_ends += 1;
    }

    fn finding(&mut self, finding: Finding) {
        self.check_location(&finding.location);
        assert!(!finding.message.is_empty(), "finding {:?} has no message", finding.code);
        let line = finding.location.line.unwrap_or(0);
        match finding.severity {
            Severity::Error => self.errors.push((line, finding.code)),
            Severity::Warning => {
                assert_eq!(finding.code, Code::JsonLoneSurrogate, "unexpected warning");
                self.lone_surrogate_lines.push(line);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&split, input)) = data.split_first() else { return };
    let (head, tail) = input.split_at(usize::from(split).min(input.len()));

    let lines = 1 + input.iter().filter(|&&byte| byte == b'\n').count() as u64;
    let mut check = Check {
        len: input.len() as u64,
        lines,
        last_record: 0,
        record_ends: 0,
        errors: Vec::new(),
        lone_surrogate_lines: Vec::new(),
    };
    let mut reader = JsonlReader::new();
    reader.feed(head, &mut check);
    reader.feed(tail, &mut check);
    reader.finish(&mut check);
    assert_eq!(reader.records(), check.record_ends, "records() differs from the record_end calls");
    let invalid_lines = check.errors.iter().filter(|(_, code)| *code == Code::JsonlInvalidLine).count() as u64;
    assert!(invalid_lines <= lines, "more invalid lines than lines");

    let mut errors_by_line: HashMap<u64, Vec<Code>> = HashMap::new();
    for &(line, code) in &check.errors {
        errors_by_line.entry(line).or_default().push(code);
    }
    let lone_surrogate_lines: HashSet<u64> = check.lone_surrogate_lines.iter().copied().collect();
    for (index, line_bytes) in input.split(|&byte| byte == b'\n').enumerate() {
        let line = index as u64 + 1;
        let line_bytes =
            if index == 0 { line_bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line_bytes) } else { line_bytes };
        if line_bytes.iter().all(|byte| b" \t\r".contains(byte)) {
            assert!(!errors_by_line.contains_key(&line), "error on blank line {line}");
            continue;
        }
        let mut duplicate = false;
        let mut deserializer = serde_json::Deserializer::from_slice(line_bytes);
        let parsed = json_walk::Walk { duplicate: &mut duplicate }
            .deserialize(&mut deserializer)
            .and_then(|()| deserializer.end());
        let line_errors = errors_by_line.get(&line).map(Vec::as_slice).unwrap_or_default();
        let lone_surrogate = lone_surrogate_lines.contains(&line);
        match parsed {
            Ok(()) => {
                assert!(!lone_surrogate, "lone surrogate reported on line {line}, which serde_json accepts");
                assert!(
                    !line_errors.contains(&Code::JsonlInvalidLine),
                    "line {line} reported invalid but serde_json accepts it"
                );
                let reported = line_errors.contains(&Code::JsonDuplicateKey);
                if duplicate {
                    // The depth limit stops reading, possibly before the repeated key.
                    let stopped = line_errors.contains(&Code::JsonTooDeep);
                    assert!(reported || stopped, "duplicate key missed on line {line}: {line_errors:?}");
                } else {
                    assert!(!reported, "duplicate key reported on line {line}, which has none");
                }
            }
            Err(error) => {
                let malformed =
                    matches!(error.classify(), serde_json::error::Category::Syntax | serde_json::error::Category::Eof);
                let accepted_difference = lone_surrogate || error.to_string().starts_with("number out of range");
                if malformed && !accepted_difference {
                    assert!(!line_errors.is_empty(), "no error on line {line}, which serde_json rejects: {error}");
                }
            }
        }
    }
});
