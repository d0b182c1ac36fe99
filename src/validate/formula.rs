//! Stub.
/// F.
pub fn is_formula(cell: &str) -> bool { cell.starts_with('=') }
