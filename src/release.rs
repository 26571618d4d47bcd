//! `medal release`: freezes the benchmark as it stood on one date into
//! `data/releases/<version>/` (release.yaml, manifest.json, rankings.json, tasks/<id>.json,
//! tasks/<id>.yaml, systems.json).
//!
//! The frozen documents are the live downloads of that day, made by the same functions
//! (`render::api`), so `tasks/<id>.json` is byte for byte the `/tasks/<id>/leaderboard.json` a
//! build on that day wrote. After this, nothing recomputes them: the release pages render from
//! these files, and `medal check` compares them with the manifest.

use crate::compute::{self, Computed, stats};
use crate::error::{Error, Result};
use crate::model::*;
use crate::render::api;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What `medal release` was asked for.
#[derive(Debug, Clone)]
pub struct ReleaseOptions {
    pub root: PathBuf,
    pub version: String,
    /// The state to freeze; `None`: the newest date in the content.
    pub as_of: Option<Date>,
    pub title: Option<String>,
    /// The release date (today, unless given).
    pub date: Date,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Made {
    pub folder: PathBuf,
    pub version: ReleaseVersion,
    pub as_of: Date,
    pub reconstructed: bool,
    pub tasks: usize,
    pub entries: usize,
    pub bytes: u64,
}

fn refuse(root: &Path, message: String) -> Error {
    Error::Config {
        path: root.join("data/releases"),
        message,
    }
}

/// Checks the portal, then writes the release folder (atomically: a temporary folder renamed
/// into place, so a failed release leaves nothing behind).
pub fn make(opts: &ReleaseOptions) -> Result<Made> {
    let root = &opts.root;
    let version = ReleaseVersion::parse(&opts.version).map_err(|m| refuse(root, m))?;
    let (portal, _warnings) = crate::load_checked(root)?;
    if let Some(r) = portal.releases.iter().find(|r| r.meta.version == version) {
        return Err(refuse(
            root,
            format!(
                "release {} exists (dated {}): a release is never overwritten; choose the next version",
                r.meta.version, r.meta.date
            ),
        ));
    }
    if let Some(last) = portal.releases.last() {
        if version < last.meta.version {
            return Err(refuse(
                root,
                format!(
                    "version {version} does not sort after the last release, {}: choose a later version",
                    last.meta.version
                ),
            ));
        }
        if opts.date < last.meta.date {
            return Err(refuse(
                root,
                format!(
                    "the date {} is before the last release's ({} of {}): a release is not older than its predecessor",
                    opts.date, last.meta.version, last.meta.date
                ),
            ));
        }
    }
    let newest = stats::as_of(&portal);
    let as_of = match (&opts.as_of, &newest) {
        (Some(d), _) => d.clone(),
        (None, Some(n)) => n.clone(),
        (None, None) => {
            return Err(refuse(
                root,
                "the portal has no dated content to release".into(),
            ));
        }
    };
    if as_of > opts.date {
        return Err(refuse(
            root,
            format!(
                "--as-of {as_of} is after the release date {}: a release freezes a state that already happened",
                opts.date
            ),
        ));
    }
    if let Some(last) = portal.releases.last()
        && as_of < last.meta.as_of
    {
        return Err(refuse(
            root,
            format!(
                "--as-of {as_of} is before the state release {} froze ({}): each release freezes a newer state",
                last.meta.version, last.meta.as_of
            ),
        ));
    }
    let reconstructed = newest.as_ref().is_some_and(|n| as_of < *n);
    let state = as_of_state(&portal, &as_of);
    let computed = compute::compute(&state);
    let files = frozen_files(&state, &computed);
    let meta = ReleaseMeta {
        schema_version: crate::validate::release::RELEASE_SCHEMA_VERSION.into(),
        version: version.clone(),
        date: opts.date.clone(),
        as_of: as_of.clone(),
        reconstructed,
        title: opts.title.clone(),
        notes: None,
        doi: None,
        errata: Vec::new(),
    };
    let manifest = Manifest {
        version: version.clone(),
        date: opts.date.clone(),
        as_of: as_of.clone(),
        generator: format!("medal {}", env!("CARGO_PKG_VERSION")),
        files: files
            .iter()
            .map(|(path, bytes)| ManifestFile {
                path: path.clone(),
                sha256: crate::store::sha256_hex(bytes),
                bytes: bytes.len() as u64,
            })
            .collect(),
    };
    let entries = computed
        .rankings
        .keys()
        .filter_map(|id| state.leaderboard(id))
        .map(|lb| lb.entries.len())
        .sum();
    let bytes = files.iter().map(|(_, b)| b.len() as u64).sum();
    let folder = write_folder(root, &version, &meta, &manifest, files)?;
    Ok(Made {
        folder,
        version,
        as_of,
        reconstructed,
        tasks: computed.rankings.len(),
        entries,
        bytes,
    })
}

/// The portal as it stood on `as_of`: tasks submitted by then, each with its status of that
/// day; of the leaderboards, the entries evaluated (else submitted) on or before it.
pub fn as_of_state(portal: &Portal, as_of: &Date) -> Portal {
    let until = |d: &Date| d <= as_of;
    let mut state = portal.clone();
    state.releases.clear();
    state.tasks = portal
        .tasks
        .iter()
        .filter_map(|b| {
            let status = stats::status_on(b, &until)?;
            let mut b = (**b).clone();
            b.task.status = status;
            b.task.history.retain(|h| until(&h.date));
            Some(b.into())
        })
        .collect();
    let kept: BTreeSet<&str> = state.tasks.iter().map(|b| b.task.id.as_str()).collect();
    state.leaderboards = portal
        .leaderboards
        .iter()
        .filter(|lb| kept.contains(lb.task.as_str()))
        .filter_map(|lb| {
            let entries: Vec<Entry> = lb
                .entries
                .iter()
                .filter(|e| until(stats::entry_date(lb, e)))
                .cloned()
                .collect();
            if entries.is_empty() {
                return None;
            }
            let mut lb = (**lb).clone();
            if entries.len() < lb.entries.len() || lb.updated > *as_of {
                // The newest result kept is the date the leaderboard was last updated then.
                let newest = entries
                    .iter()
                    .map(|e| stats::entry_date(&lb, e).clone())
                    .max();
                if let Some(d) = newest {
                    lb.updated = d.min(as_of.clone());
                }
            }
            lb.entries = entries;
            Some(lb.into())
        })
        .collect();
    state
}

/// The frozen documents of a state, by path in the release folder (sorted).
pub fn frozen_files(state: &Portal, computed: &Computed) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(
        "rankings.json".to_string(),
        api::pretty(&api::rankings(computed)),
    )];
    let mut named: BTreeSet<&str> = BTreeSet::new();
    for b in state
        .tasks
        .iter()
        .filter(|b| b.task.status.has_leaderboard())
    {
        let t = &b.task;
        let id = t.id.as_str();
        let frozen = json!({
            "id": id,
            "title": t.title,
            "acronym": t.acronym,
            "version": t.version,
            "status": t.status.as_str(),
            "evaluation": t.evaluation,
        });
        let yaml = serde_yaml::to_string(&frozen).unwrap_or_default();
        files.push((format!("tasks/{id}.yaml"), yaml.into_bytes()));
        let (Some(r), Some(lb)) = (computed.rankings.get(id), state.leaderboard(id)) else {
            continue;
        };
        let doc = api::task_leaderboard(t, lb, r, computed.uncertainty.get(id));
        files.push((format!("tasks/{id}.json"), api::pretty(&doc)));
        named.extend(lb.entries.iter().map(|e| e.system.as_str()));
    }
    let systems: Vec<Value> = state
        .systems
        .iter()
        .filter(|s| named.contains(s.id.as_str()))
        .filter_map(|s| serde_json::to_value(s).ok())
        .collect();
    files.push((
        "systems.json".to_string(),
        api::pretty(&json!({ "systems": systems })),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// release.yaml: the curator edits it later (notes, DOI, errata), so it says what may change.
pub fn release_yaml(meta: &ReleaseMeta) -> String {
    let mut s = format!(
        "# MEDAL release {v}, written by `medal release`.\n\
         # Edit only notes, title, doi and errata: every other file of this folder is frozen\n\
         # (manifest.json lists their checksums, and `medal check` compares them).\n\
         schema_version: \"{sv}\"\n\
         version: \"{v}\"\n\
         date: {date}\n\
         as_of: {as_of}\n\
         reconstructed: {rec}\n",
        v = meta.version,
        sv = meta.schema_version,
        date = meta.date,
        as_of = meta.as_of,
        rec = meta.reconstructed,
    );
    if let Some(t) = &meta.title {
        s.push_str(&format!("title: {}\n", yaml_string(t)));
    }
    s.push_str(
        "# notes: |\n\
         #   What is new in this release, for readers (Markdown).\n\
         # doi: 10.5281/zenodo.NNNNNNN   (once the archive is deposited)\n\
         # errata:\n\
         #   - date: YYYY-MM-DD\n\
         #     text: What was wrong, and where the corrected numbers are.\n",
    );
    s
}

fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn write_folder(
    root: &Path,
    version: &ReleaseVersion,
    meta: &ReleaseMeta,
    manifest: &Manifest,
    files: Vec<(String, Vec<u8>)>,
) -> Result<PathBuf> {
    let parent = root.join("data/releases");
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let target = parent.join(version.as_str());
    let tmp = parent.join(format!(".{version}.partial"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    }
    let written = (|| -> Result<()> {
        let mut all = files;
        let manifest_json = serde_json::to_value(manifest).unwrap_or(Value::Null);
        all.push(("manifest.json".into(), api::pretty(&manifest_json)));
        all.push(("release.yaml".into(), release_yaml(meta).into_bytes()));
        for (path, bytes) in &all {
            let file = tmp.join(path);
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            std::fs::write(&file, bytes).map_err(|e| Error::io(&file, e))?;
        }
        std::fs::rename(&tmp, &target).map_err(|e| Error::io(&target, e))
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    written.map(|()| target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_yaml_round_trips_and_names_what_may_be_edited() {
        let meta = ReleaseMeta {
            schema_version: "0.2".into(),
            version: ReleaseVersion::parse("2026.2").unwrap(),
            date: Date::parse("2026-10-01").unwrap(),
            as_of: Date::parse("2026-09-30").unwrap(),
            reconstructed: true,
            title: Some("Second round: \"hard\" cases".into()),
            notes: None,
            doi: None,
            errata: Vec::new(),
        };
        let text = release_yaml(&meta);
        assert!(text.contains("Edit only notes, title, doi and errata"));
        let back: ReleaseMeta = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back.version, meta.version);
        assert_eq!(back.as_of, meta.as_of);
        assert!(back.reconstructed);
        assert_eq!(back.title, meta.title);
    }
}
