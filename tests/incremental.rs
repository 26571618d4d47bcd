//! Incremental rebuilds give exactly the site a full build gives, after each kind of edit.

mod common;

use medal::incremental::Incremental;
use medal::output::OutFile;
use medal::timings::Silent;
use std::collections::BTreeMap;
use std::path::Path;

fn full(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut opts = medal::BuildOptions::new(root);
    opts.base_url = Some("http://127.0.0.1:9/".into());
    let files = medal::render_site(&opts)
        .unwrap_or_else(|e| panic!("{e}"))
        .files;
    files
        .into_iter()
        .map(|OutFile { path, bytes }| (path, bytes))
        .collect()
}

/// The update with the downloads made (when deferred) and the search index caught up, as
/// `medal serve` serves it a moment later.
fn settled(inc: &mut Incremental, mut u: medal::incremental::Update) -> medal::incremental::Update {
    while let Some(f) = inc.finish(&Silent).unwrap_or_else(|e| panic!("{e}")) {
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        u.files = f.files;
    }
    if let Some(files) = inc.reindex().unwrap_or_else(|e| panic!("{e}")) {
        u.files = files;
    }
    u
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) -> std::path::PathBuf {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn every_kind_of_edit_matches_a_full_build() {
    edits_match_a_full_build(false);
}

/// As `medal serve` runs it: each rebuild serves its pages, then `finish` makes the downloads
/// and checks the links.
#[test]
fn every_kind_of_edit_matches_a_full_build_with_downloads_deferred() {
    edits_match_a_full_build(true);
}

fn edits_match_a_full_build(defer: bool) {
    let site = common::copy_site(&common::example_site());
    let root = site.path().canonicalize().unwrap();
    // The preview is not minified; compare with an unminified full build.
    std::fs::write(root.join("medal.toml"), "[build]\nminify = false\n").unwrap();
    let mut opts = medal::BuildOptions::new(&root);
    opts.base_url = Some("http://127.0.0.1:9/".into());
    let mut inc = Incremental::new(opts);
    inc.defer_extras(defer);
    let first = inc.rebuild(&Silent).unwrap_or_else(|e| panic!("{e}"));
    let first = settled(&mut inc, first);
    let same = |u: &medal::incremental::Update, what: &str| {
        let got: BTreeMap<String, Vec<u8>> = u
            .files
            .iter()
            .map(|(k, v)| (k.clone(), v.to_vec()))
            .collect();
        let want = full(&root);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{what}: the same files"
        );
        for (k, v) in &want {
            assert!(got[k] == *v, "{what}: {k} differs from a full build");
        }
    };
    same(&first, "first build");

    let task = "content/tasks/hepatic-metastases-ct/task.yaml";
    let edits: Vec<(&str, &str, &str, &str)> = vec![
        ("task title", task, "title: ", "title: Edited "),
        (
            "system name",
            "data/systems.yaml",
            "\"Example Detector\"",
            "\"Renamed Detector\"",
        ),
        (
            "leaderboard",
            "data/leaderboards/hepatic-metastases-ct.json",
            "\"updated\": \"",
            "\"updated\": \"2",
        ),
    ];
    for (what, rel, from, to) in edits {
        let path = edit(&root, rel, from, to);
        inc.changed(&[path]);
        match inc.rebuild(&Silent) {
            Ok(u) => {
                assert!(
                    u.reads <= 2,
                    "{what}: only the changed file is read ({} reads)",
                    u.reads
                );
                if defer && what == "task title" {
                    let api = String::from_utf8_lossy(&u.files["api/tasks.json"]).into_owned();
                    assert!(!api.contains("Edited"), "the downloads wait for `finish`");
                }
                same(&settled(&mut inc, u), what);
            }
            // An edit the content rules refuse: the full build must refuse it too.
            Err(e) => {
                assert!(
                    medal::render_site(&medal::BuildOptions::new(&root)).is_err(),
                    "{what}: {e}"
                );
                edit(&root, rel, to, from);
                inc.changed(&[root.join(rel)]);
                let u = inc.rebuild(&Silent).unwrap();
                same(&settled(&mut inc, u), what);
            }
        }
    }

    // A template of the theme: the pages using it change.
    let tpl = root.join("themes/medal/templates/404.html");
    std::fs::create_dir_all(tpl.parent().unwrap()).unwrap();
    std::fs::write(
        &tpl,
        "{% extends \"base.html\" %}{% block content %}<p>Lost, edited.</p>{% endblock content %}",
    )
    .unwrap();
    inc.changed(std::slice::from_ref(&tpl));
    let u = inc.rebuild(&Silent).unwrap_or_else(|e| panic!("{e}"));
    assert!(String::from_utf8_lossy(&u.files["404.html"]).contains("Lost, edited."));
    same(&settled(&mut inc, u), "template");

    // A broken file: an error, and the last good site is kept for the next rebuild.
    let path = edit(&root, task, "title: ", "title: [");
    inc.changed(std::slice::from_ref(&path));
    assert!(inc.rebuild(&Silent).is_err());
    let path = edit(&root, task, "title: [", "title: ");
    inc.changed(&[path]);
    let u = inc.rebuild(&Silent).unwrap();
    same(&settled(&mut inc, u), "after a fix");

    // A new page, then its removal.
    let page = root.join("content/pages/extra.md");
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    std::fs::write(&page, "---\ntitle: Extra\n---\n\nMore.\n").unwrap();
    inc.changed(std::slice::from_ref(&page));
    let u = inc.rebuild(&Silent).unwrap();
    same(&settled(&mut inc, u), "new page");
    std::fs::remove_file(&page).unwrap();
    inc.changed(&[page]);
    let u = inc.rebuild(&Silent).unwrap();
    assert!(u.removed.iter().any(|p| p == "extra/index.html"));
    same(&settled(&mut inc, u), "removed page");
}
