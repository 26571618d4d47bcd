//! `medal serve`: a local HTTP server for the last good build, live reload over server-sent
//! events, and a debounced watcher of the portal's sources. The command line drives them (see
//! `src/bin/medal/serve.rs`); rebuilding is [`crate::incremental`].
//!
//! The server answers only with files the build produced, looked up by exact path in the
//! published site (never by opening a path from the request), so no request can reach
//! another file; paths with `..` segments are refused outright. The reload script is served
//! at `<base>__medal/reload.js` and added to HTML pages as they are sent, so built output
//! never contains it; it is a file from our own origin, as the pages' CSP requires.

use crate::incremental::Files;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const RELOAD_JS: &str = include_str!("reload.js");
/// The folder (under the base path) of the server's own files; no build output has it, as
/// output paths come from slugs and theme file names.
const OWN: &str = "__medal/";

/// Interface strings per language code, then per key.
pub type Strings = BTreeMap<String, BTreeMap<String, String>>;

/// What the server publishes: the site, its build number, and the diagnostics of a failed
/// rebuild (shown in the overlay) if the last attempt failed.
struct Published {
    files: Arc<Files>,
    build: u64,
    error: Option<String>,
    /// The pages the last build changed, when only those need reloading (`None`: all).
    changed: Option<Vec<String>>,
}

struct Shared {
    site: RwLock<Published>,
    /// One sender per open event stream.
    listeners: Mutex<Vec<Sender<String>>>,
    /// `/sub/`: the base path the site is served under.
    base: String,
    /// The overlay's strings per language code (the theme's `serve_*` interface strings).
    strings: RwLock<Strings>,
    stopping: AtomicBool,
}

/// A running server. Dropping it (or [`Server::stop`]) stops it.
pub struct Server {
    http: Arc<tiny_http::Server>,
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
    addr: SocketAddr,
}

impl Server {
    /// Listens on `addr` (port 0 picks a free port) and serves `files` under the base path
    /// `base` (`/` or `/sub/`).
    pub fn start(addr: SocketAddr, base: &str, files: Arc<Files>) -> std::io::Result<Server> {
        let http = tiny_http::Server::http(addr).map_err(std::io::Error::other)?;
        let addr = http
            .server_addr()
            .to_ip()
            .ok_or_else(|| std::io::Error::other("not an IP address"))?;
        let http = Arc::new(http);
        let shared = Arc::new(Shared {
            site: RwLock::new(Published {
                files,
                build: 1,
                error: None,
                changed: None,
            }),
            listeners: Mutex::new(Vec::new()),
            base: base.to_string(),
            strings: RwLock::new(Strings::new()),
            stopping: AtomicBool::new(false),
        });
        let workers = (0..4)
            .map(|_| {
                let http = http.clone();
                let shared = shared.clone();
                std::thread::spawn(move || {
                    while let Ok(req) = http.recv() {
                        if shared.stopping.load(Ordering::Relaxed) {
                            break;
                        }
                        handle(req, &shared);
                    }
                })
            })
            .collect();
        Ok(Server {
            http,
            shared,
            workers,
            addr,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves a new build and tells the open pages among `changed` (output paths; `None`:
    /// every page) to reload; the others stay as they are, current.
    pub fn publish_pages(&self, files: Arc<Files>, changed: Option<Vec<String>>) {
        if let Ok(mut site) = self.shared.site.write() {
            site.files = files;
            site.build += 1;
            site.error = None;
            site.changed = changed;
        }
        self.broadcast();
    }

    /// Serves `files` from now on without telling open pages (the search index caught up).
    pub fn replace(&self, files: Arc<Files>) {
        if let Ok(mut site) = self.shared.site.write() {
            site.files = files;
        }
    }

    /// The overlay's strings (`title`, `hint`, `label`) per language code, from the theme.
    pub fn set_strings(&self, strings: Strings) {
        if let Ok(mut s) = self.shared.strings.write() {
            *s = strings;
        }
    }

    /// Keeps the last good build and shows `text` (diagnostics) over open pages.
    pub fn show_error(&self, text: String) {
        if let Ok(mut site) = self.shared.site.write() {
            site.error = Some(text);
        }
        self.broadcast();
    }

    fn broadcast(&self) {
        let event = state_event(&self.shared);
        if let Ok(mut l) = self.shared.listeners.lock() {
            l.retain(|tx| tx.send(event.clone()).is_ok());
        }
    }

    /// Stops accepting requests, closes event streams, and waits for the workers.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stopping.store(true, Ordering::Relaxed);
        if let Ok(mut l) = self.shared.listeners.lock() {
            l.clear();
        }
        for _ in &self.workers {
            self.http.unblock();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn state_event(shared: &Shared) -> String {
    let (build, error, changed) = match shared.site.read() {
        Ok(s) => (s.build, s.error.clone(), s.changed.clone()),
        Err(_) => (0, None, None),
    };
    let data = serde_json::json!({"build": build, "error": error, "changed": changed});
    format!("event: state\ndata: {data}\n\n")
}

fn header(name: &str, value: &str) -> Option<tiny_http::Header> {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn respond(req: tiny_http::Request, status: u16, content_type: &str, body: Vec<u8>) {
    let mut resp = tiny_http::Response::from_data(body).with_status_code(status);
    for h in [
        header("Content-Type", content_type),
        header("Cache-Control", "no-store"),
        header("X-Content-Type-Options", "nosniff"),
    ]
    .into_iter()
    .flatten()
    {
        resp.add_header(h);
    }
    let _ = req.respond(resp);
}

fn redirect(req: tiny_http::Request, to: &str) {
    let mut resp = tiny_http::Response::from_data(Vec::new()).with_status_code(301);
    if let Some(h) = header("Location", to) {
        resp.add_header(h);
    }
    let _ = req.respond(resp);
}

/// What a request path asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// A file of the site, by output path.
    File(String),
    /// The same path with a trailing slash (a folder's index page).
    Redirect(String),
    ReloadScript,
    Events,
    /// `..` or a backslash or NUL in the path.
    Forbidden,
    NotFound,
}

/// Maps a request URL to a file of `files` (served under `base`).
pub fn route(url: &str, base: &str, files: &Files) -> Route {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    if decoded.contains('\\')
        || decoded.contains('\0')
        || decoded.split('/').any(|s| s == ".." || s == ".")
    {
        return Route::Forbidden;
    }
    if format!("{decoded}/") == base {
        return Route::Redirect(base.to_string());
    }
    let Some(rel) = decoded.strip_prefix(base) else {
        return Route::NotFound;
    };
    if let Some(own) = rel.strip_prefix(OWN) {
        return match own {
            "reload.js" => Route::ReloadScript,
            "events" => Route::Events,
            _ => Route::NotFound,
        };
    }
    if rel.split('/').any(|s| s.starts_with('.')) {
        // Dot files and staging folders are never part of a site.
        return Route::NotFound;
    }
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if files.contains_key(&key) {
        Route::File(key)
    } else if files.contains_key(&format!("{rel}/index.html")) {
        Route::Redirect(format!("{decoded}/"))
    } else {
        Route::NotFound
    }
}

fn handle(req: tiny_http::Request, shared: &Arc<Shared>) {
    let get = matches!(
        req.method(),
        tiny_http::Method::Get | tiny_http::Method::Head
    );
    if !get {
        return respond(
            req,
            405,
            "text/plain; charset=utf-8",
            b"method not allowed".to_vec(),
        );
    }
    let (files, build) = match shared.site.read() {
        Ok(s) => (s.files.clone(), s.build),
        Err(_) => return respond(req, 500, "text/plain; charset=utf-8", Vec::new()),
    };
    match route(req.url(), &shared.base, &files) {
        Route::File(path) => {
            let bytes = &files[&path];
            let ct = content_type(&path);
            let body = if path.ends_with(".html") {
                inject(bytes, &shared.base, build, &shared.strings)
            } else {
                bytes.to_vec()
            };
            respond(req, 200, ct, body)
        }
        Route::Redirect(to) => redirect(req, &to),
        Route::ReloadScript => respond(
            req,
            200,
            "text/javascript; charset=utf-8",
            RELOAD_JS.as_bytes().to_vec(),
        ),
        Route::Events => events(req, shared.clone()),
        Route::Forbidden => respond(
            req,
            403,
            "text/plain; charset=utf-8",
            b"forbidden: the server only serves files of the built site".to_vec(),
        ),
        Route::NotFound if files.is_empty() => {
            // The first build failed: a page to carry the overlay with the problems.
            let page = b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>medal serve</title></head><body><h1>The site has not built yet</h1><p>The problems are listed in the terminal.</p></body></html>";
            respond(
                req,
                503,
                "text/html; charset=utf-8",
                inject(page, &shared.base, build, &shared.strings),
            )
        }
        Route::NotFound => {
            let body = files
                .get("404.html")
                .map(|b| inject(b, &shared.base, build, &shared.strings))
                .unwrap_or_else(|| b"not found".to_vec());
            respond(req, 404, "text/html; charset=utf-8", body)
        }
    }
}

/// The reload script tag, before `</head>` (or at the start when a page has none), with the
/// overlay's strings in the page's language (`<html lang>`) as data attributes; the script
/// has English of its own for pages of no known language.
fn inject(html: &[u8], base: &str, build: u64, strings: &RwLock<Strings>) -> Vec<u8> {
    let data: String = match strings.read() {
        Ok(s) => page_lang(html)
            .and_then(|l| s.get(l))
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
            .map(|(k, v)| format!(r#" data-{}="{}""#, k.replace('_', "-"), attr(v)))
            .collect(),
        Err(_) => String::new(),
    };
    let tag = format!(r#"<script src="{base}{OWN}reload.js?b={build}"{data} defer></script>"#);
    let at = find(html, b"</head>").unwrap_or(0);
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The `lang` of a page's `<html>` element.
fn page_lang(html: &[u8]) -> Option<&str> {
    let head = &html[..html.len().min(512)];
    let at = find(head, b"<html")?;
    let rest = &head[at..];
    let end = find(rest, b">")?;
    let tag = std::str::from_utf8(&rest[..end]).ok()?;
    let value = tag.split(" lang=\"").nth(1)?;
    value.split('"').next()
}

/// Text for a double-quoted attribute value.
fn attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        _ => mime_guess::from_ext(ext)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    }
}

/// An event stream: the current state now, then one event per build, with a comment every
/// 15 s so a closed connection is noticed.
fn events(req: tiny_http::Request, shared: Arc<Shared>) {
    let (tx, rx) = mpsc::channel::<String>();
    if let Ok(mut l) = shared.listeners.lock() {
        l.push(tx);
    }
    std::thread::spawn(move || {
        let mut w = req.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
        let first = state_event(&shared);
        if w.write_all(head.as_bytes())
            .and_then(|()| w.write_all(first.as_bytes()))
            .and_then(|()| w.flush())
            .is_err()
        {
            return;
        }
        loop {
            let msg = match rx.recv_timeout(Duration::from_secs(15)) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if w.write_all(msg.as_bytes())
                .and_then(|()| w.flush())
                .is_err()
            {
                return;
            }
        }
    });
}

/// Watches the portal's sources: `content/`, `data/`, `themes/` and `medal.toml`.
pub struct Watcher {
    _inner: notify::RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
}

impl Watcher {
    pub fn new(root: &Path) -> notify::Result<Watcher> {
        use notify::{RecursiveMode, Watcher as _};
        let (tx, rx) = mpsc::channel();
        let mut w = notify::recommended_watcher(tx)?;
        for dir in ["content", "data", "themes", "static"] {
            let p = root.join(dir);
            if p.is_dir() {
                w.watch(&p, RecursiveMode::Recursive)?;
            }
        }
        // The root itself, not recursively, for medal.toml (editors replace the file, which
        // a watch on the file alone would lose) and for content/ or data/ appearing.
        w.watch(root, RecursiveMode::NonRecursive)?;
        Ok(Watcher { _inner: w, rx })
    }

    /// Waits up to `timeout` for a change, then gathers the burst that follows it: events
    /// until `quiet` passes without one (at most `max` in all). An editor's save (a temporary
    /// file, a rename, a metadata change) is one batch. `None` on timeout.
    pub fn next_batch(
        &self,
        timeout: Duration,
        quiet: Duration,
        max: Duration,
        root: &Path,
    ) -> Option<Vec<PathBuf>> {
        let first = self.rx.recv_timeout(timeout).ok()?;
        let started = Instant::now();
        let mut paths: HashSet<PathBuf> = HashSet::new();
        let mut add = |ev: notify::Result<notify::Event>| match ev {
            Ok(ev) if !matches!(ev.kind, notify::EventKind::Access(_)) => {
                paths.extend(ev.paths.into_iter().filter(|p| relevant(p, root)))
            }
            Ok(_) => {}
            // The watcher lost track (queue overflow): rebuild from the root.
            Err(_) => {
                paths.insert(root.to_path_buf());
            }
        };
        add(first);
        while started.elapsed() < max {
            match self.rx.recv_timeout(quiet) {
                Ok(ev) => add(ev),
                Err(_) => break,
            }
        }
        let mut v: Vec<PathBuf> = paths.into_iter().collect();
        v.sort();
        Some(v)
    }
}

/// Sources of the site; not editor backups, swap files or anything else in the root.
fn relevant(p: &Path, root: &Path) -> bool {
    let Ok(rel) = p.strip_prefix(root) else {
        return false;
    };
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.starts_with(".#")
    {
        return false;
    }
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    rel.as_os_str().is_empty()
        || matches!(
            first.as_str(),
            "content" | "data" | "themes" | "static" | "medal.toml"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Files {
        [
            "index.html",
            "tasks/index.html",
            "static/style.css",
            "404.html",
        ]
        .iter()
        .map(|p| (p.to_string(), Arc::from(b"x".as_slice())))
        .collect()
    }

    #[test]
    fn routes_only_to_files_of_the_site() {
        let f = site();
        assert_eq!(route("/", "/", &f), Route::File("index.html".into()));
        assert_eq!(
            route("/tasks/?q=1", "/", &f),
            Route::File("tasks/index.html".into())
        );
        assert_eq!(route("/tasks", "/", &f), Route::Redirect("/tasks/".into()));
        assert_eq!(
            route("/static/style.css", "/", &f),
            Route::File("static/style.css".into())
        );
        assert_eq!(route("/nope", "/", &f), Route::NotFound);
        assert_eq!(route("/__medal/reload.js", "/", &f), Route::ReloadScript);
        assert_eq!(route("/__medal/events", "/", &f), Route::Events);
    }

    #[test]
    fn refuses_traversal() {
        let f = site();
        for url in [
            "/../etc/passwd",
            "/static/../../x",
            "/%2e%2e/x",
            "/static/%2E%2E/%2e%2e/y",
            "/a\\b",
            "/./index.html",
        ] {
            assert_eq!(route(url, "/", &f), Route::Forbidden, "{url}");
        }
    }

    #[test]
    fn serves_under_a_sub_path() {
        let f = site();
        assert_eq!(
            route("/medal/", "/medal/", &f),
            Route::File("index.html".into())
        );
        assert_eq!(
            route("/medal", "/medal/", &f),
            Route::Redirect("/medal/".into())
        );
        assert_eq!(route("/tasks/", "/medal/", &f), Route::NotFound);
    }

    #[test]
    fn injects_the_script_into_the_head_only_when_served() {
        let out = inject(
            b"<html><head><title>t</title></head><body></body></html>",
            "/",
            7,
            &RwLock::new(Strings::new()),
        );
        let s = String::from_utf8(out).unwrap();
        assert!(
            s.contains(r#"<script src="/__medal/reload.js?b=7" defer></script></head>"#),
            "{s}"
        );
    }

    #[test]
    fn the_overlay_speaks_the_language_of_the_page() {
        let strings: Strings = [("en", "Build error"), ("de", "Fehler \"beim\" Bauen <b>")]
            .into_iter()
            .map(|(l, t)| {
                let keys = [("overlay_title".to_string(), t.to_string())];
                (l.to_string(), keys.into_iter().collect())
            })
            .collect();
        let strings = RwLock::new(strings);
        let de = inject(
            br#"<!DOCTYPE html><html lang="de" dir="ltr"><head></head></html>"#,
            "/",
            2,
            &strings,
        );
        let de = String::from_utf8(de).unwrap();
        assert!(
            de.contains(r#"data-overlay-title="Fehler &quot;beim&quot; Bauen &lt;b>""#),
            "{de}"
        );
        let en = String::from_utf8(inject(br#"<html lang="en"><head>"#, "/", 2, &strings)).unwrap();
        assert!(en.contains(r#"data-overlay-title="Build error""#), "{en}");
        let none = String::from_utf8(inject(b"<html><head>", "/", 2, &strings)).unwrap();
        assert!(!none.contains("data-"), "{none}");
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("static/favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("api/rankings.json"), "application/json");
        assert_eq!(content_type("x.png"), "image/png");
    }
}
