//! Scans arbitrary bytes as CSV, JSON, JSON Lines or text for PHI and checks the findings.
//!
//! The first input byte picks the format (low two bits) and where the rest is split (high six
//! bits). Scanning in two chunks must give the same findings as one chunk, and every finding's
//! offsets must lie on character boundaries inside its value (inside the file for text).

#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use techdeck_guard::dataset::Format;
use techdeck_guard::deid::{DatasetOptions, DatasetScan, PhiFinding, TextScan};
use techdeck_guard::phi::{ScanOptions, Scanner};

fn scanner() -> Arc<Scanner> {
    static SCANNER: OnceLock<Arc<Scanner>> = OnceLock::new();
    Arc::clone(SCANNER.get_or_init(|| Arc::new(Scanner::new(&ScanOptions::default()).expect("default options"))))
}

fn scan(format: Option<Format>, data: &[u8], split: usize) -> Vec<PhiFinding> {
    let (first, second) = data.split_at(split);
    let options = DatasetOptions { include_text: true, utf16_offsets: true, ..DatasetOptions::default() };
    match format {
        Some(format) => {
            let mut scan = DatasetScan::new(format, scanner(), &options);
            let mut found = scan.feed(first);
            found.extend(scan.feed(second));
            found.extend(scan.finish().expect("first finish"));
            assert!(scan.finish().is_err(), "a second finish succeeded");
            found
        }
        None => {
            let mut scan = TextScan::new(scanner(), &options);
            let mut found = scan.feed(first);
            found.extend(scan.feed(second));
            found.extend(scan.finish());
            found
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, data)) = data.split_first() else { return };
    let format = match control & 0b11 {
        0 => Some(Format::Csv),
        1 => Some(Format::Json),
        2 => Some(Format::Jsonl),
        _ => None,
    };
    let split = data.len() * usize::from(control >> 2) / 63;
    let split_found = scan(format, data, split);
    let whole_found = scan(format, data, data.len());
    assert_eq!(split_found, whole_found, "a chunk boundary changed the findings");
    for finding in &whole_found {
        assert!(finding.start < finding.end, "empty or reversed span");
        assert!((0.0..=1.0).contains(&finding.confidence), "confidence out of range");
        let text = finding.text.as_deref().expect("text was requested");
        assert_eq!(text.len(), finding.end - finding.start, "offsets do not match the text");
        let utf16 = finding.utf16.expect("UTF-16 offsets were requested");
        assert_eq!(utf16.end - utf16.start, text.encode_utf16().count(), "UTF-16 offsets do not match the text");
        if format.is_none() {
            assert_eq!(data.get(finding.start..finding.end), Some(text.as_bytes()), "text offsets do not point into the file");
        }
    }
});
