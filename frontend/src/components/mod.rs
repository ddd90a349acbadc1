//! Pieces every page uses: the layout, status views, money.

#[cfg(feature = "more")]
mod chart;
#[cfg(feature = "more")]
pub mod download;
#[cfg(feature = "staff")]
pub mod forms;
mod layout;
pub mod repair;
mod status;

#[cfg(feature = "staff")]
pub use chart::BarChart;
#[cfg(feature = "more")]
pub use chart::LineChart;
pub use layout::Layout;
#[cfg(feature = "more")]
pub use status::done_note;
pub use status::{empty, error_text, error_view, field_error, form_error, loading, page_error, stale_note};

use crate::api::ops::ApiEnum;
use crate::i18n::{Locale, t, value};

/// Links to open an invoice's PDF and to download it (`pdf_url` is a short-lived signed link).
pub fn document_links(locale: Locale, number: &str, kind: &str, pdf_url: &str) -> yew::Html {
    let title = format!("{} {number}", value(locale, kind));
    yew::html! {
        <span class="document-links">
            <a href={pdf_url.to_owned()} target="_blank" rel="noopener">{ format!("{title} (PDF)") }</a>{ " " }
            <a href={format!("{pdf_url}&download=1")} download="" aria-label={format!("{} {title}", t(locale, "invoice.download"))}>{ t(locale, "invoice.download") }</a>
        </span>
    }
}

/// The API's name of an enum value, e.g. `IN_PRODUCTION`.
pub fn name<T: ApiEnum>(value: &T) -> String {
    value.as_str().to_owned()
}

/// An amount typed by a person (`1234.5`, `1.234,50`, `1234`) in minor units; `None` when it is
/// not a non-negative amount with at most two decimals. Only staff type amounts.
#[cfg(any(feature = "staff", test))]
pub fn minor_units(text: &str) -> Option<i64> {
    let text: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect();
    // The last separator followed by one or two digits is the decimal one; others group thousands.
    let decimal_at = text.rfind([',', '.']).filter(|&at| (1..=2).contains(&(text.len() - at - 1)));
    let (units, cents) = match decimal_at {
        Some(at) => (&text[..at], format!("{:0<2}", &text[at + 1..])),
        None => (text.as_str(), "00".to_owned()),
    };
    let units: String = units.chars().filter(|c| *c != ',' && *c != '.').collect();
    if units.is_empty() && cents == "00" || !units.chars().chain(cents.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let units: i64 = if units.is_empty() { 0 } else { units.parse().ok()? };
    units.checked_mul(100)?.checked_add(cents.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::minor_units;

    #[test]
    fn amounts_typed_by_people_are_read_in_minor_units() {
        assert_eq!(minor_units("1234"), Some(123_400));
        assert_eq!(minor_units("1234.5"), Some(123_450));
        assert_eq!(minor_units("1.234,56"), Some(123_456));
        assert_eq!(minor_units("1,234.56"), Some(123_456));
        assert_eq!(minor_units(" 49,99 "), Some(4_999));
        assert_eq!(minor_units("0,5"), Some(50));
        assert_eq!(minor_units(""), None);
        assert_eq!(minor_units("-5"), None);
        assert_eq!(minor_units("12a"), None);
        assert_eq!(minor_units("1.2345"), Some(1_234_500));
    }
}
