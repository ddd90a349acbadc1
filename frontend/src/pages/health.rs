//! A car's health, live: its latest values, its alerts (open ones first, with the way to a
//! workshop when the car should see one, then the past ones), and its mileage and battery charge
//! over the last day, week or month as charts. What the car reports while the page is open shows
//! at once: new values, a new point on the day's charts, an alert opened or closed.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::hooks::Reconnections;
use crate::api::ops::{TelemetryResolution, VehicleHealth, VehicleTelemetry, vehicle_health, vehicle_telemetry};
use crate::api::telemetry::{Alert, Health, Snapshot, Update};
use crate::api::{Api, ApiError, use_reload, ws};
use crate::components::{Layout, LineChart, loading, page_error};
use crate::i18n::{Locale, date_time, measure, t, tf};
use crate::route::Route;
use crate::state::use_app;

/// Properties of [`HealthPage`].
#[derive(Properties, PartialEq)]
pub struct HealthProps {
    /// The vehicle.
    pub vin: AttrValue,
}

/// The period the charts cover, up to now.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum Period {
    Day,
    Week,
    #[default]
    Month,
}

impl Period {
    const ALL: [Period; 3] = [Period::Day, Period::Week, Period::Month];

    fn hours(self) -> f64 {
        match self {
            Self::Day => 24.0,
            Self::Week => 7.0 * 24.0,
            Self::Month => 30.0 * 24.0,
        }
    }

    /// Every reading for a day; each hour's average, minimum and maximum for longer.
    fn resolution(self) -> TelemetryResolution {
        if self == Self::Day { TelemetryResolution::RAW } else { TelemetryResolution::HOUR }
    }

    /// Its button's id and text.
    fn button(self) -> (&'static str, &'static str) {
        match self {
            Self::Day => ("period-day", "health.day"),
            Self::Week => ("period-week", "health.week"),
            Self::Month => ("period-month", "health.month"),
        }
    }

    /// Its start and end (now), as RFC 3339.
    fn window(self) -> (String, String) {
        let now = js_sys::Date::now();
        let instant = |ms: f64| String::from(js_sys::Date::new(&ms.into()).to_iso_string());
        (instant(now - self.hours() * 3_600_000.0), instant(now))
    }
}

/// The chosen period and the page's answer, which what the car reports changes in place: kept in
/// a cell and redrawn on change (a reducer would copy the answer, charts and all, at every
/// reading).
#[derive(Default)]
struct Live {
    /// The period chosen.
    period: Period,
    /// The period of the answer (until the chosen one's comes).
    shown: Period,
    /// The answer, once it came.
    answer: Option<Result<Health, ApiError>>,
}

/// What changes [`Live`].
enum Heard {
    /// A period was chosen.
    Period(Period),
    /// The answer for a period came.
    Loaded(Period, Result<Health, ApiError>),
    /// The car reported values.
    Reading(Snapshot),
    /// An alert opened or changed.
    Alert(Alert),
}

impl Live {
    /// Takes in what was heard; whether that changes the page.
    fn hear(&mut self, heard: Heard) -> bool {
        let raw = self.shown == Period::Day;
        match (heard, &mut self.answer) {
            (Heard::Period(period), _) => return std::mem::replace(&mut self.period, period) != period,
            // Only the answer for the period chosen last is shown, whatever order answers come in.
            (Heard::Loaded(period, answer), _) if period == self.period => {
                self.shown = period;
                self.answer = Some(answer);
            }
            (Heard::Reading(reading), Some(Ok(car))) => car.hear_reading(reading, raw),
            (Heard::Alert(alert), Some(Ok(car))) => car.hear_alert(alert),
            // An answer for a period no longer chosen; news before the page has an answer.
            _ => return false,
        }
        true
    }
}

/// A car's health page.
#[function_component(HealthPage)]
pub fn health_page(props: &HealthProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (refresh, reload) = use_reload();
    let live = use_mut_ref(Live::default);
    let redraw = use_force_update();
    let hear = {
        let live = live.clone();
        Callback::from(move |heard: Heard| {
            if live.borrow_mut().hear(heard) {
                redraw.force_update();
            }
        })
    };
    {
        let (api, hear) = (api.clone(), hear.clone());
        use_effect_with(props.vin.clone(), move |vin| {
            let on_event = Callback::from(move |event: Option<Update>| {
                // Back after a break: what the car reported meanwhile is in the reloaded page.
                let Some(update) = event else { return reload.emit(()) };
                if let Some(reading) = update.reading {
                    hear.emit(Heard::Reading(reading));
                }
                if let Some(alert) = update.alert {
                    hear.emit(Heard::Alert(alert));
                }
            });
            let variables = vehicle_telemetry::Variables { vin: vin.to_string() };
            let subscription = ws::subscribe_as::<VehicleTelemetry, Update>(&api, variables, on_event);
            move || drop(subscription)
        });
    }
    let period = live.borrow().period;
    let reconnections = use_context::<Reconnections>().unwrap_or_default();
    {
        // Asked afresh rather than cached (the period ends now: each visit's answer would be saved
        // under a new key), again when the server can be reached again.
        let hear = hear.clone();
        use_effect_with((props.vin.clone(), period, refresh, reconnections), move |(vin, period, ..)| {
            let (period, (from, to)) = (*period, period.window());
            let variables =
                vehicle_health::Variables { vin: vin.to_string(), from, to, resolution: period.resolution() };
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api.call_as::<VehicleHealth, Health>(variables).await;
                hear.emit(Heard::Loaded(period, answer));
            });
        });
    }
    let live = live.borrow();
    let content = match &live.answer {
        None => loading(locale),
        Some(Err(error)) => page_error(locale, error, "vin"),
        Some(Ok(car)) => {
            let plate = car.plate.as_ref().map(|plate| format!(" · {plate}")).unwrap_or_default();
            html! {
                <>
                    <section class="card" id="latest">
                        <h2>{ format!("{}{plate}", car.model) }</h2>
                        { latest_view(locale, car.latest.as_ref()) }
                    </section>
                    { alerts_view(locale, &car.vin, &car.alerts) }
                    <section class="card" id="history">
                        <h2>{ t(locale, "health.history") }</h2>
                        { period_switch(locale, period, &hear) }
                        if live.shown == period { { charts_view(locale, car) } } else { { loading(locale) } }
                    </section>
                </>
            }
        }
    };
    html! { <Layout title="page.health">{ content }</Layout> }
}

/// The latest values; a signal the car does not report is left out.
fn latest_view(locale: Locale, latest: Option<&Snapshot>) -> Html {
    let Some(reading) = latest else {
        return html! { <p class="muted" id="no-reading">{ t(locale, "health.no_reading") }</p> };
    };
    let value = |value: Option<f64>, unit| value.map(|value| measure(locale, value, unit));
    let codes = Some(reading.fault_codes.clone()).filter(|codes| !codes.is_empty());
    let rows = [
        ("health.recorded_at", Some(date_time(locale, &reading.recorded_at))),
        ("health.odometer", value(reading.odometer_km, "km")),
        ("health.battery", value(reading.state_of_charge_percent, "%")),
        ("health.fuel", value(reading.fuel_level_percent, "%")),
        ("health.low_voltage", value(reading.low_voltage_battery_volts, "V")),
        ("health.fault_codes", codes),
    ];
    html! {
        <dl id="latest-values">
            { for rows.into_iter().filter_map(|(key, value)| value.map(|value| html! {
                <><dt>{ t(locale, key) }</dt><dd>{ value }</dd></>
            })) }
        </dl>
    }
}

/// The open alerts, then the past ones.
fn alerts_view(locale: Locale, vin: &str, alerts: &[Alert]) -> Html {
    let (open, past): (Vec<&Alert>, Vec<&Alert>) = alerts.iter().partition(|alert| alert.open);
    html! {
        <section class="card" id="alerts" aria-live="polite">
            <h2>{ t(locale, "health.alerts") }</h2>
            if open.is_empty() { <p class="muted">{ t(locale, "health.no_alerts") }</p> }
            <ul class="alerts">{ for open.into_iter().map(|alert| alert_view(locale, vin, alert)) }</ul>
            if !past.is_empty() {
                <h3>{ t(locale, "health.past_alerts") }</h3>
                <ul class="alerts">{ for past.into_iter().map(|alert| alert_view(locale, vin, alert)) }</ul>
            }
        </section>
    }
}

/// An alert: its kind, what it is about (a fault code's description names the code), and since
/// when (an open one, with the way to a workshop when the car should see one) or from when to when.
fn alert_view(locale: Locale, vin: &str, alert: &Alert) -> Html {
    let opened = date_time(locale, &alert.opened_at);
    let when = match &alert.closed_at {
        Some(closed) if !alert.open => format!("{opened} – {}", date_time(locale, closed)),
        _ => tf(locale, "health.since", &[("date", &opened)]),
    };
    html! {
        <li class={if alert.open { "alert open" } else { "alert" }} data-id={alert.id.clone()} data-kind={alert.kind.clone()}>
            <strong>{ t(locale, &format!("alert_kind.{}", alert.kind)) }</strong>
            <p>{ alert.description.clone() }</p>
            <p class="muted">{ when }</p>
            if alert.open && alert.suggests_workshop {
                <Link<Route> to={Route::BookService { vin: vin.to_owned() }} classes="button">{ t(locale, "health.book_workshop") }</Link<Route>>
            }
        </li>
    }
}

/// The buttons choosing the charts' period.
fn period_switch(locale: Locale, chosen: Period, hear: &Callback<Heard>) -> Html {
    html! {
        <div class="actions periods" role="group" aria-label={t(locale, "health.period")}>
            { for Period::ALL.into_iter().map(|period| {
                let (id, key) = period.button();
                let onclick = hear.reform(move |_: MouseEvent| Heard::Period(period));
                let (class, pressed) = if period == chosen { ("", "true") } else { ("secondary", "false") };
                html! { <button type="button" {id} {class} aria-pressed={pressed} {onclick}>{ t(locale, key) }</button> }
            }) }
        </div>
    }
}

/// The mileage and battery charts.
fn charts_view(locale: Locale, car: &Health) -> Html {
    let mileage =
        LineChart { id: "mileage-chart", title: t(locale, "health.mileage"), unit: "km", points: &car.mileage };
    let battery =
        LineChart { id: "battery-chart", title: t(locale, "health.battery"), unit: "%", points: &car.battery };
    html! { <>{ mileage.view(locale) }{ battery.view(locale) }</> }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn car(model: &str) -> Health {
        Health {
            vin: "WCAAUR1S3TB000001".into(),
            plate: None,
            model: model.into(),
            latest: None,
            alerts: Vec::new(),
            mileage: Vec::new(),
            battery: Vec::new(),
        }
    }

    #[test]
    fn only_the_answer_for_the_period_chosen_last_is_shown() {
        let mut live = Live::default();
        assert!(!live.hear(Heard::Period(Period::Month)), "already chosen");
        assert!(live.hear(Heard::Period(Period::Day)));
        assert!(live.hear(Heard::Period(Period::Week)));
        // The day's answer comes after the week was chosen: dropped.
        assert!(!live.hear(Heard::Loaded(Period::Day, Ok(car("day")))));
        assert!(live.answer.is_none());
        assert!(live.hear(Heard::Loaded(Period::Week, Ok(car("week")))));
        assert_eq!(
            (live.shown, live.answer.clone().and_then(Result::ok).map(|car| car.model)),
            (Period::Week, Some("week".into()))
        );
    }

    #[test]
    fn what_the_car_reports_before_the_page_has_an_answer_changes_nothing() {
        let mut live = Live::default();
        let alert = Alert {
            id: "a".into(),
            kind: "BATTERY_LOW".into(),
            description: String::new(),
            opened_at: String::new(),
            closed_at: None,
            open: true,
            suggests_workshop: false,
        };
        assert!(!live.hear(Heard::Alert(alert.clone())));
        live.hear(Heard::Loaded(Period::Month, Ok(car("Cirrus"))));
        assert!(live.hear(Heard::Alert(alert)));
        assert_eq!(live.answer.and_then(Result::ok).map(|car| car.alerts.len()), Some(1));
    }
}
