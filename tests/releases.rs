//! Releases over the example fixture: `medal release` freezes exactly the tasks and entries of
//! its `--as-of` date, refuses what would break the order, the frozen pages and downloads never
//! change after later edits, tampering is caught naming the file, what changed between two
//! releases matches a diff computed by hand, and the deposit archive is byte-identical across
//! builds.
//!
//! The example portal: one task, `hepatic-metastases-ct`, released 2026-06-01; its leaderboard
//! has `e0001` (example-detector, evaluated 2026-06-11), `e0002` (example-vlm, 2026-06-16) and
//! the reference readers `e0003` (2026-05-30).

mod common;

use common::*;
use medal::model::Date;
use medal::release::{ReleaseOptions, make};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const TASK: &str = "hepatic-metastases-ct";

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn release(
    root: &Path,
    version: &str,
    as_of: Option<&str>,
    day: &str,
) -> medal::error::Result<medal::release::Made> {
    make(&ReleaseOptions {
        root: root.to_path_buf(),
        version: version.into(),
        as_of: as_of.map(date),
        title: None,
        date: date(day),
    })
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn entry_ids(doc: &Value) -> Vec<String> {
    let mut ids: Vec<String> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entry"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

/// The release's files under public/releases/.
fn released(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .filter(|(p, _)| p.starts_with("releases/2026."))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

fn problems(root: &Path) -> Vec<medal::error::Diagnostic> {
    match medal::check(root) {
        Ok(warnings) => warnings,
        Err(medal::error::Error::Content(d)) => d,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn as_of_freezes_exactly_the_tasks_and_entries_of_that_date() {
    let site = copy_site(&example_site());
    let root = site.path();
    // Before the task was released: nothing ranked.
    let m = release(root, "2026.1", Some("2026-05-31"), "2026-06-01").unwrap();
    assert_eq!(m.tasks, 0);
    let dir = root.join("data/releases/2026.1");
    assert!(!dir.join("tasks").exists());
    assert_eq!(read_json(&dir.join("rankings.json"))["tasks"], 0);
    // Between the two systems' evaluations: the detector and the readers, not the VLM.
    let m = release(root, "2026.2", Some("2026-06-12"), "2026-06-13").unwrap();
    assert!(m.reconstructed, "made for a past date");
    let dir = root.join("data/releases/2026.2");
    let lb = read_json(&dir.join(format!("tasks/{TASK}.json")));
    assert_eq!(entry_ids(&lb), ["e0001", "e0003"]);
    assert_eq!(lb["updated"], "2026-06-11");
    let systems = read_json(&dir.join("systems.json"));
    let names: Vec<&str> = systems["systems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["example-detector", "radiologist-readers"]);
    let yaml = std::fs::read_to_string(dir.join("release.yaml")).unwrap();
    assert!(yaml.contains("as_of: 2026-06-12") && yaml.contains("reconstructed: true"));
    // The manifest lists every other file with its checksum and size.
    let manifest = read_json(&dir.join("manifest.json"));
    let listed: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            "rankings.json",
            "systems.json",
            &format!("tasks/{TASK}.json"),
            &format!("tasks/{TASK}.yaml"),
        ]
    );
    for f in manifest["files"].as_array().unwrap() {
        let bytes = std::fs::read(dir.join(f["path"].as_str().unwrap())).unwrap();
        assert_eq!(f["bytes"], bytes.len());
        assert_eq!(f["sha256"], medal::store::sha256_hex(&bytes));
    }
    // Today: all three entries, not reconstructed.
    let m = release(root, "2026.3", None, "2026-08-01").unwrap();
    assert!(!m.reconstructed);
    let lb = read_json(&root.join(format!("data/releases/2026.3/tasks/{TASK}.json")));
    assert_eq!(entry_ids(&lb), ["e0001", "e0002", "e0003"]);
    assert!(problems(root).iter().all(|d| !d.is_error()));
}

#[test]
fn a_frozen_leaderboard_is_that_days_download_byte_for_byte() {
    let site = copy_site(&example_site());
    let root = site.path();
    let (_out, before) = build(root);
    release(root, "2026.1", None, "2026-08-01").unwrap();
    let dir = root.join("data/releases/2026.1");
    assert_eq!(
        std::fs::read(dir.join(format!("tasks/{TASK}.json"))).unwrap(),
        before[&format!("tasks/{TASK}/leaderboard.json")]
    );
    assert_eq!(
        std::fs::read(dir.join("rankings.json")).unwrap(),
        before["api/rankings.json"]
    );
}

#[test]
fn refuses_an_existing_version_one_out_of_order_and_an_earlier_date() {
    let site = copy_site(&example_site());
    let root = site.path();
    release(root, "2026.2", Some("2026-06-12"), "2026-06-20").unwrap();
    let msg = |r: medal::error::Result<medal::release::Made>| match r {
        Err(e) => e.to_string(),
        Ok(_) => panic!("should be refused"),
    };
    assert!(msg(release(root, "2026.2", None, "2026-08-01")).contains("exists"));
    assert!(msg(release(root, "2026.1", None, "2026-08-01")).contains("does not sort after"));
    assert!(msg(release(root, "2026.3", None, "2026-06-19")).contains("before the last release"));
    assert!(
        msg(release(root, "2026.3", Some("2026-06-01"), "2026-08-01")).contains("before the state")
    );
    assert!(msg(release(root, "26.3", None, "2026-08-01")).contains("YYYY.N"));
    // Nothing half-written is left behind.
    let folders: Vec<String> = std::fs::read_dir(root.join("data/releases"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(folders, ["2026.2"]);
}

#[test]
fn frozen_pages_and_downloads_survive_later_edits() {
    let site = copy_site(&example_site());
    let root = site.path();
    release(root, "2026.1", Some("2026-06-12"), "2026-06-13").unwrap();
    let (_a, first) = build(root);
    let frozen = released(&first);
    assert!(frozen.contains_key("releases/2026.1/index.html"));
    assert!(frozen.contains_key(&format!("releases/2026.1/tasks/{TASK}/index.html")));
    // A corrected result, a new entry's date moved into the past, a new justification of the
    // metric, and no ranking cache (as after a new version of the ranking code).
    let lb_path = root.join(format!("data/leaderboards/{TASK}.json"));
    let lb = std::fs::read_to_string(&lb_path).unwrap();
    let edited = lb
        .replacen(
            "[0.9, 0.75, 1.0, 0.5, 0.8, null]",
            "[0.2, 0.1, 0.3, 0.2, 0.1, 0.2]",
            1,
        )
        .replace(
            "\"evaluated\": \"2026-06-16\"",
            "\"evaluated\": \"2026-06-12\"",
        );
    assert_ne!(lb, edited);
    std::fs::write(&lb_path, edited).unwrap();
    let task_path = root.join(format!("content/tasks/{TASK}/task.yaml"));
    let task = std::fs::read_to_string(&task_path).unwrap();
    let edited = task.replacen("justification: ", "justification: Revised. ", 1);
    assert_ne!(task, edited);
    std::fs::write(&task_path, edited).unwrap();
    let _ = std::fs::remove_dir_all(root.join(".medal-cache"));
    let (_b, second) = build(root);
    // The live leaderboard changed; the frozen one did not.
    assert_ne!(
        first[&format!("tasks/{TASK}/leaderboard.json")],
        second[&format!("tasks/{TASK}/leaderboard.json")]
    );
    let after = released(&second);
    assert_eq!(
        frozen.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &frozen {
        assert!(after[path] == *bytes, "{path} changed after the release");
    }
}

#[test]
fn tampering_is_caught_naming_the_file_and_notes_stay_editable() {
    let site = copy_site(&example_site());
    let root = site.path();
    release(root, "2026.1", None, "2026-08-01").unwrap();
    let dir = root.join("data/releases/2026.1");
    // Notes, a DOI and an erratum may be added.
    let mut yaml = std::fs::read_to_string(dir.join("release.yaml")).unwrap();
    yaml.push_str("notes: First edition.\ndoi: 10.5281/zenodo.1234567\nerrata:\n  - date: 2026-08-01\n    text: The readers' row was mislabelled.\n");
    std::fs::write(dir.join("release.yaml"), &yaml).unwrap();
    assert!(
        problems(root).iter().all(|d| !d.is_error()),
        "{:?}",
        problems(root)
    );

    let lb = dir.join(format!("tasks/{TASK}.json"));
    let text = std::fs::read_to_string(&lb).unwrap();
    std::fs::write(&lb, text.replacen("\"rank\": 1", "\"rank\": 2", 1)).unwrap();
    std::fs::remove_file(dir.join("systems.json")).unwrap();
    std::fs::write(dir.join("tasks/extra.json"), "{}").unwrap();
    let found = problems(root);
    let about = |file: &str, words: &str| {
        found.iter().any(|d| {
            d.is_error()
                && d.file.to_string_lossy().replace('\\', "/")
                    == format!("data/releases/2026.1/{file}")
                && d.message.contains(words)
        })
    };
    assert!(
        about(
            &format!("tasks/{TASK}.json"),
            "changed after the release (sha256"
        ),
        "{found:#?}"
    );
    assert!(
        about("systems.json", "missing from the release"),
        "{found:#?}"
    );
    assert!(
        about("tasks/extra.json", "added after the release"),
        "{found:#?}"
    );
    assert!(found.iter().any(|d| {
        d.hint
            .as_deref()
            .is_some_and(|h| h.contains("releases are immutable"))
    }));
    // The build refuses too, and says why.
    let out = tempfile::tempdir().unwrap();
    let opts = medal::BuildOptions {
        out: Some(out.path().join("public")),
        ..medal::BuildOptions::new(root)
    };
    assert!(matches!(
        medal::build(&opts),
        Err(medal::error::Error::Content(_))
    ));
}

#[test]
fn what_changed_matches_a_hand_computed_diff() {
    let site = copy_site(&example_site());
    let root = site.path();
    // The VLM perfect on every case: it will overtake the detector once it is evaluated.
    let lb_path = root.join(format!("data/leaderboards/{TASK}.json"));
    let lb = std::fs::read_to_string(&lb_path).unwrap();
    std::fs::write(
        &lb_path,
        lb.replace(
            "\"f2\": [0.6, 0.8, 0.7, 0.4, 0.9, 0.3]",
            "\"f2\": [1, 1, 1, 1, 1, 1]",
        ),
    )
    .unwrap();
    release(root, "2026.1", Some("2026-06-12"), "2026-06-13").unwrap();
    release(root, "2026.2", Some("2026-06-20"), "2026-06-21").unwrap();
    let (portal, _) = medal::load_checked(root).unwrap();
    let c = medal::compute::changes::between(&portal.releases[0], &portal.releases[1]);
    // By hand: no task added or retired; e0002 (example-vlm) added; the detector falls from
    // rank 1 to rank 2 on the task and overall; example-vlm is a new system; the evaluation
    // did not change.
    assert!(c.tasks_added.is_empty() && c.tasks_retired.is_empty());
    assert_eq!(c.systems_added, ["example-vlm"]);
    assert_eq!(c.tasks.len(), 1);
    let t = &c.tasks[0];
    assert_eq!(t.task, TASK);
    assert_eq!(
        t.entries_added,
        [("e0002".to_string(), "example-vlm".to_string())]
    );
    assert!(t.evaluation.is_empty() && t.comparable);
    let moves: Vec<(&str, f64, f64)> = t
        .moves
        .iter()
        .map(|m| (m.system.as_str(), m.before, m.after))
        .collect();
    assert_eq!(moves, [("example-detector", 1.0, 2.0)]);
    let overall: Vec<(&str, f64, f64)> = c
        .overall
        .iter()
        .map(|m| (m.system.as_str(), m.before, m.after))
        .collect();
    assert_eq!(overall, [("example-detector", 1.0, 2.0)]);

    // A new task version makes the ranks incomparable: no moves, the change named.
    let task_path = root.join(format!("content/tasks/{TASK}/task.yaml"));
    let task = std::fs::read_to_string(&task_path).unwrap();
    std::fs::write(
        &task_path,
        task.replacen("version: 1.0.0", "version: 1.1.0", 1),
    )
    .unwrap();
    let lb = std::fs::read_to_string(&lb_path).unwrap();
    std::fs::write(
        &lb_path,
        lb.replacen(
            "\"task_version\": \"1.0.0\"",
            "\"task_version\": \"1.1.0\"",
            1,
        ),
    )
    .unwrap();
    release(root, "2026.3", None, "2026-08-01").unwrap();
    let (portal, _) = medal::load_checked(root).unwrap();
    let c = medal::compute::changes::between(&portal.releases[1], &portal.releases[2]);
    let t = &c.tasks[0];
    assert!(!t.comparable && t.moves.is_empty());
    assert!(
        t.evaluation
            .iter()
            .any(|e| e == "task version 1.0.0 → 1.1.0"),
        "{:?}",
        t.evaluation
    );

    // The page says it.
    let (_out, files) = build(root);
    let page = text(&files["releases/2026.2/index.html"]);
    assert!(page.contains("What changed since"));
    assert!(page.contains("Example VLM") || page.contains("example-vlm"));
    let page3 = text(&files["releases/2026.3/index.html"]);
    assert!(page3.contains("Ranks are not comparable"));
}

#[test]
fn release_pages_downloads_and_archive() {
    let site = copy_site(&example_site());
    let root = site.path();
    std::fs::write(
        root.join("medal.toml"),
        "title = \"MEDAL\"\nbase_url = \"https://medal.example.org/\"\nconcept_doi = \"10.5281/zenodo.1000000\"\n[contact]\norganization = \"MEDAL team\"\n",
    )
    .unwrap();
    release(root, "2026.1", Some("2026-06-12"), "2026-06-13").unwrap();
    release(root, "2026.2", None, "2026-08-01").unwrap();
    let yaml = root.join("data/releases/2026.1/release.yaml");
    let mut y = std::fs::read_to_string(&yaml).unwrap();
    y.push_str("doi: 10.5281/zenodo.1000001\nerrata:\n  - date: 2026-06-30\n    text: The **readers' row** was mislabelled.\n");
    std::fs::write(&yaml, y).unwrap();
    let (_a, files) = build(root);
    let (_b, again) = build(root);

    let index = text(&files["releases/index.html"]);
    assert!(index.contains("2026.2") && index.contains("Latest"));
    assert!(
        index.find("2026.2").unwrap() < index.find("2026.1").unwrap(),
        "newest first"
    );
    let latest = text(&files["releases/latest/index.html"]);
    assert!(latest.contains("url=/releases/2026.2/"), "{latest}");

    let page = text(&files["releases/2026.1/index.html"]);
    assert!(page.contains("Errata") && page.contains("<strong>readers' row</strong>"));
    assert!(page.contains("version = {2026.1}"));
    assert!(page.contains("doi = {10.5281/zenodo.1000001}"));
    assert!(page.contains("type: dataset") && page.contains("date-released: \"2026-06-13\""));
    assert!(
        page.contains("value: \"10.5281/zenodo.1000000\""),
        "concept DOI as an identifier"
    );
    assert!(page.contains("Superseded"));
    let frozen = text(&files[&format!("releases/2026.1/tasks/{TASK}/index.html")]);
    assert!(frozen.contains("Frozen in release") && frozen.contains("The current leaderboard"));

    // Frozen files served as they are.
    assert_eq!(
        files[&format!("releases/2026.1/tasks/{TASK}.json")],
        std::fs::read(root.join(format!("data/releases/2026.1/tasks/{TASK}.json"))).unwrap()
    );
    let api: Value = serde_json::from_slice(&files["api/releases.json"]).unwrap();
    let versions: Vec<&str> = api["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["2026.2", "2026.1"]);
    assert_eq!(api["releases"][1]["errata"], 1);
    assert_eq!(api["releases"][1]["entries"], 2);
    assert_eq!(
        api["releases"][1]["url"],
        "https://medal.example.org/releases/2026.1/"
    );
    let feed = text(&files["releases/atom.xml"]);
    assert!(feed.contains("<id>https://medal.example.org/releases/2026.1/</id>"));

    // The archive: the same bytes on every build, the frozen files in a fixed order.
    let zip_path = "releases/2026.1/medal-2026.1.zip";
    assert!(
        files[zip_path] == again[zip_path],
        "the archive differs between builds"
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(files[zip_path].clone())).unwrap();
    let names: Vec<String> = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "medal-2026.1/CITATION.cff",
            "medal-2026.1/README.md",
            "medal-2026.1/manifest.json",
            "medal-2026.1/rankings.json",
            "medal-2026.1/systems.json",
            &format!("medal-2026.1/tasks/{TASK}.json"),
            &format!("medal-2026.1/tasks/{TASK}.yaml"),
        ]
    );
    let mut cff = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("medal-2026.1/CITATION.cff").unwrap(),
        &mut cff,
    )
    .unwrap();
    assert!(cff.contains("version: \"2026.1\"") && cff.contains("10.5281/zenodo.1000000"));

    // The task page lists both releases; the system page its ranks in each.
    let task = text(&files[&format!("tasks/{TASK}/index.html")]);
    assert!(task.contains("In releases") && task.contains("Rank history"));
    let schema: Value = serde_json::from_slice(&files["schemas/api-releases.schema.json"]).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    assert!(v.is_valid(&api));
    let schema: Value =
        serde_json::from_slice(&files["schemas/release-manifest.schema.json"]).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let manifest: Value = serde_json::from_slice(&files["releases/2026.1/manifest.json"]).unwrap();
    assert!(v.is_valid(&manifest));
}

#[test]
fn a_release_outlives_a_task_that_is_gone() {
    let site = copy_site(&example_site());
    let root = site.path();
    release(root, "2026.1", None, "2026-08-01").unwrap();
    // The task withdrawn entirely: its folder and leaderboard deleted, links to it removed.
    std::fs::remove_dir_all(root.join(format!("content/tasks/{TASK}"))).unwrap();
    std::fs::remove_file(root.join(format!("data/leaderboards/{TASK}.json"))).unwrap();
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let cut = text.replace(&format!("/tasks/{TASK}/"), "/tasks/");
            if cut != text {
                std::fs::write(entry.path(), cut).unwrap();
            }
        }
    }
    assert!(
        problems(root).iter().all(|d| !d.is_error()),
        "{:?}",
        problems(root)
    );
    let (_out, files) = build(root);
    assert!(!files.contains_key(&format!("tasks/{TASK}/index.html")));
    let page = text(&files["releases/2026.1/index.html"]);
    assert!(page.contains("no longer published"));
    let frozen = text(&files[&format!("releases/2026.1/tasks/{TASK}/index.html")]);
    assert!(frozen.contains("This task is no longer published"));
}
