//! De-identification of datasets: find PHI in every value of a CSV, JSON, JSON Lines or Parquet
//! file (or a plain-text file) and write a copy with each identifier replaced, in the same
//! format.
//!
//! - [`DatasetScan`] and [`TextScan`] scan a file chunk by chunk and return
//!   [`PhiFinding`]s: a location (CSV row and column, JSON Pointer, JSON Lines line and
//!   pointer), the type and UTF-8 byte offsets into the value. A column is PHI as a whole when
//!   its name or its first values mark it as one (see [`columns`]).
//! - [`Redactor`] rewrites the file with an [`Operator`] per type and returns a
//!   [`SafeHarborReport`] of what was found and changed. [`redact_parquet_seekable`] does the
//!   same for a Parquet file with random access, one row group at a time.
//!
//! Neither findings, reports, errors nor `Debug` output contain the text of a value.

pub mod columns;
mod dataset;
mod dates;
mod operators;
mod redact;
mod report;

pub use dataset::{DatasetOptions, DatasetScan, PhiFinding, PhiLocation, ScanSummary, TextScan, Utf16Range, TEXT_BLOCK_BYTES};
pub use operators::{Key, Operator, Operators, KEY_LEN, MAX_SHIFT_DAYS};
pub use redact::{redact_parquet_seekable, Input, RedactOptions, Redactor, MAX_REDACT_PENDING_BYTES};
pub use report::{LocationCount, SafeHarborReport, TypeCount, MAX_REPORT_LOCATIONS};
