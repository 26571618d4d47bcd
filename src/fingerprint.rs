//! What the last build was made from, so that `medal build` with nothing changed does nothing.
//!
//! A build's *inputs* are every file under `medal.toml`, `content/`, `data/`, `themes/` and
//! `static/` (path and contents), the generator itself (its version, size and modification
//! time) and the build's options. After a successful build, their hash is kept in the cache
//! folder together with a listing of the output folder (path, size and modification time of
//! every file) and the build's report. The next build hashes the inputs again (a few tens of
//! milliseconds at 1,000 tasks) and, when they and the output folder are as they were, keeps
//! the output without loading, computing, rendering or writing anything. Any difference (an
//! edited, added or removed file, a new binary, a file touched or deleted in the output) runs
//! the build as usual, whose finer caches then skip what that change does not affect.

use crate::error::Diagnostic;
use crate::store;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The folders and files below the portal root that a build reads.
const INPUTS: [&str; 5] = ["medal.toml", "content", "data", "themes", "static"];

/// Bumped when the record's layout or meaning changes.
const FORMAT: &str = "medal-fingerprint-1";

/// What a skipped build reports: the figures of the build that made the output.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Kept {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub warnings: Vec<Diagnostic>,
    pub external_links: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Serialize, Deserialize)]
struct Record {
    inputs: [u8; 32],
    output: [u8; 32],
    kept: Kept,
}

/// The fingerprint file in the cache folder.
fn path(cache_dir: &Path) -> PathBuf {
    cache_dir.join("_build.bin")
}

/// What a build of a portal reads: every input file's hash, and their hash together with the
/// generator's identity and the build's options.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Input path (relative to the root, `/`-separated) → the hash of its bytes.
    pub files: BTreeMap<String, blake3::Hash>,
    /// Everything: the files, the generator and the options.
    pub total: blake3::Hash,
    /// The generator and the options alone.
    generator: blake3::Hash,
}

impl Inputs {
    /// What decides a published task's own pages (task, data card, analysis) besides the
    /// site globals and templates (which [`crate::render::Plan`] adds): the task's folder,
    /// its leaderboard, and everything outside `content/` and `data/leaderboards/` (the
    /// settings, the systems registry, the releases, the theme), with the generator and the
    /// options. Other tasks, news, reports and pages are not among them: a task's own pages
    /// do not show them.
    pub fn task_keys(&self) -> TaskKeys {
        let mut shared = blake3::Hasher::new();
        shared.update(self.generator.as_bytes());
        let mut tasks: BTreeMap<String, blake3::Hasher> = BTreeMap::new();
        for (path, hash) in &self.files {
            let own = if let Some(rest) = path.strip_prefix("content/tasks/") {
                rest.split_once('/').map(|(id, _)| id)
            } else if let Some(rest) = path.strip_prefix("data/leaderboards/") {
                Some(rest.strip_suffix(".json").unwrap_or(rest))
            } else if path.starts_with("content/") {
                continue;
            } else {
                None
            };
            let h = match own {
                Some(id) => tasks.entry(id.to_string()).or_default(),
                None => &mut shared,
            };
            store::hash_str(h, path);
            h.update(hash.as_bytes());
        }
        let shared = shared.finalize();
        TaskKeys {
            tasks: tasks
                .into_iter()
                .map(|(id, mut h)| {
                    h.update(shared.as_bytes());
                    (id, h.finalize())
                })
                .collect(),
        }
    }
}

/// Task id → the hash of what its own pages are made from (see [`Inputs::task_keys`]).
#[derive(Debug, Clone, Default)]
pub struct TaskKeys {
    tasks: BTreeMap<String, blake3::Hash>,
}

impl TaskKeys {
    pub fn get(&self, id: &str) -> Option<&blake3::Hash> {
        self.tasks.get(id)
    }
}

/// Hashes everything a build of `root` with `options` (their `Debug` form) reads, or `None`
/// when a file could not be read (the build then runs, and reports it).
pub fn inputs(root: &Path, options: &str) -> Option<Inputs> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for top in INPUTS {
        let start = root.join(top);
        if !start.exists() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&start)
            .follow_links(true)
            .sort_by_file_name()
        {
            let entry = entry.ok()?;
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(root).ok()?;
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                files.push((rel.join("/"), entry.into_path()));
            }
        }
    }
    let hashes: Vec<blake3::Hash> = files
        .par_iter()
        .map(|(_, p)| std::fs::read(p).ok().map(|b| blake3::hash(&b)))
        .collect::<Option<_>>()?;
    let mut g = store::hasher(&[FORMAT, env!("CARGO_PKG_VERSION"), options]);
    // A rebuilt generator may render differently: its size and time stand for its code.
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    g.update(&meta.len().to_le_bytes());
    g.update(&mtime_ns(&meta).to_le_bytes());
    let generator = g.finalize();
    let mut h = blake3::Hasher::new();
    h.update(generator.as_bytes());
    for ((rel, _), hash) in files.iter().zip(&hashes) {
        store::hash_str(&mut h, rel);
        h.update(hash.as_bytes());
    }
    Some(Inputs {
        files: files.into_iter().map(|(rel, _)| rel).zip(hashes).collect(),
        total: h.finalize(),
        generator,
    })
}

/// The hash of the output folder's listing: every file's path, size and modification time.
/// Files are not read: a build leaves unchanged files (and their times) alone, and anything
/// else that writes there changes a time or a size.
pub fn output(out: &Path) -> Option<blake3::Hash> {
    let mut h = store::hasher(&[FORMAT]);
    let mut any = false;
    for entry in walkdir::WalkDir::new(out).sort_by_file_name() {
        let entry = entry.ok()?;
        let rel = entry.path().strip_prefix(out).ok()?;
        let meta = entry.metadata().ok()?;
        store::hash_str(&mut h, &rel.to_string_lossy());
        h.update(&[entry.file_type().is_dir() as u8]);
        if entry.file_type().is_file() {
            any = true;
            h.update(&meta.len().to_le_bytes());
            h.update(&mtime_ns(&meta).to_le_bytes());
        }
    }
    any.then(|| h.finalize())
}

fn mtime_ns(meta: &std::fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// The report of the last build, when its inputs hashed to `inputs` and the output folder
/// `out` is exactly as that build left it.
pub fn unchanged(cache_dir: &Path, inputs: &blake3::Hash, out: &Path) -> Option<Kept> {
    let bytes = std::fs::read(path(cache_dir)).ok()?;
    let record: Record = postcard::from_bytes(&bytes).ok()?;
    if record.inputs != *inputs.as_bytes() {
        return None;
    }
    let listing = output(out)?;
    (record.output == *listing.as_bytes()).then_some(record.kept)
}

/// Records a successful build of `inputs` into `out`. Failing to write it only means the
/// next build runs in full.
pub fn record(cache_dir: &Path, inputs: &blake3::Hash, out: &Path, kept: Kept) {
    let Some(listing) = output(out) else {
        return;
    };
    let record = Record {
        inputs: *inputs.as_bytes(),
        output: *listing.as_bytes(),
        kept,
    };
    if let Ok(bytes) = postcard::to_stdvec(&record) {
        let _ = store::write_atomically(&path(cache_dir), &bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portal(dir: &Path) {
        std::fs::create_dir_all(dir.join("content/tasks/a")).unwrap();
        std::fs::write(dir.join("medal.toml"), "title = \"x\"\n").unwrap();
        std::fs::write(dir.join("content/tasks/a/task.yaml"), "id: a\n").unwrap();
    }

    fn kept() -> Kept {
        Kept {
            pages: 1,
            files: 2,
            bytes: 3,
            warnings: vec![Diagnostic::warning("content/tasks/a/task.yaml", "w")],
            external_links: BTreeMap::new(),
        }
    }

    #[test]
    fn any_input_change_changes_the_hash() {
        let dir = tempfile::tempdir().unwrap();
        portal(dir.path());
        let total = |opts: &str| inputs(dir.path(), opts).unwrap().total;
        let a = total("opts");
        assert_eq!(a, total("opts"));
        assert_ne!(a, total("other opts"));
        std::fs::write(dir.path().join("content/tasks/a/task.yaml"), "id: b\n").unwrap();
        let b = total("opts");
        assert_ne!(a, b);
        std::fs::write(dir.path().join("content/tasks/a/rationale.md"), "").unwrap();
        assert_ne!(b, total("opts"));
        // Files elsewhere (sources, the output) are not inputs.
        let c = total("opts");
        std::fs::create_dir_all(dir.path().join("public")).unwrap();
        std::fs::write(dir.path().join("public/index.html"), "x").unwrap();
        assert_eq!(c, total("opts"));
    }

    #[test]
    fn a_task_key_follows_its_own_files_and_the_shared_ones_only() {
        let dir = tempfile::tempdir().unwrap();
        portal(dir.path());
        let write = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("content/tasks/b/task.yaml", "id: b\n");
        let keys = || {
            let k = inputs(dir.path(), "").unwrap().task_keys();
            (*k.get("a").unwrap(), *k.get("b").unwrap())
        };
        let (a, b) = keys();
        assert_ne!(a, b);
        write("content/tasks/b/rationale.md", "Why.");
        assert_eq!(keys(), (a, keys().1), "another task's file");
        let (_, b) = keys();
        write("data/leaderboards/a.json", "{}");
        let (a2, b2) = keys();
        assert!(a2 != a && b2 == b, "a task's leaderboard is its own");
        write("content/news/2026-01-01-x.md", "news");
        assert_eq!(keys(), (a2, b2), "news is not on task pages");
        for shared in [
            "data/systems.yaml",
            "medal.toml",
            "themes/t/templates/x.html",
        ] {
            let before = keys();
            write(shared, shared);
            let after = keys();
            assert!(after.0 != before.0 && after.1 != before.1, "{shared}");
        }
    }

    #[test]
    fn a_recorded_build_is_kept_until_its_output_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        portal(dir.path());
        let (cache, out) = (dir.path().join(".cache"), dir.path().join("public"));
        std::fs::create_dir_all(out.join("tasks")).unwrap();
        std::fs::write(out.join("tasks/index.html"), "page").unwrap();
        let h = inputs(dir.path(), "").unwrap().total;
        assert_eq!(unchanged(&cache, &h, &out), None, "nothing recorded yet");
        record(&cache, &h, &out, kept());
        assert_eq!(unchanged(&cache, &h, &out), Some(kept()));
        let other = blake3::hash(b"other inputs");
        assert_eq!(unchanged(&cache, &other, &out), None);
        std::fs::write(out.join("extra.html"), "").unwrap();
        assert_eq!(
            unchanged(&cache, &h, &out),
            None,
            "a file added to the output"
        );
        std::fs::remove_file(out.join("extra.html")).unwrap();
        assert_eq!(unchanged(&cache, &h, &out), Some(kept()));
        std::fs::write(out.join("tasks/index.html"), "pagE!").unwrap();
        assert_eq!(
            unchanged(&cache, &h, &out),
            None,
            "a file changed in the output"
        );
        record(&cache, &h, &out, kept());
        std::fs::remove_dir_all(&out).unwrap();
        assert_eq!(unchanged(&cache, &h, &out), None, "the output removed");
    }
}
