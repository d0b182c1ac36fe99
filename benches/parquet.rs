//! Native throughput of the Parquet reader and writer, beside an anchor measured in the same
//! process: this crate's CSV reader on a CSV file with the same table.
//!
//! The inputs come from `python3 bench/make-parquet.py` (the counsel-chat table repeated 20
//! times, as CSV and as three Parquet files). Every file is read into memory first, so the
//! figures leave out disk I/O. Each pass feeds 1 MiB chunks to a fresh reader with a sink that
//! counts values and text bytes. Throughput is given per byte of decoded text, the work the
//! checks see, which is the same for every file. Runs of all candidates alternate after one
//! untimed warm-up pass, and the medians are printed.
//!
//! Run with: cargo bench --profile release-native --bench parquet -- [--runs N]
//!
//! Without the input files it prints that it skipped.

use std::hint::black_box;
use std::time::{Duration, Instant};

use techdeck_guard::dataset::parquet::{rewrite, ParquetFile, RewriteOptions};
use techdeck_guard::dataset::{self, Format, ReaderOptions, Sink, Value};
use techdeck_guard::Finding;

const CHUNK_BYTES: usize = 1 << 20;
const DIRECTORY: &str = "target/bench";

#[derive(Default)]
struct Count {
    values: u64,
    text_bytes: u64,
    findings: u64,
}

impl Sink for Count {
    fn value(&mut self, value: &Value<'_>) {
        self.values += 1;
        self.text_bytes += value.text.len() as u64;
    }

    fn finding(&mut self, _finding: Finding) {
        self.findings += 1;
    }
}

/// Reads `bytes` with the streaming reader of `format` and returns the counts.
fn stream(format: Format, bytes: &[u8]) -> Count {
    let mut reader = dataset::reader(format, &ReaderOptions::default());
    let mut count = Count::default();
    for chunk in bytes.chunks(CHUNK_BYTES) {
        reader.feed(chunk, &mut count);
    }
    reader.finish(&mut count);
    count
}

/// Reads `bytes` through `ParquetFile`, one row group range at a time.
fn random_access(bytes: &[u8]) -> Count {
    let mut count = Count::default();
    let length = bytes.len() as u64;
    let tail = ParquetFile::tail_length(&bytes[bytes.len() - 8..], length).expect("a valid trailer");
    let mut file = ParquetFile::open(&bytes[..4], &bytes[bytes.len() - tail as usize..], length).expect("a valid footer");
    file.start(&mut count);
    for index in 0..file.row_group_count() {
        let range = file.row_group_range(index).expect("a row group");
        file.read_row_group(index, &bytes[range.start as usize..range.end as usize], &mut count);
    }
    count
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let arguments: Vec<String> = std::env::args().collect();
    // `cargo bench` passes --bench; `cargo test --benches` does not, and gets one smoke pass.
    let default_runs = if arguments.iter().any(|argument| argument == "--bench") { 5 } else { 1 };
    let runs = arguments
        .iter()
        .position(|argument| argument == "--runs")
        .and_then(|index| arguments.get(index + 1)?.parse().ok())
        .unwrap_or(default_runs);
    let read = |name: &str| std::fs::read(format!("{DIRECTORY}/{name}"));
    let Ok(csv) = read("counsel-chat-x20.csv") else {
        eprintln!("parquet bench: skipped, run `python3 bench/make-parquet.py` first");
        return;
    };
    let files: Vec<(&str, Vec<u8>)> = ["plain", "snappy", "zstd"]
        .into_iter()
        .filter_map(|kind| Some((kind, read(&format!("counsel-chat-x20-{kind}.parquet")).ok()?)))
        .collect();

    type Candidate<'a> = (String, Box<dyn Fn() -> Count + 'a>);
    let mut candidates: Vec<Candidate> = vec![("csv reader (anchor)".to_owned(), Box::new(|| stream(Format::Csv, &csv)))];
    for (kind, bytes) in &files {
        candidates.push((format!("parquet {kind}, streaming"), Box::new(move || stream(Format::Parquet, bytes))));
        candidates.push((format!("parquet {kind}, random access"), Box::new(move || random_access(bytes))));
    }
    if let Some((_, bytes)) = files.iter().find(|(kind, _)| *kind == "snappy") {
        candidates.push((
            "parquet snappy, rewrite (no edits)".to_owned(),
            Box::new(move || {
                let output = rewrite(bytes, &RewriteOptions::default(), &mut |_, _| None).expect("a rewritable file");
                Count { values: 0, text_bytes: output.len() as u64, findings: 0 }
            }),
        ));
    }

    let warm: Vec<Count> = candidates.iter().map(|(_, run)| run()).collect();
    let mut times = vec![Vec::new(); candidates.len()];
    for _ in 0..runs {
        for (index, (_, run)) in candidates.iter().enumerate() {
            let start = Instant::now();
            black_box(run());
            times[index].push(start.elapsed());
        }
    }

    let text_bytes = warm[0].text_bytes as f64;
    let anchor = median(&mut times[0].clone()).as_secs_f64();
    println!(
        "{:<36} {:>10} {:>12} {:>9} {:>14} {:>9}",
        "candidate", "median ms", "values", "findings", "text MB/s", "vs anchor"
    );
    for (index, (name, _)) in candidates.iter().enumerate() {
        let seconds = median(&mut times[index]).as_secs_f64();
        let count = &warm[index];
        println!(
            "{name:<36} {:>10.1} {:>12} {:>9} {:>14.1} {:>9.2}",
            seconds * 1000.0,
            count.values,
            count.findings,
            text_bytes / seconds / 1e6,
            seconds / anchor
        );
    }
}
