//! Hostile and broken input (corpus in `tests/hostile/`): every case is refused with a located
//! diagnostic or made harmless; never a panic, a hang or a partial site.

mod common;

use common::*;
use medal::error::{Diagnostic, Error};
use medal::load::{parse_doc, parse_json, parse_yaml};
use medal::markdown::{self, Placement};
use medal::model::{DataCard, Leaderboard, RationaleMeta, Slug, Task};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn corpus(name: &str) -> PathBuf {
    demo_root().join("tests/hostile").join(name)
}

fn corpus_text(name: &str) -> String {
    std::fs::read_to_string(corpus(name)).unwrap()
}

/// A copy of one tiny site of the corpus.
fn tiny(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&corpus(case), dir.path());
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

const TASK: &str = "content/tasks/hepatic-metastases-ct";

/// Every problem `medal check` reports; panics when the root checks clean.
fn diags(root: &Path) -> Vec<Diagnostic> {
    match medal::check(root) {
        Err(Error::Content(d)) => d,
        Ok(_) => panic!("expected content errors"),
        Err(e) => panic!("expected content errors, got {e}"),
    }
}

fn show(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The diagnostic of the file ending in `file`; panics with all of them when there is none.
fn of<'a>(d: &'a [Diagnostic], file: &str) -> &'a Diagnostic {
    d.iter()
        .find(|d| d.file.to_string_lossy().replace('\\', "/").ends_with(file))
        .unwrap_or_else(|| panic!("no diagnostic for {file}:\n{}", show(d)))
}

/// Asserts one located diagnostic: file, line, a piece of the message, and a hint.
fn expect(d: &[Diagnostic], file: &str, line: Option<u32>, message: &str) {
    // A file may have other mistakes too (every one is reported): find this one.
    let found = d
        .iter()
        .find(|d| {
            d.file.to_string_lossy().replace('\\', "/").ends_with(file)
                && d.message.contains(message)
        })
        .unwrap_or_else(|| of(d, file));
    assert!(found.message.contains(message), "{found}");
    assert_eq!(found.line, line, "{found}");
    assert!(found.hint.is_some(), "every refusal has a hint: {found}");
}

/// The attributes of every real tag of an HTML or XML page (escaped text is not a tag).
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with("!--") {
            rest = rest.find("-->").map_or("", |j| &rest[j + 3..]);
            continue;
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        let mut s = &rest[name_end..];
        let mut attrs = Vec::new();
        loop {
            s = s.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if s.is_empty() || s.starts_with('>') {
                break;
            }
            let end = s
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
                .unwrap_or(s.len());
            let attr = s[..end].to_ascii_lowercase();
            s = &s[end..];
            let mut value = String::new();
            if let Some(v) = s.strip_prefix('=') {
                if let Some(q) = v.chars().next().filter(|c| *c == '"' || *c == '\'') {
                    let body = &v[1..];
                    let close = body.find(q).unwrap_or(body.len());
                    value = body[..close].to_string();
                    s = body.get(close + 1..).unwrap_or("");
                } else {
                    let close = v
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(v.len());
                    value = v[..close].to_string();
                    s = &v[close..];
                }
            }
            attrs.push((attr, value));
        }
        rest = s;
        // The text of <title> and <textarea> is not markup (minifiers write `<` raw there):
        // only the closing tag ends it.
        if matches!(name.as_str(), "title" | "textarea") {
            let close = format!("</{name}");
            rest = rest
                .to_ascii_lowercase()
                .find(&close)
                .map_or("", |j| &rest[j..]);
        }
        out.push((name, attrs));
    }
    out
}

/// No script, no event handler, no dangerous link or embedded frame in a page; `Err` names the
/// first offending tag.
fn harmless(page: &str) -> Result<(), String> {
    for (tag, attrs) in tags(page) {
        // A JSON-LD block is data, never run; the generator escapes `<` in it, so anything
        // that tried to leave the block would show up here as a tag of its own.
        let attr = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        let data_block = tag == "script" && attr("type") == Some("application/ld+json");
        // The theme's own: the search box (a GET form to the search page) and the search
        // page's script file.
        let theme_search_form = tag == "form"
            && attr("role") == Some("search")
            && attr("action").is_some_and(|a| a.ends_with("search/"));
        let theme_script =
            tag == "script" && attr("src").is_some_and(|s| s.ends_with("static/search.js"));
        if data_block || theme_search_form || theme_script {
            continue;
        }
        if matches!(
            tag.as_str(),
            "script" | "iframe" | "object" | "embed" | "form" | "style" | "base"
        ) {
            return Err(format!("<{tag}>"));
        }
        for (name, value) in attrs {
            if name.starts_with("on") {
                return Err(format!("<{tag} {name}=…>"));
            }
            if matches!(
                name.as_str(),
                "href" | "src" | "action" | "xlink:href" | "formaction"
            ) {
                let v = value.to_ascii_lowercase().replace("&#58;", ":");
                let v = v.trim();
                if v.starts_with("javascript")
                    || v.starts_with("vbscript")
                    || v.starts_with("data:")
                {
                    return Err(format!("<{tag} {name}=\"{value}\">"));
                }
            }
        }
    }
    Ok(())
}

/// Every HTML and XML file of a site is [`harmless`].
fn assert_harmless(files: &std::collections::BTreeMap<String, Vec<u8>>) {
    for (path, bytes) in files {
        if (path.ends_with(".html") || path.ends_with(".xml"))
            && let Err(e) = harmless(&String::from_utf8_lossy(bytes))
        {
            panic!("{path}: {e}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Made harmless

#[test]
fn raw_html_scripts_and_script_links_in_markdown_are_neutralised() {
    let site = copy_site(&example_site());
    let root = site.path();
    let md = corpus_text("markdown.md");
    let news = root.join("content/news");
    let pages = root.join("content/pages");
    std::fs::create_dir_all(&news).unwrap();
    std::fs::create_dir_all(&pages).unwrap();
    std::fs::write(
        news.join("hostile.md"),
        format!("---\ntitle: Hostile post\ndate: 2026-07-01\n---\n{md}"),
    )
    .unwrap();
    std::fs::write(
        pages.join("hostile.md"),
        format!("---\ntitle: Hostile page\n---\n{md}"),
    )
    .unwrap();
    let rationale = root.join(TASK).join("rationale.md");
    let before = std::fs::read_to_string(&rationale).unwrap();
    std::fs::write(&rationale, format!("{before}\n{md}")).unwrap();
    let indented: String = md.lines().map(|l| format!("  {l}\n")).collect();
    edit(
        &root.join(TASK).join("task.yaml"),
        "  ## What the AI system must do\n",
        &format!("{indented}\n  ## What the AI system must do\n"),
    );

    let (_out, files) = build(root);
    assert_harmless(&files);
    for page in [
        "news/hostile/index.html",
        "hostile/index.html",
        "tasks/hepatic-metastases-ct/index.html",
    ] {
        let html = files
            .get(page)
            .or_else(|| files.get(&format!("pages/{page}")))
            .unwrap_or_else(|| panic!("{page} not built: {:?}", files.keys()));
        let shown = text(html);
        assert!(
            shown.contains("{{ 7*7 }}"),
            "{page}: template syntax literal"
        );
        assert!(shown.contains("{% raw %}raw{% endraw %}"), "{page}");
        assert!(shown.contains("{{ site.title }}"), "{page}");
        // Raw HTML off the allow-list is shown as written, never applied or run.
        assert!(
            shown.contains("<style>body{display:none}</style>"),
            "{page}: a style element shown as text"
        );
        assert!(
            shown.contains("<script>alert('md')</script>"),
            "{page}: a script element shown as text"
        );
        assert!(shown.contains("bold"), "{page}: text of removed tags kept");
    }
}

#[test]
fn markup_and_template_syntax_in_plain_fields_print_as_text() {
    let site = copy_site(&example_site());
    let root = site.path();
    let s = corpus_text("plain-string.txt");
    let quoted = format!("'{}'", s.replace('\'', "''"));
    let task = root.join(TASK).join("task.yaml");
    edit(
        &task,
        "title: \"Detection of small hepatic metastases on portal-venous CT\"",
        &format!("title: {quoted}"),
    );
    edit(&task, "name: \"Jane Doe\"", &format!("name: {quoted}"));
    edit(
        &task,
        "{title: \"Example reference\", doi: \"10.0000/example\"}",
        &format!("{{title: {quoted}, url: \"https://example.org/ref\"}}"),
    );
    edit(
        &root.join("data/systems.yaml"),
        "name: \"Example Detector\"",
        &format!("name: {quoted}"),
    );
    edit(
        &root.join(TASK).join("rationale.md"),
        "summary: \"Single-centre data; a leaderboard may overstate how well systems generalise.\"",
        &format!("summary: {quoted}"),
    );
    let news = root.join("content/news");
    std::fs::create_dir_all(&news).unwrap();
    std::fs::write(
        news.join("plain.md"),
        format!("---\ntitle: {quoted}\ndate: 2026-07-01\nsummary: {quoted}\n---\nBody\n"),
    )
    .unwrap();

    let (_out, files) = build(root);
    assert_harmless(&files);
    for page in [
        "tasks/hepatic-metastases-ct/index.html",
        "news/plain/index.html",
        "news/atom.xml",
        "systems/example-detector/index.html",
    ] {
        let shown = text(&files[page]);
        assert!(shown.contains(&s), "{page} shows the string as written");
    }
    let task_page = String::from_utf8_lossy(&files["tasks/hepatic-metastases-ct/index.html"]);
    assert!(task_page.contains("&lt;script"), "escaped, not removed");
}

#[test]
fn an_empty_content_folder_builds_an_empty_valid_site() {
    let site = tiny("empty-content");
    let (_out, files) = build(site.path());
    for page in [
        "index.html",
        "tasks/index.html",
        "rankings/index.html",
        "404.html",
    ] {
        assert!(files.contains_key(page), "{page}: {:?}", files.keys());
    }
    assert_harmless(&files);
}

#[test]
fn pathological_markdown_finishes_quickly_without_scripts() {
    let start = Instant::now();
    for text in [
        "> ".repeat(200_000) + "deep",
        "<div>".repeat(20_000),
        "- ".repeat(100_000) + "x",
        "<div>\n\n".repeat(20_000),
        "[".repeat(20_000) + "x" + &"](javascript:alert(1))".repeat(2_000),
        "*".repeat(20_000) + "x" + &"*".repeat(20_000),
        "`".repeat(20_000),
        "|a|\n|-|\n".repeat(5_000),
        "[^x]: ".repeat(10_000),
        "<scr<script>ipt>alert(1)</script>".repeat(1_000),
    ] {
        let html = markdown::render(&text, Placement::default());
        if let Err(e) = harmless(&html) {
            panic!("{e} in {}", &html[..html.len().min(300)]);
        }
    }
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------
// Refused with a located diagnostic

#[test]
fn a_javascript_url_in_a_reference_is_refused() {
    let d = diags(tiny("javascript-url").path());
    expect(
        &d,
        "content/tasks/t1/task.yaml",
        Some(5),
        "`javascript:` links are not allowed",
    );
    assert_eq!(
        of(&d, "task.yaml").field.as_deref(),
        Some("references[0].url")
    );
}

#[test]
fn a_vbscript_orcid_is_refused() {
    let d = diags(tiny("vbscript-orcid").path());
    expect(
        &d,
        "task.yaml",
        Some(5),
        "`vbscript:` links are not allowed",
    );
    assert_eq!(
        of(&d, "task.yaml").field.as_deref(),
        Some("contributors[0].orcid")
    );
}

#[test]
fn a_data_url_in_code_url_is_refused() {
    let d = diags(tiny("data-url").path());
    expect(
        &d,
        "data/systems.yaml",
        Some(7),
        "`data:` links are not allowed",
    );
    assert_eq!(
        of(&d, "systems.yaml").field.as_deref(),
        Some("systems[0].code_url")
    );
}

#[test]
fn a_disguised_javascript_url_is_refused() {
    // Leading blanks, a tab inside and mixed case: browsers read `javascript:` all the same.
    let d = diags(tiny("disguised-url").path());
    expect(
        &d,
        "datacard.yaml",
        Some(4),
        "`javascript:` links are not allowed",
    );
}

#[test]
fn ids_and_names_that_try_path_traversal_are_refused() {
    let site = tiny("traversal-ids");
    let root = site.path();
    for name in ["%2e%2e", "Bad Name", "a\\b", "UPPER", "x"] {
        let dir = root.join("content/tasks").join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("task.yaml"), "schema_version: \"0.1\"\n").unwrap();
    }
    let d = diags(root);
    expect(&d, "t1/task.yaml", Some(2), "`../../etc` is not a valid id");
    expect(
        &d,
        "data/systems.yaml",
        Some(3),
        "`..\\evil` is not a valid id",
    );
    expect(&d, "t1.json", Some(5), "`%2e%2e` is not a valid id");
    expect(
        &d,
        "%2e%2e%2fevil.md",
        None,
        "`%2e%2e%2fevil` is not a valid id",
    );
    for name in ["%2e%2e", "Bad Name", "a\\b", "UPPER", "x"] {
        let found = d
            .iter()
            .find(|d| d.message.contains(&format!("the folder name `{name}`")))
            .unwrap_or_else(|| panic!("no diagnostic for folder {name}:\n{}", show(&d)));
        assert!(found.hint.is_some());
    }
    // Nothing is written.
    let out = root.join("public");
    let opts = medal::BuildOptions {
        out: Some(out.clone()),
        ..medal::BuildOptions::new(root)
    };
    assert!(medal::build(&opts).is_err());
    assert!(!out.exists());
}

#[cfg(unix)]
#[test]
fn links_that_leave_the_root_are_refused() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let secret_task = outside.path().join("secret-task");
    std::fs::create_dir_all(&secret_task).unwrap();
    std::fs::copy(
        example_site().join(TASK).join("task.yaml"),
        secret_task.join("task.yaml"),
    )
    .unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: Secret\ndate: 2026-01-01\n---\nSECRET\n",
    )
    .unwrap();

    let site = copy_site(&example_site());
    let root = site.path();
    let news = root.join("content/news");
    std::fs::create_dir_all(&news).unwrap();
    symlink(outside.path().join("secret.md"), news.join("leak.md")).unwrap();
    symlink(&secret_task, root.join("content/tasks/leak")).unwrap();
    symlink(
        "/nonexistent/x.json",
        root.join("data/leaderboards/gone.json"),
    )
    .unwrap();
    // A link that stays inside the root is fine.
    std::fs::create_dir_all(root.join("drafts")).unwrap();
    std::fs::write(
        root.join("drafts/inside.md"),
        "---\ntitle: Inside\ndate: 2026-01-01\n---\nok\n",
    )
    .unwrap();
    symlink("../../drafts/inside.md", news.join("inside.md")).unwrap();

    let d = diags(root);
    let outside_msg = "refusing a link that points outside the portal root";
    expect(&d, "content/news/leak.md", None, outside_msg);
    expect(&d, "content/tasks/leak", None, outside_msg);
    expect(&d, "data/leaderboards/gone.json", None, "cannot be read");
    assert!(
        !d.iter().any(|d| d.file.ends_with("inside.md")),
        "{}",
        show(&d)
    );
    assert_eq!(d.len(), 3, "{}", show(&d));

    // A whole data/ folder linked elsewhere.
    let site = copy_site(&example_site());
    let data = site.path().join("data");
    std::fs::rename(&data, outside.path().join("data")).unwrap();
    symlink(outside.path().join("data"), &data).unwrap();
    let d = diags(site.path());
    expect(&d, "data/systems.yaml", None, outside_msg);
}

#[test]
fn files_that_are_not_utf8_are_reported_and_loading_goes_on() {
    let d = diags(tiny("not-utf8").path());
    expect(&d, "latin1.md", Some(2), "not UTF-8 text (byte 0xE9");
    assert_eq!(of(&d, "latin1.md").column, Some(12));
    expect(&d, "utf16.md", Some(1), "not UTF-8 text (byte 0xFF");
    let broken = of(&d, "broken.md");
    assert!(broken.message.contains("missing field `date`"), "{broken}");
}

#[test]
fn duplicate_yaml_keys_are_refused() {
    let d = diags(tiny("duplicate-keys").path());
    expect(&d, "task.yaml", Some(5), "the key `title` appears twice");
}

#[test]
fn duplicate_json_keys_are_refused() {
    let d = diags(tiny("duplicate-json-keys").path());
    expect(&d, "t1.json", Some(9), "the key `f2` appears twice");
    assert_eq!(
        of(&d, "t1.json").field.as_deref(),
        Some("entries[0].per_case.f2")
    );
}

#[test]
fn a_yaml_alias_bomb_fails_fast() {
    let start = Instant::now();
    let d = diags(tiny("alias-bomb").path());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    let found = of(&d, "systems.yaml");
    assert!(
        found.message.contains("repetition limit exceeded"),
        "{found}"
    );
    assert!(found.hint.as_deref().unwrap_or("").contains("aliases"));
}

#[test]
fn nesting_deeper_than_the_limit_is_refused() {
    let d = diags(tiny("deep-nesting").path());
    expect(&d, "task.yaml", Some(3), "nested deeper than 32 levels");
}

#[test]
fn nan_infinity_and_huge_numbers_in_json_are_refused() {
    let d = diags(tiny("json-numbers").path());
    expect(&d, "nan.json", Some(4), "expected value");
    expect(&d, "infinity.json", Some(4), "expected value");
    expect(&d, "huge.json", Some(4), "number out of range");
    assert!(
        of(&d, "nan.json")
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("NaN"),
        "{}",
        show(&d)
    );
}

#[test]
fn nan_and_huge_numbers_in_yaml_are_refused() {
    let d = diags(tiny("yaml-numbers").path());
    expect(&d, "nan/task.yaml", Some(6), "`NaN` is not a finite number");
    let huge = d
        .iter()
        .find(|d| d.file.ends_with("huge/task.yaml") && d.message.contains("1e999"))
        .unwrap_or_else(|| of(&d, "huge/task.yaml"));
    assert!(huge.message.contains("1e999"), "{huge}");
    assert_eq!(huge.line, Some(9), "{huge}");
}

#[test]
fn files_over_the_size_limit_are_refused() {
    let site = copy_site(&example_site());
    let root = site.path();
    std::fs::write(root.join("medal.toml"), "[check]\nmax_file_bytes = 2048\n").unwrap();
    let d = diags(root);
    expect(&d, "task.yaml", None, "more than the limit of 2048 bytes");
    assert!(
        of(&d, "task.yaml")
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("max_file_bytes")
    );
    // The default limit is 8 MiB.
    std::fs::remove_file(root.join("medal.toml")).unwrap();
    let news = root.join("content/news");
    std::fs::create_dir_all(&news).unwrap();
    let mut big = String::from("---\ntitle: Big\ndate: 2026-01-01\n---\n");
    big.push_str(&"x".repeat(9 * 1024 * 1024));
    std::fs::write(news.join("big.md"), big).unwrap();
    let d = diags(root);
    expect(&d, "big.md", None, "more than the limit of 8388608 bytes");
    assert_eq!(d.len(), 1, "{}", show(&d));
}

#[cfg(unix)]
#[test]
fn a_pipe_instead_of_a_file_does_not_hang() {
    let site = copy_site(&example_site());
    let path = site.path().join(TASK).join("datacard.yaml");
    std::fs::remove_file(&path).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&path).status();
    if !made.map(|s| s.success()).unwrap_or(false) {
        eprintln!("mkfifo not available: skipped");
        return;
    }
    let d = diags(site.path());
    expect(&d, "datacard.yaml", None, "not a regular file");
}

#[test]
fn a_task_folder_without_task_yaml_is_reported() {
    let d = diags(tiny("no-task-yaml").path());
    expect(
        &d,
        "content/tasks/t1",
        None,
        "a task folder without task.yaml",
    );
}

#[test]
fn a_hostile_build_failure_leaves_the_previous_output_untouched() {
    let site = copy_site(&example_site());
    let root = site.path();
    let out = root.join("public");
    let opts = medal::BuildOptions {
        out: Some(out.clone()),
        ..medal::BuildOptions::new(root)
    };
    medal::build(&opts).unwrap();
    let before = read_tree(&out);
    edit(
        &root.join(TASK).join("task.yaml"),
        "doi: \"10.0000/example\"",
        "url: \"javascript:alert(1)\"",
    );
    let news = root.join("content/news");
    std::fs::create_dir_all(&news).unwrap();
    std::fs::write(news.join("latin1.md"), b"---\ntitle: Caf\xe9\n---\n").unwrap();
    let Err(Error::Content(d)) = medal::build(&opts) else {
        panic!("expected content errors")
    };
    assert_eq!(d.len(), 2, "{}", show(&d));
    assert_eq!(read_tree(&out), before);
    let stray: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("public") && n != "public")
        .collect();
    assert!(stray.is_empty(), "staging folders left: {stray:?}");
}

// ---------------------------------------------------------------------------------------------
// Properties: the parsers and the Markdown renderer never panic on any input

/// YAML-ish text: keys of the formats, indentation, flow syntax, anchors, tags and odd scalars.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("\n".to_string()),
        Just("  ".to_string()),
        Just("- ".to_string()),
        Just(": ".to_string()),
        Just("---\n".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("!tag ".to_string()),
        Just("<<: *a\n".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(", ".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just(".nan".to_string()),
        Just("-.inf".to_string()),
        Just("1e999".to_string()),
        Just("~".to_string()),
        Just("|\n".to_string()),
        Just("javascript:alert(1)".to_string()),
        prop::sample::select(vec![
            "id",
            "title",
            "status",
            "schema_version",
            "url",
            "orcid",
            "evaluation",
            "metrics",
            "dataset",
            "panel",
            "criteria",
            "entries",
            "per_case",
            "history",
            "task",
        ])
        .prop_map(String::from),
        "[a-z0-9-]{1,8}",
        "\\PC{0,6}",
    ];
    prop::collection::vec(token, 0..60).prop_map(|v| v.concat())
}

proptest! {
    // 256 cases by default, a few seconds; MEDAL_PROPTEST_CASES=20000 for a longer hunt.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("MEDAL_PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let f = Path::new("f");
        let _ = parse_yaml::<Task>(f, &text, 0);
        let _ = parse_yaml::<DataCard>(f, &text, 0);
        let _ = parse_doc::<RationaleMeta>(f, &text, Slug::parse("t1").ok());
        let _ = parse_json::<Leaderboard>(f, &text);
        let html = markdown::render(&text, Placement::default());
        prop_assert!(harmless(&html).is_ok(), "{}", html);
    }

    #[test]
    fn parsers_never_panic_on_yamlish_text(text in yamlish()) {
        let f = Path::new("f");
        let _ = parse_yaml::<Task>(f, &text, 0);
        let _ = parse_yaml::<DataCard>(f, &text, 0);
        let _ = parse_doc::<RationaleMeta>(f, &format!("---\n{text}\n---\nbody"), Slug::parse("t1").ok());
        let _ = parse_json::<Leaderboard>(f, &text);
    }

    #[test]
    fn markdown_never_emits_scripts(
        parts in prop::collection::vec(prop_oneof![
            Just("<script>alert(1)</script>"),
            Just("<img src=x onerror=alert(1)>"),
            Just("[x](javascript:alert(1))"),
            Just("<a href=\"javascript:alert(1)\">"),
            Just("<scr"),
            Just("ipt>"),
            Just("\n\n"),
            Just("```\n"),
            Just("> "),
            Just("| a |\n|---|\n"),
            Just("[^1]"),
            Just("[^1]: "),
            Just("<!--"),
            Just("-->"),
            Just("&lt;script&gt;"),
            Just("{{ 7*7 }}"),
        ], 0..40)
    ) {
        let text = parts.concat();
        let html = markdown::render(&text, Placement { heading_offset: 1, id_prefix: "p-" });
        prop_assert!(harmless(&html).is_ok(), "{}", html);
    }
}
