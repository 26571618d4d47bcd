//! Number and date formatting for pages: pre-formatted strings keep templates free of
//! arithmetic. The page's language decides the form ("0.838", "26 November 2026", "€ 540,000"
//! in English; "0,838", "26. November 2026", "540.000 €" in German): contexts are built inside
//! [`with_locale`], which sets it for the thread.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A language's formatting rules and the interface strings the Rust side prints.
#[derive(Debug, Clone, Default)]
pub struct Locale {
    pub code: String,
    pub strings: BTreeMap<String, String>,
}

impl Locale {
    fn german(&self) -> bool {
        self.code == "de"
    }
}

thread_local! {
    static LOCALE: RefCell<Option<Arc<Locale>>> = const { RefCell::new(None) };
}

/// Runs `f` with `locale` as the thread's page language (the default language: `None`).
pub fn with_locale<R>(locale: Option<&Arc<Locale>>, f: impl FnOnce() -> R) -> R {
    let previous = LOCALE.with(|l| l.replace(locale.cloned()));
    let out = f();
    LOCALE.with(|l| *l.borrow_mut() = previous);
    out
}

/// The current page language's locale, if it is not the default language.
pub fn current() -> Option<Arc<Locale>> {
    LOCALE.with(|l| l.borrow().clone())
}

fn german() -> bool {
    LOCALE.with(|l| l.borrow().as_ref().is_some_and(|l| l.german()))
}

/// The interface strings the Rust side prints, with their English text. Catalogs of other
/// languages must translate every one (`medal check` names a missing key).
pub const RUST_STRINGS: &[(&str, &str)] = &[
    ("print_report_footer", r#"{title} · published {date}"#),
    ("print_progress_footer", r#"{site} progress as of {date}"#),
    ("print_page", r#" · page "#),
    ("print_of", r#" of "#),
    ("nav_tasks", r#"Tasks"#),
    ("nav_rankings", r#"Rankings"#),
    ("nav_systems", r#"Systems"#),
    ("nav_reports", r#"Reports"#),
    ("nav_news", r#"News"#),
    ("nav_about", r#"About"#),
    ("page_tasks_title", r#"Tasks"#),
    (
        "page_tasks_description",
        r#"Every task the panel has selected for MEDAL."#,
    ),
    (
        "page_tasks_intro",
        r#"Every task the panel has selected, with its status, imaging modalities, specialty and task type."#,
    ),
    ("page_systems_title", r#"AI systems and reference readers"#),
    (
        "page_systems_description",
        r#"The AI systems evaluated on MEDAL tasks, and the human readers they are compared with."#,
    ),
    ("page_rankings_title", r#"Rankings across tasks"#),
    (
        "page_rankings_description",
        r#"How AI systems rank across all released MEDAL tasks."#,
    ),
    (
        "rankings_method_note",
        r#"Each system's consensus score is its mean rank over all released tasks with a leaderboard. A system that did not take part in a task counts as ranked last there, one place behind every system ranked on it. Human readers and baselines are shown on the task pages but not ranked."#,
    ),
    ("page_reports_title", r#"Progress reports"#),
    (
        "page_reports_description",
        r#"Progress reports for the Carl-Zeiss-Stiftung and the public."#,
    ),
    ("page_progress_title", r#"Progress"#),
    (
        "page_progress_description",
        r#"MEDAL's progress in figures: proposals, the selection funnel, prize money and the best scores over time, computed from the portal's content."#,
    ),
    ("page_data_title", r#"Open data"#),
    (
        "page_data_description",
        r#"Every task, data card, leaderboard and figure of MEDAL as JSON, CSV and Croissant, with the meaning of every field."#,
    ),
    ("page_news_title", r#"News"#),
    ("page_news_description", r#"News from MEDAL."#),
    ("page_search_title", r#"Search"#),
    (
        "page_search_description",
        r#"Search MEDAL's tasks, AI systems, progress reports, news and pages."#,
    ),
    ("page_not_found_title", r#"Page not found"#),
    (
        "page_not_found_description",
        r#"The page you asked for does not exist."#,
    ),
    ("page_analysis_title", r#"How sure is the ranking? {task}"#),
    (
        "page_analysis_description",
        r#"Bootstrap and significance analysis of the leaderboard of {task}"#,
    ),
    ("page_datacard_title", r#"Data card: {name}"#),
    ("feed_news_title", r#"{site} news"#),
    ("feed_updates_title", r#"{site} leaderboard updates"#),
    ("listing_in", r#"Tasks in {label}"#),
    ("listing_status", r#"{label} tasks"#),
    ("listing_one", r#"{title}: one published MEDAL task."#),
    ("listing_many", r#"{title}: {n} published MEDAL tasks."#),
    ("tie_top", r#"Tied with the top"#),
    ("tie_clear_leader", r#"Clear leader"#),
    ("tie_group", r#"Group {g}"#),
    (
        "lb_note_some_without_per_case",
        r#"Some results come without per-case values ({list}), so the whole ranking uses the reported scores and no uncertainty can be shown."#,
    ),
    (
        "lb_note_without_per_case",
        r#"These results come without per-case values, so the ranking uses the reported scores and no uncertainty can be shown."#,
    ),
    ("kendall_display", r#"{median} (interval {low} to {high})"#),
    ("page_releases_title", r#"Releases"#),
    (
        "page_releases_description",
        r#"Frozen, citable editions of the MEDAL benchmark: the ranks, intervals and significance as published on each release date."#,
    ),
    ("page_latest_release_title", r#"Latest release: {version}"#),
    (
        "page_latest_release_description",
        r#"Redirects to the newest release."#,
    ),
    ("feed_releases_title", r#"{site} releases"#),
    (
        "page_release_description",
        r#"MEDAL release {version} of {date}: the benchmark as it stood on {as_of}, frozen and citable."#,
    ),
    ("page_release_task_title", r#"{task} in MEDAL {version}"#),
    (
        "page_release_task_description",
        r#"The leaderboard of {task} as frozen in MEDAL release {version} on {date}."#,
    ),
    (
        "frozen_note_no_uncertainty",
        r#"These results were frozen without an uncertainty analysis (no per-case values for every ranked entry), so the ranking shows the reported scores without intervals."#,
    ),
    ("progress_proposals_received", r#"Proposals received"#),
    ("progress_tasks_selected", r#"Tasks selected"#),
    ("progress_tasks_released", r#"Tasks released"#),
    ("progress_systems_evaluated", r#"Systems evaluated"#),
    ("progress_leaderboard_entries", r#"Leaderboard entries"#),
    ("progress_prize_committed", r#"Prize money committed"#),
    ("progress_prize_paid", r#"Prize money paid"#),
    (
        "progress_funnel_title",
        r#"How far the proposals have come: every proposal, and how many reached each stage"#,
    ),
    ("progress_series_proposals", r#"Proposals"#),
    ("progress_series_selected", r#"Selected"#),
    ("progress_series_released", r#"Released"#),
    (
        "progress_cumulative_title",
        r#"Proposals received, tasks selected and tasks released, added up over time"#,
    ),
    ("progress_series_committed", r#"Committed"#),
    ("progress_series_paid", r#"Paid"#),
    (
        "progress_money_title",
        r#"Prize money committed and paid, added up over time (euros)"#,
    ),
    (
        "progress_best_title",
        r#"Best {metric} on {task} over time ({direction})"#,
    ),
    ("stage_proposed", r#"Proposed"#),
    ("stage_under_review", r#"Under review"#),
    ("stage_decided", r#"Decided by the panel"#),
    ("stage_selected", r#"Selected"#),
    ("stage_released", r#"Released"#),
    (
        "chart_blob_title",
        r#"Rank of each system over the bootstrap samples (bigger circle: more often)"#,
    ),
    (
        "chart_blob_desc",
        r#"{name}: rank {rank}, median bootstrap rank {median}, interval {low} to {high}"#,
    ),
    (
        "chart_sig_title",
        r#"Which system is significantly better than which (row beats column)"#,
    ),
    ("chart_sig_none", r#"{name} beats none significantly."#),
    ("chart_sig_beats", r#"{name} beats {list}."#),
    (
        "chart_intervals_title",
        r#"{metric}: each system's score with its {ci} bootstrap interval"#,
    ),
    ("chart_rank", r#"rank {rank}"#),
    ("chart_release_rank", r#"{version}: rank {rank}"#),
    ("chart_release_not_ranked", r#"{version}: not ranked"#),
    (
        "chart_rank_history_title",
        r#"Each system's rank on this task in every release"#,
    ),
    (
        "chart_consensus_title",
        r#"Overall rank of each system with its bootstrap interval"#,
    ),
    (
        "months_short",
        r#"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"#,
    ),
];

/// A short month name in the page language ("May", "Mai"), `m` from 1 to 12.
pub fn month_short(m: u32) -> String {
    let names = tr("months_short");
    names
        .split(' ')
        .nth(m.clamp(1, 12) as usize - 1)
        .unwrap_or("")
        .to_string()
}

/// A vocabulary label in the page language: the catalog's `labels.<group>.<value>`, else
/// `english`.
pub fn label(group: &str, value: &str, english: &str) -> String {
    LOCALE.with(|l| {
        l.borrow()
            .as_ref()
            .and_then(|l| l.strings.get(&format!("labels.{group}.{value}")).cloned())
            .unwrap_or_else(|| english.to_string())
    })
}

/// An interface string printed by Rust code (a key of [`RUST_STRINGS`]), in the page language.
pub fn tr(key: &str) -> String {
    let english = || {
        RUST_STRINGS
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(key, |(_, e)| e)
            .to_string()
    };
    LOCALE.with(|l| {
        l.borrow()
            .as_ref()
            .and_then(|l| l.strings.get(key).cloned())
            .unwrap_or_else(english)
    })
}

/// [`tr`] with `{name}` placeholders filled in.
pub fn tr_with(key: &str, values: &[(&str, &str)]) -> String {
    let mut s = tr(key);
    for (name, value) in values {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// A number already formatted with a decimal point, in the page language's form.
pub fn decimal_str(s: String) -> String {
    decimal(s)
}

/// The decimal comma of German pages.
fn decimal(s: String) -> String {
    if german() { s.replace('.', ",") } else { s }
}

/// A date for reading: "26 November 2026", "26. November 2026".
pub fn date(d: &crate::model::Date) -> String {
    if !german() {
        return d.display();
    }
    const MONTHS: [&str; 12] = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    let s = d.as_str();
    let (Some(y), Some(m), Some(day)) = (s.get(0..4), s.get(5..7), s.get(8..10)) else {
        return s.to_string();
    };
    let month = m
        .parse::<usize>()
        .ok()
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    match (month, day.parse::<u32>()) {
        (Some(month), Ok(day)) => format!("{day}. {month} {y}"),
        _ => s.to_string(),
    }
}

/// A score with as many decimals as its size needs: 0.812, 12.35, 143.2.
pub fn score(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    decimal(if a >= 100.0 {
        format!("{v:.1}")
    } else if a >= 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    })
}

/// A rank: "3", or "2.5" for an average tie.
pub fn rank(r: f64) -> String {
    // Quantiles of ranks interpolate: 2.9999999 reads as 3.
    let r = (r * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        decimal(format!("{r:.1}"))
    }
}

/// Thousands separated by commas (German: points): 1,250,000.
pub fn thousands(n: u64) -> String {
    let sep = if german() { '.' } else { ',' };
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Euros, whole: "€ 245,000" (German: "245.000 €").
pub fn eur(v: f64) -> String {
    let n = thousands(v.round().max(0.0) as u64);
    if german() {
        format!("{n}\u{a0}€")
    } else {
        format!("€\u{a0}{n}")
    }
}

/// A share 0..1 as a percentage: "41%" (German: "41 %").
pub fn percent(v: f64) -> String {
    if german() {
        format!("{:.0}\u{a0}%", v * 100.0)
    } else {
        format!("{:.0}%", v * 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_forms() {
        let de = Arc::new(Locale {
            code: "de".into(),
            strings: [("tie_group".to_string(), "Gruppe {g}".to_string())].into(),
        });
        let d = crate::model::Date::parse("2026-11-26").unwrap();
        let out = with_locale(Some(&de), || {
            (
                score(0.8378),
                rank(2.5),
                eur(540_000.0),
                thousands(1234),
                percent(0.41),
                date(&d),
                tr_with("tie_group", &[("g", "2")]),
            )
        });
        assert_eq!(out.0, "0,838");
        assert_eq!(out.1, "2,5");
        assert_eq!(out.2, "540.000\u{a0}€");
        assert_eq!(out.3, "1.234");
        assert_eq!(out.4, "41\u{a0}%");
        assert_eq!(out.5, "26. November 2026");
        assert_eq!(out.6, "Gruppe 2");
        // Outside, English again.
        assert_eq!(
            (score(0.8378), date(&d), tr_with("tie_group", &[("g", "2")])),
            ("0.838".into(), "26 November 2026".into(), "Group 2".into())
        );
    }

    /// Every `tr("key")` / `tr_with("key"` in the render code names a key of RUST_STRINGS.
    #[test]
    fn every_rust_string_is_registered() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render");
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in text
                .split("tr(\"")
                .skip(1)
                .chain(text.split("tr_with(\"").skip(1))
            {
                let key = part.split('"').next().unwrap();
                if key == "key" || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                    continue;
                }
                assert!(
                    RUST_STRINGS.iter().any(|(k, _)| *k == key),
                    "`{key}` is not in RUST_STRINGS"
                );
            }
        }
    }

    #[test]
    fn formats() {
        assert_eq!(score(0.81234), "0.812");
        assert_eq!(score(12.345), "12.35");
        assert_eq!(score(f64::NAN), "–");
        assert_eq!(rank(2.0), "2");
        assert_eq!(rank(2.5), "2.5");
        assert_eq!(rank(2.9999999), "3");
        assert_eq!(rank(3.25), "3.3");
        assert_eq!(thousands(1_250_000), "1,250,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(eur(245000.0), "€\u{a0}245,000");
        assert_eq!(percent(0.414), "41%");
    }
}
