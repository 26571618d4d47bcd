//! Rules of rationale.md: the decision agrees with the task, the panel is real and large
//! enough, scores lie within the scale and recused members are not counted.

use super::{Validator, mean, task_dir};
use crate::model::*;
use std::collections::BTreeSet;

/// How far the panel's aggregate may be from the mean of its members' scores.
const SCORE_TOLERANCE: f64 = 0.5;

/// The decisions a task's status allows.
fn decisions_for(status: Status) -> &'static [Decision] {
    match status {
        Status::Selected | Status::Released | Status::Retired => &[Decision::Selected],
        Status::Rejected => &[Decision::Rejected],
        Status::ReviseAndResubmit => &[Decision::ReviseAndResubmit],
        Status::Proposed | Status::UnderReview => &[Decision::Deferred],
    }
}

pub(super) fn check(v: &mut Validator, b: &TaskBundle) {
    let Some(r) = &b.rationale else { return };
    let t = &b.task;
    let m = &r.meta;
    let file = task_dir(t).join("rationale.md");
    let file = file.as_path();
    super::text::markdown_body(v, file, &r.body);
    if m.task != t.id {
        v.error(
            file,
            "task",
            format!(
                "the rationale names task `{}` but lies in `{}`",
                m.task, t.id
            ),
            "a rationale belongs in its task's folder",
        );
    }
    let allowed = decisions_for(t.status);
    if !allowed.contains(&m.decision) {
        v.error(
            file,
            "decision",
            format!(
                "the decision `{}` disagrees with the task's status `{}`",
                m.decision, t.status
            ),
            format!(
                "a task with status `{}` has the decision `{}`: fix the decision or the task's status",
                t.status, allowed[0]
            ),
        );
    }
    if m.decision == Decision::Selected
        && !t.history.is_empty()
        && !t.history.iter().any(|h| h.status == Status::Selected)
    {
        v.error(
            &task_dir(t).join("task.yaml"),
            "history",
            "the panel selected the task but its history has no `selected` entry",
            format!(
                "add `- {{date: {}, status: selected}}` (the meeting date) to the history",
                m.meeting_date
            ),
        );
    }

    // The panel.
    let mut ids = BTreeSet::new();
    for (i, p) in m.panel.iter().enumerate() {
        if !ids.insert(p.id.as_str()) {
            v.error(
                file,
                &format!("panel[{i}].id"),
                format!("the panel member id `{}` appears twice", p.id),
                "every member needs their own pseudonymous id (P1, P2, ...)",
            );
        }
    }
    let recused: BTreeSet<&str> = m
        .panel
        .iter()
        .filter(|p| p.recused)
        .map(|p| p.id.as_str())
        .collect();
    let voting = m.panel.iter().filter(|p| !p.recused).count();
    if voting < 3 {
        v.error(
            file,
            "panel",
            format!("{voting} panel member(s) not recused; a decision needs at least 3"),
            "list every member of the panel that decided, including those who were recused",
        );
    }

    // Scores.
    let scale_ok = m.scale.min < m.scale.max;
    if !scale_ok {
        v.error(
            file,
            "scale",
            format!(
                "the scale {} to {} is empty: min must be below max",
                m.scale.min, m.scale.max
            ),
            "write the scale as {min: 1, max: 5}",
        );
    }
    let within = |x: f64| (m.scale.min..=m.scale.max).contains(&x);
    let range = format!("{} to {}", m.scale.min, m.scale.max);
    for (i, c) in m.criteria.iter().enumerate() {
        let at = format!("criteria[{i}]");
        if scale_ok && !within(c.score) {
            v.error(
                file,
                &format!("{at}.score"),
                format!(
                    "the score {} of `{}` lies outside the scale {range}",
                    c.score, c.id
                ),
                "every score lies within the rationale's `scale`",
            );
        }
        let mut counted = Vec::new();
        for (member, &score) in &c.scores {
            let field = format!("{at}.scores.{member}");
            if !ids.contains(member.as_str()) {
                v.error(
                    file,
                    &field,
                    format!("`{member}` scored `{}` but is not on the panel", c.id),
                    "use the id of a member listed under `panel`",
                );
                continue;
            }
            if recused.contains(member.as_str()) {
                v.error(
                    file,
                    &field,
                    format!("the score of `{member}` is counted although recused"),
                    "remove the score of a recused member",
                );
                continue;
            }
            if scale_ok && !within(score) {
                v.error(
                    file,
                    &field,
                    format!("the score {score} of `{member}` lies outside the scale {range}"),
                    "every score lies within the rationale's `scale`",
                );
            }
            counted.push(score);
        }
        if let Some(avg) = mean(&counted).filter(|a| (a - c.score).abs() > SCORE_TOLERANCE) {
            v.warning(
                file,
                &format!("{at}.score"),
                format!(
                    "the panel's score {} of `{}` is far from its members' mean {:.2}",
                    c.score, c.id, avg
                ),
                format!("the aggregate should lie within {SCORE_TOLERANCE} of the mean of the members' scores: check both"),
            );
        }
    }

    if let Some(vote) = &m.vote {
        let cast = vote.in_favour + vote.against + vote.abstain;
        if cast as usize > voting {
            v.warning(
                file,
                "vote",
                format!("{cast} votes but only {voting} panel members were not recused"),
                "recused members do not vote: check the counts and the panel list",
            );
        }
    }
    for (i, d) in m.dissent.iter().enumerate() {
        if !ids.contains(d.member.as_str()) {
            v.error(
                file,
                &format!("dissent[{i}].member"),
                format!("the dissenting member `{}` is not on the panel", d.member),
                "use the id of a member listed under `panel`",
            );
        }
    }
    if let Some(a) = &m.award {
        if a.amount_eur.is_nan() || a.amount_eur <= 0.0 {
            v.error(
                file,
                "award.amount_eur",
                format!("the award amount {} is not positive", a.amount_eur),
                "give the prize in euros, e.g. 25000, or remove `award`",
            );
        }
        if t.status == Status::Rejected || m.decision == Decision::Rejected {
            v.warning(
                file,
                "award",
                "an award for a rejected task",
                "prizes go to selected tasks: remove the award or check the decision",
            );
        }
    }
}
