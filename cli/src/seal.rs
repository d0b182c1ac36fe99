//! The `keygen`, `encrypt`, `decrypt` and `inspect` commands: the encrypted file format of
//! `docs/format.md` on the command line, with keys from a local key file or from the key server.
//!
//! # Key file
//!
//! A key file contains one key-encryption key (KEK) as JSON, written by `techdeck-guard keygen`
//! with mode 0600:
//!
//! ```json
//! {"type": "techdeck-guard-kek", "version": 1, "kek_version": 1, "key": "<base64 of 32 bytes>"}
//! ```
//!
//! `encrypt` draws a fresh data key for every file and stores it in the header wrapped under
//! the KEK, bound to the dataset id, the key id and `kek_version`. `decrypt` unwraps it with
//! the same key file.
//!
//! # Key server
//!
//! With `--key-server URL --token T`, `encrypt` requests a data key from the key server and the
//! header stores only the dataset id and the server's key id (key source "reference").
//! `decrypt` requests the unwrap of that key from the server, which unwraps only for callers
//! that its access rules allow. [`crate::keyserver`] is the HTTP client.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde_json::{json, Value};
use techdeck_guard::seal::file::{
    Decryptor, EncryptOptions, Encryptor, Header, KeySource, Level, Unlock, DEFAULT_CHUNK_SIZE,
};
use techdeck_guard::seal::{self, Kek, Key, KEY_LEN};

use crate::keyserver::KeyServerClient;

/// Size of each read from the input file.
const READ_CHUNK_BYTES: usize = 1 << 20;

/// The `type` of a key file.
const KEY_FILE_TYPE: &str = "techdeck-guard-kek";

/// Maximum size of a key file in bytes, checked before it is parsed.
const MAX_KEY_FILE_BYTES: u64 = 4096;

#[derive(clap::Args)]
pub struct KeygenArgs {
    /// The path of the new key file. An existing file is not overwritten.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,

    /// The KEK version to record, which every file encrypted with this key stores.
    #[arg(long, value_name = "N", default_value_t = 1)]
    kek_version: u32,
}

/// The source of the key: a local key file, or the key server.
#[derive(clap::Args)]
pub struct KeyArgs {
    /// A key file written by `techdeck-guard keygen`.
    #[arg(long, value_name = "FILE", required_unless_present = "key_server", conflicts_with = "key_server")]
    key_file: Option<PathBuf>,

    /// The key server's base URL, such as https://keys.example.org (http:// is accepted too).
    #[arg(long, value_name = "URL", requires = "token")]
    key_server: Option<String>,

    /// The access token for --key-server, from the key server's /v1/login.
    #[arg(long, value_name = "TOKEN", env = "TECHDECK_GUARD_TOKEN", hide_env_values = true)]
    token: Option<String>,
}

#[derive(clap::Args)]
pub struct EncryptArgs {
    /// The file to encrypt.
    file: PathBuf,

    /// The path of the encrypted file. An existing file is not overwritten.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,

    #[command(flatten)]
    key: KeyArgs,

    /// The dataset id bound to the file (1 to 255 bytes, no PHI). A random id when absent.
    #[arg(long, value_name = "ID")]
    dataset_id: Option<String>,

    /// The key id recorded in the header (1 to 255 bytes). A random id when absent. With
    /// --key-server the server chooses the key id.
    #[arg(long, value_name = "ID", conflicts_with = "key_server")]
    key_id: Option<String>,

    /// The encryption level: standard, enhanced or maximum.
    #[arg(long, value_name = "LEVEL", default_value = "standard")]
    level: String,

    /// Plaintext bytes per chunk: a power of two from 4096 to 1048576.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_CHUNK_SIZE)]
    chunk_size: usize,
}

#[derive(clap::Args)]
pub struct DecryptArgs {
    /// The encrypted file.
    file: PathBuf,

    /// The path of the plaintext. It appears only after the whole file has verified.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,

    #[command(flatten)]
    key: KeyArgs,
}

#[derive(clap::Args)]
pub struct InspectArgs {
    /// The encrypted file.
    file: PathBuf,

    /// Print the header as JSON.
    #[arg(long)]
    json: bool,
}

/// Writes a new key file.
pub fn keygen(args: &KeygenArgs) -> Result<(), String> {
    let key = Key::generate().map_err(|error| error.to_string())?;
    let text = json!({
        "type": KEY_FILE_TYPE,
        "version": 1,
        "kek_version": args.kek_version,
        "key": BASE64.encode(key.expose_secret()),
    });
    let mut out = create_new(&args.out, true)?;
    writeln!(out, "{text}").map_err(|error| format!("cannot write {}: {error}", args.out.display()))?;
    eprintln!("wrote KEK version {} to {}", args.kek_version, args.out.display());
    Ok(())
}

/// Encrypts a file under a fresh data key, wrapped with the KEK into the header or held by
/// the key server.
pub fn encrypt(args: &EncryptArgs) -> Result<(), String> {
    reject_existing(&args.out)?;
    let level: Level = args.level.parse().map_err(|error| {
        format!("{error}\nhint: pass --level standard, --level enhanced or --level maximum")
    })?;
    let dataset_id = args.dataset_id.clone().map_or_else(|| random_id("dataset"), Ok)?;
    let chunk_size = args.chunk_size;

    let (mut encryptor, key_id) = match key_server_client(&args.key)? {
        Some(client) => {
            let generated = client.generate_data_key(&dataset_id)?;
            let options = EncryptOptions { dataset_id: &dataset_id, key_id: &generated.key_id, level, chunk_size };
            let encryptor = Encryptor::new(&generated.data_key, KeySource::Reference, &options)
                .map_err(|error| error.to_string())?;
            (encryptor, generated.key_id)
        }
        None => {
            let kek = load_kek(&args.key)?;
            let key_id = args.key_id.clone().map_or_else(|| random_id("key"), Ok)?;
            let options = EncryptOptions { dataset_id: &dataset_id, key_id: &key_id, level, chunk_size };
            let encryptor = Encryptor::with_kek(&kek, &options).map_err(|error| error.to_string())?;
            (encryptor, key_id)
        }
    };

    transform_file(&args.file, &args.out, false, &mut encryptor)?;
    eprintln!("encrypted {} to {} (dataset id {dataset_id}, key id {key_id}, level {level})", args.file.display(), args.out.display());
    Ok(())
}

/// Decrypts a file. The plaintext goes to a temporary file beside `--out`, which is renamed
/// only after the final chunk has verified and deleted on any error.
pub fn decrypt(args: &DecryptArgs) -> Result<(), String> {
    reject_existing(&args.out)?;
    let header = read_header(&args.file)?;
    let unlock = match (header.key_source(), key_server_client(&args.key)?) {
        (KeySource::Reference, Some(client)) => {
            Unlock::DataKey(client.unwrap_data_key(header.dataset_id(), header.key_id())?)
        }
        (KeySource::Reference, None) => {
            return Err(format!(
                "the key server holds the key of {}\nhint: pass --key-server URL and --token TOKEN",
                args.file.display()
            ))
        }
        (KeySource::Wrapped(_), Some(_)) => {
            return Err(format!(
                "{} carries its data key wrapped in the header, not on a key server\nhint: pass --key-file with the key file it was encrypted with",
                args.file.display()
            ))
        }
        (KeySource::Wrapped(_), None) => Unlock::Kek(load_kek(&args.key)?),
    };
    let mut decryptor = Decryptor::new(unlock);
    transform_file(&args.file, &args.out, true, &mut decryptor)?;
    eprintln!("decrypted {} to {}", args.file.display(), args.out.display());
    Ok(())
}

/// The streaming encryptor or decryptor that [`transform_file`] drives.
trait Transform {
    /// The verb for messages: "encrypt" or "decrypt".
    const VERB: &'static str;
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), seal::Error>;
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), seal::Error>;
}

impl Transform for Encryptor {
    const VERB: &'static str = "encrypt";
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), seal::Error> {
        Encryptor::push(self, input, out)
    }
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), seal::Error> {
        Encryptor::finish(self, out)
    }
}

impl Transform for Decryptor {
    const VERB: &'static str = "decrypt";
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), seal::Error> {
        Decryptor::push(self, input, out)
    }
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), seal::Error> {
        Decryptor::finish(self, out)
    }
}

/// Streams `input_path` through `engine` into a `.partial` file beside `out_path`,
/// which is renamed to `out_path` only after `finish` succeeds and deleted on any error. With
/// `private`, the output is readable by its owner only.
fn transform_file<T: Transform>(
    input_path: &Path,
    out_path: &Path,
    private: bool,
    engine: &mut T,
) -> Result<(), String> {
    let mut input = File::open(input_path).map_err(|error| format!("cannot open {}: {error}", input_path.display()))?;
    let failed = |error: seal::Error| format!("cannot {} {}: {error}", T::VERB, input_path.display());
    let partial = partial_path(out_path);
    let mut out = create_new(&partial, private)?;
    let result = (|| {
        let mut produced = Vec::with_capacity(READ_CHUNK_BYTES + DEFAULT_CHUNK_SIZE);
        let mut buffer = vec![0u8; READ_CHUNK_BYTES];
        loop {
            let read = read_some(&mut input, &mut buffer, input_path)?;
            if read == 0 {
                break;
            }
            engine.push(&buffer[..read], &mut produced).map_err(failed)?;
            write_all(&mut out, &produced, out_path)?;
            produced.clear();
        }
        engine.finish(&mut produced).map_err(failed)?;
        write_all(&mut out, &produced, out_path)?;
        finish_output(out, &partial, out_path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&partial);
    }
    result
}

/// Prints the header of an encrypted file. The header contains no secret, and the wrapped key
/// is shown only by its length.
pub fn inspect(args: &InspectArgs) -> Result<(), String> {
    let size = fs::metadata(&args.file).map(|metadata| metadata.len()).unwrap_or(0);
    let header = read_header(&args.file)?;

    let (source, wrapped_len) = match header.key_source() {
        KeySource::Wrapped(wrapped) => ("wrapped", wrapped.len()),
        KeySource::Reference => ("key server", 0),
    };
    let body = size.saturating_sub(header.len() as u64);
    let sealed_chunk = (header.chunk_size() + techdeck_guard::seal::file::TAG_LEN) as u64;
    let chunks = body.div_ceil(sealed_chunk);
    let value = json!({
        "version": header.version(),
        "algorithm": "AES-256-GCM, HKDF-SHA-256, STREAM",
        "level": header.level().as_str(),
        "chunk_size": header.chunk_size(),
        "key_source": source,
        "key_id": header.key_id(),
        "dataset_id": header.dataset_id(),
        "kek_version": header.kek_version(),
        "wrapped_key_bytes": wrapped_len,
        "header_bytes": header.len(),
        "file_bytes": size,
        "chunks": chunks,
    });
    let mut out = io::stdout().lock();
    let written = if args.json {
        writeln!(out, "{value:#}")
    } else {
        print_header(&mut out, &args.file, &value)
    };
    written.map_err(|error| format!("cannot write the header: {error}"))
}

fn print_header(out: &mut impl Write, path: &Path, value: &Value) -> io::Result<()> {
    writeln!(out, "{}: techdeck-guard encrypted file", path.display())?;
    let Value::Object(fields) = value else { return Ok(()) };
    for (name, field) in fields {
        let shown = match field {
            Value::String(text) => text.clone(),
            Value::Null => "none".to_owned(),
            other => other.to_string(),
        };
        writeln!(out, "  {name}: {shown}")?;
    }
    Ok(())
}

/// Reads and parses the header at the start of an encrypted file.
fn read_header(path: &Path) -> Result<Header, String> {
    let file = File::open(path).map_err(|error| format!("cannot open {}: {error}", path.display()))?;
    let mut prefix = Vec::new();
    file.take(techdeck_guard::limits::MAX_SEAL_HEADER_BYTES as u64)
        .read_to_end(&mut prefix)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    Header::parse(&prefix).map_err(|error| format!("cannot read the header of {}: {error}", path.display()))
}

/// Returns a key server client when `--key-server` is given.
fn key_server_client(args: &KeyArgs) -> Result<Option<KeyServerClient>, String> {
    let Some(url) = &args.key_server else { return Ok(None) };
    let token = args.token.as_deref().ok_or("missing --token: --key-server needs an access token")?;
    KeyServerClient::new(url, token).map(Some)
}

fn load_kek(args: &KeyArgs) -> Result<Kek, String> {
    let path = args.key_file.as_ref().ok_or("missing --key-file")?;
    let invalid = |problem: &str| format!("invalid key file {}: {problem}", path.display());
    let file = File::open(path).map_err(|error| format!("cannot open key file {}: {error}", path.display()))?;
    let mut text = String::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|error| format!("cannot read key file {}: {error}", path.display()))?;
    if text.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(invalid("larger than 4096 bytes"));
    }
    let value: Value = serde_json::from_str(&text).map_err(|_| invalid("not JSON"))?;
    if value["type"] != KEY_FILE_TYPE || value["version"] != 1 {
        return Err(invalid("expected type \"techdeck-guard-kek\" and version 1"));
    }
    let kek_version = value["kek_version"]
        .as_u64()
        .and_then(|version| u32::try_from(version).ok())
        .ok_or_else(|| invalid("kek_version must be an integer from 0 to 4294967295"))?;
    let bytes = value["key"]
        .as_str()
        .and_then(|key| BASE64.decode(key).ok())
        .filter(|bytes| bytes.len() == KEY_LEN)
        .ok_or_else(|| invalid("key must be the base64 of 32 bytes"))?;
    let key = Key::from_slice(&bytes).map_err(|error| error.to_string())?;
    Ok(Kek::new(kek_version, key))
}

/// Returns a random id such as `dataset-3f9a0c12d4e5b677`.
fn random_id(prefix: &str) -> Result<String, String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|_| "the operating system's random number generator failed".to_owned())?;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(format!("{prefix}-{hex}"))
}

fn reject_existing(path: &Path) -> Result<(), String> {
    if path.exists() {
        return Err(format!("{} already exists\nhint: remove it or pass another path", path.display()));
    }
    Ok(())
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().map(|name| name.to_os_string()).unwrap_or_default();
    name.push(".partial");
    out.with_file_name(name)
}

/// Creates `path`, failing if it exists. With `private`, the file is readable by its owner only.
fn create_new(path: &Path, private: bool) -> Result<BufWriter<File>, String> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    options.open(path).map(BufWriter::new).map_err(|error| {
        if error.kind() == io::ErrorKind::AlreadyExists {
            format!("{} already exists\nhint: remove it or pass another path", path.display())
        } else {
            format!("cannot create {}: {error}", path.display())
        }
    })
}

fn read_some(input: &mut File, buffer: &mut [u8], path: &Path) -> Result<usize, String> {
    loop {
        match input.read(buffer) {
            Ok(read) => return Ok(read),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(format!("cannot read {}: {error}", path.display())),
        }
    }
}

fn write_all(out: &mut BufWriter<File>, bytes: &[u8], path: &Path) -> Result<(), String> {
    out.write_all(bytes).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

/// Flushes the temporary output and renames it to `out`, which must not exist.
fn finish_output(out: BufWriter<File>, partial: &Path, target: &Path) -> Result<(), String> {
    let file = out.into_inner().map_err(|error| format!("cannot write {}: {}", target.display(), error.error()))?;
    file.sync_all().map_err(|error| format!("cannot write {}: {error}", target.display()))?;
    reject_existing(target)?;
    fs::rename(partial, target).map_err(|error| format!("cannot create {}: {error}", target.display()))
}
