//! Runs `techdeck-guard encrypt` and `decrypt` with `--key-server` against a real key server
//! on 127.0.0.1: the server's code on an ephemeral port with a SQLite file in a temporary
//! directory, started in this process.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine;
use serde_json::{json, Value};
use techdeck_keyserver::{Config, KeyServer};

const PASSWORD: &str = "correct horse battery staple";

/// A key server serving on a loopback port until the value is dropped.
struct Server {
    base: String,
    dir: PathBuf,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn unique_dir(prefix: &str) -> PathBuf {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let dir = std::env::temp_dir().join(format!("{prefix}-{suffix}"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts a key server with the users `alice` (role user) and `rita` (role researcher).
fn start_server() -> Server {
    let dir = unique_dir("guard-keyserver-test");
    let mut vars = HashMap::new();
    vars.insert("ENCRYPTION_MASTER_KEY".to_owned(), base64::engine::general_purpose::STANDARD.encode([7u8; 32]));
    vars.insert("KEYSERVER_SQLITE_PATH".to_owned(), dir.join("keys.db").display().to_string());
    let config = Config::from_lookup(&move |name| vars.get(name).cloned()).expect("test configuration is valid");

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let address = runtime.block_on(async {
        let server = KeyServer::start(config).await.expect("the key server starts");
        server.add_user("test", "alice", PASSWORD, "user", &[]).await.unwrap();
        server.add_user("test", "rita", PASSWORD, "researcher", &[]).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = techdeck_keyserver::http::router(server).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    });
    Server { base: format!("http://{address}"), dir, runtime: Some(runtime) }
}

/// Logs in over HTTP and returns the access token.
fn log_in(server: &Server, username: &str) -> String {
    let mut response = ureq::post(&format!("{}/v1/login", server.base))
        .header("Content-Type", "application/json")
        .send(json!({ "username": username, "password": PASSWORD }).to_string())
        .expect("login succeeds");
    let body: Value = serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    body["access_token"].as_str().expect("the login response has an access token").to_owned()
}

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

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// Encrypts a 200,000-byte file as `alice` into the dataset `study-7` and returns the paths
/// of the plaintext and the encrypted file.
fn encrypt_as_alice(server: &Server, token: &str) -> (String, String) {
    let plaintext: Vec<u8> = (0..200_000u32).map(|i| (i * 31 % 251) as u8).collect();
    let input = path(&server.dir, "data.csv");
    std::fs::write(&input, &plaintext).unwrap();
    let sealed = path(&server.dir, "data.csv.tdg");
    let output = run(&[
        "encrypt", &input, "--out", &sealed, "--key-server", &server.base, "--token", token, "--dataset-id", "study-7",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (input, sealed)
}

#[test]
fn key_server_round_trip() {
    let server = start_server();
    let token = log_in(&server, "alice");
    let (input, sealed) = encrypt_as_alice(&server, &token);

    let inspected = run(&["inspect", &sealed, "--json"]);
    assert_eq!(inspected.status.code(), Some(0), "{}", stderr(&inspected));
    let header: Value = serde_json::from_slice(&inspected.stdout).unwrap();
    assert_eq!(header["key_source"], "key server");
    assert_eq!(header["dataset_id"], "study-7");

    let restored = path(&server.dir, "restored.csv");
    let output = run(&["decrypt", &sealed, "--out", &restored, "--key-server", &server.base, "--token", &token]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read(&restored).unwrap(), std::fs::read(&input).unwrap());
}

#[test]
fn researcher_refused_unwrap() {
    let server = start_server();
    let alice = log_in(&server, "alice");
    let (_, sealed) = encrypt_as_alice(&server, &alice);
    let rita = log_in(&server, "rita");

    let restored = path(&server.dir, "restored.csv");
    let output = run(&["decrypt", &sealed, "--out", &restored, "--key-server", &server.base, "--token", &rita]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unwrapping the data key failed: the key server returned 403 FORBIDDEN"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains(&rita), "the token must not be printed");
    assert!(!Path::new(&restored).exists());
}

#[test]
fn invalid_token_rejected() {
    let server = start_server();
    let input = path(&server.dir, "data.csv");
    std::fs::write(&input, b"a,b\n1,2\n").unwrap();
    let sealed = path(&server.dir, "data.csv.tdg");

    let output = run(&["encrypt", &input, "--out", &sealed, "--key-server", &server.base, "--token", "not-a-token"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("generating a data key failed: the key server returned 401 INVALID_TOKEN"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("hint: log in again"), "{}", stderr(&output));
    assert!(!Path::new(&sealed).exists());
}

#[test]
fn key_source_mismatch_rejected() {
    let server = start_server();
    let token = log_in(&server, "alice");
    let (_, sealed) = encrypt_as_alice(&server, &token);

    let key = path(&server.dir, "kek.json");
    assert_eq!(run(&["keygen", "--out", &key]).status.code(), Some(0));
    let restored = path(&server.dir, "restored.csv");
    let output = run(&["decrypt", &sealed, "--out", &restored, "--key-file", &key]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("the key server holds the key of"), "{}", stderr(&output));
    assert!(!Path::new(&restored).exists());

    let local = path(&server.dir, "local.tdg");
    let input = path(&server.dir, "data.csv");
    assert_eq!(run(&["encrypt", &input, "--out", &local, "--key-file", &key]).status.code(), Some(0));
    let output = run(&["decrypt", &local, "--out", &restored, "--key-server", &server.base, "--token", &token]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("carries its data key wrapped in the header"), "{}", stderr(&output));
    assert!(!Path::new(&restored).exists());
}
