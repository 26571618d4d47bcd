//! Runs the browser tests of `tests/browser/` (node's test runner, playwright-core driving
//! Debian's Chromium, axe-core for WCAG 2.1 AA) against a fresh build of the demo portal.
//!
//! They need Chromium and `npm ci` in tests/browser (what `.ci/run` installs). Without them
//! this test says so and passes, except under CI, where a missing browser is a failure.

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn pages_pass_browser_checks() {
    let dir = common::demo_root().join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = dir.join("node_modules/playwright-core").is_dir()
        && dir.join("node_modules/axe-core").is_dir()
        && Path::new(&chromium).exists()
        && Command::new("node").arg("--version").output().is_ok();
    if !ready {
        let msg = "browser tests need Chromium and `npm ci` in tests/browser (see .ci/run)";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("SKIPPED: {msg}");
        return;
    }

    let (out, _files) = common::build(&common::demo_root());
    let site = out.path().join("public");
    let hostile_root = hostile_site();
    let (hostile_out, _files) = common::build(hostile_root.path());
    let confidential = confidential_words(&site);
    let status = Command::new("node")
        .arg("--test")
        .arg("--test-reporter=spec")
        .arg("site.test.mjs")
        .arg("hostile.test.mjs")
        .arg("search.test.mjs")
        .env("SEARCH_CONFIDENTIAL_WORDS", confidential)
        .current_dir(&dir)
        .env("SITE_DIR", &site)
        .env("HOSTILE_SITE_DIR", hostile_out.path().join("public"))
        .env("CHROMIUM", &chromium)
        .status()
        .expect("node runs");
    assert!(status.success(), "browser tests failed (output above)");
}

/// The example portal (tests/fixtures/example) with script payloads in every kind of
/// contributor text that reaches a page: Markdown bodies, plain fields, names.
fn hostile_site() -> tempfile::TempDir {
    // `<img src=?x>` requests the page itself as an image, which fails to decode, so an
    // `onerror` that survived sanitizing would fire; the link check accepts it.
    const PAYLOAD: &str = "<script>window.pwned=true;alert(1)</script><img src=?x onerror=\"window.pwned=true\"><svg onload=\"alert(2)\"></svg><a href=\"javascript:alert(3)\" onmouseover=\"alert(4)\">x</a><iframe src=\"javascript:alert(5)\"></iframe><details open ontoggle=\"alert(6)\"></details> {{ 7*7 }}";
    let site = common::copy_site(&common::example_site());
    let root = site.path();
    let edit = |file: &str, from: &str, to: &str| {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} lacks {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    let task = "content/tasks/hepatic-metastases-ct/task.yaml";
    let yaml_payload = PAYLOAD.replace('"', "\\\"");
    edit(
        task,
        "  ## What the AI system must do\n",
        &format!("  {PAYLOAD}\n\n  ## What the AI system must do\n"),
    );
    edit(
        task,
        "acronym: HEPMET",
        &format!("acronym: \"{yaml_payload}\""),
    );
    edit(
        task,
        "name: \"Jane Doe\"",
        &format!("name: \"Jane {yaml_payload}\""),
    );
    edit(
        "content/tasks/hepatic-metastases-ct/rationale.md",
        "## Summary\n",
        &format!(
            "## Summary\n{PAYLOAD}\n\n[a](javascript:alert(7)) [b](data:text/html,<script>alert(8)</script>)\n"
        ),
    );
    for dir in ["content/news", "content/pages"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    std::fs::write(
        root.join("content/news/payload-post.md"),
        format!("---\ntitle: \"News {yaml_payload}\"\ndate: 2026-06-02\n---\n{PAYLOAD}\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("content/pages/about.md"),
        format!(
            "---\ntitle: About\nmenu: 1\n---\n{PAYLOAD}\n\n<style>body{{display:none}}</style>\n"
        ),
    )
    .unwrap();
    site
}

/// Words (8 letters or more) of the demo's confidential proposals that no published page uses,
/// as a JSON array: search.test.mjs checks that searching for them finds nothing. At most two
/// per proposal, to keep the run short.
fn confidential_words(site: &Path) -> String {
    let portal = medal::load::load(&common::demo_root()).expect("demo content loads");
    let published: String = common::read_tree(site)
        .iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(_, v)| common::text(v).to_lowercase())
        .collect();
    let mut out = Vec::new();
    for b in portal
        .tasks
        .iter()
        .filter(|b| !b.task.status.is_published())
    {
        let t = &b.task;
        let text = format!("{} {}", t.title, t.clinical.clinical_question).to_lowercase();
        let mut own: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 8 && !published.contains(*w))
            .collect();
        own.dedup();
        out.extend(own.into_iter().take(2).map(String::from));
    }
    assert!(
        !out.is_empty(),
        "the demo has no confidential-only words to search for"
    );
    serde_json::to_string(&out).expect("strings serialize")
}
