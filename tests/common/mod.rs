//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The repository root: the bundled demo portal.
pub fn demo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    demo_root().join("tests/fixtures").join(name)
}

/// A small complete portal with one file of every kind (`tests/fixtures/example/`): the
/// examples quoted in `docs/content-format.md`. It has no medal.toml and no themes/.
pub fn example_site() -> PathBuf {
    fixture("example")
}

/// Copies `content/`, `data/`, `static/`, `medal.toml` and `themes/` of `src` into a new
/// temporary root.
pub fn copy_site(src: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "data", "static", "themes", "medal.toml"] {
        let from = src.join(part);
        if from.is_dir() {
            copy_dir(&from, &dir.path().join(part));
        } else if from.is_file() {
            std::fs::copy(&from, dir.path().join(part)).unwrap();
        }
    }
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, by relative path.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Page text with the common entities decoded, so source strings can be looked up in it.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Builds `root` into a fresh temporary folder and returns it with the files written.
pub fn build(root: &Path) -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("public");
    let opts = medal::BuildOptions {
        out: Some(target.clone()),
        ..medal::BuildOptions::new(root)
    };
    if let Err(e) = medal::build(&opts) {
        match e {
            medal::error::Error::Content(d) => panic!(
                "build failed:\n{}",
                d.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            other => panic!("build failed: {other}"),
        }
    }
    let tree = read_tree(&target);
    (out, tree)
}
