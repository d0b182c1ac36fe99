//! Placeholder reader.
use super::{Reader, Sink};
/// Reader.
pub struct JsonReader { records: u64 }
impl JsonReader {
    /// Creates a reader.
    pub fn new() -> Self { JsonReader { records: 0 } }
}
impl Default for JsonReader { fn default() -> Self { Self::new() } }
impl Reader for JsonReader {
    fn feed(&mut self, _chunk: &[u8], _sink: &mut dyn Sink) {}
    fn finish(&mut self, _sink: &mut dyn Sink) {}
    fn records(&self) -> u64 { self.records }
}
