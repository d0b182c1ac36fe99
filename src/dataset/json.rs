//! JSON reader: an incremental push parser for RFC 8259 JSON.
//!
//! The parser is a state machine with its own container stack instead of recursion, so no input
//! can overflow the call stack. It keeps the current token, the open containers with the keys
//! seen in each open object, and the JSON Pointer of the current value. Chunks may split any
//! token, escape or UTF-8 sequence.
//!
//! Strings, numbers and object keys go to the sink with their RFC 6901 pointer. Numbers keep the
//! text as written and are never converted, so `1e999999` loses nothing. `true`, `false` and
//! `null` are checked but not reported. After a syntax error or a nesting depth error the parser
//! reports nothing more. Other problems (a duplicate key, a lone surrogate escape, a value over
//! its size limit, invalid UTF-8 in a string) are reported and reading goes on.
//!
//! The parser core (`Parser`, crate-private) is shared with the JSON Lines reader, which feeds it one line at a time.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

use memchr::memchr2;

use super::{Field, Reader, Sink, Value, ValueKind};
use crate::limits::{MAX_FINDINGS_PER_CODE, MAX_JSON_DEPTH, MAX_JSON_NUMBER_BYTES, MAX_POINTER_BYTES, MAX_VALUE_BYTES};
use crate::report::{Code, Finding, Location};

/// The UTF-8 byte order mark, skipped at the start of the input.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Keys per object that are compared one by one before the object's key set moves to a
/// `BTreeSet`. Most records have fewer keys, and a short linear scan needs no allocation per key.
const LINEAR_KEYS: usize = 16;

/// Capacity of a key arena that is kept for the next object at the same depth. A larger arena
/// is freed when its object closes, so one huge object does not keep its memory.
const RETAINED_KEY_BYTES: usize = 64 * 1024;

/// Reads one JSON document (RFC 8259), usually an array of records.
///
/// Each element of a top-level array is one record. Any other top-level value is one record.
/// The `Debug` output shows state, sizes and positions only, never file content.
#[derive(Debug)]
pub struct JsonReader {
    parser: Parser,
}

impl JsonReader {
    /// Creates a reader at the start of a file.
    pub fn new() -> Self {
        JsonReader { parser: Parser::new(Mode::Document) }
    }
}

impl Default for JsonReader {
    fn default() -> Self {
        Self::new()
    }
}

impl Reader for JsonReader {
    fn feed(&mut self, chunk: &[u8], sink: &mut dyn Sink) {
        self.parser.feed(chunk, sink);
    }

    fn finish(&mut self, sink: &mut dyn Sink) {
        self.parser.end(sink);
    }

    fn records(&self) -> u64 {
        self.parser.records()
    }
}

/// The framing of the parsed input, which decides where records end and how syntax errors are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// One document per file. The parser ends a record after each top-level array element, or
    /// after the top-level value if it is not an array, and reports syntax errors as
    /// [`Code::JsonSyntax`].
    Document,
    /// One document per JSON Lines line. The caller ends records, because only the caller sees
    /// where a line ends, and syntax errors are [`Code::JsonlInvalidLine`].
    Line,
}

/// The outcome of a document, returned by [`Parser::end`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// Only whitespace was read. In [`Mode::Document`] this is also reported as a syntax error.
    Empty,
    /// One complete value was read.
    Complete,
    /// A syntax error, a nesting depth error or a key over the size limit stopped the parser.
    Stopped,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// A value is required: at the top level, after `:` or after `,` in an array.
    Value,
    /// After `[`: a value or `]`.
    ArrayFirst,
    /// After `{`: a key or `}`.
    ObjectFirst,
    /// After `,` in an object: a key is required.
    Key,
    /// After a key: `:` is required.
    Colon,
    /// After a complete value: `,`, a closing bracket, or the end at the top level.
    AfterValue,
    /// Inside a string, outside an escape.
    String,
    /// After a backslash in a string.
    Escape,
    /// Inside the four hex digits of a `\u` escape.
    Unicode { digits: u8, code: u16 },
    /// Inside a number.
    Number(NumberState),
    /// Inside `true`, `false` or `null`, with `matched` bytes read.
    Literal { word: &'static [u8], matched: u8 },
    /// A fatal error was reported, so the rest of the document is ignored.
    Stopped,
}

impl State {
    /// Returns the state's name without the partial token it may carry, for `Debug` output.
    fn name(self) -> &'static str {
        match self {
            State::Value => "value",
            State::ArrayFirst => "array first",
            State::ObjectFirst => "object first",
            State::Key => "key",
            State::Colon => "colon",
            State::AfterValue => "after value",
            State::String => "string",
            State::Escape => "escape",
            State::Unicode { .. } => "unicode escape",
            State::Number(_) => "number",
            State::Literal { .. } => "literal",
            State::Stopped => "stopped",
        }
    }
}

/// Position in the RFC 8259 number grammar `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NumberState {
    Minus,
    Zero,
    Integer,
    Point,
    Fraction,
    Exponent,
    ExponentSign,
    ExponentDigits,
}

/// The outcome of one byte inside a number.
enum NumberStep {
    Next(NumberState),
    End,
    Invalid(&'static str),
}

/// One open array or object.
struct Frame {
    is_object: bool,
    /// Length of the pointer of the container itself, so `,` and the closing bracket can drop
    /// the segment of the member or element that just ended.
    base: usize,
    /// Index of the current array element.
    index: u64,
    /// Keys seen so far in an object.
    keys: KeySet,
}

/// The keys of one open object, for duplicate detection.
///
/// Up to [`LINEAR_KEYS`] keys sit in one string and are compared linearly. Beyond that they move
/// to a `BTreeSet`, which needs no hash, so crafted keys cannot make lookups slow even where the
/// hasher has no random seed (std on `wasm32-unknown-unknown`).
#[derive(Default)]
struct KeySet {
    arena: String,
    ends: Vec<usize>,
    tree: Option<BTreeSet<Box<str>>>,
}

impl KeySet {
    /// Adds a key and returns `false` if the object already has it.
    fn insert(&mut self, key: &str) -> bool {
        if let Some(tree) = &mut self.tree {
            return tree.insert(key.into());
        }
        let mut start = 0;
        for &end in &self.ends {
            if self.arena.get(start..end) == Some(key) {
                return false;
            }
            start = end;
        }
        if self.ends.len() < LINEAR_KEYS {
            self.arena.push_str(key);
            self.ends.push(self.arena.len());
            return true;
        }
        let mut tree = BTreeSet::new();
        let mut start = 0;
        for &end in &self.ends {
            if let Some(old) = self.arena.get(start..end) {
                tree.insert(Box::from(old));
            }
            start = end;
        }
        tree.insert(key.into());
        self.arena.clear();
        self.ends.clear();
        self.tree = Some(tree);
        true
    }

    fn clear(&mut self) {
        self.tree = None;
        self.ends.clear();
        if self.arena.capacity() > RETAINED_KEY_BYTES {
            self.arena = String::new();
        } else {
            self.arena.clear();
        }
    }
}

/// The incremental JSON parser behind [`JsonReader`] and the JSON Lines reader.
pub(crate) struct Parser {
    mode: Mode,
    state: State,
    /// Open containers. Frames above `depth` are kept for reuse, with their key sets cleared.
    frames: Vec<Frame>,
    depth: usize,
    /// RFC 6901 pointer of the current value, or of the container when between members.
    pointer: String,
    /// The current string (decoded) or number (as written). Reused across tokens.
    token: Vec<u8>,
    /// File offset of the first byte of the chunk being read.
    chunk_offset: u64,
    /// 1-based line of the byte being read.
    line: u64,
    /// The JSON Lines document number given to values, `None` in a JSON file.
    record: Option<u64>,
    records: u64,
    top_is_array: bool,
    /// Bytes of a byte order mark matched so far, while one may still start the input.
    bom_matched: u8,
    bom_allowed: bool,
    token_line: u64,
    token_offset: u64,
    string_is_key: bool,
    /// The string passed [`MAX_VALUE_BYTES`], so `token` only keeps an incomplete UTF-8 tail.
    string_overflow: bool,
    string_lone_surrogate: bool,
    string_invalid_utf8: bool,
    /// A `\uD800`-`\uDBFF` escape waiting for its low surrogate.
    high_surrogate: Option<u16>,
    number_too_long: bool,
    /// Findings reported so far per code, across all documents.
    reported: Vec<(Code, usize)>,
}

/// Shows state, sizes and positions only: the pointer, the token and the keys are file content.
impl fmt::Debug for Parser {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Parser")
            .field("mode", &self.mode)
            .field("state", &self.state.name())
            .field("depth", &self.depth)
            .field("pointer_len", &self.pointer.len())
            .field("token_len", &self.token.len())
            .field("line", &self.line)
            .field("chunk_offset", &self.chunk_offset)
            .field("record", &self.record)
            .field("records", &self.records)
            .finish_non_exhaustive()
    }
}

impl Parser {
    /// Creates a parser at the start of a file (line 1, offset 0), where a BOM is skipped.
    pub(crate) fn new(mode: Mode) -> Self {
        Parser {
            mode,
            state: State::Value,
            frames: Vec::new(),
            depth: 0,
            pointer: String::new(),
            token: Vec::new(),
            chunk_offset: 0,
            line: 1,
            record: None,
            records: 0,
            top_is_array: false,
            bom_matched: 0,
            bom_allowed: true,
            token_line: 1,
            token_offset: 0,
            string_is_key: false,
            string_overflow: false,
            string_lone_surrogate: false,
            string_invalid_utf8: false,
            high_surrogate: None,
            number_too_long: false,
            reported: Vec::new(),
        }
    }

    /// Prepares the parser for the next document, which starts at `line` and file `offset`.
    ///
    /// Values of the document carry `record`. A byte order mark is skipped only when `offset` is
    /// 0, because it can only start a file.
    pub(crate) fn reset(&mut self, line: u64, offset: u64, record: Option<u64>) {
        for frame in self.frames.iter_mut().take(self.depth) {
            frame.keys.clear();
        }
        self.state = State::Value;
        self.depth = 0;
        self.pointer.clear();
        self.token.clear();
        self.chunk_offset = offset;
        self.line = line;
        self.record = record;
        self.top_is_array = false;
        self.bom_matched = 0;
        self.bom_allowed = offset == 0;
        self.high_surrogate = None;
    }

    /// Returns the number of records that [`Mode::Document`] has ended so far.
    pub(crate) fn records(&self) -> u64 {
        self.records
    }

    /// Reads the next chunk of the document.
    pub(crate) fn feed(&mut self, chunk: &[u8], sink: &mut dyn Sink) {
        let mut i = self.skip_bom(chunk, sink);
        while i < chunk.len() {
            i = match self.state {
                State::Stopped => break,
                State::String => self.read_string(chunk, i, sink),
                State::Escape => self.read_escape(chunk, i, sink),
                State::Unicode { digits, code } => self.read_unicode(chunk, i, digits, code, sink),
                State::Number(number) => self.read_number(chunk, i, number, sink),
                State::Literal { word, matched } => self.read_literal(chunk, i, word, matched, sink),
                _ => self.read_structure(chunk, i, sink),
            };
        }
        self.chunk_offset += chunk.len() as u64;
    }

    /// Reads the end of the document and reports what is left open.
    pub(crate) fn end(&mut self, sink: &mut dyn Sink) -> End {
        let at = self.chunk_offset;
        let found_end = match self.mode {
            Mode::Document => "the end of the input",
            Mode::Line => "the end of the line",
        };
        match self.state {
            State::Number(number) => match number_expectation(number) {
                None => self.end_number(sink),
                Some(expected) => self.fail_expected(expected, found_end, at, sink),
            },
            State::String | State::Escape | State::Unicode { .. } => {
                let message = format!("unterminated string: expected a closing '\"' before {found_end}");
                self.fail_at(&message, self.token_line, self.token_offset, sink);
            }
            State::Literal { word, .. } => {
                let expected = literal_expectation(word);
                self.fail_expected(expected, found_end, at, sink);
            }
            _ => {}
        }
        if self.bom_allowed && self.bom_matched > 0 {
            self.fail_bom(at, sink);
        }

        let end = match self.state {
            State::Stopped => End::Stopped,
            State::AfterValue if self.depth == 0 => End::Complete,
            State::Value if self.depth == 0 => End::Empty,
            _ => {
                let expected = self.expectation();
                self.fail_expected(expected, found_end, at, sink);
                End::Stopped
            }
        };
        if end == End::Empty && self.mode == Mode::Document {
            let message = "the input contains no JSON value: expected an array or an object of records";
            self.fail_at(message, self.line, at, sink);
        }
        // Later chunks are ignored, because the document is over.
        self.state = State::Stopped;
        end
    }

    /// Skips a byte order mark at the start of the file and returns the index after it.
    fn skip_bom(&mut self, chunk: &[u8], sink: &mut dyn Sink) -> usize {
        let mut i = 0;
        while self.bom_allowed {
            let Some(&byte) = chunk.get(i) else { break };
            if BOM.get(usize::from(self.bom_matched)) == Some(&byte) {
                self.bom_matched += 1;
                i += 1;
                if usize::from(self.bom_matched) == BOM.len() {
                    self.bom_allowed = false;
                }
            } else {
                if self.bom_matched > 0 {
                    self.fail_bom(self.chunk_offset + i as u64, sink);
                }
                self.bom_allowed = false;
            }
        }
        i
    }

    fn fail_bom(&mut self, at: u64, sink: &mut dyn Sink) {
        self.bom_allowed = false;
        let message = "the input starts with an incomplete UTF-8 byte order mark; save the file as UTF-8";
        self.fail_at(message, self.line, at, sink);
    }

    /// Skips whitespace and reads one structural byte, or the first byte of a value.
    fn read_structure(&mut self, chunk: &[u8], mut i: usize, sink: &mut dyn Sink) -> usize {
        while let Some(&byte) = chunk.get(i) {
            match byte {
                b' ' | b'\t' | b'\r' => i += 1,
                b'\n' => {
                    self.line += 1;
                    i += 1;
                }
                _ => {
                    self.read_structural_byte(byte, self.chunk_offset + i as u64, sink);
                    return i + 1;
                }
            }
        }
        i
    }

    fn read_structural_byte(&mut self, byte: u8, at: u64, sink: &mut dyn Sink) {
        match self.state {
            State::Value => {
                if byte == b']' && self.top_is_object() == Some(false) {
                    let message = "found ']' after a trailing ','; remove the comma after the last array element";
                    self.fail_at(message, self.line, at, sink);
                } else {
                    self.begin_value(byte, at, sink);
                }
            }
            State::ArrayFirst => {
                if byte == b']' {
                    self.close_container(sink);
                } else {
                    self.begin_value(byte, at, sink);
                }
            }
            State::ObjectFirst | State::Key => match byte {
                b'"' => self.begin_string(true, at),
                b'}' if self.state == State::ObjectFirst => self.close_container(sink),
                b'}' => {
                    let message = "found '}' after a trailing ','; remove the comma after the last object member";
                    self.fail_at(message, self.line, at, sink);
                }
                _ => self.fail_expected(self.expectation(), describe_byte(byte), at, sink),
            },
            State::Colon => {
                if byte == b':' {
                    self.state = State::Value;
                } else {
                    self.fail_expected(self.expectation(), describe_byte(byte), at, sink);
                }
            }
            State::AfterValue => self.read_after_value(byte, at, sink),
            // The other states read their bytes in their own functions.
            _ => {}
        }
    }

    fn read_after_value(&mut self, byte: u8, at: u64, sink: &mut dyn Sink) {
        let depth = self.depth;
        let Some(frame) = depth.checked_sub(1).and_then(|top| self.frames.get_mut(top)) else {
            self.fail_expected(self.expectation(), describe_byte(byte), at, sink);
            return;
        };
        match (frame.is_object, byte) {
            (false, b',') => {
                self.pointer.truncate(frame.base);
                frame.index += 1;
                self.state = State::Value;
            }
            (true, b',') => {
                self.pointer.truncate(frame.base);
                self.state = State::Key;
            }
            (false, b']') | (true, b'}') => self.close_container(sink),
            _ => self.fail_expected(self.expectation(), describe_byte(byte), at, sink),
        }
    }

    /// Starts the value whose first byte is `byte`, giving array elements their index segment.
    fn begin_value(&mut self, byte: u8, at: u64, sink: &mut dyn Sink) {
        let depth = self.depth;
        if let Some(frame) = depth.checked_sub(1).and_then(|top| self.frames.get(top)) {
            if !frame.is_object {
                push_pointer_index(&mut self.pointer, frame.index);
            }
        }
        match byte {
            b'"' => self.begin_string(false, at),
            b'{' => self.open_container(true, at, sink),
            b'[' => self.open_container(false, at, sink),
            b'-' => self.begin_number(NumberState::Minus, byte, at),
            b'0' => self.begin_number(NumberState::Zero, byte, at),
            b'1'..=b'9' => self.begin_number(NumberState::Integer, byte, at),
            b't' => self.begin_literal(b"true"),
            b'f' => self.begin_literal(b"false"),
            b'n' => self.begin_literal(b"null"),
            _ => self.fail_expected(self.expectation(), describe_byte(byte), at, sink),
        }
    }

    /// Marks the end of a value and ends a record where [`Mode::Document`] has one.
    fn end_value(&mut self, sink: &mut dyn Sink) {
        self.state = State::AfterValue;
        if self.mode != Mode::Document {
            return;
        }
        let record_ended = match self.depth {
            0 => !self.top_is_array,
            1 => self.top_is_array,
            _ => false,
        };
        if record_ended {
            self.records += 1;
            sink.record_end();
        }
    }

    fn open_container(&mut self, is_object: bool, at: u64, sink: &mut dyn Sink) {
        if self.depth >= MAX_JSON_DEPTH {
            let message =
                format!("arrays and objects are nested more than {MAX_JSON_DEPTH} levels deep; flatten the records");
            let location = self.location(Code::JsonTooDeep, self.line, at);
            sink.finding(Finding::error(Code::JsonTooDeep, location, message));
            self.state = State::Stopped;
            return;
        }
        if self.depth == 0 {
            self.top_is_array = !is_object;
        }
        let base = self.pointer.len();
        match self.frames.get_mut(self.depth) {
            Some(frame) => {
                frame.is_object = is_object;
                frame.base = base;
                frame.index = 0;
            }
            None => self.frames.push(Frame { is_object, base, index: 0, keys: KeySet::default() }),
        }
        self.depth += 1;
        self.state = if is_object { State::ObjectFirst } else { State::ArrayFirst };
    }

    fn close_container(&mut self, sink: &mut dyn Sink) {
        let Some(top) = self.depth.checked_sub(1) else { return };
        if let Some(frame) = self.frames.get_mut(top) {
            self.pointer.truncate(frame.base);
            frame.keys.clear();
        }
        self.depth = top;
        self.end_value(sink);
    }

    fn begin_literal(&mut self, word: &'static [u8]) {
        self.state = State::Literal { word, matched: 1 };
    }

    fn read_literal(
        &mut self,
        chunk: &[u8],
        mut i: usize,
        word: &'static [u8],
        matched: u8,
        sink: &mut dyn Sink,
    ) -> usize {
        let mut matched = matched;
        while let Some(&expected) = word.get(usize::from(matched)) {
            let Some(&byte) = chunk.get(i) else {
                self.state = State::Literal { word, matched };
                return i;
            };
            if byte != expected {
                let at = self.chunk_offset + i as u64;
                self.fail_expected(literal_expectation(word), describe_byte(byte), at, sink);
                return i;
            }
            matched += 1;
            i += 1;
        }
        self.end_value(sink);
        i
    }

    fn begin_number(&mut self, number: NumberState, first: u8, at: u64) {
        self.token.clear();
        self.token.push(first);
        self.number_too_long = false;
        self.token_line = self.line;
        self.token_offset = at;
        self.state = State::Number(number);
    }

    /// Reads number bytes until the number ends, and leaves the byte after it unread.
    fn read_number(&mut self, chunk: &[u8], start: usize, number: NumberState, sink: &mut dyn Sink) -> usize {
        let mut number = number;
        let mut i = start;
        loop {
            let Some(&byte) = chunk.get(i) else {
                self.append_number(chunk.get(start..i).unwrap_or_default());
                self.state = State::Number(number);
                return i;
            };
            match next_number_state(number, byte) {
                NumberStep::Next(next) => {
                    number = next;
                    i += 1;
                }
                NumberStep::End => {
                    self.append_number(chunk.get(start..i).unwrap_or_default());
                    self.end_number(sink);
                    return i;
                }
                NumberStep::Invalid(expected) => {
                    let at = self.chunk_offset + i as u64;
                    if number == NumberState::Zero {
                        let message = "invalid number: a number must not have a leading zero";
                        self.fail_at(message, self.line, at, sink);
                    } else {
                        self.fail_expected(expected, describe_byte(byte), at, sink);
                    }
                    return i;
                }
            }
        }
    }

    fn append_number(&mut self, bytes: &[u8]) {
        if self.number_too_long {
            return;
        }
        if self.token.len() + bytes.len() > MAX_JSON_NUMBER_BYTES {
            self.number_too_long = true;
            self.token.clear();
            return;
        }
        self.token.extend_from_slice(bytes);
    }

    fn end_number(&mut self, sink: &mut dyn Sink) {
        if self.number_too_long {
            let location = self.location(Code::JsonNumberTooLong, self.token_line, self.token_offset);
            let message = format!(
                "number literal is longer than {MAX_JSON_NUMBER_BYTES} bytes and was not checked; write it as a string"
            );
            sink.finding(Finding::error(Code::JsonNumberTooLong, location, message));
        } else if let Ok(text) = std::str::from_utf8(&self.token) {
            // The grammar admits only ASCII digits, signs, '.' and 'e', so the text is UTF-8.
            self.emit(ValueKind::Number, text, sink);
        }
        self.end_value(sink);
    }

    fn begin_string(&mut self, is_key: bool, at: u64) {
        self.token.clear();
        self.string_is_key = is_key;
        self.string_overflow = false;
        self.string_lone_surrogate = false;
        self.string_invalid_utf8 = false;
        self.high_surrogate = None;
        self.token_line = self.line;
        self.token_offset = at;
        self.state = State::String;
    }

    /// Reads string bytes up to the next quote or backslash, which `memchr2` finds quickly.
    fn read_string(&mut self, chunk: &[u8], i: usize, sink: &mut dyn Sink) -> usize {
        let rest = chunk.get(i..).unwrap_or_default();
        let found = memchr2(b'"', b'\\', rest);
        let run_len = found.unwrap_or(rest.len());
        let run = rest.get(..run_len).unwrap_or_default();
        if !run.is_empty() {
            // Folding with `|` instead of stopping at the first match lets the loop vectorize.
            let has_control = run.iter().fold(false, |seen, &byte| seen | (byte < 0x20));
            if has_control {
                let position = run.iter().position(|&byte| byte < 0x20).unwrap_or(0);
                let at = self.chunk_offset + (i + position) as u64;
                let message =
                    "a string contains an unescaped control character; write it as an escape such as \\n or \\u001f";
                self.fail_at(message, self.line, at, sink);
                return chunk.len();
            }
            self.flush_high_surrogate(sink);
            self.append_string(run, sink);
            if self.state == State::Stopped {
                return chunk.len();
            }
        }
        let next = i + run_len + 1;
        match found.and_then(|position| rest.get(position)) {
            Some(b'"') => {
                self.end_string(sink);
                next
            }
            Some(_) => {
                self.state = State::Escape;
                next
            }
            None => chunk.len(),
        }
    }

    fn read_escape(&mut self, chunk: &[u8], i: usize, sink: &mut dyn Sink) -> usize {
        let Some(&byte) = chunk.get(i) else { return i };
        let decoded = match byte {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0C,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                self.state = State::Unicode { digits: 0, code: 0 };
                return i + 1;
            }
            _ => {
                let at = self.chunk_offset + i as u64;
                let message = "invalid escape in a string; use one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u followed by four hex digits";
                self.fail_at(message, self.line, at, sink);
                return i;
            }
        };
        self.state = State::String;
        self.flush_high_surrogate(sink);
        self.append_string(&[decoded], sink);
        i + 1
    }

    fn read_unicode(&mut self, chunk: &[u8], mut i: usize, digits: u8, code: u16, sink: &mut dyn Sink) -> usize {
        let mut digits = digits;
        let mut code = code;
        while digits < 4 {
            let Some(&byte) = chunk.get(i) else {
                self.state = State::Unicode { digits, code };
                return i;
            };
            let Some(value) = hex_value(byte) else {
                let at = self.chunk_offset + i as u64;
                let expected = "expected four hex digits after \\u in a string";
                self.fail_expected(expected, describe_byte(byte), at, sink);
                return i;
            };
            code = (code << 4) | value;
            digits += 1;
            i += 1;
        }
        self.state = State::String;
        self.decode_unicode_escape(code, sink);
        i
    }

    /// Appends the character of a `\u` escape, pairing UTF-16 surrogates (RFC 8259 section 7).
    ///
    /// A lone surrogate becomes U+FFFD and is reported when the string ends.
    fn decode_unicode_escape(&mut self, code: u16, sink: &mut dyn Sink) {
        match code {
            0xD800..=0xDBFF => {
                self.flush_high_surrogate(sink);
                self.high_surrogate = Some(code);
            }
            0xDC00..=0xDFFF => match self.high_surrogate.take() {
                Some(high) => {
                    let scalar = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(code) - 0xDC00);
                    self.append_char(char::from_u32(scalar).unwrap_or(char::REPLACEMENT_CHARACTER), sink);
                }
                None => {
                    self.string_lone_surrogate = true;
                    self.append_char(char::REPLACEMENT_CHARACTER, sink);
                }
            },
            _ => {
                self.flush_high_surrogate(sink);
                self.append_char(char::from_u32(u32::from(code)).unwrap_or(char::REPLACEMENT_CHARACTER), sink);
            }
        }
    }

    /// Replaces a high surrogate that is not followed by a low one with U+FFFD.
    fn flush_high_surrogate(&mut self, sink: &mut dyn Sink) {
        if self.high_surrogate.take().is_some() {
            self.string_lone_surrogate = true;
            self.append_char(char::REPLACEMENT_CHARACTER, sink);
        }
    }

    fn append_char(&mut self, ch: char, sink: &mut dyn Sink) {
        let mut encoded = [0; 4];
        self.append_string(ch.encode_utf8(&mut encoded).as_bytes(), sink);
    }

    /// Appends decoded string bytes, up to [`MAX_VALUE_BYTES`] for a string value and
    /// [`MAX_POINTER_BYTES`] for a key.
    ///
    /// Past the limit a string is reported once and its bytes are only checked for UTF-8, so
    /// memory stays bounded. A key past the limit stops the parser, because the pointers of its
    /// members could not be written.
    fn append_string(&mut self, bytes: &[u8], sink: &mut dyn Sink) {
        let limit = if self.string_is_key { MAX_POINTER_BYTES } else { MAX_VALUE_BYTES };
        if !self.string_overflow && self.token.len() + bytes.len() > limit {
            self.string_overflow = true;
            let location = self.location(Code::ValueTooLarge, self.token_line, self.token_offset);
            if self.string_is_key {
                let message = format!(
                    "an object key is longer than {MAX_POINTER_BYTES} bytes, so its members cannot be located and reading stopped; shorten the key"
                );
                sink.finding(Finding::error(Code::ValueTooLarge, location, message));
                self.state = State::Stopped;
                return;
            }
            let message =
                format!("a string is longer than {MAX_VALUE_BYTES} bytes and was not checked; shorten or split it");
            sink.finding(Finding::error(Code::ValueTooLarge, location, message));
            self.check_utf8_tail(sink);
        }
        self.token.extend_from_slice(bytes);
        if self.string_overflow {
            self.check_utf8_tail(sink);
        }
    }

    /// Checks the UTF-8 of an over-long string piece by piece, keeping only an incomplete
    /// sequence at the end of `token` for the next piece.
    fn check_utf8_tail(&mut self, sink: &mut dyn Sink) {
        match std::str::from_utf8(&self.token) {
            Ok(_) => self.token.clear(),
            Err(error) if error.error_len().is_none() => {
                self.token.drain(..error.valid_up_to());
            }
            Err(_) => {
                self.token.clear();
                self.report_invalid_utf8(sink);
            }
        }
    }

    fn report_invalid_utf8(&mut self, sink: &mut dyn Sink) {
        if self.string_invalid_utf8 {
            return;
        }
        self.string_invalid_utf8 = true;
        let location = self.location(Code::InvalidEncoding, self.token_line, self.token_offset);
        let message = "a string is not valid UTF-8; save the file as UTF-8";
        sink.finding(Finding::error(Code::InvalidEncoding, location, message));
    }

    fn end_string(&mut self, sink: &mut dyn Sink) {
        self.flush_high_surrogate(sink);
        if self.state == State::Stopped {
            return;
        }
        if self.string_overflow {
            // An incomplete sequence left at the end is invalid too.
            if !self.token.is_empty() {
                self.token.clear();
                self.report_invalid_utf8(sink);
            }
            self.report_lone_surrogate(sink);
            self.end_value(sink);
            return;
        }

        let token = std::mem::take(&mut self.token);
        let text = match std::str::from_utf8(&token) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => {
                self.report_invalid_utf8(sink);
                String::from_utf8_lossy(&token)
            }
        };
        if self.string_is_key {
            self.end_key(&text, sink);
        } else {
            self.emit(ValueKind::String, &text, sink);
            self.report_lone_surrogate(sink);
            self.end_value(sink);
        }
        drop(text);
        self.token = token;
    }

    /// Adds the key's segment to the pointer, reports the key and checks it for duplicates.
    fn end_key(&mut self, key: &str, sink: &mut dyn Sink) {
        let segment_len = 1 + key.len() + key.bytes().filter(|&byte| byte == b'~' || byte == b'/').count();
        if self.pointer.len() + segment_len > MAX_POINTER_BYTES {
            let location = self.location(Code::ValueTooLarge, self.token_line, self.token_offset);
            let message = format!(
                "the JSON Pointer of an object member is longer than {MAX_POINTER_BYTES} bytes, so reading stopped; shorten the keys"
            );
            sink.finding(Finding::error(Code::ValueTooLarge, location, message));
            self.state = State::Stopped;
            return;
        }
        push_pointer_key(&mut self.pointer, key);
        self.emit(ValueKind::Key, key, sink);
        self.report_lone_surrogate(sink);

        let depth = self.depth;
        let is_new = match depth.checked_sub(1).and_then(|top| self.frames.get_mut(top)) {
            Some(frame) => frame.keys.insert(key),
            None => true,
        };
        if !is_new {
            let location = self.location(Code::JsonDuplicateKey, self.token_line, self.token_offset);
            let message = "an object has the same key twice; keep one member per key";
            sink.finding(Finding::error(Code::JsonDuplicateKey, location, message));
        }
        self.state = State::Colon;
    }

    fn report_lone_surrogate(&mut self, sink: &mut dyn Sink) {
        if self.string_lone_surrogate {
            let location = self.location(Code::JsonLoneSurrogate, self.token_line, self.token_offset);
            let message = "a string escapes half of a UTF-16 surrogate pair; it was read as U+FFFD";
            sink.finding(Finding::warning(Code::JsonLoneSurrogate, location, message));
        }
    }

    fn emit(&self, kind: ValueKind, text: &str, sink: &mut dyn Sink) {
        sink.value(&Value {
            kind,
            text,
            line: self.token_line,
            offset: self.token_offset,
            record: self.record,
            field: Field::Pointer(&self.pointer),
        });
    }

    /// Returns the location of a finding with code `code`, and counts the finding.
    ///
    /// Beyond [`MAX_FINDINGS_PER_CODE`] findings of one code the location has no pointer. The
    /// report keeps only that many, and copying a pointer of up to [`MAX_POINTER_BYTES`] for
    /// each of millions of repeated keys would make a small file cost far more time than its size.
    fn location(&mut self, code: Code, line: u64, offset: u64) -> Location {
        let count = match self.reported.iter_mut().find(|(reported, _)| *reported == code) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                self.reported.push((code, 1));
                1
            }
        };
        let pointer = (count <= MAX_FINDINGS_PER_CODE).then(|| self.pointer.clone());
        Location { line: Some(line), record: self.record, offset: Some(offset), pointer, ..Location::default() }
    }

    /// Returns what the current structural state requires next, for syntax error messages.
    fn expectation(&self) -> &'static str {
        let top_is_object = self.top_is_object();
        match (self.state, top_is_object) {
            (State::Value, None) => "expected a JSON value",
            (State::Value, Some(true)) => "expected a value after ':'",
            (State::Value, Some(false)) => "expected a value after ','",
            (State::ArrayFirst, _) => "expected a value or ']' after '['",
            (State::ObjectFirst, _) => "expected '\"' to start a key or '}' after '{'",
            (State::Key, _) => "expected '\"' to start a key after ',' in an object",
            (State::Colon, _) => "expected ':' after an object key",
            (State::AfterValue, Some(false)) => "expected ',' or ']' after an array element",
            (State::AfterValue, Some(true)) => "expected ',' or '}' after an object member",
            (State::AfterValue, None) if self.mode == Mode::Line => "expected the end of the line after the JSON value",
            (State::AfterValue, None) => "expected the end of the input after the top-level value",
            _ => "expected valid JSON",
        }
    }

    fn top_is_object(&self) -> Option<bool> {
        let top = self.depth.checked_sub(1)?;
        self.frames.get(top).map(|frame| frame.is_object)
    }

    fn fail_expected(&mut self, expected: &str, found: &str, at: u64, sink: &mut dyn Sink) {
        let message = format!("{expected}, found {found}");
        self.fail_at(&message, self.line, at, sink);
    }

    /// Reports a syntax error and stops the parser.
    fn fail_at(&mut self, message: &str, line: u64, offset: u64, sink: &mut dyn Sink) {
        let finding = match self.mode {
            Mode::Document => {
                let location = self.location(Code::JsonSyntax, line, offset);
                Finding::error(Code::JsonSyntax, location, message)
            }
            Mode::Line => {
                let location = self.location(Code::JsonlInvalidLine, line, offset);
                Finding::error(Code::JsonlInvalidLine, location, format!("line is not valid JSON: {message}"))
            }
        };
        sink.finding(finding);
        self.state = State::Stopped;
    }
}

/// Returns the next state of the number grammar after `byte`.
fn next_number_state(number: NumberState, byte: u8) -> NumberStep {
    use NumberState::*;
    let next = match (number, byte) {
        (Minus, b'0') => Zero,
        (Minus, b'1'..=b'9') => Integer,
        (Zero | Integer, b'.') => Point,
        (Zero | Integer | Fraction, b'e' | b'E') => Exponent,
        (Integer, b'0'..=b'9') => Integer,
        (Point | Fraction, b'0'..=b'9') => Fraction,
        (Exponent, b'+' | b'-') => ExponentSign,
        (Exponent | ExponentSign | ExponentDigits, b'0'..=b'9') => ExponentDigits,
        (Zero, b'0'..=b'9') => return NumberStep::Invalid("invalid number"),
        _ => {
            return match number_expectation(number) {
                None => NumberStep::End,
                Some(expected) => NumberStep::Invalid(expected),
            };
        }
    };
    NumberStep::Next(next)
}

/// Returns what a number that stops in state `number` is missing, or `None` if it is complete.
fn number_expectation(number: NumberState) -> Option<&'static str> {
    match number {
        NumberState::Minus => Some("expected a digit after '-' in a number"),
        NumberState::Point => Some("expected a digit after the decimal point in a number"),
        NumberState::Exponent => Some("expected a sign or a digit after the exponent marker in a number"),
        NumberState::ExponentSign => Some("expected a digit in the exponent of a number"),
        NumberState::Zero | NumberState::Integer | NumberState::Fraction | NumberState::ExponentDigits => None,
    }
}

fn literal_expectation(word: &[u8]) -> &'static str {
    match word {
        b"true" => "invalid literal: expected true",
        b"false" => "invalid literal: expected false",
        _ => "invalid literal: expected null",
    }
}

/// Describes a byte for a syntax error without quoting data: structural characters are shown,
/// anything else only by its class, since it may be part of PHI.
fn describe_byte(byte: u8) -> &'static str {
    match byte {
        b'{' => "'{'",
        b'}' => "'}'",
        b'[' => "'['",
        b']' => "']'",
        b':' => "':'",
        b',' => "','",
        b'"' => "'\"'",
        b'0'..=b'9' => "a digit",
        b'a'..=b'z' | b'A'..=b'Z' => "a letter",
        0x00..=0x1F | 0x7F => "a control character",
        0x80..=0xFF => "a non-ASCII byte",
        _ => "a punctuation character",
    }
}

fn hex_value(byte: u8) -> Option<u16> {
    let value = match byte {
        b'0'..=b'9' => byte - b'0',
        b'a'..=b'f' => byte - b'a' + 10,
        b'A'..=b'F' => byte - b'A' + 10,
        _ => return None,
    };
    Some(u16::from(value))
}

/// Appends `/index` to a JSON Pointer. This runs for every array element, so it avoids the
/// slower `fmt` machinery.
fn push_pointer_index(pointer: &mut String, index: u64) {
    let mut digits = [0u8; 20];
    let mut rest = index;
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        // `rest % 10` is below 10, so the cast keeps its value.
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
        start -= 1;
        if rest == 0 {
            break;
        }
    }
    pointer.push('/');
    if let Some(Ok(text)) = digits.get(start..).map(std::str::from_utf8) {
        pointer.push_str(text);
    }
}

/// Appends `/key` to a JSON Pointer, escaping `~` as `~0` and `/` as `~1` (RFC 6901 section 3).
fn push_pointer_key(pointer: &mut String, key: &str) {
    pointer.push('/');
    if memchr2(b'~', b'/', key.as_bytes()).is_none() {
        pointer.push_str(key);
        return;
    }
    for ch in key.chars() {
        match ch {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            _ => pointer.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{assert_debug_hides, read_at_sizes, Collect, Format, CHUNK_SIZES};
    use crate::report::Severity;

    /// Reads `input` at every chunk size, checks that all sizes agree and returns the result.
    fn read(input: &[u8]) -> Collect {
        read_sizes(input, &CHUNK_SIZES)
    }

    fn read_sizes(input: &[u8], sizes: &[usize]) -> Collect {
        read_at_sizes(Format::Json, input, sizes)
    }

    /// Returns each value as (kind, text, pointer).
    fn values(collect: &Collect) -> Vec<(ValueKind, &str, &str)> {
        collect
            .values
            .iter()
            .map(|(kind, text, location)| (*kind, text.as_str(), location.pointer.as_deref().unwrap_or("<none>")))
            .collect()
    }

    /// Returns each string and number text, without keys.
    fn texts(collect: &Collect) -> Vec<&str> {
        collect.values.iter().filter(|value| value.0 != ValueKind::Key).map(|value| value.1.as_str()).collect()
    }

    fn codes(collect: &Collect) -> Vec<Code> {
        collect.findings.iter().map(|finding| finding.code).collect()
    }

    /// Reads an input that must fail with exactly one syntax error, and returns its message.
    fn syntax_error(input: &str) -> String {
        let collect = read(input.as_bytes());
        assert_eq!(codes(&collect), [Code::JsonSyntax], "input {input:?}");
        collect.findings[0].message.clone()
    }

    #[test]
    fn values_have_pointers() {
        let collect = read(br#"{"a":{"b":"x","c":[1,"y",true,null]},"d":-2.5e3}"#);
        assert_eq!(
            values(&collect),
            [
                (ValueKind::Key, "a", "/a"),
                (ValueKind::Key, "b", "/a/b"),
                (ValueKind::String, "x", "/a/b"),
                (ValueKind::Key, "c", "/a/c"),
                (ValueKind::Number, "1", "/a/c/0"),
                (ValueKind::String, "y", "/a/c/1"),
                (ValueKind::Key, "d", "/d"),
                (ValueKind::Number, "-2.5e3", "/d"),
            ]
        );
        assert!(collect.findings.is_empty());
        assert_eq!(collect.records, 1);
    }

    #[test]
    fn values_have_lines_and_offsets() {
        let collect = read(b"[\n  \"a\",\n  {\"k\": 12}\n]");
        let positions: Vec<_> = collect
            .values
            .iter()
            .map(|(_, text, location)| (text.as_str(), location.line, location.offset, location.record))
            .collect();
        assert_eq!(
            positions,
            [("a", Some(2), Some(4), None), ("k", Some(3), Some(12), None), ("12", Some(3), Some(17), None)]
        );
        assert_eq!(collect.records, 2);
    }

    #[test]
    fn escapes_decoded() {
        let collect = read(r#"["\"\\\/\b\f\n\r\t","caf\u00e9","\ud83d\ude00","\uD83D\uDE00","é","\u0000"]"#.as_bytes());
        assert_eq!(texts(&collect), ["\"\\/\u{8}\u{c}\n\r\t", "café", "😀", "😀", "é", "\0"]);
        assert!(collect.findings.is_empty());
    }

    #[test]
    fn pointer_escapes_tilde_and_slash() {
        let collect = read(br#"{"a/b":{"m~n":1},"~1":2,"":{"":3}}"#);
        let pointers: Vec<_> = values(&collect).into_iter().map(|(_, _, pointer)| pointer).collect();
        assert_eq!(pointers, ["/a~1b", "/a~1b/m~0n", "/a~1b/m~0n", "/~01", "/~01", "/", "//", "//"]);
    }

    #[test]
    fn array_indices_count_elements() {
        let collect = read(br#"[[1,2],[],{"a":[3]},4]"#);
        assert_eq!(
            values(&collect),
            [
                (ValueKind::Number, "1", "/0/0"),
                (ValueKind::Number, "2", "/0/1"),
                (ValueKind::Key, "a", "/2/a"),
                (ValueKind::Number, "3", "/2/a/0"),
                (ValueKind::Number, "4", "/3"),
            ]
        );
        assert_eq!(collect.records, 4);
    }

    #[test]
    fn pointer_index_digits() {
        for index in [0, 7, 10, 99, 1_000_000, u64::MAX] {
            let mut pointer = String::from("/a");
            push_pointer_index(&mut pointer, index);
            assert_eq!(pointer, format!("/a/{index}"));
        }
    }

    #[test]
    fn nesting_too_deep_stops() {
        let collect = read("[".repeat(10_000).as_bytes());
        assert_eq!(codes(&collect), [Code::JsonTooDeep]);
        let finding = &collect.findings[0];
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.location.offset, Some(MAX_JSON_DEPTH as u64));
        assert!(collect.values.is_empty());
    }

    #[test]
    fn nesting_too_deep_in_objects() {
        let input = format!("{}1", r#"{"a":"#.repeat(MAX_JSON_DEPTH + 1));
        let collect = read(input.as_bytes());
        assert_eq!(codes(&collect), [Code::JsonTooDeep]);
        let pointer = "/a".repeat(MAX_JSON_DEPTH);
        assert_eq!(collect.findings[0].location.pointer.as_deref(), Some(pointer.as_str()));
    }

    #[test]
    fn nesting_at_limit_accepted() {
        let input = format!("{}{}", "[".repeat(MAX_JSON_DEPTH), "]".repeat(MAX_JSON_DEPTH));
        let collect = read(input.as_bytes());
        assert!(collect.findings.is_empty(), "{:?}", collect.findings);
        assert_eq!(collect.records, 1);
    }

    #[test]
    fn duplicate_key_reported() {
        let input = r#"{"a":1,"b":{"a":2},"a":3}"#;
        let collect = read(input.as_bytes());
        assert_eq!(codes(&collect), [Code::JsonDuplicateKey]);
        let finding = &collect.findings[0];
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.location.pointer.as_deref(), Some("/a"));
        assert_eq!(finding.location.offset, Some(19));
        assert_eq!(texts(&collect), ["1", "2", "3"]);
    }

    #[test]
    fn duplicate_key_in_large_object() {
        let mut input = String::from("{");
        for i in 0..40 {
            input.push_str(&format!("\"k{i}\":{i},"));
        }
        input.push_str("\"k5\":0,\"k39\":0,\"new\":0}");
        let collect = read(input.as_bytes());
        assert_eq!(codes(&collect), [Code::JsonDuplicateKey, Code::JsonDuplicateKey]);
        let pointers: Vec<_> = collect.findings.iter().map(|finding| finding.location.pointer.as_deref()).collect();
        assert_eq!(pointers, [Some("/k5"), Some("/k39")]);
    }

    #[test]
    fn repeated_findings_drop_pointer() {
        let mut input = String::from("{\"a\":1");
        for _ in 0..MAX_FINDINGS_PER_CODE + 2 {
            input.push_str(",\"a\":2");
        }
        input.push('}');
        let collect = read(input.as_bytes());
        assert_eq!(collect.findings.len(), MAX_FINDINGS_PER_CODE + 2);
        let with_pointer = collect.findings.iter().filter(|finding| finding.location.pointer.is_some()).count();
        assert_eq!(with_pointer, MAX_FINDINGS_PER_CODE);
        let last = &collect.findings[MAX_FINDINGS_PER_CODE + 1];
        assert_eq!(last.code, Code::JsonDuplicateKey);
        assert_eq!(last.location.pointer, None);
        assert_eq!(last.location.offset, Some(input.len() as u64 - 6));
    }

    #[test]
    fn same_key_in_sibling_objects() {
        let collect = read(br#"[{"a":1,"b":{"a":1}},{"a":2}]"#);
        assert!(collect.findings.is_empty(), "{:?}", collect.findings);
        assert_eq!(collect.records, 2);
    }

    #[test]
    fn lone_surrogates_replaced() {
        let cases = [
            (r#"["\ud800"]"#, "\u{FFFD}"),
            (r#"["\udc00x"]"#, "\u{FFFD}x"),
            (r#"["\ud800\u0041"]"#, "\u{FFFD}A"),
            (r#"["\ud800\n"]"#, "\u{FFFD}\n"),
            (r#"["\ud800a"]"#, "\u{FFFD}a"),
            (r#"["\ud800\ud800\udc00"]"#, "\u{FFFD}\u{10000}"),
            (r#"["\udbff\udfff\udc00"]"#, "\u{10FFFF}\u{FFFD}"),
        ];
        for (input, expected) in cases {
            let collect = read(input.as_bytes());
            assert_eq!(texts(&collect), [expected], "input {input}");
            assert_eq!(codes(&collect), [Code::JsonLoneSurrogate], "input {input}");
            assert_eq!(collect.findings[0].severity, Severity::Warning);
            assert_eq!(collect.findings[0].location.pointer.as_deref(), Some("/0"));
            assert_eq!(collect.findings[0].location.offset, Some(1));
        }
    }

    #[test]
    fn lone_surrogate_in_key() {
        let collect = read(br#"{"\udfff":1}"#);
        assert_eq!(values(&collect)[0], (ValueKind::Key, "\u{FFFD}", "/\u{FFFD}"));
        assert_eq!(codes(&collect), [Code::JsonLoneSurrogate]);
    }

    #[test]
    fn huge_numbers_kept_as_written() {
        let digits = "9".repeat(400);
        let input = format!("[1e999999,-0,0.5E-7,{digits},-1E+2]");
        let collect = read(input.as_bytes());
        assert_eq!(texts(&collect), ["1e999999", "-0", "0.5E-7", digits.as_str(), "-1E+2"]);
        assert!(collect.findings.is_empty());
    }

    #[test]
    fn number_too_long_skipped() {
        let longest = "1".repeat(MAX_JSON_NUMBER_BYTES);
        let input = format!("[{longest}1,\"after\",{longest}]");
        let collect = read(input.as_bytes());
        assert_eq!(codes(&collect), [Code::JsonNumberTooLong]);
        assert_eq!(collect.findings[0].location.pointer.as_deref(), Some("/0"));
        assert_eq!(collect.findings[0].location.offset, Some(1));
        assert_eq!(texts(&collect), ["after", longest.as_str()]);
        assert_eq!(collect.records, 3);
    }

    #[test]
    fn invalid_numbers_rejected() {
        let cases = [
            ("01", "invalid number: a number must not have a leading zero"),
            ("-01", "invalid number: a number must not have a leading zero"),
            ("1.", "expected a digit after the decimal point in a number, found the end of the input"),
            ("[1.]", "expected a digit after the decimal point in a number, found ']'"),
            ("-", "expected a digit after '-' in a number, found the end of the input"),
            ("-a", "expected a digit after '-' in a number, found a letter"),
            ("1e", "expected a sign or a digit after the exponent marker in a number, found the end of the input"),
            ("1e+", "expected a digit in the exponent of a number, found the end of the input"),
            ("1.e3", "expected a digit after the decimal point in a number, found a letter"),
            (".5", "expected a JSON value, found a punctuation character"),
            ("+1", "expected a JSON value, found a punctuation character"),
            ("[1,-]", "expected a digit after '-' in a number, found ']'"),
        ];
        for (input, expected) in cases {
            assert_eq!(syntax_error(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn trailing_commas_rejected() {
        let cases = [
            ("[1,]", "found ']' after a trailing ','; remove the comma after the last array element"),
            (r#"{"a":1,}"#, "found '}' after a trailing ','; remove the comma after the last object member"),
            ("[,1]", "expected a value or ']' after '[', found ','"),
            ("{,}", "expected '\"' to start a key or '}' after '{', found ','"),
        ];
        for (input, expected) in cases {
            assert_eq!(syntax_error(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn missing_separators_rejected() {
        let cases = [
            (r#"{"a" 1}"#, "expected ':' after an object key, found a digit", "/a", 5),
            ("[1 2]", "expected ',' or ']' after an array element, found a digit", "/0", 3),
            (r#"{"a":1 "b":2}"#, "expected ',' or '}' after an object member, found '\"'", "/a", 7),
            (r#"{"a":1,2}"#, "expected '\"' to start a key after ',' in an object, found a digit", "", 7),
            ("[1}", "expected ',' or ']' after an array element, found '}'", "/0", 2),
            (r#"{"a":]"#, "expected a value after ':', found ']'", "/a", 5),
            ("{1:2}", "expected '\"' to start a key or '}' after '{', found a digit", "", 1),
        ];
        for (input, message, pointer, offset) in cases {
            let collect = read(input.as_bytes());
            assert_eq!(codes(&collect), [Code::JsonSyntax], "input {input:?}");
            let finding = &collect.findings[0];
            assert_eq!(finding.message, message, "input {input:?}");
            assert_eq!(finding.location.pointer.as_deref(), Some(pointer), "input {input:?}");
            assert_eq!(finding.location.offset, Some(offset), "input {input:?}");
            assert_eq!(finding.location.line, Some(1), "input {input:?}");
        }
    }

    #[test]
    fn trailing_data_rejected() {
        let collect = read(b"{} x");
        assert_eq!(codes(&collect), [Code::JsonSyntax]);
        assert_eq!(
            collect.findings[0].message,
            "expected the end of the input after the top-level value, found a letter"
        );
        assert_eq!(collect.findings[0].location.offset, Some(3));
        assert_eq!(collect.records, 1);

        let collect = read(b"1 2");
        assert_eq!(texts(&collect), ["1"]);
        assert_eq!(codes(&collect), [Code::JsonSyntax]);

        let collect = read(b"[]\n[]");
        assert_eq!(codes(&collect), [Code::JsonSyntax]);
        assert_eq!(collect.findings[0].location.line, Some(2));
    }

    #[test]
    fn syntax_error_stops_values() {
        let collect = read(br#"[1 2, "x", {"y": 3}]"#);
        assert_eq!(texts(&collect), ["1"]);
        assert_eq!(codes(&collect), [Code::JsonSyntax]);
        assert_eq!(collect.records, 1);
    }

    #[test]
    fn empty_input_rejected() {
        let message = "the input contains no JSON value: expected an array or an object of records";
        let collect = read(b"");
        assert_eq!(codes(&collect), [Code::JsonSyntax]);
        assert_eq!(collect.findings[0].message, message);
        assert_eq!(collect.findings[0].location.offset, Some(0));

        let collect = read(b" \n\t\r\n ");
        assert_eq!(codes(&collect), [Code::JsonSyntax]);
        assert_eq!(collect.findings[0].location.line, Some(3));
        assert_eq!(collect.findings[0].location.offset, Some(6));
    }

    #[test]
    fn unclosed_input_rejected() {
        let cases = [
            (r#"{"a":[1"#, "expected ',' or ']' after an array element, found the end of the input", "/a/0", 7),
            (r#"{"a":"#, "expected a value after ':', found the end of the input", "/a", 5),
            (r#"{"a""#, "expected ':' after an object key, found the end of the input", "/a", 4),
            ("[", "expected a value or ']' after '[', found the end of the input", "", 1),
            ("{", "expected '\"' to start a key or '}' after '{', found the end of the input", "", 1),
            (r#"["abc"#, "unterminated string: expected a closing '\"' before the end of the input", "/0", 1),
            (r#"["\u12"#, "unterminated string: expected a closing '\"' before the end of the input", "/0", 1),
            ("tru", "invalid literal: expected true, found the end of the input", "", 3),
        ];
        for (input, message, pointer, offset) in cases {
            let collect = read(input.as_bytes());
            assert_eq!(codes(&collect), [Code::JsonSyntax], "input {input:?}");
            let finding = &collect.findings[0];
            assert_eq!(finding.message, message, "input {input:?}");
            assert_eq!(finding.location.pointer.as_deref(), Some(pointer), "input {input:?}");
            assert_eq!(finding.location.offset, Some(offset), "input {input:?}");
        }
    }

    #[test]
    fn literals_checked_not_emitted() {
        let collect = read(b"[true,false,null]");
        assert!(collect.values.is_empty());
        assert!(collect.findings.is_empty());
        assert_eq!(collect.records, 3);

        assert_eq!(syntax_error("[truex]"), "expected ',' or ']' after an array element, found a letter");
        assert_eq!(syntax_error("[nul]"), "invalid literal: expected null, found ']'");
        assert_eq!(syntax_error("fals e"), "invalid literal: expected false, found a punctuation character");
        assert_eq!(syntax_error("True"), "expected a JSON value, found a letter");
    }

    #[test]
    fn string_errors_rejected() {
        let cases = [
            ("[\"a\tb\"]", "a string contains an unescaped control character; write it as an escape such as \\n or \\u001f", 3),
            (r#"["\x"]"#, "invalid escape in a string; use one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u followed by four hex digits", 3),
            (r#"["\u12G4"]"#, "expected four hex digits after \\u in a string, found a letter", 6),
            ("[\"\\u\n\"]", "expected four hex digits after \\u in a string, found a control character", 4),
        ];
        for (input, message, offset) in cases {
            let collect = read(input.as_bytes());
            assert_eq!(codes(&collect), [Code::JsonSyntax], "input {input:?}");
            assert_eq!(collect.findings[0].message, message, "input {input:?}");
            assert_eq!(collect.findings[0].location.offset, Some(offset), "input {input:?}");
            assert!(collect.values.is_empty(), "input {input:?}");
        }
    }

    #[test]
    fn bom_skipped() {
        let collect = read("\u{feff}[\"a\"]".as_bytes());
        assert_eq!(texts(&collect), ["a"]);
        assert_eq!(collect.values[0].2.offset, Some(4));
        assert!(collect.findings.is_empty());

        let collect = read("\u{feff}".as_bytes());
        assert_eq!(codes(&collect), [Code::JsonSyntax]);

        let collect = read(b"\xEF\xBB[1]");
        assert_eq!(codes(&collect), [Code::JsonSyntax]);
        assert!(collect.values.is_empty());

        // A BOM after the start is not skipped.
        let collect = read(" \u{feff}[]".as_bytes());
        assert_eq!(collect.findings[0].message, "expected a JSON value, found a non-ASCII byte");
    }

    #[test]
    fn invalid_utf8_reported() {
        let collect = read(b"[\"a\xFFb\",\"ok\",\"\xC3\"]");
        assert_eq!(codes(&collect), [Code::InvalidEncoding, Code::InvalidEncoding]);
        assert_eq!(texts(&collect), ["a\u{FFFD}b", "ok", "\u{FFFD}"]);
        assert_eq!(collect.findings[0].location.pointer.as_deref(), Some("/0"));
        assert_eq!(collect.findings[1].location.pointer.as_deref(), Some("/2"));
        assert_eq!(collect.records, 3);

        let collect = read(b"{\"\xC0\xAF\":1}");
        assert_eq!(codes(&collect), [Code::InvalidEncoding]);

        assert_eq!(syntax_error("[\u{e9}]"), "expected a value or ']' after '[', found a non-ASCII byte");
    }

    #[test]
    fn top_level_record_counts() {
        let cases: [(&[u8], usize); 7] = [
            (br#"{"a":[1,2]}"#, 1),
            (b"[]", 0),
            (b"[{},{},{}]", 3),
            (br#""s""#, 1),
            (b"42", 1),
            (b"[[1],[2]]", 2),
            (b"null", 1),
        ];
        for (input, records) in cases {
            let collect = read(input);
            assert_eq!(collect.records, records, "input {:?}", String::from_utf8_lossy(input));

            let mut reader = JsonReader::new();
            let mut sink = Collect::default();
            reader.feed(input, &mut sink);
            reader.finish(&mut sink);
            assert_eq!(reader.records(), records as u64);
        }
    }

    #[test]
    fn string_too_large_skipped() {
        let sizes = [7, 64 * 1024, usize::MAX];
        let longest = "a".repeat(MAX_VALUE_BYTES);
        let input = format!("[\"{longest}\",\"{longest}a\",\"ok\"]");
        let collect = read_sizes(input.as_bytes(), &sizes);
        assert_eq!(codes(&collect), [Code::ValueTooLarge]);
        assert_eq!(collect.findings[0].location.pointer.as_deref(), Some("/1"));
        assert_eq!(collect.values.len(), 2);
        assert_eq!(collect.values[0].1.len(), MAX_VALUE_BYTES);
        assert_eq!(collect.values[1].1, "ok");
        assert_eq!(collect.records, 3);
    }

    #[test]
    fn string_too_large_checks_utf8() {
        let sizes = [7, 64 * 1024, usize::MAX];
        let mut input = b"[\"".to_vec();
        input.extend(std::iter::repeat_n(b'a', MAX_VALUE_BYTES));
        input.extend_from_slice(b"\xC3\xA9\xFF\"]");
        let collect = read_sizes(&input, &sizes);
        assert_eq!(codes(&collect), [Code::ValueTooLarge, Code::InvalidEncoding]);

        // A valid sequence that straddles the limit is not an encoding error.
        let mut input = b"[\"".to_vec();
        input.extend(std::iter::repeat_n(b'a', MAX_VALUE_BYTES - 1));
        input.extend_from_slice("éé\"]".as_bytes());
        let collect = read_sizes(&input, &sizes);
        assert_eq!(codes(&collect), [Code::ValueTooLarge]);
    }

    #[test]
    fn key_too_large_stops() {
        let input = format!("[{{\"{}\":1}},\"after\"]", "k".repeat(5000));
        let collect = read(input.as_bytes());
        assert_eq!(codes(&collect), [Code::ValueTooLarge]);
        let finding = &collect.findings[0];
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.location.pointer.as_deref(), Some("/0"));
        assert_eq!(finding.location.offset, Some(2));
        assert_eq!(
            finding.message,
            "an object key is longer than 4096 bytes, so its members cannot be located and reading stopped; shorten the key"
        );
        assert!(collect.values.is_empty());
    }

    #[test]
    fn key_at_pointer_limit_kept() {
        let key = "k".repeat(MAX_POINTER_BYTES - 1);
        let collect = read(format!("{{\"{key}\":1}}").as_bytes());
        assert!(collect.findings.is_empty(), "{:?}", collect.findings);
        assert_eq!(collect.values[1].2.pointer.as_deref(), Some(format!("/{key}").as_str()));

        let collect = read(format!("{{\"{key}k\":1}}").as_bytes());
        assert_eq!(codes(&collect), [Code::ValueTooLarge]);
    }

    #[test]
    fn nested_pointer_too_long_stops() {
        let (a, b) = ("a".repeat(2000), "b".repeat(2000));
        let input = format!("{{\"{a}\":{{\"{b}\":{{\"c~/{}\":1}}}}}}", "c".repeat(90));
        let collect = read(input.as_bytes());
        assert_eq!(codes(&collect), [Code::ValueTooLarge]);
        assert_eq!(
            collect.findings[0].message,
            "the JSON Pointer of an object member is longer than 4096 bytes, so reading stopped; shorten the keys"
        );
        assert_eq!(collect.findings[0].location.pointer.as_deref(), Some(format!("/{a}/{b}").as_str()));
        assert_eq!(collect.values.len(), 2);
    }

    #[test]
    fn giant_key_stops_before_findings_multiply() {
        // Every finding below this key used to copy a 4 MiB pointer.
        let access_key = format!("AKIA{}", "Z".repeat(16));
        let element = format!("{{\"a\":\"<script> {access_key} \\ud800 \u{e9}\",\"a\":1}}");
        let elements = vec![element; 120].join(",");
        let input = format!("{{\"{}\":[{elements}]}}", "k".repeat(4 * 1024 * 1024 - 64));
        let collect = read_sizes(input.as_bytes(), &[64 * 1024, usize::MAX]);
        assert_eq!(codes(&collect), [Code::ValueTooLarge]);
        assert_eq!(collect.findings[0].location.pointer.as_deref(), Some(""));
        assert!(collect.values.is_empty());
    }

    #[test]
    fn debug_hides_content() {
        let input = br#"{"password=Hunter2Hunter2": {"ssn": "Jane Doe 078-05-1120 \ud8"#;
        let mut reader = JsonReader::new();
        let mut sink = Collect::default();
        reader.feed(input, &mut sink);
        let debug = format!("{reader:?}");
        for secret in ["Hunter2", "078-05-1120", "Jane Doe", "ssn"] {
            assert_debug_hides(&debug, secret);
        }
        assert!(debug.contains("state: \"unicode escape\""), "{debug}");

        let value = Value {
            kind: ValueKind::Key,
            text: "Jane Doe",
            line: 1,
            offset: 0,
            record: None,
            field: Field::Pointer("/password=Hunter2Hunter2"),
        };
        let debug = format!("{value:?}");
        assert_debug_hides(&debug, "Jane Doe");
        assert_debug_hides(&debug, "Hunter2");
        assert!(debug.contains("pointer_len: 24"), "{debug}");
    }

    #[test]
    fn messages_omit_string_contents() {
        let inputs = [
            r#"{"ssn 123-45-6789": "123-45-6789" x}"#,
            r#"{"ssn 123-45-6789": "123-45-6789", "ssn 123-45-6789": 1}"#,
            r#"{"ssn 123-45-6789": "123-45-6789\q"}"#,
            r#"{"ssn 123-45-6789": "\ud800 123-45-6789"}"#,
            r#"{"ssn 123-45-6789": 123-45-6789}"#,
        ];
        for input in inputs {
            let collect = read(input.as_bytes());
            assert!(!collect.findings.is_empty(), "input {input:?}");
            for finding in &collect.findings {
                assert!(!finding.message.contains("123"), "message {:?}", finding.message);
            }
        }
    }

    #[test]
    fn intake_sample_read() {
        let input = include_bytes!("../../tests/fixtures/json/intake-sample.json");
        let collect = read(input);
        assert!(collect.findings.is_empty(), "{:?}", collect.findings);
        assert_eq!(collect.records, 10);

        let find =
            |pointer: &str| values(&collect).into_iter().find(|value| value.0 != ValueKind::Key && value.2 == pointer);
        assert_eq!(find("/0/intake_id"), Some((ValueKind::String, "dev-intake-0001", "/0/intake_id")));
        assert_eq!(find("/0/client/name/first"), Some((ValueKind::String, "Purificación", "/0/client/name/first")));
        assert_eq!(find("/0/client/age"), Some((ValueKind::Number, "34", "/0/client/age")));
        assert_eq!(find("/0/clinical/screeners/gad7"), Some((ValueKind::Number, "15", "/0/clinical/screeners/gad7")));
        assert_eq!(find("/9/intake_id"), Some((ValueKind::String, "dev-intake-0010", "/9/intake_id")));

        let first_id = collect.values.iter().find(|value| value.1 == "dev-intake-0001").map(|value| &value.2);
        assert_eq!(first_id.and_then(|location| location.line), Some(3));
        assert_eq!(first_id.and_then(|location| location.offset), Some(23));
    }
}
