//! Street addresses in international forms and the lines after them in an address block.
//!
//! A street line has a house number before the street (`20789 Allika 46`, `63 Rue de
//! Kairouan`), after it (`Villacher Strasse 89`, `Rua Diadema 1903`) or both, as many
//! European forms and generated test data write it. US military addresses (`PSC 0729, Box 5797`
//! with `APO AP 96854`) and post office boxes in other languages are street lines too.
//!
//! The unit (`Suite 501`), town, region code, country and postcode that follow a street line,
//! on the same line or the next lines, belong to the same address. The unit is reported with
//! the street, the town as a city and the postcode as a ZIP. A region code, a US state or a
//! country is not PHI under Safe Harbor and is skipped.

use super::lexicon::{self, MONTHS, NOT_NAMES, STREET_SUFFIXES};
use super::town::{capitalised_words, country_at, is_country_or_state, starts_upper, word_end};
use super::{span, Found};
use crate::phi::names::{Dictionary, List};
use crate::phi::PhiType;

/// Street words of other languages, lower case, without a trailing period: `Rue`, `Via`,
/// `ul.`, `Str.`. US street suffixes count too, from the USPS list.
const STREET_WORDS: &[&str] = &[
    "allee", "av", "avda", "avenida", "avenue", "boulevard", "calle", "camino", "carrer", "cesta", "chaussee",
    "corso", "gade", "gasse", "iela", "kuja", "laan", "largo", "leof", "piazza", "plac", "plaza", "praça", "quai",
    "rua", "rue", "sokak", "str", "straat", "strada", "strasse", "straße", "travessa", "tér", "ul", "ulica",
    "ulice", "utca", "vej", "via", "viale", "vicolo", "weg", "út",
];

/// Endings of one-word street names: `Friedhofstrasse`, `Kiannonkatu`, `Hammarvägen`,
/// `Søndergade`, `Rooseveltlaan`. The word must be at least three letters longer.
const STREET_ENDINGS: &[&str] = &[
    "allee", "dreef", "gade", "gasse", "gata", "gatan", "gracht", "katu", "kuja", "laan", "platz", "plein", "polku",
    "singel", "str", "straat", "straeti", "strasse", "straße", "stræti", "tie", "vegur", "veien", "vej", "väg",
    "vägen", "weg",
];

/// Lower-case street words of Nordic languages after the name: `Trenerys gate 232`.
const STREET_WORDS_AFTER: &[&str] = &["gata", "gate", "plass", "torg", "veg", "vegen", "vei"];

/// Words that open the unit part of an address: `Apt. 864`, `Suite 501`, `Flat 2`.
const UNIT_WORDS: &[&str] = &[
    "apartment", "app", "appt", "apt", "bldg", "box", "building", "flat", "floor", "piso", "rm", "room", "ste",
    "suite", "unit",
];

/// Words in the clause before a street name that make the capitalised words and number after
/// them an address: `lives at`, `address is`, `located at`, `return to`.
const ADDRESS_CONTEXT: &[&str] = &[
    "address", "corner of", "deliver", "live at", "lived at", "lives at", "lives on", "living at", "located at",
    "located on", "mail", "meet me at", "meet you at", "moved to", "office is at", "return to", "send", "sent to",
    "ship to", "side of", "taxi to",
];

/// Lower-case particles inside a street name: `Rue de Kairouan`, `Jiřího z Poděbrad`.
const PARTICLES: &[&str] = &[
    "da", "das", "de", "dei", "del", "della", "delle", "der", "des", "di", "do", "dos", "du", "e", "la", "le", "van", "von",
    "y", "z",
];

/// Maximum length of a house number, in digits.
const MAX_HOUSE_DIGITS: usize = 6;

/// Maximum number of words in a street name.
const MAX_STREET_WORDS: usize = 5;

/// How far back from a house number a street name before it is looked for, in bytes.
const LINE_BYTES: usize = 80;

/// Maximum number of lines or parts after a street line that the address block reads.
const MAX_BLOCK_PARTS: usize = 6;

/// Appends the street addresses in `text` and the towns and postcodes of their blocks.
/// Numbers that start or lie inside a street address found before with its house number first
/// are skipped, because the US street recognizer has read that line and the town after it.
pub(super) fn scan(dictionary: Option<&Dictionary>, text: &str, out: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    let mut earlier: Vec<(usize, usize)> = out
        .iter()
        .filter(|found| found.kind == PhiType::Address && text.as_bytes()[found.start].is_ascii_digit())
        .map(|found| (found.start, found.end))
        .collect();
    earlier.sort_unstable();
    let mut next_earlier = 0;
    let mut covered = 0;
    let mut index = 0;
    while index < bytes.len() {
        let Some(digit) = super::find_byte(bytes, index, |byte| byte.is_ascii_digit()) else {
            break;
        };
        index = digit;
        let start = index;
        while index < bytes.len() && bytes[index].is_ascii_digit() {
            index += 1;
        }
        while next_earlier < earlier.len() && earlier[next_earlier].1 <= start {
            next_earlier += 1;
        }
        let inside = start < covered || earlier.get(next_earlier).is_some_and(|&(from, _)| from <= start);
        if inside || !number_boundary(text, start, index) {
            continue;
        }
        if let Some(end) = street_at(dictionary, text, start, index, out) {
            covered = end;
            index = end.max(index);
        }
    }
}

/// Returns whether the digits at `start..end` stand alone: not inside a word, an amount, a
/// decimal number or a longer code.
fn number_boundary(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let before_ok = start == 0 || matches!(bytes[start - 1], b' ' | b'\n' | b'\t' | b'>' | b':' | b'(' | b',');
    let after_ok = end == bytes.len() || matches!(bytes[end], b' ' | b'\n' | b',' | b'.' | b'?' | b')' | b';' | b'\r') || (bytes[end].is_ascii_alphabetic() && !bytes.get(end + 1).is_some_and(u8::is_ascii_alphanumeric));
    before_ok && after_ok && end - start <= MAX_HOUSE_DIGITS
}

/// Reports the street line that the number at `start..end` belongs to, with its block, and
/// returns the end of the street line.
fn street_at(dictionary: Option<&Dictionary>, text: &str, start: usize, end: usize, out: &mut Vec<Found>) -> Option<usize> {
    if let Some(found) = named_postcode(text, start, out) {
        return Some(found);
    }
    if let Some(found) = military(text, start, end, out) {
        return Some(found);
    }
    if let Some(found) = military_post_office(text, start, end, out) {
        return Some(found);
    }
    if let Some(found) = post_box(text, start, end, out) {
        return Some(found);
    }
    if let Some(found) = number_first(dictionary, text, start, end, out) {
        return Some(found);
    }
    number_last(dictionary, text, start, end, out)
}

/// A word of a street name: its bounds, and whether it ends with a period (`u.`, `Str.`).
#[derive(Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    period: bool,
}

/// Reads the words of a street name from `start` on one line, up to a number, a unit word, a
/// comma or the end of the line. The words are capitalised, street words or particles; after
/// an opening street word (`rue de pologne`) lower-case words count too.
fn street_words(text: &str, start: usize) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut index = start;
    while words.len() < MAX_STREET_WORDS {
        let end = word_end(text, index);
        if end == index {
            break;
        }
        let bare = text[index..end].to_lowercase();
        if UNIT_WORDS.contains(&bare.as_str()) && !words.is_empty() && next_is_number(text, end) {
            break;
        }
        let opened = words.first().is_some_and(|first| STREET_WORDS.contains(&text[first.start..first.end].to_lowercase().as_str()));
        let after_name = !words.is_empty() && STREET_WORDS_AFTER.contains(&bare.as_str());
        let accepted = starts_upper(&text[index..end]) || opened || after_name || PARTICLES.contains(&bare.as_str()) || is_street_word(&bare, text[end..].starts_with('.'));
        if !accepted {
            break;
        }
        let period = text[end..].starts_with('.');
        let after = if period { end + 1 } else { end };
        words.push(Word { start: index, end, period });
        if !text[after..].starts_with(' ') || text[after + 1..].starts_with(' ') {
            break;
        }
        index = after + 1;
    }
    while words.last().is_some_and(|word| PARTICLES.contains(&&text[word.start..word.end])) {
        words.pop();
    }
    words
}

/// Returns whether a unit number follows the unit word that ends at `end`: `Apt. 864`.
fn next_is_number(text: &str, end: usize) -> bool {
    let rest = text[end..].trim_start_matches('.').trim_start_matches(' ');
    rest.starts_with(|c: char| c.is_ascii_digit())
}

/// Returns whether one of `words` names a street: a street word or ending, or a US suffix
/// after the first word.
fn has_street_word(text: &str, words: &[Word]) -> bool {
    (0..words.len()).any(|position| has_street_word_at(text, words, position))
}

fn has_street_word_at(text: &str, words: &[Word], position: usize) -> bool {
    let word = words[position];
    let bare = text[word.start..word.end].to_lowercase();
    let suffix = position > 0 && lexicon::contains(STREET_SUFFIXES, &bare) && starts_upper(&text[word.start..]);
    let after_name = position > 0 && STREET_WORDS_AFTER.contains(&bare.as_str());
    is_street_word(&bare, word.period) || suffix || after_name
}

/// Returns whether a lower-case word is a street word (`rue`, `ul.`, `u.`) or ends like a
/// one-word street name (`kiannonkatu`).
fn is_street_word(bare: &str, period: bool) -> bool {
    let listed = STREET_WORDS.contains(&bare) && (bare.len() > 2 || period || bare == "út");
    let ending = STREET_ENDINGS.iter().any(|ending| bare.ends_with(ending) && bare.chars().count() >= ending.chars().count() + 3);
    listed || ending || (bare == "u" && period)
}

/// Returns whether the words could be a street name without a street word: capitalised, no
/// ordinary English word, month or weekday.
fn plausible_name(dictionary: Option<&Dictionary>, text: &str, words: &[Word]) -> bool {
    !words.is_empty()
        && words.iter().all(|word| {
            let value = &text[word.start..word.end];
            let lower = value.to_lowercase();
            let upper_letters = value.chars().filter(|c| c.is_uppercase()).count();
            starts_upper(value)
                && upper_letters < value.chars().count().max(2)
                && !lexicon::contains(MONTHS, &lower)
                && !lexicon::contains(NOT_NAMES, &lower)
                && !is_country_or_state(value)
                && !dictionary.is_some_and(|dictionary| dictionary.contains(List::Safe, &lower) && !dictionary.contains(List::Last, &lower))
        })
}

/// Returns whether the clause before `start` has an address word: `lives at`, `address:`.
fn address_context(text: &str, start: usize) -> bool {
    let before = super::before(text, start, 64).to_lowercase();
    let clause = before.rsplit(['.', '?', '!', '\n']).next().unwrap_or("");
    ADDRESS_CONTEXT.iter().any(|word| clause.contains(word))
}

/// Returns the end of a house number after a street name at `at` (`46`, `19.`, `12b`), if one
/// follows after one space.
fn house_after(text: &str, at: usize) -> Option<usize> {
    let rest = text.get(at..)?.strip_prefix(' ')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 5 {
        return None;
    }
    let mut end = at + 1 + digits;
    let bytes = text.as_bytes();
    if bytes.get(end).is_some_and(u8::is_ascii_lowercase) && !bytes.get(end + 1).is_some_and(u8::is_ascii_alphanumeric) {
        end += 1;
    } else if bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    if bytes.get(end) == Some(&b'.') && !bytes.get(end + 1).is_some_and(u8::is_ascii_alphanumeric) {
        end += 1;
    }
    Some(end)
}

/// `20789 Allika 46`, `63 Rue de Kairouan`, `1987 74 Diakou Street`: a house number, a second
/// one, then the street name and perhaps the number after it.
fn number_first(dictionary: Option<&Dictionary>, text: &str, start: usize, end: usize, out: &mut Vec<Found>) -> Option<usize> {
    let mut name_start = end + 1;
    if !text[end..].starts_with(' ') {
        return None;
    }

    // A second number (`1987 74 Diakou Street`): the first is then a building or postcode.
    let second = text[name_start..].bytes().take_while(u8::is_ascii_digit).count();
    if (1..=5).contains(&second) && text[name_start + second..].starts_with(' ') {
        name_start += second + 1;
    }
    let mut words = street_words(text, name_start);

    // Without a number after it, a street that ends with a street word ends there: the
    // capitalised words after `Diakou Street` are the town. One that opens with a street word
    // (`Avenue des Tuileries`) runs to its last capitalised word.
    if house_after(text, words.last().map_or(name_start, |last| if last.period { last.end + 1 } else { last.end })).is_none() {
        if let Some(position) = (1..words.len()).rev().find(|&position| has_street_word_at(text, &words, position)) {
            words.truncate(position + 1);
        }
    }
    let last = words.last()?;
    let last_end = if last.period { last.end + 1 } else { last.end };
    let mut street_end = if last.period && has_street_word(text, &words[words.len() - 1..]) { last_end } else { last.end };
    let number = house_after(text, last_end);
    let street_word = has_street_word(text, &words);
    if let Some(number_end) = number {
        street_end = number_end;
    }
    let block = block_follows(text, street_end);
    let confidence = if street_word && (number.is_some() || words.len() >= 2 || block) {
        0.85
    } else if number.is_some() && plausible_name(dictionary, text, &words) && words.len() <= 4 && (block || address_context(text, start)) {
        0.75
    } else {
        return None;
    };
    Some(report_street(text, start, street_end, confidence, out))
}

/// `Villacher Strasse 89`, `Rua Diadema 1903`, `ul. Więckowskiego Stefana 28`, and in an
/// address clause `north side of Joaquin Suarez 2906`: the street name before the number.
fn number_last(dictionary: Option<&Dictionary>, text: &str, start: usize, end: usize, out: &mut Vec<Found>) -> Option<usize> {
    if end - start > 5 || start < 2 || text.as_bytes()[start - 1] != b' ' {
        return None;
    }
    let number_end = house_after(text, start - 1)?;
    // The words before, back to the start of the line or clause, at most five.
    let window = super::before(text, start - 1, LINE_BYTES);
    let line_start = start - 1 - window.len() + window.rfind(['\n', ',', ':', ';', '>']).map_or(0, |at| at + 1);
    let line = &text[line_start..start - 1];
    let offsets: Vec<usize> = line.char_indices().filter(|&(at, c)| c != ' ' && (at == 0 || line[..at].ends_with(' '))).map(|(at, _)| line_start + at).collect();
    for &word_start in offsets.iter().rev().take(MAX_STREET_WORDS).rev() {
        let words = street_words(text, word_start);
        let Some(last) = words.last() else {
            continue;
        };
        let last_end = if last.period { last.end + 1 } else { last.end };
        if last_end + 1 != start {
            continue;
        }
        let first = &text[words[0].start..words[0].end];
        let opens = starts_upper(first) || STREET_WORDS.contains(&first.to_lowercase().as_str());
        if !opens {
            continue;
        }
        let confidence = if has_street_word(text, &words) {
            0.8
        } else if words.len() <= 3 && plausible_name(dictionary, text, &words) && (address_context(text, word_start) || block_follows(text, number_end)) {
            0.7
        } else {
            continue;
        };
        return Some(report_street(text, word_start, number_end, confidence, out));
    }
    None
}

/// `PSC 0729, Box 5797` and `Unit 1293 Box 4311` with the `APO AP 96854` line after them, and
/// an `APO`, `FPO` or `DPO` line alone.
fn military(text: &str, start: usize, end: usize, out: &mut Vec<Found>) -> Option<usize> {
    let bytes = text.as_bytes();
    let opener = ["psc ", "unit ", "cmr "].into_iter().find(|word| start >= word.len() && bytes[start - word.len()..start].eq_ignore_ascii_case(word.as_bytes()))?;
    let skip = ["box ", " box ", ", box "].into_iter().find(|prefix| starts_with_ignore_case(&bytes[end..], prefix))?.len();
    let digits = bytes[end + skip..].iter().take_while(|byte| byte.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let line_end = end + skip + digits;
    let gap = bytes[line_end..].iter().take(4).take_while(|byte| matches!(byte, b' ' | b'\n' | b'\r')).count();
    let post = &bytes[line_end + gap..];
    let office = ["apo ", "fpo ", "dpo "].iter().any(|word| starts_with_ignore_case(post, word));
    let region = post.get(4..).is_some_and(|rest| ["aa ", "ae ", "ap "].iter().any(|code| starts_with_ignore_case(rest, code)));
    let zip = post.get(7..).is_some_and(|rest| rest.iter().take_while(|byte| byte.is_ascii_digit()).count() == 5);
    let address_end = if office && region && zip { line_end + gap + 12 } else { line_end };
    out.push(span(PhiType::Address, start - opener.len(), address_end, 0.9, "military_address"));
    Some(address_end)
}

/// `APO AE 12345` alone, or after a ship line: `USS Mahler FPO AA 70489`.
fn military_post_office(text: &str, start: usize, end: usize, out: &mut Vec<Found>) -> Option<usize> {
    let bytes = text.as_bytes();
    if end - start != 5 || start < 7 {
        return None;
    }
    let label = &bytes[start - 7..start];
    let office = ["apo ", "fpo ", "dpo "].iter().any(|word| starts_with_ignore_case(label, word));
    let region = ["aa ", "ae ", "ap "].iter().any(|code| starts_with_ignore_case(&label[4..], code));
    if !(office && region) {
        return None;
    }
    let mut first = start - 7;
    // A ship line before it: `USS`, `USNS`, `USNV` or `USCGC` and the ship's name.
    let window = super::before(text, first, 40);
    let window_start = first - window.len();
    let before = window.trim_end_matches([' ', '\n', '\r']);
    if let Some(ship) = ["USS ", "USNS ", "USNV ", "USCGC "].iter().filter_map(|prefix| before.rfind(prefix)).max() {
        let name = &before[ship..];
        if name.split_whitespace().count() <= 3 && !name.contains(['.', ',', '?', '!']) {
            first = window_start + ship;
        }
    }
    out.push(span(PhiType::Address, first, end, 0.9, "military_address"));
    Some(end)
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &str) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Labels before a postcode, lower case, each ending with the separator before the number.
const POSTCODE_LABELS: &[&str] = &["postal code ", "postal code is ", "postal code: ", "postcode ", "postcode is ", "postcode: ", "zip ", "zip code ", "zip code is ", "zip code: ", "zip: ", "zipcode "];

/// Reports a postcode after a label: `ZIP: 3520`, `my zip code is 35350`, `postcode 114 55`.
fn named_postcode(text: &str, start: usize, out: &mut Vec<Found>) -> Option<usize> {
    let before = super::before(text, start, 16);
    let label = POSTCODE_LABELS.iter().any(|label| before.len() >= label.len() && before.as_bytes()[before.len() - label.len()..].eq_ignore_ascii_case(label.as_bytes()));
    if !label {
        return None;
    }
    let length = postcode_at(&text[start..])?;
    out.push(span(PhiType::Zip, start, start + length, 0.9, "postcode"));
    Some(start + length)
}

/// Post office boxes in other languages: `Postbox 21`, `Postfach 1180`, `Apartado 45`.
fn post_box(text: &str, start: usize, end: usize, out: &mut Vec<Found>) -> Option<usize> {
    let before = super::before(text, start, 16);
    let prefix = ["postbox ", "postfach ", "apartado ", "casilla ", "caixa postal ", "casella postale ", "postboks "].into_iter().find(|prefix| before.len() >= prefix.len() && before.as_bytes()[before.len() - prefix.len()..].eq_ignore_ascii_case(prefix.as_bytes()))?;
    let opens = text[..start - prefix.len()].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
    if !opens {
        return None;
    }
    out.push(span(PhiType::Address, start - prefix.len(), end, 0.85, "po_box"));
    Some(end)
}

/// Reports the street line and the units after it, then reads the block after it. Returns the
/// end of the street line with its units.
fn report_street(text: &str, start: usize, street_end: usize, confidence: f32, out: &mut Vec<Found>) -> usize {
    let mut end = street_end;
    while let Some(unit) = unit_after(text, end) {
        end = unit;
    }
    out.push(span(PhiType::Address, start, end, confidence, "street_international"));
    read_block(text, end, out);
    end
}

/// Returns the end of a unit after `from` (`Apt. 864`, `Suite 501`), on the same line or the
/// next one.
fn unit_after(text: &str, from: usize) -> Option<usize> {
    let rest = &text[from..];
    let trimmed = rest.trim_start_matches([' ', ',', '\n', '\r', '>', '\t']);
    let gap = &rest[..rest.len() - trimmed.len()];
    if gap.is_empty() || gap.matches('\n').count() > 1 {
        return None;
    }
    let word_length = word_end(trimmed, 0);
    let word = trimmed[..word_length].to_lowercase();
    if !UNIT_WORDS.contains(&word.as_str()) {
        return None;
    }
    let mut offset = word_length;
    if trimmed[offset..].starts_with('.') {
        offset += 1;
    }
    offset += trimmed[offset..].len() - trimmed[offset..].trim_start_matches(' ').len();
    let number = trimmed[offset..].bytes().take_while(u8::is_ascii_alphanumeric).count();
    if number == 0 || number > 6 || !trimmed[offset..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(from + gap.len() + offset + number)
}

/// Returns whether an address block goes on after `end`: a unit, or within three parts a
/// region, country or postcode. Towns alone do not count, because a list of capitalised
/// words (`Omega 3, Zinc, Vitamin C`) reads as towns too.
fn block_follows(text: &str, end: usize) -> bool {
    if unit_after(text, end).is_some() {
        return true;
    }
    let mut parts = Vec::new();
    let mut at = end;
    while parts.len() < 3 {
        let Some((_, part_end, part)) = block_part(text, at, 1) else {
            break;
        };
        parts.push(part);
        at = part_end;
    }
    parts.iter().any(|part| *part != Part::Town)
}

/// One part of an address block after the street line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Town,
    Region,
    Country,
    Postcode,
}

/// Reads the parts of the address block after `from` and reports the town and the postcode.
fn read_block(text: &str, from: usize, out: &mut Vec<Found>) {
    let mut at = from;
    let mut town_seen = false;
    for _ in 0..MAX_BLOCK_PARTS {
        let Some((start, end, part)) = block_part(text, at, 1) else {
            break;
        };
        match part {
            // A second name after the town is a province or country name that is not in the
            // country list (`Qasigiannguit  Greenlander 07609`) when a postcode follows it.
            Part::Town if town_seen && !block_part(text, end, 0).is_some_and(|(_, _, next)| next == Part::Postcode) => break,
            Part::Town if town_seen => {}
            Part::Town => {
                town_seen = true;
                out.push(span(PhiType::City, start, end, 0.8, "town_in_address"));
            }
            Part::Postcode => out.push(span(PhiType::Zip, start, end, 0.85, "postcode")),
            Part::Region | Part::Country => {}
        }
        at = end;
    }
}

/// Returns the next part of an address block after `from`, skipping the separator before it:
/// a line break, a comma, two spaces, or one space before a postcode, region or capitals. A
/// town needs a part after it or a line end, looked up `depth` parts ahead.
fn block_part(text: &str, from: usize, depth: u8) -> Option<(usize, usize, Part)> {
    let rest = &text[from..];
    let trimmed = rest.trim_start_matches([' ', ',', '\n', '\r', '>', '\t']);
    let gap = &rest[..rest.len() - trimmed.len()];
    if gap.is_empty() || gap.matches('\n').count() > 2 {
        return None;
    }
    let start = from + gap.len();
    let strong = gap.contains(['\n', ',', '>']) || gap.contains("  ");
    if let Some(length) = postcode_at(trimmed) {
        return Some((start, start + length, Part::Postcode));
    }
    let country = country_at(trimmed);
    if country > 0 {
        return Some((start, start + country, Part::Country));
    }
    if let Some(length) = region_at(trimmed).filter(|_| gap.contains(',') || strong) {
        return Some((start, start + length, Part::Region));
    }
    let words = capitalised_words(text, start);
    let town_end = words.get(words.len().min(4).checked_sub(1)?)?.1;
    let after = &text[town_end..];
    let closed = after.is_empty() || after.starts_with(['\n', ',', '.', '?', '!', ')', ';']) || after.starts_with("  ") || after.starts_with(" >");
    let capitals = text[start..town_end].chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    let followed = depth > 0 && block_part(text, town_end, depth - 1).is_some_and(|(_, _, part)| part != Part::Town);
    if followed || (strong && closed) || (capitals && town_end - start >= 4) {
        if is_country_or_state(&text[start..town_end]) {
            return Some((start, town_end, Part::Country));
        }
        return Some((start, town_end, Part::Town));
    }
    None
}

/// Returns the length of a region code at the start of `text`: two or three capitals (`CO`,
/// `QC`) or one or two digits (`13`), ending there.
fn region_at(text: &str) -> Option<usize> {
    let letters = text.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let length = if (2..=3).contains(&letters) { letters } else if (1..=2).contains(&digits) { digits } else { return None };
    let closed = text[length..].is_empty() || text[length..].starts_with([' ', '\n', ',', '.', '?', '\r']);
    closed.then_some(length)
}

/// Returns the length of a postcode at the start of `text`: 4 to 6 digits (`80296`, `1010`),
/// `NNN NN` (`114 55`), `NNNN-NNN` and `NN-NNN` (`3610-114`, `53-320`), a Dutch `1234 AB`, a
/// Canadian `K1A 0B1` or a British `SW1A 1AA`.
pub(super) fn postcode_at(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let closed = |length: usize| bytes.get(length).is_none_or(|byte| !byte.is_ascii_alphanumeric() && *byte != b'-' && *byte != b'/');
    let digits = bytes.iter().take_while(|byte| byte.is_ascii_digit()).count();
    if digits == 3 && bytes.get(3) == Some(&b' ') && bytes[4..].iter().take_while(|byte| byte.is_ascii_digit()).count() == 2 && closed(6) {
        return Some(6);
    }
    if digits == 4 && bytes.get(4) == Some(&b' ') && bytes.get(5..7).is_some_and(|pair| pair.iter().all(u8::is_ascii_uppercase)) && closed(7) {
        return Some(7);
    }
    if (4..=6).contains(&digits) && closed(digits) {
        return Some(digits);
    }
    // Portugal `3610-114` and Poland `53-320`.
    let hyphenated = |left: usize, right: usize| digits == left && bytes.get(left) == Some(&b'-') && bytes[left + 1..].iter().take_while(|byte| byte.is_ascii_digit()).count() == right && closed(left + 1 + right);
    if hyphenated(4, 3) || hyphenated(2, 3) {
        return Some(digits + 4);
    }
    let pattern = |shape: &[u8]| {
        shape.len() <= bytes.len()
            && shape.iter().zip(bytes).all(|(kind, byte)| match kind {
                b'A' => byte.is_ascii_uppercase(),
                b'9' => byte.is_ascii_digit(),
                other => other == byte,
            })
            && closed(shape.len())
    };
    ["A9A 9A9", "AA9A 9AA", "A9A 9AA", "A9 9AA", "A99 9AA", "AA9 9AA", "AA99 9AA"].iter().find(|shape| pattern(shape.as_bytes())).map(|shape| shape.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes() {
        assert_eq!(postcode_at("80296 x"), Some(5));
        assert_eq!(postcode_at("114 55"), Some(6));
        assert_eq!(postcode_at("1012 AB"), Some(7));
        assert_eq!(postcode_at("K1A 0B1,"), Some(7));
        assert_eq!(postcode_at("SW1A 1AA"), Some(8));
        assert_eq!(postcode_at("3610-114 in"), Some(8));
        assert_eq!(postcode_at("53-320"), Some(6));
        assert_eq!(postcode_at("123"), None);
        assert_eq!(postcode_at("1234567"), None);
    }

    #[test]
    fn lists_sorted() {
        for list in [STREET_WORDS, STREET_ENDINGS, STREET_WORDS_AFTER, UNIT_WORDS, ADDRESS_CONTEXT, PARTICLES, POSTCODE_LABELS] {
            assert!(list.windows(2).all(|pair| pair[0] < pair[1]), "{:?}", list.windows(2).find(|pair| pair[0] >= pair[1]));
        }
    }
}
