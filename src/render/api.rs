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
    let mut out = Vec::new();
    for b in &portal.tasks {
        let t = &b.task;
        if !t.status.has_leaderboard() {
            continue;
        }
        let (Some(r), Some(lb)) = (
            computed.rankings.get(t.id.as_str()),
            portal
                .leaderboards
                .iter()
                .find(|lb| lb.task.as_str() == t.id.as_str()),
        ) else {
            continue;
        };
        let u = computed.uncertainty.get(t.id.as_str());
        let doc = task_leaderboard(t, lb, r, u);
        out.push(OutFile {
            path: format!("tasks/{}/leaderboard.json", t.id),
            bytes: pretty(&doc),
        });
        out.push(OutFile {
            path: format!("tasks/{}/leaderboard.csv", t.id),
            bytes: csv(&doc).into_bytes(),
        });
    }
    out.push(OutFile {
        path: "api/rankings.json".into(),
        bytes: pretty(&rankings(computed)),
    });
    out
}

fn pretty(v: &Value) -> Vec<u8> {
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
    let pairs = |system: bool| -> Vec<Value> {
        u.map(|u| {
            u.significant_pairs
                .iter()
                .map(|&(a, b)| json!([name(a, system), name(b, system)]))
                .collect()
        })
        .unwrap_or_default()
    };
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
        "cases_used": r.n_cases_used,
        "bootstrap_samples": u.map_or(0, |u| u.samples),
        "ci": u.filter(|u| u.samples > 0).map(|u| num(u.ci)),
        "alpha": u.map(|u| num(u.alpha)),
        "kendall_tau": u.and_then(|u| u.kendall_tau).map(|(m, lo, hi)| {
            json!({"median": num(m), "ci": [num(lo), num(hi)]})
        }),
        "significant_pairs": pairs(true),
        "significant_entry_pairs": pairs(false),
        "entries": entries,
    })
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
    fn csv_quotes_only_when_needed() {
        assert_eq!(cell(&json!("a,b")), "\"a,b\"");
        assert_eq!(cell(&json!("plain")), "plain");
        assert_eq!(cell(&Value::Null), "");
        assert_eq!(cell(&json!(1.5)), "1.5");
    }
}
