//! Phone and fax numbers in national and international formats that a word around them names:
//! `Phone: 467 3395`, `call me on 9472 7916`, `082 490 1693-Office`, `+41 (0)69 979 80 58 fax`.
//!
//! The shape rules of the digit candidates miss these when the groups are unusual for North
//! America, when a label is glued to the number (`-Fax`), or when the candidate pattern joined
//! the number to a postcode before it. This pass reads each number on its own and needs a
//! context word, so a count or a code without one is not reported.

use super::lexicon::{self, HOTLINES};
use super::{span, Found};
use crate::phi::PhiType;

/// Minimum and maximum number of digits in a phone number, with the country code and trunk
/// prefix (E.164 allows at most 15).
const MIN_DIGITS: usize = 7;
const MAX_DIGITS: usize = 15;

/// Maximum number of digit groups in a phone number.
const MAX_GROUPS: usize = 6;

/// Words before a number, in its clause, that name it a phone number; lower case.
const PHONE_BEFORE: &[&str] = &[
    "answering", "call", "calling", "cell", "cellphone", "contact", "desk", "mobile", "phone", "reach", "registered",
    "tel", "telephone", "text", "whatsapp",
];

/// Words before a number that name it a fax number.
const FAX_BEFORE: &[&str] = &["facsimile", "fax"];

/// Maximum number of words between a context word and the number.
const MAX_WORDS_BETWEEN: usize = 4;

/// Labels right after a number: `-Office`, ` fax`, ` (mobile)`.
const LABELS_AFTER: &[(&str, PhiType)] = &[
    ("cell", PhiType::Phone),
    ("desk", PhiType::Phone),
    ("fax", PhiType::Fax),
    ("home", PhiType::Phone),
    ("mobile", PhiType::Phone),
    ("office", PhiType::Phone),
    ("work", PhiType::Phone),
];

/// How far back, in bytes, a context word counts.
const CONTEXT_BYTES: usize = 40;

/// Appends the phone and fax numbers in `text` that a context word names. A number that starts
/// inside a date, ZIP code or address found before is left to that finding.
pub(super) fn scan(text: &str, out: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    let mut taken: Vec<(usize, usize)> = out.iter().filter(|found| matches!(found.kind, PhiType::Date | PhiType::Zip | PhiType::Address)).map(|found| (found.start, found.end)).collect();
    taken.sort_unstable();
    let mut next_taken = 0;
    let mut index = 0;
    while index < bytes.len() {
        // A number opens with a digit, or with `+` or `(` right before one, so the search
        // looks for the next digit and then steps back over such a sign.
        let Some(digit) = super::find_byte(bytes, index, |byte| byte.is_ascii_digit()) else {
            break;
        };
        index = if digit > index && matches!(bytes[digit - 1], b'+' | b'(') { digit - 1 } else { digit };
        let opens = bytes[index].is_ascii_digit() || bytes.get(index + 1).is_some_and(u8::is_ascii_digit);
        let boundary = index == 0 || !(bytes[index - 1].is_ascii_alphanumeric() || matches!(bytes[index - 1], b'-' | b'.' | b'/' | b'+' | b'$' | b'#'));
        if !(opens && boundary) {
            index += 1;
            continue;
        }
        while next_taken < taken.len() && taken[next_taken].1 <= index {
            next_taken += 1;
        }
        if taken.get(next_taken).is_some_and(|&(from, _)| from <= index) {
            index = taken[next_taken].1;
            continue;
        }
        match number_at(text, index) {
            Some((end, digits)) => {
                // A number read whole is not read again from its inner groups.
                if let Some(kind) = named(text, index, end, digits) {
                    out.push(span(kind, index, end, 0.85, if kind == PhiType::Fax { "fax" } else { "phone" }));
                }
                index = end;
            }
            None => index = skip_digits(bytes, index),
        }
    }
}

fn skip_digits(bytes: &[u8], from: usize) -> usize {
    let mut index = from + 1;
    while index < bytes.len() && bytes[index].is_ascii_digit() {
        index += 1;
    }
    index
}

/// Reads a phone-shaped number at `start`: an optional `+`, digit groups joined by one space,
/// hyphen or period, and a bracketed area code or trunk prefix (`(37)`, `(0)`). Returns its
/// end and digit count.
fn number_at(text: &str, start: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut index = start;
    if bytes[index] == b'+' {
        index += 1;
    }
    let mut digits = 0;
    let mut groups = 0;
    let mut end = index;
    loop {
        if bytes.get(index) == Some(&b'(') {
            let close = bytes[index + 1..].iter().take(5).position(|byte| *byte == b')')?;
            let inner = &bytes[index + 1..index + 1 + close];
            if inner.is_empty() || !inner.iter().all(u8::is_ascii_digit) {
                return None;
            }
            digits += inner.len();
            index += close + 2;
            if bytes.get(index) == Some(&b' ') {
                index += 1;
            }
        }
        let run = bytes[index..].iter().take_while(|byte| byte.is_ascii_digit()).count();
        if run == 0 {
            break;
        }
        digits += run;
        groups += 1;
        index += run;
        end = index;
        if digits > MAX_DIGITS || groups > MAX_GROUPS {
            return None;
        }
        let joined = matches!(bytes.get(index), Some(b' ' | b'-' | b'.')) && bytes.get(index + 1).is_some_and(|next| next.is_ascii_digit() || *next == b'(');
        if !joined {
            break;
        }
        index += 1;
    }
    // A number glued to a word or a decimal fraction is no phone number.
    let closed = bytes.get(end).is_none_or(|byte| !byte.is_ascii_alphanumeric()) && !(bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit));
    ((MIN_DIGITS..=MAX_DIGITS).contains(&digits) && closed).then_some((end, digits))
}

/// Returns the type that a context word before or a label after gives the number at
/// `start..end`, if any.
fn named(text: &str, start: usize, end: usize, digits: usize) -> Option<PhiType> {
    let value = &text[start..end];

    // A date (`2023-03-14`) is not a phone number, whatever the words, and a toll-free number
    // or a crisis line belongs to an organization, not to a client.
    if is_date_like(value) || is_toll_free(value) {
        return None;
    }
    let after = text[end..].trim_start_matches(['-', ' ', '(']).get(..8).unwrap_or_else(|| text[end..].trim_start_matches(['-', ' ', '(']));
    let after = after.to_ascii_lowercase();
    let label = LABELS_AFTER.iter().find(|(word, _)| after.starts_with(word) && !after[word.len()..].starts_with(|c: char| c.is_ascii_alphabetic()));
    if let Some(&(_, kind)) = label {
        return Some(kind);
    }
    let before = super::before(text, start, CONTEXT_BYTES).to_ascii_lowercase();

    // A form label may stand on the line before (`Phone:` then the number), so a line break
    // does not end the clause.
    let clause = before.rsplit(['.', '?', '!', ';']).next().unwrap_or("");
    let words: Vec<&str> = clause.split(|c: char| !c.is_ascii_alphanumeric()).filter(|word| !word.is_empty()).collect();

    // The number of words between the nearest word of `list` and the number.
    let near = |list: &[&str]| words.iter().rev().position(|word| list.binary_search(word).is_ok());
    let fax = near(FAX_BEFORE);
    let phone = near(PHONE_BEFORE);

    // A single group needs a leading zero or plus sign and enough digits to be a number on
    // its own (`03660170548`). Grouped numbers need only the word.
    let grouped = value.contains([' ', '-', '.', '(']) || value.starts_with('+');
    let plausible = grouped || (digits >= 9 && value.starts_with(['0', '+']));
    match (fax, phone) {
        (Some(fax), phone) if plausible && fax <= MAX_WORDS_BETWEEN && phone.is_none_or(|phone| fax <= phone) => Some(PhiType::Fax),
        (_, Some(phone)) if plausible && phone <= MAX_WORDS_BETWEEN => Some(PhiType::Phone),
        _ => None,
    }
}

/// Returns whether a number is a North American toll-free number (`1-800-799-7233`,
/// `877-565-8860`, also cut short before letters as in `1-800-799-SAFE`) or a known crisis line.
fn is_toll_free(value: &str) -> bool {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let national = digits.strip_prefix('1').filter(|rest| rest.len() >= 6).unwrap_or(&digits);
    let toll_free = ["800", "888", "877", "866", "855", "844", "833"].iter().any(|prefix| national.starts_with(prefix));
    (toll_free && national.len() <= 10) || lexicon::contains(HOTLINES, &digits)
}

/// Returns whether a number has the shape of a numeric date: `2023-03-14`, `14.03.2023`.
fn is_date_like(value: &str) -> bool {
    let groups: Vec<&str> = value.split(['-', '.', '/', ' ']).collect();
    let lengths: Vec<usize> = groups.iter().map(|group| group.len()).collect();
    matches!(lengths.as_slice(), [4, 2, 2] | [2, 2, 4] | [1 | 2, 1 | 2, 4])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(PhiType, &str)> {
        let mut out = Vec::new();
        scan(text, &mut out);
        out.iter().map(|span| (span.kind, &text[span.start..span.end])).collect()
    }

    #[test]
    fn labelled_numbers() {
        assert_eq!(found("Phone: 467 3395 today"), [(PhiType::Phone, "467 3395")]);
        assert_eq!(found("Finland 082 490 1693-Office"), [(PhiType::Phone, "082 490 1693")]);
        assert_eq!(found("x +41 (0)69 979 80 58-Fax"), [(PhiType::Fax, "+41 (0)69 979 80 58")]);
    }

    #[test]
    fn context_lists_sorted() {
        assert!(PHONE_BEFORE.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(FAX_BEFORE.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn unnamed_numbers_are_left() {
        assert!(found("we met 467 3395 times").is_empty());
        assert!(found("call me on 2023-03-14").is_empty());
        assert!(found("call me at 5").is_empty());
        assert!(found("please contact 1-800-799-SAFE now").is_empty());
        assert!(found("call 1 (800) 273-8255 tonight").is_empty());
    }
}
