//! Placeholder reader.
use super::{Reader, Sink};
/// Reader.
pub struct JsonlReader { records: u64 }
impl JsonlReader {
    /// Creates a reader.
    pub fn new() -> Self { JsonlReader { records: 0 } }
}
impl Default for JsonlReader { fn default() -> Self { Self::new() } }
impl Reader for JsonlReader {
    fn feed(&mut self, _chunk: &[u8], _sink: &mut dyn Sink) {}
    fn finish(&mut self, _sink: &mut dyn Sink) {}
    fn records(&self) -> u64 { self.records }
}
