//! The build caches (rankings, finished pages, Markdown, the search bundle) only ever make a
//! build faster: cold, warm, after an edit and with damaged entries, `medal build` writes the
//! bytes a build without any cache writes.

mod common;

use common::{copy_site, demo_root, read_tree};
use std::collections::BTreeMap;
use std::path::Path;

fn build(root: &Path, no_cache: bool) -> (medal::BuildReport, BTreeMap<String, Vec<u8>>) {
    let out = root.join(if no_cache { "public-nocache" } else { "public" });
    let opts = medal::BuildOptions {
        out: Some(out.clone()),
        no_cache,
        ..medal::BuildOptions::new(root)
    };
    let report = medal::build(&opts).unwrap_or_else(|e| panic!("{e}"));
    (report, read_tree(&out))
}

fn assert_same(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, when: &str) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{when}: the same files"
    );
    for (path, bytes) in a {
        assert!(
            bytes == &b[path],
            "{when}: {path} differs from a build without cache"
        );
    }
}

#[test]
fn warm_edited_and_damaged_caches_build_the_uncached_site() {
    let site = copy_site(&demo_root());
    let root = site.path();
    let (_, reference) = build(root, true);
    let pages = reference.keys().filter(|p| p.ends_with(".html")).count();

    let (cold, files) = build(root, false);
    assert_same(&files, &reference, "cold");
    assert_eq!(cold.page_cache, Some((0, pages)));
    assert!(!cold.search_cached);

    // Nothing changed: the output is kept as it is.
    let (kept, files) = build(root, false);
    assert_same(&files, &reference, "nothing changed");
    assert!(kept.unchanged, "nothing changed, nothing built");
    assert_eq!((kept.pages, kept.files), (cold.pages, cold.files));

    // A file deleted from the output: the build runs, every page from the cache.
    std::fs::remove_file(root.join("public/robots.txt")).expect("robots.txt");
    let (warm, files) = build(root, false);
    assert_same(&files, &reference, "warm");
    assert!(!warm.unchanged);
    assert_eq!(
        warm.page_cache,
        Some((pages, 0)),
        "every page from the cache"
    );
    assert!(warm.search_cached, "the search bundle from the cache");

    // A title edit changes a few pages (the task's, lists, feeds) and the search index.
    let task = root.join("content/tasks/cvs-lapchole-video/task.yaml");
    let text = std::fs::read_to_string(&task).expect("task.yaml");
    let title = text
        .lines()
        .find_map(|l| l.strip_prefix("title: "))
        .expect("a title line")
        .to_string();
    std::fs::write(&task, text.replacen(&title, "Wombat lesions on CT", 1)).expect("edit");
    let (_, reference) = build(root, true);
    let (edited, files) = build(root, false);
    assert_same(&files, &reference, "after an edit");
    let (hits, misses) = edited.page_cache.expect("a page cache");
    assert!(misses > 0 && hits > misses, "{hits} hits, {misses} misses");
    assert!(!edited.search_cached, "an edit reindexes");

    // Damaged entries are recomputed, not trusted.
    let cache = root.join(".medal-cache");
    for entry in walkdir::WalkDir::new(&cache).into_iter().flatten() {
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).expect("entry");
            std::fs::write(entry.path(), &bytes[..bytes.len() / 2]).expect("damage");
        }
    }
    let (damaged, files) = build(root, false);
    assert_same(&files, &reference, "with damaged entries");
    assert_eq!(damaged.page_cache, Some((0, pages)));
    assert!(!damaged.search_cached);
}

#[test]
fn the_page_cache_holds_one_site() {
    let site = copy_site(&demo_root());
    let root = site.path();
    let count = || {
        walkdir::WalkDir::new(root.join(".medal-cache/_pages"))
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file() && !e.path().to_string_lossy().contains("_tasks"))
            .count()
    };
    let (first, _) = build(root, false);
    let pages = first.pages;
    assert_eq!(count(), pages);
    let about = root.join("content/pages/about.md");
    let text = std::fs::read_to_string(&about).expect("about.md");
    std::fs::write(&about, format!("{text}\nOne more sentence.\n")).expect("edit");
    build(root, false);
    assert_eq!(count(), pages, "the replaced page's entry is swept");
}

/// Replaces the first `from` in the file at `rel` (below `root`) with `to`.
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("edit");
}

#[test]
fn each_kind_of_edit_builds_the_uncached_site() {
    let site = copy_site(&demo_root());
    let root = site.path();
    build(root, false);
    let task = "content/tasks/glioma-pseudoprogression-mri";
    let edits: &[(&str, &str, &str)] = &[
        (&format!("{task}/task.yaml"), "title: ", "title: Edited "),
        (
            "content/tasks/cvs-lapchole-video/task.de.yaml",
            "title: \"",
            "title: \"Bearbeitet: ",
        ),
        (
            &format!("{task}/rationale.md"),
            "\n## ",
            "\nOne more line.\n\n## ",
        ),
        (
            &format!("{task}/datacard.yaml"),
            "PSEUDO-PROG serial",
            "PSEUDO-PROG edited serial",
        ),
        (
            "data/leaderboards/glioma-pseudoprogression-mri.json",
            "\"updated\": \"2026-11-06\"",
            "\"updated\": \"2026-11-07\"",
        ),
        ("data/systems.yaml", "LumenNet-3D", "LumenNet-4D"),
        (
            "themes/medal/templates/task.html",
            "{% block content %}",
            "{% block content %}<p>An edited template</p>",
        ),
        (
            "themes/medal/i18n/de.toml",
            "\"Kontrollierter Zugang\"",
            "\"Kontrollierter Zugang (bearbeitet)\"",
        ),
        (
            "themes/medal/static/style.css",
            "",
            ".edited { color: #000 }\n",
        ),
        (
            "medal.toml",
            "title = \"MEDAL\"",
            "title = \"MEDAL (edited)\"",
        ),
        (
            "content/news/2026-05-20-first-leaderboards.md",
            "\n---\n",
            "\n---\n\nAn edited first line.\n",
        ),
        ("data/accessibility.yaml", "\n", "\n# an edited comment\n"),
    ];
    for (rel, from, to) in edits {
        edit(root, rel, from, to);
        let (_, reference) = build(root, true);
        let (report, files) = build(root, false);
        assert!(!report.unchanged, "{rel} changed");
        assert_same(&files, &reference, &format!("after editing {rel}"));
    }
}
