//! The `scan` and `redact` commands: PHI findings as JSON Lines, and de-identified copies.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use techdeck_guard::dataset::{Format, ReaderOptions};
use techdeck_guard::deid::{
    redact_parquet_seekable, DatasetOptions, DatasetScan, Input, Key, Operators, PhiFinding, RedactOptions, Redactor, TextScan,
};
use techdeck_guard::phi::{ScanOptions, Scanner};
use techdeck_guard::Finding;

use super::READ_CHUNK_BYTES;

#[derive(clap::Args)]
pub(crate) struct ScanArgs {
    /// The file to scan.
    file: PathBuf,

    /// How to read the file: csv, json, jsonl, parquet or text. Taken from the extension when
    /// absent.
    #[arg(long, value_name = "FORMAT")]
    format: Option<String>,

    /// Drop findings below this confidence, from 0 to 1.
    #[arg(long, value_name = "X", default_value_t = ScanOptions::default().min_confidence)]
    min_confidence: f32,

    /// Add the found text to each finding. It is PHI: keep the output as protected as the file.
    #[arg(long)]
    show_text: bool,

    /// CSV delimiter: ',', ';', '|' or 'tab'. Detected from the file when absent.
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<String>,
}

#[derive(clap::Args)]
pub(crate) struct RedactArgs {
    /// The file to de-identify.
    file: PathBuf,

    /// Path of the de-identified file. It is written only when every value could be read.
    /// Otherwise no file is left there and the exit status is 1.
    #[arg(long, value_name = "OUT")]
    out: PathBuf,

    /// How to read the file: csv, json, jsonl, parquet or text. Taken from the extension when
    /// absent. A Parquet file is read and written one row group at a time.
    #[arg(long, value_name = "FORMAT")]
    format: Option<String>,

    /// The operator for a type, such as NAME=pseudonym or *=mask. Operators: tag (the
    /// default), mask, remove, hash, pseudonym, surrogate, shift, keep. Repeatable.
    #[arg(long = "operator", value_name = "TYPE=OPERATOR")]
    operators: Vec<String>,

    /// The per-dataset key of hash, pseudonym, surrogate and shift: a file of 32 raw bytes or
    /// 64 hex digits.
    #[arg(long, value_name = "K")]
    key_file: Option<PathBuf>,

    /// The column or JSON key that names the person a record is about. Dates of one subject
    /// shift by the same number of days. A nested Parquet column is named by its path, such
    /// as client.id, and must be a string column.
    #[arg(long, value_name = "NAME")]
    subject_field: Option<String>,

    /// Path of the Safe Harbor report, written as JSON. Standard output when absent.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,

    /// Leave findings below this confidence unchanged, from 0 to 1.
    #[arg(long, value_name = "X", default_value_t = ScanOptions::default().min_confidence)]
    min_confidence: f32,

    /// CSV delimiter: ',', ';', '|' or 'tab'. Detected from the file when absent.
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<String>,
}

/// Runs `scan`: exit status 0 when every value was scanned, 1 when some could not be read,
/// 2 when the file or an argument is invalid.
pub(crate) fn scan(args: &ScanArgs) -> ExitCode {
    match run_scan(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        // A closed pipe (`scan FILE | head`) means the reader has what it wanted.
        Err(message) if message == BROKEN_PIPE => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

/// The error text of a write to a closed pipe, which `scan` does not report.
const BROKEN_PIPE: &str = "broken pipe";

/// Runs `redact`, with the exit statuses of [`scan`].
pub(crate) fn redact(args: &RedactArgs) -> ExitCode {
    match run_redact(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("techdeck-guard: {message}");
    ExitCode::from(2)
}

fn input_of(path: &Path, format: Option<&str>) -> Result<Input, String> {
    let name = match format {
        Some(name) => name.to_owned(),
        None => path.extension().map(|extension| extension.to_string_lossy().to_lowercase()).unwrap_or_default(),
    };
    Input::from_name(&name).ok_or_else(|| match format {
        Some(_) => format!("unknown format {name:?}\nhint: pass --format csv, json, jsonl, parquet or text"),
        None => format!("cannot tell the format of {}\nhint: pass --format csv, json, jsonl, parquet or text", path.display()),
    })
}

fn delimiter_of(delimiter: Option<&str>) -> Result<Option<u8>, String> {
    match delimiter {
        None => Ok(None),
        Some("tab" | "\\t" | "\t") => Ok(Some(b'\t')),
        Some(other) if matches!(other, "," | ";" | "|") => Ok(other.bytes().next()),
        Some(other) => Err(format!("invalid delimiter {other:?}\nhint: pass --delimiter ',' or ';' or '|' or tab")),
    }
}

fn scanner_for(min_confidence: f32) -> Result<Arc<Scanner>, String> {
    let options = ScanOptions { min_confidence, ..ScanOptions::default() };
    let scanner = Scanner::new(&options).map_err(|error| {
        format!("{}\nhint: pass --min-confidence with a value from 0 to 1", error.message())
    })?;
    Ok(Arc::new(scanner))
}

fn open(path: &Path) -> Result<File, String> {
    let file = File::open(path).map_err(|error| format!("cannot open {}: {error}", path.display()))?;
    let metadata = file.metadata().map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    if !metadata.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    Ok(file)
}

/// Calls `each` with every chunk of the file.
fn read_chunks(path: &Path, mut each: impl FnMut(&[u8]) -> Result<(), String>) -> Result<(), String> {
    let mut file = open(path)?;
    let mut buffer = vec![0u8; READ_CHUNK_BYTES];
    loop {
        let read = match file.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(format!("cannot read {}: {error}", path.display())),
        };
        each(&buffer[..read])?;
    }
}

fn write_findings(out: &mut impl Write, findings: &[PhiFinding]) -> Result<(), String> {
    for finding in findings {
        serde_json::to_writer(&mut *out, finding).map_err(|error| write_error(error.into()))?;
        out.write_all(b"\n").map_err(write_error)?;
    }
    Ok(())
}

fn write_error(error: io::Error) -> String {
    if error.kind() == io::ErrorKind::BrokenPipe {
        return BROKEN_PIPE.to_owned();
    }
    format!("cannot write the output: {error}")
}

fn run_scan(args: &ScanArgs) -> Result<bool, String> {
    let input = input_of(&args.file, args.format.as_deref())?;
    let scanner = scanner_for(args.min_confidence)?;
    let reader = ReaderOptions { csv_delimiter: delimiter_of(args.delimiter.as_deref())? };
    let mut out = BufWriter::new(io::stdout().lock());
    let complete = match input {
        Input::Text => {
            let options = DatasetOptions { include_text: args.show_text, ..DatasetOptions::default() };
            let mut scan = TextScan::new(scanner, &options);
            read_chunks(&args.file, |chunk| write_findings(&mut out, &scan.feed(chunk)))?;
            write_findings(&mut out, &scan.finish())?;
            true
        }
        Input::Dataset(format) => {
            let options = DatasetOptions { reader, min_confidence: args.min_confidence, include_text: args.show_text, utf16_offsets: false };
            let mut scan = DatasetScan::new(format, scanner, &options);
            read_chunks(&args.file, |chunk| write_findings(&mut out, &scan.feed(chunk)))?;
            let last = scan.finish().map_err(|error| error.to_string())?;
            write_findings(&mut out, &last)?;
            let summary = scan.summary();
            report_problems(&summary.problems, summary.complete);
            summary.complete
        }
    };
    out.flush().map_err(write_error)?;
    Ok(complete)
}

/// Writes the reader's problems to stderr. Their messages never quote a value.
fn report_problems(problems: &[Finding], complete: bool) {
    for problem in problems {
        eprintln!("techdeck-guard: {}[{}] {}: {}", severity(problem), problem.code.as_str(), problem.location.describe(), problem.message);
    }
    if !complete {
        eprintln!("techdeck-guard: some values could not be read, so they were not scanned");
    }
}

fn severity(finding: &Finding) -> &'static str {
    match finding.severity {
        techdeck_guard::Severity::Error => "error",
        techdeck_guard::Severity::Warning => "warning",
    }
}

fn run_redact(args: &RedactArgs) -> Result<bool, String> {
    let input = input_of(&args.file, args.format.as_deref())?;
    if same_file(&args.file, &args.out) {
        return Err("--out names the input file\nhint: write the de-identified copy to another path".to_owned());
    }
    let mut operators = Operators::default();
    for setting in &args.operators {
        operators.apply_setting(setting).map_err(|error| format!("invalid --operator: {}", error.message()))?;
    }
    operators.subject_field = args.subject_field.clone();
    let key = match &args.key_file {
        Some(path) => {
            let content = zeroize::Zeroizing::new(fs::read(path).map_err(|error| format!("cannot read the key file {}: {error}", path.display()))?);
            Some(Key::from_file_content(&content).map_err(|error| format!("invalid key file {}: {}", path.display(), error.message()))?)
        }
        None => None,
    };
    if operators.needs_key() && key.is_none() {
        return Err("the hash, pseudonym, surrogate and shift operators need a key\n\
                    hint: create one with `head -c 32 /dev/urandom > dataset.key`, keep it secret, and pass --key-file dataset.key"
            .to_owned());
    }
    let reader = ReaderOptions { csv_delimiter: delimiter_of(args.delimiter.as_deref())? };
    let dataset = DatasetOptions { reader, min_confidence: args.min_confidence, ..DatasetOptions::default() };
    let options = RedactOptions { operators, key, dataset };
    let scanner = scanner_for(args.min_confidence)?;

    let partial = partial_path(&args.out);
    let result = if input == Input::Dataset(Format::Parquet) {
        write_redacted_parquet(args, &partial, scanner, options)
    } else {
        let mut redactor = Redactor::new(input, scanner, options).map_err(|error| error.message().to_owned())?;
        write_redacted(args, &partial, &mut redactor)
    };
    let report = match result {
        Ok(report) => report,
        Err(message) => {
            let _ = fs::remove_file(&partial);
            return Err(message);
        }
    };
    if report.complete {
        fs::rename(&partial, &args.out).map_err(|error| format!("cannot write {}: {error}", args.out.display()))?;
    } else {
        let _ = fs::remove_file(&partial);
    }
    write_report(args.report.as_deref(), &report)?;
    report_problems(&report.problems, report.complete);
    if !report.complete {
        eprintln!("techdeck-guard: the output was not written, because it could still hold PHI");
    }
    Ok(report.complete)
}

fn write_redacted(args: &RedactArgs, partial: &Path, redactor: &mut Redactor) -> Result<techdeck_guard::deid::SafeHarborReport, String> {
    let file = File::create(partial).map_err(|error| format!("cannot create {}: {error}", partial.display()))?;
    let mut out = BufWriter::new(file);
    let mut buffer = Vec::with_capacity(READ_CHUNK_BYTES);
    read_chunks(&args.file, |chunk| {
        buffer.clear();
        redactor.feed(chunk, &mut buffer);
        out.write_all(&buffer).map_err(write_error)
    })?;
    buffer.clear();
    let report = redactor.finish(&mut buffer).map_err(|error| error.to_string())?;
    out.write_all(&buffer).map_err(write_error)?;
    out.into_inner().map_err(|error| write_error(error.into_error()))?.sync_all().map_err(write_error)?;
    Ok(report)
}

/// Redacts a Parquet file with random access, one row group at a time, so that memory does not
/// grow with the file.
fn write_redacted_parquet(
    args: &RedactArgs,
    partial: &Path,
    scanner: Arc<Scanner>,
    options: RedactOptions,
) -> Result<techdeck_guard::deid::SafeHarborReport, String> {
    let mut input = io::BufReader::new(open(&args.file)?);
    let file = File::create(partial).map_err(|error| format!("cannot create {}: {error}", partial.display()))?;
    let mut out = BufWriter::new(file);
    let report = redact_parquet_seekable(&mut input, &mut out, scanner, options)
        .map_err(|error| format!("cannot redact {} into {}: {error}", args.file.display(), partial.display()))?
        .map_err(|error| error.to_string())?;
    out.into_inner().map_err(|error| write_error(error.into_error()))?.sync_all().map_err(write_error)?;
    Ok(report)
}

fn write_report(path: Option<&Path>, report: &techdeck_guard::deid::SafeHarborReport) -> Result<(), String> {
    let mut json = serde_json::to_vec_pretty(report).map_err(|error| error.to_string())?;
    json.push(b'\n');
    match path {
        Some(path) => fs::write(path, json).map_err(|error| format!("cannot write the report {}: {error}", path.display())),
        None => io::stdout().lock().write_all(&json).map_err(write_error),
    }
}

/// The output is written next to its final path and renamed when complete, so a reader of
/// `OUT` never gets a partial or incomplete file.
fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().map(|name| name.to_os_string()).unwrap_or_default();
    name.push(".partial");
    out.with_file_name(name)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
