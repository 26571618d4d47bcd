//! Page contexts of the portal's progress: the figures above each report (for its period) and
//! the `/progress/` page (up to the newest dated content), with their charts and data tables.
//! Every number comes from [`crate::compute::stats`]; nothing is typed in.

use super::charts::{self, Bar, Series};
use super::format;
use super::views;
use crate::compute::Computed;
use crate::compute::stats::{self, Snapshot, Stage};
use crate::model::*;
use serde_json::{Value, json};

/// The window the figures cover: everything up to `end`, "in the period" from `start`.
pub struct Window<'a> {
    pub start: Option<&'a Date>,
    pub end: &'a Date,
    /// The previous report's end, for "+14 since the last report".
    pub previous_end: Option<&'a Date>,
    /// Prefix of the charts' ids, unique on the page.
    pub id: &'a str,
}

fn country_name(code: &str) -> String {
    isocountry::CountryCode::for_alpha2(code)
        .map(|c| c.name().to_string())
        .unwrap_or_else(|_| code.to_string())
}

fn eur(v: f64) -> String {
    format::eur(v)
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else if n < 0 {
        format!("−{}", -n)
    } else {
        "±0".into()
    }
}

/// The figures context (documented in docs/templates.md as `progress`).
pub fn context(portal: &Portal, computed: &Computed, w: &Window) -> Value {
    let end = stats::snapshot(portal, |d| d <= w.end);
    let before = w.start.map(|s| stats::snapshot(portal, |d| d < s));
    let prev = w.previous_end.map(|p| stats::snapshot(portal, |d| d <= p));

    let headline = |label: &str, get: fn(&Snapshot) -> f64, money: bool| -> Value {
        let shown = |v: f64| {
            if money {
                eur(v)
            } else {
                format!("{}", v as i64)
            }
        };
        let total = get(&end);
        let in_period = before.as_ref().map(|b| total - get(b));
        let since = prev.as_ref().map(|p| total - get(p));
        // When the previous report ends where this period starts, the two agree: say it once.
        let since = since.filter(|v| Some(*v) != in_period);
        json!({
            "label": label,
            "total": total,
            "total_display": shown(total),
            "in_period": in_period,
            "in_period_display": in_period.map(|v| if money { eur(v) } else { signed(v as i64) }),
            "since_previous": since,
            "since_previous_display": since.map(|v| if money { format!("+{}", eur(v)) } else { signed(v as i64) }),
        })
    };
    let figures = vec![
        headline(
            &format::tr("progress_proposals_received"),
            |s| s.proposals as f64,
            false,
        ),
        headline(
            &format::tr("progress_tasks_selected"),
            |s| s.selected_total as f64,
            false,
        ),
        headline(
            &format::tr("progress_tasks_released"),
            |s| s.released_total as f64,
            false,
        ),
        headline(
            &format::tr("progress_systems_evaluated"),
            |s| s.systems_evaluated as f64,
            false,
        ),
        headline(
            &format::tr("progress_leaderboard_entries"),
            |s| s.leaderboard_entries as f64,
            false,
        ),
        headline(
            &format::tr("progress_prize_committed"),
            |s| s.prize_committed_eur,
            true,
        ),
        headline(
            &format::tr("progress_prize_paid"),
            |s| s.prize_paid_eur,
            true,
        ),
    ];

    // The funnel
    let funnel: Vec<Value> = Stage::ALL
        .iter()
        .map(|s| {
            let n = end.funnel_count(*s);
            let share = if end.proposals > 0 {
                n as f64 / end.proposals as f64
            } else {
                0.0
            };
            json!({"stage": s.key(), "label": format::tr(&format!("stage_{}", s.key())), "count": n, "share_display": format::percent(share)})
        })
        .collect();
    let stage_labels: Vec<String> = Stage::ALL
        .iter()
        .map(|s| format::tr(&format!("stage_{}", s.key())))
        .collect();
    let bars: Vec<Bar> = Stage::ALL
        .iter()
        .zip(&stage_labels)
        .map(|(s, label)| Bar {
            label,
            value: end.funnel_count(*s) as f64,
            display: end.funnel_count(*s).to_string(),
        })
        .collect();
    let funnel_svg = charts::bar_chart(
        &format!("{}-funnel", w.id),
        &format::tr("progress_funnel_title"),
        &bars,
        None,
    );
    let status_rows: Vec<Value> = Status::ALL
        .iter()
        .map(|s| json!({"status": s.as_str(), "label": format::label("status", s.as_str(), s.label()), "count": end.by_status.get(s.as_str()).copied().unwrap_or(0)}))
        .filter(|v| v["count"].as_u64() != Some(0))
        .collect();

    // Breakdowns
    let modality: Vec<Value> = Modality::ALL
        .iter()
        .filter_map(|m| {
            let n = end.by_modality.get(m.as_str()).copied()?;
            Some(
                json!({"code": m.as_str(), "label": m.label(), "proposals": n,
                "selected": end.selected_by_modality.get(m.as_str()).copied().unwrap_or(0)}),
            )
        })
        .collect();
    let specialty: Vec<Value> = Specialty::ALL
        .iter()
        .filter_map(|m| {
            let n = end.by_specialty.get(m.as_str()).copied()?;
            Some(
                json!({"code": m.as_str(), "label": m.label(), "proposals": n,
                "selected": end.selected_by_specialty.get(m.as_str()).copied().unwrap_or(0)}),
            )
        })
        .collect();
    let mut country: Vec<Value> = end
        .by_country
        .iter()
        .map(|(c, n)| {
            json!({"code": c, "label": country_name(c), "proposals": n,
                "selected": end.selected_by_country.get(c).copied().unwrap_or(0)})
        })
        .collect();
    country.sort_by(|a, b| {
        b["proposals"]
            .as_u64()
            .cmp(&a["proposals"].as_u64())
            .then(a["label"].as_str().cmp(&b["label"].as_str()))
    });

    // Many countries with one proposal each read better as a sentence than as a long table.
    let (country_table, country_singles): (Vec<Value>, Vec<Value>) = if country.len() > 12 {
        country
            .iter()
            .cloned()
            .partition(|c| c["proposals"].as_u64().unwrap_or(0) > 1)
    } else {
        (country.clone(), Vec::new())
    };
    let singles_unselected: Vec<&str> = country_singles
        .iter()
        .filter(|c| c["selected"].as_u64() == Some(0))
        .filter_map(|c| c["label"].as_str())
        .collect();
    let singles_names: Vec<&str> = country_singles
        .iter()
        .filter_map(|c| c["label"].as_str())
        .collect();
    let mut singles_sorted = singles_names.clone();
    singles_sorted.sort();

    // Over time
    let first = portal
        .tasks
        .iter()
        .map(|b| &b.task.submitted)
        .filter(|d| *d <= w.end)
        .min()
        .cloned();
    let span_start = first.clone().unwrap_or_else(|| w.end.clone());
    let cumulative = |dates: Vec<&Date>| -> Vec<(String, f64)> {
        let mut dates: Vec<&Date> = dates.into_iter().filter(|d| *d <= w.end).collect();
        dates.sort();
        let mut out: Vec<(String, f64)> = Vec::new();
        for (i, d) in dates.iter().enumerate() {
            if out.last().is_some_and(|(x, _)| x == d.as_str()) {
                out.pop();
            }
            out.push((d.to_string(), (i + 1) as f64));
        }
        out
    };
    let submitted = cumulative(portal.tasks.iter().map(|b| &b.task.submitted).collect());
    let selected = cumulative(
        portal
            .tasks
            .iter()
            .filter_map(|b| stats::reached_stage(b, Stage::Selected))
            .collect(),
    );
    let released = cumulative(
        portal
            .tasks
            .iter()
            .filter_map(|b| stats::reached_stage(b, Stage::Released))
            .collect(),
    );
    let series_of = |name: &str, pts: &[(String, f64)]| -> (String, Vec<(String, f64)>) {
        (name.to_string(), pts.to_vec())
    };
    let count_series = [
        series_of(&format::tr("progress_series_proposals"), &submitted),
        series_of(&format::tr("progress_series_selected"), &selected),
        series_of(&format::tr("progress_series_released"), &released),
    ];
    let span = (span_start.as_str(), w.end.as_str());
    let proposals_svg = step_svg(
        &format!("{}-cumulative", w.id),
        &format::tr("progress_cumulative_title"),
        &count_series,
        span,
        |v| format!("{v:.0}"),
    );

    // Prize money over time
    let mut committed: Vec<(&Date, f64)> = Vec::new();
    let mut paid: Vec<(&Date, f64)> = Vec::new();
    for b in &portal.tasks {
        let Some(r) = &b.rationale else { continue };
        let Some(a) = &r.meta.award else { continue };
        let dated = a.date.as_ref().unwrap_or(&r.meta.meeting_date);
        match a.status {
            AwardStatus::Committed => committed.push((dated, a.amount_eur)),
            AwardStatus::Paid => {
                committed.push(((&r.meta.meeting_date).min(dated), a.amount_eur));
                paid.push((dated, a.amount_eur));
            }
        }
    }
    let money = |mut v: Vec<(&Date, f64)>| -> Vec<(String, f64)> {
        v.retain(|(d, _)| *d <= w.end);
        v.sort_by(|a, b| a.0.cmp(b.0));
        let mut total = 0.0;
        let mut out: Vec<(String, f64)> = Vec::new();
        for (d, x) in v {
            total += x;
            if out.last().is_some_and(|(p, _)| p == d.as_str()) {
                out.pop();
            }
            out.push((d.to_string(), total));
        }
        out
    };
    let prize_series = [
        series_of(&format::tr("progress_series_committed"), &money(committed)),
        series_of(&format::tr("progress_series_paid"), &money(paid)),
    ];
    let prize_svg = step_svg(
        &format!("{}-prize", w.id),
        &format::tr("progress_money_title"),
        &prize_series,
        span,
        |v| {
            if v >= 1000.0 {
                format!("€{}k", format::thousands((v / 1000.0).round() as u64))
            } else {
                format!("€{v:.0}")
            }
        },
    );

    // Month by month, for the data table of both charts
    let months = month_ends(&span_start, w.end);
    let dated = stats::dated(portal);
    let monthly: Vec<Value> = months
        .iter()
        .map(|(label, last)| {
            let s = stats::totals(&dated, |d| d.as_str() <= last.as_str());
            json!({
                "month": label,
                "proposals": s.proposals,
                "selected": s.selected_total,
                "released": s.released_total,
                "prize_committed_display": eur(s.prize_committed_eur),
                "prize_paid_display": eur(s.prize_paid_eur),
            })
        })
        .collect();

    // Best score over time per released task
    let best: Vec<Value> = computed
        .best
        .iter()
        .filter_map(|s| {
            let b = portal.task(&s.task)?;
            let released = stats::reached_stage(b, Stage::Released)?;
            if released > w.end {
                return None;
            }
            let pts: Vec<&stats::BestPoint> =
                s.points.iter().filter(|p| &p.date <= w.end).collect();
            if pts.is_empty() {
                return None;
            }
            let t = &b.task;
            let metric = t.evaluation.as_ref().and_then(|e| e.metric(&s.metric));
            let metric_name = metric.map_or(s.metric.as_str(), |m| m.name.as_str());
            let range = metric
                .and_then(|m| m.range)
                .map(|[a, b]| (a.min(b), a.max(b)));
            let name = |sys: &str| {
                portal
                    .system(sys)
                    .map_or(sys.to_string(), |x| x.name.clone())
            };
            // Unnamed: the line is labelled with its latest value only.
            let series = [(
                String::new(),
                pts.iter()
                    .map(|p| (p.date.to_string(), p.value))
                    .collect::<Vec<_>>(),
            )];
            // Around the data (so a change shows), within the metric's range.
            let lo = pts.iter().map(|p| p.value).fold(f64::INFINITY, f64::min);
            let hi = pts
                .iter()
                .map(|p| p.value)
                .fold(f64::NEG_INFINITY, f64::max);
            let pad = ((hi - lo) * 0.5).max(hi.abs() * 0.1).max(1e-3);
            let (mut a, mut z) = (lo - pad, hi + pad);
            if let Some((rmin, rmax)) = range {
                a = a.max(rmin);
                z = z.min(rmax);
            }
            let y_range = Some((a, z));
            let svg = step_svg_range(
                &format!("{}-best-{}", w.id, t.id),
                &format::tr_with(
                    "progress_best_title",
                    &[
                        ("metric", metric_name),
                        ("task", t.acronym.as_deref().unwrap_or(&t.title)),
                        (
                            "direction",
                            &format::label("direction", s.direction.as_str(), s.direction.label())
                                .to_lowercase(),
                        ),
                    ],
                ),
                &series,
                (released.as_str(), w.end.as_str()),
                y_range,
                format::score,
            );
            Some(json!({
                "task_id": t.id,
                "title": t.title,
                "acronym": t.acronym,
                "url": views::task_url(t.id.as_str()),
                "metric_name": metric_name,
                "direction_label": s.direction.label(),
                "chart_svg": svg,
                "points": pts.iter().map(|p| json!({
                    "date": p.date,
                    "date_display": format::date(&p.date),
                    "value_display": format::score(p.value),
                    "system_name": name(&p.system),
                    "system_url": views::system_url(&p.system),
                })).collect::<Vec<_>>(),
            }))
        })
        .collect();

    let show_since = figures.iter().any(|f| !f["since_previous"].is_null());
    json!({
        "show_since_previous": show_since,
        // The previous report ended where this period starts: "in this period" is "since".
        "previous_adjacent": prev.is_some() && !show_since,
        "as_of": w.end,
        "as_of_display": format::date(w.end),
        "start": w.start,
        "start_display": w.start.map(format::date),
        "figures": figures,
        "funnel": funnel,
        "funnel_svg": funnel_svg,
        "by_status": status_rows,
        "by_modality": modality,
        "by_specialty": specialty,
        "by_country": country,
        "by_country_table": country_table,
        "country_singles": singles_sorted,
        "country_singles_unselected": singles_unselected,
        "n_countries": end.by_country.len(),
        "proposals_svg": proposals_svg,
        "prize_svg": prize_svg,
        "monthly": monthly,
        "best": best,
    })
}

fn step_svg(
    id: &str,
    title: &str,
    series: &[(String, Vec<(String, f64)>)],
    span: (&str, &str),
    fmt: fn(f64) -> String,
) -> String {
    step_svg_range(id, title, series, span, None, fmt)
}

fn step_svg_range(
    id: &str,
    title: &str,
    series: &[(String, Vec<(String, f64)>)],
    span: (&str, &str),
    y_range: Option<(f64, f64)>,
    fmt: fn(f64) -> String,
) -> String {
    let s: Vec<Series> = series
        .iter()
        .map(|(name, pts)| Series {
            name,
            points: pts.iter().map(|(d, v)| (d.as_str(), *v)).collect(),
        })
        .collect();
    charts::step_chart(id, title, &s, span, y_range, fmt)
}

/// ("May 2026", "2026-05-31") for every month from `start`'s to `end`'s (the last one ends at
/// `end` itself).
fn month_ends(start: &Date, end: &Date) -> Vec<(String, String)> {
    let ym = |d: &Date| -> (i32, u32) {
        (
            d.as_str()[..4].parse().unwrap_or(2000),
            d.as_str()[5..7].parse().unwrap_or(1),
        )
    };
    let (mut y, mut m) = ym(start);
    let (ey, em) = ym(end);
    let mut out = Vec::new();
    while (y, m) <= (ey, em) && out.len() < 600 {
        let last = if (y, m) == (ey, em) {
            end.to_string()
        } else {
            // The 31st sorts after every day of the month, valid or not: a text bound.
            format!("{y:04}-{m:02}-31")
        };
        out.push((format!("{} {y}", format::month_short(m)), last));
        if m == 12 {
            y += 1;
            m = 1;
        } else {
            m += 1;
        }
    }
    out
}

/// A CSS string literal: quotes, backslashes and line breaks escaped.
fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push_str("\\a "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The print stylesheet of one printed page: the page's date on the left of every page's
/// footer and the portal's address with the page number on the right (CSS page margin boxes;
/// a file of its own because the page's CSP allows no inline styles).
pub fn print_css(left: &str, address: &str) -> String {
    // Links within the site are relative; printed, they show the full address.
    let origin = address
        .find("://")
        .and_then(|i| address[i + 3..].find('/').map(|j| &address[..i + 3 + j]))
        .unwrap_or(address);
    format!(
        "/* Generated: the footer of every printed page, and full link addresses. */\n@page {{\n  @bottom-left {{ content: {}; font: 8pt sans-serif; color: #333; }}\n  @bottom-right {{ content: {} {} counter(page) {} counter(pages); font: 8pt sans-serif; color: #333; }}\n}}\nmain a[href^=\"/\"]:not(table a)::after {{ content: \" <\" {} attr(href) \">\"; font-size: 0.85em; font-weight: normal; word-break: break-all; color: #333; }}\n",
        css_string(left),
        css_string(address),
        css_string(&format::tr("print_page")),
        css_string(&format::tr("print_of")),
        css_string(origin)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_run_from_start_to_end() {
        let m = month_ends(
            &Date::parse("2025-11-20").unwrap(),
            &Date::parse("2026-02-10").unwrap(),
        );
        let labels: Vec<&str> = m.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026"]);
        assert_eq!(m[0].1, "2025-11-31");
        assert_eq!(m[3].1, "2026-02-10");
    }

    #[test]
    fn print_css_escapes_text_and_knows_the_origin() {
        let css = print_css("A \"quoted\" title", "https://h.org/sub/reports/x/");
        assert!(
            css.contains("content: \"A \\\"quoted\\\" title\";"),
            "{css}"
        );
        assert!(css.contains("\"https://h.org\" attr(href)"), "{css}");
    }

    #[test]
    fn signs() {
        assert_eq!(signed(14), "+14");
        assert_eq!(signed(0), "±0");
        assert_eq!(signed(-2), "−2");
    }
}
