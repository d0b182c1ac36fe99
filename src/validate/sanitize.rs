//! Streaming removal of invisible and control characters from text datasets.
//!
//! Zero-width characters, bidirectional overrides, soft hyphens, byte-order marks and control
//! characters other than tab, line feed and carriage return hide text from people who review a
//! dataset, and they are never part of CSV, JSON or JSON Lines syntax. Removing them therefore
//! keeps the file's format valid: every quote, delimiter and bracket stays where it was.
//!
//! Only raw characters are removed. A JSON escape such as `\u200b` is text, not the character,
//! and stays as it is. Bytes that are not valid UTF-8 are copied unchanged; upload validation
//! reports them as `INVALID_ENCODING`.

use crate::text;

/// Removes invisible and control characters from UTF-8 text fed chunk by chunk.
///
/// ```
/// use techdeck_guard::validate::sanitize::Sanitizer;
///
/// let mut sanitizer = Sanitizer::new();
/// let mut out = Vec::new();
/// sanitizer.update("id,note\n1,call\u{200B}me\n".as_bytes(), &mut out);
/// sanitizer.finish(&mut out);
/// assert_eq!(out, b"id,note\n1,callme\n");
/// assert_eq!(sanitizer.removed(), 1);
/// ```
///
/// Its `Debug` output shows counts only, never the pending bytes of a split character.
#[derive(Default)]
pub struct Sanitizer {
    /// The start of a UTF-8 sequence that the previous chunk cut off, at most 3 bytes.
    pending: Vec<u8>,
    removed: u64,
}

impl std::fmt::Debug for Sanitizer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Sanitizer")
            .field("pending_len", &self.pending.len())
            .field("removed", &self.removed)
            .finish()
    }
}

impl Sanitizer {
    /// Creates a sanitizer.
    pub fn new() -> Self {
        Sanitizer::default()
    }

    /// Appends the sanitized form of `chunk` to `out`. A UTF-8 sequence split between chunks
    /// is completed by the next call.
    pub fn update(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        out.reserve(chunk.len());
        let mut rest = chunk;
        if !self.pending.is_empty() {
            let needed = text::utf8_width(self.pending[0]).saturating_sub(self.pending.len());
            let taken = needed.min(rest.len());
            self.pending.extend_from_slice(&rest[..taken]);
            rest = &rest[taken..];
            if self.pending.len() < text::utf8_width(self.pending[0]) {
                return;
            }
            let pending = std::mem::take(&mut self.pending);
            self.copy(&pending, out);
        }
        let cut = incomplete_tail(rest);
        self.copy(&rest[..rest.len() - cut], out);
        self.pending.extend_from_slice(&rest[rest.len() - cut..]);
    }

    /// Appends what the last chunk left open, copied unchanged, to `out`.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        out.append(&mut self.pending);
    }

    /// Returns the number of characters removed so far.
    pub fn removed(&self) -> u64 {
        self.removed
    }

    fn copy(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        let mut index = 0;
        while index < bytes.len() {
            let byte = bytes[index];
            if byte < 0x80 {
                if is_removed_ascii(byte) {
                    self.removed += 1;
                } else {
                    out.push(byte);
                }
                index += 1;
                continue;
            }
            let length = text::utf8_width(byte).max(1);
            let end = (index + length).min(bytes.len());
            let sequence = &bytes[index..end];
            let removed = std::str::from_utf8(sequence)
                .ok()
                .and_then(|text| text.chars().next())
                .is_some_and(|c| text::is_invisible(c) || c.is_control());
            if removed {
                self.removed += 1;
                index = end;
            } else if std::str::from_utf8(sequence).is_ok() {
                out.extend_from_slice(sequence);
                index = end;
            } else {
                // An invalid byte is copied alone, so the bytes after it are read afresh.
                out.push(byte);
                index += 1;
            }
        }
    }
}

/// Returns `true` for ASCII control characters other than tab, line feed and carriage return.
fn is_removed_ascii(byte: u8) -> bool {
    (byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r')) || byte == 0x7F
}

/// Returns how many bytes at the end of `bytes` start a UTF-8 sequence that is not complete.
fn incomplete_tail(bytes: &[u8]) -> usize {
    for back in 1..=3.min(bytes.len()) {
        let byte = bytes[bytes.len() - back];
        if byte & 0xC0 != 0x80 {
            let length = text::utf8_width(byte);
            return if length > back { back } else { 0 };
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sanitize(input: &[u8], chunk: usize) -> (Vec<u8>, u64) {
        let mut sanitizer = Sanitizer::new();
        let mut out = Vec::new();
        for part in input.chunks(chunk.max(1)) {
            sanitizer.update(part, &mut out);
        }
        sanitizer.finish(&mut out);
        (out, sanitizer.removed())
    }

    #[test]
    fn removes_invisible_and_control_characters() {
        let input = "\u{FEFF}id,note\r\n1,\"a\u{200B}b\u{202E}c\u{00AD}d\u{0007}e\u{0085}f\"\r\n";
        for chunk in [1, 2, 3, 5, usize::MAX] {
            let (out, removed) = sanitize(input.as_bytes(), chunk);
            assert_eq!(String::from_utf8(out).expect("UTF-8"), "id,note\r\n1,\"abcdef\"\r\n", "chunk {chunk}");
            assert_eq!(removed, 6, "chunk {chunk}");
        }
    }

    #[test]
    fn keeps_text_and_layout() {
        let input = "name\tnote\nZoë\t\"東京, 🌧️\"\n";
        for chunk in [1, 2, 3, 4, usize::MAX] {
            assert_eq!(sanitize(input.as_bytes(), chunk), (input.as_bytes().to_vec(), 0), "chunk {chunk}");
        }
    }

    #[test]
    fn copies_invalid_bytes_unchanged() {
        let input = b"a\xFFb\xE2\x80c\xF0";
        for chunk in [1, 2, 3, usize::MAX] {
            assert_eq!(sanitize(input, chunk), (input.to_vec(), 0), "chunk {chunk}");
        }
    }

    #[test]
    fn json_escapes_stay() {
        let input = br#"{"note":"a\u200bb"}"#;
        assert_eq!(sanitize(input, usize::MAX), (input.to_vec(), 0));
    }

    #[test]
    fn debug_hides_pending_bytes() {
        let mut sanitizer = Sanitizer::new();
        let mut out = Vec::new();
        let emoji = "\u{1F600}".as_bytes();
        sanitizer.update(&[b"ssn 078-05-1120 ", &emoji[..3]].concat(), &mut out);
        let debug = format!("{sanitizer:?}");
        assert_eq!(debug, "Sanitizer { pending_len: 3, removed: 0 }");
    }
}
