//! Inline SVG charts for the HTML pages: horizontal bars with threshold lines (rates per
//! provider, campaign, source), stacked horizontal bars (bounce classes), and a daily chart
//! (columns with a rate line and threshold lines). Every text is escaped; sizes are in viewBox
//! units so a chart scales to the phone's width.

use std::fmt::Write as _;

use super::escape;

/// Width of every chart's viewBox.
const W: f64 = 360.0;

/// One bar: a label, a value, a CSS class for its colour, and the text printed at its end.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub class: &'static str,
    pub text: String,
}

/// A vertical line across a chart at `value`, labelled.
pub struct Marker {
    pub value: f64,
    pub label: String,
    pub class: &'static str,
}

/// Horizontal bars, label above each bar, with threshold markers. `title` is the accessible name.
pub fn bars(title: &str, bars: &[Bar], markers: &[Marker]) -> String {
    let max = bars
        .iter()
        .map(|b| b.value)
        .chain(markers.iter().map(|m| m.value * 1.25))
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let (left, right) = (4.0, W - 4.0);
    let scale = |v: f64| left + (v.max(0.0) / max) * (right - left);
    let row = 28.0;
    let top = 16.0;
    let height = top + row * bars.len() as f64 + 6.0;
    let mut s = open(title, height);
    for (i, m) in markers.iter().enumerate() {
        let x = scale(m.value);
        let _ = write!(
            s,
            r#"<line class="marker {c}" x1="{x:.1}" y1="{y1:.1}" x2="{x:.1}" y2="{y2:.1}"/><text class="mlabel {c}" x="{x:.1}" y="{ty:.1}" text-anchor="{a}">{l}</text>"#,
            c = m.class,
            y1 = top - 4.0,
            y2 = height - 2.0,
            ty = 10.0 - (i % 2) as f64 * 0.0,
            a = if i % 2 == 0 { "end" } else { "start" },
            l = escape(&m.label)
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let w = (scale(b.value) - left).max(if b.value > 0.0 { 1.5 } else { 0.0 });
        let _ = write!(
            s,
            r#"<text class="blabel" x="{left}" y="{ly:.1}">{label}</text><text class="bvalue" x="{right}" y="{ly:.1}" text-anchor="end">{text}</text><rect class="bar {class}" x="{left}" y="{by:.1}" width="{w:.1}" height="12" rx="2"><title>{label}: {text}</title></rect>"#,
            ly = y + 9.0,
            label = escape(&b.label),
            class = b.class,
            by = y + 12.0,
            text = escape(&b.text),
        );
    }
    s.push_str("</svg>");
    s
}

/// One stacked bar: a label and its segments (value, CSS class).
pub struct Stack {
    pub label: String,
    pub segments: Vec<(f64, &'static str)>,
    pub text: String,
}

/// Horizontal stacked bars with a legend of (CSS class, name).
pub fn stacked(title: &str, stacks: &[Stack], legend: &[(&'static str, &str)]) -> String {
    let max = stacks.iter().map(|s| s.segments.iter().map(|x| x.0).sum::<f64>()).fold(0.0_f64, f64::max).max(f64::MIN_POSITIVE);
    let (left, right) = (4.0, W - 4.0);
    let row = 28.0;
    let top = 22.0;
    let height = top + row * stacks.len() as f64 + 6.0;
    let mut s = open(title, height);
    let mut x = left;
    for (class, name) in legend {
        let _ = write!(s, r#"<rect class="bar {class}" x="{x:.1}" y="4" width="10" height="10" rx="2"/><text class="legend" x="{tx:.1}" y="13">{n}</text>"#, tx = x + 13.0, n = escape(name));
        x += 22.0 + 5.5 * name.chars().count() as f64;
    }
    for (i, st) in stacks.iter().enumerate() {
        let y = top + row * i as f64;
        let _ = write!(
            s,
            r#"<text class="blabel" x="{left}" y="{ly:.1}">{l}</text><text class="bvalue" x="{right}" y="{ly:.1}" text-anchor="end">{t}</text>"#,
            ly = y + 9.0,
            l = escape(&st.label),
            t = escape(&st.text)
        );
        let mut x = left;
        for (value, class) in &st.segments {
            let w = value.max(0.0) / max * (right - left);
            if w > 0.0 {
                let _ = write!(s, r#"<rect class="bar {class}" x="{x:.1}" y="{by:.1}" width="{w:.1}" height="12"/>"#, by = y + 12.0);
            }
            x += w;
        }
    }
    s.push_str("</svg>");
    s
}

/// One day of the daily chart: a label, stacked column segments (value, class), and the rate.
pub struct DayPoint {
    pub label: String,
    pub columns: Vec<(f64, &'static str)>,
    pub rate: Option<f64>,
}

/// Columns per day (left axis, counts) with a rate line (right axis) and threshold markers on
/// the rate axis.
pub fn daily(title: &str, days: &[DayPoint], rate_markers: &[Marker], legend: &[(&'static str, &str)]) -> String {
    let (left, right, top, bottom) = (28.0, W - 34.0, 24.0, 150.0);
    let height = bottom + 22.0;
    let n = days.len().max(1) as f64;
    let step = (right - left) / n;
    let max_count = days.iter().map(|d| d.columns.iter().map(|c| c.0).sum::<f64>()).fold(0.0_f64, f64::max).max(1.0);
    let max_rate = days
        .iter()
        .filter_map(|d| d.rate)
        .chain(rate_markers.iter().map(|m| m.value * 1.2))
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let y_count = |v: f64| bottom - v / max_count * (bottom - top);
    let y_rate = |v: f64| bottom - v.min(max_rate) / max_rate * (bottom - top);
    let mut s = open(title, height);
    let mut x = left;
    for (class, name) in legend {
        let _ = write!(s, r#"<rect class="bar {class}" x="{x:.1}" y="4" width="10" height="10" rx="2"/><text class="legend" x="{tx:.1}" y="13">{n}</text>"#, tx = x + 13.0, n = escape(name));
        x += 22.0 + 5.5 * name.chars().count() as f64;
    }
    let _ = write!(
        s,
        r#"<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/><text class="tick" x="{tx}" y="{ty:.1}" text-anchor="end">{mc}</text><text class="tick" x="{tx}" y="{bottom}" text-anchor="end">0</text><text class="tick" x="{rx}" y="{ty:.1}">{mr}</text>"#,
        tx = left - 3.0,
        ty = top + 4.0,
        mc = format_count(max_count),
        rx = right + 3.0,
        mr = escape(&super::super::percent(Some(max_rate))),
    );
    for (i, d) in days.iter().enumerate() {
        let x = left + step * i as f64 + step * 0.15;
        let w = (step * 0.7).max(0.8);
        let mut base = 0.0;
        for (value, class) in &d.columns {
            if *value > 0.0 {
                let y0 = y_count(base);
                let y1 = y_count(base + value);
                let _ = write!(s, r#"<rect class="bar {class}" x="{x:.1}" y="{y1:.1}" width="{w:.1}" height="{h:.1}"><title>{l}</title></rect>"#, h = (y0 - y1).max(0.5), l = escape(&d.label));
            }
            base += value;
        }
    }
    for m in rate_markers {
        let y = y_rate(m.value);
        let _ = write!(
            s,
            r#"<line class="marker {c}" x1="{left}" y1="{y:.1}" x2="{right}" y2="{y:.1}"/><text class="mlabel {c}" x="{right}" y="{ty:.1}" text-anchor="end">{l}</text>"#,
            c = m.class,
            ty = y - 2.0,
            l = escape(&m.label)
        );
    }
    let points: Vec<String> = days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.rate.map(|r| format!("{:.1},{:.1}", left + step * (i as f64 + 0.5), y_rate(r))))
        .collect();
    if points.len() > 1 {
        let _ = write!(s, r#"<polyline class="rate" points="{}"/>"#, points.join(" "));
    }
    for p in &points {
        if let Some((x, y)) = p.split_once(',') {
            let _ = write!(s, r#"<circle class="dot" cx="{x}" cy="{y}" r="1.8"/>"#);
        }
    }
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        let _ = write!(
            s,
            r#"<text class="tick" x="{left}" y="{y:.1}">{a}</text><text class="tick" x="{right}" y="{y:.1}" text-anchor="end">{b}</text>"#,
            y = bottom + 12.0,
            a = escape(&first.label),
            b = escape(&last.label)
        );
    }
    s.push_str("</svg>");
    s
}

fn open(title: &str, height: f64) -> String {
    format!(
        r#"<svg class="chart" viewBox="0 0 {W} {height:.0}" width="100%" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = escape(title)
    )
}

fn format_count(v: f64) -> String {
    if v >= 10_000.0 { format!("{:.0}k", v / 1000.0) } else { format!("{v:.0}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_and_scale() {
        let svg = bars(
            "rates <x>",
            &[Bar { label: "a<b".into(), value: 0.002, class: "warn", text: "0.20 %".into() }],
            &[Marker { value: 0.003, label: "limit".into(), class: "limit" }],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("a&lt;b") && svg.contains("rates &lt;x&gt;") && !svg.contains("a<b"));
        assert!(svg.contains("<rect class=\"bar warn\""));
        let d = daily("d", &[DayPoint { label: "2026-11-01".into(), columns: vec![(3.0, "hard")], rate: Some(0.001) }, DayPoint { label: "2026-11-02".into(), columns: vec![], rate: Some(0.002) }], &[], &[("hard", "hard")]);
        assert!(d.contains("<polyline"));
        let st = stacked("s", &[Stack { label: "x".into(), segments: vec![(1.0, "hard"), (2.0, "soft")], text: "3".into() }], &[("hard", "hard")]);
        assert_eq!(st.matches("<rect").count(), 3);
    }
}
