//! Checks of an upload's file name: it must be a plain base name that cannot escape a
//! directory, hide its real type or break a file system.
//!
//! Path and extension rules run on the name as a server that decodes and normalizes names
//! would see it. Percent escapes are decoded, look-alike slashes such as U+2215 count as `/`
//! and invisible characters are removed. Then NFKC keeps every ASCII character and turns
//! full-width `．．／` into `../`.

use unicode_normalization::UnicodeNormalization;

use crate::limits::MAX_FILE_NAME_BYTES;
use crate::text::is_invisible;

/// One problem with a file name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Stable rule name, for example `path_traversal`.
    pub rule: &'static str,
    /// Short message that states what is wrong and what to do.
    pub message: String,
}

impl Problem {
    fn new(rule: &'static str, message: impl Into<String>) -> Problem {
        Problem { rule, message: message.into() }
    }
}

/// Extensions that run code or render active content when opened or served. A data file
/// never needs one of them next to its real extension.
///
/// Server-side handlers are listed too, because Apache's mod_mime applies the handler of any
/// extension in a name, not only the last. So `x.php5.csv` runs as PHP where `.php5` has one.
const DANGEROUS_EXTENSIONS: &[&str] = &[
    "app", "asa", "asax", "ascx", "ashx", "asmx", "asp", "aspx", "bash", "bat", "cer", "cfc",
    "cfm", "cgi", "cmd", "com", "cpl", "dll", "dmg", "docm", "exe", "fcgi", "gadget", "hta",
    "htaccess", "htm", "html", "inf", "iso", "jar", "js", "jse", "jsp", "jspf", "jspx",
    "lnk", "mjs", "msc", "msi", "msp", "phar", "php", "php3", "php4", "php5", "php6", "php7",
    "php8", "phps", "pht", "phtm", "phtml", "pif", "pl", "ps1", "psm1", "py", "rb", "reg", "scf",
    "scr", "sh", "shtm", "shtml", "stm", "svg", "svgz", "vbe", "vbs", "wsf", "wsh", "xhtml",
    "xlsm",
];

/// Extensions of data and documents, which an executable extension may hide behind when the
/// executable one comes last (`report.csv.exe` shows as `report.csv` where extensions are
/// hidden).
const DATA_EXTENSIONS: &[&str] = &[
    "csv", "doc", "docx", "gif", "jpeg", "jpg", "json", "jsonl", "md", "ndjson", "parquet", "pdf",
    "png", "tsv", "txt", "xls", "xlsx", "xml", "zip",
];

/// Device names that Windows reserves in every directory and with any extension. `is_reserved`
/// also rejects `COM0`–`COM9` and `LPT0`–`LPT9`, counting `COM0` and `LPT0` as a precaution.
const RESERVED_NAMES: &[&str] = &["aux", "con", "conin$", "conout$", "nul", "prn"];

/// Checks `name` and returns every problem found, or nothing for a safe base name.
pub fn check(name: &str) -> Vec<Problem> {
    if name.is_empty() {
        return vec![Problem::new(
            "empty",
            "file name is empty; name the file, for example data.csv",
        )];
    }
    let normalized = decoded_form(name);
    let mut problems = Vec::new();

    if name.len() > MAX_FILE_NAME_BYTES {
        problems.push(Problem::new(
            "too_long",
            format!(
                "file name is {} bytes, more than the maximum of {MAX_FILE_NAME_BYTES}; shorten it",
                name.len()
            ),
        ));
    }
    check_characters(name, &mut problems);
    check_path(&normalized, &mut problems);
    if normalized.contains(':') {
        problems.push(Problem::new(
            "colon",
            "file name contains ':', which Windows reads as a drive or an alternate data \
             stream; remove it",
        ));
    }

    let base = base_name(&normalized);
    if let Some(problem) = check_double_extension(base) {
        problems.push(problem);
    }
    if is_reserved(base) {
        problems.push(Problem::new(
            "reserved_name",
            "file name is a device name that Windows reserves, such as CON or COM1; rename the file",
        ));
    }
    if name.ends_with(['.', ' ']) {
        problems.push(Problem::new(
            "trailing_dot_or_space",
            "file name ends with a dot or a space, which Windows drops; remove it",
        ));
    }
    problems
}

/// Maximum rounds of percent-decoding, enough for `%252e` (double) and `%25252e` (triple)
/// encoding while bounding the work on a crafted name.
const MAX_PERCENT_ROUNDS: usize = 3;

/// Returns the form of `name` that the path and extension rules check: percent-decoded,
/// look-alike slashes replaced, invisible characters removed, then NFKC.
///
/// Look-alike slashes are replaced before NFKC, because NFKC writes `½` as `1⁄2` with
/// U+2044, and a name such as `week ½.csv` has no separator.
fn decoded_form(name: &str) -> String {
    let mut decoded = name.to_owned();
    for _ in 0..MAX_PERCENT_ROUNDS {
        match percent_decode(&decoded) {
            Some(next) => decoded = next,
            None => break,
        }
    }
    let plain: String = decoded
        .chars()
        .filter(|&c| !is_hidden_character(c) && !is_bidi_control(c))
        .map(|c| match c {
            '\u{2044}' | '\u{2215}' | '\u{2571}' | '\u{27CB}' | '\u{29F8}' => '/',
            '\u{2216}' | '\u{2572}' | '\u{27CD}' | '\u{29F5}' | '\u{29F9}' => '\\',
            other => other,
        })
        .collect();
    plain.nfkc().collect()
}

/// Decodes every `%XX` escape of `text` and returns `None` when it has none.
///
/// Bytes that do not form UTF-8 after decoding become U+FFFD, which no rule matches.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut changed = false;
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        let escaped = match (b, bytes.get(at + 1), bytes.get(at + 2)) {
            (b'%', Some(&high), Some(&low)) => hex_value(high).zip(hex_value(low)),
            _ => None,
        };
        match escaped {
            Some((high, low)) => {
                out.push(high << 4 | low);
                changed = true;
                at += 3;
            }
            None => {
                out.push(b);
                at += 1;
            }
        }
    }
    changed.then(|| String::from_utf8_lossy(&out).into_owned())
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|value| u8::try_from(value).ok())
}

/// Returns `true` for characters that show nothing or only a blank, which can hide part of a
/// name from a reader, as in `x.exe\u{200B}.csv`.
///
/// They are the format characters that [`is_invisible`] lists, except the bidirectional
/// controls, which have their own rule. Hangul fillers, variation selectors, tag characters
/// and the line and paragraph separators are added, because `is_invisible` omits them.
fn is_hidden_character(c: char) -> bool {
    let other_blank = matches!(
        c,
        '\u{115F}'
            | '\u{1160}'
            | '\u{180B}'..='\u{180F}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    );
    other_blank || (is_invisible(c) && !is_bidi_control(c))
}

/// Reports NUL, other control characters, bidirectional controls and invisible characters,
/// once each.
fn check_characters(name: &str, problems: &mut Vec<Problem>) {
    if name.contains('\0') {
        problems.push(Problem::new("nul", "file name contains a NUL byte; remove it"));
    }
    if name.chars().any(|c| c != '\0' && c.is_control()) {
        problems.push(Problem::new(
            "control_character",
            "file name contains a control character; remove it",
        ));
    }
    if name.chars().any(is_bidi_control) {
        problems.push(Problem::new(
            "bidi_control",
            "file name contains a bidirectional control character, which can disguise its \
             extension; remove it",
        ));
    }
    if name.chars().any(is_hidden_character) {
        problems.push(Problem::new(
            "invisible_character",
            "file name contains an invisible character, which can hide part of the name; \
             remove it",
        ));
    }
}

/// Returns `true` for the characters that reorder text for display, as in the right-to-left
/// override trick that shows `exe.csv` for `\u{202E}vsc.exe`.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Reports traversal, absolute paths and other separators in the decoded form of the name.
fn check_path(normalized: &str, problems: &mut Vec<Problem>) {
    let traversal = normalized.split(['/', '\\']).any(is_dot_component);
    let absolute = is_absolute(normalized);
    if traversal {
        problems.push(Problem::new(
            "path_traversal",
            "file name contains a '..' path component; upload the file by its base name",
        ));
    }
    if absolute {
        problems.push(Problem::new(
            "absolute_path",
            "file name is an absolute path; upload the file by its base name",
        ));
    }
    if !traversal && !absolute && normalized.contains(['/', '\\']) {
        problems.push(Problem::new(
            "path_separator",
            "file name contains '/' or '\\'; upload the file by its base name",
        ));
    }
}

/// Returns whether a path component means the parent directory: `..`, or more dots, with
/// trailing spaces, which Windows strips from a component.
fn is_dot_component(component: &str) -> bool {
    let trimmed = component.trim_end_matches(' ');
    trimmed.len() >= 2 && trimmed.bytes().all(|b| b == b'.')
}

/// Returns whether `name` is a Unix, Windows or UNC absolute path, a drive-relative path such
/// as `C:data.csv`, or a home-directory path.
fn is_absolute(name: &str) -> bool {
    let bytes = name.as_bytes();
    let rooted = matches!(bytes.first(), Some(b'/' | b'\\'));
    let drive = matches!(bytes, [letter, b':', ..] if letter.is_ascii_alphabetic());
    let home = name == "~" || name.starts_with("~/") || name.starts_with("~\\");
    rooted || drive || home
}

/// Returns the last path component of `name`.
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Returns the extensions of a base name in order, lower-cased, without empty parts. A
/// leading dot marks a hidden file, not an extension.
fn extensions(base: &str) -> Vec<String> {
    let visible = base.trim_start_matches('.');
    visible
        .split('.')
        .skip(1)
        .map(|part| part.trim_matches(' ').to_lowercase())
        .filter(|part| !part.is_empty())
        .collect()
}

fn check_double_extension(base: &str) -> Option<Problem> {
    let extensions = extensions(base);
    let (last, before) = extensions.split_last()?;
    // `com` before the last extension is a domain name (`example.com.csv`) far more often than
    // an executable, and web servers do not map `.com` to a script handler by default.
    let hidden = before
        .iter()
        .find(|ext| ext.as_str() != "com" && DANGEROUS_EXTENSIONS.contains(&ext.as_str()));
    let disguised =
        before.last().is_some_and(|previous| DATA_EXTENSIONS.contains(&previous.as_str()))
            && DANGEROUS_EXTENSIONS.contains(&last.as_str());
    let dangerous = match (hidden, disguised) {
        (Some(ext), _) => ext,
        (None, true) => last,
        (None, false) => return None,
    };
    Some(Problem::new(
        "double_extension",
        format!(
            "file name combines the executable extension .{dangerous} with another extension; \
             rename the file so that it has only its data extension"
        ),
    ))
}

/// Returns whether the part of `base` before its first dot is a reserved Windows device name.
fn is_reserved(base: &str) -> bool {
    let stem = base.split('.').next().unwrap_or(base).trim_end_matches(' ').to_ascii_lowercase();
    if RESERVED_NAMES.contains(&stem.as_str()) {
        return true;
    }
    match stem.as_bytes() {
        [b'c', b'o', b'm', digit] | [b'l', b'p', b't', digit] => digit.is_ascii_digit(),
        _ => false,
    }
}

/// Returns the last extension of `name`, lower-cased and without the dot.
///
/// Returns `None` when the base name has no dot after its leading dots (`data`, `.hidden`,
/// `..csv`) or ends with a dot (`data.`). The extension is not normalized, so a full-width `ｃｓｖ`
/// stays as it is and does not pass for `csv`.
pub fn extension(name: &str) -> Option<String> {
    let base = base_name(name);
    let visible = base.trim_start_matches('.');
    let (_, extension) = visible.rsplit_once('.')?;
    if extension.is_empty() {
        return None;
    }
    Some(extension.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(name: &str) -> Vec<&'static str> {
        check(name).into_iter().map(|problem| problem.rule).collect()
    }

    fn assert_rule(name: &str, rule: &str) {
        let found = rules(name);
        assert!(found.contains(&rule), "{name:?}: expected {rule}, found {found:?}");
    }

    fn assert_no_rule(name: &str, rule: &str) {
        let found = rules(name);
        assert!(!found.contains(&rule), "{name:?}: unexpected {rule} in {found:?}");
    }

    #[test]
    fn safe_names_pass() {
        let names = [
            "data.csv",
            "Therapy Sessions 2024.jsonl",
            "notes.v2.json",
            "example.com.csv",
            ".env.json",
            "données.parquet",
        ];
        for name in names {
            assert_eq!(rules(name), Vec::<&str>::new(), "{name:?}");
        }
    }

    #[test]
    fn empty() {
        assert_eq!(rules(""), ["empty"]);
    }

    #[test]
    fn too_long() {
        let at_limit = format!("{}.csv", "a".repeat(MAX_FILE_NAME_BYTES - 4));
        assert_no_rule(&at_limit, "too_long");
        let over = format!("{}.csv", "a".repeat(MAX_FILE_NAME_BYTES - 3));
        assert_rule(&over, "too_long");
        let message = &check(&over)[0].message;
        assert!(message.contains("256 bytes"), "{message}");
    }

    #[test]
    fn nul_and_control_characters() {
        assert_eq!(rules("data\0.csv"), ["nul"]);
        for c in ['\u{1}', '\t', '\n', '\u{1F}', '\u{7F}', '\u{80}', '\u{9F}'] {
            assert_eq!(rules(&format!("da{c}ta.csv")), ["control_character"], "{c:?}");
        }
        assert_eq!(rules("data\u{A0}.csv"), Vec::<&str>::new());
    }

    #[test]
    fn bidi_control() {
        assert_rule("report\u{202E}vsc.exe", "bidi_control");
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}',
            '\u{2069}',
        ] {
            assert_rule(&format!("a{c}b.csv"), "bidi_control");
        }
        assert_no_rule("arabic-\u{0627}.csv", "bidi_control");
    }

    #[test]
    fn path_traversal() {
        for name in [
            "../data.csv",
            "..\\data.csv",
            "a/../../b.csv",
            "..",
            "x/..",
            "．．／data.csv",
            "…/x.csv",
            "... /x.csv",
        ] {
            assert_rule(name, "path_traversal");
            assert_no_rule(name, "path_separator");
        }
        assert_no_rule("..data.csv", "path_traversal");
        assert_no_rule("a..b.csv", "path_traversal");
    }

    #[test]
    fn absolute_path() {
        for name in [
            "/etc/passwd",
            "\\x.csv",
            "C:\\data.csv",
            "c:/data.csv",
            "C:data.csv",
            "\\\\server\\share\\x.csv",
            "~/x.csv",
            "~",
            "／etc/x.csv",
        ] {
            assert_rule(name, "absolute_path");
            assert_no_rule(name, "path_separator");
        }
        assert_no_rule("data~1.csv", "absolute_path");
    }

    #[test]
    fn path_separator() {
        assert_eq!(rules("dir/data.csv"), ["path_separator"]);
        assert_eq!(rules("dir\\data.csv"), ["path_separator"]);
        assert_eq!(rules("dir／data.csv"), ["path_separator"]);
    }

    #[test]
    fn double_extension() {
        for name in [
            "data.csv.exe",
            "data.exe.csv",
            "x.json.js",
            "notes.php.csv",
            "a.CSV.EXE",
            "a.csv .exe",
            "a.ｅｘｅ.csv",
            "a.txt.scr",
        ] {
            assert_rule(name, "double_extension");
        }
        for name in [
            "data.csv",
            "report.final.csv",
            "example.com.csv",
            "archive.tar.gz",
            ".exe.csv",
            "x.exe",
        ] {
            assert_no_rule(name, "double_extension");
        }
        assert!(check("data.csv.exe")[0].message.contains(".exe"));
    }

    #[test]
    fn server_handler_extensions() {
        for ext in [
            "php3", "php4", "php5", "php7", "php8", "phar", "pht", "phps", "phtml", "shtml",
            "asa", "asp", "aspx", "cer", "jsp", "jspx", "cgi", "cfm", "svgz", "htaccess",
        ] {
            assert_rule(&format!("x.{ext}.csv"), "double_extension");
            assert_rule(&format!("x.csv.{ext}"), "double_extension");
        }
        assert_no_rule("Acme.Inc.csv", "double_extension");
        assert_no_rule("php5-notes.csv", "double_extension");
    }

    #[test]
    fn colon() {
        for name in ["x.exe:y.csv", "file::$DATA.csv", "C:data.csv", "a：b.csv", "a%3Ab.csv"] {
            assert_rule(name, "colon");
        }
        assert_eq!(rules("x.exe:y.csv"), ["colon"]);
        assert_no_rule("data.csv", "colon");
    }

    #[test]
    fn look_alike_slashes() {
        for slash in ['\u{2215}', '\u{2044}', '\u{29F8}', '\u{2571}', '\u{27CB}', '\u{FF0F}'] {
            assert_rule(&format!("..{slash}x.csv"), "path_traversal");
            assert_eq!(rules(&format!("dir{slash}x.csv")), ["path_separator"], "{slash:?}");
        }
        for slash in ['\u{2216}', '\u{29F5}', '\u{29F9}', '\u{FE68}', '\u{FF3C}'] {
            assert_rule(&format!("..{slash}x.csv"), "path_traversal");
        }
        assert_eq!(rules("week \u{BD}.csv"), Vec::<&str>::new());
    }

    #[test]
    fn percent_encoded_paths() {
        for name in [
            "%2e%2e%2fx.csv",
            "..%2f..%2fetc%2fcron.d%2fx.csv",
            "..%5cx.csv",
            "%252e%252e%252fx.csv",
            "%25252e%25252e%25252fx.csv",
        ] {
            assert_rule(name, "path_traversal");
        }
        assert_rule("%2fetc%2fx.csv", "absolute_path");
        assert_eq!(rules("dir%2Fx.csv"), ["path_separator"]);
        assert_rule("x.php%2ecsv", "double_extension");
        assert_no_rule("%2525252e%2525252e%2525252fx.csv", "path_traversal");
        assert_eq!(rules("100% done.csv"), Vec::<&str>::new());
        assert_eq!(rules("caf%C3%A9.csv"), Vec::<&str>::new());
        assert_eq!(rules("bad%FF.csv"), Vec::<&str>::new());
    }

    #[test]
    fn invisible_character() {
        for c in [
            '\u{AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{2028}',
            '\u{180B}', '\u{FE0F}', '\u{115F}', '\u{3164}', '\u{1D173}', '\u{E0001}',
        ] {
            assert_eq!(rules(&format!("da{c}ta.csv")), ["invisible_character"], "{c:?}");
        }
        assert_eq!(rules("x.exe\u{200B}.csv"), ["invisible_character", "double_extension"]);
        assert_eq!(rules("a\u{202E}b.csv"), ["bidi_control"]);
        assert_no_rule("caf\u{E9}.csv", "invisible_character");
    }

    #[test]
    fn reserved_name() {
        for name in [
            "CON",
            "con.csv",
            "PRN.json",
            "aux.tar.gz",
            "NUL",
            "COM1.csv",
            "com9",
            "LPT1.csv",
            "lpt9.txt",
            "COM¹.csv",
            "CON .csv",
            "CONIN$.csv",
        ] {
            assert_rule(name, "reserved_name");
        }
        for name in ["console.csv", "COM10.csv", "icon.csv", "nullable.csv", "comx.csv"] {
            assert_no_rule(name, "reserved_name");
        }
    }

    #[test]
    fn trailing_dot_or_space() {
        assert_eq!(rules("data.csv."), ["trailing_dot_or_space"]);
        assert_eq!(rules("data.csv "), ["trailing_dot_or_space"]);
        assert_no_rule("data.csv", "trailing_dot_or_space");
    }

    #[test]
    fn several_problems_at_once() {
        assert_eq!(
            rules("../CON.csv.exe "),
            ["path_traversal", "double_extension", "reserved_name", "trailing_dot_or_space"]
        );
    }

    #[test]
    fn extension_cases() {
        assert_eq!(extension("data.csv").as_deref(), Some("csv"));
        assert_eq!(extension("DATA.CSV").as_deref(), Some("csv"));
        assert_eq!(extension("a.tar.gz").as_deref(), Some("gz"));
        assert_eq!(extension(".config.json").as_deref(), Some("json"));
        assert_eq!(extension("dir.d/data").as_deref(), None);
        assert_eq!(extension("dir\\x.parquet").as_deref(), Some("parquet"));
        assert_eq!(extension(".hidden"), None);
        assert_eq!(extension("..csv"), None);
        assert_eq!(extension("data."), None);
        assert_eq!(extension("data"), None);
        assert_eq!(extension(""), None);
        assert_eq!(extension("data.ＣＳＶ").as_deref(), Some("ｃｓｖ"));
    }

    #[test]
    fn messages_are_short() {
        let name = format!("../CON.{}\u{202E}\u{1}\0.csv.exe ", "a".repeat(300));
        let problems = check(&name);
        assert!(problems.len() >= 6, "{problems:?}");
        for problem in problems {
            assert!(problem.message.len() < 140, "{}: {}", problem.rule, problem.message);
        }
    }
}
