//! The German edition over a copy of the demo with `[languages.de]`: every page exists in both
//! languages with reciprocal alternates, downloads are not duplicated, German formatting, a
//! missing interface string fails the check naming the key and file, and a confidential task's
//! translation reaches no output.

mod common;

use common::*;
use std::path::Path;

fn with_german(root: &Path) {
    let toml = root.join("medal.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    // The demo has German already; a portal copied without it gets it here.
    if !text.contains("[languages.de]") {
        text.push_str("\n[languages.de]\n");
        std::fs::write(toml, text).unwrap();
    }
}

#[test]
fn every_page_has_its_counterpart_with_reciprocal_alternates() {
    let site = copy_site(&demo_root());
    with_german(site.path());
    let (_out, files) = build(site.path());
    let english: Vec<&String> = files
        .keys()
        .filter(|p| p.ends_with(".html") && !p.starts_with("de/") && !p.starts_with("pagefind/"))
        .collect();
    assert!(english.len() > 50);
    for p in &english {
        let de = format!("de/{p}");
        assert!(files.contains_key(&de), "{de} is missing");
        let en_html = text(&files[p.as_str()]);
        let de_html = text(&files[&de]);
        // Redirects and the 404 page (served for any address) have no alternates.
        if en_html.contains("http-equiv=refresh") || p.as_str() == "404.html" {
            continue;
        }
        let path = p.trim_end_matches("index.html");
        let en_url = format!("http://127.0.0.1:8000/{path}");
        let de_url = format!("http://127.0.0.1:8000/de/{path}");
        for html in [&en_html, &de_html] {
            assert!(
                html.contains(&format!("href={en_url} hreflang=en"))
                    || html.contains(&format!("href=\"{en_url}\" hreflang=\"en\"")),
                "{p}: no alternate to {en_url}"
            );
            assert!(
                html.contains(&format!("href={de_url} hreflang=de"))
                    || html.contains(&format!("href=\"{de_url}\" hreflang=\"de\"")),
                "{p}: no alternate to {de_url}"
            );
        }
        assert!(de_html.contains("<html dir=ltr lang=de>"), "{de}: lang");
    }
    // Downloads exist once, at the root.
    assert!(files.contains_key("api/tasks.json"));
    assert!(!files.keys().any(|p| p.starts_with("de/api/")
        || p.starts_with("de/schemas/")
        || p.starts_with("de/static/")
        || p.starts_with("de/pagefind/")));
    assert!(!files.keys().any(|p| p.starts_with("de/")
        && (p.ends_with(".json") || p.ends_with(".csv") || p.ends_with(".zip"))));
    // One sitemap, with both languages' pages and their alternates.
    let sitemap = text(&files["sitemap.xml"]);
    assert!(
        sitemap.contains("xmlns:xhtml")
            && sitemap.contains("<loc>http://127.0.0.1:8000/de/tasks/</loc>")
    );
    // A feed per language.
    assert!(files.contains_key("news/atom.xml") && files.contains_key("de/news/atom.xml"));
    // A search index per language.
    assert!(files.keys().any(|p| p.starts_with("pagefind/pagefind.de_")));
    assert!(files.keys().any(|p| p.starts_with("pagefind/pagefind.en_")));
}

#[test]
fn german_pages_format_numbers_and_dates_in_german() {
    let site = copy_site(&demo_root());
    with_german(site.path());
    let (_out, files) = build(site.path());
    let page = text(&files["de/tasks/rectal-cancer-response-mri/index.html"]);
    assert!(
        page.contains("<title>") && page.contains("Ranglisten")
            || page.contains("Rangliste")
            || page.contains("Aufgaben")
    );
    let progress = text(&files["de/progress/index.html"]);
    assert!(
        progress.contains("Eingegangene Vorschläge"),
        "German figures"
    );
    assert!(progress.contains(" €"), "money in German form");
    let english = text(&files["progress/index.html"]);
    assert!(english.contains("Proposals received") && english.contains("€\u{a0}"));
    let tasks = text(&files["de/tasks/index.html"]);
    assert!(
        tasks.contains("<title>Aufgaben · MEDAL</title>"),
        "German title"
    );
    assert!(
        tasks.contains("lang=de") && tasks.contains("hreflang=en lang=en"),
        "switcher"
    );
}

#[test]
fn a_missing_interface_string_fails_the_check_naming_key_and_file() {
    let site = copy_site(&demo_root());
    with_german(site.path());
    // A theme override prints a new string, given in English only.
    let theme = site.path().join("themes/medal");
    let page = std::fs::read_to_string(theme.join("templates/404.html")).unwrap();
    std::fs::write(
        theme.join("templates/404.html"),
        page.replacen(
            "{% block content %}",
            "{% block content %}<p>{{ tr.custom_notice }}</p>",
            1,
        ),
    )
    .unwrap();
    let en = theme.join("i18n/en.toml");
    let mut text = std::fs::read_to_string(&en).unwrap();
    text.push_str("custom_notice = \"Maintenance on Sunday\"\n");
    std::fs::write(&en, text).unwrap();
    // And a third language without any catalog.
    let toml = site.path().join("medal.toml");
    let mut conf = std::fs::read_to_string(&toml).unwrap();
    conf.push_str("\n[languages.fr]\n");
    std::fs::write(&toml, conf).unwrap();
    let out = tempfile::tempdir().unwrap();
    let opts = medal::BuildOptions {
        out: Some(out.path().join("public")),
        ..medal::BuildOptions::new(site.path())
    };
    let Err(medal::error::Error::Content(d)) = medal::check_site(&opts, &medal::timings::Silent)
    else {
        panic!("the check should fail");
    };
    let about = |lang: &str, key: &str| {
        d.iter().any(|d| {
            d.field.as_deref() == Some(key)
                && d.file.to_string_lossy() == format!("themes/medal/i18n/{lang}.toml")
                && d.message
                    .contains(&format!("`{key}` is missing for language `{lang}`"))
        })
    };
    assert!(about("de", "custom_notice"), "{d:#?}");
    assert!(d.iter().any(|d| {
        d.hint
            .as_deref()
            .is_some_and(|h| h.contains("Maintenance on Sunday"))
    }));
    assert!(about("fr", "page_tasks_title") && about("fr", "labels.status.released"));
    assert!(
        !about("de", "page_tasks_title"),
        "German is complete otherwise"
    );
}

#[test]
fn a_confidential_tasks_translation_reaches_no_output() {
    let site = copy_site(&demo_root());
    with_german(site.path());
    let secret = "Geheimer Vorschlag Zebrafisch";
    let dir = site
        .path()
        .join("content/tasks/cochlear-electrode-translocation-cbct");
    std::fs::write(
        dir.join("task.de.yaml"),
        format!("title: \"{secret}\"\nsummary: >-\n  {secret}: eine vertrauliche Zusammenfassung, die niemand außerhalb des Gremiums lesen darf.\n"),
    )
    .unwrap();
    let (_out, files) = build(site.path());
    for (path, bytes) in &files {
        assert!(
            !String::from_utf8_lossy(bytes).contains("Zebrafisch"),
            "{path}"
        );
    }
    // A translated, published task shows its German title on its German page.
    let rectal = site.path().join("content/tasks/rectal-cancer-response-mri");
    std::fs::write(
        rectal.join("task.de.yaml"),
        "title: \"Vorhersage des vollständigen Ansprechens beim Rektumkarzinom\"\n",
    )
    .unwrap();
    let (_out, files) = build(site.path());
    let de = text(&files["de/tasks/rectal-cancer-response-mri/index.html"]);
    assert!(de.contains("Vorhersage des vollständigen Ansprechens beim Rektumkarzinom"));
    let en = text(&files["tasks/rectal-cancer-response-mri/index.html"]);
    assert!(!en.contains("Vorhersage des vollständigen"));
}

#[test]
fn a_translation_with_other_fields_or_without_original_is_an_error() {
    let site = copy_site(&demo_root());
    with_german(site.path());
    let rectal = site.path().join("content/tasks/rectal-cancer-response-mri");
    std::fs::write(
        rectal.join("task.de.yaml"),
        "title: \"x\"\nstatus: released\n",
    )
    .unwrap();
    std::fs::write(
        site.path().join("content/pages/nowhere.de.md"),
        "---\ntitle: \"Nirgends\"\n---\nText.\n",
    )
    .unwrap();
    let about = std::fs::read_to_string(site.path().join("content/pages/about.md")).unwrap();
    let de_about = about.replacen("menu: 1", "menu: 3", 1);
    assert_ne!(about, de_about);
    std::fs::write(site.path().join("content/pages/about.de.md"), de_about).unwrap();
    let d = match medal::check(site.path()) {
        Err(medal::error::Error::Content(d)) => d,
        other => panic!("should fail: {other:?}"),
    };
    let has = |file: &str, words: &str| {
        d.iter().any(|x| {
            x.file.to_string_lossy().replace('\\', "/") == file && x.message.contains(words)
        })
    };
    assert!(
        has(
            "content/tasks/rectal-cancer-response-mri/task.de.yaml",
            "status"
        ),
        "{d:#?}"
    );
    assert!(
        has("content/pages/nowhere.de.md", "does not exist"),
        "{d:#?}"
    );
    assert!(
        has("content/pages/about.de.md", "`menu` is 3 here but 1"),
        "{d:#?}"
    );
}
