//! `techdeck-guard`: validate dataset uploads from the command line with the same core that
//! runs in browsers and Workers.
//!
//! Run `techdeck-guard validate FILE` for a readable report, or add `--json` for the report as
//! JSON. The exit status is 0 for a valid file, 1 for an invalid one, and 2 when the file could
//! not be read or an argument is invalid. Errors of the last kind go to stderr, also with
//! `--json`.
//!
//! `techdeck-guard scan FILE` prints one JSON object per PHI finding and line, and
//! `techdeck-guard redact FILE --out OUT` writes a de-identified copy and its report.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod keyserver;
mod seal;

use clap::{Parser, Subcommand};
use techdeck_guard::validate::{UploadOptions, UploadValidator};
use techdeck_guard::{limits, Finding, Report};

mod deid;

/// Size of each read from the file. The validator keeps no more than the current value.
const READ_CHUNK_BYTES: usize = 1 << 20;

#[derive(Parser)]
#[command(name = "techdeck-guard", version, about = "Validate and de-identify clinical conversation datasets")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a CSV, JSON, JSONL or Parquet file and print the report.
    Validate(ValidateArgs),
    /// Write a new key file with a random key-encryption key.
    Keygen(seal::KeygenArgs),
    /// Encrypt a file into the techdeck-guard encrypted format (.tdg).
    Encrypt(seal::EncryptArgs),
    /// Decrypt a .tdg file. The output appears only once the whole file has verified.
    Decrypt(seal::DecryptArgs),
    /// Print the header of a .tdg file: ids, level, sizes. It shows no key.
    Inspect(seal::InspectArgs),
    /// Find PHI in a CSV, JSON, JSONL, Parquet or text file and print one JSON object per
    /// finding and line.
    Scan(deid::ScanArgs),
    /// Write a de-identified copy of a CSV, JSON, JSONL or text file and print its Safe Harbor
    /// report.
    Redact(deid::RedactArgs),
}

#[derive(clap::Args)]
struct ValidateArgs {
    /// The file to validate. Its name is checked as an upload's name would be.
    file: PathBuf,

    /// The content type the upload declares, for example text/csv.
    #[arg(long, value_name = "TYPE")]
    content_type: Option<String>,

    /// Maximum file size in MiB.
    #[arg(long, value_name = "MIB", env = "MAX_FILE_SIZE_MB", default_value_t = limits::DEFAULT_MAX_FILE_SIZE_MB)]
    max_file_size_mb: u64,

    /// CSV delimiter: ',', ';', '|' or 'tab'. Detected from the file when absent.
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<String>,

    /// Print the report as JSON instead of text.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Scan(args) => deid::scan(&args),
        Command::Redact(args) => deid::redact(&args),
        Command::Validate(args) => match validate(&args) {
            Ok(report) => {
                let printed = if args.json { print_json(&report) } else { print_text(&args, &report) };
                if let Err(error) = printed {
                    if error.kind() != io::ErrorKind::BrokenPipe {
                        eprintln!("techdeck-guard: cannot write the report: {error}");
                    }
                    return ExitCode::from(2);
                }
                if report.valid {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                }
            }
            Err(message) => {
                eprintln!("techdeck-guard: {message}");
                ExitCode::from(2)
            }
        },
        Command::Keygen(args) => exit_status(seal::keygen(&args)),
        Command::Encrypt(args) => exit_status(seal::encrypt(&args)),
        Command::Decrypt(args) => exit_status(seal::decrypt(&args)),
        Command::Inspect(args) => exit_status(seal::inspect(&args)),
    }
}

/// Returns 0 on success; otherwise prints the message to stderr and returns 2.
fn exit_status(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("techdeck-guard: {message}");
            ExitCode::from(2)
        }
    }
}

fn validate(args: &ValidateArgs) -> Result<Report, String> {
    let name = args
        .file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{} is not a file name", args.file.display()))?;
    let mut file = File::open(&args.file).map_err(|error| format!("cannot open {}: {error}", args.file.display()))?;
    let metadata = file
        .metadata()
        .map_err(|error| format!("cannot read the size of {}: {error}", args.file.display()))?;
    if !metadata.is_file() {
        return Err(format!("{} is not a regular file", args.file.display()));
    }
    let size = metadata.len();

    let mut options = UploadOptions::new(name)
        .declared_size(size)
        .max_file_size_mb(args.max_file_size_mb)
        .map_err(|error| {
            format!(
                "{}\nhint: pass --max-file-size-mb (or set MAX_FILE_SIZE_MB) with a value from 1 to {}",
                error.message(),
                limits::MAX_FILE_SIZE_MB_CEILING
            )
        })?;
    if let Some(content_type) = &args.content_type {
        options = options.content_type(content_type.clone());
    }
    if let Some(delimiter) = &args.delimiter {
        let requested = match delimiter.as_str() {
            "tab" | "\\t" | "\t" => '\t',
            other if other.chars().count() == 1 => other.chars().next().unwrap_or(','),
            _ => '\0',
        };
        options = options
            .csv_delimiter(requested)
            .map_err(|_| format!("invalid delimiter {delimiter:?}\nhint: pass --delimiter ',' or ';' or '|' or tab"))?;
    }

    let mut validator = UploadValidator::new(options);
    let mut buffer = vec![0u8; READ_CHUNK_BYTES];
    while !validator.is_rejected() {
        let read = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(format!("cannot read {}: {error}", args.file.display())),
        };
        validator.update(&buffer[..read]).map_err(|error| error.to_string())?;
    }
    validator.finish().map_err(|error| error.to_string())
}

fn print_json(report: &Report) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, report).map_err(io::Error::other)?;
    writeln!(out)
}

fn print_text(args: &ValidateArgs, report: &Report) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let verdict = if report.valid { "valid" } else { "invalid" };
    writeln!(
        out,
        "{}: {verdict} ({} {}, {} {})",
        args.file.display(),
        report.errors.len(),
        plural(report.errors.len() as u64, "error", "errors"),
        report.warnings.len(),
        plural(report.warnings.len() as u64, "warning", "warnings"),
    )?;
    for finding in report.errors.iter().chain(&report.warnings) {
        write_finding(&mut out, finding)?;
    }
    let stats = &report.stats;
    let format = stats.format.unwrap_or("unknown format");
    writeln!(
        out,
        "read {} {} as {format}: {} {}, {} {}",
        stats.bytes,
        plural(stats.bytes, "byte", "bytes"),
        stats.records,
        plural(stats.records, "record", "records"),
        stats.values,
        plural(stats.values, "value", "values"),
    )?;
    if stats.suppressed > 0 {
        writeln!(
            out,
            "{} more {} counted but not listed (at most {} per code)",
            stats.suppressed,
            plural(stats.suppressed, "finding was", "findings were"),
            limits::MAX_FINDINGS_PER_CODE
        )?;
    }
    Ok(())
}

fn write_finding(out: &mut impl Write, finding: &Finding) -> io::Result<()> {
    let severity = match finding.severity {
        techdeck_guard::Severity::Error => "error",
        techdeck_guard::Severity::Warning => "warning",
    };
    let code = match finding.rule {
        Some(rule) => format!("{}/{rule}", finding.code.as_str()),
        None => finding.code.as_str().to_owned(),
    };
    writeln!(out, "{severity}[{code}] {}: {}", finding.location.describe(), finding.message)
}

fn plural(count: u64, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 {
        one
    } else {
        many
    }
}
