//! Stub.
/// M.
pub struct Match { /** r */ pub rule: &'static str, /** r */ pub reason: &'static str }
/// Scan.
pub fn scan(value: &str) -> Option<Match> { value.to_lowercase().contains("<script").then_some(Match { rule: "script_tag", reason: "script tag" }) }
