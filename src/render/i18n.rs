//! Interface strings: the theme's catalogs (`i18n/<code>.toml`, flat keys), one per language of
//! the site. Templates read them as `tr.<key>`; vocabulary labels (`labels.status.released`) are
//! overridden by a catalog's `labels.<group>.<value>` keys.
//!
//! Strict, like Zola: every key a template uses, every key of the default language's catalog
//! and (for the other languages) every vocabulary label must be in each language's catalog; a
//! missing one is an error naming the key and the file to add it to.

use crate::config::Language;
use crate::error::{Diagnostic, Error, Result};
use crate::theme::Theme;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One language's interface strings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub code: String,
    pub strings: BTreeMap<String, String>,
}

impl Catalog {
    /// The strings as the templates' `tr`.
    pub fn to_value(&self) -> Value {
        Value::Object(
            self.strings
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        )
    }

    /// `labels` (group → value → label) with this catalog's `labels.<group>.<value>` strings.
    pub fn localize_labels(&self, labels: &Value) -> Value {
        let mut out = labels.clone();
        if let Value::Object(groups) = &mut out {
            for (group, values) in groups.iter_mut() {
                if let Value::Object(values) = values {
                    for (value, label) in values.iter_mut() {
                        if let Some(s) = self.strings.get(&format!("labels.{group}.{value}")) {
                            *label = Value::String(s.clone());
                        }
                    }
                }
            }
        }
        out
    }
}

/// Every `labels.<group>.<value>` key of `labels`.
pub fn label_keys(labels: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Value::Object(groups) = labels {
        for (group, values) in groups {
            if let Value::Object(values) = values {
                out.extend(values.keys().map(|v| format!("labels.{group}.{v}")));
            }
        }
    }
    out
}

/// The keys templates use: `tr.key` (a `tr` not preceded by a letter, digit, `_` or `.`).
pub fn used_keys<'a>(templates: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for text in templates {
        let b = text.as_bytes();
        let mut i = 0;
        while let Some(pos) = text[i..].find("tr.") {
            let at = i + pos;
            i = at + 3;
            let before = at.checked_sub(1).map(|j| b[j]);
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.') {
                continue;
            }
            let key: String = text[at + 3..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if key.starts_with(|c: char| c.is_ascii_lowercase()) {
                out.insert(key);
            }
        }
    }
    out
}

/// Where a curator adds a string of language `code`.
fn file_for(theme_name: &str, code: &str) -> String {
    format!("themes/{theme_name}/i18n/{code}.toml")
}

/// Line and column (1-based) of byte `at` in `text`.
fn line_col(text: &str, at: usize) -> (u32, u32) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line as u32, col as u32)
}

/// One catalog file: flat `key = "text"` pairs.
fn parse(origin: &str, text: &str, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, String> {
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let mut d = Diagnostic::new(origin, format!("not a valid TOML file: {}", e.message()))
                .hint("write one `key = \"text\"` per line; quote the text");
            if let Some(span) = e.span() {
                let (line, col) = line_col(text, span.start);
                d.line = Some(line);
                d.column = Some(col);
            }
            diags.push(d);
            return BTreeMap::new();
        }
    };
    let mut out = BTreeMap::new();
    flatten("", table, origin, &mut out, diags);
    out
}

/// Dotted keys (`labels.status.released = "…"`) are tables in TOML: flattened back.
fn flatten(
    prefix: &str,
    table: toml::Table,
    origin: &str,
    out: &mut BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) {
    for (key, value) in table {
        let key = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(s) => {
                out.insert(key, s);
            }
            toml::Value::Table(t) => flatten(&key, t, origin, out, diags),
            _ => diags.push(
                Diagnostic::new(origin, format!("`{key}` is not a text"))
                    .field(key.clone())
                    .hint("an interface string is `key = \"text\"`: quote it"),
            ),
        }
    }
}

/// The catalog of every language of the site (in the order of `languages`), or every problem.
pub fn load(
    theme: &Theme,
    theme_name: &str,
    languages: &[Language],
    labels: &Value,
) -> Result<Vec<Catalog>> {
    let mut diags = Vec::new();
    let catalogs: Vec<Catalog> = languages
        .iter()
        .map(|l| {
            let mut strings = BTreeMap::new();
            for (origin, text) in theme.catalogs.get(&l.code).into_iter().flatten() {
                strings.extend(parse(origin, text, &mut diags));
            }
            Catalog {
                code: l.code.clone(),
                strings,
            }
        })
        .collect();
    let used = used_keys(theme.templates.values().map(String::as_str));
    let english = catalogs.first().cloned().unwrap_or_default();
    let mut wanted: BTreeSet<String> = used.clone();
    wanted.extend(english.strings.keys().cloned());
    for (i, c) in catalogs.iter().enumerate() {
        let mut need = wanted.clone();
        if i > 0 {
            need.extend(label_keys(labels));
            need.extend(
                super::format::RUST_STRINGS
                    .iter()
                    .map(|(k, _)| k.to_string()),
            );
        }
        for key in need.difference(&c.strings.keys().cloned().collect()) {
            let in_default = english
                .strings
                .get(key)
                .map(|s| format!(" ({}: \"{s}\")", english.code))
                .or_else(|| {
                    super::format::RUST_STRINGS
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, e)| format!(" (en: \"{e}\")"))
                })
                .or_else(|| {
                    let mut parts = key.splitn(3, '.').skip(1);
                    let (g, v) = (parts.next()?, parts.next()?);
                    labels
                        .get(g)?
                        .get(v)?
                        .as_str()
                        .map(|s| format!(" (the built-in label: \"{s}\")"))
                })
                .unwrap_or_default();
            diags.push(
                Diagnostic::new(
                    file_for(theme_name, &c.code),
                    format!(
                        "the interface string `{key}` is missing for language `{}`",
                        c.code
                    ),
                )
                .field(key.clone())
                .hint(format!("add `{key} = \"…\"`{in_default}")),
            );
        }
    }
    if diags.is_empty() {
        Ok(catalogs)
    } else {
        Err(Error::Content(diags))
    }
}

/// The text fields of a task that a translation may give, as `task.<code>.yaml` names them.
pub const TASK_TEXT_FIELDS: &[&str] = &[
    "title",
    "acronym",
    "summary",
    "description",
    "keywords",
    "clinical.clinical_question",
    "clinical.why_it_matters",
    "clinical.target_cohort",
    "clinical.challenge_cohort",
    "clinical.human_baseline",
    "task_definition.case_definition",
    "task_definition.input",
    "task_definition.output",
];

/// A task folder as a page in language `code` shows it: the translated text fields in place,
/// and in `fallback` the fields (and `rationale`) still in the original language `original`.
pub fn localize_bundle(
    b: &crate::model::TaskBundle,
    code: &str,
    original: &str,
) -> crate::model::TaskBundle {
    let mut out = b.clone();
    out.translations.clear();
    let tr = b.translations.get(code);
    let t = tr.and_then(|t| t.task.as_ref());
    let task = &mut out.task;
    let mut missing: Vec<String> = Vec::new();
    let mut put = |name: &str, present: bool, value: Option<&String>, slot: &mut String| match value
    {
        Some(v) => *slot = v.clone(),
        None if present => missing.push(name.to_string()),
        None => {}
    };
    put(
        "title",
        true,
        t.and_then(|t| t.title.as_ref()),
        &mut task.title,
    );
    put(
        "summary",
        true,
        t.and_then(|t| t.summary.as_ref()),
        &mut task.summary,
    );
    let c = t.and_then(|t| t.clinical.as_ref());
    put(
        "clinical.clinical_question",
        true,
        c.and_then(|c| c.clinical_question.as_ref()),
        &mut task.clinical.clinical_question,
    );
    put(
        "clinical.why_it_matters",
        true,
        c.and_then(|c| c.why_it_matters.as_ref()),
        &mut task.clinical.why_it_matters,
    );
    put(
        "clinical.target_cohort",
        true,
        c.and_then(|c| c.target_cohort.as_ref()),
        &mut task.clinical.target_cohort,
    );
    put(
        "clinical.challenge_cohort",
        true,
        c.and_then(|c| c.challenge_cohort.as_ref()),
        &mut task.clinical.challenge_cohort,
    );
    let d = t.and_then(|t| t.task_definition.as_ref());
    put(
        "task_definition.case_definition",
        true,
        d.and_then(|d| d.case_definition.as_ref()),
        &mut task.task_definition.case_definition,
    );
    put(
        "task_definition.input",
        true,
        d.and_then(|d| d.input.as_ref()),
        &mut task.task_definition.input,
    );
    put(
        "task_definition.output",
        true,
        d.and_then(|d| d.output.as_ref()),
        &mut task.task_definition.output,
    );
    let mut optional = |name: &str, value: Option<&String>, slot: &mut Option<String>| match value {
        Some(v) => *slot = Some(v.clone()),
        None if slot.is_some() => missing.push(name.to_string()),
        None => {}
    };
    optional(
        "acronym",
        t.and_then(|t| t.acronym.as_ref()),
        &mut task.acronym,
    );
    optional(
        "description",
        t.and_then(|t| t.description.as_ref()),
        &mut task.description,
    );
    optional(
        "clinical.human_baseline",
        c.and_then(|c| c.human_baseline.as_ref()),
        &mut task.clinical.human_baseline,
    );
    match t.and_then(|t| t.keywords.as_ref()) {
        Some(k) => task.keywords = k.clone(),
        None if !task.keywords.is_empty() => missing.push("keywords".into()),
        None => {}
    }
    if let Some(r) = &mut out.rationale {
        match tr.and_then(|t| t.rationale.as_ref()) {
            Some(body) => r.body = body.clone(),
            None => missing.push("rationale".into()),
        }
    }
    out.fallback = (!missing.is_empty()).then(|| (original.to_string(), missing));
    out
}

fn localize_docs<M: Clone>(
    docs: &[crate::model::Doc<M>],
    code: &str,
    original: &str,
) -> Vec<crate::model::Doc<M>> {
    docs.iter()
        .map(|d| match d.translations.get(code) {
            Some(t) => crate::model::Doc {
                id: d.id.clone(),
                meta: t.meta.clone(),
                body: t.body.clone(),
                translations: Default::default(),
                fallback_lang: None,
            },
            None => crate::model::Doc {
                translations: Default::default(),
                fallback_lang: Some(original.to_string()),
                ..d.clone()
            },
        })
        .collect()
}

/// The portal as the pages of language `code` show it (see [`localize_bundle`]); reports,
/// news and pages without a translation keep their text and say which language it is in.
pub fn localize(portal: &crate::model::Portal, code: &str, original: &str) -> crate::model::Portal {
    let mut out = crate::model::Portal {
        tasks: Vec::new(),
        pages: localize_docs(&portal.pages, code, original),
        news: localize_docs(&portal.news, code, original),
        reports: localize_docs(&portal.reports, code, original),
        ..portal.clone()
    };
    out.tasks = portal
        .tasks
        .par_iter()
        .map(|b| {
            if b.task.status.is_published() {
                localize_bundle(b, code, original).into()
            } else if b.translations.is_empty() {
                b.clone()
            } else {
                // Confidential: counted in figures only; its translations go nowhere.
                let mut b = (**b).clone();
                b.translations.clear();
                b.into()
            }
        })
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(en: &str, de: Option<&str>, template: &str) -> Theme {
        let mut t = Theme::default();
        t.templates.insert("p.html".into(), template.into());
        t.catalogs.insert(
            "en".into(),
            vec![("built-in theme: i18n/en.toml".into(), en.into())],
        );
        if let Some(de) = de {
            t.catalogs.insert(
                "de".into(),
                vec![("themes/medal/i18n/de.toml".into(), de.into())],
            );
        }
        t
    }

    fn langs(codes: &[&str]) -> Vec<Language> {
        codes
            .iter()
            .enumerate()
            .map(|(i, c)| Language {
                code: c.to_string(),
                prefix: if i == 0 {
                    String::new()
                } else {
                    format!("{c}/")
                },
                config: crate::config::Config::default(),
            })
            .collect()
    }

    #[test]
    fn finds_the_keys_templates_use() {
        let keys = used_keys(["{{ tr.nav_tasks }} {{ site.tr.x }} {{ str.y }} {% if tr.a_b %}"]);
        assert_eq!(keys.into_iter().collect::<Vec<_>>(), ["a_b", "nav_tasks"]);
    }

    #[test]
    fn a_missing_key_names_the_key_and_the_file() {
        let labels = serde_json::json!({"status": {"released": "Released"}});
        let t = theme(
            "home = \"Home\"\nsearch = \"Search\"\n",
            Some("home = \"Startseite\"\nlabels.status.released = \"Veröffentlicht\"\n"),
            "{{ tr.home }} {{ tr.search }}",
        );
        let Err(Error::Content(d)) = load(&t, "medal", &langs(&["en", "de"]), &labels) else {
            panic!("should fail");
        };
        let search: Vec<&Diagnostic> = d
            .iter()
            .filter(|d| d.field.as_deref() == Some("search"))
            .collect();
        assert_eq!(search.len(), 1, "{d:#?}");
        assert_eq!(
            search[0].file.to_string_lossy(),
            "themes/medal/i18n/de.toml"
        );
        assert!(
            search[0]
                .message
                .contains("`search` is missing for language `de`")
        );
        assert!(
            search[0]
                .hint
                .as_deref()
                .unwrap_or("")
                .contains("en: \"Search\"")
        );
        assert!(!d.iter().any(|d| d.field.as_deref() == Some("home")));
        assert!(
            d.iter()
                .all(|d| d.file.to_string_lossy().ends_with("de.toml")),
            "English is complete"
        );
    }

    #[test]
    fn labels_are_required_in_other_languages_and_localized() {
        let labels = serde_json::json!({"status": {"released": "Released"}});
        let t = theme(
            "home = \"Home\"\n",
            Some("home = \"Startseite\"\n"),
            "{{ tr.home }}",
        );
        let Err(Error::Content(d)) = load(&t, "medal", &langs(&["en", "de"]), &labels) else {
            panic!("should fail");
        };
        assert!(
            d.iter()
                .any(|d| d.field.as_deref() == Some("labels.status.released"))
        );
        let rust: String = super::super::format::RUST_STRINGS
            .iter()
            .map(|(k, _)| format!("{k} = \"x\"\n"))
            .collect();
        let de = format!(
            "home = \"Startseite\"\n\"labels.status.released\" = \"Veröffentlicht\"\n{rust}"
        );
        let t = theme("home = \"Home\"\n", Some(&de), "{{ tr.home }}");
        let cs = load(&t, "medal", &langs(&["en", "de"]), &labels).unwrap();
        assert_eq!(
            cs[1].localize_labels(&labels)["status"]["released"],
            "Veröffentlicht"
        );
        assert_eq!(
            cs[0].localize_labels(&labels)["status"]["released"],
            "Released"
        );
    }

    #[test]
    fn a_broken_catalog_is_reported_at_its_line() {
        let t = theme("home = \"Home\"\nsearch = Search\n", None, "");
        let Err(Error::Content(d)) = load(&t, "medal", &langs(&["en"]), &Value::Null) else {
            panic!("should fail");
        };
        assert_eq!(d[0].line, Some(2), "{d:#?}");
    }
}
