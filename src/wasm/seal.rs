//! The JavaScript boundary of `seal`: streaming file encryption and decryption, the header, and
//! the JSON package.
//!
//! Two chunk ciphers produce the same bytes. `FileEncryptor` and `FileDecryptor` seal and open
//! chunks in Rust. `encryptStream` and `decryptStream` return a WHATWG `TransformStream` that
//! uses WebCrypto (`crypto.subtle`) for the chunks where the runtime has it, with the header,
//! key derivation and key unwrapping still in Rust, and fall back to the Rust ciphers
//! elsewhere. The streams live in `js/seal-stream.js`.

use wasm_bindgen::prelude::*;

use super::create_guard_error;
use crate::seal::file::{
    Decryptor, EncryptOptions, Encryptor, FileKeys, Header, KeySource, Level, Unlock,
    DEFAULT_CHUNK_SIZE,
};
use crate::seal::{self, Kek, Key};

#[wasm_bindgen(typescript_custom_section)]
const SEAL_TYPES: &str = include_str!("../../js/seal.d.ts");

#[wasm_bindgen(module = "/js/seal-stream.js")]
extern "C" {
    #[wasm_bindgen(js_name = createRustStream)]
    fn create_rust_stream(engine: JsValue, on_progress: JsValue) -> JsValue;

    #[wasm_bindgen(js_name = createWebCryptoEncryptStream)]
    fn create_web_crypto_encrypt_stream(header: JsValue, keys: JsValue, on_progress: JsValue) -> JsValue;

    #[wasm_bindgen(js_name = createWebCryptoDecryptStream)]
    fn create_web_crypto_decrypt_stream(decryptor: JsValue, on_progress: JsValue) -> JsValue;

    #[wasm_bindgen(js_name = hasWebCrypto)]
    fn has_web_crypto() -> bool;
}

/// Largest slice of input given to the Rust ciphers at once, so that one huge chunk from
/// JavaScript does not need its whole size again in Wasm memory.
const SLICE_BYTES: u32 = 1 << 20;

const ENCRYPT_OPTION_NAMES: [&str; 9] =
    ["dataKey", "kek", "kekVersion", "datasetId", "keyId", "level", "chunkSize", "backend", "onProgress"];
const DECRYPT_OPTION_NAMES: [&str; 5] = ["dataKey", "kek", "kekVersion", "backend", "onProgress"];

fn seal_error(error: seal::Error) -> JsValue {
    create_guard_error(error.code(), &error.to_string(), None)
}

fn option_error(name: &str, expected: &str) -> JsValue {
    create_guard_error("INVALID_OPTIONS", &format!("option {name} must be {expected}"), Some(name.to_owned()))
}

/// Reads options through `Reflect`, rejecting keys outside `allowed`.
struct Options<'a> {
    object: &'a JsValue,
}

impl<'a> Options<'a> {
    fn new(object: &'a JsValue, allowed: &[&str]) -> Result<Options<'a>, JsValue> {
        if !object.is_object() {
            return Err(option_error("options", "an object"));
        }
        let keys = js_sys::Reflect::own_keys(object).map_err(|_| option_error("options", "a plain object"))?;
        for key in keys.iter() {
            let Some(key) = key.as_string() else { continue };
            if !allowed.contains(&key.as_str()) {
                let shown: String = key.chars().take(64).collect();
                return Err(create_guard_error(
                    "INVALID_OPTIONS",
                    &format!("unknown option {shown:?}; expected one of {}", allowed.join(", ")),
                    Some(shown),
                ));
            }
        }
        Ok(Options { object })
    }

    fn get(&self, name: &str) -> Result<Option<JsValue>, JsValue> {
        let value = js_sys::Reflect::get(self.object, &JsValue::from_str(name))
            .map_err(|_| option_error("options", "a plain object"))?;
        Ok((!value.is_undefined() && !value.is_null()).then_some(value))
    }

    fn string(&self, name: &str) -> Result<Option<String>, JsValue> {
        self.get(name)?.map(|value| value.as_string().ok_or_else(|| option_error(name, "a string"))).transpose()
    }

    fn whole_number(&self, name: &str, max: f64) -> Result<Option<f64>, JsValue> {
        let Some(value) = self.get(name)? else { return Ok(None) };
        match value.as_f64() {
            Some(number) if number.is_finite() && number >= 0.0 && number.fract() == 0.0 && number <= max => {
                Ok(Some(number))
            }
            _ => Err(option_error(name, &format!("a whole number from 0 to {max}"))),
        }
    }

    fn key(&self, name: &str) -> Result<Option<Key>, JsValue> {
        let Some(value) = self.get(name)? else { return Ok(None) };
        let array = value.dyn_ref::<js_sys::Uint8Array>().ok_or_else(|| option_error(name, "a Uint8Array of 32 bytes"))?;
        if array.length() as usize != seal::KEY_LEN {
            return Err(option_error(name, "a Uint8Array of 32 bytes"));
        }
        let mut bytes = zeroize::Zeroizing::new([0u8; seal::KEY_LEN]);
        array.copy_to(bytes.as_mut_slice());
        Ok(Some(Key::from_bytes(*bytes)))
    }

    /// Reads `dataKey`, or `kek` with `kekVersion`: exactly one of the two.
    fn unlock(&self) -> Result<Unlock, JsValue> {
        let data_key = self.key("dataKey")?;
        let kek = self.key("kek")?;
        let version = self.whole_number("kekVersion", f64::from(u32::MAX))?;
        match (data_key, kek, version) {
            (Some(key), None, None) => Ok(Unlock::DataKey(key)),
            (None, Some(key), Some(version)) => Ok(Unlock::Kek(Kek::new(version as u32, key))),
            (None, Some(_), None) => Err(option_error("kekVersion", "given with kek")),
            _ => Err(option_error("dataKey", "given alone, or replaced by kek and kekVersion")),
        }
    }

    /// Reads `backend` and returns whether to use WebCrypto.
    fn use_web_crypto(&self) -> Result<bool, JsValue> {
        match self.string("backend")?.as_deref() {
            None | Some("auto") => Ok(has_web_crypto()),
            Some("webcrypto") if has_web_crypto() => Ok(true),
            Some("webcrypto") => Err(create_guard_error(
                "INVALID_OPTIONS",
                "option backend is \"webcrypto\" but this runtime has no crypto.subtle; pass \"auto\" or \"rust\"",
                Some("backend".to_owned()),
            )),
            Some("rust") => Ok(false),
            Some(_) => Err(option_error("backend", "\"auto\", \"webcrypto\" or \"rust\"")),
        }
    }

    fn on_progress(&self) -> Result<JsValue, JsValue> {
        match self.get("onProgress")? {
            None => Ok(JsValue::UNDEFINED),
            Some(value) if value.is_function() => Ok(value),
            Some(_) => Err(option_error("onProgress", "a function")),
        }
    }
}

fn uint8_array(value: &JsValue, name: &str) -> Result<js_sys::Uint8Array, JsValue> {
    value.dyn_ref::<js_sys::Uint8Array>().cloned().ok_or_else(|| {
        create_guard_error("INVALID_ARGUMENT", &format!("argument {name} must be a Uint8Array"), Some(name.to_owned()))
    })
}

/// Feeds `chunk` to `step` in slices of at most [`SLICE_BYTES`] and returns all output.
fn in_slices(
    chunk: &js_sys::Uint8Array,
    mut step: impl FnMut(&[u8], &mut Vec<u8>) -> Result<(), seal::Error>,
) -> Result<js_sys::Uint8Array, JsValue> {
    let mut buffer = zeroize::Zeroizing::new(vec![0u8; SLICE_BYTES.min(chunk.length()) as usize]);
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(chunk.length() as usize + 1024));
    let mut start = 0;
    while start < chunk.length() {
        let end = (start + SLICE_BYTES).min(chunk.length());
        let part = &mut buffer[..(end - start) as usize];
        chunk.subarray(start, end).copy_to(part);
        step(part, &mut out).map_err(seal_error)?;
        start = end;
    }
    Ok(js_sys::Uint8Array::from(out.as_slice()))
}

/// Returns the keys that the WebCrypto chunk cipher needs, as a plain object.
fn keys_object(keys: &FileKeys, header: &Header) -> JsValue {
    let object = js_sys::Object::new();
    let set = |name: &str, value: JsValue| {
        // The object was just created, so setting a property cannot fail.
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(name), &value);
    };
    set("fileKey", js_sys::Uint8Array::from(&keys.expose_file_key()[..]).into());
    set("noncePrefix", js_sys::Uint8Array::from(&keys.nonce_prefix()[..]).into());
    set("associatedData", js_sys::Uint8Array::from(&keys.associated_data()[..]).into());
    set("chunkSize", JsValue::from(header.chunk_size() as u32));
    set("level", JsValue::from_str(header.level().as_str()));
    set("headerLength", JsValue::from(header.len() as u32));
    object.into()
}

/// Returns the public fields of a header as a plain object.
fn header_object(header: &Header) -> JsValue {
    let object = js_sys::Object::new();
    let set = |name: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(name), &value);
    };
    set("version", JsValue::from(header.version()));
    set("level", JsValue::from_str(header.level().as_str()));
    set("chunkSize", JsValue::from(header.chunk_size() as u32));
    set("keyId", JsValue::from_str(header.key_id()));
    set("datasetId", JsValue::from_str(header.dataset_id()));
    let source = match header.key_source() {
        KeySource::Wrapped(_) => "wrapped",
        KeySource::Reference => "reference",
    };
    set("keySource", JsValue::from_str(source));
    set("kekVersion", header.kek_version().map_or(JsValue::NULL, JsValue::from));
    set("headerLength", JsValue::from(header.len() as u32));
    object.into()
}

/// Encrypts a file chunk by chunk in Rust.
#[wasm_bindgen]
pub struct FileEncryptor {
    inner: Encryptor,
}

#[wasm_bindgen]
impl FileEncryptor {
    /// Starts a file. With `kek` and `kekVersion`, a fresh data key is drawn and stored in the
    /// header wrapped under the KEK; with `dataKey`, the header refers to the key by `keyId`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "EncryptFileOptions")] options: JsValue) -> Result<FileEncryptor, JsValue> {
        let options = Options::new(&options, &ENCRYPT_OPTION_NAMES)?;
        options.use_web_crypto()?;
        options.on_progress()?;
        let dataset_id = options.string("datasetId")?.ok_or_else(|| option_error("datasetId", "a string of 1 to 255 bytes"))?;
        let key_id = options.string("keyId")?.ok_or_else(|| option_error("keyId", "a string of 1 to 255 bytes"))?;
        let level = match options.string("level")? {
            Some(name) => name.parse::<Level>().map_err(seal_error)?,
            None => Level::Standard,
        };
        let chunk_size = options.whole_number("chunkSize", f64::from(u32::MAX))?.map_or(DEFAULT_CHUNK_SIZE, |size| size as usize);
        let settings = EncryptOptions { dataset_id: &dataset_id, key_id: &key_id, level, chunk_size };
        let inner = match options.unlock()? {
            Unlock::Kek(kek) => Encryptor::with_kek(&kek, &settings),
            Unlock::DataKey(key) => Encryptor::new(&key, KeySource::Reference, &settings),
        }
        .map_err(seal_error)?;
        Ok(FileEncryptor { inner })
    }

    /// Returns the encoded header, which the first `push` or `finish` writes first.
    #[wasm_bindgen(getter)]
    pub fn header(&self) -> js_sys::Uint8Array {
        js_sys::Uint8Array::from(self.inner.header().as_bytes())
    }

    /// Encrypts the next piece of plaintext and returns the ciphertext that is complete.
    pub fn push(&mut self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] chunk: JsValue) -> Result<js_sys::Uint8Array, JsValue> {
        let chunk = uint8_array(&chunk, "chunk")?;
        in_slices(&chunk, |part, out| self.inner.push(part, out))
    }

    /// Seals the final chunk and returns the rest of the ciphertext.
    pub fn finish(&mut self) -> Result<js_sys::Uint8Array, JsValue> {
        let mut out = Vec::new();
        self.inner.finish(&mut out).map_err(seal_error)?;
        Ok(js_sys::Uint8Array::from(out.as_slice()))
    }

    /// Returns a `TransformStream` that seals this file's chunks with WebCrypto: the same
    /// bytes as `push` and `finish` would write. Use either, not both, for one file.
    #[wasm_bindgen(js_name = webCryptoStream, unchecked_return_type = "TransformStream<Uint8Array, Uint8Array>")]
    pub fn web_crypto_stream(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(progress: SealProgress) => void")] on_progress: JsValue,
    ) -> Result<JsValue, JsValue> {
        if !has_web_crypto() {
            return Err(option_error("backend", "\"rust\" in a runtime without crypto.subtle"));
        }
        let keys = keys_object(self.inner.file_keys(), self.inner.header());
        Ok(create_web_crypto_encrypt_stream(self.header().into(), keys, on_progress))
    }
}

/// Decrypts a file chunk by chunk in Rust, releasing only verified plaintext.
#[wasm_bindgen]
pub struct FileDecryptor {
    unlock: Unlock,
    inner: Decryptor,
}

#[wasm_bindgen]
impl FileDecryptor {
    /// Starts decrypting with `dataKey`, or with `kek` and `kekVersion` for a wrapped key.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "DecryptFileOptions")] options: JsValue) -> Result<FileDecryptor, JsValue> {
        let options = Options::new(&options, &DECRYPT_OPTION_NAMES)?;
        options.use_web_crypto()?;
        options.on_progress()?;
        let unlock = options.unlock()?;
        Ok(FileDecryptor { inner: Decryptor::new(unlock.clone()), unlock })
    }

    /// Returns the header once `push` has read it and the key commitment has verified.
    #[wasm_bindgen(getter, unchecked_return_type = "EncryptedFileHeader | undefined")]
    pub fn header(&self) -> JsValue {
        self.inner.header().map_or(JsValue::UNDEFINED, header_object)
    }

    /// Reads the next piece of the file and returns the plaintext of the chunks that verified.
    pub fn push(&mut self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] chunk: JsValue) -> Result<js_sys::Uint8Array, JsValue> {
        let chunk = uint8_array(&chunk, "chunk")?;
        in_slices(&chunk, |part, out| self.inner.push(part, out))
    }

    /// Verifies the final chunk and returns its plaintext. Until this returns, the plaintext
    /// from `push` may be a truncated file.
    pub fn finish(&mut self) -> Result<js_sys::Uint8Array, JsValue> {
        let mut out = zeroize::Zeroizing::new(Vec::new());
        self.inner.finish(&mut out).map_err(seal_error)?;
        Ok(js_sys::Uint8Array::from(out.as_slice()))
    }

    /// Returns how many bytes the header needs, as `encryptedHeaderLength` does.
    #[wasm_bindgen(js_name = headerLength)]
    pub fn header_length(&self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] prefix: JsValue) -> Result<u32, JsValue> {
        encrypted_header_length(prefix)
    }

    /// Parses a complete header, unwraps or takes the data key, checks the key commitment and
    /// returns the keys that the WebCrypto chunk cipher needs.
    #[wasm_bindgen(js_name = openHeader, unchecked_return_type = "object")]
    pub fn open_header(&self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] header: JsValue) -> Result<JsValue, JsValue> {
        let bytes = uint8_array(&header, "header")?.to_vec();
        let header = Header::parse(&bytes).map_err(seal_error)?;
        let keys = header.open(&self.unlock).map_err(seal_error)?;
        Ok(keys_object(&keys, &header))
    }
}

/// Returns how many bytes the header needs, judged from the bytes read so far: 14 until the
/// fixed part is complete, then the declared header length. Throws for bytes that cannot
/// start a valid header.
#[wasm_bindgen(js_name = encryptedHeaderLength)]
pub fn encrypted_header_length(#[wasm_bindgen(unchecked_param_type = "Uint8Array")] prefix: JsValue) -> Result<u32, JsValue> {
    let prefix = uint8_array(&prefix, "prefix")?;
    let length = prefix.length().min(crate::limits::MAX_SEAL_HEADER_BYTES as u32);
    let bytes = prefix.subarray(0, length).to_vec();
    Header::needed_len(&bytes).map(|needed| needed as u32).map_err(seal_error)
}

/// Parses the header at the start of an encrypted file and returns its public fields. It
/// needs no key and checks no commitment.
#[wasm_bindgen(js_name = inspectEncryptedFile, unchecked_return_type = "EncryptedFileHeader")]
pub fn inspect_encrypted_file(#[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue) -> Result<JsValue, JsValue> {
    let bytes = uint8_array(&bytes, "bytes")?;
    let length = bytes.length().min(crate::limits::MAX_SEAL_HEADER_BYTES as u32);
    let header = Header::parse(&bytes.subarray(0, length).to_vec()).map_err(seal_error)?;
    Ok(header_object(&header))
}

/// Returns a `TransformStream` from plaintext to an encrypted file, for example for
/// `file.stream().pipeThrough(encryptStream(options))`.
#[wasm_bindgen(js_name = encryptStream, unchecked_return_type = "TransformStream<Uint8Array, Uint8Array>")]
pub fn encrypt_stream(#[wasm_bindgen(unchecked_param_type = "EncryptFileOptions")] options: JsValue) -> Result<JsValue, JsValue> {
    let reader = Options::new(&options, &ENCRYPT_OPTION_NAMES)?;
    let web_crypto = reader.use_web_crypto()?;
    let on_progress = reader.on_progress()?;
    let encryptor = FileEncryptor::new(options)?;
    if web_crypto {
        return encryptor.web_crypto_stream(on_progress);
    }
    Ok(create_rust_stream(encryptor.into(), on_progress))
}

/// Returns a `TransformStream` from an encrypted file to its plaintext. The stream errors with
/// `NOT_AUTHENTIC` on any modification, and releases only verified chunks; a consumer must
/// still discard the output if the stream errors.
#[wasm_bindgen(js_name = decryptStream, unchecked_return_type = "TransformStream<Uint8Array, Uint8Array>")]
pub fn decrypt_stream(#[wasm_bindgen(unchecked_param_type = "DecryptFileOptions")] options: JsValue) -> Result<JsValue, JsValue> {
    let reader = Options::new(&options, &DECRYPT_OPTION_NAMES)?;
    let web_crypto = reader.use_web_crypto()?;
    let on_progress = reader.on_progress()?;
    let decryptor = FileDecryptor::new(options)?;
    if web_crypto {
        return Ok(create_web_crypto_decrypt_stream(decryptor.into(), on_progress));
    }
    Ok(create_rust_stream(decryptor.into(), on_progress))
}

/// Reads the options of the JSON package functions: `keyId`, and optionally `level` and
/// `timestamp` (the current time in ISO 8601 when absent).
fn package_options(options: &JsValue) -> Result<(String, Level, String), JsValue> {
    let options = Options::new(options, &["keyId", "level", "timestamp"])?;
    let key_id = options.string("keyId")?.ok_or_else(|| option_error("keyId", "a string of 1 to 255 bytes"))?;
    let level = match options.string("level")? {
        Some(name) => name.parse::<Level>().map_err(seal_error)?,
        None => Level::Standard,
    };
    let timestamp = match options.string("timestamp")? {
        Some(timestamp) => timestamp,
        None => String::from(js_sys::Date::new_0().to_iso_string()),
    };
    Ok((key_id, level, timestamp))
}

fn data_key_argument(value: &JsValue) -> Result<Key, JsValue> {
    let array = value
        .dyn_ref::<js_sys::Uint8Array>()
        .filter(|array| array.length() as usize == seal::KEY_LEN)
        .ok_or_else(|| {
            create_guard_error("INVALID_ARGUMENT", "argument dataKey must be a Uint8Array of 32 bytes", Some("dataKey".to_owned()))
        })?;
    let mut bytes = zeroize::Zeroizing::new([0u8; seal::KEY_LEN]);
    array.copy_to(bytes.as_mut_slice());
    Ok(Key::from_bytes(*bytes))
}

fn string_argument(value: &JsValue, name: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        create_guard_error("INVALID_ARGUMENT", &format!("argument {name} must be a string"), Some(name.to_owned()))
    })
}

fn parse_package(json: &JsValue) -> Result<seal::Package, JsValue> {
    let json = string_argument(json, "package")?;
    seal::Package::from_json(&json).map_err(|error| {
        let subject = match error {
            seal::Error::MissingFields(fields) => Some(fields.names().collect::<Vec<_>>().join(",")),
            seal::Error::InvalidPackage { field } => Some(field.to_owned()),
            _ => None,
        };
        create_guard_error(error.code(), &error.to_string(), subject)
    })
}

/// Encrypts a small dataset (at most 1 MiB) under the dataset key and returns the JSON package
/// (`encrypted_data`, `iv`, `auth_tag`, `encryption_level`, `key_id`, `timestamp`,
/// `compliance_level`). Larger data belongs in `encryptStream`.
#[wasm_bindgen(js_name = encryptDataset)]
pub fn encrypt_dataset(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] data_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] data: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PackageOptions")] options: JsValue,
) -> Result<String, JsValue> {
    let key = data_key_argument(&data_key)?;
    let data = uint8_array(&data, "data")?;
    if data.length() as usize > crate::limits::MAX_SEAL_PACKAGE_BYTES {
        return Err(seal_error(seal::Error::PackageTooLarge {
            length: data.length() as usize,
            max: crate::limits::MAX_SEAL_PACKAGE_BYTES,
        }));
    }
    let (key_id, level, timestamp) = package_options(&options)?;
    let plaintext = zeroize::Zeroizing::new(data.to_vec());
    let package = seal::encrypt_dataset(&key, &key_id, level, &plaintext, &timestamp).map_err(seal_error)?;
    Ok(package.to_json())
}

/// Decrypts a JSON package from `encryptDataset`. A package that lacks fields throws
/// `MISSING_FIELDS` with their names in `subject`; a changed field throws `NOT_AUTHENTIC`.
#[wasm_bindgen(js_name = decryptDataset)]
pub fn decrypt_dataset(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] data_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] package: JsValue,
) -> Result<js_sys::Uint8Array, JsValue> {
    let key = data_key_argument(&data_key)?;
    let package = parse_package(&package)?;
    let plaintext = zeroize::Zeroizing::new(seal::decrypt_dataset(&key, &package).map_err(seal_error)?);
    Ok(js_sys::Uint8Array::from(plaintext.as_slice()))
}

/// Encrypts one conversation's content (at most 1 MiB of UTF-8) under a key derived from the
/// dataset key and the conversation id, and returns the JSON package.
#[wasm_bindgen(js_name = encryptConversationContent)]
pub fn encrypt_conversation_content(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] data_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] conversation_id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] content: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PackageOptions")] options: JsValue,
) -> Result<String, JsValue> {
    let key = data_key_argument(&data_key)?;
    let conversation_id = string_argument(&conversation_id, "conversationId")?;
    let content = zeroize::Zeroizing::new(string_argument(&content, "content")?);
    let (key_id, level, timestamp) = package_options(&options)?;
    let package = seal::encrypt_conversation_content(&key, &conversation_id, &key_id, level, &content, &timestamp)
        .map_err(seal_error)?;
    Ok(package.to_json())
}

/// Decrypts a JSON package from `encryptConversationContent` for the same conversation id.
#[wasm_bindgen(js_name = decryptConversationContent)]
pub fn decrypt_conversation_content(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] data_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] conversation_id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] package: JsValue,
) -> Result<String, JsValue> {
    let key = data_key_argument(&data_key)?;
    let conversation_id = string_argument(&conversation_id, "conversationId")?;
    let package = parse_package(&package)?;
    seal::decrypt_conversation_content(&key, &conversation_id, &package).map_err(seal_error)
}
