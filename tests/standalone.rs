//! The repository stands alone: a clone with nothing beside it must build, test and document
//! itself, so no file may read or cite a folder next to the repository (the content contract's
//! own copy lives there; `docs/content-format.md` is this repository's account of it).
//! `.ci/run` runs the same check before the tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What a reference to the folder beside the repository looks like. Built from parts so that
/// this file does not match itself.
fn patterns() -> [String; 2] {
    [format!("{}/shared", ".."), format!("shared/{}", "spec")]
}

/// `.ci/run` holds the patterns in order to look for them.
const EXEMPT: &[&str] = &[".ci/run"];

/// Folders that are output or third-party code, never the repository's own files.
const SKIPPED_DIRS: &[&str] = &[".git", "target", "public", "node_modules", ".medal-cache"];

/// The repository's files (tracked, plus untracked ones not ignored), relative to `root`, as
/// git lists them; `None` when git is missing or `root` is not a git checkout.
fn git_files(root: &Path) -> Option<Vec<String>> {
    let out = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let list = String::from_utf8_lossy(&out.stdout);
    Some(
        list.split('\0')
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// Every file under `root` outside the skipped folders, relative to `root` (without git).
fn walk_files(root: &Path) -> Vec<String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_dir()
                    && SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(root).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

/// The files among `files` (relative to `root`) that mention the folder beside the repository.
fn referring(root: &Path, files: &[String]) -> Vec<String> {
    let patterns = patterns();
    let mut found: Vec<String> = files
        .iter()
        .filter(|f| !EXEMPT.contains(&f.as_str()))
        .filter(|f| {
            // A file listed by git but deleted in the work tree has nothing to say.
            let Ok(bytes) = std::fs::read(root.join(f)) else {
                return false;
            };
            patterns
                .iter()
                .any(|p| bytes.windows(p.len()).any(|w| w == p.as_bytes()))
        })
        .cloned()
        .collect();
    found.sort();
    found
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn no_file_refers_to_a_folder_beside_the_repository() {
    let root = repository();
    let files = git_files(&root).unwrap_or_else(|| walk_files(&root));
    assert!(
        files.iter().any(|f| f == "Cargo.toml"),
        "the file list is the repository's"
    );
    let found = referring(&root, &files);
    assert!(
        found.is_empty(),
        "these files refer to `{}` or `{}`, outside the repository; use the fixtures in \
         tests/fixtures/ and cite docs/content-format.md instead:\n{}",
        patterns()[0],
        patterns()[1],
        found.join("\n")
    );
}

#[test]
fn the_check_finds_a_reference_outside_skipped_and_exempt_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let [parent, spec] = patterns();
    write(
        "README.md",
        &format!("See {parent}/spec/content-format.md.\n"),
    );
    write("src/lib.rs", &format!("// the {spec} examples\n"));
    write("docs/ok.md", "docs/content-format.md\n");
    write("target/debug/out.txt", &format!("{parent}\n"));
    write("tests/browser/node_modules/x.js", &format!("{parent}\n"));
    write(".ci/run", &format!("git grep -e '{spec}'\n"));
    let files = walk_files(root);
    assert!(files.contains(&".ci/run".to_string()), "{files:?}");
    assert_eq!(referring(root, &files), ["README.md", "src/lib.rs"]);
}

/// `docs/content-format.md` shows an example of every file kind: the fixture files, quoted
/// whole. A fixture edited without its documentation (or the reverse) fails here.
#[test]
fn the_content_format_quotes_every_example_file_unchanged() {
    let root = repository();
    let doc = std::fs::read_to_string(root.join("docs/content-format.md")).unwrap();
    let example = root.join("tests/fixtures/example");
    let files = walk_files(&example);
    for kind in [
        "content/tasks/hepatic-metastases-ct/task.yaml",
        "content/tasks/hepatic-metastases-ct/datacard.yaml",
        "content/tasks/hepatic-metastases-ct/rationale.md",
        "content/reports/2026-q2.md",
        "content/news/first-leaderboard.md",
        "content/pages/about.md",
        "data/systems.yaml",
        "data/leaderboards/hepatic-metastases-ct.json",
    ] {
        assert!(files.iter().any(|f| f == kind), "the example lacks {kind}");
    }
    for file in &files {
        let text = std::fs::read_to_string(example.join(file)).unwrap();
        let quoted = format!("\n{}\n```\n", text.trim_end());
        assert!(
            doc.contains(&quoted),
            "docs/content-format.md does not quote tests/fixtures/example/{file} as it is"
        );
    }
}
