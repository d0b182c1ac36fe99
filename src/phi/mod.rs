//! PHI detection: finds the HIPAA Safe Harbor identifiers in free text.
//!
//! A [`Scanner`] is built once from [`ScanOptions`] and then scans any number of texts. It
//! returns [`Span`]s: the identifier type, UTF-8 byte offsets into the text as given, a
//! confidence between 0 and 1 and the name of the recognizer that found it. Spans never carry
//! the matched text, so a span can be logged; the caller slices the text when it needs to.

mod checksum;
mod names;
mod normalize;
mod options;
mod recognizers;

use std::fmt;

use crate::error::{Error, ErrorCode};

pub use names::Dictionary;
pub use options::{CustomPattern, DenyTerm, ScanOptions};

/// Returns whether `place` (any case) is the English name of a country or of a US state. Safe
/// Harbor does not count either as PHI, so the scanner never reports one; evaluations use this
/// to leave such gold spans out.
pub fn is_country_or_state(place: &str) -> bool {
    recognizers::is_country_or_state(place)
}

/// The Safe Harbor identifier types that occur in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PhiType {
    /// A person's name.
    Name,
    /// A street address.
    Address,
    /// A city or another geographic unit smaller than a state.
    City,
    /// A 5-digit ZIP code or ZIP+4.
    Zip,
    /// A date tied to a person (a bare year is not one).
    Date,
    /// An age over 89.
    AgeOver89,
    /// A telephone number.
    Phone,
    /// A fax number.
    Fax,
    /// An email address.
    Email,
    /// A Social Security number.
    Ssn,
    /// A medical record number.
    Mrn,
    /// A health plan beneficiary number.
    HealthPlanId,
    /// An account number: payment card, IBAN, bank or billing account.
    AccountNumber,
    /// A certificate or licence number.
    LicenseNumber,
    /// A vehicle identifier: licence plate or VIN.
    VehicleId,
    /// A device identifier or serial number.
    DeviceId,
    /// A web address.
    Url,
    /// An IPv4 or IPv6 address.
    IpAddress,
    /// Any other unique identifying number, such as a case number.
    OtherId,
}

impl PhiType {
    /// Every type, in the order of [`PhiType::code`]'s table.
    pub const ALL: [PhiType; 19] = [
        PhiType::Name,
        PhiType::Address,
        PhiType::City,
        PhiType::Zip,
        PhiType::Date,
        PhiType::AgeOver89,
        PhiType::Phone,
        PhiType::Fax,
        PhiType::Email,
        PhiType::Ssn,
        PhiType::Mrn,
        PhiType::HealthPlanId,
        PhiType::AccountNumber,
        PhiType::LicenseNumber,
        PhiType::VehicleId,
        PhiType::DeviceId,
        PhiType::Url,
        PhiType::IpAddress,
        PhiType::OtherId,
    ];

    /// Returns the stable type code, such as `NAME` or `AGE_OVER_89`.
    pub fn code(self) -> &'static str {
        match self {
            PhiType::Name => "NAME",
            PhiType::Address => "ADDRESS",
            PhiType::City => "CITY",
            PhiType::Zip => "ZIP",
            PhiType::Date => "DATE",
            PhiType::AgeOver89 => "AGE_OVER_89",
            PhiType::Phone => "PHONE",
            PhiType::Fax => "FAX",
            PhiType::Email => "EMAIL",
            PhiType::Ssn => "SSN",
            PhiType::Mrn => "MRN",
            PhiType::HealthPlanId => "HEALTH_PLAN_ID",
            PhiType::AccountNumber => "ACCOUNT_NUMBER",
            PhiType::LicenseNumber => "LICENSE_NUMBER",
            PhiType::VehicleId => "VEHICLE_ID",
            PhiType::DeviceId => "DEVICE_ID",
            PhiType::Url => "URL",
            PhiType::IpAddress => "IP_ADDRESS",
            PhiType::OtherId => "OTHER_ID",
        }
    }

    /// Returns the type for a code, matching exactly.
    pub fn from_code(code: &str) -> Option<PhiType> {
        PhiType::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

impl fmt::Display for PhiType {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.code())
    }
}

/// One identifier found in a text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    /// The identifier type.
    pub kind: PhiType,
    /// UTF-8 byte offset of the first byte, into the text as given to the scanner.
    pub start: usize,
    /// UTF-8 byte offset just past the last byte.
    pub end: usize,
    /// The recognizer's confidence, from 0 to 1.
    pub confidence: f32,
    /// The name of the recognizer, such as `"email"` or `"ssn"`.
    pub recognizer: &'static str,
}

/// The origin of a text. Context words in a column name or a speaker label raise or lower
/// confidence.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// The CSV column name or the last JSON object key of the value, if any.
    pub field: Option<&'a str>,
    /// The speaker of a conversation turn (`"client"`, `"therapist"`), if known.
    pub speaker: Option<&'a str>,
}

/// A PHI scanner, built once and reused for every text.
///
/// Building compiles one fused candidate regex and the custom patterns and borrows the name
/// dictionary, so it takes milliseconds. Scanning takes time linear in the text.
pub struct Scanner {
    options: ScanOptions,
    engine: recognizers::Engine,
    extra: options::Compiled,
}

impl fmt::Debug for Scanner {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Scanner")
            .field("options", &self.options)
            .field("dictionary", &self.engine.dictionary.is_some())
            .finish_non_exhaustive()
    }
}

impl Scanner {
    /// Builds a scanner with the built-in name dictionary, where this build has one (native
    /// builds always do, Wasm builds with the `embedded-dictionary` feature).
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidOptions`] when the minimum confidence is outside 0..=1 or a list is
    /// too long, and [`ErrorCode::InvalidPattern`] when a custom pattern does not compile.
    pub fn new(options: &ScanOptions) -> Result<Scanner, Error> {
        Scanner::with_dictionary(options, Dictionary::embedded())
    }

    /// Builds a scanner with `dictionary`, or with no name dictionary. Without one, names are
    /// found only by context: titles, self-introductions, relatives, credentials, columns.
    ///
    /// # Errors
    ///
    /// As [`Scanner::new`].
    pub fn with_dictionary(options: &ScanOptions, dictionary: Option<Dictionary>) -> Result<Scanner, Error> {
        if !(0.0..=1.0).contains(&options.min_confidence) {
            return Err(Error::new(ErrorCode::InvalidOptions, "minConfidence must be between 0 and 1")
                .with_subject("minConfidence"));
        }
        let extra = options::Compiled::new(options)?;
        let engine = recognizers::Engine::new(dictionary)?;
        Ok(Scanner { options: options.clone(), engine, extra })
    }

    /// Returns whether this scanner has a name dictionary.
    pub fn has_dictionary(&self) -> bool {
        self.engine.dictionary.is_some()
    }

    /// Returns the spans in `text`, ordered by start offset.
    pub fn scan(&self, text: &str) -> Vec<Span> {
        self.scan_in(text, &Context::default())
    }

    /// Returns the spans in `text`, weighing the column or speaker in `context`.
    ///
    /// Spans do not overlap. Offsets are UTF-8 byte offsets into `text` as given, also where
    /// zero-width characters, full-width digits or look-alike letters were folded for matching.
    pub fn scan_in(&self, text: &str, context: &Context<'_>) -> Vec<Span> {
        let normalized = normalize::normalize(text);
        let folded: &str = &normalized.text;
        let scope = recognizers::Scope { field: context.field.and_then(recognizers::field_type), speaker: context.speaker };
        let mut spans = Vec::new();
        self.engine.run(folded, &scope, &mut spans);
        self.extra.run(folded, &mut spans);
        recognizers::whole_value(folded, &scope, &mut spans);
        recognizers::resolve_overlaps(&mut spans);
        spans.retain_mut(|span| {
            let (start, end) = normalized.source_range(span.start, span.end);
            span.start = start;
            span.end = end;
            start < end
                && span.confidence >= self.options.min_confidence
                && self.options.types.contains(&span.kind)
                && !text.get(start..end).is_some_and(|value| self.extra.allowed(value))
        });
        spans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for kind in PhiType::ALL {
            assert_eq!(PhiType::from_code(kind.code()), Some(kind));
        }
        assert_eq!(PhiType::from_code("name"), None);
    }

    #[test]
    fn finds_email_and_ssn_offsets() {
        let scanner = Scanner::new(&ScanOptions::default()).unwrap();
        let text = "mail a@b.org, ssn 123-45-6789";
        let spans = scanner.scan(text);
        let found: Vec<_> = spans.iter().map(|span| (span.kind, &text[span.start..span.end])).collect();
        assert_eq!(found, [(PhiType::Email, "a@b.org"), (PhiType::Ssn, "123-45-6789")]);
    }

    #[test]
    fn rejects_out_of_range_confidence() {
        let options = ScanOptions { min_confidence: 1.5, ..ScanOptions::default() };
        assert_eq!(Scanner::new(&options).unwrap_err().code(), ErrorCode::InvalidOptions);
    }
}

