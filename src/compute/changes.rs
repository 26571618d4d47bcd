//! What changed between two releases, read from their frozen files: tasks added and retired,
//! entries added, every system's rank change per task and overall (with both rank intervals,
//! so a reader sees whether a move is within the noise), evaluation changes that make ranks
//! incomparable, and systems added.

use crate::model::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A system's rank in the earlier and the later release.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankMove {
    pub system: String,
    pub before: f64,
    pub after: f64,
    pub before_ci: Option<(f64, f64)>,
    pub after_ci: Option<(f64, f64)>,
    /// The two rank intervals overlap: the move may be chance. `None` without intervals.
    pub within_noise: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskChanges {
    pub task: String,
    /// Entry ids new in the later release, with their systems.
    pub entries_added: Vec<(String, String)>,
    /// Systems whose rank changed (unchanged ranks are left out).
    pub moves: Vec<RankMove>,
    /// What of the evaluation changed ("task version 1.0.0 → 1.1.0", "ranking metric …").
    pub evaluation: Vec<String>,
    /// False when the evaluation changed in a way that makes ranks incomparable.
    pub comparable: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Changes {
    pub tasks_added: Vec<String>,
    /// Tasks in the earlier release that the later one no longer ranks, or shows as retired.
    pub tasks_retired: Vec<String>,
    pub tasks: Vec<TaskChanges>,
    pub overall: Vec<RankMove>,
    pub systems_added: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.tasks_added.is_empty()
            && self.tasks_retired.is_empty()
            && self.tasks.is_empty()
            && self.overall.is_empty()
            && self.systems_added.is_empty()
    }
}

fn entries(doc: &Value) -> &[Value] {
    doc.get("entries")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn pair(v: Option<&Value>) -> Option<(f64, f64)> {
    let a = v?.as_array()?;
    Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?))
}

/// Each system's best rank in a frozen leaderboard (or consensus), with that entry's interval.
fn ranks(doc: &Value) -> BTreeMap<String, (f64, Option<(f64, f64)>)> {
    let mut out: BTreeMap<String, (f64, Option<(f64, f64)>)> = BTreeMap::new();
    for e in entries(doc) {
        let Some(rank) = e.get("rank").and_then(Value::as_f64) else {
            continue;
        };
        let ci = pair(e.get("rank_ci"));
        let sys = s(e, "system").to_string();
        if out.get(&sys).is_none_or(|(r, _)| rank < *r) {
            out.insert(sys, (rank, ci));
        }
    }
    out
}

fn moves(before: &Value, after: &Value) -> Vec<RankMove> {
    let a = ranks(before);
    let b = ranks(after);
    let mut out: Vec<RankMove> = a
        .iter()
        .filter_map(|(sys, (r0, ci0))| {
            let (r1, ci1) = b.get(sys)?;
            (r0 != r1).then(|| RankMove {
                system: sys.clone(),
                before: *r0,
                after: *r1,
                before_ci: *ci0,
                after_ci: *ci1,
                within_noise: match (ci0, ci1) {
                    (Some((lo0, hi0)), Some((lo1, hi1))) => Some(lo0 <= hi1 && lo1 <= hi0),
                    _ => None,
                },
            })
        })
        .collect();
    out.sort_by(|x, y| {
        x.after
            .partial_cmp(&y.after)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(x.system.cmp(&y.system))
    });
    out
}

/// What of a task's evaluation changed, and whether ranks stay comparable.
fn evaluation(before: &FrozenTask, after: &FrozenTask) -> (Vec<String>, bool) {
    let mut what = Vec::new();
    let mut comparable = true;
    let (lb0, lb1) = (before.leaderboard.as_ref(), after.leaderboard.as_ref());
    if before.meta.version != after.meta.version {
        what.push(format!(
            "task version {} → {}",
            before.meta.version, after.meta.version
        ));
        comparable = false;
    }
    if let (Some(l0), Some(l1)) = (lb0, lb1) {
        for (key, label) in [
            ("metric", "ranking metric"),
            ("method", "ranking method"),
            ("aggregation", "aggregation"),
            ("ties", "tie rule"),
            ("missing_case_policy", "missing-case policy"),
            ("split", "data split"),
        ] {
            if s(l0, key) != s(l1, key) {
                what.push(format!("{label} {} → {}", s(l0, key), s(l1, key)));
                comparable = false;
            }
        }
        if l0.get("cases") != l1.get("cases") && l0.get("cases").is_some() {
            what.push(format!(
                "test cases {} → {}",
                l0["cases"],
                l1.get("cases").unwrap_or(&Value::Null)
            ));
            comparable = false;
        }
    }
    if what.is_empty() && before.meta.evaluation != after.meta.evaluation {
        what.push("evaluation block edited (metrics, justification or ranking settings)".into());
    }
    (what, comparable)
}

/// The changes from release `before` to release `after`.
pub fn between(before: &Release, after: &Release) -> Changes {
    let ids = |r: &Release| -> BTreeSet<String> {
        r.tasks
            .iter()
            .filter(|t| t.meta.status.as_deref() != Some("retired"))
            .map(|t| t.meta.id.clone())
            .collect()
    };
    let (live0, live1) = (ids(before), ids(after));
    let all0: BTreeSet<String> = before.tasks.iter().map(|t| t.meta.id.clone()).collect();
    let mut c = Changes {
        tasks_added: live1.difference(&all0).cloned().collect(),
        tasks_retired: live0.difference(&live1).cloned().collect(),
        ..Default::default()
    };
    for t1 in &after.tasks {
        let Some(t0) = before.task(&t1.meta.id) else {
            continue;
        };
        let (evaluation, comparable) = evaluation(t0, t1);
        let (l0, l1) = (t0.leaderboard.as_ref(), t1.leaderboard.as_ref());
        let known: BTreeSet<&str> = l0
            .map(|l| entries(l).iter().map(|e| s(e, "entry")).collect())
            .unwrap_or_default();
        let entries_added: Vec<(String, String)> = l1
            .map(|l| {
                entries(l)
                    .iter()
                    .filter(|e| !known.contains(s(e, "entry")))
                    .map(|e| (s(e, "entry").to_string(), s(e, "system").to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let moves = match (l0, l1) {
            (Some(a), Some(b)) if comparable => moves(a, b),
            _ => Vec::new(),
        };
        if !entries_added.is_empty() || !moves.is_empty() || !evaluation.is_empty() {
            c.tasks.push(TaskChanges {
                task: t1.meta.id.clone(),
                entries_added,
                moves,
                evaluation,
                comparable,
            });
        }
    }
    c.overall = moves(&before.rankings, &after.rankings);
    let systems0: BTreeSet<&str> = before.systems.iter().map(|s| s.id.as_str()).collect();
    c.systems_added = after
        .systems
        .iter()
        .filter(|s| !systems0.contains(s.id.as_str()))
        .map(|s| s.id.clone())
        .collect();
    c
}
