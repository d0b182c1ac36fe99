//! Towns and cities named in prose, found with the city list of the name dictionary (GeoNames
//! places of at least 15,000 inhabitants) and the words around them, and the country names that
//! such a town may be followed by. A country or a state is not PHI under Safe Harbor, so it is
//! context here and never a finding.

use super::lexicon::{self, COUNTRY_NAMES, CREDENTIALS, MONTHS, NOT_NAMES, STATE_CODES, STATE_NAMES};
use super::street::postcode_at;
use super::{span, Found};
use crate::phi::names::{Dictionary, List};
use crate::phi::PhiType;

/// Country names in English, lower case, sorted; also the usual short forms (`usa`, `uk`).
pub(super) const COUNTRIES: &[&str] = &[
    "afghanistan", "albania", "algeria", "andorra", "angola", "argentina", "armenia", "australia", "austria",
    "azerbaijan", "bahamas", "bahrain", "bangladesh", "barbados", "belarus", "belgium", "belize", "benin", "bhutan",
    "bolivia", "bosnia and herzegovina", "botswana", "brazil", "brunei", "bulgaria", "burkina faso", "burundi",
    "cambodia", "cameroon", "canada", "chad", "chile", "china", "colombia", "congo", "costa rica", "croatia", "cuba",
    "cyprus", "czech republic", "czechia", "denmark", "djibouti", "dominica", "dominican republic", "ecuador", "egypt",
    "el salvador", "england", "eritrea", "estonia", "eswatini", "ethiopia", "fiji", "finland", "france", "gabon",
    "gambia", "georgia", "germany", "ghana", "greece", "greenland", "grenada", "guatemala", "guinea", "guyana", "haiti",
    "honduras", "hong kong", "hungary", "iceland", "india", "indonesia", "iran", "iraq", "ireland", "israel", "italy",
    "ivory coast", "jamaica", "japan", "jordan", "kazakhstan", "kenya", "kosovo", "kuwait", "kyrgyzstan", "laos",
    "latvia", "lebanon", "lesotho", "liberia", "libya", "liechtenstein", "lithuania", "luxembourg", "madagascar",
    "malawi", "malaysia", "maldives", "mali", "malta", "mauritania", "mauritius", "mexico", "moldova", "monaco",
    "mongolia", "montenegro", "morocco", "mozambique", "myanmar", "namibia", "nepal", "netherlands", "new zealand",
    "nicaragua", "niger", "nigeria", "north korea", "north macedonia", "northern ireland", "norway", "oman", "pakistan",
    "palestine", "panama", "papua new guinea", "paraguay", "peru", "philippines", "poland", "portugal", "puerto rico",
    "qatar", "romania", "russia", "rwanda", "samoa", "san marino", "saudi arabia", "scotland", "senegal", "serbia",
    "sierra leone", "singapore", "slovakia", "slovenia", "somalia", "south africa", "south korea", "south sudan",
    "spain", "sri lanka", "sudan", "suriname", "sweden", "switzerland", "syria", "taiwan", "tajikistan", "tanzania",
    "thailand", "the netherlands", "togo", "tonga", "trinidad and tobago", "tunisia", "turkey", "turkmenistan",
    "uganda", "uk", "ukraine", "united arab emirates", "united kingdom", "united states", "united states of america",
    "uruguay", "us", "usa", "uzbekistan", "venezuela", "vietnam", "wales", "yemen", "zambia", "zimbabwe",
];

/// Returns whether `name` (any case) is a country or a US state, which Safe Harbor does not
/// count as PHI.
pub(crate) fn is_country_or_state(name: &str) -> bool {
    let sets = lexicon::sets(name.trim());
    sets.has(COUNTRY_NAMES) || sets.has(STATE_NAMES)
}

/// Returns the length in bytes of the country name at the start of `text`, with a trailing
/// qualifier in brackets (`Cyprus (Greek)`), or 0.
pub(super) fn country_at(text: &str) -> usize {
    if !starts_upper(text) {
        return 0;
    }
    let mut best = 0;
    let mut start = 0;
    for _ in 0..3 {
        let end = word_end(text, start);
        if end == start {
            break;
        }
        if COUNTRIES.binary_search(&text[..end].to_lowercase().as_str()).is_ok() {
            best = end;
        }
        if !text[end..].starts_with(' ') {
            break;
        }
        start = end + 1;
    }
    if best > 0 && text[best..].starts_with(" (") {
        if let Some(close) = text[best..].find(')').filter(|&close| close <= 16) {
            return best + close + 1;
        }
    }
    best
}

/// Words before a town in prose: `moved to Kenosha`, `in Porto Alegre`.
const PLACE_WORDS: &[&str] = &["from", "in", "near", "outside", "to", "visiting"];

/// Words before `to` or `from` that make the next capitalised words a place rather than a
/// person: `moved to`, `flew to`, `here from`.
const MOTION_WORDS: &[&str] = &[
    "back", "came", "come", "drive", "drove", "flew", "fly", "flying", "go", "going", "here", "moved", "moving",
    "relocated", "returned", "travel", "traveled", "traveling", "travelled", "travelling", "trip", "went",
];

/// Maximum number of words in a town name that the city list is asked about.
const MAX_TOWN_WORDS: usize = 4;

/// Reports the towns in `text` that the city list contains and the words around make places:
/// a place word before them, or a following `, ` with a state, a country or a postcode. A city
/// whose name is also an ordinary word (`Reading`, `Mobile`, `Nice`) needs the state or
/// country after it. One that is also a first name (`Florence`) needs `in`, `near`, a word of
/// motion or the state or country after it.
pub(super) fn scan(dictionary: &Dictionary, text: &str, out: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let Some(found) = super::find_byte(bytes, index, |byte| byte.is_ascii_uppercase() || byte >= 0xC3) else {
            break;
        };
        index = found;
        let at_word = (bytes[index].is_ascii_uppercase() || starts_upper(&text[index..])) && (index == 0 || !is_word_byte(bytes[index - 1]));
        if !at_word {
            index += 1;
            continue;
        }
        // Only a place or town word before or a comma after can make the run a town. Most
        // capitalised words have neither, so they are left before the run is read.
        let word_before = place_or_town_word_before(bytes, index);
        let first_end = word_end(text, index);
        let single = !(text[first_end..].starts_with(' ') && text[first_end + 1..].starts_with(|c: char| c.is_uppercase() || c.is_lowercase()));
        if !word_before && single && !text[first_end..].starts_with(", ") {
            index = first_end.max(index + 1);
            continue;
        }
        let words = capitalised_words(text, index);
        let Some(&(_, run_end)) = words.last() else {
            index += 1;
            continue;
        };
        let gated = word_before || text[run_end..].starts_with(", ");
        let found = if gated { town_in_run(dictionary, text, index, &words) } else { None };
        if let Some(town) = found {
            out.push(span(PhiType::City, index, town.end, if region_after(&text[town.end..]) { 0.85 } else { 0.75 }, "town"));
            if let Some((postcode_start, postcode_end)) = town.postcode {
                out.push(span(PhiType::Zip, postcode_start, postcode_end, 0.85, "postcode"));
            }
        }
        index = run_end.max(index + 1);
    }
}

/// Returns whether one of [`PLACE_WORDS`] or [`TOWN_WORDS`] or `of` and a space end just
/// before `start`, in any case.
fn place_or_town_word_before(bytes: &[u8], start: usize) -> bool {
    if start < 2 || bytes[start - 1] != b' ' {
        return false;
    }
    let from = start.saturating_sub(12);
    let word_start = bytes[from..start - 1].iter().rposition(|byte| !byte.is_ascii_alphabetic()).map_or(from, |at| from + at + 1);
    let word = &bytes[word_start..start - 1];
    [PLACE_WORDS, TOWN_WORDS, &["of"]].iter().any(|list| list.iter().any(|place| word.eq_ignore_ascii_case(place.as_bytes())))
}

/// Returns the town that the run of `words` from `start` names, if the context makes it one.
/// That is a city of the list after a place word or before a region, any name after `city of`
/// or before a postcode, or a name in capitals or in no word list after a verb of living or
/// moving.
fn town_in_run(dictionary: &Dictionary, text: &str, start: usize, words: &[(usize, usize)]) -> Option<Town> {
    let before = super::before(text, start, 40);
    let (rest, previous) = split_last_word(before);
    let place_word = before.ends_with(' ') && PLACE_WORDS.contains(&previous.as_str());
    let region = |end: usize| region_after(&text[end..]);
    let count = words.len();
    if count > MAX_TOWN_WORDS {
        return None;
    }
    let end = words[count - 1].1;
    let name = &text[start..end];
    if is_country_or_state(name) {
        return None;
    }
    let lower = name.to_lowercase();
    let ordinary = count == 1 && (dictionary.contains(List::Safe, &lower) || lexicon::contains(NOT_NAMES, &lower) || lexicon::contains(MONTHS, &lower));
    let town = Town { end, postcode: None };
    if dictionary.contains(List::City, name) {
        let first_name = count == 1 && dictionary.contains(List::First, &lower);
        let motion = matches!(previous.as_str(), "to" | "from") && MOTION_WORDS.contains(&split_last_word(rest).1.as_str());
        let strong = matches!(previous.as_str(), "in" | "near" | "outside" | "visiting") || motion;
        let accepted = if ordinary {
            region(end)
        } else if first_name {
            (place_word && strong) || region(end)
        } else {
            place_word || region(end)
        };
        if accepted {
            return Some(town);
        }
    }
    if ordinary {
        return None;
    }

    // Any town name after `city of`, `hometown` or `village of`.
    if TOWN_WORDS.contains(&previous.as_str()) || (previous == "of" && TOWN_WORDS.contains(&split_last_word(rest).1.as_str())) {
        return Some(town);
    }

    // A town before its postcode: `in Bjert 6091`, `in Quinta de São Tiago 3610-114`.
    if place_word {
        if let Some(length) = text[end..].strip_prefix(' ').and_then(postcode_at) {
            return Some(Town { end, postcode: Some((end + 1, end + 1 + length)) });
        }
    }

    // A word in capitals or in no word list after a verb of living or moving: `grew up in
    // SUND`, `flew to LEPPEN`.
    let settled = place_word && SETTLED_PHRASES.iter().any(|phrase| ends_with_ignore_case(before, phrase));
    let capitals = count == 1 && name.chars().count() >= 4 && name.chars().all(char::is_uppercase) && !lexicon::contains(CREDENTIALS, name);
    let unknown = words.iter().all(|&(word_start, word_end)| {
        let word = text[word_start..word_end].to_lowercase();
        !dictionary.contains(List::Safe, &word) && !dictionary.contains(List::First, &word) && !dictionary.contains(List::Last, &word)
    });
    (settled && (capitals || unknown)).then_some(town)
}

/// A town found in a run of capitalised words: its end and the postcode after it, if any.
struct Town {
    end: usize,
    postcode: Option<(usize, usize)>,
}

/// Words before a town name: `home city Assen`, `city of Oulu`, `hometown Laax`.
const TOWN_WORDS: &[&str] = &["city", "hometown", "town", "village"];

/// Verbs of living or moving with their place word, each ending with a space.
const SETTLED_PHRASES: &[&str] = &[
    "based in ", "born in ", "flew to ", "grew up in ", "here from ", "live in ", "lived in ", "lives in ",
    "moved to ", "relocated to ", "returned to ", "traveling to ", "travelling to ",
];

/// Returns `text` before its last word, and that word in lower case.
fn split_last_word(text: &str) -> (&str, String) {
    let trimmed = text.trim_end();
    let start = trimmed.rfind(|c: char| !c.is_alphabetic()).map_or(0, |index| index + trimmed[index..].chars().next().map_or(1, char::len_utf8));
    (&trimmed[..start], trimmed[start..].to_lowercase())
}

fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len() && text.as_bytes()[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Returns whether `after` starts with `, ` and a US state, a state code, a country or a
/// postcode: `, Texas`, `, PA`, `, Canada`, `, 80331`.
pub(super) fn region_after(after: &str) -> bool {
    let Some(rest) = after.strip_prefix(", ") else {
        return false;
    };
    let code: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
    if code.len() == 2 && code.bytes().all(|byte| byte.is_ascii_uppercase()) && lexicon::contains(STATE_CODES, &code) {
        return !rest[2..].starts_with(char::is_alphanumeric);
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if (4..=6).contains(&digits) && !rest[digits..].starts_with(char::is_alphanumeric) {
        return true;
    }
    if country_at(rest) > 0 {
        return true;
    }
    let two: String = rest.split(' ').take(2).collect::<Vec<_>>().join(" ");
    let state = |name: &str| name.starts_with(|c: char| c.is_ascii_uppercase()) && lexicon::contains(STATE_NAMES, name.trim_end_matches(|c: char| !c.is_ascii_alphabetic()));
    state(&code) || state(&two)
}

/// The byte ranges of a run of capitalised words, kept on the stack because the town and street
/// passes read one at many capitalised words of a text.
pub(super) struct Words {
    ranges: [(usize, usize); MAX_TOWN_WORDS + 1],
    length: usize,
}

impl std::ops::Deref for Words {
    type Target = [(usize, usize)];

    fn deref(&self) -> &[(usize, usize)] {
        &self.ranges[..self.length]
    }
}

/// Returns the capitalised words from `start`, joined by single spaces, with lower-case
/// particles inside (`Villafranca del Cid`), as byte ranges. At most [`MAX_TOWN_WORDS`] + 1.
pub(super) fn capitalised_words(text: &str, start: usize) -> Words {
    let mut words = Words { ranges: [(0, 0); MAX_TOWN_WORDS + 1], length: 0 };
    let mut index = start;
    while words.len() <= MAX_TOWN_WORDS {
        let end = word_end(text, index);
        if end == index || !starts_upper(&text[index..]) {
            break;
        }
        words.ranges[words.length] = (index, end);
        words.length += 1;
        let Some(rest) = text[end..].strip_prefix(' ') else {
            break;
        };
        let mut next = end + 1;
        let particle_end = word_end(text, next);
        if particle_end > next && ["de", "del", "la", "le", "do", "da", "dos", "nad", "am", "an", "upon", "sur"].contains(&&text[next..particle_end]) && text[particle_end..].starts_with(' ') {
            next = particle_end + 1;
        }
        if !starts_upper(&text[next..]) || rest.is_empty() {
            break;
        }
        index = next;
    }
    words
}

/// Returns the end of the word of letters at `start`, with inner hyphens and apostrophes.
pub(super) fn word_end(text: &str, start: usize) -> usize {
    // ASCII letters are read byte by byte. Only a word that goes on with another character
    // (a hyphen, an apostrophe or a non-ASCII letter) takes the character loop below.
    let bytes = text.as_bytes();
    let from = start + bytes[start..].iter().take_while(|byte| byte.is_ascii_alphabetic()).count();
    if from > start && bytes.get(from).is_none_or(|byte| byte.is_ascii() && *byte != b'-' && *byte != b'\'') {
        return from;
    }
    let mut end = from;
    let mut chars = text[from..].char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let inner = (c == '-' || c == '\'') && chars.peek().is_some_and(|&(_, next)| next.is_alphabetic()) && from + offset > start;
        if c.is_alphabetic() || inner {
            end = from + offset + c.len_utf8();
        } else {
            break;
        }
    }
    end
}

pub(super) fn starts_upper(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_uppercase)
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_sorted() {
        for list in [COUNTRIES, PLACE_WORDS, MOTION_WORDS, TOWN_WORDS, SETTLED_PHRASES] {
            assert!(list.windows(2).all(|pair| pair[0] < pair[1]), "{:?}", list.windows(2).find(|pair| pair[0] >= pair[1]));
        }
        assert!(is_country_or_state("Czech Republic"));
        assert!(is_country_or_state("texas"));
        assert!(!is_country_or_state("Kenosha"));
        assert!(!is_country_or_state("Côte"));
        for country in COUNTRIES {
            assert!(is_country_or_state(country), "{country}");
        }
    }

    #[test]
    fn country_with_qualifier() {
        assert_eq!(country_at("Cyprus (Greek) 51034"), "Cyprus (Greek)".len());
        assert_eq!(country_at("New Zealand 57006"), "New Zealand".len());
        assert_eq!(country_at("Newport"), 0);
    }
}
