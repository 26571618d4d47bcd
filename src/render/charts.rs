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
            format!(
                "{}: rank {}, median bootstrap rank {}, interval {} to {}",
                s.name,
                format::rank(s.rank),
                format::rank(s.median_rank),
                format::rank(s.rank_ci.0),
                format::rank(s.rank_ci.1)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut svg = open(
        "chart-blob",
        id,
        width,
        height,
        "Rank of each system over the bootstrap samples (bigger circle: more often)",
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
                    format!("{n} beats none significantly.")
                } else {
                    format!("{n} beats {}.", beats.join(", "))
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
        "Which system is significantly better than which (row beats column)",
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
            Axis::Rank => format!("rank {}", format::rank(v)),
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
