//! HIPAA compliance checks of one request, after the pipeline's `ComplianceChecker`: data
//! encryption, access controls, audit logging and data minimization, each violation with the
//! pipeline's name and recommendation.
//!
//! Encryption is judged from the body's actual format, never from a word such as "encrypted"
//! appearing somewhere in it: the body must be an encrypted package whose fields decode to the
//! sizes AES-256-GCM uses.

use serde::Serialize;
use serde_json::Value;

use crate::phi::Scanner;
use crate::b64;

/// Violation: a PHI payload is not encrypted.
pub const DATA_NOT_ENCRYPTED: &str = "data_not_encrypted";
/// Violation: no access decision covers the request.
pub const INSUFFICIENT_ACCESS_CONTROLS: &str = "insufficient_access_controls";
/// Violation: the request would not produce a complete audit event.
pub const AUDIT_LOGGING_INCOMPLETE: &str = "audit_logging_incomplete";
/// Violation: the request requests or sends more data than necessary.
pub const EXCESSIVE_DATA_COLLECTION: &str = "excessive_data_collection";

/// The encryption levels of the pipeline's encrypted package.
const ENCRYPTION_LEVELS: [&str; 3] = ["standard", "enhanced", "maximum"];

/// The format of a request body, as far as encryption is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyFormat {
    /// No body.
    Empty,
    /// The pipeline's JSON encrypted package: `encrypted_data`, `iv`, `auth_tag`,
    /// `encryption_level` and `key_id`, with base64 fields of valid AES-GCM sizes.
    EncryptedPackage,
    /// Anything else, which is treated as plaintext.
    Plaintext,
}

/// Returns the format of a request body.
///
/// NOTE: the binary sealed-file format (`.tdg`) starts with its own magic bytes. That format is
/// not part of this crate yet, so such a body is judged `Plaintext`.
pub fn body_format(body: &[u8]) -> BodyFormat {
    if body.iter().all(u8::is_ascii_whitespace) {
        return BodyFormat::Empty;
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(package)) if is_encrypted_package(&package) => BodyFormat::EncryptedPackage,
        _ => BodyFormat::Plaintext,
    }
}

fn is_encrypted_package(package: &serde_json::Map<String, Value>) -> bool {
    let decoded_len =
        |name: &str| package.get(name).and_then(Value::as_str).and_then(decode_standard_base64).map(|b| b.len());
    let ciphertext_ok = decoded_len("encrypted_data").is_some_and(|len| len > 0);
    // The pipeline's encryptor uses a 16-byte IV; 12 bytes is the GCM default.
    let iv_ok = matches!(decoded_len("iv"), Some(12 | 16));
    let tag_ok = decoded_len("auth_tag") == Some(16);
    let level_ok =
        package.get("encryption_level").and_then(Value::as_str).is_some_and(|level| ENCRYPTION_LEVELS.contains(&level));
    let key_ok = package.get("key_id").and_then(Value::as_str).is_some_and(|id| !id.is_empty());
    ciphertext_ok && iv_ok && tag_ok && level_ok && key_ok
}

/// Decodes standard base64 with padding (RFC 4648 section 4).
fn decode_standard_base64(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 != 0 {
        return None;
    }
    let unpadded = text.strip_suffix("==").or_else(|| text.strip_suffix('=')).unwrap_or(text);
    if unpadded.contains(['-', '_', '=']) {
        return None;
    }
    let url_safe: String = unpadded
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            other => other,
        })
        .collect();
    b64::decode(url_safe.as_bytes()).ok()
}

/// The facts about one request that the checks need.
#[derive(Clone, Copy, Debug, Default)]
pub struct Facts<'a> {
    /// The request body.
    pub body: &'a [u8],
    /// Whether the endpoint carries PHI datasets, so its body must be encrypted.
    pub requires_encryption: bool,
    /// Whether the endpoint accepts PHI in a plaintext body.
    pub accepts_phi: bool,
    /// Whether an access decision with a known role covers the request.
    pub access_checked: bool,
    /// The audit event's user, action and resource; each must be non-empty.
    pub audit: Option<(&'a str, &'a str, &'a str)>,
    /// Requested fields beyond the minimum necessary set.
    pub excess_fields: &'a [String],
}

/// The outcome of the compliance checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Compliance {
    /// Whether no violation was found.
    pub compliant: bool,
    /// Violation names.
    pub violations: Vec<&'static str>,
    /// One recommendation per violation.
    pub recommendations: Vec<&'static str>,
    /// The body's format.
    pub body_format: BodyFormat,
}

fn recommendation(violation: &str) -> &'static str {
    match violation {
        DATA_NOT_ENCRYPTED => "Implement AES-256 encryption for all sensitive data",
        INSUFFICIENT_ACCESS_CONTROLS => "Review and strengthen role-based access controls",
        AUDIT_LOGGING_INCOMPLETE => "Ensure all access events are logged with user identification",
        _ => "Implement data minimization principles",
    }
}

/// Checks one request. `scanner` finds PHI in a plaintext body sent to an endpoint that does
/// not accept PHI.
pub fn check(facts: &Facts<'_>, scanner: Option<&Scanner>) -> Compliance {
    let format = body_format(facts.body);
    let mut violations = Vec::new();
    if facts.requires_encryption && format == BodyFormat::Plaintext {
        violations.push(DATA_NOT_ENCRYPTED);
    }
    if !facts.access_checked {
        violations.push(INSUFFICIENT_ACCESS_CONTROLS);
    }
    let audit_complete =
        facts.audit.is_some_and(|(who, what, resource)| !who.is_empty() && !what.is_empty() && !resource.is_empty());
    if !audit_complete {
        violations.push(AUDIT_LOGGING_INCOMPLETE);
    }
    let phi_in_body = format == BodyFormat::Plaintext
        && !facts.accepts_phi
        && scanner.is_some_and(|scanner| !scanner.scan(&String::from_utf8_lossy(facts.body)).is_empty());
    if !facts.excess_fields.is_empty() || phi_in_body {
        violations.push(EXCESSIVE_DATA_COLLECTION);
    }
    Compliance {
        compliant: violations.is_empty(),
        recommendations: violations.iter().map(|v| recommendation(v)).collect(),
        violations,
        body_format: format,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phi::ScanOptions;

    fn package() -> Value {
        serde_json::json!({
            "encrypted_data": "q83vASNFZ4k=",
            "iv": "AAECAwQFBgcICQoLDA0ODw==",
            "auth_tag": "ABEiM0RVZneImaq7zN3u/w==",
            "encryption_level": "standard",
            "key_id": "k-2026-12",
            "timestamp": "2026-12-04T00:00:00",
            "compliance_level": "hipaa_plus_plus",
        })
    }

    fn facts(body: &[u8]) -> Facts<'_> {
        Facts {
            body,
            requires_encryption: true,
            access_checked: true,
            audit: Some(("u1", "upload", "datasets")),
            ..Facts::default()
        }
    }

    #[test]
    fn encrypted_package_is_recognized() {
        assert_eq!(body_format(package().to_string().as_bytes()), BodyFormat::EncryptedPackage);
        assert_eq!(body_format(b"  "), BodyFormat::Empty);
        let result = check(&facts(package().to_string().as_bytes()), None);
        assert_eq!(result.violations, Vec::<&str>::new());
        assert!(result.compliant);
    }

    #[test]
    fn encryption_words_are_not_encryption() {
        let body = br#"{"note": "this is encrypted ciphertext", "encrypted": true}"#;
        let result = check(&facts(body), None);
        assert_eq!(result.violations, vec![DATA_NOT_ENCRYPTED]);
        assert_eq!(result.recommendations, vec!["Implement AES-256 encryption for all sensitive data"]);
    }

    #[test]
    fn malformed_packages_are_plaintext() {
        for (name, value) in [
            ("auth_tag", serde_json::json!("AAAA")),
            ("iv", serde_json::json!("not base64!")),
            ("encryption_level", serde_json::json!("none")),
            ("key_id", serde_json::json!("")),
            ("encrypted_data", serde_json::json!("")),
            ("encrypted_data", serde_json::json!(7)),
        ] {
            let mut package = package();
            package[name] = value;
            assert_eq!(body_format(package.to_string().as_bytes()), BodyFormat::Plaintext, "{name}");
        }
    }

    #[test]
    fn access_and_audit_presence() {
        let body = package().to_string();
        let unchecked = Facts { access_checked: false, audit: None, ..facts(body.as_bytes()) };
        assert_eq!(check(&unchecked, None).violations, vec![INSUFFICIENT_ACCESS_CONTROLS, AUDIT_LOGGING_INCOMPLETE]);
        let anonymous = Facts { audit: Some(("", "read", "x")), ..facts(body.as_bytes()) };
        assert_eq!(check(&anonymous, None).violations, vec![AUDIT_LOGGING_INCOMPLETE]);
    }

    #[test]
    fn data_minimization() {
        let excess = vec!["ssn".to_owned()];
        let body = package().to_string();
        let asking_more = Facts { excess_fields: &excess, ..facts(body.as_bytes()) };
        assert_eq!(check(&asking_more, None).violations, vec![EXCESSIVE_DATA_COLLECTION]);

        let scanner = Scanner::new(&ScanOptions::default()).unwrap();
        let plain = br#"{"comment": "call me, SSN 123-45-6789"}"#;
        let search = Facts { requires_encryption: false, ..facts(plain) };
        assert_eq!(check(&search, Some(&scanner)).violations, vec![EXCESSIVE_DATA_COLLECTION]);
        let intake = Facts { accepts_phi: true, ..search };
        assert!(check(&intake, Some(&scanner)).compliant);
    }
}
