//! JSON Lines reader: one JSON document per line, parsed by the JSON reader's parser.
//!
//! Lines end with LF. A CR before the LF is JSON whitespace, so CRLF files need no special case.
//! A raw LF cannot occur inside a JSON string, so splitting on LF never cuts a valid document.
//! Whitespace-only lines are skipped. A line that is not one valid JSON value is reported once
//! as [`Code::JsonlInvalidLine`] and reading goes on with the next line.

use memchr::memchr;

use super::json::{End, Mode, Parser};
use super::{Reader, Sink};
use crate::limits::MAX_VALUE_BYTES;
use crate::report::{Code, Finding, Location};

/// Reads a JSON Lines file.
///
/// Every non-blank line is a document, numbered from 1 in [`Value::record`](super::Value).
/// Values from an invalid line keep their document number, so numbers count lines that were
/// read, while [`Reader::records`] counts only valid documents. Values that come before the
/// error in an invalid line have already gone to the sink when the error is found.
/// The `Debug` output shows state, sizes and positions only, never file content.
#[derive(Debug)]
pub struct JsonlReader {
    parser: Parser,
    /// 1-based number of the current line.
    line: u64,
    /// File offset of the next byte.
    offset: u64,
    /// Bytes of the current line read so far, without its LF.
    line_bytes: usize,
    /// Whether the parser was reset for the current line.
    line_started: bool,
    /// Whether the current line is over [`MAX_VALUE_BYTES`] and its remaining bytes are ignored.
    line_skipped: bool,
    /// Non-blank lines finished so far.
    documents: u64,
    /// Valid documents finished so far.
    records: u64,
}

impl JsonlReader {
    /// Creates a reader at the start of a file.
    pub fn new() -> Self {
        JsonlReader {
            parser: Parser::new(Mode::Line),
            line: 1,
            offset: 0,
            line_bytes: 0,
            line_started: false,
            line_skipped: false,
            documents: 0,
            records: 0,
        }
    }

    fn read_line_part(&mut self, part: &[u8], sink: &mut dyn Sink) {
        if !self.line_started {
            self.line_started = true;
            self.parser.reset(self.line, self.offset, Some(self.documents + 1));
        }
        if self.line_skipped || part.is_empty() {
            return;
        }
        self.line_bytes += part.len();
        if self.line_bytes > MAX_VALUE_BYTES {
            self.line_skipped = true;
            let line_offset = self.offset + part.len() as u64 - self.line_bytes as u64;
            let location = Location {
                line: Some(self.line),
                record: Some(self.documents + 1),
                offset: Some(line_offset),
                ..Location::default()
            };
            let message = format!(
                "line is longer than {MAX_VALUE_BYTES} bytes and was skipped; split the document or shorten its values"
            );
            sink.finding(Finding::error(Code::ValueTooLarge, location, message));
            return;
        }
        self.parser.feed(part, sink);
    }

    fn end_line(&mut self, sink: &mut dyn Sink) {
        if self.line_skipped {
            self.documents += 1;
        } else if self.line_started {
            match self.parser.end(sink) {
                End::Empty => {}
                End::Complete => {
                    self.documents += 1;
                    self.records += 1;
                    sink.record_end();
                }
                End::Stopped => self.documents += 1,
            }
        }
        self.line_started = false;
        self.line_skipped = false;
        self.line_bytes = 0;
    }
}

impl Default for JsonlReader {
    fn default() -> Self {
        Self::new()
    }
}

impl Reader for JsonlReader {
    fn feed(&mut self, chunk: &[u8], sink: &mut dyn Sink) {
        let mut rest = chunk;
        while !rest.is_empty() {
            let Some(newline) = memchr(b'\n', rest) else {
                self.read_line_part(rest, sink);
                self.offset += rest.len() as u64;
                return;
            };
            let (part, after) = rest.split_at(newline);
            self.read_line_part(part, sink);
            self.offset += part.len() as u64;
            self.end_line(sink);
            // The LF itself.
            self.offset += 1;
            self.line += 1;
            rest = after.get(1..).unwrap_or_default();
        }
    }

    fn finish(&mut self, sink: &mut dyn Sink) {
        self.end_line(sink);
    }

    fn records(&self) -> u64 {
        self.records
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{assert_debug_hides, read_at_sizes, Collect, Format, ValueKind, CHUNK_SIZES};
    use crate::report::Severity;

    /// Reads `input` at every chunk size, checks that all sizes agree and returns the result.
    fn read(input: &[u8]) -> Collect {
        read_sizes(input, &CHUNK_SIZES)
    }

    fn read_sizes(input: &[u8], sizes: &[usize]) -> Collect {
        read_at_sizes(Format::Jsonl, input, sizes)
    }

    /// Returns each value as (text, pointer, record, line, offset).
    fn positions(collect: &Collect) -> Vec<(&str, &str, u64, u64, u64)> {
        collect
            .values
            .iter()
            .map(|(_, text, location)| {
                (
                    text.as_str(),
                    location.pointer.as_deref().unwrap_or("<none>"),
                    location.record.unwrap_or(0),
                    location.line.unwrap_or(0),
                    location.offset.unwrap_or(u64::MAX),
                )
            })
            .collect()
    }

    fn codes(collect: &Collect) -> Vec<Code> {
        collect.findings.iter().map(|finding| finding.code).collect()
    }

    #[test]
    fn documents_numbered_by_line() {
        let collect = read(b"{\"a\":1}\n[\"x\"]\n\"s\"\n");
        assert_eq!(
            positions(&collect),
            [("a", "/a", 1, 1, 1), ("1", "/a", 1, 1, 5), ("x", "/0", 2, 2, 9), ("s", "", 3, 3, 14)]
        );
        assert!(collect.findings.is_empty());
        assert_eq!(collect.records, 3);
    }

    #[test]
    fn invalid_line_reported_and_skipped() {
        let collect = read(b"{\"a\":1}\n{\"b\" 2}\n{\"c\":3}\n");
        assert_eq!(codes(&collect), [Code::JsonlInvalidLine]);
        let finding = &collect.findings[0];
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.message, "line is not valid JSON: expected ':' after an object key, found a digit");
        assert_eq!(finding.location.line, Some(2));
        assert_eq!(finding.location.record, Some(2));
        assert_eq!(finding.location.offset, Some(13));
        assert_eq!(finding.location.pointer.as_deref(), Some("/b"));
        assert_eq!(
            positions(&collect),
            [
                ("a", "/a", 1, 1, 1),
                ("1", "/a", 1, 1, 5),
                ("b", "/b", 2, 2, 9),
                ("c", "/c", 3, 3, 17),
                ("3", "/c", 3, 3, 21)
            ]
        );
        assert_eq!(collect.records, 2);
    }

    #[test]
    fn invalid_line_reasons() {
        let cases = [
            ("{} {}\n", "line is not valid JSON: expected the end of the line after the JSON value, found '{'"),
            (
                "{\"a\":1\n",
                "line is not valid JSON: expected ',' or '}' after an object member, found the end of the line",
            ),
            (
                "[1,]",
                "line is not valid JSON: found ']' after a trailing ','; remove the comma after the last array element",
            ),
            (
                "\"abc\n",
                "line is not valid JSON: unterminated string: expected a closing '\"' before the end of the line",
            ),
            ("nul\r\n", "line is not valid JSON: invalid literal: expected null, found a control character"),
            ("01\n", "line is not valid JSON: invalid number: a number must not have a leading zero"),
        ];
        for (input, message) in cases {
            let collect = read(input.as_bytes());
            assert_eq!(codes(&collect), [Code::JsonlInvalidLine], "input {input:?}");
            assert_eq!(collect.findings[0].message, message, "input {input:?}");
            assert_eq!(collect.records, 0, "input {input:?}");
        }
    }

    #[test]
    fn blank_lines_skipped() {
        let collect = read(b"\n  \n{\"a\":1}\n\t\r\n\n[2]\n\n");
        assert_eq!(positions(&collect), [("a", "/a", 1, 3, 5), ("1", "/a", 1, 3, 9), ("2", "/0", 2, 6, 17)]);
        assert!(collect.findings.is_empty());
        assert_eq!(collect.records, 2);
    }

    #[test]
    fn crlf_line_endings() {
        let collect = read(b"{\"a\":\"x\"}\r\n{\"b\":2}\r\n");
        assert_eq!(
            positions(&collect),
            [("a", "/a", 1, 1, 1), ("x", "/a", 1, 1, 5), ("b", "/b", 2, 2, 12), ("2", "/b", 2, 2, 16)]
        );
        assert!(collect.findings.is_empty());
        assert_eq!(collect.records, 2);
    }

    #[test]
    fn last_line_without_newline() {
        let collect = read(b"1\n2");
        assert_eq!(positions(&collect), [("1", "", 1, 1, 0), ("2", "", 2, 2, 2)]);
        assert_eq!(collect.records, 2);

        let collect = read(b"1\n{\"a\":");
        assert_eq!(codes(&collect), [Code::JsonlInvalidLine]);
        assert_eq!(collect.findings[0].location.line, Some(2));
        assert_eq!(collect.records, 1);
    }

    #[test]
    fn empty_input_has_no_records() {
        let collect = read(b"");
        assert!(collect.findings.is_empty());
        assert_eq!(collect.records, 0);
    }

    #[test]
    fn duplicate_key_keeps_line() {
        let collect = read(b"{\"a\":1,\"a\":2}\n{\"a\":3}\n");
        assert_eq!(codes(&collect), [Code::JsonDuplicateKey]);
        let location = &collect.findings[0].location;
        assert_eq!(location.pointer.as_deref(), Some("/a"));
        assert_eq!(location.record, Some(1));
        assert_eq!(location.line, Some(1));
        assert_eq!(location.offset, Some(7));
        assert_eq!(collect.records, 2);
    }

    #[test]
    fn lone_surrogate_keeps_line() {
        let collect = read(b"[\"\\ud800\"]\n");
        assert_eq!(codes(&collect), [Code::JsonLoneSurrogate]);
        assert_eq!(collect.findings[0].severity, Severity::Warning);
        assert_eq!(collect.values[0].1, "\u{FFFD}");
        assert_eq!(collect.records, 1);
    }

    #[test]
    fn nesting_too_deep_in_line() {
        let deep = "[".repeat(crate::limits::MAX_JSON_DEPTH + 1);
        let collect = read(format!("{deep}\n{{}}\n").as_bytes());
        assert_eq!(codes(&collect), [Code::JsonTooDeep]);
        assert_eq!(collect.findings[0].location.record, Some(1));
        assert_eq!(collect.records, 1);
    }

    #[test]
    fn line_too_long_skipped() {
        let sizes = [7, 64 * 1024, usize::MAX];
        let long_line = format!("[\"{}\"]", "a".repeat(MAX_VALUE_BYTES - 2));
        let input = format!("{{\"a\":1}}\n{long_line}\n{{\"b\":2}}\n");
        let collect = read_sizes(input.as_bytes(), &sizes);
        assert_eq!(codes(&collect), [Code::ValueTooLarge]);
        let location = &collect.findings[0].location;
        assert_eq!(location.line, Some(2));
        assert_eq!(location.record, Some(2));
        assert_eq!(location.offset, Some(8));
        let texts: Vec<_> = collect.values.iter().map(|value| value.1.as_str()).collect();
        assert_eq!(texts, ["a", "1", "b", "2"]);
        assert_eq!(collect.values[2].2.record, Some(3));
        assert_eq!(collect.records, 2);
    }

    #[test]
    fn bom_skipped_on_first_line() {
        let collect = read("\u{feff}{\"a\":1}\n\u{feff}{}\n".as_bytes());
        assert_eq!(positions(&collect)[0], ("a", "/a", 1, 1, 4));
        assert_eq!(codes(&collect), [Code::JsonlInvalidLine]);
        assert_eq!(collect.findings[0].location.line, Some(2));
        assert_eq!(collect.records, 1);
    }

    #[test]
    fn records_match_reader_count() {
        let input = b"1\n\nx\n[]\n";
        let mut reader = JsonlReader::new();
        let mut sink = Collect::default();
        reader.feed(input, &mut sink);
        reader.finish(&mut sink);
        assert_eq!(reader.records(), 2);
        assert_eq!(sink.records, 2);
    }

    #[test]
    fn conversations_sample_read() {
        let input = include_bytes!("../../tests/fixtures/jsonl/conversations-sample.jsonl");
        let collect = read(input);
        assert!(collect.findings.is_empty(), "{:?}", collect.findings);
        assert_eq!(collect.records, 20);

        let first = &collect.values[0];
        assert_eq!(first.0, ValueKind::Key);
        assert_eq!(first.1, "id");
        let id = &collect.values[1];
        assert_eq!((id.0, id.1.as_str()), (ValueKind::String, "dev-conv-0001"));
        assert_eq!(id.2.pointer.as_deref(), Some("/id"));
        assert_eq!((id.2.record, id.2.line, id.2.offset), (Some(1), Some(1), Some(7)));

        let text = collect.values.iter().find(|value| {
            value.0 == ValueKind::String
                && value.2.record == Some(1)
                && value.2.pointer.as_deref() == Some("/turns/0/text")
        });
        assert_eq!(text.map(|value| value.1.as_str()), Some("hi it's eddie 😬 new number btw, 480.555.0159"));

        let last = collect.values.iter().find(|value| {
            value.0 == ValueKind::String && value.2.record == Some(20) && value.2.pointer.as_deref() == Some("/id")
        });
        assert_eq!(last.map(|value| value.1.as_str()), Some("dev-conv-0020"));
        assert_eq!(last.and_then(|value| value.2.line), Some(20));
    }

    #[test]
    fn key_too_large_stops_line() {
        let input = format!("{{\"{}\":1}}\n{{\"b\":2}}\n", "k".repeat(5000));
        let collect = read(input.as_bytes());
        assert_eq!(codes(&collect), [Code::ValueTooLarge]);
        assert_eq!(collect.findings[0].location.record, Some(1));
        assert_eq!(positions(&collect), [("b", "/b", 2, 2, 5008), ("2", "/b", 2, 2, 5012)]);
        assert_eq!(collect.records, 1);
    }

    #[test]
    fn debug_hides_content() {
        let mut reader = JsonlReader::new();
        let mut sink = Collect::default();
        reader.feed(br#"{"ssn": "078-05-1120"}"#, &mut sink);
        reader.feed(b"\n{\"password=Hunter2Hunter2\": \"Jane", &mut sink);
        let debug = format!("{reader:?}");
        for secret in ["078-05-1120", "Hunter2", "Jane", "ssn"] {
            assert_debug_hides(&debug, secret);
        }
        assert!(debug.contains("JsonlReader"), "{debug}");
    }
}
