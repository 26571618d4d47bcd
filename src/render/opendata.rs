//! Open data for researchers and funders: `/api/tasks.json` (an index of the published
//! tasks) with a full record per task (`/api/tasks/<id>.json`), `/api/systems.json`,
//! `/api/progress.json`, a Croissant 1.1 file per data card (`/tasks/<id>/croissant.json`),
//! the schema.org `Dataset` block of the data-card page, and JSON Schemas of every download
//! under `/schemas/`.
//!
//! Only published tasks reach these files; confidential proposals enter `progress.json` as
//! counts. Field names of `progress.json` are the contract of issue 7 (more may be added,
//! none renamed). Output is deterministic: ids order everything, dates come from content.

use super::api::num;
use super::views;
use crate::compute::{Computed, Stage};
use crate::model::*;
use crate::output::OutFile;
use rayon::prelude::*;
use serde_json::{Map, Value, json};

type Obj = Map<String, Value>;

/// Pretty JSON with `<`, `>` and `&` written as unicode escapes: the same data for every JSON
/// parser, and no markup from contributor text in the bytes, even if a file is ever served or
/// opened as HTML.
fn pretty(v: &Value) -> Vec<u8> {
    let mut s = escape_markup(&serde_json::to_string_pretty(v).unwrap_or_default());
    s.push('\n');
    s.into_bytes()
}

fn escape_markup(json: &str) -> String {
    // Byte by byte, copying the runs between escapes: `/api/tasks.json` is megabytes.
    let b = json.as_bytes();
    let mut out = String::with_capacity(json.len() + 64);
    let (mut last, mut i) = (0, 0);
    while i < b.len() {
        let escape = match (b[i], b.get(i + 1), b.get(i + 2)) {
            (b'<', ..) => Some(("\\u003c", 1)),
            (b'>', ..) => Some(("\\u003e", 1)),
            (b'&', ..) => Some(("\\u0026", 1)),
            // U+2028 and U+2029 in UTF-8.
            (0xE2, Some(0x80), Some(0xA8)) => Some(("\\u2028", 3)),
            (0xE2, Some(0x80), Some(0xA9)) => Some(("\\u2029", 3)),
            _ => None,
        };
        match escape {
            Some((with, len)) => {
                // `i` starts a character: an ASCII byte or a three-byte sequence.
                out.push_str(&json[last..i]);
                out.push_str(with);
                i += len;
                last = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&json[last..]);
    out
}

fn to_obj<T: serde::Serialize>(v: &T) -> Obj {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => Obj::new(),
    }
}

/// JSON for a `<script type="application/ld+json">` block: `<`, `>` and `&` escaped as JSON
/// unicode escapes, so contributor text such as `</script>` cannot end the block.
pub fn script_json(v: &Value) -> String {
    escape_markup(&serde_json::to_string(v).unwrap_or_default())
}

/// Every open-data file: the three API documents, a record per published task, the Croissant
/// files and the schemas of the downloads.
pub fn files(portal: &Portal, computed: &Computed, base_url: &str) -> Vec<OutFile> {
    let records = task_records(portal, computed, base_url);
    let mut out = vec![
        OutFile {
            path: "api/tasks.json".into(),
            bytes: pretty(&tasks_index(&records, computed)),
        },
        OutFile {
            path: "api/systems.json".into(),
            bytes: pretty(&systems(portal, computed, base_url)),
        },
        OutFile {
            path: "api/progress.json".into(),
            bytes: pretty(&progress(portal, computed)),
        },
    ];
    out.par_extend(records.par_iter().map(|(id, record)| OutFile {
        path: views::task_json_url(id),
        bytes: pretty(record),
    }));
    let published: Vec<&TaskBundle> = portal.published_tasks().collect();
    out.par_extend(published.par_iter().filter_map(|b| {
        let d = b.datacard.as_ref()?;
        Some(OutFile {
            path: views::croissant_url(b.task.id.as_str()),
            bytes: pretty(&croissant(&b.task, d, base_url)),
        })
    }));
    for (name, schema) in schemas(base_url) {
        out.push(OutFile {
            path: format!("schemas/{name}"),
            bytes: pretty(&schema),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// tasks.json and systems.json

fn published_sorted(portal: &Portal) -> Vec<&TaskBundle> {
    let mut v: Vec<&TaskBundle> = portal.published_tasks().collect();
    v.sort_by(|a, b| a.task.id.cmp(&b.task.id));
    v
}

/// The fields of a task's full record that its entry in `/api/tasks.json` keeps, at the same
/// paths (so `t["imaging"]["modalities"]` reads the same in both): what a list or a filter
/// needs. Everything else is in `/api/tasks/<id>.json`.
pub const INDEX_FIELDS: &[&[&str]] = &[
    &["schema_version"],
    &["id"],
    &["title"],
    &["acronym"],
    &["status"],
    &["submitted"],
    &["summary"],
    &["keywords"],
    &["clinical", "specialty"],
    &["clinical", "field_of_application"],
    &["imaging", "modalities"],
    &["imaging", "body_region"],
    &["imaging", "countries"],
    &["task_definition", "category"],
    &["governance", "license"],
    &["governance", "access"],
    &["version"],
    &["updated"],
    &["links"],
];

/// The keys of `links`, in a task's record and in its index entry alike.
const LINK_KEYS: &[&str] = &[
    "page",
    "task_json",
    "datacard",
    "croissant",
    "leaderboard_json",
    "leaderboard_csv",
];

/// `/api/tasks/<id>.json`: a published task with every field of its task.yaml (as in the
/// content format; the Markdown description as sanitized `description_html`), its newest
/// dated event (`updated`) and `links` to its pages and downloads (absolute URLs).
pub fn task_record(b: &TaskBundle, computed: &Computed, base_url: &str) -> Value {
    let id = b.task.id.as_str();
    let ranked = computed.rankings.contains_key(id);
    let abs = |rel: String| json!(format!("{base_url}{rel}"));
    let mut o = to_obj(&b.task);
    // Contributor Markdown is untrusted: published as sanitized HTML, like the page.
    o.remove("description");
    o.insert("updated".into(), json!(views::updated(&b.task)));
    o.insert(
        "description_html".into(),
        json!(
            b.task
                .description
                .as_deref()
                .map(|d| crate::markdown::render(d, crate::markdown::Placement::default()))
        ),
    );
    o.insert(
        "links".into(),
        json!({
            "page": abs(views::task_url(id)),
            "task_json": abs(views::task_json_url(id)),
            "datacard": b.datacard.as_ref().map(|_| abs(views::datacard_url(id))),
            "croissant": b.datacard.as_ref().map(|_| abs(views::croissant_url(id))),
            "leaderboard_json": ranked.then(|| abs(format!("tasks/{id}/leaderboard.json"))),
            "leaderboard_csv": ranked.then(|| abs(format!("tasks/{id}/leaderboard.csv"))),
        }),
    );
    Value::Object(o)
}

/// (id, record) of every published task, by id.
pub fn task_records(portal: &Portal, computed: &Computed, base_url: &str) -> Vec<(String, Value)> {
    published_sorted(portal)
        .into_par_iter()
        .map(|b| {
            (
                b.task.id.as_str().to_string(),
                task_record(b, computed, base_url),
            )
        })
        .collect()
}

/// The rests of the `paths` that start with key `k`.
fn below<'a>(paths: &[&'a [&'a str]], k: &str) -> Vec<&'a [&'a str]> {
    paths
        .iter()
        .filter(|p| p.first() == Some(&k))
        .map(|p| &p[1..])
        .collect()
}

/// The part of `v` at `paths` (each a path of object keys), in `v`'s key order.
pub fn project(v: &Value, paths: &[&[&str]]) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    let mut out = Obj::new();
    for (k, val) in m {
        let here = below(paths, k);
        if here.is_empty() {
            continue;
        }
        if here.iter().any(|p| p.is_empty()) {
            out.insert(k.clone(), val.clone());
        } else {
            out.insert(k.clone(), project(val, &here));
        }
    }
    Value::Object(out)
}

/// `/api/tasks.json`: an index of the published tasks, each entry its record cut down to
/// [`INDEX_FIELDS`].
fn tasks_index(records: &[(String, Value)], computed: &Computed) -> Value {
    let list: Vec<Value> = records
        .iter()
        .map(|(_, r)| project(r, INDEX_FIELDS))
        .collect();
    json!({
        "as_of": computed.as_of,
        "count": list.len(),
        "tasks": list,
    })
}

/// `/api/tasks.json` of a portal (see [`tasks_index`]).
pub fn tasks(portal: &Portal, computed: &Computed, base_url: &str) -> Value {
    tasks_index(&task_records(portal, computed, base_url), computed)
}

/// `/api/systems.json`: every registered system with the fields of systems.yaml, the published
/// tasks it has entries on, and a link to its page.
pub fn systems(portal: &Portal, computed: &Computed, base_url: &str) -> Value {
    let mut systems: Vec<&System> = portal.systems.iter().collect();
    systems.sort_by(|a, b| a.id.cmp(&b.id));
    let published: Vec<&TaskBundle> = published_sorted(portal);
    let list: Vec<Value> = systems
        .into_iter()
        .map(|s| {
            let tasks: Vec<&str> = published
                .iter()
                .filter(|b| computed.rankings.contains_key(b.task.id.as_str()))
                .filter(|b| {
                    portal
                        .leaderboard(b.task.id.as_str())
                        .is_some_and(|lb| lb.entries.iter().any(|e| e.system == s.id))
                })
                .map(|b| b.task.id.as_str())
                .collect();
            let mut o = to_obj(s);
            o.insert("tasks".into(), json!(tasks));
            o.insert(
                "links".into(),
                json!({"page": format!("{base_url}{}", views::system_url(s.id.as_str()))}),
            );
            Value::Object(o)
        })
        .collect();
    json!({
        "as_of": computed.as_of,
        "count": list.len(),
        "systems": list,
    })
}

// ---------------------------------------------------------------------------------------------
// progress.json

fn counts<K: AsRef<str>>(m: &std::collections::BTreeMap<K, usize>) -> Value {
    Value::Object(
        m.iter()
            .map(|(k, v)| (k.as_ref().to_string(), json!(v)))
            .collect(),
    )
}

/// `/api/progress.json`: the portal's figures as of the newest dated content.
pub fn progress(portal: &Portal, computed: &Computed) -> Value {
    let f = &computed.progress;
    // Every status, zero included, so the document has the same shape on every portal.
    let by_status: Obj = Status::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                json!(f.by_status.get(s.as_str()).copied().unwrap_or(0)),
            )
        })
        .collect();
    let funnel: Obj = Stage::ALL
        .iter()
        .map(|s| (s.key().to_string(), json!(f.funnel_count(*s))))
        .collect();
    let best: Vec<Value> = computed
        .best
        .iter()
        .map(|s| {
            json!({
                "task": s.task,
                "metric": s.metric,
                "direction": s.direction.as_str(),
                "points": s.points.iter().map(|p| json!({
                    "date": p.date,
                    "value": num(p.value),
                    "system": p.system,
                    "entry": p.entry,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let _ = portal;
    json!({
        "as_of": computed.as_of,
        "proposals": f.proposals,
        "by_status": by_status,
        "selected_total": f.selected_total,
        "released_total": f.released_total,
        "prize_committed_eur": num(f.prize_committed_eur),
        "prize_paid_eur": num(f.prize_paid_eur),
        "by_modality": counts(&f.by_modality),
        "by_specialty": counts(&f.by_specialty),
        "by_country": counts(&f.by_country),
        "systems_evaluated": f.systems_evaluated,
        "leaderboard_entries": f.leaderboard_entries,
        "funnel": funnel,
        "selected_by_modality": counts(&f.selected_by_modality),
        "selected_by_specialty": counts(&f.selected_by_specialty),
        "selected_by_country": counts(&f.selected_by_country),
        "best_score_over_time": best,
    })
}

// ---------------------------------------------------------------------------------------------
// Croissant and schema.org

/// A licence as a URL where it is one SPDX id, else the expression as text.
fn license_url(spdx: &str) -> String {
    if spdx
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c))
    {
        format!("https://spdx.org/licenses/{spdx}.html")
    } else {
        spdx.to_string()
    }
}

fn person(c: &Contributor) -> Value {
    let mut o = Obj::new();
    o.insert("@type".into(), json!("sc:Person"));
    o.insert("name".into(), json!(c.name));
    if let Some(orcid) = &c.orcid {
        o.insert("sameAs".into(), json!(orcid));
    }
    if let Some(aff) = &c.affiliation {
        let mut org = Obj::new();
        org.insert("@type".into(), json!("sc:Organization"));
        org.insert("name".into(), json!(aff));
        if let Some(ror) = &c.ror {
            org.insert("sameAs".into(), json!(ror));
        }
        o.insert("affiliation".into(), Value::Object(org));
    }
    Value::Object(o)
}

fn organization(o: &Organization) -> Value {
    let mut m = Obj::new();
    m.insert("@type".into(), json!("sc:Organization"));
    m.insert("name".into(), json!(o.name));
    if let Some(ror) = &o.ror {
        m.insert("sameAs".into(), json!(ror));
    }
    Value::Object(m)
}

/// The BibTeX of a task's dataset: the data card's own, else one made from the task.
pub fn dataset_bibtex(t: &Task, d: &DataCard, base_url: &str) -> String {
    if let Some(b) = &d.dataset.citation_bibtex {
        return b.clone();
    }
    super::citation::bibtex_misc(
        &format!("medal-{}-data", t.id),
        &d.dataset.name,
        &t.contributors
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        &d.dataset.date_published,
        &d.dataset.version.0,
        d.dataset.doi.as_deref(),
        &format!("{base_url}{}", views::datacard_url(t.id.as_str())),
        d.dataset.publisher.as_ref().map(|p| p.name.as_str()),
    )
}

fn data_type(kind: &str) -> &'static str {
    match kind.to_ascii_lowercase().as_str() {
        "integer" | "int" => "sc:Integer",
        "number" | "float" | "double" | "real" => "sc:Float",
        "boolean" | "bool" => "sc:Boolean",
        "date" => "sc:Date",
        "datetime" => "sc:DateTime",
        "url" => "sc:URL",
        _ => "sc:Text",
    }
}

fn nonempty(parts: &[Option<String>]) -> Option<String> {
    let v: Vec<&str> = parts
        .iter()
        .flatten()
        .map(String::as_str)
        .filter(|s| !s.trim().is_empty())
        .collect();
    (!v.is_empty()).then(|| v.join(" "))
}

/// The Croissant 1.1 document of a data card, with the RAI properties the card fills.
pub fn croissant(t: &Task, d: &DataCard, base_url: &str) -> Value {
    let id = t.id.as_str();
    let page = format!("{base_url}{}", views::datacard_url(id));
    let mut o = Obj::new();
    o.insert("@context".into(), croissant_context());
    o.insert("@type".into(), json!("sc:Dataset"));
    o.insert(
        "conformsTo".into(),
        json!("http://mlcommons.org/croissant/1.1"),
    );
    o.insert("name".into(), json!(d.dataset.name));
    o.insert(
        "description".into(),
        json!(format!(
            "{} Data of the MEDAL task \"{}\": {}",
            t.summary.trim(),
            t.title,
            d.composition.instance
        )),
    );
    o.insert(
        "url".into(),
        json!(d.dataset.url.clone().unwrap_or(page.clone())),
    );
    if let Some(doi) = &d.dataset.doi {
        o.insert("sameAs".into(), json!(doi));
    }
    o.insert("version".into(), json!(d.dataset.version.0));
    o.insert("datePublished".into(), json!(d.dataset.date_published));
    o.insert("license".into(), json!(license_url(&t.governance.license)));
    o.insert("citeAs".into(), json!(dataset_bibtex(t, d, base_url)));
    o.insert(
        "creator".into(),
        Value::Array(t.contributors.iter().map(person).collect()),
    );
    if let Some(p) = &d.dataset.publisher {
        o.insert("publisher".into(), organization(p));
    }
    o.insert("keywords".into(), json!(t.keywords));
    o.insert("isLiveDataset".into(), json!(false));
    o.insert(
        "isAccessibleForFree".into(),
        json!(t.governance.access == Access::Open),
    );

    // Resources
    let mut distribution: Vec<Value> = Vec::new();
    for f in &d.files {
        let mut m = Obj::new();
        m.insert("@type".into(), json!("cr:FileObject"));
        m.insert("@id".into(), json!(f.id));
        m.insert("name".into(), json!(f.name));
        if let Some(u) = f.url.as_ref().or(f.path.as_ref()) {
            m.insert("contentUrl".into(), json!(u));
        }
        m.insert("encodingFormat".into(), json!(f.format));
        if let Some(c) = &f.contained_in {
            m.insert("containedIn".into(), json!({"@id": c}));
        }
        if let Some(h) = &f.sha256 {
            m.insert("sha256".into(), json!(h));
        }
        if let Some(s) = &f.size {
            m.insert("contentSize".into(), json!(s.0));
        }
        distribution.push(Value::Object(m));
    }
    for fs in &d.filesets {
        distribution.push(json!({
            "@type": "cr:FileSet",
            "@id": fs.id,
            "name": fs.id,
            "containedIn": {"@id": fs.contained_in},
            "includes": fs.includes,
            "encodingFormat": fs.format,
        }));
    }
    o.insert("distribution".into(), Value::Array(distribution));

    // The card's fields describe the columns of its table file (the first CSV).
    let table = d
        .files
        .iter()
        .find(|f| f.format == "text/csv" || f.name.ends_with(".csv"));
    if let (Some(table), false) = (table, d.composition.fields.is_empty()) {
        let rs = "records";
        let fields: Vec<Value> = d
            .composition
            .fields
            .iter()
            .map(|f| {
                json!({
                    "@type": "cr:Field",
                    "@id": format!("{rs}/{}", f.name),
                    "name": f.name,
                    "description": f.description,
                    "dataType": data_type(&f.kind),
                    "source": {"fileObject": {"@id": table.id}, "extract": {"column": f.name}},
                })
            })
            .collect();
        o.insert(
            "recordSet".into(),
            json!([{
                "@type": "cr:RecordSet",
                "@id": rs,
                "name": rs,
                "description": format!("One record per {}", d.composition.instance),
                "field": fields,
            }]),
        );
    }

    // Responsible AI
    let c = &d.collection;
    let a = &d.annotation;
    let mut rai = |k: &str, v: Value| {
        let empty = v.is_null() || v.as_array().is_some_and(Vec::is_empty);
        if !empty {
            o.insert(format!("rai:{k}"), v);
        }
    };
    rai(
        "dataCollection",
        json!(nonempty(&[
            Some(format!("Design: {}.", c.design.replace('_', " "))),
            c.inclusion_criteria
                .as_ref()
                .map(|x| format!("Inclusion: {x}.")),
            c.exclusion_criteria
                .as_ref()
                .map(|x| format!("Exclusion: {x}.")),
            Some(format!("Cohort: {}.", t.clinical.challenge_cohort)),
        ])),
    );
    rai("dataCollectionType", json!(c.collection_types));
    rai(
        "dataCollectionMissingData",
        json!(d.composition.missing_data),
    );
    if let Some(tf) = c.timeframe.as_ref().or(t.imaging.timeframe.as_ref()) {
        rai(
            "dataCollectionTimeframe",
            json!([
                format!("{}T00:00:00", tf.start),
                format!("{}T00:00:00", tf.end)
            ]),
        );
    }
    if let Some(p) = &d.preprocessing {
        let mut steps = p.steps.clone();
        if let Some(x) = &p.deidentification {
            steps.push(format!("De-identification: {x}"));
        }
        rai("dataPreprocessingProtocol", json!(steps));
    }
    rai(
        "dataAnnotationProtocol",
        json!(nonempty(&[
            Some(format!("Reference standard: {}.", a.reference_standard)),
            a.merging.as_ref().map(|m| format!("Merging: {m}.")),
            a.protocol_url.as_ref().map(|u| format!("Protocol: {u}")),
        ])),
    );
    rai("dataAnnotationPlatform", json!(a.platform));
    rai(
        "dataAnnotationAnalysis",
        json!(
            a.inter_rater
                .as_ref()
                .map(|r| format!("Inter-rater agreement ({}): {}", r.metric, r.value.0))
        ),
    );
    rai(
        "annotationsPerItem",
        json!(a.annotations_per_item.as_ref().map(|x| x.0.clone())),
    );
    rai(
        "annotatorDemographics",
        json!(
            a.annotators
                .iter()
                .map(|x| {
                    let mut s = x.role.clone();
                    if let Some(n) = &x.count {
                        s = format!("{} × {s}", n.0);
                    }
                    if let Some(y) = &x.experience_years {
                        s.push_str(&format!(", {} years of experience", y.0));
                    }
                    s
                })
                .collect::<Vec<_>>()
        ),
    );
    let mut uses = d.uses.intended.clone();
    uses.extend(
        d.uses
            .out_of_scope
            .iter()
            .map(|u| format!("Out of scope: {u}")),
    );
    rai("dataUseCases", json!(uses));
    rai("dataBiases", json!(d.risks.biases));
    rai("dataLimitations", json!(d.risks.limitations));
    rai(
        "personalSensitiveInformation",
        json!(d.risks.personal_sensitive_information),
    );
    rai("dataSocialImpact", json!(t.clinical.why_it_matters));
    if let Some(m) = &d.maintenance {
        rai(
            "dataReleaseMaintenancePlan",
            json!(nonempty(&[
                m.update_policy.clone(),
                m.maintainer.as_ref().map(|x| format!("Maintainer: {x}.")),
                m.contact.as_ref().map(|x| format!("Contact: {x}.")),
            ])),
        );
    }
    Value::Object(o)
}

fn croissant_context() -> Value {
    json!({
        "@language": "en",
        "@vocab": "https://schema.org/",
        "arrayShape": "cr:arrayShape",
        "citeAs": "cr:citeAs",
        "column": "cr:column",
        "conformsTo": "dct:conformsTo",
        "containedIn": "cr:containedIn",
        "cr": "http://mlcommons.org/croissant/",
        "rai": "http://mlcommons.org/croissant/RAI/",
        "data": {"@id": "cr:data", "@type": "@json"},
        "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
        "dct": "http://purl.org/dc/terms/",
        "equivalentProperty": "cr:equivalentProperty",
        "examples": {"@id": "cr:examples", "@type": "@json"},
        "extract": "cr:extract",
        "field": "cr:field",
        "fileProperty": "cr:fileProperty",
        "fileObject": "cr:fileObject",
        "fileSet": "cr:fileSet",
        "format": "cr:format",
        "includes": "cr:includes",
        "isArray": "cr:isArray",
        "isLiveDataset": "cr:isLiveDataset",
        "jsonPath": "cr:jsonPath",
        "key": "cr:key",
        "md5": "cr:md5",
        "parentField": "cr:parentField",
        "path": "cr:path",
        "recordSet": "cr:recordSet",
        "references": "cr:references",
        "regex": "cr:regex",
        "repeated": "cr:repeated",
        "replace": "cr:replace",
        "samplingRate": "cr:samplingRate",
        "sc": "https://schema.org/",
        "separator": "cr:separator",
        "source": "cr:source",
        "subField": "cr:subField",
        "transform": "cr:transform"
    })
}

/// The schema.org `Dataset` of a data card, with the fields Google Dataset Search requires
/// (name, description) and recommends (url, identifier, creator, license, version, keywords,
/// temporal and spatial coverage, variables, distribution, citation, catalogue).
pub fn dataset_schema_org(t: &Task, d: &DataCard, site_title: &str, base_url: &str) -> Value {
    let id = t.id.as_str();
    let page = format!("{base_url}{}", views::datacard_url(id));
    let mut o = Obj::new();
    o.insert("@context".into(), json!("https://schema.org/"));
    o.insert("@type".into(), json!("Dataset"));
    o.insert("@id".into(), json!(page));
    o.insert("name".into(), json!(d.dataset.name));
    o.insert(
        "description".into(),
        json!(format!(
            "{} One item is: {}. Data of the MEDAL task \"{}\".",
            t.summary.trim(),
            d.composition.instance,
            t.title
        )),
    );
    o.insert("url".into(), json!(page));
    if let Some(a) = &t.acronym {
        o.insert("alternateName".into(), json!(a));
    }
    let mut ids = vec![json!(page)];
    if let Some(doi) = &d.dataset.doi {
        ids.insert(0, json!(doi));
        o.insert("sameAs".into(), json!(doi));
    }
    o.insert("identifier".into(), Value::Array(ids));
    o.insert("version".into(), json!(d.dataset.version.0));
    o.insert("datePublished".into(), json!(d.dataset.date_published));
    o.insert("license".into(), json!(license_url(&t.governance.license)));
    o.insert(
        "isAccessibleForFree".into(),
        json!(t.governance.access == Access::Open),
    );
    o.insert("keywords".into(), json!(t.keywords));
    let creators: Vec<Value> = t
        .contributors
        .iter()
        .map(|c| {
            let mut p = person(c);
            if let Value::Object(m) = &mut p {
                m.insert("@type".into(), json!("Person"));
                if let Some(Value::Object(a)) = m.get_mut("affiliation") {
                    a.insert("@type".into(), json!("Organization"));
                }
            }
            p
        })
        .collect();
    o.insert("creator".into(), Value::Array(creators));
    if let Some(p) = &d.dataset.publisher {
        let mut org = organization(p);
        if let Value::Object(m) = &mut org {
            m.insert("@type".into(), json!("Organization"));
        }
        o.insert("publisher".into(), org);
    }
    if let Some(tf) = d
        .collection
        .timeframe
        .as_ref()
        .or(t.imaging.timeframe.as_ref())
    {
        o.insert(
            "temporalCoverage".into(),
            json!(format!("{}/{}", tf.start, tf.end)),
        );
    }
    if !t.imaging.countries.is_empty() {
        o.insert(
            "spatialCoverage".into(),
            Value::Array(
                t.imaging
                    .countries
                    .iter()
                    .map(|c| json!({"@type": "Place", "name": c}))
                    .collect(),
            ),
        );
    }
    o.insert(
        "measurementTechnique".into(),
        json!(
            t.imaging
                .modalities
                .iter()
                .map(|m| m.label())
                .collect::<Vec<_>>()
        ),
    );
    if !d.composition.fields.is_empty() {
        o.insert(
            "variableMeasured".into(),
            Value::Array(
                d.composition
                    .fields
                    .iter()
                    .map(|f| json!({"@type": "PropertyValue", "name": f.name, "description": f.description}))
                    .collect(),
            ),
        );
    }
    let mut dist: Vec<Value> = vec![json!({
        "@type": "DataDownload",
        "encodingFormat": "application/ld+json",
        "contentUrl": format!("{base_url}{}", views::croissant_url(id)),
        "description": "Croissant 1.1 metadata",
    })];
    for f in d.files.iter().filter(|f| f.url.is_some()) {
        dist.push(json!({
            "@type": "DataDownload",
            "name": f.name,
            "encodingFormat": f.format,
            "contentUrl": f.url,
        }));
    }
    o.insert("distribution".into(), Value::Array(dist));
    o.insert("citation".into(), json!(dataset_bibtex(t, d, base_url)));
    o.insert(
        "includedInDataCatalog".into(),
        json!({"@type": "DataCatalog", "name": site_title, "url": base_url}),
    );
    o.insert(
        "isBasedOn".into(),
        json!(format!("{base_url}{}", views::task_url(id))),
    );
    Value::Object(o)
}

// ---------------------------------------------------------------------------------------------
// JSON Schemas of the downloads

/// (file name, schema) of every download. A task's record, the entries of the task index (the
/// record's schema cut down to [`INDEX_FIELDS`]) and `systems` reuse the content formats'
/// generated schemas (plus `links` and the other added fields), so they never drift.
pub fn schemas(base_url: &str) -> Vec<(&'static str, Value)> {
    let id = |name: &str| {
        if base_url.is_empty() {
            Value::Null
        } else {
            json!(format!("{base_url}schemas/{name}"))
        }
    };
    let with_meta = |name: &str, title: &str, mut v: Value| {
        if let Value::Object(m) = &mut v {
            m.insert(
                "$schema".into(),
                json!("https://json-schema.org/draft/2020-12/schema"),
            );
            if let Value::String(s) = id(name) {
                m.insert("$id".into(), json!(s));
            }
            m.insert("title".into(), json!(title));
        }
        v
    };
    let date = json!({"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"});
    let count_map =
        json!({"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}});
    let nat = json!({"type": "integer", "minimum": 0});
    let interval = json!({"type": ["array", "null"], "items": {"type": "number"}, "minItems": 2, "maxItems": 2});
    // `base` with a description (the same words as the /data/ page).
    let described = |base: &Value, text: &str| {
        let mut v = base.clone();
        if let Value::Object(m) = &mut v {
            m.insert("description".into(), json!(text));
        }
        v
    };
    let rank_interval = described(
        &interval,
        "Bootstrap interval [low, high] of the rank: the (1 - ci)/2 and (1 + ci)/2 quantiles (R's type 7) of the resampled ranks, so the ends can be fractional. Null without bootstrap.",
    );

    let progress = json!({
        "type": "object",
        "required": ["as_of", "proposals", "by_status", "selected_total", "released_total",
            "prize_committed_eur", "prize_paid_eur", "by_modality", "by_specialty", "by_country",
            "systems_evaluated", "leaderboard_entries"],
        "properties": {
            "as_of": {"anyOf": [date, {"type": "null"}]},
            "proposals": nat, "selected_total": nat, "released_total": nat,
            "systems_evaluated": nat, "leaderboard_entries": nat,
            "by_status": {
                "type": "object",
                "properties": Status::ALL.iter().map(|s| (s.as_str().to_string(), nat.clone())).collect::<Obj>(),
                "required": Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                "additionalProperties": false
            },
            "funnel": {
                "type": "object",
                "properties": Stage::ALL.iter().map(|s| (s.key().to_string(), nat.clone())).collect::<Obj>(),
                "required": Stage::ALL.iter().map(|s| s.key()).collect::<Vec<_>>(),
                "additionalProperties": false
            },
            "prize_committed_eur": {"type": "number", "minimum": 0},
            "prize_paid_eur": {"type": "number", "minimum": 0},
            "by_modality": {"type": "object", "propertyNames": {"enum": Modality::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>()}, "additionalProperties": {"type": "integer", "minimum": 0}},
            "by_specialty": {"type": "object", "propertyNames": {"enum": Specialty::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>()}, "additionalProperties": {"type": "integer", "minimum": 0}},
            "by_country": {"type": "object", "propertyNames": {"pattern": "^[A-Z]{2}$"}, "additionalProperties": {"type": "integer", "minimum": 0}},
            "selected_by_modality": count_map, "selected_by_specialty": count_map, "selected_by_country": count_map,
            "best_score_over_time": {"type": "array", "items": {
                "type": "object",
                "required": ["task", "metric", "direction", "points"],
                "properties": {
                    "task": {"type": "string"}, "metric": {"type": "string"},
                    "direction": {"enum": ["higher_is_better", "lower_is_better"]},
                    "points": {"type": "array", "items": {
                        "type": "object",
                        "required": ["date", "value", "system", "entry"],
                        "properties": {"date": date, "value": {"type": "number"}, "system": {"type": "string"}, "entry": {"type": "string"}}
                    }}
                }
            }}
        }
    });

    let rankings = json!({
        "type": "object",
        "required": ["tasks", "entries"],
        "properties": {
            "tasks": described(&nat, "Number of released tasks the consensus is over."),
            "task_ids": {"type": "array", "items": {"type": "string"}, "description": "Ids of those tasks."},
            "bootstrap_samples": described(&nat, "Resamples behind the rank intervals: the smallest sample count among the tasks with a bootstrap (sample b takes every task's resampled ranking b); 0 when no task has one."),
            "ci": {"type": ["number", "null"], "description": "Level of the rank intervals (the smallest of the tasks' levels); null without bootstrap."},
            "entries": {"type": "array", "items": {
                "type": "object",
                "required": ["system", "rank", "mean_rank", "rank_ci", "tasks"],
                "properties": {
                    "system": {"type": "string", "description": "System id (see /api/systems.json)."},
                    "rank": {"type": "number", "description": "Consensus rank (ties: min)."},
                    "mean_rank": {"type": "number", "description": "Mean rank over the tasks, a task the system did not take part in counting as ranked last; the consensus orders by it."},
                    "rank_ci": rank_interval,
                    "tie_group": {"type": ["integer", "null"], "minimum": 1, "description": "1: the leader and every system whose interval overlaps its interval; then 2, 3, ... among the rest. A tie with the top only where group 1 has two or more members. Null without bootstrap."},
                    "tasks": described(&nat, "Tasks the system was ranked on."),
                    "task_ranks": {"type": "object", "additionalProperties": {"type": ["number", "null"]}, "description": "Task id -> the system's best rank there (null: did not take part)."}
                }
            }}
        }
    });

    let entry = json!({
        "type": "object",
        "required": ["entry", "system", "reference_only", "rank", "median_rank", "rank_ci", "tie_group", "missing_cases", "scores"],
        "properties": {
            "entry": {"type": "string", "description": "Entry id."},
            "system": {"type": "string", "description": "System id (see /api/systems.json)."},
            "system_version": {"type": ["string", "null"], "description": "Version of the system; tells two entries of one system apart."},
            "reference_only": {"type": "boolean", "description": "Human readers and baselines: shown, not ranked (rank null)."},
            "rank": {"type": ["number", "null"], "description": "The rank under the task's method and tie rule (1 is best)."},
            "median_rank": {"type": ["number", "null"], "description": "Median rank over the bootstrap resamples; can be fractional."},
            "rank_ci": rank_interval,
            "rank_distribution": {"type": "array", "items": nat, "description": "How many resamples gave rank 1, 2, 3, ..."},
            "tie_group": {"type": ["integer", "null"], "minimum": 1, "description": "1: the best-ranked entry and every entry whose rank interval overlaps its interval; then 2, 3, ... among the rest. A tie with the top only where group 1 has two or more members; a leader alone in it is the clear leader. Null without bootstrap and for reference entries."},
            "missing_cases": described(&nat, "Test cases without a result, handled by the missing-case policy."),
            "ranking_score": {"type": ["number", "null"], "description": "The value the ranking orders by: aggregate_then_rank, the aggregate of the ranking metric (in its direction); rank_then_aggregate, the aggregate of the entry's per-case ranks (lower is better); test_then_rank, the share of the other ranked entries it beats in a one-sided paired Wilcoxon test at alpha (higher is better). Null for reference entries."},
            "scores": {"type": "object", "description": "Metric id -> aggregate score with its bootstrap interval.", "additionalProperties": {
                "type": "object", "required": ["value", "ci"],
                "properties": {"value": {"type": ["number", "null"]}, "ci": interval}
            }},
            "submitted": {"type": ["string", "null"], "format": "date", "description": "Date the results were submitted."},
            "evaluated": {"type": ["string", "null"], "format": "date", "description": "Date they were evaluated; a release made for a past date keeps the entries evaluated (else submitted) on or before it."},
            "evaluation": {"type": "string", "enum": ["organizer_run", "organizer_verified", "self_reported"], "description": "Who ran the evaluation."},
            "training_regime": {"type": "string", "description": "How the system was trained for the task (the content format's vocabulary)."},
            "external_data": {"type": ["boolean", "null"], "description": "Whether data beyond the task's training split was used; null: unknown or not applicable."},
            "per_case": {"type": "boolean", "description": "Whether the entry has per-case values of the ranking metric (without them, no uncertainty analysis is possible for the task)."}
        }
    });
    let leaderboard = json!({
        "type": "object",
        "required": ["task", "method", "metric", "bootstrap_samples", "alpha", "kendall_tau", "significant_pairs", "entries"],
        "properties": {
            "task": {"type": "string"},
            "cases": {"type": "integer", "minimum": 0, "description": "Test cases of the leaderboard."},
            "task_version": {"type": "string"},
            "split": {"type": "string"},
            "updated": date,
            "method": {"enum": RankingMethod::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>(), "description": "challengeR's ranking scheme."},
            "metric": {"type": "string"},
            "direction": {"enum": ["higher_is_better", "lower_is_better"]},
            "aggregation": {"type": "string"},
            "ties": {"type": "string"},
            "missing_case_policy": {"type": "string"},
            "cases_used": described(&nat, "Test cases that entered the ranking."),
            "bootstrap_samples": described(&nat, "Resamples of the test cases (0: no uncertainty could be computed)."),
            "ci": {"type": ["number", "null"], "description": "Level of the bootstrap intervals; null without bootstrap."},
            "alpha": {"type": ["number", "null"], "description": "Significance level of the tests."},
            "kendall_tau": {"anyOf": [{"type": "null"}, {
                "type": "object", "required": ["median", "ci"],
                "properties": {"median": {"type": "number"}, "ci": interval}
            }]},
            "significant_pairs": {"type": "array", "items": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2}, "uniqueItems": true, "description": "[better, worse] pairs of distinct system ids, each once: an entry of the first is significantly better than an entry of the second (one-sided paired Wilcoxon signed-rank test, Holm-adjusted at alpha)."},
            "significant_entry_pairs": {"type": "array", "items": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2}, "description": "Every significant [better, worse] pair of entry ids, versions of one system included."},
            "entries": {"type": "array", "items": entry}
        }
    });

    let links = |keys: &[&str]| {
        json!({
            "type": "object",
            "required": keys,
            "properties": keys.iter().map(|k| (k.to_string(), json!({"type": ["string", "null"], "format": "uri"}))).collect::<Obj>(),
            "additionalProperties": false
        })
    };
    // A task's record (`/api/tasks/<id>.json`) and its entry in the index (`/api/tasks.json`):
    // the record cut down to INDEX_FIELDS, so the entry's schema is cut from the record's.
    let (record, mut task_defs) = item_schema::<Task>(&[
        (
            "updated",
            described(
                &date,
                "The task's newest dated event: its submission or its latest status change.",
            ),
        ),
        (
            "description_html",
            json!({"type": ["string", "null"], "description": "The Markdown description rendered and sanitized as on the task page."}),
        ),
        ("links", links(LINK_KEYS)),
    ]);
    let mut task = record.clone();
    if let Value::Object(m) = &mut task {
        m.insert("$defs".into(), Value::Object(task_defs.clone()));
    }
    let mut summary = project_schema(&record, &task_defs, INDEX_FIELDS);
    if let Value::Object(m) = &mut summary {
        m.insert("description".into(), json!("A published task as listed in the index: its record (/api/tasks/<id>.json, links.task_json) cut down to these fields."));
    }
    task_defs.insert("TaskSummary".into(), summary);
    let tasks = json!({
        "type": "object",
        "required": ["as_of", "count", "tasks"],
        "properties": {
            "as_of": {"type": ["string", "null"]},
            "count": {"type": "integer", "minimum": 0},
            "tasks": {"type": "array", "items": {"$ref": "#/$defs/TaskSummary"}}
        },
        "$defs": task_defs
    });
    let systems = list_schema::<System>(
        "systems",
        "RegisteredSystem",
        &[
            (
                "tasks",
                json!({"type": "array", "items": {"type": "string"}}),
            ),
            ("links", links(&["page"])),
        ],
    );

    let nullable = |t: &str| json!({"type": [t, "null"]});
    let releases = json!({
        "type": "object",
        "required": ["releases"],
        "properties": {"releases": {"type": "array", "description": "Newest first.", "items": {
            "type": "object",
            "required": ["version", "date", "as_of", "title", "doi", "reconstructed", "url", "tasks", "systems", "entries", "errata"],
            "properties": {
                "version": {"type": "string", "pattern": "^[0-9]{4}\\.[1-9][0-9]{0,3}$", "description": "Calendar version YYYY.N."},
                "date": described(&date, "The release date."),
                "as_of": described(&date, "The date whose state the release froze."),
                "title": nullable("string"),
                "doi": nullable("string"),
                "reconstructed": {"type": "boolean", "description": "Made after the fact for a past as_of."},
                "url": {"type": "string", "format": "uri"},
                "archive_url": {"type": "string", "format": "uri"},
                "tasks": nat, "systems": nat, "entries": nat, "errata": nat
            },
            "additionalProperties": false
        }}},
        "additionalProperties": false
    });
    vec![
        (
            "api-releases.schema.json",
            with_meta(
                "api-releases.schema.json",
                "MEDAL /api/releases.json",
                releases,
            ),
        ),
        (
            "api-progress.schema.json",
            with_meta(
                "api-progress.schema.json",
                "MEDAL /api/progress.json",
                progress,
            ),
        ),
        (
            "api-rankings.schema.json",
            with_meta(
                "api-rankings.schema.json",
                "MEDAL /api/rankings.json",
                rankings,
            ),
        ),
        (
            "api-tasks.schema.json",
            with_meta("api-tasks.schema.json", "MEDAL /api/tasks.json", tasks),
        ),
        (
            "api-task.schema.json",
            with_meta("api-task.schema.json", "MEDAL /api/tasks/<id>.json", task),
        ),
        (
            "api-systems.schema.json",
            with_meta(
                "api-systems.schema.json",
                "MEDAL /api/systems.json",
                systems,
            ),
        ),
        (
            "api-leaderboard.schema.json",
            with_meta(
                "api-leaderboard.schema.json",
                "MEDAL /tasks/<id>/leaderboard.json",
                leaderboard,
            ),
        ),
    ]
}

/// T's generated schema with the `extra` fields added (required), and its `$defs` apart.
fn item_schema<T: schemars::JsonSchema>(extra: &[(&str, Value)]) -> (Value, Obj) {
    let root = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    let mut root = serde_json::to_value(&root).unwrap_or_default();
    let defs = root
        .as_object_mut()
        .and_then(|m| m.remove("$defs"))
        .and_then(|d| match d {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default();
    if let Value::Object(m) = &mut root {
        m.remove("$schema");
        m.remove("title");
        if let Some(Value::Object(props)) = m.get_mut("properties") {
            for (k, v) in extra {
                props.insert(k.to_string(), v.clone());
            }
        }
        if let Some(Value::Array(req)) = m.get_mut("required") {
            req.extend(extra.iter().map(|(k, _)| json!(k)));
        }
    }
    (root, defs)
}

/// `{as_of, count, <key>: [T + extra fields]}`, with T's generated schema as the item type.
fn list_schema<T: schemars::JsonSchema>(key: &str, item: &str, extra: &[(&str, Value)]) -> Value {
    let (root, mut defs) = item_schema::<T>(extra);
    defs.insert(item.to_string(), root);
    json!({
        "type": "object",
        "required": ["as_of", "count", key],
        "properties": {
            "as_of": {"type": ["string", "null"]},
            "count": {"type": "integer", "minimum": 0},
            key: {"type": "array", "items": {"$ref": format!("#/$defs/{item}")}}
        },
        "$defs": defs
    })
}

/// The schema of [`project`]`(v, paths)` for a `v` of `schema`: an object of the kept
/// properties (nested objects, `$ref`s to `defs` included, cut down the same way), required
/// where they were, nothing else allowed.
fn project_schema(schema: &Value, defs: &Obj, paths: &[&[&str]]) -> Value {
    let resolved = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        .and_then(|name| defs.get(name))
        .unwrap_or(schema);
    let Some(props) = resolved.get("properties").and_then(Value::as_object) else {
        return schema.clone();
    };
    let required: Vec<&str> = resolved
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut kept = Obj::new();
    let mut kept_required: Vec<&str> = Vec::new();
    for (k, sub) in props {
        let here = below(paths, k);
        if here.is_empty() {
            continue;
        }
        let v = if here.iter().any(|p| p.is_empty()) {
            sub.clone()
        } else {
            project_schema(sub, defs, &here)
        };
        kept.insert(k.clone(), v);
        if required.contains(&k.as_str()) {
            kept_required.push(k);
        }
    }
    let mut o = Obj::new();
    if let Some(d) = schema.get("description") {
        o.insert("description".into(), d.clone());
    }
    o.insert("type".into(), json!("object"));
    o.insert("properties".into(), Value::Object(kept));
    o.insert("required".into(), json!(kept_required));
    o.insert("additionalProperties".into(), json!(false));
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_nothing_else_changes() {
        let json = "{\"t\":\"a<b>&c \u{2028}\u{2029} é € \u{2027}\u{202A} </script>\"}";
        let want: String = json
            .chars()
            .map(|c| match c {
                '<' => "\\u003c".to_string(),
                '>' => "\\u003e".to_string(),
                '&' => "\\u0026".to_string(),
                '\u{2028}' => "\\u2028".to_string(),
                '\u{2029}' => "\\u2029".to_string(),
                c => c.to_string(),
            })
            .collect();
        assert_eq!(escape_markup(json), want);
        assert!(!escape_markup(json).contains('<'));
        assert_eq!(escape_markup(""), "");
        assert_eq!(escape_markup("\u{2028}"), "\\u2028");
    }

    #[test]
    fn script_json_cannot_end_its_block() {
        let v = json!({"name": "</script><script>alert(1)</script> & more"});
        let s = script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v, "still the same JSON");
    }

    #[test]
    fn projection_keeps_the_listed_paths_in_the_record_order() {
        let v = json!({"b": 1, "a": {"x": 1, "y": [2], "z": 3}, "c": {"k": 1}, "d": null});
        let p = project(&v, &[&["a", "z"], &["a", "x"], &["b"], &["d"], &["e"]]);
        assert_eq!(p, json!({"b": 1, "a": {"x": 1, "z": 3}, "d": null}));
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"b":1,"a":{"x":1,"z":3},"d":null}"#
        );
    }

    /// Every field the index keeps is in the entry schema, at its path: renaming a field of
    /// task.yaml cannot silently drop it from the index.
    #[test]
    fn the_index_entry_schema_has_every_index_field() {
        let all = schemas("");
        let tasks = &all
            .iter()
            .find(|(n, _)| *n == "api-tasks.schema.json")
            .unwrap()
            .1;
        let entry = &tasks["$defs"]["TaskSummary"];
        for path in INDEX_FIELDS {
            let mut at = entry;
            for k in *path {
                at = &at["properties"][*k];
                assert!(!at.is_null(), "{path:?} is not in the entry schema");
            }
        }
        assert_eq!(entry["additionalProperties"], false);
        assert_eq!(
            entry["properties"]["imaging"]["additionalProperties"],
            false
        );
        let required = entry["required"].as_array().unwrap();
        for k in ["id", "title", "status", "links", "updated"] {
            assert!(required.contains(&json!(k)), "{k} is required");
        }
        assert!(!required.contains(&json!("acronym")));
        let record = &all
            .iter()
            .find(|(n, _)| *n == "api-task.schema.json")
            .unwrap()
            .1;
        assert!(record["properties"]["contributors"].is_object());
        assert!(record["properties"]["links"]["properties"]["task_json"].is_object());
    }

    #[test]
    fn licences_become_spdx_urls_when_they_are_one_id() {
        assert_eq!(
            license_url("CC-BY-4.0"),
            "https://spdx.org/licenses/CC-BY-4.0.html"
        );
        assert_eq!(license_url("MIT OR Apache-2.0"), "MIT OR Apache-2.0");
    }
}
