//! Builds small sites made from the example portal (tests/fixtures/example): defaults without
//! medal.toml, hostile contributor text, broken content reported whole, and failed builds that
//! leave the previous output alone.

mod common;

use common::*;
use medal::error::Error;
use std::path::Path;
use std::process::Command;

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn task_yaml(root: &Path) -> std::path::PathBuf {
    root.join("content/tasks/hepatic-metastases-ct/task.yaml")
}

#[test]
fn a_root_with_only_content_and_data_builds_with_defaults() {
    let site = copy_site(&example_site());
    assert!(!site.path().join("medal.toml").exists());
    assert!(!site.path().join("themes").exists());
    let (_out, files) = build(site.path());
    let task = text(&files["tasks/hepatic-metastases-ct/index.html"]);
    assert!(task.contains("Detection of small hepatic metastases on portal-venous CT"));
    assert!(
        files.contains_key("static/style.css"),
        "the built-in theme's files"
    );
    // The example portal: the detector (mean F2 0.658 with the missing case at worst value 0)
    // ranks above the VLM (0.617); the radiologists are shown but not ranked.
    assert!(task.contains("0.658"), "detector's mean F2");
    assert!(task.contains("0.617"), "VLM's mean F2");
    let detector = task.find("Example Detector").unwrap();
    let vlm = task.find("Example Vision-Language Model").unwrap();
    assert!(detector < vlm);
}

#[test]
fn hostile_contributor_text_is_made_harmless() {
    let site = copy_site(&example_site());
    let path = task_yaml(site.path());
    edit(
        &path,
        "  ## What the AI system must do\n",
        "  <script>alert('x')</script><img src=?x onerror=\"alert(1)\">\n  [click](javascript:alert(1)) <iframe src=\"https://evil.example\"></iframe>\n  ![pixel](https://tracker.example/p.gif)\n\n  ## What the AI system must do\n",
    );
    edit(
        &path,
        "acronym: HEPMET",
        "acronym: \"<b onmouseover=alert(1)>HEPMET</b>\"",
    );
    let (_out, files) = build(site.path());
    for (p, bytes) in &files {
        let html = String::from_utf8_lossy(bytes);
        // JSON-LD blocks are data, never run; their JSON carries no `<` (so no end tag).
        let open = "<script type=application/ld+json>";
        let mut rest = html.to_string();
        while let Some(i) = rest.find(open) {
            let end = rest[i..]
                .find("</script>")
                .map(|j| i + j)
                .unwrap_or(rest.len());
            assert!(
                !rest[i + open.len()..end].contains('<'),
                "{p}: markup in JSON-LD"
            );
            rest.replace_range(i..(end + 9).min(rest.len()), "");
        }
        let html = rest;
        // The only other script is the theme's own search script (a file, on /search/).
        for (i, _) in html.match_indices("<script") {
            let tag = &html[i..html[i..].find('>').map_or(html.len(), |j| i + j)];
            assert!(tag.contains("/static/search.js"), "{p}: {tag}");
        }
        assert!(!html.contains("onerror"), "{p}");
        // In <head> the title is RCDATA and meta values are quoted attributes: text there.
        let body = html.split("</head>").nth(1).unwrap_or(&html);
        assert!(!body.contains("<b onmouseover"), "{p}: acronym escaped");
        assert!(!html.contains("javascript:"), "{p}");
        assert!(!html.contains("<iframe"), "{p}");
        assert!(!html.contains("tracker.example"), "{p}");
    }
    let task =
        String::from_utf8_lossy(&files["tasks/hepatic-metastases-ct/index.html"]).to_string();
    assert!(task.contains("&lt;b onmouseover"), "text shown as text");
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let site = copy_site(&example_site());
    edit(
        &task_yaml(site.path()),
        "status: released",
        "status: relased",
    );
    edit(
        &site
            .path()
            .join("content/tasks/hepatic-metastases-ct/datacard.yaml"),
        "  date_published: 2026-04-01",
        "  date_published: 2026-04-31",
    );
    edit(
        &site.path().join("data/systems.yaml"),
        "    kind: task_specific",
        "    knd: task_specific",
    );
    let lb = site
        .path()
        .join("data/leaderboards/hepatic-metastases-ct.json");
    edit(
        &lb,
        "\"split\": \"test\",",
        "\"split\": \"test\",\n  \"bogus\": true,",
    );

    let Err(Error::Content(diags)) = medal::check(site.path()) else {
        panic!("expected content errors");
    };
    let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    let all = shown.join("\n");
    assert_eq!(diags.len(), 4, "{all}");
    let find = |file: &str| {
        diags
            .iter()
            .find(|d| d.file.to_string_lossy().ends_with(file))
            .unwrap_or_else(|| panic!("no diagnostic for {file}:\n{all}"))
    };
    let task = find("task.yaml");
    assert_eq!(task.line, Some(6), "{all}");
    assert_eq!(task.field.as_deref(), Some("status"));
    assert!(
        task.message == "unknown value `relased` for status"
            && task
                .hint
                .as_deref()
                .is_some_and(|h| h.starts_with("did you mean `released`?")),
        "{all}"
    );
    let card = find("datacard.yaml");
    assert_eq!(card.field.as_deref(), Some("dataset.date_published"));
    assert_eq!(card.line, Some(8), "{all}");
    let systems = find("systems.yaml");
    assert!(systems.message.contains("knd"), "{all}");
    assert!(systems.line.is_some());
    let json = find("hepatic-metastases-ct.json");
    assert!(
        json.message.contains("bogus") && json.line == Some(6),
        "{all}"
    );
    assert!(
        diags.iter().all(|d| d.hint.is_some()),
        "every problem has a hint:\n{all}"
    );
}

#[test]
fn cross_file_rules_name_file_line_and_field() {
    let site = copy_site(&example_site());
    let lb = site
        .path()
        .join("data/leaderboards/hepatic-metastases-ct.json");
    edit(
        &lb,
        "\"system\": \"example-vlm\"",
        "\"system\": \"no-such-system\"",
    );
    edit(
        &lb,
        "\"f2\": [0.6, 0.8, 0.7, 0.4, 0.9, 0.3]",
        "\"f2\": [0.6, 0.8]",
    );
    edit(&task_yaml(site.path()), "      primary: true\n", "");
    let Err(Error::Content(diags)) = medal::check(site.path()) else {
        panic!("expected content errors");
    };
    let all = diags
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        all.contains("`no-such-system` is not in data/systems.yaml"),
        "{all}"
    );
    assert!(all.contains("2 values for 6 cases"), "{all}");
    assert!(all.contains("0 metrics are marked primary"), "{all}");
    assert!(diags.iter().all(|d| d.line.is_some()), "{all}");
}

#[test]
fn a_leaderboard_of_a_confidential_task_is_refused() {
    let site = copy_site(&example_site());
    let path = task_yaml(site.path());
    edit(&path, "status: released", "status: under_review");
    edit(
        &path,
        "  - {date: 2026-05-14, status: selected}\n  - {date: 2026-06-01, status: released}\n",
        "",
    );
    let Err(Error::Content(diags)) = medal::check(site.path()) else {
        panic!("expected content errors");
    };
    assert!(
        diags.iter().any(|d| d.message.contains("leak")),
        "{diags:?}"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let site = copy_site(&example_site());
    let out = site.path().join("public");
    let opts = medal::BuildOptions {
        out: Some(out.clone()),
        ..medal::BuildOptions::new(site.path())
    };
    medal::build(&opts).unwrap();
    let before = read_tree(&out);
    edit(
        &task_yaml(site.path()),
        "status: released",
        "status: relased",
    );
    assert!(medal::build(&opts).is_err());
    assert_eq!(read_tree(&out), before);
    let stray: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("public") && n != "public")
        .collect();
    assert!(stray.is_empty(), "staging folders left: {stray:?}");
}

#[test]
fn cli_exit_codes_and_messages() {
    let site = copy_site(&example_site());
    let medal = env!("CARGO_BIN_EXE_medal");
    let out = Command::new(medal)
        .args(["build", "--root"])
        .arg(site.path())
        .args(["--base-url", "https://org.github.io/medal"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let home = std::fs::read_to_string(site.path().join("public/index.html")).unwrap();
    assert!(
        home.contains("/medal/tasks/"),
        "links under the sub-path base URL"
    );

    edit(
        &task_yaml(site.path()),
        "status: released",
        "status: relased",
    );
    let out = Command::new(medal)
        .args(["check", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("content/tasks/hepatic-metastases-ct/task.yaml:6"),
        "{err}"
    );

    let out = Command::new(medal)
        .args(["build", "--root", "/nonexistent/medal-root"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn drafts_are_published_only_with_the_flag() {
    let site = copy_site(&example_site());
    let news = site.path().join("content/news");
    std::fs::create_dir_all(&news).unwrap();
    std::fs::write(
        news.join("upcoming-round.md"),
        "---\ntitle: Upcoming selection round\ndate: 2026-10-01\ndraft: true\n---\nNot yet.\n",
    )
    .unwrap();
    let mut opts = medal::BuildOptions {
        out: Some(site.path().join("public")),
        ..medal::BuildOptions::new(site.path())
    };
    medal::build(&opts).unwrap();
    let files = read_tree(&site.path().join("public"));
    assert!(!files.contains_key("news/upcoming-round/index.html"));
    assert!(!text(&files["news/atom.xml"]).contains("Upcoming selection round"));

    opts.drafts = true;
    medal::build(&opts).unwrap();
    let files = read_tree(&site.path().join("public"));
    assert!(text(&files["news/upcoming-round/index.html"]).contains("Upcoming selection round"));
}

#[test]
fn check_formats_for_people_scripts_and_pull_requests() {
    let site = copy_site(&example_site());
    edit(
        &task_yaml(site.path()),
        "status: released",
        "status: relased",
    );
    let medal = env!("CARGO_BIN_EXE_medal");
    let run = |format: &str| {
        let out = Command::new(medal)
            .args(["check", "--format", format, "--root"])
            .arg(site.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };

    let (_, human) = run("human");
    assert!(
        human.contains("--> content/tasks/hepatic-metastases-ct/task.yaml:6:9"),
        "{human}"
    );
    assert!(human.contains("6 | status: relased"), "{human}");
    assert!(human.contains("^^^^^^^"), "{human}");

    let (json, _) = run("json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["file"], "content/tasks/hepatic-metastases-ct/task.yaml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(9))
    );
    assert_eq!(d["field"], "status");

    let (github, _) = run("github");
    assert!(
        github.starts_with(
            "::error file=content/tasks/hepatic-metastases-ct/task.yaml,line=6,col=9,title=status::"
        ),
        "{github}"
    );
}
