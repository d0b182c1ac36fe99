//! Dates with a month name (`March 14th, 2023`, `the 3rd of May`, `Mar 2023`) and ages over
//! 89, in digits or in words.

use regex::bytes::Captures;

use super::context::{hint_before, Hint};
use super::lexicon::{self, MONTHS};
use super::{span, Found, Scope};
use crate::phi::PhiType;

/// Reports a written date. A month with a day or a year is a date; a year alone never reaches
/// here.
///
/// Returns false when the match is not a date after all (`23 Juniper Ln` looks like `23 Jun`),
/// so the caller classifies its number instead.
pub(super) fn date(text: &str, captures: &Captures<'_>, _scope: &Scope<'_>, out: &mut Vec<Found>) -> bool {
    let group = |name: &str| captures.name(name);
    let Some(month) = group("m1").or(group("m2")).or(group("m3")) else {
        return false;
    };
    let month_word = &text[month.start()..month.end()];
    if !lexicon::contains(MONTHS, month_word) {
        return false;
    }
    let day = group("d1").or(group("d2"));
    if let Some(day) = day {
        let value: u32 = text[day.start()..day.end()].parse().unwrap_or(0);
        if !(1..=31).contains(&value) {
            return false;
        }
    }
    let year = group("y1").or(group("y2")).or(group("y3")).is_some();
    let ordinal = group("o1").or(group("o2")).is_some() || group("of").is_some();
    // "may" and "march" are also verbs: "you may 2 ..." is not a date.
    let verb_like = month_word == "may" || month_word == "march" || month_word == "mar";
    if verb_like && !year && !ordinal {
        return true;
    }
    let Some(whole) = captures.get(0) else {
        return true;
    };
    let mut end = whole.end();
    // A trailing period belongs to an abbreviation only when the month is the last word.
    if text.as_bytes()[end - 1] == b'.' && group("m2").is_some_and(|m| m.end() + 1 == end) && month_word.len() > 4 {
        end -= 1;
    }
    let confidence = if year { 0.95 } else if day.is_some() { 0.85 } else { 0.8 };
    out.push(span(PhiType::Date, whole.start(), end, confidence, "date_written"));
    true
}

/// Words before `the 3rd` that make it a day of the month, lower case, each ending with a space.
const DAY_ORDINAL_BEFORE: &[&str] = &["after the ", "before the ", "by the ", "on the ", "since the ", "till the ", "until the "];

/// Words after `the 3rd` with which it stays a day of the month: `on the 3rd she called`.
const DAY_ORDINAL_AFTER: &[&str] = &["and", "at", "but", "he", "i", "in", "it", "or", "she", "they", "we", "when", "you"];

/// Reports a day of the month without its month after a date word: `on the 3rd.`, `by the
/// 21st, she`. A noun after it makes it an ordinal of something else (`on the 3rd floor`).
/// Returns whether `start..end` is a day ordinal, reported or not.
pub(super) fn day_ordinal(text: &str, start: usize, end: usize, out: &mut Vec<Found>) -> bool {
    let value = &text[start..end];
    let digits = value.bytes().take_while(u8::is_ascii_digit).count();
    let suffix = &value[digits..];
    if !(1..=2).contains(&digits) || !["st", "nd", "rd", "th"].contains(&suffix) {
        return false;
    }
    let day: u32 = value[..digits].parse().unwrap_or(0);
    let before = super::before(text, start, 12);
    let date_word = DAY_ORDINAL_BEFORE.iter().any(|word| before.len() >= word.len() && before.as_bytes()[before.len() - word.len()..].eq_ignore_ascii_case(word.as_bytes()));
    let after = &text[end..];
    let next: String = after.strip_prefix(' ').unwrap_or("").chars().take_while(char::is_ascii_alphabetic).collect::<String>().to_ascii_lowercase();
    let closes = after.is_empty() || after.starts_with(['.', ',', ';', ':', '!', '?', ')']) || DAY_ORDINAL_AFTER.contains(&next.as_str());
    if (1..=31).contains(&day) && date_word && closes {
        out.push(span(PhiType::Date, start, end, 0.8, "date_written"));
    }
    true
}

/// Reports an age in words over 89 (`ninety-two`, `a hundred and one`) when the words around
/// it make it an age.
pub(super) fn age(text: &str, start: usize, end: usize, out: &mut Vec<Found>) {
    if is_age_context(text, start, end) {
        out.push(span(PhiType::AgeOver89, start, end, 0.85, "age_written"));
    }
}

/// Returns whether the words around `start..end` make it an age: `97 years old`,
/// `turned 97`, `age 97`, `grandpa is 97`.
pub(super) fn is_age_context(text: &str, start: usize, end: usize) -> bool {
    let after = text[end..].bytes().take(16).map(|byte| byte.to_ascii_lowercase()).collect::<Vec<_>>();
    if after.starts_with(b" years") || after.starts_with(b"-year") || after.starts_with(b" year") || after.starts_with(b" yo") || after.starts_with(b"yo ") || after.starts_with(b" y/o") || after.starts_with(b"th birthday") {
        return true;
    }
    if let Some((Hint::Age, distance)) = hint_before(text, start) {
        if distance <= 8 {
            return true;
        }
    }
    let before = super::before(text, start, 64).to_ascii_lowercase();
    let linked = before.ends_with(" is ") || before.ends_with(" was ") || before.ends_with(" is now ") || before.ends_with(" turning ") || before.ends_with(", ");
    let person = ["grand", "mother", "father", "mom", "dad", "aunt", "uncle", " he ", " she ", "husband", "wife", "client", "patient", "caller", "resident"].iter().any(|word| before.contains(word));
    if matches!(hint_before(text, start), Some((Hint::NotPhi, distance)) if distance <= 16) {
        return false;
    }
    // An apposition after a name needs a closing comma: `grandfather Paul York, 94, lives`.
    let apposition = before.ends_with(", ") && !text[end..].starts_with([',', ';', ')']);
    linked && person && !apposition
}
