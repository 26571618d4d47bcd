//! Stage 5: write the rendered site. Files go to a temporary folder beside the target, which is
//! swapped in only once everything is written, so a failed build never damages the last good
//! site.

use crate::error::{Error, Result};
use crate::render::OutFile;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Writes `files` into `out`, replacing its previous content atomically (as far as the file
/// system allows: two renames).
pub fn write_site(out: &Path, files: &[OutFile]) -> Result<()> {
    let staging = Staging::new(out)?;
    staging.write(files)?;
    staging.commit()
}

/// A folder beside the output where a site is written in parts (pages while the search index
/// is still being built, say) before it replaces the output whole. Dropped without
/// [`Staging::commit`], it is removed and the output is untouched.
pub struct Staging {
    out: PathBuf,
    parent: PathBuf,
    name: String,
    dir: tempfile::TempDir,
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
        Ok(Staging {
            out: out.to_path_buf(),
            parent,
            name,
            dir,
        })
    }

    /// Writes `files` into the staging folder, in parallel.
    pub fn write(&self, files: &[OutFile]) -> Result<()> {
        files.par_iter().try_for_each(|f| {
            let path = self.dir.path().join(safe_relative(&f.path)?);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            std::fs::write(&path, &f.bytes).map_err(|e| Error::io(&path, e))
        })
    }

    /// Swaps the staged site in for the output.
    pub fn commit(self) -> Result<()> {
        let Staging {
            out,
            parent,
            name,
            dir,
        } = self;
        let staged = dir.keep();
        if out.exists() {
            let old = parent.join(format!(".{name}.old-{}", std::process::id()));
            std::fs::rename(&out, &old).map_err(|e| Error::io(&out, e))?;
            if let Err(e) = std::fs::rename(&staged, &out) {
                // Put the previous site back before reporting.
                let _ = std::fs::rename(&old, &out);
                let _ = std::fs::remove_dir_all(&staged);
                return Err(Error::io(&out, e));
            }
            remove_tree(&old)?;
        } else {
            std::fs::rename(&staged, &out).map_err(|e| Error::io(&out, e))?;
        }
        Ok(())
    }
}

/// Deletes a previous output: its files in parallel (tens of thousands on a large portal,
/// seconds one by one), then the folders.
fn remove_tree(dir: &Path) -> Result<()> {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    files.par_iter().for_each(|f| {
        // Whatever is left is removed (or reported) below.
        let _ = std::fs::remove_file(f);
    });
    std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))
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

    #[test]
    fn refuses_paths_outside_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert!(write_site(&out, &[f("../evil.html", "x")]).is_err());
        assert!(!dir.path().join("evil.html").exists());
    }
}
