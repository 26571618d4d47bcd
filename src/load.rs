//! Stage 1: read a portal root into the domain types of [`crate::model`].
//!
//! Every file is read and parsed even after an error, so one run reports every broken file.
//! Parse errors carry the file, line, column and field path.

use crate::error::{Diagnostic, Error, Result};
use crate::hostile::Limits;
use crate::model::*;
use rayon::prelude::*;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Reads the whole portal under `root`. Content problems come back together as
/// [`Error::Content`]; I/O problems that stop reading altogether as [`Error::Io`].
pub fn load(root: &Path) -> Result<Portal> {
    load_with(root, &Limits::default())
}

/// [`load`] with the limits of `[check]` in medal.toml.
pub fn load_with(root: &Path, limits: &Limits) -> Result<Portal> {
    let (portal, mut diags) = load_partial(root, limits)?;
    if diags.is_empty() {
        Ok(portal)
    } else {
        diags.sort();
        Err(Error::Content(diags))
    }
}

/// Everything that loaded, with the problems of what did not. `Portal::unreadable` names the
/// files that failed, so that validation can check the rest without cascading errors.
pub fn load_partial(root: &Path, limits: &Limits) -> Result<(Portal, Vec<Diagnostic>)> {
    load_partial_memo(root, limits, &mut Memo::disabled())
}

/// The results of loading each task folder and file, kept between loads by `medal serve` so
/// that a rebuild re-reads only what changed. A result is reused until a path at or above
/// its file (or folder) is marked changed.
#[derive(Default)]
pub struct Memo {
    enabled: bool,
    entries: HashMap<PathBuf, Entry>,
    changed: Vec<PathBuf>,
    /// Keys used by the last load: the others (deleted files) are dropped after it.
    used: HashSet<PathBuf>,
    /// Files read (not reused) by the last load.
    pub reads: usize,
}

/// One file or folder loaded afresh: its value, diagnostics and unreadable marks.
type Loaded<T> = (Result<T>, Vec<Diagnostic>, Unreadable);

/// A result of [`Memo::get_all`]: kept from the memo, or loaded afresh.
enum Got<T> {
    Kept(T),
    Loaded(Loaded<T>),
}

struct Entry {
    value: Box<dyn Any + Send + Sync>,
    diags: Vec<Diagnostic>,
    unreadable: Unreadable,
}

impl Memo {
    /// A memo that keeps results between loads.
    pub fn new() -> Memo {
        Memo {
            enabled: true,
            ..Memo::default()
        }
    }

    fn disabled() -> Memo {
        Memo::default()
    }

    /// `path` (a file or folder, absolute as under the root given to the loader) changed.
    pub fn changed(&mut self, path: PathBuf) {
        self.changed.push(path);
    }

    /// Forget everything (the limits of medal.toml changed, say).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.changed.clear();
    }

    fn stale(&self, key: &Path) -> bool {
        self.changed
            .iter()
            .any(|c| key.starts_with(c) || c.starts_with(key))
    }

    /// The result of `f` for `key`, from the memo when nothing under `key` changed. `f` reports
    /// into fresh `diags` and `unreadable`, which are kept with its result and replayed.
    fn get<T: Clone + Send + Sync + 'static>(
        &mut self,
        key: &Path,
        diags: &mut Vec<Diagnostic>,
        unreadable: &mut Unreadable,
        f: impl FnOnce(&mut Vec<Diagnostic>, &mut Unreadable) -> Result<T>,
    ) -> Result<T> {
        if !self.enabled {
            return f(diags, unreadable);
        }
        if let Some(v) = self.lookup(key, diags, unreadable) {
            return Ok(v);
        }
        let mut d = Vec::new();
        let mut u = Unreadable::default();
        let v = f(&mut d, &mut u)?;
        Ok(self.store(key, v, d, u, diags, unreadable))
    }

    /// [`Memo::get`] for many keys: what is not memoized is loaded in parallel, and the
    /// results, diagnostics and unreadable marks are merged in the order of `keys`.
    fn get_all<T: Clone + Send + Sync + 'static>(
        &mut self,
        keys: &[PathBuf],
        diags: &mut Vec<Diagnostic>,
        unreadable: &mut Unreadable,
        f: impl Fn(&Path, &mut Vec<Diagnostic>, &mut Unreadable) -> Result<T> + Sync,
    ) -> Result<Vec<T>> {
        // Fresh results are cloned here, in parallel too: at 1,000 tasks, cloning every
        // bundle one after another was most of a one-file reload.
        let this = &*self;
        let got: Vec<Got<T>> = keys
            .par_iter()
            .map(|k| {
                if let Some(v) = this.fresh::<T>(k) {
                    return Got::Kept(v.clone());
                }
                let mut d = Vec::new();
                let mut u = Unreadable::default();
                let v = f(k, &mut d, &mut u);
                Got::Loaded((v, d, u))
            })
            .collect();
        let mut out = Vec::with_capacity(keys.len());
        for (key, got) in keys.iter().zip(got) {
            let v = match got {
                Got::Kept(v) => {
                    self.replay(key, diags, unreadable);
                    Some(v)
                }
                Got::Loaded((v, d, u)) if self.enabled => {
                    Some(self.store(key, v?, d, u, diags, unreadable))
                }
                Got::Loaded((v, d, u)) => {
                    diags.extend(d);
                    unreadable.merge(&u);
                    Some(v?)
                }
            };
            out.extend(v);
        }
        Ok(out)
    }

    /// A memoized result for `key` that no change has made stale.
    fn fresh<T: 'static>(&self, key: &Path) -> Option<&T> {
        if !self.enabled || self.stale(key) {
            return None;
        }
        self.entries.get(key)?.value.downcast_ref::<T>()
    }

    /// Marks `key` used and replays the diagnostics and marks kept with its result.
    fn replay(&mut self, key: &Path, diags: &mut Vec<Diagnostic>, unreadable: &mut Unreadable) {
        self.used.insert(key.to_path_buf());
        if let Some(e) = self.entries.get(key) {
            diags.extend(e.diags.iter().cloned());
            unreadable.merge(&e.unreadable);
        }
    }

    /// The memoized result for `key`, its diagnostics and marks replayed, if it is fresh.
    fn lookup<T: Clone + 'static>(
        &mut self,
        key: &Path,
        diags: &mut Vec<Diagnostic>,
        unreadable: &mut Unreadable,
    ) -> Option<T> {
        self.used.insert(key.to_path_buf());
        let v = self.fresh::<T>(key)?.clone();
        self.replay(key, diags, unreadable);
        Some(v)
    }

    /// Keeps a result just read, and passes it and its diagnostics on.
    fn store<T: Clone + Send + Sync + 'static>(
        &mut self,
        key: &Path,
        v: T,
        d: Vec<Diagnostic>,
        u: Unreadable,
        diags: &mut Vec<Diagnostic>,
        unreadable: &mut Unreadable,
    ) -> T {
        self.used.insert(key.to_path_buf());
        self.reads += 1;
        diags.extend(d.iter().cloned());
        unreadable.merge(&u);
        self.entries.insert(
            key.to_path_buf(),
            Entry {
                value: Box::new(v.clone()),
                diags: d,
                unreadable: u,
            },
        );
        v
    }

    fn begin(&mut self) {
        self.used.clear();
        self.reads = 0;
    }

    fn end(&mut self) {
        let used = std::mem::take(&mut self.used);
        self.entries.retain(|k, _| used.contains(k));
        self.changed.clear();
    }
}

/// [`load_partial`] reusing, from `memo`, the results of folders and files that did not change.
pub fn load_partial_memo(
    root: &Path,
    limits: &Limits,
    memo: &mut Memo,
) -> Result<(Portal, Vec<Diagnostic>)> {
    memo.begin();
    let mut diags = Vec::new();
    let mut portal = Portal::default();
    let content = root.join("content");
    let data = root.join("data");
    let r = Reader { root, limits };

    let dirs = r.subdirs(&content.join("tasks"), &mut diags)?;
    let bundles = memo.get_all(&dirs, &mut diags, &mut portal.unreadable, |dir, d, u| {
        Ok(load_task_dir(&r, dir, d, u)?.map(std::sync::Arc::new))
    })?;
    portal.tasks.extend(bundles.into_iter().flatten());

    let systems_path = data.join("systems.yaml");
    if systems_path.exists() || systems_path.is_symlink() {
        let systems = memo.get(&systems_path, &mut diags, &mut portal.unreadable, |d, u| {
            let parsed = r
                .read(&systems_path, d)
                .map(|text| parse_yaml::<SystemsFile>(&rel(root, &systems_path), &text, 0));
            Ok(match parsed {
                Some(Ok(f)) => Some((f.systems, f.schema_version)),
                Some(Err(e)) => {
                    d.extend(e);
                    u.systems = true;
                    None
                }
                None => {
                    u.systems = true;
                    None
                }
            })
        })?;
        if let Some((systems, version)) = systems {
            portal.systems = systems;
            portal.systems_schema_version = Some(version);
        }
    }

    let statement_path = data.join("accessibility.yaml");
    if statement_path.exists() || statement_path.is_symlink() {
        portal.accessibility = memo.get(
            &statement_path,
            &mut diags,
            &mut portal.unreadable,
            |d, u| {
                let parsed = r.read(&statement_path, d).map(|text| {
                    parse_yaml::<AccessibilityStatement>(&rel(root, &statement_path), &text, 0)
                });
                Ok(match parsed {
                    Some(Ok(f)) => Some(f),
                    Some(Err(e)) => {
                        d.extend(e);
                        u.accessibility = true;
                        None
                    }
                    None => {
                        u.accessibility = true;
                        None
                    }
                })
            },
        )?;
    }

    let paths = r.files_with_ext(&data.join("leaderboards"), "json", &mut diags)?;
    let lbs = memo.get_all(&paths, &mut diags, &mut portal.unreadable, |path, d, u| {
        Ok(load_leaderboard(&r, path, d, u).map(std::sync::Arc::new))
    })?;
    portal.leaderboards.extend(lbs.into_iter().flatten());
    // File order puts `a-b.json` before `a.json`; lookups by id want id order.
    portal.leaderboards.sort_by(|a, b| a.task.cmp(&b.task));
    portal.tasks.sort_by(|a, b| a.task.id.cmp(&b.task.id));

    portal.reports = load_docs(&r, &content.join("reports"), &mut diags, memo)?;
    portal.news = load_docs(&r, &content.join("news"), &mut diags, memo)?;
    portal.pages = load_docs(&r, &content.join("pages"), &mut diags, memo)?;
    portal.releases = load_releases(&r, &data.join("releases"), &mut diags)?;
    memo.end();
    Ok((portal, diags))
}

/// Every release folder under `data/releases/`, oldest version first. Frozen files are read
/// as they are (their checksums are compared with the manifest by `validate::release`) and
/// parsed loosely; a release whose release.yaml or manifest.json does not load is left out
/// with its diagnostics.
fn load_releases(r: &Reader, dir: &Path, diags: &mut Vec<Diagnostic>) -> Result<Vec<Release>> {
    let mut out = Vec::new();
    for folder in r.subdirs(dir, diags)? {
        let name = folder
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Err(message) = ReleaseVersion::parse(&name) {
            diags.push(
                Diagnostic::new(rel(r.root, &folder), message).hint(
                    "a release folder is named after its version (data/releases/2026.1/) and made by `medal release`",
                ),
            );
            continue;
        }
        if let Some(release) = load_release(r, &folder, diags)? {
            out.push(release);
        }
    }
    out.sort_by(|a, b| a.meta.version.cmp(&b.meta.version));
    Ok(out)
}

fn load_release(r: &Reader, folder: &Path, diags: &mut Vec<Diagnostic>) -> Result<Option<Release>> {
    let shown = rel(r.root, folder);
    let mut files = std::collections::BTreeMap::new();
    for entry in walkdir::WalkDir::new(folder)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(folder).to_path_buf();
            Error::io(path, e.into())
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry.path();
        let name = path
            .strip_prefix(folder)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if let Some(text) = r.read(path, diags) {
            let bytes = text.into_bytes();
            let sum = crate::store::sha256_hex(&bytes);
            files.insert(name, (bytes, sum));
        }
    }
    let text_of = |name: &str| {
        files
            .get(name)
            .map(|(b, _)| String::from_utf8_lossy(b).into_owned())
    };
    let missing = |name: &str| {
        Diagnostic::new(shown.join(name), format!("the release has no {name}"))
            .hint("a release folder is written whole by `medal release`; restore the file from git")
    };
    let Some(meta_text) = text_of("release.yaml") else {
        diags.push(missing("release.yaml"));
        return Ok(None);
    };
    let meta = match parse_yaml::<ReleaseMeta>(&shown.join("release.yaml"), &meta_text, 0) {
        Ok(m) => m,
        Err(d) => {
            diags.extend(d);
            return Ok(None);
        }
    };
    let folder_name = folder
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if meta.version.as_str() != folder_name {
        diags.push(
            Diagnostic::new(
                shown.join("release.yaml"),
                format!(
                    "version: `{}` differs from the folder name `{folder_name}`",
                    meta.version
                ),
            )
            .hint("a release's version is its folder name; releases are immutable, so restore release.yaml from git"),
        );
        return Ok(None);
    }
    let Some(manifest_text) = text_of("manifest.json") else {
        diags.push(missing("manifest.json"));
        return Ok(None);
    };
    let manifest = match parse_json::<Manifest>(&shown.join("manifest.json"), &manifest_text) {
        Ok(m) => m,
        Err(d) => {
            diags.extend(d);
            return Ok(None);
        }
    };
    let yaml = files
        .remove("release.yaml")
        .map(|(b, _)| b)
        .unwrap_or_default();
    // Frozen documents are parsed loosely; a damaged one is named by the checksum rule.
    let json = |name: &str| {
        files
            .get(name)
            .and_then(|(b, _)| serde_json::from_slice::<serde_json::Value>(b).ok())
    };
    let rankings = json("rankings.json").unwrap_or(serde_json::Value::Null);
    let systems: Vec<FrozenSystem> = json("systems.json")
        .and_then(|v| serde_json::from_value::<Vec<FrozenSystem>>(v.get("systems")?.clone()).ok())
        .unwrap_or_default();
    let mut tasks = Vec::new();
    for name in files.keys() {
        let Some(id) = name
            .strip_prefix("tasks/")
            .and_then(|n| n.strip_suffix(".yaml"))
        else {
            continue;
        };
        let meta = files
            .get(name)
            .and_then(|(b, _)| serde_yaml::from_slice::<FrozenTaskMeta>(b).ok());
        let leaderboard = json(&format!("tasks/{id}.json"));
        if let Some(meta) = meta {
            tasks.push(FrozenTask { meta, leaderboard });
        }
    }
    Ok(Some(Release {
        meta,
        yaml,
        manifest,
        rankings,
        tasks,
        systems,
        files,
    }))
}

fn load_leaderboard(
    r: &Reader,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
    unreadable: &mut Unreadable,
) -> Option<Leaderboard> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(text) = r.read(path, diags) else {
        unreadable.leaderboards.insert(stem);
        return None;
    };
    let file = rel(r.root, path);
    match parse_json::<Leaderboard>(&file, &text) {
        Ok(lb) if Some(lb.task.as_str()) != path.file_stem().and_then(|s| s.to_str()) => {
            diags.push(
                Diagnostic::new(
                    &file,
                    format!("`task` is `{}` but the file is named otherwise", lb.task),
                )
                .at(line_of(&text, "\"task\""), Some(3))
                .field("task")
                .hint("a leaderboard is named after its task: data/leaderboards/<task-id>.json"),
            );
            unreadable.leaderboards.insert(stem);
            None
        }
        Ok(lb) => Some(lb),
        Err(d) => {
            diags.extend(d);
            unreadable.leaderboards.insert(stem);
            None
        }
    }
}

fn load_task_dir(
    r: &Reader,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
    unreadable: &mut Unreadable,
) -> Result<Option<TaskBundle>> {
    let root = r.root;
    let folder = dir
        .file_name()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    if !is_slug(&folder) {
        diags.push(
            Diagnostic::new(
                rel(root, dir),
                format!("the folder name `{folder}` is not a valid task id"),
            )
            .hint("the folder name is the task's id and URL: 2 to 64 characters of lower-case letters, digits and '-'"),
        );
        return Ok(None);
    }
    let task_path = dir.join("task.yaml");
    if !task_path.exists() && !task_path.is_symlink() {
        diags.push(
            Diagnostic::new(rel(root, dir), "a task folder without task.yaml")
                .hint("every folder under content/tasks/ holds one task: add task.yaml or remove the folder"),
        );
        return Ok(None);
    }
    let Some(task_text) = r.read(&task_path, diags) else {
        unreadable.tasks.insert(folder.to_string());
        return Ok(None);
    };
    let task = parse_yaml::<Task>(&rel(root, &task_path), &task_text, 0);

    let card_path = dir.join("datacard.yaml");
    let datacard = if card_path.exists() || card_path.is_symlink() {
        match r.read(&card_path, diags) {
            Some(text) => parse_yaml::<DataCard>(&rel(root, &card_path), &text, 0)
                .map(Some)
                .map_err(Some),
            None => Err(None),
        }
    } else {
        Ok(None)
    };

    let rationale_path = dir.join("rationale.md");
    let rationale = if rationale_path.exists() || rationale_path.is_symlink() {
        let id = dir_slug(dir);
        match r.read(&rationale_path, diags) {
            Some(text) => parse_doc::<RationaleMeta>(&rel(root, &rationale_path), &text, id)
                .map(Some)
                .map_err(Some),
            None => Err(None),
        }
    } else {
        Ok(None)
    };

    let task = task.and_then(|t| {
        if t.id.as_str() == folder {
            return Ok(t);
        }
        let text = &task_text;
        Err(vec![
            Diagnostic::new(
                rel(root, &task_path),
                format!("the id `{}` differs from the folder name `{folder}`", t.id),
            )
            .at(line_of(text, "id:"), Some(1))
            .field("id")
            .hint("the id is the task's URL: rename the folder or change the id so they agree"),
        ])
    });

    // A task whose data card or rationale is broken still loads, so its other rules run; the
    // broken file is named in `unreadable` so that "missing data card" stays quiet.
    let datacard = datacard.unwrap_or_else(|d| {
        diags.extend(d.into_iter().flatten());
        unreadable.datacards.insert(folder.to_string());
        None
    });
    let rationale = rationale.unwrap_or_else(|d| {
        diags.extend(d.into_iter().flatten());
        unreadable.rationales.insert(folder.to_string());
        None
    });
    let translations = load_task_translations(r, dir, &folder, diags)?;
    match task {
        Ok(task) => Ok(Some(TaskBundle {
            task,
            datacard,
            rationale,
            translations,
            fallback: None,
        })),
        Err(d) => {
            diags.extend(d);
            unreadable.tasks.insert(folder.to_string());
            Ok(None)
        }
    }
}

/// `task.<code>.yaml` and `rationale.<code>.md` of a task folder, by language code.
fn load_task_translations(
    r: &Reader,
    dir: &Path,
    folder: &str,
    diags: &mut Vec<Diagnostic>,
) -> Result<std::collections::BTreeMap<String, TaskTranslations>> {
    let mut out: std::collections::BTreeMap<String, TaskTranslations> = Default::default();
    let files = r.entries(dir, diags, |p| p.is_file())?;
    for path in files {
        let name = path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = rel(r.root, &path);
        if let Some(code) = name
            .strip_prefix("task.")
            .and_then(|n| n.strip_suffix(".yaml"))
        {
            let Some(text) = r.read(&path, diags) else {
                continue;
            };
            match parse_yaml::<TaskTranslation>(&file, &text, 0) {
                Ok(t) => out.entry(code.to_string()).or_default().task = Some(t),
                Err(d) => diags.extend(d.into_iter().map(|d| {
                    if d.message.contains("unknown field") {
                        let hint = "a translation holds only the text fields (title, acronym, summary, description, keywords, clinical.clinical_question, clinical.why_it_matters, clinical.target_cohort, clinical.challenge_cohort, clinical.human_baseline, task_definition.case_definition, task_definition.input, task_definition.output); change any other field in task.yaml";
                        let old = d.hint.clone().unwrap_or_default();
                        d.hint(if old.is_empty() { hint.to_string() } else { format!("{old}; {hint}") })
                    } else {
                        d
                    }
                })),
            }
        } else if let Some(code) = name
            .strip_prefix("rationale.")
            .and_then(|n| n.strip_suffix(".md"))
        {
            let Some(text) = r.read(&path, diags) else {
                continue;
            };
            match parse_doc::<RationaleTranslationMeta>(&file, &text, Slug::parse(folder).ok()) {
                Ok(doc) => {
                    if doc.meta.task.as_str() != folder {
                        diags.push(
                            Diagnostic::new(
                                &file,
                                format!(
                                    "`task: {}` differs from the folder `{folder}`",
                                    doc.meta.task
                                ),
                            )
                            .field("task")
                            .hint("the translation belongs to the task of its folder"),
                        );
                    }
                    out.entry(code.to_string()).or_default().rationale = Some(doc.body);
                }
                Err(d) => diags.extend(d),
            }
        }
    }
    for (code, t) in &out {
        if crate::config::check_language_code(code).is_err() {
            diags.push(
                Diagnostic::new(rel(r.root, dir), format!("`{code}` in a translation's file name is not a language code"))
                    .hint("name translations task.<code>.yaml and rationale.<code>.md with an ISO 639-1 code, e.g. task.de.yaml"),
            );
        }
        let _ = t;
    }
    Ok(out)
}

fn load_docs<M: DeserializeOwned + JsonSchema + Clone + Send + Sync + 'static>(
    r: &Reader,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
    memo: &mut Memo,
) -> Result<Vec<Doc<M>>> {
    let mut docs: Vec<Doc<M>> = Vec::new();
    let mut translated: Vec<(String, PathBuf, Doc<M>)> = Vec::new();
    let mut unreadable = Unreadable::default();
    for path in r.files_with_ext(dir, "md", diags)? {
        let lang = translation_code(&path);
        let doc = memo.get(&path, diags, &mut unreadable, |d, _| {
            Ok(load_doc::<M>(r, &path, d))
        })?;
        match (lang, doc) {
            (Some(code), Some(doc)) => translated.push((code, path.clone(), doc)),
            (None, Some(doc)) => docs.push(doc),
            _ => {}
        }
    }
    for (code, path, doc) in translated {
        match docs.iter_mut().find(|d| d.id == doc.id) {
            Some(original) => {
                original.translations.insert(code, doc);
            }
            None => diags.push(
                Diagnostic::new(
                    rel(r.root, &path),
                    format!("a translation of `{}.md`, which does not exist", doc.id),
                )
                .hint(
                    "a translation sits beside its original: add the original, or rename the file",
                ),
            ),
        }
    }
    Ok(docs)
}

/// `about.de.md` → `de`; `None` for an original.
fn translation_code(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let (_, code) = stem.rsplit_once('.')?;
    Some(code.to_string())
}

fn load_doc<M: DeserializeOwned + JsonSchema>(
    r: &Reader,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<Doc<M>> {
    {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default();
        // A translation `<id>.<code>.md` has the id of its original.
        let stem = match stem.rsplit_once('.') {
            Some((id, code)) if crate::config::check_language_code(code).is_ok() => id,
            _ => stem.as_ref(),
        };
        let file = rel(r.root, path);
        let id = match Slug::parse(stem) {
            Ok(id) => id,
            Err(msg) => {
                diags.push(
                    Diagnostic::new(&file, msg)
                        .hint("the file name is the page's URL: rename the file to a slug"),
                );
                return None;
            }
        };
        let text = r.read(path, diags)?;
        match parse_doc::<M>(&file, &text, Some(id)) {
            Ok(doc) => Some(doc),
            Err(d) => {
                diags.extend(d);
                None
            }
        }
    }
}

fn dir_slug(dir: &Path) -> Option<Slug> {
    dir.file_name()
        .and_then(|s| s.to_str())
        .and_then(|s| Slug::parse(s).ok())
}

/// Parses a Markdown file with YAML front matter between `---` lines.
pub fn parse_doc<M: DeserializeOwned + JsonSchema>(
    file: &Path,
    text: &str,
    id: Option<Slug>,
) -> Result<Doc<M>, Vec<Diagnostic>> {
    let (yaml, body) = split_front_matter(text).ok_or_else(|| vec![no_front_matter(file, text)])?;
    let meta = parse_yaml::<M>(file, yaml, 1)?;
    let id = id.ok_or_else(|| {
        vec![
            Diagnostic::new(file, "the file or folder name is not a valid id")
                .hint("ids are slugs: lower-case letters, digits and '-'"),
        ]
    })?;
    Ok(Doc {
        id,
        meta,
        body: body.to_string(),
        translations: Default::default(),
        fallback_lang: None,
    })
}

/// Why [`split_front_matter`] found none: no opening line, a late one, or no closing line.
fn no_front_matter(file: &Path, text: &str) -> Diagnostic {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    if lines.next().is_some_and(|l| l.trim_end() == "---") {
        // A Markdown heading is where the fields surely ended.
        let heading = lines
            .position(|l| l.starts_with("# ") || l.starts_with("## "))
            .map(|i| i + 2);
        let hint = match heading {
            Some(n) => format!(
                "add a line `---` after the last field, before the Markdown text (line {n} is a heading)"
            ),
            None => "add a line `---` after the last field, before the Markdown text".to_string(),
        };
        return Diagnostic::new(
            file,
            "the front matter is not closed: no line `---` after its fields",
        )
        .at(Some(1), Some(1))
        .hint(hint);
    }
    if let Some(n) = text.lines().position(|l| l.trim_end() == "---")
        && text.lines().take(n).all(|l| l.trim().is_empty())
    {
        return Diagnostic::new(file, "the front matter does not start on the first line")
            .at(Some(n + 1), Some(1))
            .hint("delete the blank lines above the first `---`");
    }
    Diagnostic::new(file, "no front matter")
        .at(Some(1), Some(1))
        .hint("start the file with a line `---`, the YAML fields, and another line `---`")
}

/// Splits `---\n<yaml>---\n<body>`; `None` when the file has no front matter.
pub fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Some((yaml, body));
        }
        offset += line.len();
    }
    None
}

/// Parses YAML into `T`. `line_offset` is the number of lines before `text` in its file.
/// A file that does not parse comes back with all its problems: a syntax error in words, or
/// every structural mistake at once (see [`crate::shape`]).
pub fn parse_yaml<T: DeserializeOwned + JsonSchema>(
    file: &Path,
    text: &str,
    line_offset: usize,
) -> Result<T, Vec<Diagnostic>> {
    crate::hostile::scan_yaml(file, text, line_offset).map_err(|d| vec![d])?;
    let de = serde_yaml::Deserializer::from_str(text);
    // The typed parse first: a valid file is parsed once.
    let first = match serde_path_to_error::deserialize(de) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let walked = match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Err(e) => {
            let mut out = vec![crate::syntax::yaml(file, text, line_offset, &e)];
            // A tab need not hide the file's other mistakes: check it with spaces instead.
            if let Some((spaced, value)) = crate::syntax::without_tabs(text) {
                out.extend(structural::<T, _>(file, &spaced, &value, line_offset));
            }
            return Err(out);
        }
        Ok(value) => structural::<T, _>(file, text, &value, line_offset),
    };
    let e = first;
    let field = field_path(e.path());
    let inner = e.inner();
    let message = strip_location(&inner.to_string());
    // Errors raised while converting a scalar (a bad slug or date: the model's messages
    // start with the quoted value) carry the position of the enclosing mapping, not of
    // the field; the field path finds the line instead.
    let custom = message.starts_with('`');
    let located = || {
        field
            .as_deref()
            .and_then(|f| crate::locate::locate(text, f))
    };
    let location = if custom {
        located().or_else(|| inner.location().map(|l| (l.line(), l.column())))
    } else {
        inner
            .location()
            .map(|l| (l.line(), l.column()))
            .or_else(located)
    };
    let (line, col) = location
        .map(|(l, c)| (Some(l + line_offset), Some(c)))
        .unwrap_or((None, None));
    let mut d = Diagnostic::new(file, message).at(line, col);
    if let Some(f) = field {
        d = d.field(f);
    }
    Err(with_walked(walked, with_hint(d)))
}

/// The walk's problems, and the typed parse's own error unless the walk already reported a
/// problem at its field (the walk leaves some checks, such as number ranges, to the parse).
fn with_walked(mut walked: Vec<Diagnostic>, parsed: Diagnostic) -> Vec<Diagnostic> {
    let missing = |d: &Diagnostic| d.message.starts_with("missing field");
    if !walked
        .iter()
        .any(|w| w.field == parsed.field && missing(w) == missing(&parsed))
    {
        walked.push(parsed);
    }
    walked
}

pub fn parse_json<T: DeserializeOwned + JsonSchema>(
    file: &Path,
    text: &str,
) -> Result<T, Vec<Diagnostic>> {
    crate::hostile::scan_json(file, text).map_err(|d| vec![d])?;
    let mut de = serde_json::Deserializer::from_str(text);
    let first = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let walked = match serde_json::from_str::<serde_json::Value>(text) {
        Err(e) => match crate::syntax::json(file, text, &e) {
            Some(d) => return Err(vec![d]),
            None => Vec::new(),
        },
        Ok(value) => structural::<T, _>(file, text, &value, 0),
    };
    let e = first;
    let field = field_path(e.path());
    let inner = e.inner();
    let mut d = Diagnostic::new(file, strip_location(&inner.to_string()))
        .at(Some(inner.line()), Some(inner.column()));
    if let Some(f) = field {
        d = d.field(f);
    }
    let line = text
        .lines()
        .nth(inner.line().saturating_sub(1))
        .unwrap_or("");
    if d.message == "number out of range" {
        d = d.hint("numbers must be finite: a value such as 1e999 overflows; write the real value, or null when it is missing");
    } else if d.message.starts_with("expected value")
        && (line.contains("NaN") || line.contains("Infinity"))
    {
        d = d.hint(
            "JSON has no NaN or Infinity: write null for a missing value, or a finite number",
        );
    }
    Err(with_walked(walked, with_hint(d)))
}

/// Every structural mistake of `value` (parsed from `text`) as a `T`, located in `text`: YAML
/// (`line_offset` lines into its file) or JSON.
fn structural<T: JsonSchema, V: crate::shape::Tree>(
    file: &Path,
    text: &str,
    value: &V,
    line_offset: usize,
) -> Vec<Diagnostic> {
    use crate::shape::Kind;
    let json = file.extension().is_some_and(|e| e == "json");
    let problems = crate::shape::check::<T, V>(value, !json);
    let mut out = Vec::new();
    for p in &problems {
        let field = |f: &str| {
            f.rsplit('.')
                .next()
                .map(|f| f.split('[').next().unwrap_or(f).to_string())
                .unwrap_or_default()
        };
        let list = |a: &[String]| {
            a.iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        // The serde wording, so that the loader's hints (did-you-mean, date format) apply.
        let (message, hint) = match &p.kind {
            Kind::UnknownField { allowed } => (
                format!(
                    "unknown field `{}`, expected one of {}",
                    field(&p.path),
                    list(allowed)
                ),
                None,
            ),
            Kind::UnknownValue { got, allowed } => (
                format!("unknown variant `{got}`, expected one of {}", list(allowed)),
                None,
            ),
            Kind::Missing => (format!("missing field `{}`", field(&p.path)), None),
            Kind::BadDate(v) => (format!("`{v}` is not a valid date"), None),
            Kind::BadId(v) => (format!("`{v}` is not a valid id"), None),
            Kind::WrongType {
                expected, found, ..
            } if p.path.is_empty() => (
                format!("the file should hold {expected}, but it holds {found}"),
                Some("start from the format's example in docs/content-format.md".to_string()),
            ),
            Kind::WrongType {
                expected, found, ..
            } => (
                format!("expected {expected} here, found {found}"),
                Some(type_hint(expected)),
            ),
        };
        // A missing field is shown at the section that should hold it.
        let place = match &p.kind {
            Kind::Missing => p.path.rfind(['.', '[']).map(|i| &p.path[..i]),
            _ => Some(p.path.as_str()),
        };
        let at = place.filter(|p| !p.is_empty()).and_then(|path| {
            if json {
                crate::locate::locate_json(text, path)
            } else {
                crate::locate::locate(text, path)
            }
        });
        let at = at.map(|(l, c)| {
            let key = matches!(p.kind, Kind::UnknownField { .. }).then(|| field(&p.path));
            let needle = match (&key, p.got()) {
                (Some(k), _) if json => Some(format!("\"{k}\"")),
                (Some(k), _) => Some(k.clone()),
                (None, Some(g)) => Some(g.to_string()),
                (None, None) => None,
            };
            (l + line_offset, refine(text, l, c, needle.as_deref()))
        });
        let mut d = Diagnostic::new(file, message).at(at.map(|a| a.0), at.map(|a| a.1));
        // A missing field is named in the message; its field path is the section (as serde's).
        let field = match &p.kind {
            Kind::Missing => place.unwrap_or(""),
            _ => p.path.as_str(),
        };
        if !field.is_empty() {
            d = d.field(field);
        }
        if let Some(h) = hint {
            d = d.hint(h);
        }
        out.push(with_hint(d));
    }
    if problems.len() == crate::shape::LIMIT {
        out.push(
            Diagnostic::new(
                file,
                format!(
                    "stopped after {} problems in this file",
                    crate::shape::LIMIT
                ),
            )
            .hint("fix these and run again for the rest"),
        );
    }
    out
}

/// The column of `needle` on line `line` (1-based) of `text`, at or after `column`, when the
/// line holds it: the caret then sits under the value itself.
fn refine(text: &str, line: usize, column: usize, needle: Option<&str>) -> usize {
    let Some(needle) = needle.filter(|n| !n.is_empty()) else {
        return column;
    };
    let Some(l) = text.lines().nth(line.saturating_sub(1)) else {
        return column;
    };
    let from = l
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(l.len(), |(i, _)| i);
    let found = l[from..]
        .find(needle)
        .map(|i| from + i)
        .or_else(|| l.find(needle));
    found.map_or(column, |i| l[..i].chars().count() + 1)
}

fn type_hint(expected: &str) -> String {
    match expected {
        "a list" => "write a list: one `- value` per line below the field, or `[a, b]` after it",
        "text" => "this field holds one text: write it after the colon (in quotes if it holds `: ` or starts with a special character)",
        "text or a number" => "write one value after the colon",
        "a number" => "write a number such as 0.5, without quotes",
        "a whole number" | "a whole number of 0 or more" => "write a whole number such as 12, without quotes",
        "true or false" => "write true or false, without quotes",
        _ if expected.starts_with("fields") || expected.starts_with("a list of `") => {
            "write the fields indented below this one, one `name: value` per line"
        }
        _ => "see the content format (docs/content-format.md) for what this field holds",
    }
    .to_string()
}

fn field_path(path: &serde_path_to_error::Path) -> Option<String> {
    let s = path.to_string();
    (s != "." && !s.is_empty()).then_some(s)
}

/// serde's messages end in " at line N column M" and serde_yaml's start with the field path;
/// the diagnostic carries both separately.
fn strip_location(msg: &str) -> String {
    let msg = match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    match msg.split_once(": ") {
        Some((path, rest))
            if !path.is_empty()
                && path
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.[]".contains(c)) =>
        {
            rest.to_string()
        }
        _ => msg.to_string(),
    }
}

fn with_hint(mut d: Diagnostic) -> Diagnostic {
    if let Some((message, hint)) =
        crate::validate::suggest::unknown_value(&d.message, d.field.as_deref())
    {
        d.message = message;
        return d.hint(hint);
    }
    let m = &d.message;
    let hint = if m.starts_with("unknown field") {
        Some(
            "field names are fixed by the content format (docs/content-format.md); check the spelling",
        )
    } else if m.starts_with("missing field") {
        Some("this field is required: see the content format for what it holds")
    } else if m.starts_with("unknown variant") {
        Some("use one of the values listed above")
    } else if m.ends_with("is not a valid date") {
        Some("write dates as YYYY-MM-DD (ISO 8601), e.g. 2026-05-14, and check the day exists")
    } else if m.ends_with("is not a valid id") {
        Some(
            "ids are slugs: 2 to 64 characters of lower-case letters, digits and '-', starting with a letter or digit",
        )
    } else {
        None
    };
    match hint {
        Some(h) => d.hint(h),
        None => d,
    }
}

/// 1-based line of the first line that starts (after indentation) with `key`.
fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map(|i| i + 1)
}

/// `path` relative to `root`, for messages a curator can click.
pub fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Reads files and lists folders under the portal root, within the limits.
struct Reader<'a> {
    root: &'a Path,
    limits: &'a Limits,
}

impl Reader<'_> {
    /// The text of a file, or `None` with a diagnostic (outside the root, too big, not UTF-8,
    /// unreadable).
    fn read(&self, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
        crate::hostile::read_file(self.root, path, &rel(self.root, path), self.limits)
            .map_err(|d| diags.push(d))
            .ok()
    }

    /// Immediate subfolders, sorted; none when the folder does not exist.
    fn subdirs(&self, dir: &Path, diags: &mut Vec<Diagnostic>) -> Result<Vec<PathBuf>> {
        self.entries(dir, diags, |p| p.is_dir())
    }

    /// Files with the extension directly in `dir`, sorted; none when the folder does not exist.
    fn files_with_ext(
        &self,
        dir: &Path,
        ext: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Result<Vec<PathBuf>> {
        self.entries(dir, diags, |p| {
            p.is_file() && p.extension().and_then(|e| e.to_str()) == Some(ext)
        })
    }

    /// Entries of `dir` that `keep` accepts; links that leave the root are reported and left
    /// out.
    fn entries(
        &self,
        dir: &Path,
        diags: &mut Vec<Diagnostic>,
        keep: impl Fn(&Path) -> bool,
    ) -> Result<Vec<PathBuf>> {
        if !dir.exists() {
            return Ok(Vec::new());
        }
        if let Err(d) = crate::hostile::confine(self.root, dir, &rel(self.root, dir)) {
            diags.push(d);
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(dir)
            .min_depth(1)
            .max_depth(1)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(dir).to_path_buf();
                Error::io(path, e.into())
            })?;
            let name = entry.file_name().to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            if entry.path_is_symlink() {
                let shown = rel(self.root, entry.path());
                if let Err(d) = crate::hostile::confine(self.root, entry.path(), &shown) {
                    diags.push(d);
                    continue;
                }
            }
            if keep(entry.path()) {
                out.push(entry.into_path());
            }
        }
        Ok(out)
    }
}

impl Unreadable {
    fn merge(&mut self, other: &Unreadable) {
        self.tasks.extend(other.tasks.iter().cloned());
        self.datacards.extend(other.datacards.iter().cloned());
        self.rationales.extend(other.rationales.iter().cloned());
        self.systems |= other.systems;
        self.accessibility |= other.accessibility;
        self.leaderboards.extend(other.leaderboards.iter().cloned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example portal of the test fixtures: one file of every kind.
    fn example_site() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/example")
    }

    #[test]
    fn example_site_loads() {
        let root = example_site();
        let portal = load(&root).unwrap_or_else(|e| match e {
            Error::Content(d) => panic!(
                "{}",
                d.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            other => panic!("{other}"),
        });
        assert_eq!(portal.tasks.len(), 1);
        let t = &portal.tasks[0];
        assert_eq!(t.task.id.as_str(), "hepatic-metastases-ct");
        assert!(t.datacard.is_some());
        let r = t.rationale.as_ref().unwrap();
        assert_eq!(r.meta.panel.len(), 5);
        assert!(r.body.contains("## Summary"));
        assert_eq!(portal.systems.len(), 3);
        assert_eq!(portal.leaderboards.len(), 1);
        assert_eq!(portal.leaderboards[0].entries[0].per_case["f2"][5], None);
        assert_eq!(portal.reports.len(), 1);
        assert_eq!(portal.news.len(), 1);
        // about.md and the statement's page (accessibility.md, with data/accessibility.yaml).
        assert_eq!(portal.pages.len(), 2);
        assert_eq!(portal.pages[0].meta.menu, Some(1));
        assert_eq!(portal.pages[1].meta.role, Some(PageRole::Accessibility));
        let statement = portal.accessibility.as_ref().unwrap();
        assert_eq!(statement.status, ComplianceStatus::Partial);
        assert_eq!(statement.non_accessible.len(), 2);
        assert_eq!(statement.feedback.response_days, 14);
    }

    #[test]
    fn unknown_field_names_file_line_and_field() {
        let yaml = "name: x\nkind: baseline\naccess: open\nversoin: 1\n";
        let d = parse_yaml::<System>(Path::new("data/systems.yaml"), yaml, 0)
            .unwrap_err()
            .remove(0);
        assert!(d.message.contains("unknown field `versoin`"), "{d}");
        assert_eq!(d.line, Some(4));
        assert!(d.hint.is_some());
    }

    #[test]
    fn bad_enum_value_names_field_path() {
        let yaml = "schema_version: \"0.1\"\nsystems:\n  - id: abc\n    name: A\n    kind: robot\n    access: open\n";
        let d = parse_yaml::<SystemsFile>(Path::new("s.yaml"), yaml, 0)
            .unwrap_err()
            .remove(0);
        assert_eq!(d.field.as_deref(), Some("systems[0].kind"));
        assert_eq!(d.line, Some(5));
        assert_eq!(d.message, "unknown value `robot` for kind");
        assert!(
            d.hint.as_deref().unwrap_or("").contains("task_specific"),
            "{d}"
        );
    }

    #[test]
    fn bad_slug_and_date_are_located() {
        let yaml = "id: Not_A_Slug\nname: A\nkind: baseline\naccess: open\n";
        let d = parse_yaml::<System>(Path::new("s.yaml"), yaml, 0)
            .unwrap_err()
            .remove(0);
        assert_eq!(d.line, Some(1));
        assert!(d.message.contains("not a valid id"), "{d}");

        let yaml = "id: abc\nname: A\nkind: baseline\naccess: open\nrelease_date: 2026-13-40\n";
        let d = parse_yaml::<System>(Path::new("s.yaml"), yaml, 0)
            .unwrap_err()
            .remove(0);
        assert_eq!(d.field.as_deref(), Some("release_date"));
        assert!(
            d.hint.as_deref().unwrap_or("").contains("YYYY-MM-DD"),
            "{d}"
        );
    }

    #[test]
    fn syntax_error_in_yaml_is_located() {
        let d = parse_yaml::<System>(Path::new("s.yaml"), "id: [abc\nname: x\n", 0)
            .unwrap_err()
            .remove(0);
        assert!(d.line.is_some(), "{d}");
    }

    #[test]
    fn front_matter_lines_count_from_the_file_start() {
        let text = "---\ntitle: News\ndate: 2026-02-30\n---\nBody\n";
        let d = parse_doc::<NewsMeta>(Path::new("n.md"), text, Slug::parse("n1").ok())
            .unwrap_err()
            .remove(0);
        assert_eq!(d.line, Some(3), "{d}");
        assert_eq!(d.field.as_deref(), Some("date"));

        let d = parse_doc::<NewsMeta>(Path::new("n.md"), "# no front matter", None)
            .unwrap_err()
            .remove(0);
        assert!(d.message.contains("front matter"));
    }

    #[test]
    fn json_errors_are_located() {
        let json = "{\n  \"schema_version\": \"0.1\",\n  \"task\": \"abc\",\n  \"bogus\": 1\n}";
        let d = parse_json::<Leaderboard>(Path::new("lb.json"), json)
            .unwrap_err()
            .remove(0);
        assert_eq!(d.line, Some(4), "{d}");
        assert!(d.message.contains("bogus"));
    }

    #[test]
    fn all_broken_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let news = dir.path().join("content/news");
        std::fs::create_dir_all(&news).unwrap();
        std::fs::write(news.join("a1.md"), "---\ntitle: A\n---\n").unwrap();
        std::fs::write(
            news.join("b2.md"),
            "---\ntitle: B\ndate: 2026-01-01\nbad: 1\n---\n",
        )
        .unwrap();
        let Err(Error::Content(d)) = load(dir.path()) else {
            panic!("expected content errors")
        };
        assert_eq!(d.len(), 2);
        assert!(d[0].file.ends_with("a1.md") && d[1].file.ends_with("b2.md"));
    }

    #[test]
    fn each_format_reports_file_and_line() {
        // (path, content, expected line) for one malformed file of every kind.
        let cases: &[(&str, &str, u32)] = &[
            (
                "content/tasks/t1/task.yaml",
                "schema_version: \"0.1\"\nid: t1\ntitle: T\nstatus: done\n",
                4,
            ),
            (
                "content/tasks/t2/task.yaml",
                "schema_version: \"0.1\"\nid: t2\ntitel: T\n",
                3,
            ),
            (
                "content/tasks/t3/datacard.yaml",
                "schema_version: \"0.1\"\ndataset:\n  name: D\n  nam: x\n",
                4,
            ),
            (
                "content/tasks/t3/rationale.md",
                "---\ntask: t3\nround: r1\nmeeting_date: 2026-01-01\ndecision: maybe\n---\n",
                5,
            ),
            (
                "content/reports/q1.md",
                "---\ntitle: Q1\nperiod: {start: 2026-01-01, end: 2026-03-31}\npublished: 2026-04-1\n---\n",
                4,
            ),
            (
                "content/news/n1.md",
                "---\ntitle: N\ndate: 2026-01-01\ntags: x: y\n---\n",
                4,
            ),
            (
                "content/pages/about.md",
                "---\ntitle: About\nmenu: first\n---\n",
                3,
            ),
            (
                "data/systems.yaml",
                "schema_version: \"0.1\"\nsystems:\n  - id: s1\n    name: S\n    kind: robot\n    access: open\n",
                5,
            ),
            (
                "data/leaderboards/t9.json",
                "{\n  \"schema_version\": \"0.1\",\n  \"task\": 7\n}",
                3,
            ),
        ];
        let dir = tempfile::tempdir().unwrap();
        for (path, text, _) in cases {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        std::fs::write(dir.path().join("content/tasks/t3/task.yaml"), "id: [").unwrap();
        let Err(Error::Content(diags)) = load(dir.path()) else {
            panic!("expected errors")
        };
        for (path, _, line) in cases {
            // Every mistake of the file is reported; the one planted is among them, located.
            assert!(
                diags
                    .iter()
                    .any(|d| d.file == Path::new(path) && d.line == Some(*line)),
                "no diagnostic at {path}:{line}: {diags:#?}"
            );
        }
        assert!(
            diags
                .iter()
                .any(|d| d.file == Path::new("content/tasks/t3/task.yaml"))
        );
    }

    /// A task.yaml that parses, for tests that break it.
    const TASK: &str = "\
schema_version: \"0.1\"
id: liver-ct
title: Liver lesions on CT
status: proposed
submitted: 2026-03-01
summary: Find small liver metastases on routine staging CT of patients with colorectal cancer.
keywords: [CT, liver, metastasis]
contributors:
  - name: Jane Doe
    roles: [clinical_lead]
clinical:
  specialty: [radiology]
  field_of_application: [diagnosis]
  clinical_question: Which patients have small liver metastases?
  why_it_matters: A missed metastasis changes treatment.
  target_cohort: Adults with colorectal cancer.
  challenge_cohort: Adults at one centre.
imaging:
  modalities: [CT]
  body_region: [liver]
task_definition:
  category: object_detection
  case_definition: One CT study.
  input: CT volume
  output: Centre points
governance:
  ethics_approval: {required: false}
  license: CC-BY-4.0
  access: open
version: \"1.0.0\"
";

    fn task_errors(text: &str) -> Vec<Diagnostic> {
        parse_yaml::<Task>(Path::new("task.yaml"), text, 0).unwrap_err()
    }

    #[test]
    fn every_structural_mistake_of_a_file_in_one_run() {
        assert!(parse_yaml::<Task>(Path::new("task.yaml"), TASK, 0).is_ok());
        let text = TASK
            .replace("[radiology]", "[radiolgy]")
            .replace("case_definition:", "case_defintion:")
            .replace("access: open", "access: public")
            .replace("submitted: 2026-03-01", "submitted: 2026-02-30");
        let d = task_errors(&text);
        let show = d
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(d.len(), 4, "{show}");
        let by = |field: &str| {
            d.iter()
                .find(|d| d.field.as_deref() == Some(field))
                .unwrap_or_else(|| panic!("nothing at {field}: {show}"))
        };
        let s = by("clinical.specialty[0]");
        assert_eq!(s.message, "unknown value `radiolgy` for specialty");
        assert_eq!((s.line, s.column), (Some(12), Some(15)), "{s}");
        assert!(
            s.hint
                .as_deref()
                .unwrap_or("")
                .starts_with("did you mean `radiology`?")
        );
        // The misspelt field is not also reported as missing.
        let c = by("task_definition.case_defintion");
        assert_eq!(c.message, "unknown field `case_defintion`");
        assert_eq!((c.line, c.column), (Some(23), Some(3)), "{c}");
        assert!(
            c.hint
                .as_deref()
                .unwrap_or("")
                .starts_with("did you mean `case_definition`?")
        );
        let a = by("governance.access");
        assert_eq!(a.message, "unknown value `public` for access");
        assert_eq!((a.line, a.column), (Some(29), Some(11)), "{a}");
        assert!(
            a.hint
                .as_deref()
                .unwrap_or("")
                .contains("open, registered, controlled")
        );
        let s = by("submitted");
        assert_eq!(s.message, "`2026-02-30` is not a valid date");
        assert_eq!(s.line, Some(5));
    }

    #[test]
    fn wrong_types_and_missing_fields_come_together() {
        let text = TASK
            .replace("keywords: [CT, liver, metastasis]", "keywords: CT")
            .replace("  input: CT volume\n", "")
            .replace("{required: false}", "{required: maybe}");
        let d = task_errors(&text);
        let show = d
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        let fields: Vec<_> = d.iter().filter_map(|d| d.field.as_deref()).collect();
        assert_eq!(
            fields,
            [
                "keywords",
                "task_definition",
                "governance.ethics_approval.required"
            ],
            "{show}"
        );
        assert_eq!(d[0].message, "expected a list here, found the text `CT`");
        assert_eq!(d[1].message, "missing field `input`");
        assert_eq!(d[1].line, Some(21), "at its section: {show}");
        assert_eq!(
            d[2].message,
            "expected true or false here, found the text `maybe`"
        );
    }

    #[test]
    fn every_mistake_of_a_leaderboard_at_once() {
        let json = "{\n  \"schema_version\": \"0.1\",\n  \"task\": \"abc\",\n  \"task_version\": \"1.0.0\",\n  \"split\": \"test\",\n  \"updated\": \"2026-01-01\",\n  \"cases\": [\"c1\"],\n  \"entries\": [\n    {\"id\": \"e1\", \"sytem\": \"s1\", \"evaluation\": \"organiser_run\", \"training_regime\": \"zero_shot\"}\n  ]\n}";
        let d = parse_json::<Leaderboard>(Path::new("lb.json"), json).unwrap_err();
        let show = d
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(d.len(), 2, "{show}");
        assert_eq!(d[0].message, "unknown field `sytem`");
        assert!(
            d[0].hint
                .as_deref()
                .unwrap_or("")
                .starts_with("did you mean `system`?")
        );
        assert_eq!(d[1].message, "unknown value `organiser_run` for evaluation");
        assert!(d.iter().all(|d| d.line == Some(9)), "{show}");
    }

    #[test]
    fn a_tab_is_named_at_its_line() {
        let text = TASK.replace("  clinical_question:", "\tclinical_question:");
        let d = task_errors(&text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            d[0].message,
            "a tab is used for indentation on line 14; YAML allows only spaces"
        );
        assert_eq!(d[0].line, Some(14));
        // The file's other mistakes come in the same run.
        let d = task_errors(&text.replace("access: open", "access: public"));
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[1].field.as_deref(), Some("governance.access"));
        assert_eq!(d[1].line, Some(29));
    }

    #[test]
    fn an_unclosed_front_matter_is_named() {
        let text = "---\ntask: t1\nround: r1\n\n## Summary\nText.\n";
        let d = parse_doc::<RationaleMeta>(Path::new("r.md"), text, Slug::parse("t1").ok())
            .unwrap_err()
            .remove(0);
        assert_eq!(
            d.message,
            "the front matter is not closed: no line `---` after its fields"
        );
        assert!(d.hint.as_deref().unwrap_or("").contains("line 5"), "{d}");
        let d = parse_doc::<NewsMeta>(Path::new("n.md"), "\n---\ntitle: N\n---\n", None)
            .unwrap_err()
            .remove(0);
        assert_eq!(d.line, Some(2), "{d}");
    }
}
