//! Context words: the words before a candidate and the column or key of its value. They tell
//! which identifier a number is (`MRN 4107-2468`, `plate NCJ 9945`), or that it is no identifier.

use crate::phi::PhiType;

/// The meaning of a context word for the candidate after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hint {
    /// The candidate is this type.
    Type(PhiType),
    /// The candidate is an age.
    Age,
    /// The candidate is a score, dose, amount, count or code, so not PHI.
    NotPhi,
}

/// How far back, in bytes, context words count.
const WINDOW: usize = 64;

/// Context words in lower case. Where two end at the same place, the longer one wins.
const KEYWORDS: &[(&str, Hint)] = &[
    ("mrn", Hint::Type(PhiType::Mrn)),
    ("medical record", Hint::Type(PhiType::Mrn)),
    ("record number", Hint::Type(PhiType::Mrn)),
    ("record no", Hint::Type(PhiType::Mrn)),
    ("chart", Hint::Type(PhiType::Mrn)),
    ("hospital number", Hint::Type(PhiType::Mrn)),
    ("patient id", Hint::Type(PhiType::Mrn)),
    ("member id", Hint::Type(PhiType::HealthPlanId)),
    ("member", Hint::Type(PhiType::HealthPlanId)),
    ("subscriber", Hint::Type(PhiType::HealthPlanId)),
    ("policy", Hint::Type(PhiType::HealthPlanId)),
    ("medicaid", Hint::Type(PhiType::HealthPlanId)),
    ("medicare", Hint::Type(PhiType::HealthPlanId)),
    ("mbi", Hint::Type(PhiType::HealthPlanId)),
    ("insurance id", Hint::Type(PhiType::HealthPlanId)),
    ("plan id", Hint::Type(PhiType::HealthPlanId)),
    ("beneficiary", Hint::Type(PhiType::HealthPlanId)),
    ("group number", Hint::Type(PhiType::HealthPlanId)),
    ("account", Hint::Type(PhiType::AccountNumber)),
    ("acct", Hint::Type(PhiType::AccountNumber)),
    ("billing", Hint::Type(PhiType::AccountNumber)),
    ("iban", Hint::Type(PhiType::AccountNumber)),
    ("routing", Hint::Type(PhiType::AccountNumber)),
    ("card", Hint::Type(PhiType::AccountNumber)),
    ("license", Hint::Type(PhiType::LicenseNumber)),
    ("licence", Hint::Type(PhiType::LicenseNumber)),
    ("certificate", Hint::Type(PhiType::LicenseNumber)),
    ("npi", Hint::Type(PhiType::LicenseNumber)),
    ("dea", Hint::Type(PhiType::LicenseNumber)),
    ("permit", Hint::Type(PhiType::LicenseNumber)),
    ("cdl", Hint::Type(PhiType::LicenseNumber)),
    ("plate", Hint::Type(PhiType::VehicleId)),
    ("vin", Hint::Type(PhiType::VehicleId)),
    ("serial", Hint::Type(PhiType::DeviceId)),
    ("device", Hint::Type(PhiType::DeviceId)),
    ("imei", Hint::Type(PhiType::DeviceId)),
    ("mac address", Hint::Type(PhiType::DeviceId)),
    ("udi", Hint::Type(PhiType::DeviceId)),
    ("case", Hint::Type(PhiType::OtherId)),
    ("docket", Hint::Type(PhiType::OtherId)),
    ("claim", Hint::Type(PhiType::OtherId)),
    ("incident", Hint::Type(PhiType::OtherId)),
    ("reference", Hint::Type(PhiType::OtherId)),
    ("ref", Hint::Type(PhiType::OtherId)),
    ("employee", Hint::Type(PhiType::OtherId)),
    ("student", Hint::Type(PhiType::OtherId)),
    ("passport", Hint::Type(PhiType::OtherId)),
    ("badge", Hint::Type(PhiType::OtherId)),
    ("confirmation", Hint::Type(PhiType::OtherId)),
    ("ticket", Hint::Type(PhiType::OtherId)),
    ("inmate", Hint::Type(PhiType::OtherId)),
    ("ssn", Hint::Type(PhiType::Ssn)),
    ("social security", Hint::Type(PhiType::Ssn)),
    ("ss#", Hint::Type(PhiType::Ssn)),
    ("fax", Hint::Type(PhiType::Fax)),
    ("facsimile", Hint::Type(PhiType::Fax)),
    ("phone", Hint::Type(PhiType::Phone)),
    ("call", Hint::Type(PhiType::Phone)),
    ("cell", Hint::Type(PhiType::Phone)),
    ("mobile", Hint::Type(PhiType::Phone)),
    ("tel", Hint::Type(PhiType::Phone)),
    ("text", Hint::Type(PhiType::Phone)),
    ("voicemail", Hint::Type(PhiType::Phone)),
    ("contact", Hint::Type(PhiType::Phone)),
    ("dob", Hint::Type(PhiType::Date)),
    ("born", Hint::Type(PhiType::Date)),
    ("birth", Hint::Type(PhiType::Date)),
    ("birthday", Hint::Type(PhiType::Date)),
    ("bday", Hint::Type(PhiType::Date)),
    ("date", Hint::Type(PhiType::Date)),
    ("admitted", Hint::Type(PhiType::Date)),
    ("discharged", Hint::Type(PhiType::Date)),
    ("zip", Hint::Type(PhiType::Zip)),
    ("postal", Hint::Type(PhiType::Zip)),
    ("age", Hint::Age),
    ("aged", Hint::Age),
    ("turned", Hint::Age),
    ("turns", Hint::Age),
    ("phq", Hint::NotPhi),
    ("gad", Hint::NotPhi),
    ("score", Hint::NotPhi),
    ("scored", Hint::NotPhi),
    ("copay", Hint::NotPhi),
    ("cpt", Hint::NotPhi),
    ("icd", Hint::NotPhi),
    ("code", Hint::NotPhi),
    ("dose", Hint::NotPhi),
    ("weight", Hint::NotPhi),
    ("pulse", Hint::NotPhi),
    ("bp", Hint::NotPhi),
    ("blood pressure", Hint::NotPhi),
    ("session number", Hint::NotPhi),
];

/// Returns the hint of the context word nearest before `start`, in the same clause, with its
/// distance in bytes.
pub(crate) fn hint_before(text: &str, start: usize) -> Option<(Hint, usize)> {
    let bytes = text.as_bytes();
    let mut from = start.saturating_sub(WINDOW);
    while from > 0 && !text.is_char_boundary(from) {
        from += 1;
    }
    // A clause ends at a sentence end or a line break: "Call me. MRN" does not make the MRN a
    // phone number.
    for index in (from..start).rev() {
        let byte = bytes[index];
        let sentence_end = matches!(byte, b'.' | b'?' | b'!' | b';') && bytes.get(index + 1).is_some_and(|next| *next == b' ') && index + 1 < start && !is_abbreviation(&bytes[..index]);
        if byte == b'\n' || sentence_end {
            from = index + 1;
            break;
        }
    }
    let mut window = [0u8; WINDOW];
    let length = start - from;
    for (slot, byte) in window.iter_mut().zip(&bytes[from..start]) {
        *slot = byte.to_ascii_lowercase();
    }
    let window = &window[..length];
    // Keywords start at a word boundary, so only these positions are compared, the last first.
    let mut boundaries = [0usize; WINDOW];
    let mut boundary_count = 0;
    // The bytes that open a word in the window: a keyword whose first byte is not among them
    // cannot match, so it is passed over without a search.
    let mut opening_bytes = [false; 256];
    for index in 0..length {
        if index == 0 || !window[index - 1].is_ascii_alphanumeric() {
            boundaries[boundary_count] = index;
            boundary_count += 1;
            opening_bytes[usize::from(window[index])] = true;
        }
    }
    let boundaries = &boundaries[..boundary_count];
    let mut best: Option<(Hint, usize, usize)> = None;
    for &(keyword, hint) in KEYWORDS {
        if keyword.as_bytes().first().is_some_and(|first| !opening_bytes[usize::from(*first)]) {
            continue;
        }
        let Some(position) = rfind_word(window, boundaries, keyword.as_bytes()) else {
            continue;
        };
        let end = position + keyword.len();
        let better = match best {
            None => true,
            Some((_, best_end, best_len)) => end > best_end || (end == best_end && keyword.len() > best_len),
        };
        if better {
            best = Some((hint, end, keyword.len()));
        }
    }
    best.map(|(hint, end, _)| (hint, length - end))
}

/// Returns whether the word that ends `before` is a title or an initial, whose period ends no
/// sentence.
fn is_abbreviation(before: &[u8]) -> bool {
    let length = before.iter().rev().take_while(|byte| byte.is_ascii_alphabetic()).count();
    let word = &before[before.len() - length..];
    length == 1 || [b"dr".as_slice(), b"mr", b"mrs", b"ms", b"mx", b"st", b"jr", b"sr", b"no", b"vs"].iter().any(|title| word.eq_ignore_ascii_case(title))
}

/// Finds the last occurrence of `needle` in `haystack` that starts at one of the word
/// `boundaries` (ascending offsets). A needle may continue into a longer word (`licensed`,
/// `cellphone`).
fn rfind_word(haystack: &[u8], boundaries: &[usize], needle: &[u8]) -> Option<usize> {
    // Keywords are a few bytes long, so a byte loop beats a call to `memcmp`.
    boundaries.iter().rev().copied().find(|&index| haystack.get(index..index + needle.len()).is_some_and(|candidate| candidate.iter().zip(needle).all(|(a, b)| a == b)))
}

/// Column and key words, matched against the parts of a field name split at `_`, `-`, `.`,
/// `/`, spaces and case changes. The last part with a type decides.
const FIELD_WORDS: &[(&str, PhiType)] = &[
    ("name", PhiType::Name),
    ("first", PhiType::Name),
    ("last", PhiType::Name),
    ("firstname", PhiType::Name),
    ("lastname", PhiType::Name),
    ("surname", PhiType::Name),
    ("fullname", PhiType::Name),
    ("therapist", PhiType::Name),
    ("clinician", PhiType::Name),
    ("provider", PhiType::Name),
    ("patient", PhiType::Name),
    ("street", PhiType::Address),
    ("address", PhiType::Address),
    ("addr", PhiType::Address),
    ("unit", PhiType::Address),
    ("apt", PhiType::Address),
    ("city", PhiType::City),
    ("town", PhiType::City),
    ("county", PhiType::City),
    ("zip", PhiType::Zip),
    ("zipcode", PhiType::Zip),
    ("postal", PhiType::Zip),
    ("postcode", PhiType::Zip),
    ("date", PhiType::Date),
    ("dob", PhiType::Date),
    ("birthdate", PhiType::Date),
    ("birthday", PhiType::Date),
    ("age", PhiType::AgeOver89),
    ("phone", PhiType::Phone),
    ("mobile", PhiType::Phone),
    ("cell", PhiType::Phone),
    ("home", PhiType::Phone),
    ("tel", PhiType::Phone),
    ("telephone", PhiType::Phone),
    ("fax", PhiType::Fax),
    ("email", PhiType::Email),
    ("mail", PhiType::Email),
    ("ssn", PhiType::Ssn),
    ("mrn", PhiType::Mrn),
    ("member", PhiType::HealthPlanId),
    ("subscriber", PhiType::HealthPlanId),
    ("policy", PhiType::HealthPlanId),
    ("account", PhiType::AccountNumber),
    ("billing", PhiType::AccountNumber),
    ("iban", PhiType::AccountNumber),
    ("license", PhiType::LicenseNumber),
    ("licence", PhiType::LicenseNumber),
    ("certificate", PhiType::LicenseNumber),
    ("npi", PhiType::LicenseNumber),
    ("plate", PhiType::VehicleId),
    ("vin", PhiType::VehicleId),
    ("vehicle", PhiType::VehicleId),
    ("serial", PhiType::DeviceId),
    ("device", PhiType::DeviceId),
    ("devices", PhiType::DeviceId),
    ("imei", PhiType::DeviceId),
    ("url", PhiType::Url),
    ("website", PhiType::Url),
    ("ip", PhiType::IpAddress),
    ("case", PhiType::OtherId),
    ("claim", PhiType::OtherId),
    ("passport", PhiType::OtherId),
];

/// Parts of a field name that name no type on their own: the part before decides
/// (`case_number`, `member_id`).
const GENERIC_FIELD_WORDS: &[&str] = &["id", "no", "nr", "num", "number", "value"];

/// Parts of a field name before `name` that make it the name of a thing.
const THING_FIELD_WORDS: &[&str] = &[
    "clinic", "company", "device", "devices", "diagnosis", "drug", "drugs", "employer", "facility", "file", "insurance",
    "medication", "medications", "org", "organization", "payer", "plan", "product", "program", "school", "site",
];

/// Returns the type that a column or key name stands for, if any: `client_phone` is a phone,
/// `drivers_license/number` a licence number, `address/state` none. The last part decides,
/// unless it is generic (`number`, `id`).
pub(crate) fn field_type(field: &str) -> Option<PhiType> {
    let mut parts: Vec<String> = Vec::new();
    let mut part = String::new();
    let mut previous_lower = false;
    for c in field.chars() {
        if (!c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && previous_lower)) && !part.is_empty() {
            parts.push(std::mem::take(&mut part));
        }
        if c.is_ascii_alphanumeric() {
            part.push(c.to_ascii_lowercase());
        }
        previous_lower = c.is_ascii_lowercase();
    }
    if !part.is_empty() {
        parts.push(part);
    }
    for (index, part) in parts.iter().enumerate().rev() {
        if let Some(&(_, kind)) = FIELD_WORDS.iter().find(|(word, _)| *word == part.as_str()) {
            // `medications/name` and `payer_name` name things, not people.
            if kind == PhiType::Name && parts[..index].iter().any(|parent| THING_FIELD_WORDS.contains(&parent.as_str())) {
                return None;
            }
            return Some(kind);
        }
        if !GENERIC_FIELD_WORDS.contains(&part.as_str()) {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_keyword_wins() {
        let text = "The letter lists the VIN, 1G16, and the plate, NCJ 9945";
        assert_eq!(hint_before(text, text.len() - 8).map(|found| found.0), Some(Hint::Type(PhiType::VehicleId)));
        let text = "a CA license, number Z53";
        assert_eq!(hint_before(text, text.len() - 3).map(|found| found.0), Some(Hint::Type(PhiType::LicenseNumber)));
    }

    #[test]
    fn clause_end_stops_context() {
        let text = "Please call me. 4107";
        assert_eq!(hint_before(text, text.len() - 4), None);
    }

    #[test]
    fn field_names_split() {
        assert_eq!(field_type("client_phone"), Some(PhiType::Phone));
        assert_eq!(field_type("drivers_license/number"), Some(PhiType::LicenseNumber));
        assert_eq!(field_type("memberId"), Some(PhiType::HealthPlanId));
        assert_eq!(field_type("note_type"), None);
        assert_eq!(field_type("client/address/state"), None);
        assert_eq!(field_type("clinical/medications/name"), None);
        assert_eq!(field_type("legal/case_number"), Some(PhiType::OtherId));
    }
}
