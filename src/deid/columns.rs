//! Column classification: a whole column (or JSON key) is PHI because of its name or because
//! its first values are.
//!
//! A name is split into lower-case words at separators, case changes and digits, so
//! `client_phone`, `ClientPhone`, `CLIENT-PHONE` and `client phone` are the same name. The
//! table below maps words to types. A column classified by name yields a finding for every
//! non-empty value, even one that looks odd (`ssn` = `unknown`), because a column of
//! identifiers is PHI as a whole.
//!
//! Classification by values is streaming and looks at the first [`SAMPLE_VALUES`] non-empty
//! values of a column. Once [`SAMPLE_MIN_HITS`] or more of them are wholly one type, and that
//! type covers at least 80 % of the sample so far, the rest of the column is that type. Values read before
//! that point were scanned one by one, which found the same identifiers.

use std::collections::HashMap;

use crate::phi::{PhiType, Span};

/// Non-empty values of a column that classification by values looks at.
pub const SAMPLE_VALUES: u32 = 50;

/// Whole-value matches of one type that classification by values needs.
pub const SAMPLE_MIN_HITS: u32 = 5;

/// Columns whose samples are tracked. Further columns are classified by name only, so a JSON
/// file with many distinct keys cannot grow the table without bound.
pub const MAX_TRACKED_COLUMNS: usize = 4096;

/// Confidence of a finding that comes from the column's name.
pub const NAME_CONFIDENCE: f32 = 0.9;

/// Confidence of a finding that comes from the column's sampled values.
pub const VALUES_CONFIDENCE: f32 = 0.85;

/// Recognizer name of findings from a column's name.
pub const NAME_RECOGNIZER: &str = "column_name";

/// Recognizer name of findings from a column's sampled values.
pub const VALUES_RECOGNIZER: &str = "column_values";

/// Splits a column name into lower-case ASCII words.
pub fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        let boundary = match previous {
            Some(before) => {
                !c.is_alphanumeric()
                    || (before.is_lowercase() && c.is_uppercase())
                    || (before.is_alphabetic() && c.is_ascii_digit())
                    || (before.is_ascii_digit() && c.is_alphabetic())
            }
            None => false,
        };
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        }
        previous = Some(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Words that, before `name`, make a name column a person's name (`client_name`,
/// `emergency_contact_name`), while `file_name` or `drug_name` stay unclassified.
const PERSON_WORDS: [&str; 22] = [
    "first", "last", "middle", "full", "given", "family", "maiden", "client", "patient", "person", "contact",
    "emergency", "guardian", "parent", "mother", "father", "spouse", "sibling", "therapist", "provider",
    "caregiver", "legal",
];

/// Whole names (words joined) that are PHI, with their type.
const JOINED: [(&str, PhiType); 42] = [
    ("ssn", PhiType::Ssn),
    ("socialsecuritynumber", PhiType::Ssn),
    ("socialsecurity", PhiType::Ssn),
    ("dob", PhiType::Date),
    ("birthdate", PhiType::Date),
    ("dateofbirth", PhiType::Date),
    ("birthday", PhiType::Date),
    ("deathdate", PhiType::Date),
    ("dateofdeath", PhiType::Date),
    ("dod", PhiType::Date),
    ("name", PhiType::Name),
    ("first", PhiType::Name),
    ("last", PhiType::Name),
    ("fname", PhiType::Name),
    ("lname", PhiType::Name),
    ("surname", PhiType::Name),
    ("firstname", PhiType::Name),
    ("lastname", PhiType::Name),
    ("fullname", PhiType::Name),
    ("maiden", PhiType::Name),
    ("givenname", PhiType::Name),
    ("familyname", PhiType::Name),
    ("mrn", PhiType::Mrn),
    ("medicalrecordnumber", PhiType::Mrn),
    ("zip", PhiType::Zip),
    ("zipcode", PhiType::Zip),
    ("postalcode", PhiType::Zip),
    ("postcode", PhiType::Zip),
    ("birthplace", PhiType::City),
    ("lat", PhiType::Address),
    ("lon", PhiType::Address),
    ("lng", PhiType::Address),
    ("latitude", PhiType::Address),
    ("longitude", PhiType::Address),
    ("drivers", PhiType::LicenseNumber),
    ("passport", PhiType::OtherId),
    ("vin", PhiType::VehicleId),
    ("iban", PhiType::AccountNumber),
    ("ip", PhiType::IpAddress),
    ("url", PhiType::Url),
    ("website", PhiType::Url),
    ("age", PhiType::AgeOver89),
];

/// Returns the type of a column from its name alone, or `None` when the name says nothing.
pub fn classify_name(name: &str) -> Option<PhiType> {
    let words = words(name);
    let joined: String = words.concat();
    if let Some((_, kind)) = JOINED.iter().find(|(whole, _)| *whole == joined) {
        return Some(*kind);
    }
    let has = |word: &str| words.iter().any(|other| other == word);
    let last = words.last().map(String::as_str).unwrap_or_default();
    let before_last = words.len().checked_sub(2).and_then(|index| words.get(index)).map(String::as_str);

    // Specific identifiers first, so `email_address` and `ip_address` are not street addresses.
    if has("ssn") || joined.contains("socialsecurity") {
        return Some(PhiType::Ssn);
    }
    if has("email") || has("mail") && matches!(before_last, Some("e")) {
        return Some(PhiType::Email);
    }
    if has("ip") || has("ipv4") || has("ipv6") {
        return Some(PhiType::IpAddress);
    }
    if has("fax") {
        return Some(PhiType::Fax);
    }
    if matches!(last, "phone" | "telephone" | "tel" | "mobile" | "cell" | "cellphone" | "pager")
        || has("phone") && matches!(last, "number" | "no" | "num")
    {
        return Some(PhiType::Phone);
    }
    if has("mrn") || joined.contains("medicalrecord") {
        return Some(PhiType::Mrn);
    }
    let record_keeping = ["update", "updated", "created", "modified", "published", "release"];
    if has("birth") || has("dob") || matches!(last, "date" | "dt") && !record_keeping.iter().any(|word| has(word)) {
        return Some(PhiType::Date);
    }
    if last == "name" && (words.len() == 1 || before_last.is_some_and(|word| PERSON_WORDS.contains(&word))) {
        return Some(PhiType::Name);
    }
    if matches!(last, "firstname" | "lastname" | "surname" | "fullname") {
        return Some(PhiType::Name);
    }
    if has("zip") || joined.ends_with("postalcode") || joined.ends_with("zipcode") {
        return Some(PhiType::Zip);
    }
    if matches!(last, "city" | "town" | "county" | "municipality" | "neighborhood" | "neighbourhood") {
        return Some(PhiType::City);
    }
    if has("address") || has("street") || matches!(last, "addr" | "address1" | "address2") {
        return Some(PhiType::Address);
    }
    if has("insurance") || has("subscriber") || joined.contains("healthplan") || joined.contains("memberid") {
        return Some(PhiType::HealthPlanId);
    }
    if has("account") || has("iban") || joined.contains("creditcard") || has("card") && matches!(last, "number" | "no") {
        return Some(PhiType::AccountNumber);
    }
    if has("license") || has("licence") || has("certificate") || has("npi") || has("dea") {
        return Some(PhiType::LicenseNumber);
    }
    if has("vin") || has("plate") || joined.contains("licenseplate") {
        return Some(PhiType::VehicleId);
    }
    if has("serial") || has("udi") || has("device") && matches!(last, "id" | "number") || has("imei") {
        return Some(PhiType::DeviceId);
    }
    if has("url") || has("website") || has("homepage") {
        return Some(PhiType::Url);
    }
    if matches!(last, "id" | "number" | "no")
        && before_last.is_some_and(|word| matches!(word, "client" | "patient" | "subject" | "case" | "member"))
    {
        return Some(PhiType::OtherId);
    }
    None
}

/// For a JSON member whose own key does not classify it, the type that its parent object's key gives:
/// the members of `name` are names, and the members of `address` other than `state` and
/// `country` are address parts.
pub fn classify_child(parent: &str, key: &str) -> Option<PhiType> {
    match classify_name(parent)? {
        PhiType::Name => Some(PhiType::Name),
        PhiType::Address if !matches!(words(key).concat().as_str(), "state" | "country" | "countrycode" | "type") => {
            Some(PhiType::Address)
        }
        _ => None,
    }
}

/// The evidence behind a column's classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// From the column's name or JSON key.
    Name,
    /// From the column's first values.
    Values,
}

/// The classification of one column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Class {
    /// The type of every value.
    pub kind: PhiType,
    /// The evidence the classification rests on.
    pub basis: Basis,
}

#[derive(Debug, Default)]
struct Sample {
    from_name: Option<PhiType>,
    from_values: Option<PhiType>,
    sampled: u32,
    hits: [u32; PhiType::ALL.len()],
}

/// The classification state of every column seen, keyed by a column key: the CSV column index,
/// or the JSON Pointer with array indices replaced by `*`.
#[derive(Debug, Default)]
pub struct Columns {
    samples: HashMap<String, Sample>,
}

impl Columns {
    /// Returns the current class of a column, classifying it by `name` the first time it is
    /// seen. `name` is `None` for a column without a name.
    pub fn class(&mut self, key: &str, name: Option<&str>, parent: Option<&str>) -> Option<Class> {
        if !self.samples.contains_key(key) {
            let from_name = name.and_then(|name| {
                classify_name(name).or_else(|| parent.and_then(|parent| classify_child(parent, name)))
            });
            if self.samples.len() >= MAX_TRACKED_COLUMNS {
                return from_name.map(|kind| Class { kind, basis: Basis::Name });
            }
            self.samples.insert(key.to_owned(), Sample { from_name, ..Sample::default() });
        }
        let sample = self.samples.get(key)?;
        match (sample.from_name, sample.from_values) {
            (Some(kind), _) => Some(Class { kind, basis: Basis::Name }),
            (None, Some(kind)) => Some(Class { kind, basis: Basis::Values }),
            (None, None) => None,
        }
    }

    /// Counts one non-empty value of an unclassified column: `spans` are what the scanner found
    /// in `text`, which is already trimmed of surrounding whitespace.
    pub fn sample(&mut self, key: &str, text: &str, spans: &[Span]) {
        let Some(sample) = self.samples.get_mut(key) else { return };
        if sample.from_name.is_some() || sample.from_values.is_some() || sample.sampled >= SAMPLE_VALUES {
            return;
        }
        sample.sampled += 1;
        let whole = spans.iter().find(|span| span.start == 0 && span.end >= text.len());
        if let Some(span) = whole {
            let index = PhiType::ALL.iter().position(|&kind| kind == span.kind).unwrap_or(0);
            sample.hits[index] += 1;
            let hits = sample.hits[index];
            if hits >= SAMPLE_MIN_HITS && hits * 10 >= sample.sampled * 8 {
                sample.from_values = Some(span.kind);
            }
        }
    }
}

/// Returns `true` when a value of a column of type `kind` is PHI. A value without a letter or
/// digit (`", ,"`, `-`) identifies no one, and of ages only those over 89 are PHI.
pub fn value_applies(kind: PhiType, text: &str) -> bool {
    if !text.chars().any(char::is_alphanumeric) {
        return false;
    }
    match kind {
        PhiType::AgeOver89 => text.parse::<f64>().is_ok_and(|age| age > 89.0),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_values_are_not_phi() {
        assert!(!value_applies(PhiType::Name, ",  , , "));
        assert!(!value_applies(PhiType::Phone, "-"));
        assert!(value_applies(PhiType::Name, "Ann"));
        assert!(!value_applies(PhiType::AgeOver89, "89"));
        assert!(value_applies(PhiType::AgeOver89, "90"));
    }

    #[test]
    fn words_split_at_case_and_separators() {
        assert_eq!(words("client_phone"), ["client", "phone"]);
        assert_eq!(words("ClientPhone"), ["client", "phone"]);
        assert_eq!(words("CLIENT-PHONE"), ["client", "phone"]);
        assert_eq!(words("address1"), ["address", "1"]);
        assert_eq!(words(" e-mail "), ["e", "mail"]);
    }

    #[test]
    fn names_classify() {
        let cases = [
            ("ssn", Some(PhiType::Ssn)),
            ("SSN", Some(PhiType::Ssn)),
            ("client_phone", Some(PhiType::Phone)),
            ("ClientPhone", Some(PhiType::Phone)),
            ("phone number", Some(PhiType::Phone)),
            ("dob", Some(PhiType::Date)),
            ("BIRTHDATE", Some(PhiType::Date)),
            ("session_date", Some(PhiType::Date)),
            ("first_name", Some(PhiType::Name)),
            ("client_name", Some(PhiType::Name)),
            ("FIRST", Some(PhiType::Name)),
            ("address", Some(PhiType::Address)),
            ("street_address", Some(PhiType::Address)),
            ("email_address", Some(PhiType::Email)),
            ("e-mail", Some(PhiType::Email)),
            ("ip_address", Some(PhiType::IpAddress)),
            ("zip", Some(PhiType::Zip)),
            ("postal_code", Some(PhiType::Zip)),
            ("city", Some(PhiType::City)),
            ("mrn", Some(PhiType::Mrn)),
            ("fax_number", Some(PhiType::Fax)),
            ("insurance_id", Some(PhiType::HealthPlanId)),
            ("DRIVERS", Some(PhiType::LicenseNumber)),
            ("client_id", Some(PhiType::OtherId)),
            ("age", Some(PhiType::AgeOver89)),
            ("file_name", None),
            ("drug_name", None),
            ("note", None),
            ("text", None),
            ("session_id", None),
            ("id", None),
            ("state", None),
            ("speaker", None),
            ("updated_date", None),
        ];
        for (name, expected) in cases {
            assert_eq!(classify_name(name), expected, "{name}");
        }
    }

    #[test]
    fn children_of_name_and_address() {
        assert_eq!(classify_child("name", "given"), Some(PhiType::Name));
        assert_eq!(classify_child("address", "line"), Some(PhiType::Address));
        assert_eq!(classify_child("address", "state"), None);
        assert_eq!(classify_child("program", "title"), None);
    }

    fn whole(kind: PhiType, text: &str) -> Vec<Span> {
        vec![Span { kind, start: 0, end: text.len(), confidence: 0.9, recognizer: "test" }]
    }

    #[test]
    fn values_classify_after_enough_hits() {
        let mut columns = Columns::default();
        assert_eq!(columns.class("3", Some("contact"), None), None);
        for n in 0..SAMPLE_MIN_HITS {
            assert_eq!(columns.class("3", Some("contact"), None), None, "before value {n}");
            columns.sample("3", "a@b.org", &whole(PhiType::Email, "a@b.org"));
        }
        assert_eq!(columns.class("3", Some("contact"), None), Some(Class { kind: PhiType::Email, basis: Basis::Values }));
    }

    #[test]
    fn mixed_values_do_not_classify() {
        let mut columns = Columns::default();
        columns.class("k", None, None);
        for n in 0..SAMPLE_VALUES {
            if n % 2 == 0 {
                columns.sample("k", "a@b.org", &whole(PhiType::Email, "a@b.org"));
            } else {
                columns.sample("k", "hello", &[]);
            }
        }
        assert_eq!(columns.class("k", None, None), None);
    }

    #[test]
    fn ages_over_89_only() {
        assert!(value_applies(PhiType::AgeOver89, "90"));
        assert!(!value_applies(PhiType::AgeOver89, "89"));
        assert!(!value_applies(PhiType::AgeOver89, "unknown"));
        assert!(value_applies(PhiType::Name, "x"));
    }
}
