//! Redaction of Parquet files.
//!
//! A Parquet file cannot be rewritten in place as text can: its footer comes last, and the
//! pages of a rewritten column get new sizes. So the streaming [`Redactor`](super::Redactor)
//! keeps the file's bytes, up to [`MAX_PARQUET_STREAM_BYTES`], and rewrites it when the input
//! ends. [`redact_parquet_seekable`] reads a seekable file instead, one row group at a time.
//! Every string value goes through the same [`Analyzer`] and operators as a CSV cell, and the
//! other columns are copied unchanged.
//!
//! With per-subject date shifting, the subject column of each row group is decoded before
//! that row group is rewritten, so the subjects kept in memory are those of one row group.

use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Arc;

use super::super::dataset::Analyzer;
use super::super::operators::{Operator, Replacer};
use super::super::report::{SafeHarborReport, Tally};
use super::{dates_per_subject, replace_spans, RedactOptions};
use crate::dataset::parquet::{rewrite_seekable, rewrite_with, Cell, Editor, RewriteError, RewriteOptions, RowGroup};
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
        let mut editor = RedactEditor::new(&mut self.analyzer, &self.replacer, self.per_subject);
        let output = rewrite_with(&input, &RewriteOptions::default(), &mut editor).map_err(unreadable)?;
        out.extend_from_slice(&output);
        Ok(editor.report())
    }
}

/// Redacts the seekable Parquet file `input` into `output` and returns the Safe Harbor report.
/// It reads the footer and then one row group at a time, so memory is bounded by one row group
/// and its rewritten copy, and the file may be larger than the [`Redactor`](super::Redactor)'s
/// [`MAX_PARQUET_STREAM_BYTES`]. The output is a valid file only when the report is returned.
///
/// # Errors
///
/// The outer error when reading or writing fails. The inner one is
/// [`ErrorCode::InvalidKey`](crate::ErrorCode::InvalidKey) when an operator needs a key and none
/// is given, and [`ErrorCode::ParquetUnreadable`](crate::ErrorCode::ParquetUnreadable) when the
/// file is invalid, has a text column that the writer cannot rewrite, or has a row group over
/// `MAX_PARQUET_STREAM_BYTES`.
pub fn redact_parquet_seekable<R: Read + Seek>(
    input: &mut R,
    output: &mut dyn Write,
    scanner: Arc<Scanner>,
    options: RedactOptions,
) -> std::io::Result<Result<SafeHarborReport, Error>> {
    let replacer = match Replacer::new(options.operators, options.key) {
        Ok(replacer) => replacer,
        Err(error) => return Ok(Err(error)),
    };
    let per_subject = dates_per_subject(&replacer);
    let mut analyzer = Analyzer::new(scanner, Format::Parquet, options.dataset.min_confidence);
    let bytes = input.seek(SeekFrom::End(0))?;
    let mut editor = RedactEditor::new(&mut analyzer, &replacer, per_subject);
    match rewrite_seekable(input, output, &RewriteOptions::default(), &mut editor) {
        Ok(_) => {}
        Err(RewriteError::Io(error)) => return Err(error),
        Err(RewriteError::Parquet(finding)) => return Ok(Err(unreadable(*finding))),
    }
    let mut report = editor.report();
    report.bytes = bytes;
    Ok(Ok(report))
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

impl<'a> RedactEditor<'a> {
    fn new(analyzer: &'a mut Analyzer, replacer: &'a Replacer, per_subject: bool) -> Self {
        RedactEditor {
            analyzer,
            replacer,
            subject_field: replacer.operators().subject_field.as_deref().filter(|_| per_subject),
            subjects: Vec::new(),
            first_record: 1,
            records: 0,
            tally: Tally::default(),
            problems: Findings::default(),
        }
    }

    /// Returns the report of the values edited so far, without the byte count.
    fn report(&self) -> SafeHarborReport {
        let mut report = self.tally.report(Format::Parquet.extension(), self.replacer.operators());
        report.records = self.records;
        report.problems = self.problems.errors.iter().chain(&self.problems.warnings).cloned().collect();
        report
    }
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
