//! Detection of active content in dataset values: markup, URLs and calls that a browser,
//! a PHP or Python interpreter or a shell would run if the value reached one unescaped.
//!
//! Values are matched in their folded form ([`crate::text::fold`]), so upper case, HTML
//! references, percent escapes, full-width letters and zero-width characters do not hide a
//! keyword. Each rule runs only when its trigger byte (`<`, `:`, `(` or `_`) is in the folded
//! text, and a value with none of those bytes nor any escape or non-ASCII character is never
//! folded.

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};

use crate::text::{self, Folded};

/// One rule that matched, with the byte range of the matching text in the original value.
///
/// It contains no part of the value, so its `Debug` output is safe to log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    /// Stable rule name, for example `script_tag`.
    pub rule: &'static str,
    /// Short reason for people, without the value.
    pub reason: &'static str,
    /// Start of the match in the original value, in bytes.
    pub start: usize,
    /// End of the match in the original value, in bytes.
    pub end: usize,
}

/// A rule: its name, reason, trigger byte and pattern over folded (lower-case) text.
struct Rule {
    name: &'static str,
    reason: &'static str,
    trigger: u8,
    pattern: Pattern,
}

enum Pattern {
    /// A regular expression.
    Regex(&'static str),
    /// A URL scheme, matched with [`GAP`] allowed between its letters and before its `:`.
    Scheme(&'static str),
}

/// Characters that browsers strip from inside a URL scheme (tab, CR, LF), widened to every
/// ASCII control character and the space, so `java\tscript:` and `java\0script:` both match.
const GAP: &str = r"[\x00-\x20]*";

/// A block comment or a line comment of up to 64 bytes, which JavaScript, PHP and C-like
/// languages accept between a function name and its `(`. The bound keeps `/*` in prose from
/// letting a rule reach far ahead.
macro_rules! code_comment {
    () => {
        r"/\*[^*]{0,64}\*/|//[^\n]{0,64}\n"
    };
}

/// The rules in the order that [`scan`] reports matches at the same offset.
///
/// Patterns run on bytes in ASCII mode: `\b` and `\s` are ASCII-only, which keeps the regex
/// engine on its fast DFA path for non-ASCII text.
const RULES: &[Rule] = &[
    Rule {
        name: "script_tag",
        reason: "contains a <script> tag",
        trigger: b'<',
        pattern: Pattern::Regex(r"<script\b"),
    },
    Rule {
        name: "embedded_object",
        reason: "contains an <iframe>, <object>, <embed> or similar tag",
        trigger: b'<',
        pattern: Pattern::Regex(r"<(?:iframe|object|embed|frameset|frame|applet)\b"),
    },
    Rule {
        name: "event_handler",
        reason: "contains an HTML tag with an on... event handler attribute",
        trigger: b'<',
        // A tag name, then attributes up to one whose name starts with `on` after a space,
        // `/`, quote or quoted value (`<svg/onload=`, `alt="x"onerror=`). A `>` inside a
        // quoted value does not end the tag, as in a browser (`<img alt=">" onerror=x>`).
        // A quote may also count as a plain character, because an unquoted value may contain
        // one (`alt=a"b onerror=x`) and folding decodes `&quot;`. The regex matches when any
        // of these readings reaches `on…=`, so it covers the reading a browser makes.
        pattern: Pattern::Regex(
            r#"<[a-z](?:[^>]|"[^"]*"|'[^']*')*(?:[\s/"']|"[^"]*"|'[^']*')on[a-z]+\s*="#,
        ),
    },
    Rule {
        name: "php_tag",
        reason: "contains a PHP open tag",
        trigger: b'<',
        pattern: Pattern::Regex(r"<\?(?:php\b|=)"),
    },
    Rule {
        name: "javascript_url",
        reason: "contains a javascript: URL",
        trigger: b':',
        pattern: Pattern::Scheme("javascript"),
    },
    Rule {
        name: "vbscript_url",
        reason: "contains a vbscript: URL",
        trigger: b':',
        pattern: Pattern::Scheme("vbscript"),
    },
    Rule {
        name: "data_html_url",
        reason: "contains a data: URL with an HTML or SVG document",
        trigger: b':',
        pattern: Pattern::Regex(
            r"\bdata[\x00-\x20]*:[\x00-\x20]*(?:text/html|image/svg\+xml|application/xhtml\+xml)",
        ),
    },
    Rule {
        name: "eval_call",
        reason: "contains an eval( call",
        trigger: b'(',
        pattern: Pattern::Regex(concat!(
            r"\beval(?:\s|\xE2\x80[\xA8\xA9]|",
            code_comment!(),
            r")*\("
        )),
    },
    Rule {
        name: "system_call",
        reason: "contains a shell command call such as system( or exec(",
        trigger: b'(',
        // PHP and Python accept any whitespace before `(`, but this rule allows only tabs and
        // comments there, because "the system (as a whole)" and "exec (executive)" are prose.
        // A module-qualified Python name is not prose, so it may have spaces.
        pattern: Pattern::Regex(concat!(
            r"(?:\b(?:system|exec|popen|passthru|shell_exec|proc_open|pcntl_exec)(?:\t|",
            code_comment!(),
            r")*|\b(?:subprocess\.(?:call|check_call|check_output|run|popen|getoutput",
            r"|getstatusoutput)|os\.(?:exec|spawn)[lvpe]{1,3}|os\.posix_spawnp?|pty\.spawn)\s*)\(",
        )),
    },
    Rule {
        name: "python_import",
        reason: "contains a Python __import__ call",
        trigger: b'_',
        pattern: Pattern::Regex(r"__import__"),
    },
];

/// Returns a pattern for `scheme` followed by `:`, allowing [`GAP`] between its letters.
fn scheme_pattern(scheme: &str) -> String {
    let mut pattern = String::from(r"\b");
    for letter in scheme.chars() {
        pattern.push(letter);
        pattern.push_str(GAP);
    }
    pattern.push(':');
    pattern
}

/// Returns the compiled rules, in the order of [`RULES`].
fn compiled() -> &'static [Regex] {
    static COMPILED: OnceLock<Vec<Regex>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        RULES
            .iter()
            .map(|rule| {
                let pattern = match rule.pattern {
                    Pattern::Regex(pattern) => pattern.to_owned(),
                    Pattern::Scheme(scheme) => scheme_pattern(scheme),
                };
                RegexBuilder::new(&pattern)
                    .unicode(false)
                    .build()
                    .expect("content rule patterns are constants checked by the tests")
            })
            .collect()
    })
}

/// Returns `true` when folding cannot produce any rule's trigger byte, so `value` cannot match.
fn is_inert(value: &str) -> bool {
    let bytes = value.as_bytes();
    if !value.is_ascii() || memchr::memchr2(b'&', b'%', bytes).is_some() {
        return false;
    }
    memchr::memchr3(b'<', b':', b'(', bytes).is_none() && memchr::memchr(b'_', bytes).is_none()
}

/// Scans `value` for active content and returns the first match of each rule that matched,
/// ordered by start offset.
///
/// Offsets point into `value` and cover every source byte of the match, so a match found
/// after decoding `&lt;script` starts at the `&`.
///
/// NOTE: matching is by keyword, not by parsing HTML. Prose such as "Javascript: a primer"
/// matches `javascript_url`, and an event handler injected into an attribute without a `<`
/// (`" onmouseover="x`) matches nothing.
pub fn scan(value: &str) -> Vec<Match> {
    if is_inert(value) {
        return Vec::new();
    }
    let folded = text::fold(value);
    scan_folded(&folded)
}

/// Scans text that is already folded and maps the matches to the original value.
pub fn scan_folded(folded: &Folded) -> Vec<Match> {
    let haystack = folded.text.as_bytes();
    let has_lt = memchr::memchr(b'<', haystack).is_some();
    let has_colon = memchr::memchr(b':', haystack).is_some();
    let has_paren = memchr::memchr(b'(', haystack).is_some();
    let has_underscore = memchr::memchr(b'_', haystack).is_some();

    let mut matches = Vec::new();
    for (rule, regex) in RULES.iter().zip(compiled()) {
        let triggered = match rule.trigger {
            b'<' => has_lt,
            b':' => has_colon,
            b'(' => has_paren,
            _ => has_underscore,
        };
        if !triggered {
            continue;
        }
        if let Some(found) = regex.find(haystack) {
            let source = folded.source_range(found.range());
            matches.push(Match {
                rule: rule.name,
                reason: rule.reason,
                start: source.start,
                end: source.end,
            });
        }
    }
    matches.sort_by_key(|found| found.start);
    matches
}

/// Names of every rule, in a stable order.
pub fn rule_names() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|rule| rule.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::test_corpus;

    fn rules(value: &str) -> Vec<&'static str> {
        scan(value).into_iter().map(|found| found.rule).collect()
    }

    fn assert_rule(value: &str, rule: &str) {
        let found = rules(value);
        assert!(found.contains(&rule), "{value:?}: expected {rule}, found {found:?}");
    }

    fn assert_clean(value: &str) {
        let found = scan(value);
        assert!(found.is_empty(), "{value:?}: expected no match, found {found:?}");
    }

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(compiled().len(), RULES.len());
    }

    #[test]
    fn script_tag() {
        assert_rule("<script>alert(1)</script>", "script_tag");
        assert_rule("x<SCRIPT src=//a>", "script_tag");
        assert_rule("<script", "script_tag");
        assert_rule("<script/src=x>", "script_tag");
        assert_clean("<scripture reading> was calming");
    }

    #[test]
    fn event_handler() {
        assert_rule("<img src=x onerror=alert(1)>", "event_handler");
        assert_rule("<svg/onload=alert(1)>", "event_handler");
        assert_rule("<body onLoad = 'x'>", "event_handler");
        assert_rule("<img src=\"x\"onerror=y>", "event_handler");
        assert_rule("<a\nonclick=x>", "event_handler");
        assert_clean("<b>bold</b> and on=off");
        assert_clean("<img src=x> onerror=1");
    }

    #[test]
    fn event_handler_after_quoted_gt() {
        for value in [
            r#"<img alt=">" src=x onerror=alert(1)>"#,
            "<img alt='>' src=x onerror=alert(1)>",
            r#"<a title=">" href=x onmouseover=alert(1)>x</a>"#,
            r#"<img alt=">" title='>>' data-x="a>b" onerror=alert(1)>"#,
            r#"<img alt = ">" src=x onerror=alert(1)>"#,
            r#"<img alt=">"onerror=alert(1)>"#,
            r#"<img alt=a"b src=x onerror=alert(1)>"#,
            "<img alt=x src=y onerror=alert(1)>",
            "&lt;img alt=&quot;&gt;&quot; src=x onerror=alert(1)&gt;",
            "<img alt=\">\nline\" onerror=alert(1)>",
        ] {
            assert_rule(value, "event_handler");
        }
        assert_clean(r#"<b title=">">bold</b> on=off"#);
        assert_clean(r#"<b>"quoted"</b> and onward=1"#);
        assert_clean("<img alt='x'> onerror=1");
    }

    #[test]
    fn javascript_url() {
        assert_rule("javascript:alert(1)", "javascript_url");
        assert_rule("<a href=\"JaVaScRiPt:x\">", "javascript_url");
        assert_rule("java\tscript:x", "javascript_url");
        assert_rule("java\r\nscript:x", "javascript_url");
        assert_rule("j a v a s c r i p t :x", "javascript_url");
        assert_rule("java\u{0}script:x", "javascript_url");
        assert_clean("javascript is a language");
        assert_clean("myjavascript:x");
    }

    #[test]
    fn vbscript_url() {
        assert_rule("vbscript:msgbox(1)", "vbscript_url");
        assert_rule("VB\tScript:x", "vbscript_url");
        assert_clean("vbscript was a language");
    }

    #[test]
    fn data_html_url() {
        assert_rule("data:text/html,<b>", "data_html_url");
        assert_rule("DATA:TEXT/HTML;base64,PGI+", "data_html_url");
        assert_rule("data:image/svg+xml;base64,PHN2Zz4=", "data_html_url");
        assert_clean("data:image/png;base64,iVBORw0KGgo=");
        assert_clean("the data: text/plain notes");
    }

    #[test]
    fn php_tag() {
        assert_rule("<?php echo 1; ?>", "php_tag");
        assert_rule("<?PHP\nsystem", "php_tag");
        assert_rule("<?= $x ?>", "php_tag");
        assert_clean("<?xml version=\"1.0\"?>");
    }

    #[test]
    fn eval_call() {
        assert_rule("eval(atob('x'))", "eval_call");
        assert_rule("EVAL  (x)", "eval_call");
        assert_rule("window.eval(x)", "eval_call");
        assert_clean("evaluation(s) went well");
        assert_clean("a medieval (old) castle");
    }

    #[test]
    fn eval_call_with_comments() {
        for value in [
            "eval/**/(x)",
            "eval/*x*/(x)",
            "eval /* a */ /* b */ (x)",
            "eval//x\n(x)",
            "eval\u{2028}(x)",
            "eval\t(x)",
        ] {
            assert_rule(value, "eval_call");
        }
        assert_clean(&format!("eval/*{}*/(x)", "a".repeat(65)));
        assert_clean("eval/* a*b */(x)");
        assert_clean("medieval/**/(x)");
    }

    #[test]
    fn system_call() {
        for call in ["system(", "exec(", "popen(", "passthru(", "shell_exec(", "os.system("] {
            assert_rule(&format!("{call}'id')"), "system_call");
        }
        assert_clean("the system (as a whole)");
        assert_clean("an ecosystem(s) view");
        assert_clean("the exec (executive) team");
    }

    #[test]
    fn system_call_gaps_and_process_calls() {
        for value in [
            "system\t('id')",
            "system\t\t('id')",
            "system/**/('id')",
            "system/*x*/\t('id')",
            "system//x\n('id')",
            "pcntl_exec('/bin/sh')",
            "PCNTL_EXEC('/bin/sh')",
            "subprocess.call(['id'])",
            "subprocess.Popen(['id'])",
            "subprocess.run (['id'])",
            "subprocess.check_output(['id'])",
            "subprocess.getoutput('id')",
            "os.execv('/bin/sh', [])",
            "os.execvpe('sh', [], {})",
            "os.spawnlp(0, 'sh')",
            "os.posix_spawn('/bin/sh', [], {})",
            "pty.spawn('/bin/sh')",
        ] {
            assert_rule(value, "system_call");
        }
        for value in [
            "the system (as a whole)",
            "the system\n(as a whole)",
            "the system / (as a whole)",
            "the exec /* not code */ team",
            "a subprocess (call it a step)",
            "the subprocess call (roughly)",
            "the os (operating system)",
            "a pcntl exec (sic)",
        ] {
            assert_clean(value);
        }
    }

    #[test]
    fn python_import() {
        assert_rule("__import__('os').system('id')", "python_import");
        assert_rule("__IMPORT__", "python_import");
        assert_clean("import os");
    }

    #[test]
    fn embedded_object() {
        assert_rule("<iframe src=x>", "embedded_object");
        assert_rule("<OBJECT data=x>", "embedded_object");
        assert_rule("<embed src=x>", "embedded_object");
        assert_clean("I felt like an object in the room");
    }

    #[test]
    fn evasions_fold_to_keywords() {
        let cases = [
            ("&lt;script&gt;", "script_tag"),
            ("&#60;ScRiPt", "script_tag"),
            ("&#x3c;script", "script_tag"),
            ("%3Cscript%3E", "script_tag"),
            ("%3cscript", "script_tag"),
            ("%253Cscript", "script_tag"),
            ("＜ｓｃｒｉｐｔ＞", "script_tag"),
            ("<scr\u{200B}ipt>", "script_tag"),
            ("<scr\u{00AD}ipt>", "script_tag"),
            ("java\u{200B}script:alert(1)", "javascript_url"),
            ("javascript&colon;alert(1)", "javascript_url"),
            ("java&Tab;script:x", "javascript_url"),
            ("java&#9;script:x", "javascript_url"),
            ("&#106;avascript:x", "javascript_url"),
            ("%6A%61vascript:x", "javascript_url"),
            ("ｊａｖａｓｃｒｉｐｔ：x", "javascript_url"),
            ("&lt;img src=x onerror=y&gt;", "event_handler"),
            ("ｅｖａｌ（x）", "eval_call"),
            ("eval&lpar;x&rpar;", "eval_call"),
            ("&#95;_import__", "python_import"),
        ];
        for (value, rule) in cases {
            assert_rule(value, rule);
        }
    }

    #[test]
    fn near_misses_pass() {
        let values = [
            "the system (as a whole)",
            "evaluation(s)",
            "a <3 b",
            "on=off",
            "javascript is a language",
            "I scored 3 < 5 on the scale",
            "time: 10:30 (approx.)",
            "R&D at AT&T, 100% sure",
            "data: we collected notes",
            "my_file_name",
            "It’s “fine” — really…",
            "",
        ];
        for value in values {
            assert_clean(value);
        }
    }

    #[test]
    fn offsets_point_into_original() {
        let value = "hello &lt;script&gt;";
        let found = scan(value);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "script_tag");
        assert_eq!(&value[found[0].start..found[0].end], "&lt;script");
    }

    #[test]
    fn several_rules_sorted_by_offset() {
        let found = scan("eval(1) <script> javascript:x");
        let names: Vec<_> = found.iter().map(|m| m.rule).collect();
        assert_eq!(names, ["eval_call", "script_tag", "javascript_url"]);
    }

    #[test]
    fn reasons_never_quote_value() {
        for rule in RULES {
            assert!(rule.reason.len() < 80, "{}", rule.name);
        }
        let debug = format!("{:?}", scan("<script>secret-note</script>"));
        assert!(!debug.contains("secret-note"), "{debug}");
    }

    #[test]
    fn rule_names_unique_snake_case() {
        let names: Vec<_> = rule_names().collect();
        for (i, name) in names.iter().enumerate() {
            assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{name}");
            assert!(!names[i + 1..].contains(name), "{name} repeated");
        }
    }

    #[test]
    fn long_hostile_values_finish() {
        let lots_of_tags = "<a ".repeat(200_000);
        assert_clean(&lots_of_tags);
        let gaps = format!("java{}script", "\t".repeat(100_000));
        assert_clean(&gaps);
        let opens = "<".repeat(500_000);
        assert_clean(&opens);
        let open_quotes = "<a b=\"".repeat(100_000);
        assert_clean(&open_quotes);
        let mixed_quotes = "<a \"'".repeat(100_000);
        assert_clean(&mixed_quotes);
        let comments = "eval/*".repeat(100_000);
        assert_clean(&comments);
    }

    #[test]
    fn counsel_chat_has_no_matches() {
        let Some(corpus) = test_corpus::counsel_chat_text() else {
            return;
        };
        let cells = test_corpus::csv_cells(&corpus);
        assert!(cells.len() > 10_000, "parsed only {} cells", cells.len());
        let mut hits = Vec::new();
        for (index, cell) in cells.iter().enumerate() {
            for found in scan(cell) {
                hits.push((index, found.rule));
            }
        }
        assert!(hits.is_empty(), "matches in counsel-chat (cell index, rule): {hits:?}");
    }

    #[test]
    fn random_fragments_never_panic() {
        use crate::validate::{filename, formula, secrets};
        for input in crate::text::tests::random_fragment_strings(20_000) {
            for found in scan(&input) {
                assert!(input.is_char_boundary(found.start), "{input:?}: {found:?}");
                assert!(input.is_char_boundary(found.end), "{input:?}: {found:?}");
                assert!(found.start < found.end, "{input:?}: {found:?}");
            }
            for secret in secrets::scan(&input) {
                assert!(input.is_char_boundary(secret.start), "{input:?}: {secret:?}");
                assert!(input.is_char_boundary(secret.end), "{input:?}: {secret:?}");
            }
            let _ = formula::is_formula(&input);
            let _ = filename::check(&input);
            let _ = filename::extension(&input);
        }
    }
}
