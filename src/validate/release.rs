//! Releases (`data/releases/<version>/`): the frozen files match their manifest byte for byte,
//! release.yaml agrees with it, versions and dates are in order, errata come after the release.
//!
//! A release naming a task or system that no longer exists is fine (it is frozen; its pages say
//! so); a frozen file that changed, went missing or was added is an error naming the file.

use super::{Validator, identifiers};
use crate::model::*;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The format version of release.yaml.
pub const RELEASE_SCHEMA_VERSION: &str = "0.2";

const IMMUTABLE: &str = "releases are immutable: make a new release with `medal release`, and record corrections as errata in release.yaml";

pub(super) fn check(v: &mut Validator, portal: &Portal) {
    let mut previous: Option<&Release> = None;
    for r in &portal.releases {
        one(v, r);
        if let Some(p) = previous {
            order(v, p, r);
        }
        previous = Some(r);
    }
}

fn folder(r: &Release) -> PathBuf {
    PathBuf::from(format!("data/releases/{}", r.meta.version))
}

fn one(v: &mut Validator, r: &Release) {
    let dir = folder(r);
    let yaml = dir.join("release.yaml");
    let meta = &r.meta;
    if meta.schema_version != RELEASE_SCHEMA_VERSION {
        v.error(
            &yaml,
            "schema_version",
            format!("schema_version `{}` is not supported for a release", meta.schema_version),
            format!("release.yaml is part of version \"{RELEASE_SCHEMA_VERSION}\" of the content format: write schema_version: \"{RELEASE_SCHEMA_VERSION}\""),
        );
    }
    let m = &r.manifest;
    let manifest = dir.join("manifest.json");
    if m.version != meta.version {
        v.error(
            &manifest,
            "version",
            format!(
                "the manifest is for version {} but the folder holds release {}",
                m.version, meta.version
            ),
            IMMUTABLE,
        );
    }
    for (field, mine, theirs) in [
        ("date", &meta.date, &m.date),
        ("as_of", &meta.as_of, &m.as_of),
    ] {
        if mine != theirs {
            v.error(
                &yaml,
                field,
                format!("`{field}` is {mine} but the manifest froze {theirs}"),
                format!("write {field}: {theirs}; only notes, title, doi and errata of a release may be edited"),
            );
        }
    }
    if meta.as_of > meta.date {
        v.error(
            &yaml,
            "as_of",
            format!(
                "the release of {} cannot freeze a later state ({})",
                meta.date, meta.as_of
            ),
            "as_of is the date whose state the release shows: on or before its date",
        );
    }
    v.ident(&yaml, "doi", meta.doi.as_deref(), identifiers::doi);
    for (i, e) in meta.errata.iter().enumerate() {
        if e.date < meta.date {
            v.error(
                &yaml,
                &format!("errata[{i}].date"),
                format!("the erratum of {} is dated before the release ({})", e.date, meta.date),
                "an erratum corrects a release after it was published: date it on or after the release",
            );
        }
        if e.text.trim().is_empty() {
            v.error(
                &yaml,
                &format!("errata[{i}].text"),
                "the erratum has no text",
                "say what was wrong and where the corrected numbers are",
            );
        }
    }
    integrity(v, r, &dir);
}

/// Every file the manifest lists is there with its checksum, and nothing else is.
fn integrity(v: &mut Validator, r: &Release, dir: &std::path::Path) {
    let listed: BTreeSet<&str> = r.manifest.files.iter().map(|f| f.path.as_str()).collect();
    for f in &r.manifest.files {
        let file = dir.join(&f.path);
        match r.files.get(&f.path) {
            None => v.error(
                &file,
                "",
                format!(
                    "missing from the release (the manifest lists it, sha256 {})",
                    short(&f.sha256)
                ),
                format!(
                    "restore it from git (`git checkout -- {}`); {IMMUTABLE}",
                    file.display()
                ),
            ),
            Some((bytes, sum)) if *sum != f.sha256 || bytes.len() as u64 != f.bytes => v.error(
                &file,
                "",
                format!(
                    "changed after the release (sha256 {} where the manifest has {})",
                    short(sum),
                    short(&f.sha256)
                ),
                format!(
                    "restore it from git (`git checkout -- {}`); {IMMUTABLE}",
                    file.display()
                ),
            ),
            Some(_) => {}
        }
    }
    for path in r.files.keys() {
        if path != "manifest.json" && !listed.contains(path.as_str()) {
            v.error(
                &dir.join(path),
                "",
                "added after the release: the manifest does not list it",
                format!("remove it; {IMMUTABLE}"),
            );
        }
    }
}

fn short(sum: &str) -> &str {
    sum.get(..12).unwrap_or(sum)
}

/// Versions sort in the order of their dates: a later version is not dated earlier.
fn order(v: &mut Validator, earlier: &Release, later: &Release) {
    let yaml = folder(later).join("release.yaml");
    if later.meta.date < earlier.meta.date {
        v.error(
            &yaml,
            "date",
            format!(
                "release {} is dated {}, before release {} ({})",
                later.meta.version, later.meta.date, earlier.meta.version, earlier.meta.date
            ),
            "a later version cannot be older than the one before it",
        );
    }
    if later.meta.as_of < earlier.meta.as_of {
        v.error(
            &yaml,
            "as_of",
            format!(
                "release {} freezes {}, before what release {} froze ({})",
                later.meta.version, later.meta.as_of, earlier.meta.version, earlier.meta.as_of
            ),
            "each release freezes a state at least as new as the one before it",
        );
    }
}
