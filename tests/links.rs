//! The link check of `medal build` and `medal check` on small fixture sites: a broken link, a
//! broken anchor, and a site under a sub-path base URL.

mod common;

use medal::error::Error;
use std::path::Path;

fn page(root: &Path, name: &str, body: &str) {
    let dir = root.join("content/pages");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{name}.md")),
        format!("---\ntitle: Links\n---\n\n{body}\n"),
    )
    .unwrap();
}

fn build_errors(root: &Path, base_url: Option<&str>) -> Vec<String> {
    let out = tempfile::tempdir().unwrap();
    let opts = medal::BuildOptions {
        out: Some(out.path().join("public")),
        base_url: base_url.map(str::to_string),
        ..medal::BuildOptions::new(root)
    };
    match medal::build(&opts) {
        Ok(_) => Vec::new(),
        Err(Error::Content(d)) => {
            assert!(!out.path().join("public").exists(), "nothing written");
            d.iter()
                .map(|d| format!("{}: {}", d.file.display(), d.message))
                .collect()
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_broken_link_fails_the_build_naming_page_and_link() {
    let site = common::copy_site(&common::example_site());
    page(
        site.path(),
        "links",
        "See [the list](../tasks/no-such-task/).",
    );
    let errors = build_errors(site.path(), None);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("content/pages/links.md"),
        "{errors:?}"
    );
    assert!(errors[0].contains("(on /links/)"), "{errors:?}");
    assert!(errors[0].contains("../tasks/no-such-task/"), "{errors:?}");
    // `medal check` reports the same, without writing anything.
    let Err(Error::Content(d)) = medal::check_site(
        &medal::BuildOptions::new(site.path()),
        &medal::timings::Silent,
    ) else {
        panic!("check must fail");
    };
    assert!(d[0].message.contains("no-such-task"));
}

#[test]
fn a_broken_anchor_fails_the_build() {
    let site = common::copy_site(&common::example_site());
    page(
        site.path(),
        "links",
        "[ok](../tasks/hepatic-metastases-ct/) and [bad](../tasks/hepatic-metastases-ct/#no-such-section) and [self](#links-below)\n\n## Links below",
    );
    let errors = build_errors(site.path(), None);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("#no-such-section"), "{errors:?}");
}

#[test]
fn a_sub_path_base_builds_and_catches_links_escaping_it() {
    let site = common::copy_site(&common::example_site());
    assert!(build_errors(site.path(), Some("https://org.github.io/medal/")).is_empty());

    page(site.path(), "links", "[root-relative](/tasks/)");
    // Fine at the root of a host ...
    assert!(build_errors(site.path(), Some("https://medal.example.org/")).is_empty());
    // ... broken under /medal/, where /tasks/ is another site.
    let errors = build_errors(site.path(), Some("https://org.github.io/medal/"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("outside the site's base path /medal/"),
        "{errors:?}"
    );
}

#[test]
fn the_demo_site_has_no_broken_links_and_lists_its_external_ones() {
    let r = medal::check_site(
        &medal::BuildOptions::new(common::demo_root()),
        &medal::timings::Silent,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!r.external_links.is_empty());
    assert!(
        r.external_links
            .keys()
            .all(|u| u.starts_with("http") && !u.starts_with("http://127.0.0.1:8000/"))
    );
}

/// The diagnostics of `medal check` on `root`.
fn check_diagnostics(root: &Path) -> Vec<medal::error::Diagnostic> {
    match medal::check_site(&medal::BuildOptions::new(root), &medal::timings::Silent) {
        Ok(_) => Vec::new(),
        Err(Error::Content(d)) => d,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_broken_link_in_content_is_reported_at_its_file_line_and_column() {
    let site = common::copy_site(&common::demo_root());
    page(
        site.path(),
        "links",
        "Intro.\n\nSee [the list](../tasks/no-such-task/) and [again](../tasks/no-such-task/).",
    );
    let d = check_diagnostics(site.path());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].file, Path::new("content/pages/links.md"));
    // Lines 1-3 are the front matter, 4 is empty, the link is on line 7 after `See [the list](`.
    assert_eq!((d[0].line, d[0].column), (Some(7), Some(16)), "{d:#?}");
    assert!(d[0].message.contains("`../tasks/no-such-task/`"), "{d:#?}");
    // The page and its German counterpart (which shows the same untranslated text).
    assert!(d[0].message.contains("links/ and 1 other page)"), "{d:#?}");
}

#[test]
fn a_broken_link_in_a_template_is_reported_once_at_the_template_line() {
    let site = common::copy_site(&common::demo_root());
    let builtin = common::demo_root().join("themes/medal/templates/page.html");
    let text = std::fs::read_to_string(builtin).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let bad = r#"<p><a href="{{ site.base }}no-such-section/">more</a></p>"#;
    lines.insert(2, bad);
    let file = site.path().join("themes/medal/templates/page.html");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let d = check_diagnostics(site.path());
    assert_eq!(
        d.len(),
        1,
        "one diagnostic for every page showing it: {d:#?}"
    );
    assert_eq!(d[0].file, Path::new("themes/medal/templates/page.html"));
    assert_eq!(d[0].line, Some(3), "{d:#?}");
    assert_eq!(d[0].column, Some(13), "{d:#?}");
    assert!(d[0].message.contains("no-such-section/"), "{d:#?}");
    assert!(
        d[0].message.contains("other pages)"),
        "names the pages it breaks: {d:#?}"
    );
    assert!(d[0].hint.as_deref().unwrap_or("").contains("template"));
}

#[test]
fn a_broken_menu_entry_is_reported_in_medal_toml() {
    let site = common::copy_site(&common::demo_root());
    let toml = site.path().join("medal.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("\n[[nav]]\nname = \"Team\"\nurl = \"no-such-team/\"\n");
    std::fs::write(&toml, &text).unwrap();
    let d = check_diagnostics(site.path());
    let line = text
        .lines()
        .position(|l| l.contains("no-such-team/"))
        .unwrap()
        + 1;
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].file, Path::new("medal.toml"));
    assert_eq!(d[0].line, Some(line as u32), "{d:#?}");
}
