//! Runs `techdeck-guard keygen`, `encrypt`, `decrypt` and `inspect` on files in a scratch
//! directory and checks their output, exit status and the files they leave.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_techdeck-guard"))
        .args(args)
        .env_remove("TECHDECK_GUARD_TOKEN")
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Creates a fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("seal-cli").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// Writes a key file and a plaintext file of `size` bytes, and returns their paths.
fn setup(dir: &Path, size: usize) -> (String, String, Vec<u8>) {
    let key = path(dir, "kek.json");
    let output = run(&["keygen", "--out", &key, "--kek-version", "4"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plaintext: Vec<u8> = (0..size).map(|i| (i * 7 % 256) as u8).collect();
    let input = path(dir, "data.csv");
    fs::write(&input, &plaintext).expect("write plaintext");
    (key, input, plaintext)
}

fn encrypt(input: &str, out: &str, key: &str, level: &str) -> Output {
    run(&["encrypt", input, "--out", out, "--key-file", key, "--dataset-id", "ds-42", "--key-id", "key-9", "--level", level])
}

#[test]
fn round_trip_every_level() {
    let dir = scratch("round-trip");
    let (key, input, plaintext) = setup(&dir, 200_000);
    for level in ["standard", "enhanced", "maximum"] {
        let sealed = path(&dir, &format!("{level}.tdg"));
        let output = encrypt(&input, &sealed, &key, level);
        assert_eq!(output.status.code(), Some(0), "{level}: {}", stderr(&output));
        let back = path(&dir, &format!("{level}.csv"));
        let output = run(&["decrypt", &sealed, "--out", &back, "--key-file", &key]);
        assert_eq!(output.status.code(), Some(0), "{level}: {}", stderr(&output));
        assert!(fs::read(&back).expect("decrypted file") == plaintext, "{level}");
    }
}

#[test]
fn key_file_is_private_json() {
    let dir = scratch("key-file");
    let (key, _, _) = setup(&dir, 0);
    let text = fs::read_to_string(&key).expect("key file");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value["type"], "techdeck-guard-kek");
    assert_eq!(value["version"], 1);
    assert_eq!(value["kek_version"], 4);
    assert_eq!(value["key"].as_str().map(str::len), Some(44));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&key).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = run(&["keygen", "--out", &key]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
}

#[test]
fn inspect_shows_header_only() {
    let dir = scratch("inspect");
    let (key, input, _) = setup(&dir, 70_000);
    let sealed = path(&dir, "data.tdg");
    assert_eq!(encrypt(&input, &sealed, &key, "enhanced").status.code(), Some(0));

    let output = run(&["inspect", &sealed, "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(value["dataset_id"], "ds-42");
    assert_eq!(value["key_id"], "key-9");
    assert_eq!(value["level"], "enhanced");
    assert_eq!(value["kek_version"], 4);
    assert_eq!(value["chunk_size"], 65536);
    assert_eq!(value["chunks"], 2);
    assert_eq!(value["key_source"], "wrapped");

    let text = run(&["inspect", &sealed]);
    let shown = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(shown.contains("dataset_id: ds-42"), "{shown}");
    let key_text: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&key).expect("key")).expect("JSON");
    let secret = key_text["key"].as_str().expect("key");
    assert!(!shown.contains(secret), "text output shows the key");
    assert!(!String::from_utf8_lossy(&output.stdout).contains(secret), "JSON output shows the key");

    let output = run(&["inspect", &input]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("wrong magic bytes"), "{}", stderr(&output));
}

#[test]
fn tampered_file_leaves_no_output() {
    let dir = scratch("tampered");
    let (key, input, _) = setup(&dir, 150_000);
    let sealed = path(&dir, "data.tdg");
    assert_eq!(encrypt(&input, &sealed, &key, "standard").status.code(), Some(0));
    let bytes = fs::read(&sealed).expect("sealed");

    let mut flipped = bytes.clone();
    flipped[bytes.len() - 100] ^= 1;
    let truncated = bytes[..bytes.len() - 20_000].to_vec();
    let mut trailing = bytes.clone();
    trailing.push(0);
    for (case, changed) in [("flipped", flipped), ("truncated", truncated), ("trailing", trailing)] {
        let broken = path(&dir, &format!("{case}.tdg"));
        fs::write(&broken, changed).expect("write");
        let out = path(&dir, &format!("{case}.csv"));
        let output = run(&["decrypt", &broken, "--out", &out, "--key-file", &key]);
        assert_eq!(output.status.code(), Some(2), "{case}");
        assert!(stderr(&output).contains("not authentic"), "{case}: {}", stderr(&output));
        assert!(!Path::new(&out).exists(), "{case}: output written");
        assert!(!Path::new(&format!("{out}.partial")).exists(), "{case}: partial output left");
    }
}

#[test]
fn wrong_key_file_fails() {
    let dir = scratch("wrong-key");
    let (key, input, _) = setup(&dir, 1000);
    let sealed = path(&dir, "data.tdg");
    assert_eq!(encrypt(&input, &sealed, &key, "standard").status.code(), Some(0));
    let other = path(&dir, "other.json");
    assert_eq!(run(&["keygen", "--out", &other, "--kek-version", "4"]).status.code(), Some(0));
    let out = path(&dir, "out.csv");
    let output = run(&["decrypt", &sealed, "--out", &out, "--key-file", &other]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not authentic"), "{}", stderr(&output));

    let version_5 = path(&dir, "v5.json");
    assert_eq!(run(&["keygen", "--out", &version_5, "--kek-version", "5"]).status.code(), Some(0));
    let output = run(&["decrypt", &sealed, "--out", &out, "--key-file", &version_5]);
    assert!(stderr(&output).contains("KEK version mismatch"), "{}", stderr(&output));

    let broken = path(&dir, "broken.json");
    fs::write(&broken, r#"{"type":"techdeck-guard-kek","version":1,"kek_version":1,"key":"AAAA"}"#)
        .expect("write");
    let output = run(&["decrypt", &sealed, "--out", &out, "--key-file", &broken]);
    assert!(stderr(&output).contains("key must be the base64 of 32 bytes"), "{}", stderr(&output));
    assert!(!Path::new(&out).exists());
}

#[test]
fn bad_options_rejected() {
    let dir = scratch("options");
    let (key, input, _) = setup(&dir, 10);
    let out = path(&dir, "out.tdg");

    let output = encrypt(&input, &out, &key, "high");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown encryption level"), "{}", stderr(&output));

    let output = run(&["encrypt", &input, "--out", &out, "--key-server", "ftp://127.0.0.1", "--token", "t"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("the URL must start with http:// or https://"), "{}", stderr(&output));

    let output = run(&["encrypt", &input, "--out", &out, "--key-server", "http://127.0.0.1:9", "--token", "t"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("generating a data key failed: cannot reach the key server at http://127.0.0.1:9"),
        "{}",
        stderr(&output)
    );
    assert!(!Path::new(&out).exists());

    let output = run(&["encrypt", &input, "--out", &out, "--key-file", &key, "--chunk-size", "5000"]);
    assert!(stderr(&output).contains("invalid chunk size"), "{}", stderr(&output));

    let output = run(&["encrypt", &input, "--out", &input, "--key-file", &key]);
    assert!(stderr(&output).contains("already exists"), "{}", stderr(&output));
    assert!(!Path::new(&out).exists());
}
