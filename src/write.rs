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

    /// Writes `files` into the staging folder, in parallel. A file whose bytes equal the
    /// current output's file of the same path becomes a hard link to it: nothing is written
    /// (most of a rebuild's files are unchanged), and deploy tools see its old timestamp.
    pub fn write(&self, files: &[OutFile]) -> Result<()> {
        files.par_iter().try_for_each(|f| {
            let rel = safe_relative(&f.path)?;
            let path = self.dir.path().join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            let previous = self.out.join(rel);
            if same_file_bytes(&previous, &f.bytes) && std::fs::hard_link(&previous, &path).is_ok()
            {
                return Ok(());
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

/// Whether `path` is a regular file (not a link) holding exactly `bytes`.
fn same_file_bytes(path: &Path, bytes: &[u8]) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
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

    #[test]
    fn refuses_paths_outside_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert!(write_site(&out, &[f("../evil.html", "x")]).is_err());
        assert!(!dir.path().join("evil.html").exists());
    }
}
