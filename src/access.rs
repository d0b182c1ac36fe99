//! Role-based access control for HIPAA-protected datasets: which role may do which action on
//! which resource, at which data access level.
//!
//! The built-in policy has the pipeline's four roles and a break-glass role for emergency
//! access:
//!
//! | role | permissions | data access level |
//! |---|---|---|
//! | `admin` | read, write, delete, manage_users, manage_system | all |
//! | `therapist` | read, write, analyze_data, generate_reports | assigned patients |
//! | `researcher` | read, analyze_data, generate_reports | anonymized (de-identified) data |
//! | `user` | read_own, upload_own | own data |
//! | `break_glass` | read | all, time-boxed, with a reason, always flagged for audit |
//!
//! Everything not allowed is denied. Roles match exactly (`admin_readonly` is not `admin`),
//! and so do actions. A deployment extends or replaces roles with [`Policy::extend_json`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode};
use crate::limits;

/// The records a role may reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataAccessLevel {
    /// Every record.
    All,
    /// Records of the patients assigned to the user (the token's `patients` claim).
    AssignedPatients,
    /// De-identified records only.
    AnonymizedData,
    /// The user's own records only.
    OwnData,
}

/// One role's rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleRule {
    /// Actions the role may perform, matched exactly.
    pub permissions: Vec<String>,
    /// The records the role may reach.
    pub data_access_level: DataAccessLevel,
    /// Whether the role may reach resources that contain PHI.
    #[serde(default)]
    pub phi_clearance: bool,
    /// The fields of a PHI resource the role may request; `"*"` allows every field. An empty
    /// list allows no named field.
    #[serde(default)]
    pub minimum_necessary: Vec<String>,
}

/// The rules of emergency (break-glass) access, the HIPAA emergency access procedure
/// (45 CFR 164.312(a)(2)(ii)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakGlassRule {
    /// The role name that marks emergency access.
    pub role: String,
    /// Maximum lifetime of a break-glass grant (`exp - iat`), in seconds.
    pub max_seconds: u64,
    /// Minimum length of the stated reason, in characters.
    pub min_reason_chars: usize,
}

/// An access policy: roles, PHI indicators and break-glass rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Roles by exact name.
    pub roles: BTreeMap<String, RoleRule>,
    /// Lower-case words that mark a resource name as containing PHI.
    pub phi_indicators: Vec<String>,
    /// Emergency access rules.
    pub break_glass: BreakGlassRule,
}

/// Extension of a policy loaded from JSON: roles replace or add to the built-in ones, and PHI
/// indicators are added.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyExtension {
    #[serde(default)]
    roles: BTreeMap<String, RoleRule>,
    #[serde(default)]
    phi_indicators: Vec<String>,
    break_glass: Option<BreakGlassRule>,
}

/// The reason an access request was denied, with a stable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Denial {
    /// The role is not in the policy.
    UnknownRole,
    /// The role does not have the action.
    ActionNotPermitted,
    /// The resource contains PHI and the role has no PHI clearance.
    PhiClearanceRequired,
    /// Fields beyond the role's minimum necessary set were requested.
    ExcessFields,
    /// The role reaches only the user's own data, and the resource belongs to someone else.
    NotOwnData,
    /// The resource's patient is not assigned to the user.
    PatientNotAssigned,
    /// The role reaches only de-identified data.
    DeidentifiedOnly,
    /// Break-glass access without a sufficient reason.
    BreakGlassReasonMissing,
    /// Break-glass access whose grant is longer than allowed or has ended.
    BreakGlassExpired,
}

impl Denial {
    /// Returns the stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Denial::UnknownRole => "UNKNOWN_ROLE",
            Denial::ActionNotPermitted => "ACTION_NOT_PERMITTED",
            Denial::PhiClearanceRequired => "PHI_CLEARANCE_REQUIRED",
            Denial::ExcessFields => "EXCESS_FIELDS",
            Denial::NotOwnData => "NOT_OWN_DATA",
            Denial::PatientNotAssigned => "PATIENT_NOT_ASSIGNED",
            Denial::DeidentifiedOnly => "DEIDENTIFIED_ONLY",
            Denial::BreakGlassReasonMissing => "BREAK_GLASS_REASON_MISSING",
            Denial::BreakGlassExpired => "BREAK_GLASS_EXPIRED",
        }
    }
}

/// The time window and reason of a break-glass grant, taken from the verified token.
#[derive(Clone, Copy, Debug, Default)]
pub struct Grant<'a> {
    /// The stated reason.
    pub reason: Option<&'a str>,
    /// When the grant was issued (the token's `iat`).
    pub issued_at: u64,
    /// When the grant ends (the token's `exp`).
    pub expires_at: u64,
    /// The current time.
    pub now: u64,
}

/// One access request.
#[derive(Clone, Copy, Debug, Default)]
pub struct AccessRequest<'a> {
    /// The user id.
    pub subject: &'a str,
    /// The user's role, from the verified token.
    pub role: &'a str,
    /// The action, such as `read` or `analyze_data`.
    pub action: &'a str,
    /// The resource name, such as `patient_records` or `datasets/42`.
    pub resource: &'a str,
    /// The user id that owns the resource, when known.
    pub owner: Option<&'a str>,
    /// The patient the resource belongs to, when known.
    pub patient: Option<&'a str>,
    /// Patients assigned to the user (the token's `patients` claim).
    pub assigned_patients: &'a [String],
    /// Whether the resource is de-identified.
    pub deidentified: bool,
    /// The fields the request requests.
    pub requested_fields: &'a [String],
    /// The grant, for break-glass access.
    pub grant: Grant<'a>,
}

/// The outcome of an access check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Whether the request is allowed.
    pub allowed: bool,
    /// The reason for a denial.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denial: Option<Denial>,
    /// A short reason for the response and the audit log, without PHI.
    pub reason: String,
    /// Whether the resource was judged to contain PHI.
    pub phi: bool,
    /// Whether the access must be reviewed: every break-glass access is.
    pub audit_flag: bool,
    /// Requested fields beyond the minimum necessary set, when denied for them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excess_fields: Vec<String>,
}

impl Decision {
    fn allow(phi: bool, audit_flag: bool) -> Decision {
        let reason = if audit_flag { "allowed under break-glass emergency access" } else { "allowed" };
        Decision { allowed: true, denial: None, reason: reason.to_owned(), phi, audit_flag, excess_fields: Vec::new() }
    }

    fn deny(denial: Denial, reason: &str, phi: bool, audit_flag: bool) -> Decision {
        Decision {
            allowed: false,
            denial: Some(denial),
            reason: reason.to_owned(),
            phi,
            audit_flag,
            excess_fields: Vec::new(),
        }
    }
}

fn role(permissions: &[&str], level: DataAccessLevel, phi_clearance: bool, fields: &[&str]) -> RoleRule {
    RoleRule {
        permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
        data_access_level: level,
        phi_clearance,
        minimum_necessary: fields.iter().map(|f| (*f).to_owned()).collect(),
    }
}

impl Default for Policy {
    /// Returns the built-in policy described in the module documentation.
    fn default() -> Policy {
        let therapist_fields = [
            "patient_id",
            "session_id",
            "conversation",
            "messages",
            "notes",
            "diagnosis",
            "treatment_plan",
            "created_at",
            "updated_at",
        ];
        let roles = BTreeMap::from([
            (
                "admin".to_owned(),
                role(&["read", "write", "delete", "manage_users", "manage_system"], DataAccessLevel::All, true, &["*"]),
            ),
            (
                "therapist".to_owned(),
                role(
                    &["read", "write", "analyze_data", "generate_reports"],
                    DataAccessLevel::AssignedPatients,
                    true,
                    &therapist_fields,
                ),
            ),
            (
                "researcher".to_owned(),
                role(&["read", "analyze_data", "generate_reports"], DataAccessLevel::AnonymizedData, false, &[]),
            ),
            ("user".to_owned(), role(&["read_own", "upload_own"], DataAccessLevel::OwnData, true, &["*"])),
            ("break_glass".to_owned(), role(&["read"], DataAccessLevel::All, true, &["*"])),
        ]);
        let phi_indicators =
            ["patient", "diagnosis", "treatment", "medical_record", "conversation", "therapeutic", "mental_health"];
        Policy {
            roles,
            phi_indicators: phi_indicators.iter().map(|i| (*i).to_owned()).collect(),
            break_glass: BreakGlassRule { role: "break_glass".to_owned(), max_seconds: 3600, min_reason_chars: 10 },
        }
    }
}

impl Policy {
    /// Extends the policy with rules given as JSON: `{"roles": {...}, "phi_indicators": [...],
    /// "break_glass": {...}}`, every member optional. A role replaces the one of the same name.
    ///
    /// # Errors
    ///
    /// `INPUT_TOO_LARGE` above [`limits::MAX_RULES_BYTES`], `INVALID_RULES` for JSON of another
    /// shape (unknown members included) or an unknown data access level.
    pub fn extend_json(&mut self, json: &str) -> Result<(), Error> {
        if json.len() > limits::MAX_RULES_BYTES {
            return Err(Error::new(ErrorCode::InputTooLarge, "the access rules are larger than 1 MiB"));
        }
        let extension: PolicyExtension = serde_json::from_str(json).map_err(|error| {
            Error::new(
                ErrorCode::InvalidRules,
                format!(
                    "the access rules are invalid at line {} column {}; expected roles, phi_indicators and break_glass",
                    error.line(),
                    error.column()
                ),
            )
        })?;
        self.roles.extend(extension.roles);
        self.phi_indicators.extend(extension.phi_indicators.into_iter().map(|i| i.to_lowercase()));
        if let Some(break_glass) = extension.break_glass {
            self.break_glass = break_glass;
        }
        Ok(())
    }

    /// Returns whether a resource name contains a PHI indicator, ignoring case.
    pub fn contains_phi(&self, resource: &str) -> bool {
        let resource = resource.to_lowercase();
        self.phi_indicators.iter().any(|indicator| resource.contains(indicator.as_str()))
    }

    /// Checks one access request. Everything the policy does not allow is denied.
    pub fn check(&self, request: &AccessRequest<'_>) -> Decision {
        let phi = !request.deidentified && self.contains_phi(request.resource);
        let break_glass = request.role == self.break_glass.role;
        let Some(rule) = self.roles.get(request.role) else {
            return Decision::deny(Denial::UnknownRole, "the role is not in the access policy", phi, break_glass);
        };
        if !rule.permissions.iter().any(|permission| permission == request.action) {
            return Decision::deny(
                Denial::ActionNotPermitted,
                "the role does not permit this action",
                phi,
                break_glass,
            );
        }
        if break_glass {
            if let Some(denial) = self.check_grant(&request.grant) {
                return denial;
            }
        }
        if phi {
            if !rule.phi_clearance {
                return Decision::deny(
                    Denial::PhiClearanceRequired,
                    "the resource contains PHI and the role has no PHI clearance",
                    phi,
                    break_glass,
                );
            }
            let excess = excess_fields(rule, request.requested_fields);
            if !excess.is_empty() {
                let mut decision = Decision::deny(
                    Denial::ExcessFields,
                    "the request asks for more fields than the role's minimum necessary set",
                    phi,
                    break_glass,
                );
                decision.excess_fields = excess;
                return decision;
            }
        }
        if let Some((denial, reason)) = check_level(rule.data_access_level, request, phi) {
            return Decision::deny(denial, reason, phi, break_glass);
        }
        Decision::allow(phi, break_glass)
    }

    fn check_grant(&self, grant: &Grant<'_>) -> Option<Decision> {
        let reason_chars = grant.reason.map_or(0, |reason| reason.trim().chars().count());
        if reason_chars < self.break_glass.min_reason_chars {
            return Some(Decision::deny(
                Denial::BreakGlassReasonMissing,
                "break-glass access needs a stated reason",
                false,
                true,
            ));
        }
        let lifetime = grant.expires_at.saturating_sub(grant.issued_at);
        if lifetime == 0 || lifetime > self.break_glass.max_seconds || grant.now >= grant.expires_at {
            return Some(Decision::deny(
                Denial::BreakGlassExpired,
                "the break-glass grant has ended or is longer than allowed",
                false,
                true,
            ));
        }
        None
    }
}

fn excess_fields(rule: &RoleRule, requested: &[String]) -> Vec<String> {
    if rule.minimum_necessary.iter().any(|field| field == "*") {
        return Vec::new();
    }
    let mut excess: Vec<String> =
        requested.iter().filter(|field| !rule.minimum_necessary.contains(field)).cloned().collect();
    excess.sort();
    excess.dedup();
    excess
}

fn check_level(level: DataAccessLevel, request: &AccessRequest<'_>, phi: bool) -> Option<(Denial, &'static str)> {
    match level {
        DataAccessLevel::All => None,
        DataAccessLevel::OwnData => (request.owner != Some(request.subject))
            .then_some((Denial::NotOwnData, "the role reaches only the user's own data")),
        DataAccessLevel::AssignedPatients => match request.patient {
            Some(patient) if request.assigned_patients.iter().any(|assigned| assigned == patient) => None,
            None if !phi => None,
            _ => Some((Denial::PatientNotAssigned, "the patient is not assigned to this user")),
        },
        DataAccessLevel::AnonymizedData => {
            (!request.deidentified).then_some((Denial::DeidentifiedOnly, "the role reaches only de-identified data"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(role: &'a str, action: &'a str, resource: &'a str) -> AccessRequest<'a> {
        AccessRequest { subject: "u1", role, action, resource, ..AccessRequest::default() }
    }

    fn denial(decision: Decision) -> Option<Denial> {
        decision.denial
    }

    #[test]
    fn admin_reaches_everything() {
        let policy = Policy::default();
        for action in ["read", "write", "delete", "manage_users", "manage_system"] {
            assert!(policy.check(&request("admin", action, "patient_records")).allowed, "{action}");
        }
    }

    #[test]
    fn roles_match_exactly() {
        let policy = Policy::default();
        for role in ["admin_readonly", "Admin", "admin ", "", "ADMIN"] {
            assert_eq!(denial(policy.check(&request(role, "read", "reports"))), Some(Denial::UnknownRole), "{role:?}");
        }
    }

    #[test]
    fn actions_are_denied_by_default() {
        let policy = Policy::default();
        assert_eq!(denial(policy.check(&request("researcher", "write", "datasets"))), Some(Denial::ActionNotPermitted));
        assert_eq!(denial(policy.check(&request("therapist", "delete", "datasets"))), Some(Denial::ActionNotPermitted));
        assert_eq!(denial(policy.check(&request("user", "read", "datasets"))), Some(Denial::ActionNotPermitted));
        assert_eq!(denial(policy.check(&request("admin", "READ", "datasets"))), Some(Denial::ActionNotPermitted));
    }

    #[test]
    fn therapist_reaches_assigned_patients_only() {
        let policy = Policy::default();
        let assigned = vec!["p1".to_owned()];
        let mut own = request("therapist", "read", "patient_records");
        own.assigned_patients = &assigned;
        own.patient = Some("p1");
        assert!(policy.check(&own).allowed);
        let other = AccessRequest { patient: Some("p2"), ..own };
        assert_eq!(denial(policy.check(&other)), Some(Denial::PatientNotAssigned));
        let unknown = AccessRequest { patient: None, ..own };
        assert_eq!(denial(policy.check(&unknown)), Some(Denial::PatientNotAssigned));
        let reports = AccessRequest { resource: "reports", patient: None, action: "generate_reports", ..own };
        assert!(policy.check(&reports).allowed);
    }

    #[test]
    fn researcher_reaches_deidentified_data_only() {
        let policy = Policy::default();
        let phi = request("researcher", "analyze_data", "conversation_dataset");
        assert_eq!(denial(policy.check(&phi)), Some(Denial::PhiClearanceRequired));
        let plain = request("researcher", "analyze_data", "datasets/42");
        assert_eq!(denial(policy.check(&plain)), Some(Denial::DeidentifiedOnly));
        let deidentified = AccessRequest { deidentified: true, ..phi };
        let decision = policy.check(&deidentified);
        assert!(decision.allowed);
        assert!(!decision.phi);
    }

    #[test]
    fn user_reaches_own_data_only() {
        let policy = Policy::default();
        let own = AccessRequest { owner: Some("u1"), ..request("user", "read_own", "uploads/7") };
        assert!(policy.check(&own).allowed);
        let other = AccessRequest { owner: Some("u2"), ..own };
        assert_eq!(denial(policy.check(&other)), Some(Denial::NotOwnData));
        let unknown = AccessRequest { owner: None, ..own };
        assert_eq!(denial(policy.check(&unknown)), Some(Denial::NotOwnData));
    }

    #[test]
    fn minimum_necessary_fields() {
        let policy = Policy::default();
        let assigned = vec!["p1".to_owned()];
        let fields = vec!["notes".to_owned(), "ssn".to_owned(), "address".to_owned(), "ssn".to_owned()];
        let mut therapist = request("therapist", "read", "patient_records");
        therapist.assigned_patients = &assigned;
        therapist.patient = Some("p1");
        therapist.requested_fields = &fields;
        let decision = policy.check(&therapist);
        assert_eq!(decision.denial, Some(Denial::ExcessFields));
        assert_eq!(decision.excess_fields, vec!["address".to_owned(), "ssn".to_owned()]);
        let fine = vec!["notes".to_owned(), "diagnosis".to_owned()];
        assert!(policy.check(&AccessRequest { requested_fields: &fine, ..therapist }).allowed);
    }

    #[test]
    fn break_glass_needs_reason_and_time_box() {
        let policy = Policy::default();
        let grant =
            Grant { reason: Some("patient in crisis, on-call clinician"), issued_at: 100, expires_at: 1_900, now: 200 };
        let emergency = AccessRequest { grant, ..request("break_glass", "read", "patient_records") };
        let decision = policy.check(&emergency);
        assert!(decision.allowed);
        assert!(decision.audit_flag);
        assert!(decision.phi);

        let no_reason = AccessRequest { grant: Grant { reason: Some("  urgent  "), ..grant }, ..emergency };
        let decision = policy.check(&no_reason);
        assert_eq!(decision.denial, Some(Denial::BreakGlassReasonMissing));
        assert!(decision.audit_flag);
        let too_long = AccessRequest { grant: Grant { expires_at: 100 + 3_601, ..grant }, ..emergency };
        assert_eq!(denial(policy.check(&too_long)), Some(Denial::BreakGlassExpired));
        let ended = AccessRequest { grant: Grant { now: 1_900, ..grant }, ..emergency };
        assert_eq!(denial(policy.check(&ended)), Some(Denial::BreakGlassExpired));
        let write = AccessRequest { action: "write", ..emergency };
        assert_eq!(denial(policy.check(&write)), Some(Denial::ActionNotPermitted));
    }

    #[test]
    fn rules_extend_from_json() {
        let mut policy = Policy::default();
        let json = r#"{
            "roles": {"auditor": {"permissions": ["read"], "data_access_level": "anonymized_data"}},
            "phi_indicators": ["Intake_Form"]
        }"#;
        policy.extend_json(json).unwrap();
        let auditor = AccessRequest { deidentified: true, ..request("auditor", "read", "metrics") };
        assert!(policy.check(&auditor).allowed);
        assert!(policy.contains_phi("INTAKE_FORMS/3"));
        assert!(policy.roles.contains_key("admin"));
    }

    #[test]
    fn invalid_rules_are_rejected() {
        let mut policy = Policy::default();
        let unknown_member = r#"{"roles": {"x": {"permissions": [], "data_access_level": "all", "superuser": true}}}"#;
        assert_eq!(policy.extend_json(unknown_member).unwrap_err().code(), ErrorCode::InvalidRules);
        let unknown_level = r#"{"roles": {"x": {"permissions": [], "data_access_level": "everything"}}}"#;
        assert_eq!(policy.extend_json(unknown_level).unwrap_err().code(), ErrorCode::InvalidRules);
        assert_eq!(policy.extend_json("[]").unwrap_err().code(), ErrorCode::InvalidRules);
        assert_eq!(policy, Policy::default());
    }
}
