//! The name dictionary: first names, last names and safe words (ordinary words that are not
//! names) from the Philter (UCSF) word lists, and city names from GeoNames, stored as one Bloom
//! filter that `scripts/build-dictionaries.py` builds. Loading checks a 16-byte header and
//! borrows the bit array, so start-up builds nothing.
//!
//! A Bloom filter returns "maybe" for about 1.6 % of words that are not in a list (6 probes,
//! 8.5 bits per entry, 490,828 entries). So a name or town check never relies on the
//! dictionary alone, and capitalisation and context decide as well.

use std::borrow::Cow;
use std::fmt;

use crate::error::{Error, ErrorCode};

const MAGIC: &[u8; 4] = b"TDGN";
const HEADER_BYTES: usize = 16;

/// Maximum length of a looked-up word, in bytes. Longer words are in no list.
const MAX_WORD_BYTES: usize = 40;

/// A word list of the dictionary.
#[derive(Clone, Copy)]
pub(crate) enum List {
    First = b'f' as isize,
    Last = b'l' as isize,
    Safe = b's' as isize,
    /// Towns and cities of at least 15,000 inhabitants, lower case, words joined by one space.
    City = b'c' as isize,
}

/// A loaded name dictionary.
#[derive(Clone)]
pub struct Dictionary {
    bits: Cow<'static, [u8]>,
    mask: u64,
    probes: u32,
}

impl fmt::Debug for Dictionary {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_struct("Dictionary").field("bytes", &self.bits.len()).finish()
    }
}

/// The dictionary built into native builds and into Wasm builds with the
/// `embedded-dictionary` feature.
#[cfg(any(not(target_arch = "wasm32"), feature = "embedded-dictionary"))]
pub(crate) static EMBEDDED: &[u8] = include_bytes!("../../assets/phi-names.bin");

impl Dictionary {
    /// Reads a dictionary in the format that `scripts/build-dictionaries.py` writes.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidDictionary`] when the header is wrong or the size does not match it.
    pub fn from_bytes(bytes: impl Into<Cow<'static, [u8]>>) -> Result<Dictionary, Error> {
        let bytes = bytes.into();
        let invalid = || Error::new(ErrorCode::InvalidDictionary, "the name dictionary is not in the expected format; rebuild it with scripts/build-dictionaries.py");
        if bytes.len() < HEADER_BYTES || &bytes[..4] != MAGIC || bytes[4] != 1 {
            return Err(invalid());
        }
        let probes = u32::from(bytes[5]);
        let bit_count = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as u64;
        if probes == 0 || probes > 16 || !bit_count.is_power_of_two() || bit_count < 8 || (bytes.len() - HEADER_BYTES) as u64 * 8 != bit_count {
            return Err(invalid());
        }
        let bits = match bytes {
            Cow::Borrowed(all) => Cow::Borrowed(&all[HEADER_BYTES..]),
            Cow::Owned(mut all) => {
                all.drain(..HEADER_BYTES);
                Cow::Owned(all)
            }
        };
        Ok(Dictionary { bits, mask: bit_count - 1, probes })
    }

    /// Returns the built-in dictionary, if this build has one.
    pub fn embedded() -> Option<Dictionary> {
        #[cfg(any(not(target_arch = "wasm32"), feature = "embedded-dictionary"))]
        {
            Dictionary::from_bytes(EMBEDDED).ok()
        }
        #[cfg(not(any(not(target_arch = "wasm32"), feature = "embedded-dictionary")))]
        {
            None
        }
    }

    /// Returns whether `word` (any case) is probably in `list`.
    pub(crate) fn contains(&self, list: List, word: &str) -> bool {
        Key::new(word).is_some_and(|key| self.contains_key(list, &key))
    }

    /// Returns whether the word of `key` is probably in `list`. A word checked against several
    /// lists is lower-cased once, into its [`Key`].
    pub(crate) fn contains_key(&self, list: List, key: &Key) -> bool {
        let hash = fingerprint(list as u8, key.as_bytes());
        let (first, step) = (hash & 0xFFFF_FFFF, (hash >> 32) | 1);
        (0..u64::from(self.probes)).all(|probe| {
            let index = first.wrapping_add(probe.wrapping_mul(step)) & self.mask;
            self.bits[(index >> 3) as usize] & (1 << (index & 7)) != 0
        })
    }
}

/// A word in lower case, as the dictionary hashes it after a list's tag byte.
pub(crate) struct Key {
    bytes: [u8; MAX_WORD_BYTES * 2],
    length: usize,
}

impl Key {
    /// Lower-cases `word`, or returns `None` when it is too long to be in any list.
    pub(crate) fn new(word: &str) -> Option<Key> {
        if word.len() > MAX_WORD_BYTES {
            return None;
        }
        let mut key = Key { bytes: [0; MAX_WORD_BYTES * 2], length: 0 };
        if word.is_ascii() {
            for (slot, byte) in key.bytes.iter_mut().zip(word.bytes()) {
                *slot = byte.to_ascii_lowercase();
            }
            key.length = word.len();
            return Some(key);
        }
        for c in word.chars().flat_map(char::to_lowercase) {
            let mut buffer = [0u8; 4];
            let encoded = c.encode_utf8(&mut buffer).as_bytes();
            if key.length + encoded.len() > key.bytes.len() {
                return None;
            }
            key.bytes[key.length..key.length + encoded.len()].copy_from_slice(encoded);
            key.length += encoded.len();
        }
        Some(key)
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.length]
    }
}

/// FNV-1a 64 over the tag byte and then the word, followed by the SplitMix64 finalizer. The
/// build script computes the same hash.
fn fingerprint(tag: u8, word: &[u8]) -> u64 {
    let mut hash: u64 = 0xCBF2_9CE4_8422_2325;
    for &byte in std::iter::once(&tag).chain(word) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01B3);
    }
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    hash ^= hash >> 27;
    hash = hash.wrapping_mul(0x94D0_49BB_1331_11EB);
    hash ^ (hash >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_lists_answer() {
        let dictionary = Dictionary::embedded().unwrap();
        assert!(dictionary.contains(List::First, "Michelle"));
        assert!(dictionary.contains(List::Last, "george"));
        assert!(dictionary.contains(List::Safe, "hope"));
        assert!(!dictionary.contains(List::Safe, "michelle"));
    }

    #[test]
    fn rejects_a_bad_header() {
        let error = Dictionary::from_bytes(b"TDGX\x01\x06\0\0\0\0\0\0\0\0\0\0".as_slice()).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidDictionary);
        assert!(Dictionary::from_bytes(Vec::new()).is_err());
    }
}
