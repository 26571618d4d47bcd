//! `medal serve` end to end: a real process on a free port, fetched over HTTP, edited on disk.
//! Waits are bounded and poll every few milliseconds; nothing sleeps longer than needed.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TASK: &str = "hepatic-metastases-ct";
const WAIT: Duration = Duration::from_secs(60);

struct Serve {
    child: Child,
    addr: String,
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    fn start(root: &Path) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_medal"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .env("CI", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("medal serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("Serving http://")
            .unwrap_or_else(|| panic!("expected `Serving <url>`, got {line:?}"))
            .trim_end_matches('/')
            .to_string();
        assert!(
            addr.starts_with("127.0.0.1:"),
            "listens on loopback only: {addr}"
        );
        Serve {
            child,
            addr,
            stderr,
        }
    }

    /// Status line, headers and body of a GET of `path`, sent as written (no normalizing).
    fn get(&self, path: &str) -> (u16, String, String) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        write!(s, "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, head.to_ascii_lowercase(), body.to_string())
    }

    fn wait_for(&self, what: &str, mut f: impl FnMut() -> bool) {
        let t = Instant::now();
        while !f() {
            assert!(
                t.elapsed() < WAIT,
                "timed out waiting for {what}; stderr:\n{}",
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Ctrl-C: the server stops cleanly.
    fn interrupt(mut self) {
        let ok = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
        let t = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit status {status}");
                break;
            }
            assert!(t.elapsed() < WAIT, "did not stop on SIGINT");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn set_title(root: &Path, title: &str) {
    let path = root.join("content/tasks").join(TASK).join("task.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("title:") {
                format!("title: \"{title}\"")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&path, text.join("\n") + "\n").unwrap();
}

/// Reads server-sent events until one matching `pred` arrives (bounded).
fn sse_until(addr: &str, base: &str, pred: impl Fn(&str) -> bool) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        s,
        "GET {base}__medal/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    loop {
        line.clear();
        assert!(r.read_line(&mut line).unwrap() > 0, "event stream closed");
        if line.starts_with("data: ") && pred(&line) {
            return line;
        }
    }
}

#[test]
fn an_edit_is_served_and_a_broken_edit_keeps_the_old_page() {
    let site = common::copy_site(&common::example_site());
    let root = site.path();
    let srv = Serve::start(root);
    let page = format!("/tasks/{TASK}/");

    let (status, head, body) = srv.get(&page);
    assert_eq!(status, 200);
    assert!(
        head.contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(
        body.contains("/__medal/reload.js?b="),
        "reload script injected when served"
    );
    let (status, head, js) = srv.get("/__medal/reload.js");
    assert_eq!(status, 200);
    assert!(head.contains("text/javascript"));
    assert!(js.contains("EventSource") && js.contains("textContent"));

    // An edit is served.
    set_title(root, "A title edited while serving");
    srv.wait_for("the edited title", || {
        srv.get(&page).2.contains("A title edited while serving")
    });
    // The index page follows (the edited task's own pages are served first).
    srv.wait_for("the index page", || {
        srv.get("/tasks/")
            .2
            .contains("A title edited while serving")
    });
    // That build names the pages it changed, so only their open tabs reload.
    let event = sse_until(&srv.addr, "/", |_| true);
    assert!(
        event.contains("\"changed\":[") && event.contains("\"tasks/index.html\""),
        "{event}"
    );
    assert!(!event.contains("\"about/index.html\""), "{event}");

    // A broken edit: the last good page stays, the terminal and the event stream report it.
    let path = root.join("content/tasks").join(TASK).join("task.yaml");
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replace("title:", "title: [unclosed\ntitle:")).unwrap();
    let event = sse_until(&srv.addr, "/", |l| l.contains("\"error\":\""));
    assert!(
        event.contains("task.yaml"),
        "the overlay names the file: {event}"
    );
    srv.wait_for("the diagnostics on the terminal", || {
        let e = srv.stderr.lock().unwrap();
        e.contains("task.yaml") && e.contains("last good site")
    });
    let (status, _, body) = srv.get(&page);
    assert_eq!(status, 200);
    assert!(
        body.contains("A title edited while serving"),
        "the last good page is served"
    );

    // Fixing the file clears the error and serves the fix.
    std::fs::write(&path, &good).unwrap();
    set_title(root, "Fixed again");
    srv.wait_for("the fixed page", || {
        srv.get(&page).2.contains("Fixed again")
    });
    let event = sse_until(&srv.addr, "/", |_| true);
    assert!(event.contains("\"error\":null"), "{event}");
    srv.interrupt();
}

#[test]
fn only_files_of_the_site_are_served() {
    let site = common::copy_site(&common::example_site());
    let srv = Serve::start(site.path());
    for path in [
        "/../medal.toml",
        "/static/../../medal.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/tasks/..%2f..%2fmedal.toml",
    ] {
        let (status, _, body) = srv.get(path);
        assert_eq!(status, 403, "{path}: {body}");
    }
    let (status, head, body) = srv.get("/no-such-page/");
    assert_eq!(status, 404);
    assert!(
        head.contains("text/html") && body.contains("<html"),
        "the site's 404 page"
    );
    let (status, head, _) = srv.get("/static/style.css");
    assert_eq!(status, 200);
    assert!(head.contains("text/css"), "{head}");
    assert!(head.contains("x-content-type-options: nosniff"));
    let (status, head, _) = srv.get("/tasks");
    assert_eq!(status, 301);
    assert!(head.contains("location: /tasks/"), "{head}");
    assert_eq!(srv.get("/.nojekyll").0, 404, "dot files are not served");
}

#[test]
fn built_output_never_carries_the_reload_script() {
    let (_out, files) = common::build(&common::example_site());
    for (path, bytes) in &files {
        assert!(
            !String::from_utf8_lossy(bytes).contains("__medal"),
            "{path} mentions the dev server"
        );
    }
    assert!(files.contains_key(".nojekyll") && files.contains_key("404.html"));
}

#[test]
fn the_overlay_speaks_the_language_of_the_page() {
    let site = common::copy_site(&common::demo_root());
    let srv = Serve::start(site.path());
    let de = srv.get("/de/tasks/glioma-pseudoprogression-mri/").2;
    assert!(
        de.contains(
            r#"data-overlay-title="medal serve: Die letzte Änderung ließ sich nicht bauen""#
        ),
        "German pages carry the German overlay strings"
    );
    let en = srv.get("/tasks/glioma-pseudoprogression-mri/").2;
    assert!(
        en.contains(r#"data-overlay-title="medal serve: the last change did not build""#),
        "English pages the English ones"
    );
    let js = srv.get("/__medal/reload.js").2;
    assert!(js.contains("dataset") && js.contains("words.title"));
    srv.interrupt();
}
