//! `medal gen-corpus`: a synthetic portal in the spec's format, for benchmarks at scale.
//!
//! The corpus looks like a real call for tasks: about a third of the proposals are
//! confidential (proposed, under review, sent back, rejected), the rest selected, released or
//! retired with data cards and panel rationales; every task has a description of about 600
//! words of Markdown with headings, lists, a table and code blocks in several languages (each
//! task's own, so highlighting cannot be shared across tasks); released and retired tasks have
//! leaderboards with per-case results and a bootstrap. Everything comes from one seed, so the
//! same arguments write the same bytes, and the result passes `medal check`.

use crate::compute::uncertainty::SplitMix64;
use crate::error::{Error, Result};
use serde_json::{Value, json};
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone)]
pub struct CorpusOptions {
    pub tasks: usize,
    pub systems: usize,
    /// Test cases per leaderboard.
    pub cases: usize,
    pub seed: u64,
    /// Bootstrap samples per ranked task (0: no bootstrap).
    pub bootstrap: u32,
}

impl Default for CorpusOptions {
    fn default() -> Self {
        CorpusOptions {
            tasks: 1000,
            systems: 40,
            cases: 100,
            seed: 1,
            bootstrap: 1000,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct CorpusSummary {
    pub tasks: usize,
    pub published: usize,
    pub confidential: usize,
    pub leaderboards: usize,
    pub files: usize,
    pub bytes: u64,
}

const STATUSES: &[(&str, u64)] = &[
    ("proposed", 12),
    ("under_review", 10),
    ("revise_and_resubmit", 5),
    ("rejected", 6),
    ("selected", 20),
    ("released", 40),
    ("retired", 7),
];

const MODALITIES: &[(&str, &str, &str)] = &[
    ("CT", "radiology", "abdomen"),
    ("MR", "neurology", "brain"),
    ("US", "obstetrics_gynecology", "pelvis"),
    ("DX", "emergency_medicine", "chest"),
    ("MG", "radiology", "breast"),
    ("PT", "oncology", "whole body"),
    ("SM", "pathology", "prostate"),
    ("ES", "surgery", "gallbladder"),
    ("XC", "dermatology", "skin"),
    ("OP", "ophthalmology", "retina"),
];

const CATEGORIES: &[&str] = &[
    "image_classification",
    "semantic_segmentation",
    "object_detection",
    "regression",
    "report_generation",
    "visual_question_answering",
];

const KINDS: &[&str] = &[
    "task_specific",
    "foundation_model",
    "vision_language_model",
    "llm",
    "commercial_product",
];

const COUNTRIES: &[&str] = &[
    "DE", "FR", "IT", "NL", "US", "GB", "JP", "BR", "IN", "KE", "CA",
];

const NOUNS: &[&str] = &[
    "lesion",
    "tumour",
    "nodule",
    "fracture",
    "haemorrhage",
    "stenosis",
    "segmentation",
    "biomarker",
    "cohort",
    "scanner",
    "protocol",
    "radiologist",
    "pathologist",
    "surgeon",
    "annotation",
    "reference standard",
    "follow-up",
    "screening",
    "biopsy",
    "contrast phase",
    "artefact",
    "slice",
    "volume",
    "margin",
    "metastasis",
    "inflammation",
    "perfusion",
    "calibration",
    "sensitivity",
    "specificity",
    "patient",
    "outcome",
    "treatment",
    "centre",
];

const VERBS: &[&str] = &[
    "detects",
    "measures",
    "predicts",
    "segments",
    "misses",
    "delays",
    "changes",
    "confirms",
    "guides",
    "improves",
    "reduces",
    "classifies",
    "localises",
    "quantifies",
    "separates",
];

const ADJECTIVES: &[&str] = &[
    "small",
    "early",
    "subtle",
    "rare",
    "incidental",
    "aggressive",
    "benign",
    "malignant",
    "paediatric",
    "elderly",
    "acute",
    "chronic",
    "multicentre",
    "prospective",
    "retrospective",
    "low-dose",
    "contrast-enhanced",
    "high-resolution",
    "routine",
    "difficult",
];

const CODE_LANGS: &[&str] = &["python", "bash", "json", "yaml", "r", "rust", "sql", "toml"];

/// A seeded source of words and numbers.
struct Gen(SplitMix64);

impl Gen {
    fn below(&mut self, n: usize) -> usize {
        self.0.below(n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn weighted<'a>(&mut self, xs: &'a [(&'a str, u64)]) -> &'a str {
        let total: u64 = xs.iter().map(|x| x.1).sum();
        let mut r = self.0.below(total);
        for (x, w) in xs {
            if r < *w {
                return x;
            }
            r -= w;
        }
        xs[0].0
    }
    fn sentence(&mut self, words: usize) -> String {
        let mut s = String::new();
        for i in 0..words {
            let w = match i % 4 {
                0 => *self.pick(ADJECTIVES),
                1 | 3 => *self.pick(NOUNS),
                _ => *self.pick(VERBS),
            };
            if i > 0 {
                s.push(' ');
            }
            s.push_str(w);
        }
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + c.as_str() + ".",
            None => s,
        }
    }
    fn paragraph(&mut self, sentences: usize) -> String {
        (0..sentences)
            .map(|_| {
                let n = 8 + self.below(10);
                self.sentence(n)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
    /// A date `days` after 2025-01-01 (no month is longer than 28 days here, so every date
    /// exists).
    fn date(days: usize) -> String {
        let (y, rest) = (2025 + days / 336, days % 336);
        format!("{y}-{:02}-{:02}", rest / 28 + 1, rest % 28 + 1)
    }
}

fn code_block(g: &mut Gen, lang: &str, task: usize) -> String {
    let v = g.below(1000);
    let body = match lang {
        "python" => format!(
            "import numpy as np\n\ndef score_case_{task}(pred, ref, spacing=({v}, 1.0, 1.0)):\n    \"\"\"Dice for one case.\"\"\"\n    inter = np.logical_and(pred, ref).sum()\n    return 2 * inter / (pred.sum() + ref.sum() + 1e-9)\n"
        ),
        "bash" => format!(
            "#!/usr/bin/env bash\nset -euo pipefail\nmedal-eval --task {task} --split test \\\n  --threads {} --out results-{v}.json\n",
            1 + v % 8
        ),
        "json" => format!(
            "{{\n  \"case\": \"case-{v:04}\",\n  \"task\": {task},\n  \"prediction\": [0.{v}, 0.{}],\n  \"valid\": true\n}}\n",
            999 - v
        ),
        "yaml" => format!(
            "submission:\n  task: {task}\n  container: registry.example.org/team/model:{v}\n  gpu: true\n  timeout_minutes: {}\n",
            30 + v % 90
        ),
        "r" => format!(
            "library(challengeR)\nres <- as.challenge(data_{task}, by = \"task\", algorithm = \"system\",\n                    case = \"case\", value = \"dsc\", smallBetter = FALSE)\nranking <- res %>% aggregateThenRank(FUN = mean, ties.method = \"min\")\nset.seed({v})\n"
        ),
        "rust" => format!(
            "fn dice(pred: &[bool], reference: &[bool]) -> f64 {{\n    let both = pred.iter().zip(reference).filter(|(p, r)| **p && **r).count();\n    let total = pred.iter().filter(|p| **p).count() + reference.iter().filter(|r| **r).count();\n    2.0 * both as f64 / total.max({}) as f64\n}}\n",
            1 + v % 3
        ),
        "sql" => format!(
            "SELECT case_id, AVG(dsc) AS mean_dsc\nFROM results_{task}\nWHERE split = 'test' AND centre <> 'C{v}'\nGROUP BY case_id\nORDER BY mean_dsc DESC;\n"
        ),
        _ => format!(
            "[evaluation]\ntask = {task}\nmetric = \"dsc\"\nbootstrap = {}\nseed = {v}\n",
            1000 + v
        ),
    };
    format!("```{lang}\n{body}```\n")
}

/// About 600 words of Markdown: headings, paragraphs, lists, a table and two code blocks.
fn description(g: &mut Gen, task: usize) -> String {
    let mut md = String::new();
    md.push_str("## Background\n\n");
    for _ in 0..3 {
        let n = 6 + g.below(3);
        md.push_str(&g.paragraph(n));
        md.push_str("\n\n");
    }
    md.push_str("## What the AI system must do\n\n");
    for _ in 0..4 + g.below(3) {
        let n = 8 + g.below(8);
        md.push_str(&format!("- {}\n", g.sentence(n)));
    }
    md.push_str("\n## Data\n\n| split | cases | centres | share female |\n|---|---:|---:|---:|\n");
    for split in ["train", "validation", "test"] {
        md.push_str(&format!(
            "| {split} | {} | {} | {:.2} |\n",
            50 + g.below(900),
            1 + g.below(9),
            0.3 + 0.4 * g.unit()
        ));
    }
    md.push_str("\n## Evaluation\n\n");
    let n = 4 + g.below(3);
    md.push_str(&g.paragraph(n));
    md.push_str("\n\n");
    let a = *g.pick(CODE_LANGS);
    md.push_str(&code_block(g, a, task));
    md.push('\n');
    let n = 3 + g.below(3);
    md.push_str(&g.paragraph(n));
    md.push_str("\n\n");
    let b = *g.pick(CODE_LANGS);
    md.push_str(&code_block(g, b, task));
    md.push_str("\n## Known limitations\n\n");
    for i in 1..=3 {
        let n = 10 + g.below(8);
        md.push_str(&format!("{i}. {}\n", g.sentence(n)));
    }
    md
}

fn yaml(v: &Value) -> String {
    serde_yaml::to_string(v).unwrap_or_default()
}

struct Writer<'a> {
    root: &'a Path,
    files: usize,
    bytes: u64,
}

impl Writer<'_> {
    fn write(&mut self, rel: &str, text: &str) -> Result<()> {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        self.files += 1;
        self.bytes += text.len() as u64;
        Ok(())
    }
}

/// Writes the corpus into `out`, which must not exist or be empty.
pub fn generate(out: &Path, opts: &CorpusOptions) -> Result<CorpusSummary> {
    if out.exists()
        && std::fs::read_dir(out)
            .map_err(|e| Error::io(out, e))?
            .next()
            .is_some()
    {
        return Err(Error::Config {
            path: out.to_path_buf(),
            message: "the corpus folder exists and is not empty; choose a new one".into(),
        });
    }
    let mut w = Writer {
        root: out,
        files: 0,
        bytes: 0,
    };
    let mut g = Gen(SplitMix64::new(opts.seed));
    let mut summary = CorpusSummary {
        tasks: opts.tasks,
        ..CorpusSummary::default()
    };

    w.write(
        "medal.toml",
        "title = \"MEDAL (generated corpus)\"\nbase_url = \"http://127.0.0.1:8000/\"\n\
         demo_notice = \"Generated benchmark corpus: every task, system and score is synthetic.\"\n",
    )?;

    // Systems: numbered, their skill rising with the number; two reference rows.
    let systems: Vec<Value> = (0..opts.systems.max(2))
        .map(|s| {
            json!({"id": format!("system-{s:03}"), "name": format!("System {s:03}"),
                   "kind": KINDS[s % KINDS.len()], "access": (["open", "limited", "closed"][s % 3])})
        })
        .chain([
            json!({"id": "human-readers", "name": "Human readers", "kind": "human_reader", "access": "closed"}),
            json!({"id": "prevalence-baseline", "name": "Prevalence baseline", "kind": "baseline", "access": "open"}),
        ])
        .collect();
    w.write(
        "data/systems.yaml",
        &yaml(&json!({"schema_version": "0.1", "systems": systems})),
    )?;

    for t in 0..opts.tasks {
        let id = format!("task-{t:05}");
        let status = g.weighted(STATUSES);
        let (modality, specialty, region) = *g.pick(MODALITIES);
        let category = *g.pick(CATEGORIES);
        let published = matches!(status, "selected" | "released" | "retired");
        if published {
            summary.published += 1;
        } else {
            summary.confidential += 1;
        }
        let start = g.below(400);
        let path: &[&str] = match status {
            "proposed" => &["proposed"],
            "under_review" => &["proposed", "under_review"],
            "revise_and_resubmit" => &["proposed", "under_review", "revise_and_resubmit"],
            "rejected" => &["proposed", "under_review", "rejected"],
            "selected" => &["proposed", "under_review", "selected"],
            "released" => &["proposed", "under_review", "selected", "released"],
            _ => &[
                "proposed",
                "under_review",
                "selected",
                "released",
                "retired",
            ],
        };
        let dates: Vec<String> = (0..path.len()).map(|i| Gen::date(start + 30 * i)).collect();
        let history: Vec<Value> = path
            .iter()
            .zip(&dates)
            .map(|(s, d)| json!({"date": d, "status": s}))
            .collect();
        let adj = *g.pick(ADJECTIVES);
        let noun = *g.pick(NOUNS);
        let title = format!("{} {noun} assessment on {modality} ({region}), task {t}", {
            let mut c = adj.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        });
        let metric_dir = if t % 5 == 4 {
            (
                "mae",
                "Mean absolute error",
                "lower_is_better",
                json!([0, 100]),
            )
        } else {
            (
                "dsc",
                "Dice similarity coefficient",
                "higher_is_better",
                json!([0, 1]),
            )
        };
        let method = [
            "aggregate_then_rank",
            "rank_then_aggregate",
            "test_then_rank",
        ][t % 3];
        let mut task = json!({
            "schema_version": "0.1",
            "id": id,
            "title": title,
            "status": status,
            "submitted": dates[0],
            "history": history,
            "summary": format!("{} {}", g.sentence(12), g.sentence(10)),
            "description": description(&mut g, t),
            "keywords": [modality, region, noun, adj, format!("corpus-{}", t % 50)],
            "contributors": [{
                "name": format!("Contributor {t}"),
                "affiliation": format!("Hospital {}", t % 97),
                "country": COUNTRIES[t % COUNTRIES.len()],
                "roles": ["clinical_lead", "data_provider"],
            }, {
                "name": format!("Methodologist {}", t % 31),
                "country": COUNTRIES[(t / 3) % COUNTRIES.len()],
                "roles": ["methodologist"],
            }],
            "clinical": {
                "specialty": [specialty],
                "field_of_application": ["diagnosis"],
                "clinical_question": format!("{}?", g.sentence(12).trim_end_matches('.')),
                "why_it_matters": g.paragraph(2),
                "target_cohort": g.sentence(10),
                "challenge_cohort": g.sentence(10),
            },
            "imaging": {
                "modalities": [modality],
                "body_region": [region],
                "countries": [COUNTRIES[t % COUNTRIES.len()]],
            },
            "task_definition": {
                "category": category,
                "case_definition": "One study of one patient at one time point.",
                "input": format!("{modality} study of the {region}"),
                "output": g.sentence(8),
            },
            "governance": {
                "ethics_approval": {"required": true, "body": format!("Ethics committee {}", t % 13)},
                "license": "CC-BY-4.0",
                "access": (["open", "registered", "controlled"][t % 3]),
            },
            "version": "1.0.0",
        });
        // Optional before selection, but proposals usually come with an evaluation plan.
        {
            task["evaluation"] = json!({
                "metrics": [
                    {"id": metric_dir.0, "name": metric_dir.1, "direction": metric_dir.2,
                     "level": "case", "range": metric_dir.3, "primary": true},
                    {"id": "auc", "name": "Area under the ROC curve", "direction": "higher_is_better",
                     "level": "dataset", "range": [0, 1]},
                ],
                "ranking": {"method": method, "bootstrap": {"n": opts.bootstrap, "ci": 0.95, "seed": t as u64 + 1}},
            });
        }
        w.write(&format!("content/tasks/{id}/task.yaml"), &yaml(&task))?;

        if published {
            w.write(
                &format!("content/tasks/{id}/datacard.yaml"),
                &yaml(&datacard(&mut g, &id, &dates[2], opts.cases)),
            )?;
        }
        let decision = match status {
            "rejected" => Some("rejected"),
            "revise_and_resubmit" => Some("revise_and_resubmit"),
            _ if published => Some("selected"),
            _ => None,
        };
        if let Some(decision) = decision {
            w.write(
                &format!("content/tasks/{id}/rationale.md"),
                &rationale(&mut g, &id, decision, &dates[dates.len().min(3) - 1], t),
            )?;
        }
        if matches!(status, "released" | "retired") {
            let lb = leaderboard(&mut g, &id, &dates[3], metric_dir.0, metric_dir.2, opts);
            w.write(&format!("data/leaderboards/{id}.json"), &lb)?;
            summary.leaderboards += 1;
        }
    }

    for (i, q) in ["2025-q4", "2026-q1", "2026-q2"].iter().enumerate() {
        let (start, end) = [
            ("2025-10-01", "2025-12-31"),
            ("2026-01-01", "2026-03-31"),
            ("2026-04-01", "2026-06-30"),
        ][i];
        let body = format!(
            "---\ntitle: \"Progress report {q}\"\nperiod: {{start: {start}, end: {end}}}\npublished: {end}\naudience: funders\n---\n\n## Highlights\n\n{}\n\n## Next steps\n\n{}\n",
            g.paragraph(6),
            g.paragraph(4)
        );
        w.write(&format!("content/reports/{q}.md"), &body)?;
    }
    for i in 0..6 {
        let body = format!(
            "---\ntitle: \"Corpus news {i}\"\ndate: {}\nsummary: \"{}\"\n---\n\n{}\n",
            Gen::date(30 * i + 10),
            g.sentence(8),
            g.paragraph(5)
        );
        w.write(&format!("content/news/news-{i}.md"), &body)?;
    }
    w.write(
        "content/pages/about.md",
        &format!(
            "---\ntitle: About\nmenu: 1\n---\n\n## About this corpus\n\n{}\n",
            g.paragraph(6)
        ),
    )?;

    summary.files = w.files;
    summary.bytes = w.bytes;
    Ok(summary)
}

fn datacard(g: &mut Gen, id: &str, published: &str, cases: usize) -> Value {
    let train = cases * 4;
    json!({
        "schema_version": "0.1",
        "dataset": {"name": format!("Dataset of {id}"), "version": "1.0.0", "date_published": published},
        "files": [{"id": "archive", "name": format!("{id}.tar"),
                   "url": format!("https://data.example.org/{id}/{id}.tar"), "format": "application/x-tar",
                   // Illustrative: the archive does not exist; a checksum keeps Croissant valid.
                   "sha256": blake3::hash(id.as_bytes()).to_hex().to_string()}],
        "composition": {
            "instance": "One study of one patient",
            "counts": {"patients": train + cases, "studies": train + cases},
            "splits": {"train": {"cases": train, "labels_public": true},
                       "test": {"cases": cases, "labels_public": false}},
            "demographics": {"sex": {"female": 0.5, "male": 0.5}},
        },
        "collection": {"design": "retrospective_consecutive", "inclusion_criteria": g.sentence(10)},
        "annotation": {"reference_standard": g.sentence(12), "annotations_per_item": 2},
        "uses": {"intended": [g.sentence(8)], "out_of_scope": [g.sentence(8)]},
        "risks": {"biases": [g.sentence(9)], "limitations": [g.sentence(9)]},
    })
}

fn rationale(g: &mut Gen, id: &str, decision: &str, date: &str, t: usize) -> String {
    let roles = [
        "clinician",
        "data_scientist",
        "patient_representative",
        "ai_researcher",
        "statistician",
    ];
    let panel: Vec<Value> = roles
        .iter()
        .enumerate()
        .map(|(i, r)| json!({"id": format!("P{}", i + 1), "role": r, "coi": "none"}))
        .collect();
    let criteria: Vec<Value> = [
        "clinical_importance",
        "unmet_need",
        "patient_relevance",
        "reference_standard_quality",
        "feasibility_legal_ethics",
    ]
    .iter()
    .map(|c| json!({"id": c, "score": 2 + g.below(4)}))
    .collect();
    let mut front = json!({
        "task": id,
        "round": format!("2026-r{}", 1 + t % 3),
        "meeting_date": date,
        "decision": decision,
        "panel": panel,
        "scale": {"min": 1, "max": 5},
        "criteria": criteria,
        "vote": {"for": 4, "against": 1, "abstain": 0},
    });
    if decision == "selected" {
        front["award"] = json!({"amount_eur": 10000 * (1 + t % 5), "status": if t.is_multiple_of(2) { "paid" } else { "committed" }});
    }
    format!(
        "---\n{}---\n\n## Summary\n\n{}\n\n## Patient perspective\n\n{}\n\n## Evaluation design\n\n{}\n",
        yaml(&front),
        g.paragraph(4),
        g.paragraph(3),
        g.paragraph(3)
    )
}

fn leaderboard(
    g: &mut Gen,
    id: &str,
    date: &str,
    metric: &str,
    direction: &str,
    opts: &CorpusOptions,
) -> String {
    let n_systems = opts.systems.max(2);
    let k = (5 + g.below(16)).min(n_systems);
    // A deterministic subset: every system once at most.
    let mut chosen: Vec<usize> = (0..n_systems).collect();
    for i in 0..k {
        let j = i + g.below(n_systems - i);
        chosen.swap(i, j);
    }
    chosen.truncate(k);
    chosen.sort_unstable();
    let hardness: Vec<f64> = (0..opts.cases).map(|_| g.unit() * 0.3).collect();
    let lower = direction == "lower_is_better";
    let entry = |g: &mut Gen, n: usize, system: String, skill: f64, reference: bool| {
        let values: Vec<Value> = hardness
            .iter()
            .map(|h| {
                if g.below(200) == 0 {
                    return Value::Null;
                }
                let v = (skill - h + 0.2 * (g.unit() - 0.5)).clamp(0.0, 1.0);
                let v = if lower { (1.0 - v) * 100.0 } else { v };
                json!((v * 1e4).round() / 1e4)
            })
            .collect();
        json!({"id": format!("e{n:04}"), "system": system, "submitted": date, "evaluated": date,
               "evaluation": "organizer_run", "training_regime": "trained_on_task_train",
               "reference_only": reference,
               "scores": {"auc": ((0.6 + 0.35 * skill) * 1e4).round() / 1e4},
               "per_case": {metric: values}})
    };
    let mut entries: Vec<Value> = chosen
        .iter()
        .enumerate()
        .map(|(n, &s)| {
            let skill = 0.55 + 0.35 * s as f64 / n_systems as f64;
            entry(g, n, format!("system-{s:03}"), skill, false)
        })
        .collect();
    entries.push(entry(g, k, "human-readers".into(), 0.7, true));
    entries.push(entry(g, k + 1, "prevalence-baseline".into(), 0.3, true));
    serde_json::to_string_pretty(&json!({
        "schema_version": "0.1", "task": id, "task_version": "1.0.0", "split": "test",
        "updated": date,
        "cases": (0..opts.cases).map(|c| format!("case-{c:04}")).collect::<Vec<_>>(),
        "entries": entries,
    }))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_corpus_passes_check_and_is_reproducible() {
        let opts = CorpusOptions {
            tasks: 40,
            systems: 12,
            cases: 30,
            seed: 5,
            bootstrap: 50,
        };
        let a = tempfile::tempdir().expect("tempdir");
        let s = generate(a.path(), &opts).expect("generates");
        assert_eq!(s.tasks, 40);
        assert!(s.confidential >= 5 && s.published >= 15, "{s:?}");
        assert!(s.leaderboards >= 5);
        let warnings = crate::check(a.path()).unwrap_or_else(|e| panic!("check fails: {e}"));
        assert!(
            warnings.is_empty(),
            "a generated corpus passes without warnings: {:?}",
            warnings.iter().map(|d| d.to_string()).collect::<Vec<_>>()
        );
        let b = tempfile::tempdir().expect("tempdir");
        generate(b.path(), &opts).expect("generates");
        for e in walkdir::WalkDir::new(a.path()).into_iter().flatten() {
            if e.file_type().is_file() {
                let rel = e.path().strip_prefix(a.path()).expect("inside");
                let other = std::fs::read(b.path().join(rel)).expect("same files");
                assert!(std::fs::read(e.path()).expect("read") == other, "{rel:?}");
            }
        }
        assert!(
            generate(a.path(), &opts).is_err(),
            "refuses a non-empty folder"
        );
    }
}
