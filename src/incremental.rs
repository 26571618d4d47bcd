//! Incremental rebuilds for `medal serve`: keep the last good build in memory and, on a change,
//! redo only what depends on the changed files.
//!
//! - **Load**: [`load::Memo`] reuses the parse results (and diagnostics) of every task folder
//!   and file below which nothing changed; only changed files are read again.
//! - **Validate** runs over the whole portal (it is fast and its rules cross files).
//! - **Compute**: a task whose task.yaml and leaderboard did not change keeps its ranking and
//!   uncertainty analysis; the consensus and the figures are recomputed.
//! - **Render**: the own pages of a task (task, data card, analysis) are built only for the
//!   tasks that changed; every other page's context is rebuilt and the page re-rendered only
//!   when its context, its template (or one that template uses) or the site globals differ
//!   from the last build. A change to medal.toml, systems.yaml or a template used by task
//!   pages re-renders every task. When unsure, everything is rebuilt.
//! - **Links**: only changed pages are scanned again; when no page appeared, vanished or lost
//!   an anchor, only the links of changed pages are checked, otherwise all of them.
//!
//! A failed rebuild (a content error, a broken link) leaves the last good site in place and
//! keeps the pending changes, so the next rebuild after the fix covers them too.
//!
//! `medal serve` defers ([`Incremental::defer_extras`]): a rebuild makes pages only, and
//! [`Incremental::finish`] the downloads, feeds and link check after they are served. When
//! only task text changed (no ranking input, template or folder), the rebuild is *quick*: it
//! plans and renders the edited tasks' own pages alone, from the last computation, and
//! `finish` then runs the whole rebuild of the same changes, which brings every other page up
//! to date (and those own pages too, should the new computation differ).

use crate::BuildOptions;
use crate::compute::{self, Computed};
use crate::error::{Diagnostic, Error, Result};
use crate::links;
use crate::load::{self, Memo};
use crate::output::{OutFile, PageLinks, same_bytes};
use crate::render::{self, RenderOptions};
use crate::theme::Theme;
use crate::timings::{Progress, Timings};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The built site: output path → bytes.
pub type Files = BTreeMap<String, Arc<[u8]>>;

/// The last good build.
struct State {
    config: Value,
    /// The inputs of the files made after the pages ([`Incremental::finish`]).
    settings: crate::config::Config,
    portal: Arc<crate::model::Portal>,
    /// Output path → the template and content files of the page there (for link errors).
    sources: HashMap<String, crate::output::PageSource>,
    /// Pages changed or removed by a rebuild whose downloads and link check are still to do.
    unchecked: Option<(Vec<String>, Vec<String>)>,
    theme: Theme,
    computed: Arc<Computed>,
    globals: Value,
    /// Output path → (template, context) of the page rendered there.
    jobs: HashMap<String, (&'static str, Arc<Value>)>,
    files: Arc<Files>,
    scans: HashMap<String, Arc<PageLinks>>,
    /// Task id → what its ranking depends on in task.yaml (status and evaluation).
    fingerprints: HashMap<String, String>,
}

/// What changed since the last good build.
#[derive(Debug, Default, Clone)]
struct Pending {
    /// Rebuild everything (first build, medal.toml, an unknown path).
    all: bool,
    /// Re-render the own pages of every task (systems.yaml, a task folder added or removed).
    all_tasks: bool,
    /// Task ids whose task folder or leaderboard changed.
    tasks: BTreeSet<String>,
    /// Task ids whose leaderboard changed.
    leaderboards: BTreeSet<String>,
}

/// The result of one (re)build.
#[derive(Debug, Clone)]
pub struct Update {
    pub files: Arc<Files>,
    /// Output paths written or changed by this build.
    pub changed: Vec<String>,
    /// Output paths gone since the last build.
    pub removed: Vec<String>,
    /// Pages rendered (the others were reused).
    pub rendered: usize,
    /// Files read from the portal (the others were reused).
    pub reads: usize,
    pub warnings: Vec<Diagnostic>,
    /// Problems found by [`Incremental::finish`] (a rebuild reports them as its error):
    /// broken links, or after a quick pass the content's problems that only the rest of
    /// the site showed (see `links`).
    pub errors: Vec<Diagnostic>,
    /// Whether `errors` are broken links (the downloads-and-links step of `finish`).
    pub links: bool,
    pub timings: Timings,
}

/// A site kept in memory between builds.
pub struct Incremental {
    opts: BuildOptions,
    memo: Memo,
    state: Option<State>,
    pending: Pending,
    limits: Option<String>,
    /// The search index predates a page change; [`Incremental::reindex`] rebuilds it.
    search_stale: bool,
    language: String,
    /// Serve a rebuild's pages before making the downloads and checking links
    /// ([`Incremental::finish`]).
    defer: bool,
    /// The last link check failed: the next one checks every page.
    links_failed: bool,
    /// The changes a quick rebuild served only the own pages of (see [`Incremental::finish`]).
    rest: Option<Pending>,
    /// The search index of the last [`SearchJob`], for the next one to update.
    live: Option<crate::search::Live>,
    /// Each task's own problems at the last validation.
    validated: Arc<crate::validate::Memo>,
}

impl Incremental {
    /// `opts.root` should be absolute and canonical, as the watcher reports paths under it.
    pub fn new(opts: BuildOptions) -> Incremental {
        Incremental {
            opts,
            memo: Memo::new(),
            state: None,
            pending: Pending {
                all: true,
                ..Pending::default()
            },
            limits: None,
            search_stale: true,
            language: String::new(),
            defer: false,
            links_failed: false,
            rest: None,
            live: None,
            validated: Arc::default(),
        }
    }

    /// Rebuilds make the pages only, and [`Incremental::finish`] the rest: the downloads,
    /// feeds and theme files, and the link check. `medal serve` serves an edit's pages in
    /// between. The first build always makes everything.
    pub fn defer_extras(&mut self, on: bool) {
        self.defer = on;
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    /// Every page of the last rebuild is up to date (no quick pass awaits its
    /// [`Incremental::finish`]); the downloads may still be pending.
    pub fn pages_current(&self) -> bool {
        self.rest.is_none()
    }

    /// Notes changed files or folders (absolute paths under the root).
    pub fn changed(&mut self, paths: &[PathBuf]) {
        for p in paths {
            self.classify(p);
        }
    }

    fn classify(&mut self, path: &Path) {
        let Ok(rel) = path.strip_prefix(&self.opts.root) else {
            self.pending.all = true;
            return;
        };
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        if matches!(parts.as_slice(), ["content" | "data", ..]) {
            self.memo.changed(path.to_path_buf());
        }
        match parts.as_slice() {
            ["medal.toml"] => self.pending.all = true,
            // Compared file by file at the next build (the portal's static/ joins the theme's).
            ["themes" | "static", ..] => {}
            ["content", "tasks", id, _, ..] => {
                self.pending.tasks.insert(id.to_string());
            }
            ["data", "leaderboards", file] => {
                let id = file.strip_suffix(".json").unwrap_or(file);
                self.pending.tasks.insert(id.to_string());
                self.pending.leaderboards.insert(id.to_string());
            }
            ["content", "news" | "reports" | "pages", _] => {} // their pages are always planned
            ["data", "systems.yaml"] => self.pending.all_tasks = true,
            // Only the statement page shows it, and that page is always planned.
            ["data", "accessibility.yaml"] => {}
            // A task folder itself (added, removed, renamed), or something unexpected.
            ["content", "tasks", _] => self.pending.all_tasks = true,
            _ => self.pending.all = true,
        }
    }

    /// Rebuilds what the noted changes affect. On error the last good site stays, and the
    /// changes stay pending.
    pub fn rebuild(&mut self, progress: &dyn Progress) -> Result<Update> {
        self.rebuild_pass(progress, false)
    }

    /// [`Incremental::rebuild`]; `finishing`: the pass [`Incremental::finish`] makes after a
    /// quick one, which brings every page up to date and defers the downloads of both.
    fn rebuild_pass(&mut self, progress: &dyn Progress, finishing: bool) -> Result<Update> {
        crate::check_root(&self.opts.root)?;
        let mut t = Timings::default();
        let root = self.opts.root.clone();
        let mut config = crate::build_config(&self.opts)?;
        // A preview is read locally: minifying the large listing pages would double the time
        // from save to reload. `medal build` output is minified as configured.
        config.build.minify = false;
        let config_value = serde_json::to_value(&config).unwrap_or(Value::Null);
        let limits = format!("{:?}", config.limits());
        if self.limits.as_ref() != Some(&limits) {
            self.memo.clear();
            self.pending.all = true;
        }
        let full = self.pending.all || self.state.as_ref().is_none_or(|s| s.config != config_value);

        let (portal, diags) = t.phase("load", progress, || {
            load::load_partial_memo(&root, &config.limits(), &mut self.memo)
        })?;
        let reads = self.memo.reads;
        self.limits = Some(limits);
        let portal = Arc::new(portal);

        let previous = self.state.as_ref().filter(|_| !full);
        // A ranking depends on the leaderboard and, in task.yaml, on the status and the
        // evaluation section only: a text edit keeps it.
        let fingerprints: HashMap<String, String> = portal
            .tasks
            .iter()
            .map(|b| {
                let f = serde_json::to_string(&(&b.task.status, &b.task.evaluation))
                    .unwrap_or_default();
                (b.task.id.to_string(), f)
            })
            .collect();
        let theme = t.phase("theme", progress, || Theme::load(&root, &config.theme))?;
        let touched = match previous {
            Some(prev) => changed_templates(&prev.theme, &theme),
            None => theme.templates.keys().cloned().collect(),
        };
        // Downloads wait only when there is a site to keep them from (not at the first build,
        // not after a failed one that may have left them unmade; after a quick pass they are
        // still to be made, and the next `finish` makes those of both passes).
        let deferring = self.defer
            && !full
            && self
                .state
                .as_ref()
                .is_some_and(|s| s.unchecked.is_none() || finishing);
        let pending = &self.pending;
        // Quick: only task text changed (no ranking input, template or task folder added or
        // removed). The edited tasks' own pages are served from the last computation, and
        // `finish` brings every other page (and those, should they differ) up to date.
        let quick = deferring
            && !finishing
            && touched.is_empty()
            && !pending.all_tasks
            && pending.leaderboards.is_empty()
            && !pending.tasks.is_empty()
            && previous.is_some_and(|prev| {
                pending.tasks.iter().all(|id| {
                    prev.fingerprints.contains_key(id)
                        && prev.fingerprints.get(id) == fingerprints.get(id)
                })
            });
        // A quick pass validates on a thread of its own while it renders (it recomputes
        // nothing, and the fields a ranking reads are as last validated); its result is
        // awaited before anything is kept or served. Otherwise validation comes first.
        let mut checked_now = None;
        let mut validating = None;
        if quick {
            let (root, portal, memo) = (root.clone(), portal.clone(), self.validated.clone());
            validating = Some(std::thread::spawn(move || {
                let started = Instant::now();
                let r = crate::checked_with(&root, &portal, diags, Some(&memo));
                (r, started.elapsed())
            }));
        } else {
            checked_now = Some(t.phase("validate", progress, || {
                crate::checked_with(&root, &portal, diags, Some(&self.validated))
            })?);
        }
        let cache = (!self.opts.no_cache)
            .then(|| compute::RankingCache::new(root.join(&config.build.cache_dir)));
        let reused = previous.filter(|_| quick).map(|p| p.computed.clone());
        let computed = match reused {
            Some(c) => c,
            None => Arc::new(t.phase("compute", progress, || {
                let reuse = |id: &str| {
                    let prev = previous?;
                    if pending.leaderboards.contains(id)
                        || (pending.tasks.contains(id)
                            && prev.fingerprints.get(id) != fingerprints.get(id))
                    {
                        return None;
                    }
                    let r = prev.computed.rankings.get(id)?.clone();
                    Some((r, prev.computed.uncertainty.get(id).cloned()))
                };
                compute::compute_with(
                    &portal,
                    &compute::Inputs {
                        cache: cache.as_ref(),
                        reuse: Some(&reuse),
                        previous: previous.map(|p| &p.computed.consensus),
                    },
                )
            })),
        };

        let task_templates = ["task.html", "datacard.html", "analysis.html"];
        let all_tasks =
            full || self.pending.all_tasks || task_templates.iter().any(|n| touched.contains(*n));
        let plan_for = |only: Option<BTreeSet<String>>, quick: bool| {
            render::plan(
                &portal,
                &computed,
                &config,
                &theme,
                &RenderOptions {
                    drafts: self.opts.drafts,
                    only_tasks: only,
                    defer_tasks: false,
                    defer_extras: deferring,
                    tasks_only: quick,
                },
            )
        };
        let mut plan = t
            .phase("plan", progress, || {
                plan_for((!all_tasks).then(|| self.pending.tasks.clone()), quick)
            })
            .map_err(|e| content_first(e, &mut validating))?;
        let mut previous = previous;
        // The plan holds only the edited tasks' own pages; the others stay as they are.
        let mut partial = quick;
        if let Some(prev) = previous
            && (prev.globals != plan.globals
                || plan
                    .jobs
                    .iter()
                    .any(|j| !j.built && !prev.jobs.contains_key(&j.path())))
        {
            // The site globals changed (a page's menu entry, say), or a page we would keep
            // was never built: everything again.
            previous = None;
            partial = false;
            plan = t
                .phase("plan", progress, || plan_for(None, false))
                .map_err(|e| content_first(e, &mut validating))?;
        }

        // Render what changed.
        let started = Instant::now();
        let todo: Vec<usize> = plan
            .jobs
            .iter()
            .enumerate()
            .filter(|(_, j)| j.built)
            .filter(|(_, j)| match previous {
                None => true,
                Some(prev) => {
                    touched.contains(j.template)
                        || prev
                            .jobs
                            .get(&j.path())
                            .is_none_or(|(tpl, ctx)| *tpl != j.template || **ctx != j.ctx)
                }
            })
            .map(|(i, _)| i)
            .collect();
        progress.start("render", Some(todo.len() as u64));
        let rendered: Vec<OutFile> = todo
            .par_iter()
            .map(|&i| {
                let f = plan.render_job(&plan.jobs[i]);
                progress.advance(1);
                f
            })
            .collect::<Result<_>>()
            .map_err(|e| content_first(e, &mut validating))?;
        t.record("render", started.elapsed(), Some(todo.len()), progress);

        // Assemble the site: rendered pages, kept pages, then the other files.
        let assembling = Instant::now();
        let mut pages: Vec<OutFile> = Vec::with_capacity(plan.jobs.len());
        let mut new_files: Files = match (partial, &self.state) {
            (true, Some(state)) => (*state.files).clone(),
            _ => BTreeMap::new(),
        };
        let n_rendered = rendered.len();
        pages.extend(rendered);
        for f in render::finish(pages, std::iter::empty()) {
            new_files.insert(f.path, Arc::from(f.bytes));
        }
        if let Some(prev) = previous {
            for j in &plan.jobs {
                let path = j.path();
                if !new_files.contains_key(&path)
                    && let Some(b) = prev.files.get(&path)
                {
                    new_files.insert(path, b.clone());
                }
            }
        }
        for f in &plan.extras {
            new_files
                .entry(f.path.clone())
                .or_insert_with(|| Arc::from(f.bytes.as_slice()));
        }
        if deferring && let Some(state) = &self.state {
            // The last downloads stay until `finish` makes them again.
            for (p, b) in state.files.iter() {
                if !state.jobs.contains_key(p) && !p.starts_with(SEARCH_DIR) {
                    new_files.entry(p.clone()).or_insert_with(|| b.clone());
                }
            }
        }
        // The last search index stays until `reindex` replaces it.
        if let Some(state) = &self.state {
            for (p, b) in state.files.range(SEARCH_DIR.to_string()..) {
                if !p.starts_with(SEARCH_DIR) {
                    break;
                }
                new_files.entry(p.clone()).or_insert_with(|| b.clone());
            }
        }

        let empty = Files::new();
        let old_files = self.state.as_ref().map_or(&empty, |s| &*s.files);
        let changed: Vec<String> = new_files
            .iter()
            .filter(|(p, b)| !same_bytes(old_files.get(*p), b))
            .map(|(p, _)| p.clone())
            .collect();
        let removed: Vec<String> = old_files
            .keys()
            .filter(|p| !new_files.contains_key(*p))
            .cloned()
            .collect();

        t.record("assemble", assembling.elapsed(), None, progress);
        let warnings = match (checked_now, validating) {
            (Some(w), _) => w,
            (None, Some(h)) => {
                let (r, took) = h
                    .join()
                    .map_err(|_| Error::Output("validation stopped".into()))?;
                t.record("validate", took, None, progress);
                r?
            }
            (None, None) => Vec::new(),
        };

        let mut sources = plan.page_sources();
        let mut scans = self
            .state
            .as_ref()
            .map(|s| s.scans.clone())
            .unwrap_or_default();
        let unchecked = if deferring {
            let (mut c, mut r) = self
                .state
                .as_ref()
                .and_then(|s| s.unchecked.clone())
                .unwrap_or_default();
            c.extend(changed.iter().filter(|p| p.ends_with(".html")).cloned());
            r.extend(removed.iter().cloned());
            Some((c, r))
        } else {
            let started = Instant::now();
            // A page a deferred rebuild left unchecked may be among the unchanged ones now.
            let all =
                self.links_failed || self.state.as_ref().is_none_or(|s| s.unchecked.is_some());
            let broken = check_links(
                &config.base_url,
                &mut scans,
                &new_files,
                &changed,
                &removed,
                all,
            );
            t.record("links", started.elapsed(), Some(scans.len()), progress);
            if !broken.is_empty() {
                self.links_failed = true;
                return Err(Error::Content(link_errors(
                    &broken, &sources, &root, &config, &theme,
                )));
            }
            self.links_failed = false;
            None
        };

        let mut jobs: HashMap<String, (&'static str, Arc<Value>)> = match (partial, &self.state) {
            (true, Some(state)) => {
                let new = std::mem::take(&mut sources);
                sources = state.sources.clone();
                sources.extend(new);
                state.jobs.clone()
            }
            _ => HashMap::new(),
        };
        jobs.extend(plan.jobs.into_iter().filter_map(|j| {
            let path = j.path();
            if j.built {
                Some((path, (j.template, Arc::new(j.ctx))))
            } else {
                let kept = self.state.as_ref()?.jobs.get(&path)?.clone();
                Some((path, kept))
            }
        }));
        let files = Arc::new(new_files);
        self.state = Some(State {
            config: config_value,
            settings: config.clone(),
            portal,
            sources,
            unchecked,
            theme,
            computed,
            globals: plan.globals,
            jobs,
            files: files.clone(),
            scans,
            fingerprints,
        });
        // What the quick pass left to `finish`: the same changes, over the whole site.
        self.rest = quick.then(|| self.pending.clone());
        self.pending = Pending::default();
        self.search_stale |= changed.iter().any(|p| p.ends_with(".html"));
        self.language = config.search_languages();
        Ok(Update {
            files,
            changed,
            removed,
            rendered: n_rendered,
            reads,
            warnings,
            errors: Vec::new(),
            links: false,
            timings: t,
        })
    }
}

/// A validation still running on its thread.
type Validating = std::thread::JoinHandle<(Result<Vec<Diagnostic>>, std::time::Duration)>;

/// The error to report when rendering failed during a quick pass's validation: the content's
/// problems, when it has any (a template error is then only their consequence), else `e`.
fn content_first(e: Error, validating: &mut Option<Validating>) -> Error {
    match validating.take().map(|h| h.join()) {
        Some(Ok((Err(content), _))) => content,
        _ => e,
    }
}

/// Checks the links of the pages in `changed` (every page when `all`, a page removed or an
/// anchor lost), keeping `scans` current. Returns the broken links.
fn check_links(
    base_url: &str,
    scans: &mut HashMap<String, Arc<PageLinks>>,
    files: &Files,
    changed: &[String],
    removed: &[String],
    all: bool,
) -> Vec<links::BrokenLink> {
    for p in removed {
        scans.remove(p);
    }
    let fresh: HashMap<String, Arc<PageLinks>> = changed
        .par_iter()
        .filter(|p| p.ends_with(".html"))
        .filter_map(|p| {
            let b = files.get(p)?;
            Some((
                p.clone(),
                Arc::new(links::scan(&String::from_utf8_lossy(b))),
            ))
        })
        .collect();
    let lost_anchor = fresh.iter().any(|(p, s)| {
        scans
            .get(p)
            .is_none_or(|old| !old.anchors.is_subset(&s.anchors))
    });
    let only: HashSet<String> = fresh.keys().cloned().collect();
    scans.extend(fresh);
    let paths: HashSet<&str> = files.keys().map(String::as_str).collect();
    let all = all || !removed.is_empty() || lost_anchor;
    links::check_scanned(scans, &paths, base_url, (!all).then_some(&only)).broken
}

impl Incremental {
    /// Makes what a deferred rebuild left (see [`Incremental::defer_extras`]), one step per
    /// call, until it returns `None`: after a quick pass, every other page the edit changed
    /// (the search index can start from these); then the downloads, feeds and theme files,
    /// and the link check over the pages changed since the last one. Broken links are in
    /// [`Update::errors`]; the files are the site to serve either way (its pages are already
    /// served).
    pub fn finish(&mut self, progress: &dyn Progress) -> Result<Option<Update>> {
        if let Some(rest) = self.rest.take() {
            // After a quick pass: the whole rebuild of the same changes, its downloads and
            // links left to the next call.
            self.pending.all |= rest.all;
            self.pending.all_tasks |= rest.all_tasks;
            self.pending.tasks.extend(rest.tasks);
            self.pending.leaderboards.extend(rest.leaderboards);
            let result = self.rebuild_pass(progress, true);
            return match result {
                Ok(u) => Ok(Some(u)),
                // The edited pages are served; the overlay shows why the rest is not.
                Err(Error::Content(diags)) => {
                    let files = self
                        .state
                        .as_ref()
                        .map(|s| s.files.clone())
                        .unwrap_or_default();
                    Ok(Some(Update {
                        files,
                        changed: Vec::new(),
                        removed: Vec::new(),
                        rendered: 0,
                        reads: 0,
                        warnings: Vec::new(),
                        errors: diags.into_iter().filter(Diagnostic::is_error).collect(),
                        links: false,
                        timings: Timings::default(),
                    }))
                }
                Err(e) => Err(e),
            };
        }
        let Some((pages_changed, pages_removed)) =
            self.state.as_mut().and_then(|s| s.unchecked.take())
        else {
            return Ok(None);
        };
        let mut t = Timings::default();
        let opts = RenderOptions {
            drafts: self.opts.drafts,
            ..RenderOptions::default()
        };
        let Some(state) = self.state.as_ref() else {
            return Ok(None);
        };
        let extras = t.phase("downloads", progress, || {
            render::extra_files(
                &state.portal,
                &state.computed,
                &state.settings,
                &state.theme,
                &opts,
            )
        })?;
        let mut files: Files = state
            .files
            .iter()
            .filter(|(p, _)| state.jobs.contains_key(*p) || p.starts_with(SEARCH_DIR))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        for f in extras {
            files
                .entry(f.path)
                .or_insert_with(|| Arc::from(f.bytes.into_boxed_slice()));
        }
        let changed: Vec<String> = files
            .iter()
            .filter(|(p, b)| !same_bytes(state.files.get(*p), b))
            .map(|(p, _)| p.clone())
            .collect();
        let removed: Vec<String> = state
            .files
            .keys()
            .filter(|p| !files.contains_key(*p))
            .cloned()
            .collect();

        let started = Instant::now();
        let mut scans = state.scans.clone();
        let check: Vec<String> = pages_changed.into_iter().chain(changed.clone()).collect();
        let gone: Vec<String> = pages_removed.into_iter().chain(removed.clone()).collect();
        let broken = check_links(
            &state.settings.base_url,
            &mut scans,
            &files,
            &check,
            &gone,
            self.links_failed,
        );
        t.record("links", started.elapsed(), Some(scans.len()), progress);
        let errors = match broken.is_empty() {
            true => Vec::new(),
            false => link_errors(
                &broken,
                &state.sources,
                &self.opts.root,
                &state.settings,
                &state.theme,
            ),
        };
        self.links_failed = !errors.is_empty();
        let files = Arc::new(files);
        if let Some(state) = self.state.as_mut() {
            state.files = files.clone();
            state.scans = scans;
        }
        Ok(Some(Update {
            files,
            changed,
            removed,
            rendered: 0,
            reads: 0,
            warnings: Vec::new(),
            errors,
            links: true,
            timings: t,
        }))
    }
}

/// Broken links as diagnostics at the source line that wrote them.
fn link_errors(
    broken: &[links::BrokenLink],
    sources: &HashMap<String, crate::output::PageSource>,
    root: &Path,
    config: &crate::config::Config,
    theme: &Theme,
) -> Vec<Diagnostic> {
    let prefixes = config.other_prefixes();
    let origins = links::Origins {
        pages: sources,
        root,
        templates: &theme.templates,
        theme: &config.theme,
        base_url: &config.base_url,
        prefixes: &prefixes,
    };
    links::diagnostics(broken, &origins)
}

/// Where [`crate::search`] writes its bundle.
const SEARCH_DIR: &str = "pagefind/";

/// A search index to build from a snapshot of the site, off the rebuild path (seconds at
/// thousands of pages): `medal serve` runs it on a thread of its own so edits keep flowing.
/// It updates the index of the last job ([`crate::search::Live`]): only changed pages are
/// indexed again.
pub struct SearchJob {
    files: Arc<Files>,
    language: String,
    live: Option<crate::search::Live>,
}

/// A finished [`SearchJob`], for [`Incremental::apply_search`].
pub struct SearchDone {
    bundle: Vec<OutFile>,
    live: crate::search::Live,
}

impl SearchJob {
    /// The bundle under `pagefind/` for the snapshot.
    pub fn run(self) -> Result<SearchDone> {
        let (bundle, live) =
            crate::search::Live::update(self.live, self.files.iter(), &self.language)?;
        Ok(SearchDone { bundle, live })
    }
}

impl Incremental {
    /// The interface strings starting with `prefix` of the last good build, per language code
    /// (empty before one): the server's own messages speak the page's language too.
    pub fn strings(&self, prefix: &str) -> BTreeMap<String, BTreeMap<String, String>> {
        let Some(Value::Array(globals)) = self.state.as_ref().map(|s| &s.globals) else {
            return BTreeMap::new();
        };
        globals
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let code = g["site"]["languages"][i]["code"].as_str()?;
                let tr = g["tr"].as_object()?;
                let strings = tr
                    .iter()
                    .filter(|(k, _)| k.starts_with(prefix))
                    .filter_map(|(k, v)| {
                        Some((k[prefix.len()..].to_string(), v.as_str()?.to_string()))
                    })
                    .collect();
                Some((code.to_string(), strings))
            })
            .collect()
    }

    /// The search index job when a page changed since the index was built, else `None`.
    pub fn search_job(&mut self) -> Option<SearchJob> {
        let state = self.state.as_ref().filter(|_| self.search_stale)?;
        self.search_stale = false;
        Some(SearchJob {
            files: state.files.clone(),
            language: self.language.clone(),
            live: self.live.take(),
        })
    }

    /// Puts a finished search bundle into the current site (which may be newer than the job's
    /// snapshot: the index then lags one edit behind until the next job) and returns it.
    pub fn apply_search(&mut self, done: SearchDone) -> Option<Arc<Files>> {
        let SearchDone { bundle, live } = done;
        self.live = Some(live);
        let state = self.state.as_mut()?;
        let mut files: Files = state
            .files
            .iter()
            .filter(|(p, _)| !p.starts_with(SEARCH_DIR))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        for f in bundle {
            files.insert(f.path, Arc::from(f.bytes));
        }
        state.files = Arc::new(files);
        Some(state.files.clone())
    }

    /// [`Incremental::search_job`] and [`Incremental::apply_search`] in one go.
    pub fn reindex(&mut self) -> Result<Option<Arc<Files>>> {
        match self.search_job() {
            None => Ok(None),
            Some(job) => Ok(self.apply_search(job.run()?)),
        }
    }
}

/// Templates whose text changed, were added or removed, and every template that uses one of
/// them (by name in `extends`, `include` or `import`; a mention of the quoted name counts,
/// which may rebuild more than needed but never less).
fn changed_templates(old: &Theme, new: &Theme) -> HashSet<String> {
    let mut touched: HashSet<String> = new
        .templates
        .iter()
        .filter(|(k, v)| old.templates.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .chain(
            old.templates
                .keys()
                .filter(|k| !new.templates.contains_key(*k))
                .cloned(),
        )
        .collect();
    loop {
        let more: Vec<String> = new
            .templates
            .iter()
            .filter(|(k, _)| !touched.contains(*k))
            .filter(|(_, text)| {
                touched
                    .iter()
                    .any(|t| text.contains(&format!("\"{t}\"")) || text.contains(&format!("'{t}'")))
            })
            .map(|(k, _)| k.clone())
            .collect();
        if more.is_empty() {
            return touched;
        }
        touched.extend(more);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(t: &[(&str, &str)]) -> Theme {
        Theme {
            templates: t
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            statics: BTreeMap::new(),
            catalogs: BTreeMap::new(),
        }
    }

    #[test]
    fn a_template_change_reaches_the_templates_using_it() {
        let old = theme(&[
            ("base.html", "a"),
            ("macros.html", "m"),
            ("task.html", r#"{% extends "base.html" %}"#),
            ("news.html", r#"{% import "macros.html" as m %}"#),
        ]);
        let mut new = old.clone();
        new.templates.insert("base.html".into(), "b".into());
        let t = changed_templates(&old, &new);
        assert!(t.contains("base.html") && t.contains("task.html"));
        assert!(!t.contains("news.html"));
        assert!(changed_templates(&old, &old).is_empty());
    }
}
