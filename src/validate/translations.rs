//! Translations (`<id>.<code>.md`, `task.<code>.yaml`, `rationale.<code>.md`): in a language
//! of the site, and a Markdown translation keeps the original's non-text front matter (dates,
//! period, menu, role) as it is.

use super::Validator;
use crate::model::*;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::PathBuf;

pub(super) fn check(v: &mut Validator, portal: &Portal) {
    let languages: BTreeSet<String> = crate::config::Config::load(v.root)
        .map(|c| c.languages.keys().cloned().collect())
        .unwrap_or_default();
    let unknown = |v: &mut Validator, file: PathBuf, code: &str| {
        if !languages.contains(code) {
            v.warning(
                &file,
                "",
                format!("`{code}` is not a language of the site, so this translation is not shown"),
                format!("add `[languages.{code}]` to medal.toml, or remove the file"),
            );
        }
    };
    for b in &portal.tasks {
        let dir = PathBuf::from(format!("content/tasks/{}", b.task.id));
        for (code, t) in &b.translations {
            if t.task.is_some() {
                unknown(v, dir.join(format!("task.{code}.yaml")), code);
            }
            if t.rationale.is_some() {
                unknown(v, dir.join(format!("rationale.{code}.md")), code);
                if b.rationale.is_none() {
                    v.error(
                        &dir.join(format!("rationale.{code}.md")),
                        "",
                        "a translation of rationale.md, which does not exist",
                        "add the original rationale.md, or remove the translation",
                    );
                }
            }
        }
    }
    docs(v, "content/pages", &portal.pages, &unknown);
    docs(v, "content/news", &portal.news, &unknown);
    docs(v, "content/reports", &portal.reports, &unknown);
}

/// A non-text front matter value as a translation must keep it: a video's captions are text,
/// so a translation may bring captions in its own language (`welcome.de.vtt`).
fn comparable(key: &str, value: Option<&serde_json::Value>) -> Option<serde_json::Value> {
    let mut value = value.cloned()?;
    if key == "video"
        && let Some(v) = value.as_object_mut()
    {
        v.remove("captions");
    }
    Some(value)
}

fn docs<M: Serialize>(
    v: &mut Validator,
    dir: &str,
    list: &[Doc<M>],
    unknown: &dyn Fn(&mut Validator, PathBuf, &str),
) {
    for d in list {
        let original = serde_json::to_value(&d.meta).unwrap_or_default();
        for (code, t) in &d.translations {
            let file = PathBuf::from(format!("{dir}/{}.{code}.md", d.id));
            unknown(v, file.clone(), code);
            let translated = serde_json::to_value(&t.meta).unwrap_or_default();
            for key in NON_TEXT_FRONT_MATTER {
                let (a, b) = (
                    comparable(key, original.get(*key)),
                    comparable(key, translated.get(*key)),
                );
                let (a, b) = (a.as_ref(), b.as_ref());
                if a != b {
                    let show = |x: Option<&serde_json::Value>| {
                        x.filter(|x| !x.is_null())
                            .map_or("nothing".to_string(), |x| x.to_string())
                    };
                    v.error(
                        &file,
                        key,
                        format!("`{key}` is {} here but {} in {}.md", show(b), show(a), d.id),
                        format!(
                            "a translation keeps the original's {key}: copy it from {}.md",
                            d.id
                        ),
                    );
                }
            }
        }
    }
}
