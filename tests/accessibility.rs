//! The accessibility statement, the Easy Read and the sign-language pages of the demo, the
//! header links to them on every page, and the link check of the video's files.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn site() -> &'static BTreeMap<String, Vec<u8>> {
    static SITE: OnceLock<(tempfile::TempDir, BTreeMap<String, Vec<u8>>)> = OnceLock::new();
    &SITE.get_or_init(|| build(&demo_root())).1
}

fn page(path: &str) -> String {
    text(
        site()
            .get(path)
            .unwrap_or_else(|| panic!("{path} was not written")),
    )
}

fn statement() -> medal::model::AccessibilityStatement {
    medal::load::load(&demo_root())
        .expect("demo content loads")
        .accessibility
        .expect("the demo has data/accessibility.yaml")
}

#[test]
fn the_statement_page_shows_the_facts_of_the_yaml() {
    let html = page("accessibility/index.html");
    let s = statement();
    assert!(html.contains(&s.standard), "standard");
    assert!(
        html.contains("It is <strong>partially compliant</strong> with this standard"),
        "status sentence"
    );
    assert!(!s.non_accessible.is_empty());
    for n in &s.non_accessible {
        assert!(html.contains(&n.what), "non-accessible item {}", n.what);
        if let Some(a) = &n.alternative {
            assert!(html.contains(a), "alternative {a}");
        }
    }
    for heading in [
        "Non-compliance with the accessibility requirements",
        "Content outside the scope of the accessibility requirements",
        "Preparation of this statement",
        "Feedback and contact",
        "Enforcement procedure",
    ] {
        assert!(html.contains(heading), "{heading}");
    }
    assert!(
        !html.contains("Disproportionate burden"),
        "an empty group is left out"
    );
    assert!(html.contains(&format!(
        "prepared on <time datetime={}>{}</time>",
        s.prepared,
        s.prepared.display()
    )));
    assert!(html.contains(&format!(
        "last reviewed on <time datetime={}>{}</time>",
        s.reviewed,
        s.reviewed.display()
    )));
    assert!(html.contains("a self-assessment"), "method");
    assert!(html.contains(&format!("href=mailto:{}", s.feedback.email)));
    assert!(html.contains(&format!(
        "We answer within {} days.",
        s.feedback.response_days
    )));
    assert!(html.contains(&format!(
        "href={}>{}</a>",
        s.enforcement.url, s.enforcement.name
    )));
    // The page's own text comes first, the facts after it.
    let own = html.find("The MEDAL team wants everyone").unwrap();
    assert!(own < html.find("Compliance status").unwrap());
    assert_eq!(
        html.matches("id=statement-status").count(),
        1,
        "one heading per fact"
    );
}

#[test]
fn every_page_header_links_the_three_role_pages() {
    let mut checked = 0;
    for (path, bytes) in site() {
        let html = String::from_utf8_lossy(bytes);
        if !path.ends_with(".html") || !html.contains("class=site-header") {
            continue;
        }
        let start = html
            .find("class=access-nav")
            .unwrap_or_else(|| panic!("{path}: no accessibility links"));
        let end = start + html[start..].find("</nav>").unwrap();
        let nav = &html[start..end];
        let german = path.starts_with("de/");
        for (url, label) in [
            (
                "/easy-read/",
                if german {
                    "Leichte Sprache"
                } else {
                    "Easy Read"
                },
            ),
            (
                "/sign-language/",
                if german {
                    "Gebärdensprache"
                } else {
                    "Sign language"
                },
            ),
            (
                "/accessibility/",
                if german {
                    "Barrierefreiheit"
                } else {
                    "Accessibility"
                },
            ),
        ] {
            let url = if german {
                format!("/de{url}")
            } else {
                url.to_string()
            };
            assert!(
                nav.contains(&format!("href={url}")),
                "{path}: no link to {url}"
            );
            assert!(
                nav.contains(&format!("</svg>{label}</a>")),
                "{path}: {label}"
            );
        }
        assert_eq!(nav.matches("aria-hidden=true").count(), 3, "{path}");
        // The nav comes before the brand, so that focus order follows the screen.
        assert!(start < html.find("class=brand").unwrap(), "{path}");
        checked += 1;
    }
    assert!(checked > 100, "only {checked} pages have a header");
    let easy = page("easy-read/index.html");
    assert!(
        easy.contains("aria-current=page href=/easy-read/")
            || easy.contains("href=/easy-read/ aria-current=page")
    );
}

#[test]
fn the_sign_language_page_plays_a_self_hosted_video_with_captions() {
    let html = page("sign-language/index.html");
    let video = &html[html.find("<video").unwrap()..html.find("</video>").unwrap()];
    assert!(video.contains("controls"), "{video}");
    assert!(video.contains("preload=none"), "{video}");
    assert!(video.contains("poster=/static/video/dgs-placeholder.png"));
    assert!(video.contains("<source src=/static/video/dgs-placeholder.webm type=video/webm>"));
    let track = &video[video.find("<track").unwrap()..];
    let track = &track[..track.find('>').unwrap()];
    for attr in [
        "kind=captions",
        "src=/static/video/dgs-placeholder.vtt",
        "srclang=en",
        "default",
    ] {
        assert!(track.contains(attr), "{track}: {attr}");
    }
    assert!(
        html.contains("<a download href=/static/video/dgs-placeholder.webm>Download the video</a> (WebM, 40 kB, duration 0:08)"),
        "download link with size and duration"
    );
    assert!(html.contains("This video is a placeholder."));
    // The files are published, and the stated size is the file's.
    let webm = &site()["static/video/dgs-placeholder.webm"];
    let kb = webm.len() as f64 / 1000.0;
    assert!(
        (35.0..45.0).contains(&kb),
        "the page says 40 kB; the file has {kb} kB"
    );
    assert!(site()["static/video/dgs-placeholder.vtt"].starts_with(b"WEBVTT"));
    assert!(site()["static/video/dgs-placeholder.png"].starts_with(b"\x89PNG"));
}

#[test]
fn the_easy_read_page_is_set_for_easy_reading() {
    let html = page("easy-read/index.html");
    assert!(
        html.contains("class=\"prose easy-read\""),
        "easy-read class"
    );
    assert!(html.contains("What is MEDAL?"));
    let other = page("about/index.html");
    assert!(!other.contains("easy-read\""));
}

/// The example portal with a sign-language page whose `src` (or poster) names `src`.
fn sign_page_site(src: &str, poster: &str) -> tempfile::TempDir {
    let dir = copy_site(&example_site());
    let root = dir.path();
    std::fs::create_dir_all(root.join("static/video")).unwrap();
    std::fs::write(root.join("static/video/hello.webm"), b"webm").unwrap();
    std::fs::write(root.join("static/video/hello.png"), b"png").unwrap();
    std::fs::write(
        root.join("content/pages/sign-language.md"),
        format!(
            "---\ntitle: \"Sign language\"\nrole: sign_language\nvideo:\n  src: {src}\n  poster: {poster}\n  duration: \"0:08\"\n  size: \"4 B\"\n---\n\nA video.\n"
        ),
    )
    .unwrap();
    dir
}

fn build_errors(root: &std::path::Path) -> Vec<String> {
    let out = tempfile::tempdir().unwrap();
    let opts = medal::BuildOptions {
        out: Some(out.path().join("public")),
        ..medal::BuildOptions::new(root)
    };
    match medal::build(&opts) {
        Ok(_) => Vec::new(),
        Err(medal::error::Error::Content(d)) => d.iter().map(|d| d.to_string()).collect(),
        Err(other) => panic!("{other}"),
    }
}

#[test]
fn video_files_the_site_lacks_are_broken_links() {
    let ok = sign_page_site("static/video/hello.webm", "static/video/hello.png");
    assert_eq!(build_errors(ok.path()), Vec::<String>::new());

    let missing = sign_page_site("static/video/missing.webm", "static/video/hello.png");
    let errors = build_errors(missing.path());
    assert!(
        errors
            .iter()
            .any(|e| e.contains("broken link") && e.contains("static/video/missing.webm")),
        "{errors:#?}"
    );

    let poster = sign_page_site("static/video/hello.webm", "static/video/nope.png");
    let errors = build_errors(poster.path());
    assert!(
        errors
            .iter()
            .any(|e| e.contains("broken link") && e.contains("static/video/nope.png")),
        "{errors:#?}"
    );
}
