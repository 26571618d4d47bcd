//! JSON Schemas of the content formats, generated from the domain types so they never drift.
//! Editors use them (through a `# yaml-language-server: $schema=…` line) to complete and check
//! fields while curators type; the site publishes them under `/schemas/`.

use crate::model::{
    AccessibilityStatement, DataCard, Leaderboard, Manifest, RationaleMeta, ReleaseMeta,
    SystemsFile, Task,
};
use schemars::{JsonSchema, generate::SchemaSettings};

/// (file name, schema) for every format with a schema; `base_url` "" leaves out `$id`.
pub fn all(base_url: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "task.schema.json",
            one::<Task>(base_url, "task.schema.json", "MEDAL task.yaml"),
        ),
        (
            "datacard.schema.json",
            one::<DataCard>(base_url, "datacard.schema.json", "MEDAL datacard.yaml"),
        ),
        (
            "rationale.schema.json",
            one::<RationaleMeta>(
                base_url,
                "rationale.schema.json",
                "MEDAL rationale.md front matter",
            ),
        ),
        (
            "systems.schema.json",
            one::<SystemsFile>(base_url, "systems.schema.json", "MEDAL data/systems.yaml"),
        ),
        (
            "leaderboard.schema.json",
            one::<Leaderboard>(
                base_url,
                "leaderboard.schema.json",
                "MEDAL data/leaderboards/<task-id>.json",
            ),
        ),
        (
            "accessibility.schema.json",
            one::<AccessibilityStatement>(
                base_url,
                "accessibility.schema.json",
                "MEDAL data/accessibility.yaml",
            ),
        ),
        (
            "release.schema.json",
            one::<ReleaseMeta>(
                base_url,
                "release.schema.json",
                "MEDAL data/releases/<version>/release.yaml",
            ),
        ),
        (
            "release-manifest.schema.json",
            one::<Manifest>(
                base_url,
                "release-manifest.schema.json",
                "MEDAL data/releases/<version>/manifest.json",
            ),
        ),
    ]
}

fn one<T: JsonSchema>(base_url: &str, name: &str, title: &str) -> String {
    let mut schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    // Published copies know their address; the repository's copies (base "") do not.
    if !base_url.is_empty() {
        schema.insert("$id".into(), format!("{base_url}schemas/{name}").into());
    }
    schema.insert("title".into(), title.into());
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_describe_the_formats() {
        let schemas = all("https://medal.example.org/");
        assert_eq!(schemas.len(), 8);
        let task: serde_json::Value = serde_json::from_str(&schemas[0].1).unwrap();
        assert_eq!(
            task["$id"],
            "https://medal.example.org/schemas/task.schema.json"
        );
        assert_eq!(task["additionalProperties"], false, "typos are errors");
        let status = serde_json::to_string(&task["$defs"]["Status"]).unwrap();
        assert!(status.contains("under_review"), "{status}");
        let required = serde_json::to_string(&task["required"]).unwrap();
        assert!(required.contains("clinical") && !required.contains("acronym"));
    }
}

#[cfg(test)]
mod limits {
    use super::*;

    /// The documented limits (content format: title, summary, keywords, version) and a
    /// description on every field, so editors catch mistakes while curators type.
    #[test]
    fn task_schema_carries_the_documented_limits_and_descriptions() {
        let task: serde_json::Value = serde_json::from_str(&all("")[0].1).unwrap();
        let p = &task["properties"];
        assert_eq!(p["title"]["maxLength"], 150);
        assert_eq!(p["summary"]["minLength"], 50);
        assert_eq!(p["summary"]["maxLength"], 1000);
        assert_eq!(p["keywords"]["minItems"], 3);
        assert_eq!(
            p["version"]["type"], "string",
            "a YAML number is never semver"
        );
        assert_eq!(p["version"]["pattern"], crate::model::SEMVER_PATTERN);
        for (name, schema) in all("") {
            let v: serde_json::Value = serde_json::from_str(&schema).unwrap();
            for (field, f) in v["properties"].as_object().unwrap() {
                assert!(
                    f["description"].is_string(),
                    "{name}: {field} has no description"
                );
            }
        }
    }
}

#[cfg(test)]
mod drift {
    /// The copies in docs/schemas/ (which the demo files point editors at) must match the
    /// types; `cargo run -- schema` rewrites them.
    #[test]
    fn committed_schemas_match_the_types() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schemas");
        for (name, text) in super::all("") {
            let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
            assert!(
                committed == text,
                "docs/schemas/{name} is stale: run `cargo run -- schema`"
            );
        }
    }
}
