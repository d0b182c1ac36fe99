//! Stub.
/// S.
pub struct Secret { /** r */ pub rule: &'static str, /** s */ pub start: usize, /** e */ pub end: usize }
/// Scan.
pub fn scan(value: &str) -> Vec<Secret> { value.find("AKIA").map(|s| vec![Secret { rule: "aws_access_key_id", start: s, end: s + 20 }]).unwrap_or_default() }
