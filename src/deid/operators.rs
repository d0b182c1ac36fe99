//! De-identification operators: what replaces a found identifier.
//!
//! Each [`PhiType`] gets one [`Operator`]. The keyed operators (`hash`, `pseudonym`,
//! `surrogate`, `shift`) derive their output from HMAC-SHA-256 under a per-dataset [`Key`], so
//! the same input gives the same output in every file redacted with that key. Without the key,
//! an output cannot be linked back to its input by trying candidates.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::dates;
use crate::error::{Error, ErrorCode};
use crate::phi::PhiType;

/// Length of a de-identification key in bytes.
pub const KEY_LEN: usize = 32;

/// A per-dataset de-identification key for the keyed operators.
///
/// The bytes are zeroized on drop and `Debug` shows no key material.
#[derive(Clone)]
pub struct Key(Zeroizing<[u8; KEY_LEN]>);

impl Key {
    /// Creates a key from exactly [`KEY_LEN`] bytes.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidKey`] when `bytes` is not 32 bytes long.
    pub fn from_bytes(bytes: &[u8]) -> Result<Key, Error> {
        let array: [u8; KEY_LEN] = bytes.try_into().map_err(|_| {
            Error::new(ErrorCode::InvalidKey, format!("a de-identification key must be {KEY_LEN} bytes"))
                .with_subject("key")
        })?;
        Ok(Key(Zeroizing::new(array)))
    }

    /// Creates a key from a key file's content: 32 raw bytes, or 64 hex digits with optional
    /// surrounding whitespace.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidKey`] when the content is neither.
    pub fn from_file_content(content: &[u8]) -> Result<Key, Error> {
        if content.len() == KEY_LEN {
            return Key::from_bytes(content);
        }
        let trimmed = content.trim_ascii();
        if trimmed.len() == KEY_LEN * 2 {
            let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
            for (slot, pair) in bytes.iter_mut().zip(trimmed.chunks_exact(2)) {
                match (hex_digit(pair[0]), hex_digit(pair[1])) {
                    (Some(high), Some(low)) => *slot = high << 4 | low,
                    _ => return Err(key_file_error()),
                }
            }
            return Key::from_bytes(&bytes[..]);
        }
        Err(key_file_error())
    }

    /// Returns HMAC-SHA-256 under this key of the parts, each preceded by its length so that
    /// no two part lists give the same message.
    pub(crate) fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0[..]).expect("HMAC takes a key of any length");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Key(..)")
    }
}

fn key_file_error() -> Error {
    Error::new(ErrorCode::InvalidKey, "a key file must hold 32 raw bytes or 64 hex digits").with_subject("key")
}

fn hex_digit(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|digit| digit as u8)
}

/// The replacement rule for one identifier type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    /// The type tag in brackets, such as `[NAME]`.
    Tag,
    /// Every letter and digit becomes `*`; spaces and punctuation stay, so the shape stays.
    Mask,
    /// The empty string.
    Remove,
    /// 16 hex digits of HMAC-SHA-256 of the exact text.
    Hash,
    /// A stable code per type and normalized text, such as `NAME-K7Q2FD`.
    Pseudonym,
    /// A realistic fake value of the same shape: names from a list, digits for digits,
    /// letters for letters, a shifted date in the same format.
    Surrogate,
    /// For dates: moved by a number of days derived from the subject, so intervals between a
    /// subject's dates stay the same. Other types, and text that is not a date this parser
    /// reads, get the type tag.
    Shift,
    /// The text unchanged. The report still counts what was found.
    Keep,
}

impl Operator {
    /// Every operator, in the order of [`Operator::name`]'s table.
    pub const ALL: [Operator; 8] = [
        Operator::Tag,
        Operator::Mask,
        Operator::Remove,
        Operator::Hash,
        Operator::Pseudonym,
        Operator::Surrogate,
        Operator::Shift,
        Operator::Keep,
    ];

    /// Returns the operator's name as used in `TYPE=OPERATOR` settings.
    pub fn name(self) -> &'static str {
        match self {
            Operator::Tag => "tag",
            Operator::Mask => "mask",
            Operator::Remove => "remove",
            Operator::Hash => "hash",
            Operator::Pseudonym => "pseudonym",
            Operator::Surrogate => "surrogate",
            Operator::Shift => "shift",
            Operator::Keep => "keep",
        }
    }

    /// Returns the operator for a name, matching exactly.
    pub fn from_name(name: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|operator| operator.name() == name)
    }

    /// Returns `true` for operators that need a [`Key`].
    pub fn is_keyed(self) -> bool {
        matches!(self, Operator::Hash | Operator::Pseudonym | Operator::Surrogate | Operator::Shift)
    }
}

/// The operator for each type and the field that names a record's subject.
///
/// The default replaces every type with its tag and has no subject field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operators {
    by_type: [Operator; PhiType::ALL.len()],
    /// The CSV column or JSON key whose value identifies the person a record is about. Date
    /// shifting uses one offset per subject.
    pub subject_field: Option<String>,
}

impl Default for Operators {
    fn default() -> Self {
        Operators { by_type: [Operator::Tag; PhiType::ALL.len()], subject_field: None }
    }
}

impl Operators {
    /// Returns the operator for `kind`.
    pub fn get(&self, kind: PhiType) -> Operator {
        self.by_type[type_index(kind)]
    }

    /// Sets the operator for `kind`.
    pub fn set(&mut self, kind: PhiType, operator: Operator) {
        self.by_type[type_index(kind)] = operator;
    }

    /// Applies one `TYPE=OPERATOR` setting, such as `NAME=pseudonym`. `*=OPERATOR` sets every
    /// type.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidOptions`] for an unknown type or operator, or a missing `=`.
    pub fn apply_setting(&mut self, setting: &str) -> Result<(), Error> {
        let Some((kind, operator)) = setting.split_once('=') else {
            return Err(Error::new(
                ErrorCode::InvalidOptions,
                "an operator setting must have the form TYPE=OPERATOR, such as NAME=pseudonym",
            )
            .with_subject("operator"));
        };
        self.assign(kind.trim(), operator.trim())
    }

    /// Reads operators from JSON: an object from type code (or `*`) to operator name, such as
    /// `{"NAME": "pseudonym", "DATE": "shift"}`. Later members win, so `*` comes first.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidOptions`] when the JSON is not such an object or names an unknown
    /// type or operator.
    pub fn from_json(json: &str) -> Result<Operators, Error> {
        let not_an_object = || {
            Error::new(ErrorCode::InvalidOptions, "operators must be a JSON object from type code to operator name")
                .with_subject("operators")
        };
        let members: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(json).map_err(|_| not_an_object())?;
        let mut operators = Operators::default();
        for (kind, operator) in &members {
            let operator = operator.as_str().ok_or_else(not_an_object)?;
            operators.assign(kind, operator)?;
        }
        Ok(operators)
    }

    fn assign(&mut self, kind: &str, operator: &str) -> Result<(), Error> {
        let operator = Operator::from_name(operator).ok_or_else(|| {
            let names: Vec<_> = Operator::ALL.iter().map(|operator| operator.name()).collect();
            Error::new(ErrorCode::InvalidOptions, format!("unknown operator; expected one of {}", names.join(", ")))
                .with_subject("operator")
        })?;
        if kind == "*" {
            self.by_type = [operator; PhiType::ALL.len()];
            return Ok(());
        }
        let kind = PhiType::from_code(kind).ok_or_else(|| {
            Error::new(ErrorCode::InvalidOptions, "unknown type code; expected a code such as NAME, DATE or SSN, or *")
                .with_subject("operator")
        })?;
        self.set(kind, operator);
        Ok(())
    }

    /// Returns `true` when some type uses an operator that needs a [`Key`].
    pub fn needs_key(&self) -> bool {
        self.by_type.iter().any(|operator| operator.is_keyed())
    }
}

fn type_index(kind: PhiType) -> usize {
    PhiType::ALL.iter().position(|&other| other == kind).unwrap_or(0)
}

/// Computes replacements under one set of operators and an optional key.
#[derive(Debug)]
pub(crate) struct Replacer {
    operators: Operators,
    key: Option<Key>,
}

impl Replacer {
    /// Checks that a key is present when an operator needs one.
    pub(crate) fn new(operators: Operators, key: Option<Key>) -> Result<Replacer, Error> {
        if operators.needs_key() && key.is_none() {
            return Err(Error::new(
                ErrorCode::InvalidKey,
                "the hash, pseudonym, surrogate and shift operators need a 32-byte key; pass one",
            )
            .with_subject("key"));
        }
        Ok(Replacer { operators, key })
    }

    pub(crate) fn operators(&self) -> &Operators {
        &self.operators
    }

    /// Returns the replacement for `text` of type `kind`. `subject` identifies the person the
    /// record is about, for date shifting; `None` shifts by the dataset's offset.
    pub(crate) fn replace(&self, kind: PhiType, text: &str, subject: Option<&str>) -> String {
        let operator = self.operators.get(kind);
        let key = match (&self.key, operator.is_keyed()) {
            (Some(key), true) => key,
            (None, true) => return tag(kind),
            _ => return replace_unkeyed(operator, kind, text),
        };
        match operator {
            Operator::Hash => hex(&key.mac(&[b"hash", kind.code().as_bytes(), text.as_bytes()])[..8]),
            Operator::Pseudonym => pseudonym(key, kind, text),
            Operator::Surrogate if kind == PhiType::Date => shift_date(key, text, subject),
            Operator::Surrogate => surrogate(key, kind, text),
            Operator::Shift if kind == PhiType::Date => shift_date(key, text, subject),
            _ => tag(kind),
        }
    }
}

fn replace_unkeyed(operator: Operator, kind: PhiType, text: &str) -> String {
    match operator {
        Operator::Mask => text.chars().map(|c| if c.is_alphanumeric() { '*' } else { c }).collect(),
        Operator::Remove => String::new(),
        Operator::Keep => text.to_owned(),
        _ => tag(kind),
    }
}

fn tag(kind: PhiType) -> String {
    format!("[{}]", kind.code())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Case-folds and collapses whitespace, so `Eddie  Moore` and `EDDIE MOORE` are one person.
fn normalize(text: &str) -> String {
    text.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// Crockford's base32 alphabet: no I, L, O or U, so codes read back without confusion.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn pseudonym(key: &Key, kind: PhiType, text: &str) -> String {
    let digest = key.mac(&[b"pseudonym", kind.code().as_bytes(), normalize(text).as_bytes()]);
    let code: String = digest[..6].iter().map(|byte| char::from(CODE_ALPHABET[usize::from(byte % 32)])).collect();
    format!("{}-{code}", kind.code())
}

fn shift_date(key: &Key, text: &str, subject: Option<&str>) -> String {
    let days = shift_days(key, subject);
    dates::shift(text, days).unwrap_or_else(|| tag(PhiType::Date))
}

/// Largest date shift in days, in either direction. A shift is never 0.
pub const MAX_SHIFT_DAYS: i64 = 365;

/// Returns the shift for a subject: from -365 to 365 days, never 0, from HMAC(key, subject).
/// Without a subject, every date of the dataset moves by one offset.
pub(crate) fn shift_days(key: &Key, subject: Option<&str>) -> i64 {
    let digest = match subject {
        Some(subject) => key.mac(&[b"date shift", subject.trim().as_bytes()]),
        None => key.mac(&[b"date shift without subject"]),
    };
    let raw = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    let magnitude = 1 + i64::from(raw >> 1) % MAX_SHIFT_DAYS;
    if raw & 1 == 0 {
        magnitude
    } else {
        -magnitude
    }
}

/// A stream of keyed bytes: HMAC(key, label, counter) blocks.
struct KeyedBytes<'k> {
    key: &'k Key,
    label: Vec<u8>,
    block: [u8; 32],
    used: usize,
    counter: u64,
}

impl<'k> KeyedBytes<'k> {
    fn new(key: &'k Key, parts: &[&[u8]]) -> Self {
        let mut label = Vec::new();
        for part in parts {
            label.extend_from_slice(&(part.len() as u64).to_be_bytes());
            label.extend_from_slice(part);
        }
        KeyedBytes { key, label, block: [0; 32], used: 32, counter: 0 }
    }

    fn next(&mut self, below: u32) -> u32 {
        if self.used + 4 > self.block.len() {
            self.block = self.key.mac(&[b"surrogate", &self.label, &self.counter.to_be_bytes()]);
            self.counter += 1;
            self.used = 0;
        }
        let bytes = &self.block[self.used..self.used + 4];
        self.used += 4;
        u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) % below.max(1)
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.next(list.len() as u32) as usize]
    }
}

/// Invented-sounding but ordinary names, given and family mixed: a surrogate token does not
/// reveal whether the original was a given or a family name.
const NAMES: [&str; 40] = [
    "Avery", "Blake", "Carter", "Dana", "Ellis", "Finley", "Gray", "Harper", "Indra", "Jordan", "Kendall",
    "Lane", "Morgan", "Noel", "Oakley", "Parker", "Quinn", "Reese", "Sawyer", "Tatum", "Adler", "Brennan",
    "Castillo", "Dunmore", "Eastwick", "Fairbanks", "Galloway", "Holloway", "Iverson", "Jessup", "Kearney",
    "Lindqvist", "Marlowe", "Northcott", "Okafor", "Pemberton", "Rasmussen", "Stanhope", "Thornbury", "Whitlock",
];

const STREETS: [&str; 12] = [
    "Maple", "Cedar", "Willow", "Harbor", "Orchard", "Meadow", "Ridge", "Lakeview", "Juniper", "Aspen",
    "Summit", "Birchwood",
];

const STREET_SUFFIXES: [&str; 6] = ["St", "Ave", "Rd", "Ln", "Dr", "Ct"];

const CITIES: [&str; 12] = [
    "Fairview", "Riverton", "Lakeside", "Brookfield", "Ashford", "Milltown", "Glenwood", "Westbury",
    "Clearwater", "Oak Hollow", "Pine Bluff", "Stonebridge",
];

fn surrogate(key: &Key, kind: PhiType, text: &str) -> String {
    match kind {
        PhiType::Name => surrogate_name(key, text),
        PhiType::City => {
            let mut bytes = KeyedBytes::new(key, &[kind.code().as_bytes(), normalize(text).as_bytes()]);
            bytes.pick(&CITIES).to_owned()
        }
        PhiType::Address => {
            let mut bytes = KeyedBytes::new(key, &[kind.code().as_bytes(), normalize(text).as_bytes()]);
            let number = 10 + bytes.next(9990);
            format!("{number} {} {}", bytes.pick(&STREETS), bytes.pick(&STREET_SUFFIXES))
        }
        PhiType::Email => {
            let mut bytes = KeyedBytes::new(key, &[kind.code().as_bytes(), normalize(text).as_bytes()]);
            format!("{}.{}@example.org", bytes.pick(&NAMES).to_lowercase(), bytes.pick(&NAMES).to_lowercase())
        }
        PhiType::Url => {
            let digest = key.mac(&[b"url", text.as_bytes()]);
            format!("https://example.org/{}", hex(&digest[..4]))
        }
        PhiType::IpAddress if text.contains('.') && !text.contains(':') => {
            let mut bytes = KeyedBytes::new(key, &[kind.code().as_bytes(), text.as_bytes()]);
            format!("10.{}.{}.{}", bytes.next(256), bytes.next(256), 1 + bytes.next(254))
        }
        PhiType::AgeOver89 => "90+".to_owned(),
        _ => surrogate_characters(key, kind, text),
    }
}

/// Replaces each name token with a name from the list, keeping titles, initials' shape,
/// punctuation and capitalization. A token maps the same way wherever it occurs.
fn surrogate_name(key: &Key, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let is_title = word.len() <= 3 && word.chars().next().is_some_and(char::is_uppercase) && word.len() > 1;
        if is_title && matches!(word.to_lowercase().as_str(), "dr" | "mr" | "ms" | "mrs" | "mx" | "jr" | "sr") {
            out.push_str(word);
        } else {
            let mut bytes = KeyedBytes::new(key, &[b"NAME", word.to_lowercase().as_bytes()]);
            let name = bytes.pick(&NAMES);
            if word.chars().count() == 1 {
                out.extend(name.chars().next());
            } else if word.chars().all(|c| !c.is_lowercase()) {
                out.push_str(&name.to_uppercase());
            } else if word.chars().all(|c| !c.is_uppercase()) {
                out.push_str(&name.to_lowercase());
            } else {
                out.push_str(name);
            }
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Replaces each ASCII digit with a keyed digit and each ASCII letter with a keyed letter of the
/// same case, so a phone number keeps its shape. An SSN starts with 9, an area the Social
/// Security Administration never issues, so a surrogate cannot be a real number. The country
/// code of a phone or fax number (`+1`) stays, because millions of people share it.
fn surrogate_characters(key: &Key, kind: PhiType, text: &str) -> String {
    let mut bytes = KeyedBytes::new(key, &[kind.code().as_bytes(), text.as_bytes()]);
    let mut first_digit = true;
    let country_code = match (kind, text.strip_prefix('+')) {
        (PhiType::Phone | PhiType::Fax, Some(rest)) => 1 + rest.bytes().take_while(u8::is_ascii_digit).count(),
        _ => 0,
    };
    let (kept, rest) = text.split_at(country_code.min(text.len()));
    let replaced: String = rest
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                let digit = if first_digit && kind == PhiType::Ssn { 9 } else { bytes.next(10) };
                first_digit = false;
                char::from(b'0' + digit as u8)
            } else if c.is_ascii_uppercase() {
                char::from(b'A' + bytes.next(26) as u8)
            } else if c.is_ascii_lowercase() {
                char::from(b'a' + bytes.next(26) as u8)
            } else if c.is_alphanumeric() {
                '*'
            } else {
                c
            }
        })
        .collect();
    format!("{kept}{replaced}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Key {
        Key::from_bytes(&[byte; KEY_LEN]).unwrap()
    }

    fn replacer(setting: &str) -> Replacer {
        let mut operators = Operators::default();
        operators.apply_setting(setting).unwrap();
        Replacer::new(operators, Some(key(7))).unwrap()
    }

    #[test]
    fn settings_parse_and_reject() {
        let mut operators = Operators::default();
        operators.apply_setting("*=mask").unwrap();
        operators.apply_setting("NAME = pseudonym").unwrap();
        assert_eq!(operators.get(PhiType::Name), Operator::Pseudonym);
        assert_eq!(operators.get(PhiType::Ssn), Operator::Mask);
        for bad in ["NAME", "name=tag", "NAME=blur", "=tag"] {
            let error = operators.apply_setting(bad).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidOptions, "{bad}");
            assert!(!error.message().contains("blur"), "{bad}");
        }
    }

    #[test]
    fn json_form_matches_settings() {
        let operators = Operators::from_json(r#"{"*": "remove", "DATE": "shift"}"#).unwrap();
        assert_eq!(operators.get(PhiType::Date), Operator::Shift);
        assert_eq!(operators.get(PhiType::Phone), Operator::Remove);
        for bad in ["[]", r#"{"NAME": 1}"#, r#"{"NAME": "blur"}"#, "{"] {
            assert_eq!(Operators::from_json(bad).unwrap_err().code(), ErrorCode::InvalidOptions, "{bad}");
        }
    }

    #[test]
    fn keyed_operator_needs_key() {
        let mut operators = Operators::default();
        assert!(Replacer::new(operators.clone(), None).is_ok());
        operators.apply_setting("EMAIL=hash").unwrap();
        assert_eq!(Replacer::new(operators, None).unwrap_err().code(), ErrorCode::InvalidKey);
    }

    #[test]
    fn unkeyed_operators() {
        let replacer = Replacer::new(Operators::default(), None).unwrap();
        assert_eq!(replacer.replace(PhiType::Phone, "555-0100", None), "[PHONE]");
        assert_eq!(replacer.replace(PhiType::Name, "Ann", None), "[NAME]");
        assert_eq!(super::replace_unkeyed(Operator::Mask, PhiType::Phone, "(555) 010-0199"), "(***) ***-****");
        assert_eq!(super::replace_unkeyed(Operator::Remove, PhiType::Phone, "x"), "");
        assert_eq!(super::replace_unkeyed(Operator::Keep, PhiType::Phone, "x"), "x");
    }

    #[test]
    fn hash_is_keyed_and_stable() {
        let replacer = replacer("EMAIL=hash");
        let first = replacer.replace(PhiType::Email, "a@b.org", None);
        assert_eq!(first.len(), 16);
        assert!(first.bytes().all(|byte| byte.is_ascii_hexdigit()));
        assert_eq!(replacer.replace(PhiType::Email, "a@b.org", None), first);
        assert_ne!(replacer.replace(PhiType::Email, "c@b.org", None), first);
        let other_key = Replacer::new(replacer.operators().clone(), Some(key(8))).unwrap();
        assert_ne!(other_key.replace(PhiType::Email, "a@b.org", None), first);
    }

    #[test]
    fn pseudonym_ignores_case_and_spacing() {
        let replacer = replacer("NAME=pseudonym");
        let first = replacer.replace(PhiType::Name, "Eddie  Moore", None);
        assert!(first.starts_with("NAME-"), "{first}");
        assert_eq!(first.len(), 11, "{first}");
        assert_eq!(replacer.replace(PhiType::Name, "EDDIE MOORE", None), first);
        assert_ne!(replacer.replace(PhiType::Name, "Eddie Moor", None), first);
    }

    #[test]
    fn surrogates_keep_shape() {
        let replacer = replacer("*=surrogate");
        let phone = replacer.replace(PhiType::Phone, "+1 (480) 555-0159", None);
        assert_eq!(phone.len(), "+1 (480) 555-0159".len());
        let shape = |text: &str| text.chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect::<String>();
        assert_eq!(shape(&phone), "+9 (999) 999-9999");
        assert!(phone.starts_with("+1 "), "{phone}");
        assert_ne!(phone, "+1 (480) 555-0159");

        let ssn = replacer.replace(PhiType::Ssn, "078-05-1120", None);
        assert_eq!(shape(&ssn), "999-99-9999");
        assert!(ssn.starts_with('9'), "{ssn}");

        let name = replacer.replace(PhiType::Name, "Dr. Lorena Alonzo", None);
        assert!(name.starts_with("Dr. "), "{name}");
        assert_eq!(name.split(' ').count(), 3, "{name}");
        assert_eq!(replacer.replace(PhiType::Name, "lorena", None), name.split(' ').nth(1).unwrap().to_lowercase());

        let email = replacer.replace(PhiType::Email, "x@y.com", None);
        assert!(email.ends_with("@example.org"), "{email}");
        let ip = replacer.replace(PhiType::IpAddress, "192.168.4.20", None);
        assert!(ip.starts_with("10.") && ip.split('.').all(|octet| octet.parse::<u8>().is_ok()), "{ip}");
    }

    #[test]
    fn shift_keeps_intervals_per_subject() {
        let replacer = replacer("DATE=shift");
        let admitted = replacer.replace(PhiType::Date, "2023-03-01", Some("client-17"));
        let discharged = replacer.replace(PhiType::Date, "2023-03-11", Some("client-17"));
        let (a, b) = (dates::parse(&admitted).unwrap(), dates::parse(&discharged).unwrap());
        assert_eq!(b.days() - a.days(), 10);
        let days = a.days() - dates::parse("2023-03-01").unwrap().days();
        assert_ne!(days, 0);
        assert!(days.abs() <= MAX_SHIFT_DAYS, "{days}");
        assert_eq!(replacer.replace(PhiType::Date, "not a date", Some("client-17")), "[DATE]");
        assert_eq!(replacer.replace(PhiType::Phone, "555-0100", Some("client-17")), "[PHONE]");
    }

    #[test]
    fn shift_days_stay_in_range() {
        let key = key(1);
        let shifts: Vec<i64> = (0..500).map(|n| shift_days(&key, Some(&format!("subject-{n}")))).collect();
        assert!(shifts.iter().all(|&days| days != 0));
        assert!(shifts.iter().all(|&days| days.abs() <= MAX_SHIFT_DAYS));
        assert!(shifts.iter().any(|&days| days < 0));
        assert!(shifts.iter().any(|&days| days > 0));
        assert_eq!(shift_days(&key, Some(" s1 ")), shift_days(&key, Some("s1")));
    }

    #[test]
    fn key_file_forms() {
        let hex = "00".repeat(31) + "ff\n";
        assert!(Key::from_file_content(hex.as_bytes()).is_ok());
        assert!(Key::from_file_content(&[3u8; 32]).is_ok());
        for bad in [&b"short"[..], &[b'g'; 64][..], &[0u8; 33][..]] {
            assert_eq!(Key::from_file_content(bad).unwrap_err().code(), ErrorCode::InvalidKey);
        }
        assert_eq!(format!("{:?}", key(9)), "Key(..)");
    }
}
