//! Rules of data/leaderboards/<task-id>.json: the task exists and is released, ids resolve,
//! per-case values are aligned, finite and within range, given scores agree with the
//! computed ones, and the dates are in order.

use super::{Validator, task_dir};
use crate::compute::ranking::{aggregate, case_matrix};
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// How far a given score may be from the one computed from the per-case values.
const SCORE_TOLERANCE: f64 = 1e-6;

pub(super) fn check(v: &mut Validator, portal: &Portal) {
    let tasks: BTreeMap<&str, &TaskBundle> = portal
        .tasks
        .iter()
        .map(|b| (b.task.id.as_str(), &**b))
        .collect();
    let systems: BTreeSet<&str> = portal.systems.iter().map(|s| s.id.as_str()).collect();
    for lb in &portal.leaderboards {
        let file = PathBuf::from("data/leaderboards").join(format!("{}.json", lb.task));
        let file = file.as_path();
        v.schema_version(file, &lb.schema_version);
        let Some(b) = tasks.get(lb.task.as_str()) else {
            if portal.unreadable.tasks.contains(lb.task.as_str()) {
                continue;
            }
            v.error(
                file,
                "task",
                format!("no task `{}` exists", lb.task),
                "the leaderboard's `task` must be the id of a task under content/tasks/",
            );
            continue;
        };
        let t = &b.task;
        if t.status == Status::Selected {
            // A selected task is public; only its results wait for the release.
            v.error(
                file,
                "task",
                "a leaderboard for a task with status `selected`: results are published once the task is released",
                format!(
                    "when the data and results open, set `status: released` in {} and add a history entry `- {{date: YYYY-MM-DD, status: released}}`; until then keep this file out of data/leaderboards/",
                    task_dir(t).join("task.yaml").display()
                ),
            );
            continue;
        }
        if !t.status.has_leaderboard() {
            v.error(
                file,
                "task",
                format!(
                    "a leaderboard for a task with status `{}`: only released or retired tasks have one, and publishing it would leak a confidential task",
                    t.status
                ),
                "remove the file until the task is released",
            );
            continue;
        }
        if lb.task_version != t.version.0 {
            v.warning(
                file,
                "task_version",
                format!(
                    "results for version {} of the task, which is at version {}",
                    lb.task_version, t.version.0
                ),
                "re-evaluate on the current version, or check `version` in task.yaml",
            );
        }
        if let Some(released) = t.history.iter().find(|h| h.status == Status::Released)
            && lb.updated < released.date
        {
            v.warning(
                file,
                "updated",
                format!(
                    "updated {} is before the task was released ({})",
                    lb.updated, released.date
                ),
                "`updated` is the date of the latest results: check it",
            );
        }
        let mut cases = BTreeSet::new();
        for (j, c) in lb.cases.iter().enumerate() {
            if !cases.insert(c.as_str()) {
                v.error(
                    file,
                    &format!("cases[{j}]"),
                    format!("the case id `{c}` appears twice"),
                    "per_case arrays are aligned with `cases`, so each case is listed once",
                );
            }
        }
        // With systems.yaml unreadable, membership is unknown: its own error says why.
        entries(
            v,
            file,
            lb,
            (!portal.unreadable.systems).then_some(&systems),
        );
        if let Some(e) = &t.evaluation {
            values(v, file, lb, t, e);
        }
    }
}

/// Ids, versions, dates and alignment of each entry.
fn entries(
    v: &mut Validator,
    file: &std::path::Path,
    lb: &Leaderboard,
    systems: Option<&BTreeSet<&str>>,
) {
    let mut ids = BTreeSet::new();
    let mut versions = BTreeSet::new();
    for (i, e) in lb.entries.iter().enumerate() {
        let at = |f: &str| format!("entries[{i}].{f}");
        if !ids.insert(e.id.as_str()) {
            v.error(
                file,
                &at("id"),
                format!("the entry id `{}` appears twice", e.id),
                "entry ids are unique within a leaderboard",
            );
        }
        if let Some(known) = systems.filter(|s| !s.contains(e.system.as_str())) {
            let ids: Vec<&str> = known.iter().copied().collect();
            let hint = match super::suggest::closest(e.system.as_str(), &ids) {
                Some(best) => {
                    format!("did you mean `{best}`? otherwise add the system to data/systems.yaml")
                }
                None => "add the system to data/systems.yaml or fix the id".to_string(),
            };
            v.error(
                file,
                &at("system"),
                format!("the system `{}` is not in data/systems.yaml", e.system),
                hint,
            );
        }
        let version = e
            .system_version
            .as_ref()
            .map(|v| v.0.clone())
            .unwrap_or_default();
        if !versions.insert((e.system.as_str(), version.clone())) {
            v.error(
                file,
                &at("system_version"),
                format!(
                    "the system `{}` appears twice with version `{version}`",
                    e.system
                ),
                "one entry per system version",
            );
        }
        if let (Some(s), Some(ev)) = (&e.submitted, &e.evaluated)
            && ev < s
        {
            v.warning(
                file,
                &at("evaluated"),
                format!("evaluated {ev} before it was submitted ({s})"),
                "check the dates: submitted <= evaluated <= the leaderboard's updated",
            );
        }
        if let Some((field, d)) = e
            .evaluated
            .as_ref()
            .map(|d| ("evaluated", d))
            .or(e.submitted.as_ref().map(|d| ("submitted", d)))
            && *d > lb.updated
        {
            v.warning(
                file,
                &at(field),
                format!(
                    "{field} {d} after the leaderboard was updated ({})",
                    lb.updated
                ),
                "`updated` is the date of the latest results: set it to this date or later",
            );
        }
        for (k, values) in &e.per_case {
            if values.len() != lb.cases.len() {
                v.error(
                    file,
                    &at(&format!("per_case.{k}")),
                    format!("{} values for {} cases", values.len(), lb.cases.len()),
                    "per_case arrays are aligned with `cases`; write null for a missing result",
                );
            }
        }
    }
}

/// Metric ids, ranges, the missing-value policy and given scores against computed ones.
fn values(v: &mut Validator, file: &std::path::Path, lb: &Leaderboard, t: &Task, e: &Evaluation) {
    let policy = e
        .ranking
        .as_ref()
        .map_or(MissingCasePolicy::WorstValue, |r| r.missing_case_policy);
    let how = e
        .ranking
        .as_ref()
        .map_or(Aggregation::Mean, |r| r.aggregation);
    let ranked: Vec<bool> = lb.entries.iter().map(|x| !x.reference_only).collect();
    let unknown = |k: &str| e.metric(k).is_none();
    for (i, x) in lb.entries.iter().enumerate() {
        for k in x
            .per_case
            .keys()
            .chain(x.scores.keys())
            .filter(|k| unknown(k))
        {
            let part = if x.per_case.contains_key(k) {
                "per_case"
            } else {
                "scores"
            };
            v.error(
                file,
                &format!("entries[{i}].{part}.{k}"),
                format!("`{k}` is not a metric of task `{}`", t.id),
                format!(
                    "use the metric ids of the task's evaluation.metrics: {}",
                    e.metrics
                        .iter()
                        .map(|m| m.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    for (mi, m) in e.metrics.iter().enumerate() {
        let id = m.id.as_str();
        let range = m.range.filter(|[lo, hi]| lo < hi);
        let outside = |x: f64| !x.is_finite() || range.is_some_and(|[lo, hi]| x < lo || x > hi);
        let describe = |x: f64| match range {
            Some([lo, hi]) if x.is_finite() => {
                format!("{x} lies outside the range [{lo}, {hi}] of `{id}`")
            }
            _ => format!("{x} is not a finite number"),
        };
        let mut has_null = false;
        for (i, x) in lb.entries.iter().enumerate() {
            if let Some(&s) = x.scores.get(id).filter(|&&s| outside(s)) {
                v.error(
                    file,
                    &format!("entries[{i}].scores.{id}"),
                    describe(s),
                    "check the value and the metric's `range` in task.yaml",
                );
            }
            for (j, c) in x.per_case.get(id).into_iter().flatten().enumerate() {
                match c {
                    None => has_null = true,
                    Some(c) if outside(*c) => v.error(
                        file,
                        &format!("entries[{i}].per_case.{id}[{j}]"),
                        describe(*c),
                        "check the value and the metric's `range` in task.yaml",
                    ),
                    Some(_) => {}
                }
            }
        }
        if has_null && policy == MissingCasePolicy::WorstValue && m.worst().is_none() {
            v.error(
                &task_dir(t).join("task.yaml"),
                &format!("evaluation.metrics[{mi}]"),
                format!(
                    "`{id}` has missing per-case results in {} but neither worst_value nor range",
                    file.display()
                ),
                "under missing_case_policy worst_value a missing result counts as the worst value: give `worst_value` or `range`",
            );
        }
        if m.level != MetricLevel::Case {
            continue;
        }
        let matrix = case_matrix(lb, m, policy, &ranked);
        for (i, x) in lb.entries.iter().enumerate() {
            let aligned = x
                .per_case
                .get(id)
                .is_some_and(|r| r.len() == lb.cases.len());
            let (Some(row), Some(&given), true) = (&matrix.values[i], x.scores.get(id), aligned)
            else {
                continue;
            };
            let Some(computed) = aggregate(row.iter().flatten().copied(), how) else {
                continue;
            };
            if (computed - given).abs() > SCORE_TOLERANCE {
                v.error(
                    file,
                    &format!("entries[{i}].scores.{id}"),
                    format!(
                        "the given score {given} of `{id}` disagrees with the {} of its per-case values, {computed:.6}",
                        how
                    ),
                    "with per-case values the generator computes the score itself: remove the given one or fix the values",
                );
            }
        }
    }
    if let Some(m) = e.ranking_metric() {
        let id = m.id.as_str();
        without_per_case(v, file, lb, id);
        for (i, x) in lb.entries.iter().enumerate() {
            if !x.per_case.contains_key(id) && !x.scores.contains_key(id) {
                v.error(
                    file,
                    &format!("entries[{i}].scores"),
                    format!("no value of the ranking metric `{id}`: neither per_case nor scores"),
                    format!("add `per_case.{id}` (preferred: it allows uncertainty analysis) or `scores.{id}`"),
                );
            }
        }
    }
}

/// A ranked entry without per-case values of the ranking metric turns off the uncertainty
/// analysis of the whole task (rank intervals, tie groups, significance map) when the other
/// ranked entries have them: say which entry does it, at its line.
fn without_per_case(v: &mut Validator, file: &std::path::Path, lb: &Leaderboard, metric: &str) {
    let ranked = || {
        lb.entries
            .iter()
            .enumerate()
            .filter(|(_, x)| !x.reference_only)
    };
    let with = ranked()
        .filter(|(_, x)| x.per_case.contains_key(metric))
        .count();
    if with == 0 {
        return;
    }
    let total = ranked().count();
    // An entry with neither per-case values nor a score has its own error.
    let scores_only =
        |x: &&Entry| !x.per_case.contains_key(metric) && x.scores.contains_key(metric);
    for (i, x) in ranked().filter(|(_, x)| scores_only(x)) {
        let version = x
            .system_version
            .as_ref()
            .map(|s| format!(" {}", s.0))
            .unwrap_or_default();
        v.warning(
            file,
            &format!("entries[{i}].id"),
            format!(
                "entry `{}` (system `{}`{version}) has no per-case values of the ranking metric `{metric}`, which turns off the uncertainty analysis of the whole task (rank intervals, tie groups, significance map) although {with} of {total} ranked entries have them",
                x.id, x.system
            ),
            format!(
                "add `per_case.{metric}` to this entry, or mark it `reference_only: true` if it is shown for comparison only"
            ),
        );
    }
}
