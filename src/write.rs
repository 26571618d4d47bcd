//! Stage 5: write the rendered site. Changed files go to a temporary folder beside the target
//! and are moved in only once everything is written, so a failed build never damages the last
//! good site; unchanged files are left as they are.

use crate::error::{Error, Result};
use crate::output::OutFile;
use crate::store::lock;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Writes `files` into `out`, replacing its previous content: afterwards `out` holds exactly
/// `files`.
pub fn write_site(out: &Path, files: &[OutFile]) -> Result<()> {
    let staging = Staging::new(out)?;
    staging.write(files)?;
    staging.commit()
}

/// A folder beside the output where the files of a site that differ from the output's are
/// written in parts (pages while the search index is still being built, say). Dropped without
/// [`Staging::commit`], it is removed and the output is untouched.
pub struct Staging {
    out: PathBuf,
    parent: PathBuf,
    name: String,
    dir: tempfile::TempDir,
    /// Whether `out` is a folder to update; otherwise the staged site replaces it whole.
    update: bool,
    /// Every path of the site, and those staged (changed or new).
    paths: Mutex<HashSet<String>>,
    staged: Mutex<Vec<String>>,
}

impl Staging {
    pub fn new(out: &Path) -> Result<Staging> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.building-"))
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?;
        let update = std::fs::symlink_metadata(out).is_ok_and(|m| m.is_dir());
        Ok(Staging {
            out: out.to_path_buf(),
            parent,
            name,
            dir,
            update,
            paths: Mutex::default(),
            staged: Mutex::default(),
        })
    }

    /// Stages `files`, in parallel. A file whose bytes equal the output's file of the same
    /// path (a regular file, reached without following links) is not written at all: most of
    /// a rebuild's files are unchanged, and deploy tools see their old timestamps.
    pub fn write(&self, files: &[OutFile]) -> Result<()> {
        let staged: Vec<String> = files
            .par_iter()
            .map(|f| {
                let rel = safe_relative(&f.path)?;
                if self.update && unchanged(&self.out, rel, &f.bytes) {
                    return Ok(None);
                }
                let path = self.dir.path().join(rel);
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                }
                std::fs::write(&path, &f.bytes).map_err(|e| Error::io(&path, e))?;
                Ok(Some(f.path.clone()))
            })
            .filter_map(Result::transpose)
            .collect::<Result<_>>()?;
        lock(&self.paths).extend(files.iter().map(|f| f.path.clone()));
        lock(&self.staged).extend(staged);
        Ok(())
    }

    /// Makes the output the staged site: removes what the site no longer has, then moves the
    /// staged files in, each with one rename. An output that is not a folder yet is replaced
    /// whole.
    pub fn commit(self) -> Result<()> {
        let Staging {
            out,
            parent,
            name,
            dir,
            update,
            paths,
            staged,
        } = self;
        if !update {
            return swap_whole(&out, &parent, &name, dir);
        }
        let paths = paths.into_inner().unwrap_or_else(|e| e.into_inner());
        let staged = staged.into_inner().unwrap_or_else(|e| e.into_inner());
        remove_stale(&out, &paths)?;
        // Folders first (sequentially: siblings share parents), then the renames in parallel.
        let mut dirs: Vec<&Path> = staged
            .iter()
            .filter_map(|p| Path::new(p).parent())
            .filter(|d| !d.as_os_str().is_empty())
            .collect();
        dirs.sort_unstable();
        dirs.dedup();
        for d in dirs {
            let target = out.join(d);
            std::fs::create_dir_all(&target).map_err(|e| Error::io(&target, e))?;
        }
        staged.par_iter().try_for_each(|p| {
            let to = out.join(p);
            std::fs::rename(dir.path().join(p), &to).map_err(|e| Error::io(&to, e))
        })?;
        // `dir` now holds empty folders only; dropping it removes them.
        Ok(())
    }
}

/// Whether `out/rel` is a regular file holding exactly `bytes`, reached through real folders
/// only (a link in the output is never followed).
fn unchanged(out: &Path, rel: &Path, bytes: &[u8]) -> bool {
    let mut at = out.to_path_buf();
    let mut parts = rel.components().peekable();
    while let Some(c) = parts.next() {
        at.push(c);
        let Ok(m) = std::fs::symlink_metadata(&at) else {
            return false;
        };
        let fits = if parts.peek().is_some() {
            m.is_dir()
        } else {
            m.is_file() && m.len() == bytes.len() as u64
        };
        if !fits {
            return false;
        }
    }
    std::fs::read(&at).is_ok_and(|old| old == bytes)
}

/// Removes from `out` every entry that is not a file of the site (`paths`) or a folder on the
/// way to one: files the site dropped, links, and files where the site now needs a folder.
fn remove_stale(out: &Path, paths: &HashSet<String>) -> Result<()> {
    let mut folders: HashSet<&Path> = HashSet::new();
    for p in paths {
        let mut d = Path::new(p.as_str()).parent();
        while let Some(x) = d.filter(|x| !x.as_os_str().is_empty()) {
            if !folders.insert(x) {
                break;
            }
            d = x.parent();
        }
    }
    let mut walk = walkdir::WalkDir::new(out).min_depth(1).into_iter();
    let mut stale: Vec<(PathBuf, bool)> = Vec::new();
    while let Some(entry) = walk.next() {
        let entry = entry.map_err(|e| Error::Output(format!("reading {}: {e}", out.display())))?;
        let Ok(rel) = entry.path().strip_prefix(out) else {
            continue;
        };
        let is_dir = entry.file_type().is_dir();
        let keep = if is_dir {
            folders.contains(rel)
        } else {
            entry.file_type().is_file() && rel.to_str().is_some_and(|r| paths.contains(r))
        };
        if !keep {
            if is_dir {
                walk.skip_current_dir();
            }
            stale.push((entry.into_path(), is_dir));
        }
    }
    stale.par_iter().try_for_each(|(path, is_dir)| {
        if *is_dir {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        }
        .map_err(|e| Error::io(path, e))
    })
}

/// Replaces whatever is at `out` with the staged folder: two renames.
fn swap_whole(out: &Path, parent: &Path, name: &str, dir: tempfile::TempDir) -> Result<()> {
    let staged = dir.keep();
    if std::fs::symlink_metadata(out).is_ok() {
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        std::fs::rename(out, &old).map_err(|e| Error::io(out, e))?;
        if let Err(e) = std::fs::rename(&staged, out) {
            // Put the previous output back before reporting.
            let _ = std::fs::rename(&old, out);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(Error::io(out, e));
        }
        let removed = if std::fs::symlink_metadata(&old).is_ok_and(|m| m.is_dir()) {
            std::fs::remove_dir_all(&old)
        } else {
            std::fs::remove_file(&old)
        };
        removed.map_err(|e| Error::io(&old, e))?;
    } else {
        std::fs::rename(&staged, out).map_err(|e| Error::io(out, e))?;
    }
    Ok(())
}

/// Output paths come from ids (slugs) and theme file names; refuse anything that could leave
/// the output folder.
fn safe_relative(p: &str) -> Result<&Path> {
    let path = Path::new(p);
    let ok = path
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if ok {
        Ok(path)
    } else {
        Err(Error::Output(format!(
            "refusing to write outside the output folder: {p}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(path: &str, s: &str) -> OutFile {
        OutFile {
            path: path.into(),
            bytes: s.as_bytes().to_vec(),
        }
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_kept_not_rewritten() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let ino = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
        write_site(&out, &[f("a/index.html", "same"), f("b.css", "old")]).unwrap();
        let (a, b) = (ino("a/index.html"), ino("b.css"));
        // A link in the output is never followed into the new site.
        std::fs::write(dir.path().join("elsewhere"), "link").unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), out.join("c.txt")).unwrap();
        write_site(
            &out,
            &[
                f("a/index.html", "same"),
                f("b.css", "new"),
                f("c.txt", "link"),
            ],
        )
        .unwrap();
        assert_eq!(
            ino("a/index.html"),
            a,
            "the unchanged file is the same file"
        );
        assert_ne!(ino("b.css"), b);
        assert_eq!(std::fs::read_to_string(out.join("b.css")).unwrap(), "new");
        assert!(
            !std::fs::symlink_metadata(out.join("c.txt"))
                .unwrap()
                .is_symlink()
        );
        assert_eq!(
            std::fs::metadata(out.join("a/index.html")).unwrap().nlink(),
            1
        );
    }

    #[test]
    fn replaces_the_previous_site_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[f("index.html", "one"), f("old/index.html", "x")]).unwrap();
        write_site(&out, &[f("index.html", "two")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("old").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }

    #[cfg(unix)]
    #[test]
    fn links_and_clashing_entries_in_the_output_are_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("index.html"), "same").unwrap();
        write_site(&out, &[f("a.html", "x"), f("d/index.html", "y")]).unwrap();
        // A linked folder, a file where the site needs a folder, a folder where it needs a file.
        std::os::unix::fs::symlink(&elsewhere, out.join("t")).unwrap();
        std::fs::remove_file(out.join("a.html")).unwrap();
        std::fs::create_dir_all(out.join("a.html/inner")).unwrap();
        std::fs::remove_dir_all(out.join("d")).unwrap();
        std::fs::write(out.join("d"), "file").unwrap();
        write_site(
            &out,
            &[
                f("a.html", "x"),
                f("d/index.html", "y"),
                f("t/index.html", "same"),
            ],
        )
        .unwrap();
        assert!(std::fs::symlink_metadata(out.join("t")).unwrap().is_dir());
        assert_eq!(
            std::fs::read_to_string(out.join("t/index.html")).unwrap(),
            "same"
        );
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "x");
        assert_eq!(
            std::fs::read_to_string(out.join("d/index.html")).unwrap(),
            "y"
        );
        // Nothing was written through the link.
        let there: Vec<_> = std::fs::read_dir(&elsewhere).unwrap().collect();
        assert_eq!(there.len(), 1);
    }

    #[test]
    fn an_output_that_is_a_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::write(&out, "not a folder").unwrap();
        write_site(&out, &[f("index.html", "one")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "one"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }

    #[test]
    fn unstaged_changes_never_reach_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[f("index.html", "one"), f("gone.html", "x")]).unwrap();
        let staging = Staging::new(&out).unwrap();
        staging.write(&[f("index.html", "two")]).unwrap();
        drop(staging);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "one"
        );
        assert!(out.join("gone.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }

    #[test]
    fn refuses_paths_outside_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert!(write_site(&out, &[f("../evil.html", "x")]).is_err());
        assert!(!dir.path().join("evil.html").exists());
    }
}
