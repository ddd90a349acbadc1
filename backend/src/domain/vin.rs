//! Vehicle identification numbers (ISO 3779).

use std::fmt;

/// A well-formed VIN: 17 characters from the VIN alphabet (no I, O or Q), upper case, and a valid
/// check digit where the issuing region requires one (North America and China).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Vin(String);

/// Why a string is not a VIN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VinError {
    /// Not 17 characters long.
    #[error("a VIN has 17 characters, this has {0}")]
    Length(usize),
    /// Contains a character outside the VIN alphabet.
    #[error("a VIN has only letters and digits, without I, O or Q; found {0:?}")]
    Character(char),
    /// The check digit (position 9) does not match.
    #[error("the VIN's check digit is wrong: expected {expected}, found {found}")]
    CheckDigit {
        /// The check digit the other characters give.
        expected: char,
        /// The ninth character.
        found: char,
    },
}

const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

fn transliterate(c: char) -> Option<u32> {
    Some(match c {
        '0'..='9' => c.to_digit(10)?,
        'A' | 'J' => 1,
        'B' | 'K' | 'S' => 2,
        'C' | 'L' | 'T' => 3,
        'D' | 'M' | 'U' => 4,
        'E' | 'N' | 'V' => 5,
        'F' | 'W' => 6,
        'G' | 'P' | 'X' => 7,
        'H' | 'Y' => 8,
        'R' | 'Z' => 9,
        _ => return None,
    })
}

/// The check digit the 17 characters of `vin` call for (the ninth is ignored).
pub fn check_digit(vin: &[u8; 17]) -> char {
    let sum: u32 = vin.iter().zip(WEIGHTS).map(|(c, weight)| transliterate(*c as char).unwrap_or(0) * weight).sum();
    match sum % 11 {
        10 => 'X',
        digit => char::from_digit(digit, 10).unwrap_or('0'),
    }
}

/// North American (1–5) and Chinese (L) VINs must carry a check digit; elsewhere it is optional.
fn requires_check_digit(first: u8) -> bool {
    matches!(first, b'1'..=b'5' | b'L')
}

impl Vin {
    /// Parses `input`, ignoring surrounding spaces and letter case.
    pub fn parse(input: &str) -> Result<Self, VinError> {
        let vin = input.trim().to_ascii_uppercase();
        let count = vin.chars().count();
        if count != 17 {
            return Err(VinError::Length(count));
        }
        if let Some(bad) = vin.chars().find(|c| transliterate(*c).is_none()) {
            return Err(VinError::Character(bad));
        }
        let bytes: [u8; 17] = vin.as_bytes().try_into().map_err(|_| VinError::Length(count))?;
        if requires_check_digit(bytes[0]) {
            let expected = check_digit(&bytes);
            let found = bytes[8] as char;
            if expected != found {
                return Err(VinError::CheckDigit { expected, found });
            }
        }
        Ok(Self(vin))
    }

    /// The VIN as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Vin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_north_american_vin_with_its_check_digit() {
        assert_eq!(Vin::parse("1M8GDM9AXKP042788").map(|v| v.0), Ok("1M8GDM9AXKP042788".into()));
    }

    #[test]
    fn normalises_case_and_spaces() {
        assert_eq!(Vin::parse(" 1m8gdm9axkp042788 ").map(|v| v.0), Ok("1M8GDM9AXKP042788".into()));
    }

    #[test]
    fn rejects_a_wrong_check_digit_where_it_applies() {
        assert_eq!(Vin::parse("1M8GDM9A1KP042788"), Err(VinError::CheckDigit { expected: 'X', found: '1' }));
    }

    #[test]
    fn european_vins_need_no_check_digit() {
        assert!(Vin::parse("WCA1AUR0ZTB000001").is_ok());
    }

    #[test]
    fn rejects_wrong_length_and_forbidden_letters() {
        assert_eq!(Vin::parse("WCA1AUR0"), Err(VinError::Length(8)));
        assert_eq!(Vin::parse("WCA1AUR0OTB000001"), Err(VinError::Character('O')));
        assert_eq!(Vin::parse("WCA1AUR0-TB000001"), Err(VinError::Character('-')));
        assert_eq!(Vin::parse("WCA1AUR0ÄTB000001"), Err(VinError::Character('Ä')));
    }
}
