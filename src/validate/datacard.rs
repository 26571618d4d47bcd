//! Rules of datacard.yaml: counts and shares that make sense, file references that resolve,
//! and well-formed identifiers and links.

use super::{Validator, identifiers, task_dir};
use crate::model::*;
use std::collections::BTreeSet;

/// How far sex shares may sum from 1 (rounding in the source tables).
const SHARE_TOLERANCE: f64 = 0.02;

pub(super) fn check(v: &mut Validator, b: &TaskBundle) {
    let Some(d) = &b.datacard else { return };
    let file = task_dir(&b.task).join("datacard.yaml");
    let file = file.as_path();
    v.schema_version(file, &d.schema_version);

    v.ident(
        file,
        "dataset.doi",
        d.dataset.doi.as_deref(),
        identifiers::doi,
    );
    v.ident(
        file,
        "dataset.url",
        d.dataset.url.as_deref(),
        identifiers::url,
    );
    if let Some(p) = &d.dataset.publisher {
        v.ident(
            file,
            "dataset.publisher.ror",
            p.ror.as_deref(),
            identifiers::ror,
        );
    }
    v.ident(
        file,
        "annotation.protocol_url",
        d.annotation.protocol_url.as_deref(),
        identifiers::url,
    );

    // Files and file sets.
    let mut ids = BTreeSet::new();
    for (i, f) in d.files.iter().enumerate() {
        if !ids.insert(f.id.as_str()) {
            v.error(
                file,
                &format!("files[{i}].id"),
                format!("the file id `{}` appears twice", f.id),
                "every file needs its own id",
            );
        }
        v.ident(
            file,
            &format!("files[{i}].url"),
            f.url.as_deref(),
            identifiers::url,
        );
        // Croissant requires a checksum of every file downloaded on its own.
        if f.contained_in.is_none() && f.sha256.is_none() {
            v.warning(
                file,
                &format!("files[{i}]"),
                format!("the file `{}` has no sha256", f.id),
                "add `sha256:` (sha256sum FILE): without a checksum the task's croissant.json does not pass `mlcroissant validate`",
            );
        }
    }
    let known = |id: &str| d.files.iter().any(|f| f.id == id);
    let hint = || {
        let all: Vec<&str> = d.files.iter().map(|f| f.id.as_str()).collect();
        if all.is_empty() {
            "list the archive under `files` first".to_string()
        } else {
            format!("use the id of an entry under `files`: {}", all.join(", "))
        }
    };
    for (i, f) in d.files.iter().enumerate() {
        if let Some(c) = f.contained_in.as_deref().filter(|c| !known(c)) {
            v.error(
                file,
                &format!("files[{i}].contained_in"),
                format!("no file `{c}` to contain `{}`", f.id),
                hint(),
            );
        }
    }
    for (i, s) in d.filesets.iter().enumerate() {
        if !known(&s.contained_in) {
            v.error(
                file,
                &format!("filesets[{i}].contained_in"),
                format!(
                    "no file `{}` to contain the file set `{}`",
                    s.contained_in, s.id
                ),
                hint(),
            );
        }
    }

    // Composition.
    let c = &d.composition;
    for (name, split) in &c.splits {
        if split.cases == 0 {
            v.error(
                file,
                &format!("composition.splits.{name}.cases"),
                format!("the split `{name}` has no cases"),
                "give the number of cases in the split, or remove the split",
            );
        }
    }
    let Some(demo) = &c.demographics else { return };
    if let Some(sex) = &demo.sex {
        let shares = [
            ("female", sex.female),
            ("male", sex.male),
            ("other", sex.other),
        ];
        let mut sum = 0.0;
        let mut bad = false;
        for (k, x) in shares {
            let Some(x) = x else { continue };
            sum += x;
            if !(0.0..=1.0).contains(&x) {
                bad = true;
                v.error(
                    file,
                    &format!("composition.demographics.sex.{k}"),
                    format!("the share {x} is not between 0 and 1"),
                    "write shares as fractions, e.g. 0.41 for 41%",
                );
            }
        }
        if !bad && (sum - 1.0).abs() > SHARE_TOLERANCE {
            v.warning(
                file,
                "composition.demographics.sex",
                format!("the sex shares sum to {sum:.3}, not 1"),
                "check the shares; put unknown or other under `other`",
            );
        }
    }
    if let Some(age) = &demo.age {
        if let Some([lo, hi]) = age.iqr.filter(|[lo, hi]| lo > hi) {
            v.error(
                file,
                "composition.demographics.age.iqr",
                format!("the interquartile range [{lo}, {hi}] is reversed"),
                "write it as [lower quartile, upper quartile]",
            );
        }
        for (band, &x) in age.bands.iter().flatten() {
            if !(0.0..=1.0).contains(&x) {
                v.error(
                    file,
                    &format!("composition.demographics.age.bands.{band}"),
                    format!("the share {x} is not between 0 and 1"),
                    "write shares as fractions, e.g. 0.25 for 25%",
                );
            }
        }
    }
}
