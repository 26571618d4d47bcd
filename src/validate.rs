//! Stage 2: rules that span files (ids agree with their files, references resolve, the
//! publication rule holds). All problems are collected; none stops the others.

use crate::error::Diagnostic;
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// URL segments the generator uses itself; a Markdown page may not take them.
pub const RESERVED_PAGE_IDS: &[&str] = &[
    "tasks", "systems", "rankings", "reports", "news", "static", "search", "api", "data",
    "progress",
];

/// Checks `portal` (as loaded from `root`) and returns every problem found.
pub fn validate(root: &Path, portal: &Portal) -> Vec<Diagnostic> {
    let mut v = Validator {
        root,
        diags: Vec::new(),
    };
    v.tasks(portal);
    v.systems(portal);
    v.leaderboards(portal);
    v.pages(portal);
    let mut diags = v.diags;
    diags.sort();
    diags.dedup();
    diags
}

struct Validator<'a> {
    root: &'a Path,
    diags: Vec<Diagnostic>,
}

impl Validator<'_> {
    /// Reports a problem at the first line of `file` that holds `needle` (a key or value).
    fn report(&mut self, file: PathBuf, needle: &str, field: &str, message: String, hint: &str) {
        let text = std::fs::read_to_string(self.root.join(&file)).unwrap_or_default();
        let is_yaml = matches!(
            file.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "md")
        );
        let at = (is_yaml && !field.is_empty())
            .then(|| crate::locate::locate(&text, field))
            .flatten()
            .or_else(|| {
                text.lines()
                    .position(|l| l.contains(needle))
                    .map(|i| (i + 1, 1))
            });
        let mut d = Diagnostic::new(file, message).at(at.map(|a| a.0), at.map(|a| a.1));
        if !field.is_empty() {
            d = d.field(field);
        }
        if !hint.is_empty() {
            d = d.hint(hint);
        }
        self.diags.push(d);
    }

    fn tasks(&mut self, portal: &Portal) {
        for b in &portal.tasks {
            let t = &b.task;
            let dir = PathBuf::from("content/tasks").join(t.id.as_str());
            let task_file = dir.join("task.yaml");
            if let Some(last) = t.history.last().filter(|h| h.status != t.status) {
                self.report(
                    task_file.clone(),
                    "history:",
                    "history",
                    format!(
                        "the last history entry is `{}` but the status is `{}`",
                        last.status, t.status
                    ),
                    "add a history entry for the current status, dated when it changed",
                );
            }
            if !t.status.is_published() {
                continue;
            }
            match &t.evaluation {
                None => self.report(
                    task_file.clone(),
                    "status:",
                    "evaluation",
                    format!(
                        "a task with status `{}` needs `evaluation.metrics`",
                        t.status
                    ),
                    "define the metrics (exactly one with `primary: true`) and `ranking.method`",
                ),
                Some(e) => {
                    let primaries = e.metrics.iter().filter(|m| m.primary).count();
                    if primaries != 1 {
                        self.report(
                            task_file.clone(),
                            "metrics:",
                            "evaluation.metrics",
                            format!("{primaries} metrics are marked primary; exactly one must be"),
                            "set `primary: true` on the one metric the task is judged by",
                        );
                    }
                    let ranking_metric = e.ranking.as_ref().and_then(|r| r.metric.as_ref());
                    if let Some(id) = ranking_metric.filter(|id| e.metric(id.as_str()).is_none()) {
                        self.report(
                            task_file.clone(),
                            "ranking:",
                            "evaluation.ranking.metric",
                            format!("the ranking metric `{id}` is not one of the task's metrics"),
                            "use the id of a metric under evaluation.metrics",
                        );
                    }
                    if e.ranking.is_none() {
                        self.report(
                            task_file.clone(),
                            "evaluation:",
                            "evaluation.ranking",
                            "a task with metrics needs `evaluation.ranking.method`".into(),
                            "one of aggregate_then_rank, rank_then_aggregate, test_then_rank",
                        );
                    }
                }
            }
            if b.datacard.is_none() {
                self.report(
                    task_file.clone(),
                    "status:",
                    "",
                    format!("a task with status `{}` needs a datacard.yaml", t.status),
                    "add content/tasks/<id>/datacard.yaml (see the content format)",
                );
            }
            match &b.rationale {
                None => self.report(
                    task_file.clone(),
                    "status:",
                    "",
                    format!(
                        "a task with status `{}` needs the panel's rationale.md",
                        t.status
                    ),
                    "add content/tasks/<id>/rationale.md with the panel's decision",
                ),
                Some(r) => {
                    let file = dir.join("rationale.md");
                    if r.meta.task != t.id {
                        self.report(
                            file.clone(),
                            "task:",
                            "task",
                            format!(
                                "the rationale names task `{}` but lies in `{}`",
                                r.meta.task, t.id
                            ),
                            "a rationale belongs in its task's folder",
                        );
                    }
                    if r.meta.decision != Decision::Selected {
                        self.report(
                            file,
                            "decision:",
                            "decision",
                            format!(
                                "the decision `{}` disagrees with the task's status `{}`",
                                r.meta.decision, t.status
                            ),
                            "a published task was selected by the panel: decision must be `selected`",
                        );
                    }
                }
            }
        }
    }

    fn systems(&mut self, portal: &Portal) {
        let mut seen = BTreeSet::new();
        for s in &portal.systems {
            if !seen.insert(s.id.as_str()) {
                self.report(
                    "data/systems.yaml".into(),
                    &format!("id: {}", s.id),
                    "systems.id",
                    format!("the system id `{}` appears twice", s.id),
                    "every system needs its own id",
                );
            }
        }
    }

    fn leaderboards(&mut self, portal: &Portal) {
        let tasks: BTreeMap<&str, &TaskBundle> = portal
            .tasks
            .iter()
            .map(|b| (b.task.id.as_str(), b))
            .collect();
        let systems: BTreeSet<&str> = portal.systems.iter().map(|s| s.id.as_str()).collect();
        for lb in &portal.leaderboards {
            let file = self.leaderboard_file(lb);
            let Some(b) = tasks.get(lb.task.as_str()) else {
                self.report(
                    file,
                    "\"task\"",
                    "task",
                    format!("no task `{}` exists", lb.task),
                    "the leaderboard's `task` must be the id of a task under content/tasks/",
                );
                continue;
            };
            if !b.task.status.has_leaderboard() {
                self.report(
                    file,
                    "\"task\"",
                    "task",
                    format!(
                        "a leaderboard for a task with status `{}`: only released or retired tasks have one, and publishing it would leak a confidential task",
                        b.task.status
                    ),
                    "remove the file until the task is released",
                );
                continue;
            }
            let metrics: BTreeSet<&str> = b
                .task
                .evaluation
                .iter()
                .flat_map(|e| &e.metrics)
                .map(|m| m.id.as_str())
                .collect();
            let mut ids = BTreeSet::new();
            let mut versions = BTreeSet::new();
            for (i, e) in lb.entries.iter().enumerate() {
                let at = format!("\"{}\"", e.id);
                if !ids.insert(e.id.as_str()) {
                    self.report(
                        file.clone(),
                        &at,
                        &format!("entries[{i}].id"),
                        format!("the entry id `{}` appears twice", e.id),
                        "entry ids are unique within a leaderboard",
                    );
                }
                if !systems.contains(e.system.as_str()) {
                    self.report(
                        file.clone(),
                        &format!("\"{}\"", e.system),
                        &format!("entries[{i}].system"),
                        format!("the system `{}` is not in data/systems.yaml", e.system),
                        "add the system to data/systems.yaml or fix the id",
                    );
                }
                let version = e
                    .system_version
                    .as_ref()
                    .map(|v| v.0.clone())
                    .unwrap_or_default();
                if !versions.insert((e.system.as_str(), version.clone())) {
                    self.report(
                        file.clone(),
                        &at,
                        &format!("entries[{i}].system_version"),
                        format!(
                            "the system `{}` appears twice with version `{version}`",
                            e.system
                        ),
                        "one entry per system version",
                    );
                }
                for (k, values) in &e.per_case {
                    if !metrics.contains(k.as_str()) {
                        self.report(
                            file.clone(),
                            &format!("\"{k}\""),
                            &format!("entries[{i}].per_case.{k}"),
                            format!("`{k}` is not a metric of task `{}`", lb.task),
                            "use the metric ids of the task's evaluation.metrics",
                        );
                    }
                    if values.len() != lb.cases.len() {
                        self.report(file.clone(), &at, &format!("entries[{i}].per_case.{k}"), format!("{} values for {} cases", values.len(), lb.cases.len()), "per_case arrays are aligned with `cases`; write null for a missing result");
                    }
                }
                for k in e.scores.keys() {
                    if !metrics.contains(k.as_str()) {
                        self.report(
                            file.clone(),
                            &format!("\"{k}\""),
                            &format!("entries[{i}].scores.{k}"),
                            format!("`{k}` is not a metric of task `{}`", lb.task),
                            "use the metric ids of the task's evaluation.metrics",
                        );
                    }
                }
            }
        }
    }

    fn leaderboard_file(&self, lb: &Leaderboard) -> PathBuf {
        PathBuf::from("data/leaderboards").join(format!("{}.json", lb.task))
    }

    fn pages(&mut self, portal: &Portal) {
        for p in &portal.pages {
            if RESERVED_PAGE_IDS.contains(&p.id.as_str()) {
                self.report(
                    PathBuf::from("content/pages").join(format!("{}.md", p.id)),
                    "title:",
                    "",
                    format!("the page id `{}` is a URL the portal uses itself", p.id),
                    "rename the file",
                );
            }
        }
    }
}
