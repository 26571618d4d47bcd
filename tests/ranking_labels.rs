//! Equal aggregates tie whatever the order of summation, and the labels beside a leaderboard
//! agree with its numbers (issue 14, items 9, 12 and 14).

mod common;

use common::*;
use medal::compute::ranking::{self, TaskRanking};
use medal::compute::uncertainty::{self, SplitMix64, Uncertainty};
use medal::model::*;
use serde_json::{Value, json};

/// The demo portal with its first released task's evaluation replaced.
fn portal_and_task(evaluation: Value) -> (Portal, Task) {
    let portal = medal::load::load(&demo_root()).expect("demo content loads");
    let mut t = portal
        .tasks
        .iter()
        .find(|b| b.task.status == Status::Released)
        .expect("a released demo task")
        .task
        .clone();
    t.evaluation = Some(serde_json::from_value(evaluation).expect("evaluation parses"));
    (portal, t)
}

fn evaluation(method: &str, n: u32) -> Value {
    json!({
        "metrics": [{"id": "score", "name": "Score", "direction": "higher_is_better",
                     "level": "case", "range": [0, 1], "primary": true}],
        "ranking": {"method": method, "missing_case_policy": "worst_value", "ties": "min",
                    "bootstrap": {"n": n, "ci": 0.95, "seed": 7}, "alpha": 0.05}
    })
}

/// Entries `(system, per-case values or None for scores only)`.
fn leaderboard(t: &Task, rows: &[(&str, Option<Vec<f64>>)]) -> Leaderboard {
    let n = rows.iter().find_map(|r| r.1.as_ref()).map_or(0, Vec::len);
    let entries: Vec<Value> = rows
        .iter()
        .enumerate()
        .map(|(i, (system, values))| {
            let mut e = json!({"id": format!("e{:04}", i + 1), "system": system,
                   "evaluation": "organizer_run", "training_regime": "trained_on_task_train"});
            match values {
                Some(v) => e["per_case"] = json!({"score": v}),
                None => e["scores"] = json!({"score": 0.5}),
            }
            e
        })
        .collect();
    serde_json::from_value(json!({
        "schema_version": "0.1", "task": t.id.as_str(), "task_version": "1.0.0",
        "split": "test", "updated": "2026-10-30",
        "cases": (0..n).map(|c| format!("c{c}")).collect::<Vec<_>>(),
        "entries": entries,
    }))
    .expect("leaderboard parses")
}

fn run(t: &Task, lb: &Leaderboard) -> (TaskRanking, Option<Uncertainty>) {
    let r = ranking::rank_task(t, lb).expect("ranking");
    let u = uncertainty::analyse(t, lb, &r);
    (r, u)
}

#[test]
fn a_permutation_of_the_same_values_ties() {
    // Summed in order, 0.1 + 0.2 + 0.3 is 0.6000000000000001 and 0.3 + 0.2 + 0.1 is 0.6.
    let (_, t) = portal_and_task(evaluation("aggregate_then_rank", 400));
    let a = vec![0.1, 0.2, 0.3];
    let b = vec![0.3, 0.2, 0.1];
    let lb = leaderboard(
        &t,
        &[("sys-a", Some(a.clone())), ("sys-b", Some(b.clone()))],
    );
    let (r, u) = run(&t, &lb);
    assert_eq!(r.entries[0].rank, Some(1.0));
    assert_eq!(r.entries[1].rank, Some(1.0), "equal means tie");
    assert_eq!(
        r.entries[0].ranking_score.map(f64::to_bits),
        r.entries[1].ranking_score.map(f64::to_bits)
    );
    // In every resample that draws cases 0 and 2 equally often, both systems drew the same
    // values and must tie there too.
    let u = u.expect("uncertainty");
    let mut equal_draws = 0;
    for (b, ranks) in u.sample_ranks.iter().enumerate() {
        let mut rng = SplitMix64::for_sample(7, b as u64);
        let mut counts = [0; 3];
        for _ in 0..3 {
            counts[rng.below(3) as usize] += 1;
        }
        if counts[0] == counts[2] {
            equal_draws += 1;
            assert_eq!(ranks[0], ranks[1], "sample {b} draws {counts:?}");
        }
    }
    assert!(equal_draws > 50, "{equal_draws}");
}

#[test]
fn a_leader_alone_in_its_group_is_a_clear_leader_not_tied() {
    let (portal, t) = portal_and_task(evaluation("aggregate_then_rank", 200));
    let high: Vec<f64> = (0..30).map(|c| 0.9 + 0.001 * f64::from(c % 7)).collect();
    let mid: Vec<f64> = (0..30).map(|c| 0.5 + 0.01 * f64::from(c % 5)).collect();
    let mid2: Vec<f64> = (0..30)
        .map(|c| 0.5 + 0.01 * f64::from((c + 2) % 5))
        .collect();
    let lb = leaderboard(
        &t,
        &[
            ("sys-a", Some(high)),
            ("sys-b", Some(mid)),
            ("sys-c", Some(mid2)),
        ],
    );
    let (r, u) = run(&t, &lb);
    let u = u.expect("uncertainty");
    assert_eq!(u.entries[0].tie_group, Some(1));
    assert_eq!(u.entries[1].tie_group, Some(2));
    let view = medal::render::views::leaderboard(&t, &lb, &r, Some(&u), &portal);
    let labels: Vec<&Value> = view["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| &row["tie_label"])
        .collect();
    assert_eq!(labels[0], "Clear leader");
    assert_eq!(labels[1], "Group 2");
    assert!(!view.to_string().contains("Tied with the top"));

    // Two systems whose intervals overlap share the top.
    let same: Vec<f64> = (0..30).map(|c| 0.9 + 0.001 * f64::from(c % 7)).collect();
    let lb = leaderboard(&t, &[("sys-a", Some(same.clone())), ("sys-b", Some(same))]);
    let (r, u) = run(&t, &lb);
    let view = medal::render::views::leaderboard(&t, &lb, &r, u.as_ref(), &portal);
    assert_eq!(view["rows"][0]["tie_label"], "Tied with the top");
    assert_eq!(view["rows"][1]["tie_label"], "Tied with the top");
}

#[test]
fn entries_without_per_case_values_are_named_on_the_page() {
    let (portal, t) = portal_and_task(evaluation("aggregate_then_rank", 100));
    let lb = leaderboard(&t, &[("sys-a", Some(vec![0.9, 0.8, 0.7])), ("sys-b", None)]);
    let (r, u) = run(&t, &lb);
    assert!(!r.has_per_case && u.is_none());
    let view = medal::render::views::leaderboard(&t, &lb, &r, u.as_ref(), &portal);
    assert_eq!(view["without_per_case"], json!(["sys-b"]));
    let note = view["note"].as_str().unwrap();
    assert!(note.contains("(sys-b)"), "{note}");
}
