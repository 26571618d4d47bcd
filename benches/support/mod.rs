//! Synthetic ranking workloads shared by the benchmarks: tasks of `SYSTEMS` systems x `CASES`
//! cases with a `SAMPLES`-sample bootstrap, built from a released demo task.

use medal::compute::uncertainty::SplitMix64;
use medal::model::*;
use serde_json::{Value, json};
use std::path::Path;

pub const SYSTEMS: usize = 100;
pub const CASES: usize = 1000;
pub const SAMPLES: u32 = 1000;

/// The demo portal (for its released tasks' prose and data cards).
pub fn demo() -> Portal {
    medal::load::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("demo loads")
}

/// A released task `id` ranked aggregate_then_rank on a DSC with a bootstrap, and a leaderboard
/// of systems whose skill rises with their number; `seed` varies the values.
pub fn task_and_leaderboard(demo: &Portal, id: &str, seed: u64) -> (TaskBundle, Leaderboard) {
    let mut bundle = demo
        .tasks
        .iter()
        .find(|b| b.task.status == Status::Released)
        .map(|b| (**b).clone())
        .expect("a released task");
    let task = &mut bundle.task;
    task.id = Slug::parse(id).expect("slug");
    task.evaluation = Some(
        serde_json::from_value(json!({
            "metrics": [{"id": "dsc", "name": "DSC", "direction": "higher_is_better",
                         "level": "case", "range": [0, 1], "primary": true}],
            "ranking": {"method": "aggregate_then_rank", "aggregation": "mean",
                        "bootstrap": {"n": SAMPLES, "ci": 0.95, "seed": 1}, "alpha": 0.05}
        }))
        .expect("evaluation"),
    );
    let mut rng = SplitMix64::new(seed);
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
        "schema_version": "0.1", "task": id, "task_version": "1.0.0",
        "split": "test", "updated": "2026-10-30",
        "cases": (0..CASES).map(|c| format!("case-{c}")).collect::<Vec<_>>(),
        "entries": entries,
    }))
    .expect("leaderboard");
    (bundle, lb)
}
