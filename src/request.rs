//! API request validation against a rule table that a deployment supplies as JSON.
//!
//! A rule table names each endpoint, the fields it accepts with their type, length and pattern,
//! and the fields that a role may not send:
//!
//! ```json
//! {
//!   "endpoints": {
//!     "POST /api/datasets": {
//!       "strict": true,
//!       "fields": {
//!         "name": { "type": "string", "required": true, "maxLength": 120, "pattern": "[A-Za-z0-9 _.-]+" },
//!         "patient_id": { "type": "string", "pattern": "[0-9a-f-]{36}" }
//!       },
//!       "roleRestrictions": { "researcher": ["patient_id"] }
//!     }
//!   }
//! }
//! ```
//!
//! Endpoints without rules are rejected: the table denies by default. A pattern must match the
//! whole value, not just a prefix, and runs on a linear-time engine. Roles match exactly, so
//! `admin_readonly` gets none of `admin`'s rules. When an endpoint lists `roles`, or has
//! `roleRestrictions`, a role that is not named there is rejected, so a misspelt or unknown
//! role cannot escape the restrictions.

use std::collections::BTreeMap;

use regex::Regex;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::dataset::json::JsonReader;
use crate::dataset::{Reader, Sink, Value as DatasetValue};
use crate::error::{Error, ErrorCode};
use crate::limits;
use crate::report::{Code, Finding, Findings, Location};
use crate::text;
use crate::validate::content;

/// The JSON types a field rule can require.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// A JSON string.
    String,
    /// A JSON number without a fraction or exponent part.
    Integer,
    /// Any JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A JSON array.
    Array,
    /// A JSON object.
    Object,
}

impl FieldType {
    fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
            FieldType::Array => "array",
            FieldType::Object => "object",
        }
    }

    fn accepts(self, value: &Value) -> bool {
        match self {
            FieldType::String => value.is_string(),
            FieldType::Integer => value.is_i64() || value.is_u64(),
            FieldType::Number => value.is_number(),
            FieldType::Boolean => value.is_boolean(),
            FieldType::Array => value.is_array(),
            FieldType::Object => value.is_object(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableSpec {
    endpoints: BTreeMap<String, EndpointSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EndpointSpec {
    #[serde(default)]
    strict: bool,
    #[serde(default)]
    roles: Option<Vec<String>>,
    #[serde(default)]
    fields: BTreeMap<String, FieldSpec>,
    #[serde(default)]
    role_restrictions: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FieldSpec {
    #[serde(rename = "type")]
    field_type: Option<FieldType>,
    #[serde(default)]
    required: bool,
    max_length: Option<usize>,
    pattern: Option<String>,
}

/// The rules of one field.
#[derive(Debug)]
struct FieldRule {
    field_type: Option<FieldType>,
    required: bool,
    max_length: Option<usize>,
    pattern: Option<Regex>,
}

/// The rules of one endpoint.
#[derive(Debug)]
struct EndpointRules {
    strict: bool,
    roles: Option<Vec<String>>,
    fields: BTreeMap<String, FieldRule>,
    role_restrictions: BTreeMap<String, Vec<String>>,
}

/// A compiled rule table. Patterns are compiled once, when the table is loaded.
#[derive(Debug)]
pub struct RuleTable {
    endpoints: BTreeMap<String, EndpointRules>,
}

impl RuleTable {
    /// Parses and compiles a rule table.
    ///
    /// # Errors
    ///
    /// - [`ErrorCode::InputTooLarge`] when the JSON is longer than [`limits::MAX_RULES_BYTES`].
    /// - [`ErrorCode::InvalidRules`] when it is not a rule table. Unknown keys are rejected, so a
    ///   typo such as `maxLen` does not silently drop a rule.
    /// - [`ErrorCode::InvalidPattern`] when a pattern does not compile or is too large.
    pub fn from_json(json: &str) -> Result<RuleTable, Error> {
        if json.len() > limits::MAX_RULES_BYTES {
            return Err(Error::new(
                ErrorCode::InputTooLarge,
                format!("rule table is {} bytes; the maximum is {} bytes", json.len(), limits::MAX_RULES_BYTES),
            )
            .with_subject("rules"));
        }
        let spec: TableSpec = serde_json::from_str(json).map_err(|error| {
            Error::new(
                ErrorCode::InvalidRules,
                format!("rule table is invalid at line {} column {}: {error}", error.line(), error.column()),
            )
            .with_subject("rules")
        })?;
        let mut endpoints = BTreeMap::new();
        for (name, endpoint) in spec.endpoints {
            let mut fields = BTreeMap::new();
            for (field, rule) in endpoint.fields {
                let pattern = match rule.pattern {
                    Some(pattern) => Some(compile_pattern(&name, &field, &pattern)?),
                    None => None,
                };
                fields.insert(
                    field,
                    FieldRule { field_type: rule.field_type, required: rule.required, max_length: rule.max_length, pattern },
                );
            }
            endpoints.insert(
                name,
                EndpointRules {
                    strict: endpoint.strict,
                    roles: endpoint.roles,
                    fields,
                    role_restrictions: endpoint.role_restrictions,
                },
            );
        }
        Ok(RuleTable { endpoints })
    }

    /// Returns the endpoint names in the table.
    pub fn endpoints(&self) -> impl Iterator<Item = &str> {
        self.endpoints.keys().map(String::as_str)
    }

    /// Validates a request body, given as JSON text, sent to `endpoint` by a caller with `role`.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InputTooLarge`] when the body is longer than [`limits::MAX_REQUEST_BYTES`],
    /// [`ErrorCode::InvalidJson`] when it is not JSON, and [`ErrorCode::UnknownEndpoint`]
    /// when the table has no rules for `endpoint`.
    pub fn validate_json(&self, body: &str, endpoint: &str, role: &str) -> Result<RequestReport, Error> {
        if body.len() > limits::MAX_REQUEST_BYTES {
            return Err(Error::new(
                ErrorCode::InputTooLarge,
                format!("request body is {} bytes; the maximum is {} bytes", body.len(), limits::MAX_REQUEST_BYTES),
            )
            .with_subject("request"));
        }
        let value: Value = serde_json::from_str(body).map_err(|error| {
            Error::new(
                ErrorCode::InvalidJson,
                format!("request body is not valid JSON at line {} column {}: {error}", error.line(), error.column()),
            )
            .with_subject("request")
        })?;
        let rules = self.rules(endpoint)?;
        // serde_json keeps the last of two equal keys without a word, while another parser may
        // keep the first. The dataset reader reports such keys, so both readings agree.
        let mut findings = Findings::default();
        let mut reader = JsonReader::new();
        reader.feed(body.as_bytes(), &mut findings);
        reader.finish(&mut findings);
        check_request(&value, rules, role, &mut findings);
        Ok(RequestReport::new(findings, &value, rules))
    }

    /// Validates a parsed request body.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::UnknownEndpoint`] when the table has no rules for `endpoint`.
    pub fn validate(&self, request: &Value, endpoint: &str, role: &str) -> Result<RequestReport, Error> {
        let rules = self.rules(endpoint)?;
        let mut findings = Findings::default();
        check_request(request, rules, role, &mut findings);
        Ok(RequestReport::new(findings, request, rules))
    }

    fn rules(&self, endpoint: &str) -> Result<&EndpointRules, Error> {
        self.endpoints.get(endpoint).ok_or_else(|| {
            Error::new(
                ErrorCode::UnknownEndpoint,
                "endpoint has no validation rules, so it is rejected; add it to the rule table",
            )
            .with_subject(endpoint.to_owned())
        })
    }
}

/// Checks a request body against the rules of its endpoint.
fn check_request(request: &Value, rules: &EndpointRules, role: &str, report: &mut Findings) {
    if !role_allowed(rules, role) {
        report.push(Finding::error(
            Code::RoleNotAllowed,
            Location::file(),
            format!("role {} may not call this endpoint", shown(role)),
        ));
    }
    let Some(fields) = request.as_object() else {
        report.push(Finding::error(Code::FieldType, Location::file(), "request body must be a JSON object"));
        return;
    };

    for (name, rule) in &rules.fields {
        match fields.get(name) {
            Some(value) => check_field(name, value, rule, report),
            None if rule.required => report.push(Finding::error(
                Code::FieldMissing,
                field_location(name),
                format!("field {} is required", shown(name)),
            )),
            None => {}
        }
    }

    for name in fields.keys() {
        if rules.strict && !rules.fields.contains_key(name) && report.admit(Code::FieldUnknown) {
            report.store(Finding::error(
                Code::FieldUnknown,
                field_location(name),
                format!("field {} is not accepted by this endpoint; remove it", shown(name)),
            ));
        }
    }

    if let Some(restricted) = rules.role_restrictions.get(role) {
        for name in restricted.iter().filter(|name| fields.contains_key(name.as_str())) {
            report.push(Finding::error(
                Code::FieldForbidden,
                field_location(name),
                format!("field {} is not accessible for role {}", shown(name), shown(role)),
            ));
        }
    }

    for (name, value) in fields {
        scan_strings(value, &mut format!("/{}", escape_pointer(name)), name, report);
    }
}

/// The result of validating a request: the pipeline's `valid`, `errors` and `sanitized_data`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestReport {
    /// `true` when no finding is an error.
    pub valid: bool,
    /// Findings that make the request invalid.
    pub errors: Vec<Finding>,
    /// Findings that do not.
    pub warnings: Vec<Finding>,
    /// The request with invisible and control characters removed from its strings, and, for a
    /// strict endpoint, only its declared fields. `None` when the request is invalid.
    pub sanitized: Option<Value>,
    /// Findings that were counted but not kept, beyond [`limits::MAX_FINDINGS_PER_CODE`] per code.
    pub suppressed: u64,
}

impl RequestReport {
    /// Builds the report, with the sanitized request when no finding is an error.
    fn new(findings: Findings, request: &Value, rules: &EndpointRules) -> Self {
        let valid = findings.errors.is_empty();
        let sanitized = if valid { request.as_object().map(|fields| sanitize_object(fields, rules)) } else { None };
        RequestReport {
            valid,
            errors: findings.errors,
            warnings: findings.warnings,
            sanitized,
            suppressed: findings.suppressed,
        }
    }
}

/// The JSON reader reports a request body's duplicate keys and limits into the findings.
impl Sink for Findings {
    fn value(&mut self, _value: &DatasetValue<'_>) {}

    fn finding(&mut self, finding: Finding) {
        self.push(finding);
    }
}

fn role_allowed(rules: &EndpointRules, role: &str) -> bool {
    match &rules.roles {
        Some(roles) => roles.iter().any(|allowed| allowed == role),
        None if !rules.role_restrictions.is_empty() => rules.role_restrictions.contains_key(role),
        None => true,
    }
}

/// Maximum length of a name or role shown in a message or location, in bytes.
const MAX_SHOWN_BYTES: usize = 64;

/// Longest JSON Pointer kept in a location, in bytes.
const MAX_POINTER_SHOWN_BYTES: usize = 256;

/// Returns a name for a message: quoted, and cut at [`MAX_SHOWN_BYTES`] with `…`.
fn shown(name: &str) -> String {
    format!("{:?}", cut(name, MAX_SHOWN_BYTES))
}

/// Cuts `text` at `max` bytes, on a character boundary, and marks the cut with `…`.
fn cut(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.len() <= max {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    std::borrow::Cow::Owned(format!("{}…", &text[..end]))
}

fn compile_pattern(endpoint: &str, field: &str, pattern: &str) -> Result<Regex, Error> {
    let invalid = |reason: String| {
        Error::new(ErrorCode::InvalidPattern, format!("pattern of field {field:?} in {endpoint:?} {reason}"))
            .with_subject(field.to_owned())
    };
    if pattern.len() > limits::MAX_RULE_PATTERN_BYTES {
        return Err(invalid(format!("is longer than {} bytes", limits::MAX_RULE_PATTERN_BYTES)));
    }
    // Anchoring makes the pattern describe the whole value. Python's `re.match` anchors only
    // at the start, which lets "[0-9]+" accept "12; DROP TABLE".
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(limits::MAX_RULE_PATTERN_COMPILED_BYTES)
        .build()
        .map_err(|error| invalid(format!("does not compile: {error}")))
}

fn check_field(name: &str, value: &Value, rule: &FieldRule, report: &mut Findings) {
    if let Some(expected) = rule.field_type {
        if !expected.accepts(value) {
            report.push(Finding::error(
                Code::FieldType,
                field_location(name),
                format!("field {} must be of type {}", shown(name), expected.as_str()),
            ));
            return;
        }
    }
    let text = match value {
        Value::String(text) => std::borrow::Cow::Borrowed(text.as_str()),
        other => std::borrow::Cow::Owned(other.to_string()),
    };
    if let Some(max_length) = rule.max_length {
        let length = text.chars().count();
        if length > max_length {
            report.push(Finding::error(
                Code::FieldTooLong,
                field_location(name),
                format!("field {} is {length} characters long; the maximum is {max_length}", shown(name)),
            ));
            return;
        }
    }
    if let Some(pattern) = &rule.pattern {
        if !pattern.is_match(&text) {
            report.push(Finding::error(
                Code::FieldPattern,
                field_location(name),
                format!("field {} does not match the required pattern", shown(name)),
            ));
        }
    }
}

/// Reports active content in any string of the request, keys included. Strings are checked as
/// sanitizing leaves them, so removing a control character cannot assemble a tag.
fn scan_strings(value: &Value, pointer: &mut String, field: &str, report: &mut Findings) {
    let location = |pointer: &str| Location {
        column: Some(cut(field, MAX_SHOWN_BYTES).into_owned()),
        pointer: Some(cut(pointer, MAX_POINTER_SHOWN_BYTES).into_owned()),
        ..Location::default()
    };
    let check = |text: &str, pointer: &str, report: &mut Findings| {
        for found in content::scan(&text::strip_removable(text)) {
            if report.admit(Code::MaliciousContent) {
                let message = format!("field {} {}", shown(field), found.reason);
                report.store(Finding::error(Code::MaliciousContent, location(pointer), message).with_rule(found.rule));
            }
        }
    };
    match value {
        Value::String(text) => check(text, pointer, report),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let length = pointer.len();
                pointer.push_str(&format!("/{index}"));
                scan_strings(item, pointer, field, report);
                pointer.truncate(length);
            }
        }
        Value::Object(members) => {
            for (key, item) in members {
                let length = pointer.len();
                check(key, pointer, report);
                pointer.push('/');
                pointer.push_str(&escape_pointer(key));
                scan_strings(item, pointer, field, report);
                pointer.truncate(length);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn sanitize_object(fields: &Map<String, Value>, rules: &EndpointRules) -> Value {
    let kept = fields
        .iter()
        .filter(|(name, _)| !rules.strict || rules.fields.contains_key(name.as_str()))
        .map(|(name, value)| (name.clone(), sanitize_value(value)))
        .collect();
    Value::Object(kept)
}

fn sanitize_value(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::String(strip_invisible(text)),
        Value::Array(items) => Value::Array(items.iter().map(sanitize_value).collect()),
        Value::Object(members) => {
            Value::Object(members.iter().map(|(key, item)| (strip_invisible(key), sanitize_value(item))).collect())
        }
        other => other.clone(),
    }
}

fn strip_invisible(value: &str) -> String {
    text::strip_removable(value).into_owned()
}

fn field_location(name: &str) -> Location {
    let pointer = format!("/{}", escape_pointer(name));
    Location {
        column: Some(cut(name, MAX_SHOWN_BYTES).into_owned()),
        pointer: Some(cut(&pointer, MAX_POINTER_SHOWN_BYTES).into_owned()),
        ..Location::default()
    }
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = r#"{
      "endpoints": {
        "POST /api/datasets": {
          "strict": true,
          "roles": ["admin", "admin_readonly", "therapist", "researcher", "user"],
          "fields": {
            "name": { "type": "string", "required": true, "maxLength": 10, "pattern": "[a-z ]+" },
            "count": { "type": "integer" },
            "patient_id": { "type": "string" },
            "meta": { "type": "object" }
          },
          "roleRestrictions": { "researcher": ["patient_id"], "admin_readonly": ["meta"] }
        },
        "GET /api/search": { "fields": { "q": { "type": "string", "maxLength": 5 } } }
      }
    }"#;

    fn table() -> RuleTable {
        RuleTable::from_json(RULES).expect("test rules compile")
    }

    fn codes(report: &RequestReport) -> Vec<&'static str> {
        report.errors.iter().map(|finding| finding.code.as_str()).collect()
    }

    #[test]
    fn valid_request_is_sanitized() {
        let report = table()
            .validate_json(r#"{"name":"ab","meta":{"note\u202e":"x\u0000y"}}"#, "POST /api/datasets", "therapist")
            .expect("endpoint exists");
        assert!(report.valid);
        assert_eq!(report.sanitized, Some(serde_json::json!({"name":"ab","meta":{"note":"xy"}})));
    }

    #[test]
    fn zero_width_inside_value_fails_pattern() {
        let report = table().validate_json(r#"{"name":"a\u200bb"}"#, "POST /api/datasets", "user").expect("endpoint exists");
        assert_eq!(codes(&report), ["FIELD_PATTERN"]);
        assert_eq!(report.sanitized, None);
    }

    #[test]
    fn each_rule_reports_its_code() {
        let cases = [
            (r#"{"name":"ab","count":"3"}"#, "FIELD_TYPE", "count"),
            (r#"{"name":"ab","count":1.5}"#, "FIELD_TYPE", "count"),
            (r#"{"name":"abcdefghijk"}"#, "FIELD_TOO_LONG", "name"),
            (r#"{"name":"ab1"}"#, "FIELD_PATTERN", "name"),
            (r#"{"count":1}"#, "FIELD_MISSING", "name"),
            (r#"{"name":"ab","extra":1}"#, "FIELD_UNKNOWN", "extra"),
        ];
        for (body, code, field) in cases {
            let report = table().validate_json(body, "POST /api/datasets", "therapist").expect("endpoint exists");
            assert_eq!(codes(&report), [code], "{body}");
            assert_eq!(report.errors[0].location.column.as_deref(), Some(field), "{body}");
            assert!(!report.valid, "{body}");
        }
    }

    #[test]
    fn pattern_matches_whole_value() {
        let table = RuleTable::from_json(r#"{"endpoints":{"e":{"fields":{"n":{"pattern":"[0-9]+"}}}}}"#).expect("compiles");
        let report = table.validate_json(r#"{"n":"12; DROP TABLE x"}"#, "e", "user").expect("endpoint exists");
        assert_eq!(codes(&report), ["FIELD_PATTERN"]);
        let report = table.validate_json(r#"{"n":"12"}"#, "e", "user").expect("endpoint exists");
        assert!(report.valid);
    }

    #[test]
    fn role_restrictions_match_exactly() {
        let body = r#"{"name":"ab","patient_id":"p-1","meta":{}}"#;
        let report = table().validate_json(body, "POST /api/datasets", "researcher").expect("endpoint exists");
        assert_eq!(codes(&report), ["FIELD_FORBIDDEN"]);
        assert_eq!(report.errors[0].location.column.as_deref(), Some("patient_id"));
        let report = table().validate_json(body, "POST /api/datasets", "admin_readonly").expect("endpoint exists");
        assert_eq!(codes(&report), ["FIELD_FORBIDDEN"]);
        assert_eq!(report.errors[0].location.column.as_deref(), Some("meta"));
        let report = table().validate_json(body, "POST /api/datasets", "admin").expect("endpoint exists");
        assert!(report.valid);
    }

    #[test]
    fn unlisted_roles_are_rejected() {
        let body = r#"{"name":"ab","patient_id":"p-1"}"#;
        for role in ["Researcher", "researcher ", "research\u{200B}er", "auditor", ""] {
            let report = table().validate_json(body, "POST /api/datasets", role).expect("endpoint exists");
            assert_eq!(codes(&report), ["ROLE_NOT_ALLOWED"], "{role:?}");
        }
        let restricted_only = RuleTable::from_json(r#"{"endpoints":{"e":{"roleRestrictions":{"user":["x"]}}}}"#)
            .expect("compiles");
        let report = restricted_only.validate_json(r#"{"x":1}"#, "e", "admin").expect("endpoint exists");
        assert_eq!(codes(&report), ["ROLE_NOT_ALLOWED"]);
        let report = restricted_only.validate_json(r#"{"y":1}"#, "e", "user").expect("endpoint exists");
        assert!(report.valid);
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let body = r#"{"name":"ab","name":"<script>x</script>"}"#;
        let report = table().validate_json(body, "POST /api/datasets", "admin").expect("endpoint exists");
        assert!(codes(&report).contains(&"JSON_DUPLICATE_KEY"), "{:?}", codes(&report));
        assert_eq!(report.sanitized, None);
        assert!(!report.valid);
    }

    #[test]
    fn control_characters_cannot_assemble_a_tag() {
        let body = r#"{"name":"ab","meta":{"note":"<scr\u0001ipt>alert(1)</script>"}}"#;
        let report = table().validate_json(body, "POST /api/datasets", "admin").expect("endpoint exists");
        assert_eq!(codes(&report), ["MALICIOUS_CONTENT"]);
        assert_eq!(report.sanitized, None);
    }

    #[test]
    fn findings_are_capped_and_short() {
        let key = "k".repeat(3_000);
        let scripts = vec!["<script>"; 500];
        let body = serde_json::json!({ "name": "ab", "meta": { key.clone(): scripts } }).to_string();
        let report = table().validate_json(&body, "POST /api/datasets", "admin").expect("endpoint exists");
        assert_eq!(report.errors.len(), limits::MAX_FINDINGS_PER_CODE);
        assert_eq!(report.suppressed, 400);
        let pointer = report.errors[0].location.pointer.as_deref().expect("pointer");
        assert!(pointer.len() <= MAX_POINTER_SHOWN_BYTES + '…'.len_utf8(), "pointer of {} bytes", pointer.len());
        let unknown = table()
            .validate_json(&format!(r#"{{"name":"ab","{key}":1}}"#), "POST /api/datasets", "admin")
            .expect("endpoint exists");
        assert_eq!(codes(&unknown), ["FIELD_UNKNOWN"]);
        assert!(unknown.errors[0].message.len() < 160, "{}", unknown.errors[0].message);
    }

    #[test]
    fn nested_script_is_malicious() {
        let body = r#"{"name":"ab","meta":{"notes":["ok","<script>x</script>"]}}"#;
        let report = table().validate_json(body, "POST /api/datasets", "admin").expect("endpoint exists");
        assert_eq!(codes(&report), ["MALICIOUS_CONTENT"]);
        assert_eq!(report.errors[0].location.pointer.as_deref(), Some("/meta/notes/1"));
        assert_eq!(report.errors[0].rule, Some("script_tag"));
    }

    #[test]
    fn loose_endpoint_keeps_unknown_fields() {
        let report = table().validate_json(r#"{"q":"abc","page":2}"#, "GET /api/search", "user").expect("endpoint exists");
        assert!(report.valid);
        assert_eq!(report.sanitized, Some(serde_json::json!({"q":"abc","page":2})));
    }

    #[test]
    fn errors_have_stable_codes() {
        let table = table();
        let unknown = table.validate_json("{}", "DELETE /", "admin").expect_err("no such endpoint");
        assert_eq!(unknown.code(), ErrorCode::UnknownEndpoint);
        assert_eq!(unknown.subject(), Some("DELETE /"));
        let bad_json = table.validate_json("{", "GET /api/search", "admin").expect_err("not JSON");
        assert_eq!(bad_json.code(), ErrorCode::InvalidJson);
        let huge = "x".repeat(limits::MAX_REQUEST_BYTES + 1);
        let too_large = table.validate_json(&huge, "GET /api/search", "admin").expect_err("too large");
        assert_eq!(too_large.code(), ErrorCode::InputTooLarge);
        let not_object = table.validate_json("[1]", "GET /api/search", "admin").expect("endpoint exists");
        assert_eq!(codes(&not_object), ["FIELD_TYPE"]);
    }

    #[test]
    fn invalid_tables_are_rejected() {
        let typo = RuleTable::from_json(r#"{"endpoints":{"e":{"fields":{"n":{"maxLen":3}}}}}"#).expect_err("typo");
        assert_eq!(typo.code(), ErrorCode::InvalidRules);
        let bad_type = RuleTable::from_json(r#"{"endpoints":{"e":{"fields":{"n":{"type":"str"}}}}}"#).expect_err("type");
        assert_eq!(bad_type.code(), ErrorCode::InvalidRules);
        let bad_pattern = RuleTable::from_json(r#"{"endpoints":{"e":{"fields":{"n":{"pattern":"(a"}}}}}"#).expect_err("pattern");
        assert_eq!(bad_pattern.code(), ErrorCode::InvalidPattern);
        assert_eq!(bad_pattern.subject(), Some("n"));
        let lookaround = RuleTable::from_json(r#"{"endpoints":{"e":{"fields":{"n":{"pattern":"(?=a)"}}}}}"#).expect_err("look-around");
        assert_eq!(lookaround.code(), ErrorCode::InvalidPattern);
        let long = format!(r#"{{"endpoints":{{"e":{{"fields":{{"n":{{"pattern":"{}"}}}}}}}}}}"#, "a".repeat(2000));
        assert_eq!(RuleTable::from_json(&long).expect_err("long").code(), ErrorCode::InvalidPattern);
        let blowup = r#"{"endpoints":{"e":{"fields":{"n":{"pattern":"(\\w{100}){100}"}}}}}"#;
        assert_eq!(RuleTable::from_json(blowup).expect_err("compiled size").code(), ErrorCode::InvalidPattern);
    }
}
