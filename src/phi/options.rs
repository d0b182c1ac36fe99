//! Scanner options: enabled types, minimum confidence, custom patterns and allow and deny
//! lists, in Rust or as JSON.

use regex::{Regex, RegexBuilder};
use serde_json::{Map, Value};

use super::recognizers::{span, Found};
use super::PhiType;
use crate::error::{Error, ErrorCode};
use crate::limits::{MAX_PHI_LIST_ENTRIES, MAX_PHI_LIST_ENTRY_BYTES, MAX_PHI_OPTIONS_BYTES, MAX_PHI_PATTERNS, MAX_RULE_PATTERN_BYTES, MAX_RULE_PATTERN_COMPILED_BYTES};

/// Options for [`Scanner::new`](super::Scanner::new).
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// The types to report; the default is every type.
    pub types: Vec<PhiType>,
    /// Spans below this confidence are dropped.
    pub min_confidence: f32,
    /// Extra patterns, each reported as its type with its confidence.
    pub custom_patterns: Vec<CustomPattern>,
    /// Values that are never reported, compared without regard to case (a clinic's own name,
    /// a public phone number).
    pub allow: Vec<String>,
    /// Words or phrases that are always reported as their type, matched as whole words without
    /// regard to case (the names of a dataset's clients).
    pub deny: Vec<DenyTerm>,
}

/// A custom pattern: a regex in the syntax of the `regex` crate, with linear-time matching.
#[derive(Clone, Debug)]
pub struct CustomPattern {
    /// The type of what the pattern finds.
    pub kind: PhiType,
    /// The regex.
    pub pattern: String,
    /// The confidence of each match, from 0 to 1.
    pub confidence: f32,
}

/// A deny-list entry.
#[derive(Clone, Debug)]
pub struct DenyTerm {
    /// The type it is reported as.
    pub kind: PhiType,
    /// The word or phrase.
    pub value: String,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { types: PhiType::ALL.to_vec(), min_confidence: 0.5, custom_patterns: Vec::new(), allow: Vec::new(), deny: Vec::new() }
    }
}

fn invalid(subject: &str, message: &str) -> Error {
    Error::new(ErrorCode::InvalidOptions, message).with_subject(subject)
}

impl ScanOptions {
    /// Reads options from JSON: `{"types": ["NAME", ...], "minConfidence": 0.5,
    /// "patterns": [{"type": "MRN", "pattern": "...", "confidence": 0.9}], "allow": ["..."],
    /// "deny": [{"type": "NAME", "value": "..."}]}`. Every key is optional; unknown keys are
    /// rejected.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InputTooLarge`] over [`MAX_PHI_OPTIONS_BYTES`], [`ErrorCode::InvalidJson`]
    /// when it does not parse, and [`ErrorCode::InvalidOptions`] for a wrong key or value.
    pub fn from_json(json: &str) -> Result<ScanOptions, Error> {
        if json.len() > MAX_PHI_OPTIONS_BYTES {
            return Err(Error::new(ErrorCode::InputTooLarge, format!("scanner options are larger than {MAX_PHI_OPTIONS_BYTES} bytes; move long lists into fewer entries")));
        }
        let value: Value = serde_json::from_str(json).map_err(|_| Error::new(ErrorCode::InvalidJson, "scanner options are not valid JSON"))?;
        let Value::Object(object) = value else {
            return Err(invalid("options", "scanner options must be a JSON object"));
        };
        ScanOptions::from_map(&object)
    }

    /// Reads options from a parsed JSON object, as [`ScanOptions::from_json`] does.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidOptions`] for a wrong key or value.
    pub fn from_map(object: &Map<String, Value>) -> Result<ScanOptions, Error> {
        let mut options = ScanOptions::default();
        for (key, value) in object {
            match key.as_str() {
                "types" => options.types = read_types(value)?,
                "minConfidence" => options.min_confidence = read_confidence("minConfidence", value)?,
                "patterns" => options.custom_patterns = read_patterns(value)?,
                "allow" => options.allow = read_strings("allow", value)?,
                "deny" => options.deny = read_deny(value)?,
                _ => return Err(invalid(key, "unknown scanner option; expected types, minConfidence, patterns, allow or deny")),
            }
        }
        Ok(options)
    }
}

fn read_types(value: &Value) -> Result<Vec<PhiType>, Error> {
    let Value::Array(items) = value else {
        return Err(invalid("types", "types must be an array of type codes such as \"NAME\""));
    };
    items
        .iter()
        .map(|item| item.as_str().and_then(PhiType::from_code).ok_or_else(|| invalid("types", "types contains an unknown type code; use codes such as NAME, PHONE, DATE")))
        .collect()
}

fn read_confidence(subject: &str, value: &Value) -> Result<f32, Error> {
    match value.as_f64() {
        Some(number) if (0.0..=1.0).contains(&number) => Ok(number as f32),
        _ => Err(invalid(subject, "a confidence must be a number between 0 and 1")),
    }
}

fn read_strings(subject: &str, value: &Value) -> Result<Vec<String>, Error> {
    let Value::Array(items) = value else {
        return Err(invalid(subject, "expected an array of strings"));
    };
    if items.len() > MAX_PHI_LIST_ENTRIES {
        return Err(invalid(subject, "the list has more entries than the limit of 4096"));
    }
    items
        .iter()
        .map(|item| match item.as_str() {
            Some(text) if !text.is_empty() && text.len() <= MAX_PHI_LIST_ENTRY_BYTES => Ok(text.to_owned()),
            _ => Err(invalid(subject, "each entry must be a non-empty string of at most 256 bytes")),
        })
        .collect()
}

fn read_object<'a>(subject: &str, value: &'a Value, allowed: &[&str]) -> Result<&'a Map<String, Value>, Error> {
    let Value::Object(object) = value else {
        return Err(invalid(subject, "each entry must be an object"));
    };
    if let Some(key) = object.keys().find(|key| !allowed.contains(&key.as_str())) {
        return Err(invalid(subject, &format!("unknown key \"{key}\" in an entry; expected {}", allowed.join(", "))));
    }
    Ok(object)
}

fn read_type_field(subject: &str, object: &Map<String, Value>) -> Result<PhiType, Error> {
    object
        .get("type")
        .and_then(Value::as_str)
        .and_then(PhiType::from_code)
        .ok_or_else(|| invalid(subject, "each entry needs a \"type\" with a type code such as NAME"))
}

fn read_patterns(value: &Value) -> Result<Vec<CustomPattern>, Error> {
    let Value::Array(items) = value else {
        return Err(invalid("patterns", "patterns must be an array of {type, pattern, confidence} objects"));
    };
    if items.len() > MAX_PHI_PATTERNS {
        return Err(invalid("patterns", "there are more custom patterns than the limit of 64"));
    }
    items
        .iter()
        .map(|item| {
            let object = read_object("patterns", item, &["type", "pattern", "confidence"])?;
            let kind = read_type_field("patterns", object)?;
            let pattern = object.get("pattern").and_then(Value::as_str).ok_or_else(|| invalid("patterns", "each pattern needs a \"pattern\" string"))?;
            let confidence = match object.get("confidence") {
                Some(value) => read_confidence("patterns", value)?,
                None => 0.9,
            };
            Ok(CustomPattern { kind, pattern: pattern.to_owned(), confidence })
        })
        .collect()
}

fn read_deny(value: &Value) -> Result<Vec<DenyTerm>, Error> {
    let Value::Array(items) = value else {
        return Err(invalid("deny", "deny must be an array of {type, value} objects"));
    };
    if items.len() > MAX_PHI_LIST_ENTRIES {
        return Err(invalid("deny", "the list has more entries than the limit of 4096"));
    }
    items
        .iter()
        .map(|item| {
            let object = read_object("deny", item, &["type", "value"])?;
            let kind = read_type_field("deny", object)?;
            match object.get("value").and_then(Value::as_str) {
                Some(text) if !text.trim().is_empty() && text.len() <= MAX_PHI_LIST_ENTRY_BYTES => Ok(DenyTerm { kind, value: text.to_owned() }),
                _ => Err(invalid("deny", "each entry needs a \"value\": a non-empty string of at most 256 bytes")),
            }
        })
        .collect()
}

/// The custom patterns and the deny list, each compiled into one regex, and the allow list.
pub(crate) struct Compiled {
    patterns: Option<(Regex, Vec<(PhiType, f32)>)>,
    deny: Option<(Regex, Vec<PhiType>)>,
    allow: Vec<String>,
}

impl Compiled {
    pub(crate) fn new(options: &ScanOptions) -> Result<Compiled, Error> {
        if options.custom_patterns.len() > MAX_PHI_PATTERNS {
            return Err(invalid("patterns", "there are more custom patterns than the limit of 64"));
        }
        if options.allow.len() > MAX_PHI_LIST_ENTRIES || options.deny.len() > MAX_PHI_LIST_ENTRIES {
            return Err(invalid("allow", "an allow or deny list has more entries than the limit of 4096"));
        }
        let mut alternatives = Vec::new();
        let mut kinds = Vec::new();
        for (index, custom) in options.custom_patterns.iter().enumerate() {
            if custom.pattern.len() > MAX_RULE_PATTERN_BYTES || !(0.0..=1.0).contains(&custom.confidence) {
                return Err(invalid("patterns", "a custom pattern is longer than 1024 bytes or its confidence is outside 0..=1"));
            }
            // Each pattern must compile on its own, so that an error names no other pattern.
            compile(&custom.pattern)?;
            alternatives.push(format!("(?P<p{index}>{})", custom.pattern));
            kinds.push((custom.kind, custom.confidence));
        }
        let patterns = if alternatives.is_empty() { None } else { Some((compile(&alternatives.join("|"))?, kinds)) };
        let mut terms = Vec::new();
        let mut deny_kinds = Vec::new();
        for (index, term) in options.deny.iter().enumerate() {
            terms.push(format!("(?P<d{index}>{})", ascii_case_insensitive(term.value.trim())));
            deny_kinds.push(term.kind);
        }
        let deny = if terms.is_empty() { None } else { Some((compile(&format!(r"\b(?:{})\b", terms.join("|")))?, deny_kinds)) };
        let allow = options.allow.iter().map(|value| value.trim().to_lowercase()).collect();
        Ok(Compiled { patterns, deny, allow })
    }

    /// Appends the custom-pattern and deny-list matches in `text`.
    pub(crate) fn run(&self, text: &str, out: &mut Vec<Found>) {
        if let Some((regex, kinds)) = &self.patterns {
            collect(regex, text, 'p', |index| (kinds[index].0, kinds[index].1), "custom_pattern", out);
        }
        if let Some((regex, kinds)) = &self.deny {
            collect(regex, text, 'd', |index| (kinds[index], 1.0), "deny_list", out);
        }
    }

    /// Returns whether `value` is on the allow list.
    pub(crate) fn allowed(&self, value: &str) -> bool {
        !self.allow.is_empty() && self.allow.contains(&value.trim().to_lowercase())
    }
}

/// Returns a pattern for the literal `text` that ignores the case of ASCII letters. The regex
/// crate is built without Unicode case tables, so `(?i)` is not available for other letters.
fn ascii_case_insensitive(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() * 4);
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            pattern.push('[');
            pattern.push(c.to_ascii_lowercase());
            pattern.push(c.to_ascii_uppercase());
            pattern.push(']');
        } else {
            pattern.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
        }
    }
    pattern
}

fn compile(pattern: &str) -> Result<Regex, Error> {
    RegexBuilder::new(pattern)
        .size_limit(MAX_RULE_PATTERN_COMPILED_BYTES * 8)
        .build()
        .map_err(|_| Error::new(ErrorCode::InvalidPattern, "a custom pattern does not compile or is too large; check its regex syntax").with_subject("patterns"))
}

fn collect(regex: &Regex, text: &str, prefix: char, kind_of: impl Fn(usize) -> (PhiType, f32), recognizer: &'static str, out: &mut Vec<Found>) {
    let names: Vec<Option<usize>> = regex
        .capture_names()
        .map(|name| name.and_then(|name| name.strip_prefix(prefix)).and_then(|index| index.parse().ok()))
        .collect();
    for captures in regex.captures_iter(text) {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        if whole.start() == whole.end() {
            continue;
        }
        let index = names.iter().enumerate().find_map(|(group, index)| index.filter(|_| captures.get(group).is_some()));
        if let Some(index) = index {
            let (kind, confidence) = kind_of(index);
            out.push(span(kind, whole.start(), whole.end(), confidence, recognizer));
        }
    }
}
