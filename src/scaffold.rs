//! `medal new task|datacard|rationale <id>`: commented skeletons of a task's files, and the
//! check that finds placeholders left in them.
//!
//! A new task is `proposed` and needs only its task.yaml; the rationale (once the panel has
//! decided) and the data card (once the task is selected) are added with their own commands,
//! so a proposal is not held up by placeholders in files its status does not need yet.
//!
//! Placeholders read `FILL IN: what goes here`, as the value itself or as a comment beside a
//! value to replace. The skeleton parses as it is, so an unfilled one is reported placeholder
//! by placeholder (with line, field and the span of the value) rather than by confusing parse
//! errors; other problems on a placeholder's line are left out until it is filled in.

use crate::error::{Diagnostic, Error, Result};
use crate::model::{Date, Slug, Status};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub const MARKER: &str = "FILL IN";

/// The files of a task folder that can be scaffolded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Task,
    DataCard,
    Rationale,
}

impl Kind {
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Task => "task.yaml",
            Kind::DataCard => "datacard.yaml",
            Kind::Rationale => "rationale.md",
        }
    }

    fn skeleton(self) -> &'static str {
        match self {
            Kind::Task => TASK,
            Kind::DataCard => DATACARD,
            Kind::Rationale => RATIONALE,
        }
    }
}

/// Writes `content/tasks/<id>/task.yaml` (status `proposed`); refuses to overwrite an
/// existing folder and to run outside a portal root. Returns the file.
pub fn new_task(root: &Path, id: &str, today: &Date) -> Result<PathBuf> {
    new_file(root, id, today, Kind::Task)
}

/// Writes `content/tasks/<id>/datacard.yaml` beside an existing task.yaml.
pub fn new_datacard(root: &Path, id: &str, today: &Date) -> Result<PathBuf> {
    new_file(root, id, today, Kind::DataCard)
}

/// Writes `content/tasks/<id>/rationale.md` beside an existing task.yaml, with the decision
/// its status calls for.
pub fn new_rationale(root: &Path, id: &str, today: &Date) -> Result<PathBuf> {
    new_file(root, id, today, Kind::Rationale)
}

/// Writes one skeleton into the task folder of `id`; returns the file written.
pub fn new_file(root: &Path, id: &str, today: &Date, kind: Kind) -> Result<PathBuf> {
    portal_root(root)?;
    let slug = Slug::parse(id).map_err(|message| Error::Config {
        path: PathBuf::from(id),
        message: format!("{message}: ids are slugs (lower-case letters, digits and '-')"),
    })?;
    let dir = root.join("content/tasks").join(slug.as_str());
    let task_file = dir.join(Kind::Task.file_name());
    let path = dir.join(kind.file_name());
    if kind == Kind::Task {
        if dir.exists() {
            return Err(Error::Config {
                path: dir,
                message: "a task with this id exists already".into(),
            });
        }
    } else if !task_file.is_file() {
        return Err(Error::Config {
            path: task_file,
            message: format!(
                "no task `{slug}` here: start it with `medal new task {slug}`, or check the id"
            ),
        });
    } else if std::fs::symlink_metadata(&path).is_ok() {
        return Err(Error::Config {
            path,
            message: "this file exists already".into(),
        });
    }
    let decision = match kind {
        Kind::Rationale => decision_for(&task_file),
        _ => "deferred",
    };
    let text = kind
        .skeleton()
        .replace("{id}", slug.as_str())
        .replace("{today}", today.as_str())
        .replace("{decision}", decision);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// `medal new` writes into a portal repository only: in any other folder it would start a
/// `content/` tree that `medal check` then refuses.
fn portal_root(root: &Path) -> Result<()> {
    let portal = root.join("medal.toml").is_file()
        || root.join("content").is_dir()
        || root.join("data").is_dir();
    if portal {
        return Ok(());
    }
    Err(Error::Config {
        path: root.to_path_buf(),
        message: "not a portal root (no medal.toml, content/ or data/ here): run `medal new` in \
                  the portal repository, or pass --root"
            .into(),
    })
}

/// The panel decision a task's status calls for (`deferred` while the status cannot be read).
fn decision_for(task_file: &Path) -> &'static str {
    let status = std::fs::read_to_string(task_file)
        .ok()
        .and_then(|t| serde_yaml::from_str::<serde_yaml::Value>(&t).ok())
        .and_then(|v| serde_yaml::from_value::<Status>(v.get("status")?.clone()).ok());
    match status {
        Some(Status::Selected | Status::Released | Status::Retired) => "selected",
        Some(Status::Rejected) => "rejected",
        Some(Status::ReviseAndResubmit) => "revise_and_resubmit",
        Some(Status::Proposed | Status::UnderReview) | None => "deferred",
    }
}

/// Every placeholder left in the task folders under `root`, folder by folder in parallel
/// (every build reads each task's files once more here; with `seen`, only those that changed).
pub fn unfilled(root: &Path, seen: Option<&Seen>) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let Ok(dirs) = std::fs::read_dir(root.join("content/tasks")) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = dirs.flatten().map(|e| e.path()).collect();
    dirs.sort();
    dirs.par_iter()
        .flat_map_iter(|dir| unfilled_in(root, dir, seen))
        .collect()
}

/// The placeholders found in each file, by its size and modification time, kept by `medal
/// serve` (through [`crate::validate::Memo`]): it validates after every edit, and reading
/// every task file again cost more than the rest of validation. As in git, a file changed in
/// the last two seconds is not remembered: its time may not yet tell a second change at the
/// same size from the first.
#[derive(Default)]
pub struct Seen(Mutex<SeenFiles>);

type SeenFiles = HashMap<PathBuf, (u64, Option<std::time::SystemTime>, Vec<Diagnostic>)>;

fn unfilled_in(root: &Path, dir: &Path, seen: Option<&Seen>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for kind in [Kind::Task, Kind::DataCard, Kind::Rationale] {
        let path = dir.join(kind.file_name());
        // Only plain files: a pipe or a link out of the root is the loader's to refuse,
        // and reading one here could block.
        let Some(meta) = std::fs::symlink_metadata(&path)
            .ok()
            .filter(|m| m.is_file())
        else {
            continue;
        };
        let stamp = (meta.len(), meta.modified().ok());
        if let Some(seen) = seen
            && let Some((len, time, found)) = crate::store::lock(&seen.0).get(&path)
            && (*len, *time) == stamp
        {
            out.extend(found.iter().cloned());
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let found = placeholders_in(root, &path, &text);
        out.extend(found.iter().cloned());
        let settled = stamp
            .1
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() >= 2);
        if let Some(seen) = seen.filter(|_| settled) {
            crate::store::lock(&seen.0).insert(path, (stamp.0, stamp.1, found));
        }
    }
    out
}

fn placeholders_in(root: &Path, path: &Path, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !text.contains(MARKER) {
        return out;
    }
    let file = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let mut previous = "";
    for (i, line) in text.lines().enumerate() {
        if line.contains(MARKER) && !line.trim_start().starts_with('#') {
            out.extend(
                placeholders_on(line, previous)
                    .into_iter()
                    .map(|p| p.at(&file, i + 1)),
            );
        }
        if !line.trim().is_empty() {
            previous = line;
        }
    }
    out
}

/// One placeholder found on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Placeholder {
    /// Columns (0-based characters) of the text to replace: `start..end`.
    start: usize,
    end: usize,
    field: Option<String>,
    message: &'static str,
    hint: String,
}

impl Placeholder {
    fn at(self, file: &Path, line: usize) -> Diagnostic {
        let mut d = Diagnostic::new(file, self.message)
            .at(Some(line), Some(self.start + 1))
            .end_column(Some(self.end + 1))
            .hint(self.hint);
        if let Some(f) = self.field {
            d = d.field(f);
        }
        d
    }
}

/// The placeholders of one line (`previous`: the line before it that is not blank, for the
/// key of a block scalar).
fn placeholders_on(line: &str, previous: &str) -> Vec<Placeholder> {
    let cols = |byte: usize| line[..byte].chars().count();
    let comment = comment_start(line);
    let key = line_key(line).or_else(|| {
        // The text of a block scalar (`summary: >-`) belongs to the key above it.
        let p = previous.trim_end();
        [">-", ">", "|", "|-"]
            .iter()
            .any(|s| p.ends_with(&format!(": {s}")))
            .then(|| line_key(p))
            .flatten()
    });
    let mut out = Vec::new();
    for (at, _) in line.match_indices(MARKER) {
        if let Some(c) = comment.filter(|&c| c < at) {
            out.push(comment_placeholder(line, c, key.clone()));
            break;
        }
        let quote = line[..at]
            .chars()
            .next_back()
            .filter(|q| *q == '"' || *q == '\'');
        // A quoted value runs to its closing quote, commas and all; a plain one to the end.
        let (start, end) = match quote {
            Some(q) => {
                let close = line[at..].find(q).map_or(line.len(), |i| at + i + 1);
                (at - 1, close)
            }
            None => (at, comment.unwrap_or(line.len())),
        };
        let text = &line[at + MARKER.len()..end];
        let what = text
            .trim_start_matches(':')
            .trim_end_matches(['"', '\''])
            .trim();
        let field = key.as_ref().map(|k| match flow_index(line, start) {
            Some(i) => format!("{k}[{i}]"),
            None => k.clone(),
        });
        out.push(Placeholder {
            start: cols(start),
            end: cols(line[..end].trim_end().len()),
            field,
            message: "placeholder not filled in yet",
            hint: if what.is_empty() {
                "replace the placeholder with the real value".to_string()
            } else {
                format!("write {what}")
            },
        });
    }
    out
}

/// A `# FILL IN: …` comment beside a value: the value is the skeleton's still, or it was
/// filled in and only the comment is left.
fn comment_placeholder(line: &str, comment: usize, key: Option<String>) -> Placeholder {
    let cols = |byte: usize| line[..byte].chars().count();
    let value = line[..comment].trim_end();
    let what = line[comment..]
        .trim_start_matches('#')
        .trim_start()
        .trim_start_matches(MARKER)
        .trim_start_matches(':')
        .trim();
    let skeleton = skeleton_value(&line[comment..]);
    if skeleton.is_some_and(|v| v != value.trim()) {
        return Placeholder {
            start: cols(comment),
            end: cols(line.trim_end().len()),
            field: key,
            message: "the value is filled in, but its `# FILL IN` comment is still there",
            hint: "delete the `# FILL IN` comment".into(),
        };
    }
    // Underline the value after the key.
    let indent = value.len() - value.trim_start().len();
    let start = value
        .find(": ")
        .map(|i| i + 2)
        .or_else(|| value.trim_start().starts_with("- ").then_some(indent + 2))
        .unwrap_or(indent);
    Placeholder {
        start: cols(start),
        end: cols(value.len()).max(cols(start)),
        field: key,
        message: if skeleton.is_some() {
            "placeholder not filled in yet"
        } else {
            "a `# FILL IN` comment is left on this line"
        },
        hint: if what.is_empty() {
            "write the real value, then delete the `# FILL IN` comment".into()
        } else {
            format!("write {what}, then delete the `# FILL IN` comment")
        },
    }
}

/// What a skeleton has before the comment `comment` (trimmed), if one of its lines has it.
fn skeleton_value(comment: &str) -> Option<&'static str> {
    [TASK, DATACARD, RATIONALE]
        .iter()
        .flat_map(|t| t.lines())
        .find_map(|l| {
            let c = comment_start(l)?;
            (l[c..].trim_end() == comment.trim_end()).then(|| l[..c].trim())
        })
}

/// Where a YAML comment starts on `line` (a `#` at the start or after a space, outside
/// quotes), as a byte offset.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            // A quote opens a quoted value only where a value starts (`it's` is plain text).
            None if (c == '"' || c == '\'') && (prev.is_whitespace() || "[{,".contains(prev)) => {
                quote = Some(c)
            }
            None if c == '#' && prev.is_whitespace() => return Some(i),
            None => {}
        }
        prev = c;
    }
    None
}

/// The key a line sets (`name` of `  - name: "…"`), if it sets one.
fn line_key(line: &str) -> Option<String> {
    let (key, _) = line.trim_start().trim_start_matches("- ").split_once(':')?;
    let key = key.trim();
    (!key.is_empty() && !key.contains([' ', '"', '\'', '{', '['])).then(|| key.to_string())
}

/// The index of the item at byte `at` in a flow sequence (`[a, b, c]`) on the line, if the
/// value is one.
fn flow_index(line: &str, at: usize) -> Option<usize> {
    let open = line[..at].find(": [")? + 2;
    let mut quote = None;
    let mut index = 0;
    for c in line[open + 1..at].chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == ',' => index += 1,
            None => {}
        }
    }
    Some(index)
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
# The content format: docs/content-format.md. Optional fields are commented out.
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
keywords: ["FILL IN: a keyword", "FILL IN: a second keyword", "FILL IN: a third keyword"]
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
decision: {decision}           # selected, rejected, revise_and_resubmit, deferred (must agree with the task's status)
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

    fn today() -> Date {
        Date::parse("2026-11-26").unwrap()
    }

    /// A portal root: `medal new` refuses any other folder.
    fn portal() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        dir
    }

    /// Replaces every placeholder of `file` the way a curator would, comments included.
    fn fill(file: &Path) {
        let text = std::fs::read_to_string(file).unwrap();
        let filled: Vec<String> = text
            .lines()
            .map(|l| {
                let mut l = l.replace("cases: 0", "cases: 120").replace(": 0,", ": 120,");
                if let Some(c) = comment_start(&l).filter(|&c| l[c..].contains(MARKER)) {
                    l.truncate(c);
                }
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
            .collect();
        std::fs::write(file, filled.join("\n")).unwrap();
    }

    fn problems(root: &Path) -> Vec<Diagnostic> {
        match crate::check(root) {
            Ok(warnings) => warnings.into_iter().filter(|d| d.is_error()).collect(),
            Err(Error::Content(d)) => d.into_iter().filter(|d| d.is_error()).collect(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_new_task_gets_what_its_status_needs_and_each_file_passes_once_filled_in() {
        let dir = portal();
        let root = dir.path();
        let task = new_task(root, "new-task", &today()).unwrap();
        assert_eq!(task, root.join("content/tasks/new-task/task.yaml"));
        assert!(
            new_task(root, "new-task", &today()).is_err(),
            "no overwrite"
        );
        assert!(new_task(root, "../escape", &today()).is_err());
        // A proposal needs only its task.yaml.
        let files: Vec<_> = std::fs::read_dir(task.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(files, ["task.yaml"]);

        // The skeleton parses: every problem is a placeholder, with its line and field.
        let portal = crate::load::load(root).expect("the skeleton parses");
        assert_eq!(portal.tasks.len(), 1);
        let found = problems(root);
        assert!(
            found.iter().all(|d| d.message.contains("placeholder")),
            "{found:#?}"
        );
        let title = found
            .iter()
            .find(|d| d.field.as_deref() == Some("title"))
            .unwrap();
        assert_eq!(title.line, Some(6));
        assert!(title.hint.as_deref().unwrap().contains("150 characters"));
        fill(&task);
        assert!(problems(root).is_empty(), "{:#?}", problems(root));

        // The rationale and the data card come when the status needs them, and pass filled in.
        let rationale = new_rationale(root, "new-task", &today()).unwrap();
        assert!(
            std::fs::read_to_string(&rationale)
                .unwrap()
                .contains("decision: deferred")
        );
        assert!(!problems(root).is_empty());
        fill(&rationale);
        assert!(problems(root).is_empty(), "{:#?}", problems(root));
        let card = new_datacard(root, "new-task", &today()).unwrap();
        assert!(!problems(root).is_empty());
        fill(&card);
        assert!(problems(root).is_empty(), "{:#?}", problems(root));
        assert!(
            new_datacard(root, "new-task", &today()).is_err(),
            "no overwrite"
        );
        assert!(
            new_rationale(root, "new-task", &today()).is_err(),
            "no overwrite"
        );
        let err = new_datacard(root, "no-such-task", &today()).unwrap_err();
        assert!(
            err.to_string().contains("medal new task no-such-task"),
            "{err}"
        );
    }

    #[test]
    fn a_rationale_takes_the_decision_of_the_task_status() {
        let dir = portal();
        let task = new_task(dir.path(), "t1", &today()).unwrap();
        let text = std::fs::read_to_string(&task).unwrap();
        std::fs::write(
            &task,
            text.replace("status: proposed  ", "status: rejected  "),
        )
        .unwrap();
        let r = new_rationale(dir.path(), "t1", &today()).unwrap();
        assert!(
            std::fs::read_to_string(r)
                .unwrap()
                .contains("decision: rejected ")
        );
    }

    #[test]
    fn nothing_is_written_outside_a_portal_root() {
        let dir = tempfile::tempdir().unwrap();
        let err = new_task(dir.path(), "t1", &today()).unwrap_err();
        assert!(err.to_string().contains("not a portal root"), "{err}");
        assert!(!dir.path().join("content").exists());
        // medal.toml alone makes a portal root.
        std::fs::write(dir.path().join("medal.toml"), "").unwrap();
        assert!(new_task(dir.path(), "t1", &today()).is_ok());
    }

    fn on(line: &str) -> Vec<Placeholder> {
        placeholders_on(line, "")
    }

    #[test]
    fn each_list_item_is_its_own_placeholder_without_yaml_syntax() {
        let line = r#"keywords: ["FILL IN: a keyword", "FILL IN: a second keyword", "FILL IN: a third keyword"]"#;
        let found = on(line);
        assert_eq!(found.len(), 3, "{found:#?}");
        let hints: Vec<&str> = found.iter().map(|p| p.hint.as_str()).collect();
        assert_eq!(
            hints,
            [
                "write a keyword",
                "write a second keyword",
                "write a third keyword"
            ]
        );
        let fields: Vec<_> = found.iter().map(|p| p.field.clone().unwrap()).collect();
        assert_eq!(fields, ["keywords[0]", "keywords[1]", "keywords[2]"]);
        // The span covers the quoted value, quotes included.
        assert_eq!(
            &line[found[1].start..found[1].end],
            r#""FILL IN: a second keyword""#
        );
        // Filling in the first leaves the others at their indices.
        let line = r#"keywords: ["liver, CT", "FILL IN: a second keyword"]"#;
        let found = on(line);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].field.as_deref(), Some("keywords[1]"));
    }

    #[test]
    fn the_span_covers_the_whole_value_past_its_commas() {
        let line = r#"title: "FILL IN: the task's title, at most 150 characters""#;
        let p = &on(line)[0];
        assert_eq!(&line[p.start..p.end], &line[7..]);
        assert_eq!(p.hint, "write the task's title, at most 150 characters");
        // A block scalar's text: the key is on the line above.
        let line = "  FILL IN: a plain-language summary for the public, 50 to 1000 characters";
        let p = &placeholders_on(line, "summary: >-")[0];
        assert_eq!(p.field.as_deref(), Some("summary"));
        assert_eq!(&line[p.start..p.end], line.trim());
        // The Diagnostic carries the span as 1-based columns.
        let d = p.clone().at(Path::new("t.yaml"), 12);
        assert_eq!(d.column, Some(3));
        assert_eq!(d.end_column.map(|c| c.get() as usize), Some(line.len() + 1));
    }

    #[test]
    fn a_filled_in_value_with_its_comment_left_says_to_delete_the_comment() {
        let skeleton = "    train: {cases: 0}                           # FILL IN: the number of training cases";
        let p = &on(skeleton)[0];
        assert_eq!(p.message, "placeholder not filled in yet");
        assert_eq!(
            p.hint,
            "write the number of training cases, then delete the `# FILL IN` comment"
        );
        assert_eq!(&skeleton[p.start..p.end], "{cases: 0}");
        assert_eq!(p.field.as_deref(), Some("train"));

        let filled = skeleton.replace("cases: 0", "cases: 120");
        let p = &on(&filled)[0];
        assert!(p.message.contains("filled in"), "{p:?}");
        assert_eq!(p.hint, "delete the `# FILL IN` comment");
        assert_eq!(
            &filled[p.start..p.end],
            "# FILL IN: the number of training cases"
        );
        // Once the comment is gone, nothing is left to report.
        assert!(on(filled.split(" #").next().unwrap()).is_empty());
    }
}
