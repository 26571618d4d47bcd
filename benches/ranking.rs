//! One task of 100 systems x 1000 cases x 1000 bootstrap samples (aggregate_then_rank): the
//! ranking, the significance map (9900 Wilcoxon tests) and the bootstrap. Target: < 1 s on the
//! 2-core build machine.
//!
//! `cargo bench --bench ranking -- --sample-size 10`

use criterion::{Criterion, criterion_group, criterion_main};
use medal::compute::{ranking, uncertainty};
use medal::model::*;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

const SYSTEMS: usize = 100;
const CASES: usize = 1000;
const SAMPLES: u32 = 1000;

fn setup() -> (Task, Leaderboard) {
    let portal = medal::load::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("demo loads");
    let mut task = portal
        .tasks
        .iter()
        .find(|b| b.task.status == Status::Released)
        .expect("a released task")
        .task
        .clone();
    task.evaluation = Some(
        serde_json::from_value(json!({
            "metrics": [{"id": "dsc", "name": "DSC", "direction": "higher_is_better",
                         "level": "case", "range": [0, 1], "primary": true}],
            "ranking": {"method": "aggregate_then_rank", "aggregation": "mean",
                        "bootstrap": {"n": SAMPLES, "ci": 0.95, "seed": 1}, "alpha": 0.05}
        }))
        .expect("evaluation"),
    );
    let mut rng = uncertainty::SplitMix64::new(7);
    let mut unit = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let difficulty: Vec<f64> = (0..CASES).map(|_| unit() * 0.3).collect();
    let entries: Vec<Value> = (0..SYSTEMS)
        .map(|s| {
            let skill = 0.6 + 0.3 * s as f64 / SYSTEMS as f64;
            let values: Vec<f64> = difficulty
                .iter()
                .map(|d| ((skill - d + 0.2 * (unit() - 0.5)) * 1e4).round() / 1e4)
                .map(|v: f64| v.clamp(0.0, 1.0))
                .collect();
            json!({"id": format!("e{s:04}"), "system": format!("system-{s}"),
                   "evaluation": "organizer_run", "training_regime": "trained_on_task_train",
                   "per_case": {"dsc": values}})
        })
        .collect();
    let lb = serde_json::from_value(json!({
        "schema_version": "0.1", "task": task.id.as_str(), "task_version": "1.0.0",
        "split": "test", "updated": "2026-10-30",
        "cases": (0..CASES).map(|c| format!("case-{c}")).collect::<Vec<_>>(),
        "entries": entries,
    }))
    .expect("leaderboard");
    (task, lb)
}

fn bench(c: &mut Criterion) {
    let (task, lb) = setup();
    let mut g = c.benchmark_group("task_100x1000x1000");
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("rank_task", |b| {
        b.iter(|| ranking::rank_task(&task, &lb).expect("ranking"))
    });
    let r = ranking::rank_task(&task, &lb).expect("ranking");
    g.bench_function("rank_and_uncertainty", |b| {
        b.iter(|| {
            let r = ranking::rank_task(&task, &lb).expect("ranking");
            uncertainty::analyse(&task, &lb, &r).expect("uncertainty")
        })
    });
    let u = uncertainty::analyse(&task, &lb, &r).expect("uncertainty");
    assert_eq!(u.samples, SAMPLES as usize);
    // The significance map alone (bootstrap off).
    let mut no_boot = task.clone();
    if let Some(r) = no_boot.evaluation.as_mut().and_then(|e| e.ranking.as_mut()) {
        r.bootstrap.n = 0;
    }
    g.bench_function("significance_map_only", |b| {
        b.iter(|| uncertainty::analyse(&no_boot, &lb, &r).expect("uncertainty"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
