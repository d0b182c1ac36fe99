//! The JavaScript boundary of `deid`: `DatasetScanner`, `Redactor` and `redact`.

use std::sync::Arc;

use wasm_bindgen::prelude::*;

use super::{bytes_argument, invalid_argument, reject_unknown_keys, to_js, wrong_option_type};
use crate::dataset::ReaderOptions;
use crate::deid::{self, DatasetOptions, DatasetScan, Input, Key, Operators, RedactOptions, TextScan};
use crate::error::{Error, ErrorCode};
use crate::phi::{PhiType, ScanOptions, Scanner};

#[wasm_bindgen(typescript_custom_section)]
const DEID_TYPES: &str = include_str!("../../js/deid.d.ts");

const SCAN_OPTION_NAMES: [&str; 6] = ["format", "types", "minConfidence", "csvDelimiter", "includeText", "onProgress"];

const REDACT_OPTION_NAMES: [&str; 8] =
    ["format", "types", "minConfidence", "csvDelimiter", "operators", "key", "subjectField", "onProgress"];

/// Options shared by the scanner and the redactor, read from a JavaScript object.
struct Options {
    input: Input,
    scanner: Arc<Scanner>,
    dataset: DatasetOptions,
    on_progress: Option<js_sys::Function>,
    object: JsValue,
}

impl Options {
    /// Reads the common options and rejects keys not in `allowed`.
    fn read(options: JsValue, allowed: &[&str]) -> Result<Options, Error> {
        if !options.is_object() {
            return Err(invalid_argument("options", "an object with at least a format"));
        }
        let unreadable =
            || Error::new(ErrorCode::InvalidOptions, "options could not be read; pass a plain object").with_subject("options");
        reject_unknown_keys(&options, "option", allowed, unreadable)?;

        let format = string_option(&options, "format")?.ok_or_else(|| {
            Error::new(ErrorCode::InvalidOptions, "option format is missing; pass csv, json, jsonl, parquet or text")
                .with_subject("format")
        })?;
        let input = Input::from_name(&format).ok_or_else(|| {
            Error::new(ErrorCode::InvalidOptions, "option format must be csv, json, jsonl, parquet or text").with_subject("format")
        })?;
        let mut scan = ScanOptions::default();
        if let Some(confidence) = option(&options, "minConfidence")? {
            scan.min_confidence = confidence.as_f64().ok_or_else(|| wrong_option_type("minConfidence", "a number"))? as f32;
        }
        if let Some(types) = option(&options, "types")? {
            scan.types = type_list(&types)?;
        }
        let mut dataset = DatasetOptions { utf16_offsets: true, min_confidence: scan.min_confidence, ..DatasetOptions::default() };
        if let Some(delimiter) = string_option(&options, "csvDelimiter")? {
            dataset.reader = ReaderOptions { csv_delimiter: Some(csv_delimiter(&delimiter)?) };
        }
        let on_progress = option(&options, "onProgress")?
            .map(|callback| callback.dyn_into::<js_sys::Function>().map_err(|_| wrong_option_type("onProgress", "a function")))
            .transpose()?;

        // The scanner is built after the shared options are known to be valid, because building
        // it is the expensive step.
        let scanner = Arc::new(Scanner::new(&scan)?);
        Ok(Options { input, scanner, dataset, on_progress, object: options })
    }

    fn get(&self, name: &str) -> Result<Option<JsValue>, Error> {
        option(&self.object, name)
    }

    fn string(&self, name: &str) -> Result<Option<String>, Error> {
        string_option(&self.object, name)
    }

    fn boolean(&self, name: &str) -> Result<bool, Error> {
        Ok(self.get(name)?.map(|value| value.as_bool().ok_or_else(|| wrong_option_type(name, "a boolean"))).transpose()?.unwrap_or(false))
    }
}

/// Returns the option `name` of `object`, or `None` when it is undefined or null.
fn option(object: &JsValue, name: &str) -> Result<Option<JsValue>, Error> {
    let value = js_sys::Reflect::get(object, &JsValue::from_str(name)).map_err(|_| {
        Error::new(ErrorCode::InvalidOptions, "options could not be read; pass a plain object").with_subject(name)
    })?;
    Ok((!value.is_undefined() && !value.is_null()).then_some(value))
}

fn string_option(object: &JsValue, name: &str) -> Result<Option<String>, Error> {
    option(object, name)?.map(|value| value.as_string().ok_or_else(|| wrong_option_type(name, "a string"))).transpose()
}

fn type_list(types: &JsValue) -> Result<Vec<PhiType>, Error> {
    let array = types.dyn_ref::<js_sys::Array>().ok_or_else(|| wrong_option_type("types", "an array of type codes"))?;
    array
        .iter()
        .map(|code| {
            code.as_string().and_then(|code| PhiType::from_code(&code)).ok_or_else(|| {
                Error::new(ErrorCode::InvalidOptions, "option types must hold type codes such as NAME or SSN").with_subject("types")
            })
        })
        .collect()
}

fn csv_delimiter(text: &str) -> Result<u8, Error> {
    match text {
        "," | ";" | "|" | "\t" => Ok(text.as_bytes()[0]),
        _ => Err(Error::new(ErrorCode::InvalidOptions, "option csvDelimiter must be one of , ; | or a tab").with_subject("csvDelimiter")),
    }
}

/// Reads `operators`: an object from type code (or `*`) to operator name, or an array of
/// `TYPE=OPERATOR` strings.
fn operators(value: Option<JsValue>) -> Result<Operators, Error> {
    let Some(value) = value else { return Ok(Operators::default()) };
    if let Some(array) = value.dyn_ref::<js_sys::Array>() {
        let mut operators = Operators::default();
        for setting in array.iter() {
            let setting = setting.as_string().ok_or_else(|| wrong_option_type("operators", "TYPE=OPERATOR strings"))?;
            operators.apply_setting(&setting)?;
        }
        return Ok(operators);
    }
    let json = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| wrong_option_type("operators", "an object from type code to operator name"))?;
    Operators::from_json(&json)
}

/// Calls the progress callback with `{ bytesRead }`. An exception in it is thrown on.
fn report_progress(callback: &Option<js_sys::Function>, bytes: u64) -> Result<(), JsValue> {
    let Some(callback) = callback else { return Ok(()) };
    let progress = js_sys::Object::new();
    // A fresh plain object has no setters, so setting a property cannot fail.
    let _ = js_sys::Reflect::set(&progress, &JsValue::from_str("bytesRead"), &JsValue::from_f64(bytes as f64));
    callback.call1(&JsValue::NULL, &progress)?;
    Ok(())
}

fn chunk_argument(chunk: &JsValue) -> Result<Vec<u8>, Error> {
    bytes_argument(chunk, "chunk")
}

enum ScanEngine {
    Dataset(DatasetScan),
    Text(TextScan),
}

/// A streaming PHI scan of a dataset or text file.
#[wasm_bindgen]
pub struct DatasetScanner {
    engine: ScanEngine,
    on_progress: Option<js_sys::Function>,
    finished: bool,
}

#[wasm_bindgen]
impl DatasetScanner {
    /// Creates a scanner from options: `format` (required), `types`, `minConfidence`,
    /// `csvDelimiter`, `includeText` and `onProgress`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "DatasetScannerOptions")] options: JsValue) -> Result<DatasetScanner, JsValue> {
        let mut options = Options::read(options, &SCAN_OPTION_NAMES)?;
        options.dataset.include_text = options.boolean("includeText")?;
        let engine = match options.input {
            Input::Text => ScanEngine::Text(TextScan::new(Arc::clone(&options.scanner), &options.dataset)),
            Input::Dataset(format) => ScanEngine::Dataset(DatasetScan::new(format, Arc::clone(&options.scanner), &options.dataset)),
        };
        Ok(DatasetScanner { engine, on_progress: options.on_progress, finished: false })
    }

    /// Reads the next chunk and returns the findings in the values it completed.
    #[wasm_bindgen(unchecked_return_type = "PhiFinding[]")]
    pub fn feed(&mut self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] chunk: JsValue) -> Result<JsValue, JsValue> {
        if self.finished {
            return Err(deid_finished().into());
        }
        let chunk = chunk_argument(&chunk)?;
        let found = match &mut self.engine {
            ScanEngine::Dataset(scan) => scan.feed(&chunk),
            ScanEngine::Text(scan) => scan.feed(&chunk),
        };
        let value = to_js(&found)?;
        report_progress(&self.on_progress, self.bytes_read() as u64)?;
        Ok(value)
    }

    /// Reads the end of the file and returns the last findings.
    #[wasm_bindgen(unchecked_return_type = "PhiFinding[]")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        if self.finished {
            return Err(deid_finished().into());
        }
        self.finished = true;
        let found = match &mut self.engine {
            ScanEngine::Dataset(scan) => scan.finish()?,
            ScanEngine::Text(scan) => scan.finish(),
        };
        Ok(to_js(&found)?)
    }

    /// Returns the counts and reader problems so far. A text scan has no records or problems.
    #[wasm_bindgen(unchecked_return_type = "ScanSummary")]
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        let summary = match &self.engine {
            ScanEngine::Dataset(scan) => scan.summary(),
            ScanEngine::Text(scan) => deid::ScanSummary { bytes: scan.bytes_read(), complete: true, ..Default::default() },
        };
        Ok(to_js(&summary)?)
    }

    /// Returns the number of bytes read so far.
    #[wasm_bindgen(getter, js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        match &self.engine {
            ScanEngine::Dataset(scan) => scan.bytes_read() as f64,
            ScanEngine::Text(scan) => scan.bytes_read() as f64,
        }
    }
}

fn deid_finished() -> Error {
    Error::new(ErrorCode::AlreadyFinished, "finish was already called; create a new instance for another file")
}

fn redact_options(options: JsValue) -> Result<(Input, Arc<Scanner>, RedactOptions, Option<js_sys::Function>), Error> {
    let options = Options::read(options, &REDACT_OPTION_NAMES)?;
    let mut operators = operators(options.get("operators")?)?;
    operators.subject_field = options.string("subjectField")?;
    let key = match options.get("key")? {
        Some(key) => {
            let bytes = zeroize::Zeroizing::new(bytes_argument(&key, "key")?);
            Some(Key::from_bytes(&bytes)?)
        }
        None => None,
    };
    let redact = RedactOptions { operators, key, dataset: options.dataset };
    Ok((options.input, options.scanner, redact, options.on_progress))
}

/// A streaming redactor: each `feed` returns the output that is ready, and `finish` the rest
/// and the Safe Harbor report.
#[wasm_bindgen(js_name = Redactor)]
pub struct JsRedactor {
    inner: deid::Redactor,
    on_progress: Option<js_sys::Function>,
}

#[wasm_bindgen(js_class = Redactor)]
impl JsRedactor {
    /// Creates a redactor from options: `format` (required), `operators`, `key`,
    /// `subjectField`, `types`, `minConfidence`, `csvDelimiter` and `onProgress`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "RedactorOptions")] options: JsValue) -> Result<JsRedactor, JsValue> {
        let (input, scanner, options, on_progress) = redact_options(options)?;
        Ok(JsRedactor { inner: deid::Redactor::new(input, scanner, options)?, on_progress })
    }

    /// Reads the next chunk and returns the output bytes that are ready. A Parquet file is
    /// written by `finish` only, so `feed` returns an empty array for it.
    pub fn feed(&mut self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] chunk: JsValue) -> Result<js_sys::Uint8Array, JsValue> {
        let chunk = chunk_argument(&chunk)?;
        let mut out = Vec::with_capacity(chunk.len());
        self.inner.feed(&chunk, &mut out);
        let output = js_sys::Uint8Array::from(out.as_slice());
        report_progress(&self.on_progress, self.inner.bytes_read())?;
        Ok(output)
    }

    /// Reads the end of the input and returns `{ output, report }`: the last output bytes and
    /// the Safe Harbor report. Do not share the output when `report.complete` is false.
    #[wasm_bindgen(unchecked_return_type = "RedactResult")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let mut out = Vec::new();
        let report = self.inner.finish(&mut out)?;
        result_object(&out, &report)
    }

    /// Returns the number of bytes read so far.
    #[wasm_bindgen(getter, js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        self.inner.bytes_read() as f64
    }
}

fn result_object(output: &[u8], report: &deid::SafeHarborReport) -> Result<JsValue, JsValue> {
    let result = js_sys::Object::new();
    // A fresh plain object has no setters, so setting a property cannot fail.
    let _ = js_sys::Reflect::set(&result, &JsValue::from_str("output"), &js_sys::Uint8Array::from(output));
    let _ = js_sys::Reflect::set(&result, &JsValue::from_str("report"), &to_js(report)?);
    Ok(result.into())
}

/// Redacts a whole file held in memory and returns `{ output, report }`. For large files, use
/// `Redactor` chunk by chunk.
#[wasm_bindgen(unchecked_return_type = "RedactResult")]
pub fn redact(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RedactorOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = bytes_argument(&bytes, "bytes")?;
    let (input, scanner, options, _) = redact_options(options)?;
    let mut redactor = deid::Redactor::new(input, scanner, options)?;
    let mut out = Vec::with_capacity(bytes.len());
    redactor.feed(&bytes, &mut out);
    let report = redactor.finish(&mut out)?;
    result_object(&out, &report)
}
