//! Charts of ranking uncertainty as SVG, generated at build time: no JavaScript, a title and a
//! description for screen readers, classes (not inline styles) for colour, so the theme can
//! restyle them and they print in black and white. Every chart has a data table beside it in
//! the page; the SVG is the picture of that table.

use super::format;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

/// Approximate width of `s` in the charts' 13 px label font, for margins that fit the names.
fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * 7.2
}

fn longest<'a>(names: impl Iterator<Item = &'a str>) -> f64 {
    names.map(text_width).fold(0.0, f64::max)
}

/// Opens an accessible SVG; `id` makes the title and description ids unique on the page.
fn open(class: &str, id: &str, width: f64, height: f64, title: &str, desc: &str) -> String {
    format!(
        "<svg class=\"chart {class}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(desc)
    )
}

/// One ranked system in a blob plot.
#[derive(Debug, Clone)]
pub struct BlobSystem<'a> {
    pub name: &'a str,
    /// How many bootstrap samples gave rank `k + 1`.
    pub rank_counts: &'a [u32],
    pub rank: f64,
    pub median_rank: f64,
    pub rank_ci: (f64, f64),
}

/// challengeR's blob plot: one column per system (in ranking order), one row per rank; a
/// circle's area is the share of bootstrap samples that gave the system that rank; the
/// median rank is marked with a cross and the rank interval with a vertical line.
pub fn blob_plot(id: &str, systems: &[BlobSystem]) -> String {
    let k = systems.len().max(1);
    let left = 44.0;
    let top = 12.0;
    let col = 46.0;
    let row = 34.0;
    let name_w = longest(systems.iter().map(|s| s.name));
    let label_h = name_w * 0.72 + 16.0;
    let width = left + col * k as f64 + name_w * 0.72 + 10.0;
    let height = top + row * k as f64 + label_h;
    let total: u32 = systems
        .first()
        .map(|s| s.rank_counts.iter().sum())
        .unwrap_or(0)
        .max(1);
    let desc = systems
        .iter()
        .map(|s| {
            format::tr_with(
                "chart_blob_desc",
                &[
                    ("name", s.name),
                    ("rank", &format::rank(s.rank)),
                    ("median", &format::rank(s.median_rank)),
                    ("low", &format::rank(s.rank_ci.0)),
                    ("high", &format::rank(s.rank_ci.1)),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut svg = open(
        "chart-blob",
        id,
        width,
        height,
        &format::tr("chart_blob_title"),
        &desc,
    );
    let y_of = |rank: f64| top + row * (rank - 0.5);
    for r in 1..=k {
        let y = y_of(r as f64);
        svg.push_str(&format!(
            "<line class=\"chart-grid\" x1=\"{left}\" x2=\"{x2}\" y1=\"{y}\" y2=\"{y}\"/>\
             <text class=\"chart-axis\" x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\">{r}</text>",
            x2 = left + col * k as f64,
            tx = left - 8.0,
            ty = y + 4.0,
        ));
    }
    for (i, s) in systems.iter().enumerate() {
        let x = left + col * (i as f64 + 0.5);
        let (lo, hi) = s.rank_ci;
        svg.push_str(&format!(
            "<line class=\"chart-interval\" x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\"/>",
            y_of(lo),
            y_of(hi)
        ));
        for (r, &n) in s.rank_counts.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let share = f64::from(n) / f64::from(total);
            let radius = (share.sqrt() * row * 0.48).max(1.5);
            svg.push_str(&format!(
                "<circle class=\"chart-blob-dot\" cx=\"{x}\" cy=\"{:.1}\" r=\"{radius:.1}\"/>",
                y_of(r as f64 + 1.0)
            ));
        }
        let my = y_of(s.median_rank);
        svg.push_str(&format!(
            "<path class=\"chart-median\" d=\"M{} {} l10 10 m0 -10 l-10 10\"/>",
            x - 5.0,
            my - 5.0
        ));
        let ly = top + row * k as f64 + 8.0;
        svg.push_str(&format!(
            "<text class=\"chart-name\" transform=\"translate({} {ly}) rotate(45)\">{}</text>",
            x - 4.0,
            esc(s.name)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The significance map: a cell is filled when the row's system beats the column's system
/// in the one-sided paired test after Holm adjustment. Systems in ranking order.
pub fn significance_map(id: &str, names: &[&str], significant: &[Vec<bool>]) -> String {
    let k = names.len().max(1);
    let name_w = longest(names.iter().copied());
    let left = name_w + 16.0;
    let top = name_w * 0.72 + 16.0;
    let cell = 26.0;
    let width = left + cell * k as f64 + name_w * 0.72 + 10.0;
    let height = top + cell * k as f64 + 10.0;
    let n_sig: usize = significant
        .iter()
        .map(|r| r.iter().filter(|b| **b).count())
        .sum();
    let desc = format!(
        "{n_sig} of {} ordered pairs differ significantly. {}",
        k * (k.saturating_sub(1)),
        names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let beats: Vec<&str> = names
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| significant.get(i).and_then(|r| r.get(*j)) == Some(&true))
                    .map(|(_, m)| *m)
                    .collect();
                if beats.is_empty() {
                    format::tr_with("chart_sig_none", &[("name", n)])
                } else {
                    format::tr_with(
                        "chart_sig_beats",
                        &[("name", n), ("list", &beats.join(", "))],
                    )
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut svg = open(
        "chart-significance",
        id,
        width,
        height,
        &format::tr("chart_sig_title"),
        &desc,
    );
    for (i, name) in names.iter().enumerate() {
        let y = top + cell * i as f64;
        let x = left + cell * i as f64;
        svg.push_str(&format!(
            "<text class=\"chart-name\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <text class=\"chart-name\" transform=\"translate({} {}) rotate(-45)\">{}</text>",
            left - 8.0,
            y + cell * 0.65,
            esc(name),
            x + cell * 0.5,
            top - 8.0,
            esc(name)
        ));
        for j in 0..names.len() {
            let filled = significant.get(i).and_then(|r| r.get(j)) == Some(&true);
            let class = if i == j {
                "chart-cell-self"
            } else if filled {
                "chart-cell-yes"
            } else {
                "chart-cell-no"
            };
            svg.push_str(&format!(
                "<rect class=\"{class}\" x=\"{}\" y=\"{y}\" width=\"{w}\" height=\"{w}\"/>",
                left + cell * j as f64 + 1.0,
                w = cell - 2.0
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// One row of a dot-and-interval plot.
#[derive(Debug, Clone)]
pub struct Interval<'a> {
    pub name: &'a str,
    pub value: f64,
    pub ci: Option<(f64, f64)>,
    /// Reference rows (human readers, baselines) are drawn hollow.
    pub reference: bool,
}

/// What a dot-and-interval plot's axis shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Axis {
    /// Scores, five evenly spaced ticks.
    Score,
    /// Ranks, whole-number ticks, the best rank on the left.
    Rank,
}

impl Axis {
    fn label(self, v: f64) -> String {
        match self {
            Axis::Score => format::score(v),
            Axis::Rank => format::tr_with("chart_rank", &[("rank", &format::rank(v))]),
        }
    }

    fn ticks(self, lo: f64, hi: f64) -> Vec<f64> {
        match self {
            Axis::Score => (0..=4)
                .map(|t| lo + (hi - lo) * f64::from(t) / 4.0)
                .collect(),
            Axis::Rank => {
                let step = ((hi - lo) / 5.0).ceil().max(1.0);
                let mut t = vec![lo];
                while t.last().is_some_and(|&v| v + step <= hi) {
                    t.push(t[t.len() - 1] + step);
                }
                t
            }
        }
    }
}

/// Each system's value as a dot with its bootstrap interval, on a shared axis.
pub fn dot_interval(
    id: &str,
    title: &str,
    rows: &[Interval],
    range: (f64, f64),
    axis: Axis,
) -> String {
    let left = longest(rows.iter().map(|r| r.name)) + 16.0;
    let plot = 300.0;
    let row = 28.0;
    let top = 8.0;
    let width = left + plot + 20.0;
    let height = top + row * rows.len() as f64 + 30.0;
    let (lo, hi) = if range.1 > range.0 {
        range
    } else {
        (range.0 - 1.0, range.0 + 1.0)
    };
    let x_of = |v: f64| left + ((v - lo) / (hi - lo)).clamp(0.0, 1.0) * plot;
    let desc = rows
        .iter()
        .map(|r| match r.ci {
            Some((a, b)) => format!(
                "{}: {} (interval {} to {})",
                r.name,
                axis.label(r.value),
                axis.label(a),
                axis.label(b)
            ),
            None => format!("{}: {}", r.name, axis.label(r.value)),
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut svg = open("chart-intervals", id, width, height, title, &desc);
    for (i, r) in rows.iter().enumerate() {
        let y = top + row * (i as f64 + 0.5);
        svg.push_str(&format!(
            "<text class=\"chart-name\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <line class=\"chart-grid\" x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>",
            left - 8.0,
            y + 4.0,
            esc(r.name),
            left + plot
        ));
        if let Some((a, b)) = r.ci {
            svg.push_str(&format!(
                "<line class=\"chart-interval\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y}\" y2=\"{y}\"/>",
                x_of(a),
                x_of(b)
            ));
        }
        let class = if r.reference {
            "chart-dot chart-dot-reference"
        } else {
            "chart-dot"
        };
        svg.push_str(&format!(
            "<circle class=\"{class}\" cx=\"{:.1}\" cy=\"{y}\" r=\"5\"/>",
            x_of(r.value)
        ));
    }
    let axis_y = top + row * rows.len() as f64 + 18.0;
    for v in axis.ticks(lo, hi) {
        let label = match axis {
            Axis::Score => format::score(v),
            Axis::Rank => format::rank(v),
        };
        svg.push_str(&format!(
            "<text class=\"chart-axis\" x=\"{:.1}\" y=\"{axis_y}\" text-anchor=\"middle\">{label}</text>",
            x_of(v)
        ));
    }
    svg.push_str("</svg>");
    svg
}

// ---------------------------------------------------------------------------------------------
// Progress charts: values over time and horizontal bars.

/// Days since 1970-01-01 of an ISO date (proleptic Gregorian), for time axes.
pub fn day_number(iso: &str) -> i64 {
    let part = |r: std::ops::Range<usize>| iso.get(r).and_then(|x| x.parse::<i64>().ok());
    let (Some(y), Some(m), Some(d)) = (part(0..4), part(5..7), part(8..10)) else {
        return 0;
    };
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// "May 2026" for a day number's month.
fn month_label(day: i64) -> String {
    let (y, m) = year_month(day);
    format!("{} {y}", format::month_short(m.clamp(1, 12) as u32))
}

/// Day numbers of the first day of every month within `d0..=d1`.
fn month_starts(d0: i64, d1: i64) -> Vec<i64> {
    let mut out = Vec::new();
    let mut d = d0;
    while d <= d1 && out.len() < 1200 {
        // civil_from_days via the label's month: step to the next month's first day.
        let (y, m) = year_month(d);
        let first = day_number(&format!("{y:04}-{m:02}-01"));
        if first >= d0 {
            out.push(first);
        }
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        d = day_number(&format!("{ny:04}-{nm:02}-01"));
    }
    out
}

fn year_month(day: i64) -> (i64, i64) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m)
}

/// One line of a step chart: `points` are (ISO date, value from that date on).
#[derive(Debug, Clone)]
pub struct Series<'a> {
    pub name: &'a str,
    pub points: Vec<(&'a str, f64)>,
}

/// Values over time as step lines. Series differ by dash pattern and marker shape (not colour
/// alone), and each is labelled at its end, so the chart reads in black and white. `span` is
/// the (first, last) ISO date of the axis; `y_range` None starts at zero.
pub fn step_chart(
    id: &str,
    title: &str,
    series: &[Series],
    span: (&str, &str),
    y_range: Option<(f64, f64)>,
    fmt: fn(f64) -> String,
) -> String {
    let left = 64.0;
    let top = 14.0;
    let plot_w = 440.0;
    let plot_h = 190.0;
    let label_w = series
        .iter()
        .map(|s| text_width(s.name) + 70.0)
        .fold(0.0, f64::max);
    let width = left + plot_w + label_w + 12.0;
    let height = top + plot_h + 40.0;
    let (d0, d1) = (
        day_number(span.0),
        day_number(span.1).max(day_number(span.0) + 1),
    );
    let all = series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let (lo, hi) = match y_range {
        Some(r) => r,
        None => (0.0, all.fold(0.0, f64::max)),
    };
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
    let x_of = |d: i64| left + (d - d0) as f64 / (d1 - d0) as f64 * plot_w;
    let y_of = |v: f64| top + plot_h - ((v - lo) / (hi - lo)).clamp(0.0, 1.0) * plot_h;
    let desc = series
        .iter()
        .map(|s| {
            let steps = s
                .points
                .iter()
                .map(|(d, v)| format!("{d}: {}", fmt(*v)))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "{}: {}",
                s.name,
                if steps.is_empty() {
                    "none".into()
                } else {
                    steps
                }
            )
        })
        .collect::<Vec<_>>()
        .join(". ");
    let mut svg = open("chart-steps", id, width, height, title, &desc);
    for t in 0..=4 {
        let v = lo + (hi - lo) * f64::from(t) / 4.0;
        let y = y_of(v);
        svg.push_str(&format!(
            "<line class=\"chart-grid\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"chart-axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left + plot_w,
            left - 6.0,
            y + 4.0,
            esc(&fmt(v))
        ));
    }
    // Ticks on the first of a month, every `step` months, at most five.
    let months = month_starts(d0, d1);
    let step = months.len().div_ceil(5).max(1);
    for d in months.iter().step_by(step) {
        svg.push_str(&format!(
            "<line class=\"chart-grid\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>\
             <text class=\"chart-axis\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            top + plot_h,
            top + plot_h + 5.0,
            top + plot_h + 20.0,
            month_label(*d),
            x = x_of(*d),
        ));
    }
    // End labels, pushed apart so they never overlap.
    let mut ends: Vec<(f64, usize)> = series
        .iter()
        .enumerate()
        .map(|(i, s)| (y_of(s.points.last().map_or(lo, |p| p.1)), i))
        .collect();
    spread(&mut ends, 16.0);
    for (i, s) in series.iter().enumerate() {
        let class = format!("chart-series chart-series-{}", i % 4);
        let mut d = String::new();
        let mut prev: Option<f64> = None;
        for (date, v) in &s.points {
            let x = x_of(day_number(date).clamp(d0, d1));
            let y = y_of(*v);
            match prev {
                None => d.push_str(&format!("M{x:.1} {y:.1}")),
                Some(py) => d.push_str(&format!(" L{x:.1} {py:.1} L{x:.1} {y:.1}")),
            }
            prev = Some(y);
        }
        if let Some(py) = prev {
            d.push_str(&format!(" L{:.1} {py:.1}", left + plot_w));
            svg.push_str(&format!("<path class=\"{class}\" d=\"{d}\"/>"));
        }
        for (date, v) in &s.points {
            svg.push_str(&marker(
                i % 4,
                x_of(day_number(date).clamp(d0, d1)),
                y_of(*v),
            ));
        }
        let ly = ends.iter().find(|e| e.1 == i).map_or(top, |e| e.0);
        let last = s.points.last().map(|p| fmt(p.1)).unwrap_or_default();
        svg.push_str(&marker(i % 4, left + plot_w + 10.0, ly));
        let label = if s.name.is_empty() {
            last
        } else {
            format!("{} ({last})", s.name)
        };
        svg.push_str(&format!(
            "<text class=\"chart-label\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            left + plot_w + 20.0,
            ly + 4.0,
            esc(&label)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Sorts end labels `(y, series)` top to bottom and pushes them apart to at least `gap`, so
/// they never overlap.
fn spread(ends: &mut [(f64, usize)], gap: f64) {
    ends.sort_by(|a, b| a.0.total_cmp(&b.0));
    for k in 1..ends.len() {
        if ends[k].0 - ends[k - 1].0 < gap {
            ends[k].0 = ends[k - 1].0 + gap;
        }
    }
}

/// The value axis of a dot-and-interval plot: the metric's declared `range`, else the span
/// of every value and interval end.
pub fn value_range(rows: &[Interval], declared: Option<(f64, f64)>) -> (f64, f64) {
    declared
        .map(|(a, b)| (a.min(b), a.max(b)))
        .unwrap_or_else(|| {
            rows.iter()
                .flat_map(|iv| {
                    [
                        iv.value,
                        iv.ci.map_or(iv.value, |c| c.0),
                        iv.ci.map_or(iv.value, |c| c.1),
                    ]
                })
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(v), hi.max(v))
                })
        })
}

/// The three charts of a ranking analysis (blob plot, significance map, scores with their
/// intervals), as the live and the frozen analysis pages show them.
pub fn analysis_svgs(
    blobs: &[BlobSystem],
    names: &[&str],
    significant: &[Vec<bool>],
    intervals: &[Interval],
    range: (f64, f64),
    metric_name: &str,
    ci_pct: &str,
) -> [String; 3] {
    [
        blob_plot("blob", blobs),
        significance_map("sig", names, significant),
        dot_interval(
            "iv",
            &format::tr_with(
                "chart_intervals_title",
                &[("metric", metric_name), ("ci", ci_pct)],
            ),
            intervals,
            range,
            Axis::Score,
        ),
    ]
}

/// Marker shapes by series: circle, square, triangle, diamond.
fn marker(kind: usize, x: f64, y: f64) -> String {
    let class = format!("chart-marker chart-marker-{kind}");
    match kind {
        0 => format!("<circle class=\"{class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\"/>"),
        1 => format!(
            "<rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\"/>",
            x - 4.0,
            y - 4.0
        ),
        2 => format!(
            "<path class=\"{class}\" d=\"M{x:.1} {:.1} l5 9 h-10 z\"/>",
            y - 5.0
        ),
        _ => format!(
            "<path class=\"{class}\" d=\"M{x:.1} {:.1} l5 5 l-5 5 l-5 -5 z\"/>",
            y - 5.0
        ),
    }
}

/// One bar of a bar chart.
#[derive(Debug, Clone)]
pub struct Bar<'a> {
    pub label: &'a str,
    pub value: f64,
    pub display: String,
}

/// Horizontal bars, each labelled above and valued at its end (legible on a phone and in
/// black and white). Bars share a scale from zero to `max` (or the largest value).
pub fn bar_chart(id: &str, title: &str, bars: &[Bar], max: Option<f64>) -> String {
    let row_h = 44.0;
    let bar_w = 340.0;
    let width = bar_w + 90.0;
    let height = row_h * bars.len().max(1) as f64;
    let top = max
        .unwrap_or_else(|| bars.iter().map(|b| b.value).fold(0.0, f64::max))
        .max(f64::EPSILON);
    let desc = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.display))
        .collect::<Vec<_>>()
        .join("; ");
    let mut svg = open("chart-bars", id, width, height, title, &desc);
    for (i, b) in bars.iter().enumerate() {
        let y = i as f64 * row_h;
        let w = ((b.value / top).clamp(0.0, 1.0) * bar_w).max(2.0);
        svg.push_str(&format!(
            "<text class=\"chart-label\" x=\"0\" y=\"{:.1}\">{}</text>\
             <rect class=\"chart-track\" x=\"0\" y=\"{by:.1}\" width=\"{bar_w}\" height=\"16\"/>\
             <rect class=\"chart-bar\" x=\"0\" y=\"{by:.1}\" width=\"{w:.1}\" height=\"16\"/>\
             <text class=\"chart-value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            y + 14.0,
            esc(b.label),
            bar_w + 8.0,
            y + 33.0,
            esc(&b.display),
            by = y + 20.0,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_plot_draws_a_circle_per_observed_rank_and_describes_itself() {
        let a = [8, 2, 0];
        let b = [2, 7, 1];
        let c = [0, 1, 9];
        let systems = [
            BlobSystem {
                name: "Alpha <A>",
                rank_counts: &a,
                rank: 1.0,
                median_rank: 1.0,
                rank_ci: (1.0, 2.0),
            },
            BlobSystem {
                name: "Beta",
                rank_counts: &b,
                rank: 2.0,
                median_rank: 2.0,
                rank_ci: (1.0, 3.0),
            },
            BlobSystem {
                name: "Gamma",
                rank_counts: &c,
                rank: 3.0,
                median_rank: 3.0,
                rank_ci: (2.0, 3.0),
            },
        ];
        let svg = blob_plot("blob", &systems);
        assert_eq!(svg.matches("<circle").count(), 7);
        assert!(svg.contains("role=\"img\"") && svg.contains("<title id=\"blob-title\">"));
        assert!(svg.contains("Alpha &lt;A&gt;: rank 1, median bootstrap rank 1, interval 1 to 2"));
        assert!(!svg.contains("style="));
    }

    #[test]
    fn significance_map_fills_the_significant_cells() {
        let sig = vec![
            vec![false, true, true],
            vec![false, false, true],
            vec![false, false, false],
        ];
        let svg = significance_map("sig", &["A", "B", "C"], &sig);
        assert_eq!(svg.matches("chart-cell-yes").count(), 3);
        assert_eq!(svg.matches("chart-cell-self").count(), 3);
        assert!(svg.contains("3 of 6 ordered pairs differ significantly. A beats B, C. B beats C. C beats none significantly."), "{svg}");
    }

    #[test]
    fn intervals_sit_on_the_shared_axis() {
        let rows = [
            Interval {
                name: "A",
                value: 0.8,
                ci: Some((0.7, 0.9)),
                reference: false,
            },
            Interval {
                name: "Readers",
                value: 0.6,
                ci: None,
                reference: true,
            },
        ];
        let svg = dot_interval(
            "iv",
            "Mean Dice with 95% interval",
            &rows,
            (0.0, 1.0),
            Axis::Score,
        );
        assert!(svg.contains("A: 0.800 (interval 0.700 to 0.900)"));
        assert!(svg.contains("chart-dot-reference"));
        assert_eq!(svg.matches("class=\"chart-interval\"").count(), 1);
        // "Readers" (7 characters) sets the left margin: 7 * 7.2 + 16 = 66.4; 0.8 of 300 more.
        assert!(svg.contains("cx=\"306.4\""), "{svg}");
    }

    #[test]
    fn day_numbers_match_the_calendar() {
        assert_eq!(day_number("1970-01-01"), 0);
        assert_eq!(day_number("2000-03-01"), 11_017);
        assert_eq!(day_number("2026-05-14") - day_number("2026-04-14"), 30);
        assert_eq!(month_label(day_number("2026-05-14")), "May 2026");
        assert_eq!(month_label(day_number("2024-02-29")), "Feb 2024");
    }

    #[test]
    fn step_chart_marks_every_point_and_labels_each_line() {
        let s = [
            Series {
                name: "Proposals",
                points: vec![("2026-01-10", 1.0), ("2026-02-10", 3.0)],
            },
            Series {
                name: "Selected <x>",
                points: vec![("2026-02-20", 1.0)],
            },
        ];
        let svg = step_chart(
            "p",
            "Cumulative",
            &s,
            ("2026-01-01", "2026-03-01"),
            None,
            |v| format!("{v:.0}"),
        );
        // Two markers + one end marker for the first series, one + one for the second.
        assert_eq!(svg.matches("chart-marker-0").count(), 3);
        assert_eq!(svg.matches("chart-marker-1").count(), 2);
        assert!(svg.contains("Selected &lt;x&gt; (1)"));
        assert!(svg.contains("Proposals: 2026-01-10: 1, 2026-02-10: 3"));
        assert!(!svg.contains("style="));
    }

    #[test]
    fn bars_share_one_scale() {
        let bars = [
            Bar {
                label: "Proposed",
                value: 20.0,
                display: "20".into(),
            },
            Bar {
                label: "Selected",
                value: 5.0,
                display: "5".into(),
            },
        ];
        let svg = bar_chart("f", "Funnel", &bars, None);
        assert!(svg.contains("width=\"340.0\""), "{svg}");
        assert!(svg.contains("width=\"85.0\""), "{svg}");
    }

    #[test]
    fn a_rank_axis_has_whole_rank_ticks_and_reads_as_ranks() {
        let rows = [Interval {
            name: "A",
            value: 2.0,
            ci: Some((1.0, 4.0)),
            reference: false,
        }];
        let svg = dot_interval("c", "Consensus rank", &rows, (1.0, 19.0), Axis::Rank);
        assert!(
            svg.contains("A: rank 2 (interval rank 1 to rank 4)"),
            "{svg}"
        );
        assert_eq!(Axis::Rank.ticks(1.0, 19.0), [1.0, 5.0, 9.0, 13.0, 17.0]);
        assert_eq!(Axis::Rank.ticks(1.0, 3.0), [1.0, 2.0, 3.0]);
        assert_eq!(Axis::Rank.ticks(1.0, 1.0), [1.0]);
    }
}

/// One system's rank in each release (aligned with the releases; `None`: not ranked there).
#[derive(Debug, Clone)]
pub struct RankLine<'a> {
    pub name: &'a str,
    pub ranks: Vec<Option<f64>>,
}

/// Ranks across releases: one column per release, rank 1 at the top, one line per system
/// (dash pattern and marker shape tell them apart, not colour alone), labelled at its last
/// rank. A gap where a system was not ranked in a release.
pub fn rank_history(id: &str, title: &str, releases: &[&str], lines: &[RankLine]) -> String {
    let left = 44.0;
    let top = 16.0;
    let col = 160.0;
    let plot_w = col * (releases.len().max(2) - 1) as f64;
    let worst = lines
        .iter()
        .flat_map(|l| l.ranks.iter().flatten())
        .fold(1.0_f64, |a, &b| a.max(b))
        .ceil();
    let row = 26.0;
    let plot_h = row * (worst - 1.0).max(1.0);
    let label_w = longest(lines.iter().map(|l| l.name)) + 30.0;
    let width = left + plot_w + label_w + 20.0;
    let height = top + plot_h + 36.0;
    let x_of = |i: usize| left + col * i as f64;
    let y_of = |r: f64| top + (r - 1.0) / (worst - 1.0).max(1.0) * plot_h;
    let desc = lines
        .iter()
        .map(|l| {
            let ranks = releases
                .iter()
                .zip(&l.ranks)
                .map(|(v, r)| match r {
                    Some(r) => format::tr_with(
                        "chart_release_rank",
                        &[("version", v), ("rank", &format::rank(*r))],
                    ),
                    None => format::tr_with("chart_release_not_ranked", &[("version", v)]),
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("{}: {ranks}", l.name)
        })
        .collect::<Vec<_>>()
        .join(". ");
    let mut svg = open("chart-ranks", id, width, height, title, &desc);
    for r in 1..=worst as u32 {
        let y = y_of(f64::from(r));
        svg.push_str(&format!(
            "<line class=\"chart-grid\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"chart-axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{r}</text>",
            left + plot_w,
            left - 8.0,
            y + 4.0,
        ));
    }
    for (i, v) in releases.iter().enumerate() {
        svg.push_str(&format!(
            "<text class=\"chart-axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x_of(i),
            top + plot_h + 24.0,
            esc(v)
        ));
    }
    let mut ends: Vec<(f64, usize)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| Some((y_of(l.ranks.iter().rev().find_map(|r| *r)?), i)))
        .collect();
    spread(&mut ends, 15.0);
    for (i, l) in lines.iter().enumerate() {
        let class = format!("chart-series chart-series-{}", i % 4);
        let mut d = String::new();
        let mut pen_down = false;
        for (j, r) in l.ranks.iter().enumerate() {
            match r {
                Some(r) => {
                    let cmd = if pen_down { " L" } else { " M" };
                    d.push_str(&format!("{cmd}{:.1} {:.1}", x_of(j), y_of(*r)));
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        if !d.is_empty() {
            svg.push_str(&format!(
                "<path class=\"{class}\" d=\"{}\"/>",
                d.trim_start()
            ));
        }
        for (j, r) in l.ranks.iter().enumerate() {
            if let Some(r) = r {
                svg.push_str(&marker(i % 4, x_of(j), y_of(*r)));
            }
        }
        if let Some(&(ly, _)) = ends.iter().find(|e| e.1 == i) {
            let last = l.ranks.iter().rposition(Option::is_some).unwrap_or(0);
            svg.push_str(&format!(
                "<text class=\"chart-label\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x_of(last).max(left + plot_w) + 14.0,
                ly + 4.0,
                esc(l.name)
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}
