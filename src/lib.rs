//! The MEDAL portal generator: curated task YAML, panel rationales and leaderboard JSON in, a
//! static, accessible website out.
//!
//! The pipeline has one module per stage: [`load`] → [`validate`] → [`compute`] → [`render`]
//! → [`write`]. The domain types are in [`model`]; see ARCHITECTURE.md.

pub mod compute;
pub mod config;
pub mod corpus;
pub mod error;
pub mod hostile;
pub mod load;
pub mod locate;
pub mod markdown;
pub mod model;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod search;
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
    /// Compute every ranking afresh instead of reading the ranking cache (`[build] cache_dir`).
    pub no_cache: bool,
}

impl BuildOptions {
    /// Build `root` into `<root>/public` with the settings of its medal.toml.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            out: None,
            base_url: None,
            drafts: false,
            no_cache: false,
        }
    }
}

/// What a build produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub out: PathBuf,
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// Things a curator should look at; they did not stop the build.
    pub warnings: Vec<error::Diagnostic>,
    /// Rankings read from the cache and computed afresh, as `(hits, misses)`; `None` without
    /// a cache.
    pub ranking_cache: Option<(usize, usize)>,
}

/// What [`render_site`] produced, before anything is written.
#[derive(Debug)]
pub struct Rendered {
    pub files: Vec<render::OutFile>,
    pub warnings: Vec<error::Diagnostic>,
    pub ranking_cache: Option<(usize, usize)>,
}

/// Loads and validates the portal: `Ok` with the warnings when no error remains, else every
/// problem (errors and warnings) sorted by file and line.
pub fn load_checked(root: &Path) -> Result<(model::Portal, Vec<error::Diagnostic>)> {
    let config = config::Config::load(root)?;
    load_checked_with(root, &config.limits())
}

/// [`load_checked`] with the loader's limits given (from `[check]` of medal.toml).
pub fn load_checked_with(
    root: &Path,
    limits: &hostile::Limits,
) -> Result<(model::Portal, Vec<error::Diagnostic>)> {
    check_root(root)?;
    let (portal, mut diags) = load::load_partial(root, limits)?;
    diags.extend(validate::validate(root, &portal));
    let diags = scaffold::prefer_placeholders(diags, scaffold::unfilled(root));
    if diags.iter().any(|d| d.is_error()) {
        return Err(Error::Content(diags));
    }
    Ok((portal, diags))
}

/// Loads, checks and renders the portal at `root` and builds its search index, without
/// writing anything (except to the ranking cache).
pub fn render_site(opts: &BuildOptions) -> Result<Rendered> {
    check_root(&opts.root)?;
    let mut config = config::Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = url.clone();
        config = config.normalized();
    }
    let (portal, warnings) = load_checked_with(&opts.root, &config.limits())?;
    let cache = (!opts.no_cache)
        .then(|| compute::RankingCache::new(opts.root.join(&config.build.cache_dir)));
    let computed = compute::compute_with(&portal, cache.as_ref());
    let theme = theme::Theme::load(&opts.root, &config.theme)?;
    let mut files = render::render(
        &portal,
        &computed,
        &config,
        &theme,
        &render::RenderOptions {
            drafts: opts.drafts,
        },
    )?;
    // The search index reads the rendered pages, so it holds exactly what the site shows.
    let (bundle, _) = search::index(&files, &config.language)?;
    files.extend(bundle);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Rendered {
        files,
        warnings,
        ranking_cache: cache.map(|c| c.stats()),
    })
}

/// The whole pipeline: a failed build leaves the previous output untouched.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let Rendered {
        files,
        warnings,
        ranking_cache,
    } = render_site(opts)?;
    let out = opts.out.clone().unwrap_or_else(|| opts.root.join("public"));
    write::write_site(&out, &files)?;
    Ok(BuildReport {
        out,
        pages: files.iter().filter(|f| f.path.ends_with(".html")).count(),
        files: files.len(),
        bytes: files.iter().map(|f| f.bytes.len() as u64).sum(),
        warnings,
        ranking_cache,
    })
}

/// Checks the portal at `root` without rendering: `Ok` with the warnings, or every problem.
pub fn check(root: &Path) -> Result<Vec<error::Diagnostic>> {
    load_checked(root).map(|(_, warnings)| warnings)
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
