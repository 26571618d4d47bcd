//! Machine-readable downloads: `/tasks/<id>/leaderboard.json` and `.csv` for every released or
//! retired task with a ranking, and `/api/rankings.json` for the consensus.
//!
//! The field names of issue 4 are a contract (more fields may be added, none renamed). Numbers
//! are rounded to 6 significant digits, and whole numbers are written as integers, so the
//! output is the same on every machine.

use crate::compute::{Computed, TaskRanking, Uncertainty};
use crate::model::*;
use crate::output::OutFile;
use serde_json::{Value, json};

/// `x` rounded to 6 significant digits; integers stay integers; non-finite → null.
pub fn num(x: f64) -> Value {
    if !x.is_finite() {
        return Value::Null;
    }
    let rounded: f64 = format!("{x:.5e}").parse().unwrap_or(x);
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        json!(rounded as i64)
    } else {
        json!(rounded)
    }
}

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, num)
}

fn interval(x: Option<(f64, f64)>) -> Value {
    x.map_or(Value::Null, |(lo, hi)| json!([num(lo), num(hi)]))
}

/// Every download file.
pub fn files(portal: &Portal, computed: &Computed) -> Vec<OutFile> {
    use rayon::prelude::*;
    let mut out: Vec<OutFile> = portal
        .tasks
        .par_iter()
        .flat_map_iter(|b| {
            let t = &b.task;
            if !t.status.has_leaderboard() {
                return Vec::new();
            }
            let (Some(r), Some(lb)) = (
                computed.rankings.get(t.id.as_str()),
                portal.leaderboard(t.id.as_str()),
            ) else {
                return Vec::new();
            };
            let u = computed.uncertainty.get(t.id.as_str());
            let doc = task_leaderboard(t, lb, r, u);
            vec![
                OutFile {
                    path: format!("tasks/{}/leaderboard.json", t.id),
                    bytes: pretty(&doc),
                },
                OutFile {
                    path: format!("tasks/{}/leaderboard.csv", t.id),
                    bytes: csv(&doc).into_bytes(),
                },
            ]
        })
        .collect();
    out.push(OutFile {
        path: "api/rankings.json".into(),
        bytes: pretty(&rankings(computed)),
    });
    out
}

pub fn pretty(v: &Value) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s.into_bytes()
}

/// The contract document of one task's leaderboard.
pub fn task_leaderboard(
    t: &Task,
    lb: &Leaderboard,
    r: &TaskRanking,
    u: Option<&Uncertainty>,
) -> Value {
    let metrics: Vec<&Metric> = t
        .evaluation
        .as_ref()
        .map(|e| e.metrics.iter().collect())
        .unwrap_or_default();
    let name = |i: usize, system: bool| {
        lb.entries.get(i).map_or("", |e| {
            if system {
                e.system.as_str()
            } else {
                e.id.as_str()
            }
        })
    };
    let entry_pairs: Vec<Value> = u
        .map(|u| {
            u.significant_pairs
                .iter()
                .map(|&(a, b)| json!([name(a, false), name(b, false)]))
                .collect()
        })
        .unwrap_or_default();
    let system_pairs: Vec<Value> = u
        .map(|u| system_pairs(&u.significant_pairs, |i| name(i, true)))
        .unwrap_or_default()
        .into_iter()
        .map(|(a, b)| json!([a, b]))
        .collect();
    let entries: Vec<Value> = r
        .order
        .iter()
        .filter_map(|&i| Some((i, lb.entries.get(i)?, r.entries.get(i)?)))
        .map(|(i, e, res)| {
            let eu = u.and_then(|u| u.entries.get(i));
            let scores: serde_json::Map<String, Value> = metrics
                .iter()
                .map(|m| {
                    let value = res.aggregates.get(m.id.as_str()).copied().flatten();
                    let ci = eu.and_then(|eu| eu.score_ci.get(m.id.as_str()).copied());
                    (
                        m.id.to_string(),
                        json!({"value": opt(value), "ci": interval(ci)}),
                    )
                })
                .collect();
            let distribution: Vec<Value> = eu
                .map(|eu| eu.rank_counts.iter().map(|&c| json!(c)).collect())
                .unwrap_or_default();
            json!({
                "entry": e.id.as_str(),
                "system": e.system.as_str(),
                "system_version": e.system_version.as_ref().map(|v| v.0.clone()),
                "reference_only": e.reference_only,
                "rank": if e.reference_only { Value::Null } else { opt(res.rank) },
                "median_rank": opt(eu.and_then(|eu| eu.median_rank)),
                "rank_ci": interval(eu.and_then(|eu| eu.rank_ci)),
                "rank_distribution": distribution,
                "tie_group": eu.and_then(|eu| eu.tie_group),
                "missing_cases": res.n_missing,
                "ranking_score": opt(res.ranking_score),
                "scores": scores,
                "submitted": e.submitted,
                "evaluated": e.evaluated,
                "evaluation": e.evaluation.as_str(),
                "training_regime": e.training_regime.as_str(),
                "external_data": e.external_data,
                "per_case": e.per_case.contains_key(r.metric.as_str()),
            })
        })
        .collect();
    json!({
        "task": t.id.as_str(),
        "task_version": lb.task_version,
        "split": lb.split,
        "updated": lb.updated.to_string(),
        "method": r.method.as_str(),
        "metric": r.metric.as_str(),
        "direction": r.direction.as_str(),
        "aggregation": r.aggregation.as_str(),
        "ties": r.ties.as_str(),
        "missing_case_policy": r.missing_case_policy.as_str(),
        "cases": lb.cases.len(),
        "cases_used": r.n_cases_used,
        "bootstrap_samples": u.map_or(0, |u| u.samples),
        "ci": u.filter(|u| u.samples > 0).map(|u| num(u.ci)),
        "alpha": u.map(|u| num(u.alpha)),
        "kendall_tau": u.and_then(|u| u.kendall_tau).map(|(m, lo, hi)| {
            json!({"median": num(m), "ci": [num(lo), num(hi)]})
        }),
        "significant_pairs": system_pairs,
        "significant_entry_pairs": entry_pairs,
        "entries": entries,
    })
}

/// The entry pairs `(better, worse)` as pairs of systems: two versions of one system are not
/// a pair of systems, and systems with several entries would repeat a pair. Each ordered pair
/// of distinct systems once, in the order of its first entry pair.
fn system_pairs<'a>(
    entry_pairs: &[(usize, usize)],
    system: impl Fn(usize) -> &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut seen = std::collections::BTreeSet::new();
    entry_pairs
        .iter()
        .map(|&(a, b)| (system(a), system(b)))
        .filter(|&(a, b)| a != b && seen.insert((a, b)))
        .collect()
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.clone()
            }
        }
        other => other.to_string(),
    }
}

/// The leaderboard document as CSV: one row per entry, in ranking order.
pub fn csv(doc: &Value) -> String {
    let empty = Vec::new();
    let entries = doc["entries"].as_array().unwrap_or(&empty);
    let metrics: Vec<String> = entries
        .first()
        .and_then(|e| e["scores"].as_object())
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut header: Vec<String> = [
        "entry",
        "system",
        "reference_only",
        "rank",
        "median_rank",
        "rank_ci_low",
        "rank_ci_high",
        "tie_group",
        "missing_cases",
        // Added after the first columns, so readers by position are unaffected.
        "system_version",
        "ranking_score",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for m in &metrics {
        header.extend([m.clone(), format!("{m}_ci_low"), format!("{m}_ci_high")]);
    }
    let mut out = header.join(",");
    out.push('\n');
    for e in entries {
        let mut row: Vec<String> = [
            &e["entry"],
            &e["system"],
            &e["reference_only"],
            &e["rank"],
            &e["median_rank"],
            &e["rank_ci"][0],
            &e["rank_ci"][1],
            &e["tie_group"],
            &e["missing_cases"],
            &e["system_version"],
            &e["ranking_score"],
        ]
        .iter()
        .map(|v| cell(v))
        .collect();
        for m in &metrics {
            let s = &e["scores"][m];
            row.extend([cell(&s["value"]), cell(&s["ci"][0]), cell(&s["ci"][1])]);
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// `/api/rankings.json`: the consensus ranking across released tasks.
pub fn rankings(computed: &Computed) -> Value {
    let c = &computed.consensus;
    let entries: Vec<Value> = c
        .rows
        .iter()
        .map(|row| {
            let per_task: serde_json::Map<String, Value> = c
                .tasks
                .iter()
                .zip(&row.ranks)
                .map(|(t, r)| (t.clone(), opt(*r)))
                .collect();
            json!({
                "system": row.system,
                "rank": num(row.rank),
                "mean_rank": num(row.mean_rank),
                "rank_ci": interval(row.rank_ci),
                "tie_group": row.tie_group,
                "tasks": row.n_tasks,
                "task_ranks": per_task,
            })
        })
        .collect();
    json!({
        "tasks": c.tasks.len(),
        "task_ids": c.tasks,
        "bootstrap_samples": c.samples,
        "ci": (c.samples > 0).then(|| num(c.ci)),
        "entries": entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_to_six_significant_digits() {
        assert_eq!(num(0.123_456_789), json!(0.123457));
        assert_eq!(num(2.0), json!(2));
        assert_eq!(num(1234.5678), json!(1234.57));
        assert_eq!(num(f64::NAN), Value::Null);
        assert_eq!(num(-0.000_012_345_678), json!(-1.23457e-5));
    }

    #[test]
    fn system_pairs_are_distinct_systems_each_once() {
        // Entries 0 and 1 are two versions of `a`; 2 is `b`, 3 is `c`.
        let systems = ["a", "a", "b", "c"];
        let entry_pairs = [(1, 0), (0, 2), (1, 2), (1, 3), (2, 3), (0, 3)];
        assert_eq!(
            system_pairs(&entry_pairs, |i| systems[i]),
            [("a", "b"), ("a", "c"), ("b", "c")]
        );
        assert!(system_pairs(&[], |i| systems[i]).is_empty());
    }

    #[test]
    fn csv_tells_versions_apart_and_shows_the_ranking_score() {
        let doc = json!({"entries": [
            {"entry": "e1", "system": "s", "system_version": "2.0", "reference_only": false,
             "rank": 1, "median_rank": 1, "rank_ci": [1, 1.5], "tie_group": 1,
             "missing_cases": 0, "ranking_score": 1.25, "scores": {"dice": {"value": 0.9, "ci": null}}},
            {"entry": "e2", "system": "s", "system_version": null, "reference_only": false,
             "rank": 2, "median_rank": 2, "rank_ci": null, "tie_group": null,
             "missing_cases": 0, "ranking_score": 2.5, "scores": {"dice": {"value": 0.8, "ci": null}}}
        ]});
        let text = csv(&doc);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "entry,system,reference_only,rank,median_rank,rank_ci_low,rank_ci_high,tie_group,missing_cases,system_version,ranking_score,dice,dice_ci_low,dice_ci_high"
        );
        assert_eq!(lines[1], "e1,s,false,1,1,1,1.5,1,0,2.0,1.25,0.9,,");
        assert_eq!(lines[2], "e2,s,false,2,2,,,,0,,2.5,0.8,,");
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(cell(&json!("a,b")), "\"a,b\"");
        assert_eq!(cell(&json!("plain")), "plain");
        assert_eq!(cell(&Value::Null), "");
        assert_eq!(cell(&json!(1.5)), "1.5");
    }
}
