//! One edge decision per request: token, access, threat monitoring and compliance in that
//! order, returned as an HTTP status, a JSON body with a code and reason, security headers
//! and an audit event.
//!
//! | check fails | status | body code |
//! |---|---|---|
//! | no `Authorization: Bearer` token, or the token is rejected | 401 | `TOKEN_MISSING` or the token's `TOKEN_*` code |
//! | no fresh revocation snapshot is loaded | 503 | `REVOCATION_STALE` |
//! | the role may not do the action on the resource | 403 | the access denial code, such as `PHI_CLEARANCE_REQUIRED` |
//! | the caller's rate limiter reports a violation | 429 | `RATE_LIMITED` |
//! | the risk score blocks the request | 422 | `THREAT_BLOCKED` |
//! | a compliance rule is violated | 422 | `COMPLIANCE_VIOLATION` |
//! | the risk score calls for a challenge | 403 | `CHALLENGE_REQUIRED` |
//!
//! The audit event names who, what, which resource, the decision and the token's `jti`. It
//! never contains the token, the request body, the path, query or the client's IP address,
//! any of which may carry PHI.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::access::{AccessRequest, Denial, Grant, Policy};
use crate::compliance::{self, BodyFormat, Compliance, Facts};
use crate::error::{Error, ErrorCode};
use crate::phi::{ScanOptions, Scanner};
use crate::threat::{Action, Monitor, Signals, Verdict};
use crate::token::{AccessClaims, Request, Verifier};

/// Maximum number of body string values scanned for threats; later values are skipped.
pub const MAX_SCANNED_BODY_VALUES: usize = 1024;

/// The security headers of every guard response, the pipeline's values.
///
/// NOTE: `X-XSS-Protection` is ignored by current browsers and the policy's
/// `'unsafe-inline'` weakens it; both are kept because the pipeline's clients expect them.
pub const SECURITY_HEADERS: [(&str, &str); 7] = [
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("X-XSS-Protection", "1; mode=block"),
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Cache-Control", "no-store"),
];

/// One incoming request as the Worker describes it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GuardRequest {
    /// HTTP method.
    #[serde(default)]
    pub method: String,
    /// URL path.
    #[serde(default)]
    pub path: String,
    /// Query parameters.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Request headers; names are matched without regard to case.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The client's IP address, for the session binding.
    pub ip: Option<String>,
    /// The request body as text.
    pub body: Option<String>,
    /// The action the request performs, such as `read`.
    pub action: String,
    /// The resource it acts on, such as `patient_records`.
    pub resource: String,
    /// The user id owning the resource, when known.
    pub owner: Option<String>,
    /// The patient the resource belongs to, when known.
    pub patient: Option<String>,
    /// Whether the resource is de-identified.
    #[serde(default)]
    pub deidentified: bool,
    /// Fields the request requests.
    #[serde(default)]
    pub requested_fields: Vec<String>,
    /// Whether the caller's rate limiter reports a violation.
    #[serde(default)]
    pub rate_limited: bool,
    /// Whether the endpoint carries PHI datasets, so the body must be an encrypted package.
    #[serde(default)]
    pub requires_encryption: bool,
    /// Whether the endpoint accepts PHI in a plaintext body.
    #[serde(default)]
    pub accepts_phi: bool,
    /// Whether the token may be used only once.
    #[serde(default)]
    pub one_time: bool,
    /// The current time in seconds since the Unix epoch; the caller's clock when absent.
    pub now: Option<u64>,
}

/// The response body of a rejected request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorBody {
    /// Stable code.
    pub code: String,
    /// Short reason, without input content.
    pub reason: String,
}

/// The audit event of one decision. It contains no token, no request content and no IP
/// address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    /// Event type, always `access_decision`.
    pub event_type: &'static str,
    /// When the decision was made, in seconds since the Unix epoch.
    pub timestamp: u64,
    /// The user id from a verified token.
    pub user_id: Option<String>,
    /// The role from a verified token.
    pub role: Option<String>,
    /// The token's `jti`, from a verified token.
    pub jti: Option<String>,
    /// The token's session id.
    pub session_id: Option<String>,
    /// The action requested.
    pub action: String,
    /// The resource requested.
    pub resource: String,
    /// `allow`, `challenge` or `deny`.
    pub decision: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The code of a rejection.
    pub code: Option<String>,
    /// Whether the access used break-glass emergency access.
    pub break_glass: bool,
    /// Whether the resource contains PHI.
    pub phi: bool,
    /// The risk score.
    pub risk_score: u32,
    /// Threat names found.
    pub threats: Vec<String>,
}

/// The outcome of [`Guard::check`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardDecision {
    /// Whether the Worker may forward the request.
    pub allowed: bool,
    /// The HTTP status of the response when not allowed; 200 when allowed.
    pub status: u16,
    /// The JSON body of a rejection.
    pub body: Option<ErrorBody>,
    /// Headers to add to the response.
    pub headers: BTreeMap<String, String>,
    /// The audit event for the caller to ship.
    pub audit: AuditEvent,
    /// Whether the caller should fetch the JWK Set again (an unknown `kid`, outside the
    /// cooldown).
    pub refresh_keys: bool,
    /// The verified claims, when the token verified.
    pub claims: Option<AccessClaims>,
    /// The threat monitoring verdict.
    pub monitoring: Option<Verdict>,
    /// The compliance result.
    pub compliance: Option<Compliance>,
}

/// The edge guard: a token verifier, an access policy and a PHI scanner.
#[derive(Debug)]
pub struct Guard {
    verifier: Verifier,
    policy: Policy,
    scanner: Scanner,
}

struct Outcome {
    status: u16,
    code: String,
    reason: String,
}

impl Guard {
    /// Creates a guard.
    ///
    /// # Errors
    ///
    /// The errors of building the PHI scanner with default options.
    pub fn new(verifier: Verifier, policy: Policy) -> Result<Guard, Error> {
        Ok(Guard { verifier, policy, scanner: Scanner::new(&ScanOptions::default())? })
    }

    /// Returns the verifier, to load snapshots, add revocations and replace keys.
    pub fn verifier_mut(&mut self) -> &mut Verifier {
        &mut self.verifier
    }

    /// Returns the verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Decides one request. `now` is used when the request carries no time of its own.
    pub fn check(&mut self, request: &GuardRequest, now: u64) -> GuardDecision {
        self.check_with(request, now, None)
    }

    /// Decides one request, with the token already verified when `verified` is given.
    pub(crate) fn check_with(
        &mut self,
        request: &GuardRequest,
        now: u64,
        verified: Option<Result<AccessClaims, Error>>,
    ) -> GuardDecision {
        let now = request.now.unwrap_or(now);
        let mut decision = GuardDecision {
            allowed: false,
            status: 401,
            body: None,
            headers: SECURITY_HEADERS.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect(),
            audit: AuditEvent {
                event_type: "access_decision",
                timestamp: now,
                user_id: None,
                role: None,
                jti: None,
                session_id: None,
                action: request.action.clone(),
                resource: request.resource.clone(),
                decision: "deny",
                status: 401,
                code: None,
                break_glass: false,
                phi: false,
                risk_score: 0,
                threats: Vec::new(),
            },
            refresh_keys: false,
            claims: None,
            monitoring: None,
            compliance: None,
        };
        let outcome = self.decide(request, now, &mut decision, verified);
        match outcome {
            None => {
                decision.allowed = true;
                decision.status = 200;
                decision.audit.decision = "allow";
            }
            Some(outcome) => {
                if outcome.status == 401 {
                    decision.headers.insert("WWW-Authenticate".to_owned(), "Bearer error=\"invalid_token\"".to_owned());
                }
                if outcome.code == "CHALLENGE_REQUIRED" {
                    decision.audit.decision = "challenge";
                }
                decision.status = outcome.status;
                decision.audit.code = Some(outcome.code.clone());
                decision.body = Some(ErrorBody { code: outcome.code, reason: outcome.reason });
            }
        }
        decision.audit.status = decision.status;
        decision
    }

    fn decide(
        &mut self,
        request: &GuardRequest,
        now: u64,
        decision: &mut GuardDecision,
        verified: Option<Result<AccessClaims, Error>>,
    ) -> Option<Outcome> {
        let result = match verified {
            Some(result) => result.map_err(|error| self.token_outcome(&error, now, decision)),
            None => self.verify_token(request, now, decision),
        };
        let claims = match result {
            Ok(claims) => claims,
            Err(outcome) => return Some(outcome),
        };
        let audit = &mut decision.audit;
        audit.user_id = Some(claims.sub.clone());
        audit.role = Some(claims.role.clone());
        audit.jti = Some(claims.jti.clone());
        audit.session_id = Some(claims.session_id.clone());

        let assigned = claims.patients.clone().unwrap_or_default();
        let access = self.policy.check(&AccessRequest {
            subject: &claims.sub,
            role: &claims.role,
            action: &request.action,
            resource: &request.resource,
            owner: request.owner.as_deref(),
            patient: request.patient.as_deref(),
            assigned_patients: &assigned,
            deidentified: request.deidentified,
            requested_fields: &request.requested_fields,
            grant: Grant { reason: claims.reason.as_deref(), issued_at: claims.iat, expires_at: claims.exp, now },
        });
        audit.break_glass = access.audit_flag;
        audit.phi = access.phi;
        decision.claims = Some(claims);
        if !access.allowed {
            let code = access.denial.map_or("ACCESS_DENIED", Denial::as_str);
            return Some(Outcome { status: 403, code: code.to_owned(), reason: access.reason });
        }

        let body = request.body.as_deref().unwrap_or("");
        let compliance = compliance::check(
            &Facts {
                body: body.as_bytes(),
                requires_encryption: request.requires_encryption,
                accepts_phi: request.accepts_phi,
                access_checked: true,
                audit: Some((
                    decision.audit.user_id.as_deref().unwrap_or(""),
                    &decision.audit.action,
                    &decision.audit.resource,
                )),
                excess_fields: &access.excess_fields,
            },
            Some(&self.scanner),
        );
        let verdict = monitor(request, body, compliance.body_format, &compliance);
        decision.audit.risk_score = verdict.risk_score;
        decision.audit.threats = verdict.threats.clone();
        let outcome = outcome_of(request, &verdict, &compliance);
        decision.monitoring = Some(verdict);
        decision.compliance = Some(compliance);
        outcome
    }

    fn verify_token(
        &mut self,
        request: &GuardRequest,
        now: u64,
        decision: &mut GuardDecision,
    ) -> Result<AccessClaims, Outcome> {
        let Some(token) = bearer_token(&request.headers) else {
            return Err(Outcome {
                status: 401,
                code: "TOKEN_MISSING".to_owned(),
                reason: "send the access token in an Authorization: Bearer header".to_owned(),
            });
        };
        let user_agent = header(&request.headers, "user-agent");
        let context = Request { now, ip: request.ip.as_deref(), user_agent, one_time: request.one_time };
        match self.verifier.verify_access(token, &context) {
            Ok(claims) => Ok(claims),
            Err(error) => Err(self.token_outcome(&error, now, decision)),
        }
    }

    fn token_outcome(&mut self, error: &Error, now: u64, decision: &mut GuardDecision) -> Outcome {
        if error.code() == ErrorCode::TokenUnknownKid {
            decision.refresh_keys = self.verifier.begin_key_refresh(now);
        }
        let status = if error.code() == ErrorCode::RevocationStale { 503 } else { 401 };
        Outcome { status, code: error.code().as_str().to_owned(), reason: error.message().to_owned() }
    }
}

fn outcome_of(request: &GuardRequest, verdict: &Verdict, compliance: &Compliance) -> Option<Outcome> {
    let outcome = |status: u16, code: &str, reason: &str| {
        Some(Outcome { status, code: code.to_owned(), reason: reason.to_owned() })
    };
    if request.rate_limited {
        return outcome(429, "RATE_LIMITED", "too many requests; retry later");
    }
    if verdict.action == Action::Block {
        return outcome(422, "THREAT_BLOCKED", "the request matches attack signatures");
    }
    if !compliance.compliant {
        return outcome(422, "COMPLIANCE_VIOLATION", "the request violates a HIPAA compliance rule");
    }
    if verdict.action == Action::Challenge {
        return outcome(403, "CHALLENGE_REQUIRED", "the request needs additional verification");
    }
    None
}

fn monitor(request: &GuardRequest, body: &str, format: BodyFormat, compliance: &Compliance) -> Verdict {
    let mut monitor = Monitor::new();
    monitor.scan_field("path", &request.path);
    for (name, value) in &request.query {
        monitor.scan_field(&format!("query.{name}"), value);
    }
    // An encrypted package is base64 ciphertext, where signatures would only match noise.
    if format == BodyFormat::Plaintext {
        match serde_json::from_str::<Value>(body) {
            Ok(value) => {
                let mut budget = MAX_SCANNED_BODY_VALUES;
                scan_json(&mut monitor, &value, &mut String::from("body"), &mut budget);
            }
            Err(_) => monitor.scan_field("body", body),
        }
    }
    let violations: Vec<String> = compliance.violations.iter().map(|v| (*v).to_owned()).collect();
    monitor.finish(&Signals {
        rate_limited: request.rate_limited,
        user_agent: header(&request.headers, "user-agent"),
        compliance_violations: &violations,
    })
}

fn scan_json(monitor: &mut Monitor, value: &Value, pointer: &mut String, budget: &mut usize) {
    match value {
        Value::String(text) if *budget > 0 => {
            *budget -= 1;
            monitor.scan_field(pointer, text);
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let length = pointer.len();
                pointer.push('/');
                pointer.push_str(&index.to_string());
                scan_json(monitor, item, pointer, budget);
                pointer.truncate(length);
            }
        }
        Value::Object(members) => {
            for (name, item) in members {
                let length = pointer.len();
                pointer.push('/');
                pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
                // A member name is caller text too, so it is scanned like a value.
                if *budget > 0 {
                    *budget -= 1;
                    monitor.scan_field(pointer, name);
                }
                scan_json(monitor, item, pointer, budget);
                pointer.truncate(length);
            }
        }
        _ => {}
    }
}

pub(crate) fn header<'a>(headers: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
}

/// Returns the token of an `Authorization: Bearer <token>` header (RFC 6750 section 2.1).
pub(crate) fn bearer_token(headers: &BTreeMap<String, String>) -> Option<&str> {
    let value = header(headers, "authorization")?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests;
