//! Stage 3: everything the site shows that is computed rather than written: rankings per task,
//! the consensus ranking across tasks, and the portal's figures.

pub mod cache;
pub mod changes;
pub mod exact;
pub mod ranking;
pub mod stats;
pub mod uncertainty;

use crate::model::*;
use rayon::prelude::*;
use std::collections::BTreeMap;

pub use cache::{CachedRanking, RankingCache};
pub use ranking::TaskRanking;
pub use stats::{BestSeries, Figures, PeriodFigures, Snapshot, Stage};
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
    /// The date of the newest dated content (see [`stats::as_of`]).
    pub as_of: Option<Date>,
    /// Every figure up to `as_of`: what `/api/progress.json` and `/progress/` show.
    pub progress: Snapshot,
    /// Best score over time per released or retired task.
    pub best: Vec<BestSeries>,
}

/// Mean rank across released tasks; a system that did not take part in a task counts as
/// ranked last there (one place behind every system ranked on it).
#[derive(Debug, Clone, Default)]
pub struct Consensus {
    /// Released tasks with a ranking, in id order.
    pub tasks: Vec<String>,
    pub rows: Vec<ConsensusRow>,
    /// Bootstrap samples and interval level of the rank intervals (0 and 0.0 without them).
    pub samples: usize,
    pub ci: f64,
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
    /// 1 = the consensus rank interval overlaps the leader's, as for a task's tie groups.
    pub tie_group: Option<usize>,
}

pub fn compute(portal: &Portal) -> Computed {
    compute_with(portal, &Inputs::default())
}

/// A task's ranking and uncertainty analysis from an earlier run, when neither its task.yaml
/// nor its leaderboard changed since (`medal serve` passes them so that an edit recomputes
/// only the tasks it touched; the consensus and figures are always recomputed).
pub type Reuse<'a> = dyn Fn(&str) -> Option<(TaskRanking, Option<Uncertainty>)> + Sync + 'a;

/// Earlier results [`compute_with`] may take instead of computing.
#[derive(Default)]
pub struct Inputs<'a> {
    /// The on-disk cache: a task's results are read from it when its leaderboard, evaluation
    /// block and the engine are unchanged, and stored after computing.
    pub cache: Option<&'a RankingCache>,
    /// In-memory results of the previous run (`medal serve`), consulted before the cache.
    pub reuse: Option<&'a Reuse<'a>>,
    /// The previous consensus, kept when every ranking was reused and the released tasks are
    /// the same.
    pub previous: Option<&'a Consensus>,
}

impl<'a> Inputs<'a> {
    /// Only the on-disk cache.
    pub fn cached(cache: &'a RankingCache) -> Self {
        Inputs {
            cache: Some(cache),
            ..Default::default()
        }
    }
}

/// [`compute`], taking what it can from `inputs`.
pub fn compute_with(portal: &Portal, inputs: &Inputs) -> Computed {
    let leaderboards: BTreeMap<&str, &Leaderboard> = portal
        .leaderboards
        .iter()
        .map(|lb| (lb.task.as_str(), &**lb))
        .collect();
    let ranked = portal
        .tasks
        .iter()
        .filter(|b| b.task.status.has_leaderboard())
        .filter_map(|b| Some((b, *leaderboards.get(b.task.id.as_str())?)));
    let reused: BTreeMap<String, (TaskRanking, Option<Uncertainty>)> = match inputs.reuse {
        Some(reuse) => ranked
            .clone()
            .filter_map(|(b, _)| Some((b.task.id.to_string(), reuse(b.task.id.as_str())?)))
            .collect(),
        None => BTreeMap::new(),
    };
    let todo: Vec<_> = ranked
        .filter(|(b, _)| !reused.contains_key(b.task.id.as_str()))
        .collect();
    let per_task: Vec<(String, CachedRanking)> = todo
        .par_iter()
        .filter_map(|(b, lb)| {
            let run = || {
                let ranking = ranking::rank_task(&b.task, lb)?;
                let uncertainty = uncertainty::analyse(&b.task, lb, &ranking);
                Some(CachedRanking {
                    ranking,
                    uncertainty,
                })
            };
            let value = match inputs.cache {
                Some(c) => c.get_or_compute(&b.task, lb, run),
                None => run(),
            }?;
            Some((b.task.id.to_string(), value))
        })
        .collect();
    let all_reused = per_task.is_empty();
    let mut rankings = BTreeMap::new();
    let mut uncertainty = BTreeMap::new();
    for (id, v) in per_task {
        if let Some(u) = v.uncertainty {
            uncertainty.insert(id.clone(), u);
        }
        rankings.insert(id, v.ranking);
    }
    for (id, (r, u)) in reused {
        if let Some(u) = u {
            uncertainty.insert(id.clone(), u);
        }
        rankings.insert(id, r);
    }
    let mut consensus = consensus(portal, &rankings, &leaderboards);
    match inputs.previous {
        Some(prev) if all_reused && prev.tasks == consensus.tasks => consensus = prev.clone(),
        _ => consensus_intervals(&mut consensus, &rankings, &uncertainty, &leaderboards),
    }
    let figures = stats::figures(portal, &rankings);
    let as_of = stats::as_of(portal);
    let progress = stats::snapshot(portal, |_| true);
    let best = stats::best_over_time(portal, &rankings);
    Computed {
        rankings,
        uncertainty,
        consensus,
        figures,
        as_of,
        progress,
        best,
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
                tie_group: None,
            }
        })
        .collect();
    let means: Vec<f64> = rows.iter().map(|r| r.mean_rank).collect();
    let ranks = ranking::rank_values(&means, Direction::LowerIsBetter, Ties::Min);
    for (row, rank) in rows.iter_mut().zip(ranks) {
        row.rank = rank;
    }
    rows.sort_by(|a, b| a.rank.total_cmp(&b.rank).then(a.system.cmp(&b.system)));
    Consensus {
        tasks,
        rows,
        ..Consensus::default()
    }
}

/// Where a task's entry takes its rank from in a consensus bootstrap sample.
#[derive(Debug, Clone, Copy)]
enum RankSource {
    /// Position in the task's [`Uncertainty::ranked`]: the rank in sample `b`.
    Sample(usize),
    /// A task without bootstrap keeps its full ranking.
    Fixed(f64),
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
    consensus.samples = samples;
    consensus.ci = ci;
    let slot: BTreeMap<&str, usize> = consensus
        .rows
        .iter()
        .enumerate()
        .map(|(k, r)| (r.system.as_str(), k))
        .collect();
    // Per task, once: where each ranked entry's rank comes from in a sample, and the rank a
    // system that did not take part gets (one behind the systems ranked there).
    type TaskSources<'a> = (Vec<(usize, RankSource)>, f64, Option<&'a Uncertainty>);
    let sources: Vec<TaskSources> = consensus
        .tasks
        .iter()
        .filter_map(|t| {
            let r = rankings.get(t)?;
            let lb = leaderboards.get(t.as_str())?;
            let u = uncertainty.get(t).filter(|u| u.samples > 0);
            let mut systems = std::collections::BTreeSet::new();
            let entries: Vec<(usize, RankSource)> = lb
                .entries
                .iter()
                .enumerate()
                .filter_map(|(i, e)| {
                    let source = match u {
                        Some(u) => RankSource::Sample(u.ranked.iter().position(|&j| j == i)?),
                        None => RankSource::Fixed(r.entries.get(i)?.rank?),
                    };
                    systems.insert(e.system.as_str());
                    Some((*slot.get(e.system.as_str())?, source))
                })
                .collect();
            Some((entries, systems.len() as f64 + 1.0, u))
        })
        .collect();
    let n_systems = consensus.rows.len();
    let per_sample: Vec<Vec<f64>> = (0..samples)
        .into_par_iter()
        .map_init(
            || vec![f64::INFINITY; n_systems],
            |best, b| {
                let mut total = vec![0.0; n_systems];
                for (entries, last, u) in &sources {
                    best.fill(f64::INFINITY);
                    for &(k, source) in entries {
                        let rank = match source {
                            RankSource::Sample(a) => u
                                .and_then(|u| u.sample_ranks.get(b))
                                .and_then(|s| s.get(a))
                                .map_or(f64::INFINITY, |&r| f64::from(r)),
                            RankSource::Fixed(r) => r,
                        };
                        best[k] = best[k].min(rank);
                    }
                    for (t, &r) in total.iter_mut().zip(best.iter()) {
                        *t += if r.is_finite() { r } else { *last };
                    }
                }
                ranking::rank_values(&total, Direction::LowerIsBetter, Ties::Min)
            },
        )
        .collect();
    let mut column = Vec::with_capacity(samples);
    for (k, row) in consensus.rows.iter_mut().enumerate() {
        column.clear();
        column.extend(per_sample.iter().map(|s| s[k]));
        row.rank_ci = uncertainty::summarise(&mut column, ci).map(|(_, lo, hi)| (lo, hi));
    }
    let intervals: Vec<Option<(f64, f64)>> = consensus.rows.iter().map(|r| r.rank_ci).collect();
    let order: Vec<usize> = (0..intervals.len()).collect();
    for (row, g) in consensus
        .rows
        .iter_mut()
        .zip(uncertainty::tie_groups(&order, &intervals))
    {
        row.tie_group = g;
    }
}
