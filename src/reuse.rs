//! Content-addressed caches of finished output, kept between builds beside the ranking cache
//! (`[build] cache_dir`), so a rebuild does again only the work whose input changed.
//!
//! - **Pages** (`_pages/`): a page's template output (before minification), hashed, gives its
//!   minified bytes and its link scan. Minifying and scanning are most of the per-page cost
//!   after rendering; the template output itself is always rendered, so nothing a page shows
//!   can come from a stale entry.
//! - **Search** (`_search/`): the whole Pagefind bundle, keyed by every HTML page's path and
//!   bytes in order. One edit anywhere rebuilds it (the index is one structure); a rebuild
//!   without content changes reads it back.
//!
//! Keys also cover the code that produces the cached value (this module, the link scanner,
//! the search module, and `Cargo.lock` for the minifier's and the indexer's versions), so an
//! upgrade recomputes. Entries repeat their key inside, are written atomically, and one that
//! cannot be read is recomputed: the caches only ever make a build faster, and a warm build
//! writes the same bytes as a cold one. Folder names start with `_`, which no task id can.

use crate::links::PageLinks;
use crate::render::OutFile;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What decides a cached page besides its template output.
const PAGE_CODE: &[&str] = &[
    env!("CARGO_PKG_VERSION"),
    include_str!("reuse.rs"),
    include_str!("links.rs"),
    include_str!("../Cargo.lock"),
];

/// What decides the search bundle besides the pages.
const SEARCH_CODE: &[&str] = &[
    env!("CARGO_PKG_VERSION"),
    include_str!("reuse.rs"),
    include_str!("search.rs"),
    include_str!("../Cargo.lock"),
];

const PAGES_DIR: &str = "_pages";
const SEARCH_DIR: &str = "_search";

/// The minifier's settings: attributes and closing tags kept where browsers and the link
/// checker need them; inline CSS and JS minified too.
pub fn minify(html: &[u8]) -> Vec<u8> {
    let cfg = minify_html::Cfg {
        minify_css: true,
        minify_js: true,
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        ..minify_html::Cfg::default()
    };
    minify_html::minify(html, &cfg)
}

/// A hasher primed with `code` (each part length-prefixed): the sources and versions that
/// decide a cached value, so changing any of them changes every key.
pub(crate) fn hasher(code: &[&str]) -> blake3::Hasher {
    let mut h = blake3::Hasher::new();
    for part in code {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h
}

/// Finished pages by the hash of their template output, for one build at a time: it records
/// which entries the build used, which link scans it found, and which pages it must store.
#[derive(Debug)]
pub struct PageCache {
    dir: PathBuf,
    /// The hasher state after the code parts, cloned per page.
    seed: blake3::Hasher,
    hits: AtomicUsize,
    misses: AtomicUsize,
    /// Keys read or written by this build (the rest are swept).
    used: Mutex<HashSet<String>>,
    /// Link scans of pages that came from the cache, by output path.
    scans: Mutex<HashMap<String, Arc<PageLinks>>>,
    /// Pages minified by this build, by output path: their keys, to store with their scans.
    fresh: Mutex<HashMap<String, String>>,
}

#[derive(Serialize, Deserialize)]
struct PageEntry {
    /// Repeated inside the file so a renamed or truncated file is never taken for another key.
    key: String,
    links: Vec<String>,
    anchors: Vec<String>,
    bytes: Vec<u8>,
}

impl PageCache {
    /// The page cache under `cache_dir` (the ranking cache's folder).
    pub fn new(cache_dir: &Path) -> Self {
        PageCache {
            dir: cache_dir.join(PAGES_DIR),
            seed: hasher(PAGE_CODE),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            used: Mutex::default(),
            scans: Mutex::default(),
            fresh: Mutex::default(),
        }
    }

    /// `(hits, misses)` of this build.
    pub fn stats(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    fn key(&self, html: &[u8]) -> String {
        let mut h = self.seed.clone();
        h.update(html);
        h.finalize().to_hex().to_string()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.bin"))
    }

    /// The minified bytes of the page at `path` whose template output is `html`: from the
    /// cache (its link scan is kept for [`PageCache::scans`]) or minified now (and noted for
    /// [`PageCache::store`]).
    pub fn minified(&self, path: &str, html: &[u8]) -> Vec<u8> {
        let key = self.key(html);
        if let Some(entry) = self.read(&key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            let links = PageLinks {
                links: entry.links,
                anchors: entry.anchors.into_iter().collect(),
            };
            lock(&self.scans).insert(path.to_string(), Arc::new(links));
            lock(&self.used).insert(key);
            return entry.bytes;
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        lock(&self.fresh).insert(path.to_string(), key);
        minify(html)
    }

    fn read(&self, key: &str) -> Option<PageEntry> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        let entry: PageEntry = postcard::from_bytes(&bytes).ok()?;
        (entry.key == key).then_some(entry)
    }

    /// The link scans of the pages that came from the cache, by output path.
    pub fn scans(&self) -> HashMap<String, Arc<PageLinks>> {
        std::mem::take(&mut *lock(&self.scans))
    }

    /// Stores the pages minified by this build with their link scans (`scans`, by output
    /// path). Failures are ignored: the next build minifies again.
    pub fn store(&self, files: &[OutFile], scans: &HashMap<String, Arc<PageLinks>>) {
        use rayon::prelude::*;
        let fresh = std::mem::take(&mut *lock(&self.fresh));
        let stored: Vec<String> = files
            .par_iter()
            .filter_map(|f| {
                let key = fresh.get(&f.path)?;
                let scan = scans.get(&f.path)?;
                let mut anchors: Vec<String> = scan.anchors.iter().cloned().collect();
                anchors.sort_unstable();
                let entry = PageEntry {
                    key: key.clone(),
                    links: scan.links.clone(),
                    anchors,
                    bytes: f.bytes.clone(),
                };
                write_atomically(&self.path(key), &postcard::to_stdvec(&entry).ok()?)?;
                Some(key.clone())
            })
            .collect();
        lock(&self.used).extend(stored);
    }

    /// Removes the entries this build did not use, so the cache holds one site's pages.
    pub fn sweep(&self) {
        let used = lock(&self.used);
        let Ok(shards) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for shard in shards.flatten() {
            let Ok(list) = std::fs::read_dir(shard.path()) else {
                continue;
            };
            for f in list.flatten() {
                let name = f.file_name();
                let name = name.to_string_lossy();
                let key = name.strip_suffix(".bin").unwrap_or(&name);
                if !used.contains(key) {
                    let _ = std::fs::remove_file(f.path());
                }
            }
        }
    }
}

/// A poisoned lock only means another page's thread panicked; its data is still usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Writes a cache entry whole or not at all (a temporary file, then a rename); `None` when
/// that failed, which a cache ignores.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Option<()> {
    let dir = path.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).ok()?;
    tmp.write_all(bytes).ok()?;
    tmp.persist(path).ok()?;
    Some(())
}

/// The search bundle of a site, cached whole.
#[derive(Debug)]
pub struct SearchCache {
    dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct SearchEntry {
    key: String,
    files: Vec<(String, Vec<u8>)>,
    pages: usize,
}

impl SearchCache {
    pub fn new(cache_dir: &Path) -> Self {
        SearchCache {
            dir: cache_dir.join(SEARCH_DIR),
        }
    }

    /// The key of a site's bundle: its HTML pages (path and bytes, in order) and `language`.
    pub fn key<'a>(pages: impl IntoIterator<Item = (&'a str, &'a [u8])>, language: &str) -> String {
        let mut h = hasher(SEARCH_CODE);
        h.update(&(language.len() as u64).to_le_bytes());
        h.update(language.as_bytes());
        for (path, bytes) in pages.into_iter().filter(|(p, _)| p.ends_with(".html")) {
            h.update(&(path.len() as u64).to_le_bytes());
            h.update(path.as_bytes());
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
        h.finalize().to_hex().to_string()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.bin"))
    }

    /// The bundle stored under `key` and its page count.
    pub fn get(&self, key: &str) -> Option<(Vec<OutFile>, usize)> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        let entry: SearchEntry = postcard::from_bytes(&bytes).ok()?;
        (entry.key == key).then(|| {
            let files = entry
                .files
                .into_iter()
                .map(|(path, bytes)| OutFile { path, bytes })
                .collect();
            (files, entry.pages)
        })
    }

    /// Stores `files` under `key`, replacing the previous bundle. Failures are ignored.
    pub fn store(&self, key: &str, files: &[OutFile], pages: usize) {
        let entry = SearchEntry {
            key: key.to_string(),
            files: files
                .iter()
                .map(|f| (f.path.clone(), f.bytes.clone()))
                .collect(),
            pages,
        };
        let Ok(bytes) = postcard::to_stdvec(&entry) else {
            return;
        };
        if write_atomically(&self.path(key), &bytes).is_some() {
            keep_only(&self.dir, key);
        }
    }
}

/// Removes the entries (`<key>.bin`) in `dir` other than `key`'s.
pub(crate) fn keep_only(dir: &Path, key: &str) {
    let current = format!("{key}.bin");
    if let Ok(list) = std::fs::read_dir(dir) {
        for f in list.flatten() {
            let name = f.file_name();
            if name.to_string_lossy().ends_with(".bin") && name != current.as_str() {
                let _ = std::fs::remove_file(f.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!doctype html><html lang=en><head><title>T</title></head>\n<body>\n  <p id=\"x\">Hello   <a href=\"/a/\">a</a></p>\n</body></html>";

    fn scan_of(bytes: &[u8]) -> HashMap<String, Arc<PageLinks>> {
        let scan = crate::links::scan(&String::from_utf8_lossy(bytes));
        HashMap::from([("p/index.html".to_string(), Arc::new(scan))])
    }

    /// One build of a one-page site with template output `html`: minified, then stored.
    fn build_once(dir: &Path, html: &str) -> (PageCache, Vec<u8>) {
        let c = PageCache::new(dir);
        let bytes = c.minified("p/index.html", html.as_bytes());
        let file = OutFile {
            path: "p/index.html".into(),
            bytes: bytes.clone(),
        };
        c.store(std::slice::from_ref(&file), &scan_of(&bytes));
        (c, bytes)
    }

    #[test]
    fn a_page_comes_back_with_its_bytes_and_scan() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (cold, bytes) = build_once(dir.path(), PAGE);
        assert_eq!(bytes, minify(PAGE.as_bytes()));
        assert_eq!(cold.stats(), (0, 1));

        let warm = PageCache::new(dir.path());
        assert_eq!(warm.minified("p/index.html", PAGE.as_bytes()), bytes);
        assert_eq!(warm.stats(), (1, 0));
        assert_eq!(warm.scans(), scan_of(&bytes));
        // Another template output is another key.
        let other = PAGE.replace("Hello", "Hallo");
        assert_ne!(warm.minified("p/index.html", other.as_bytes()), bytes);
        assert_eq!(warm.stats(), (1, 1));
    }

    #[test]
    fn sweep_keeps_only_what_the_build_used() {
        let dir = tempfile::tempdir().expect("tempdir");
        build_once(dir.path(), PAGE);
        let (second, _) = build_once(dir.path(), &PAGE.replace("Hello", "Hallo"));
        second.sweep();
        let warm = PageCache::new(dir.path());
        warm.minified("p/index.html", PAGE.as_bytes());
        warm.minified("p/index.html", PAGE.replace("Hello", "Hallo").as_bytes());
        assert_eq!(warm.stats(), (1, 1), "the first page's entry was swept");
    }

    #[test]
    fn a_damaged_entry_is_minified_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (c, bytes) = build_once(dir.path(), PAGE);
        let path = c.path(&c.key(PAGE.as_bytes()));
        let mut damaged = std::fs::read(&path).expect("entry");
        damaged.truncate(damaged.len() / 2);
        std::fs::write(&path, damaged).expect("write");
        let again = PageCache::new(dir.path());
        assert_eq!(again.minified("p/index.html", PAGE.as_bytes()), bytes);
        assert_eq!(again.stats(), (0, 1));
    }

    #[test]
    fn the_search_key_follows_every_page() {
        let a = [("a/index.html", b"<p>a</p>".as_slice()), ("x.css", b"p{}")];
        let key = SearchCache::key(a, "en");
        assert_eq!(key, SearchCache::key(a, "en"));
        assert_ne!(key, SearchCache::key(a, "de"));
        assert_ne!(
            key,
            SearchCache::key([("a/index.html", b"<p>b</p>".as_slice())], "en")
        );
        // Only pages are indexed: other files do not change the key.
        assert_eq!(
            key,
            SearchCache::key([("a/index.html", b"<p>a</p>".as_slice())], "en")
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = SearchCache::new(dir.path());
        assert!(cache.get(&key).is_none());
        let files = vec![OutFile {
            path: "pagefind/pagefind.js".into(),
            bytes: b"js".to_vec(),
        }];
        cache.store(&key, &files, 1);
        assert_eq!(cache.get(&key), Some((files, 1)));
        cache.store("other", &[], 0);
        assert!(cache.get(&key).is_none(), "one bundle is kept");
    }
}
