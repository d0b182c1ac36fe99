//! The JavaScript boundary: every `#[wasm_bindgen]` export lives here.
//!
//! Each export converts its arguments, calls the core and converts the result. Every failure
//! becomes a thrown `GuardError` with a stable `code`. No export panics on bad input: a panic
//! aborts the Wasm instance (the release profile compiles with `panic = "abort"`), so every
//! path that can fail returns an error instead.

mod parquet;
mod phi;

use serde::Serialize;
use wasm_bindgen::prelude::*;

mod deid;

use crate::error::{Error, ErrorCode};
use crate::request::RuleTable;
use crate::validate::sanitize::Sanitizer;
use crate::validate::{self, UploadOptions};

mod seal;
#[cfg(feature = "tokens")]
mod guard;

#[wasm_bindgen(module = "/js/guard-error.js")]
extern "C" {
    #[wasm_bindgen(js_name = createGuardError)]
    fn create_guard_error(code: &str, message: &str, subject: Option<String>) -> JsValue;
}

impl From<Error> for JsValue {
    fn from(error: Error) -> JsValue {
        create_guard_error(error.code().as_str(), error.message(), error.subject().map(str::to_owned))
    }
}

fn invalid_argument(name: &str, expected: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, format!("argument {name} must be {expected}")).with_subject(name)
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, Error> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|error| {
        Error::new(ErrorCode::InvalidArgument, format!("result could not be converted to JavaScript: {error}"))
    })
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../../js/types.d.ts");

const UPLOAD_OPTION_NAMES: [&str; 6] = ["fileName", "contentType", "size", "maxFileSizeMb", "csvDelimiter", "sanitize"];

/// Reads upload options from a JavaScript object.
///
/// Every property access goes through `Reflect`, which turns an exception (from a getter or a
/// proxy trap) into an error. Unknown keys are rejected, so a misspelt `maxFileSizeMB` does not
/// silently fall back to the default.
fn upload_options(options: JsValue) -> Result<(UploadOptions, bool), Error> {
    if !options.is_object() {
        return Err(invalid_argument("options", "an object with at least a fileName"));
    }
    let unreadable = || {
        Error::new(ErrorCode::InvalidOptions, "upload options could not be read; pass a plain object")
            .with_subject("options")
    };
    reject_unknown_keys(&options, "upload option", &UPLOAD_OPTION_NAMES, unreadable)?;
    let get = |name: &str| -> Result<Option<JsValue>, Error> {
        let value = js_sys::Reflect::get(&options, &JsValue::from_str(name)).map_err(|_| unreadable())?;
        Ok((!value.is_undefined() && !value.is_null()).then_some(value))
    };
    let string = |name: &str| -> Result<Option<String>, Error> {
        get(name)?
            .map(|value| value.as_string().ok_or_else(|| wrong_option_type(name, "a string")))
            .transpose()
    };
    let number = |name: &str| -> Result<Option<u64>, Error> {
        get(name)?
            .map(|value| value.as_f64().ok_or_else(|| wrong_option_type(name, "a number")))
            .transpose()?
            .map(|value| whole_number(value, name))
            .transpose()
    };

    let sanitize = get("sanitize")?
        .map(|value| value.as_bool().ok_or_else(|| wrong_option_type("sanitize", "a boolean")))
        .transpose()?
        .unwrap_or(false);

    let file_name = string("fileName")?.ok_or_else(|| {
        Error::new(ErrorCode::InvalidOptions, "option fileName is missing; pass the file's name, such as File.name")
            .with_subject("fileName")
    })?;
    let mut upload = UploadOptions::new(file_name);
    if let Some(content_type) = string("contentType")? {
        upload = upload.content_type(content_type);
    }
    if let Some(size) = number("size")? {
        upload = upload.declared_size(size);
    }
    if let Some(megabytes) = number("maxFileSizeMb")? {
        upload = upload.max_file_size_mb(megabytes)?;
    }
    if let Some(delimiter) = string("csvDelimiter")? {
        let mut chars = delimiter.chars();
        let single = match (chars.next(), chars.next()) {
            (Some(c), None) => c,
            _ => '\0',
        };
        upload = upload.csv_delimiter(single)?;
    }
    Ok((upload, sanitize))
}

/// Rejects an own key of `options` that is not in `allowed`, so that a misspelt option does not
/// silently fall back to its default. `kind` names the options in the message.
fn reject_unknown_keys(options: &JsValue, kind: &str, allowed: &[&str], unreadable: impl Fn() -> Error) -> Result<(), Error> {
    let keys = js_sys::Reflect::own_keys(options).map_err(|_| unreadable())?;
    for key in keys.iter() {
        let Some(key) = key.as_string() else { continue };
        if !allowed.contains(&key.as_str()) {
            // The key is caller text, so only its start is repeated back.
            let shown: String = key.chars().take(64).collect();
            return Err(Error::new(
                ErrorCode::InvalidOptions,
                format!("unknown {kind} {shown:?}; expected one of {}", allowed.join(", ")),
            )
            .with_subject(shown));
        }
    }
    Ok(())
}

fn wrong_option_type(name: &str, expected: &str) -> Error {
    Error::new(ErrorCode::InvalidOptions, format!("option {name} must be {expected}")).with_subject(name)
}

fn whole_number(value: f64, name: &str) -> Result<u64, Error> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 9_007_199_254_740_991.0 {
        Ok(value as u64)
    } else {
        Err(Error::new(ErrorCode::InvalidOptions, format!("option {name} must be a non-negative whole number"))
            .with_subject(name))
    }
}

fn bytes_argument(value: &JsValue, name: &str) -> Result<Vec<u8>, Error> {
    value
        .dyn_ref::<js_sys::Uint8Array>()
        .map(js_sys::Uint8Array::to_vec)
        .ok_or_else(|| invalid_argument(name, "a Uint8Array"))
}

/// Validates a whole upload held in memory and returns the report.
///
/// With `sanitize: true`, a valid CSV, JSON or JSON Lines upload also comes back as
/// `sanitizedData`: the same bytes without invisible and control characters. For files larger
/// than a few megabytes, stream them through `UploadValidator` and `Sanitizer` instead.
#[wasm_bindgen(js_name = validateUpload, unchecked_return_type = "UploadReport")]
pub fn validate_upload(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
    #[wasm_bindgen(unchecked_param_type = "UploadOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = bytes_argument(&bytes, "bytes")?;
    let (options, sanitize) = upload_options(options)?;
    let report = validate::validate_upload(&bytes, options);
    let sanitized = (sanitize && report.valid && report.stats.format != Some("parquet")).then(|| {
        let mut sanitizer = Sanitizer::new();
        let mut out = Vec::with_capacity(bytes.len());
        sanitizer.update(&bytes, &mut out);
        sanitizer.finish(&mut out);
        out
    });
    let value = to_js(&report)?;
    if sanitize {
        let data = match sanitized {
            Some(out) => JsValue::from(js_sys::Uint8Array::from(out.as_slice())),
            None => JsValue::NULL,
        };
        // The serializer has just created this plain object, so no setter or proxy can make
        // setting a property fail.
        let _ = js_sys::Reflect::set(&value, &JsValue::from_str("sanitizedData"), &data);
    }
    Ok(value)
}

/// Validates an upload fed chunk by chunk, for example from `File.stream()`.
#[wasm_bindgen]
pub struct UploadValidator {
    inner: validate::UploadValidator,
}

#[wasm_bindgen]
impl UploadValidator {
    /// Creates a validator and checks the file name, extension, content type and size.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "UploadOptions")] options: JsValue,
    ) -> Result<UploadValidator, JsValue> {
        let (options, sanitize) = upload_options(options)?;
        if sanitize {
            return Err(Error::new(
                ErrorCode::InvalidOptions,
                "option sanitize applies to validateUpload; pipe a stream through Sanitizer instead",
            )
            .with_subject("sanitize")
            .into());
        }
        Ok(UploadValidator { inner: validate::UploadValidator::new(options) })
    }

    /// Reads the next chunk. Chunks may split records and characters anywhere.
    pub fn update(&mut self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] chunk: JsValue) -> Result<(), JsValue> {
        let chunk = chunk.dyn_ref::<js_sys::Uint8Array>().ok_or_else(|| invalid_argument("chunk", "a Uint8Array"))?;
        // Copy in bounded slices so one huge chunk does not double its size in Wasm memory.
        const SLICE: u32 = 1 << 20;
        let mut buffer = vec![0u8; SLICE.min(chunk.length()) as usize];
        let mut start = 0;
        while start < chunk.length() {
            let end = (start + SLICE).min(chunk.length());
            let part = &mut buffer[..(end - start) as usize];
            chunk.subarray(start, end).copy_to(part);
            self.inner.update(part)?;
            start = end;
        }
        Ok(())
    }

    /// `true` once the file is certain to be invalid; the caller may stop reading it.
    #[wasm_bindgen(getter)]
    pub fn rejected(&self) -> bool {
        self.inner.is_rejected()
    }

    /// Reads the end of the file and returns the report.
    #[wasm_bindgen(unchecked_return_type = "UploadReport")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let report = self.inner.finish()?;
        Ok(to_js(&report)?)
    }
}

/// Removes invisible and control characters from a CSV, JSON or JSON Lines stream, keeping
/// its format valid.
#[wasm_bindgen(js_name = Sanitizer)]
pub struct JsSanitizer {
    inner: Sanitizer,
}

#[wasm_bindgen(js_class = Sanitizer)]
impl JsSanitizer {
    /// Creates a sanitizer.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsSanitizer {
        JsSanitizer { inner: Sanitizer::new() }
    }

    /// Returns the sanitized bytes of the next chunk. A character split between chunks comes
    /// out with the chunk that completes it.
    pub fn update(&mut self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] chunk: JsValue) -> Result<js_sys::Uint8Array, JsValue> {
        let chunk = bytes_argument(&chunk, "chunk")?;
        let mut out = Vec::with_capacity(chunk.len());
        self.inner.update(&chunk, &mut out);
        Ok(js_sys::Uint8Array::from(out.as_slice()))
    }

    /// Returns the bytes that the last chunk left open, unchanged.
    pub fn finish(&mut self) -> js_sys::Uint8Array {
        let mut out = Vec::new();
        self.inner.finish(&mut out);
        js_sys::Uint8Array::from(out.as_slice())
    }

    /// Returns the number of characters removed so far.
    #[wasm_bindgen(getter)]
    pub fn removed(&self) -> f64 {
        self.inner.removed() as f64
    }
}

impl Default for JsSanitizer {
    fn default() -> Self {
        JsSanitizer::new()
    }
}

/// A compiled request rule table.
#[wasm_bindgen]
pub struct RequestRules {
    table: RuleTable,
}

#[wasm_bindgen]
impl RequestRules {
    /// Compiles a rule table given as JSON text or as an object.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "string | RuleTable")] rules: JsValue) -> Result<RequestRules, JsValue> {
        let json = json_argument(&rules, "rules")?;
        Ok(RequestRules { table: RuleTable::from_json(&json)? })
    }

    /// Validates a request body (JSON text or an object) sent to `endpoint` by `role`.
    #[wasm_bindgen(unchecked_return_type = "RequestReport")]
    pub fn validate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Record<string, unknown>")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] endpoint: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] role: JsValue,
    ) -> Result<JsValue, JsValue> {
        let body = json_argument(&request, "request")?;
        let endpoint = endpoint.as_string().ok_or_else(|| invalid_argument("endpoint", "a string"))?;
        let role = role.as_string().ok_or_else(|| invalid_argument("role", "a string"))?;
        let report = self.table.validate_json(&body, &endpoint, &role)?;
        Ok(to_js(&report)?)
    }

    /// Returns the endpoint names in the table.
    pub fn endpoints(&self) -> Vec<String> {
        self.table.endpoints().map(str::to_owned).collect()
    }
}

/// Returns JSON text for a string argument as it is, or for an object through `JSON.stringify`.
fn json_argument(value: &JsValue, name: &str) -> Result<String, Error> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if !value.is_object() {
        return Err(invalid_argument(name, "JSON text or an object"));
    }
    let text = js_sys::JSON::stringify(value)
        .map_err(|_| invalid_argument(name, "an object that JSON.stringify accepts"))?;
    text.as_string().ok_or_else(|| invalid_argument(name, "an object that JSON.stringify accepts"))
}

/// Returns the package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Returns the optional cargo features compiled into this build: `"tokens"` (token verification
/// and `EdgeGuard`, in the Workers, Node and `edge` entries) and `"zstd"` (ZSTD-compressed
/// Parquet pages).
#[wasm_bindgen]
pub fn features() -> Vec<String> {
    let mut features = Vec::new();
    if cfg!(feature = "tokens") {
        features.push("tokens".to_owned());
    }
    if cfg!(feature = "zstd") {
        features.push("zstd".to_owned());
    }
    features
}
