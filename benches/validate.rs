//! Native throughput and peak memory of upload validation, beside an anchor measured in the same
//! process on the same bytes. For CSV the anchor is the `csv` crate reading every record as a
//! `StringRecord`, so it validates UTF-8 too. For JSON Lines it is `serde_json` parsing each line
//! into a `Value`.
//!
//! A third figure, the dataset reader alone with a sink that only counts values, splits the
//! validator's time into reading the structure and checking the values.
//!
//! All read the file from disk through 1 MiB buffers, so they pay the same I/O cost and neither
//! keeps the whole file in memory. Runs of the validator and the anchor alternate, after one
//! untimed warm-up run of each, so a burst of load on the machine hits both alike.
//!
//! Run with (a plain `cargo bench` uses the size-optimized release profile):
//!
//! ```text
//! cargo bench --profile release-native --bench validate -- [--runs N] [--json] [FILE...]
//! ```
//!
//! Without FILE arguments it reads the counsel-chat CSV from the shared data folder and the files
//! that `node bench/make-data.mjs` writes to `target/bench/`. With `--json` the results go to
//! stdout as one JSON array for `bench/table.mjs`, and progress always goes to stderr. Run by
//! `cargo test --benches` instead, it makes one pass over the counsel-chat CSV as a smoke test.

use std::fs::File;
use std::hint::black_box;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use techdeck_guard::dataset::{self, Format, ReaderOptions, Sink, Value};
use techdeck_guard::validate::{UploadOptions, UploadValidator};
use techdeck_guard::Finding;

const CHUNK_BYTES: usize = 1 << 20;
const DEFAULT_RUNS: usize = 5;
/// Enough for the generated 100 MiB files, whose size is just over the default maximum.
const MAX_FILE_SIZE_MB: u64 = 1024;
const DEFAULT_INPUTS: &[&str] = &[
    "../shared/data/therapy/counsel-chat/20200325_counsel_chat.csv",
    "target/bench/sessions-100mb.csv",
    "target/bench/sessions-100mb.jsonl",
];

/// Counts from one pass over a file, so a run that silently read nothing is visible.
struct Pass {
    records: u64,
    values: u64,
    valid: bool,
    errors: usize,
}

struct Samples {
    times: Vec<Duration>,
    /// Peak resident set size over all runs, in bytes.
    peak_rss: u64,
}

fn main() {
    let mut runs = None;
    let mut print_json = false;
    let mut is_bench = false;
    let mut inputs: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = Some(args.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0).unwrap_or_else(|| usage())),
            "--json" => print_json = true,
            // `cargo bench` passes --bench to every bench binary, and `cargo test --benches` does not.
            "--bench" => is_bench = true,
            flag if flag.starts_with("--") => usage(),
            path => inputs.push(PathBuf::from(path)),
        }
    }
    if inputs.is_empty() {
        inputs = DEFAULT_INPUTS.iter().map(PathBuf::from).collect();
        // Under `cargo test` the benchmark is only a smoke test: one run over the small file.
        if !is_bench {
            inputs.truncate(1);
        }
    }
    let runs = runs.unwrap_or(if is_bench { DEFAULT_RUNS } else { 1 });

    let peak_is_per_case = reset_peak_rss();
    if !peak_is_per_case {
        eprintln!("note: cannot reset VmHWM through /proc/self/clear_refs; peak RSS is the process peak so far");
    }

    let mut results = Vec::new();
    for path in &inputs {
        if !path.exists() {
            eprintln!("skipped {}: file not found (run `node bench/make-data.mjs` for the generated files)", path.display());
            continue;
        }
        results.push(measure(path, runs, peak_is_per_case));
    }
    if print_json {
        println!("{}", serde_json::to_string_pretty(&results).expect("results serialize"));
    }
}

fn usage() -> ! {
    eprintln!("usage: validate [--runs N] [--json] [FILE...]");
    std::process::exit(2);
}

/// Measures one file and returns its result as JSON for `bench/table.mjs`.
fn measure(path: &Path, runs: usize, peak_is_per_case: bool) -> serde_json::Value {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or_else(|error| fail(path, &error));
    let is_jsonl = path.extension().is_some_and(|extension| extension == "jsonl");
    let (anchor_name, anchor): (&str, fn(&Path) -> u64) = if is_jsonl {
        ("serde_json::Value per line", read_jsonl)
    } else {
        ("csv StringRecord", read_csv)
    };
    eprintln!("{} ({bytes} bytes), {runs} runs", path.display());

    let pass = validate(path);
    let anchor_records = anchor(path);
    let mut subject = Samples { times: Vec::with_capacity(runs), peak_rss: 0 };
    let mut reference = Samples { times: Vec::with_capacity(runs), peak_rss: 0 };
    let mut reader_only = Samples { times: Vec::with_capacity(runs), peak_rss: 0 };
    for _ in 0..runs {
        timed(&mut subject, || black_box(validate(path)));
        timed(&mut reference, || black_box(anchor(path)));
        timed(&mut reader_only, || black_box(read_structure(path)));
    }

    let subject_mbps = megabytes_per_second(bytes, median(&subject.times));
    let anchor_mbps = megabytes_per_second(bytes, median(&reference.times));
    let reader_mbps = megabytes_per_second(bytes, median(&reader_only.times));
    eprintln!(
        "  validator: median {subject_mbps:.1} MB/s, peak RSS {:.1} MiB; {} records, {} values, valid {}, {} errors",
        mib(subject.peak_rss),
        pass.records,
        pass.values,
        pass.valid,
        pass.errors
    );
    eprintln!(
        "  anchor ({anchor_name}): median {anchor_mbps:.1} MB/s, peak RSS {:.1} MiB; {anchor_records} records",
        mib(reference.peak_rss)
    );
    eprintln!("  dataset reader alone, values counted, not checked: median {reader_mbps:.1} MB/s");

    json!({
        "runtime": "native",
        "input": path.file_name().map(|name| name.to_string_lossy().into_owned()),
        "bytes": bytes,
        "runs": runs,
        "subject": {
            "mbps": subject_mbps,
            "samples_mbps": subject.times.iter().map(|&t| megabytes_per_second(bytes, t)).collect::<Vec<_>>(),
            "records": pass.records,
            "values": pass.values,
            "valid": pass.valid,
            "errors": pass.errors,
        },
        "reader_only_mbps": reader_mbps,
        "anchor": {
            "name": anchor_name,
            "mbps": anchor_mbps,
            "records": anchor_records,
        },
        "memory": {
            "kind": if peak_is_per_case { "peak RSS (VmHWM)" } else { "process peak RSS (VmHWM)" },
            "bytes": subject.peak_rss,
            "anchor_bytes": reference.peak_rss,
        },
    })
}

/// Runs `work` once, adding its time and the peak RSS it reached to `samples`.
fn timed<T>(samples: &mut Samples, work: impl FnOnce() -> T) {
    reset_peak_rss();
    let start = Instant::now();
    work();
    samples.times.push(start.elapsed());
    samples.peak_rss = samples.peak_rss.max(peak_rss());
}

/// Streams the file through the validator in 1 MiB chunks.
fn validate(path: &Path) -> Pass {
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let options = UploadOptions::new(name).max_file_size_mb(MAX_FILE_SIZE_MB).expect("1024 MiB is a valid maximum");
    let mut validator = UploadValidator::new(options);
    let mut file = File::open(path).unwrap_or_else(|error| fail(path, &error));
    let mut chunk = vec![0u8; CHUNK_BYTES];
    loop {
        let filled = fill(&mut file, &mut chunk).unwrap_or_else(|error| fail(path, &error));
        if filled == 0 {
            break;
        }
        validator.update(&chunk[..filled]).expect("the validator is not finished");
    }
    let report = validator.finish().expect("finish is called once");
    Pass { records: report.stats.records, values: report.stats.values, valid: report.valid, errors: report.errors.len() }
}

/// A sink that counts values and ignores findings, so only the reader's own work is timed.
#[derive(Default)]
struct CountValues {
    values: u64,
}

impl Sink for CountValues {
    fn value(&mut self, value: &Value<'_>) {
        black_box(value.text);
        self.values += 1;
    }

    fn finding(&mut self, finding: Finding) {
        black_box(finding);
    }
}

/// Streams the file through the dataset reader for its extension alone, and returns the
/// number of values it reported.
fn read_structure(path: &Path) -> u64 {
    let extension = path.extension().map(|extension| extension.to_string_lossy().to_ascii_lowercase());
    let format = extension.as_deref().and_then(Format::from_extension).unwrap_or(Format::Csv);
    let mut reader = dataset::reader(format, &ReaderOptions::default());
    let mut sink = CountValues::default();
    let mut file = File::open(path).unwrap_or_else(|error| fail(path, &error));
    let mut chunk = vec![0u8; CHUNK_BYTES];
    loop {
        let filled = fill(&mut file, &mut chunk).unwrap_or_else(|error| fail(path, &error));
        if filled == 0 {
            break;
        }
        reader.feed(&chunk[..filled], &mut sink);
    }
    reader.finish(&mut sink);
    sink.values
}

/// Reads until `buffer` is full or the file ends, and returns the number of bytes read.
fn fill(file: &mut File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Reads every CSV record and returns the number of data records (the header is read, not counted).
fn read_csv(path: &Path) -> u64 {
    let file = File::open(path).unwrap_or_else(|error| fail(path, &error));
    let mut reader = csv::ReaderBuilder::new().flexible(true).buffer_capacity(CHUNK_BYTES).from_reader(file);
    let mut record = csv::StringRecord::new();
    let mut records = 0;
    while reader.read_record(&mut record).unwrap_or_else(|error| fail(path, &error)) {
        records += 1;
    }
    records
}

/// Parses every non-empty line into a `serde_json::Value` and returns the number of lines parsed.
fn read_jsonl(path: &Path) -> u64 {
    let file = File::open(path).unwrap_or_else(|error| fail(path, &error));
    let mut reader = BufReader::with_capacity(CHUNK_BYTES, file);
    let mut line = Vec::new();
    let mut records = 0;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).unwrap_or_else(|error| fail(path, &error)) == 0 {
            break;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value: serde_json::Value = serde_json::from_slice(&line).unwrap_or_else(|error| fail(path, &error));
        black_box(value);
        records += 1;
    }
    records
}

fn fail(path: &Path, error: &dyn std::fmt::Display) -> ! {
    eprintln!("error: reading {} failed: {error}", path.display());
    std::process::exit(1);
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 0 {
        (sorted[middle - 1] + sorted[middle]) / 2
    } else {
        sorted[middle]
    }
}

/// Returns throughput in MB/s, where 1 MB is 10^6 bytes.
fn megabytes_per_second(bytes: u64, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Resets the process's peak RSS to its current RSS by writing 5 to `/proc/self/clear_refs`
/// (Linux 4.0 and later, see proc(5)). Returns `false` where that is not possible.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Returns the peak RSS (`VmHWM` in `/proc/self/status`) in bytes, or 0 where there is none.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}
