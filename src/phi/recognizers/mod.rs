//! The recognizers, run as two passes over the normalized text:
//!
//! 1. one fused regex finds every candidate that has a digit, an `@`, a scheme, a domain or a
//!    written-out date or age, and a classifier per candidate kind decides its type from its
//!    shape, check digits and the context words before it ([`numeric`], [`web`], [`written`]);
//! 2. one byte loop visits the capitalised words and a few trigger words, and [`proper`]
//!    decides which are names or towns, with the name dictionary, titles, self-introductions,
//!    possessives and the speaker or column.
//!
//! Neither pass runs once per pattern, so the cost grows with the text, not with the number of
//! recognizers.

mod context;
mod lexicon;
mod numeric;
mod phone_context;
mod proper;
mod street;
mod town;
mod web;
mod written;

use regex::bytes::{Captures, Regex};

use super::names::Dictionary;
use super::{PhiType, Span};
use crate::error::{Error, ErrorCode};

pub(crate) use context::field_type;
pub(crate) use town::is_country_or_state;

/// The fused candidate pattern. Its groups are tried in order at each position, so an e-mail
/// address wins over the number inside it and a written date over its day number.
const CANDIDATES: &str = r#"(?x-u)
  (?P<email>[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z][A-Za-z]+\b)
| (?P<url>(?:[Hh][Tt][Tt][Pp][Ss]?://|[Ww][Ww][Ww]\.)[^\s<>"'`|\\]+)
| (?P<domain>[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9][A-Za-z0-9\-]*)*\.(?:com|org|net|edu|gov|info|biz|io|us|health|app)\b(?:/[^\s<>"'`|\\]*)?)
| (?P<date>\b(?:
      (?P<m1>(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-zA-Z]{0,6})\.?\x20(?:the\x20)?(?P<d1>[0-3]?[0-9])(?P<o1>st|nd|rd|th)?\b(?:,?\x20(?P<y1>(?:1[89]|20)[0-9]{2})\b)?
    | (?P<d2>[0-3]?[0-9])(?P<o2>st|nd|rd|th)?\x20(?P<of>of\x20)?(?P<m2>(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-zA-Z]{0,6})\b\.?(?:,?\x20(?P<y2>(?:1[89]|20)[0-9]{2})\b)?
    | (?P<m3>(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-zA-Z]{0,6})\.?,?\x20(?P<y3>(?:1[89]|20)[0-9]{2})\b
  ))
| (?P<age>\b(?i:ninety(?:[\-\x20](?:one|two|three|four|five|six|seven|eight|nine))?|(?:a|one)\x20hundred(?:\x20(?:and\x20)?(?:one|two|three|four|five|six|seven|eight|nine|ten))?)\b)
| (?P<hex>\b[A-Fa-f][0-9A-Fa-f]*(?:(?:::?|-)[0-9A-Fa-f]+){2,7}\b)
| (?P<num>(?:[+(]|[A-Za-z]+[\-\#]?)?[0-9][A-Za-z0-9]*(?:(?:[\-./:_]|::|\)\x20?|\x20\(|\x20)[0-9][A-Za-z0-9]*|(?:[\-./_\#]|::?)[A-Za-z][A-Za-z0-9]*)*)
"#;

/// A found span in normalized offsets, before the type and confidence filters.
pub(crate) type Found = Span;

/// The compiled recognizers.
pub(crate) struct Engine {
    candidates: Regex,
    pub(crate) dictionary: Option<Dictionary>,
}

/// The origin of a text that [`Engine::run`] scans: its column type and speaker.
pub(crate) struct Scope<'a> {
    pub field: Option<PhiType>,
    pub speaker: Option<&'a str>,
}

impl Engine {
    pub(crate) fn new(dictionary: Option<Dictionary>) -> Result<Engine, Error> {
        let compile = |pattern: &str| {
            regex::bytes::RegexBuilder::new(pattern)
                .size_limit(8 * 1024 * 1024)
                .build()
                .map_err(|error| Error::new(ErrorCode::InvalidPattern, format!("a built-in PHI pattern does not compile: {error}")))
        };
        Ok(Engine { candidates: compile(CANDIDATES)?, dictionary })
    }

    /// Appends the spans in `text` (normalized) to `out`, unordered and possibly overlapping.
    pub(crate) fn run(&self, text: &str, scope: &Scope<'_>, out: &mut Vec<Found>) {
        let bytes = text.as_bytes();
        for (start, end) in hot_windows(bytes) {
            let haystack = &bytes[..end];
            let mut at = start;
            while let Some(captures) = self.candidates.captures_at(haystack, at) {
                let Some(whole) = captures.get(0) else {
                    break;
                };
                self.classify(text, &captures, scope, out);
                at = whole.end().max(whole.start() + 1);
                if at >= end {
                    break;
                }
            }
        }
        // A column of another type (`phone`, `mrn`) has no addresses or towns in it.
        if scope.field.is_none_or(|kind| matches!(kind, PhiType::Address | PhiType::City | PhiType::Zip)) {
            street::scan(self.dictionary.as_ref(), text, out);
        }
        if scope.field.is_none_or(|kind| matches!(kind, PhiType::Phone | PhiType::Fax)) {
            phone_context::scan(text, out);
        }
        if scope.field.is_none_or(|kind| matches!(kind, PhiType::Address | PhiType::City | PhiType::Zip)) {
            if let Some(dictionary) = &self.dictionary {
                town::scan(dictionary, text, out);
            }
        }
        proper::scan(self, text, scope, out);
    }

    fn classify(&self, text: &str, captures: &Captures<'_>, scope: &Scope<'_>, out: &mut Vec<Found>) {
        let Some(whole) = captures.get(0) else {
            return;
        };
        let (start, end) = (whole.start(), whole.end());
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return;
        }
        if captures.name("email").is_some() {
            web::email(text, start, end, out);
        } else if captures.name("url").is_some() {
            web::url(text, start, end, true, out);
        } else if captures.name("domain").is_some() {
            web::url(text, start, end, false, out);
        } else if captures.name("date").is_some() {
            if !written::date(text, captures, scope, out) {
                if let Some(day) = captures.name("d2") {
                    numeric::classify(text, day.start(), day.end(), scope, out);
                }
            }
        } else if captures.name("age").is_some() {
            written::age(text, start, end, out);
        } else {
            numeric::classify(text, start, end, scope, out);
        }
    }
}

/// Bytes that make a candidate of the fused pattern possible: a digit, `@`, or a `.`, `:` or
/// `/` between word characters (`example.org`, `https://`).
const fn hot_table() -> [bool; 256] {
    let mut table = [false; 256];
    let mut byte = b'0';
    while byte <= b'9' {
        table[byte as usize] = true;
        byte += 1;
    }
    table[b'@' as usize] = true;
    table[b'.' as usize] = true;
    table[b':' as usize] = true;
    table
}

static HOT: [bool; 256] = hot_table();

/// Returns whether any of the eight bytes in `block` may be hot, that is ASCII `.` to `:` or
/// `@`. The test also passes `/`, which [`HOT`] leaves out, so the loop checks a block that
/// passes byte by byte.
fn may_be_hot(block: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Each lane keeps its low seven bits, so no sum below carries into the next lane.
    let low = block & !HIGH;
    let ascii = !block & HIGH;
    let from_dot = (low + ONES * (0x80 - u64::from(b'.'))) & HIGH;
    let after_colon = (low + ONES * (0x80 - u64::from(b':') - 1)) & HIGH;
    let not_at_sign = ((low ^ (ONES * u64::from(b'@'))) + ONES * 0x7F) & HIGH;
    ((from_dot & !after_colon) | !not_at_sign) & ascii != 0
}

/// How far around a hot byte the fused pattern runs, in bytes. A written date puts its month
/// before or after the day (`December 30, 2024`, `the 3rd of September`); an e-mail address can
/// have a long local part, so `@` widens to the start of its word as well.
const WINDOW_BYTES: usize = 40;

/// Returns the merged byte ranges around hot bytes and written-out ages, each starting and
/// ending at a whitespace boundary, so the fused pattern runs only there.
fn hot_windows(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut windows: Vec<(usize, usize)> = Vec::new();
    let push = |position: usize, windows: &mut Vec<(usize, usize)>| {
        let mut start = position.saturating_sub(WINDOW_BYTES);
        while start > 0 && !bytes[start - 1].is_ascii_whitespace() {
            start -= 1;
        }
        let mut end = (position + WINDOW_BYTES).min(bytes.len());
        while end < bytes.len() && !bytes[end].is_ascii_whitespace() {
            end += 1;
        }
        match windows.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => windows.push((start, end)),
        }
    };
    let mut index = 0;
    while index < bytes.len() {
        while let Some(block) = bytes.get(index..index + 8) {
            let block = u64::from_le_bytes([block[0], block[1], block[2], block[3], block[4], block[5], block[6], block[7]]);
            if may_be_hot(block) {
                break;
            }
            index += 8;
        }
        let Some(&byte) = bytes.get(index) else {
            break;
        };
        if HOT[byte as usize] {
            let word_before = index > 0 && bytes[index - 1].is_ascii_alphanumeric();
            let word_after = bytes.get(index + 1).is_some_and(|next| next.is_ascii_alphanumeric() || *next == b'/');
            if byte.is_ascii_digit() || byte == b'@' || (word_before && word_after) {
                push(index, &mut windows);
                // The rest of this word is inside the window; later words get their own.
                while index < bytes.len() && !bytes[index].is_ascii_whitespace() {
                    index += 1;
                }
                continue;
            }
        }
        index += 1;
    }
    for needle in [b"inety".as_slice(), b"undred".as_slice()] {
        for position in memchr::memmem::find_iter(bytes, needle) {
            push(position, &mut windows);
        }
    }
    windows.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(windows.len());
    for window in windows {
        match merged.last_mut() {
            Some(last) if window.0 <= last.1 => last.1 = last.1.max(window.1),
            _ => merged.push(window),
        }
    }
    merged
}

/// Returns the position of the first byte at or after `from` that `matches`. Natively, blocks
/// of 16 bytes are tested without an early exit, so the compiler can use vector instructions
/// for them. Wasm builds enable no vector instructions, so they keep the smaller byte loop.
#[inline(always)]
pub(crate) fn find_byte(bytes: &[u8], from: usize, matches: impl Fn(u8) -> bool + Copy) -> Option<usize> {
    #[allow(unused_mut)]
    let mut index = from;
    #[cfg(not(target_arch = "wasm32"))]
    {
        const BLOCK: usize = 16;
        while let Some(block) = bytes.get(index..index + BLOCK) {
            if block.iter().fold(false, |any, byte| any | matches(*byte)) {
                break;
            }
            index += BLOCK;
        }
    }
    bytes[index.min(bytes.len())..].iter().position(|byte| matches(*byte)).map(|offset| index + offset)
}

/// Returns up to `length` bytes of `text` before `end`, starting at a character boundary.
pub(crate) fn before(text: &str, end: usize, length: usize) -> &str {
    let mut start = end.saturating_sub(length);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..end]
}

/// Returns a span.
pub(crate) fn span(kind: PhiType, start: usize, end: usize, confidence: f32, recognizer: &'static str) -> Found {
    Span { kind, start, end, confidence, recognizer }
}

/// Removes overlaps: of two overlapping spans the more confident one stays, and of two about
/// as confident, the longer one.
pub(crate) fn resolve_overlaps(spans: &mut Vec<Found>) {
    spans.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut kept: Vec<Found> = Vec::with_capacity(spans.len());
    for span in spans.drain(..) {
        match kept.last_mut() {
            Some(last) if span.start < last.end => {
                if wins(&span, last) {
                    *last = span;
                }
            }
            _ => kept.push(span),
        }
    }
    *spans = kept;
}

fn wins(challenger: &Found, holder: &Found) -> bool {
    let length = |span: &Found| span.end - span.start;
    if (challenger.confidence - holder.confidence).abs() < 0.1 {
        length(challenger) > length(holder)
    } else {
        challenger.confidence > holder.confidence
    }
}

/// Reports a whole value as its column's type when the column names a type and the value has
/// that type's form: a `client_name` of two words, a `city`, a `street`, a one-token `mrn`.
/// Shape recognizers miss such values when they are odd (`Alonzo, Lorena`, `Rm 661`).
pub(crate) fn whole_value(text: &str, scope: &Scope<'_>, out: &mut Vec<Found>) {
    let Some(kind) = scope.field else {
        return;
    };
    let (start, end) = trimmed_bounds(text);
    if start >= end || end - start > 200 || text[start..end].contains('\n') {
        return;
    }
    let value = &text[start..end];
    let words = value.split_whitespace().count();
    let has_digit = value.bytes().any(|byte| byte.is_ascii_digit());
    // A name or a town has letters, so a cell of emoji or punctuation identifies no one.
    let has_letter = value.chars().any(char::is_alphabetic);
    match kind {
        PhiType::Name if words <= 6 && !has_digit && has_letter => {
            let (name_start, name_end) = proper::strip_title_and_credentials(text, start, end);
            if name_start < name_end {
                out.push(span(kind, name_start, name_end, 0.8, "column"));
            }
        }
        PhiType::City if words <= 4 && !has_digit && has_letter => out.push(span(kind, start, end, 0.8, "column")),
        PhiType::Address if words <= 12 => out.push(span(kind, start, end, 0.8, "column")),
        PhiType::Mrn | PhiType::HealthPlanId | PhiType::AccountNumber | PhiType::LicenseNumber | PhiType::VehicleId | PhiType::DeviceId | PhiType::OtherId | PhiType::Ssn
            if words <= 3 && value.len() <= 40 && (has_digit || (value.len() >= 6 && value.bytes().all(|byte| byte.is_ascii_uppercase()))) =>
        {
            out.push(span(kind, start, end, 0.75, "column"));
        }
        _ => {}
    }
}

fn trimmed_bounds(text: &str) -> (usize, usize) {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    (start, end)
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_filter_covers_hot_bytes() {
        for byte in 0..=255u8 {
            for lane in 0..8 {
                let mut block = [b'a'; 8];
                block[lane] = byte;
                let expected = HOT[byte as usize] || byte == b'/';
                assert_eq!(may_be_hot(u64::from_le_bytes(block)), expected, "byte {byte:#04x} in lane {lane}");
            }
        }
        assert!(!may_be_hot(u64::from_le_bytes(*b"\xC3\xA9\xE2\x80\x99 ab")));
    }

    #[test]
    fn hot_windows_reach_past_blocks() {
        let text = b"nothing here for a while, then call 555 0134 please";
        let windows = hot_windows(text);
        assert_eq!(windows, [(0, text.len())]);
        assert_eq!(hot_windows(b"no candidates in this sentence at all, none"), []);
    }
}
