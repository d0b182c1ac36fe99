//! Text folding for matching: one canonical, lower-case form of a value in which encoded,
//! invisible and look-alike spellings of a keyword become the keyword itself.
//!
//! Active-content detection and PHI scanning match patterns against [`fold`]'s output and map
//! each match back to the original value with [`Folded::source_range`], so a finding points at
//! the bytes that the user uploaded, not at the folded copy.
//!
//! # Steps and their order
//!
//! 1. Invisible format characters are removed first, because they can split a keyword
//!    (`java\u{200B}script:`) and would otherwise survive every later step unchanged.
//! 2. HTML character references and percent escapes are decoded in rounds, because each can
//!    hide the other (`%26lt;` decodes to `&lt;`, `&#37;3C` to `%3C`) and an escape can be
//!    encoded twice (`%253C`).
//! 3. NFKC runs after decoding, because a reference can produce a compatibility character
//!    (`&#65308;` is the full-width `＜`). NFKC can itself produce `&` or `%` from their
//!    full-width forms, so a round is decoding followed by NFKC, and rounds repeat until one
//!    changes nothing or [`MAX_FOLD_ROUNDS`] have run.
//! 4. Lower-casing runs last, because NFKC turns full-width and mathematical letters into
//!    ASCII capitals (`Ｓ` becomes `S`), and HTML reference names are case-sensitive, so they
//!    must be decoded before their case changes.
//!
//! Every step drops invisible characters that it produces, so `&#8203;` and `%E2%80%8B`
//! disappear as well.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Maximum number of decode-and-normalize rounds in [`fold`].
///
/// Three rounds undo an escape that is encoded three times (`%25253C`). A limit keeps the cost
/// linear in the input: each round is one pass, and an attacker who nests escapes deeper only
/// gets a value that stays partly encoded, which still does not match a keyword.
pub const MAX_FOLD_ROUNDS: usize = 3;

/// A value in folded form, with the map from its bytes back to the original value.
#[derive(Clone, PartialEq, Eq)]
pub struct Folded {
    /// The folded text: lower case, NFKC, decoded, without invisible format characters.
    pub text: String,
    /// Pieces of `text` in order, each mapping its bytes to the original value.
    spans: Vec<Span>,
    /// Length in bytes of the original value.
    source_len: usize,
}

/// A piece of folded text that starts at byte `out` and runs to the next span.
///
/// A linear span was copied byte for byte, so its byte `out + k` comes from source byte
/// `src + k`. Any other span was produced by decoding or normalizing, so each of its bytes comes
/// from the whole source range `src..src + src_len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    out: usize,
    src: usize,
    src_len: usize,
    linear: bool,
}

// `Folded` contains a dataset value, which may be PHI, so its `Debug` output shows sizes only.
impl fmt::Debug for Folded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Folded")
            .field("text_len", &self.text.len())
            .field("spans", &self.spans.len())
            .field("source_len", &self.source_len)
            .finish()
    }
}

impl Folded {
    /// Returns the range of the original value that the folded bytes `range` came from.
    ///
    /// A range that starts or ends inside a decoded escape widens to the whole escape, so the
    /// result always covers every source byte that contributed. Offsets past the end of `text`
    /// map to the end of the original value.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        if range.start >= range.end {
            let at = self.source_start(range.start);
            return at..at;
        }
        let start = self.source_start(range.start);
        let end = self.source_end(range.end - 1).max(start);
        start..end
    }

    /// Returns the offset in the original value of the first source byte of folded byte
    /// `offset`.
    pub fn source_offset(&self, offset: usize) -> usize {
        self.source_start(offset)
    }

    fn span_index(&self, offset: usize) -> Option<usize> {
        if offset >= self.text.len() {
            return None;
        }
        self.spans.partition_point(|span| span.out <= offset).checked_sub(1)
    }

    fn source_start(&self, offset: usize) -> usize {
        let Some(span) = self.span_index(offset).and_then(|i| self.spans.get(i)) else {
            return self.source_len;
        };
        if span.linear {
            span.src + (offset - span.out)
        } else {
            span.src
        }
    }

    /// Returns the end of the source bytes of folded byte `offset`.
    fn source_end(&self, offset: usize) -> usize {
        let Some(span) = self.span_index(offset).and_then(|i| self.spans.get(i)) else {
            return self.source_len;
        };
        if span.linear {
            span.src + (offset - span.out) + 1
        } else {
            span.src + span.src_len
        }
    }

    /// Wraps `input` unchanged, as the first step of folding.
    fn identity(input: &str) -> Folded {
        let spans = if input.is_empty() {
            Vec::new()
        } else {
            vec![Span { out: 0, src: 0, src_len: 0, linear: true }]
        };
        Folded { text: input.to_owned(), spans, source_len: input.len() }
    }
}

/// Output of one folding step, built left to right.
struct Builder {
    text: String,
    spans: Vec<Span>,
}

impl Builder {
    fn with_capacity(capacity: usize) -> Builder {
        Builder { text: String::with_capacity(capacity), spans: Vec::new() }
    }

    /// Appends `piece`, whose bytes come one to one from the source bytes starting at `src`.
    fn push_linear(&mut self, piece: &str, src: usize) {
        if piece.is_empty() {
            return;
        }
        let out = self.text.len();
        let continues = matches!(
            self.spans.last(),
            Some(last) if last.linear && last.src + (out - last.out) == src
        );
        if !continues {
            self.spans.push(Span { out, src, src_len: 0, linear: true });
        }
        self.text.push_str(piece);
    }

    /// Appends `piece`, every byte of which comes from the whole source range `src`, without
    /// its invisible characters.
    fn push_mapped(&mut self, piece: &str, src: Range<usize>) {
        for c in piece.chars().filter(|&c| !is_invisible(c)) {
            let out = self.text.len();
            let src_len = src.end.saturating_sub(src.start);
            let continues = matches!(
                self.spans.last(),
                Some(last) if !last.linear && last.src == src.start && last.src_len == src_len
            );
            if !continues {
                self.spans.push(Span { out, src: src.start, src_len, linear: false });
            }
            self.text.push(c);
        }
    }

    /// Appends `prev.text[range]` unchanged, keeping its map to the original value.
    fn copy_from(&mut self, prev: &Folded, range: Range<usize>) {
        let Some(piece) = prev.text.get(range.clone()) else {
            return;
        };
        if piece.is_empty() {
            return;
        }
        let Some(mut index) = prev.span_index(range.start) else {
            return;
        };
        let mut at = range.start;
        while at < range.end {
            let Some(span) = prev.spans.get(index) else {
                break;
            };
            let span_end = prev.spans.get(index + 1).map_or(prev.text.len(), |next| next.out);
            let end = span_end.min(range.end);
            let Some(part) = prev.text.get(at..end) else {
                break;
            };
            if span.linear {
                self.push_linear(part, span.src + (at - span.out));
            } else {
                self.push_mapped(part, span.src..span.src + span.src_len);
            }
            at = end;
            index += 1;
        }
    }

    fn finish(self, source_len: usize) -> Folded {
        Folded { text: self.text, spans: self.spans, source_len }
    }
}

/// Returns `true` for the zero-width and invisible format characters that [`fold`] removes.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Returns `true` for the characters that sanitizing removes: the invisible format characters of
/// [`is_invisible`], and control characters other than tab, line feed and carriage return.
pub fn is_removable(c: char) -> bool {
    is_invisible(c) || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// Returns `value` without the characters that [`is_removable`] matches, borrowed when it has
/// none.
///
/// Checks run on this form as well as sanitizing, so that removing a character cannot join two
/// harmless pieces into active content (`<scr\u{1}ipt>` becomes `<script>`).
pub fn strip_removable(value: &str) -> Cow<'_, str> {
    if has_removable(value) {
        Cow::Owned(value.chars().filter(|&c| !is_removable(c)).collect())
    } else {
        Cow::Borrowed(value)
    }
}

/// Bytes that can start a character that [`is_removable`] matches. They are the ASCII control
/// characters other than tab, line feed and carriage return, and the UTF-8 lead bytes `C2`
/// (U+0080 to U+00BF), `CD` (U+034F), `E1` (U+180E), `E2` (U+2000 to U+2FFF) and `EF` (U+FEFF).
const REMOVABLE_LEAD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = (byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r'))
            || matches!(byte, 0x7F | 0xC2 | 0xCD | 0xE1 | 0xE2 | 0xEF);
        b += 1;
    }
    table
};

/// Returns whether `value` contains a character that [`is_removable`] matches.
///
/// Only characters that start with a byte of [`REMOVABLE_LEAD_BYTES`] are decoded, so curly
/// quotes and accented letters cost one table lookup per byte instead of a full decode.
fn has_removable(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.iter().enumerate().any(|(at, &byte)| {
        REMOVABLE_LEAD_BYTES.get(usize::from(byte)).copied().unwrap_or(false)
            && value.get(at..).and_then(|rest| rest.chars().next()).is_some_and(is_removable)
    })
}

/// Returns `false` when [`fold`] would only lower-case ASCII letters.
///
/// In that case `fold(input).text == input.to_ascii_lowercase()` and every offset maps to
/// itself, so a caller can match case-insensitively on the input directly. The check looks for
/// `&`, `%` and non-ASCII characters that are invisible, change under lower-casing or may
/// change under NFKC. It decodes only the non-ASCII parts of the input.
pub fn needs_folding(input: &str) -> bool {
    if memchr::memchr2(b'&', b'%', input.as_bytes()).is_some() {
        return true;
    }
    non_ascii_runs(input).any(|run| {
        let Some(chars) = input.get(run.clone()) else {
            return true;
        };
        if chars.chars().any(|c| is_invisible(c) || !lowercase_is_identity(c)) {
            return true;
        }
        let segment = input.get(segment_start(run.start)..run.end).unwrap_or(chars);
        is_nfkc_quick(segment.chars()) != IsNormalized::Yes
    })
}

/// Returns the byte ranges of the maximal runs of non-ASCII characters in `text`.
fn non_ascii_runs(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = find_non_ascii(bytes, at)?;
        let end = bytes
            .get(start..)
            .and_then(|rest| rest.iter().position(u8::is_ascii))
            .map_or(bytes.len(), |len| start + len);
        at = end;
        Some(start..end)
    })
}

/// Returns the index of the first non-ASCII byte at or after `from`.
fn find_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let mut offset = from;
    // `is_ascii` on a block reads whole words at a time, which is much faster than a byte loop
    // on mostly-ASCII text.
    for block in rest.chunks(64) {
        if !block.is_ascii() {
            return block.iter().position(|b| !b.is_ascii()).map(|i| offset + i);
        }
        offset += block.len();
    }
    None
}

/// Returns where the NFKC segment of a non-ASCII run starting at `run_start` begins: one byte
/// earlier, at the ASCII character that a leading combining mark may compose with.
fn segment_start(run_start: usize) -> usize {
    run_start.saturating_sub(1)
}

fn lowercase_is_identity(c: char) -> bool {
    let mut lower = c.to_lowercase();
    lower.next() == Some(c) && lower.next().is_none()
}

/// Folds `input` for matching: removes invisible format characters, decodes HTML character
/// references and percent escapes, applies NFKC and lower-cases.
///
/// The module documentation explains the order. Decoding recognizes numeric references
/// (`&#60`, `&#x3C;`, with or without `;`) and the named references `lt gt amp quot apos colon
/// lpar rpar sol bsol Tab NewLine nbsp period`, with HTML's case rules. Percent escapes that
/// decode to invalid UTF-8 stay as they are. Lower-casing maps each character on its own with
/// [`char::to_lowercase`], so a final capital sigma becomes `σ`, not `ς`.
///
/// The cost is linear in the input: at most [`MAX_FOLD_ROUNDS`] passes of decoding and NFKC,
/// and none at all when [`needs_folding`] returns `false`.
pub fn fold(input: &str) -> Folded {
    if !needs_folding(input) {
        let mut folded = Folded::identity(input);
        folded.text.make_ascii_lowercase();
        return folded;
    }

    let mut folded = strip_invisible(input);
    for _ in 0..MAX_FOLD_ROUNDS {
        let mut changed = false;
        if let Some(next) = decode_references(&folded) {
            folded = next;
            changed = true;
        }
        if let Some(next) = decode_percent(&folded) {
            folded = next;
            changed = true;
        }
        if let Some(next) = normalize_nfkc(&folded) {
            folded = next;
            changed = true;
        }
        if !changed {
            break;
        }
    }
    lowercase(folded)
}

fn strip_invisible(input: &str) -> Folded {
    let mut builder: Option<Builder> = None;
    let mut copied = 0;
    for run in non_ascii_runs(input) {
        let Some(chars) = input.get(run.clone()) else {
            continue;
        };
        for (offset, c) in chars.char_indices().filter(|&(_, c)| is_invisible(c)) {
            let at = run.start + offset;
            let out = builder.get_or_insert_with(|| Builder::with_capacity(input.len()));
            if let Some(piece) = input.get(copied..at) {
                out.push_linear(piece, copied);
            }
            copied = at + c.len_utf8();
        }
    }
    let Some(mut out) = builder else {
        return Folded::identity(input);
    };
    if let Some(piece) = input.get(copied..) {
        out.push_linear(piece, copied);
    }
    out.finish(input.len())
}

/// Named character references decoded by [`fold`]: the ones that spell markup, URL schemes or
/// separators. The flag marks HTML's legacy names, which are also decoded without `;`.
const NAMED_REFERENCES: &[(&str, char, bool)] = &[
    ("lt", '<', true),
    ("LT", '<', true),
    ("gt", '>', true),
    ("GT", '>', true),
    ("amp", '&', true),
    ("AMP", '&', true),
    ("quot", '"', true),
    ("QUOT", '"', true),
    ("nbsp", '\u{00A0}', true),
    ("apos", '\'', false),
    ("colon", ':', false),
    ("lpar", '(', false),
    ("rpar", ')', false),
    ("sol", '/', false),
    ("bsol", '\\', false),
    ("Tab", '\t', false),
    ("NewLine", '\n', false),
    ("period", '.', false),
];

/// Decodes the character references in `prev`, or returns `None` when it has none.
fn decode_references(prev: &Folded) -> Option<Folded> {
    let text = &prev.text;
    let bytes = text.as_bytes();
    let mut builder: Option<Builder> = None;
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = bytes.get(search..).and_then(|rest| memchr::memchr(b'&', rest)) {
        let at = search + found;
        search = at + 1;
        let Some((decoded, len)) = parse_reference(bytes.get(at + 1..).unwrap_or_default()) else {
            continue;
        };
        let end = at + 1 + len;
        let out = builder.get_or_insert_with(|| Builder::with_capacity(text.len()));
        out.copy_from(prev, copied..at);
        let mut utf8 = [0; 4];
        out.push_mapped(decoded.encode_utf8(&mut utf8), prev.source_range(at..end));
        copied = end;
        search = end;
    }
    let mut out = builder?;
    out.copy_from(prev, copied..text.len());
    Some(out.finish(prev.source_len))
}

/// Parses a character reference after its `&`, returning the character and the number of
/// bytes that the reference takes after the `&`.
fn parse_reference(rest: &[u8]) -> Option<(char, usize)> {
    if rest.first() == Some(&b'#') {
        return parse_numeric_reference(rest);
    }
    NAMED_REFERENCES.iter().find_map(|&(name, decoded, legacy)| {
        if !rest.starts_with(name.as_bytes()) {
            return None;
        }
        if rest.get(name.len()) == Some(&b';') {
            Some((decoded, name.len() + 1))
        } else if legacy {
            Some((decoded, name.len()))
        } else {
            None
        }
    })
}

/// Parses `#123` or `#x7B`, with an optional `;`. As in HTML, a reference to NUL, a surrogate
/// or a value above U+10FFFF decodes to U+FFFD.
fn parse_numeric_reference(rest: &[u8]) -> Option<(char, usize)> {
    let (radix, digits_start) = match rest.get(1) {
        Some(b'x' | b'X') => (16, 2),
        _ => (10, 1),
    };
    let mut value: u32 = 0;
    let mut end = digits_start;
    while let Some(digit) = rest.get(end).and_then(|&b| char::from(b).to_digit(radix)) {
        // Saturating keeps any value above U+10FFFF above it, however many digits follow.
        value = value.saturating_mul(radix).saturating_add(digit);
        end += 1;
    }
    if end == digits_start {
        return None;
    }
    if rest.get(end) == Some(&b';') {
        end += 1;
    }
    let decoded = match value {
        0 => '\u{FFFD}',
        _ => char::from_u32(value).unwrap_or('\u{FFFD}'),
    };
    Some((decoded, end))
}

/// Decodes the percent escapes in `prev`, or returns `None` when it has none.
fn decode_percent(prev: &Folded) -> Option<Folded> {
    let text = &prev.text;
    let bytes = text.as_bytes();
    let mut builder: Option<Builder> = None;
    let mut decoded_any = false;
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = bytes.get(search..).and_then(|rest| memchr::memchr(b'%', rest)) {
        let start = search + found;
        let mut decoded = Vec::new();
        let mut end = start;
        while let Some(byte) = percent_byte(bytes, end) {
            decoded.push(byte);
            end += 3;
        }
        search = start + 1;
        if decoded.is_empty() {
            continue;
        }

        let out = builder.get_or_insert_with(|| Builder::with_capacity(text.len()));
        out.copy_from(prev, copied..start);
        decoded_any |= push_percent_decoded(out, prev, start, &decoded);
        copied = end;
        search = end;
    }

    // Escapes of invalid UTF-8 stay as they are, so a text with only those has not changed.
    if !decoded_any {
        return None;
    }
    let mut out = builder?;
    out.copy_from(prev, copied..text.len());
    Some(out.finish(prev.source_len))
}

/// Returns the byte that the escape `%XX` at `at` encodes.
fn percent_byte(bytes: &[u8], at: usize) -> Option<u8> {
    match bytes.get(at..at + 3)? {
        [b'%', high, low] => {
            let high = char::from(*high).to_digit(16)?;
            let low = char::from(*low).to_digit(16)?;
            u8::try_from(high * 16 + low).ok()
        }
        _ => None,
    }
}

/// Appends the characters that a run of escapes starting at `start` decodes to. Each escape is
/// three bytes, so escape `i` covers `start + 3 * i`. Bytes that do not form valid UTF-8 are
/// copied in their escaped form. Returns whether any escape was decoded.
fn push_percent_decoded(out: &mut Builder, prev: &Folded, start: usize, decoded: &[u8]) -> bool {
    let mut decoded_any = false;
    let mut i = 0;
    while i < decoded.len() {
        let escape_at = start + 3 * i;
        let width = utf8_width(decoded.get(i).copied().unwrap_or(0));
        let character = decoded
            .get(i..i + width.max(1))
            .and_then(|sequence| std::str::from_utf8(sequence).ok())
            .filter(|_| width > 0);
        match character {
            Some(character) => {
                let source = prev.source_range(escape_at..escape_at + 3 * width);
                out.push_mapped(character, source);
                decoded_any = true;
                i += width;
            }
            None => {
                out.copy_from(prev, escape_at..escape_at + 3);
                i += 1;
            }
        }
    }
    decoded_any
}

/// Returns the length of the UTF-8 sequence that `lead` starts, or 0 for a byte that cannot
/// start one.
pub(crate) fn utf8_width(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

/// Applies NFKC to `prev`, or returns `None` when it is already in NFKC.
///
/// ASCII characters split the text into segments that NFKC handles independently, because no
/// ASCII character reorders or composes with a character before it. Only a segment that fails
/// the quick check is normalized. The ASCII character just before a non-ASCII run joins the run,
/// because a leading combining mark may compose with it.
///
/// NOTE: text made mostly of compatibility or combining characters folds at about 10 to
/// 25 MB/s (optimized native build on a 2-core AMD EPYC), against about 700 MB/s for English
/// prose, because each such segment is normalized on its own.
fn normalize_nfkc(prev: &Folded) -> Option<Folded> {
    let text = &prev.text;
    let mut builder: Option<Builder> = None;
    let mut copied = 0;
    for run in non_ascii_runs(text) {
        let start = segment_start(run.start).max(copied);
        let Some(segment) = text.get(start..run.end) else {
            continue;
        };
        if is_nfkc_quick(segment.chars()) == IsNormalized::Yes {
            continue;
        }
        let out = builder.get_or_insert_with(|| Builder::with_capacity(text.len()));
        out.copy_from(prev, copied..start);
        push_nfkc_segment(out, prev, start, segment);
        copied = run.end;
    }
    let mut out = builder?;
    out.copy_from(prev, copied..text.len());
    Some(out.finish(prev.source_len))
}

/// Appends the NFKC form of `segment`, which starts at byte `start` of `prev.text`.
///
/// When the segment normalizes character by character, each character keeps its own source
/// range. Otherwise some characters composed or reordered together, so every byte of the
/// result maps to the whole source range of the segment.
fn push_nfkc_segment(out: &mut Builder, prev: &Folded, start: usize, segment: &str) {
    let whole: String = segment.nfkc().collect();

    // Byte ranges in `whole` of each character's own NFKC form, if the forms add up to `whole`.
    let mut pieces: Vec<Range<usize>> = Vec::new();
    let mut covered = 0;
    for c in segment.chars() {
        let piece_start = covered;
        let mut aligned = true;
        for normalized in c.nfkc() {
            let mut utf8 = [0; 4];
            let encoded = normalized.encode_utf8(&mut utf8).as_bytes();
            aligned &= whole.as_bytes().get(covered..covered + encoded.len()) == Some(encoded);
            covered += encoded.len();
        }
        if !aligned {
            break;
        }
        pieces.push(piece_start..covered);
    }
    if covered != whole.len() || pieces.len() != segment.chars().count() {
        out.push_mapped(&whole, prev.source_range(start..start + segment.len()));
        return;
    }

    for ((offset, c), piece) in segment.char_indices().zip(pieces) {
        let range = start + offset..start + offset + c.len_utf8();
        let normalized = whole.get(piece).unwrap_or_default();
        if prev.text.get(range.clone()) == Some(normalized) {
            out.copy_from(prev, range);
        } else {
            out.push_mapped(normalized, prev.source_range(range));
        }
    }
}

/// Lower-cases `prev`. When no character changes its UTF-8 length, the map stays as it is.
fn lowercase(mut prev: Folded) -> Folded {
    // ASCII lower-casing keeps every length, so it can run in place before the rest.
    prev.text.make_ascii_lowercase();
    let mut changed: Vec<(usize, char)> = Vec::new();
    for run in non_ascii_runs(&prev.text) {
        let Some(chars) = prev.text.get(run.clone()) else {
            continue;
        };
        let changes = chars.char_indices().filter(|&(_, c)| !lowercase_is_identity(c));
        changed.extend(changes.map(|(offset, c)| (run.start + offset, c)));
    }
    if changed.is_empty() {
        return prev;
    }

    let keeps_lengths = changed.iter().all(|&(_, c)| {
        let mut lower = c.to_lowercase();
        matches!(lower.next(), Some(l) if l.len_utf8() == c.len_utf8()) && lower.next().is_none()
    });
    if keeps_lengths {
        let mut text = String::with_capacity(prev.text.len());
        let mut copied = 0;
        for &(at, c) in &changed {
            text.push_str(prev.text.get(copied..at).unwrap_or_default());
            text.extend(c.to_lowercase());
            copied = at + c.len_utf8();
        }
        text.push_str(prev.text.get(copied..).unwrap_or_default());
        prev.text = text;
        return prev;
    }

    let mut out = Builder::with_capacity(prev.text.len());
    let mut copied = 0;
    for (at, c) in changed {
        out.copy_from(&prev, copied..at);
        let end = at + c.len_utf8();
        let lower: String = c.to_lowercase().collect();
        out.push_mapped(&lower, prev.source_range(at..end));
        copied = end;
    }
    out.copy_from(&prev, copied..prev.text.len());
    out.finish(prev.source_len)
}

#[cfg(test)]
pub(crate) mod test_corpus {
    //! The counsel-chat corpus of real therapist replies, used to check that detectors stay
    //! quiet on ordinary therapy prose.

    /// Path of the corpus, which lives outside the repository.
    pub(crate) const COUNSEL_CHAT: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/therapy/counsel-chat/20200325_counsel_chat.csv"
    );

    /// Returns the text of the corpus, or `None` with a printed note when it is absent.
    pub(crate) fn counsel_chat_text() -> Option<String> {
        match std::fs::read_to_string(COUNSEL_CHAT) {
            Ok(text) => Some(text),
            Err(error) => {
                println!("skipped: counsel-chat corpus not readable at {COUNSEL_CHAT}: {error}");
                None
            }
        }
    }

    /// Splits RFC 4180 CSV text into cells, undoing `""` inside quoted cells.
    pub(crate) fn csv_cells(text: &str) -> Vec<String> {
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    cell.push('"');
                    chars.next();
                }
                (true, '"') => quoted = false,
                (true, _) => cell.push(c),
                (false, '"') => quoted = true,
                (false, ',' | '\n') => cells.push(std::mem::take(&mut cell)),
                (false, '\r') => {}
                (false, _) => cell.push(c),
            }
        }
        cells.push(cell);
        cells
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Returns the source range of every byte of the folded text, for exact comparisons.
    fn byte_sources(folded: &Folded) -> Vec<Range<usize>> {
        (0..folded.text.len()).map(|i| folded.source_range(i..i + 1)).collect()
    }

    #[test]
    fn decimal_reference_and_mixed_case() {
        let folded = fold("&#60;ScRiPt");
        assert_eq!(folded.text, "<script");
        assert_eq!(folded.source_range(0..1), 0..5);
        assert_eq!(folded.source_range(1..7), 5..11);
        assert_eq!(folded.source_range(0..7), 0..11);
        assert_eq!(folded.source_offset(3), 7);
    }

    #[test]
    fn reference_forms() {
        let cases = [
            ("&#60script", "<script"),
            ("&#x3C;script", "<script"),
            ("&#X3c;script", "<script"),
            ("&#0000060;x", "<x"),
            ("&lt;x", "<x"),
            ("&LT;x", "<x"),
            ("&ltx", "<x"),
            ("a&colon;b", "a:b"),
            ("a&colonb", "a&colonb"),
            ("a&Colon;b", "a&colon;b"),
            ("&lpar;&rpar;&sol;&bsol;&period;", "()/\\."),
            ("java&Tab;script", "java\tscript"),
            ("java&NewLine;script", "java\nscript"),
            ("a&nbsp;b", "a b"),
            ("&quot;&apos;&amp;", "\"'&"),
            ("&#0;", "\u{FFFD}"),
            ("&#xD800;", "\u{FFFD}"),
            ("&#99999999999999999999;", "\u{FFFD}"),
            ("AT&T & R&D &#; &#x;", "at&t & r&d &#; &#x;"),
        ];
        for (input, expected) in cases {
            assert_eq!(fold(input).text, expected, "input {input:?}");
        }
    }

    #[test]
    fn full_width_script() {
        let input = "＜ｓｃｒｉｐｔ";
        let folded = fold(input);
        assert_eq!(folded.text, "<script");
        // Each full-width character is three bytes and maps to exactly its own bytes.
        let expected: Vec<Range<usize>> = (0..7).map(|i| 3 * i..3 * i + 3).collect();
        assert_eq!(byte_sources(&folded), expected);
    }

    #[test]
    fn double_percent_encoding() {
        let folded = fold("%253Cscript");
        assert_eq!(folded.text, "<script");
        assert_eq!(folded.source_range(0..1), 0..5);
        assert_eq!(folded.source_range(1..7), 5..11);
    }

    #[test]
    fn percent_forms() {
        let cases = [
            ("%3C%3c", "<<"),
            ("%25%", "%%"),
            ("100%", "100%"),
            ("%zz%4", "%zz%4"),
            ("%E2%80%8Bx", "x"),
            ("%C3%A9", "é"),
            ("%C3", "%c3"),
            ("%FF%3C", "%ff<"),
            ("%25252525", "%25"),
        ];
        for (input, expected) in cases {
            assert_eq!(fold(input).text, expected, "input {input:?}");
        }
    }

    #[test]
    fn references_and_escapes_nest() {
        assert_eq!(fold("%26lt;b").text, "<b");
        assert_eq!(fold("&#37;3Cb").text, "<b");
        assert_eq!(fold("&amp;lt;b").text, "<b");
        assert_eq!(fold("％３Ｃb").text, "<b");
        assert_eq!(fold("&#65308;b").text, "<b");
    }

    #[test]
    fn zero_width_inside_javascript() {
        let input = "java\u{200B}script:";
        let folded = fold(input);
        assert_eq!(folded.text, "javascript:");
        assert_eq!(folded.source_range(0..4), 0..4);
        assert_eq!(folded.source_range(4..5), 7..8);
        assert_eq!(folded.source_range(0..11), 0..input.len());
    }

    #[test]
    fn every_invisible_character_removed() {
        let invisible = [
            '\u{00AD}', '\u{034F}', '\u{180E}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}',
            '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2060}',
            '\u{2061}', '\u{2062}', '\u{2063}', '\u{2064}', '\u{2066}', '\u{2067}', '\u{2068}',
            '\u{2069}', '\u{FEFF}',
        ];
        for c in invisible {
            let input = format!("a{c}b");
            assert!(needs_folding(&input), "{c:?}");
            assert_eq!(fold(&input).text, "ab", "{c:?}");
        }
        assert_eq!(fold("a&#8203;b").text, "ab");
        assert_eq!(fold("a&#xFEFF;b").text, "ab");
    }

    #[test]
    fn nfkc_and_lowercase() {
        assert_eq!(fold("ＳＣＲＩＰＴ").text, "script");
        assert_eq!(fold("𝐒cript").text, "script");
        assert_eq!(fold("ﬁle").text, "file");
        assert_eq!(fold("Ünïcödé").text, "ünïcödé");
        assert_eq!(fold("e\u{301}").text, "é");
        assert_eq!(fold("…").text, "...");
        assert_eq!(fold("İ").text, "i\u{307}");
    }

    #[test]
    fn combining_mark_maps_to_its_base() {
        let folded = fold("xe\u{301}y");
        assert_eq!(folded.text, "xéy");
        assert_eq!(folded.source_range(0..1), 0..1);
        assert_eq!(folded.source_range(1..3), 1..4);
        assert_eq!(folded.source_range(3..4), 4..5);
    }

    #[test]
    fn length_changing_lowercase_keeps_map() {
        let input = "AİB";
        let folded = fold(input);
        assert_eq!(folded.text, "ai\u{307}b");
        assert_eq!(folded.source_range(0..1), 0..1);
        assert_eq!(folded.source_range(1..4), 1..3);
        assert_eq!(folded.source_range(4..5), 3..4);
    }

    #[test]
    fn needs_folding_cases() {
        assert!(!needs_folding(""));
        assert!(!needs_folding("Plain ASCII <b>text</b>: (ok)"));
        assert!(!needs_folding("It’s “quoted” — fine, café"));
        assert!(needs_folding("a&b"));
        assert!(needs_folding("100%"));
        assert!(!needs_folding("Café"));
        assert!(needs_folding("CAFÉ"));
        assert!(needs_folding("ｓ"));
        assert!(needs_folding("…"));
        assert!(needs_folding("e\u{301}"));
    }

    #[test]
    fn no_folding_means_ascii_lowercase() {
        for input in ["", "Plain ASCII <B>", "It’s “quoted” — café", "x\u{301}"] {
            if needs_folding(input) {
                continue;
            }
            let folded = fold(input);
            assert_eq!(folded.text, input.to_ascii_lowercase(), "{input:?}");
            for i in 0..folded.text.len() {
                assert_eq!(folded.source_range(i..i + 1), i..i + 1, "{input:?} byte {i}");
            }
        }
    }

    #[test]
    fn offsets_past_end() {
        let folded = fold("&lt;");
        assert_eq!(folded.text, "<");
        assert_eq!(folded.source_range(1..1), 4..4);
        assert_eq!(folded.source_range(0..9), 0..4);
        assert_eq!(fold("").source_range(0..1), 0..0);
    }

    #[test]
    fn mapping_covers_each_source_once() {
        // Every folded byte maps inside the input and source starts never go backwards.
        let inputs =
            ["Ａ&#60;%3C\u{200B}e\u{301}İ&lt;x%E2%82%AC…ﬁ", "%%%&&&;;;#", "&#x1F600;%F0%9F%98%80"];
        for input in inputs {
            let folded = fold(input);
            let mut last_start = 0;
            for (at, c) in folded.text.char_indices() {
                let range = folded.source_range(at..at + c.len_utf8());
                assert!(range.end <= input.len(), "{input:?}: {range:?}");
                assert!(range.start >= last_start, "{input:?}: {range:?}");
                assert!(input.is_char_boundary(range.start), "{input:?}: {range:?}");
                assert!(input.is_char_boundary(range.end), "{input:?}: {range:?}");
                last_start = range.start;
            }
        }
    }

    #[test]
    fn fold_is_idempotent_on_samples() {
        for input in ["&amp;amp;lt;", "%25253C", "ＡＢＣ", "Straße", "Ǆ"] {
            let once = fold(input).text;
            let twice = fold(&once).text;
            assert_eq!(once, twice, "input {input:?}");
        }
    }

    #[test]
    fn debug_hides_text() {
        let debug = format!("{:?}", fold("Jane Doe 555-0100"));
        assert!(!debug.contains("jane"), "{debug}");
        assert!(debug.contains("text_len"));
    }

    #[test]
    fn deep_nesting_stays_bounded() {
        let input = format!("%{}3C", "25".repeat(10_000));
        let folded = fold(&input);
        assert!(folded.text.len() < input.len());
        assert!(!folded.text.contains('<'));
    }

    /// Fragments that exercise every folding step and their interactions.
    pub(crate) const FRAGMENTS: &[&str] = &[
        "&", "#", "x", "3C", "%", "25", "lt", ";", "amp", "\u{200B}", "e", "\u{301}", "Ａ", "İ",
        "…", "<", "a", "S", "%E2", "%80", "ﬁ", "\u{FEFF}", "ǅ", "ẞ", "Σ", "\u{1100}", "\u{1161}",
        "\u{11A8}", "가", "\u{0F73}", "%F0", "%9F", "é", " ", "Ω",
    ];

    /// Returns `count` strings built from [`FRAGMENTS`] with a fixed pseudo-random sequence.
    pub(crate) fn random_fragment_strings(count: usize) -> Vec<String> {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |bound: usize| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize % bound
        };
        (0..count)
            .map(|_| {
                let len = next(24);
                (0..len).map(|_| FRAGMENTS[next(FRAGMENTS.len())]).collect()
            })
            .collect()
    }

    #[test]
    fn removable_lead_bytes_miss_nothing() {
        let scalars = (0..0x3000u32).chain(0xFE00..0x1_0000).chain([0x1_F600, 0xE_0001]);
        for c in scalars.filter_map(char::from_u32) {
            for value in [c.to_string(), format!("a’{c}b"), format!("é{c}")] {
                let expected = value.chars().any(is_removable);
                assert_eq!(has_removable(&value), expected, "{:?}", c);
            }
        }
        for value in random_fragment_strings(5_000) {
            assert_eq!(has_removable(&value), value.chars().any(is_removable), "{value:?}");
        }
    }

    #[test]
    fn random_fragments_keep_map_valid() {
        for input in random_fragment_strings(20_000) {
            let folded = fold(&input);
            let mut last_start = 0;
            for (at, c) in folded.text.char_indices() {
                let range = folded.source_range(at..at + c.len_utf8());
                assert!(range.start <= range.end, "{input:?}: {range:?}");
                assert!(range.end <= input.len(), "{input:?}: {range:?}");
                assert!(input.is_char_boundary(range.start), "{input:?}: {range:?}");
                assert!(input.is_char_boundary(range.end), "{input:?}: {range:?}");
                assert!(range.start >= last_start, "{input:?}: {range:?}");
                last_start = range.start;
            }
            if !needs_folding(&input) {
                assert_eq!(folded.text, input.to_ascii_lowercase(), "{input:?}");
            }
        }
    }
}
