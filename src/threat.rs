//! Threat monitoring of API requests: attack signatures and suspicious patterns over the
//! request's fields, a risk score, and an allow, challenge or block action.
//!
//! Every field is folded first ([`crate::text::fold`]): invisible characters removed, HTML
//! references and percent escapes decoded (up to three times nested), NFKC applied and
//! lower-cased. So `%252e%252e%252f`, `&#46;&#46;/` and `．．／` are all `../` to the
//! signatures.
//!
//! # Scoring
//!
//! As in the pipeline's `SecurityMonitor`: a rate-limit violation adds 20, each suspicious
//! pattern 15, each attack signature 25 and a compliance failure 30. A score of 50 or more
//! blocks the request and 25 or more challenges it. Each signature and pattern counts once per
//! request, however many fields it appears in, and every verdict lists the fields it was found
//! in.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use crate::text;
use crate::validate::content;

/// Risk added by a rate-limit violation.
pub const RATE_LIMIT_RISK: u32 = 20;
/// Risk added by each suspicious pattern.
pub const SUSPICIOUS_PATTERN_RISK: u32 = 15;
/// Risk added by each attack signature.
pub const ATTACK_SIGNATURE_RISK: u32 = 25;
/// Risk added when the request is not compliant.
pub const COMPLIANCE_RISK: u32 = 30;
/// Scores from this value on are blocked.
pub const BLOCK_THRESHOLD: u32 = 50;
/// Scores from this value on are challenged.
pub const CHALLENGE_THRESHOLD: u32 = 25;

/// Maximum length of a scanned field value, in bytes. A longer value is reported as the
/// `oversized_field` pattern and only its first part is scanned.
pub const MAX_SCANNED_FIELD_BYTES: usize = 64 * 1024;

/// The caller's next step with the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Let the request through.
    Allow,
    /// Ask for a second factor or a CAPTCHA before letting it through.
    Challenge,
    /// Reject the request.
    Block,
}

/// One signature or pattern found in one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The threat name, such as `sql_injection` or `rate_limit_violation`.
    pub threat: String,
    /// The field it was found in (`path`, `query.q`, `body/notes`); empty for request-wide
    /// threats. Field names come from the request, never values.
    pub field: String,
    /// The rule that matched, such as `union_select`.
    pub rule: &'static str,
}

/// The monitoring verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Whether the action is challenge or block.
    pub threat_detected: bool,
    /// Distinct threat names, in the order first found.
    pub threats: Vec<String>,
    /// The risk score.
    pub risk_score: u32,
    /// The action for the score.
    pub action: Action,
    /// Every finding with its field.
    pub reasons: Vec<Reason>,
}

/// Request-wide facts that the caller measures.
#[derive(Clone, Copy, Debug, Default)]
pub struct Signals<'a> {
    /// Whether the caller's rate limiter found the user or IP address over its limit.
    pub rate_limited: bool,
    /// The User-Agent header.
    pub user_agent: Option<&'a str>,
    /// Compliance violations found for the request; any adds [`COMPLIANCE_RISK`] once.
    pub compliance_violations: &'a [String],
}

/// A named regular expression over folded text.
struct Signature {
    threat: &'static str,
    rule: &'static str,
    pattern: &'static str,
}

/// A separator of SQL tokens: whitespace or an inline comment.
macro_rules! sql_gap {
    () => {
        r"(?:\s|/\*[^*]{0,64}\*/)+"
    };
}

const SIGNATURES: &[Signature] = &[
    Signature { threat: "path_traversal", rule: "dot_dot_segment", pattern: r"(?:^|[/\\])\.\.(?:[/\\;]|$)" },
    // Overlong UTF-8 forms of `.` and `/`, which decoders that accept them turn into `../`.
    Signature {
        threat: "path_traversal",
        rule: "overlong_utf8_dot",
        pattern: r"%c0%ae|%e0%80%ae|%c0%af|%c1%9c|%c1%1c",
    },
    Signature {
        threat: "path_traversal",
        rule: "system_file",
        pattern: r"(?:^|[/\\])(?:etc[/\\](?:passwd|shadow|hosts)|proc[/\\]self[/\\]|windows[/\\]win\.ini|boot\.ini)",
    },
    Signature {
        threat: "sql_injection",
        rule: "union_select",
        pattern: concat!(r"\bunion", sql_gap!(), r"(?:all", sql_gap!(), r")?select\b"),
    },
    Signature {
        threat: "sql_injection",
        rule: "tautology",
        pattern: concat!(
            r#"['"`]\s*\)?"#,
            sql_gap!(),
            r#"(?:or|and)"#,
            sql_gap!(),
            r#"(?:['"`]?\w+['"`]?\s*(?:=|like)\s*['"`]?\w+|true|not\s+false)"#
        ),
    },
    Signature {
        threat: "sql_injection",
        rule: "stacked_query",
        pattern: concat!(
            r";\s*(?:drop|delete|truncate|alter|insert|update|create|exec|execute|shutdown)",
            sql_gap!(),
            r"\w"
        ),
    },
    Signature { threat: "sql_injection", rule: "comment_terminator", pattern: r#"['"`]\s*\)?\s*(?:--|#|/\*)"# },
    Signature {
        threat: "sql_injection",
        rule: "time_or_system_call",
        pattern: r"\b(?:sleep\s*\(\s*\d|benchmark\s*\(|pg_sleep\s*\(|waitfor\s+delay\b|xp_cmdshell\b|information_schema\b|load_file\s*\()",
    },
    Signature {
        threat: "command_injection",
        rule: "chained_command",
        pattern: r"(?:;|&&|\|\|?|\n|`|\$\()\s*(?:rm|cat|curl|wget|nc|ncat|bash|sh|zsh|python[0-9.]*|perl|php|ruby|powershell|cmd(?:\.exe)?|id|whoami|uname|chmod|chown|kill|ping|nslookup|ls|echo)(?:\s|$|;|\||&|`|\))",
    },
    Signature {
        threat: "command_injection",
        rule: "command_substitution",
        pattern: r"\$\([^)]{1,256}\)|`[^`]{1,256}`|\$\{ifs\}",
    },
];

fn compiled() -> &'static [Regex] {
    static COMPILED: OnceLock<Vec<Regex>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        SIGNATURES
            .iter()
            .map(|signature| {
                Regex::new(signature.pattern).expect("threat signatures are constants checked by the tests")
            })
            .collect()
    })
}

fn url_pattern() -> &'static Regex {
    static URL: OnceLock<Regex> = OnceLock::new();
    URL.get_or_init(|| {
        Regex::new(r"\b(https?|ftp|gopher|dict|file|ldap|tftp|jar|netdoc)://([^/\s?#\\]*)")
            .expect("the URL pattern is a constant checked by the tests")
    })
}

/// User-Agent fragments of common attack and scanning tools.
const SCANNER_AGENTS: [&str; 12] = [
    "sqlmap",
    "nikto",
    "nmap",
    "masscan",
    "zgrab",
    "acunetix",
    "nessus",
    "openvas",
    "wpscan",
    "dirbuster",
    "gobuster",
    "nuclei",
];

/// Threat monitoring over request fields.
#[derive(Debug, Default)]
pub struct Monitor {
    reasons: Vec<Reason>,
}

impl Monitor {
    /// Creates a monitor for one request.
    pub fn new() -> Monitor {
        Monitor::default()
    }

    /// Scans one request field: the path, a query parameter, a header or a body value.
    pub fn scan_field(&mut self, field: &str, value: &str) {
        let mut scanned = value;
        if value.len() > MAX_SCANNED_FIELD_BYTES {
            self.push("oversized_field", field, "field_size");
            let mut end = MAX_SCANNED_FIELD_BYTES;
            while !value.is_char_boundary(end) {
                end -= 1;
            }
            scanned = &value[..end];
        }
        if scanned.contains("%25") {
            self.push("multiple_encoding", field, "percent_encoded_percent");
        }
        if scanned.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || scanned.contains("%00") {
            self.push("control_characters", field, "control_or_null");
        }
        let folded = text::fold(scanned);
        for (signature, regex) in SIGNATURES.iter().zip(compiled()) {
            if regex.is_match(&folded.text) {
                self.push(signature.threat, field, signature.rule);
            }
        }
        for found in content::scan_folded(&folded) {
            self.push("xss", field, found.rule);
        }
        for capture in url_pattern().captures_iter(&folded.text) {
            let scheme = capture.get(1).map_or("", |m| m.as_str());
            let authority = capture.get(2).map_or("", |m| m.as_str());
            if !matches!(scheme, "http" | "https") {
                self.push("internal_url", field, "local_scheme");
            } else if is_internal_host(authority) {
                self.push("internal_url", field, "internal_address");
            }
        }
    }

    fn push(&mut self, threat: &str, field: &str, rule: &'static str) {
        let duplicate = self.reasons.iter().any(|r| r.threat == threat && r.field == field && r.rule == rule);
        if !duplicate {
            self.reasons.push(Reason { threat: threat.to_owned(), field: field.to_owned(), rule });
        }
    }

    /// Adds the request-wide signals and returns the verdict.
    pub fn finish(mut self, signals: &Signals<'_>) -> Verdict {
        if let Some(agent) = signals.user_agent {
            let agent = agent.to_ascii_lowercase();
            if SCANNER_AGENTS.iter().any(|tool| agent.contains(tool)) {
                self.push("scanner_user_agent", "user-agent", "known_tool");
            }
        }
        if signals.rate_limited {
            self.push("rate_limit_violation", "", "caller_rate_limiter");
        }
        for violation in signals.compliance_violations {
            self.push(violation, "", "compliance");
        }

        let mut threats: Vec<String> = Vec::new();
        let mut score = 0u32;
        let mut compliance_counted = false;
        for reason in &self.reasons {
            if threats.contains(&reason.threat) {
                continue;
            }
            threats.push(reason.threat.clone());
            score += match reason.rule {
                "caller_rate_limiter" => RATE_LIMIT_RISK,
                "compliance" if compliance_counted => 0,
                "compliance" => {
                    compliance_counted = true;
                    COMPLIANCE_RISK
                }
                _ if is_attack(&reason.threat) => ATTACK_SIGNATURE_RISK,
                _ => SUSPICIOUS_PATTERN_RISK,
            };
        }
        let action = if score >= BLOCK_THRESHOLD {
            Action::Block
        } else if score >= CHALLENGE_THRESHOLD {
            Action::Challenge
        } else {
            Action::Allow
        };
        Verdict { threat_detected: action != Action::Allow, threats, risk_score: score, action, reasons: self.reasons }
    }
}

fn is_attack(threat: &str) -> bool {
    matches!(threat, "path_traversal" | "sql_injection" | "command_injection" | "xss" | "internal_url")
}

/// Returns whether a URL authority (`user@host:port`) names a loopback, private, link-local,
/// unspecified or cloud metadata address, or a name that only resolves inside a network.
///
/// IPv4 addresses are also read in the forms that `inet_aton` accepts (`2130706433`,
/// `0x7f.1`, `0177.0.0.1`), because HTTP clients built on it connect to them.
pub fn is_internal_host(authority: &str) -> bool {
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        host.rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(host, |(name, _)| name)
    };
    let host = host.trim_end_matches('.');
    if host.is_empty() {
        return true;
    }
    if let Ok(v6) = host.split('%').next().unwrap_or(host).parse::<Ipv6Addr>() {
        return is_internal_ip(IpAddr::V6(v6));
    }
    if let Some(v4) = parse_inet_aton(host) {
        return is_internal_ip(IpAddr::V4(v4));
    }
    host == "localhost"
        || host.ends_with(".localhost")
        || host.ends_with(".internal")
        || host.ends_with(".local")
        || host == "metadata"
        || host == "instance-data"
}

fn is_internal_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped().or_else(|| v6.to_ipv4()) {
                if !v6.is_unspecified() && v6 != Ipv6Addr::LOCALHOST {
                    return is_internal_ip(IpAddr::V4(v4));
                }
            }
            let first = v6.segments()[0];
            v6.is_loopback() || v6.is_unspecified() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

/// Parses an IPv4 address in any form `inet_aton` accepts: one to four parts, each decimal,
/// octal (leading `0`) or hexadecimal (`0x`), the last part filling the remaining bytes.
fn parse_inet_aton(host: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut values = Vec::with_capacity(4);
    for part in &parts {
        let value = if let Some(hex) = part.strip_prefix("0x") {
            u64::from_str_radix(hex, 16).ok()?
        } else if part.len() > 1 && part.starts_with('0') {
            u64::from_str_radix(&part[1..], 8).ok()?
        } else {
            part.parse::<u64>().ok()?
        };
        values.push(value);
    }
    let (last, leading) = values.split_last()?;
    if leading.iter().any(|&v| v > 255) || *last >= 1u64 << (8 * (5 - values.len())) {
        return None;
    }
    let mut address = *last as u32;
    for (i, &v) in leading.iter().enumerate() {
        address |= (v as u32) << (24 - 8 * i);
    }
    Some(Ipv4Addr::from(address))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn threats(value: &str) -> Vec<String> {
        let mut monitor = Monitor::new();
        monitor.scan_field("q", value);
        monitor.finish(&Signals::default()).threats
    }

    fn has(value: &str, threat: &str) -> bool {
        threats(value).iter().any(|t| t == threat)
    }

    #[test]
    fn signatures_compile() {
        assert_eq!(compiled().len(), SIGNATURES.len());
        for signature in SIGNATURES {
            assert!(Regex::new(signature.pattern).is_ok(), "{}", signature.rule);
        }
    }

    #[test]
    fn path_traversal_in_encoded_forms() {
        for value in [
            "../../etc/passwd",
            "..\\..\\windows\\win.ini",
            "%2e%2e%2f%2e%2e%2fsecret",
            "%252e%252e%252fsecret",
            "&#46;&#46;/secret",
            "\u{ff0e}\u{ff0e}\u{ff0f}secret",
            "files/..%c0%afsecret",
            "/var/www/..;/admin",
            "/etc/passwd",
        ] {
            assert!(has(value, "path_traversal"), "{value}");
        }
        for value in ["report..final.csv", "v1.2..3", "a/b/c"] {
            assert!(!has(value, "path_traversal"), "{value}");
        }
    }

    #[test]
    fn xss_after_folding() {
        for value in
            ["<script>alert(1)</script>", "%3Cscript%3E", "&lt;img src=x onerror=alert(1)&gt;", "javascript:alert(1)"]
        {
            assert!(has(value, "xss"), "{value}");
        }
        assert!(!has("I feel <3 today", "xss"));
    }

    #[test]
    fn sql_injection_forms() {
        for value in [
            "' OR '1'='1",
            "admin'--",
            "1 UNION SELECT password FROM users",
            "1/**/UNION/**/ALL/**/SELECT/**/1",
            "x'; DROP TABLE sessions; --",
            "1 AND SLEEP(5)",
            "%27%20OR%201%3D1",
        ] {
            assert!(has(value, "sql_injection"), "{value}");
        }
        for value in ["I'd rather select a union rep", "Tom's notes or Ann's", "drop-in session on monday"] {
            assert!(!has(value, "sql_injection"), "{value}");
        }
    }

    #[test]
    fn command_injection_forms() {
        for value in [
            "file.csv; rm -rf /",
            "a && curl http://x",
            "$(whoami)",
            "`id`",
            "x | nc 10.0.0.1 4444",
            "a%3Bcat%20/etc/passwd",
        ] {
            assert!(has(value, "command_injection"), "{value}");
        }
        for value in ["R&D budget", "tea; then bed", "cost $5 (approx)"] {
            assert!(!has(value, "command_injection"), "{value}");
        }
    }

    #[test]
    fn internal_address_urls() {
        for value in [
            "http://127.0.0.1/admin",
            "http://localhost:8080/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "https://user@192.168.1.1:8443/x",
            "http://metadata.google.internal/",
            "file:///etc/hosts",
            "gopher://example.org:70/",
            "http%3A%2F%2F10.1.2.3%2F",
        ] {
            assert!(has(value, "internal_url"), "{value}");
        }
        for value in ["https://example.org/data", "http://8.8.8.8/", "https://[2001:4860::8888]/"] {
            assert!(!has(value, "internal_url"), "{value}");
        }
    }

    #[test]
    fn inet_aton_forms() {
        assert_eq!(parse_inet_aton("127.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(parse_inet_aton("0x7f000001"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(parse_inet_aton("10.0.258"), Some(Ipv4Addr::new(10, 0, 1, 2)));
        assert_eq!(parse_inet_aton("256.1.1.1"), None);
        assert_eq!(parse_inet_aton("1.2.3.256"), None);
        assert_eq!(parse_inet_aton("example"), None);
    }

    #[test]
    fn scoring_and_thresholds() {
        let clean = Monitor::new().finish(&Signals::default());
        assert_eq!((clean.risk_score, clean.action, clean.threat_detected), (0, Action::Allow, false));

        let rate = Monitor::new().finish(&Signals { rate_limited: true, ..Signals::default() });
        assert_eq!((rate.risk_score, rate.action), (20, Action::Allow));

        let mut one_attack = Monitor::new();
        one_attack.scan_field("path", "../../etc/passwd");
        let verdict = one_attack.finish(&Signals::default());
        assert_eq!((verdict.risk_score, verdict.action), (25, Action::Challenge));
        assert_eq!(verdict.threats, vec!["path_traversal".to_owned()]);
        assert!(verdict.reasons.iter().all(|reason| reason.field == "path"));

        let mut two_attacks = Monitor::new();
        two_attacks.scan_field("body/a", "' OR '1'='1");
        two_attacks.scan_field("body/b", "<script>x</script>");
        two_attacks.scan_field("body/c", "' OR '1'='1");
        let verdict = two_attacks.finish(&Signals::default());
        assert_eq!((verdict.risk_score, verdict.action), (50, Action::Block));
        assert_eq!(verdict.reasons.iter().filter(|r| r.threat == "sql_injection").count(), 2);

        let violations = vec!["data_not_encrypted".to_owned(), "audit_logging_incomplete".to_owned()];
        let compliance = Monitor::new().finish(&Signals { compliance_violations: &violations, ..Signals::default() });
        assert_eq!((compliance.risk_score, compliance.action), (30, Action::Challenge));
        assert_eq!(compliance.threats.len(), 2);
    }

    #[test]
    fn suspicious_patterns() {
        let mut monitor = Monitor::new();
        monitor.scan_field("q", "%2525");
        monitor.scan_field("name", "a\u{0}b");
        monitor.scan_field("big", &"a".repeat(MAX_SCANNED_FIELD_BYTES + 1));
        let verdict = monitor.finish(&Signals { user_agent: Some("sqlmap/1.7"), ..Signals::default() });
        assert_eq!(
            verdict.threats,
            vec!["multiple_encoding", "control_characters", "oversized_field", "scanner_user_agent"]
        );
        assert_eq!(verdict.risk_score, 60);
        assert_eq!(verdict.action, Action::Block);
    }
}
