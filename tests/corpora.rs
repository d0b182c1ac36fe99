//! Validates real and realistic datasets and checks that none of them is rejected: false
//! positives on ordinary therapy data would block the uploads this product exists for.

use std::path::{Path, PathBuf};

use techdeck_guard::validate::{validate_upload, UploadOptions};

fn assert_valid(path: &Path, records: u64) {
    let bytes = std::fs::read(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let name = path.file_name().and_then(|name| name.to_str()).expect("fixture names are UTF-8");
    let report = validate_upload(&bytes, UploadOptions::new(name));
    let errors: Vec<String> =
        report.errors.iter().map(|finding| format!("{} at {}", finding.code.as_str(), finding.location.describe())).collect();
    assert_eq!(errors, Vec::<String>::new(), "{}", path.display());
    assert!(report.valid, "{}", path.display());
    assert_eq!(report.stats.records, records, "records of {}", path.display());
}

#[test]
fn committed_fixtures_are_valid() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (file, records) in [
        ("csv/notes-sample.csv", 36),
        ("csv/counsel-chat-200.csv", 200),
        ("json/intake-sample.json", 10),
        ("jsonl/conversations-sample.jsonl", 20),
        ("parquet/sessions.parquet", 3),
    ] {
        assert_valid(&fixtures.join(file), records);
    }
}

/// Returns the shared data folder, which lies next to the repository on development machines
/// and in CI, or `None` where it is absent.
fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is not present", dir.display());
        None
    }
}

#[test]
fn shared_corpora_are_valid() {
    let Some(data) = shared_data() else { return };
    for (file, records) in [
        ("therapy/counsel-chat/20200325_counsel_chat.csv", 2129),
        ("phi/therapy-dev/notes.csv", 400),
        ("phi/therapy-dev/conversations.jsonl", 400),
        ("phi/therapy-dev/intake.json", 150),
        ("phi/presidio-synth/synth_dataset_v2.json", 1500),
        ("structured/synthea/us-massachusetts-mcode/patients.csv", 115),
        ("structured/synthea/us-massachusetts-mcode/providers.csv", 627),
        ("structured/synthea/us-massachusetts-mcode/organizations.csv", 193),
        ("structured/synthea/us-massachusetts-mcode/payers.csv", 10),
    ] {
        assert_valid(&data.join(file), records);
    }
}
