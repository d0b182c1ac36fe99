//! Names and towns: capitalised word runs weighed by the name dictionary and the words around
//! them, and lower-case names after a trigger (`my sis molly`, `call me jo`).

use super::lexicon::{self, ORGANIZATION_ENDINGS, COUNTRY_NAMES, CREDENTIALS, MONTHS, NOT_NAMES, PARTICLES, PERSON_WORDS, PLACE_WORDS, SPANISH, STATE_CODES, STATE_NAMES, TITLES, TOWN_ENDINGS_WORDS, TOWN_PREFIXES, COMMON_TOWNS};
use super::{span, Engine, Found, Scope};
use crate::phi::names::{Dictionary, Key, List};
use crate::phi::PhiType;

/// Words that follow an imperative or a word of another language rather than a name at the
/// start of a sentence: `Hang in there`, `Surely this`, `Uno de`.
const IMPERATIVE_OBJECTS: &[&str] = &[
    "a", "about", "an", "and", "as", "con", "de", "el", "en", "for", "her", "him", "if", "in", "into", "it", "la", "las",
    "los", "me", "my", "of", "on", "onto", "or", "our", "out", "para", "por", "que", "si", "that", "the", "them", "there",
    "these", "this", "those", "to", "up", "us", "with", "y", "you", "your", "yourself",
];

/// Intro phrases before a capitalised name, lower case, each ending with a space.
const INTROS: &[&str] = &["my name is ", "name is ", "call me ", "i'm ", "i am ", "this is ", "it's ", "it is ", "named ", "called ", "name: ", "names ", "name's ", "attention "];

/// Greetings and thanks before a name used as a vocative (`Good afternoon, Louise.`).
const GREETINGS: &[&str] = &["hi ", "hello ", "hey ", "dear ", "thanks, ", "thank you, ", "welcome back, ", "morning, ", "afternoon, ", "evening, ", "bye, ", "care, ", "hi, ", "hello, ", "hey, ", "oh ", "well "];

/// Appends the names and towns in `text`, in one pass over its words.
pub(super) fn scan(engine: &Engine, text: &str, scope: &Scope<'_>, out: &mut Vec<Found>) {
    let dictionary = engine.dictionary.as_ref();
    let bytes = text.as_bytes();
    // Words inside a street address, e-mail address or URL found before are not names.
    let mut taken: Vec<(usize, usize)> = out.iter().filter(|found| matches!(found.kind, PhiType::Address | PhiType::City | PhiType::Email | PhiType::Url)).map(|found| (found.start, found.end)).collect();
    taken.sort_unstable();
    let mut next_taken = 0;
    let mut language = Language::default();
    let mut index = 0;
    while index < bytes.len() {
        // Only a word start can open a name, so the bytes before the next one are skipped
        // without the checks below. A taken range that starts among them still covers the
        // word start that follows, or ends before it.
        while index < bytes.len() && !(starts_word(bytes[index]) && (index == 0 || !is_word_byte(bytes[index - 1]))) {
            index += 1;
        }
        if index >= bytes.len() {
            break;
        }
        while next_taken < taken.len() && taken[next_taken].1 <= index {
            next_taken += 1;
        }
        if let Some(&(taken_start, taken_end)) = taken.get(next_taken) {
            if taken_start <= index {
                index = taken_end;
                continue;
            }
        }
        let byte = bytes[index];
        if byte.is_ascii_uppercase() || (byte >= 0xC3 && upper_at(text, index)) {
            index = run_at(dictionary, text, index, scope, &mut language, out).max(index + 1);
            continue;
        }
        let end = lower_word_end(bytes, index);
        // `lower_word` acts only on a possessive, on `it's` or on a short trigger word (see
        // `lower_trigger`), so other words are not sliced and compared.
        let may_act = bytes.get(end) == Some(&b'\'') || (end - index <= 6 && is_trigger_initial(byte));
        if let (Some(dictionary), true) = (dictionary, may_act) {
            lower_word(dictionary, text, index, end, out);
        }
        index = end.max(index + 1);
    }
    // Only a conversation turn or lower-case chat text opens with a bare lower-case name.
    let chat = scope.speaker.is_some() || !bytes.iter().any(u8::is_ascii_uppercase);
    if let (Some(dictionary), true) = (dictionary, chat) {
        opening_name(dictionary, text, out);
    }
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte >= 0x80
}

/// Letters and the bytes of non-ASCII characters.
static WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = (byte as u8).is_ascii_alphabetic() || byte >= 0x80;
        byte += 1;
    }
    table
};

/// Returns whether `byte` can start a word: an ASCII letter or a lead byte from `0xC3` up.
/// Those lead Latin letters with marks and later scripts, but `0xC2` leads only the symbols and
/// spaces from `U+0080` to `U+00BF`.
fn starts_word(byte: u8) -> bool {
    WORD_BYTES[usize::from(byte)] && !(0x80..0xC3).contains(&byte)
}

/// Returns whether `byte` is the first letter of a trigger word of [`lower_trigger`].
fn is_trigger_initial(byte: u8) -> bool {
    matches!(byte, b'm' | b'o' | b'h' | b'i' | b'n' | b't' | b'c' | b'd' | b'b' | b's')
}

fn upper_at(text: &str, index: usize) -> bool {
    match text.as_bytes().get(index) {
        Some(byte) if byte.is_ascii() => byte.is_ascii_uppercase(),
        _ => text.get(index..).and_then(|rest| rest.chars().next()).is_some_and(char::is_uppercase),
    }
}

/// Returns the end of the lower-case word at `start`, with an inner apostrophe (`it's`) but
/// not a possessive `'s`.
fn lower_word_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    loop {
        end += bytes[end..].iter().take_while(|byte| WORD_BYTES[usize::from(**byte)]).count();
        let inner_apostrophe = bytes.get(end) == Some(&b'\'')
            && bytes.get(end + 1).is_some_and(u8::is_ascii_alphabetic)
            && (bytes[end + 1] != b's' || bytes.get(end + 2).is_some_and(|next| is_word_byte(*next)));
        if !inner_apostrophe {
            return end;
        }
        end += 1;
    }
}

/// Returns the word after the one ending at `end`, skipping one space and an optional comma.
fn next_word(text: &str, end: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut start = end;
    if bytes.get(start) == Some(&b',') {
        start += 1;
    }
    if bytes.get(start) != Some(&b' ') {
        return None;
    }
    start += 1;
    let word_end = lower_word_end(bytes, start);
    (word_end > start).then_some((start, word_end))
}

/// Returns whether a lower-case word is probably a first name: in the first-name list and not
/// an ordinary word.
fn is_lower_name(dictionary: &Dictionary, word: &str) -> bool {
    if word.len() < 2 || !word.chars().all(char::is_lowercase) {
        return false;
    }
    let sets = lexicon::sets(word);
    let Some(key) = Key::new(word) else {
        return false;
    };
    !sets.has(NOT_NAMES) && !sets.has(PERSON_WORDS) && dictionary.contains_key(List::First, &key) && !dictionary.contains_key(List::Safe, &key)
}

/// Lower-case names after a trigger (`my sis molly`, `it's eddie`, `call me jo`) and
/// lower-case possessives of names (`daria's bday`).
fn lower_word(dictionary: &Dictionary, text: &str, start: usize, end: usize, out: &mut Vec<Found>) {
    let word = &text[start..end];
    let bytes = text.as_bytes();
    if word == "it" && text[end..].starts_with("'s ") {
        // `it's` ends before its `'s`, like a possessive.
        lower_trigger(dictionary, text, "it's", end + 2, out);
        return;
    }
    if bytes.get(end) == Some(&b'\'') {
        if bytes.get(end + 1) == Some(&b's') {
            // `daria's bday`: a birthday belongs to a person, whatever the word.
            let birthday = next_word(text, end + 2).is_some_and(|(next_start, next_end)| ["bday", "birthday", "funeral", "wedding"].contains(&&text[next_start..next_end]));
            let plausible = word.len() >= 2 && !lexicon::contains(NOT_NAMES, word) && !lexicon::contains(PERSON_WORDS, word);
            // `my kid's`, `this guy's`: a determiner comes before a noun, not a name.
            let determiner = ends_with_determiner(&text[..start], LOWER_DETERMINERS);
            if !determiner && (is_lower_name(dictionary, word) || (birthday && plausible)) {
                out.push(span(PhiType::Name, start, end, if birthday { 0.8 } else { 0.6 }, "name_lower_case"));
            }
        }
        return;
    }
    lower_trigger(dictionary, text, word, end, out);
}

/// Reports the lower-case name after the trigger `word` that ends at `end`.
fn lower_trigger(dictionary: &Dictionary, text: &str, word: &str, end: usize, out: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    // Every trigger word has at most six bytes and starts with a letter that
    // `is_trigger_initial` accepts, so most words leave here after two comparisons.
    if word.len() > 6 || !is_trigger_initial(bytes[end - word.len()]) {
        return;
    }
    let candidate = match word {
        "my" | "our" | "his" | "her" => {
            let Some(mut relative) = next_word(text, end) else {
                return;
            };
            if ["little", "big", "older", "younger", "best", "baby", "twin"].contains(&&text[relative.0..relative.1]) {
                let Some(next) = next_word(text, relative.1) else {
                    return;
                };
                relative = next;
            }
            if !lexicon::contains(PERSON_WORDS, &text[relative.0..relative.1]) {
                return;
            }
            next_word(text, relative.1)
        }
        // `it's eddie 😴` names a person, but `its sunny you are` describes a thing, so a name
        // after `it's` is followed by no other word except `again`, `calling`, `from`, `here`
        // or `speaking`.
        "it's" | "its" => next_word(text, end).filter(|&(_, name_end)| {
            next_word(text, name_end).is_none_or(|(next_start, next_end)| {
                let next = &text[next_start..next_end];
                !next.chars().all(char::is_alphabetic) || ["again", "calling", "from", "here", "speaking"].contains(&next)
            })
        }),
        "im" | "i'm" | "names" | "name's" => next_word(text, end),
        // A greeting before a name and a comma: `hey robert, sorry`.
        "hey" | "hi" | "hello" | "dear" | "thanks" | "thx" | "ty" | "bye" => next_word(text, end).filter(|&(_, name_end)| {
            let rest = &text[name_end..];
            rest.starts_with([',', '!', '.', '?']) || rest.is_empty() || next_word(text, name_end).is_some_and(|(_, second_end)| text[second_end..].starts_with(','))
        }),
        "name" | "this" | "i" | "call" => {
            let Some(verb) = next_word(text, end) else {
                return;
            };
            let expected = match word {
                "call" => "me",
                "i" => "am",
                _ => "is",
            };
            if &text[verb.0..verb.1] != expected {
                return;
            }
            next_word(text, verb.1)
        }
        _ => None,
    };
    let Some((name_start, name_end)) = candidate else {
        return;
    };
    // After `my sister`, `it's` or `hey`, a name is a dictionary first name or a word with
    // accented letters (`trọng`, `renée`) that is no ordinary word.
    let found = &text[name_start..name_end];
    let accepted = is_lower_name(dictionary, found) || is_unusual_word(dictionary, found);
    if !accepted {
        return;
    }
    // A second lower-case name word (`luiz felipe`) belongs to the same name.
    let mut full_end = name_end;
    if let Some((second_start, second_end)) = next_word(text, name_end).filter(|_| bytes[name_end] == b' ') {
        if is_lower_name(dictionary, &text[second_start..second_end]) {
            full_end = second_end;
        }
    }
    out.push(span(PhiType::Name, name_start, full_end, 0.75, "name_lower_case"));
}

/// Returns whether a lower-case word with a non-ASCII letter is in no ordinary-word list.
fn is_unusual_word(dictionary: &Dictionary, word: &str) -> bool {
    word.chars().count() >= 2
        && word.chars().all(char::is_lowercase)
        && !word.is_ascii()
        && !lexicon::contains(NOT_NAMES, word)
        && !lexicon::contains(PERSON_WORDS, word)
        && (!dictionary.contains(List::Safe, word) || dictionary.contains(List::First, word))
}

/// Reports a lower-case name that opens a chat message: `danilo came over`. A word joined to
/// what follows (`dev-intake-0001`, `dev_id`) opens an identifier, not a message.
fn opening_name(dictionary: &Dictionary, text: &str, out: &mut Vec<Found>) {
    let end = lower_word_end(text.as_bytes(), 0);
    let word = &text[..end];
    let ends_word = text[end..].chars().next().is_none_or(|next| next.is_whitespace() || ",;:!?".contains(next));
    if word.len() >= 3 && ends_word && is_lower_name(dictionary, word) {
        out.push(span(PhiType::Name, 0, end, 0.6, "name_lower_case"));
    }
}

/// The dictionary's verdict on one word.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Word {
    /// A first or last name and not a safe word.
    Name,
    /// Both a name and a safe word: `Hope`, `Will`, `Mark`.
    Ambiguous,
    /// A safe word only.
    Common,
    /// In no list: a rare name, a town, a brand or a typo.
    Unknown,
}

fn lookup(dictionary: Option<&Dictionary>, word: &str) -> Word {
    lookup_in_sets(dictionary, word, lexicon::sets(word))
}

/// Returns the verdict on `word`, whose word lists `sets` the caller has looked up already.
fn lookup_in_sets(dictionary: Option<&Dictionary>, word: &str, sets: lexicon::Sets) -> Word {
    // A title alone is an ordinary word: `the local Sheriff`.
    if sets.has(NOT_NAMES) || sets.has(MONTHS) || sets.has(STATE_NAMES) || sets.has(TITLES) || is_country(dictionary, word, sets) {
        return Word::Common;
    }
    let Some(dictionary) = dictionary else {
        return Word::Unknown;
    };
    // A compound with an ordinary word and no name (`Self-care`, `Counter-Dependency`) is an
    // ordinary word.
    if word.contains('-') {
        let parts: Vec<Word> = word.split('-').map(|part| lookup(Some(dictionary), part)).collect();
        if parts.contains(&Word::Common) && !parts.contains(&Word::Name) {
            return Word::Common;
        }
    }
    let Some(key) = Key::new(word) else {
        return Word::Unknown;
    };
    let safe = dictionary.contains_key(List::Safe, &key);
    let name = dictionary.contains_key(List::First, &key) || dictionary.contains_key(List::Last, &key);
    match (name, safe) {
        (true, false) => Word::Name,
        (true, true) => Word::Ambiguous,
        (false, true) => Word::Common,
        (false, false) => Word::Unknown,
    }
}

/// Returns whether `word`, whose word lists are `sets`, is a country or a state and not also a
/// first name (`Jordan`, `Israel`).
fn is_country(dictionary: Option<&Dictionary>, word: &str, sets: lexicon::Sets) -> bool {
    (sets.has(COUNTRY_NAMES) || sets.has(STATE_NAMES)) && !dictionary.is_some_and(|dictionary| dictionary.contains(List::First, word))
}

/// A word of a capitalised run.
#[derive(Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
}

/// Reads the capitalised run at `start`, reports what it is, and returns where scanning
/// continues.
fn run_at(dictionary: Option<&Dictionary>, text: &str, start: usize, scope: &Scope<'_>, language: &mut Language, out: &mut Vec<Found>) -> usize {
    let mut tokens = read_run(text, start);
    // Words glued to the next sentence (`Gary ChapmanAnd of course`) end at the inner capital,
    // and scanning continues there.
    if let Some(index) = tokens.iter().position(|token| glued_end(&text[token.start..token.end]).is_some()) {
        let token = &mut tokens.tokens[index];
        token.end = token.start + glued_end(&text[token.start..token.end]).unwrap_or(token.end - token.start);
        tokens.length = index + 1;
    }
    // A column of another type (`city`, `street`, `payer`) contains no names. Its own
    // recognizer or the whole-value rule reports it.
    if scope.field.is_some_and(|kind| kind != PhiType::Name) {
        return tokens.last().map_or(start + 1, |token| token.end);
    }
    let Some(last) = tokens.last() else {
        return start + 1;
    };
    let run_end = last.end;
    let word = |token: &Token| &text[token.start..token.end];
    // Each word's lists are looked up once and reused by the rules below.
    let mut sets_buffer = [lexicon::Sets::default(); MAX_RUN_WORDS];
    for (sets, token) in sets_buffer.iter_mut().zip(tokens.iter()) {
        *sets = lexicon::sets(word(token));
    }
    let token_sets = &sets_buffer[..tokens.len()];
    // Most capitalised words in prose open a sentence and are ordinary words: `The`,
    // `Sometimes`. A single one is no name unless a relative comes right before it and it
    // is no word of the scanner's own lists: `my friend Ana`.
    if tokens.len() == 1 {
        let single = word(&tokens[0]);
        let sets = token_sets[0];
        if lookup_in_sets(dictionary, single, sets) == Word::Common && !sets.has(COMMON_TOWNS) {
            let listed = [NOT_NAMES, MONTHS, STATE_NAMES, TITLES].into_iter().any(|set| sets.has(set));
            let before = super::before(text, start, 32);
            if listed || before.trim_end().ends_with(',') || !ends_with_person_word(before) {
                return run_end;
            }
        }
    }

    // Leading titles, role words and function words are context, not part of the name.
    let mut first = 0;
    let mut title = false;
    let mut person = false;
    while first < tokens.len() {
        let sets = token_sets[first];
        if sets.has(TITLES) && tokens.len() > first + 1 {
            title = true;
        } else if sets.has(PERSON_WORDS) {
            person = true;
        } else if sets.has(TOWN_PREFIXES) && first + 1 < tokens.len() {
            // `Los Angeles`, `Santa Fe`: the prefix belongs to the town.
            break;
        } else if !(sets.has(NOT_NAMES) || sets.has(MONTHS) || sets.has(PLACE_WORDS) || (sets.has(SPANISH) && language.is_spanish(text))) {
            break;
        }
        first += 1;
    }
    // Trailing credentials (`Arthur Gómez LCSW`), all-capital words and countries (`Toronto
    // Canada`) are not name words.
    let mut last_index = tokens.len();
    while last_index > first && (is_credential_or_acronym(word(&tokens[last_index - 1])) || token_sets[last_index - 1].has(NOT_NAMES)) {
        last_index -= 1;
    }
    if first >= last_index {
        return run_end;
    }
    let names = &tokens[first..last_index];
    let names_sets = &token_sets[first..last_index];
    let (span_start, span_end) = (names[0].start, names[names.len() - 1].end);
    // A state or territory (`Puerto Rico`) is no PHI, and an all-capital word inside a run
    // makes it the name of an organization or a title (`TED Talks`).
    if lexicon::contains(STATE_NAMES, &text[span_start..span_end]) || names.iter().any(|token| is_acronym(word(token))) {
        return run_end;
    }
    let lower_before = super::before(text, span_start, 32);
    let after = &text[span_end..];
    let sentence_start = is_sentence_start(text, tokens[0].start) && first == 0;

    title |= ends_with_title(lower_before);
    person |= ends_with_person_word(lower_before);
    let intro_phrase = INTROS.iter().find(|intro| ends_with_ignore_case(lower_before, intro));
    let credential = credential_after(after);
    // Possessives: `Ana's`, and `Agnès' apartment` after a final `s`.
    let possessive = (after.starts_with("'s") && !after[2..].starts_with(|c: char| c.is_alphanumeric())) || (after.starts_with("' ") && text[..span_end].ends_with('s'));
    let vocative = (lower_before.ends_with(", ") || GREETINGS.iter().any(|greeting| ends_with_ignore_case(lower_before, greeting)))
        && (after.is_empty() || after.starts_with(['.', ',', '!', '?', ';']));
    let state_after = state_after(after);
    // A place word counts only inside the sentence: `come in. Mantras can help` has none.
    let place_before = lower_before.ends_with(' ') && lower_before.trim_end_matches(' ').ends_with(char::is_alphabetic) && lexicon::contains(PLACE_WORDS, last_word(lower_before));

    let mut kinds_buffer = [Word::Unknown; MAX_RUN_WORDS];
    let mut words_buffer = [""; MAX_RUN_WORDS];
    for (((kind, name_word), token), sets) in kinds_buffer.iter_mut().zip(&mut words_buffer).zip(names).zip(names_sets) {
        *name_word = word(token);
        *kind = lookup_in_sets(dictionary, name_word, *sets);
    }
    let kinds = &kinds_buffer[..names.len()];
    let words = &words_buffer[..names.len()];
    let any_name = kinds.contains(&Word::Name);
    // A surname can be an ordinary word (`Ali`, `Lee`, `Young`) after a first name.
    let first_is_name = kinds[0] == Word::Name || (kinds[0] == Word::Unknown && !word(&names[0]).is_ascii());
    let checked_kinds = if first_is_name && kinds.len() >= 2 { &kinds[..kinds.len() - 1] } else { kinds };
    let all_plausible = checked_kinds.iter().all(|kind| *kind != Word::Common);
    // `called` and `named` also introduce things: `an app called Self-Help`, `a website
    // called Psychology Today`. Before ordinary words they are no name context.
    let intro = intro_phrase.is_some_and(|phrase| !(matches!(*phrase, "called " | "named ") && kinds.contains(&Word::Common)));
    // Organizations end with a word such as `Project`, `Helpline` or `Mutual`.
    if names_sets[names.len() - 1].has(ORGANIZATION_ENDINGS) {
        return run_end;
    }
    let townish = is_townish(words, kinds);

    // Towns: before a state, or after a place word when the run looks like a town name.
    // `Hi Baton Rouge,`: an asker signed with a place is addressed by it.
    let place_shape = is_place_shape(words);
    // A word of a title after a place word is no town: `A Guide to Polyamory`.
    let title_word = in_title(dictionary, text, span_start);
    // A text that opens with a place and a comma addresses a person by their town:
    // `Oak Harbor, I believe`.
    let opening_place = sentence_start && after.starts_with(',') && names.len() >= 2 && place_shape;
    // Spanish text puts `en` or `de` before a place: `el este de Houston`.
    let spanish_place = place_shape && lower_before.ends_with(' ') && ["de", "desde", "en"].contains(&last_word(lower_before)) && language.is_spanish(text);
    let town_context = state_after || (place_before && townish && !title_word) || (vocative && place_shape) || opening_place || spanish_place;
    if !title && !person && !intro && !credential && town_context && !is_state(text, span_start, span_end) {
        let confidence = if state_after { 0.85 } else { 0.75 };
        out.push(span(PhiType::City, span_start, span_end, confidence, "town"));
        return run_end;
    }
    let field_name = scope.field == Some(PhiType::Name);
    let strong = title || person || intro || credential || field_name;
    let confidence = if strong && !names_sets[0].has(NOT_NAMES) {
        if title || credential { 0.95 } else { 0.9 }
    } else if !all_plausible {
        return run_end;
    } else if names.len() >= 2 && (any_name || first_is_name || kinds.iter().filter(|kind| **kind == Word::Unknown).count() == names.len() && !sentence_start && !language.is_spanish(text)) {
        if kinds.iter().all(|kind| *kind == Word::Ambiguous) { 0.45 } else { 0.85 }
    } else if names.len() == 1 && kinds[0] == Word::Unknown && !word(&names[0]).is_ascii() && !place_before && !sentence_start && !language.is_spanish(text) {
        // A capitalised word with accented letters inside an English sentence.
        0.6
    } else if possessive || vocative {
        match kinds[0] {
            Word::Name => 0.85,
            Word::Unknown => 0.7,
            _ => 0.5,
        }
    } else if names.len() == 1 && kinds[0] == Word::Name {
        // A lone name opening a sentence, or after `to` or `in`, is as often a capitalised
        // word or a place, unless it is a first name.
        let first_name = word(&names[0]).len() >= 3 && dictionary.is_some_and(|dictionary| dictionary.contains(List::First, word(&names[0])));
        // An imperative opens a sentence the same way: `Hang in there`, `Honour this`.
        let imperative = next_word(text, span_end).is_some_and(|(next_start, next_end)| IMPERATIVE_OBJECTS.contains(&&text[next_start..next_end]));
        match (sentence_start || place_before, first_name && !imperative) {
            (false, _) => 0.75,
            (true, true) => 0.6,
            (true, false) => 0.45,
        }
    } else {
        return run_end;
    };
    if names.len() == 1 && word(&names[0]).chars().count() < 2 {
        return run_end;
    }
    // A single word that the text also uses in lower case is an ordinary word (`Love doesn't
    // hurt ... love is`), and so is one after a determiner (`a Christian`, `the local
    // Sheriff`), an abstract noun (`Honesty`, `Freedom`), a capitalised word of a title
    // (`A Guide to Love`) and a word opening a sentence of Spanish text (`Necesito ayuda`).
    if names.len() == 1 && !strong && confidence < 0.9 {
        let single = word(&names[0]);
        let determiner = ends_with_determiner(&text[..span_start], ARTICLES);
        let spanish_opening = sentence_start && language.is_spanish(text);
        if determiner || is_abstract_noun(single) || spanish_opening || in_title(dictionary, text, span_start) || has_lower_case_word(text, single) {
            return run_end;
        }
    }
    out.push(span(PhiType::Name, span_start, span_end, confidence, "name"));
    run_end
}

/// The language of a whole text, worked out on first use so that each text is read once.
#[derive(Default)]
struct Language {
    spanish: Option<bool>,
}

impl Language {
    /// Returns whether `text` reads as Spanish: at least three of its words, and at least
    /// one word in six, are frequent Spanish words.
    fn is_spanish(&mut self, text: &str) -> bool {
        *self.spanish.get_or_insert_with(|| {
            let mut words = 0;
            let mut spanish = 0;
            for part in text.split(|c: char| !c.is_alphabetic()).filter(|part| !part.is_empty()) {
                words += 1;
                if lexicon::contains(SPANISH, part) {
                    spanish += 1;
                }
            }
            spanish >= 3 && spanish * 6 >= words
        })
    }
}

/// Returns whether `text` contains `word` in lower case as a whole word: a run of letters and
/// apostrophes, all lower case, between characters that are neither.
fn has_lower_case_word(text: &str, word: &str) -> bool {
    let lower = word.to_lowercase();
    if lower == word || !lower.chars().all(char::is_lowercase) {
        return false;
    }
    // Every character of `lower` is a lower-case letter, so an occurrence is a whole word when
    // the characters on both sides are not letters or apostrophes.
    let joins = |c: char| c.is_alphabetic() || c == '\'';
    memchr::memmem::find_iter(text.as_bytes(), lower.as_bytes()).any(|start| {
        let end = start + lower.len();
        !text[..start].chars().next_back().is_some_and(joins) && !text[end..].chars().next().is_some_and(joins)
    })
}

/// The maximum number of words in a capitalised run.
const MAX_RUN_WORDS: usize = 5;

/// The words of a capitalised run, kept on the stack because every capitalised word in a text
/// starts one.
struct Run {
    tokens: [Token; MAX_RUN_WORDS],
    length: usize,
}

impl Run {
    fn push(&mut self, token: Token) {
        self.tokens[self.length] = token;
        self.length += 1;
    }
}

impl std::ops::Deref for Run {
    type Target = [Token];

    fn deref(&self) -> &[Token] {
        &self.tokens[..self.length]
    }
}

/// Reads up to five capitalised words from `start`, joined by single spaces, initials
/// (`Carolyn G. Jordan`), particles (`de la`) and hyphens or apostrophes inside a word.
fn read_run(text: &str, start: usize) -> Run {
    let bytes = text.as_bytes();
    let mut tokens = Run { tokens: [Token { start: 0, end: 0 }; MAX_RUN_WORDS], length: 0 };
    let mut index = start;
    while tokens.len() < MAX_RUN_WORDS && index < bytes.len() && upper_at(text, index) {
        let end = word_end(text, index);
        if end == index {
            break;
        }
        tokens.push(Token { start: index, end });
        let mut next = end;
        // An initial or a title with its period: `G.`, `Dr.`.
        if bytes.get(next) == Some(&b'.') && (end - index <= 2 || lexicon::contains(TITLES, &text[index..end])) {
            next += 1;
        }
        let spaces = text[next..].bytes().take_while(|byte| *byte == b' ').count();
        if spaces == 0 || spaces > 2 {
            break;
        }
        next += spaces;
        // Particles between name words.
        let mut probe = next;
        for _ in 0..2 {
            let particle_end = word_end(text, probe);
            let particle = particle_end > probe && particle_end - probe <= lexicon::MAX_PARTICLE_BYTES && bytes.get(particle_end) == Some(&b' ');
            if particle && text[probe..].starts_with(|c: char| c.is_lowercase()) && lexicon::contains(PARTICLES, &text[probe..particle_end]) {
                probe = particle_end + 1;
            } else {
                break;
            }
        }
        if probe < bytes.len() && upper_at(text, probe) {
            index = probe;
        } else if next < bytes.len() && upper_at(text, next) {
            index = next;
        } else {
            break;
        }
    }
    tokens
}

/// Returns the end of the word at `start`: letters, with inner hyphens and apostrophes
/// (`Ann-Marie`, `O'Brien`) but not a possessive `'s`.
fn word_end(text: &str, start: usize) -> usize {
    // ASCII letters are read byte by byte. Only a word that goes on with another character
    // (a hyphen, an apostrophe or a non-ASCII letter) takes the character loop below.
    let bytes = text.as_bytes();
    let mut end = start + bytes[start..].iter().take_while(|byte| byte.is_ascii_alphabetic()).count();
    if !bytes.get(end).is_some_and(|byte| !byte.is_ascii() || *byte == b'-' || *byte == b'\'') {
        return end;
    }
    let from = end;
    let mut chars = text[from..].char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        if c.is_alphabetic() {
            end = from + offset + c.len_utf8();
            continue;
        }
        if c == '-' || c == '\'' {
            let next = chars.peek().map(|&(_, next)| next);
            let possessive = c == '\'' && next == Some('s') && !text[from + offset + 2..].starts_with(char::is_alphabetic);
            if next.is_some_and(char::is_alphabetic) && !possessive {
                continue;
            }
        }
        break;
    }
    end
}

fn is_acronym(word: &str) -> bool {
    word.len() >= 2 && word.bytes().all(|byte| byte.is_ascii_uppercase())
}

/// Returns the offset of a capital after three lower-case letters in `word`, where two
/// words are glued (`ChapmanAnd`, `CounselChat`). Names and towns have none: `McAllen` and
/// `DeKalb` have a capital after a short prefix.
fn glued_end(word: &str) -> Option<usize> {
    let mut lower_run = 0;
    for (offset, c) in word.char_indices() {
        if c.is_uppercase() && lower_run >= 3 {
            return Some(offset);
        }
        lower_run = if c.is_lowercase() { lower_run + 1 } else { 0 };
    }
    None
}

/// Articles before a capitalised word that make it a thing: `a Christian`, `the Courts`.
/// `that` and `this` are left out because they also open a clause: `so that Ana can`.
const ARTICLES: &[&str] = &["a", "an", "every", "the", "these", "those"];

/// Determiners before a lower-case possessive that make it a noun: `my kid's`, `this guy's`.
const LOWER_DETERMINERS: &[&str] = &["a", "an", "every", "her", "his", "my", "our", "that", "the", "their", "these", "this", "those", "your"];

/// Returns whether `before` ends with one of `determiners` and a space, or with `a` or `an`,
/// one lower-case word and a space: `a pink Barbie`.
fn ends_with_determiner(before: &str, determiners: &[&str]) -> bool {
    let Some(rest) = before.strip_suffix(' ') else {
        return false;
    };
    let (rest, last) = split_last_word(rest);
    if last.is_empty() {
        return false;
    }
    let lower = last.to_ascii_lowercase();
    if determiners.contains(&lower.as_str()) && !rest.ends_with(char::is_alphanumeric) {
        return true;
    }
    if !last.chars().all(char::is_lowercase) {
        return false;
    }
    let Some(rest) = rest.strip_suffix(' ') else {
        return false;
    };
    let (rest, second) = split_last_word(rest);
    ["a", "an"].iter().any(|article| second.eq_ignore_ascii_case(article)) && !rest.ends_with(char::is_alphanumeric)
}

/// Splits `text` before its last run of letters.
fn split_last_word(text: &str) -> (&str, &str) {
    let start = text.char_indices().rev().take_while(|(_, c)| c.is_alphabetic()).last().map_or(text.len(), |(index, _)| index);
    text.split_at(start)
}

/// Returns whether a word is an abstract noun or a gerund by its ending: `Happiness`,
/// `Freedom`, `Honesty`, `Empathizing`. The stem before the ending has at least three
/// letters, five before `ing`, so `King`, `Fleming` and `Manning` stay names.
fn is_abstract_noun(word: &str) -> bool {
    const ENDINGS: &[&str] = &["ality", "alty", "dom", "esty", "ful", "hood", "iety", "ism", "ivity", "less", "ment", "ness", "ship", "sion", "tion"];
    if !word.is_ascii() {
        return false;
    }
    let lower = word.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix("ing") {
        return stem.len() >= 5;
    }
    ENDINGS.iter().any(|ending| lower.strip_suffix(ending).is_some_and(|stem| stem.len() >= 3))
}

/// Returns whether the word at `start` continues a title in title case: the nearest word
/// before it, past short function words, is a capitalised ordinary word inside a sentence
/// (`Integrative Guide to Love`, `A Lifetime of Love`).
fn in_title(dictionary: Option<&Dictionary>, text: &str, start: usize) -> bool {
    const SMALL_WORDS: &[&str] = &["a", "an", "at", "for", "from", "in", "of", "on", "the", "to", "with"];
    let mut rest = &text[..start];
    for skipped in 0..3 {
        let Some(trimmed) = rest.strip_suffix(' ') else {
            return false;
        };
        let (before, word) = split_last_word(trimmed);
        if word.is_empty() {
            return false;
        }
        if SMALL_WORDS.contains(&word) {
            rest = before;
            continue;
        }
        // A capitalised word right before belongs to the same run: `April Richardson`.
        let capitalised = skipped > 0 && word.starts_with(|c: char| c.is_uppercase());
        let inside_sentence = !is_sentence_start(text, before.len());
        let ordinary = matches!(lookup(dictionary, word), Word::Common | Word::Ambiguous) && !lexicon::contains(NOT_NAMES, word) && !lexicon::contains(PERSON_WORDS, word) && !lexicon::contains(TITLES, word);
        return capitalised && inside_sentence && ordinary;
    }
    false
}

fn is_credential_or_acronym(word: &str) -> bool {
    lexicon::contains(CREDENTIALS, word) && word.bytes().filter(u8::is_ascii_uppercase).count() >= 2 || is_acronym(word)
}

/// Returns the ASCII letters that `text` starts with.
fn ascii_letters_at(text: &str) -> &str {
    &text[..text.bytes().take_while(u8::is_ascii_alphabetic).count()]
}

fn credential_after(after: &str) -> bool {
    let rest = after.strip_prefix(", ").or_else(|| after.strip_prefix(' ')).unwrap_or("");
    let word = ascii_letters_at(rest);
    word.len() >= 2 && word.bytes().filter(u8::is_ascii_uppercase).count() >= 2 && lexicon::contains(CREDENTIALS, word)
}

fn state_after(after: &str) -> bool {
    let Some(rest) = after.strip_prefix(", ").or_else(|| after.strip_prefix(' ')) else {
        return false;
    };
    let code = ascii_letters_at(rest);
    if code.len() == 2 && code.bytes().all(|byte| byte.is_ascii_uppercase()) && lexicon::contains(STATE_CODES, code) {
        return !rest[2..].starts_with(|c: char| c.is_alphanumeric());
    }
    if !after.starts_with(", ") || !code.starts_with(|c: char| c.is_ascii_uppercase()) {
        return false;
    }
    if lexicon::contains(STATE_NAMES, code) {
        return true;
    }
    let two: String = rest.split(' ').take(2).collect::<Vec<_>>().join(" ");
    let two = two.trim_end_matches(|c: char| !c.is_ascii_alphabetic());
    lexicon::contains(STATE_NAMES, two)
}

fn is_state(text: &str, start: usize, end: usize) -> bool {
    let value = &text[start..end];
    // `Lebanon` is a country and a common US town name, so it stays a town.
    lexicon::contains(STATE_NAMES, value) || (super::town::is_country_or_state(value) && !lexicon::contains(COMMON_TOWNS, value))
}

/// Returns whether a run is a place by its words alone: a known town or city, a town prefix or ending,
/// or a geographic word (`Oak Harbor`, `Chapel Hill`).
fn is_place_shape(words: &[&str]) -> bool {
    let Some(last) = words.last() else {
        return false;
    };
    let lower = last.to_lowercase();
    let ending = TOWN_ENDINGS_WORDS.iter().any(|ending| lower.len() > ending.len() + 2 && lower.ends_with(ending));
    let geographic = words.len() >= 2 && ["harbor", "hill", "hills", "city", "beach", "springs", "valley", "park", "falls", "heights", "bay", "island", "rouge", "river", "creek", "grove", "ridge"].contains(&lower.as_str());
    ending || geographic || (words.len() >= 2 && lexicon::contains(TOWN_PREFIXES, words[0])) || (words.len() == 1 && lexicon::contains(COMMON_TOWNS, last))
}

/// Town names by shape: `Jenkinsberg`, `South Danielhaven`, `Lake Donald`, `Springfield`.
fn is_townish(words: &[&str], kinds: &[Word]) -> bool {
    let Some(last) = words.last() else {
        return false;
    };
    let lower = last.to_lowercase();
    let ending = TOWN_ENDINGS_WORDS.iter().any(|ending| lower.len() > ending.len() + 2 && lower.ends_with(ending));
    let prefix = words.len() >= 2 && lexicon::contains(TOWN_PREFIXES, words[0]);
    let common = words.len() == 1 && lexicon::contains(COMMON_TOWNS, last);
    let unknown = kinds.iter().all(|kind| *kind == Word::Unknown);
    let plausible = kinds.iter().all(|kind| *kind != Word::Common);
    ending || prefix || common || (unknown && words.len() == 1) || (words.len() >= 2 && plausible && kinds.contains(&Word::Unknown))
}

/// Returns whether `text` ends with the lower-case ASCII `suffix`, ignoring ASCII case.
fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len() && text.as_bytes()[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Returns the last word of `text` before trailing spaces, periods and commas.
fn last_word(text: &str) -> &str {
    let trimmed = text.trim_end_matches([' ', '.', ',']);
    let start = trimmed.rfind(|c: char| !c.is_alphabetic()).map_or(0, |index| index + trimmed[index..].chars().next().map_or(1, char::len_utf8));
    &trimmed[start..]
}

fn ends_with_title(before: &str) -> bool {
    let word = last_word(before);
    // Only an abbreviated title takes a period: `Dr. Ruiz`, but `you might miss. Hope`.
    let period = before.trim_end().ends_with('.');
    let abbreviated = ["det", "dr", "mr", "mrs", "ms", "mx", "prof", "rev", "sgt"].iter().any(|title| word.eq_ignore_ascii_case(title));
    before.ends_with(' ') && lexicon::contains(TITLES, word) && !word.eq_ignore_ascii_case("sister") && (!period || abbreviated)
}

fn ends_with_person_word(before: &str) -> bool {
    before.ends_with(' ') && !before.trim_end().ends_with('.') && lexicon::contains(PERSON_WORDS, last_word(before))
}

fn is_sentence_start(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', '"', '\'', '(', '*', '-']);
    match before.chars().next_back() {
        None => true,
        Some(c) => matches!(c, '.' | '!' | '?' | ':' | '\n' | '\r' | '\t' | '|') || !c.is_ascii(),
    }
}

/// Reports the town after a street line: `, Ashland, IL`, ` Georgetown, FL`.
pub(super) fn town_after(text: &str, street_end: usize, out: &mut Vec<Found>) {
    let rest = &text[street_end..];
    let skip = if rest.starts_with(", ") { 2 } else if rest.starts_with(' ') { 1 } else { return };
    let start = street_end + skip;
    if !upper_at(text, start) {
        return;
    }
    let tokens = read_run(text, start);
    let Some(last) = tokens.get(tokens.len().min(3).wrapping_sub(1)) else {
        return;
    };
    let end = last.end;
    if lexicon::contains(STATE_NAMES, &text[start..end]) || (end - start == 2 && lexicon::contains(STATE_CODES, &text[start..end])) {
        return;
    }
    if state_after(&text[end..]) {
        out.push(span(PhiType::City, start, end, 0.9, "town"));
    } else if skip == 2 && (text[end..].is_empty() || text[end..].starts_with(['.', ';', '\n'])) {
        // `... at 16 Holly Cir, Port Megan.`: a town closing the sentence after the street.
        out.push(span(PhiType::City, start, end, 0.75, "town"));
    }
}

/// Returns the bounds of the name in a name column's value without a leading title and
/// trailing credentials: `Dr. Ana Ruiz, PhD` gives `Ana Ruiz`.
pub(super) fn strip_title_and_credentials(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    let value = &text[start..end];
    let first_end = value.find([' ', '.']).unwrap_or(value.len());
    if first_end < value.len() && lexicon::contains(TITLES, &value[..first_end]) {
        start += first_end;
        start += text[start..end].len() - text[start..end].trim_start_matches(['.', ' ']).len();
    }
    loop {
        let value = &text[start..end];
        let Some(cut) = value.rfind([',', ' ']) else {
            break;
        };
        let last = value[cut + 1..].trim_end_matches('.');
        if is_credential_or_acronym(last) && lexicon::contains(CREDENTIALS, last) {
            end = start + value[..cut].trim_end_matches([',', ' ']).len();
        } else {
            break;
        }
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_case_word_is_whole_word() {
        assert!(has_lower_case_word("Love hurts, but love is patient.", "Love"));
        assert!(!has_lower_case_word("Love is lovely.", "Love"));
        assert!(!has_lower_case_word("Love and love's labour.", "Love"));
        assert!(!has_lower_case_word("Love and glove.", "Love"));
        assert!(!has_lower_case_word("love only", "love"));
        assert!(has_lower_case_word("Renée, and renée again", "Renée"));
    }

    #[test]
    fn word_end_reads_inner_marks() {
        assert_eq!(word_end("Ann-Marie left", 0), 9);
        assert_eq!(word_end("O'Brien's car", 0), 7);
        assert_eq!(word_end("Gómez, Ana", 0), 6);
        assert_eq!(word_end("Jo- and", 0), 2);
    }
}
