//! Stage 3: everything the site shows that is computed rather than written: rankings per task,
//! the consensus ranking across tasks, and the portal's figures.

pub mod ranking;
pub mod stats;
pub mod uncertainty;

use crate::model::*;
use rayon::prelude::*;
use std::collections::BTreeMap;

pub use ranking::TaskRanking;
pub use stats::{Figures, PeriodFigures};
pub use uncertainty::{EntryUncertainty, Uncertainty};

/// The results of stage 3, keyed for the renderer.
#[derive(Debug, Clone)]
pub struct Computed {
    /// Task id → ranking, for published tasks with a leaderboard.
    pub rankings: BTreeMap<String, TaskRanking>,
    /// Task id → uncertainty analysis, for rankings with per-case values.
    pub uncertainty: BTreeMap<String, Uncertainty>,
    pub consensus: Consensus,
    pub figures: Figures,
}

/// Mean rank across released tasks; a system that did not take part in a task counts as
/// ranked last there (one place behind every system ranked on it).
#[derive(Debug, Clone, Default)]
pub struct Consensus {
    /// Released tasks with a ranking, in id order.
    pub tasks: Vec<String>,
    pub rows: Vec<ConsensusRow>,
}

#[derive(Debug, Clone)]
pub struct ConsensusRow {
    pub system: String,
    pub rank: f64,
    pub mean_rank: f64,
    /// Tasks the system was ranked on.
    pub n_tasks: usize,
    /// Per task (same order as [`Consensus::tasks`]): the system's best rank, if it took part.
    pub ranks: Vec<Option<f64>>,
    /// Bootstrap interval of the consensus rank (see [`consensus_intervals`]).
    pub rank_ci: Option<(f64, f64)>,
}

pub fn compute(portal: &Portal) -> Computed {
    compute_with(portal, &|_| None, None)
}

/// A task's ranking and uncertainty analysis from an earlier run, when neither its task.yaml
/// nor its leaderboard changed since (`medal serve` passes them so that an edit recomputes
/// only the tasks it touched; the consensus and figures are always recomputed).
pub type Reuse<'a> = dyn Fn(&str) -> Option<(TaskRanking, Option<Uncertainty>)> + Sync + 'a;

/// [`compute`], taking each task's results from `reuse` where it has them, and the consensus
/// from `previous` when every ranking was reused and the released tasks are the same.
pub fn compute_with(portal: &Portal, reuse: &Reuse, previous: Option<&Consensus>) -> Computed {
    let leaderboards: BTreeMap<&str, &Leaderboard> = portal
        .leaderboards
        .iter()
        .map(|lb| (lb.task.as_str(), lb))
        .collect();
    let reused: BTreeMap<String, (TaskRanking, Option<Uncertainty>)> = portal
        .tasks
        .iter()
        .filter(|b| b.task.status.has_leaderboard())
        .filter(|b| leaderboards.contains_key(b.task.id.as_str()))
        .filter_map(|b| Some((b.task.id.to_string(), reuse(b.task.id.as_str())?)))
        .collect();
    let mut rankings: BTreeMap<String, TaskRanking> = portal
        .tasks
        .par_iter()
        .filter(|b| b.task.status.has_leaderboard())
        .filter(|b| !reused.contains_key(b.task.id.as_str()))
        .filter_map(|b| {
            let lb = leaderboards.get(b.task.id.as_str())?;
            let r = ranking::rank_task(&b.task, lb)?;
            Some((b.task.id.to_string(), r))
        })
        .collect();
    let tasks: BTreeMap<&str, &Task> = portal
        .tasks
        .iter()
        .map(|b| (b.task.id.as_str(), &b.task))
        .collect();
    let mut uncertainty: BTreeMap<String, Uncertainty> = rankings
        .par_iter()
        .filter_map(|(id, r)| {
            let task = tasks.get(id.as_str())?;
            let lb = leaderboards.get(id.as_str())?;
            Some((id.clone(), uncertainty::analyse(task, lb, r)?))
        })
        .collect();
    let all_reused = rankings.is_empty();
    for (id, (r, u)) in reused {
        if let Some(u) = u {
            uncertainty.insert(id.clone(), u);
        }
        rankings.insert(id, r);
    }
    let mut consensus = consensus(portal, &rankings, &leaderboards);
    match previous {
        Some(prev) if all_reused && prev.tasks == consensus.tasks => consensus = prev.clone(),
        _ => consensus_intervals(&mut consensus, &rankings, &uncertainty, &leaderboards),
    }
    let figures = stats::figures(portal, &rankings);
    Computed {
        rankings,
        uncertainty,
        consensus,
        figures,
    }
}

fn consensus(
    portal: &Portal,
    rankings: &BTreeMap<String, TaskRanking>,
    leaderboards: &BTreeMap<&str, &Leaderboard>,
) -> Consensus {
    let tasks: Vec<String> = portal
        .tasks
        .iter()
        .filter(|b| b.task.status == Status::Released && rankings.contains_key(b.task.id.as_str()))
        .map(|b| b.task.id.to_string())
        .collect();

    // Per task: system → best rank of its entries.
    let mut best: Vec<BTreeMap<String, f64>> = Vec::new();
    for id in &tasks {
        let (Some(r), Some(lb)) = (rankings.get(id), leaderboards.get(id.as_str())) else {
            continue;
        };
        let mut m: BTreeMap<String, f64> = BTreeMap::new();
        for (e, res) in lb.entries.iter().zip(&r.entries) {
            if let Some(rank) = res.rank {
                let slot = m.entry(e.system.to_string()).or_insert(rank);
                *slot = slot.min(rank);
            }
        }
        best.push(m);
    }

    let systems: std::collections::BTreeSet<&String> = best.iter().flat_map(|m| m.keys()).collect();
    let mut rows: Vec<ConsensusRow> = systems
        .into_iter()
        .map(|s| {
            let ranks: Vec<Option<f64>> = best.iter().map(|m| m.get(s).copied()).collect();
            let total: f64 = ranks
                .iter()
                .zip(&best)
                .map(|(r, m)| r.unwrap_or(m.len() as f64 + 1.0))
                .sum();
            ConsensusRow {
                system: s.clone(),
                rank: 0.0,
                mean_rank: total / best.len().max(1) as f64,
                n_tasks: ranks.iter().filter(|r| r.is_some()).count(),
                ranks,
                rank_ci: None,
            }
        })
        .collect();
    let means: Vec<f64> = rows.iter().map(|r| r.mean_rank).collect();
    let ranks = ranking::rank_values(&means, Direction::LowerIsBetter, Ties::Min);
    for (row, rank) in rows.iter_mut().zip(ranks) {
        row.rank = rank;
    }
    rows.sort_by(|a, b| a.rank.total_cmp(&b.rank).then(a.system.cmp(&b.system)));
    Consensus { tasks, rows }
}

/// Per task: system → best rank of its ranked entries, given each entry's rank.
fn best_by_system(lb: &Leaderboard, rank: impl Fn(usize) -> Option<f64>) -> BTreeMap<&str, f64> {
    let mut m: BTreeMap<&str, f64> = BTreeMap::new();
    for (i, e) in lb.entries.iter().enumerate() {
        if let Some(r) = rank(i) {
            let slot = m.entry(e.system.as_str()).or_insert(r);
            *slot = slot.min(r);
        }
    }
    m
}

/// The bootstrap interval of each system's consensus rank. Sample `b` takes every task's
/// bootstrap ranking `b` (a task without bootstrap keeps its full ranking), computes the mean
/// ranks as [`consensus`] does and ranks them (ties `min`); the interval at the tasks' `ci`
/// (the smallest of them) is over `B` samples, `B` the smallest sample count among tasks with a
/// bootstrap. No interval when no task has one.
pub fn consensus_intervals(
    consensus: &mut Consensus,
    rankings: &BTreeMap<String, TaskRanking>,
    uncertainty: &BTreeMap<String, Uncertainty>,
    leaderboards: &BTreeMap<&str, &Leaderboard>,
) {
    let boot: Vec<&Uncertainty> = consensus
        .tasks
        .iter()
        .filter_map(|t| uncertainty.get(t))
        .filter(|u| u.samples > 0)
        .collect();
    let Some(samples) = boot.iter().map(|u| u.samples).min() else {
        return;
    };
    let ci = boot.iter().map(|u| u.ci).fold(f64::INFINITY, f64::min);
    let systems: Vec<&str> = consensus.rows.iter().map(|r| r.system.as_str()).collect();
    let per_sample: Vec<Vec<f64>> = (0..samples)
        .into_par_iter()
        .map(|b| {
            let mut total = vec![0.0; systems.len()];
            for t in &consensus.tasks {
                let (Some(r), Some(lb)) = (rankings.get(t), leaderboards.get(t.as_str())) else {
                    continue;
                };
                let u = uncertainty.get(t).filter(|u| u.samples > 0);
                let best = best_by_system(lb, |i| match u {
                    Some(u) => u
                        .ranked
                        .iter()
                        .position(|&j| j == i)
                        .and_then(|a| u.sample_ranks.get(b).map(|s| s[a])),
                    None => r.entries.get(i).and_then(|e| e.rank),
                });
                let last = best.len() as f64 + 1.0;
                for (s, slot) in systems.iter().zip(total.iter_mut()) {
                    *slot += best.get(s).copied().unwrap_or(last);
                }
            }
            ranking::rank_values(&total, Direction::LowerIsBetter, Ties::Min)
        })
        .collect();
    let mut column = Vec::with_capacity(samples);
    for (k, row) in consensus.rows.iter_mut().enumerate() {
        column.clear();
        column.extend(per_sample.iter().map(|s| s[k]));
        row.rank_ci = uncertainty::summarise(&mut column, ci).map(|(_, lo, hi)| (lo, hi));
    }
}
