//! Placeholder reader.
use super::{Reader, Sink};
/// Reader.
pub struct ParquetReader { records: u64 }
impl ParquetReader {
    /// Creates a reader.
    pub fn new() -> Self { ParquetReader { records: 0 } }
}
impl Default for ParquetReader { fn default() -> Self { Self::new() } }
impl Reader for ParquetReader {
    fn feed(&mut self, _chunk: &[u8], _sink: &mut dyn Sink) {}
    fn finish(&mut self, _sink: &mut dyn Sink) {}
    fn records(&self) -> u64 { self.records }
}
