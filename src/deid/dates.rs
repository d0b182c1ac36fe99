//! Date parsing and shifting that keeps the written format.
//!
//! A date is read from the start of a text in one of these layouts, with `-`, `/` or `.`
//! between numbers: `2023-03-01`, `3/1/2023`, `03/01/23` (month first unless the first
//! number is over 12), `3/1` (month and day), `March 1, 2023`, `Mar. 1st 2023`, `1 March 2023`,
//! `the 1st of March` (without "the"). Shifting writes the new date in the same layout: the
//! same separators, zero padding, month-name style, case and ordinal suffix. Text after the
//! date, such as a time, is kept as it is.

/// A calendar date in the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Date {
    year: i64,
    month: u32,
    day: u32,
}

impl Date {
    fn new(year: i64, month: u32, day: u32) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// Returns the number of days since 1970-01-01.
    pub(crate) fn days(self) -> i64 {
        // Days from civil, after Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms".
        let year = if self.month <= 2 { self.year - 1 } else { self.year };
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(self.month);
        let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    fn from_days(days: i64) -> Date {
        let days = days + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
        let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 } as u32;
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date { year, month, day }
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The year used for a month and day written without one. A leap year, so February 29 reads.
const YEARLESS: i64 = 2000;

const MONTHS: [&str; 12] = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TokenKind {
    Digits,
    Letters,
    Other,
}

#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    kind: TokenKind,
    text: &'a str,
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut start = 0;
    let kind_of = |c: char| {
        if c.is_ascii_digit() {
            TokenKind::Digits
        } else if c.is_alphabetic() {
            TokenKind::Letters
        } else {
            TokenKind::Other
        }
    };
    let mut current: Option<TokenKind> = None;
    for (at, c) in text.char_indices() {
        let kind = kind_of(c);
        // Separators are single characters, so ", " stays two tokens that the layouts test.
        if current != Some(kind) || kind == TokenKind::Other {
            if let Some(previous) = current {
                tokens.push(Token { kind: previous, text: &text[start..at] });
            }
            current = Some(kind);
            start = at;
        }
        if tokens.len() > 12 {
            break;
        }
    }
    if let Some(kind) = current {
        tokens.push(Token { kind, text: &text[start..] });
    }
    tokens
}

/// The written form of one component of a matched date.
#[derive(Clone, Copy, Debug)]
enum Part {
    Year { width: usize },
    Month { width: usize },
    MonthName { abbreviated: bool, case: Case },
    Day { width: usize },
    Ordinal { case: Case },
    Literal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    Lower,
    Upper,
    Title,
}

fn case_of(text: &str) -> Case {
    if text.chars().all(|c| !c.is_lowercase()) {
        Case::Upper
    } else if text.chars().next().is_some_and(char::is_uppercase) {
        Case::Title
    } else {
        Case::Lower
    }
}

fn apply_case(text: &str, case: Case) -> String {
    match case {
        Case::Lower => text.to_lowercase(),
        Case::Upper => text.to_uppercase(),
        Case::Title => {
            let mut chars = text.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
        }
    }
}

fn month_from_name(word: &str) -> Option<(u32, bool)> {
    let lower = word.to_lowercase();
    if lower.len() < 3 {
        return None;
    }
    MONTHS.iter().position(|name| *name == lower).map(|index| (index as u32 + 1, false)).or_else(|| {
        let abbreviation = if lower == "sept" { "sep" } else { lower.as_str() };
        (abbreviation.len() == 3)
            .then(|| MONTHS.iter().position(|name| name.starts_with(abbreviation)))
            .flatten()
            .map(|index| (index as u32 + 1, true))
    })
}

fn is_ordinal_suffix(word: &str) -> bool {
    matches!(word.to_lowercase().as_str(), "st" | "nd" | "rd" | "th")
}

fn number(token: &Token<'_>, widths: std::ops::RangeInclusive<usize>) -> Option<u32> {
    (token.kind == TokenKind::Digits && widths.contains(&token.text.len())).then(|| token.text.parse().ok()).flatten()
}

/// A date found at the start of a text, with the tokens it took and how each was written.
struct Found<'a> {
    date: Date,
    has_year: bool,
    two_digit_year: bool,
    parts: Vec<(Part, &'a str)>,
    /// Byte length of the text that the date takes.
    len: usize,
}

fn numeric<'a>(tokens: &[Token<'a>]) -> Option<Found<'a>> {
    let separator = tokens.get(1).filter(|token| matches!(token.text, "-" | "/" | "."))?;
    let same_separator = tokens.get(3).is_some_and(|token| token.text == separator.text);
    let first = tokens.first()?;
    let part = |part: Part, token: &Token<'a>| (part, token.text);
    if same_separator {
        let (second, third) = (tokens.get(2)?, tokens.get(4)?);
        if let (Some(year), Some(month), Some(day)) = (number(first, 4..=4), number(second, 1..=2), number(third, 1..=2)) {
            let date = Date::new(i64::from(year), month, day)?;
            let parts = vec![
                part(Part::Year { width: 4 }, first),
                part(Part::Literal, separator),
                part(Part::Month { width: second.text.len() }, second),
                part(Part::Literal, separator),
                part(Part::Day { width: third.text.len() }, third),
            ];
            return Some(Found { date, has_year: true, two_digit_year: false, parts, len: text_len(&tokens[..5]) });
        }
        let (a, b) = (number(first, 1..=2)?, number(second, 1..=2)?);
        let year_digits = third.text.len();
        let year = i64::from(number(third, 2..=4).filter(|_| year_digits == 2 || year_digits == 4)?);
        let year = if year_digits == 2 { if year <= 49 { 2000 + year } else { 1900 + year } } else { year };
        let day_first = a > 12;
        let (month, day) = if day_first { (b, a) } else { (a, b) };
        let date = Date::new(year, month, day)?;
        let (month_token, day_token) = if day_first { (second, first) } else { (first, second) };
        let month_part = part(Part::Month { width: month_token.text.len() }, month_token);
        let day_part = part(Part::Day { width: day_token.text.len() }, day_token);
        let (lead, follow) = if day_first { (day_part, month_part) } else { (month_part, day_part) };
        let parts = vec![
            lead,
            part(Part::Literal, separator),
            follow,
            part(Part::Literal, separator),
            part(Part::Year { width: year_digits }, third),
        ];
        return Some(Found { date, has_year: true, two_digit_year: year_digits == 2, parts, len: text_len(&tokens[..5]) });
    }
    // Month and day without a year, written with a slash only, so that `3-4` is not a date.
    if separator.text != "/" || tokens.get(3).is_some_and(|token| token.kind == TokenKind::Digits) {
        return None;
    }
    let second = tokens.get(2)?;
    let (month, day) = (number(first, 1..=2)?, number(second, 1..=2)?);
    let date = Date::new(YEARLESS, month, day)?;
    let parts = vec![
        part(Part::Month { width: first.text.len() }, first),
        part(Part::Literal, separator),
        part(Part::Day { width: second.text.len() }, second),
    ];
    Some(Found { date, has_year: false, two_digit_year: false, parts, len: text_len(&tokens[..3]) })
}

fn text_len(tokens: &[Token<'_>]) -> usize {
    tokens.iter().map(|token| token.text.len()).sum()
}

/// Reads `Month D[st][,] [YYYY]` or `D[st] [of] Month[,] [YYYY]`.
fn written<'a>(tokens: &[Token<'a>]) -> Option<Found<'a>> {
    let mut parts: Vec<(Part, &'a str)> = Vec::new();
    let mut at = 0;
    let mut month = None;
    let mut day = None;
    let take_month = |at: &mut usize, parts: &mut Vec<(Part, &'a str)>| -> Option<u32> {
        let token = tokens.get(*at).filter(|token| token.kind == TokenKind::Letters)?;
        let (month, abbreviated) = month_from_name(token.text)?;
        parts.push((Part::MonthName { abbreviated, case: case_of(token.text) }, token.text));
        *at += 1;
        if abbreviated && tokens.get(*at).is_some_and(|token| token.text == ".") {
            parts.push((Part::Literal, "."));
            *at += 1;
        }
        Some(month)
    };
    let take_day = |at: &mut usize, parts: &mut Vec<(Part, &'a str)>| -> Option<u32> {
        let token = tokens.get(*at)?;
        let day = number(token, 1..=2)?;
        parts.push((Part::Day { width: token.text.len() }, token.text));
        *at += 1;
        if let Some(suffix) = tokens.get(*at).filter(|token| is_ordinal_suffix(token.text)) {
            parts.push((Part::Ordinal { case: case_of(suffix.text) }, suffix.text));
            *at += 1;
        }
        Some(day)
    };
    let take_space = |at: &mut usize, parts: &mut Vec<(Part, &'a str)>| -> bool {
        match tokens.get(*at).filter(|token| token.text == " ") {
            Some(token) => {
                parts.push((Part::Literal, token.text));
                *at += 1;
                true
            }
            None => false,
        }
    };
    if let Some(found) = take_month(&mut at, &mut parts) {
        month = Some(found);
        if !take_space(&mut at, &mut parts) {
            return None;
        }
        day = Some(take_day(&mut at, &mut parts)?);
    } else if let Some(found) = take_day(&mut at, &mut parts) {
        day = Some(found);
        if !take_space(&mut at, &mut parts) {
            return None;
        }
        if tokens.get(at).is_some_and(|token| token.text.eq_ignore_ascii_case("of")) {
            parts.push((Part::Literal, tokens[at].text));
            at += 1;
            if !take_space(&mut at, &mut parts) {
                return None;
            }
        }
        month = Some(take_month(&mut at, &mut parts)?);
    }
    let (month, day) = (month?, day?);

    // An optional year: `, 2023` or ` 2023`.
    let mut year_parts = Vec::new();
    let mut year_at = at;
    if tokens.get(year_at).is_some_and(|token| token.text == ",") {
        year_parts.push((Part::Literal, ","));
        year_at += 1;
    }
    let mut year = None;
    if tokens.get(year_at).is_some_and(|token| token.text == " ") {
        if let Some(found) = tokens.get(year_at + 1).and_then(|token| number(token, 4..=4)) {
            year_parts.push((Part::Literal, " "));
            year_parts.push((Part::Year { width: 4 }, tokens[year_at + 1].text));
            year = Some(i64::from(found));
            at = year_at + 2;
        }
    }
    if year.is_some() {
        parts.extend(year_parts);
    }
    let date = Date::new(year.unwrap_or(YEARLESS), month, day)?;
    Some(Found { date, has_year: year.is_some(), two_digit_year: false, parts, len: text_len(&tokens[..at]) })
}

fn find(text: &str) -> Option<Found<'_>> {
    let tokens = tokenize(text);
    numeric(&tokens).or_else(|| written(&tokens))
}

/// Returns the date at the start of `text`, for tests.
#[cfg(test)]
pub(crate) fn parse(text: &str) -> Option<Date> {
    find(text).map(|found| found.date)
}

/// Returns `text` with the date at its start moved by `days`, written the same way, or `None`
/// when `text` does not start with a date. Leading and trailing whitespace stays.
pub(crate) fn shift(text: &str, days: i64) -> Option<String> {
    let trimmed = text.trim_start();
    let lead = &text[..text.len() - trimmed.len()];
    let found = find(trimmed)?;
    let mut date = Date::from_days(found.date.days() + days);
    if !found.has_year {
        // A yearless date stays yearless, so only its month and day are written.
        date.year = YEARLESS;
    }
    // Month and day numbers are zero-padded when one of them was. Numeric dates whose numbers
    // both have two digits are padded too (`12/22` becomes `01/01`), but written days are not.
    let numbers = found.parts.iter().filter(|(part, _)| matches!(part, Part::Month { .. } | Part::Day { .. }));
    let leading_zero = numbers.clone().any(|(_, text)| text.starts_with('0'));
    let single_digit = numbers.clone().any(|(_, text)| text.len() == 1);
    let numeric_month = found.parts.iter().any(|(part, _)| matches!(part, Part::Month { .. }));
    let padded = leading_zero || (numeric_month && !single_digit);
    let pad = |width: usize| if padded { width } else { 1 };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(lead);
    for (part, original) in &found.parts {
        match *part {
            Part::Year { width } if found.two_digit_year || width == 2 => {
                out.push_str(&format!("{:02}", date.year.rem_euclid(100)));
            }
            Part::Year { width } => out.push_str(&format!("{:0width$}", date.year)),
            Part::Month { width } => out.push_str(&format!("{:0width$}", date.month, width = pad(width))),
            Part::Day { width } => out.push_str(&format!("{:0width$}", date.day, width = pad(width))),
            Part::MonthName { abbreviated, case } => {
                let name = MONTHS[date.month as usize - 1];
                let name = if abbreviated { &name[..3] } else { name };
                out.push_str(&apply_case(name, case));
            }
            Part::Ordinal { case } => {
                let suffix = match (date.day % 10, date.day) {
                    (_, 11..=13) => "th",
                    (1, _) => "st",
                    (2, _) => "nd",
                    (3, _) => "rd",
                    _ => "th",
                };
                out.push_str(&apply_case(suffix, case));
            }
            Part::Literal => out.push_str(original),
        }
    }
    out.push_str(&trimmed[found.len..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().days(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().days(), 11_017);
        for days in [-800_000, -1, 0, 59, 11_016, 19_000, 2_000_000] {
            assert_eq!(Date::from_days(days).days(), days);
        }
    }

    #[test]
    fn shifts_keep_layout() {
        let cases = [
            ("2023-03-01", 10, "2023-03-11"),
            ("2023/12/25", 10, "2024/01/04"),
            ("7/22/1988", 10, "8/1/1988"),
            ("07/02/1988", -2, "06/30/1988"),
            ("12/22/1988", 10, "01/01/1989"),
            ("31.12.99", 1, "01.01.00"),
            ("12/05/2023 14:00", 1, "12/06/2023 14:00"),
            ("2023-03-01T10:00:00Z", -1, "2023-02-28T10:00:00Z"),
            ("July 12, 2023", 30, "August 11, 2023"),
            ("Mar. 1st 2024", -1, "Feb. 29th 2024"),
            ("3 MARCH 2021", 1, "4 MARCH 2021"),
            ("3rd of May", 19, "22nd of May"),
            ("may 30", 2, "june 1"),
            ("2/28", 1, "2/29"),
            ("  2023-01-31 ", 1, "  2023-02-01 "),
        ];
        for (input, days, expected) in cases {
            assert_eq!(shift(input, days).as_deref(), Some(expected), "{input} by {days}");
        }
    }

    #[test]
    fn non_dates_are_not_read() {
        for input in ["", "hope", "2023", "13/13/2023", "2023-02-30", "3-4", "May", "555-0100", "Mayday 3"] {
            assert_eq!(shift(input, 1), None, "{input}");
        }
    }
}
