//! The Safe Harbor report of a redaction: what was found and changed, per type and per
//! location. It contains counts, type codes, operator names, column names and JSON Pointer
//! patterns, never a value or any part of one.

use std::collections::BTreeMap;

use serde::Serialize;

use super::dataset::serialize_kind;
use super::operators::Operators;
use crate::phi::PhiType;
use crate::Finding;

/// Locations listed in a report. Further locations are only counted, in
/// [`SafeHarborReport::omitted_locations`].
pub const MAX_REPORT_LOCATIONS: usize = 1000;

/// Counts for one type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TypeCount {
    /// The type code.
    #[serde(rename = "type", serialize_with = "serialize_kind")]
    pub kind: PhiType,
    /// The operator applied to this type.
    pub operator: &'static str,
    /// Findings of this type.
    pub found: u64,
    /// Findings whose replacement differs from the text.
    pub changed: u64,
}

/// Counts for one type at one location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LocationCount {
    /// The CSV column, the JSON Pointer pattern with array indices as `*`, or `text`.
    pub location: String,
    /// The type code.
    #[serde(rename = "type", serialize_with = "serialize_kind")]
    pub kind: PhiType,
    /// Findings of this type here.
    pub found: u64,
    /// Findings changed here.
    pub changed: u64,
}

/// The counts of a redaction's findings and changes. See the [module documentation](self).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SafeHarborReport {
    /// `csv`, `json`, `jsonl`, `parquet` or `text`.
    pub format: &'static str,
    /// `false` when some value could not be read or rewritten, so the output may still hold
    /// PHI. Such output must not be shared.
    pub complete: bool,
    /// Bytes read.
    pub bytes: u64,
    /// Data records read.
    pub records: u64,
    /// Values scanned.
    pub values: u64,
    /// Values rewritten.
    pub changed_values: u64,
    /// Per type, in type order, only types that were found.
    pub types: Vec<TypeCount>,
    /// Per location and type.
    pub locations: Vec<LocationCount>,
    /// Location entries beyond [`MAX_REPORT_LOCATIONS`], counted only.
    pub omitted_locations: u64,
    /// Dates shifted by the dataset's offset because their record had no subject value.
    pub dates_without_subject: u64,
    /// Values with PHI that were copied unchanged because they could not be rewritten.
    pub unredacted_values: u64,
    /// Problems that the reader reported, at most 100 per code, without values.
    pub problems: Vec<Finding>,
}

/// Collects the counts of a report.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    types: BTreeMap<PhiType, (u64, u64)>,
    locations: BTreeMap<(String, PhiType), (u64, u64)>,
    omitted: u64,
    pub(crate) values: u64,
    pub(crate) changed_values: u64,
    pub(crate) dates_without_subject: u64,
    pub(crate) unredacted_values: u64,
}

impl Tally {
    pub(crate) fn count(&mut self, location: &str, kind: PhiType, changed: bool) {
        let entry = self.types.entry(kind).or_default();
        entry.0 += 1;
        entry.1 += u64::from(changed);
        let key = (location.to_owned(), kind);
        let known = self.locations.contains_key(&key);
        if !known && self.locations.len() >= MAX_REPORT_LOCATIONS {
            self.omitted += 1;
            return;
        }
        let entry = self.locations.entry(key).or_default();
        entry.0 += 1;
        entry.1 += u64::from(changed);
    }

    pub(crate) fn report(&self, format: &'static str, operators: &Operators) -> SafeHarborReport {
        SafeHarborReport {
            format,
            complete: self.unredacted_values == 0,
            values: self.values,
            changed_values: self.changed_values,
            types: self
                .types
                .iter()
                .map(|(&kind, &(found, changed))| TypeCount { kind, operator: operators.get(kind).name(), found, changed })
                .collect(),
            locations: self
                .locations
                .iter()
                .map(|((location, kind), &(found, changed))| LocationCount {
                    location: location.clone(),
                    kind: *kind,
                    found,
                    changed,
                })
                .collect(),
            omitted_locations: self.omitted,
            dates_without_subject: self.dates_without_subject,
            unredacted_values: self.unredacted_values,
            ..SafeHarborReport::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_type_and_location() {
        let mut tally = Tally::default();
        tally.count("note", PhiType::Email, true);
        tally.count("note", PhiType::Email, false);
        tally.count("/*/ssn", PhiType::Ssn, true);
        let report = tally.report("csv", &Operators::default());
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["types"][0], serde_json::json!({"type": "EMAIL", "operator": "tag", "found": 2, "changed": 1}));
        assert_eq!(json["locations"][0], serde_json::json!({"location": "/*/ssn", "type": "SSN", "found": 1, "changed": 1}));
        assert_eq!(json["complete"], true);
    }

    #[test]
    fn locations_are_capped() {
        let mut tally = Tally::default();
        for n in 0..MAX_REPORT_LOCATIONS + 5 {
            tally.count(&format!("c{n}"), PhiType::Name, true);
        }
        let report = tally.report("csv", &Operators::default());
        assert_eq!(report.locations.len(), MAX_REPORT_LOCATIONS);
        assert_eq!(report.omitted_locations, 5);
        assert_eq!(report.types[0].found, MAX_REPORT_LOCATIONS as u64 + 5);
    }
}
