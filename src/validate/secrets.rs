//! Detection of credentials and private keys embedded in dataset values.
//!
//! Provider rules match token formats with a fixed prefix (`AKIA…`, `ghp_…`, `sk_live_…`).
//! Assignment rules match a key name such as `password=` and then check that the value looks
//! like a credential rather than a word. `high_entropy_token` catches long random strings that
//! no other rule names. Before any regex runs, one byte loop measures the longest run of
//! token characters in the value, and each rule is skipped when the value lacks the run length
//! or the `:` or `=` that all its matches contain. So prose costs that loop, one `memchr2`, one
//! lower-cased copy and the few regexes that remain, each with its own literal prefilter.
//!
//! There are 31 rules: 30 pattern rules, listed in priority order in `RULES`, and
//! `high_entropy_token`.
//!
//! A [`Secret`] contains only the rule name and a byte range. Callers report the rule and the
//! location and never echo the matched text.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::OnceLock;

use regex::bytes::{Captures, Regex, RegexBuilder};

/// A credential found in a value: the rule that matched and the byte range of the secret part.
///
/// For assignment rules the range covers the value, not the key name, so a caller that
/// redacts the range keeps `password=` readable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Secret {
    /// Stable rule name, for example `aws_access_key_id`.
    pub rule: &'static str,
    /// Start of the secret in the value, in bytes, on a character boundary.
    pub start: usize,
    /// End of the secret in the value, in bytes, on a character boundary.
    pub end: usize,
}

/// Condition that a rule's match must meet after its regex matched.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    /// The regex alone decides.
    Format,
    /// The value after the key name must look random, not like a word or a placeholder.
    RandomValue,
    /// The value must not be a placeholder. A bare value must not be letters only.
    Password,
    /// The value must not be a placeholder.
    NotPlaceholder,
    /// The match is a PEM or PGP header, and [`scan`] extends the range to the next END line.
    KeyBlock,
    /// The bytes just before and just after the match must not belong to the alphabet. So a
    /// token may touch `_` or another character that its format cannot contain (`key_AKIA…`),
    /// but a piece of a longer run does not count. It replaces `\b`, which fails after `_`.
    Standalone(Alphabet),
    /// The value must be base64 of printable `user:password` text, as in HTTP Basic
    /// authentication (RFC 7617).
    BasicCredentials,
}

/// A set of ASCII bytes that a token format is made of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Alphabet {
    /// `A`–`Z` and `0`–`9`.
    UpperDigits,
    /// `A`–`Z`, `a`–`z` and `0`–`9`.
    Alphanumeric,
}

impl Alphabet {
    fn contains(self, b: u8) -> bool {
        match self {
            Alphabet::UpperDigits => b.is_ascii_uppercase() || b.is_ascii_digit(),
            Alphabet::Alphanumeric => b.is_ascii_alphanumeric(),
        }
    }
}

/// The text that a rule's regex runs on, and how candidate values are found quickly.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Haystack {
    /// The value as it is. The pattern starts with a literal prefix, which the regex engine's
    /// literal prefilter finds before the automaton runs.
    Raw,
    /// The value with ASCII letters lower-cased, for key names matched in any case. Offsets
    /// are the same as in the value, and checks read the value itself.
    ///
    /// The copy costs less than case-insensitive regexes: with `(?i)` the `bearer_token` and
    /// `api_key_assignment` rules lost their literal prefilters and ran 5 to 10 times slower.
    Lowered,
    /// The value as it is, searched only when it contains the given literal, because the
    /// pattern has no literal prefix.
    RawContaining(&'static str),
}

struct Rule {
    name: &'static str,
    check: Check,
    haystack: Haystack,
    /// Regex in ASCII mode. Groups named `quoted` or `bare` mark the secret part, and a match
    /// without them is the secret as a whole.
    pattern: &'static str,
    /// Length of the shortest run of [`TOKEN_BYTES`] that every match of `pattern` contains,
    /// or 0 when a match need not contain one. A value whose longest run is shorter is skipped.
    min_run: usize,
    /// Whether every match contains `:` or `=`, so a value without either is skipped.
    needs_assignment: bool,
}

impl Rule {
    const fn with_min_run(self, min_run: usize) -> Rule {
        Rule { min_run, ..self }
    }

    const fn with_assignment(self) -> Rule {
        Rule { needs_assignment: true, ..self }
    }
}

/// Value of an assignment: quoted text without spaces, or a bare run of token characters.
macro_rules! assigned {
    ($min:literal) => {
        concat!(
            r#"["']?\s*(?::=|=>|[:=])\s*(?:["'](?P<quoted>[^"'\s]{"#,
            $min,
            r#",})["']|(?P<bare>[^\s"'<>,;]{"#,
            $min,
            ",}))"
        )
    };
}

const fn rule(name: &'static str, check: Check, haystack: Haystack, pattern: &'static str) -> Rule {
    Rule { name, check, haystack, pattern, min_run: 0, needs_assignment: false }
}

const fn raw(name: &'static str, pattern: &'static str) -> Rule {
    rule(name, Check::Format, Haystack::Raw, pattern)
}

/// Returns a rule for a token that may touch characters outside `alphabet`, as
/// [`Check::Standalone`] describes.
const fn standalone(name: &'static str, alphabet: Alphabet, pattern: &'static str) -> Rule {
    rule(name, Check::Standalone(alphabet), Haystack::Raw, pattern)
}

const fn lowered(name: &'static str, check: Check, pattern: &'static str) -> Rule {
    rule(name, check, Haystack::Lowered, pattern)
}

/// The rules in priority order: when two matches overlap, the earlier rule wins, so specific
/// provider formats come before generic assignments.
const RULES: &[Rule] = &[
    rule(
        "private_key",
        Check::KeyBlock,
        Haystack::Raw,
        r"-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----",
    ),
    // Key IDs are upper case and digits, so `key_AKIA…` and `AKIA…x` still count.
    standalone(
        "aws_access_key_id",
        Alphabet::UpperDigits,
        r"(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}",
    )
    .with_min_run(20),
    lowered(
        "aws_secret_access_key",
        Check::Format,
        concat!(
            r#"(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)["']?\s*[:=]\s*["']?"#,
            r"(?P<bare>[a-z0-9/+]{40})(?:[^a-z0-9/+=]|$)"
        ),
    )
    .with_min_run(40)
    .with_assignment(),
    standalone("github_token", Alphabet::Alphanumeric, r"gh[pousr]_[A-Za-z0-9]{36,}")
        .with_min_run(40),
    standalone(
        "github_fine_grained_token",
        Alphabet::Alphanumeric,
        r"github_pat_[A-Za-z0-9_]{22,}",
    )
    .with_min_run(33),
    standalone("gitlab_token", Alphabet::Alphanumeric, r"glpat-[A-Za-z0-9_-]{20,}")
        .with_min_run(26),
    standalone("slack_token", Alphabet::Alphanumeric, r"xox[abprs]-[A-Za-z0-9-]{10,}")
        .with_min_run(15),
    raw(
        "slack_webhook_url",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{20,}",
    )
    .with_min_run(20),
    standalone("stripe_secret_key", Alphabet::Alphanumeric, r"[rs]k_live_[A-Za-z0-9]{20,}")
        .with_min_run(28),
    raw("google_api_key", r"\bAIza[A-Za-z0-9_-]{35}").with_min_run(39),
    raw("google_oauth_client_secret", r"\bGOCSPX-[A-Za-z0-9_-]{28}").with_min_run(35),
    raw("anthropic_api_key", r"\bsk-ant-[A-Za-z0-9_-]{32,}").with_min_run(39),
    // Project, service-account and admin keys, and older keys that embed `T3BlbkFJ`.
    raw(
        "openai_api_key",
        r"\bsk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})",
    )
    .with_min_run(48),
    raw("sendgrid_api_key", r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}")
        .with_min_run(43),
    standalone("twilio_api_key", Alphabet::Alphanumeric, r"SK[0-9a-fA-F]{32}")
        .with_min_run(34),
    standalone("npm_token", Alphabet::Alphanumeric, r"npm_[A-Za-z0-9]{36}")
        .with_min_run(40),
    // `AgEIcHlwaS5vcmc` is the base64 start of every PyPI macaroon ("pypi.org").
    raw("pypi_token", r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}")
        .with_min_run(70),
    standalone("mailgun_api_key", Alphabet::Alphanumeric, r"key-[0-9a-f]{32}")
        .with_min_run(36),
    standalone("shopify_token", Alphabet::Alphanumeric, r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}")
        .with_min_run(38),
    standalone("digitalocean_token", Alphabet::Alphanumeric, r"do[opr]_v1_[a-f0-9]{64}")
        .with_min_run(71),
    standalone("huggingface_token", Alphabet::Alphanumeric, r"hf_[A-Za-z]{34}")
        .with_min_run(37),
    rule(
        "telegram_bot_token",
        Check::Format,
        Haystack::RawContaining(":AA"),
        r"\b[0-9]{8,10}:AA[A-Za-z0-9_-]{33}",
    )
    .with_min_run(35),
    lowered(
        "azure_storage_key",
        Check::Format,
        r"accountkey\s*=\s*(?P<bare>[a-z0-9+/]{40,}={0,2})",
    )
    .with_min_run(40)
    .with_assignment(),
    // `eyJ` is the base64url form of `{"`, the start of every JOSE header.
    raw("jwt", r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
        .with_min_run(11),
    rule(
        "url_credentials",
        Check::NotPlaceholder,
        Haystack::RawContaining("://"),
        r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]+:(?P<bare>[^\s/@]+)@[A-Za-z0-9\[]",
    ),
    lowered(
        "basic_auth",
        Check::BasicCredentials,
        r"\bbasic\s+(?P<bare>[a-z0-9+/]{4,}={0,2})",
    ),
    lowered("bearer_token", Check::RandomValue, r"\bbearer\s+(?P<bare>[a-z0-9._~+/-]{20,}=*)"),
    lowered(
        "password_assignment",
        Check::Password,
        // `pass` needs a start that is not a letter or digit, so `compass:` and `bypass=` do
        // not count, while `db_pass=` does.
        concat!(r"(?:password|passwd|passphrase|pwd|(?:^|[^a-z0-9])pass)", assigned!(8)),
    )
    .with_assignment(),
    lowered(
        "api_key_assignment",
        Check::RandomValue,
        concat!(r"(?:api[_-]?key|api[_-]?secret|x-api-key)", assigned!(16)),
    )
    .with_assignment(),
    lowered(
        "secret_assignment",
        Check::RandomValue,
        concat!(
            r"(?:client[_-]?secret|secret[_-]?key|access[_-]?token|auth[_-]?token",
            r"|refresh[_-]?token|secret|token)",
            assigned!(16)
        ),
    )
    .with_assignment(),
];

/// Name of the rule for long random strings that no other rule names.
const HIGH_ENTROPY_RULE: &str = "high_entropy_token";

/// Minimum length of a run of base64 or base64url characters that `high_entropy_token` checks.
const MIN_TOKEN_LEN: usize = 32;

/// Minimum Shannon entropy of a token, as a fraction of the maximum that its length and the
/// 64-character base64 alphabet allow: `log2(min(len, 64))` bits per character.
///
/// An estimate from a sample of 20,000 random base64url strings for each of the lengths 32,
/// 40, 64 and 100, drawn with Python's `random` module: the median ratio was about 0.9 and
/// the 0.1st percentile 0.80 to 0.87.
/// Mixed-case paths and identifiers such as `AbstractSingletonProxyFactoryBean2Impl` reach
/// 0.8 as well, so [`MAX_MEAN_WORD_LEN`] separates those.
const MIN_ENTROPY_RATIO: f64 = 0.8;

/// Maximum mean length of the letter pieces of a token (`Ab`, `ABC`, `abc`, split where the
/// case changes as in camel case).
///
/// In the same sample, the 99.9th percentile of the mean was 2.9 to 3.9, while paths and
/// identifiers built from words (`org/Portals/97/Images/violence_wheel`) have 5 or more.
const MAX_MEAN_WORD_LEN: f64 = 4.5;

/// The compiled rules: one regex per rule.
struct Compiled {
    /// One regex per rule, in the order of [`RULES`].
    regexes: Vec<Regex>,
}

fn build(rule: &Rule) -> Regex {
    RegexBuilder::new(rule.pattern)
        .unicode(false)
        .build()
        .expect("secret rule patterns are constants checked by the tests")
}

// A combined regex per haystack kind used to gate the rules, but the alternation lost the
// literal prefilters of the single rules. On the counsel-chat cells each gate ran at about
// 0.5 GB/s, while most single rules ran at over 4 GB/s (`release-native`, 2 shared cores).
fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| Compiled { regexes: RULES.iter().map(build).collect() })
}

/// Facts about a value that [`scan`] gathers before any regex runs.
struct Profile {
    /// Length of the longest run of [`TOKEN_BYTES`].
    longest_run: usize,
    /// Whether the value contains `:` or `=`.
    has_assignment: bool,
}

impl Profile {
    fn of(raw: &[u8]) -> Profile {
        Profile {
            longest_run: longest_token_run(raw),
            has_assignment: memchr::memchr2(b':', b'=', raw).is_some(),
        }
    }

    /// Returns whether `rule` may match. It returns `false` only when the value lacks something
    /// that every match of the rule contains, so it never skips a rule that would match.
    fn may_match(&self, rule: &Rule, raw: &[u8]) -> bool {
        if self.longest_run < rule.min_run || (rule.needs_assignment && !self.has_assignment) {
            return false;
        }
        match rule.haystack {
            Haystack::RawContaining(literal) => memchr::memmem::find(raw, literal.as_bytes()).is_some(),
            Haystack::Raw | Haystack::Lowered => true,
        }
    }
}

/// Returns the length of the longest run of [`TOKEN_BYTES`] in `bytes`.
///
/// Every provider token is such a run, since its alphabet is a subset of base64url, so a short
/// longest run rules out most rules and `high_entropy_token` in one branch-free pass.
fn longest_token_run(bytes: &[u8]) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for &b in bytes {
        run = if is_token_byte(b) { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Returns the names of every rule, in priority order, `high_entropy_token` last.
pub fn rule_names() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|rule| rule.name).chain(std::iter::once(HIGH_ENTROPY_RULE))
}

/// Scans `value` for embedded credentials and returns them ordered by start offset.
///
/// Overlapping matches are resolved by rule priority, so a GitHub token inside
/// `token=ghp_…` is reported once, as `github_token`. Runs of 32 or more base64 characters
/// that no other rule matched are reported as `high_entropy_token` when they mix upper case,
/// lower case and digits and their entropy is high enough.
///
/// Runs whose letters are all hexadecimal are never reported as `high_entropy_token`:
/// they are usually hashes, UUIDs or record identifiers, which datasets contain on purpose.
/// A hexadecimal secret is found only by a provider or assignment rule.
pub fn scan(value: &str) -> Vec<Secret> {
    let compiled = compiled();
    let raw = value.as_bytes();
    let profile = Profile::of(raw);
    let lowered = raw.to_ascii_lowercase();
    let mut found: Vec<(usize, Range<usize>)> = Vec::new();
    let mut block_ends: Option<BlockEnds> = None;

    for (index, (rule, regex)) in RULES.iter().zip(&compiled.regexes).enumerate() {
        if !profile.may_match(rule, raw) {
            continue;
        }
        let haystack = match rule.haystack {
            Haystack::Lowered => lowered.as_slice(),
            Haystack::Raw | Haystack::RawContaining(_) => raw,
        };
        // `captures_iter` allocates capture slots even when nothing matches, and `is_match`
        // does not, so values without a match skip the allocation.
        if !regex.is_match(haystack) {
            continue;
        }
        for captures in regex.captures_iter(haystack) {
            let Some(mut range) = secret_range(rule, &captures, raw) else {
                continue;
            };
            if rule.check == Check::KeyBlock {
                let ends = block_ends.get_or_insert_with(|| BlockEnds::find(raw));
                range.end = ends.block_end(range.end);
            }
            found.push((index, range));
        }
    }
    if profile.longest_run >= MIN_TOKEN_LEN {
        for range in high_entropy_tokens(raw) {
            found.push((RULES.len(), range));
        }
    }

    resolve_overlaps(found, value)
}

/// Returns the range of the secret part of a match, or `None` when the rule's check rejects it.
fn secret_range(rule: &Rule, captures: &Captures<'_>, haystack: &[u8]) -> Option<Range<usize>> {
    let whole = captures.get(0)?.range();
    let quoted = captures.name("quoted");
    let bare = captures.name("bare");
    let part = quoted.or(bare).map_or(whole.clone(), |group| group.range());
    let text = haystack.get(part.clone())?;

    let accepted = match rule.check {
        Check::Format => true,
        Check::RandomValue => !is_placeholder(text) && looks_random(text),
        Check::Password => {
            !is_placeholder(text) && (quoted.is_some() || !text.iter().all(u8::is_ascii_alphabetic))
        }
        Check::NotPlaceholder => !is_placeholder(text),
        Check::KeyBlock => true,
        Check::Standalone(alphabet) => is_standalone(haystack, &whole, alphabet),
        Check::BasicCredentials => is_basic_credentials(text),
    };
    accepted.then_some(part)
}

/// Returns whether the bytes on either side of `range` fall outside `alphabet`.
fn is_standalone(haystack: &[u8], range: &Range<usize>, alphabet: Alphabet) -> bool {
    let before = range.start.checked_sub(1).and_then(|at| haystack.get(at));
    let after = haystack.get(range.end);
    !before.is_some_and(|&b| alphabet.contains(b)) && !after.is_some_and(|&b| alphabet.contains(b))
}

/// Returns whether `value` is padded base64 (RFC 4648) of UTF-8 text without control
/// characters that contains a `:` after at least one character, the shape of Basic
/// `user:password` credentials.
///
/// Prose after the word "basic" almost never passes: a word's length is rarely a multiple of
/// four, and its decoded bytes are rarely UTF-8 text. The value must also contain a letter,
/// because some four-digit numbers decode to text with a colon.
fn is_basic_credentials(value: &[u8]) -> bool {
    if value.len() % 4 != 0 || !value.iter().any(u8::is_ascii_alphabetic) {
        return false;
    }
    let Some(decoded) = decode_base64(value) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&decoded) else {
        return false;
    };
    let user_and_password = text.split_once(':').is_some_and(|(user, _)| !user.is_empty());
    user_and_password && !text.chars().any(char::is_control)
}

/// Decodes padded standard base64 whose length is a multiple of four, or returns `None`.
fn decode_base64(value: &[u8]) -> Option<Vec<u8>> {
    let mut decoded = Vec::with_capacity(value.len() / 4 * 3);
    for group in value.chunks_exact(4) {
        let mut bits = 0u32;
        let mut sextets = 0u32;
        for sextet in group.iter().map_while(|&b| base64_value(b)) {
            bits = bits << 6 | u32::from(sextet);
            sextets += 1;
        }
        // Four sextets carry three bytes, three carry two and two carry one.
        let count = match sextets {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => return None,
        };
        let aligned = bits << (6 * (4 - sextets));
        decoded.extend((0..count).map(|index| (aligned >> (16 - 8 * index)) as u8));
    }
    Some(decoded)
}

/// Returns the value of a character of the standard base64 alphabet.
fn base64_value(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// The `-----END …-----` lines of a value, as pairs of marker start and line end.
///
/// They are found once per value, so a value with many headers costs one pass rather than one
/// search per header. Each search for a line's closing `-----` stops at the next marker at the
/// latest, because a marker starts with `-----`.
struct BlockEnds(Vec<(usize, usize)>);

impl BlockEnds {
    fn find(haystack: &[u8]) -> BlockEnds {
        const MARKER: &[u8] = b"-----END";
        let mut ends = Vec::new();
        for marker in memchr::memmem::find_iter(haystack, MARKER) {
            let after_marker = marker + MARKER.len();
            let close =
                haystack.get(after_marker..).and_then(|tail| memchr::memmem::find(tail, b"-----"));
            if let Some(close) = close {
                ends.push((marker, after_marker + close + b"-----".len()));
            }
        }
        BlockEnds(ends)
    }

    /// Returns the end of the block whose header ends at `header_end`: the end of the first
    /// END line after it, or `header_end` when the block is not closed.
    fn block_end(&self, header_end: usize) -> usize {
        let index = self.0.partition_point(|&(marker, _)| marker < header_end);
        self.0.get(index).map_or(header_end, |&(_, line_end)| line_end)
    }
}

/// Returns whether `value` is a stand-in rather than a credential: one repeated character
/// (`********`), a template or variable reference (`${DB_PASSWORD}`, `<token>`, `{{secret}}`,
/// `%API_KEY%`) or a common dummy word.
fn is_placeholder(value: &[u8]) -> bool {
    let Some(&first) = value.first() else {
        return true;
    };
    if value.iter().all(|&b| b == first) {
        return true;
    }
    if matches!(first, b'$' | b'%' | b'<' | b'{' | b'[') {
        return true;
    }
    const DUMMIES: &[&[u8]] = &[b"password", b"changeme", b"redacted", b"example", b"placeholder"];
    DUMMIES.iter().any(|dummy| value.eq_ignore_ascii_case(dummy))
}

/// Returns whether `value` mixes at least two of lower case, upper case (after the first
/// character) and digits, which words and sentences do not.
fn looks_random(value: &[u8]) -> bool {
    let lower = value.iter().any(u8::is_ascii_lowercase);
    let upper = value.iter().skip(1).any(u8::is_ascii_uppercase);
    let digit = value.iter().any(u8::is_ascii_digit);
    usize::from(lower) + usize::from(upper) + usize::from(digit) >= 2
}

/// Bytes of the base64 and base64url alphabets, without the `=` padding.
const TOKEN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'_' | b'-');
        b += 1;
    }
    table
};

fn is_token_byte(b: u8) -> bool {
    TOKEN_BYTES.get(usize::from(b)).copied().unwrap_or(false)
}

/// Returns the ranges of base64 or base64url runs that look like random secrets, each with up
/// to two `=` of padding.
fn high_entropy_tokens(haystack: &[u8]) -> Vec<Range<usize>> {
    let mut tokens = Vec::new();
    let mut run_start = 0;
    // A sentinel non-token byte at the end closes the last run.
    for (at, &b) in haystack.iter().chain(std::iter::once(&b' ')).enumerate() {
        if is_token_byte(b) {
            continue;
        }
        if at - run_start >= MIN_TOKEN_LEN
            && haystack.get(run_start..at).is_some_and(is_random_token)
        {
            let padding = haystack
                .get(at..)
                .map_or(0, |rest| rest.iter().take(2).take_while(|&&p| p == b'=').count());
            tokens.push(run_start..at + padding);
        }
        run_start = at + 1;
    }
    tokens
}

/// Returns whether a run of token characters mixes upper case, lower case and digits, is not
/// all hexadecimal, is not made of words and has entropy of at least [`MIN_ENTROPY_RATIO`] of
/// its maximum.
fn is_random_token(run: &[u8]) -> bool {
    let alphanumeric = || run.iter().filter(|b| b.is_ascii_alphanumeric());
    if alphanumeric().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let lower = run.iter().any(u8::is_ascii_lowercase);
    let upper = run.iter().any(u8::is_ascii_uppercase);
    let digit = run.iter().any(u8::is_ascii_digit);
    if !(lower && upper && digit) {
        return false;
    }
    if mean_word_len(run) > MAX_MEAN_WORD_LEN {
        return false;
    }
    let max_bits = (run.len().min(64) as f64).log2();
    shannon_entropy(run) >= MIN_ENTROPY_RATIO * max_bits
}

/// Returns the mean length of the letter pieces of `run`. A piece is a run of lower-case
/// letters with an optional leading capital, or a run of capitals, as camel case splits words:
/// `XMLHttpRequest` has the pieces `XML`, `Http` and `Request`.
fn mean_word_len(run: &[u8]) -> f64 {
    let mut letters = 0usize;
    let mut pieces = 0usize;
    for (i, &b) in run.iter().enumerate() {
        if !b.is_ascii_alphabetic() {
            continue;
        }
        letters += 1;
        let previous = i.checked_sub(1).and_then(|j| run.get(j)).copied().unwrap_or(b' ');
        let next = run.get(i + 1).copied().unwrap_or(b' ');
        let starts_piece = !previous.is_ascii_alphabetic()
            || (b.is_ascii_uppercase() && previous.is_ascii_lowercase())
            || (b.is_ascii_uppercase()
                && previous.is_ascii_uppercase()
                && next.is_ascii_lowercase());
        pieces += usize::from(starts_piece);
    }
    if pieces == 0 {
        return 0.0;
    }
    letters as f64 / pieces as f64
}

/// Returns the Shannon entropy of the byte distribution of `bytes`, in bits per byte.
fn shannon_entropy(bytes: &[u8]) -> f64 {
    let mut counts = [0usize; 256];
    for &b in bytes {
        if let Some(count) = counts.get_mut(usize::from(b)) {
            *count += 1;
        }
    }
    let total = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&count| count > 0)
        .map(|&count| {
            let p = count as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// Keeps the highest-priority match of each overlapping group and returns them in order,
/// with ranges widened to character boundaries of `value`.
fn resolve_overlaps(mut found: Vec<(usize, Range<usize>)>, value: &str) -> Vec<Secret> {
    found.sort_by_key(|(priority, range)| (*priority, range.start));
    let mut kept: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for (priority, range) in found {
        let overlaps_before =
            kept.range(..range.end).next_back().is_some_and(|(_, &(end, _))| end > range.start);
        if overlaps_before || range.is_empty() {
            continue;
        }
        kept.insert(range.start, (range.end, priority));
    }
    kept.into_iter()
        .map(|(start, (end, priority))| Secret {
            rule: rule_name(priority),
            start: floor_char_boundary(value, start),
            end: ceil_char_boundary(value, end),
        })
        .collect()
}

fn rule_name(priority: usize) -> &'static str {
    RULES.get(priority).map_or(HIGH_ENTROPY_RULE, |rule| rule.name)
}

fn floor_char_boundary(value: &str, mut at: usize) -> usize {
    at = at.min(value.len());
    while !value.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char_boundary(value: &str, mut at: usize) -> usize {
    at = at.min(value.len());
    while !value.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::test_corpus;

    /// Returns the rules found in `value`.
    fn rules(value: &str) -> Vec<&'static str> {
        scan(value).into_iter().map(|secret| secret.rule).collect()
    }

    fn assert_found(value: &str, rule: &str) {
        let found = rules(value);
        assert_eq!(found, [rule], "value of {} bytes", value.len());
    }

    fn assert_none(value: &str) {
        let found = rules(value);
        assert!(found.is_empty(), "expected nothing, found {found:?}");
    }

    /// Returns a deterministic pseudo-random string over `alphabet`, so the tests contain no
    /// realistic secret literal.
    fn random_text(alphabet: &[u8], len: usize, seed: u64) -> String {
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (0..len)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let index = (state >> 33) as usize % alphabet.len();
                char::from(alphabet[index])
            })
            .collect()
    }

    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const BASE64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const HEX: &[u8] = b"0123456789abcdef";

    fn alnum(len: usize) -> String {
        random_text(ALNUM, len, len as u64)
    }

    #[test]
    fn every_pattern_compiles() {
        let compiled = compiled();
        assert_eq!(compiled.regexes.len(), RULES.len());
        for regex in &compiled.regexes {
            assert!(!regex.is_match(b"ordinary prose"), "{regex}");
        }
    }

    #[test]
    fn lowered_patterns_have_no_capitals() {
        // A capital letter in a pattern that runs on lower-cased text could never match.
        for rule in RULES.iter().filter(|rule| rule.haystack == Haystack::Lowered) {
            let pattern = rule.pattern.replace("(?P<", "(");
            let mut previous = ' ';
            let mut literal_capital = false;
            for c in pattern.chars() {
                literal_capital |= c.is_ascii_uppercase() && previous != '\\';
                previous = c;
            }
            assert!(!literal_capital, "{}", rule.name);
        }
    }

    #[test]
    fn rule_count_and_names() {
        let names: Vec<_> = rule_names().collect();
        assert_eq!(names.len(), 31, "update the count in the module docs");
        for (i, name) in names.iter().enumerate() {
            assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{name}");
            assert!(!names[i + 1..].contains(name), "{name} repeated");
        }
    }

    #[test]
    fn aws_access_key_id() {
        for prefix in ["AKIA", "ASIA", "AGPA", "AIDA", "AROA"] {
            assert_found(&format!("id {prefix}{}", "Z".repeat(16)), "aws_access_key_id");
        }
        assert_none(&format!("AKIA{}", "Z".repeat(15)));
        assert_none(&format!("XAKIA{}", "Z".repeat(16)));
    }

    #[test]
    fn tokens_touching_word_characters() {
        let aws = format!("AKIA{}", "Z".repeat(16));
        assert_found(&format!("key_{aws}"), "aws_access_key_id");
        assert_found(&format!("key{aws}"), "aws_access_key_id");
        assert_found(&format!("{aws}x"), "aws_access_key_id");
        assert_found(&format!("{aws}_id"), "aws_access_key_id");
        assert_none(&format!("{aws}Z"));
        assert_none(&format!("9{aws}"));
        let pair = format!("{aws},{aws}");
        assert_eq!(rules(&pair), ["aws_access_key_id", "aws_access_key_id"]);

        let github = format!("ghp_{}", alnum(36));
        assert_found(&format!("token_{github}"), "github_token");
        assert_found(&format!("{github}_old"), "github_token");
        assert_found(&format!("ghp_{}", "Z".repeat(36)), "github_token");
        assert_none(&format!("xghp_{}", "Z".repeat(36)));
        assert_found(&format!("my_npm_{}", "Z".repeat(36)), "npm_token");
        assert_none(&format!("npm_{}", "Z".repeat(37)));
        assert_found(&format!("old_sk_live_{}", alnum(24)), "stripe_secret_key");
        assert_found(&format!("twilio_SK{}", "0a".repeat(16)), "twilio_api_key");
        assert_none(&format!("TASK{}", "0a".repeat(16)));
    }

    #[test]
    fn aws_secret_access_key() {
        let key =
            random_text(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+", 40, 7);
        let value = format!("aws_secret_access_key = {key}\n");
        let found = scan(&value);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "aws_secret_access_key");
        assert_eq!(&value[found[0].start..found[0].end], key);
        assert_none("aws_secret_access_key = see the vault");
    }

    #[test]
    fn github_tokens() {
        for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
            assert_found(&format!("{prefix}{}", alnum(36)), "github_token");
        }
        assert_none(&format!("ghp_{}", alnum(20)));
        assert_found(
            &format!("github_pat_{}_{}", alnum(22), alnum(59)),
            "github_fine_grained_token",
        );
        assert_none("github_pat_short");
    }

    #[test]
    fn gitlab_and_slack() {
        assert_found(&format!("glpat-{}", alnum(20)), "gitlab_token");
        assert_none("glpat-short");
        for letter in ["a", "b", "p", "r", "s"] {
            assert_found(&format!("xox{letter}-{}-{}", "1".repeat(11), alnum(24)), "slack_token");
        }
        assert_none("xoxo-hugs and kisses");
        let hook = format!(
            "https://hooks.slack.com/services/T{}/B{}/{}",
            "0".repeat(8),
            "0".repeat(8),
            alnum(24)
        );
        assert_found(&hook, "slack_webhook_url");
        assert_none("https://hooks.slack.com/services/");
    }

    #[test]
    fn stripe_google_openai_anthropic() {
        assert_found(&format!("sk_live_{}", alnum(24)), "stripe_secret_key");
        assert_found(&format!("rk_live_{}", alnum(24)), "stripe_secret_key");
        assert_none(&format!("sk_test_{}", "a".repeat(24)));
        assert_found(&format!("AIza{}", "Z".repeat(35)), "google_api_key");
        assert_none("AIza short");
        assert_found(&format!("GOCSPX-{}", "Z".repeat(28)), "google_oauth_client_secret");
        assert_none("GOCSPX-short");
        assert_found(&format!("sk-proj-{}", alnum(48)), "openai_api_key");
        assert_found(&format!("sk-{}T3BlbkFJ{}", alnum(20), alnum(20)), "openai_api_key");
        assert_none("sk-learn is a library");
        assert_found(&format!("sk-ant-api03-{}", alnum(40)), "anthropic_api_key");
        assert_none("sk-ant-short");
    }

    #[test]
    fn sendgrid_twilio_npm_pypi() {
        assert_found(&format!("SG.{}.{}", "Z".repeat(22), "Z".repeat(43)), "sendgrid_api_key");
        assert_none("SG.short.key");
        assert_found(&format!("SK{}", "0a".repeat(16)), "twilio_api_key");
        assert_none(&format!("SK{}", "0g".repeat(16)));
        assert_found(&format!("npm_{}", "Z".repeat(36)), "npm_token");
        assert_none("npm_install");
        assert_found(&format!("pypi-AgEIcHlwaS5vcmc{}", "Z".repeat(60)), "pypi_token");
        assert_none("pypi-project");
    }

    #[test]
    fn mailgun_shopify_digitalocean() {
        assert_found(&format!("key-{}", "0a".repeat(16)), "mailgun_api_key");
        assert_none("key-points of the session");
        assert_found(&format!("shpat_{}", "0a".repeat(16)), "shopify_token");
        assert_none("shpat_nothex");
        assert_found(&format!("dop_v1_{}", "0a".repeat(32)), "digitalocean_token");
        assert_none("dop_v1_0a");
    }

    #[test]
    fn huggingface_and_telegram() {
        assert_found(&format!("hf_{}", "Z".repeat(34)), "huggingface_token");
        assert_none("hf_short");
        assert_found(&format!("{}:AA{}", "1".repeat(9), "Z".repeat(33)), "telegram_bot_token");
        assert_none("at 12345678:AA meeting");
    }

    #[test]
    fn azure_storage_key() {
        let key = format!("{}==", "Z".repeat(86));
        let value = format!(
            "DefaultEndpointsProtocol=https;AccountName=x;AccountKey={key};EndpointSuffix=y"
        );
        let found = scan(&value);
        assert_eq!(rules(&value), ["azure_storage_key"]);
        assert_eq!(&value[found[0].start..found[0].end], key);
        assert_none("AccountKey=short");
    }

    #[test]
    fn jwt() {
        let value = format!("eyJ{}.eyJ{}.{}", "Z".repeat(10), "Z".repeat(20), "Z".repeat(20));
        assert_found(&value, "jwt");
        assert_found(&format!("{}.", &value[..value.rfind('.').unwrap_or(0)]), "jwt");
        assert_none("eyJ.only.dots");
        assert_none("abc.def.ghi");
    }

    #[test]
    fn private_keys() {
        let body = "Z".repeat(64);
        for kind in ["", "RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED "] {
            let value = format!("before -----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY----- after");
            let found = scan(&value);
            assert_eq!(rules(&value), ["private_key"], "{kind:?}");
            assert_eq!(&value[found[0].start..found[0].start + 10], "-----BEGIN");
            assert!(value[..found[0].end].ends_with("KEY-----"), "{kind:?}");
        }
        let pgp = format!(
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{body}\n-----END PGP PRIVATE KEY BLOCK-----"
        );
        assert_found(&pgp, "private_key");
        assert_found("-----BEGIN RSA PRIVATE KEY-----", "private_key");
        assert_none("-----BEGIN PUBLIC KEY-----");
        assert_none("-----BEGIN CERTIFICATE-----");
    }

    #[test]
    fn password_assignment() {
        let value = "password=hunter2hunter2";
        let found = scan(value);
        assert_eq!(rules(value), ["password_assignment"]);
        assert_eq!(&value[found[0].start..found[0].end], "hunter2hunter2");
        assert_found("DB_PASSWORD: 'Sommer2024!'", "password_assignment");
        assert_found("\"passwd\": \"lettersonly\"", "password_assignment");
        assert_found("pwd=abc123xyz", "password_assignment");
        assert_none("password=short1");
        assert_none("Password: Sometimes I forget it");
        assert_none("password=********");
        assert_none("password=${DB_PASSWORD}");
        assert_none("password: <password>");
        assert_none("I reset my password today");
    }

    #[test]
    fn pass_assignment() {
        let value = format!("pass={}", "hunter2hunter2");
        let found = scan(&value);
        assert_eq!(rules(&value), ["password_assignment"]);
        assert_eq!(&value[found[0].start..found[0].end], "hunter2hunter2");
        assert_found("DB_PASS: 'Sommer2024!'", "password_assignment");
        assert_found("pass:abc123xyz", "password_assignment");
        assert_found("smtp.pass = abc123xyz", "password_assignment");
        assert_found("passphrase=correct-horse-9", "password_assignment");
        assert_none("compass: north-east1");
        assert_none("bypass=abc123xyz");
        assert_none("boarding pass: tomorrow");
        assert_none("pass: ********");
        assert_none("pass=short1");
    }

    #[test]
    fn api_key_and_secret_assignments() {
        let token = alnum(24);
        assert_found(&format!("api_key={token}"), "api_key_assignment");
        assert_found(&format!("\"apiKey\": \"{token}\""), "api_key_assignment");
        assert_found(&format!("X-API-KEY: {token}"), "api_key_assignment");
        assert_none("api_key=overwhelmingly-sad");
        assert_none("api_key=%API_KEY%");
        assert_found(&format!("client_secret={token}"), "secret_assignment");
        assert_found(&format!("access_token: \"{token}\""), "secret_assignment");
        assert_found(&format!("TOKEN={token}"), "secret_assignment");
        assert_none("my secret: acknowledgements-are-hard");
        assert_none("the token = appreciation");
    }

    #[test]
    fn url_credentials() {
        let value = "postgres://admin:s3cr3tPass@db.internal:5432/x";
        let found = scan(value);
        assert_eq!(rules(value), ["url_credentials"]);
        assert_eq!(&value[found[0].start..found[0].end], "s3cr3tPass");
        assert_found("https://user:pa55@example.invalid/", "url_credentials");
        assert_found("ftp://user:lettersonly@example.invalid/", "url_credentials");
        assert_none("https://user@example.invalid/");
        assert_none("https://example.invalid:8080/path");
        assert_none("https://user:****@example.invalid/");
        assert_none("https://user:password@example.invalid/");
    }

    /// Encodes `bytes` as padded standard base64, so the tests build credentials from pieces.
    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let mut group = [0u8; 3];
            group[..chunk.len()].copy_from_slice(chunk);
            let bits = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
            for index in 0..4 {
                if index <= chunk.len() {
                    out.push(char::from(ALPHABET[(bits >> (18 - 6 * index)) as usize & 63]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn basic_auth() {
        let user = "clinic";
        let password = format!("{}-{}", "Tr0ub4dor", "&3x");
        for pair in [format!("{user}:{password}"), format!("{user}:{password}x"), "ab:c".into()] {
            let encoded = base64(pair.as_bytes());
            let value = format!("Authorization: Basic {encoded}");
            let found = scan(&value);
            assert_eq!(rules(&value), ["basic_auth"], "{pair}");
            assert_eq!(&value[found[0].start..found[0].end], encoded);
        }
        let header = format!("curl -H 'authorization: basic {}'", base64(b"a:bcdefg"));
        assert_found(&header, "basic_auth");
        assert_none(&format!("Basic {}", base64(b"nocolonhere")));
        assert_none(&format!("Basic {}", base64(b":password")));
        assert_none(&format!("Basic {}", base64(b"user:\x01pass")));
        assert_none(&format!("Basic {}", base64(b"user:\xFFpass")));
        assert_none("basic 1586");
        assert_none("basic consejos");
        assert_none("A basic protocol of natural steps");
        assert_none("Basic listening is warranted");
        assert_none("the basic dynamics you most need");
        assert_none("Basic ********");
        assert_found(&format!("Basic {}", base64(b"a:b")), "basic_auth");
    }

    #[test]
    fn bearer_token() {
        assert_found(&format!("Authorization: Bearer {}", alnum(32)), "bearer_token");
        assert_none("the bearer of bad news");
    }

    #[test]
    fn high_entropy_token() {
        for (seed, len) in (0..200).map(|i| (i, 32 + (i as usize % 97))) {
            let token = random_text(BASE64URL, len, seed);
            if !is_random_token(token.as_bytes()) {
                // A random string may lack a digit or a case, which the rule requires.
                let bytes = token.as_bytes();
                let mixed = bytes.iter().any(u8::is_ascii_digit)
                    && bytes.iter().any(u8::is_ascii_lowercase)
                    && bytes.iter().any(u8::is_ascii_uppercase);
                assert!(
                    !mixed,
                    "random token of {len} rejected, entropy {}",
                    shannon_entropy(bytes)
                );
                continue;
            }
            let value = format!("note {token} end");
            assert_eq!(rules(&value), ["high_entropy_token"], "len {len}");
        }
    }

    #[test]
    fn high_entropy_exclusions() {
        // Hashes, UUIDs, words joined by separators and short runs are not secrets.
        assert_none(&random_text(HEX, 64, 1));
        assert_none(&random_text(b"0123456789ABCDEF", 40, 2));
        assert_none("123e4567-e89b-12d3-a456-426614174000");
        assert_none("can-i-change-my-feeling-of-being-worthless-to-everyone");
        assert_none("AbstractSingletonProxyFactoryBean2Impl");
        assert_none("/Users/Therapist/Documents/Session2020/Notes/Final");
        assert_none("Session_Notes_2021_Final_Version_Reviewed_By_Supervisor");
        assert_none(&alnum(31));
        assert_none(&"aB3".repeat(20));
        assert_none("org/Portals/97/Images/violence_wheel");
        assert_none("wp-content/uploads/2019/03/MentalHealthAwareness-1024x683");
    }

    #[test]
    fn word_pieces_follow_camel_case() {
        assert_eq!(mean_word_len(b"XMLHttpRequest"), 14.0 / 3.0);
        assert_eq!(mean_word_len(b"aB3x"), 1.0);
        assert_eq!(mean_word_len(b"one/Two_three"), 11.0 / 3.0);
        assert_eq!(mean_word_len(b"1234"), 0.0);
    }

    #[test]
    fn overlap_keeps_specific_rule() {
        let value = format!("token={}", format_args!("ghp_{}", alnum(36)));
        assert_eq!(rules(&value), ["github_token"]);
        let value = format!("api_key=AKIA{}", "Z".repeat(16));
        assert_eq!(rules(&value), ["aws_access_key_id"]);
    }

    #[test]
    fn several_secrets_in_order() {
        let value = format!("a AKIA{} b ghp_{} c", "Z".repeat(16), alnum(36));
        assert_eq!(rules(&value), ["aws_access_key_id", "github_token"]);
    }

    #[test]
    fn ranges_on_char_boundaries() {
        let value = format!("é password=ééééé1 token={}é", alnum(20));
        for secret in scan(&value) {
            assert!(value.is_char_boundary(secret.start), "{secret:?}");
            assert!(value.is_char_boundary(secret.end), "{secret:?}");
        }
    }

    #[test]
    fn debug_holds_no_secret_text() {
        let token = format!("ghp_{}", alnum(36));
        let debug = format!("{:?}", scan(&token));
        assert!(!debug.contains(&token[4..]), "{debug}");
        assert!(debug.contains("github_token"), "{debug}");
    }

    #[test]
    fn long_hostile_values_finish() {
        assert!(scan(&"password=".repeat(100_000)).len() <= 1);
        assert_none(&"-----BEGIN ".repeat(100_000));
        assert_none(&"Basic ".repeat(100_000));
        assert_none(&format!("Basic {}", "A".repeat(1_000_000)));
        assert_none(&"_AKIA".repeat(100_000));
        let long_run = random_text(BASE64URL, 1_000_000, 3);
        assert_eq!(rules(&long_run), ["high_entropy_token"]);
    }

    /// Scans `value` the way `scan` did before its prefilters: every rule's regex runs, and
    /// every token run is checked.
    fn scan_without_prefilters(value: &str) -> Vec<Secret> {
        static REGEXES: OnceLock<Vec<Regex>> = OnceLock::new();
        let regexes = REGEXES.get_or_init(|| {
            RULES
                .iter()
                .map(|rule| RegexBuilder::new(rule.pattern).unicode(false).build().unwrap())
                .collect()
        });
        let raw = value.as_bytes();
        let lowered = raw.to_ascii_lowercase();
        let mut found = Vec::new();
        for (index, (rule, regex)) in RULES.iter().zip(regexes).enumerate() {
            let haystack = match rule.haystack {
                Haystack::Lowered => lowered.as_slice(),
                Haystack::Raw | Haystack::RawContaining(_) => raw,
            };
            for captures in regex.captures_iter(haystack) {
                let Some(mut range) = secret_range(rule, &captures, raw) else {
                    continue;
                };
                if rule.check == Check::KeyBlock {
                    range.end = BlockEnds::find(raw).block_end(range.end);
                }
                found.push((index, range));
            }
        }
        for range in high_entropy_tokens(raw) {
            found.push((RULES.len(), range));
        }
        resolve_overlaps(found, value)
    }

    /// Pieces of credentials, key names and separators, joined at random by the differential
    /// test so that values land just above and just below each rule's prefilter thresholds.
    const SECRET_FRAGMENTS: &[&str] = &[
        "password", "PassWord", "pass", "Pwd", "api_key", "X-Api-Key", "secret", "TOKEN",
        "client_secret", "aws_secret_access_key", "AccountKey", "Basic ", "BEARER ", "=", ":",
        ": ", "\"", "'", " ", "\n", "_", "-", ".", "/", "+", "==", "AKIA", "ghp_", "github_pat_",
        "glpat-", "xoxb-", "https://hooks.slack.com/services/", "sk_live_", "AIza", "GOCSPX-",
        "sk-ant-", "sk-proj-", "T3BlbkFJ", "SG.", "SK", "npm_", "pypi-AgEIcHlwaS5vcmc", "key-",
        "shpat_", "dop_v1_", "hf_", "123456789:AA", "eyJ", "postgres://", "user:", "@db",
        "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "é", "compass",
        "therapist", "session notes",
    ];

    fn random_secret_values(count: usize) -> Vec<String> {
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |bound: usize| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize % bound
        };
        let alphabets = [ALNUM, BASE64URL, HEX, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".as_slice()];
        (0..count)
            .map(|seed| {
                let mut value = String::new();
                for _ in 0..next(8) {
                    if next(2) == 0 {
                        value.push_str(SECRET_FRAGMENTS[next(SECRET_FRAGMENTS.len())]);
                    } else {
                        let alphabet = alphabets[next(alphabets.len())];
                        value.push_str(&random_text(alphabet, next(80), seed as u64));
                    }
                }
                value
            })
            .collect()
    }

    #[test]
    fn prefilters_change_no_result() {
        let mut values = random_secret_values(30_000);
        values.extend(crate::text::tests::random_fragment_strings(2_000));
        if let Some(corpus) = test_corpus::counsel_chat_text() {
            values.extend(test_corpus::csv_cells(&corpus));
        }
        let mut secrets = 0;
        for value in &values {
            let expected = scan_without_prefilters(value);
            secrets += expected.len();
            assert_eq!(scan(value), expected, "{value:?}");
        }
        // The random values must reach the rules, or the comparison shows nothing.
        assert!(secrets > 1_000, "only {secrets} secrets in the random values");
    }

    #[test]
    fn counsel_chat_has_no_secrets() {
        let Some(corpus) = test_corpus::counsel_chat_text() else {
            return;
        };
        let cells = test_corpus::csv_cells(&corpus);
        assert!(cells.len() > 10_000, "parsed only {} cells", cells.len());
        let mut hits = Vec::new();
        for (index, cell) in cells.iter().enumerate() {
            for secret in scan(cell) {
                hits.push((index, secret.rule));
            }
        }
        assert!(hits.is_empty(), "secrets in counsel-chat (cell index, rule): {hits:?}");
    }

    /// Measures the value checks on the counsel-chat cells. Run it with
    /// `cargo test --profile release-native --lib -- --ignored --nocapture throughput`.
    #[test]
    #[ignore = "benchmark, run on demand in an optimized build"]
    fn value_checks_throughput() {
        use crate::validate::{content, formula};
        use std::time::Instant;

        let Some(corpus) = test_corpus::counsel_chat_text() else {
            return;
        };
        let cells = test_corpus::csv_cells(&corpus);
        let bytes: usize = cells.iter().map(String::len).sum();
        let rounds = 5;
        let measure = |name: &str, check: &dyn Fn(&str) -> usize| {
            let started = Instant::now();
            let mut found = 0;
            for _ in 0..rounds {
                for cell in &cells {
                    found += check(cell);
                }
            }
            let seconds = started.elapsed().as_secs_f64();
            let rate = (bytes * rounds) as f64 / seconds / 1e6;
            println!(
                "{name}: {rate:.0} MB/s over {} cells, {bytes} bytes, {found} found",
                cells.len()
            );
        };
        measure("fold", &|cell| crate::text::fold(cell).text.len().min(1));
        measure("content", &|cell| content::scan(cell).len());
        measure("formula", &|cell| usize::from(formula::is_formula(cell)));
        measure("secrets", &|cell| scan(cell).len());
        measure("all", &|cell| {
            content::scan(cell).len() + usize::from(formula::is_formula(cell)) + scan(cell).len()
        });
    }

    /// Measures the value checks on 4 MiB values built to make them work hard. Run it like
    /// `value_checks_throughput`.
    #[test]
    #[ignore = "benchmark, run on demand in an optimized build"]
    fn hostile_values_throughput() {
        use crate::validate::{content, formula};
        use std::time::Instant;

        let size = crate::limits::MAX_VALUE_BYTES;
        let fill = |piece: &str| piece.repeat(size / piece.len());
        let values = [
            ("entities", fill("&#60;")),
            ("percent", fill("%41")),
            ("nested percent", format!("%{}3C", "25".repeat(size / 2 - 3))),
            ("full-width", fill("Ａ")),
            ("combining", fill("e\u{301}")),
            ("zero-width", fill("a\u{200B}")),
            ("open tags", fill("<a ")),
            ("quoted attributes", fill("<a b=\">\" ")),
            ("open quotes", fill("<a \"'")),
            ("code comments", fill("eval/**/")),
            ("basic credentials", fill("Basic YTpi ")),
            ("word-adjacent keys", fill("_AKIA")),
            ("passwords", fill("password=abc12345 ")),
            ("tokens", fill("token=aB3dE5gH7jK9mN1pQ ")),
            ("base64", random_text(BASE64URL, size, 9)),
            ("pem headers", fill("-----BEGIN PRIVATE KEY-----")),
        ];
        for (name, value) in values {
            let started = Instant::now();
            let found = content::scan(&value).len()
                + usize::from(formula::is_formula(&value))
                + scan(&value).len();
            let seconds = started.elapsed().as_secs_f64();
            let rate = value.len() as f64 / seconds / 1e6;
            println!("{name}: {rate:.0} MB/s, {seconds:.3} s, {found} found");
        }
    }
}
