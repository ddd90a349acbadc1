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
