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
    // A video is not text (its file must be the same), but its captions are.
    let sign = site.path().join("content/pages/sign-language.de.md");
    let sign_de = std::fs::read_to_string(&sign).unwrap();
    std::fs::write(
        &sign,
        sign_de.replace(
            "src: static/video/dgs-placeholder.webm",
            "src: static/video/other.webm",
        ),
    )
    .unwrap();
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
    assert!(
        has("content/pages/sign-language.de.md", "`video` is"),
        "{d:#?}"
    );
    assert!(
        !sign_de.contains("captions: static/video/dgs-placeholder.vtt")
            && !d
                .iter()
                .any(|x| x.message.contains("captions") && x.is_error()),
        "German captions of the same video are allowed: {d:#?}"
    );
}

/// Every sentence of the English catalog that German translates differently is absent from
/// the German pages, and text shown untranslated says so.
#[test]
fn german_pages_show_no_english_interface_text() {
    let (_out, files) = build(&demo_root());
    let read = |lang: &str| -> toml::Table {
        let path = demo_root().join(format!("themes/medal/i18n/{lang}.toml"));
        toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let (en, de) = (read("en"), read("de"));
    // Proper names kept in German too (the tagline) are not English text.
    let german_values: std::collections::BTreeSet<&str> =
        de.values().filter_map(|v| v.as_str()).collect();
    let english: Vec<&str> = en
        .iter()
        .filter_map(|(k, v)| {
            let e = v.as_str()?;
            let d = de.get(k).and_then(|d| d.as_str())?;
            // Whole English phrases: long enough not to occur by chance in other text.
            (e != d
                && !german_values.contains(e)
                && e.len() >= 16
                && e.contains(' ')
                && !e.contains('{')
                && !e.contains('<'))
            .then_some(e)
        })
        .collect();
    assert!(english.len() > 200, "{}", english.len());
    let mut checked = 0;
    // Data cards and system profiles included: their untranslated values are marked English.
    for (path, bytes) in files
        .iter()
        .filter(|(p, _)| p.starts_with("de/") && p.ends_with(".html"))
    {
        let html = without_english_regions(&text(bytes));
        for e in &english {
            assert!(!html.contains(e), "{path}: English interface text `{e}`");
        }
        checked += 1;
    }
    assert!(checked > 80, "{checked}");
    // An untranslated task: its text is marked English, and the page says so in German.
    let her2 = text(&files["de/tasks/her2-low-scoring-wsi/index.html"]);
    assert!(her2.contains("lang=en>HER2-low and HER2-ultralow"));
    assert!(her2.contains("Teile dieser Aufgabe sind noch nicht übersetzt"));
    let translated = text(&files["de/tasks/rectal-cancer-response-mri/index.html"]);
    assert!(!translated.contains("noch nicht übersetzt"));
    // An untranslated news post and report likewise.
    let post = text(&files["de/news/2026-01-15-call-for-tasks-open/index.html"]);
    assert!(post.contains("Diese Seite ist noch nicht übersetzt") && post.contains("lang=en"));
    // Data cards and system profiles are not translated (content format): their text is marked
    // English, and the page says so in German.
    let card = text(&files["de/tasks/cvs-lapchole-video/datacard/index.html"]);
    assert!(card.contains("Datenkarten schreiben die Beitragenden der Daten"));
    assert!(card.contains("<h1 lang=en>CVS-LC laparoscopic cholecystectomy clips</h1>"));
    assert!(card.contains("<ul lang=en><li>Five centres in three countries"));
    let system = text(&files["de/systems/lumennet-3d/index.html"]);
    assert!(system.contains("Systemprofile schreiben die Anbieter der Systeme"));
    assert!(system.contains("<dd lang=en>Trained from scratch on each task"));
    // The English pages carry no such note or marks.
    let en_card = text(&files["tasks/cvs-lapchole-video/datacard/index.html"]);
    assert!(!en_card.contains("fallback-note") && !en_card.contains("<h1 lang=en>"));
    let en_system = text(&files["systems/lumennet-3d/index.html"]);
    assert!(!en_system.contains("fallback-note") && !en_system.contains("<dd lang=en>"));
    // The sign-language video has German captions on the German page, English ones on the
    // English page, each track saying its language.
    let track = |p: &str| {
        let page = text(&files[p]);
        let at = page.find("<track").expect("a captions track");
        page[at..at + page[at..].find('>').unwrap()].to_string()
    };
    let de_track = track("de/sign-language/index.html");
    assert!(
        de_track.contains("dgs-placeholder.de.vtt") && de_track.contains("srclang=de"),
        "{de_track}"
    );
    let en_track = track("sign-language/index.html");
    assert!(
        en_track.contains("dgs-placeholder.vtt") && en_track.contains("srclang=en"),
        "{en_track}"
    );
}

/// The German search index holds the German words of translated tasks.
#[test]
fn german_search_finds_german_words() {
    use std::io::Read;
    let (_out, files) = build(&demo_root());
    let mut german = String::new();
    for (path, bytes) in files
        .iter()
        .filter(|(p, _)| p.starts_with("pagefind/fragment/de_"))
    {
        let mut s = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut s)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        german.push_str(&s);
    }
    assert!(
        german.contains("Rektumkarzinom"),
        "the German index has the German task text"
    );
    assert!(!german.contains("Zebrafisch"));
}

/// The page without the elements marked `lang=en` (text shown untranslated on purpose) and
/// without the `<head>` (the alternates name the English pages).
fn without_english_regions(html: &str) -> String {
    let mut out = html.to_string();
    if let (Some(a), Some(b)) = (out.find("<head>"), out.find("</head>")) {
        out.replace_range(a..b, "");
    }
    while let Some(at) = out.find(" lang=en>").or_else(|| out.find(" lang=en ")) {
        let Some(open) = out[..at].rfind('<') else {
            break;
        };
        let name: String = out[open + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        // The matching close tag, counting nested elements of the same name.
        let mut depth = 0;
        let mut i = open;
        let end = loop {
            let next_open = out[i + 1..].find(&format!("<{name}")).map(|j| j + i + 1);
            let next_close = out[i + 1..].find(&format!("</{name}>")).map(|j| j + i + 1);
            match (next_open, next_close) {
                (Some(o), Some(c)) if o < c => {
                    depth += 1;
                    i = o;
                }
                (_, Some(c)) if depth > 0 => {
                    depth -= 1;
                    i = c;
                }
                (_, Some(c)) => break c + name.len() + 3,
                _ => break out.len(),
            }
        };
        out.replace_range(open..end, "");
    }
    out
}
