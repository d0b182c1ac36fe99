//! Redaction of Parquet files.
//!
//! A Parquet file cannot be rewritten in place as text can: its footer comes last, and the
//! pages of a rewritten column get new sizes. So the redactor keeps the file's bytes, up to
//! [`MAX_PARQUET_STREAM_BYTES`], and rewrites it when the input ends, with
//! [`rewrite_with`]. Every string value goes through the same [`Analyzer`] and operators as
//! a CSV cell, and the other columns are copied unchanged.
//!
//! With per-subject date shifting, the subject column of each row group is decoded before
//! that row group is rewritten, so the subjects kept in memory are those of one row group.

use std::sync::Arc;

use super::super::dataset::Analyzer;
use super::super::operators::{Operator, Replacer};
use super::super::report::{SafeHarborReport, Tally};
use super::replace_spans;
use crate::dataset::parquet::{rewrite_with, Cell, Editor, RewriteOptions, RowGroup};
use crate::dataset::{Field, Format, Value, ValueKind};
use crate::error::{Error, ErrorCode};
use crate::limits::MAX_PARQUET_STREAM_BYTES;
use crate::phi::{PhiType, Scanner};
use crate::report::Findings;
use crate::Finding;

/// The Parquet side of a redactor: the buffered file and what the rewrite needs.
pub(super) struct ParquetState {
    buffer: Vec<u8>,
    /// Set once the input outgrew [`MAX_PARQUET_STREAM_BYTES`]; from then on nothing is kept.
    overflowed: bool,
    analyzer: Analyzer,
    replacer: Replacer,
    per_subject: bool,
}

impl ParquetState {
    pub(super) fn new(scanner: Arc<Scanner>, replacer: Replacer, min_confidence: f32, per_subject: bool) -> Self {
        ParquetState {
            buffer: Vec::new(),
            overflowed: false,
            analyzer: Analyzer::new(scanner, Format::Parquet, min_confidence),
            replacer,
            per_subject,
        }
    }

    /// Keeps `chunk` while the file fits in the limit.
    pub(super) fn feed(&mut self, chunk: &[u8]) {
        if self.overflowed {
            return;
        }
        if self.buffer.len() + chunk.len() > MAX_PARQUET_STREAM_BYTES {
            self.overflowed = true;
            self.buffer = Vec::new();
            return;
        }
        self.buffer.extend_from_slice(chunk);
    }

    /// Rewrites the file into `out` and returns the report without its byte count.
    pub(super) fn finish(&mut self, out: &mut Vec<u8>) -> Result<SafeHarborReport, Error> {
        if self.overflowed {
            let message = format!(
                "Parquet file is larger than the {MAX_PARQUET_STREAM_BYTES}-byte limit of the redactor; split it into smaller files"
            );
            return Err(Error::new(ErrorCode::InputTooLarge, message).with_subject("file"));
        }
        let input = std::mem::take(&mut self.buffer);
        let mut editor = RedactEditor {
            analyzer: &mut self.analyzer,
            replacer: &self.replacer,
            subject_field: self.replacer.operators().subject_field.as_deref().filter(|_| self.per_subject),
            subjects: Vec::new(),
            first_record: 1,
            records: 0,
            tally: Tally::default(),
            problems: Findings::default(),
        };
        let output = rewrite_with(&input, &RewriteOptions::default(), &mut editor).map_err(unreadable)?;
        out.extend_from_slice(&output);

        let mut report = editor.tally.report(Format::Parquet.extension(), self.replacer.operators());
        report.records = editor.records;
        report.problems = editor.problems.errors.iter().chain(&editor.problems.warnings).cloned().collect();
        Ok(report)
    }
}

/// Returns the error for a file that the writer cannot rewrite. Findings never quote a value,
/// and the column label names the schema's column, as report locations do.
fn unreadable(finding: Finding) -> Error {
    let mut message = format!("Parquet file cannot be redacted: {}", finding.message);
    if let Some(column) = &finding.location.column {
        message.push_str(&format!(" (column {column})"));
    }
    let error = Error::new(ErrorCode::ParquetUnreadable, message);
    match finding.rule {
        Some(rule) => error.with_subject(rule),
        None => error,
    }
}

/// Analyzes each string value and returns its redacted text.
struct RedactEditor<'a> {
    analyzer: &'a mut Analyzer,
    replacer: &'a Replacer,
    /// The subject column's path, when dates shift per subject.
    subject_field: Option<&'a str>,
    /// The subject of each row of the current row group, `None` where the value is null.
    subjects: Vec<Option<String>>,
    /// The record of the current row group's first row.
    first_record: u64,
    records: u64,
    tally: Tally,
    problems: Findings,
}

impl Editor for RedactEditor<'_> {
    fn row_group(&mut self, group: &RowGroup<'_>) {
        self.first_record = group.first_record();
        self.records += group.num_rows();
        self.subjects.clear();
        let Some(field) = self.subject_field else { return };
        // NOTE: only a text column can be the subject, since the reader decodes no other
        // type. With a numeric subject column every date shifts by the dataset's offset, and
        // the report counts those dates in dates_without_subject.
        let Some(column) = group.column_index(field) else { return };
        let mut subjects = vec![None; usize::try_from(group.num_rows()).unwrap_or(0)];
        let result = group.column_text(column, &mut |row, text| {
            if let Some(slot) = subjects.get_mut(row as usize) {
                slot.get_or_insert_with(|| text.to_owned());
            }
        });
        if let Err(finding) = result {
            self.problems.push(finding);
        }
        self.subjects = subjects;
    }

    fn edit(&mut self, cell: &Cell<'_>, text: &str) -> Option<String> {
        let value = Value {
            kind: ValueKind::String,
            text,
            line: 0,
            offset: 0,
            record: Some(cell.record),
            field: Field::Column { index: cell.column, name: Some(cell.name) },
        };
        let analysis = self.analyzer.analyze(&value)?;
        self.tally.values += 1;
        if analysis.spans.is_empty() {
            return None;
        }

        let subject = match self.subject_field {
            Some(_) => self.subjects.get((cell.record - self.first_record) as usize).and_then(Option::as_deref),
            None => None,
        };
        let (replaced, counted) = replace_spans(text, &analysis.spans, self.replacer, subject);
        let date_shifts = matches!(self.replacer.operators().get(PhiType::Date), Operator::Shift | Operator::Surrogate);
        for (kind, changed) in counted {
            self.tally.count(&analysis.group, kind, changed);
            if kind == PhiType::Date && date_shifts && self.subject_field.is_some() && subject.is_none() {
                self.tally.dates_without_subject += 1;
            }
        }
        if replaced == text {
            return None;
        }
        self.tally.changed_values += 1;
        Some(replaced)
    }
}

#[cfg(test)]
mod tests;
