//! Every structural mistake of a file at once.
//!
//! serde stops at the first unknown field, unknown value or wrong type, so a curator with three
//! typos would need three runs. When the typed parse fails, the loader parses the file into a
//! plain YAML or JSON value instead and walks it against the JSON Schema that
//! [`crate::schema`] generates from the same model types, collecting every unknown field,
//! unknown value, wrong type, missing field and bad date or id with its field path.
//!
//! The walk checks only what the typed parse itself refuses (not the format's softer limits,
//! which validation reports), and leaves anything it cannot judge to the typed parse, whose
//! error is reported when the walk finds nothing.

use crate::model::{Date, Slug};
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value as Json;
use std::borrow::Cow;

/// At most this many problems per file: a leaderboard of text where numbers belong would
/// otherwise list thousands.
pub const LIMIT: usize = 50;

/// One structural mistake, at the field path `path` (`clinical.specialty[0]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: String,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A field the format does not have; `allowed` are the fields of its section.
    UnknownField {
        allowed: Vec<String>,
    },
    /// A value outside a closed vocabulary.
    UnknownValue {
        got: String,
        allowed: Vec<String>,
    },
    /// A required field that is absent (its path is where it belongs).
    Missing,
    /// A value of the wrong kind: `expected` and `found` are readable phrases.
    WrongType {
        expected: &'static str,
        found: String,
        /// The value as written, when it is a scalar (to place the caret).
        got: Option<String>,
    },
    BadDate(String),
    BadId(String),
}

impl Problem {
    /// The offending value as written, if it is a scalar.
    pub fn got(&self) -> Option<&str> {
        match &self.kind {
            Kind::UnknownValue { got, .. } | Kind::BadDate(got) | Kind::BadId(got) => Some(got),
            Kind::WrongType { got, .. } => got.as_deref(),
            _ => None,
        }
    }
}

/// A parsed value as the walk sees it: YAML and JSON alike.
pub enum View<'a, T> {
    Null,
    Bool(bool),
    Number {
        text: String,
        integer: bool,
        negative: bool,
    },
    Str(&'a str),
    Seq(&'a [T]),
    Map(Vec<(Cow<'a, str>, &'a T)>),
    /// Something the walk does not judge (a YAML tag).
    Other,
}

pub trait Tree: Sized {
    fn view(&self) -> View<'_, Self>;
}

impl Tree for serde_yaml::Value {
    fn view(&self) -> View<'_, Self> {
        use serde_yaml::Value as Y;
        match self {
            Y::Null => View::Null,
            Y::Bool(b) => View::Bool(*b),
            Y::Number(n) => View::Number {
                text: n.to_string(),
                integer: n.is_i64() || n.is_u64(),
                negative: n.as_i64().is_some_and(|i| i < 0) || n.as_f64().is_some_and(|f| f < 0.0),
            },
            Y::String(s) => View::Str(s),
            Y::Sequence(items) => View::Seq(items),
            Y::Mapping(m) => View::Map(
                m.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            Y::String(s) => Cow::Borrowed(s.as_str()),
                            Y::Number(n) => Cow::Owned(n.to_string()),
                            Y::Bool(b) => Cow::Owned(b.to_string()),
                            _ => Cow::Borrowed("?"),
                        };
                        (key, v)
                    })
                    .collect(),
            ),
            Y::Tagged(_) => View::Other,
        }
    }
}

impl Tree for Json {
    fn view(&self) -> View<'_, Self> {
        match self {
            Json::Null => View::Null,
            Json::Bool(b) => View::Bool(*b),
            Json::Number(n) => View::Number {
                text: n.to_string(),
                integer: n.is_i64() || n.is_u64(),
                negative: n.as_f64().is_some_and(|f| f < 0.0),
            },
            Json::String(s) => View::Str(s),
            Json::Array(items) => View::Seq(items),
            Json::Object(m) => View::Map(
                m.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), v))
                    .collect(),
            ),
        }
    }
}

/// The structural mistakes of `value` as a `T`, at most [`LIMIT`]. `yaml`: YAML reads a
/// number or `true` where text is expected as that text; JSON does not.
pub fn check<T: JsonSchema, V: Tree>(value: &V, yaml: bool) -> Vec<Problem> {
    let schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    let schema = schema.as_value();
    let empty = serde_json::Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Json::as_object)
        .unwrap_or(&empty);
    let mut w = Walk {
        defs,
        yaml,
        out: Vec::new(),
    };
    w.check(schema, value, "");
    w.out.truncate(LIMIT);
    w.out
}

struct Walk<'s> {
    defs: &'s serde_json::Map<String, Json>,
    yaml: bool,
    out: Vec<Problem>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The types a schema names (`"type": "string"` or `["string", "null"]`).
fn types(s: &serde_json::Map<String, Json>) -> Option<Vec<&str>> {
    match s.get("type")? {
        Json::String(t) => Some(vec![t.as_str()]),
        Json::Array(a) => Some(a.iter().filter_map(Json::as_str).collect()),
        _ => None,
    }
}

fn is_null_only(schema: &Json) -> bool {
    schema
        .as_object()
        .and_then(types)
        .is_some_and(|t| t == ["null"])
}

/// A readable name for what a schema expects.
fn expected(s: &serde_json::Map<String, Json>, types: &[&str]) -> &'static str {
    let t: Vec<&str> = types.iter().copied().filter(|t| *t != "null").collect();
    match t.as_slice() {
        ["string"] => "text",
        ["number"] => "a number",
        ["integer"] => "a whole number",
        ["boolean"] => "true or false",
        ["array"] => "a list",
        ["object"] if s.get("properties").is_none() => "a list of `name: value` pairs",
        ["object"] => "fields (`name: value` lines)",
        _ if t.contains(&"string") => "text or a number",
        _ => "another kind of value",
    }
}

/// A readable name for what was found, and the value as written when it is a scalar.
fn found<T: Tree>(v: &View<'_, T>) -> (String, Option<String>) {
    fn short(s: &str) -> String {
        let mut t: String = s.chars().take(40).collect();
        if t.len() < s.len() {
            t.push('…');
        }
        t
    }
    match v {
        View::Null => ("nothing (an empty value)".into(), None),
        View::Bool(b) => (format!("`{b}`"), Some(b.to_string())),
        View::Number { text, .. } => (format!("the number `{text}`"), Some(text.clone())),
        View::Str(s) => (format!("the text `{}`", short(s)), Some(s.to_string())),
        View::Seq(_) => ("a list".into(), None),
        View::Map(_) => ("fields (`name: value` lines)".into(), None),
        View::Other => ("a tagged value".into(), None),
    }
}

impl Walk<'_> {
    fn full(&self) -> bool {
        self.out.len() >= LIMIT
    }

    fn push(&mut self, path: &str, kind: Kind) {
        if !self.full() {
            self.out.push(Problem {
                path: path.to_string(),
                kind,
            });
        }
    }

    fn wrong<T: Tree>(&mut self, path: &str, expected: &'static str, v: &View<'_, T>) {
        let (found, got) = found(v);
        self.push(
            path,
            Kind::WrongType {
                expected,
                found,
                got,
            },
        );
    }

    /// The text of a scalar, as the typed parse reads it into a `String`.
    fn scalar_text<'v, T: Tree>(&self, v: &'v View<'v, T>) -> Option<Cow<'v, str>> {
        match v {
            View::Str(s) => Some(Cow::Borrowed(s)),
            View::Number { text, .. } if self.yaml => Some(Cow::Borrowed(text)),
            View::Bool(b) if self.yaml => Some(Cow::Owned(b.to_string())),
            _ => None,
        }
    }

    fn check<T: Tree>(&mut self, schema: &Json, value: &T, path: &str) {
        if self.full() {
            return;
        }
        // `true`, or anything else that is not a schema object: every value is fine.
        let Json::Object(s) = schema else { return };
        let v = value.view();
        if matches!(v, View::Other) {
            return;
        }
        if let Some(r) = s.get("$ref").and_then(Json::as_str) {
            let name = r.strip_prefix("#/$defs/").unwrap_or(r);
            // The model's own scalars: judged by the model's own parsers.
            match name {
                "Date" => {
                    return self.scalar(
                        path,
                        &v,
                        "a date (YYYY-MM-DD)",
                        |t| Date::parse(t).is_ok(),
                        Kind::BadDate,
                    );
                }
                "Slug" => {
                    return self.scalar(path, &v, "an id", |t| Slug::parse(t).is_ok(), Kind::BadId);
                }
                _ => {}
            }
            if let Some(def) = self.defs.get(name) {
                self.check(def, value, path);
            }
            return;
        }
        if let Some(branches) = s
            .get("anyOf")
            .or_else(|| s.get("oneOf"))
            .and_then(Json::as_array)
        {
            return self.any_of(branches, value, &v, path);
        }
        let types = types(s);
        if let Some(values) = s.get("enum").and_then(Json::as_array) {
            let allowed: Vec<String> = values
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect();
            if matches!(v, View::Null) && types.as_ref().is_some_and(|t| t.contains(&"null")) {
                return;
            }
            match self.scalar_text(&v) {
                Some(t) if allowed.iter().any(|a| *a == t) => {}
                Some(t) => self.push(
                    path,
                    Kind::UnknownValue {
                        got: t.into_owned(),
                        allowed,
                    },
                ),
                None => self.wrong(path, "one of the listed values", &v),
            }
            return;
        }
        let Some(types) = types else { return };
        let has = |t: &str| types.contains(&t);
        let fits = match &v {
            View::Null => has("null"),
            View::Bool(_) => has("boolean") || (self.yaml && has("string")),
            View::Number {
                integer, negative, ..
            } => {
                let unsigned = s
                    .get("format")
                    .and_then(Json::as_str)
                    .is_some_and(|f| f.starts_with("uint"));
                has("number")
                    || (has("integer") && *integer && !(unsigned && *negative))
                    || (self.yaml && has("string"))
            }
            View::Str(_) => has("string"),
            View::Seq(_) => has("array"),
            View::Map(_) => has("object"),
            View::Other => true,
        };
        if !fits {
            let what = match &v {
                View::Number { negative: true, .. } if has("integer") => {
                    "a whole number of 0 or more"
                }
                _ => expected(s, &types),
            };
            return self.wrong(path, what, &v);
        }
        match v {
            View::Seq(items) => self.items(s, items, path),
            View::Map(entries) => self.object(s, &entries, path),
            _ => {}
        }
    }

    /// A date or an id: text that the model's parser accepts.
    fn scalar<T: Tree>(
        &mut self,
        path: &str,
        v: &View<'_, T>,
        expected: &'static str,
        ok: impl Fn(&str) -> bool,
        bad: impl Fn(String) -> Kind,
    ) {
        match self.scalar_text(v) {
            Some(t) if ok(&t) => {}
            Some(t) => self.push(path, bad(t.into_owned())),
            None => self.wrong(path, expected, v),
        }
    }

    /// `Option<T>` is `anyOf: [T, null]`: null passes, anything else must be a `T`.
    fn any_of<T: Tree>(&mut self, branches: &[Json], value: &T, v: &View<'_, T>, path: &str) {
        let nullable = branches.iter().any(is_null_only);
        if matches!(v, View::Null) && nullable {
            return;
        }
        let real: Vec<&Json> = branches.iter().filter(|b| !is_null_only(b)).collect();
        if let [one] = real.as_slice() {
            return self.check(one, value, path);
        }
        for b in &real {
            let mut trial = Walk {
                defs: self.defs,
                yaml: self.yaml,
                out: Vec::new(),
            };
            trial.check(b, value, path);
            if trial.out.is_empty() {
                return;
            }
        }
        if let Some(first) = real.first() {
            self.check(first, value, path);
        }
    }

    fn items<T: Tree>(&mut self, s: &serde_json::Map<String, Json>, items: &[T], path: &str) {
        // A fixed length (`[f64; 2]`) is the type's; other counts are the format's limits,
        // which validation reports with their own words.
        let min = s.get("minItems").and_then(Json::as_u64);
        let max = s.get("maxItems").and_then(Json::as_u64);
        if let (Some(min), Some(max)) = (min, max)
            && min == max
            && items.len() as u64 != min
        {
            let found = format!("a list of {}", items.len());
            self.push(
                path,
                Kind::WrongType {
                    expected: if min == 2 {
                        "a list of two values"
                    } else {
                        "a list of another length"
                    },
                    found,
                    got: None,
                },
            );
            return;
        }
        if let Some(item) = s.get("items") {
            for (i, it) in items.iter().enumerate() {
                self.check(item, it, &format!("{path}[{i}]"));
            }
        }
    }

    fn object<T: Tree>(
        &mut self,
        s: &serde_json::Map<String, Json>,
        entries: &[(Cow<'_, str>, &T)],
        path: &str,
    ) {
        let props = s.get("properties").and_then(Json::as_object);
        let allowed: Vec<&str> = props
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        // A misspelt required field is reported once, as unknown with its did-you-mean, not
        // also as missing.
        let mut meant = Vec::new();
        for (key, child) in entries {
            let at = join(path, key);
            match (
                props.and_then(|p| p.get(key.as_ref())),
                s.get("additionalProperties"),
            ) {
                (Some(schema), _) => self.check(schema, *child, &at),
                (None, Some(Json::Bool(false))) => {
                    if let Some(best) = crate::validate::suggest::closest(key, &allowed) {
                        meant.push(best);
                    }
                    self.push(
                        &at,
                        Kind::UnknownField {
                            allowed: allowed.iter().map(|a| a.to_string()).collect(),
                        },
                    );
                }
                (None, Some(schema)) => self.check(schema, *child, &at),
                (None, None) => {}
            }
        }
        let required = s.get("required").and_then(Json::as_array);
        for r in required.into_iter().flatten().filter_map(Json::as_str) {
            if !entries.iter().any(|(k, _)| k == r) && !meant.contains(&r) {
                self.push(&join(path, r), Kind::Missing);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Leaderboard, SystemsFile, Task};

    fn yaml(text: &str) -> serde_yaml::Value {
        serde_yaml::from_str(text).unwrap()
    }

    fn paths(p: &[Problem]) -> Vec<&str> {
        p.iter().map(|p| p.path.as_str()).collect()
    }

    #[test]
    fn every_mistake_of_a_file_at_once() {
        let text = "schema_version: \"0.1\"\nsystems:\n  - id: Bad_Id\n    name: A\n    kind: robot\n    acess: open\n    release_date: 2026-13-01\n    modalities: [CT, XR]\n  - id: ok\n    name: [B]\n    kind: llm\n    access: open\n";
        let p = check::<SystemsFile, _>(&yaml(text), true);
        assert_eq!(
            paths(&p),
            [
                "systems[0].id",
                "systems[0].kind",
                "systems[0].acess",
                "systems[0].release_date",
                "systems[0].modalities[1]",
                "systems[1].name",
            ],
            "{p:#?}"
        );
        assert!(matches!(&p[0].kind, Kind::BadId(v) if v == "Bad_Id"));
        assert!(matches!(&p[1].kind, Kind::UnknownValue { got, .. } if got == "robot"));
        assert!(matches!(&p[3].kind, Kind::BadDate(v) if v == "2026-13-01"));
        // `acess` is reported as unknown with its did-you-mean, not `access` as missing too.
        assert!(!paths(&p).contains(&"systems[0].access"));
    }

    #[test]
    fn missing_fields_and_types() {
        let text = "schema_version: \"0.1\"\nid: ab\ntitle: 12\nkeywords: one\nstatus: proposed\n";
        let p = check::<Task, _>(&yaml(text), true);
        // A number is text in YAML; a word where a list belongs is not a list.
        assert!(!paths(&p).contains(&"title"), "{p:#?}");
        assert!(p.iter().any(|p| p.path == "keywords"
            && matches!(
                &p.kind,
                Kind::WrongType {
                    expected: "a list",
                    ..
                }
            )));
        assert!(
            p.iter()
                .any(|p| p.path == "clinical" && p.kind == Kind::Missing)
        );
    }

    #[test]
    fn json_is_strict_about_types() {
        let json: Json = serde_json::from_str(
            r#"{"schema_version":"0.1","task":"ab","task_version":"1.0.0","split":"test","updated":"2026-01-01","cases":["a"],
               "entries":[{"id":"e1","system":"s1","evaluation":"organizer_run","training_regime":"zero_shot","scores":{"f":"high"},"per_case":{"f":[1,"x",null]}}]}"#,
        )
        .unwrap();
        let p = check::<Leaderboard, _>(&json, false);
        assert_eq!(
            paths(&p),
            ["entries[0].scores.f", "entries[0].per_case.f[1]"],
            "{p:#?}"
        );
    }

    #[test]
    fn a_valid_file_has_no_problems() {
        let text = "schema_version: \"0.1\"\nsystems:\n  - id: s1\n    name: S\n    kind: baseline\n    access: open\n    version: 2\n    organization: {name: O}\n";
        assert!(check::<SystemsFile, _>(&yaml(text), true).is_empty());
    }
}
