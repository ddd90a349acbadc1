//! Every text of the app in English, German and Spanish, and money and dates formatted for the
//! user's language. Pages ask `t(locale, key)`; errors are explained with `error_text`, never raw.

#[cfg(test)]
mod bundles;
#[cfg(any(feature = "more", test))]
pub mod calendar;
#[cfg(any(feature = "more", test))]
mod more_texts;
mod texts;

/// A language of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[repr(usize)]
pub enum Locale {
    /// English (the texts' first column).
    #[default]
    En = 0,
    /// German.
    De = 1,
    /// Spanish.
    Es = 2,
}

impl Locale {
    /// Every language.
    #[cfg(any(feature = "more", test))]
    pub const ALL: [Locale; 3] = [Locale::En, Locale::De, Locale::Es];

    /// From the server's enum name (`DE`) or a language tag (`de-AT`).
    pub fn parse(text: &str) -> Self {
        match text.get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("de") => Self::De,
            Some("es") => Self::Es,
            _ => Self::En,
        }
    }

    /// The browser's preferred language.
    pub fn of_browser() -> Self {
        web_sys::window().and_then(|window| window.navigator().language()).map_or(Self::En, |tag| Self::parse(&tag))
    }

    /// The tag for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Es => "es",
        }
    }

    /// The name of the language in itself.
    #[cfg(any(feature = "more", test))]
    pub fn name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::De => "Deutsch",
            Self::Es => "Español",
        }
    }
}

type Table = &'static [(&'static str, [&'static str; 3])];

/// The tables of texts this app has: the first bundle's, the second bundle's (feature `more`), the
/// staff app's.
#[cfg(any(feature = "staff", test))]
const TABLES: &[Table] = &[texts::TEXTS, more_texts::MORE_TEXTS, texts::STAFF_TEXTS];
#[cfg(all(feature = "more", not(any(feature = "staff", test))))]
const TABLES: &[Table] = &[texts::TEXTS, more_texts::MORE_TEXTS];
#[cfg(not(any(feature = "more", test)))]
const TABLES: &[Table] = &[texts::TEXTS];

fn tables() -> &'static [Table] {
    TABLES
}

/// The text of `key` in `locale`, if there is one.
fn lookup(locale: Locale, key: &str) -> Option<&'static str> {
    tables().iter().find_map(|table| {
        let at = table.binary_search_by(|(entry, _)| entry.cmp(&key)).ok()?;
        Some(table[at].1[locale as usize])
    })
}

/// The text for `key` in `locale` (the key itself when unknown).
pub fn t(locale: Locale, key: &str) -> String {
    lookup(locale, key).unwrap_or(key).to_owned()
}

/// `t` with `{name}` placeholders filled in.
pub fn tf(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = t(locale, key);
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// The text of `key` for `count` things: `KEY.one` for one (when there is such a text), else
/// `KEY` with `{count}` filled in. English, German and Spanish need no more plural forms.
pub fn plural(locale: Locale, key: &str, count: usize) -> String {
    let one = format!("{key}.one");
    match lookup(locale, &one) {
        Some(text) if count == 1 => text.to_owned(),
        _ => tf(locale, key, &[("count", &count.to_string())]),
    }
}

/// The explanation of an error code or reason (a generic one for codes the app does not know).
pub fn reason_text(locale: Locale, code: &str) -> String {
    let key = format!("error.{code}");
    let text = t(locale, &key);
    if text == key { t(locale, "error.INTERNAL") } else { text }
}

fn group(digits: &str, separator: char) -> String {
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(c);
    }
    grouped
}

/// A distance, e.g. `12.480 km` (de, es) or `12,480 km` (en).
pub fn kilometres(locale: Locale, km: i64) -> String {
    let separator = if locale == Locale::En { ',' } else { '.' };
    let sign = if km < 0 { "-" } else { "" };
    format!("{sign}{} km", group(&km.unsigned_abs().to_string(), separator))
}

/// A measured value with its unit, e.g. `12,6 V` (de, es), `12.6 V` (en), `12.481 km`: one decimal
/// below 100, none from 100 on (a reading's precision, not the sensor's).
#[cfg(any(feature = "more", test))]
pub fn measure(locale: Locale, value: f64, unit: &str) -> String {
    let decimals = value.abs() < 99.95;
    let scaled = if decimals { value * 10.0 } else { value };
    let rounded = (scaled.abs() + 0.5) as u64;
    let (whole, tenth) = if decimals { (rounded / 10, rounded % 10) } else { (rounded, 0) };
    let (thousands, point) = if locale == Locale::En { (',', '.') } else { ('.', ',') };
    let sign = if value < 0.0 && rounded > 0 { "-" } else { "" };
    let fraction = if tenth > 0 { format!("{point}{tenth}") } else { String::new() };
    format!("{sign}{}{fraction} {unit}", group(&whole.to_string(), thousands))
}

/// A car's colour in the language (the name as the factory gives it when there is no translation).
pub fn colour(locale: Locale, name: &str) -> String {
    lookup(locale, &format!("colour.{}", name.to_ascii_uppercase().replace(' ', "_")))
        .map_or_else(|| name.to_owned(), str::to_owned)
}

/// An amount in minor units, e.g. `1.234,56 €` (de, es) or `€1,234.56` (en).
pub fn money(locale: Locale, minor: i64, currency: &str) -> String {
    let symbol = match currency {
        "EUR" => "€",
        "GBP" => "£",
        other => other,
    };
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let units = (abs / 100).to_string();
    let cents = abs % 100;
    match locale {
        Locale::En => format!("{sign}{symbol}{}.{cents:02}", group(&units, ',')),
        Locale::De | Locale::Es => format!("{sign}{},{cents:02} {symbol}", group(&units, '.')),
    }
}

/// The local calendar date and time of an RFC 3339 instant: (year, month, day, hour, minute).
#[cfg(target_arch = "wasm32")]
fn local_parts(rfc3339: &str) -> Option<(u32, u32, u32, u32, u32)> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return None;
    }
    Some((date.get_full_year(), date.get_month() + 1, date.get_date(), date.get_hours(), date.get_minutes()))
}

/// The calendar date and time of an RFC 3339 instant, as written (outside a browser: tests).
#[cfg(not(target_arch = "wasm32"))]
fn local_parts(rfc3339: &str) -> Option<(u32, u32, u32, u32, u32)> {
    let part = |range: std::ops::Range<usize>| rfc3339.get(range)?.parse::<u32>().ok();
    Some((part(0..4)?, part(5..7)?, part(8..10)?, part(11..13).unwrap_or(0), part(14..16).unwrap_or(0)))
}

fn format_date(locale: Locale, year: u32, month: u32, day: u32) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match locale {
        Locale::De => format!("{day:02}.{month:02}.{year}"),
        Locale::Es => format!("{day:02}/{month:02}/{year}"),
        Locale::En => format!("{day} {} {year}", MONTHS.get(month.wrapping_sub(1) as usize).unwrap_or(&"")),
    }
}

/// The wall-clock time an RFC 3339 value is written in, `HH:MM`: a workshop's times carry its own
/// offset, so they read as the workshop's local time wherever the reader is.
#[cfg(any(feature = "more", test))]
pub fn wall_time(rfc3339: &str) -> String {
    rfc3339.get(11..16).unwrap_or_default().to_owned()
}

/// The calendar day an RFC 3339 value is written in, `YYYY-MM-DD` (see [`wall_time`]).
#[cfg(any(feature = "more", test))]
pub fn wall_day(rfc3339: &str) -> String {
    rfc3339.get(..10).unwrap_or_default().to_owned()
}

/// A date in the user's time zone, e.g. `22.11.2026` (de), `22/11/2026` (es), `22 Nov 2026` (en).
pub fn date(locale: Locale, rfc3339: &str) -> String {
    match local_parts(rfc3339) {
        Some((year, month, day, _, _)) => format_date(locale, year, month, day),
        None => rfc3339.to_owned(),
    }
}

/// A date and time in the user's time zone, e.g. `22.11.2026, 14:05`.
pub fn date_time(locale: Locale, rfc3339: &str) -> String {
    match local_parts(rfc3339) {
        Some((year, month, day, hour, minute)) => {
            format!("{}, {hour:02}:{minute:02}", format_date(locale, year, month, day))
        }
        None => rfc3339.to_owned(),
    }
}

/// The time of day of an instant in the user's time zone, `HH:MM`.
pub fn time_of_day(rfc3339: &str) -> String {
    match local_parts(rfc3339) {
        Some((_, _, _, hour, minute)) => format!("{hour:02}:{minute:02}"),
        None => rfc3339.to_owned(),
    }
}

/// A day (`YYYY-MM-DD`) with its weekday, e.g. `Montag, 07.12.2026`.
#[cfg(any(feature = "more", test))]
pub fn day_heading(locale: Locale, day: &str) -> String {
    let Some((year, month, date)) = calendar::parts(day) else { return day.to_owned() };
    let weekday = value(locale, calendar::WEEKDAYS[calendar::weekday(day)]);
    format!("{weekday}, {}", format_date(locale, year as u32, month as u32, date as u32))
}

/// A quantity of hours or pieces with at most two decimals, e.g. `1,5` (de, es) or `1.5` (en).
pub fn quantity(locale: Locale, amount: f64) -> String {
    let hundredths = (amount * 100.0).round() as i64;
    let mut text = format!("{}.{:02}", hundredths / 100, (hundredths % 100).abs());
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    if locale == Locale::En { text } else { text.replace('.', ",") }
}

/// The name of an enum value (`IN_PRODUCTION`) in `locale`.
pub fn value(locale: Locale, value: &str) -> String {
    t(locale, &format!("value.{value}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `"area.key"` literal in the app's sources.
    fn keys_in_sources() -> Vec<String> {
        let mut keys = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("sources").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    if !path.ends_with("i18n") {
                        dirs.push(path);
                    }
                    continue;
                }
                let source = std::fs::read_to_string(&path).expect("source");
                for literal in source.split('"').skip(1).step_by(2) {
                    let mut parts = literal.split('.');
                    let (Some(area), Some(name), None) = (parts.next(), parts.next(), parts.next()) else { continue };
                    let word = |s: &str, upper: bool| {
                        !s.is_empty()
                            && s.chars().all(|c| c == '_' || c.is_ascii_lowercase() || upper && c.is_ascii_uppercase())
                    };
                    if word(area, false) && word(name, true) && !["caas", "sw"].contains(&area) {
                        keys.push(literal.to_owned());
                    }
                }
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// The values of every enum of the API.
    fn enum_values() -> Vec<String> {
        let schema = include_str!("../../../schema.graphql");
        let mut values = Vec::new();
        for block in schema.split("\nenum ").skip(1) {
            let body = block.split('{').nth(1).and_then(|rest| rest.split('}').next()).unwrap_or_default();
            let body: String = body.split("\"\"\"").step_by(2).collect();
            values.extend(body.split_whitespace().map(str::to_owned));
        }
        values
    }

    #[test]
    fn every_text_the_app_shows_exists_in_every_language() {
        let keys = keys_in_sources();
        assert!(keys.len() > 100, "found only {} keys", keys.len());
        for key in keys {
            for locale in Locale::ALL {
                assert!(
                    lookup(locale, &key).is_some_and(|text| !text.is_empty()),
                    "{key} has no {} text",
                    locale.name()
                );
            }
        }
    }

    #[test]
    fn every_status_and_phase_is_translated() {
        let shown =
            ["OrderStatus", "ActivationStatus", "DurationKind", "VehicleStatus", "PaymentKind", "PaymentStatus"];
        let schema = include_str!("../../../schema.graphql");
        for name in shown {
            assert!(schema.contains(&format!("enum {name} {{")), "{name} is in the schema");
        }
        let all = enum_values();
        for phase in ["QUEUED", "SENDING", "RETRY_SCHEDULED", "ACTIVE", "FAILED", "DEACTIVATING", "ENDED"] {
            assert!(all.contains(&phase.to_owned()));
            for locale in Locale::ALL {
                assert_ne!(t(locale, &format!("progress.{phase}")), format!("progress.{phase}"));
            }
        }
        for value in
            ["AWAITING_RESERVATION", "QUALITY_CHECK", "ACTIVATING", "FIXED_DAYS", "IN_STOCK", "VOIDED", "CREDIT_NOTE"]
        {
            assert!(all.contains(&value.to_owned()), "{value} is an API value");
            for locale in Locale::ALL {
                assert!(lookup(locale, &format!("value.{value}")).is_some(), "{value} in {}", locale.name());
            }
        }
    }

    /// The values of the API's enum `name`.
    fn values_of(name: &str) -> Vec<String> {
        let schema = include_str!("../../../schema.graphql");
        let block = schema.split(&format!("\nenum {name} {{")).nth(1).expect("the enum is in the schema");
        let body = block.split('}').next().unwrap_or_default();
        body.split("\"\"\"").step_by(2).flat_map(str::split_whitespace).map(str::to_owned).collect()
    }

    #[test]
    fn every_state_of_the_workshop_api_is_translated() {
        let shown = [
            ("RepairOrderStatus", "repair_status"),
            ("BookingStatus", "booking_status"),
            ("RepairLineStatus", "line_status"),
            ("RepairLineKind", "line_kind"),
            ("MaintenanceState", "maintenance_state"),
            ("DiagnosticType", "diagnostic"),
            ("ResourceKind", "resource"),
            ("Weekday", "value"),
        ];
        for (name, prefix) in shown {
            let values = values_of(name);
            assert!(values.len() >= 2, "{name}: {values:?}");
            for value in values {
                for locale in Locale::ALL {
                    let key = format!("{prefix}.{value}");
                    assert!(lookup(locale, &key).is_some(), "{key} in {}", locale.name());
                }
            }
        }
    }

    #[test]
    fn every_kind_of_health_alert_is_named() {
        let kinds = values_of("HealthAlertKind");
        assert!(kinds.len() >= 4, "{kinds:?}");
        for kind in kinds {
            for locale in Locale::ALL {
                assert!(lookup(locale, &format!("alert_kind.{kind}")).is_some(), "{kind} in {}", locale.name());
            }
        }
    }

    #[test]
    fn the_tables_are_sorted_translated_and_apart() {
        for table in tables() {
            let keys: Vec<&str> = table.iter().map(|(key, _)| *key).collect();
            assert!(keys.windows(2).all(|pair| pair[0] < pair[1]), "sorted without duplicates");
            for (key, [en, de, es]) in *table {
                assert!(!en.is_empty() && !de.is_empty() && !es.is_empty(), "{key} is translated");
            }
        }
        let mut keys: Vec<&str> = tables().iter().flat_map(|table| table.iter().map(|(key, _)| *key)).collect();
        let count = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), count, "every key is in one table");
    }

    /// Whether a key is used in the customer app's sources (everything but the staff pages: the
    /// dealer's, the admin's, support's and the workshop's folders and the staff forms' helpers).
    fn used_by_customer_app(key: &str) -> bool {
        let staff = ["dealer.rs", "forms.rs"];
        let staff_folders = ["pages/workshop", "pages/admin", "pages/support"];
        let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("sources").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    if !staff_folders.iter().any(|folder| path.ends_with(folder)) {
                        dirs.push(path);
                    }
                } else if !staff.iter().any(|name| path.ends_with(name)) && !path.ends_with("texts.rs") {
                    let source = std::fs::read_to_string(&path).expect("source");
                    if source.contains(&format!("\"{key}\"")) {
                        return true;
                    }
                }
            }
        }
        false
    }

    #[test]
    fn the_customer_app_needs_none_of_the_staff_texts() {
        for (key, _) in texts::STAFF_TEXTS {
            assert!(!used_by_customer_app(key), "{key} is shown by the customer app: move it to TEXTS");
        }
    }

    #[test]
    fn german_and_english_texts_differ() {
        assert_eq!(t(Locale::De, "nav.sign_out"), "Abmelden");
        assert_eq!(t(Locale::Es, "nav.sign_out"), "Cerrar sesión");
        assert_eq!(tf(Locale::De, "offer.days", &[("days", "30")]), "30 Tage");
    }

    #[test]
    fn distances_and_colours_follow_the_language() {
        assert_eq!(kilometres(Locale::De, 12_480), "12.480 km");
        assert_eq!(kilometres(Locale::En, 12_480), "12,480 km");
        assert_eq!(kilometres(Locale::Es, 950), "950 km");
        assert_eq!(colour(Locale::De, "Fjord Blue"), "Fjordblau");
        assert_eq!(colour(Locale::Es, "Moss Green"), "Verde musgo");
        assert_eq!(colour(Locale::En, "Fjord Blue"), "Fjord Blue");
        assert_eq!(colour(Locale::De, "Sunset Orange"), "Sunset Orange");
    }

    #[test]
    fn counts_take_the_singular_for_one() {
        assert_eq!(plural(Locale::De, "queue.banner", 1), "1 Kauf wartet auf eine Verbindung");
        assert_eq!(plural(Locale::De, "queue.banner", 3), "3 Käufe warten auf eine Verbindung");
        assert_eq!(plural(Locale::Es, "dashboard.unread", 1), "1 aviso nuevo");
    }

    #[test]
    fn unknown_errors_are_explained_generically() {
        assert_eq!(reason_text(Locale::De, "SOMETHING_NEW"), t(Locale::De, "error.INTERNAL"));
        assert!(reason_text(Locale::Es, "TRIAL_USED").contains("prueba"));
    }

    #[test]
    fn money_and_dates_follow_the_language() {
        assert_eq!(money(Locale::De, 123_456, "EUR"), "1.234,56 €");
        assert_eq!(money(Locale::Es, 4_999, "EUR"), "49,99 €");
        assert_eq!(money(Locale::En, 123_456_789, "GBP"), "£1,234,567.89");
        assert_eq!(money(Locale::En, -500, "EUR"), "-€5.00");
        assert_eq!(date(Locale::De, "2026-11-02T10:00:00Z"), "02.11.2026");
        assert_eq!(date(Locale::Es, "2026-11-02T10:00:00Z"), "02/11/2026");
        assert_eq!(date(Locale::En, "2026-11-02T10:00:00Z"), "2 Nov 2026");
        assert_eq!(date_time(Locale::De, "2026-11-02T09:05:00Z"), "02.11.2026, 09:05");
        assert_eq!(time_of_day("2026-11-02T09:05:00Z"), "09:05");
        assert_eq!(date(Locale::De, "yesterday"), "yesterday");
        // A workshop's times are read as written, in its own zone, wherever the reader is.
        assert_eq!(wall_time("2026-11-02T09:05:00+01:00"), "09:05");
        assert_eq!(wall_day("2026-11-02T00:30:00+01:00"), "2026-11-02");
        assert_eq!(day_heading(Locale::De, "2026-12-07"), "Montag, 07.12.2026");
        assert_eq!(day_heading(Locale::Es, "2026-12-13"), "Domingo, 13/12/2026");
    }

    #[test]
    fn measured_values_keep_one_decimal_below_a_hundred() {
        assert_eq!(measure(Locale::De, 12.63, "V"), "12,6 V");
        assert_eq!(measure(Locale::En, 12.63, "V"), "12.6 V");
        assert_eq!(measure(Locale::Es, 80.0, "%"), "80 %");
        assert_eq!(measure(Locale::De, 99.97, "%"), "100 %");
        assert_eq!(measure(Locale::De, 12_480.6, "km"), "12.481 km");
        assert_eq!(measure(Locale::En, 12_480.4, "km"), "12,480 km");
        assert_eq!(measure(Locale::En, -3.25, "°C"), "-3.3 °C");
        assert_eq!(measure(Locale::En, -0.01, "V"), "0 V");
    }

    #[test]
    fn quantities_keep_only_the_decimals_they_have() {
        assert_eq!(quantity(Locale::De, 1.5), "1,5");
        assert_eq!(quantity(Locale::En, 1.5), "1.5");
        assert_eq!(quantity(Locale::Es, 4.0), "4");
        assert_eq!(quantity(Locale::En, 0.25), "0.25");
    }
}
