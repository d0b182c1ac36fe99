//! Evasion folding before matching: invisible characters go, and Unicode digits, full-width
//! forms, look-alike letters, dashes and spaces become their ASCII counterparts.
//!
//! Unlike [`crate::text::fold`], this keeps letter case (names need it) and decodes no escapes,
//! and it maps every output byte back to the input, so spans point at the original text.

use std::borrow::Cow;

/// A text in normalized form, with the map back to the text as given.
pub(crate) struct Normalized<'a> {
    /// The normalized text. It borrows the input when nothing needed a change.
    pub text: Cow<'a, str>,
    /// Anchors `(normalized offset, input offset)` in increasing order, one at the start of
    /// every changed character and one after it. Between anchors, bytes were copied, so offsets
    /// move in step. Empty when `text` borrows the input.
    anchors: Vec<(usize, usize)>,
    input_len: usize,
}

impl Normalized<'_> {
    /// Returns the input range that the normalized bytes `start..end` came from.
    pub fn source_range(&self, start: usize, end: usize) -> (usize, usize) {
        (self.source_offset(start), self.source_offset(end))
    }

    fn source_offset(&self, offset: usize) -> usize {
        let index = self.anchors.partition_point(|&(normalized, _)| normalized <= offset);
        match index.checked_sub(1).map(|index| self.anchors[index]) {
            None => offset,
            Some((normalized, input)) => (input + (offset - normalized)).min(self.input_len),
        }
    }
}

/// Normalizes `input`. ASCII input and input without anything to fold is borrowed unchanged.
pub(crate) fn normalize(input: &str) -> Normalized<'_> {
    let unchanged = Normalized { text: Cow::Borrowed(input), anchors: Vec::new(), input_len: input.len() };
    if input.is_ascii() {
        return unchanged;
    }
    let mut text = String::new();
    let mut anchors = Vec::new();
    let mut copied = 0;
    let mut next = 0;
    // ASCII never folds, so the loop decodes only the non-ASCII characters.
    while let Some(offset) = next_non_ascii(input.as_bytes(), next) {
        let Some(c) = input[offset..].chars().next() else {
            break;
        };
        next = offset + c.len_utf8();
        let fold = fold_char(c);
        if fold == Fold::Keep {
            continue;
        }
        if anchors.is_empty() {
            text.reserve(input.len());
        }
        text.push_str(&input[copied..offset]);
        anchors.push((text.len(), offset));
        if let Fold::Ascii(byte) = fold {
            text.push(byte as char);
        }
        copied = offset + c.len_utf8();
        anchors.push((text.len(), copied));
    }
    if anchors.is_empty() {
        return unchanged;
    }
    text.push_str(&input[copied..]);
    Normalized { text: Cow::Owned(text), anchors, input_len: input.len() }
}

/// Returns the offset of the first non-ASCII byte at or after `from`.
fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    const BLOCK_BYTES: usize = 32;
    let mut at = from;
    while at < bytes.len() {
        let block = &bytes[at..bytes.len().min(at + BLOCK_BYTES)];
        if !block.is_ascii() {
            return block.iter().position(|byte| !byte.is_ascii()).map(|index| at + index);
        }
        at += block.len();
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fold {
    Keep,
    Drop,
    Ascii(u8),
}

/// Code points of the digit zero of Unicode decimal digit runs (general category Nd), each
/// followed by the nine other digits.
const DIGIT_ZEROS: [u32; 40] = [
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xAA50, 0xABF0, 0xFF10, 0x1D7CE,
    0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6,
];

/// Cyrillic and Greek letters that look like ASCII letters, with their ASCII look-alike.
const LOOK_ALIKES: [(char, u8); 44] = [
    ('а', b'a'), ('е', b'e'), ('о', b'o'), ('р', b'p'), ('с', b'c'), ('у', b'y'), ('х', b'x'),
    ('і', b'i'), ('ј', b'j'), ('ѕ', b's'), ('ԁ', b'd'), ('ԛ', b'q'), ('ԝ', b'w'), ('һ', b'h'),
    ('А', b'A'), ('В', b'B'), ('Е', b'E'), ('К', b'K'), ('М', b'M'), ('Н', b'H'), ('О', b'O'),
    ('Р', b'P'), ('С', b'C'), ('Т', b'T'), ('Х', b'X'), ('І', b'I'), ('Ј', b'J'), ('Ѕ', b'S'),
    ('Α', b'A'), ('Β', b'B'), ('Ε', b'E'), ('Ζ', b'Z'), ('Η', b'H'), ('Ι', b'I'), ('Κ', b'K'),
    ('Μ', b'M'), ('Ν', b'N'), ('Ο', b'O'), ('Ρ', b'P'), ('Τ', b'T'), ('Υ', b'Y'), ('Χ', b'X'),
    ('ο', b'o'), ('ℓ', b'l'),
];

fn fold_char(c: char) -> Fold {
    let code = c as u32;
    if code < 0x80 || (0x00C0..0x0370).contains(&code) && code != 0x034F {
        return Fold::Keep;
    }
    match code {
        // Soft hyphen, zero-width and bidirectional controls, word joiners, the byte order
        // mark and variation selectors: invisible, and able to split a number or a word.
        0x00AD | 0x034F | 0x061C | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064
        | 0x2066..=0x2069 | 0xFE00..=0xFE0F | 0xFEFF => return Fold::Drop,
        0x00A0 | 0x2000..=0x200A | 0x202F | 0x205F | 0x3000 => return Fold::Ascii(b' '),
        0x2010..=0x2015 | 0x2212 | 0xFE58 | 0xFE63 => return Fold::Ascii(b'-'),
        0x2018 | 0x2019 | 0x201B | 0x2032 => return Fold::Ascii(b'\''),
        0x2024 | 0xFE52 => return Fold::Ascii(b'.'),
        // Full-width ASCII.
        0xFF01..=0xFF5E => return Fold::Ascii((code - 0xFEE0) as u8),
        _ => {}
    }
    for zero in DIGIT_ZEROS {
        if (zero..zero + 10).contains(&code) {
            return Fold::Ascii(b'0' + (code - zero) as u8);
        }
    }
    // Mathematical alphanumeric letters: 13 alphabets of 52 letters from U+1D400.
    if (0x1D400..0x1D6A4).contains(&code) {
        let index = (code - 0x1D400) % 52;
        let letter = if index < 26 { b'A' + index as u8 } else { b'a' + (index - 26) as u8 };
        return Fold::Ascii(letter);
    }
    match LOOK_ALIKES.iter().find(|&&(from, _)| from == c) {
        Some(&(_, to)) => Fold::Ascii(to),
        None => Fold::Keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_borrowed() {
        let normalized = normalize("call 555-0134");
        assert!(matches!(normalized.text, Cow::Borrowed(_)));
        assert_eq!(normalized.source_range(5, 13), (5, 13));
    }

    #[test]
    fn folds_evasions_and_maps_back() {
        let input = "ssn ５５５\u{200B}-１２-3456 Јоhn";
        let normalized = normalize(input);
        assert_eq!(normalized.text, "ssn 555-12-3456 John");
        let (start, end) = normalized.source_range(4, 15);
        assert_eq!(&input[start..end], "５５５\u{200B}-１２-3456");
        let (start, end) = normalized.source_range(16, 20);
        assert_eq!(&input[start..end], "Јоhn");
    }

    #[test]
    fn keeps_accented_letters() {
        let input = "Ström’s 2001";
        let normalized = normalize(input);
        assert_eq!(normalized.text, "Ström's 2001");
        assert_eq!(normalized.source_range(0, 6), (0, 6));
        assert_eq!(normalized.source_range(9, 13), (11, 15));
    }
}
