//! Strict base64url without padding (RFC 7515 section 2, RFC 4648 section 5).
//!
//! Decoding rejects padding, characters outside the URL-safe alphabet, a length that leaves a
//! single character over, and non-zero bits after the last whole byte. Without the last rule,
//! several different strings would decode to the same bytes, so a token could be changed
//! without changing what it means.

#[cfg_attr(not(feature = "tokens"), allow(dead_code))]
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The reason a base64url string was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// A character outside the alphabet or an impossible length.
    Invalid,
    /// Padding, or unused bits of the last character that are not zero.
    NonCanonical,
}

fn value(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Decodes canonical base64url without padding.
pub(crate) fn decode(text: &[u8]) -> Result<Vec<u8>, DecodeError> {
    if text.contains(&b'=') {
        return Err(DecodeError::NonCanonical);
    }
    if text.len() % 4 == 1 {
        return Err(DecodeError::Invalid);
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for group in text.chunks(4) {
        let mut bits = 0u32;
        for &c in group {
            bits = (bits << 6) | value(c).ok_or(DecodeError::Invalid)?;
        }
        match group.len() {
            4 => out.extend_from_slice(&[(bits >> 16) as u8, (bits >> 8) as u8, bits as u8]),
            3 => {
                if bits & 0b11 != 0 {
                    return Err(DecodeError::NonCanonical);
                }
                out.extend_from_slice(&[(bits >> 10) as u8, (bits >> 2) as u8]);
            }
            _ => {
                if bits & 0b1111 != 0 {
                    return Err(DecodeError::NonCanonical);
                }
                out.push((bits >> 4) as u8);
            }
        }
    }
    Ok(out)
}

/// Encodes bytes as base64url without padding.
#[cfg_attr(not(feature = "tokens"), allow(dead_code))]
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let mut bits = 0u32;
        for (i, &b) in group.iter().enumerate() {
            bits |= u32::from(b) << (16 - 8 * i);
        }
        for i in 0..=group.len() {
            out.push(char::from(ALPHABET[(bits >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_all_lengths() {
        let bytes: Vec<u8> = (0..=255).collect();
        for len in 0..40 {
            let encoded = encode(&bytes[..len]);
            assert!(!encoded.contains('='));
            assert_eq!(decode(encoded.as_bytes()), Ok(bytes[..len].to_vec()));
        }
    }

    #[test]
    fn rfc4648_vectors() {
        assert_eq!(encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(encode(b"fooba"), "Zm9vYmE");
        assert_eq!(encode(b"f"), "Zg");
        assert_eq!(encode(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn non_canonical_trailing_bits() {
        assert_eq!(decode(b"Zg"), Ok(b"f".to_vec()));
        assert_eq!(decode(b"Zh"), Err(DecodeError::NonCanonical));
        assert_eq!(decode(b"Zm8"), Ok(b"fo".to_vec()));
        assert_eq!(decode(b"Zm9"), Err(DecodeError::NonCanonical));
    }

    #[test]
    fn padding_and_foreign_characters() {
        assert_eq!(decode(b"Zg=="), Err(DecodeError::NonCanonical));
        for bad in [&b"Z"[..], b"Zm9v+A", b"Zm9v/A", b"Zm 9v", b"Zm9v\n"] {
            assert_eq!(decode(bad), Err(DecodeError::Invalid), "{bad:?}");
        }
    }
}
