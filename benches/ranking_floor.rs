//! CPU time of one task's rankings (ranking, significance map, 1000-sample bootstrap) against
//! the arithmetic floor, for each of the three schemes, on tasks shaped like the generated
//! corpus: 12 systems x 200 cases x 1000 samples.
//!
//! `cargo bench --bench ranking_floor` (a plain timing binary; one thread, so CPU = wall).
//!
//! The floor is what any implementation must do per bootstrap sample, timed as tight
//! reference loops over the same shapes:
//! - the draw: `n` calls of the seeded generator (the sequence is fixed by the outputs);
//! - aggregate_then_rank and rank_then_aggregate: `k x n` additions (one per system per drawn
//!   case; per-case ranks are computed once per task) and a `k`-way sort;
//! - test_then_rank: `k(k-1)/2` signed-rank sums over differences sorted once per task, one
//!   weight gather and two additions per difference, and a `k`-way sort.

#[allow(dead_code)]
mod support;

use medal::compute::uncertainty::SplitMix64;
use medal::compute::{ranking, uncertainty};
use medal::model::*;
use serde_json::{Value, json};
use std::hint::black_box;
use std::time::Instant;

const K: usize = 12;
const N: usize = 200;
const SAMPLES: u32 = 1000;
const TASKS: usize = 6;

fn task(demo: &Portal, method: &str, seed: u64) -> (Task, Leaderboard) {
    let mut task = demo
        .tasks
        .iter()
        .find(|b| b.task.status == Status::Released)
        .unwrap_or_else(|| panic!("the demo has a released task"))
        .task
        .clone();
    task.id = Slug::parse(&format!("floor-{seed}")).unwrap_or_else(|e| panic!("slug: {e}"));
    task.evaluation = Some(
        serde_json::from_value(json!({
            "metrics": [{"id": "dsc", "name": "DSC", "direction": "higher_is_better",
                         "level": "case", "range": [0, 1], "primary": true}],
            "ranking": {"method": method, "bootstrap": {"n": SAMPLES, "ci": 0.95, "seed": seed}}
        }))
        .unwrap_or_else(|e| panic!("evaluation: {e}")),
    );
    // As `medal gen-corpus`: skill rising with the system number, case hardness, 4 decimals.
    let mut rng = SplitMix64::new(seed);
    let mut unit = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let hardness: Vec<f64> = (0..N).map(|_| unit() * 0.3).collect();
    let entries: Vec<Value> = (0..K)
        .map(|s| {
            let skill = 0.55 + 0.35 * s as f64 / K as f64;
            let values: Vec<f64> = hardness
                .iter()
                .map(|h| ((skill - h + 0.2 * (unit() - 0.5)).clamp(0.0, 1.0) * 1e4).round() / 1e4)
                .collect();
            json!({"id": format!("e{s:02}"), "system": format!("system-{s}"),
                   "evaluation": "organizer_run", "training_regime": "trained_on_task_train",
                   "per_case": {"dsc": values}})
        })
        .collect();
    let lb: Leaderboard = serde_json::from_value(json!({
        "schema_version": "0.1", "task": format!("floor-{seed}"), "task_version": "1.0.0",
        "split": "test", "updated": "2026-01-01",
        "cases": (0..N).map(|c| format!("case-{c}")).collect::<Vec<_>>(),
        "entries": entries,
    }))
    .unwrap_or_else(|e| panic!("leaderboard: {e}"));
    (task, lb)
}

/// Seconds per task of the ranking and its uncertainty analysis (median of the tasks).
fn measured(demo: &Portal, method: &str) -> f64 {
    let tasks: Vec<(Task, Leaderboard)> = (0..TASKS as u64)
        .map(|s| task(demo, method, s + 1))
        .collect();
    let mut times: Vec<f64> = tasks
        .iter()
        .map(|(t, lb)| {
            let start = Instant::now();
            let r = ranking::rank_task(t, lb).unwrap_or_else(|| panic!("ranking"));
            black_box(uncertainty::analyse(t, lb, &r));
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// The draw of every sample: `n` indices from the sample's generator.
fn floor_draws(idx: &mut Vec<usize>, b: u64) {
    let mut rng = SplitMix64::for_sample(1, b);
    idx.clear();
    idx.extend((0..N).map(|_| rng.below(N as u64) as usize));
}

/// Seconds per task of the reference loops (best of 5 runs of all samples).
fn floor(method: &str) -> f64 {
    let mut u = SplitMix64::new(3);
    // Case-major values; per-pair differences as (case, positive) in sorted order.
    let cols: Vec<f64> = (0..K * N).map(|_| u.below(10_000) as f64).collect();
    let pairs: Vec<Vec<(u32, bool)>> = (0..K * (K - 1) / 2)
        .map(|_| {
            (0..N)
                .map(|_| (u.below(N as u64) as u32, u.below(2) == 1))
                .collect()
        })
        .collect();
    let mut idx = Vec::with_capacity(N);
    let mut w = vec![0u64; N];
    let mut acc = [0.0f64; K];
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        for b in 0..u64::from(SAMPLES) {
            floor_draws(&mut idx, b);
            if method == "test_then_rank" {
                w.fill(0);
                for &c in &idx {
                    w[c] += 1;
                }
                for (a, p) in acc.iter_mut().zip(&pairs) {
                    let (mut off, mut v) = (0u64, 0u64);
                    for &(c, pos) in p {
                        off += w[c as usize];
                        v += if pos { off } else { 0 };
                    }
                    *a = v as f64;
                }
            } else {
                acc = [0.0; K];
                for &c in &idx {
                    for (a, x) in acc.iter_mut().zip(&cols[c * K..(c + 1) * K]) {
                        *a += x;
                    }
                }
            }
            let mut sorted = black_box(acc);
            sorted.sort_unstable_by(f64::total_cmp);
            black_box(sorted);
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    best
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists benchmarks; there is nothing to list.
    }
    let demo = support::demo();
    // One thread: the CPU time of a task, as the build spends it across its workers.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap_or_else(|e| panic!("thread pool: {e}"));
    println!("{K} systems x {N} cases x {SAMPLES} samples, one thread, median of {TASKS} tasks");
    println!(
        "{:<22} {:>12} {:>12} {:>7}",
        "method", "CPU/task", "floor/task", "ratio"
    );
    pool.install(|| {
        for method in [
            "aggregate_then_rank",
            "rank_then_aggregate",
            "test_then_rank",
        ] {
            let m = measured(&demo, method);
            let f = floor(method);
            println!(
                "{method:<22} {:>9.2} ms {:>9.2} ms {:>6.1}x",
                m * 1e3,
                f * 1e3,
                m / f
            );
        }
    });
}
