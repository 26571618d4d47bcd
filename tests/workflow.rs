//! The GitHub Actions workflow of a portal repository (`.github/workflows/portal.yml`), read as
//! YAML: deployments of main are never cancelled, `.medal-cache` survives between runs, and a
//! content-only repository installs medal at a pinned tag.

use serde_yaml::Value;

fn workflow() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/.github/workflows/portal.yml");
    let text = std::fs::read_to_string(path).expect("the workflow exists");
    serde_yaml::from_str(&text).expect("the workflow is YAML")
}

fn job<'a>(w: &'a Value, name: &str) -> &'a Value {
    w["jobs"]
        .get(name)
        .unwrap_or_else(|| panic!("no job `{name}`"))
}

fn steps(job: &Value) -> &[Value] {
    job["steps"].as_sequence().map(Vec::as_slice).unwrap_or(&[])
}

fn uses<'a>(job: &'a Value, action: &str) -> Vec<&'a Value> {
    steps(job)
        .iter()
        .filter(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(action)))
        .collect()
}

fn runs(job: &Value) -> String {
    steps(job)
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_running_deployment_of_main_is_never_cancelled() {
    let w = workflow();
    // A workflow-wide group with cancel-in-progress would cancel deployments too.
    if let Some(c) = w.get("concurrency") {
        assert_ne!(c["cancel-in-progress"], Value::Bool(true), "{c:?}");
    }
    let deploy = job(&w, "deploy");
    assert_eq!(deploy["concurrency"]["group"].as_str(), Some("pages"));
    assert_eq!(
        deploy["concurrency"]["cancel-in-progress"],
        Value::Bool(false)
    );
    // Jobs that run on main cancel nothing; only the pull-request check replaces itself.
    for (name, j) in w["jobs"].as_mapping().unwrap() {
        if j["concurrency"]["cancel-in-progress"] == Value::Bool(true) {
            assert_eq!(
                j["if"].as_str(),
                Some("github.event_name == 'pull_request'"),
                "{name:?} cancels runs outside pull requests"
            );
        }
    }
}

#[test]
fn the_medal_cache_is_kept_between_runs() {
    let w = workflow();
    for name in ["check", "build"] {
        let j = job(&w, name);
        let cache = uses(j, "actions/cache@")
            .into_iter()
            .find(|s| s["with"]["path"].as_str().map(str::trim) == Some(".medal-cache"))
            .unwrap_or_else(|| panic!("job `{name}` does not cache .medal-cache"));
        let key = cache["with"]["key"].as_str().unwrap();
        let restore = cache["with"]["restore-keys"].as_str().unwrap_or_default();
        // Cache entries are immutable: a fixed key would keep the first run's folder forever.
        assert!(key.contains("github.sha"), "{key}");
        assert!(
            restore
                .lines()
                .any(|r| !r.trim().is_empty() && key.starts_with(r.trim())),
            "restore-keys {restore:?} are no prefix of {key}"
        );
        // The cache is restored before medal runs.
        let at = |pred: &dyn Fn(&Value) -> bool| steps(j).iter().position(pred).unwrap();
        let restored = at(&|s| s == cache);
        let ran = at(&|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains(&format!("medal {name}")))
        });
        assert!(
            restored < ran,
            "job `{name}` restores the cache after running medal"
        );
    }
}

#[test]
fn a_content_only_repository_installs_medal_at_a_pinned_tag() {
    let w = workflow();
    let tag = w["env"]["MEDAL_TAG"].as_str().expect("MEDAL_TAG is set");
    let semver = tag.strip_prefix('v').is_some_and(|v| {
        v.split('.').count() == 3 && v.split('.').all(|p| p.parse::<u32>().is_ok())
    });
    assert!(semver, "MEDAL_TAG is a release tag: {tag}");
    assert!(
        w["env"]["MEDAL_GIT"]
            .as_str()
            .is_some_and(|g| g.starts_with("https://"))
    );
    for name in ["check", "build"] {
        let run = runs(job(&w, name));
        let install = run
            .lines()
            .find(|l| l.contains("cargo install --git"))
            .unwrap_or_else(|| panic!("job `{name}` never installs medal from git"));
        for part in ["\"$MEDAL_GIT\"", "--tag \"$MEDAL_TAG\"", "--locked"] {
            assert!(install.contains(part), "{install} lacks {part}");
        }
    }
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let publishing = readme
        .split("## Publishing")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has a Publishing section");
    for needle in [
        "cargo install --git",
        "--locked",
        "MEDAL_TAG",
        ".medal-cache",
        "cancel-in-progress: false",
    ] {
        assert!(
            publishing.contains(needle),
            "README's Publishing section lacks {needle}"
        );
    }
}
