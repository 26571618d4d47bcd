//! The MEDAL portal generator: curated task YAML, panel rationales and leaderboard JSON in, a
//! static, accessible website out.
//!
//! The pipeline has one module per stage: [`load`] → [`validate`] → [`compute`] → [`render`]
//! → [`write`]. The domain types are in [`model`]; see ARCHITECTURE.md.

pub mod compute;
pub mod config;
pub mod error;
pub mod load;
pub mod locate;
pub mod markdown;
pub mod model;
pub mod render;
pub mod theme;
pub mod validate;
pub mod write;

use error::{Error, Result};
use std::path::{Path, PathBuf};

/// What `medal build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; default `<root>/public`.
    pub out: Option<PathBuf>,
    /// Overrides `base_url` of medal.toml (e.g. for a preview under another host).
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// What a build produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub out: PathBuf,
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
}

/// Loads, checks and renders the portal at `root`, without writing anything.
pub fn render_site(opts: &BuildOptions) -> Result<Vec<render::OutFile>> {
    check_root(&opts.root)?;
    let mut config = config::Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = url.clone();
        config = config.normalized();
    }
    let portal = load::load(&opts.root)?;
    let diags = validate::validate(&opts.root, &portal);
    if !diags.is_empty() {
        return Err(Error::Content(diags));
    }
    let computed = compute::compute(&portal);
    let theme = theme::Theme::load(&opts.root, &config.theme)?;
    render::render(
        &portal,
        &computed,
        &config,
        &theme,
        &render::RenderOptions {
            drafts: opts.drafts,
        },
    )
}

/// The whole pipeline: a failed build leaves the previous output untouched.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let files = render_site(opts)?;
    let out = opts.out.clone().unwrap_or_else(|| opts.root.join("public"));
    write::write_site(&out, &files)?;
    Ok(BuildReport {
        out,
        pages: files.iter().filter(|f| f.path.ends_with(".html")).count(),
        files: files.len(),
        bytes: files.iter().map(|f| f.bytes.len() as u64).sum(),
    })
}

/// Checks the portal at `root` without rendering: every content problem found.
pub fn check(root: &Path) -> Result<()> {
    check_root(root)?;
    config::Config::load(root)?;
    let portal = load::load(root)?;
    let diags = validate::validate(root, &portal);
    if diags.is_empty() {
        Ok(())
    } else {
        Err(Error::Content(diags))
    }
}

/// A mistyped `--root` should say so, not build an empty site.
fn check_root(root: &Path) -> Result<()> {
    if !root.is_dir() {
        return Err(Error::Config {
            path: root.to_path_buf(),
            message: "the portal root does not exist or is not a folder".into(),
        });
    }
    if !root.join("content").is_dir() && !root.join("data").is_dir() {
        return Err(Error::Config {
            path: root.to_path_buf(),
            message: "no content/ or data/ folder here: is --root the portal repository?".into(),
        });
    }
    Ok(())
}
