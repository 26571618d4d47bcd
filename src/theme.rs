//! The theme: templates and static files. The default theme is built into the binary, so a
//! portal repository that holds only `content/` and `data/` builds; a `themes/<name>/` folder in
//! the portal root overrides its files one by one.

use crate::error::{Error, Result};
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use std::path::Path;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/medal");

/// The name of the built-in theme.
pub const DEFAULT_THEME_NAME: &str = "medal";

#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (path under `templates/`, with '/') → source.
    pub templates: BTreeMap<String, String>,
    /// Path under `static/` → bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Interface strings: language code → the catalogs that define it (`i18n/<code>.toml`), the
    /// built-in one first, then the portal's: (where it comes from, TOML text).
    pub catalogs: BTreeMap<String, Vec<(String, String)>>,
}

impl Theme {
    /// The built-in theme overlaid with `root/themes/<name>/`, if that folder exists. A theme
    /// other than the built-in one must exist on disk.
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let mut theme = Theme::default();
        collect_embedded(&DEFAULT_THEME, &mut theme);
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            overlay(&dir, &format!("themes/{name}"), &mut theme)?;
        } else if name != DEFAULT_THEME_NAME {
            return Err(Error::Config {
                path: root.join("medal.toml"),
                message: format!(
                    "theme `{name}` not found: expected the folder {}",
                    dir.display()
                ),
            });
        }
        // The portal's own files (a sign-language video, its poster and captions) are
        // published under /static/ beside the theme's, overriding a theme file of the same name.
        let own = root.join("static");
        if own.is_dir() {
            overlay_statics(&own, &mut theme)?;
        }
        Ok(theme)
    }
}

/// Every file under `dir` (a portal's `static/` folder) as a static file of the theme.
fn overlay_statics(dir: &Path, theme: &mut Theme) -> Result<()> {
    for (rel, path) in files_under(dir)? {
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        theme.statics.insert(rel, bytes);
    }
    Ok(())
}

/// Every visible file under `dir`, by its path relative to `dir` (with `/`), in name order.
fn files_under(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io(path, e.into())
        })?;
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        out.push((rel, entry.path().to_path_buf()));
    }
    Ok(out)
}

fn collect_embedded(dir: &Dir<'static>, theme: &mut Theme) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(name) = path.strip_prefix("templates/") {
            if let Some(text) = file.contents_utf8() {
                theme.templates.insert(name.to_string(), text.to_string());
            }
        } else if let Some(name) = path.strip_prefix("static/") {
            theme
                .statics
                .insert(name.to_string(), file.contents().to_vec());
        } else if let Some(code) = path
            .strip_prefix("i18n/")
            .and_then(|n| n.strip_suffix(".toml"))
            && let Some(text) = file.contents_utf8()
        {
            theme.catalogs.entry(code.to_string()).or_default().push((
                format!("built-in theme: i18n/{code}.toml"),
                text.to_string(),
            ));
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, theme);
    }
}

/// `shown`: how diagnostics name the folder (`themes/<name>`, relative to the portal root).
fn overlay(dir: &Path, shown: &str, theme: &mut Theme) -> Result<()> {
    for (rel, path) in files_under(dir)? {
        if let Some(name) = rel.strip_prefix("templates/") {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            theme.templates.insert(name.to_string(), text);
        } else if let Some(name) = rel.strip_prefix("static/") {
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            theme.statics.insert(name.to_string(), bytes);
        } else if let Some(code) = rel
            .strip_prefix("i18n/")
            .and_then(|n| n.strip_suffix(".toml"))
        {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            theme
                .catalogs
                .entry(code.to_string())
                .or_default()
                .push((format!("{shown}/{rel}"), text));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_in_the_root_override_the_built_in_theme() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("themes/medal/templates");
        std::fs::create_dir_all(&t).unwrap();
        std::fs::write(t.join("404.html"), "custom").unwrap();
        let theme = Theme::load(dir.path(), "medal").unwrap();
        assert_eq!(theme.templates["404.html"], "custom");
        assert!(
            theme.templates.contains_key("base.html"),
            "the rest stays built in"
        );
    }

    #[test]
    fn the_portal_static_folder_joins_the_theme_statics() {
        let dir = tempfile::tempdir().unwrap();
        let v = dir.path().join("static/video");
        std::fs::create_dir_all(&v).unwrap();
        std::fs::write(v.join("clip.webm"), b"webm").unwrap();
        std::fs::write(v.join(".hidden"), b"x").unwrap();
        let theme = Theme::load(dir.path(), "medal").unwrap();
        assert_eq!(theme.statics["video/clip.webm"], b"webm");
        assert!(!theme.statics.contains_key("video/.hidden"));
        assert!(theme.statics.contains_key("style.css"), "the theme's stay");
    }

    #[test]
    fn a_missing_custom_theme_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Theme::load(dir.path(), "nope").is_err());
    }
}
