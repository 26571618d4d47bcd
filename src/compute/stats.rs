//! The portal's figures: counts over every proposal (confidential ones included, as numbers
//! only) and figures for a report's period.

use super::ranking::TaskRanking;
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

pub fn period_figures(portal: &Portal, period: &Period) -> PeriodFigures {
    let before = snapshot(portal, |d| d < &period.start);
    let end = snapshot(portal, |d| d <= &period.end);
    PeriodFigures {
        proposals_in_period: end.proposals - before.proposals,
        proposals_total: end.proposals,
        selected_in_period: end.selected_total - before.selected_total,
        selected_total: end.selected_total,
        released_in_period: end.released_total - before.released_total,
        released_total: end.released_total,
        prize_committed_eur: end.prize_committed_eur,
        prize_paid_eur: end.prize_paid_eur,
        entries_in_period: end.leaderboard_entries - before.leaderboard_entries,
    }
}

// ---------------------------------------------------------------------------------------------
// Progress: the portal's state on any date, from the dates in the content (never the clock).

/// The stages of the selection funnel. A task that reached a stage also passed the ones
/// before it, so the counts never grow from one stage to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Proposed,
    UnderReview,
    Decided,
    Selected,
    Released,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Proposed,
        Stage::UnderReview,
        Stage::Decided,
        Stage::Selected,
        Stage::Released,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Stage::Proposed => "proposed",
            Stage::UnderReview => "under_review",
            Stage::Decided => "decided",
            Stage::Selected => "selected",
            Stage::Released => "released",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Proposed => "Proposed",
            Stage::UnderReview => "Under review",
            Stage::Decided => "Decided by the panel",
            Stage::Selected => "Selected",
            Stage::Released => "Released",
        }
    }

    /// The furthest stage a status shows: a rejected task was decided, a retired one was
    /// released.
    pub fn of(s: Status) -> Stage {
        match s {
            Status::Proposed => Stage::Proposed,
            Status::UnderReview => Stage::UnderReview,
            Status::ReviseAndResubmit | Status::Rejected => Stage::Decided,
            Status::Selected => Stage::Selected,
            Status::Released | Status::Retired => Stage::Released,
        }
    }
}

/// Dated evidence of how far a task had come: (date, stage reached on that date).
fn evidence(b: &TaskBundle) -> Vec<(&Date, Stage)> {
    let mut ev = vec![(&b.task.submitted, Stage::Proposed)];
    ev.extend(
        b.task
            .history
            .iter()
            .map(|h| (&h.date, Stage::of(h.status))),
    );
    if let Some(r) = &b.rationale {
        let stage = match r.meta.decision {
            Decision::Selected => Stage::Selected,
            _ => Stage::Decided,
        };
        ev.push((&r.meta.meeting_date, stage));
    }
    // A status the dates do not explain dates from the submission.
    let current = Stage::of(b.task.status);
    if !ev.iter().any(|(_, s)| *s >= current) {
        ev.push((&b.task.submitted, current));
    }
    ev
}

/// The first date the task reached `stage` (or a later one).
pub fn reached_stage(b: &TaskBundle, stage: Stage) -> Option<&Date> {
    evidence(b)
        .into_iter()
        .filter(|(_, s)| *s >= stage)
        .map(|(d, _)| d)
        .min()
}

/// The task's status on a date: the last history entry up to it; without history, its status.
pub fn status_on(b: &TaskBundle, until: &impl Fn(&Date) -> bool) -> Option<Status> {
    if !until(&b.task.submitted) {
        return None;
    }
    if b.task.history.is_empty() {
        return Some(b.task.status);
    }
    Some(
        b.task
            .history
            .iter()
            .filter(|h| until(&h.date))
            .max_by(|a, b| a.date.cmp(&b.date))
            .map_or(Status::Proposed, |h| h.status),
    )
}

/// (date committed, date paid) of a task's award: committed at its date (or the panel
/// meeting), paid at its date when its status is paid (committed at the meeting then).
fn award_dates(r: &Doc<RationaleMeta>) -> Option<(f64, &Date, Option<&Date>)> {
    let a = r.meta.award.as_ref()?;
    let meeting = &r.meta.meeting_date;
    let dated = a.date.as_ref().unwrap_or(meeting);
    Some(match a.status {
        AwardStatus::Committed => (a.amount_eur, dated, None),
        AwardStatus::Paid => (a.amount_eur, meeting.min(dated), Some(dated)),
    })
}

/// The date a leaderboard entry was added: evaluated, else submitted, else the file's update.
pub fn entry_date<'a>(lb: &'a Leaderboard, e: &'a Entry) -> &'a Date {
    e.evaluated
        .as_ref()
        .or(e.submitted.as_ref())
        .unwrap_or(&lb.updated)
}

/// Every figure of a progress report and of `/api/progress.json`, counting what happened up to
/// a date. Counts cover every proposal, confidential ones included, and show only numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub proposals: usize,
    /// Status on the date → proposals.
    pub by_status: BTreeMap<&'static str, usize>,
    /// Stage → proposals that reached it (in [`Stage::ALL`] order).
    pub funnel: Vec<(Stage, usize)>,
    /// Tasks ever selected (selected, released or retired).
    pub selected_total: usize,
    /// Tasks ever released (released or retired).
    pub released_total: usize,
    pub prize_committed_eur: f64,
    pub prize_paid_eur: f64,
    /// Modality code → proposals with it (a task counts once per modality).
    pub by_modality: BTreeMap<&'static str, usize>,
    pub by_specialty: BTreeMap<&'static str, usize>,
    /// Country → proposals with a contributor there (once per distinct country).
    pub by_country: BTreeMap<String, usize>,
    pub selected_by_modality: BTreeMap<&'static str, usize>,
    pub selected_by_specialty: BTreeMap<&'static str, usize>,
    pub selected_by_country: BTreeMap<String, usize>,
    /// Distinct systems (not reference readers or baselines) with an entry on a published
    /// leaderboard.
    pub systems_evaluated: usize,
    /// Entries on published leaderboards, reference rows included.
    pub leaderboard_entries: usize,
}

impl Snapshot {
    pub fn funnel_count(&self, stage: Stage) -> usize {
        self.funnel
            .iter()
            .find(|(s, _)| *s == stage)
            .map_or(0, |(_, n)| *n)
    }
}

fn countries(t: &Task) -> BTreeSet<String> {
    t.contributors
        .iter()
        .filter_map(|c| c.country.as_ref())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Everything that happened on a date for which `until` holds (`d <= end`, `d < start`).
pub fn snapshot(portal: &Portal, until: impl Fn(&Date) -> bool) -> Snapshot {
    let mut f = Snapshot {
        funnel: Stage::ALL.iter().map(|s| (*s, 0)).collect(),
        ..Snapshot::default()
    };
    for b in &portal.tasks {
        let Some(status) = status_on(b, &until) else {
            continue;
        };
        let t = &b.task;
        f.proposals += 1;
        *f.by_status.entry(status.as_str()).or_default() += 1;
        for (stage, n) in f.funnel.iter_mut() {
            if reached_stage(b, *stage).is_some_and(&until) {
                *n += 1;
            }
        }
        let selected = reached_stage(b, Stage::Selected).is_some_and(&until);
        for m in &t.imaging.modalities {
            *f.by_modality.entry(m.as_str()).or_default() += 1;
            if selected {
                *f.selected_by_modality.entry(m.as_str()).or_default() += 1;
            }
        }
        for s in &t.clinical.specialty {
            *f.by_specialty.entry(s.as_str()).or_default() += 1;
            if selected {
                *f.selected_by_specialty.entry(s.as_str()).or_default() += 1;
            }
        }
        for c in countries(t) {
            if selected {
                *f.selected_by_country.entry(c.clone()).or_default() += 1;
            }
            *f.by_country.entry(c).or_default() += 1;
        }
        if let Some((amount, committed, paid)) = b.rationale.as_ref().and_then(award_dates) {
            if until(committed) {
                f.prize_committed_eur += amount;
            }
            if paid.is_some_and(&until) {
                f.prize_paid_eur += amount;
            }
        }
    }
    f.selected_total = f.funnel_count(Stage::Selected);
    f.released_total = f.funnel_count(Stage::Released);
    let published: BTreeSet<&str> = portal
        .published_tasks()
        .map(|b| b.task.id.as_str())
        .collect();
    let mut systems = BTreeSet::new();
    for lb in portal
        .leaderboards
        .iter()
        .filter(|lb| published.contains(lb.task.as_str()))
    {
        for e in lb.entries.iter().filter(|e| until(entry_date(lb, e))) {
            f.leaderboard_entries += 1;
            if !e.reference_only {
                systems.insert(e.system.as_str());
            }
        }
    }
    f.systems_evaluated = systems.len();
    f
}

/// The dates a task counts from in [`Totals`], worked out once for many dates (the monthly
/// table of a progress report asks for dozens).
pub struct Dated<'a> {
    submitted: &'a Date,
    selected: Option<&'a Date>,
    released: Option<&'a Date>,
    award: Option<(f64, &'a Date, Option<&'a Date>)>,
}

pub fn dated(portal: &Portal) -> Vec<Dated<'_>> {
    portal
        .tasks
        .iter()
        .map(|b| Dated {
            submitted: &b.task.submitted,
            selected: reached_stage(b, Stage::Selected),
            released: reached_stage(b, Stage::Released),
            award: b.rationale.as_ref().and_then(award_dates),
        })
        .collect()
}

/// The headline counts of a [`Snapshot`], equal to its fields (sums in the same order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub proposals: usize,
    pub selected_total: usize,
    pub released_total: usize,
    pub prize_committed_eur: f64,
    pub prize_paid_eur: f64,
}

/// What [`snapshot`] counts in these fields, without its breakdowns.
pub fn totals(dated: &[Dated], until: impl Fn(&Date) -> bool) -> Totals {
    let mut t = Totals::default();
    // A task counts from its submission (`status_on` is `None` before it).
    for d in dated.iter().filter(|d| until(d.submitted)) {
        t.proposals += 1;
        if d.selected.is_some_and(&until) {
            t.selected_total += 1;
        }
        if d.released.is_some_and(&until) {
            t.released_total += 1;
        }
        if let Some((amount, committed, paid)) = d.award {
            if until(committed) {
                t.prize_committed_eur += amount;
            }
            if paid.is_some_and(&until) {
                t.prize_paid_eur += amount;
            }
        }
    }
    t
}

/// The date of the newest dated content: what "as of" means for the portal's figures. Report
/// and news dates count too, so a report never shows figures newer than the site.
pub fn as_of(portal: &Portal) -> Option<Date> {
    let mut dates: Vec<&Date> = Vec::new();
    for b in &portal.tasks {
        dates.extend(evidence(b).into_iter().map(|(d, _)| d));
        if let Some(r) = &b.rationale {
            dates.extend(r.meta.award.as_ref().and_then(|a| a.date.as_ref()));
        }
    }
    for lb in &portal.leaderboards {
        dates.push(&lb.updated);
        dates.extend(lb.entries.iter().map(|e| entry_date(lb, e)));
    }
    dates.extend(portal.reports.iter().map(|r| &r.meta.published));
    dates.extend(portal.news.iter().map(|n| &n.meta.date));
    dates.into_iter().max().cloned()
}

/// One step of a best-score series: from `date` on, the best score was `value`.
#[derive(Debug, Clone, PartialEq)]
pub struct BestPoint {
    pub date: Date,
    pub value: f64,
    pub system: String,
    pub entry: String,
}

/// The best ranking-metric score of a released task over time (ranked entries only).
#[derive(Debug, Clone, PartialEq)]
pub struct BestSeries {
    pub task: String,
    pub metric: String,
    pub direction: Direction,
    /// One point per date on which the best score improved, oldest first.
    pub points: Vec<BestPoint>,
}

/// Best score over time for every released or retired task with a ranking, in task id order.
pub fn best_over_time(
    portal: &Portal,
    rankings: &BTreeMap<String, TaskRanking>,
) -> Vec<BestSeries> {
    let mut out = Vec::new();
    for lb in &portal.leaderboards {
        let Some(r) = rankings.get(lb.task.as_str()) else {
            continue;
        };
        let mut dated: Vec<(&Date, f64, &Entry)> = lb
            .entries
            .iter()
            .zip(&r.entries)
            .filter(|(e, res)| !e.reference_only && res.rank.is_some())
            .filter_map(|(e, res)| {
                let v = res.aggregates.get(r.metric.as_str()).copied().flatten()?;
                Some((entry_date(lb, e), v, e))
            })
            .collect();
        dated.sort_by(|a, b| a.0.cmp(b.0).then(a.2.id.cmp(&b.2.id)));
        let better = |a: f64, b: f64| match r.direction {
            Direction::HigherIsBetter => a > b,
            Direction::LowerIsBetter => a < b,
        };
        let mut points: Vec<BestPoint> = Vec::new();
        for (d, v, e) in dated {
            if points.last().is_none_or(|p| better(v, p.value)) {
                let point = BestPoint {
                    date: d.clone(),
                    value: v,
                    system: e.system.to_string(),
                    entry: e.id.to_string(),
                };
                // Two improvements on one day: keep the day's best only.
                if points.last().is_some_and(|p| &p.date == d) {
                    points.pop();
                }
                points.push(point);
            }
        }
        out.push(BestSeries {
            task: lb.task.to_string(),
            metric: r.metric.to_string(),
            direction: r.direction,
            points,
        });
    }
    out.sort_by(|a, b| a.task.cmp(&b.task));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_equal_the_snapshot() {
        let portal = crate::load::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
            .expect("the demo loads");
        let dated = dated(&portal);
        let mut dates: Vec<String> = portal
            .tasks
            .iter()
            .flat_map(|b| evidence(b).into_iter().map(|(d, _)| d.to_string()))
            .collect();
        dates.extend([
            "2000-01-01".into(),
            "2026-06-31".into(),
            "2999-12-31".into(),
        ]);
        for last in &dates {
            let until = |d: &Date| d.as_str() <= last.as_str();
            let s = snapshot(&portal, until);
            let want = Totals {
                proposals: s.proposals,
                selected_total: s.selected_total,
                released_total: s.released_total,
                prize_committed_eur: s.prize_committed_eur,
                prize_paid_eur: s.prize_paid_eur,
            };
            assert_eq!(totals(&dated, until), want, "{last}");
        }
    }
}
