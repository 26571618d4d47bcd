//! 50 tasks of 100 systems x 1000 cases x 1000 bootstrap samples: the whole compute stage
//! (rankings, uncertainty, consensus with its bootstrap interval, figures) cold, with the
//! ranking cache being filled, and warm. Targets: cold < 10 s on the 2-core build machine; a
//! warm rebuild recomputes nothing.
//!
//! `cargo bench --bench rankings_50_tasks` (a plain timing binary: each figure is one run, the
//! warm one the median of five).

mod support;

use medal::compute::{Inputs, RankingCache, compute_with};
use std::time::Instant;

const TASKS: usize = 50;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists benchmarks; there is nothing to list.
    }
    let demo = support::demo();
    let mut portal = demo.clone();
    portal.tasks.clear();
    portal.leaderboards.clear();
    for t in 0..TASKS {
        let (bundle, lb) =
            support::task_and_leaderboard(&demo, &format!("bench-task-{t:02}"), t as u64);
        portal.tasks.push(bundle.into());
        portal.leaderboards.push(lb.into());
    }
    let dir = tempfile::tempdir().expect("tempdir");

    let t = Instant::now();
    let cold = compute_with(&portal, &Inputs::default());
    let cold_s = t.elapsed().as_secs_f64();
    assert_eq!(cold.rankings.len(), TASKS);

    let cache = RankingCache::new(dir.path());
    let t = Instant::now();
    compute_with(&portal, &Inputs::cached(&cache));
    let filling_s = t.elapsed().as_secs_f64();
    assert_eq!(cache.stats(), (0, TASKS));

    let mut warm: Vec<f64> = (0..5)
        .map(|_| {
            let cache = RankingCache::new(dir.path());
            let t = Instant::now();
            compute_with(&portal, &Inputs::cached(&cache));
            assert_eq!(cache.stats(), (TASKS, 0), "a warm run recomputes nothing");
            t.elapsed().as_secs_f64()
        })
        .collect();
    warm.sort_by(f64::total_cmp);
    let t = Instant::now();
    for (b, lb) in portal.tasks.iter().zip(&portal.leaderboards) {
        std::hint::black_box(RankingCache::key(&b.task, lb));
    }
    let keys_s = t.elapsed().as_secs_f64();
    let bytes: u64 = walkdir::WalkDir::new(dir.path())
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    println!(
        "{TASKS} tasks x {} systems x {} cases x {} samples, {} threads",
        support::SYSTEMS,
        support::CASES,
        support::SAMPLES,
        rayon::current_num_threads()
    );
    println!("cold, no cache:        {cold_s:>7.2} s (target < 10 s)");
    println!("cold, filling cache:   {filling_s:>7.2} s");
    println!(
        "warm (median of 5):    {:>7.2} s  ({:.0}x faster than cold)",
        warm[2],
        cold_s / warm[2]
    );
    println!("  of which cache keys: {keys_s:>7.2} s");
    println!("cache on disk:         {:>7.1} MB", bytes as f64 / 1e6);
}
