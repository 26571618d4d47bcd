//! Breaking the demo portal in twenty different ways gives twenty precise messages in one
//! run, and the previous site stays in place.
//!
//! A file that does not parse hides only its own rules (and those that need it: with
//! systems.yaml unreadable, whether a leaderboard's system exists is unknown), so the breaks
//! are spread so that each one is visible.

mod common;

use common::*;
use medal::error::{Diagnostic, Error};
use std::path::Path;

/// One way to break the content: the edit, and what the diagnostic must say.
struct Break {
    file: &'static str,
    from: &'static str,
    to: &'static str,
    /// Text of the reported line (None: the file or a line other than the edit).
    on_line: Option<&'static str>,
    message: &'static str,
}

const BREAKS: &[Break] = &[
    Break {
        file: "content/tasks/cvs-lapchole-video/task.yaml",
        from: "status: released",
        to: "status: relased",
        on_line: Some("status: relased"),
        message: "relased",
    },
    Break {
        file: "content/tasks/glioma-pseudoprogression-mri/datacard.yaml",
        from: "date_published: 2026-",
        to: "date_published: 2026-02-30 #",
        on_line: Some("date_published"),
        message: "not a valid date",
    },
    Break {
        file: "data/systems.yaml",
        from: "    license: Apache-2.0",
        to: "    license: Apache 2",
        on_line: Some("license: Apache 2"),
        message: "Apache 2",
    },
    Break {
        file: "content/news/2026-01-15-call-for-tasks-open.md",
        from: "\ntitle:",
        to: "\ntittle:",
        on_line: Some("tittle"),
        message: "tittle",
    },
    Break {
        file: "data/leaderboards/her2-low-scoring-wsi.json",
        from: "\"organizer_run\"",
        to: "\"organiser_run\"",
        on_line: Some("organiser_run"),
        message: "organiser_run",
    },
    Break {
        file: "content/tasks/rectal-cancer-response-mri/task.yaml",
        from: "0000-0001-0844-3293",
        to: "0000-0001-0844-3294",
        on_line: Some("0000-0001-0844-3294"),
        message: "check digit",
    },
    Break {
        file: "content/tasks/rectal-cancer-response-mri/task.yaml",
        from: "country: \"IN\"",
        to: "country: \"XX\"",
        on_line: Some("\"XX\""),
        message: "XX",
    },
    Break {
        file: "content/tasks/pe-right-heart-strain-ct/task.yaml",
        from: "license: CC-BY-NC-4.0",
        to: "license: CC-BY-NC-4",
        on_line: Some("license: CC-BY-NC-4"),
        message: "CC-BY-NC-4",
    },
    Break {
        file: "content/tasks/pe-right-heart-strain-ct/task.yaml",
        from: "primary: true",
        to: "primary: false",
        on_line: None,
        message: "0 metrics are marked primary",
    },
    Break {
        file: "content/tasks/dr-referral-handheld-fundus/rationale.md",
        from: "{id: clinical_importance, score: 5, scores: {P1: 4,",
        to: "{id: clinical_importance, score: 7, scores: {P1: 4,",
        on_line: Some("score: 7"),
        message: "scale",
    },
    Break {
        file: "content/tasks/dr-referral-handheld-fundus/rationale.md",
        from: "{id: unmet_need, score: 5, scores: {P1: 5,",
        to: "{id: unmet_need, score: 5, scores: {P6: 2, P1: 5,",
        on_line: Some("P6: 2"),
        message: "recused",
    },
    Break {
        file: "data/leaderboards/dr-referral-handheld-fundus.json",
        from: "\"weighted-error\": [0, 1,",
        to: "\"weighted-error\": [0,",
        on_line: None,
        message: "cases",
    },
    Break {
        file: "data/leaderboards/dr-referral-handheld-fundus.json",
        from: "\"system\": \"meridian-fm\"",
        to: "\"system\": \"ghost-system\"",
        on_line: Some("ghost-system"),
        message: "ghost-system",
    },
    Break {
        file: "data/leaderboards/pneumothorax-emergency-cxr.json",
        from: "\"dsc\": [1.0,",
        to: "\"dsc\": [7.5,",
        on_line: None,
        message: "7.5",
    },
    Break {
        file: "content/tasks/fetal-heart-anomaly-us/task.yaml",
        from: "{date: 2026-05-04, status: under_review}",
        to: "{date: 2026-03-04, status: under_review}",
        on_line: None,
        message: "order",
    },
    Break {
        file: "content/tasks/barrett-neoplasia-endoscopy/rationale.md",
        from: "decision: selected",
        to: "decision: rejected",
        on_line: Some("decision: rejected"),
        message: "rejected",
    },
    Break {
        file: "content/reports/2026-q2.md",
        from: "period: {start: 2026-04-01",
        to: "period: {start: 2026-07-01",
        on_line: None,
        message: "period",
    },
];

fn apply(root: &Path, b: &Break) {
    let path = root.join(b.file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(b.from), "{} lacks {:?}", b.file, b.from);
    std::fs::write(&path, text.replacen(b.from, b.to, 1)).unwrap();
}

fn line_of(root: &Path, d: &Diagnostic) -> String {
    let text = std::fs::read_to_string(root.join(&d.file)).unwrap_or_default();
    d.line
        .and_then(|l| text.lines().nth(l as usize - 1))
        .unwrap_or("")
        .to_string()
}

#[test]
fn twenty_breaks_give_twenty_precise_messages_in_one_run() {
    let site = copy_site(&demo_root());
    let root = site.path();
    let out = root.join("public");
    let opts = medal::BuildOptions {
        out: Some(out.clone()),
        ..medal::BuildOptions::new(root)
    };
    medal::build(&opts).expect("the demo builds");
    let before = read_tree(&out);

    for b in BREAKS {
        apply(root, b);
    }
    // Three more that are not edits: a missing data card, a page on a reserved URL, and a
    // leaderboard that would leak a confidential proposal.
    std::fs::remove_file(
        root.join("content/tasks/prediagnostic-pancreatic-cancer-ct/datacard.yaml"),
    )
    .unwrap();
    std::fs::write(
        root.join("content/pages/tasks.md"),
        "---\ntitle: Tasks\n---\nA page.\n",
    )
    .unwrap();
    let leak = std::fs::read_to_string(root.join("data/leaderboards/her2-low-scoring-wsi.json"))
        .unwrap()
        .replace(
            "\"task\": \"her2-low-scoring-wsi\"",
            "\"task\": \"accreta-spectrum-mri-us\"",
        )
        .replace("organiser_run", "organizer_run");
    std::fs::write(
        root.join("data/leaderboards/accreta-spectrum-mri-us.json"),
        leak,
    )
    .unwrap();

    let Err(Error::Content(diags)) = medal::check(root) else {
        panic!("expected content errors")
    };
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    let all = errors
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n");

    for b in BREAKS {
        let hit = errors.iter().find(|d| {
            d.file == Path::new(b.file)
                && d.message.contains(b.message)
                && b.on_line.is_none_or(|t| line_of(root, d).contains(t))
        });
        let d = hit
            .unwrap_or_else(|| panic!("no precise diagnostic for {} ({:?}):\n{all}", b.file, b.to));
        assert!(d.line.is_some(), "{d}");
        assert!(d.hint.is_some(), "no hint: {d}");
    }
    let more = [
        (
            "content/tasks/prediagnostic-pancreatic-cancer-ct/task.yaml",
            "datacard",
        ),
        ("content/pages/tasks.md", "URL the portal uses"),
        ("data/leaderboards/accreta-spectrum-mri-us.json", "leak"),
    ];
    for (file, message) in more {
        assert!(
            errors
                .iter()
                .any(|d| d.file == Path::new(file) && d.message.contains(message)),
            "no diagnostic for {file}:\n{all}"
        );
    }
    assert_eq!(
        errors.len(),
        BREAKS.len() + more.len(),
        "one message per break:\n{all}"
    );

    assert!(medal::build(&opts).is_err());
    assert_eq!(read_tree(&out), before, "the previous site stays in place");
}
