//! Rewrites a Parquet file, replacing every value of its first column with `[ROW]`, the 1-based
//! row number. scripts/check-parquet-rewrite.py reads the output back with pyarrow.
//!
//! Run with: cargo run --example parquet_rewrite -- INPUT.parquet OUTPUT.parquet

use techdeck_guard::dataset::parquet::{rewrite, RewriteOptions};

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = arguments.as_slice() else {
        eprintln!("usage: parquet_rewrite INPUT.parquet OUTPUT.parquet");
        std::process::exit(2);
    };
    let bytes = std::fs::read(input).unwrap_or_else(|error| {
        eprintln!("cannot read {input}: {error}");
        std::process::exit(2);
    });
    let rewritten = rewrite(&bytes, &RewriteOptions::default(), &mut |cell, _text| {
        (cell.column == 0).then(|| format!("[{}]", cell.record))
    });
    match rewritten {
        Ok(rewritten) => {
            if let Err(error) = std::fs::write(output, rewritten) {
                eprintln!("cannot write {output}: {error}");
                std::process::exit(2);
            }
        }
        Err(finding) => {
            eprintln!("{input}: {} {}: {}", finding.code.as_str(), finding.location.describe(), finding.message);
            std::process::exit(1);
        }
    }
}
