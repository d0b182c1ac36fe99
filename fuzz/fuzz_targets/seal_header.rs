//! Parses arbitrary bytes as an encrypted file header and checks that the parser does not
//! panic, that `needed_len` agrees with `parse` on a set of prefixes, and that a parsed header
//! encodes back to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use techdeck_guard::limits::MAX_SEAL_HEADER_BYTES;
use techdeck_guard::seal::file::Header;

fuzz_target!(|data: &[u8]| {
    let parsed = Header::parse(data);
    if let Ok(header) = &parsed {
        assert!(header.len() <= MAX_SEAL_HEADER_BYTES);
        assert_eq!(header.as_bytes(), &data[..header.len()]);
        assert_eq!(Header::parse(header.as_bytes()).as_ref(), Ok(header));
        assert_eq!(Header::needed_len(data), Ok(header.len()));
    }

    // No prefix needs more than the limit, and a prefix that fails makes the whole input fail.
    for end in [0, 1, 8, 13, 14, 15, data.len() / 2, data.len()] {
        let prefix = &data[..end.min(data.len())];
        match Header::needed_len(prefix) {
            Ok(needed) => assert!(needed <= MAX_SEAL_HEADER_BYTES),
            Err(error) => assert!(parsed.is_err(), "prefix failed with {error} but the input parsed"),
        }
    }
});
