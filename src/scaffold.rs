//! `medal new task <id>`: a commented skeleton of a task folder, and the check that finds
//! placeholders left in it.
//!
//! Placeholders read `FILL IN: what goes here`. The skeleton parses as it is, so an unfilled
//! one is reported placeholder by placeholder (with line and field) rather than by confusing
//! parse errors; other problems on a placeholder's line are left out until it is filled in.

use crate::error::{Diagnostic, Error, Result};
use crate::model::{Date, Slug};
use std::path::{Path, PathBuf};

pub const MARKER: &str = "FILL IN";

/// Writes `content/tasks/<id>/` with task.yaml, datacard.yaml and rationale.md; refuses to
/// overwrite an existing folder. Returns the folder.
pub fn new_task(root: &Path, id: &str, today: &Date) -> Result<PathBuf> {
    let slug = Slug::parse(id).map_err(|message| Error::Config {
        path: PathBuf::from(id),
        message: format!("{message}: ids are slugs (lower-case letters, digits and '-')"),
    })?;
    let dir = root.join("content/tasks").join(slug.as_str());
    if dir.exists() {
        return Err(Error::Config {
            path: dir,
            message: "a task with this id exists already".into(),
        });
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let fill = |t: &str| {
        t.replace("{id}", slug.as_str())
            .replace("{today}", today.as_str())
    };
    for (name, text) in [
        ("task.yaml", TASK),
        ("datacard.yaml", DATACARD),
        ("rationale.md", RATIONALE),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, fill(text)).map_err(|e| Error::io(&path, e))?;
    }
    Ok(dir)
}

/// Every placeholder left in the task folders under `root`, folder by folder in parallel
/// (every build reads each task's files once more here).
pub fn unfilled(root: &Path) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let Ok(dirs) = std::fs::read_dir(root.join("content/tasks")) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = dirs.flatten().map(|e| e.path()).collect();
    dirs.sort();
    dirs.par_iter()
        .flat_map_iter(|dir| unfilled_in(root, dir))
        .collect()
}

fn unfilled_in(root: &Path, dir: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for name in ["task.yaml", "datacard.yaml", "rationale.md"] {
        let path = dir.join(name);
        // Only plain files: a pipe or a link out of the root is the loader's to refuse,
        // and reading one here could block.
        let plain = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
        let Some(text) = plain.then(|| std::fs::read_to_string(&path).ok()).flatten() else {
            continue;
        };
        if !text.contains(MARKER) {
            continue;
        }
        let file = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        for (i, line) in text.lines().enumerate() {
            let Some(col) = line.find(MARKER) else {
                continue;
            };
            if line.trim_start().starts_with('#') {
                continue;
            }
            let what = line[col + MARKER.len()..]
                .trim_start_matches(':')
                .trim()
                .trim_end_matches(['"', '\''])
                .to_string();
            let key = line
                .trim_start()
                .trim_start_matches("- ")
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            let mut d = Diagnostic::new(&file, "placeholder not filled in yet")
                .at(Some(i + 1), Some(line[..col].chars().count() + 1))
                .hint(if what.is_empty() {
                    "replace the placeholder with the real value".to_string()
                } else {
                    format!("write {what}")
                });
            if !key.is_empty() && !key.contains(' ') {
                d = d.field(key);
            }
            out.push(d);
        }
    }
    out
}

/// Keeps placeholder diagnostics and drops every other diagnostic on a placeholder's line: the
/// value is not written yet, so its other problems are noise.
pub fn prefer_placeholders(
    diags: Vec<Diagnostic>,
    placeholders: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diags
        .into_iter()
        .filter(|d| {
            !placeholders
                .iter()
                .any(|p| p.file == d.file && p.line.is_some() && p.line == d.line)
        })
        .collect();
    out.extend(placeholders);
    out.sort();
    out
}

const TASK: &str = r#"# yaml-language-server: $schema=../../../docs/schemas/task.schema.json
# A MEDAL task. Replace every "FILL IN" and check with `medal check`.
# Content format: docs/content-format.md (medal repository). Optional fields are commented out.
schema_version: "0.1"
id: {id}                     # equals the folder name; it is the task's URL
title: "FILL IN: the task's title, at most 150 characters"
# acronym: "ABC"
status: proposed             # proposed, under_review, revise_and_resubmit, selected, rejected, released, retired
submitted: {today}
history:
  - {date: {today}, status: proposed}
summary: >-
  FILL IN: a plain-language summary for the public, 50 to 1000 characters
# description: |
#   ## Background
#   The full task description, in Markdown.
keywords: ["FILL IN: a keyword", "FILL IN: another", "FILL IN: a third"]
contributors:
  - name: "FILL IN: full name"
    # orcid: "https://orcid.org/0000-0000-0000-0000"
    # affiliation: "Hospital or institute"
    # ror: "https://ror.org/0xxxxxxxx"
    # country: DE
    roles: [clinical_lead]   # clinical_lead, data_provider, annotator, methodologist, organizer
clinical:
  specialty: [radiology]     # radiology, pathology, surgery, oncology, cardiology, neurology, ophthalmology, dermatology, gastroenterology, obstetrics_gynecology, pediatrics, emergency_medicine, other
  field_of_application: [diagnosis]  # screening, diagnosis, prognosis, treatment_planning, intervention_assistance, follow_up, monitoring, other
  clinical_question: "FILL IN: the question the AI must answer"
  why_it_matters: "FILL IN: why the answer matters for patients"
  target_cohort: "FILL IN: who the result should serve"
  challenge_cohort: "FILL IN: who is in the data"
  # human_baseline: "How well clinicians do today"
imaging:
  modalities: [CT]           # CT, MR, US, DX, CR, MG, PT, NM, XA, SM, ES, XC, OP, OPT, OT
  body_region: ["FILL IN: body region, e.g. abdomen"]
  # centers: ["Example Hospital"]
  # countries: [DE]
  # other_inputs: [clinical_text]
task_definition:
  category: image_classification   # image_classification, semantic_segmentation, object_detection, instance_segmentation, regression, report_generation, visual_question_answering, tracking, registration, other
  case_definition: "FILL IN: what one case is"
  input: "FILL IN: what the AI system receives"
  output: "FILL IN: what the AI system returns"
# evaluation (required once the task is selected):
#   metrics:
#     - {id: auc, name: "Area under the ROC curve", direction: higher_is_better, level: dataset, range: [0, 1], primary: true}
#   ranking:
#     method: aggregate_then_rank
governance:
  ethics_approval: {required: true}  # add body and number once approved
  license: CC-BY-4.0         # an SPDX licence id
  access: registered         # open, registered, controlled
version: "0.1.0"
"#;

const DATACARD: &str = r#"# yaml-language-server: $schema=../../../docs/schemas/datacard.schema.json
# The data card of task {id} (required once the task is selected). Replace every "FILL IN".
schema_version: "0.1"
dataset:
  name: "FILL IN: the dataset's name"
  version: "0.1.0"
  date_published: {today}
composition:
  instance: "FILL IN: what one item of the dataset is, e.g. one CT study"
  counts: {patients: 0, studies: 0}              # FILL IN: how many of each (images, slides, lesions, ...)
  splits:
    train: {cases: 0}                           # FILL IN: the number of training cases
    test: {cases: 0, labels_public: false}      # FILL IN: the number of test cases
collection:
  design: retrospective_consecutive  # or prospective, registry, trial, ...
annotation:
  reference_standard: "FILL IN: how the reference standard was established"
uses:
  intended: ["FILL IN: an intended use"]
risks:
  biases: ["FILL IN: a known bias"]
  limitations: ["FILL IN: a limitation"]
"#;

const RATIONALE: &str = r#"---
# The panel's rationale for task {id}. Replace every "FILL IN"; members stay pseudonymous.
task: {id}
round: "FILL IN: the selection round, e.g. 2026-r3"
meeting_date: {today}
decision: deferred           # selected, rejected, revise_and_resubmit, deferred (must agree with the task's status)
panel:
  - {id: P1, role: clinician, coi: none}
  - {id: P2, role: data_scientist, coi: none}
  - {id: P3, role: patient_representative, coi: none}
scale: {min: 1, max: 5}
criteria:
  - {id: clinical_importance, score: 3}
  - {id: unmet_need, score: 3}
  - {id: patient_relevance, score: 3}
---

## Summary
FILL IN: the panel's summary.

## Patient perspective

## Data and reference standard

## Evaluation design

## Dissent
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unfilled_skeleton_is_reported_placeholder_by_placeholder() {
        let dir = tempfile::tempdir().unwrap();
        let today = Date::parse("2026-11-26").unwrap();
        let task_dir = new_task(dir.path(), "new-task", &today).unwrap();
        assert!(
            new_task(dir.path(), "new-task", &today).is_err(),
            "no overwrite"
        );
        assert!(new_task(dir.path(), "../escape", &today).is_err());

        // The skeleton parses: every problem is a placeholder, with its line and field.
        let portal = crate::load::load(dir.path()).expect("the skeleton parses");
        assert_eq!(portal.tasks.len(), 1);
        let found = unfilled(dir.path());
        assert!(found.len() >= 10, "{found:#?}");
        let title = found
            .iter()
            .find(|d| d.field.as_deref() == Some("title"))
            .unwrap();
        assert_eq!(title.line, Some(6));
        assert!(title.hint.as_deref().unwrap().contains("150 characters"));

        // Filled in, it passes.
        for name in ["task.yaml", "datacard.yaml", "rationale.md"] {
            let p = task_dir.join(name);
            let text = std::fs::read_to_string(&p).unwrap();
            let filled: String = text
                .lines()
                .map(|l| {
                    let mut l = l.replace("cases: 0", "cases: 120").replace(": 0,", ": 120,");
                    while let Some(i) = l.find(MARKER).filter(|_| !l.trim_start().starts_with('#')) {
                        let tail = &l[i..];
                        let end = tail.find(['"', ']']).unwrap_or(tail.len());
                        l = format!(
                            "{}Filled-in text that is long enough to pass the length rules of the summary field.{}",
                            &l[..i],
                            &tail[end..]
                        );
                    }
                    l
                })
                .collect::<Vec<_>>()
                .join("\n");
            std::fs::write(&p, filled).unwrap();
        }
        assert!(unfilled(dir.path()).is_empty());
        let warnings = crate::check(dir.path());
        assert!(warnings.is_ok(), "{warnings:#?}");
    }
}
