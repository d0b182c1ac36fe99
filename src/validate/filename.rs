//! Stub.
/// P.
pub struct Problem { /** r */ pub rule: &'static str, /** m */ pub message: String }
/// Check.
pub fn check(name: &str) -> Vec<Problem> { if name.contains("..") { vec![Problem { rule: "path_traversal", message: "x".into() }] } else { vec![] } }
/// Ext.
pub fn extension(name: &str) -> Option<String> { name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) }
