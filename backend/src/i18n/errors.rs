//! API errors in the reader's language. The API writes its messages in English; a German or
//! Spanish reader gets the translation of that message (`msg-…`, named after the English words),
//! else the text of the refusal's reason, of the wrong field, or of the error's code — never the
//! English sentence, never a raw code.

use async_graphql::{ServerError, Value};
use serde_json::json;

use super::message;
use crate::domain::{Locale, Money};
use crate::error::code;

/// The id of the translation of an English message — `msg-` and its words, lower-case, each
/// number or amount as `n` (`msg-a-trial-lasts-n-to-n-days`) — and those numbers and amounts in the
/// order they appear, the translation's `$n1`, `$n2`, ….
pub fn message_id(english: &str) -> (String, Vec<String>) {
    let mut words = String::with_capacity(english.len());
    let mut values = Vec::new();
    let chars: Vec<char> = english.chars().collect();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c.is_ascii_digit() {
            let (value, next) = number_at(&chars, at);
            values.push(value);
            words.push('n');
            at = next;
            continue;
        }
        if c.is_ascii_alphanumeric() {
            words.push(c.to_ascii_lowercase());
        } else if !words.is_empty() && !words.ends_with('-') {
            words.push('-');
        }
        at += 1;
    }
    let words: String = words.chars().take(80).collect();
    (format!("msg-{}", words.trim_end_matches('-')), values)
}

/// The number starting at `start` (`1,000,000.00`, `53191.00 EUR`) and where it ends.
fn number_at(chars: &[char], start: usize) -> (String, usize) {
    let mut end = start;
    while end < chars.len()
        && (chars[end].is_ascii_digit()
            || matches!(chars[end], '.' | ',') && chars.get(end + 1).is_some_and(char::is_ascii_digit))
    {
        end += 1;
    }
    let number: String = chars[start..end].iter().collect();
    let currency: String = chars.iter().skip(end + 1).take(3).collect();
    let is_currency = chars.get(end) == Some(&' ')
        && currency.len() == 3
        && currency.chars().all(|c| c.is_ascii_uppercase())
        && !chars.get(end + 4).is_some_and(char::is_ascii_alphanumeric);
    if is_currency { (format!("{number} {currency}"), end + 4) } else { (number, end) }
}

/// A number or amount of an English message, written for `locale`: an amount (`53191.00 EUR`)
/// the way the language writes money, a plain number as it is.
fn localized_value(locale: Locale, value: &str) -> String {
    let Some((number, currency)) = value.split_once(' ') else { return value.to_owned() };
    let Some((units, cents)) = number.replace(',', "").split_once('.').map(|(u, c)| (u.to_owned(), c.to_owned()))
    else {
        return value.to_owned();
    };
    match (units.parse::<i64>(), cents.parse::<i64>()) {
        (Ok(units), Ok(cents)) if cents < 100 => Money::new(units * 100 + cents, currency).display(locale),
        _ => value.to_owned(),
    }
}

/// The translation of `english` in `locale`, with its numbers and amounts filled in.
fn translation(locale: Locale, english: &str) -> Option<String> {
    let (id, values) = message_id(english);
    let fields: serde_json::Map<String, serde_json::Value> = values
        .iter()
        .enumerate()
        .map(|(i, value)| (format!("n{}", i + 1), serde_json::Value::from(localized_value(locale, value))))
        .collect();
    let payload = serde_json::Value::Object(fields);
    message(locale, &id, Some(&super::arguments(locale, &payload)))
}

/// What an error's `extensions` say about it.
#[derive(Debug, Default)]
struct About<'a> {
    code: &'a str,
    reason: Option<&'a str>,
    field: Option<&'a str>,
    retry_after_seconds: Option<String>,
}

fn about(error: &ServerError) -> About<'_> {
    let Some(extensions) = error.extensions.as_ref() else { return About::default() };
    let text = |key: &str| match extensions.get(key) {
        Some(Value::String(text)) => Some(text.as_str()),
        _ => None,
    };
    let retry_after_seconds = match extensions.get("retryAfterSeconds") {
        Some(Value::Number(seconds)) => Some(seconds.to_string()),
        _ => None,
    };
    About {
        code: text("code").unwrap_or(code::INTERNAL),
        reason: text("reason"),
        field: text("field"),
        retry_after_seconds,
    }
}

/// The message of an error with `english` text, for a reader of `locale`.
fn translate(locale: Locale, english: &str, about: &About<'_>) -> String {
    if let Some(text) =
        about.reason.and_then(|reason| message(locale, &format!("reason-{}", reason.to_lowercase()), None))
    {
        return text;
    }
    if let Some(text) = translation(locale, english) {
        return text;
    }
    if about.code == code::BAD_USER_INPUT
        && let Some(field) = about.field
    {
        return message(locale, &format!("field-{field}"), None)
            .or_else(|| message(locale, "field-other", None))
            .unwrap_or_default();
    }
    let thing = english
        .strip_suffix(" not found")
        .and_then(|thing| message(locale, &format!("thing-{}", thing.replace(' ', "-")), None))
        .unwrap_or_default();
    let seconds = about.retry_after_seconds.clone().unwrap_or_else(|| "60".to_owned());
    let payload = json!({ "thing": thing, "seconds": seconds });
    let args = super::arguments(locale, &payload);
    message(locale, &format!("code-{}", about.code.to_lowercase()), Some(&args))
        .or_else(|| message(locale, "code-internal", None))
        .unwrap_or_default()
}

/// Writes `error`'s message for a reader of `locale`; English keeps the API's own message.
pub fn localize(locale: Locale, error: &mut ServerError) {
    if locale == Locale::En {
        return;
    }
    let text = translate(locale, &error.message, &about(error));
    error.message = text;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    fn localized(locale: Locale, error: ApiError) -> String {
        let mut error = error.into_graphql().into_server_error(Default::default());
        localize(locale, &mut error);
        error.message
    }

    #[test]
    fn a_message_is_named_after_its_english_words_with_its_numbers_apart() {
        assert_eq!(message_id("a trial is free"), ("msg-a-trial-is-free".to_owned(), vec![]));
        let stock = message_id("this car is not in your dealership's stock");
        assert_eq!(stock.0, "msg-this-car-is-not-in-your-dealership-s-stock");
        let price = message_id("a price cannot exceed 1,000,000.00");
        assert_eq!(price, ("msg-a-price-cannot-exceed-n".to_owned(), vec!["1,000,000.00".to_owned()]));
        let due = message_id("the final payment is the 53191.00 EUR due (gross 58191.00 EUR minus 5000.00 EUR paid)");
        assert_eq!(due.0, "msg-the-final-payment-is-the-n-due-gross-n-minus-n-paid");
        assert_eq!(due.1, ["53191.00 EUR", "58191.00 EUR", "5000.00 EUR"]);
        assert_eq!(message_id("a VIN has 17 characters").1, ["17"]);
    }

    #[test]
    fn numbers_and_amounts_are_written_the_readers_way() {
        let due = ApiError::bad_input(
            "amountMinor",
            "the final payment is the 53191.00 EUR due (gross 58191.00 EUR minus 5000.00 EUR paid)",
        );
        let german = localized(Locale::De, due.clone());
        assert!(
            german.contains("53.191,00 €") && german.contains("58.191,00 €") && german.contains("5.000,00 €"),
            "{german}"
        );
        assert!(localized(Locale::Es, due).contains("53.191,00 €"));
        let page = ApiError::bad_input("first", "first must be between 0 and 100");
        assert_eq!(localized(Locale::De, page), "Eine Seite hat 0 bis 100 Einträge.");
    }

    #[test]
    fn a_reader_gets_the_translation_then_the_rule_then_the_code() {
        assert_eq!(
            localized(Locale::De, ApiError::bad_input("netMinor", "a trial is free")),
            "Eine Testphase ist kostenlos."
        );
        let vin = ApiError::bad_input("vin", "a VIN has 17 characters, this has 12");
        assert_eq!(
            localized(Locale::De, vin.clone()),
            "Eine FIN hat 17 Zeichen: Buchstaben und Ziffern ohne I, O und Q."
        );
        assert_eq!(localized(Locale::En, vin), "a VIN has 17 characters, this has 12");
        assert_eq!(localized(Locale::Es, ApiError::NotFound("vehicle")), "No encontrado: vehículo.");
        let refused = ApiError::Refused { reason: "TRIAL_USED", message: "the trial of this feature was used".into() };
        assert_eq!(localized(Locale::Es, refused), "La prueba de esta función ya se usó en este coche.");
        let limited = ApiError::RateLimited { message: "too many".into(), retry_after_seconds: 30 };
        assert_eq!(localized(Locale::De, limited), "Zu viele Versuche; bitte in 30 s erneut versuchen.");
        assert_eq!(
            localized(Locale::De, ApiError::Conflict("something new".into())),
            "Das passt nicht zum aktuellen Stand; bitte laden Sie neu und versuchen Sie es erneut."
        );
    }

    /// Every message the API writes as a literal has its translation: the sources are read for
    /// them, so a new message without one fails here.
    #[test]
    fn every_literal_message_of_the_api_is_translated() {
        let literals = literal_messages();
        assert!(literals.len() > 60, "found only {} messages", literals.len());
        for locale in [Locale::De, Locale::Es] {
            let missing: Vec<&String> =
                literals.iter().filter(|english| message(locale, &message_id(english).0, None).is_none()).collect();
            assert!(missing.is_empty(), "{locale} lacks the translation of {missing:#?}");
        }
    }

    fn literal_messages() -> Vec<String> {
        let patterns = [
            r#"ApiError::(?:bad_input\(\s*"[a-zA-Z_.]+",\s*|Conflict\(|Forbidden\(|Unauthenticated\(|Unavailable\()\s*"([^"]*)""#,
            r#"on_unique_violation\(\s*"([^"]*)""#,
            r#"WeakPassword\("([^"]*)"\)"#,
        ];
        let patterns: Vec<regex::Regex> = patterns.iter().map(|p| regex::Regex::new(p).expect("pattern")).collect();
        let auth_errors = regex::Regex::new(r#"#\[error\("([^"{]*)"\)\]"#).expect("pattern");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = std::collections::BTreeSet::new();
        for path in rust_files(&root) {
            if path.components().any(|part| part.as_os_str() == "integrations") {
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("source");
            let code = source.split("#[cfg(test)]").next().unwrap_or_default();
            for pattern in &patterns {
                found.extend(pattern.captures_iter(code).map(|c| c[1].to_owned()));
            }
            if path.ends_with("auth/error.rs") {
                found.extend(auth_errors.captures_iter(code).map(|c| c[1].to_owned()));
            }
        }
        found.into_iter().collect()
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).expect("directory").flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(rust_files(&path));
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
        files
    }
}
