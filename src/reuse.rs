//! Content-addressed caches of finished output, kept between builds beside the ranking cache
//! (`[build] cache_dir`), so a rebuild does again only the work whose input changed.
//!
//! - **Pages** (`_pages/`): what decides an HTML page (its template name and context, every
//!   template of the theme, the site globals, the minify setting, the rendering code and the
//!   versions of Tera and minify-html), hashed, gives its finished bytes and its link scan, so
//!   an unchanged page is neither rendered nor minified nor scanned. Contexts are built
//!   afresh from the content, except for a task's own pages whose input files are unchanged
//!   (`_pages/_tasks/`, keyed by [`crate::fingerprint::Inputs::task_keys`]): those come back
//!   without their contexts being built.
//! - **Search** (`_search/`): the whole Pagefind bundle, keyed by every HTML page's path and
//!   bytes in order. One edit anywhere rebuilds it (the index is one structure); a rebuild
//!   without content changes reads it back.
//!
//! Keys also cover the code that produces the cached value (this module, the link scanner,
//! the search module, and `Cargo.lock` for the minifier's and the indexer's versions), so an
//! upgrade recomputes. Entries repeat their key inside, are written atomically, and one that
//! cannot be read is recomputed: the caches only ever make a build faster, and a warm build
//! writes the same bytes as a cold one. Folder names start with `_`, which no task id can.

use crate::output::{OutFile, PageLinks};
use crate::store::{hash_str, hasher, keep_only, lock, write_atomically};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What decides a cached page besides its template, its context and the site (see
/// [`site_inputs`]): the minifier's settings, the link scanner, how a context reaches Tera,
/// and the versions of Tera and minify-html.
const PAGE_CODE: &[&str] = &[
    env!("CARGO_PKG_VERSION"),
    include_str!("reuse.rs"),
    include_str!("links.rs"),
    include_str!("render/mod.rs"),
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
const TASKS_DIR: &str = "_tasks";
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

/// What every page depends on besides its own template name and context: all the theme's
/// templates (a page's template may extend, include or import any), the site globals, and
/// whether pages are minified.
pub fn site_inputs<'a>(
    templates: impl IntoIterator<Item = (&'a str, &'a str)>,
    globals: &serde_json::Value,
    minify: bool,
) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    for (name, text) in templates {
        hash_str(&mut h, name);
        hash_str(&mut h, text);
    }
    hash_value(&mut h, globals);
    h.update(&[u8::from(minify)]);
    h.finalize()
}

/// Feeds a JSON value to `h`, tagged and length-prefixed so that different values never give
/// the same bytes. Walking the tree is several times cheaper than serializing it (no escaping,
/// no number formatting), and contexts are most of a warm build's bytes.
fn hash_value(h: &mut blake3::Hasher, v: &serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Null => {
            h.update(b"n");
        }
        Value::Bool(b) => {
            h.update(if *b { b"t" } else { b"f" });
        }
        Value::Number(n) => {
            // Tera prints 1 and 1.0 differently: the kind is part of the value.
            if let Some(u) = n.as_u64() {
                h.update(b"u");
                h.update(&u.to_le_bytes());
            } else if let Some(i) = n.as_i64() {
                h.update(b"i");
                h.update(&i.to_le_bytes());
            } else {
                h.update(b"d");
                h.update(&n.as_f64().unwrap_or(f64::NAN).to_bits().to_le_bytes());
            }
        }
        Value::String(s) => {
            h.update(b"s");
            hash_str(h, s);
        }
        Value::Array(a) => {
            h.update(b"a");
            h.update(&(a.len() as u64).to_le_bytes());
            for x in a {
                hash_value(h, x);
            }
        }
        Value::Object(m) => {
            h.update(b"o");
            h.update(&(m.len() as u64).to_le_bytes());
            for (k, x) in m {
                hash_str(h, k);
                hash_value(h, x);
            }
        }
    }
}

/// Finished pages by the hash of what decides them (template name, context, the site's
/// inputs and the code), for one build at a time: a hit skips Tera and the minifier. It
/// records which entries the build used, which link scans it found, and which pages it must
/// store.
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
    /// Pages rendered by this build, by output path: their keys, to store with their scans.
    fresh: Mutex<HashMap<String, String>>,
    /// Task entries read or written by this build (the rest are swept).
    used_tasks: Mutex<HashSet<String>>,
}

/// A task's own pages in one language, by the hash of the files they are made from (see
/// [`crate::fingerprint::Inputs::task_keys`]): their output paths and page keys. A hit
/// skips building the pages' contexts too.
#[derive(Serialize, Deserialize)]
struct TaskEntry {
    key: String,
    pages: Vec<(String, String)>,
}

#[derive(Serialize, Deserialize)]
struct PageEntry {
    /// Repeated inside the file so a renamed or truncated file is never taken for another key.
    key: String,
    links: Vec<String>,
    anchors: Vec<String>,
    // One copy instead of a call per byte when read back.
    #[serde(with = "serde_bytes")]
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
            used_tasks: Mutex::default(),
        }
    }

    /// `(hits, misses)` of this build.
    pub fn stats(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// The key of a page: its template and context, with `site` from [`site_inputs`].
    pub fn key(&self, site: &blake3::Hash, template: &str, ctx: &serde_json::Value) -> String {
        let mut h = self.seed.clone();
        h.update(site.as_bytes());
        hash_str(&mut h, template);
        hash_value(&mut h, ctx);
        h.finalize().to_hex().to_string()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.bin"))
    }

    /// The finished bytes of the page at `path` under `key`, when cached (its link scan is
    /// kept for [`PageCache::scans`]).
    pub fn get(&self, path: &str, key: &str) -> Option<Vec<u8>> {
        let Some(entry) = self.read(key) else {
            self.misses.fetch_add(1, Ordering::Relaxed);
            lock(&self.fresh).insert(path.to_string(), key.to_string());
            return None;
        };
        Some(self.hit(path, entry))
    }

    /// A page taken from the cache: counted, its entry kept from the sweep, its link scan
    /// kept for [`PageCache::scans`]; returns its bytes.
    fn hit(&self, path: &str, entry: PageEntry) -> Vec<u8> {
        self.hits.fetch_add(1, Ordering::Relaxed);
        let links = PageLinks {
            links: entry.links,
            anchors: entry.anchors.into_iter().collect(),
        };
        lock(&self.scans).insert(path.to_string(), Arc::new(links));
        lock(&self.used).insert(entry.key);
        entry.bytes
    }

    fn task_path(&self, key: &str) -> PathBuf {
        self.dir.join(TASKS_DIR).join(format!("{key}.bin"))
    }

    /// The pages recorded under a task's input `key` by [`PageCache::remember_task`], when
    /// every one of them is still cached: all of them or none.
    pub fn task_pages(&self, key: &str) -> Option<Vec<OutFile>> {
        let bytes = std::fs::read(self.task_path(key)).ok()?;
        let entry: TaskEntry = postcard::from_bytes(&bytes).ok()?;
        if entry.key != key {
            return None;
        }
        let pages: Vec<(String, PageEntry)> = entry
            .pages
            .into_iter()
            .map(|(path, k)| Some((path, self.read(&k)?)))
            .collect::<Option<_>>()?;
        lock(&self.used_tasks).insert(key.to_string());
        Some(
            pages
                .into_iter()
                .map(|(path, e)| OutFile {
                    bytes: self.hit(&path, e),
                    path,
                })
                .collect(),
        )
    }

    /// Records which pages (output path, page key) a task's input `key` gave. The pages
    /// themselves are stored by [`PageCache::store`].
    pub fn remember_task(&self, key: &str, pages: Vec<(String, String)>) {
        let entry = TaskEntry {
            key: key.to_string(),
            pages,
        };
        if let Ok(bytes) = postcard::to_stdvec(&entry) {
            let _ = write_atomically(&self.task_path(key), &bytes);
        }
        lock(&self.used_tasks).insert(key.to_string());
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

    /// Stores the pages rendered by this build with their link scans (`scans`, by output
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
        let used_tasks = lock(&self.used_tasks);
        let Ok(shards) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for shard in shards.flatten() {
            let used = match shard.file_name() == TASKS_DIR {
                true => &*used_tasks,
                false => &*used,
            };
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

/// The search bundle of a site, cached whole.
#[derive(Debug)]
pub struct SearchCache {
    dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct SearchEntry {
    key: String,
    files: Vec<(String, serde_bytes::ByteBuf)>,
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
                .map(|(path, bytes)| OutFile {
                    path,
                    bytes: bytes.into_vec(),
                })
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
                .map(|f| (f.path.clone(), serde_bytes::ByteBuf::from(f.bytes.clone())))
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

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!doctype html><html lang=en><head><title>T</title></head>\n<body>\n  <p id=\"x\">Hello   <a href=\"/a/\">a</a></p>\n</body></html>";

    fn scan_of(bytes: &[u8]) -> HashMap<String, Arc<PageLinks>> {
        let scan = crate::links::scan(&String::from_utf8_lossy(bytes));
        HashMap::from([("p/index.html".to_string(), Arc::new(scan))])
    }

    fn site() -> blake3::Hash {
        site_inputs(
            [("p.html", "<p>{{ x }}</p>")],
            &serde_json::json!({"site": {}}),
            true,
        )
    }

    /// One build of a one-page site whose context is `ctx`: a miss, rendered (here: `PAGE`
    /// minified), then stored.
    fn build_once(dir: &Path, ctx: &serde_json::Value) -> (PageCache, Vec<u8>) {
        let c = PageCache::new(dir);
        let key = c.key(&site(), "p.html", ctx);
        assert!(c.get("p/index.html", &key).is_none());
        let bytes = minify(PAGE.as_bytes());
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
        let ctx = serde_json::json!({"x": "Hello"});
        let (cold, bytes) = build_once(dir.path(), &ctx);
        assert_eq!(cold.stats(), (0, 1));

        let warm = PageCache::new(dir.path());
        let key = warm.key(&site(), "p.html", &ctx);
        assert_eq!(warm.get("p/index.html", &key), Some(bytes.clone()));
        assert_eq!(warm.stats(), (1, 0));
        assert_eq!(warm.scans(), scan_of(&bytes));
        // Another context is another key.
        let other = warm.key(&site(), "p.html", &serde_json::json!({"x": "Hallo"}));
        assert_eq!(warm.get("p/index.html", &other), None);
        assert_eq!(warm.stats(), (1, 1));
    }

    #[test]
    fn the_page_key_follows_everything_a_page_depends_on() {
        use serde_json::json;
        let c = PageCache::new(Path::new("unused"));
        let key = |site: &blake3::Hash, template: &str, ctx: serde_json::Value| {
            c.key(site, template, &ctx)
        };
        let base = key(&site(), "p.html", json!({"x": ["ab"]}));
        assert_eq!(base, key(&site(), "p.html", json!({"x": ["ab"]})));
        for (what, other) in [
            ("template", key(&site(), "q.html", json!({"x": ["ab"]}))),
            (
                "split strings",
                key(&site(), "p.html", json!({"x": ["a", "b"]})),
            ),
            ("key", key(&site(), "p.html", json!({"y": ["ab"]}))),
            ("null", key(&site(), "p.html", json!({"x": null}))),
        ] {
            assert_ne!(base, other, "{what}");
        }
        // Tera prints 1 and 1.0 differently.
        assert_ne!(
            key(&site(), "p.html", json!({"x": 1})),
            key(&site(), "p.html", json!({"x": 1.0}))
        );
        let globals = json!({"site": {}});
        for (what, inputs) in [
            (
                "template text",
                site_inputs([("p.html", "<p>{{ x }}!</p>")], &globals, true),
            ),
            (
                "another template",
                site_inputs(
                    [("p.html", "<p>{{ x }}</p>"), ("b.html", "")],
                    &globals,
                    true,
                ),
            ),
            (
                "globals",
                site_inputs(
                    [("p.html", "<p>{{ x }}</p>")],
                    &json!({"site": {"title": "M"}}),
                    true,
                ),
            ),
            (
                "minify",
                site_inputs([("p.html", "<p>{{ x }}</p>")], &globals, false),
            ),
        ] {
            assert_ne!(base, key(&inputs, "p.html", json!({"x": ["ab"]})), "{what}");
        }
    }

    #[test]
    fn sweep_keeps_only_what_the_build_used() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (first, second) = (
            serde_json::json!({"x": "Hello"}),
            serde_json::json!({"x": "Hallo"}),
        );
        build_once(dir.path(), &first);
        let (c, _) = build_once(dir.path(), &second);
        c.sweep();
        let warm = PageCache::new(dir.path());
        for ctx in [&first, &second] {
            warm.get("p/index.html", &warm.key(&site(), "p.html", ctx));
        }
        assert_eq!(warm.stats(), (1, 1), "the first page's entry was swept");
    }

    #[test]
    fn a_damaged_entry_is_rendered_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ctx = serde_json::json!({"x": "Hello"});
        let (c, _) = build_once(dir.path(), &ctx);
        let key = c.key(&site(), "p.html", &ctx);
        let path = c.path(&key);
        let mut damaged = std::fs::read(&path).expect("entry");
        damaged.truncate(damaged.len() / 2);
        std::fs::write(&path, damaged).expect("write");
        let again = PageCache::new(dir.path());
        assert_eq!(again.get("p/index.html", &key), None);
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
