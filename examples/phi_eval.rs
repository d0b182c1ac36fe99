//! Evaluation of the PHI scanner: precision, recall and F2 per type on labelled corpora, and
//! findings per MB with a reproducible random sample on unlabelled therapy text.
//!
//! ```text
//! cargo run --profile release-native --example phi_eval -- therapy-dev DIR [TYPE]
//! cargo run --profile release-native --example phi_eval -- presidio FILE.json [TYPE]
//! cargo run --profile release-native --example phi_eval -- counsel FILE.csv [--sample N] [--seed S] [--show] [--dump OUT.json]
//! ```
//!
//! `scripts/phi-eval.sh` runs all three on the shared data folder. A prediction counts as
//! correct when it overlaps a gold span of the same type ("overlap" columns); the "exact"
//! columns need equal boundaries. `any-type recall` counts a gold span as found when any
//! prediction overlaps it, which is what redaction needs. With `--show`, the counsel sample
//! prints the text of each finding for review; without it, only ids, offsets and types.

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::process::ExitCode;
use std::time::Instant;

use serde_json::Value;
use techdeck_guard::phi::{is_country_or_state, Context, PhiType, ScanOptions, Scanner, Span};

/// A gold span: UTF-8 byte offsets into one value and a type code.
#[derive(Clone)]
struct Gold {
    start: usize,
    end: usize,
    kind: String,
}

/// One scanned value with its gold spans and the predictions.
struct Unit {
    gold: Vec<Gold>,
    predicted: Vec<Span>,
    /// The scanned text, printed only by the error listing of the synthetic corpora.
    text: String,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    gold: usize,
    found_overlap: usize,
    found_exact: usize,
    found_any_type: usize,
    predicted: usize,
    correct_overlap: usize,
    correct_exact: usize,
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("therapy-dev") if args.len() >= 2 => therapy_dev(&args[1], args.get(2).map(String::as_str)),
        Some("presidio") if args.len() >= 2 => presidio(&args[1], args.get(2).map(String::as_str)),
        Some("counsel") if args.len() >= 2 => counsel(&args[1], &args[2..]),
        _ => Err("usage: phi_eval therapy-dev DIR [TYPE] | presidio FILE [TYPE] | counsel FILE [--sample N] [--seed S] [--show]".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("phi_eval: {message}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &str) -> Result<String, String> {
    fs::read_to_string(path).map_err(|error| format!("cannot read {path}: {error}"))
}

fn scanner() -> Result<Scanner, String> {
    Scanner::new(&ScanOptions::default()).map_err(|error| error.to_string())
}

fn gold_of(label: &Value) -> Gold {
    Gold {
        start: label["start_byte"].as_u64().unwrap_or(0) as usize,
        end: label["end_byte"].as_u64().unwrap_or(0) as usize,
        kind: label["type"].as_str().unwrap_or("").to_owned(),
    }
}

/// Scans the three therapy-dev files with their context: the speaker of each turn, the CSV
/// column of each cell, and the key path of each JSON value.
fn therapy_dev(dir: &str, show_errors: Option<&str>) -> Result<(), String> {
    let scanner = scanner()?;
    let mut units = Vec::new();
    let started = Instant::now();
    let mut bytes = 0usize;

    let mut labels: BTreeMap<(String, usize), Vec<Gold>> = BTreeMap::new();
    for line in read(&format!("{dir}/conversations.labels.jsonl"))?.lines() {
        let record: Value = serde_json::from_str(line).map_err(|error| error.to_string())?;
        let id = record["id"].as_str().unwrap_or("").to_owned();
        for label in record["labels"].as_array().into_iter().flatten() {
            let turn = label["turn"].as_u64().unwrap_or(0) as usize;
            labels.entry((id.clone(), turn)).or_default().push(gold_of(label));
        }
    }
    for line in read(&format!("{dir}/conversations.jsonl"))?.lines() {
        let record: Value = serde_json::from_str(line).map_err(|error| error.to_string())?;
        let id = record["id"].as_str().unwrap_or("").to_owned();
        for (turn, item) in record["turns"].as_array().into_iter().flatten().enumerate() {
            let text = item["text"].as_str().unwrap_or("");
            let context = Context { field: None, speaker: item["speaker"].as_str() };
            bytes += text.len();
            let predicted = scanner.scan_in(text, &context);
            units.push(Unit { gold: labels.remove(&(id.clone(), turn)).unwrap_or_default(), predicted, text: text.to_owned() });
        }
    }

    let mut cell_labels: BTreeMap<(usize, String), Vec<Gold>> = BTreeMap::new();
    for line in read(&format!("{dir}/notes.labels.jsonl"))?.lines() {
        let label: Value = serde_json::from_str(line).map_err(|error| error.to_string())?;
        let row = label["row"].as_u64().unwrap_or(0) as usize;
        let column = label["column"].as_str().unwrap_or("").to_owned();
        cell_labels.entry((row, column)).or_default().push(gold_of(&label));
    }
    let mut reader = csv::Reader::from_path(format!("{dir}/notes.csv")).map_err(|error| error.to_string())?;
    let headers = reader.headers().map_err(|error| error.to_string())?.clone();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|error| error.to_string())?;
        for (column, cell) in headers.iter().zip(record.iter()) {
            if column == "session_id" || column == "note_type" {
                continue;
            }
            bytes += cell.len();
            let predicted = scanner.scan_in(cell, &Context { field: Some(column), speaker: None });
            units.push(Unit { gold: cell_labels.remove(&(row, column.to_owned())).unwrap_or_default(), predicted, text: cell.to_owned() });
        }
    }

    let mut pointer_labels: BTreeMap<String, Vec<Gold>> = BTreeMap::new();
    for line in read(&format!("{dir}/intake.labels.jsonl"))?.lines() {
        let label: Value = serde_json::from_str(line).map_err(|error| error.to_string())?;
        pointer_labels.entry(label["pointer"].as_str().unwrap_or("").to_owned()).or_default().push(gold_of(&label));
    }
    let intake: Value = serde_json::from_str(&read(&format!("{dir}/intake.json"))?).map_err(|error| error.to_string())?;
    let mut values = Vec::new();
    walk(&intake, String::new(), String::new(), &mut values);
    for (pointer, field, text) in values {
        if field.ends_with("intake_id") {
            continue;
        }
        bytes += text.len();
        let predicted = scanner.scan_in(&text, &Context { field: Some(&field), speaker: None });
        units.push(Unit { gold: pointer_labels.remove(&pointer).unwrap_or_default(), predicted, text: text.clone() });
    }
    let elapsed = started.elapsed();
    let unmatched: usize = labels.values().chain(cell_labels.values()).chain(pointer_labels.values()).map(Vec::len).sum();
    if unmatched > 0 {
        return Err(format!("{unmatched} gold labels point at no scanned value"));
    }
    println!("therapy-dev: {} values, {bytes} bytes, scanned in {:.1} ms", units.len(), elapsed.as_secs_f64() * 1000.0);
    report(&units, |kind| Some(kind.to_owned()), |kind| Some(kind.code().to_owned()));
    if let Some(kind) = show_errors {
        print_errors(&units, kind, |kind| Some(kind.to_owned()), |kind| Some(kind.code().to_owned()));
    }
    Ok(())
}

/// Prints the missed gold spans and the wrong predictions of one type (after grouping), with
/// their text. Only for the synthetic corpora, whose text is not real PHI.
fn print_errors(units: &[Unit], kind: &str, gold_group: impl Fn(&str) -> Option<String>, predicted_group: impl Fn(PhiType) -> Option<String>) {
    let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
    for unit in units {
        let body = unit.text.as_str();
        let clip = |offset: usize| (0..=offset.min(body.len())).rev().find(|&i| body.is_char_boundary(i)).unwrap_or(0);
        let show = |start: usize, end: usize| {
            format!("{}[[{}]]{}", &body[clip(start.saturating_sub(50))..clip(start)], &body[clip(start)..clip(end)], &body[clip(end)..clip(end + 30)]).replace('\n', " ")
        };
        for gold in unit.gold.iter().filter(|gold| gold_group(&gold.kind).as_deref() == Some(kind)) {
            let hit = unit.predicted.iter().any(|span| predicted_group(span.kind).as_deref() == Some(kind) && overlaps((span.start, span.end), (gold.start, gold.end)));
            if !hit {
                let other: Vec<&str> = unit.predicted.iter().filter(|span| overlaps((span.start, span.end), (gold.start, gold.end))).map(|span| span.kind.code()).collect();
                println!("MISS {other:?}\t{}", show(gold.start, gold.end));
            }
        }
        for span in unit.predicted.iter().filter(|span| predicted_group(span.kind).as_deref() == Some(kind)) {
            let gold: Vec<&str> = unit.gold.iter().filter(|gold| overlaps((span.start, span.end), (gold.start, gold.end))).map(|gold| gold.kind.as_str()).collect();
            if !gold.iter().any(|gold_kind| gold_group(gold_kind).as_deref() == Some(kind)) {
                println!("FP {gold:?} {} {:.2}\t{}", span.recognizer, span.confidence, show(span.start, span.end));
            }
        }
    }
}

/// Collects every string and number with its JSON Pointer and its key path. The key path of a
/// contact's `value` is the contact's `type` (`mobile`, `fax`, `email`), as a dataset reader
/// that knows the record layout would pass it.
fn walk(value: &Value, pointer: String, path: String, out: &mut Vec<(String, String, String)>) {
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                let child_path = match object.get("type").and_then(Value::as_str) {
                    Some(kind) if key == "value" => format!("{path}/{kind}"),
                    _ => format!("{path}/{key}"),
                };
                walk(child, format!("{pointer}/{key}"), child_path, out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                walk(child, format!("{pointer}/{index}"), path.clone(), out);
            }
        }
        Value::String(text) => out.push((pointer, path, text.clone())),
        Value::Number(number) => out.push((pointer, path, number.to_string())),
        _ => {}
    }
}

/// Presidio's entity types and ours, grouped where the two schemes cut differently: Presidio's
/// STREET_ADDRESS spans the whole address, which we split into street, town and ZIP.
fn presidio_group(kind: &str) -> Option<String> {
    let group = match kind {
        "PERSON" | "NAME" => "NAME",
        "STREET_ADDRESS" | "GPE" | "ZIP_CODE" | "ADDRESS" | "CITY" | "ZIP" => "LOCATION",
        "DATE_TIME" | "DATE" => "DATE",
        "PHONE_NUMBER" | "PHONE" | "FAX" => "PHONE",
        "EMAIL_ADDRESS" | "EMAIL" => "EMAIL",
        "CREDIT_CARD" | "IBAN_CODE" | "ACCOUNT_NUMBER" => "ACCOUNT",
        "US_SSN" | "SSN" => "SSN",
        "IP_ADDRESS" => "IP_ADDRESS",
        "DOMAIN_NAME" | "URL" => "URL",
        "US_DRIVER_LICENSE" | "LICENSE_NUMBER" => "LICENSE",
        _ => return None,
    };
    Some(group.to_owned())
}

fn presidio(path: &str, show_errors: Option<&str>) -> Result<(), String> {
    let scanner = scanner()?;
    let records: Value = serde_json::from_str(&read(path)?).map_err(|error| error.to_string())?;
    let mut units: Vec<Unit> = Vec::new();
    for record in records.as_array().into_iter().flatten() {
        let text = record["full_text"].as_str().unwrap_or("");
        let byte_of = |chars: usize| text.char_indices().nth(chars).map_or(text.len(), |(offset, _)| offset);
        let gold = record["spans"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| Gold {
                start: byte_of(item["start_position"].as_u64().unwrap_or(0) as usize),
                end: byte_of(item["end_position"].as_u64().unwrap_or(0) as usize),
                kind: item["entity_type"].as_str().unwrap_or("").to_owned(),
            })
            .collect();
        units.push(Unit { gold, predicted: scanner.scan(text), text: text.to_owned() });
    }
    println!("presidio-synth: {} sentences; types grouped as in presidio_group, other gold types ignored", units.len());
    report(&units, presidio_group, |kind| presidio_group(kind.code()));
    // Safe Harbor allows a year alone and a weekday, which presidio-synth labels DATE_TIME, and
    // a country or a state, which it labels GPE. A GPE span that names a country or a US state
    // is left out: a prediction over it is neither right nor wrong.
    for unit in &mut units {
        let text = unit.text.clone();
        unit.gold.retain(|gold| {
            let value = text.get(gold.start..gold.end).unwrap_or("");
            let year = value.len() == 4 && value.bytes().all(|byte| byte.is_ascii_digit());
            let weekday = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].contains(&value);
            !(gold.kind == "DATE_TIME" && (year || weekday))
        });
        for gold in &mut unit.gold {
            let value = text.get(gold.start..gold.end).unwrap_or("");
            let without_qualifier = value.split(" (").next().unwrap_or(value);
            if gold.kind == "GPE" && is_country_or_state(without_qualifier) {
                gold.kind = "GPE_COUNTRY_OR_STATE".to_owned();
            }
        }
    }
    println!("\npresidio-synth, Safe Harbor view: DATE_TIME spans that are a year alone or a weekday and GPE spans that are a country or a US state ignored");
    report(&units, presidio_group, |kind| presidio_group(kind.code()));
    if let Some(kind) = show_errors {
        print_errors(&units, kind, presidio_group, |kind| presidio_group(kind.code()));
    }
    Ok(())
}

/// Prints the per-type table. `gold_group` maps a gold type and `predicted_group` a predicted
/// type to the name they are compared under; `None` leaves the span out. A prediction that
/// overlaps a gold span left out is neither right nor wrong.
fn report(units: &[Unit], gold_group: impl Fn(&str) -> Option<String>, predicted_group: impl Fn(PhiType) -> Option<String>) {
    let mut table: BTreeMap<String, Counts> = BTreeMap::new();
    for unit in units {
        let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
        for gold in &unit.gold {
            let Some(group) = gold_group(&gold.kind) else {
                continue;
            };
            let counts = table.entry(group.clone()).or_default();
            counts.gold += 1;
            let matching = |span: &&Span| overlaps((span.start, span.end), (gold.start, gold.end));
            if unit.predicted.iter().filter(matching).any(|span| predicted_group(span.kind).as_deref() == Some(group.as_str())) {
                counts.found_overlap += 1;
            }
            if unit.predicted.iter().any(|span| span.start == gold.start && span.end == gold.end && predicted_group(span.kind).as_deref() == Some(group.as_str())) {
                counts.found_exact += 1;
            }
            if unit.predicted.iter().any(|span| overlaps((span.start, span.end), (gold.start, gold.end))) {
                counts.found_any_type += 1;
            }
        }
        for span in &unit.predicted {
            let Some(group) = predicted_group(span.kind) else {
                continue;
            };
            let overlapping: Vec<&Gold> = unit.gold.iter().filter(|gold| overlaps((span.start, span.end), (gold.start, gold.end))).collect();
            if !overlapping.is_empty() && overlapping.iter().all(|gold| gold_group(&gold.kind).is_none()) {
                continue;
            }
            let counts = table.entry(group.clone()).or_default();
            counts.predicted += 1;
            if overlapping.iter().any(|gold| gold_group(&gold.kind).as_deref() == Some(group.as_str())) {
                counts.correct_overlap += 1;
            }
            if overlapping.iter().any(|gold| gold.start == span.start && gold.end == span.end && gold_group(&gold.kind).as_deref() == Some(group.as_str())) {
                counts.correct_exact += 1;
            }
        }
    }
    let mut total = Counts::default();
    println!("| type | gold | predicted | precision | recall | F2 | exact P | exact R | any-type recall |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (group, counts) in &table {
        print_row(group, counts);
        total.gold += counts.gold;
        total.predicted += counts.predicted;
        total.found_overlap += counts.found_overlap;
        total.found_exact += counts.found_exact;
        total.found_any_type += counts.found_any_type;
        total.correct_overlap += counts.correct_overlap;
        total.correct_exact += counts.correct_exact;
    }
    print_row("**all**", &total);
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

fn f2(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        5.0 * precision * recall / (4.0 * precision + recall)
    }
}

fn print_row(name: &str, counts: &Counts) {
    let precision = ratio(counts.correct_overlap, counts.predicted);
    let recall = ratio(counts.found_overlap, counts.gold);
    println!(
        "| {name} | {} | {} | {precision:.3} | {recall:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
        counts.gold,
        counts.predicted,
        f2(precision, recall),
        ratio(counts.correct_exact, counts.predicted),
        ratio(counts.found_exact, counts.gold),
        ratio(counts.found_any_type, counts.gold),
    )
}

/// Scans the question and answer text of counsel-chat, prints findings per MB by type and a
/// random sample of findings, and measures throughput against an anchor.
fn counsel(path: &str, options: &[String]) -> Result<(), String> {
    let mut sample_size = 100;
    let mut seed: u64 = 20_241_205;
    let mut show = false;
    let mut dump = None;
    let mut index = 0;
    while index < options.len() {
        match options[index].as_str() {
            "--sample" => sample_size = options.get(index + 1).and_then(|value| value.parse().ok()).ok_or("--sample needs a number")?,
            "--dump" => dump = Some(options.get(index + 1).ok_or("--dump needs a path")?.clone()),
            "--seed" => seed = options.get(index + 1).and_then(|value| value.parse().ok()).ok_or("--seed needs a number")?,
            "--show" => {
                show = true;
                index += 1;
                continue;
            }
            other => return Err(format!("unknown option {other}")),
        }
        index += 2;
    }
    let scanner = scanner()?;
    let mut reader = csv::Reader::from_path(path).map_err(|error| error.to_string())?;
    let headers = reader.headers().map_err(|error| error.to_string())?.clone();
    let column = |name: &str| headers.iter().position(|header| header == name).ok_or(format!("no column {name}"));
    let (id_column, question_column, answer_column) = (column("questionID")?, column("questionText")?, column("answerText")?);
    // Each question repeats on every answer row, so it is scanned once.
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|error| error.to_string())?;
        let id = record.get(id_column).unwrap_or("").to_owned();
        if seen.insert(id.clone()) {
            texts.push((format!("q{id}"), record.get(question_column).unwrap_or("").to_owned()));
        }
        texts.push((format!("a{row}"), record.get(answer_column).unwrap_or("").to_owned()));
    }
    let bytes: usize = texts.iter().map(|(_, text)| text.len()).sum();
    let megabytes = bytes as f64 / 1e6;
    if let Some(path) = dump {
        // The same texts for the Wasm benchmark in bench/phi.mjs.
        let all: Vec<&str> = texts.iter().map(|(_, text)| text.as_str()).collect();
        fs::write(&path, serde_json::to_string(&all).map_err(|error| error.to_string())?).map_err(|error| format!("cannot write {path}: {error}"))?;
    }

    let mut findings: Vec<(usize, Span)> = Vec::new();
    for (index, (_, text)) in texts.iter().enumerate() {
        findings.extend(scanner.scan(text).into_iter().map(|span| (index, span)));
    }
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, span) in &findings {
        *by_type.entry(span.kind.code()).or_default() += 1;
    }
    println!("counsel-chat: {} texts, {bytes} bytes, {} findings, {:.1} per MB", texts.len(), findings.len(), findings.len() as f64 / megabytes);
    println!("| type | findings | per MB |");
    println!("|---|---:|---:|");
    for (kind, count) in &by_type {
        println!("| {kind} | {count} | {:.1} |", *count as f64 / megabytes);
    }

    // A reproducible sample: xorshift64 from the seed, without repeats.
    let mut state = seed.max(1);
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut chosen = std::collections::BTreeSet::new();
    while chosen.len() < sample_size.min(findings.len()) {
        chosen.insert((next() % findings.len() as u64) as usize);
    }
    println!("\nsample of {} findings (seed {seed}): id, start, end, type, recognizer, confidence", chosen.len());
    for &choice in &chosen {
        let (index, span) = &findings[choice];
        let (id, text) = &texts[*index];
        print!("{id}\t{}\t{}\t{}\t{}\t{:.2}", span.start, span.end, span.kind.code(), span.recognizer, span.confidence);
        if show {
            let mut from = span.start.saturating_sub(40);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let mut to = (span.end + 30).min(text.len());
            while !text.is_char_boundary(to) {
                to += 1;
            }
            let context = format!("{}[[{}]]{}", &text[from..span.start], &text[span.start..span.end], &text[span.end..to]);
            print!("\t{}", context.replace(['\n', '\r', '\t'], " "));
        }
        println!();
    }

    throughput(&scanner, &texts, bytes);
    Ok(())
}

/// Times the scanner over all texts beside an anchor on the same texts: one `regex` crate pass
/// of a single SSN pattern, the cheapest a per-pattern scanner could be per pattern.
fn throughput(scanner: &Scanner, texts: &[(String, String)], bytes: usize) {
    let anchor = regex::Regex::new(r"\b\d{3}-\d{2}-\d{4}\b").expect("the anchor pattern compiles");
    let mut scan_times = Vec::new();
    let mut anchor_times = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let mut count = 0;
        for (_, text) in texts {
            count += scanner.scan(text).len();
        }
        std::hint::black_box(count);
        scan_times.push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        let mut count = 0;
        for (_, text) in texts {
            count += anchor.find_iter(text).count();
        }
        std::hint::black_box(count);
        anchor_times.push(started.elapsed().as_secs_f64());
    }
    let median = |times: &mut Vec<f64>| {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let (scan, anchor) = (median(&mut scan_times), median(&mut anchor_times));
    let megabytes = bytes as f64 / 1e6;
    println!("\nthroughput (median of 7): scanner {:.0} MB/s, anchor (one SSN regex) {:.0} MB/s, ratio {:.2}", megabytes / scan, megabytes / anchor, anchor / scan);
}
