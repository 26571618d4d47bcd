//! Progress figures and open data over a small fixture: the example portal plus two
//! confidential proposals. Every expected number below is counted by hand from the files
//! this test writes; the Croissant files and Atom feeds go through their reference tools
//! (mlcroissant, feedparser) when installed, and every JSON download through its schema.

mod common;

use common::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::process::Command;

const SECRET_TITLE: &str = "Confidential kidney proposal ZQX";

/// The example portal (released, submitted 2026-03-01, selected 2026-05-14, released
/// 2026-06-01, award 25,000 committed, DE, CT, radiology + oncology, three leaderboard entries
/// of which one is a reference reader) plus:
/// - `secret-kidney-mr`: proposed 2026-06-20, MR and CT, radiology and other, contributors in
///   FR (twice) and US;
/// - `secret-slide-sm`: submitted 2026-07-05, under review 2026-07-20, SM, pathology, DE.
fn fixture() -> tempfile::TempDir {
    let site = copy_site(&example_site());
    let root = site.path();
    let example =
        std::fs::read_to_string(root.join("content/tasks/hepatic-metastases-ct/task.yaml"))
            .unwrap();
    let variant = |id: &str, title: &str, head: &str, contributors: &str, imaging: (&str, &str)| {
        let mut t = example.replace("id: hepatic-metastases-ct", &format!("id: {id}"));
        t = t.replace(
            "title: \"Detection of small hepatic metastases on portal-venous CT\"",
            &format!("title: \"{title}\""),
        );
        // Status, submission and history.
        let start = t.find("status: released").unwrap();
        let end = t.find("summary:").unwrap();
        t.replace_range(start..end, head);
        // Contributors.
        let start = t.find("contributors:").unwrap();
        let end = t.find("clinical:").unwrap();
        t.replace_range(start..end, contributors);
        t = t.replace("specialty: [radiology, oncology]", imaging.1);
        t = t.replace("modalities: [CT]", imaging.0);
        let dir = root.join("content/tasks").join(id);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("task.yaml"), t).unwrap();
    };
    variant(
        "secret-kidney-mr",
        SECRET_TITLE,
        "status: proposed\nsubmitted: 2026-06-20\nhistory:\n  - {date: 2026-06-20, status: proposed}\n",
        "contributors:\n  - {name: \"A B\", country: FR, roles: [clinical_lead]}\n  - {name: \"C D\", country: FR, roles: [annotator]}\n  - {name: \"E F\", country: US, roles: [methodologist]}\n",
        ("modalities: [MR, CT]", "specialty: [radiology, other]"),
    );
    variant(
        "secret-slide-sm",
        "Confidential slide proposal",
        "status: under_review\nsubmitted: 2026-07-05\nhistory:\n  - {date: 2026-07-05, status: proposed}\n  - {date: 2026-07-20, status: under_review}\n",
        "contributors:\n  - {name: \"G H\", country: DE, roles: [clinical_lead]}\n",
        ("modalities: [SM]", "specialty: [pathology]"),
    );
    site
}

fn json(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Value {
    serde_json::from_slice(files.get(path).unwrap_or_else(|| panic!("no {path}")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn progress_json_matches_the_hand_count() {
    let site = fixture();
    let (_out, files) = build(site.path());
    let p = json(&files, "api/progress.json");
    // Newest dated content: the under-review date of secret-slide-sm.
    assert_eq!(p["as_of"], "2026-07-20");
    assert_eq!(p["proposals"], 3);
    assert_eq!(
        p["by_status"],
        json!({"proposed": 1, "under_review": 1, "revise_and_resubmit": 0, "selected": 0,
               "rejected": 0, "released": 1, "retired": 0})
    );
    assert_eq!(p["selected_total"], 1);
    assert_eq!(p["released_total"], 1);
    assert_eq!(p["prize_committed_eur"], 25000);
    assert_eq!(p["prize_paid_eur"], 0);
    assert_eq!(p["by_modality"], json!({"CT": 2, "MR": 1, "SM": 1}));
    assert_eq!(
        p["by_specialty"],
        json!({"oncology": 1, "other": 1, "pathology": 1, "radiology": 2})
    );
    // FR twice in one task counts once.
    assert_eq!(p["by_country"], json!({"DE": 2, "FR": 1, "US": 1}));
    // Two systems ranked; the radiologists are a reference entry (an entry, not a system).
    assert_eq!(p["systems_evaluated"], 2);
    assert_eq!(p["leaderboard_entries"], 3);
    assert_eq!(
        p["funnel"],
        json!({"proposed": 3, "under_review": 2, "decided": 1, "selected": 1, "released": 1})
    );
    assert_eq!(p["selected_by_modality"], json!({"CT": 1}));
    let best = &p["best_score_over_time"][0];
    assert_eq!(best["task"], "hepatic-metastases-ct");
    let dates: Vec<&str> = best["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["date"].as_str().unwrap())
        .collect();
    assert!(!dates.is_empty() && dates.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn report_figures_cover_their_period() {
    let site = fixture();
    let portal = medal::load::load(site.path()).expect("fixture loads");
    let q2 = portal
        .reports
        .iter()
        .find(|r| r.id.as_str() == "2026-q2")
        .unwrap();
    let f = medal::compute::stats::period_figures(&portal, &q2.meta.period);
    // 1 April to 30 June: secret-kidney-mr came in (20 June); the example was selected
    // (14 May) and released (1 June); its three results are dated 30 May, 11 and 16 June.
    assert_eq!(f.proposals_in_period, 1);
    assert_eq!(f.proposals_total, 2);
    assert_eq!((f.selected_in_period, f.selected_total), (1, 1));
    assert_eq!((f.released_in_period, f.released_total), (1, 1));
    assert_eq!(f.entries_in_period, 3);
    assert_eq!(f.prize_committed_eur, 25000.0);

    let (_out, files) = build(site.path());
    let page = text(&files["reports/2026-q2/index.html"]);
    assert!(page.contains("Proposals received"));
    assert!(
        page.contains("+1 in this period"),
        "proposals in the period"
    );
    assert!(page.contains("From proposal to leaderboard"));
    assert!(page.contains("Best score over time"));
    assert!(files.contains_key("reports/2026-q2/print.css"));
    let css = text(&files["reports/2026-q2/print.css"]);
    assert!(css.contains("@bottom-left") && css.contains("published 15 July 2026"));
}

#[test]
fn confidential_proposals_appear_in_counts_only() {
    let site = fixture();
    let (_out, files) = build(site.path());
    for (path, bytes) in &files {
        let s = String::from_utf8_lossy(bytes);
        for needle in [
            "secret-kidney-mr",
            "secret-slide-sm",
            SECRET_TITLE,
            "Confidential slide proposal",
        ] {
            assert!(!s.contains(needle), "{path} reveals {needle}");
        }
    }
    let tasks = json(&files, "api/tasks.json");
    assert_eq!(tasks["count"], 1);
    assert_eq!(tasks["tasks"][0]["id"], "hepatic-metastases-ct");
    // A record for the published task, none for the proposals (not even an empty file).
    let records: Vec<&String> = files
        .keys()
        .filter(|p| p.starts_with("api/tasks/"))
        .collect();
    assert_eq!(records, ["api/tasks/hepatic-metastases-ct.json"]);
    assert!(!files.keys().any(|p| p.contains("secret-")));
}

/// `/api/tasks.json` is an index of exactly the published tasks; each entry is its record
/// (`/api/tasks/<id>.json`, at `links.task_json`) cut down to the index fields, and the record
/// says what the task page shows.
#[test]
fn task_index_lists_the_published_tasks_and_links_their_records() {
    let root = demo_root();
    let (_out, files) = build(&root);
    let portal = medal::load::load(&root).expect("the demo loads");
    let mut published: Vec<String> = portal
        .published_tasks()
        .map(|b| b.task.id.to_string())
        .collect();
    published.sort();
    assert!(published.len() >= 10, "the demo has published tasks");
    assert!(
        portal.tasks.len() > published.len(),
        "the demo has confidential proposals too"
    );

    let index = json(&files, "api/tasks.json");
    let entries = index["tasks"].as_array().unwrap();
    let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, published, "exactly the published tasks, by id");
    assert_eq!(index["count"], published.len());
    assert!(index["as_of"].is_string());

    // One record per published task, nothing else under api/tasks/.
    let records: Vec<String> = files
        .keys()
        .filter_map(|p| p.strip_prefix("api/tasks/"))
        .map(|p| p.to_string())
        .collect();
    let want: Vec<String> = published.iter().map(|id| format!("{id}.json")).collect();
    assert_eq!(records, want);

    for e in entries {
        let id = e["id"].as_str().unwrap();
        let page = e["links"]["page"].as_str().unwrap();
        let base = page.strip_suffix(&format!("tasks/{id}/")).unwrap();
        let url = e["links"]["task_json"].as_str().unwrap();
        let path = url.strip_prefix(base).unwrap();
        assert_eq!(path, format!("api/tasks/{id}.json"));
        let record = json(&files, path);

        // The entry is the record cut down: every value at the same path, and the record has
        // more (the contributors, the evaluation, the description).
        fn within(entry: &Value, record: &Value, at: &str) {
            match entry {
                Value::Object(m) => {
                    for (k, v) in m {
                        within(v, &record[k.as_str()], &format!("{at}.{k}"));
                    }
                }
                v => assert_eq!(v, record, "{at}"),
            }
        }
        within(e, &record, id);
        assert_eq!(e["links"], record["links"], "{id}: same links");
        for k in ["contributors", "history", "description_html"] {
            assert!(e.get(k).is_none(), "{id}: {k} stays out of the index");
            assert!(record.get(k).is_some(), "{id}: the record has {k}");
        }
        assert!(record["clinical"]["clinical_question"].is_string());
        assert!(e["clinical"].get("clinical_question").is_none());

        // What the task page shows.
        let html = text(&files[&format!("tasks/{id}/index.html")]);
        let title = record["title"].as_str().unwrap();
        assert!(
            html.contains(&format!(">{title}</h1>")),
            "{id}: the page's heading is {title}"
        );
        let summary = record["summary"].as_str().unwrap().trim();
        assert!(html.contains(summary), "{id}: summary");
        if let Some(acronym) = record["acronym"].as_str() {
            assert!(html.contains(acronym), "{id}: acronym");
        }
        let version = record["version"].as_str().unwrap();
        assert!(html.contains(version), "{id}: version {version}");
        let b = portal.task(id).unwrap();
        assert_eq!(record["status"], b.task.status.as_str());
        assert_eq!(record["submitted"], json!(b.task.submitted));
    }
}

/// Every JSON download matches the schema published beside it.
#[test]
fn downloads_match_their_schemas() {
    let (_out, files) = build(&demo_root());
    let check = |schema: &str, doc: &str| {
        let schema = json(&files, schema);
        let v = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{schema}: {e}"));
        let d = json(&files, doc);
        let errors: Vec<String> = v
            .iter_errors(&d)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{doc}: {}", errors.join("\n"));
    };
    check("schemas/api-progress.schema.json", "api/progress.json");
    check("schemas/api-rankings.schema.json", "api/rankings.json");
    check("schemas/api-tasks.schema.json", "api/tasks.json");
    let mut records = 0;
    for path in files
        .keys()
        .filter(|p| p.starts_with("api/tasks/") && p.ends_with(".json"))
    {
        check("schemas/api-task.schema.json", path);
        records += 1;
    }
    assert_eq!(records, json(&files, "api/tasks.json")["count"]);
    check("schemas/api-systems.schema.json", "api/systems.json");
    check("schemas/api-releases.schema.json", "api/releases.json");
    for path in files
        .keys()
        .filter(|p| p.starts_with("releases/") && p.ends_with("/manifest.json"))
    {
        check("schemas/release-manifest.schema.json", path);
    }
    let mut boards = 0;
    for path in files.keys().filter(|p| p.ends_with("/leaderboard.json")) {
        check("schemas/api-leaderboard.schema.json", path);
        boards += 1;
    }
    assert!(boards >= 5, "the demo has released tasks");
    // The schemas are not vacuous: a progress document without `proposals` fails.
    let schema = json(&files, "schemas/api-progress.schema.json");
    let v = jsonschema::validator_for(&schema).unwrap();
    let mut bad = json(&files, "api/progress.json");
    bad.as_object_mut().unwrap().remove("proposals");
    assert!(!v.is_valid(&bad));
    // Nor are the task schemas: an index entry carrying a field of the full record fails, and
    // so does a record without its links.
    let schema = json(&files, "schemas/api-tasks.schema.json");
    let v = jsonschema::validator_for(&schema).unwrap();
    let mut bad = json(&files, "api/tasks.json");
    bad["tasks"][0]["contributors"] = json!([]);
    assert!(!v.is_valid(&bad));
    let schema = json(&files, "schemas/api-task.schema.json");
    let v = jsonschema::validator_for(&schema).unwrap();
    let mut bad = json(&files, "api/tasks/her2-low-scoring-wsi.json");
    assert!(v.is_valid(&bad));
    bad.as_object_mut().unwrap().remove("links");
    assert!(!v.is_valid(&bad));
}

/// A Python tool the test needs: present, or a skip with a clear message (a failure under CI).
fn python_has(module: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let msg = format!("needs the Python package `{module}` (pip install; see .ci/run)");
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("SKIPPED: {msg}");
    }
    ok
}

#[test]
fn croissant_files_pass_mlcroissant() {
    if !python_has("mlcroissant") {
        return;
    }
    let (out, files) = build(&demo_root());
    let public = out.path().join("public");
    let croissants: Vec<&String> = files
        .keys()
        .filter(|p| p.ends_with("/croissant.json"))
        .collect();
    assert!(croissants.len() >= 5, "every data card has one");
    for path in croissants {
        let o = Command::new("mlcroissant")
            .args(["validate", "--jsonld"])
            .arg(public.join(path))
            .output()
            .expect("mlcroissant runs");
        let log = String::from_utf8_lossy(&o.stderr);
        assert!(
            o.status.success() && !log.contains("Found the following"),
            "{path} fails mlcroissant validate:\n{log}"
        );
    }
    // And a researcher can load one and read its RAI fields.
    let path = public.join("tasks/her2-low-scoring-wsi/croissant.json");
    let script = "import sys, mlcroissant as mlc\nm = mlc.Dataset(jsonld=sys.argv[1]).metadata\nprint(m.name)\nprint(len(m.data_biases))";
    let o = Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("HER2-LOW whole-slide images"),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn atom_feeds_parse_and_are_valid() {
    if !python_has("feedparser") {
        return;
    }
    let (out, files) = build(&demo_root());
    let public = out.path().join("public");
    let script = r#"
import sys, feedparser
for path, minimum in ((sys.argv[1], 1), (sys.argv[2], 10)):
    f = feedparser.parse(path)
    assert not f.bozo, (path, f.bozo_exception)
    assert f.version == "atom10", (path, f.version)
    assert f.feed.title and f.feed.id and f.feed.updated, path
    assert len(f.entries) >= minimum, (path, len(f.entries))
    ids = [e.id for e in f.entries]
    assert len(set(ids)) == len(ids), "entry ids are unique"
    for e in f.entries:
        assert e.title and e.link and e.updated, e
print("ok")
"#;
    let o = Command::new("python3")
        .args(["-c", script])
        .arg(public.join("news/atom.xml"))
        .arg(public.join("rankings/atom.xml"))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let updates = text(&files["rankings/atom.xml"]);
    assert!(updates.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
}

#[test]
fn contributor_text_cannot_break_out_of_json_ld() {
    let site = copy_site(&example_site());
    let card = site
        .path()
        .join("content/tasks/hepatic-metastases-ct/datacard.yaml");
    let payload = "HEPMET </script><script>alert(1)</script> & <!-- x";
    let text = std::fs::read_to_string(&card).unwrap();
    std::fs::write(
        &card,
        text.replace("name: \"HEPMET CT v1\"", &format!("name: \"{payload}\"")),
    )
    .unwrap();
    let (_out, files) = build(site.path());
    let html = String::from_utf8_lossy(&files["tasks/hepatic-metastases-ct/datacard/index.html"])
        .to_string();
    // In <head> the title is RCDATA and meta values are quoted attributes: text there.
    let after_title = html.split("</head>").nth(1).unwrap();
    assert!(
        !after_title.contains("<script>alert(1)"),
        "the payload ran out of its block"
    );
    let open = "<script type=application/ld+json>";
    let start = html.find(open).unwrap() + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    let block = &html[start..end];
    assert!(!block.contains('<') && !block.contains('>') && !block.contains('&'));
    let ld: Value = serde_json::from_str(block).unwrap();
    assert_eq!(ld["name"], payload, "the data survives, escaped");
    let croissant = json(&files, "tasks/hepatic-metastases-ct/croissant.json");
    assert_eq!(croissant["name"], payload);
}

/// "A researcher can load any leaderboard with pandas from the published URLs": the built site
/// served over HTTP, every leaderboard.csv read by URL with pandas.
#[test]
fn pandas_loads_every_leaderboard_from_its_url() {
    if !python_has("pandas") {
        return;
    }
    let (out, files) = build(&demo_root());
    let public = out.path().join("public");
    let boards: Vec<&String> = files
        .keys()
        .filter(|p| p.ends_with("/leaderboard.csv"))
        .collect();
    assert!(boards.len() >= 5);
    let script = r#"
import functools, http.server, json, sys, threading, urllib.request
import pandas as pd
root, paths = sys.argv[1], sys.argv[2:]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
handler.log_message = lambda *a: None
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d/" % server.server_port
for p in paths:
    board = pd.read_csv(base + p)
    doc = json.load(urllib.request.urlopen(base + p.replace(".csv", ".json")))
    assert len(board) == len(doc["entries"]), p
    assert list(board.columns[:4]) == ["entry", "system", "reference_only", "rank"], p
    assert board["rank"].dropna().min() == 1, p
    assert board["reference_only"].dtype == bool, p
tasks = pd.json_normalize(json.load(urllib.request.urlopen(base + "api/tasks.json"))["tasks"])
assert "links.croissant" in tasks.columns and len(tasks) > 0
assert "imaging.modalities" in tasks.columns and "links.task_json" in tasks.columns
first = tasks["id"][0]
record = json.load(urllib.request.urlopen(base + "api/tasks/" + first + ".json"))
assert record["id"] == first and record["contributors"], first
server.shutdown()
print("ok", len(paths))
"#;
    let o = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&public)
        .args(boards)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}
