//! The ranking engine against an independent reference (scipy, `tests/reference/`) and against
//! tiny cases computed by hand.

mod common;

use common::*;
use medal::compute::ranking::{self, TaskRanking};
use medal::compute::uncertainty::{self, Uncertainty, holm, kendall_tau_b};
use medal::model::*;
use serde_json::{Value, json};

const TOL: f64 = 1e-9;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL || (a.is_nan() && b.is_nan())
}

fn read_json(path: &str) -> Value {
    let text = std::fs::read_to_string(demo_root().join(path)).expect("reference file exists");
    serde_json::from_str(&text).expect("reference file parses")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// A released demo task with its evaluation replaced.
fn task(evaluation: Value) -> Task {
    let portal = medal::load::load(&demo_root()).expect("demo content loads");
    let mut t = portal
        .tasks
        .iter()
        .find(|b| b.task.status == Status::Released)
        .expect("a released demo task")
        .task
        .clone();
    t.evaluation = Some(serde_json::from_value(evaluation).expect("evaluation parses"));
    t
}

fn evaluation(direction: &str, method: &str, policy: &str, ties: &str, n: u32) -> Value {
    json!({
        "metrics": [{"id": "score", "name": "Score", "direction": direction, "level": "case",
                     "range": [0, 100], "primary": true}],
        "ranking": {"method": method, "missing_case_policy": policy, "ties": ties,
                    "bootstrap": {"n": n, "ci": 0.95, "seed": 42}, "alpha": 0.05}
    })
}

/// A leaderboard of `rows` (system id, reference_only, per-case values of metric `m`).
fn leaderboard(t: &Task, rows: &[(&str, bool, Vec<Option<f64>>)]) -> Leaderboard {
    let n = rows.first().map_or(0, |r| r.2.len());
    let entries: Vec<Value> = rows
        .iter()
        .enumerate()
        .map(|(i, (system, reference_only, values))| {
            json!({"id": format!("e{:04}", i + 1), "system": system,
                   "evaluation": "organizer_run", "training_regime": "trained_on_task_train",
                   "reference_only": reference_only, "per_case": {"score": values}})
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
fn scipy_reference_p_values_holm_ranks_and_tau() {
    let expected = read_json("tests/reference/expected.json");
    let fixtures = expected["fixtures"].as_object().expect("fixtures");
    assert_eq!(fixtures.len(), 3);
    for (name, exp) in fixtures {
        let fx = read_json(&format!("tests/reference/fixtures/{name}.json"));
        let direction = fx["direction"].as_str().expect("direction");
        let dir: Direction = serde_json::from_value(json!(direction)).expect("direction");
        let rows: Vec<Vec<f64>> = fx["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(floats)
            .collect();
        let k = rows.len();

        // The functions one by one.
        let mut flat = Vec::new();
        for a in 0..k {
            for b in (0..k).filter(|&b| b != a) {
                let p = ranking::wilcoxon_greater(&rows[a], &rows[b], dir);
                let want = exp["p_values"][a][b].as_f64().expect("p");
                assert!(close(p, want), "{name} p[{a}][{b}] = {p}, scipy {want}");
                flat.push(p);
            }
        }
        let adj = holm(&flat);
        let mut it = adj.iter();
        for a in 0..k {
            for b in (0..k).filter(|&b| b != a) {
                let (got, want) = (
                    *it.next().expect("adj"),
                    exp["adjusted_p"][a][b].as_f64().expect("adj"),
                );
                assert!(
                    close(got, want),
                    "{name} holm[{a}][{b}] = {got}, reference {want}"
                );
            }
        }
        let means: Vec<f64> = rows
            .iter()
            .map(|r| ranking::aggregate(r.iter().copied(), Aggregation::Mean).expect("mean"))
            .collect();
        let medians: Vec<f64> = rows
            .iter()
            .map(|r| ranking::aggregate(r.iter().copied(), Aggregation::Median).expect("median"))
            .collect();
        for (a, want) in floats(&exp["mean"]).into_iter().enumerate() {
            assert!(close(means[a], want), "{name} mean {a}");
        }
        let rank_min = ranking::rank_values(&means, dir, Ties::Min);
        assert_eq!(rank_min, floats(&exp["rank_min"]), "{name} min ranks");
        assert_eq!(
            ranking::rank_values(&means, dir, Ties::Average),
            floats(&exp["rank_average"]),
            "{name} average ranks"
        );
        let med = ranking::rank_values(&medians, dir, Ties::Min);
        assert_eq!(med, floats(&exp["median_rank_min"]), "{name} median ranks");
        let tau = kendall_tau_b(&rank_min, &med);
        let want = exp["kendall_tau"].as_f64().unwrap_or(f64::NAN);
        assert!(close(tau, want), "{name} tau {tau} vs {want}");

        // The same numbers through the engine: rank_task and the significance map.
        let t = task(evaluation(
            direction,
            "aggregate_then_rank",
            "worst_value",
            "average",
            0,
        ));
        let systems: Vec<String> = (0..k).map(|a| format!("sys-{a}")).collect();
        let lb_rows: Vec<(&str, bool, Vec<Option<f64>>)> = rows
            .iter()
            .zip(&systems)
            .map(|(r, s)| (s.as_str(), false, r.iter().map(|v| Some(*v)).collect()))
            .collect();
        let lb = leaderboard(&t, &lb_rows);
        let (r, u) = run(&t, &lb);
        let u = u.expect("uncertainty");
        let ranks: Vec<f64> = r.entries.iter().map(|e| e.rank.expect("ranked")).collect();
        assert_eq!(ranks, floats(&exp["rank_average"]), "{name} engine ranks");
        assert_eq!(u.samples, 0);
        for a in 0..k {
            for b in (0..k).filter(|&b| b != a) {
                assert!(close(
                    u.p_values[a][b],
                    exp["p_values"][a][b].as_f64().expect("p")
                ));
                let want = exp["adjusted_p"][a][b].as_f64().expect("adj");
                assert!(close(u.adjusted_p[a][b], want), "{name} engine holm");
                assert_eq!(
                    u.significant_pairs.contains(&(a, b)),
                    want <= 0.05,
                    "{name} ({a},{b})"
                );
            }
        }
    }
}

#[test]
fn two_systems_three_cases_by_hand() {
    // a = (3, 5, 4), b = (1, 2, 3): d = (2, 3, 1), all positive, ranks 2, 3, 1, V = 6.
    // n = 3: E[V] = n(n+1)/4 = 3, Var[V] = n(n+1)(2n+1)/24 = 3.5.
    // a > b: z = (6 - 3 - 0.5)/sqrt(3.5) = 1.336306; p = 1 - Phi(z) = 0.0907246
    // b > a: V = 0, z = (0 - 3 - 0.5)/sqrt(3.5) = -1.870829; p = Phi(1.870829) = 0.9693155
    // Holm over the two: 2 * 0.0907246 = 0.1814492 and max(0.1814492, 0.9693155).
    let t = task(evaluation(
        "higher_is_better",
        "aggregate_then_rank",
        "worst_value",
        "min",
        200,
    ));
    let lb = leaderboard(
        &t,
        &[
            ("alpha-sys", false, vec![Some(3.0), Some(5.0), Some(4.0)]),
            ("beta-sys", false, vec![Some(1.0), Some(2.0), Some(3.0)]),
        ],
    );
    let (r, u) = run(&t, &lb);
    let u = u.expect("uncertainty");
    assert_eq!(r.entries[0].rank, Some(1.0));
    assert_eq!(r.entries[1].rank, Some(2.0));
    assert_eq!(r.entries[0].aggregates["score"], Some(4.0));
    assert!(
        (u.p_values[0][1] - 0.090_724_6).abs() < 1e-6,
        "{}",
        u.p_values[0][1]
    );
    assert!(
        (u.p_values[1][0] - 0.969_315_5).abs() < 1e-6,
        "{}",
        u.p_values[1][0]
    );
    assert!((u.adjusted_p[0][1] - 0.181_449_2).abs() < 1e-6);
    assert!((u.adjusted_p[1][0] - 0.969_315_5).abs() < 1e-6);
    assert!(u.significant_pairs.is_empty());
    // a wins every case, so every resample ranks a first: no uncertainty about the order.
    assert_eq!(u.samples, 200);
    assert_eq!(u.entries[0].rank_counts, vec![200, 0]);
    assert_eq!(u.entries[0].rank_ci, Some((1.0, 1.0)));
    assert_eq!(u.entries[1].rank_ci, Some((2.0, 2.0)));
    assert_eq!(u.entries[0].tie_group, Some(1));
    assert_eq!(u.entries[1].tie_group, Some(2));
    assert_eq!(u.kendall_tau, Some((1.0, 1.0, 1.0)));
    // The mean of a over 3 resampled cases lies in [3, 5].
    let (lo, hi) = u.entries[0].score_ci["score"];
    assert!(
        (3.0..=5.0).contains(&lo) && lo <= hi && hi <= 5.0,
        "{lo} {hi}"
    );
}

#[test]
fn all_ties() {
    for method in [
        "aggregate_then_rank",
        "rank_then_aggregate",
        "test_then_rank",
    ] {
        for (ties, rank) in [("min", 1.0), ("average", 2.0)] {
            let t = task(evaluation(
                "lower_is_better",
                method,
                "worst_value",
                ties,
                50,
            ));
            let v = vec![Some(2.0), Some(7.0), Some(1.0), Some(4.0)];
            let lb = leaderboard(
                &t,
                &[
                    ("a-sys", false, v.clone()),
                    ("b-sys", false, v.clone()),
                    ("c-sys", false, v),
                ],
            );
            let (r, u) = run(&t, &lb);
            let u = u.expect("uncertainty");
            assert!(
                r.entries.iter().all(|e| e.rank == Some(rank)),
                "{method} {ties}"
            );
            // No non-zero difference: p = 1 for every pair, nothing significant.
            assert!(
                u.p_values
                    .iter()
                    .flatten()
                    .filter(|p| !p.is_nan())
                    .all(|&p| p == 1.0)
            );
            assert!(u.significant_pairs.is_empty());
            // Every ranking is all-tied: tau-b is undefined in every sample.
            assert_eq!(u.kendall_tau, None, "{method}");
            assert!(
                u.entries
                    .iter()
                    .all(|e| e.tie_group == Some(1) && e.rank_ci == Some((rank, rank)))
            );
        }
    }
}

#[test]
fn one_system_missing_every_case() {
    let missing = vec![None, None, None, None];
    let rows = |_: ()| {
        vec![
            (
                "a-sys",
                false,
                vec![Some(90.0), Some(80.0), Some(85.0), Some(70.0)],
            ),
            (
                "b-sys",
                false,
                vec![Some(60.0), Some(65.0), Some(75.0), Some(50.0)],
            ),
            ("gone-sys", false, missing.clone()),
        ]
    };
    // worst_value: the missing system gets the range's worst value (0) everywhere, last place.
    let t = task(evaluation(
        "higher_is_better",
        "aggregate_then_rank",
        "worst_value",
        "min",
        100,
    ));
    let (r, u) = run(&t, &leaderboard(&t, &rows(())));
    let u = u.expect("uncertainty");
    assert_eq!(r.entries[2].rank, Some(3.0));
    assert_eq!(r.entries[2].n_missing, 4);
    assert_eq!(r.entries[2].aggregates["score"], Some(0.0));
    assert_eq!(u.entries[2].rank_ci, Some((3.0, 3.0)));
    assert_eq!(u.entries[2].score_ci["score"], (0.0, 0.0));
    // n = 4 cases, all d > 0: z = (10 - 5 - 0.5)/sqrt(7.5), p = 0.0502 > 0.05 even unadjusted.
    assert!(
        (u.p_values[0][2] - 0.050_174_123).abs() < 1e-8,
        "{}",
        u.p_values[0][2]
    );
    assert!(u.significant_pairs.is_empty());
    // exclude_case: every case lacks a ranked system's value, so nothing is left to rank.
    let t = task(evaluation(
        "higher_is_better",
        "aggregate_then_rank",
        "exclude_case",
        "min",
        100,
    ));
    let (r, u) = run(&t, &leaderboard(&t, &rows(())));
    assert_eq!(r.n_cases_used, 0);
    assert!(r.entries.iter().all(|e| e.rank.is_none()));
    assert!(u.is_none());
    // As a reference-only row it is not ranked and does not exclude any case.
    let mut with_ref = rows(());
    with_ref[2].1 = true;
    let (r, u) = run(&t, &leaderboard(&t, &with_ref));
    assert_eq!(r.n_cases_used, 4);
    assert_eq!(r.entries[2].rank, None);
    let u = u.expect("uncertainty");
    assert_eq!(u.ranked, vec![0, 1]);
    assert!(u.entries[2].rank_ci.is_none() && u.entries[2].tie_group.is_none());
}

#[test]
fn bootstrap_is_deterministic_and_reproduces_each_scheme() {
    let expected = read_json("tests/reference/fixtures/coarse-ties.json");
    let rows: Vec<Vec<f64>> = expected["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(floats)
        .collect();
    let systems: Vec<String> = (0..rows.len()).map(|a| format!("sys-{a}")).collect();
    let lb_rows: Vec<(&str, bool, Vec<Option<f64>>)> = rows
        .iter()
        .zip(&systems)
        .map(|(r, s)| (s.as_str(), false, r.iter().map(|v| Some(*v)).collect()))
        .collect();
    for method in [
        "aggregate_then_rank",
        "rank_then_aggregate",
        "test_then_rank",
    ] {
        let t = task(evaluation(
            "higher_is_better",
            method,
            "worst_value",
            "min",
            300,
        ));
        let lb = leaderboard(&t, &lb_rows);
        let (r, u1) = run(&t, &lb);
        let (_, u2) = run(&t, &lb);
        let (u1, u2) = (u1.expect("u"), u2.expect("u"));
        assert_eq!(
            u1.sample_ranks, u2.sample_ranks,
            "{method}: same seed, same samples"
        );
        assert_eq!(u1.sample_ranks.len(), 300);
        let k = u1.ranked.len();
        for (i, e) in u1.entries.iter().enumerate() {
            assert_eq!(e.rank_counts.iter().sum::<u32>(), 300);
            let (lo, hi) = e.rank_ci.expect("interval");
            let m = e.median_rank.expect("median");
            assert!(
                1.0 <= lo && lo <= m && m <= hi && hi <= k as f64,
                "{method} {i}"
            );
        }
        let (med, lo, hi) = u1.kendall_tau.expect("tau");
        assert!(-1.0 <= lo && lo <= med && med <= hi && hi <= 1.0);
        // The leader is in tie group 1; groups are numbered without gaps.
        let leader = r.order[0];
        assert_eq!(u1.entries[leader].tie_group, Some(1));
        let mut groups: Vec<usize> = u1.entries.iter().filter_map(|e| e.tie_group).collect();
        groups.sort();
        groups.dedup();
        assert_eq!(groups, (1..=groups.len()).collect::<Vec<_>>());
    }
}
