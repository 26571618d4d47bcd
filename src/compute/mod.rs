//! Stage 3: everything the site shows that is computed rather than written: rankings per task,
//! the consensus ranking across tasks, and the portal's figures.

pub mod ranking;
pub mod stats;

use crate::model::*;
use rayon::prelude::*;
use std::collections::BTreeMap;

pub use ranking::TaskRanking;
pub use stats::{Figures, PeriodFigures};

/// The results of stage 3, keyed for the renderer.
#[derive(Debug, Clone)]
pub struct Computed {
    /// Task id → ranking, for published tasks with a leaderboard.
    pub rankings: BTreeMap<String, TaskRanking>,
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
}

pub fn compute(portal: &Portal) -> Computed {
    let leaderboards: BTreeMap<&str, &Leaderboard> = portal
        .leaderboards
        .iter()
        .map(|lb| (lb.task.as_str(), lb))
        .collect();
    let rankings: BTreeMap<String, TaskRanking> = portal
        .tasks
        .par_iter()
        .filter(|b| b.task.status.has_leaderboard())
        .filter_map(|b| {
            let lb = leaderboards.get(b.task.id.as_str())?;
            let r = ranking::rank_task(&b.task, lb)?;
            Some((b.task.id.to_string(), r))
        })
        .collect();
    let consensus = consensus(portal, &rankings, &leaderboards);
    let figures = stats::figures(portal, &rankings);
    Computed {
        rankings,
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
