//! The portal's figures: counts over every proposal (confidential ones included, as numbers
//! only) and figures for a report's period.

use super::TaskRanking;
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub proposals: usize,
    /// Tasks ever selected: status selected, released or retired.
    pub selected: usize,
    /// Tasks whose data and leaderboard are open or were: released or retired.
    pub released: usize,
    pub prize_committed_eur: f64,
    pub prize_paid_eur: f64,
    /// Distinct systems ranked on at least one published leaderboard.
    pub systems_ranked: usize,
    pub by_status: BTreeMap<&'static str, usize>,
}

pub fn figures(portal: &Portal, rankings: &BTreeMap<String, TaskRanking>) -> Figures {
    let mut f = Figures {
        proposals: portal.tasks.len(),
        ..Figures::default()
    };
    for b in &portal.tasks {
        let s = b.task.status;
        *f.by_status.entry(s.as_str()).or_default() += 1;
        if s.is_published() {
            f.selected += 1;
        }
        if s.has_leaderboard() {
            f.released += 1;
        }
        if let Some(a) = b.rationale.as_ref().and_then(|r| r.meta.award.as_ref()) {
            f.prize_committed_eur += a.amount_eur;
            if a.status == AwardStatus::Paid {
                f.prize_paid_eur += a.amount_eur;
            }
        }
    }
    let mut systems = BTreeSet::new();
    for lb in &portal.leaderboards {
        if let Some(r) = rankings.get(lb.task.as_str()) {
            for (e, res) in lb.entries.iter().zip(&r.entries) {
                if res.rank.is_some() {
                    systems.insert(e.system.as_str());
                }
            }
        }
    }
    f.systems_ranked = systems.len();
    f
}

/// Figures for one report period, from the dates in the content.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeriodFigures {
    pub proposals_in_period: usize,
    pub proposals_total: usize,
    pub selected_in_period: usize,
    pub selected_total: usize,
    pub released_in_period: usize,
    pub released_total: usize,
    pub prize_committed_eur: f64,
    pub prize_paid_eur: f64,
    /// Leaderboard entries of published tasks evaluated in the period.
    pub entries_in_period: usize,
}

/// The date a task first reached `status`: from its history, else (for `selected`) the
/// panel's meeting date.
fn reached(b: &TaskBundle, status: Status) -> Option<&Date> {
    b.task
        .history
        .iter()
        .find(|h| h.status == status)
        .map(|h| &h.date)
        .or_else(|| {
            let r = b.rationale.as_ref()?;
            (status == Status::Selected && r.meta.decision == Decision::Selected)
                .then_some(&r.meta.meeting_date)
        })
        .or_else(|| (b.task.status == status).then_some(&b.task.submitted))
}

pub fn period_figures(portal: &Portal, period: &Period) -> PeriodFigures {
    let within = |d: &Date| d >= &period.start && d <= &period.end;
    let by_end = |d: &Date| d <= &period.end;
    let mut f = PeriodFigures::default();
    for b in &portal.tasks {
        if within(&b.task.submitted) {
            f.proposals_in_period += 1;
        }
        if by_end(&b.task.submitted) {
            f.proposals_total += 1;
        }
        // A released task was selected first, even if its history skips the step.
        let selected = reached(b, Status::Selected).or_else(|| reached(b, Status::Released));
        if let Some(d) = selected {
            f.selected_in_period += within(d) as usize;
            f.selected_total += by_end(d) as usize;
        }
        if let Some(d) = reached(b, Status::Released) {
            f.released_in_period += within(d) as usize;
            f.released_total += by_end(d) as usize;
        }
        if let Some((r, a)) = b
            .rationale
            .as_ref()
            .and_then(|r| Some((r, r.meta.award.as_ref()?)))
        {
            let date = a.date.as_ref().unwrap_or(&r.meta.meeting_date);
            if by_end(date) {
                f.prize_committed_eur += a.amount_eur;
                if a.status == AwardStatus::Paid {
                    f.prize_paid_eur += a.amount_eur;
                }
            }
        }
    }
    let published: BTreeSet<&str> = portal
        .published_tasks()
        .map(|b| b.task.id.as_str())
        .collect();
    f.entries_in_period = portal
        .leaderboards
        .iter()
        .filter(|lb| published.contains(lb.task.as_str()))
        .flat_map(|lb| &lb.entries)
        .filter(|e| {
            e.evaluated
                .as_ref()
                .or(e.submitted.as_ref())
                .is_some_and(within)
        })
        .count();
    f
}
