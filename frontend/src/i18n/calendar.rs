//! Calendar days as the API takes them (`YYYY-MM-DD`): today in the browser's time zone, days
//! added, weekdays, and the instant a local day starts. Plain arithmetic on the proleptic
//! Gregorian calendar, so it needs no date library in the download.

/// The weekdays as the API names them, Monday first.
pub const WEEKDAYS: [&str; 7] = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The civil date of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

/// The parts of `YYYY-MM-DD`.
pub fn parts(day: &str) -> Option<(i64, i64, i64)> {
    let mut numbers = day.get(..10)?.split('-').map(|part| part.parse::<i64>().ok());
    Some((numbers.next()??, numbers.next()??, numbers.next()??))
}

fn format(year: i64, month: i64, day: i64) -> String {
    format!("{year:04}-{month:02}-{day:02}")
}

/// `day` moved by `days` (negative: back).
pub fn add_days(day: &str, days: i64) -> String {
    match parts(day) {
        Some((year, month, date)) => {
            let (year, month, date) = civil_from_days(days_from_civil(year, month, date) + days);
            format(year, month, date)
        }
        None => day.to_owned(),
    }
}

/// The weekday of `day`: 0 for Monday to 6 for Sunday.
pub fn weekday(day: &str) -> usize {
    // 1970-01-01 was a Thursday.
    parts(day).map_or(0, |(year, month, date)| (days_from_civil(year, month, date) + 3).rem_euclid(7) as usize)
}

/// The Monday of the week of `day`.
#[cfg(any(feature = "staff", test))]
pub fn monday_of(day: &str) -> String {
    add_days(day, -(weekday(day) as i64))
}

/// Today in the browser's time zone.
#[cfg(target_arch = "wasm32")]
pub fn today() -> String {
    let now = js_sys::Date::new_0();
    format(i64::from(now.get_full_year()), i64::from(now.get_month()) + 1, i64::from(now.get_date()))
}

/// Today in UTC (outside a browser: tests).
#[cfg(not(target_arch = "wasm32"))]
pub fn today() -> String {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    format(year, month, day)
}

/// The instant (RFC 3339, UTC) the local day `day` starts in the browser's time zone.
#[cfg(all(target_arch = "wasm32", feature = "staff"))]
pub fn start_of(day: &str) -> String {
    let Some((year, month, date)) = parts(day) else { return day.to_owned() };
    let local = js_sys::Date::new_with_year_month_day(year as u32, (month - 1) as i32, date as i32);
    local.to_iso_string().as_string().unwrap_or_default()
}

/// The instant the day `day` starts, in UTC (outside a browser: tests).
#[cfg(all(not(target_arch = "wasm32"), feature = "staff"))]
pub fn start_of(day: &str) -> String {
    format!("{}T00:00:00Z", day.get(..10).unwrap_or(day))
}

/// Whether the instant `rfc3339` has come (by the browser's clock).
#[cfg(all(target_arch = "wasm32", feature = "staff"))]
pub fn has_come(rfc3339: &str) -> bool {
    js_sys::Date::parse(rfc3339) <= js_sys::Date::now()
}

/// Outside a browser (tests) every instant is taken as come.
#[cfg(all(not(target_arch = "wasm32"), feature = "staff"))]
pub fn has_come(_: &str) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_added_across_months_years_and_leap_days() {
        assert_eq!(add_days("2026-12-30", 3), "2027-01-02");
        assert_eq!(add_days("2028-02-28", 1), "2028-02-29");
        assert_eq!(add_days("2027-02-28", 1), "2027-03-01");
        assert_eq!(add_days("2026-03-01", -1), "2026-02-28");
        assert_eq!(add_days("nonsense", 1), "nonsense");
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(weekday("2026-12-07"), 0, "a Monday");
        assert_eq!(weekday("2026-12-13"), 6, "a Sunday");
        assert_eq!(WEEKDAYS[weekday("1970-01-01")], "THURSDAY");
        assert_eq!(monday_of("2026-12-13"), "2026-12-07");
        assert_eq!(monday_of("2027-01-01"), "2026-12-28");
        assert_eq!(today().len(), 10);
    }
}
