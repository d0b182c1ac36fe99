//! Native throughput of the dataset PHI scan and of redaction, beside an anchor measured in the
//! same process on the same bytes: the dataset reader alone, with a sink that only counts
//! values. The ratio to the anchor is the cost of scanning and rewriting on top of reading.
//!
//! Each pass reads the file from memory in 1 MiB chunks. Runs of the three alternate, after one
//! untimed warm-up run of each, so a burst of load on the machine hits all alike.
//!
//! ```text
//! cargo bench --profile release-native --bench deid -- [--runs N] [FILE...]
//! ```
//!
//! Without FILE arguments it reads the counsel-chat CSV from the shared data folder, its
//! Parquet copy from `python3 bench/make-parquet.py` (skipped when missing) and the committed
//! fixtures. Run by `cargo test --benches`, it makes one pass over each fixture.
//!
//! A Parquet file is read and redacted through the streaming reader and `Redactor`, which keep
//! the whole file and decode it at the end.

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use techdeck_guard::dataset::{self, Format, ReaderOptions, Sink, Value};
use techdeck_guard::deid::{DatasetOptions, DatasetScan, Input, RedactOptions, Redactor};
use techdeck_guard::phi::{ScanOptions, Scanner};
use techdeck_guard::Finding;

const CHUNK_BYTES: usize = 1 << 20;
const DEFAULT_RUNS: usize = 5;
const DEFAULT_INPUTS: &[&str] = &[
    "../shared/data/therapy/counsel-chat/20200325_counsel_chat.csv",
    "tests/fixtures/csv/notes-sample.csv",
    "tests/fixtures/jsonl/conversations-sample.jsonl",
    "target/bench/counsel-chat.parquet",
    "tests/fixtures/parquet/notes-plain-v1.parquet",
];

/// Counts values, so that the anchor does the reader's full work.
#[derive(Default)]
struct CountValues(u64);

impl Sink for CountValues {
    fn value(&mut self, value: &Value<'_>) {
        self.0 += value.text.len() as u64;
    }

    fn finding(&mut self, _finding: Finding) {}
}

fn read_only(format: Format, data: &[u8]) -> u64 {
    let mut reader = dataset::reader(format, &ReaderOptions::default());
    let mut sink = CountValues::default();
    for chunk in data.chunks(CHUNK_BYTES) {
        reader.feed(chunk, &mut sink);
    }
    reader.finish(&mut sink);
    sink.0
}

fn scan(format: Format, scanner: &Arc<Scanner>, data: &[u8]) -> u64 {
    let mut scan = DatasetScan::new(format, Arc::clone(scanner), &DatasetOptions::default());
    let mut found = 0;
    for chunk in data.chunks(CHUNK_BYTES) {
        found += scan.feed(chunk).len() as u64;
    }
    found + scan.finish().map(|last| last.len() as u64).unwrap_or(0)
}

fn redact(format: Format, scanner: &Arc<Scanner>, data: &[u8]) -> u64 {
    let mut redactor =
        Redactor::new(Input::Dataset(format), Arc::clone(scanner), RedactOptions::default()).expect("default options");
    let mut out = Vec::with_capacity(CHUNK_BYTES * 2);
    let mut written = 0;
    for chunk in data.chunks(CHUNK_BYTES) {
        out.clear();
        redactor.feed(chunk, &mut out);
        written += out.len() as u64;
    }
    out.clear();
    let report = redactor.finish(&mut out).expect("first finish");
    assert!(report.complete, "redaction left values unread");
    written + out.len() as u64
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn megabytes_per_second(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes --bench; `cargo test --benches` does not, and gets one quick pass.
    let smoke = !args.iter().any(|arg| arg == "--bench");
    let mut runs = DEFAULT_RUNS;
    let mut files = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--runs" => runs = iter.next().and_then(|value| value.parse().ok()).expect("--runs takes a number"),
            "--bench" => {}
            other if !other.starts_with('-') => files.push(other.to_owned()),
            _ => {}
        }
    }
    if files.is_empty() {
        files = DEFAULT_INPUTS.iter().map(|path| path.to_string()).collect();
    }
    if smoke {
        runs = 1;
        files.retain(|path| path.starts_with("tests/"));
    }
    let scanner = Arc::new(Scanner::new(&ScanOptions::default()).expect("default options"));
    println!("| file | MB | read only MB/s | scan MB/s | redact MB/s | scan / read | redact / read |");
    println!("|---|---|---|---|---|---|---|");
    for path in files {
        let Ok(data) = std::fs::read(&path) else {
            eprintln!("skipped {path}: not found");
            continue;
        };
        let extension = Path::new(&path).extension().and_then(|extension| extension.to_str()).unwrap_or_default();
        let format = Format::from_extension(extension).expect("a dataset extension");
        black_box((read_only(format, &data), scan(format, &scanner, &data), redact(format, &scanner, &data)));
        let mut times = [Vec::new(), Vec::new(), Vec::new()];
        for _ in 0..runs {
            let start = Instant::now();
            black_box(read_only(format, &data));
            times[0].push(start.elapsed());
            let start = Instant::now();
            black_box(scan(format, &scanner, &data));
            times[1].push(start.elapsed());
            let start = Instant::now();
            black_box(redact(format, &scanner, &data));
            times[2].push(start.elapsed());
        }
        let [read_time, scan_time, redact_time] = times.map(|mut samples| median(&mut samples));
        let name = Path::new(&path).file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2} | {:.2} |",
            data.len() as f64 / 1e6,
            megabytes_per_second(data.len(), read_time),
            megabytes_per_second(data.len(), scan_time),
            megabytes_per_second(data.len(), redact_time),
            scan_time.as_secs_f64() / read_time.as_secs_f64(),
            redact_time.as_secs_f64() / read_time.as_secs_f64(),
        );
    }
}
