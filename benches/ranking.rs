//! One task of 100 systems x 1000 cases x 1000 bootstrap samples (aggregate_then_rank): the
//! ranking, the significance map (9900 Wilcoxon tests) and the bootstrap. Target: < 1 s on the
//! 2-core build machine.
//!
//! `cargo bench --bench ranking -- --sample-size 10`

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use medal::compute::{ranking, uncertainty};
use std::time::Duration;
use support::SAMPLES;

fn bench(c: &mut Criterion) {
    let (bundle, lb) = support::task_and_leaderboard(&support::demo(), "bench-task", 7);
    let task = bundle.task;
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
