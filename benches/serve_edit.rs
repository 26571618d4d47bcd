//! Edit-to-serve latency of `medal serve`: the time from saving a task file to the new page
//! being served, on the demo portal and on a generated corpus of 1,000 tasks, beside the
//! full-build time of the same portal. See benches/README.md.
//!
//!     cargo bench --bench serve_edit            # demo and 1,000 tasks
//!     MEDAL_BENCH_TASKS=200 cargo bench --bench serve_edit
//!
//! Each run copies the portal into a temporary folder, starts the release `medal serve` on a
//! free port, and for each sample rewrites one task.yaml (a new title), then polls the task
//! page over HTTP every millisecond until the new title is served. The figure includes the
//! watcher's debounce, loading, checking, rendering, the link check and the swap.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SAMPLES: usize = 15;

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tasks: usize = std::env::var("MEDAL_BENCH_TASKS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let tmp = tempfile::tempdir().expect("temporary folder");

    let demo = tmp.path().join("demo");
    for part in ["content", "data", "medal.toml"] {
        copy(&repo.join(part), &demo.join(part));
    }
    run("demo portal", &demo, "her2-low-scoring-wsi");

    let big = tmp.path().join(format!("corpus-{tasks}"));
    let status = Command::new(env!("CARGO_BIN_EXE_medal"))
        .args(["gen-corpus", "--tasks", &tasks.to_string(), "--out"])
        .arg(&big)
        .status()
        .expect("medal gen-corpus runs");
    assert!(status.success(), "the corpus generator failed");
    let task = first_released(&big).expect("the corpus has a released task");
    run(&format!("{tasks} tasks"), &big, &task);
}

/// The first released task of a generated corpus (by id), whose page exists.
fn first_released(root: &Path) -> Option<String> {
    let mut ids: Vec<String> = std::fs::read_dir(root.join("content/tasks"))
        .ok()?
        .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
        .collect();
    ids.sort();
    ids.into_iter().find(|id| {
        std::fs::read_to_string(root.join("content/tasks").join(id).join("task.yaml"))
            .is_ok_and(|t| t.lines().any(|l| l.trim() == "status: released"))
    })
}

fn run(label: &str, root: &Path, task: &str) {
    let medal = env!("CARGO_BIN_EXE_medal");
    // Full build, for comparison.
    let out = root.join("..").join(format!(
        "{}-public",
        root.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    let t = Instant::now();
    let status = Command::new(medal)
        .args(["build", "--quiet", "--root"])
        .arg(root)
        .arg("--out")
        .arg(&out)
        .status()
        .expect("medal build runs");
    assert!(status.success());
    let full = t.elapsed();

    let (mut child, addr, first) = serve(medal, root);
    let page = format!("/tasks/{task}/");
    let yaml = root.join("content/tasks").join(task).join("task.yaml");
    let original = std::fs::read_to_string(&yaml).expect("task.yaml");
    let mut times = Vec::new();
    for i in 0..SAMPLES {
        let marker = format!("Edited title number {i}");
        let text = replace_title(&original, &marker);
        let t = Instant::now();
        std::fs::write(&yaml, text).expect("write task.yaml");
        loop {
            if get(&addr, &page).contains(&marker) {
                break;
            }
            assert!(
                t.elapsed() < Duration::from_secs(120),
                "the edit never showed"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        times.push(t.elapsed());
        // Let the watcher settle so samples do not overlap.
        std::thread::sleep(Duration::from_millis(150));
    }
    let _ = child.kill();
    let _ = child.wait();
    std::fs::write(&yaml, original).expect("restore task.yaml");
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{label}: edit to served: median {:.0} ms, min {:.0} ms, max {:.0} ms ({SAMPLES} edits); first serve build {:.0} ms; full `medal build` {:.0} ms",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        ms(first),
        ms(full)
    );
}

fn replace_title(yaml: &str, title: &str) -> String {
    yaml.lines()
        .map(|l| {
            if l.starts_with("title:") {
                format!("title: \"{title}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Starts `medal serve` on a free port; returns it, its address and the time to first serve.
fn serve(medal: &str, root: &Path) -> (Child, String, Duration) {
    let t = Instant::now();
    let mut child = Command::new(medal)
        .args(["serve", "--quiet", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("medal serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("a line");
    let url = line
        .trim()
        .strip_prefix("Serving http://")
        .expect("Serving <url>");
    let addr = url.trim_end_matches('/').to_string();
    (child, addr, t.elapsed())
}

/// A minimal HTTP/1.0 GET (the bench needs no HTTP client crate).
fn get(addr: &str, path: &str) -> String {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return String::new();
    };
    let _ = write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    let mut body = String::new();
    let _ = s.read_to_string(&mut body);
    body
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("read_dir").flatten() {
            copy(&e.path(), &to.join(e.file_name()));
        }
    } else {
        if let Some(p) = to.parent() {
            std::fs::create_dir_all(p).expect("mkdir");
        }
        std::fs::copy(from, to).expect("copy");
    }
}
