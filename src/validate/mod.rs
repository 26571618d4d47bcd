//! Stage 2: rules on the loaded content, within one file and across files (ids agree with
//! their files, references resolve, the publication rule holds, identifiers are well formed,
//! numbers are consistent). All problems are collected; none stops the others.
//!
//! One submodule per content format; [`identifiers`] holds the identifier checks and
//! [`suggest`] the "did you mean" of the loader's messages. Every diagnostic names its file,
//! line and field path; rules that concern curation quality rather than correctness are
//! warnings.

pub mod accessibility;
mod datacard;
pub mod identifiers;
mod leaderboard;
mod rationale;
pub mod release;
pub mod suggest;
mod task;
#[cfg(test)]
mod tests;
mod text;
mod translations;

use crate::error::{Diagnostic, Severity};
use crate::model::*;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// URL segments the generator uses itself; a Markdown page may not take them.
pub const RESERVED_PAGE_IDS: &[&str] = &[
    "tasks", "systems", "rankings", "reports", "news", "static", "search", "api", "data",
    "progress", "releases",
];

/// The format version this generator reads.
pub const SCHEMA_VERSION: &str = "0.1";

/// The problems of each task's own files at the last validation, kept by `medal serve`: a
/// task whose bundle the loader reused (the very same `Arc`, held here so its address cannot
/// be taken by another) and whose leaderboard and unreadable files are as they were is not
/// checked again.
#[derive(Default)]
pub struct Memo {
    tasks: std::sync::Mutex<HashMap<String, Checked>>,
    placeholders: crate::scaffold::Seen,
}

impl Memo {
    /// The placeholders found in each task file (see [`crate::scaffold::Seen`]).
    pub fn placeholders(&self) -> &crate::scaffold::Seen {
        &self.placeholders
    }
}

/// A task's bundle, what its checks look at besides it, and what they found.
type Checked = (std::sync::Arc<TaskBundle>, [bool; 4], Vec<Diagnostic>);

/// Checks `portal` (as loaded from `root`) and returns every problem found.
pub fn validate(root: &Path, portal: &Portal) -> Vec<Diagnostic> {
    validate_with(root, portal, None)
}

/// [`validate`], taking each unchanged task's own problems from `memo` (and keeping them
/// there).
pub fn validate_with(root: &Path, portal: &Portal, memo: Option<&Memo>) -> Vec<Diagnostic> {
    // Each task's own files are checked on their own, in parallel (`medal serve` validates
    // the whole portal after every edit).
    let u = &portal.unreadable;
    let own: Vec<Vec<Diagnostic>> = portal
        .tasks
        .par_iter()
        .map(|b| {
            let id = b.task.id.as_str();
            let around = [
                portal.leaderboard(id).is_some(),
                u.datacards.contains(id),
                u.rationales.contains(id),
                u.leaderboards.contains(id),
            ];
            if let Some(m) = memo
                && let Some((kept, k, found)) = crate::store::lock(&m.tasks).get(id)
                && std::sync::Arc::ptr_eq(kept, b)
                && *k == around
            {
                return found.clone();
            }
            let mut v = Validator {
                root,
                texts: BTreeMap::new(),
                diags: Vec::new(),
            };
            task::check(&mut v, portal, b);
            rationale::check(&mut v, b);
            datacard::check(&mut v, b);
            if let Some(m) = memo {
                let entry = (b.clone(), around, v.diags.clone());
                crate::store::lock(&m.tasks).insert(id.to_string(), entry);
            }
            v.diags
        })
        .collect();
    if let Some(m) = memo {
        let ids: std::collections::HashSet<&str> =
            portal.tasks.iter().map(|b| b.task.id.as_str()).collect();
        crate::store::lock(&m.tasks).retain(|id, _| ids.contains(id.as_str()));
    }
    let mut v = Validator {
        root,
        texts: BTreeMap::new(),
        diags: own.into_iter().flatten().collect(),
    };
    task::duplicates(&mut v, portal);
    v.systems(portal);
    leaderboard::check(&mut v, portal);
    v.reports(portal);
    v.pages(portal);
    v.markdown_docs(portal);
    release::check(&mut v, portal);
    translations::check(&mut v, portal);
    accessibility::check(&mut v, portal);
    let mut diags = v.diags;
    diags.sort();
    diags.dedup();
    diags
}

pub(crate) struct Validator<'a> {
    root: &'a Path,
    /// File texts read so far, for locating fields.
    texts: BTreeMap<PathBuf, String>,
    diags: Vec<Diagnostic>,
}

impl Validator<'_> {
    /// Line and column of the field path `field` in `file` (YAML, Markdown front matter or
    /// JSON); a path the file lacks falls back to its nearest parent.
    fn locate(&mut self, file: &Path, field: &str) -> Option<(usize, usize)> {
        let root = self.root;
        let text = self
            .texts
            .entry(file.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(root.join(file)).unwrap_or_default());
        match file.extension().and_then(|e| e.to_str()) {
            Some("json") => crate::locate::locate_json(text, field),
            Some("md") => {
                let yaml = crate::load::split_front_matter(text).map_or("", |(y, _)| y);
                crate::locate::locate(yaml, field).map(|(l, c)| (l + 1, c))
            }
            _ => crate::locate::locate(text, field),
        }
    }

    /// The text of `file` (read once; empty when unreadable).
    fn source(&mut self, file: &Path) -> String {
        let root = self.root;
        self.texts
            .entry(file.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(root.join(file)).unwrap_or_default())
            .clone()
    }

    fn push(
        &mut self,
        severity: Severity,
        file: &Path,
        field: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let at = self.locate(file, field);
        let mut d = match severity {
            Severity::Error => Diagnostic::new(file, message),
            Severity::Warning => Diagnostic::warning(file, message),
        }
        .at(at.map(|a| a.0), at.map(|a| a.1));
        if !field.is_empty() {
            d = d.field(field);
        }
        let hint = hint.into();
        if !hint.is_empty() {
            d = d.hint(hint);
        }
        self.diags.push(d);
    }

    /// An error at `field` of `file`.
    pub(crate) fn error(
        &mut self,
        file: &Path,
        field: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Severity::Error, file, field, message, hint);
    }

    /// A warning at `field` of `file`.
    pub(crate) fn warning(
        &mut self,
        file: &Path,
        field: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Severity::Warning, file, field, message, hint);
    }

    /// Runs an identifier check on an optional value.
    pub(crate) fn ident(
        &mut self,
        file: &Path,
        field: &str,
        value: Option<&str>,
        check: fn(&str) -> identifiers::Check,
    ) {
        if let Some(Err((message, hint))) = value.map(check) {
            self.error(file, field, message, hint);
        }
    }

    pub(crate) fn schema_version(&mut self, file: &Path, found: &str) {
        if found != SCHEMA_VERSION {
            self.error(
                file,
                "schema_version",
                format!("schema_version `{found}` is not supported"),
                format!("this generator reads version \"{SCHEMA_VERSION}\" of the content format: write schema_version: \"{SCHEMA_VERSION}\""),
            );
        }
    }

    fn systems(&mut self, portal: &Portal) {
        let file = Path::new("data/systems.yaml");
        if let Some(v) = &portal.systems_schema_version {
            self.schema_version(file, v);
        }
        let mut seen = BTreeSet::new();
        let evaluated: BTreeSet<&str> = portal
            .leaderboards
            .iter()
            .filter(|lb| {
                portal
                    .tasks
                    .iter()
                    .any(|b| b.task.id == lb.task && b.task.status.has_leaderboard())
            })
            .flat_map(|lb| &lb.entries)
            .map(|e| e.system.as_str())
            .collect();
        for (i, s) in portal.systems.iter().enumerate() {
            let at = |f: &str| format!("systems[{i}].{f}");
            if !seen.insert(s.id.as_str()) {
                self.error(
                    file,
                    &at("id"),
                    format!("the system id `{}` appears twice", s.id),
                    "every system needs its own id",
                );
            }
            self.ident(
                file,
                &at("license"),
                s.license.as_deref(),
                identifiers::license,
            );
            self.ident(
                file,
                &at("code_url"),
                s.code_url.as_deref(),
                identifiers::url,
            );
            self.ident(
                file,
                &at("model_card_url"),
                s.model_card_url.as_deref(),
                identifiers::url,
            );
            if let Some(o) = &s.organization {
                self.ident(
                    file,
                    &at("organization.ror"),
                    o.ror.as_deref(),
                    identifiers::ror,
                );
            }
            if !evaluated.contains(s.id.as_str()) && portal.unreadable.is_empty() {
                self.warning(
                    file,
                    &at("id"),
                    format!(
                        "the system `{}` is not evaluated on any published leaderboard",
                        s.id
                    ),
                    "it gets a page but no results: add its results or remove it from data/systems.yaml",
                );
            }
        }
    }

    fn reports(&mut self, portal: &Portal) {
        for r in &portal.reports {
            let p = &r.meta.period;
            if p.start > p.end {
                self.error(
                    &PathBuf::from("content/reports").join(format!("{}.md", r.id)),
                    "period",
                    format!("the period starts ({}) after it ends ({})", p.start, p.end),
                    "swap start and end",
                );
            }
        }
    }

    fn pages(&mut self, portal: &Portal) {
        for p in &portal.pages {
            if RESERVED_PAGE_IDS.contains(&p.id.as_str()) {
                self.error(
                    &PathBuf::from("content/pages").join(format!("{}.md", p.id)),
                    "title",
                    format!("the page id `{}` is a URL the portal uses itself", p.id),
                    format!(
                        "rename the file: these names are taken: {}",
                        RESERVED_PAGE_IDS.join(", ")
                    ),
                );
            }
        }
    }
}

impl Validator<'_> {
    /// Raw HTML in the Markdown of reports, news and pages.
    fn markdown_docs(&mut self, portal: &Portal) {
        let docs = (portal.reports.iter().map(|d| ("reports", &d.id, &d.body)))
            .chain(portal.news.iter().map(|d| ("news", &d.id, &d.body)))
            .chain(portal.pages.iter().map(|d| ("pages", &d.id, &d.body)));
        for (folder, id, body) in docs {
            let file = PathBuf::from("content")
                .join(folder)
                .join(format!("{}.md", id.as_str()));
            text::markdown_body(self, &file, body);
        }
    }
}

/// The folder of a task, relative to the portal root.
pub(crate) fn task_dir(t: &Task) -> PathBuf {
    PathBuf::from("content/tasks").join(t.id.as_str())
}

/// Mean of `values`; `None` for none.
pub(crate) fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}
