//! Scans arbitrary text with and without the name dictionary and a column context, and checks
//! that every span lies inside the text on character boundaries, in order and without overlap.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use techdeck_guard::phi::{Context, ScanOptions, Scanner};

static SCANNERS: OnceLock<[Scanner; 2]> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let scanners = SCANNERS.get_or_init(|| {
        let options = ScanOptions { min_confidence: 0.0, ..ScanOptions::default() };
        [Scanner::new(&options).expect("the default scanner builds"), Scanner::with_dictionary(&options, None).expect("the scanner builds without a dictionary")]
    });
    for scanner in scanners {
        for context in [Context::default(), Context { field: Some("client_name"), speaker: Some("client") }, Context { field: Some("mrn"), speaker: None }] {
            let spans = scanner.scan_in(text, &context);
            let mut previous_end = 0;
            for span in spans {
                assert!(span.start < span.end, "empty span");
                assert!(span.end <= text.len(), "span past the end");
                assert!(text.is_char_boundary(span.start), "start inside a character");
                assert!(text.is_char_boundary(span.end), "end inside a character");
                assert!(span.start >= previous_end, "spans overlap");
                assert!((0.0..=1.0).contains(&span.confidence));
                previous_end = span.end;
            }
        }
    }
});
