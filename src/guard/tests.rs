use serde_json::json;

use super::*;
use crate::token::{KeySet, Options, SigningKey, Snapshot};

const ISSUER: &str = "https://keys.techdeck.test";
const AUDIENCE: &str = "techdeck-pipeline";
const NOW: u64 = 1_700_000_000;

fn signer() -> SigningKey {
    SigningKey::ed25519_from_seed("ed-1", &[1; 32]).unwrap()
}

fn guard() -> Guard {
    let mut keys = KeySet::new();
    keys.insert(signer().verifying_key()).unwrap();
    let mut verifier = Verifier::new(Options::new(ISSUER, AUDIENCE), keys).unwrap();
    let snapshot = Snapshot::new(ISSUER, NOW - 10, 300, 1).sign(&signer());
    verifier.load_snapshot(&snapshot, NOW).unwrap();
    Guard::new(verifier, Policy::default()).unwrap()
}

fn token(role: &str, changes: serde_json::Value) -> String {
    let mut claims = json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": "user-1", "user_id": "user-1", "role": role,
        "type": "access", "jti": "jti-1", "session_id": "session-1", "iat": NOW - 60,
        "exp": NOW + 600, "compliance_level": "hipaa_plus_plus", "patients": ["patient-7"],
    });
    for (name, value) in changes.as_object().unwrap() {
        claims[name] = value.clone();
    }
    signer().sign_jws("at+jwt", &claims)
}

fn request(token: &str) -> GuardRequest {
    GuardRequest {
        method: "GET".into(),
        path: "/v1/records/patient-7".into(),
        headers: BTreeMap::from([("Authorization".to_owned(), format!("Bearer {token}"))]),
        ip: Some("203.0.113.9".into()),
        action: "read".into(),
        resource: "patient_records".into(),
        patient: Some("patient-7".into()),
        ..GuardRequest::default()
    }
}

fn code(decision: &GuardDecision) -> Option<&str> {
    decision.body.as_ref().map(|body| body.code.as_str())
}

#[test]
fn missing_token_is_401() {
    let mut request = request("x");
    request.headers.clear();
    let decision = guard().check(&request, NOW);
    assert_eq!(decision.status, 401);
    assert_eq!(code(&decision), Some("TOKEN_MISSING"));
    assert_eq!(decision.headers["WWW-Authenticate"], "Bearer error=\"invalid_token\"");
    assert_eq!(decision.headers["X-Frame-Options"], "DENY");
}

#[test]
fn rejected_token_keeps_its_code() {
    let expired = token("therapist", json!({"exp": NOW - 31}));
    let decision = guard().check(&request(&expired), NOW);
    assert_eq!((decision.status, code(&decision)), (401, Some("TOKEN_EXPIRED")));
    assert_eq!(decision.audit.decision, "deny");
    assert_eq!(decision.audit.user_id, None);
}

#[test]
fn therapist_reads_assigned_patient() {
    let token = token("therapist", json!({}));
    let decision = guard().check(&request(&token), NOW);
    assert_eq!(decision.status, 200);
    assert!(decision.allowed);
    assert_eq!(decision.body, None);
    assert_eq!(decision.audit.jti.as_deref(), Some("jti-1"));
    assert_eq!(decision.audit.decision, "allow");
    assert!(decision.audit.phi);
}

#[test]
fn audit_event_carries_no_token_body_or_ip() {
    let token = token("therapist", json!({}));
    let mut request = request(&token);
    request.body = Some(r#"{"note": "patient said 123-45-6789"}"#.into());
    request.accepts_phi = true;
    let decision = guard().check(&request, NOW);
    let audit = serde_json::to_string(&decision.audit).unwrap();
    assert!(!audit.contains(&token));
    assert!(!audit.contains(token.split('.').nth(2).unwrap()));
    assert!(!audit.contains("123-45-6789"));
    assert!(!audit.contains("203.0.113.9"));
    assert!(!audit.contains("/v1/records"));
}

#[test]
fn researcher_is_denied_phi() {
    let token = token("researcher", json!({}));
    let decision = guard().check(&request(&token), NOW);
    assert_eq!((decision.status, code(&decision)), (403, Some("PHI_CLEARANCE_REQUIRED")));
    assert_eq!(decision.audit.user_id.as_deref(), Some("user-1"));
}

#[test]
fn attacks_are_challenged_or_blocked() {
    let token = token("admin", json!({}));
    let mut one = request(&token);
    one.query.insert("file".into(), "../../etc/passwd".into());
    let decision = guard().check(&one, NOW);
    assert_eq!((decision.status, code(&decision)), (403, Some("CHALLENGE_REQUIRED")));
    assert_eq!(decision.audit.decision, "challenge");

    let mut two = one.clone();
    two.body = Some(r#"{"q": "' OR '1'='1", "n": "<script>alert(1)</script>"}"#.into());
    let decision = guard().check(&two, NOW);
    assert_eq!((decision.status, code(&decision)), (422, Some("THREAT_BLOCKED")));
    let verdict = decision.monitoring.unwrap();
    assert!(verdict.reasons.iter().any(|reason| reason.field == "body/q" && reason.threat == "sql_injection"));
    assert!(verdict.reasons.iter().any(|reason| reason.field == "query.file"));
}

#[test]
fn rate_limited_is_429() {
    let token = token("admin", json!({}));
    let mut request = request(&token);
    request.rate_limited = true;
    let decision = guard().check(&request, NOW);
    assert_eq!((decision.status, code(&decision)), (429, Some("RATE_LIMITED")));
}

#[test]
fn unencrypted_phi_upload_is_422() {
    let token = token("admin", json!({}));
    let mut request = request(&token);
    request.action = "write".into();
    request.requires_encryption = true;
    request.body = Some(r#"{"encrypted": true, "data": "plain text"}"#.into());
    let decision = guard().check(&request, NOW);
    assert_eq!((decision.status, code(&decision)), (422, Some("COMPLIANCE_VIOLATION")));
    assert_eq!(decision.compliance.unwrap().violations, vec!["data_not_encrypted"]);
}

#[test]
fn unknown_kid_asks_for_key_refresh_once() {
    let other = SigningKey::ed25519_from_seed("ed-2", &[2; 32]).unwrap();
    let token = other.sign_jws("at+jwt", &json!({"iss": ISSUER}));
    let mut guard = guard();
    let first = guard.check(&request(&token), NOW);
    assert_eq!(code(&first), Some("TOKEN_UNKNOWN_KID"));
    assert!(first.refresh_keys);
    assert!(!guard.check(&request(&token), NOW + 1).refresh_keys);
}

#[test]
fn stale_revocations_are_503() {
    let token = token("admin", json!({"iat": NOW + 300, "exp": NOW + 900}));
    let decision = guard().check(&request(&token), NOW + 400);
    assert_eq!((decision.status, code(&decision)), (503, Some("REVOCATION_STALE")));
}

#[test]
fn break_glass_is_flagged() {
    let token = token("break_glass", json!({"reason": "patient in crisis, on call", "exp": NOW + 1800}));
    let decision = guard().check(&request(&token), NOW);
    assert_eq!(decision.status, 200);
    assert!(decision.audit.break_glass);
    let no_reason = self::token("break_glass", json!({"exp": NOW + 1800, "jti": "jti-2"}));
    let decision = guard().check(&request(&no_reason), NOW);
    assert_eq!((decision.status, code(&decision)), (403, Some("BREAK_GLASS_REASON_MISSING")));
    assert!(decision.audit.break_glass);
}

#[test]
fn bearer_scheme_parsing() {
    let headers = |value: &str| BTreeMap::from([("authorization".to_owned(), value.to_owned())]);
    assert_eq!(bearer_token(&headers("Bearer abc")), Some("abc"));
    assert_eq!(bearer_token(&headers("bearer  abc ")), Some("abc"));
    assert_eq!(bearer_token(&headers("Basic abc")), None);
    assert_eq!(bearer_token(&headers("Bearer ")), None);
}
