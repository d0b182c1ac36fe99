//! Content sniffing: the kind of file that the first bytes of an upload show, whatever its name.
//!
//! Upload validation can compare the result with the extension, so that a spreadsheet, archive
//! or executable renamed to `.csv`, or a CSV renamed to `.parquet`, is rejected before a reader
//! runs.
//! Binary formats are recognised by the signature at offset 0. Text is distinguished from other
//! binary data by being valid UTF-8 without NUL bytes.

/// Bytes of the start of a file that [`sniff`] needs. A longer prefix only makes the text check
/// slower, and a shorter one may hide a NUL byte or an invalid UTF-8 sequence.
pub const SNIFF_BYTES: usize = 8192;

/// The kind of content that a file's first bytes show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// Apache Parquet (`PAR1`).
    Parquet,
    /// ZIP archive, which also covers XLSX, DOCX, ODS and JAR files.
    Zip,
    /// gzip stream.
    Gzip,
    /// bzip2 stream.
    Bzip2,
    /// xz stream.
    Xz,
    /// Zstandard frame.
    Zstd,
    /// 7-Zip archive.
    SevenZip,
    /// RAR archive, version 4 or 5.
    Rar,
    /// PDF document.
    Pdf,
    /// Rich Text Format document (`{\rtf`). It is text that starts with `{`, so without its
    /// own signature it would look like JSON.
    Rtf,
    /// SYLK spreadsheet: text whose first record is `ID;P`, which Excel opens as a spreadsheet
    /// whose cells can hold formulas, whatever the file's extension.
    ///
    /// NOTE: a semicolon-separated CSV whose header starts with a column named `ID` and then one
    /// whose name starts with `P` matches too. Excel (up to at least Office 2016, according to
    /// Wikipedia's "Symbolic Link (SYLK)" article) also treats a file that starts with `ID` as
    /// SYLK, so renaming the first column is the fix either way.
    Sylk,
    /// ELF executable or library.
    Elf,
    /// DOS or Windows executable (`MZ`).
    Pe,
    /// Mach-O executable, including universal binaries.
    MachO,
    /// WebAssembly module.
    Wasm,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// GIF image.
    Gif,
    /// SQLite 3 database.
    Sqlite,
    /// UTF-16 text with a byte-order mark.
    Utf16,
    /// UTF-32 text with a byte-order mark.
    Utf32,
    /// Text whose first non-whitespace character, after an optional UTF-8 byte-order mark, is
    /// `{` or `[`. Its encoding is not checked, so that the JSON readers can report invalid
    /// bytes with their location.
    JsonLike,
    /// UTF-8 text without NUL bytes.
    Text,
    /// Anything else.
    Binary,
}

impl Kind {
    /// Returns a short name for messages, such as `"PNG image"`.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Parquet => "Parquet file",
            Kind::Zip => "ZIP archive (or an Office document)",
            Kind::Gzip => "gzip archive",
            Kind::Bzip2 => "bzip2 archive",
            Kind::Xz => "xz archive",
            Kind::Zstd => "Zstandard archive",
            Kind::SevenZip => "7-Zip archive",
            Kind::Rar => "RAR archive",
            Kind::Pdf => "PDF document",
            Kind::Rtf => "Rich Text Format document",
            Kind::Sylk => "SYLK spreadsheet",
            Kind::Elf => "ELF executable",
            Kind::Pe => "Windows executable",
            Kind::MachO => "Mach-O executable",
            Kind::Wasm => "WebAssembly module",
            Kind::Png => "PNG image",
            Kind::Jpeg => "JPEG image",
            Kind::Gif => "GIF image",
            Kind::Sqlite => "SQLite database",
            Kind::Utf16 => "UTF-16 text",
            Kind::Utf32 => "UTF-32 text",
            Kind::JsonLike => "JSON text",
            Kind::Text => "text",
            Kind::Binary => "binary data",
        }
    }
}

/// Signatures at offset 0. A signature that begins with another signature comes before it, so
/// that the UTF-32 little-endian byte-order mark wins over the UTF-16 one.
const SIGNATURES: &[(&[u8], Kind)] = &[
    (b"PAR1", Kind::Parquet),
    (b"PK\x03\x04", Kind::Zip),
    (b"PK\x05\x06", Kind::Zip),
    (b"PK\x07\x08", Kind::Zip),
    (b"\x1F\x8B", Kind::Gzip),
    (b"\xFD7zXZ\x00", Kind::Xz),
    (b"\x28\xB5\x2F\xFD", Kind::Zstd),
    (b"7z\xBC\xAF\x27\x1C", Kind::SevenZip),
    (b"Rar!\x1A\x07", Kind::Rar),
    (b"%PDF-", Kind::Pdf),
    (b"{\\rtf", Kind::Rtf),
    (b"ID;P", Kind::Sylk),
    (b"\x7FELF", Kind::Elf),
    (b"\xFE\xED\xFA\xCE", Kind::MachO),
    (b"\xFE\xED\xFA\xCF", Kind::MachO),
    (b"\xCE\xFA\xED\xFE", Kind::MachO),
    (b"\xCF\xFA\xED\xFE", Kind::MachO),
    (b"\xCA\xFE\xBA\xBE", Kind::MachO),
    (b"\x00asm", Kind::Wasm),
    (b"\x89PNG\r\n\x1A\n", Kind::Png),
    (b"\xFF\xD8\xFF", Kind::Jpeg),
    (b"GIF87a", Kind::Gif),
    (b"GIF89a", Kind::Gif),
    (b"SQLite format 3\x00", Kind::Sqlite),
    (b"\xFF\xFE\x00\x00", Kind::Utf32),
    (b"\x00\x00\xFE\xFF", Kind::Utf32),
    (b"\xFF\xFE", Kind::Utf16),
    (b"\xFE\xFF", Kind::Utf16),
];

const UTF8_BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Returns the kind of content that `prefix`, the first bytes of a file, shows.
///
/// Pass the first [`SNIFF_BYTES`] bytes, or the whole file if it is shorter. A UTF-8 sequence
/// cut by the end of `prefix` still counts as text.
///
/// # Examples
///
/// ```
/// use techdeck_guard::dataset::sniff::{sniff, Kind};
///
/// assert_eq!(sniff(b"id,note\n1,hello\n"), Kind::Text);
/// assert_eq!(sniff(b"PK\x03\x04\x14\x00"), Kind::Zip);
/// ```
pub fn sniff(prefix: &[u8]) -> Kind {
    if let Some(&(_, kind)) = SIGNATURES.iter().find(|(signature, _)| prefix.starts_with(signature)) {
        return kind;
    }
    if is_bzip2(prefix) {
        return Kind::Bzip2;
    }
    if starts_json(prefix) {
        return Kind::JsonLike;
    }
    let text = is_text(prefix);
    // `MZ` also starts ordinary words, so a DOS or Windows executable needs binary bytes too.
    if prefix.starts_with(b"MZ") && !text {
        return Kind::Pe;
    }
    if text {
        Kind::Text
    } else {
        Kind::Binary
    }
}

/// Returns whether `prefix` starts a bzip2 stream: `BZh`, the block size digit `1` to `9`, then
/// the magic of the first block or of the end of an empty stream. The check goes past `BZh`
/// because text can start with those letters.
fn is_bzip2(prefix: &[u8]) -> bool {
    let Some(rest) = prefix.strip_prefix(b"BZh") else { return false };
    let Some((&level, rest)) = rest.split_first() else { return false };
    (b'1'..=b'9').contains(&level)
        && (rest.starts_with(b"\x31\x41\x59\x26\x53\x59") || rest.starts_with(b"\x17\x72\x45\x38\x50\x90"))
}

/// Returns whether the first non-whitespace byte after an optional UTF-8 byte-order mark opens
/// a JSON object or array.
fn starts_json(prefix: &[u8]) -> bool {
    let body = prefix.strip_prefix(UTF8_BYTE_ORDER_MARK).unwrap_or(prefix);
    let first = body.iter().find(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'));
    matches!(first, Some(b'{' | b'['))
}

/// Returns whether `prefix` is UTF-8 without NUL bytes, allowing an incomplete sequence at the
/// end because the prefix may cut the file inside a character.
fn is_text(prefix: &[u8]) -> bool {
    if memchr::memchr(0, prefix).is_some() {
        return false;
    }
    match std::str::from_utf8(prefix) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_signatures_detected() {
        let cases: &[(&[u8], Kind)] = &[
            (b"PAR1\x15\x04", Kind::Parquet),
            (b"PK\x03\x04\x14\x00\x06\x00", Kind::Zip),
            (b"PK\x05\x06\x00\x00", Kind::Zip),
            (b"PK\x07\x08", Kind::Zip),
            (b"\x1F\x8B\x08\x00", Kind::Gzip),
            (b"BZh91AY&SY\x00", Kind::Bzip2),
            (b"BZh9\x17\x72\x45\x38\x50\x90\x00\x00\x00\x00", Kind::Bzip2),
            (b"\xFD7zXZ\x00\x00\x04", Kind::Xz),
            (b"\x28\xB5\x2F\xFD\x04\x00", Kind::Zstd),
            (b"7z\xBC\xAF\x27\x1C\x00\x04", Kind::SevenZip),
            (b"Rar!\x1A\x07\x00", Kind::Rar),
            (b"Rar!\x1A\x07\x01\x00", Kind::Rar),
            (b"%PDF-1.7\n", Kind::Pdf),
            (b"\x7FELF\x02\x01\x01", Kind::Elf),
            (b"MZ\x90\x00\x03\x00\x00\x00", Kind::Pe),
            (b"\xCF\xFA\xED\xFE\x07\x00\x00\x01", Kind::MachO),
            (b"\xFE\xED\xFA\xCE", Kind::MachO),
            (b"\xCA\xFE\xBA\xBE\x00\x00\x00\x02", Kind::MachO),
            (b"\x00asm\x01\x00\x00\x00", Kind::Wasm),
            (b"\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR", Kind::Png),
            (b"\xFF\xD8\xFF\xE0\x00\x10JFIF", Kind::Jpeg),
            (b"GIF89a\x01\x00", Kind::Gif),
            (b"GIF87a", Kind::Gif),
            (b"SQLite format 3\x00\x10\x00", Kind::Sqlite),
        ];
        for &(prefix, expected) in cases {
            assert_eq!(sniff(prefix), expected, "{prefix:02X?}");
        }
    }

    #[test]
    fn rtf_detected_not_json() {
        assert_eq!(sniff(b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0 Jane Doe\\par}"), Kind::Rtf);
        assert_eq!(sniff(b"{\\rtf"), Kind::Rtf);
        assert_eq!(sniff(b"{\"rtf\": 1}"), Kind::JsonLike);
        assert_eq!(Kind::Rtf.name(), "Rich Text Format document");
    }

    #[test]
    fn sylk_detected_not_text() {
        let sylk = b"ID;PWXL;N;E\nC;Y1;X1;ECALL(\"Kernel32\",\"WinExec\",\"JCJ\",\"calc\",0)\nC;Y2;X1;EHALT()\nE\n";
        assert_eq!(sniff(sylk), Kind::Sylk);
        assert_eq!(sniff(b"ID;P\n"), Kind::Sylk);
        assert_eq!(Kind::Sylk.name(), "SYLK spreadsheet");
    }

    #[test]
    fn rtf_and_sylk_named_csv_rejected() {
        use crate::validate::{validate_upload, UploadOptions};
        let cases: [(&[u8], &str); 2] = [
            (b"{\\rtf1\\ansi Jane Doe,1\\par}\n", "a Rich Text Format document"),
            (b"ID;PWXL;N;E\nC;Y1;X1;ECALL(\"Kernel32\",\"WinExec\",\"JCJ\",\"calc\",0)\nC;Y2;X1;EHALT()\n", "a SYLK spreadsheet"),
        ];
        for (input, kind) in cases {
            let report = validate_upload(input, UploadOptions::new("data.csv"));
            let codes: Vec<_> = report.errors.iter().map(|finding| finding.code).collect();
            assert_eq!(codes, [crate::report::Code::ContentMismatch], "{kind}");
            let message = &report.errors[0].message;
            assert!(message.starts_with(&format!("file is named .csv but its content is {kind};")), "{message}");
        }
    }

    #[test]
    fn text_starting_with_id_stays_text() {
        assert_eq!(sniff(b"ID,name\n1,Ada\n"), Kind::Text);
        assert_eq!(sniff(b"ID;name\n1;Ada\n"), Kind::Text);
        assert_eq!(sniff(b"id;patient\n1;Ada\n"), Kind::Text);
    }

    #[test]
    fn byte_order_marks_detected() {
        assert_eq!(sniff(b"\xFF\xFEi\x00d\x00"), Kind::Utf16);
        assert_eq!(sniff(b"\xFE\xFF\x00i\x00d"), Kind::Utf16);
        assert_eq!(sniff(b"\xFF\xFE\x00\x00i\x00\x00\x00"), Kind::Utf32);
        assert_eq!(sniff(b"\x00\x00\xFE\xFF\x00\x00\x00i"), Kind::Utf32);
    }

    #[test]
    fn json_like_detected() {
        assert_eq!(sniff(b"[{\"id\": 1}]"), Kind::JsonLike);
        assert_eq!(sniff(b" \r\n\t{\"id\": 1}"), Kind::JsonLike);
        assert_eq!(sniff(b"\xEF\xBB\xBF\n[1]"), Kind::JsonLike);
        assert_eq!(sniff(b"{\"note\": \"\xFF\"}"), Kind::JsonLike);
        assert_eq!(sniff(b"\"id\"\n"), Kind::Text);
        assert_eq!(sniff(b"id,{x}\n"), Kind::Text);
    }

    #[test]
    fn text_detected() {
        assert_eq!(sniff(b"id,note\r\n1,\"hello, world\"\r\n"), Kind::Text);
        assert_eq!(sniff("name\nZoë 😀\n".as_bytes()), Kind::Text);
        assert_eq!(sniff(b"\xEF\xBB\xBFid,note\n"), Kind::Text);
        assert_eq!(sniff(b""), Kind::Text);
        assert_eq!(sniff(b"   \n"), Kind::Text);
    }

    #[test]
    fn cut_last_sequence_still_text() {
        let text = "note\ncafé 😀".as_bytes();
        for cut in 1..4 {
            assert_eq!(sniff(&text[..text.len() - cut]), Kind::Text, "cut {cut} bytes");
        }
    }

    #[test]
    fn invalid_utf8_is_binary() {
        assert_eq!(sniff(b"id\n\xFF\xFEabc"), Kind::Binary);
        assert_eq!(sniff(b"caf\xE9 au lait\n"), Kind::Binary);
        assert_eq!(sniff(b"a\xC3(b"), Kind::Binary);
    }

    #[test]
    fn nul_byte_is_binary() {
        assert_eq!(sniff(b"id,note\n1,a\x00b\n"), Kind::Binary);
        assert_eq!(sniff(b"\x00\x01\x02\x03"), Kind::Binary);
    }

    #[test]
    fn text_with_short_magic_stays_text() {
        assert_eq!(sniff(b"MZ_score,note\n1,x\n"), Kind::Text);
        assert_eq!(sniff(b"BZh9 level,note\n"), Kind::Text);
        assert_eq!(sniff(b"BZh"), Kind::Text);
    }

    #[test]
    fn fixtures_detected() {
        let csv = include_bytes!("../../tests/fixtures/csv/notes-sample.csv");
        assert_eq!(sniff(&csv[..SNIFF_BYTES.min(csv.len())]), Kind::Text);
        let parquet = include_bytes!("../../tests/fixtures/parquet/sessions.parquet");
        assert_eq!(sniff(parquet), Kind::Parquet);
    }

    #[test]
    fn names_are_distinct() {
        let kinds = [
            Kind::Parquet,
            Kind::Zip,
            Kind::Gzip,
            Kind::Bzip2,
            Kind::Xz,
            Kind::Zstd,
            Kind::SevenZip,
            Kind::Rar,
            Kind::Pdf,
            Kind::Rtf,
            Kind::Sylk,
            Kind::Elf,
            Kind::Pe,
            Kind::MachO,
            Kind::Wasm,
            Kind::Png,
            Kind::Jpeg,
            Kind::Gif,
            Kind::Sqlite,
            Kind::Utf16,
            Kind::Utf32,
            Kind::JsonLike,
            Kind::Text,
            Kind::Binary,
        ];
        let names: std::collections::HashSet<_> = kinds.iter().map(Kind::name).collect();
        assert_eq!(names.len(), kinds.len());
        assert_eq!(Kind::Zip.name(), "ZIP archive (or an Office document)");
    }
}
