//! Candidates with digits: phone and fax numbers, SSNs, ZIP codes, numeric dates, IP and MAC
//! addresses, card numbers, IBANs, VINs, street addresses, ages and identifiers named by the
//! words before them.

use super::context::{hint_before, Hint};
use super::lexicon::{self, DIRECTIONS, HOTLINES, STATE_CODES, STATE_NAMES, STREET_SUFFIXES, UNIT_WORDS};
use super::{proper, span, written, Found, Scope};
use crate::phi::checksum;
use crate::phi::PhiType;

/// Context words count this far before an identifier, in bytes.
const ID_CONTEXT_BYTES: usize = 48;

/// A candidate split into its alphanumeric groups and the separators between them.
struct Shape<'a> {
    value: &'a str,
    groups: Vec<&'a str>,
    separators: Vec<&'a str>,
    compact: Vec<u8>,
    digits: usize,
    letters: usize,
}

impl<'a> Shape<'a> {
    fn of(value: &'a str) -> Shape<'a> {
        let bytes = value.as_bytes();
        let mut groups = Vec::new();
        let mut separators = Vec::new();
        let mut index = 0;
        let mut last_end = None;
        while index < bytes.len() {
            if bytes[index].is_ascii_alphanumeric() {
                let begin = index;
                while index < bytes.len() && bytes[index].is_ascii_alphanumeric() {
                    index += 1;
                }
                if let Some(last_end) = last_end {
                    separators.push(&value[last_end..begin]);
                }
                groups.push(&value[begin..index]);
                last_end = Some(index);
            } else {
                index += 1;
            }
        }
        let compact: Vec<u8> = bytes.iter().copied().filter(u8::is_ascii_alphanumeric).collect();
        let digits = compact.iter().filter(|byte| byte.is_ascii_digit()).count();
        Shape { value, groups, separators, letters: compact.len() - digits, compact, digits }
    }

    fn lengths(&self) -> Vec<usize> {
        self.groups.iter().map(|group| group.len()).collect()
    }

    fn all_digits(&self) -> bool {
        self.letters == 0
    }

    fn separators_are(&self, allowed: &[&str]) -> bool {
        self.separators.iter().all(|separator| allowed.contains(separator))
    }
}

/// Classifies the digit candidate at `start..end`.
pub(super) fn classify(text: &str, start: usize, end: usize, scope: &Scope<'_>, out: &mut Vec<Found>) {
    let (start, end) = trim(text, start, end);
    if start >= end {
        return;
    }
    let value = &text[start..end];
    let shape = Shape::of(value);
    if shape.digits == 0 || address(text, &shape, start, end, out) {
        return;
    }
    if iso_date_time(value) {
        out.push(span(PhiType::Date, start, end, 0.95, "date_numeric"));
        return;
    }
    if written::day_ordinal(text, start, end, out) {
        return;
    }
    if is_amount_or_unit(text, start, end) || is_hotline(&shape) || is_time(text, &shape, end) {
        return;
    }
    let hint = hint_for(text, start, scope);
    let handled = network(&shape, start, end, out)
        || numeric_date(text, &shape, start, end, hint, out)
        || checked(&shape, start, end, hint, out)
        || ssn(&shape, start, end, hint, out)
        || phone(text, &shape, start, end, hint, out)
        || zip(text, &shape, start, end, hint, out)
        || age(text, &shape, start, end, hint, out);
    if !handled {
        identifier(text, &shape, start, end, hint, out);
    }
}

/// Drops an opening parenthesis without its closing one, and the other way round.
fn trim(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    let value = &text[start..end];
    if value.starts_with('(') && !value.contains(')') {
        start += 1;
    }
    if value.ends_with(')') && !text[start..end].contains('(') {
        end -= 1;
    }
    // A number glued to the next sentence (`8255.I am`, `5478.Mi esposo`) ends at the period.
    if let Some(dot) = text[start..end].rfind('.') {
        let tail = &text[start + dot + 1..end];
        let digit_before = text[..start + dot].ends_with(|c: char| c.is_ascii_digit());
        if digit_before && tail.starts_with(|c: char| c.is_ascii_uppercase()) && tail.bytes().all(|byte| byte.is_ascii_alphabetic()) {
            end = start + dot;
        }
    }
    while end > start && matches!(text.as_bytes()[end - 1], b'.' | b'-' | b'/' | b':' | b' ' | b'(') {
        end -= 1;
    }
    (start, end)
}

/// Returns the column's type, or else the hint of the nearest context word before `start`.
fn hint_for(text: &str, start: usize, scope: &Scope<'_>) -> Option<(Hint, usize)> {
    match scope.field {
        Some(PhiType::AgeOver89) => Some((Hint::Age, 0)),
        Some(PhiType::Name | PhiType::City) | None => hint_before(text, start),
        Some(kind) => Some((Hint::Type(kind), 0)),
    }
}

fn near(hint: Option<(Hint, usize)>, kind: PhiType) -> bool {
    // A fax number is often named at the start of a longer clause: `Faxed records to Dr. Ana
    // Ruiz at ...`.
    let reach = if kind == PhiType::Fax { 2 * ID_CONTEXT_BYTES } else { ID_CONTEXT_BYTES };
    matches!(hint, Some((Hint::Type(found), distance)) if found == kind && distance <= reach)
}

fn not_phi(hint: Option<(Hint, usize)>) -> bool {
    matches!(hint, Some((Hint::NotPhi, distance)) if distance <= 12)
}

/// Money (`$40`), percentages, and numbers with a unit (`10 mg`, `202 lbs`).
fn is_amount_or_unit(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    if start > 0 && matches!(bytes[start - 1], b'$' | b'#') && bytes.get(start.wrapping_sub(2)).is_some_and(|byte| *byte == b'$') {
        return true;
    }
    if start > 0 && matches!(bytes[start - 1], b'$') {
        return true;
    }
    let after = &text[end..];
    if after.starts_with('%') {
        return true;
    }
    let unit = after.trim_start_matches(' ');
    let word: String = unit.chars().take_while(char::is_ascii_alphabetic).collect::<String>().to_ascii_lowercase();
    let value = &text[start..end];
    value.bytes().all(|byte| byte.is_ascii_digit() || byte == b'.' || byte == b',')
        && ["mg", "mcg", "ml", "kg", "lb", "lbs", "pounds", "percent", "mmhg", "bpm", "cm", "mm", "km", "miles", "units"].contains(&word.as_str())
}

fn is_hotline(shape: &Shape<'_>) -> bool {
    let digits = String::from_utf8_lossy(&shape.compact).into_owned();
    if shape.all_digits() && lexicon::contains(HOTLINES, &digits) {
        return true;
    }
    // Toll-free numbers belong to organizations, not to clients: 1-800-799-SAFE, 877-565-8860.
    let national = digits.strip_prefix('1').filter(|rest| rest.len() >= 10).unwrap_or(&digits);
    let toll_free = ["800", "888", "877", "866", "855", "844", "833"].iter().any(|prefix| national.starts_with(prefix));
    // A toll-free number spelled with a word (`1-800-4-A-CHILD`) belongs to an organization too.
    let spelled = shape.groups.iter().any(|group| group.len() >= 3 && group.bytes().all(|byte| byte.is_ascii_alphabetic()));
    toll_free && ((national.len() == 10 && (shape.lengths().len() >= 3 || shape.all_digits())) || spelled)
}

/// Times of day: `14:00`, `3:30`, `5:30PM`.
fn is_time(text: &str, shape: &Shape<'_>, end: usize) -> bool {
    let lengths = shape.lengths();
    let colon = shape.separators_are(&[":"]) && !shape.separators.is_empty();
    let clock = colon && (2..=3).contains(&lengths.len()) && lengths[0] <= 2 && lengths[1..].iter().all(|&length| length == 2 || length == 4);
    let suffix = text[end..].trim_start().get(..2).is_some_and(|word| word.eq_ignore_ascii_case("am") || word.eq_ignore_ascii_case("pm"));
    let compact_suffix = shape.groups.last().is_some_and(|group| {
        let lower = group.to_ascii_lowercase();
        lower.ends_with("am") || lower.ends_with("pm")
    });
    clock || (lengths.len() == 1 && shape.all_digits() && lengths[0] <= 2 && suffix) || (compact_suffix && shape.digits <= 4 && (colon || lengths.len() == 1))
}

/// IPv4, IPv6 and MAC addresses.
fn network(shape: &Shape<'_>, start: usize, end: usize, out: &mut Vec<Found>) -> bool {
    let value = shape.value;
    if shape.groups.len() == 4 && shape.separators_are(&["."]) && shape.all_digits() {
        let valid = shape.groups.iter().all(|group| group.len() <= 3 && group.parse::<u16>().is_ok_and(|octet| octet <= 255));
        if valid {
            out.push(span(PhiType::IpAddress, start, end, 0.9, "ipv4"));
            return true;
        }
    }
    let hex = shape.groups.iter().all(|group| group.bytes().all(|byte| byte.is_ascii_hexdigit()));
    if shape.groups.len() == 6 && hex && shape.lengths().iter().all(|&length| length == 2) && (shape.separators_are(&[":"]) || shape.separators_are(&["-"])) {
        out.push(span(PhiType::DeviceId, start, end, 0.85, "mac_address"));
        return true;
    }
    if value.contains(':') && hex && (value.contains("::") || shape.groups.len() == 8) && value.parse::<std::net::Ipv6Addr>().is_ok() {
        out.push(span(PhiType::IpAddress, start, end, 0.9, "ipv6"));
        return true;
    }
    false
}

/// Returns whether `value` is an ISO 8601 date with a time of day: `2000-04-16 11:34:35`,
/// `2023-03-14T10:30:00Z`.
fn iso_date_time(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|part| part.iter().all(u8::is_ascii_digit));
    let date = digits(0..4) && bytes.get(4) == Some(&b'-') && digits(5..7) && bytes.get(7) == Some(&b'-') && digits(8..10);
    let time = matches!(bytes.get(10), Some(b' ' | b'T')) && digits(11..13) && bytes.get(13) == Some(&b':') && digits(14..16);
    if !(date && time) {
        return false;
    }
    let number = |range: std::ops::Range<usize>| value[range].parse::<u32>().unwrap_or(0);
    (1900..=2099).contains(&number(0..4)) && (1..=12).contains(&number(5..7)) && (1..=31).contains(&number(8..10)) && number(11..13) <= 23
}

/// Dates in digits: `03/14/2023`, `3/14/23`, `2023-03-14`, `14.03.2023`, `03/2023`, `3/14`.
fn numeric_date(text: &str, shape: &Shape<'_>, start: usize, end: usize, hint: Option<(Hint, usize)>, out: &mut Vec<Found>) -> bool {
    if !shape.all_digits() || shape.separators.is_empty() {
        return false;
    }
    let separator = shape.separators[0];
    if !["/", "-", "."].contains(&separator) || !shape.separators_are(&[separator]) {
        return false;
    }
    let numbers: Vec<u32> = shape.groups.iter().map(|group| group.parse().unwrap_or(u32::MAX)).collect();
    let lengths = shape.lengths();
    let day_month = |month: u32, day: u32| (1..=12).contains(&month) && (1..=31).contains(&day);
    let year_ok = |length: usize, year: u32| length == 2 || (length == 4 && (1900..=2099).contains(&year));
    let valid = match lengths.as_slice() {
        [1 | 2, 1 | 2, 2 | 4] => (day_month(numbers[0], numbers[1]) || day_month(numbers[1], numbers[0])) && year_ok(lengths[2], numbers[2]),
        [4, 1 | 2, 1 | 2] => year_ok(4, numbers[0]) && day_month(numbers[1], numbers[2]),
        [1 | 2, 4] if separator == "/" => (1..=12).contains(&numbers[0]) && year_ok(4, numbers[1]),
        [1 | 2, 1 | 2] if separator == "/" => return month_day(text, &numbers, start, end, hint, out),
        _ => false,
    };
    if valid {
        out.push(span(PhiType::Date, start, end, 0.95, "date_numeric"));
    }
    valid
}

/// Reports `3/14` as a date only after a date word (`on`, `since`), because `7/10` is a
/// rating and `120/80` a blood pressure.
fn month_day(text: &str, numbers: &[u32], start: usize, end: usize, hint: Option<(Hint, usize)>, out: &mut Vec<Found>) -> bool {
    let (month, day) = (numbers[0], numbers[1]);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || not_phi(hint) {
        return true;
    }
    let before = super::before(text, start, 16).to_ascii_lowercase();
    let date_word = ["on ", "by ", "until ", "since ", "before ", "after ", "from ", "for ", "due ", "next ", "group ", "of ", "til ", "thru ", "around ", "about "].iter().any(|word| before.ends_with(word));
    let scale = text[end..].starts_with(" scale") || before.contains("scale") || before.contains("rate");
    let rating = [5, 10, 100].contains(&day);
    if !scale && (date_word || (near(hint, PhiType::Date) && !rating)) {
        out.push(span(PhiType::Date, start, end, 0.8, "date_numeric"));
    }
    true
}

/// Identifiers with a check digit: IBANs, VINs, card numbers and IMEIs.
fn checked(shape: &Shape<'_>, start: usize, end: usize, hint: Option<(Hint, usize)>, out: &mut Vec<Found>) -> bool {
    let compact = &shape.compact;
    if shape.letters > 0 && compact.len() >= 15 && checksum::iban(&compact.to_ascii_uppercase()) && compact[..2].iter().all(u8::is_ascii_uppercase) {
        out.push(span(PhiType::AccountNumber, start, end, 0.95, "iban"));
        return true;
    }
    if compact.len() == 9 && checksum::dea(compact) && compact[..2].iter().all(u8::is_ascii_uppercase) {
        out.push(span(PhiType::LicenseNumber, start, end, 0.85, "dea_number"));
        return true;
    }
    if shape.all_digits() && compact.len() == 10 && near(hint, PhiType::LicenseNumber) && checksum::npi(compact) {
        out.push(span(PhiType::LicenseNumber, start, end, 0.95, "npi"));
        return true;
    }
    if shape.all_digits() && compact.len() == 9 && near(hint, PhiType::AccountNumber) && checksum::aba(compact) {
        out.push(span(PhiType::AccountNumber, start, end, 0.9, "aba_routing"));
        return true;
    }
    if compact.len() == 17 && shape.letters > 0 && checksum::vin(compact) {
        out.push(span(PhiType::VehicleId, start, end, 0.95, "vin"));
        return true;
    }
    if shape.all_digits() && (13..=19).contains(&compact.len()) && checksum::luhn(compact) {
        let device = compact.len() == 15 && (near(hint, PhiType::DeviceId) || shape.lengths() == [2, 6, 6, 1]);
        if device {
            out.push(span(PhiType::DeviceId, start, end, 0.9, "imei"));
        } else if shape.groups.len() == 1 || shape.lengths().iter().all(|&length| length == 4 || length <= 4 && shape.groups.len() >= 4) {
            out.push(span(PhiType::AccountNumber, start, end, 0.9, "payment_card"));
        } else {
            return false;
        }
        return true;
    }
    false
}

/// SSNs: `123-45-6789` and `123 45 6789` by shape, nine digits only with a context word.
fn ssn(shape: &Shape<'_>, start: usize, end: usize, hint: Option<(Hint, usize)>, out: &mut Vec<Found>) -> bool {
    if !shape.all_digits() || !checksum::ssn(&shape.compact) {
        return false;
    }
    let grouped = shape.lengths() == [3, 2, 4] && (shape.separators_are(&["-"]) || shape.separators_are(&[" "]));
    let said = near(hint, PhiType::Ssn);
    let other_id = matches!(hint, Some((Hint::Type(kind), distance)) if kind != PhiType::Ssn && kind != PhiType::Date && distance <= ID_CONTEXT_BYTES);
    if grouped && !other_id {
        out.push(span(PhiType::Ssn, start, end, if said { 0.97 } else { 0.85 }, "ssn"));
        return true;
    }
    if shape.groups.len() == 1 && said {
        out.push(span(PhiType::Ssn, start, end, 0.9, "ssn"));
        return true;
    }
    // Nine digits that pass the SSN rules and that no word names otherwise.
    if shape.groups.len() == 1 && hint.is_none_or(|(_, distance)| distance > ID_CONTEXT_BYTES) {
        out.push(span(PhiType::Ssn, start, end, 0.6, "ssn"));
        return true;
    }
    false
}

/// Phone and fax numbers in North American and international formats, with an extension.
fn phone(text: &str, shape: &Shape<'_>, start: usize, end: usize, hint: Option<(Hint, usize)>, out: &mut Vec<Found>) -> bool {
    // An extension written straight after the number (`345-899-3560x4587`).
    if let Some(position) = shape.value.rfind(['x', 'X']).filter(|&at| at > 0 && shape.value[at + 1..].bytes().all(|byte| byte.is_ascii_digit()) && shape.value.as_bytes()[at - 1].is_ascii_digit()) {
        let number = Shape::of(&shape.value[..position]);
        if number.all_digits() && number.digits >= 7 {
            let mut found = Vec::new();
            if phone(text, &number, start, start + position, hint, &mut found) {
                out.extend(found.into_iter().map(|mut span| {
                    span.end = end;
                    span
                }));
                return true;
            }
        }
        return false;
    }
    if !shape.all_digits() {
        return false;
    }
    let lengths = shape.lengths();
    let plus = shape.value.starts_with('+');
    let paren = shape.value.starts_with('(') || shape.value.contains("(");
    let said_phone = near(hint, PhiType::Phone) || near(hint, PhiType::Fax);
    let other_id = matches!(hint, Some((Hint::Type(kind), distance)) if !matches!(kind, PhiType::Phone | PhiType::Fax) && distance <= ID_CONTEXT_BYTES);
    let phone_separators = shape.separators_are(&["-", ".", " ", ") ", ")", " (", ") -", "-("]);
    let national = |area: &str| area.as_bytes()[0] >= b'2';
    let confidence = match lengths.as_slice() {
        [3, 3, 4] if phone_separators && national(shape.groups[0]) => 0.9,
        [1, 3, 3, 4] if shape.groups[0] == "1" && phone_separators => 0.9,
        [10] if national(shape.groups[0]) && !other_id => if said_phone { 0.85 } else { 0.6 },
        [11] if shape.groups[0].starts_with('1') && said_phone => 0.8,
        [3, 4] if shape.separators_are(&["-", "."]) && !other_id => if said_phone { 0.85 } else { 0.6 },
        _ if plus && (8..=15).contains(&shape.digits) && shape.groups.len() >= 2 => 0.8,
        _ if paren && shape.digits == 10 => 0.85,
        // Other national formats (`0490 75 40 81`, `(37) 788-063`): three or more groups of
        // digits, or a leading zero or parenthesis, that no context word gives another type.
        // SSN (3-2-4) and ZIP+4 (5-4) shapes were tried before and are left out.
        _ if phone_separators
            && (shape.groups.len() >= 3 || paren || shape.value.starts_with('0'))
            && shape.groups.len() >= 2
            && (8..=13).contains(&shape.digits)
            && shape.groups.iter().all(|group| group.len() <= 5)
            && lengths != [3, 2, 4]
            && lengths != [5, 4]
            && !other_id =>
        {
            if said_phone { 0.8 } else { 0.55 }
        }
        _ => return false,
    };
    if other_id && confidence < 0.9 {
        return false;
    }
    let end = extension_end(text, end);
    let fax = near(hint, PhiType::Fax) && !matches!(hint, Some((Hint::Type(PhiType::Phone), _)));
    let kind = if fax { PhiType::Fax } else { PhiType::Phone };
    let confidence = if said_phone { (confidence + 0.08f32).min(0.98) } else { confidence };
    out.push(span(kind, start, end, confidence, if fax { "fax" } else { "phone" }));
    true
}

/// Returns the end of a phone extension after `end` (`ext. 12`, `x204`), or `end`.
fn extension_end(text: &str, end: usize) -> usize {
    let rest = &text[end..];
    let trimmed = rest.trim_start_matches(' ');
    let skipped = rest.len() - trimmed.len();
    if skipped > 1 {
        return end;
    }
    let lower = trimmed.get(..10.min(trimmed.len())).unwrap_or("").to_ascii_lowercase();
    let prefix = ["extension ", "ext. ", "ext ", "ext.", "x. ", "x ", "x"].into_iter().find(|prefix| lower.starts_with(prefix));
    let Some(prefix) = prefix else {
        return end;
    };
    let digits = trimmed[prefix.len()..].bytes().take_while(u8::is_ascii_digit).count();
    if (1..=6).contains(&digits) {
        end + skipped + prefix.len() + digits
    } else {
        end
    }
}

/// ZIP and ZIP+4 codes after a state, a ZIP context word or in the ZIP+4 shape.
fn zip(text: &str, shape: &Shape<'_>, start: usize, end: usize, hint: Option<(Hint, usize)>, out: &mut Vec<Found>) -> bool {
    let lengths = shape.lengths();
    let zip_shape = shape.all_digits() && (lengths == [5] || (lengths == [5, 4] && shape.separators_are(&["-"])));
    if !zip_shape {
        return false;
    }
    let confidence = if state_before(text, start) || near(hint, PhiType::Zip) {
        0.9
    } else if text[end..].starts_with(" area") {
        0.7
    } else if lengths == [5, 4] && hint.is_none_or(|(_, distance)| distance > ID_CONTEXT_BYTES) {
        0.75
    } else {
        return false;
    };
    out.push(span(PhiType::Zip, start, end, confidence, "zip"));
    true
}

/// Returns whether a US state name or code ends just before `start` (`IL 60601`,
/// `New Jersey 07001`).
pub(super) fn state_before(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches(' ').trim_end_matches(',');
    let words: Vec<&str> = before.rsplit(|c: char| !c.is_ascii_alphabetic()).take(2).collect();
    let Some(last) = words.first() else {
        return false;
    };
    if last.len() == 2 && last.bytes().all(|byte| byte.is_ascii_uppercase()) {
        return lexicon::contains(STATE_CODES, last);
    }
    if !last.starts_with(|c: char| c.is_ascii_uppercase()) {
        return false;
    }
    if lexicon::contains(STATE_NAMES, last) {
        return true;
    }
    words.get(1).is_some_and(|first| {
        let pair = format!("{} {}", first.to_ascii_lowercase(), last.to_ascii_lowercase());
        lexicon::contains(STATE_NAMES, &pair)
    })
}

/// Street lines that start with a house number: `753 7th Road`, `43 N Madison St Apt 4`, and
/// the town after them when a state follows.
fn address(text: &str, shape: &Shape<'_>, start: usize, end: usize, out: &mut Vec<Found>) -> bool {
    if po_box(text, shape, start, end, out) {
        return true;
    }
    // The house number is the first group; the fused pattern may have joined an ordinal
    // street name to it (`753 7th` of `753 7th Road`).
    let house = shape.groups.first().copied().unwrap_or("");
    let joined = shape.groups.len() == 2 && shape.separators[0] == " " && is_ordinal(shape.groups[1]);
    if !(shape.value.starts_with(house) && house.len() <= 6 && house.bytes().all(|byte| byte.is_ascii_digit()) && (shape.groups.len() == 1 || joined)) {
        return false;
    }
    let Some(street_end) = street_end(text, start + house.len()) else {
        return street_before(text, shape, start, end, out);
    };
    out.push(span(PhiType::Address, start, street_end, 0.9, "street_address"));
    proper::town_after(text, street_end, out);
    true
}

/// Endings of street names written before the house number in other countries:
/// `Friedhofstrasse 33`, `Kiannonkatu 98`, `Rua Igreja 25`, `Avda. Rio Nalon 58`.
const STREET_FIRST_ENDINGS: &[&str] = &["allee", "gade", "gasse", "gata", "gatan", "katu", "plein", "platz", "str", "strasse", "straße", "straat", "tie", "vej", "veien", "weg"];
const STREET_FIRST_WORDS: &[&str] = &["avda", "avenida", "calle", "camino", "carrer", "paseo", "plaza", "rua", "rue", "strada", "ulica", "via", "viale"];

/// Reports a street line with the house number after the street name, and its unit.
fn street_before(text: &str, shape: &Shape<'_>, start: usize, end: usize, out: &mut Vec<Found>) -> bool {
    if !(shape.all_digits() && shape.groups.len() == 1 && shape.digits <= 5) {
        return false;
    }
    let before = super::before(text, start, 48);
    // A comma ends the street line: in `Rue de Rivoli, 75001` the number is a postcode.
    let Some(line) = before.strip_suffix(' ').filter(|line| !line.ends_with(',')) else {
        return false;
    };
    // Up to four words back, the first of which starts the street name.
    let words: Vec<(usize, &str)> = line
        .char_indices()
        .filter(|&(index, _)| index == 0 || line[..index].ends_with(' '))
        .map(|(index, _)| (index, line[index..].split(' ').next().unwrap_or("")))
        .collect();
    for (offset, word) in words.iter().rev().take(4) {
        let bare = word.trim_end_matches('.').to_lowercase();
        let first_word = STREET_FIRST_WORDS.contains(&bare.as_str());
        let last = line.rsplit(' ').next().unwrap_or("").trim_end_matches('.').to_lowercase();
        let ending = STREET_FIRST_ENDINGS.iter().any(|ending| last.ends_with(ending) && last.len() > ending.len() + 2);
        if (first_word || (ending && *offset + word.len() == line.len())) && word.starts_with(|c: char| c.is_uppercase()) {
            let street_start = start - 1 - (line.len() - offset);
            out.push(span(PhiType::Address, street_start, unit_end(text, end), 0.8, "street_address"));
            return true;
        }
    }
    false
}

/// `P.O. Box 123`, `PO Box 123`.
fn po_box(text: &str, shape: &Shape<'_>, start: usize, end: usize, out: &mut Vec<Found>) -> bool {
    if !shape.all_digits() {
        return false;
    }
    let before = super::before(text, start, 12);
    let lower = before.to_ascii_lowercase();
    for prefix in ["p.o. box ", "po box ", "p. o. box ", "p.o.box "] {
        if lower.ends_with(prefix) {
            out.push(span(PhiType::Address, start - prefix.len(), end, 0.9, "po_box"));
            return true;
        }
    }
    false
}

/// Returns the end of the street name and unit after a house number ending at `from`.
fn street_end(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut index = from;
    let mut words = 0;
    let mut last_suffix_end = None;
    while words < 5 {
        if bytes.get(index) != Some(&b' ') {
            break;
        }
        let word_start = index + 1;
        let word_end = word_start + text[word_start..].find(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-')).unwrap_or(text.len() - word_start);
        let word = &text[word_start..word_end];
        let capitalised = word.starts_with(|c: char| c.is_uppercase());
        let ordinal = is_ordinal(word);
        if word.is_empty() || !(capitalised || ordinal) {
            break;
        }
        words += 1;
        let mut after = word_end;
        if bytes.get(after) == Some(&b'.') {
            after += 1;
        }
        if words > 1 && lexicon::contains(STREET_SUFFIXES, word) {
            last_suffix_end = Some(after);
            if lexicon::contains(DIRECTIONS, &text[after..].trim_start().chars().take_while(char::is_ascii_alphabetic).collect::<String>()) {
                // A trailing direction (`Main St NW`) is part of the street.
                let rest = &text[after..];
                let skip = rest.len() - rest.trim_start().len();
                let direction: String = rest.trim_start().chars().take_while(char::is_ascii_alphabetic).collect();
                if direction.len() <= 2 && direction.chars().all(|c| c.is_ascii_uppercase()) {
                    last_suffix_end = Some(after + skip + direction.len());
                }
            }
        }
        index = after;
    }
    let street = last_suffix_end?;
    Some(unit_end(text, street))
}

fn is_ordinal(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit()) && ["st", "nd", "rd", "th"].iter().any(|suffix| word.ends_with(suffix))
}

/// Returns the end of a unit after a street (`Apt. 015`, `Suite 937`, `#4B`), or `from`.
fn unit_end(text: &str, from: usize) -> usize {
    let rest = &text[from..];
    let trimmed = rest.trim_start_matches([' ', ',']);
    let skipped = rest.len() - trimmed.len();
    if skipped > 2 {
        return from;
    }
    let word: String = trimmed.chars().take_while(char::is_ascii_alphabetic).collect();
    let mut offset = if trimmed.starts_with('#') {
        1
    } else if lexicon::contains(UNIT_WORDS, &word) && word.starts_with(|c: char| c.is_ascii_uppercase()) {
        let mut length = word.len();
        if trimmed[length..].starts_with('.') {
            length += 1;
        }
        length
    } else {
        return from;
    };
    let after = &trimmed[offset..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    offset += spaces;
    let number = trimmed[offset..].bytes().take_while(u8::is_ascii_alphanumeric).count();
    if number == 0 || number > 6 || !trimmed[offset..].starts_with(|c: char| c.is_ascii_digit() || c.is_ascii_uppercase()) {
        return from;
    }
    from + skipped + offset + number
}

/// Reports ages over 89 in digits where the words around them make them ages.
fn age(text: &str, shape: &Shape<'_>, start: usize, end: usize, hint: Option<(Hint, usize)>, out: &mut Vec<Found>) -> bool {
    if !(shape.all_digits() && shape.groups.len() == 1 && shape.digits <= 3) {
        return false;
    }
    let value: u32 = shape.value.trim_start_matches(['+', '(']).parse().unwrap_or(0);
    let field_age = matches!(hint, Some((Hint::Age, 0)));
    if (90..=125).contains(&value) && (field_age || written::is_age_context(text, start, end)) {
        out.push(span(PhiType::AgeOver89, start, end, 0.9, "age"));
        return true;
    }
    // A small number is no identifier unless a context word names it (`plate KSV 333`).
    !matches!(hint, Some((Hint::Type(_), distance)) if distance <= ID_CONTEXT_BYTES)
}

/// Identifiers named by a context word (`MRN 4107-2468`, `member ID W884035213`) and long
/// letter-and-digit codes without one.
fn identifier(text: &str, shape: &Shape<'_>, start: usize, end: usize, hint: Option<(Hint, usize)>, out: &mut Vec<Found>) {
    if not_phi(hint) || is_code_or_measure(shape) {
        return;
    }
    // A year or a range of years (`1931-1932`) is no identifier.
    let is_year = |group: &str| group.len() == 4 && group.parse::<u32>().is_ok_and(|year| (1900..=2099).contains(&year));
    let year = shape.all_digits() && shape.groups.len() <= 2 && shape.groups.iter().all(|group| is_year(group));
    if year {
        return;
    }
    let named = match hint {
        Some((Hint::Type(kind), distance)) if distance <= ID_CONTEXT_BYTES && is_identifier_type(kind) => Some(kind),
        _ => None,
    };
    if let Some(kind) = named {
        let id_start = prefix_start(text, start, kind);
        let length = shape.compact.len() + (start - id_start);
        // A named identifier may be short or mostly letters (`KSV 333`, `MWXVYSY1JN`), but a
        // small number after the word is more often a count (`case 2`).
        let plausible = if shape.letters == 0 { shape.digits >= 5 || (id_start < start && length >= 5) || (kind == PhiType::LicenseNumber && shape.digits >= 4) } else { length >= 5 };
        // Five digits after `billing` are a procedure code (CPT 90837), not an account.
        let procedure_code = kind == PhiType::AccountNumber && shape.all_digits() && shape.digits == 5;
        if plausible && !procedure_code {
            let id_end = if kind == PhiType::VehicleId { plate_suffix_end(text, end) } else { end };
            out.push(span(kind, id_start, id_end, 0.85, recognizer_for(kind)));
        }
        return;
    }
    if shape.compact.len() < 5 || shape.digits < 3 {
        return;
    }
    let mixed = shape.letters > 0 && shape.digits >= 4 && shape.compact.len() >= 6 && shape.value.bytes().any(|byte| byte.is_ascii_uppercase());
    // One decimal point (`28556.60`, `1176606.68`) makes an amount or a measure, not an id.
    let decimal = shape.groups.len() == 2 && shape.separators_are(&["."]);
    let long_number = shape.all_digits() && shape.digits >= 8 && !decimal;
    if mixed || long_number {
        out.push(span(PhiType::OtherId, start, end, 0.5, "identifier"));
    }
}

/// Returns the end of the letters that close a plate (`298 QDK`), or `end`.
fn plate_suffix_end(text: &str, end: usize) -> usize {
    let Some(rest) = text[end..].strip_prefix(' ') else {
        return end;
    };
    let letters = rest.bytes().take_while(u8::is_ascii_uppercase).count();
    let closed = !rest[letters..].starts_with(|c: char| c.is_alphanumeric());
    if (2..=4).contains(&letters) && closed {
        end + 1 + letters
    } else {
        end
    }
}

fn is_identifier_type(kind: PhiType) -> bool {
    matches!(
        kind,
        PhiType::Mrn | PhiType::HealthPlanId | PhiType::AccountNumber | PhiType::LicenseNumber | PhiType::VehicleId | PhiType::DeviceId | PhiType::OtherId | PhiType::Ssn
    )
}

fn recognizer_for(kind: PhiType) -> &'static str {
    match kind {
        PhiType::Mrn => "mrn",
        PhiType::HealthPlanId => "health_plan_id",
        PhiType::AccountNumber => "account_number",
        PhiType::LicenseNumber => "license_number",
        PhiType::VehicleId => "license_plate",
        PhiType::DeviceId => "device_id",
        PhiType::Ssn => "ssn",
        _ => "identifier",
    }
}

/// ICD-10 codes (`F41.1`), drug strengths and ordinals (`100mg`, `21st`).
fn is_code_or_measure(shape: &Shape<'_>) -> bool {
    let value = shape.value.as_bytes();
    let icd = value.len() >= 3 && value[0].is_ascii_uppercase() && value[1].is_ascii_digit() && value[2].is_ascii_alphanumeric() && (value.len() == 3 || (value[3] == b'.' && value.len() <= 8));
    let first = shape.groups.first().copied().unwrap_or("");
    let digits_then_lower = shape.groups.len() == 1 && {
        let digit_count = first.bytes().take_while(u8::is_ascii_digit).count();
        digit_count > 0 && first[digit_count..].bytes().all(|byte| byte.is_ascii_lowercase()) && first.len() - digit_count <= 4
    };
    icd || (digits_then_lower && shape.letters > 0)
}

/// Moves `start` back over a short upper-case prefix of a licence or plate (`PSY 72808`,
/// `LMHC #46996`, `NCJ 9945`), unless the prefix is the context word itself.
fn prefix_start(text: &str, start: usize, kind: PhiType) -> usize {
    if !matches!(kind, PhiType::LicenseNumber | PhiType::VehicleId) {
        return start;
    }
    let before = &text[..start];
    let trimmed = before.trim_end_matches(['#', ' ']);
    if before.len() - trimmed.len() > 2 || trimmed.len() == before.len() {
        return start;
    }
    let word_len = trimmed.bytes().rev().take_while(u8::is_ascii_alphanumeric).count();
    let word = &trimmed[trimmed.len() - word_len..];
    let upper = (1..=5).contains(&word_len) && word.bytes().all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit()) && (word_len >= 2 || kind == PhiType::LicenseNumber);
    if upper && !["VIN", "DL", "NPI", "DEA", "ID", "MRN", "SSN", "CDL", "A", "I"].contains(&word) && !lexicon::contains(STATE_CODES, word) {
        trimmed.len() - word_len
    } else {
        start
    }
}
