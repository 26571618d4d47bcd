//! One test per rule: the example portal of the test fixtures (which passes every rule) is
//! copied, edited to break one rule, and the diagnostic is checked for file, line, field,
//! severity and message.

use crate::error::{Diagnostic, Severity};
use std::path::{Path, PathBuf};

const T: &str = "content/tasks/hepatic-metastases-ct/task.yaml";
const R: &str = "content/tasks/hepatic-metastases-ct/rationale.md";
const D: &str = "content/tasks/hepatic-metastases-ct/datacard.yaml";
const L: &str = "data/leaderboards/hepatic-metastases-ct.json";
const S: &str = "data/systems.yaml";

use Severity::{Error as E, Warning as W};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/example")
}

struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let from = examples();
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let target = dir.path().join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
        Site { dir }
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    /// Replaces the first `from` in `file` with `to`.
    fn edit(&self, file: &str, from: &str, to: &str) -> &Site {
        let path = self.path(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} lacks {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self
    }

    fn write(&self, file: &str, text: &str) -> &Site {
        let path = self.path(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn remove(&self, file: &str) -> &Site {
        std::fs::remove_file(self.path(file)).unwrap();
        self
    }

    /// 1-based line of the first line of `file` holding `needle`.
    fn line_of(&self, file: &str, needle: &str) -> u32 {
        let text = std::fs::read_to_string(self.path(file)).unwrap();
        let i = text
            .lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{file} lacks {needle:?}"));
        u32::try_from(i + 1).unwrap()
    }

    /// Every diagnostic of the whole pipeline (loading and validation), as `medal check` sees.
    fn diags(&self) -> Vec<Diagnostic> {
        match crate::load_checked(self.dir.path()) {
            Ok((_, warnings)) => warnings,
            Err(crate::error::Error::Content(d)) => d,
            Err(other) => panic!("{other}"),
        }
    }

    /// Asserts that the site gives exactly one diagnostic, as described, and returns it.
    fn one(&self, file: &str, at: &str, field: &str, severity: Severity, msg: &str) -> Diagnostic {
        let diags = self.diags();
        assert_eq!(diags.len(), 1, "{}", show(&diags));
        self.check(&diags[0], file, at, field, severity, msg);
        diags[0].clone()
    }

    /// Asserts that one of the diagnostics is at `field` of `file`, as described.
    fn some(&self, file: &str, at: &str, field: &str, severity: Severity, msg: &str) -> Diagnostic {
        let diags = self.diags();
        let found: Vec<&Diagnostic> = diags
            .iter()
            .filter(|d| d.file == Path::new(file) && d.field.as_deref() == Some(field))
            .collect();
        assert_eq!(found.len(), 1, "{}", show(&diags));
        self.check(found[0], file, at, field, severity, msg);
        found[0].clone()
    }

    /// `field` "" is a diagnostic without a field (Markdown text).
    fn check(&self, d: &Diagnostic, file: &str, at: &str, field: &str, sev: Severity, msg: &str) {
        assert_eq!(d.file, Path::new(file), "{d}");
        assert_eq!(
            d.field.as_deref(),
            Some(field).filter(|f| !f.is_empty()),
            "{d}"
        );
        assert_eq!(d.line, Some(self.line_of(file, at)), "{d}");
        assert_eq!(d.severity, sev, "{d}");
        assert!(d.message.contains(msg), "{d}\nexpected: {msg}");
        assert!(d.hint.as_deref().is_some_and(|h| !h.is_empty()), "{d}");
    }
}

fn show(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| format!("{} [{}]", d, d.severity.as_str()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_example_site_passes_every_rule() {
    let diags = Site::new().diags();
    assert!(diags.is_empty(), "{}", show(&diags));
}

// ---------------------------------------------------------------------------------------------
// Identifiers

#[test]
fn orcid_check_digit() {
    let s = Site::new();
    s.edit(T, "0000-0002-1825-0097", "0000-0002-1825-0098");
    s.one(T, "orcid:", "contributors[0].orcid", E, "wrong check digit");
}

#[test]
fn ror_checksum() {
    let s = Site::new();
    s.edit(D, "04cdgtt98", "04cdgtt97");
    s.one(
        D,
        "publisher:",
        "dataset.publisher.ror",
        E,
        "wrong check digits",
    );
}

#[test]
fn doi_shape() {
    let s = Site::new();
    s.edit(T, "doi: \"10.0000/example\"", "doi: \"10.00/example\"");
    s.one(T, "10.00/example", "references[0].doi", E, "is not a DOI");
}

#[test]
fn country_codes() {
    let s = Site::new();
    s.edit(T, "    country: DE", "    country: UK");
    s.one(
        T,
        "country: UK",
        "contributors[0].country",
        E,
        "`UK` is not an ISO 3166-1",
    );
    let s = Site::new();
    s.edit(T, "countries: [DE]", "countries: [de]");
    let d = s.one(T, "countries:", "imaging.countries[0]", E, "`de`");
    assert!(d.hint.unwrap().contains("`DE`"));
}

#[test]
fn spdx_licences() {
    let s = Site::new();
    s.edit(T, "license: CC-BY-NC-4.0", "license: CC BY-NC 4.0");
    s.one(
        T,
        "license:",
        "governance.license",
        E,
        "not an SPDX licence",
    );
    let s = Site::new();
    s.edit(S, "license: Apache-2.0", "license: Apache 2");
    let d = s.one(
        S,
        "license:",
        "systems[0].license",
        E,
        "not an SPDX licence",
    );
    assert!(d.hint.unwrap().contains("`Apache-2.0`"));
    let s = Site::new();
    s.edit(S, "license: Apache-2.0", "license: MIT OR Apache-2.0");
    assert!(s.diags().is_empty());
}

#[test]
fn url_shape() {
    let s = Site::new();
    s.edit(
        S,
        "\"https://example.org/example-detector\"",
        "\"example.org/x\"",
    );
    s.one(
        S,
        "code_url:",
        "systems[0].code_url",
        E,
        "not a web address",
    );
    let s = Site::new();
    s.edit(D, "url: \"https://zenodo.org", "url: \"ftp://zenodo.org");
    // Schemes other than http(s)/mailto are refused while loading (see `hostile`).
    s.one(D, "ftp://", "files[0].url", E, "links are not allowed");
}

#[test]
fn schema_versions() {
    for file in [T, D, S, L] {
        let s = Site::new();
        let (from, to) = if file == L {
            ("\"schema_version\": \"0.1\"", "\"schema_version\": \"0.2\"")
        } else {
            ("schema_version: \"0.1\"", "schema_version: \"0.2\"")
        };
        s.edit(file, from, to);
        s.one(
            file,
            "schema_version",
            "schema_version",
            E,
            "`0.2` is not supported",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// task.yaml

#[test]
fn title_length() {
    let s = Site::new();
    let long = format!("title: \"{}\"", "x".repeat(151));
    s.edit(
        T,
        "title: \"Detection of small hepatic metastases on portal-venous CT\"",
        &long,
    );
    s.one(T, "title:", "title", E, "151 characters");
}

#[test]
fn summary_length_and_markup() {
    let s = Site::new();
    s.edit(
        T,
        "  colorectal cancer, a finding that radiologists miss often and that changes treatment.\n",
        "",
    );
    s.edit(
        T,
        "  Find liver metastases smaller than 10 mm on routine staging CT of patients with\n",
        "  Short.\n",
    );
    s.one(T, "summary:", "summary", E, "6 characters");
    // Markup is a warning at the markup itself, inside the block scalar.
    let s = Site::new();
    s.edit(T, "radiologists miss often", "radiologists **miss** often");
    let d = s.one(
        T,
        "**miss**",
        "summary",
        W,
        "Markdown emphasis (`**miss**`)",
    );
    assert_eq!(d.column, Some(50), "{d}");
    let s = Site::new();
    s.edit(
        T,
        "radiologists miss often",
        "radiologists <b>miss</b> often",
    );
    let diags = s.diags();
    assert_eq!(diags.len(), 2, "{}", show(&diags));
    let at = |c| {
        diags
            .iter()
            .find(|d| d.column == Some(c))
            .unwrap_or_else(|| panic!("{}", show(&diags)))
    };
    s.check(
        at(50),
        T,
        "<b>miss",
        "summary",
        W,
        "an HTML element (`<b>`)",
    );
    s.check(
        at(57),
        T,
        "<b>miss",
        "summary",
        W,
        "an HTML element (`</b>`)",
    );
}

#[test]
fn clinical_notation_in_the_summary_is_plain_text() {
    let s = Site::new();
    s.edit(
        T,
        "  Find liver metastases smaller than 10 mm on routine staging CT of patients with\n",
        "  Lesions are T1<T2 weighted, a<b in size; #1 cause of cancer death in\n",
    );
    let diags = s.diags();
    assert!(diags.is_empty(), "{}", show(&diags));
}

#[test]
fn raw_html_in_a_description_is_reported_where_it_is() {
    let s = Site::new();
    s.edit(
        T,
        "  Small colorectal liver metastases are missed",
        "  Signal is T1<T2 weighted in cysts and T2>T1 in fat. Small colorectal liver metastases are missed",
    );
    let d = s.one(
        T,
        "Signal is T1<T2",
        "description",
        W,
        "`<T2 weighted in cysts and T2>` reads as raw HTML",
    );
    assert_eq!(d.column, Some(15), "{d}");
    assert!(d.message.contains("shown as written"), "{d}");
}

#[test]
fn raw_html_in_markdown_files_is_reported_where_it_is() {
    let s = Site::new();
    let before = std::fs::read_to_string(s.path(R)).unwrap();
    s.write(
        R,
        &format!("{before}\nThe panel noted T1<T2 weighted lesions and T2>T1.\n"),
    );
    let d = s.one(R, "The panel noted", "", W, "reads as raw HTML");
    assert_eq!(d.column, Some(19), "{d}");
    assert_eq!(d.field, None);

    let s = Site::new();
    let f = "content/pages/about.md";
    s.write(
        f,
        "---\ntitle: About\n---\nH<sub>2</sub>O is fine.\n\n<!-- a note\nfor editors -->\n  <iframe src=x></iframe>\n",
    );
    let diags = s.diags();
    let lines: Vec<(Option<u32>, Option<u32>, bool)> = diags
        .iter()
        .map(|d| (d.line, d.column, d.message.contains("comment")))
        .collect();
    assert_eq!(
        lines,
        vec![
            (Some(6), Some(1), true),
            (Some(8), Some(3), false),
            (Some(8), Some(17), false)
        ],
        "{}",
        show(&diags)
    );
}

#[test]
fn at_least_three_keywords() {
    let s = Site::new();
    s.edit(
        T,
        "keywords: [CT, liver, metastasis, lesion detection, oncology]",
        "keywords: [CT, liver]",
    );
    s.one(T, "keywords:", "keywords", E, "2 keyword(s)");
}

#[test]
fn contributors_and_roles() {
    let s = Site::new();
    s.edit(T, "roles: [clinical_lead, data_provider]", "roles: []");
    s.one(
        T,
        "roles:",
        "contributors[0].roles",
        E,
        "`Jane Doe` has no role",
    );
    let s = Site::new();
    let text = std::fs::read_to_string(s.path(T)).unwrap();
    let start = text.find("contributors:\n").unwrap();
    let end = text.find("clinical:\n").unwrap();
    s.edit(T, &text[start..end], "contributors: []\n");
    s.one(
        T,
        "contributors:",
        "contributors",
        E,
        "at least one contributor",
    );
}

#[test]
fn history_in_date_order() {
    let s = Site::new();
    s.edit(
        T,
        "{date: 2026-04-02, status: under_review}",
        "{date: 2026-02-02, status: under_review}",
    );
    s.one(T, "2026-02-02", "history[1].date", E, "out of order");
}

#[test]
fn history_starts_at_submission() {
    let s = Site::new();
    s.edit(T, "submitted: 2026-03-01", "submitted: 2026-03-05");
    s.one(
        T,
        "status: proposed",
        "history[0].date",
        E,
        "before the proposal was submitted",
    );
}

#[test]
fn history_ends_with_the_status() {
    let s = Site::new();
    s.edit(T, "  - {date: 2026-06-01, status: released}\n", "");
    s.one(
        T,
        "history:",
        "history",
        E,
        "the last history entry is `selected`",
    );
}

#[test]
fn timeframe_in_order() {
    let s = Site::new();
    s.edit(
        T,
        "timeframe: {start: 2015-01-01",
        "timeframe: {start: 2023-01-01",
    );
    s.one(
        T,
        "timeframe:",
        "imaging.timeframe",
        E,
        "starts (2023-01-01) after it ends",
    );
}

#[test]
fn metric_ids_unique() {
    let s = Site::new();
    s.edit(
        T,
        "  ranking:\n",
        "    - {id: froc, name: again, direction: higher_is_better, level: dataset}\n  ranking:\n",
    );
    s.one(
        T,
        "id: froc, name: again",
        "evaluation.metrics[3].id",
        E,
        "`froc` appears twice",
    );
}

#[test]
fn metric_range_and_worst_value() {
    let s = Site::new();
    s.edit(T, "range: [0, 50]", "range: [50, 0]");
    s.one(
        T,
        "range: [50, 0]",
        "evaluation.metrics[1].range",
        E,
        "min must be below max",
    );
    let s = Site::new();
    s.edit(T, "worst_value: 0", "worst_value: -1");
    s.one(
        T,
        "worst_value:",
        "evaluation.metrics[0].worst_value",
        E,
        "outside the range [0, 1]",
    );
}

#[test]
fn bootstrap_ci_and_alpha() {
    let s = Site::new();
    s.edit(T, "ci: 0.95", "ci: 95");
    s.one(
        T,
        "bootstrap:",
        "evaluation.ranking.bootstrap.ci",
        E,
        "95 is not between 0 and 1",
    );
    let s = Site::new();
    s.edit(T, "alpha: 0.05", "alpha: 5");
    s.one(
        T,
        "alpha:",
        "evaluation.ranking.alpha",
        E,
        "alpha 5 is not between 0 and 1",
    );
}

#[test]
fn missing_results_need_a_worst_value() {
    let s = Site::new();
    s.edit(
        T,
        "      range: [0, 1]\n      primary: true\n      worst_value: 0\n",
        "      primary: true\n",
    );
    s.one(
        T,
        "- id: f2",
        "evaluation.metrics[0]",
        E,
        "`f2` has missing per-case results",
    );
    // Without nulls, no worst value is needed.
    s.edit(L, "0.8, null]", "0.8, 0.1]");
    s.edit(L, "1, null]", "1, 3]");
    assert!(s.diags().is_empty(), "{}", show(&s.diags()));
}

#[test]
fn exactly_one_primary_metric() {
    let s = Site::new();
    s.edit(T, "      primary: true\n", "");
    s.one(
        T,
        "metrics:",
        "evaluation.metrics",
        E,
        "0 metrics are marked primary",
    );
}

#[test]
fn references_need_doi_or_url() {
    let s = Site::new();
    s.edit(
        T,
        "{title: \"Example reference\", doi: \"10.0000/example\"}",
        "{title: \"Example reference\"}",
    );
    s.one(
        T,
        "Example reference",
        "references[0]",
        W,
        "without doi or url",
    );
}

#[test]
fn short_why_it_matters_is_a_warning() {
    let s = Site::new();
    s.edit(
        T,
        "why_it_matters: \"A missed small metastasis can mean an operation that cannot cure, or a cure that is not offered.\"",
        "why_it_matters: \"Cancer.\"",
    );
    s.one(
        T,
        "why_it_matters:",
        "clinical.why_it_matters",
        W,
        "only 7 characters",
    );
}

#[test]
fn released_task_without_leaderboard_is_a_warning() {
    let s = Site::new();
    s.remove(L);
    s.some(
        T,
        "status:",
        "status",
        W,
        "a released task without a leaderboard",
    );
}

// ---------------------------------------------------------------------------------------------
// rationale.md

#[test]
fn rationale_names_its_task() {
    let s = Site::new();
    s.edit(R, "task: hepatic-metastases-ct", "task: other-task");
    s.one(R, "task:", "task", E, "names task `other-task`");
}

#[test]
fn decision_agrees_with_status() {
    let s = Site::new();
    s.edit(R, "decision: selected", "decision: deferred");
    let d = s.one(
        R,
        "decision:",
        "decision",
        E,
        "`deferred` disagrees with the task's status `released`",
    );
    assert!(d.hint.unwrap().contains("`selected`"));
}

#[test]
fn a_deferred_proposal_is_fine() {
    let s = Site::new();
    s.remove(L);
    s.remove(D);
    s.edit(T, "status: released", "status: under_review");
    s.edit(
        T,
        "  - {date: 2026-05-14, status: selected}\n  - {date: 2026-06-01, status: released}\n",
        "",
    );
    s.edit(R, "decision: selected", "decision: deferred");
    s.edit(
        R,
        "award: {amount_eur: 25000, status: committed, date: 2026-05-14}\n",
        "",
    );
    let errors: Vec<_> = s.diags().into_iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{}", show(&errors));
}

#[test]
fn selection_is_in_the_history() {
    let s = Site::new();
    s.edit(T, "  - {date: 2026-05-14, status: selected}\n", "");
    s.one(T, "history:", "history", E, "no `selected` entry");
}

#[test]
fn panel_ids_unique() {
    let s = Site::new();
    s.edit(
        R,
        "scale:",
        "  - {id: P1, role: ethicist, coi: none}\nscale:",
    );
    s.one(R, "role: ethicist", "panel[5].id", E, "`P1` appears twice");
}

#[test]
fn at_least_three_members_not_recused() {
    let s = Site::new();
    s.write(
        R,
        "---\ntask: hepatic-metastases-ct\nround: 2026-r1\nmeeting_date: 2026-05-14\ndecision: selected\npanel:\n  - {id: P1, role: clinician, coi: none}\n  - {id: P2, role: statistician, coi: none}\n  - {id: P3, role: ethicist, coi: declared, recused: true}\nscale: {min: 1, max: 5}\ncriteria:\n  - {id: clinical_importance, score: 4}\n---\nBody\n",
    );
    s.one(R, "panel:", "panel", E, "2 panel member(s) not recused");
}

#[test]
fn scale_min_below_max() {
    let s = Site::new();
    s.edit(R, "scale: {min: 1, max: 5}", "scale: {min: 5, max: 1}");
    s.one(R, "scale:", "scale", E, "min must be below max");
}

#[test]
fn scores_within_the_scale() {
    let s = Site::new();
    s.edit(
        R,
        "{id: feasibility_legal_ethics, score: 5,",
        "{id: feasibility_legal_ethics, score: 5.4,",
    );
    s.one(
        R,
        "feasibility_legal_ethics",
        "criteria[6].score",
        E,
        "5.4 of `feasibility_legal_ethics` lies outside the scale 1 to 5",
    );
    let s = Site::new();
    s.edit(R, "P3: 4, P4: 5}}", "P3: 4, P4: 6}}");
    s.one(
        R,
        "clinical_importance",
        "criteria[0].scores.P4",
        E,
        "the score 6 of `P4` lies outside",
    );
}

#[test]
fn scorers_are_panel_members() {
    let s = Site::new();
    s.edit(
        R,
        "{P1: 4, P2: 4, P3: 4, P4: 4}",
        "{P1: 4, P2: 4, P3: 4, P4: 4, P9: 4}",
    );
    s.one(
        R,
        "P9",
        "criteria[5].scores.P9",
        E,
        "`P9` scored `evaluation_validity` but is not on the panel",
    );
}

#[test]
fn recused_scores_are_flagged() {
    let s = Site::new();
    s.edit(
        R,
        "{P1: 4, P2: 4, P3: 4, P4: 4}",
        "{P1: 4, P2: 4, P3: 4, P4: 4, P5: 4}",
    );
    s.one(
        R,
        "P5: 4",
        "criteria[5].scores.P5",
        E,
        "counted although recused",
    );
}

#[test]
fn aggregate_near_the_members_mean() {
    let s = Site::new();
    s.edit(
        R,
        "{id: representativeness, score: 3,",
        "{id: representativeness, score: 4,",
    );
    s.one(
        R,
        "representativeness",
        "criteria[4].score",
        W,
        "far from its members' mean 2.75",
    );
}

#[test]
fn votes_within_the_panel() {
    let s = Site::new();
    s.edit(R, "abstain: 0", "abstain: 1");
    s.one(R, "vote:", "vote", W, "5 votes but only 4");
}

#[test]
fn dissent_by_a_panel_member() {
    let s = Site::new();
    s.edit(R, "member: P3", "member: P7");
    s.one(
        R,
        "member: P7",
        "dissent[0].member",
        E,
        "`P7` is not on the panel",
    );
}

#[test]
fn award_amount_positive() {
    let s = Site::new();
    s.edit(R, "amount_eur: 25000", "amount_eur: 0");
    s.one(
        R,
        "award:",
        "award.amount_eur",
        E,
        "award amount 0 is not positive",
    );
}

#[test]
fn award_on_a_rejected_task_is_a_warning() {
    let s = Site::new();
    s.remove(L);
    s.edit(T, "status: released", "status: rejected");
    s.edit(
        T,
        "  - {date: 2026-05-14, status: selected}\n  - {date: 2026-06-01, status: released}\n",
        "  - {date: 2026-05-14, status: rejected}\n",
    );
    s.edit(R, "decision: selected", "decision: rejected");
    s.some(R, "award:", "award", W, "an award for a rejected task");
}

// ---------------------------------------------------------------------------------------------
// datacard.yaml

#[test]
fn splits_have_cases() {
    let s = Site::new();
    s.edit(D, "train: {cases: 212}", "train: {cases: 0}");
    s.one(
        D,
        "train:",
        "composition.splits.train.cases",
        E,
        "`train` has no cases",
    );
}

#[test]
fn demographic_shares() {
    let s = Site::new();
    s.edit(D, "female: 0.41", "female: 1.41");
    s.one(
        D,
        "demographics:",
        "composition.demographics.sex.female",
        E,
        "1.41 is not between 0 and 1",
    );
    let s = Site::new();
    s.edit(D, "female: 0.41", "female: 0.31");
    s.one(
        D,
        "demographics:",
        "composition.demographics.sex",
        W,
        "sum to 0.900",
    );
    let s = Site::new();
    s.edit(D, "iqr: [56, 72]", "iqr: [72, 56]");
    s.one(
        D,
        "demographics:",
        "composition.demographics.age.iqr",
        E,
        "[72, 56] is reversed",
    );
}

#[test]
fn file_ids_unique() {
    let s = Site::new();
    s.edit(D, "  - id: cases_table", "  - id: archive  # again");
    s.one(D, "# again", "files[1].id", E, "`archive` appears twice");
}

#[test]
fn downloadable_files_need_a_checksum_for_croissant() {
    let s = Site::new();
    s.edit(
        D,
        "    sha256: \"0000000000000000000000000000000000000000000000000000000000000000\"\n",
        "",
    );
    s.one(
        D,
        "  - id: archive",
        "files[0]",
        W,
        "`archive` has no sha256",
    );
}

#[test]
fn contained_in_an_existing_file() {
    let s = Site::new();
    s.edit(
        D,
        "    contained_in: archive\n    format: text/csv",
        "    contained_in: archiv\n    format: text/csv",
    );
    s.one(
        D,
        "contained_in: archiv",
        "files[1].contained_in",
        E,
        "no file `archiv`",
    );
    let s = Site::new();
    s.edit(
        D,
        "  - id: ct_volumes\n    contained_in: archive",
        "  - id: ct_volumes\n    contained_in: images",
    );
    s.one(
        D,
        "contained_in: images",
        "filesets[0].contained_in",
        E,
        "no file `images`",
    );
}

// ---------------------------------------------------------------------------------------------
// systems.yaml

#[test]
fn system_ids_unique() {
    let s = Site::new();
    let text = std::fs::read_to_string(s.path(S)).unwrap();
    s.write(
        S,
        &format!("{text}  - {{id: example-vlm, name: Again, kind: baseline, access: open}}\n"),
    );
    s.one(
        S,
        "name: Again",
        "systems[3].id",
        E,
        "`example-vlm` appears twice",
    );
}

#[test]
fn unevaluated_systems_are_a_warning() {
    let s = Site::new();
    let text = std::fs::read_to_string(s.path(S)).unwrap();
    s.write(
        S,
        &format!("{text}  - {{id: idle-model, name: Idle, kind: baseline, access: open}}\n"),
    );
    s.one(
        S,
        "idle-model",
        "systems[3].id",
        W,
        "`idle-model` is not evaluated",
    );
}

// ---------------------------------------------------------------------------------------------
// leaderboards

#[test]
fn a_selected_task_leaderboard_says_to_release_the_task() {
    let s = Site::new();
    s.edit(T, "status: released", "status: selected");
    s.edit(T, "  - {date: 2026-06-01, status: released}\n", "");
    let d = s.some(
        L,
        "\"task\"",
        "task",
        E,
        "results are published once the task is released",
    );
    // A selected task is public: nothing about leaking a confidential one.
    assert!(!d.message.contains("confidential"), "{d}");
    let hint = d.hint.unwrap_or_default();
    assert!(
        hint.contains("`status: released`") && hint.contains("history entry"),
        "{hint}"
    );
}

#[test]
fn values_within_the_metric_range() {
    let s = Site::new();
    s.edit(L, "[0.9, 0.75, 1.0,", "[0.9, 1.75, 1.0,");
    s.one(
        L,
        "1.75",
        "entries[0].per_case.f2[1]",
        E,
        "1.75 lies outside the range [0, 1] of `f2`",
    );
    let s = Site::new();
    s.edit(L, "{\"froc\": 0.68}", "{\"froc\": 1.68}");
    s.one(
        L,
        "1.68",
        "entries[0].scores.froc",
        E,
        "1.68 lies outside the range [0, 1]",
    );
}

#[test]
fn given_scores_agree_with_per_case_values() {
    let s = Site::new();
    // Mean F2 with the missing case at worst value 0: 3.95 / 6.
    s.edit(
        L,
        "{\"froc\": 0.68}",
        "{\"froc\": 0.68, \"f2\": 0.6583333333}",
    );
    assert!(s.diags().is_empty(), "{}", show(&s.diags()));
    let s = Site::new();
    s.edit(L, "{\"froc\": 0.68}", "{\"froc\": 0.68, \"f2\": 0.79}");
    s.one(
        L,
        "\"scores\"",
        "entries[0].scores.f2",
        E,
        "0.79 of `f2` disagrees with the mean of its per-case values, 0.658333",
    );
}

#[test]
fn without_per_case_an_entry_needs_scores() {
    let s = Site::new();
    s.edit(L, "        \"f2\": [0.6, 0.8, 0.7, 0.4, 0.9, 0.3],\n", "");
    s.one(
        L,
        "\"id\": \"e0002\"",
        "entries[1].scores",
        E,
        "no value of the ranking metric `f2`",
    );
    s.edit(
        L,
        "\"training_regime\": \"zero_shot\",",
        "\"training_regime\": \"zero_shot\",\n      \"scores\": {\"f2\": 0.6},",
    );
    // Scores alone are enough to rank, but they turn off the task's uncertainty analysis.
    s.one(
        L,
        "\"id\": \"e0002\"",
        "entries[1].id",
        W,
        "entry `e0002` (system `example-vlm`) has no per-case values of the ranking metric `f2`, which turns off the uncertainty analysis of the whole task",
    );
}

#[test]
fn an_entry_without_per_case_values_is_named_only_among_entries_with_them() {
    // Every ranked entry with scores only: nothing is turned off by one of them.
    let s = Site::new();
    s.edit(L, "        \"f2\": [0.6, 0.8, 0.7, 0.4, 0.9, 0.3],\n", "")
        .edit(L, "        \"f2\": [0.9, 0.75, 1.0, 0.5, 0.8, null],\n", "")
        .edit(L, "{\"froc\": 0.68}", "{\"froc\": 0.68, \"f2\": 0.7}")
        .edit(
            L,
            "\"training_regime\": \"zero_shot\",",
            "\"training_regime\": \"zero_shot\",\n      \"scores\": {\"f2\": 0.6},",
        );
    assert!(s.diags().is_empty(), "{}", show(&s.diags()));
    // A reference entry without them is not ranked, so the analysis stays on.
    let s = Site::new();
    s.edit(L, "        \"f2\": [0.7, 0.6, 0.9, 0.3, 0.7, 0.5],\n", "")
        .edit(
            L,
            "\"reference_only\": true,",
            "\"reference_only\": true,\n      \"scores\": {\"f2\": 0.6},",
        );
    assert!(s.diags().is_empty(), "{}", show(&s.diags()));
}

#[test]
fn case_ids_unique() {
    let s = Site::new();
    s.edit(L, "\"c002\"", "\"c001\"");
    s.one(L, "\"cases\"", "cases[1]", E, "`c001` appears twice");
}

#[test]
fn task_version_matches() {
    let s = Site::new();
    s.edit(
        L,
        "\"task_version\": \"1.0.0\"",
        "\"task_version\": \"0.9.0\"",
    );
    s.one(
        L,
        "task_version",
        "task_version",
        W,
        "version 0.9.0 of the task, which is at version 1.0.0",
    );
}

#[test]
fn entry_dates_in_order() {
    let s = Site::new();
    s.edit(
        L,
        "\"evaluated\": \"2026-06-11\"",
        "\"evaluated\": \"2026-06-09\"",
    );
    s.one(
        L,
        "2026-06-09",
        "entries[0].evaluated",
        W,
        "evaluated 2026-06-09 before it was submitted",
    );
    let s = Site::new();
    s.edit(
        L,
        "\"evaluated\": \"2026-06-11\"",
        "\"evaluated\": \"2026-06-21\"",
    );
    s.one(
        L,
        "2026-06-21",
        "entries[0].evaluated",
        W,
        "after the leaderboard was updated",
    );
}

#[test]
fn updated_not_before_release() {
    let s = Site::new();
    s.edit(
        L,
        "\"updated\": \"2026-06-20\"",
        "\"updated\": \"2026-05-20\"",
    );
    s.some(
        L,
        "\"updated\"",
        "updated",
        W,
        "before the task was released (2026-06-01)",
    );
}

#[test]
fn existing_leaderboard_rules_are_located() {
    let s = Site::new();
    s.edit(
        L,
        "\"system\": \"example-vlm\"",
        "\"system\": \"no-such-system\"",
    );
    s.some(
        L,
        "no-such-system",
        "entries[1].system",
        E,
        "`no-such-system` is not in data/systems.yaml",
    );
    let s = Site::new();
    s.edit(
        L,
        "\"f2\": [0.6, 0.8, 0.7, 0.4, 0.9, 0.3]",
        "\"f2\": [0.6, 0.8]",
    );
    s.one(
        L,
        "[0.6, 0.8]",
        "entries[1].per_case.f2",
        E,
        "2 values for 6 cases",
    );
    let s = Site::new();
    s.edit(L, "{\"froc\": 0.68}", "{\"froc\": 0.68, \"auc\": 0.5}");
    s.one(
        L,
        "\"scores\"",
        "entries[0].scores.auc",
        E,
        "`auc` is not a metric",
    );
}

// ---------------------------------------------------------------------------------------------
// reports and pages

#[test]
fn report_period_in_order() {
    let s = Site::new();
    let f = "content/reports/2026-q2.md";
    s.edit(
        f,
        "period: {start: 2026-04-01",
        "period: {start: 2026-07-01",
    );
    s.one(
        f,
        "period:",
        "period",
        E,
        "starts (2026-07-01) after it ends",
    );
}

#[test]
fn reserved_page_ids() {
    let s = Site::new();
    let f = "content/pages/news.md";
    s.write(f, "---\ntitle: News\n---\nText\n");
    s.one(
        f,
        "title:",
        "title",
        E,
        "`news` is a URL the portal uses itself",
    );
}

// ---------------------------------------------------------------------------------------------
// Issue 14, item 11

#[test]
fn an_unknown_system_gets_a_did_you_mean() {
    let s = Site::new();
    s.edit(
        L,
        "\"system\": \"example-vlm\"",
        "\"system\": \"example-vml\"",
    );
    let d = s.some(
        L,
        "example-vml",
        "entries[1].system",
        E,
        "`example-vml` is not in data/systems.yaml",
    );
    assert!(
        d.hint
            .as_deref()
            .unwrap_or("")
            .starts_with("did you mean `example-vlm`?"),
        "{d}"
    );
}

#[test]
fn a_title_or_acronym_another_task_uses_is_a_warning() {
    let s = Site::new();
    let text = std::fs::read_to_string(s.path(T)).unwrap();
    let other = text
        .replace("id: hepatic-metastases-ct", "id: other-task")
        .replace("title: \"", "title: \"  ");
    s.write("content/tasks/other-task/task.yaml", &other);
    s.some(T, "title:", "title", W, "is also the title of `other-task`");
    s.some(
        T,
        "acronym:",
        "acronym",
        W,
        "the acronym `HEPMET` is also the acronym of `other-task`",
    );
    s.some(
        "content/tasks/other-task/task.yaml",
        "acronym:",
        "acronym",
        W,
        "is also the acronym of `hepatic-metastases-ct`",
    );
}

#[test]
fn the_task_version_is_a_semantic_version() {
    let s = Site::new();
    s.edit(T, "version: 1.0.0", "version: \"1.0\"");
    s.some(
        T,
        "version: \"1.0\"",
        "version",
        E,
        "the version `1.0` is not a semantic version",
    );
    // Unquoted, YAML reads a number; the message quotes what the file says.
    let s = Site::new();
    s.edit(T, "version: 1.0.0", "version: 1.0");
    s.some(
        T,
        "version: 1.0",
        "version",
        E,
        "the version `1.0` is not a semantic version",
    );
    for ok in [
        "1.0.0",
        "0.1.0",
        "1.0.0-rc.1",
        "2.10.3+build.7",
        "1.0.0-alpha-1",
    ] {
        assert!(super::task::is_semver(ok), "{ok}");
    }
    for bad in [
        "1.0", "1", "01.0.0", "1.0.0-", "1.0.0-01", "v1.0.0", "1.0.0.0", "",
    ] {
        assert!(!super::task::is_semver(bad), "{bad}");
    }
}

// ---------------------------------------------------------------------------------------------
// data/accessibility.yaml and page roles

const A: &str = "data/accessibility.yaml";
const AP: &str = "content/pages/accessibility.md";
const ABOUT: &str = "content/pages/about.md";

#[test]
fn a_bad_statement_status_names_the_closest_value() {
    let s = Site::new();
    s.edit(A, "status: partial", "status: partly");
    let d = s.one(A, "status: partly", "status", E, "partly");
    assert!(d.hint.as_deref().unwrap().contains("partial"), "{d}");
}

#[test]
fn a_missing_statement_field_is_named_with_did_you_mean() {
    let s = Site::new();
    s.edit(A, "reviewed: 2026-06-01", "reviewd: 2026-06-01");
    let diags = s.diags();
    let unknown = diags
        .iter()
        .find(|d| d.message.contains("reviewd"))
        .unwrap_or_else(|| panic!("{}", show(&diags)));
    assert_eq!(unknown.file, Path::new(A));
    assert_eq!(unknown.line, Some(s.line_of(A, "reviewd:")));
    assert!(
        unknown.hint.as_deref().unwrap_or("").contains("reviewed"),
        "{unknown}"
    );
    assert!(
        diags
            .iter()
            .all(|d| d.severity == E && d.file == Path::new(A)),
        "{}",
        show(&diags)
    );
}

#[test]
fn a_partial_statement_must_list_what_is_not_accessible() {
    let s = Site::new();
    let text = std::fs::read_to_string(s.path(A)).unwrap();
    let start = text.find("non_accessible:").unwrap();
    let end = text.find("prepared:").unwrap();
    s.write(A, &format!("{}{}", &text[..start], &text[end..]));
    s.one(
        A,
        "status: partial",
        "status",
        E,
        "status `partial` but no non-accessible content is listed",
    );
    s.edit(A, "status: partial", "status: none");
    s.one(
        A,
        "status: none",
        "status",
        E,
        "status `none` but no non-accessible content is listed",
    );
}

#[test]
fn a_full_statement_with_a_list_is_a_warning() {
    let s = Site::new();
    s.edit(A, "status: partial", "status: full");
    s.one(A, "status: full", "status", W, "status `full` but 2");
}

#[test]
fn an_answer_later_than_a_month_is_an_error() {
    let s = Site::new();
    s.edit(A, "response_days: 14", "response_days: 45");
    let d = s.one(
        A,
        "response_days: 45",
        "feedback.response_days",
        E,
        "within 45 days",
    );
    assert!(d.hint.as_deref().unwrap().contains("BGG"), "{d}");
    let s = Site::new();
    s.edit(A, "response_days: 14", "response_days: 30");
    assert!(s.diags().is_empty(), "{}", show(&s.diags()));
}

#[test]
fn the_enforcement_url_and_feedback_email_are_checked() {
    let s = Site::new();
    s.edit(
        A,
        "url: https://www.schlichtungsstelle-bgg.de/",
        "url: www.schlichtungsstelle-bgg.de",
    );
    s.one(
        A,
        "url: www.schlichtungsstelle-bgg.de",
        "enforcement.url",
        E,
        "is not a web address",
    );
    let s = Site::new();
    s.edit(
        A,
        "email: accessibility@example.org",
        "email: accessibility(at)example.org",
    );
    s.one(
        A,
        "email: accessibility(at)example.org",
        "feedback.email",
        E,
        "is not an e-mail address",
    );
}

#[test]
fn a_review_before_the_preparation_is_an_error() {
    let s = Site::new();
    s.edit(A, "reviewed: 2026-06-01", "reviewed: 2026-04-01");
    s.one(A, "reviewed:", "reviewed", E, "before it was prepared");
}

#[test]
fn the_statement_version_is_0_2() {
    let s = Site::new();
    s.edit(A, "schema_version: \"0.2\"", "schema_version: \"0.1\"");
    s.one(A, "schema_version", "schema_version", E, "`0.1`");
}

#[test]
fn a_statement_without_its_page_is_a_warning_and_the_reverse() {
    let s = Site::new();
    s.edit(AP, "role: accessibility\n", "");
    s.one(
        A,
        "status:",
        "status",
        W,
        "no page shows the accessibility statement",
    );
    let s = Site::new();
    s.remove(A);
    s.one(AP, "role:", "role", W, "data/accessibility.yaml is missing");
}

#[test]
fn a_role_is_used_by_one_page_only() {
    let s = Site::new();
    s.edit(ABOUT, "menu: 1\n", "menu: 1\nrole: accessibility\n");
    let diags = s.diags();
    let d = diags
        .iter()
        .find(|d| d.field.as_deref() == Some("role"))
        .unwrap_or_else(|| panic!("{}", show(&diags)));
    assert_eq!(diags.len(), 1, "{}", show(&diags));
    // Pages load in file order: about.md comes before accessibility.md.
    s.check(
        d,
        AP,
        "role: accessibility",
        "role",
        E,
        "already the role of",
    );
    assert!(d.message.contains(ABOUT), "{d}");
}

const SIGN: &str = "content/pages/sign-language.md";
const SIGN_PAGE: &str = "---\ntitle: \"Sign language\"\nrole: sign_language\nvideo:\n  src: static/video/hello.webm\n  poster: static/video/hello.png\n  captions: static/video/hello.vtt\n  duration: \"0:08\"\n  size: \"40 kB\"\n---\n\nA video.\n";

#[test]
fn a_sign_language_page_is_valid_with_its_video() {
    let s = Site::new();
    s.write(SIGN, SIGN_PAGE);
    assert!(s.diags().is_empty(), "{}", show(&s.diags()));
}

#[test]
fn a_sign_language_page_needs_a_video() {
    let s = Site::new();
    s.write(
        SIGN,
        "---\ntitle: \"Sign language\"\nrole: sign_language\n---\n\nNo video.\n",
    );
    s.one(SIGN, "role:", "role", E, "without a video");
}

#[test]
fn a_video_belongs_to_the_sign_language_page_only() {
    let s = Site::new();
    s.write(
        SIGN,
        &SIGN_PAGE.replace("role: sign_language", "role: easy_language"),
    );
    s.one(
        SIGN,
        "video:",
        "video",
        E,
        "a video on a page with `role: easy_language`",
    );
}

#[test]
fn video_paths_and_facts_are_checked() {
    let s = Site::new();
    s.write(
        SIGN,
        &SIGN_PAGE
            .replace(
                "src: static/video/hello.webm",
                "src: /static/video/hello.webm",
            )
            .replace(
                "captions: static/video/hello.vtt",
                "captions: static/video/hello.srt",
            )
            .replace("duration: \"0:08\"", "duration: \"8 seconds\""),
    );
    s.some(SIGN, "src:", "video.src", E, "is not a file of the site");
    s.some(
        SIGN,
        "captions:",
        "video.captions",
        E,
        "is not a WebVTT file",
    );
    s.some(
        SIGN,
        "duration:",
        "video.duration",
        E,
        "is not a playing time",
    );
}

#[test]
fn a_memo_reuses_only_the_tasks_it_saw_unchanged() {
    let site = Site::new();
    let root = site.dir.path();
    let (mut portal, _) = crate::load::load_partial(root, &Default::default()).unwrap();
    let memo = super::Memo::default();
    let plain = super::validate(root, &portal);
    assert_eq!(super::validate_with(root, &portal, Some(&memo)), plain);
    assert_eq!(
        super::validate_with(root, &portal, Some(&memo)),
        plain,
        "from the memo"
    );
    // The same task as a new bundle (as the loader gives after an edit) is checked again.
    let i = portal
        .tasks
        .iter()
        .position(|b| b.task.id.as_str() == "hepatic-metastases-ct")
        .unwrap();
    let mut edited = (*portal.tasks[i]).clone();
    edited.task.version.0 = "one".into();
    portal.tasks[i] = edited.into();
    let fresh = super::validate(root, &portal);
    assert_ne!(fresh, plain, "a version that is no semver is a problem");
    assert_eq!(super::validate_with(root, &portal, Some(&memo)), fresh);
    // So is a task whose leaderboard went away.
    portal.leaderboards.clear();
    let fresh = super::validate(root, &portal);
    assert_eq!(super::validate_with(root, &portal, Some(&memo)), fresh);
}
