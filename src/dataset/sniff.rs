//! Stub until the sniffing module lands.
/// Bytes to sniff.
pub const SNIFF_BYTES: usize = 8192;
/// Kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind { /** p */ Parquet, /** j */ JsonLike, /** t */ Text, /** b */ Binary }
impl Kind { /** n */ pub fn name(&self) -> &'static str { "binary data" } }
/// Sniff.
pub fn sniff(prefix: &[u8]) -> Kind { if prefix.starts_with(b"PAR1") { Kind::Parquet } else if std::str::from_utf8(prefix).is_ok() { Kind::Text } else { Kind::Binary } }
