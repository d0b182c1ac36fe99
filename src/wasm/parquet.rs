//! The Parquet exports: `ParquetFile`, which reads a file's footer and then one row group at a
//! time from byte ranges that the caller slices (a browser `File` through `slice`), and
//! `rewriteParquet`, which rewrites string values for redaction.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{bytes_argument, invalid_argument, to_js, whole_number};
use crate::dataset::parquet::{self, Compression, RewriteOptions};
use crate::dataset::{Field, Sink, Value};
use crate::error::{Error, ErrorCode};
use crate::report::Finding;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../../js/parquet.d.ts");

/// Turns the finding that stopped reading a file into an error, with its rule as the subject.
fn unreadable(finding: Finding) -> Error {
    let error = Error::new(ErrorCode::ParquetUnreadable, finding.message);
    match finding.rule {
        Some(rule) => error.with_subject(rule),
        None => error,
    }
}

fn file_size(value: f64) -> Result<u64, Error> {
    whole_number(value, "fileSize").map_err(|_| invalid_argument("fileSize", "a non-negative whole number"))
}

/// One string value of a row group, as `readRowGroup` returns it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RowValue {
    record: u64,
    column: usize,
    column_name: String,
    text: String,
    offset: u64,
}

/// The values and findings of one `readRowGroup` call.
#[derive(Default, Serialize)]
struct Rows {
    values: Vec<RowValue>,
    findings: Vec<Finding>,
}

impl Sink for Rows {
    fn value(&mut self, value: &Value<'_>) {
        let Field::Column { index, name } = value.field else { return };
        self.values.push(RowValue {
            record: value.record.unwrap_or_default(),
            column: index,
            column_name: name.unwrap_or_default().to_owned(),
            text: value.text.to_owned(),
            offset: value.offset,
        });
    }

    fn finding(&mut self, finding: Finding) {
        self.findings.push(finding);
    }
}

/// A Parquet file whose footer has been read. Its row groups are read one at a time from byte
/// ranges, such as slices of a browser `File`, so memory stays bounded by one row group.
#[wasm_bindgen(js_name = ParquetFile)]
pub struct JsParquetFile {
    inner: parquet::ParquetFile,
    findings: Vec<Finding>,
}

#[wasm_bindgen(js_class = ParquetFile)]
impl JsParquetFile {
    /// Returns how many bytes from the end of the file the constructor needs, from the file's
    /// last 8 bytes and its size.
    #[wasm_bindgen(js_name = tailLength)]
    pub fn tail_length(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] trailer: JsValue,
        #[wasm_bindgen(js_name = fileSize)] file_size_value: f64,
    ) -> Result<f64, JsValue> {
        let trailer = bytes_argument(&trailer, "trailer")?;
        let size = file_size(file_size_value)?;
        let length = parquet::ParquetFile::tail_length(&trailer, size).map_err(unreadable)?;
        Ok(length as f64)
    }

    /// Decodes the footer from the file's first 4 bytes and its last `tailLength` bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] head: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] tail: JsValue,
        #[wasm_bindgen(js_name = fileSize)] file_size_value: f64,
    ) -> Result<JsParquetFile, JsValue> {
        let head = bytes_argument(&head, "head")?;
        let tail = bytes_argument(&tail, "tail")?;
        let size = file_size(file_size_value)?;
        let mut inner = parquet::ParquetFile::open(&head, &tail, size).map_err(unreadable)?;
        let mut start = Rows::default();
        inner.start(&mut start);
        Ok(JsParquetFile { inner, findings: start.findings })
    }

    /// The leaf column paths.
    #[wasm_bindgen(getter)]
    pub fn columns(&self) -> Vec<String> {
        self.inner.columns().to_vec()
    }

    /// Findings about the schema, such as list columns that are not read.
    #[wasm_bindgen(getter, unchecked_return_type = "Finding[]")]
    pub fn findings(&self) -> Result<JsValue, JsValue> {
        Ok(to_js(&self.findings)?)
    }

    /// The row count from the footer.
    #[wasm_bindgen(getter, js_name = numRows)]
    pub fn num_rows(&self) -> f64 {
        self.inner.num_rows() as f64
    }

    /// The number of row groups.
    #[wasm_bindgen(getter, js_name = rowGroupCount)]
    pub fn row_group_count(&self) -> usize {
        self.inner.row_group_count()
    }

    /// Returns `[start, end)`, the byte range of row group `index`.
    #[wasm_bindgen(js_name = rowGroupRange, unchecked_return_type = "[number, number]")]
    pub fn row_group_range(&self, index: usize) -> Result<JsValue, JsValue> {
        let range = self.inner.row_group_range(index).ok_or_else(|| {
            Error::new(ErrorCode::InvalidArgument, format!("row group {index} does not exist; the file has {}", self.inner.row_group_count()))
                .with_subject("index")
        })?;
        Ok(to_js(&[range.start as f64, range.end as f64])?)
    }

    /// Reads row group `index` from the bytes of its range and returns its string values in
    /// row order, with the findings about it.
    #[wasm_bindgen(js_name = readRowGroup, unchecked_return_type = "ParquetRows")]
    pub fn read_row_group(
        &mut self,
        index: usize,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
    ) -> Result<JsValue, JsValue> {
        if index >= self.inner.row_group_count() {
            return Err(Error::new(ErrorCode::InvalidArgument, format!("row group {index} does not exist"))
                .with_subject("index")
                .into());
        }
        let bytes = bytes_argument(&bytes, "bytes")?;
        let mut rows = Rows::default();
        self.inner.read_row_group(index, &bytes, &mut rows);
        Ok(to_js(&rows)?)
    }
}

/// Rewrites the string values of a Parquet file through `edit` and returns the new file.
#[wasm_bindgen(js_name = rewriteParquet)]
pub fn rewrite_parquet(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ParquetEdit")] edit: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RewriteParquetOptions | undefined")] options: JsValue,
) -> Result<js_sys::Uint8Array, JsValue> {
    let bytes = bytes_argument(&bytes, "bytes")?;
    let edit = edit.dyn_into::<js_sys::Function>().map_err(|_| invalid_argument("edit", "a function"))?;
    let options = rewrite_options(&options)?;
    // The first exception or wrong return type from `edit` stops the edits, and is thrown once
    // the rewrite returns, so no partly edited file is returned.
    let mut failure: Option<JsValue> = None;
    let result = parquet::rewrite(&bytes, &options, &mut |cell, text| {
        if failure.is_some() {
            return None;
        }
        let position = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&position, &"column".into(), &JsValue::from(cell.column as f64));
        let _ = js_sys::Reflect::set(&position, &"name".into(), &JsValue::from_str(cell.name));
        let _ = js_sys::Reflect::set(&position, &"record".into(), &JsValue::from(cell.record as f64));
        match edit.call2(&JsValue::UNDEFINED, &JsValue::from_str(text), &position) {
            Ok(value) if value.is_undefined() || value.is_null() => None,
            Ok(value) => match value.as_string() {
                Some(replacement) => Some(replacement),
                None => {
                    failure = Some(invalid_argument("edit", "a function that returns a string, null or undefined").into());
                    None
                }
            },
            Err(exception) => {
                failure = Some(exception);
                None
            }
        }
    });
    if let Some(exception) = failure {
        return Err(exception);
    }
    let output = result.map_err(unreadable)?;
    Ok(js_sys::Uint8Array::from(output.as_slice()))
}

fn rewrite_options(options: &JsValue) -> Result<RewriteOptions, Error> {
    if options.is_undefined() || options.is_null() {
        return Ok(RewriteOptions::default());
    }
    if !options.is_object() {
        return Err(invalid_argument("options", "an object"));
    }
    let unreadable_options =
        || Error::new(ErrorCode::InvalidOptions, "rewrite options could not be read; pass a plain object").with_subject("options");
    let keys = js_sys::Reflect::own_keys(options).map_err(|_| unreadable_options())?;
    for key in keys.iter() {
        if key.as_string().as_deref() != Some("compression") {
            let shown: String = key.as_string().unwrap_or_default().chars().take(64).collect();
            return Err(Error::new(ErrorCode::InvalidOptions, format!("unknown rewrite option {shown:?}; expected compression"))
                .with_subject(shown));
        }
    }
    let compression = js_sys::Reflect::get(options, &"compression".into()).map_err(|_| unreadable_options())?;
    let compression = match compression.as_string().as_deref() {
        None if compression.is_undefined() => Compression::default(),
        Some("snappy") => Compression::Snappy,
        Some("none") => Compression::None,
        _ => {
            return Err(Error::new(ErrorCode::InvalidOptions, "option compression must be \"snappy\" or \"none\"")
                .with_subject("compression"))
        }
    };
    Ok(RewriteOptions { compression })
}
