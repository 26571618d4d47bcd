//! The `medal` binary as a user runs it: exit codes, what it writes and what it says.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn medal(args: &[&str], root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medal"))
        .args(args)
        .arg("--root")
        .arg(root)
        .env("CI", "1")
        .output()
        .expect("medal runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A portal with one proposed task, straight from `medal new task`: every placeholder is
/// still there, so it fails the checks.
fn unfilled_portal() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    let o = medal(&["new", "task", "new-task"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    dir
}

#[test]
fn a_base_url_that_is_not_absolute_http_is_one_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("content")).unwrap();
    let out = root.join("out");
    let out_arg = out.to_str().unwrap();

    std::fs::write(
        root.join("medal.toml"),
        "base_url = \"example.org/medal/\"\n",
    )
    .unwrap();
    for args in [vec!["build", "--out", out_arg], vec!["check"]] {
        let o = medal(&args, root);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.matches("error").count(), 1, "one error: {err}");
        assert!(
            err.contains("base_url") && err.contains("https://example.org/medal/"),
            "{err}"
        );
    }

    std::fs::write(
        root.join("medal.toml"),
        "base_url = \"https://example.org/medal/\"\n",
    )
    .unwrap();
    let o = medal(
        &[
            "build",
            "--out",
            out_arg,
            "--base-url",
            "ftp://example.org/",
        ],
        root,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.matches("error").count(), 1, "one error: {err}");
    assert!(
        err.contains("--base-url") && err.contains("ftp://example.org/"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn new_commands_write_only_in_a_portal_root() {
    let dir = tempfile::tempdir().unwrap();
    let o = medal(&["new", "task", "t1"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a portal root"), "{}", stderr(&o));
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing written"
    );

    let dir = unfilled_portal();
    let task = dir.path().join("content/tasks/new-task");
    assert!(task.join("task.yaml").is_file());
    assert!(!task.join("datacard.yaml").exists() && !task.join("rationale.md").exists());
    for (what, file) in [("datacard", "datacard.yaml"), ("rationale", "rationale.md")] {
        let o = medal(&["new", what, "new-task"], dir.path());
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(task.join(file).is_file());
        let again = medal(&["new", what, "new-task"], dir.path());
        assert_eq!(again.status.code(), Some(2), "no overwrite");
        let missing = medal(&["new", what, "other-task"], dir.path());
        assert_eq!(missing.status.code(), Some(2));
        assert!(stderr(&missing).contains("medal new task other-task"));
    }
}

#[test]
fn check_says_what_it_did_and_writes_nothing_with_no_cache() {
    let dir = unfilled_portal();
    let o = medal(&["check", "--no-cache"], dir.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("placeholder not filled in yet"), "{err}");
    // `check` builds no site, so it has no previous site to speak of.
    assert!(!err.contains("previous site"), "{err}");
    assert!(
        err.contains("`medal build` would refuse to publish"),
        "{err}"
    );
    assert!(
        !dir.path().join(".medal-cache").exists(),
        "--no-cache writes nothing"
    );
}

#[test]
fn serve_whose_first_build_fails_does_not_claim_a_last_good_site() {
    let dir = unfilled_portal();
    let mut child = Command::new(env!("CARGO_BIN_EXE_medal"))
        .args(["serve", "--port", "0", "--root"])
        .arg(dir.path())
        .env("CI", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("medal serve starts");
    let log = Arc::new(Mutex::new(String::new()));
    let mut err = child.stderr.take().unwrap();
    let sink = log.clone();
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
    // `Serving <url>` comes after the first build.
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let t = Instant::now();
    while !log.lock().unwrap().contains("has not built yet") {
        if t.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    let text = log.lock().unwrap().clone();
    assert!(text.contains("placeholder not filled in yet"), "{text}");
    assert!(text.contains("has not built yet"), "{text}");
    assert!(!text.contains("last good site"), "{text}");
}
