//! Feeds arbitrary bytes to upload validation under every allowed extension, split into two
//! chunks at a position taken from the input, and checks that the verdict matches the errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use techdeck_guard::validate::{validate_upload, UploadOptions, UploadValidator};

const NAMES: [&str; 4] = ["data.csv", "data.json", "data.jsonl", "data.parquet"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let name = NAMES[usize::from(selector) % NAMES.len()];
    let split = usize::from(selector / 4) * body.len() / 64;
    let (head, tail) = body.split_at(split.min(body.len()));

    let mut validator = UploadValidator::new(UploadOptions::new(name));
    validator.update(head).expect("a fresh validator accepts chunks");
    validator.update(tail).expect("a fresh validator accepts chunks");
    let streamed = validator.finish().expect("the first finish returns a report");
    assert!(validator.finish().is_err(), "a second finish must fail");

    assert_eq!(streamed.valid, streamed.errors.is_empty());
    assert_eq!(streamed.stats.bytes, body.len() as u64);
    if !streamed.valid {
        return;
    }
    // Where the file is valid, splitting it elsewhere must not change the verdict.
    let whole = validate_upload(body, UploadOptions::new(name));
    assert!(whole.valid, "valid when split at {split} but invalid as one chunk");
});
