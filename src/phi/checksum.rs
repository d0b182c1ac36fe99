//! Check digits of identifier formats. Each function takes the identifier without separators.

/// Luhn (ISO/IEC 7812-1): payment cards, IMEIs and, with the prefix 80840, NPIs.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    if digits.len() < 2 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(index, &byte)| {
            let digit = u32::from(byte - b'0');
            if index % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    sum % 10 == 0
}

/// IBAN (ISO 13616): the country code and check digits moved to the end, letters as 10..35,
/// and the number modulo 97 equals 1.
pub(crate) fn iban(value: &[u8]) -> bool {
    if !(15..=34).contains(&value.len())
        || !value[..2].iter().all(u8::is_ascii_uppercase)
        || !value[2..4].iter().all(u8::is_ascii_digit)
        || !value.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let mut remainder: u32 = 0;
    for &byte in value[4..].iter().chain(&value[..4]) {
        let number = if byte.is_ascii_digit() { u32::from(byte - b'0') } else { u32::from(byte.to_ascii_uppercase() - b'A') + 10 };
        remainder = if number >= 10 { (remainder * 100 + number) % 97 } else { (remainder * 10 + number) % 97 };
    }
    remainder == 1
}

/// VIN (49 CFR 565.15): 17 characters without I, O and Q, and the weighted check digit in
/// position 9 (`X` for 10).
pub(crate) fn vin(value: &[u8]) -> bool {
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    if value.len() != 17 {
        return false;
    }
    let mut sum = 0;
    for (&byte, weight) in value.iter().zip(WEIGHTS) {
        let number = match byte.to_ascii_uppercase() {
            digit @ b'0'..=b'9' => u32::from(digit - b'0'),
            b'A' | b'J' => 1,
            b'B' | b'K' | b'S' => 2,
            b'C' | b'L' | b'T' => 3,
            b'D' | b'M' | b'U' => 4,
            b'E' | b'N' | b'V' => 5,
            b'F' | b'W' => 6,
            b'G' | b'P' | b'X' => 7,
            b'H' | b'Y' => 8,
            b'R' | b'Z' => 9,
            _ => return false,
        };
        sum += number * weight;
    }
    let check = match sum % 11 {
        10 => b'X',
        digit => b'0' + digit as u8,
    };
    value[8].to_ascii_uppercase() == check
}

/// SSN rules of the Social Security Administration: area not 000, 666 or 900-999, group not
/// 00, serial not 0000.
pub(crate) fn ssn(digits: &[u8]) -> bool {
    if digits.len() != 9 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let area = &digits[..3];
    area != b"000" && area != b"666" && area[0] != b'9' && &digits[3..5] != b"00" && &digits[5..] != b"0000"
}

/// ABA routing number: weights 3, 7, 1 repeated, sum divisible by 10.
pub(crate) fn aba(digits: &[u8]) -> bool {
    if digits.len() != 9 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = digits.iter().zip([3, 7, 1].iter().cycle()).map(|(&byte, &weight)| u32::from(byte - b'0') * weight).sum();
    sum % 10 == 0 && sum > 0
}

/// NPI: 10 digits, Luhn-valid after the prefix 80840.
pub(crate) fn npi(digits: &[u8]) -> bool {
    if digits.len() != 10 {
        return false;
    }
    let mut full = *b"80840__________";
    full[5..].copy_from_slice(digits);
    luhn(&full)
}

/// DEA registration number: two letters, six digits and a check digit equal to the last digit
/// of (d1 + d3 + d5) + 2 × (d2 + d4 + d6).
pub(crate) fn dea(value: &[u8]) -> bool {
    if value.len() != 9 || !value[..2].iter().all(u8::is_ascii_alphabetic) || !value[2..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let digit = |index: usize| u32::from(value[index] - b'0');
    let sum = digit(2) + digit(4) + digit(6) + 2 * (digit(3) + digit(5) + digit(7));
    sum % 10 == digit(8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_check_digits() {
        assert!(luhn(b"4111111111111111"));
        assert!(!luhn(b"4111111111111112"));
        assert!(iban(b"GB82WEST12345698765432"));
        assert!(!iban(b"GB82WEST12345698765433"));
        assert!(vin(b"1M8GDM9AXKP042788"));
        assert!(!vin(b"1M8GDM9A1KP042788"));
        assert!(ssn(b"123456789"));
        assert!(!ssn(b"666456789"));
        assert!(!ssn(b"923456789"));
        assert!(aba(b"011000015"));
        assert!(!aba(b"011000016"));
        assert!(npi(b"1234567893"));
        assert!(!npi(b"1234567890"));
        assert!(dea(b"AB1234563"));
        assert!(!dea(b"AB1234564"));
    }
}
