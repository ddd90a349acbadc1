//! A line chart drawn by the app as inline SVG (no chart library: it would cost more download
//! than the page it serves): the values as a line over a band from each point's minimum to its
//! maximum, the lowest and highest value and the first and last time as labels, and a sentence
//! saying the same for screen readers.

use yew::prelude::*;

use crate::api::telemetry::Point;
use crate::i18n::{Locale, date_time, measure, t, tf};

/// The drawing's size in its own units (scaled to the width it is given), and where the plot
/// starts and ends vertically: room for the highest value above it, the lowest and the times below.
const WIDTH: i32 = 600;
const TOP: i32 = 34;
const BOTTOM: i32 = 230;
/// The frame in those units, written out: static attributes cost the least code.
const VIEW_BOX: &str = "0 0 600 300";
const GRID: &str = "M0 34H600M0 230H600";

/// A chart of one signal over time, drawn with [`LineChart::view`]. A plain value rather than a
/// Yew component: it holds no state, and each component costs download size.
pub struct LineChart<'a> {
    /// The figure's id.
    pub id: &'static str,
    /// What is drawn, e.g. "Mileage".
    pub title: String,
    /// The values' unit, e.g. `km` or `%`.
    pub unit: &'static str,
    /// The points, oldest first; a band is drawn where a point's minimum and maximum differ.
    pub points: &'a [Point],
}

/// Where the points go in the drawing.
#[derive(Debug, PartialEq)]
struct Scale {
    first_ms: f64,
    last_ms: f64,
    low: f64,
    high: f64,
}

impl Scale {
    fn of(points: &[Point]) -> Self {
        let mut scale = Scale { first_ms: f64::MAX, last_ms: f64::MIN, low: f64::MAX, high: f64::MIN };
        for point in points {
            scale.first_ms = scale.first_ms.min(point.at_ms);
            scale.last_ms = scale.last_ms.max(point.at_ms);
            scale.low = scale.low.min(point.min).min(point.value);
            scale.high = scale.high.max(point.max).max(point.value);
        }
        scale
    }

    fn x(&self, at_ms: f64) -> i32 {
        let span = self.last_ms - self.first_ms;
        if span > 0.0 { ((at_ms - self.first_ms) / span * f64::from(WIDTH) + 0.5) as i32 } else { WIDTH / 2 }
    }

    fn y(&self, value: f64) -> i32 {
        let span = self.high - self.low;
        let height = f64::from(BOTTOM - TOP);
        if span > 0.0 { TOP + ((self.high - value) / span * height + 0.5) as i32 } else { (TOP + BOTTOM) / 2 }
    }

    /// The SVG `points` of `values` at their times (integers: no float formatting in the download).
    fn path<'a>(&self, values: impl Iterator<Item = (&'a Point, f64)>) -> String {
        values.map(|(point, value)| format!("{},{} ", self.x(point.at_ms), self.y(value))).collect()
    }
}

/// The line through the values, and the band around it when there is one: forward along the
/// maximums, back along the minimums.
fn shapes(scale: &Scale, points: &[Point]) -> (String, Option<String>) {
    let line = scale.path(points.iter().map(|p| (p, p.value)));
    let spread = points.iter().any(|p| p.min < p.max);
    let band =
        spread.then(|| scale.path(points.iter().map(|p| (p, p.max)).chain(points.iter().rev().map(|p| (p, p.min)))));
    (line, band)
}

impl LineChart<'_> {
    /// The chart, or a note that there is nothing to draw.
    pub fn view(&self, locale: Locale) -> Html {
        html! {
            <figure class="chart" id={self.id}>
                <figcaption>{ self.title.clone() }</figcaption>
                if self.points.is_empty() {
                    <p class="muted">{ t(locale, "health.no_points") }</p>
                } else {
                    { self.drawing(locale) }
                }
            </figure>
        }
    }

    /// The drawing of at least one point.
    fn drawing(&self, locale: Locale) -> Html {
        let (Some(first), Some(last)) = (self.points.first(), self.points.last()) else { return Html::default() };
        let scale = Scale::of(self.points);
        let (line, band) = shapes(&scale, self.points);
        let (low, high) = (measure(locale, scale.low, self.unit), measure(locale, scale.high, self.unit));
        let (from, to) = (date_time(locale, &first.at), date_time(locale, &last.at));
        let latest = measure(locale, last.value, self.unit);
        let summary = tf(
            locale,
            "health.chart_summary",
            &[("title", &self.title), ("from", &from), ("to", &to), ("min", &low), ("max", &high), ("last", &latest)],
        );
        html! {
            <svg viewBox={VIEW_BOX} role="img" aria-label={summary}>
                <title>{ self.title.clone() }</title>
                <path class="grid" d={GRID} />
                if let Some(band) = band { <polygon class="band" points={band} /> }
                <polyline class="line" points={line} />
                <text x="0" y="24">{ high }</text>
                <text x="0" y="258">{ low }</text>
                <text x="0" y="296">{ from }</text>
                <text x="600" y="296" text-anchor="end">{ to }</text>
            </svg>
        }
    }
}

/// A bar chart of figures by month (the staff app's business figures): one bar per series side by
/// side in each month, the highest value above and the first and last month below, a legend, and
/// a sentence saying the same for screen readers.
#[cfg(feature = "staff")]
pub struct BarChart<'a> {
    /// The figure's id.
    pub id: &'static str,
    /// What is drawn, e.g. "Revenue (gross)".
    pub title: String,
    /// The months, `YYYY-MM`, oldest first.
    pub months: &'a [String],
    /// Each series: its name, its CSS class (its colour) and a value per month.
    pub series: Vec<(String, &'static str, Vec<f64>)>,
    /// How a value is written, e.g. as money.
    pub format: &'a dyn Fn(f64) -> String,
    /// What to say when there is nothing to draw.
    pub empty: String,
    /// The chart in a sentence, for screen readers (see [`BarChart::highest`]).
    pub summary: String,
}

#[cfg(feature = "staff")]
impl BarChart<'_> {
    /// The highest value drawn (0 without any): the top of the scale.
    pub fn highest(&self) -> f64 {
        self.series.iter().flat_map(|(_, _, values)| values.iter().copied()).fold(0.0_f64, f64::max)
    }

    /// The chart, or a note that there is nothing to draw.
    pub fn view(&self) -> Html {
        let empty = self.months.is_empty() || self.series.is_empty();
        html! {
            <figure class="chart bars" id={self.id}>
                <figcaption>{ self.title.clone() }</figcaption>
                if empty { <p class="muted">{ self.empty.clone() }</p> } else { { self.drawing() } }
                if self.series.len() > 1 {
                    <ul class="legend">
                        { for self.series.iter().map(|(name, class, _)| html! { <li><span class={classes!("swatch", *class)} />{ name.clone() }</li> }) }
                    </ul>
                }
            </figure>
        }
    }

    fn drawing(&self) -> Html {
        let high = self.highest();
        let group = f64::from(WIDTH) / self.months.len() as f64;
        let bar = group * 0.8 / self.series.len() as f64;
        let height = f64::from(BOTTOM - TOP);
        let bars = self.series.iter().enumerate().flat_map(|(s, (name, class, values))| {
            values.iter().enumerate().map(move |(m, value)| {
                let h = if high > 0.0 { (value / high * height).round() } else { 0.0 };
                let x = (m as f64 * group + group * 0.1 + s as f64 * bar).round();
                let label =
                    format!("{} · {name}: {}", self.months.get(m).cloned().unwrap_or_default(), (self.format)(*value));
                html! {
                    <rect class={*class} x={x.to_string()} y={(f64::from(BOTTOM) - h).to_string()}
                        width={bar.floor().max(1.0).to_string()} height={h.to_string()}><title>{ label }</title></rect>
                }
            })
        });
        let (first, last) =
            (self.months.first().cloned().unwrap_or_default(), self.months.last().cloned().unwrap_or_default());
        html! {
            <svg viewBox={VIEW_BOX} role="img" aria-label={self.summary.clone()}>
                <title>{ self.title.clone() }</title>
                <path class="grid" d={GRID} />
                { for bars }
                <text x="0" y="24">{ (self.format)(high) }</text>
                <text x="0" y="258">{ (self.format)(0.0) }</text>
                <text x="0" y="296">{ first }</text>
                <text x="600" y="296" text-anchor="end">{ last }</text>
            </svg>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(at_ms: f64, value: f64, min: f64, max: f64) -> Point {
        Point { at: String::new(), at_ms, value, min, max }
    }

    #[test]
    fn the_points_fill_the_drawing_from_the_first_time_to_the_last_and_the_lowest_value_to_the_highest() {
        let points =
            [point(1_000.0, 50.0, 40.0, 60.0), point(2_000.0, 20.0, 20.0, 20.0), point(3_000.0, 80.0, 80.0, 80.0)];
        let scale = Scale::of(&points);
        assert_eq!(scale, Scale { first_ms: 1_000.0, last_ms: 3_000.0, low: 20.0, high: 80.0 });
        let (line, band) = shapes(&scale, &points);
        assert_eq!(line, format!("0,{} 300,{BOTTOM} 600,{TOP} ", TOP + 98));
        let band = band.expect("a band");
        assert_eq!(band, format!("0,{} 300,{BOTTOM} 600,{TOP} 600,{TOP} 300,{BOTTOM} 0,{} ", TOP + 65, TOP + 131));
    }

    #[test]
    fn a_single_point_or_a_flat_line_is_drawn_in_the_middle_without_a_band() {
        let flat = [point(1_000.0, 7.0, 7.0, 7.0), point(1_000.0, 7.0, 7.0, 7.0)];
        let (line, band) = shapes(&Scale::of(&flat), &flat);
        let middle = (TOP + BOTTOM) / 2;
        assert_eq!(line, format!("300,{middle} 300,{middle} "));
        assert_eq!(band, None);
    }

    #[test]
    fn the_frame_written_out_matches_the_drawings_measures() {
        assert_eq!(VIEW_BOX, format!("0 0 {WIDTH} 300"));
        assert_eq!(GRID, format!("M0 {TOP}H{WIDTH}M0 {BOTTOM}H{WIDTH}"));
    }
}
