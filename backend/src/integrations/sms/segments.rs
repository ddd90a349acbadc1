//! How a text travels as SMS (3GPP TS 23.038, GSM 03.38): in the GSM 7-bit alphabet when every
//! character is in it — 160 septets in one message, 153 per part of a concatenated one (the user
//! data header takes the rest) — else in UCS-2: 70 UTF-16 units, 67 per part. Operators bill per
//! part, so the count matters before sending.

use serde::{Deserialize, Serialize};

/// The GSM 7-bit default alphabet (the escape at 0x1B left out).
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The extension table: each is sent as the escape and itself, two septets.
const EXTENSION: &str = "\u{0C}^{}\\[~]|€";

/// Septets in a single message, and per part of a concatenated one.
const GSM7_SINGLE: usize = 160;
const GSM7_PART: usize = 153;
/// UTF-16 units in a single UCS-2 message, and per part.
const UCS2_SINGLE: usize = 70;
const UCS2_PART: usize = 67;

/// The alphabet a message is sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SmsEncoding {
    /// The GSM 7-bit default alphabet with its extension table.
    #[serde(rename = "GSM-7")]
    Gsm7,
    /// UCS-2 (in practice UTF-16).
    #[serde(rename = "UCS-2")]
    Ucs2,
}

impl SmsEncoding {
    /// The name providers use: `GSM-7` or `UCS-2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gsm7 => "GSM-7",
            Self::Ucs2 => "UCS-2",
        }
    }
}

/// A text cut into the messages it is sent as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segments {
    /// The alphabet.
    pub encoding: SmsEncoding,
    /// The parts, in order; one for a text that fits one message (also an empty one).
    pub parts: Vec<String>,
}

/// Septets of `c` in GSM-7, or `None` when it is not in the alphabet.
fn septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Cuts `text` into the parts it is sent as.
pub fn segments(text: &str) -> Segments {
    let gsm7: Option<Vec<usize>> = text.chars().map(septets).collect();
    let (encoding, sizes, single, part) = match gsm7 {
        Some(sizes) => (SmsEncoding::Gsm7, sizes, GSM7_SINGLE, GSM7_PART),
        None => (SmsEncoding::Ucs2, text.chars().map(char::len_utf16).collect(), UCS2_SINGLE, UCS2_PART),
    };
    if sizes.iter().sum::<usize>() <= single {
        return Segments { encoding, parts: vec![text.to_owned()] };
    }
    // Whole characters only: an escape and its character, or a surrogate pair, stay together.
    let mut parts = Vec::new();
    let (mut current, mut used) = (String::new(), 0);
    for (c, size) in text.chars().zip(sizes) {
        if used + size > part {
            parts.push(std::mem::take(&mut current));
            used = 0;
        }
        current.push(c);
        used += size;
    }
    parts.push(current);
    Segments { encoding, parts }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lengths(segments: &Segments) -> Vec<usize> {
        segments.parts.iter().map(|part| part.chars().count()).collect()
    }

    #[test]
    fn the_alphabet_has_128_characters_less_the_escape_and_10_extensions() {
        assert_eq!(BASIC.chars().count(), 127);
        assert_eq!(EXTENSION.chars().count(), 10);
        for c in "éñüÑ¿¡ÉÄÖÜäöàèùìòÇ".chars() {
            assert_eq!(septets(c), Some(1), "{c}");
        }
        for c in "áíóúÁÍÓÚçâêÀ`".chars() {
            assert_eq!(septets(c), None, "{c}");
        }
    }

    #[test]
    fn gsm7_fits_160_septets_in_one_message_then_153_per_part() {
        let one = segments(&"a".repeat(160));
        assert_eq!((one.encoding, lengths(&one)), (SmsEncoding::Gsm7, vec![160]));
        let two = segments(&"a".repeat(161));
        assert_eq!((two.encoding, lengths(&two)), (SmsEncoding::Gsm7, vec![153, 8]));
        assert_eq!(lengths(&segments(&"a".repeat(306))), vec![153, 153]);
        assert_eq!(lengths(&segments(&"a".repeat(307))), vec![153, 153, 1]);
        assert_eq!(segments(&"a".repeat(161)).parts.concat(), "a".repeat(161));
    }

    #[test]
    fn extension_characters_count_two_septets_and_are_never_split() {
        // 80 euro signs are 160 septets: one message.
        assert_eq!(lengths(&segments(&"€".repeat(80))), vec![80]);
        // 81 are 162: parts of at most 153 septets, so 76 (152 septets) and then 5.
        let euros = segments(&"€".repeat(81));
        assert_eq!((euros.encoding, lengths(&euros)), (SmsEncoding::Gsm7, vec![76, 5]));
        // An extension character that would straddle the 153rd septet moves to the next part.
        let text = format!("{}{{{}", "a".repeat(152), "b".repeat(10));
        let split = segments(&text);
        assert_eq!(lengths(&split), vec![152, 11]);
        assert!(split.parts[1].starts_with('{'));
        assert_eq!(lengths(&segments(&format!("{}€", "a".repeat(158)))), vec![159], "158 + 2 = 160 septets");
        assert_eq!(lengths(&segments(&format!("{}€", "a".repeat(159)))), vec![153, 7], "159 + 2 = 161 septets");
    }

    #[test]
    fn a_spanish_text_with_an_accent_outside_gsm7_goes_as_ucs2() {
        let ñ = segments("Señor García: su coche está listo. ¿Viene mañana? ¡Gracias!");
        assert_eq!(ñ.encoding, SmsEncoding::Ucs2, "á is not in GSM-7");
        let without = segments("Señor Garcia: su coche esta listo. ¿Viene mañana? ¡Gracias!");
        assert_eq!(without.encoding, SmsEncoding::Gsm7, "ñ ¿ ¡ are");
    }

    #[test]
    fn ucs2_fits_70_units_in_one_message_then_67_per_part() {
        let one = segments(&"á".repeat(70));
        assert_eq!((one.encoding, lengths(&one)), (SmsEncoding::Ucs2, vec![70]));
        let two = segments(&"á".repeat(71));
        assert_eq!((two.encoding, lengths(&two)), (SmsEncoding::Ucs2, vec![67, 4]));
        assert_eq!(lengths(&segments(&"á".repeat(134))), vec![67, 67]);
    }

    #[test]
    fn an_emoji_is_two_units_and_its_surrogates_stay_together() {
        // 68 units + one emoji (2) = 70: one message.
        assert_eq!(segments(&format!("{}🚗", "á".repeat(68))).parts.len(), 1);
        // 69 + 2 = 71: parts; the emoji would take units 67 and 68 of the first, so it moves on.
        let text = format!("{}🚗{}", "á".repeat(66), "á".repeat(3));
        let split = segments(&text);
        assert_eq!(split.encoding, SmsEncoding::Ucs2);
        assert_eq!(split.parts, vec!["á".repeat(66), format!("🚗{}", "á".repeat(3))]);
        let units: Vec<usize> = split.parts.iter().map(|part| part.encode_utf16().count()).collect();
        assert_eq!(units, vec![66, 5]);
    }

    #[test]
    fn an_empty_text_is_one_empty_gsm7_message() {
        assert_eq!(segments(""), Segments { encoding: SmsEncoding::Gsm7, parts: vec![String::new()] });
        assert_eq!(SmsEncoding::Ucs2.as_str(), "UCS-2");
        assert_eq!(serde_json::to_value(SmsEncoding::Gsm7).expect("json"), "GSM-7");
    }
}
