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
    let status = Command::new("node")
        .arg("--test")
        .arg("--test-reporter=spec")
        .arg("site.test.mjs")
        .current_dir(&dir)
        .env("SITE_DIR", &site)
        .env("CHROMIUM", &chromium)
        .status()
        .expect("node runs");
    assert!(status.success(), "browser tests failed (output above)");
}
