//! The JavaScript boundary of PHI scanning: the `Scanner` class.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{invalid_argument, to_js};
use crate::error::{Error, ErrorCode};
use crate::limits::MAX_PHI_OPTIONS_BYTES;
use crate::phi::{self, Dictionary, ScanOptions};

#[wasm_bindgen(typescript_custom_section)]
const PHI_TYPES: &str = include_str!("../../js/phi.d.ts");

/// A finding as JavaScript receives it: offsets in UTF-8 bytes and in UTF-16 code units, never
/// the matched text.
#[derive(Serialize)]
struct Finding {
    #[serde(rename = "type")]
    kind: &'static str,
    start: usize,
    end: usize,
    start16: usize,
    end16: usize,
    confidence: f32,
    recognizer: &'static str,
}

/// Reads scanner options from a JavaScript object through `JSON.stringify`, so getters run
/// once and the Rust reader rejects unknown keys.
fn scan_options(options: &JsValue) -> Result<ScanOptions, Error> {
    if options.is_undefined() || options.is_null() {
        return Ok(ScanOptions::default());
    }
    if !options.is_object() {
        return Err(invalid_argument("options", "an object such as { types: [\"NAME\"], minConfidence: 0.5 }"));
    }
    let unreadable = || Error::new(ErrorCode::InvalidOptions, "scanner options could not be read; pass a plain object").with_subject("options");
    let json = js_sys::JSON::stringify(options).map_err(|_| unreadable())?.as_string().ok_or_else(unreadable)?;
    if json.len() > MAX_PHI_OPTIONS_BYTES {
        return Err(Error::new(ErrorCode::InputTooLarge, format!("scanner options are larger than {MAX_PHI_OPTIONS_BYTES} bytes")).with_subject("options"));
    }
    ScanOptions::from_json(&json)
}

/// Finds HIPAA Safe Harbor identifiers in text. Build one at module scope and reuse it.
#[wasm_bindgen(js_name = Scanner)]
pub struct JsScanner {
    inner: phi::Scanner,
}

#[wasm_bindgen(js_class = Scanner)]
impl JsScanner {
    /// Creates a scanner. Without a name dictionary (see `withDictionary`), names are found
    /// only by context: titles, self-introductions, relatives, credentials.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "ScannerOptions | undefined")] options: JsValue) -> Result<JsScanner, JsValue> {
        let options = scan_options(&options)?;
        Ok(JsScanner { inner: phi::Scanner::new(&options)? })
    }

    /// Creates a scanner with the name dictionary `assets/phi-names.bin`, loaded by the caller.
    #[wasm_bindgen(js_name = withDictionary)]
    pub fn with_dictionary(
        #[wasm_bindgen(unchecked_param_type = "ScannerOptions | undefined")] options: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] dictionary: JsValue,
    ) -> Result<JsScanner, JsValue> {
        let options = scan_options(&options)?;
        let bytes = dictionary.dyn_ref::<js_sys::Uint8Array>().map(js_sys::Uint8Array::to_vec).ok_or_else(|| invalid_argument("dictionary", "a Uint8Array"))?;
        let dictionary = Dictionary::from_bytes(bytes)?;
        Ok(JsScanner { inner: phi::Scanner::with_dictionary(&options, Some(dictionary))? })
    }

    /// Returns whether this scanner has a name dictionary.
    #[wasm_bindgen(getter, js_name = hasDictionary)]
    pub fn has_dictionary(&self) -> bool {
        self.inner.has_dictionary()
    }

    /// Returns the findings in `text`, ordered by start offset.
    #[wasm_bindgen(unchecked_return_type = "PhiFinding[]")]
    pub fn scan(&self, #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> Result<JsValue, JsValue> {
        let text = text.as_string().ok_or_else(|| invalid_argument("text", "a string"))?;
        let spans = self.inner.scan(&text);
        // One walk converts every offset to UTF-16, because spans are ordered and disjoint.
        let mut findings = Vec::with_capacity(spans.len());
        let (mut byte, mut unit) = (0, 0);
        let mut advance = |to: usize| {
            unit += text[byte..to].chars().map(char::len_utf16).sum::<usize>();
            byte = to;
            unit
        };
        for span in spans {
            let start16 = advance(span.start);
            let end16 = advance(span.end);
            findings.push(Finding { kind: span.kind.code(), start: span.start, end: span.end, start16, end16, confidence: span.confidence, recognizer: span.recognizer });
        }
        Ok(to_js(&findings)?)
    }
}
