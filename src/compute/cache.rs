//! An on-disk cache of per-task ranking results, so an unchanged leaderboard is not ranked and
//! bootstrapped again on the next build.
//!
//! An entry is keyed by a BLAKE3 hash of the task's `evaluation` block, its leaderboard and the
//! ranking engine itself (the source of [`super::ranking`], [`super::uncertainty`],
//! [`super::exact`] and this module, compiled in), so editing any of them, or upgrading
//! `medal`, recomputes. Entries are postcard-encoded, which keeps every `f64` bit for bit: a
//! warm build writes the same bytes as a cold one.
//!
//! The cache only ever speeds a build up: an entry that cannot be read, decoded or written is
//! recomputed (or left unwritten) and never fails the build.

use super::ranking::TaskRanking;
use super::uncertainty::Uncertainty;
use crate::model::{Leaderboard, Task};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Everything that decides the computed result besides the inputs: changing the engine's
/// source changes every key.
const ENGINE: &[&str] = &[
    env!("CARGO_PKG_VERSION"),
    include_str!("ranking.rs"),
    include_str!("uncertainty.rs"),
    include_str!("exact.rs"),
    include_str!("cache.rs"),
];

/// A folder of cached rankings: `<dir>/<task id>/<key>.bin`, one current entry per task.
#[derive(Debug)]
pub struct RankingCache {
    dir: PathBuf,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

/// What one task's ranking computes, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedRanking {
    pub ranking: TaskRanking,
    pub uncertainty: Option<Uncertainty>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    /// Repeated inside the file so a renamed or truncated file is never taken for another key.
    key: String,
    value: CachedRanking,
}

impl RankingCache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        RankingCache {
            dir: dir.into(),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `(hits, misses)` since this cache was opened.
    pub fn stats(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// The key of a task's results: hex BLAKE3 over the engine (each part length-prefixed),
    /// then the evaluation block and the leaderboard as JSON streamed into the hasher (a JSON
    /// value is self-delimiting; a 0xFF byte, never in UTF-8, separates the two).
    pub fn key(task: &Task, lb: &Leaderboard) -> String {
        use std::io::Write;
        let mut h = crate::store::hasher(ENGINE);
        {
            // The serializer writes a token at a time; the hasher is fast on large blocks.
            let mut w = std::io::BufWriter::with_capacity(1 << 16, &mut h);
            // Cannot fail: string keys only, and the loader refuses non-finite numbers.
            let _ = serde_json::to_writer(&mut w, &task.evaluation);
            let _ = w.write_all(&[0xFF]);
            let _ = serde_json::to_writer(&mut w, lb);
            let _ = w.flush();
        }
        h.finalize().to_hex().to_string()
    }

    fn path(&self, task_id: &str, key: &str) -> PathBuf {
        self.dir.join(task_id).join(format!("{key}.bin"))
    }

    /// The task's results from the cache, or from `compute` (then stored). `None` when
    /// `compute` gives none (nothing is stored then).
    pub fn get_or_compute(
        &self,
        task: &Task,
        lb: &Leaderboard,
        compute: impl FnOnce() -> Option<CachedRanking>,
    ) -> Option<CachedRanking> {
        let id = task.id.as_str();
        let key = Self::key(task, lb);
        if let Some(v) = self.read(id, &key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Some(v);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let value = compute()?;
        self.store(id, &key, &value);
        Some(value)
    }

    fn read(&self, task_id: &str, key: &str) -> Option<CachedRanking> {
        let bytes = std::fs::read(self.path(task_id, key)).ok()?;
        let entry: Entry = postcard::from_bytes(&bytes).ok()?;
        (entry.key == key).then_some(entry.value)
    }

    /// Writes the entry atomically (temporary file, then rename) and removes the task's older
    /// entries. Failures are ignored: the next build computes again.
    fn store(&self, task_id: &str, key: &str, value: &CachedRanking) {
        let entry = Entry {
            key: key.to_string(),
            value: value.clone(),
        };
        let Ok(bytes) = postcard::to_stdvec(&entry) else {
            return;
        };
        if crate::store::write_atomically(&self.path(task_id, key), &bytes).is_some() {
            crate::store::keep_only(&self.dir.join(task_id), key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::{ranking, uncertainty};

    /// A released demo task with a bootstrap, and its leaderboard.
    fn demo_task() -> (Task, Leaderboard) {
        let portal = crate::load::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("demo");
        portal
            .leaderboards
            .iter()
            .find_map(|lb| {
                let b = portal.tasks.iter().find(|b| b.task.id == lb.task)?;
                let boot = b.task.evaluation.as_ref()?.ranking.as_ref()?.bootstrap.n > 0;
                boot.then(|| (b.task.clone(), (**lb).clone()))
            })
            .expect("a demo task with a bootstrap")
    }

    fn run(task: &Task, lb: &Leaderboard) -> Option<CachedRanking> {
        let ranking = ranking::rank_task(task, lb)?;
        let uncertainty = uncertainty::analyse(task, lb, &ranking);
        Some(CachedRanking {
            ranking,
            uncertainty,
        })
    }

    /// Bit-exact comparison (the p-value matrices hold NaN on the diagonal).
    fn bytes(v: &CachedRanking) -> Vec<u8> {
        postcard::to_stdvec(v).expect("encodes")
    }

    #[test]
    fn a_second_run_reads_the_same_bits_from_disk() {
        let (task, lb) = demo_task();
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = RankingCache::new(dir.path());
        let cold = cache
            .get_or_compute(&task, &lb, || run(&task, &lb))
            .expect("computed");
        assert_eq!(cache.stats(), (0, 1));
        let warm = cache
            .get_or_compute(&task, &lb, || panic!("must come from the cache"))
            .expect("cached");
        assert_eq!(cache.stats(), (1, 1));
        assert_eq!(bytes(&cold), bytes(&warm));
        assert_eq!(bytes(&warm), bytes(&run(&task, &lb).expect("fresh")));
    }

    #[test]
    fn the_key_follows_the_leaderboard_and_the_evaluation_block() {
        let (task, lb) = demo_task();
        let key = RankingCache::key(&task, &lb);
        assert_eq!(key, RankingCache::key(&task, &lb));
        let mut lb2 = lb.clone();
        lb2.updated = crate::model::Date::parse("2030-01-01").expect("date");
        assert_ne!(key, RankingCache::key(&task, &lb2));
        let mut task2 = task.clone();
        if let Some(r) = task2.evaluation.as_mut().and_then(|e| e.ranking.as_mut()) {
            r.bootstrap.seed += 1;
        }
        assert_ne!(key, RankingCache::key(&task2, &lb));
        // The task's prose is not part of the key: editing it must not recompute.
        let mut task3 = task.clone();
        task3.title = "Another title".into();
        assert_eq!(key, RankingCache::key(&task3, &lb));
    }

    #[test]
    fn a_changed_leaderboard_replaces_the_old_entry() {
        let (task, lb) = demo_task();
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = RankingCache::new(dir.path());
        cache.get_or_compute(&task, &lb, || run(&task, &lb));
        let mut lb2 = lb.clone();
        lb2.updated = crate::model::Date::parse("2030-01-01").expect("date");
        cache.get_or_compute(&task, &lb2, || run(&task, &lb2));
        assert_eq!(cache.stats(), (0, 2));
        let files: Vec<_> = std::fs::read_dir(dir.path().join(task.id.as_str()))
            .expect("task folder")
            .flatten()
            .map(|f| f.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files, [format!("{}.bin", RankingCache::key(&task, &lb2))]);
    }

    #[test]
    fn a_damaged_entry_is_recomputed_not_trusted() {
        let (task, lb) = demo_task();
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = RankingCache::new(dir.path());
        let fresh = cache
            .get_or_compute(&task, &lb, || run(&task, &lb))
            .expect("computed");
        let path = cache.path(task.id.as_str(), &RankingCache::key(&task, &lb));
        let mut damaged = std::fs::read(&path).expect("entry");
        damaged.truncate(damaged.len() / 2);
        std::fs::write(&path, damaged).expect("write");
        let again = cache
            .get_or_compute(&task, &lb, || run(&task, &lb))
            .expect("recomputed");
        assert_eq!(cache.stats(), (0, 2));
        assert_eq!(bytes(&fresh), bytes(&again));
        // An intact file under another key's name is not taken for that key either.
        let other = cache.path(task.id.as_str(), "0000");
        std::fs::copy(&path, &other).expect("copy");
        assert!(cache.read(task.id.as_str(), "0000").is_none());
    }

    #[test]
    fn an_unwritable_cache_still_computes() {
        let (task, lb) = demo_task();
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("not-a-folder");
        std::fs::write(&file, "x").expect("write");
        let cache = RankingCache::new(&file);
        assert!(
            cache
                .get_or_compute(&task, &lb, || run(&task, &lb))
                .is_some()
        );
        assert!(
            cache
                .get_or_compute(&task, &lb, || run(&task, &lb))
                .is_some()
        );
        assert_eq!(cache.stats(), (0, 2));
    }
}
