//! Rules of task.yaml: the format's limits, identifiers, dates in order, a consistent
//! evaluation, and the publication rule (what a selected or later task must have).

use super::{Validator, identifiers, task_dir};
use crate::model::*;
use std::collections::BTreeSet;

/// Below this many characters `why_it_matters` hardly explains anything to a patient.
const SHORT_WHY: usize = 80;

pub(super) fn check(v: &mut Validator, portal: &Portal, b: &TaskBundle) {
    let t = &b.task;
    let file = task_dir(t).join("task.yaml");
    let file = file.as_path();
    v.schema_version(file, &t.schema_version);
    text_limits(v, file, t);
    people(v, file, t);
    dates(v, file, t);
    version(v, file, t);
    if let Some(e) = &t.evaluation {
        evaluation(v, file, e);
    }
    v.ident(
        file,
        "governance.license",
        Some(&t.governance.license),
        identifiers::license,
    );
    for (i, r) in t.references.iter().enumerate() {
        v.ident(
            file,
            &format!("references[{i}].doi"),
            r.doi.as_deref(),
            identifiers::doi,
        );
        v.ident(
            file,
            &format!("references[{i}].url"),
            r.url.as_deref(),
            identifiers::url,
        );
        if r.doi.is_none() && r.url.is_none() {
            v.warning(
                file,
                &format!("references[{i}]"),
                "a reference without doi or url",
                "add `doi` (preferred) or `url` so readers can find it",
            );
        }
    }
    publication(v, portal, b);
}

fn text_limits(v: &mut Validator, file: &std::path::Path, t: &Task) {
    let title = t.title.chars().count();
    if title > 150 {
        v.error(
            file,
            "title",
            format!("the title has {title} characters; at most 150 are allowed"),
            "shorten the title; the summary and description hold the detail",
        );
    }
    let summary = t.summary.trim().chars().count();
    if !(50..=1000).contains(&summary) {
        v.error(
            file,
            "summary",
            format!("the summary has {summary} characters; it needs 50 to 1000"),
            "write a plain-language summary of a few sentences for the public",
        );
    }
    super::text::plain_field(v, file, "summary", &t.summary);
    if let Some(description) = &t.description {
        super::text::markdown_field(v, file, "description", description);
    }
    if t.keywords.len() < 3 {
        v.error(
            file,
            "keywords",
            format!("{} keyword(s); at least 3 are needed", t.keywords.len()),
            "add keywords readers would search for (modality, organ, finding)",
        );
    }
    let why = t.clinical.why_it_matters.trim().chars().count();
    if why < SHORT_WHY {
        v.warning(
            file,
            "clinical.why_it_matters",
            format!("why_it_matters has only {why} characters"),
            format!(
                "explain in at least {SHORT_WHY} characters what the task changes for patients"
            ),
        );
    }
}

fn people(v: &mut Validator, file: &std::path::Path, t: &Task) {
    if t.contributors.is_empty() {
        v.error(
            file,
            "contributors",
            "a task needs at least one contributor",
            "list the people who proposed the task, each with their roles",
        );
    }
    for (i, c) in t.contributors.iter().enumerate() {
        let at = |f: &str| format!("contributors[{i}].{f}");
        if c.roles.is_empty() {
            v.error(
                file,
                &at("roles"),
                format!("the contributor `{}` has no role", c.name),
                "give at least one of clinical_lead, data_provider, annotator, methodologist, organizer",
            );
        }
        v.ident(file, &at("orcid"), c.orcid.as_deref(), identifiers::orcid);
        v.ident(file, &at("ror"), c.ror.as_deref(), identifiers::ror);
        v.ident(
            file,
            &at("country"),
            c.country.as_deref(),
            identifiers::country,
        );
    }
    for (i, c) in t.imaging.countries.iter().enumerate() {
        v.ident(
            file,
            &format!("imaging.countries[{i}]"),
            Some(c),
            identifiers::country,
        );
    }
}

fn dates(v: &mut Validator, file: &std::path::Path, t: &Task) {
    if let Some(first) = t.history.first().filter(|h| h.date < t.submitted) {
        v.error(
            file,
            "history[0].date",
            format!(
                "the history starts on {}, before the proposal was submitted ({})",
                first.date, t.submitted
            ),
            "the first history entry is usually the submission itself: fix the date or `submitted`",
        );
    }
    for (i, pair) in t.history.windows(2).enumerate() {
        if pair[1].date < pair[0].date {
            v.error(
                file,
                &format!("history[{}].date", i + 1),
                format!(
                    "history is out of order: {} comes after {}",
                    pair[1].date, pair[0].date
                ),
                "list status changes oldest first",
            );
        }
    }
    if let Some(last) = t.history.last().filter(|h| h.status != t.status) {
        v.error(
            file,
            "history",
            format!(
                "the last history entry is `{}` but the status is `{}`",
                last.status, t.status
            ),
            "add a history entry for the current status, dated when it changed",
        );
    }
    if let Some(p) = t.imaging.timeframe.as_ref().filter(|p| p.start > p.end) {
        v.error(
            file,
            "imaging.timeframe",
            format!(
                "the timeframe starts ({}) after it ends ({})",
                p.start, p.end
            ),
            "swap start and end",
        );
    }
}

fn evaluation(v: &mut Validator, file: &std::path::Path, e: &Evaluation) {
    let primaries = e.metrics.iter().filter(|m| m.primary).count();
    if primaries != 1 {
        v.error(
            file,
            "evaluation.metrics",
            format!("{primaries} metrics are marked primary; exactly one must be"),
            "set `primary: true` on the one metric the task is judged by",
        );
    }
    let mut ids = BTreeSet::new();
    for (i, m) in e.metrics.iter().enumerate() {
        let at = |f: &str| format!("evaluation.metrics[{i}].{f}");
        if !ids.insert(m.id.as_str()) {
            v.error(
                file,
                &at("id"),
                format!("the metric id `{}` appears twice", m.id),
                "every metric needs its own id",
            );
        }
        if let Some([lo, hi]) = m.range {
            if lo.is_nan() || hi.is_nan() || lo >= hi {
                v.error(
                    file,
                    &at("range"),
                    format!("the range [{lo}, {hi}] is empty: min must be below max"),
                    "write the range as [min, max]",
                );
            } else if let Some(w) = m.worst_value.filter(|w| !(lo..=hi).contains(w)) {
                v.error(
                    file,
                    &at("worst_value"),
                    format!("worst_value {w} lies outside the range [{lo}, {hi}]"),
                    "the worst value is a possible value of the metric, usually one end of its range",
                );
            }
        }
    }
    let ranking_metric = e.ranking.as_ref().and_then(|r| r.metric.as_ref());
    if let Some(id) = ranking_metric.filter(|id| e.metric(id.as_str()).is_none()) {
        v.error(
            file,
            "evaluation.ranking.metric",
            format!("the ranking metric `{id}` is not one of the task's metrics"),
            "use the id of a metric under evaluation.metrics",
        );
    }
    match &e.ranking {
        None => v.error(
            file,
            "evaluation",
            "a task with metrics needs `evaluation.ranking.method`",
            "one of aggregate_then_rank, rank_then_aggregate, test_then_rank",
        ),
        Some(r) => {
            let ci = r.bootstrap.ci;
            if !(ci > 0.0 && ci < 1.0) {
                v.error(
                    file,
                    "evaluation.ranking.bootstrap.ci",
                    format!("the confidence level {ci} is not between 0 and 1"),
                    "write it as a share, e.g. 0.95",
                );
            }
            if !(r.alpha > 0.0 && r.alpha < 1.0) {
                v.error(
                    file,
                    "evaluation.ranking.alpha",
                    format!("alpha {} is not between 0 and 1", r.alpha),
                    "write the significance level as a share, e.g. 0.05",
                );
            }
        }
    }
}

/// What a selected or later task must have, and what a released one should have.
fn publication(v: &mut Validator, portal: &Portal, b: &TaskBundle) {
    let t = &b.task;
    let file = task_dir(t).join("task.yaml");
    let file = file.as_path();
    if !t.status.is_published() {
        return;
    }
    if t.evaluation.is_none() {
        v.error(
            file,
            "status",
            format!(
                "a task with status `{}` needs `evaluation.metrics`",
                t.status
            ),
            "define the metrics (exactly one with `primary: true`) and `ranking.method`",
        );
    }
    if b.datacard.is_none() && !portal.unreadable.datacards.contains(t.id.as_str()) {
        v.error(
            file,
            "status",
            format!("a task with status `{}` needs a datacard.yaml", t.status),
            format!(
                "add {}/datacard.yaml (see the content format)",
                task_dir(t).display()
            ),
        );
    }
    if b.rationale.is_none() && !portal.unreadable.rationales.contains(t.id.as_str()) {
        v.error(
            file,
            "status",
            format!(
                "a task with status `{}` needs the panel's rationale.md",
                t.status
            ),
            format!(
                "add {}/rationale.md with the panel's decision",
                task_dir(t).display()
            ),
        );
    }
    if t.status == Status::Released
        && portal.leaderboard(t.id.as_str()).is_none()
        && !portal.unreadable.leaderboards.contains(t.id.as_str())
    {
        v.warning(
            file,
            "status",
            "a released task without a leaderboard",
            format!(
                "add data/leaderboards/{}.json once the first results are in; until then the page shows none",
                t.id
            ),
        );
    }
}

/// `version` is a semantic version (MAJOR.MINOR.PATCH, a pre-release and build metadata
/// allowed), as the content format says.
fn version(v: &mut Validator, file: &std::path::Path, t: &Task) {
    if is_semver(&t.version.0) {
        return;
    }
    // `version: 1.0` reads as the number 1: quote what the file says.
    let written = v
        .locate(file, "version")
        .and_then(|(line, _)| {
            let text = v.texts.get(file)?;
            let l = text.lines().nth(line.checked_sub(1)?)?;
            let value = l.split_once(':')?.1.split(" #").next()?.trim();
            Some(value.trim_matches(['"', '\'']).to_string())
        })
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| t.version.0.clone());
    v.error(
        file,
        "version",
        format!("the version `{written}` is not a semantic version"),
        "write MAJOR.MINOR.PATCH in quotes, e.g. version: \"1.0.0\" (a pre-release such as \"1.0.0-rc.1\" is allowed)",
    );
}

/// Semantic Versioning 2.0.0: `1.0.0`, `2.1.3-rc.1`, `1.0.0+build.5`; no leading zeros.
pub(super) fn is_semver(s: &str) -> bool {
    let (s, build) = match s.split_once('+') {
        Some((s, b)) => (s, Some(b)),
        None => (s, None),
    };
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (s, None),
    };
    let numeric = |p: &str| {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p == "0" || !p.starts_with('0'))
    };
    let ident =
        |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| numeric(p))
        && pre.is_none_or(|p| {
            p.split('.')
                .all(|x| ident(x) && (!x.bytes().all(|b| b.is_ascii_digit()) || numeric(x)))
        })
        && build.is_none_or(|b| b.split('.').all(ident))
}

/// A title or acronym that another task already uses: readers and search cannot tell the two
/// apart. Compared without case and extra spaces; every task is compared, confidential ones
/// too (their curators see `medal check`, the site does not).
pub(super) fn duplicates(v: &mut Validator, portal: &Portal) {
    fn norm(s: &str) -> String {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }
    for (field, get) in [
        (
            "title",
            (|t: &Task| Some(t.title.as_str())) as fn(&Task) -> Option<&str>,
        ),
        ("acronym", |t: &Task| t.acronym.as_deref()),
    ] {
        let mut by: std::collections::BTreeMap<String, Vec<&Task>> = Default::default();
        for b in &portal.tasks {
            if let Some(value) = get(&b.task).map(norm).filter(|n| !n.is_empty()) {
                by.entry(value).or_default().push(&b.task);
            }
        }
        for tasks in by.values().filter(|ts| ts.len() > 1) {
            for t in tasks {
                let others: Vec<String> = tasks
                    .iter()
                    .filter(|o| o.id != t.id)
                    .map(|o| format!("`{}`", o.id))
                    .collect();
                let file = task_dir(t).join("task.yaml");
                v.warning(
                    &file,
                    field,
                    format!(
                        "the {field} `{}` is also the {field} of {}",
                        get(t).unwrap_or_default(),
                        others.join(", ")
                    ),
                    format!(
                        "give each task its own {field}, so readers and search can tell them apart"
                    ),
                );
            }
        }
    }
}
