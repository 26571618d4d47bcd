//! The MEDAL portal generator: curated task YAML, panel rationales and leaderboard JSON in, a
//! static, accessible website out.
//!
//! The pipeline has one module per stage: [`load`] → [`validate`] → [`compute`] → [`render`]
//! → [`write`]. The domain types are in [`model`]; see ARCHITECTURE.md.

pub mod compute;
pub mod config;
pub mod corpus;
pub mod error;
pub mod fingerprint;
pub mod hostile;
pub mod incremental;
pub mod links;
pub mod load;
pub mod locate;
pub mod markdown;
pub mod model;
pub mod output;
pub mod release;
pub mod render;
pub mod reuse;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod shape;
pub mod store;
pub mod syntax;
pub mod theme;
pub mod timings;
pub mod validate;
pub mod write;

use error::{Error, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;
use timings::{Progress, Silent, Timings};

/// What `medal build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; default `<root>/public`.
    pub out: Option<PathBuf>,
    /// Overrides `base_url` of medal.toml (e.g. for a preview under another host).
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Compute everything afresh: the ranking, page, Markdown and search caches
    /// (`[build] cache_dir`) are neither read nor written.
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
    /// HTML pages whose finished bytes and link scan came from the page cache (same template
    /// and context as a cached page), and pages rendered afresh, as `(hits, misses)`; `None`
    /// without a cache.
    pub page_cache: Option<(usize, usize)>,
    /// Whether the search bundle came from the cache.
    pub search_cached: bool,
    /// Load, validate, compute, render, search, links, write.
    pub timings: Timings,
    /// External link → pages using it (listed by `medal check --external`, never fetched).
    pub external_links: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    /// Nothing changed since the last build: its output was kept as it was (see
    /// [`fingerprint`]), and the figures above are that build's.
    pub unchanged: bool,
}

/// A site rendered in memory and checked, links included, but not written.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The site's files, sorted by path; empty when the build wrote them (see `stats`).
    pub files: Vec<output::OutFile>,
    /// Pages, files and bytes of the site.
    pub stats: SiteStats,
    pub warnings: Vec<error::Diagnostic>,
    pub ranking_cache: Option<(usize, usize)>,
    pub page_cache: Option<(usize, usize)>,
    pub search_cached: bool,
    pub timings: Timings,
    pub external_links: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
}

/// How big a rendered site is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SiteStats {
    /// HTML pages.
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
}

impl SiteStats {
    fn of(files: &[output::OutFile]) -> SiteStats {
        SiteStats {
            pages: files.iter().filter(|f| f.path.ends_with(".html")).count(),
            files: files.len(),
            bytes: files.iter().map(|f| f.bytes.len() as u64).sum(),
        }
    }

    /// These figures with `extra` files added (the search bundle has a folder of its own, so
    /// no path is counted twice).
    fn plus(self, extra: &[output::OutFile]) -> SiteStats {
        let more = SiteStats::of(extra);
        SiteStats {
            pages: self.pages + more.pages,
            files: self.files + more.files,
            bytes: self.bytes + more.bytes,
        }
    }
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
    let (portal, diags) = load::load_partial(root, limits)?;
    let warnings = checked(root, &portal, diags)?;
    Ok((portal, warnings))
}

/// Loads, checks and renders the portal at `root` and builds its search index, without
/// writing anything (except to the ranking cache).
pub fn render_site(opts: &BuildOptions) -> Result<Rendered> {
    render_site_with(opts, &Silent)
}

/// The configuration of a build: medal.toml with `--base-url` applied.
pub fn build_config(opts: &BuildOptions) -> Result<config::Config> {
    let mut config = config::Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config::check_base_url(url).map_err(|message| Error::Config {
            path: PathBuf::from("--base-url"),
            message,
        })?;
        config.base_url = url.clone();
        config = config.normalized();
    }
    Ok(config)
}

/// [`render_site`], phase by phase, telling `progress`; a broken internal link or anchor in
/// the rendered pages is an error naming the page and the link.
pub fn render_site_with(opts: &BuildOptions, progress: &dyn Progress) -> Result<Rendered> {
    render_pipeline(opts, progress, true, None, None)
}

/// The stages up to a checked site in memory. With `staging`, the pages are written there
/// while the search index is built (on a thread of its own: it is the longest single-threaded
/// stage), then the index files.
fn render_pipeline(
    opts: &BuildOptions,
    progress: &dyn Progress,
    with_search: bool,
    staging: Option<&write::Staging>,
    inputs: Option<&fingerprint::Inputs>,
) -> Result<Rendered> {
    check_root(&opts.root)?;
    let mut t = Timings::default();
    let config = build_config(opts)?;
    let cache_dir = opts.root.join(&config.build.cache_dir);
    let scan_cache = (!opts.no_cache).then(|| cache_dir.join("_scanned.bin"));
    if let Some(path) = &scan_cache {
        hostile::load_passed(path);
    }
    let loaded = t.phase("load", progress, || {
        load::load_partial(&opts.root, &config.limits())
    });
    if let Some(path) = &scan_cache {
        hostile::save_passed(path);
    }
    let (portal, diags) = loaded?;
    let warnings = t.phase("validate", progress, || checked(&opts.root, &portal, diags))?;
    let cache = (!opts.no_cache).then(|| compute::RankingCache::new(&cache_dir));
    let page_cache = (!opts.no_cache).then(|| reuse::PageCache::new(&cache_dir));
    let search_cache = (!opts.no_cache).then(|| reuse::SearchCache::new(&cache_dir));
    let computed = t.phase("rankings", progress, || {
        compute::compute_with(
            &portal,
            &compute::Inputs {
                cache: cache.as_ref(),
                ..Default::default()
            },
        )
    });
    let theme = theme::Theme::load(&opts.root, &config.theme)?;
    let markdown_cache = (!opts.no_cache).then(|| cache_dir.join("_markdown.bin"));
    if let Some(path) = &markdown_cache {
        markdown::load_cache(path);
    }
    let mut plan = t.phase("plan", progress, || {
        render::plan(
            &portal,
            &computed,
            &config,
            &theme,
            &render::RenderOptions {
                drafts: opts.drafts,
                defer_tasks: true,
                ..Default::default()
            },
        )
    })?;
    let started = Instant::now();
    progress.start("render", Some(plan.jobs.len() as u64));
    let n_jobs = plan.jobs.len();
    // Kept to report a broken link where it was written (the plan goes into the pages).
    let page_sources = plan.page_sources();
    let task_keys = inputs.map(fingerprint::Inputs::task_keys);
    let sources = render::Sources {
        portal: &portal,
        computed: &computed,
        config: &config,
        task_keys: task_keys.as_ref(),
    };
    let mut pages = plan.render_ready(page_cache.as_ref(), &|| progress.advance(1))?;
    pages.extend(plan.render_tasks(sources, page_cache.as_ref(), &|| progress.advance(1))?);
    // The task pages rendered their Markdown while rendering (their contexts are deferred).
    match &markdown_cache {
        Some(path) => markdown::save_cache(path),
        None => markdown::forget(),
    }
    // At 10,000 tasks the portal and the rankings are a gigabyte that the rest of the build
    // does not read: freed before the other pages pile up.
    drop(task_keys);
    drop(computed);
    drop(portal);
    let files = plan.into_files_with(pages, page_cache.as_ref(), &|| progress.advance(1))?;
    t.record("render", started.elapsed(), Some(n_jobs), progress);
    // Shared with the search indexer, which lets go of the pages once it has fed them all:
    // when the pages are written by then, the index files (the peak of a large build) are
    // built without the rendered site in memory.
    let files = std::sync::Arc::new(files);
    let indexer = with_search.then(|| {
        let files = std::sync::Arc::clone(&files);
        let language = config.search_languages();
        std::thread::spawn(move || {
            let started = Instant::now();
            let r = search_bundle(files, &language, search_cache.as_ref());
            (r, started.elapsed())
        })
    });
    let known = page_cache.as_ref().map(|c| c.scans()).unwrap_or_default();
    let (report, scans) = t.phase("links", progress, || {
        links::check_with(&files, &config.base_url, known)
    });
    if let Some(c) = &page_cache {
        t.phase("cache", progress, || c.store(&files, &scans));
    }
    drop(scans);
    let mut written = Ok(());
    if let Some(staging) = staging.filter(|_| report.broken.is_empty()) {
        written = t.phase("write", progress, || staging.write(&files));
        if let Some(last) = t.phases.last_mut() {
            last.items = Some(files.len());
        }
    }
    // Written pages are on disk: only their figures are kept.
    let (files, on_disk) = match staging {
        Some(_) => (None, SiteStats::of(&files)),
        None => (Some(files), SiteStats::default()),
    };
    let bundle = match indexer {
        Some(h) => {
            progress.start("search", None);
            let (r, took) = h
                .join()
                .map_err(|_| Error::Output("the search indexer stopped".into()))?;
            let (bundle, pages, cached) = r?;
            t.record("search", took, Some(pages), progress);
            (bundle, cached)
        }
        None => (Vec::new(), false),
    };
    written?;
    let (bundle, search_cached) = bundle;
    if !report.broken.is_empty() {
        let prefixes = config.other_prefixes();
        let origins = links::Origins {
            pages: &page_sources,
            root: &opts.root,
            templates: &theme.templates,
            theme: &config.theme,
            base_url: &config.base_url,
            prefixes: &prefixes,
        };
        return Err(Error::Content(links::diagnostics(&report.broken, &origins)));
    }
    if let Some(staging) = staging {
        t.phase("write", progress, || staging.write(&bundle))?;
        if let Some(last) = t.phases.last_mut() {
            last.items = Some(bundle.len());
        }
    }
    let (files, stats) = match files {
        // The indexer has let go of them by now.
        Some(files) => {
            let files = std::sync::Arc::try_unwrap(files).unwrap_or_else(|f| f.to_vec());
            let files = render::finish(files, bundle);
            let stats = SiteStats::of(&files);
            (files, stats)
        }
        None => (Vec::new(), on_disk.plus(&bundle)),
    };
    if let Some(c) = page_cache.as_ref().filter(|_| staging.is_some()) {
        // A build keeps the entries of the site it wrote; `medal check` leaves them alone.
        c.sweep();
    }
    Ok(Rendered {
        files,
        stats,
        warnings,
        ranking_cache: cache.map(|c| c.stats()),
        page_cache: page_cache.map(|c| c.stats()),
        search_cached,
        timings: t,
        external_links: report.external,
    })
}

/// The search bundle of `files`, from `cache` when no page changed: the files, the number
/// of pages indexed, and whether they came from the cache. `files` is let go of before the
/// index files are built.
fn search_bundle(
    files: std::sync::Arc<Vec<output::OutFile>>,
    language: &str,
    cache: Option<&reuse::SearchCache>,
) -> Result<(Vec<output::OutFile>, usize, bool)> {
    let keyed = cache.map(|cache| {
        let pages = files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice()));
        (cache, reuse::SearchCache::key(pages, language))
    });
    if let Some((cache, key)) = &keyed
        && let Some((bundle, n)) = cache.get(key)
    {
        return Ok((bundle, n, true));
    }
    let mut indexer = search::Indexer::new(language)?;
    for f in files.iter() {
        indexer.add(&f.path, &f.bytes)?;
    }
    drop(files);
    let (bundle, summary) = indexer.finish()?;
    if let Some((cache, key)) = &keyed {
        cache.store(key, &bundle, summary.pages);
    }
    Ok((bundle, summary.pages, false))
}

/// Validation after loading: `Ok` with the warnings when no error remains.
pub(crate) fn checked(
    root: &Path,
    portal: &model::Portal,
    diags: Vec<error::Diagnostic>,
) -> Result<Vec<error::Diagnostic>> {
    checked_with(root, portal, diags, None)
}

/// [`checked`] with a memo of each task's own problems (`medal serve`).
pub(crate) fn checked_with(
    root: &Path,
    portal: &model::Portal,
    mut diags: Vec<error::Diagnostic>,
    memo: Option<&validate::Memo>,
) -> Result<Vec<error::Diagnostic>> {
    diags.extend(validate::validate_with(root, portal, memo));
    let diags = scaffold::prefer_placeholders(
        diags,
        scaffold::unfilled(root, memo.map(validate::Memo::placeholders)),
    );
    if diags.iter().any(|d| d.is_error()) {
        return Err(Error::Content(diags));
    }
    Ok(diags)
}

/// The whole pipeline: a failed build leaves the previous output untouched.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    build_with(opts, &Silent)
}

/// [`build`], telling `progress` about each phase.
pub fn build_with(opts: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport> {
    check_root(&opts.root)?;
    let out = opts.out.clone().unwrap_or_else(|| opts.root.join("public"));
    let mut t = Timings::default();
    // With nothing changed since the last build, its output is the answer.
    let cache_dir = match opts.no_cache {
        true => None,
        false => Some(opts.root.join(&build_config(opts)?.build.cache_dir)),
    };
    let inputs = cache_dir.as_ref().and_then(|_| {
        t.phase("inputs", progress, || {
            let options = format!("{:?} {:?} {}", opts.out, opts.base_url, opts.drafts);
            fingerprint::inputs(&opts.root, &options)
        })
    });
    if let (Some(dir), Some(inputs)) = (&cache_dir, &inputs)
        && let Some(kept) = t.phase("unchanged", progress, || {
            fingerprint::unchanged(dir, &inputs.total, &out)
        })
    {
        return Ok(BuildReport {
            out,
            pages: kept.pages,
            files: kept.files,
            bytes: kept.bytes,
            warnings: kept.warnings,
            ranking_cache: None,
            page_cache: None,
            search_cached: true,
            timings: t,
            external_links: kept.external_links,
            unchanged: true,
        });
    }
    // Removed again, with the output untouched, if anything below fails.
    let staging = write::Staging::new(&out)?;
    let Rendered {
        files: _,
        stats,
        warnings,
        ranking_cache,
        page_cache,
        search_cached,
        timings,
        external_links,
    } = render_pipeline(opts, progress, true, Some(&staging), inputs.as_ref())?;
    t.phases.extend(timings.phases);
    t.phase("swap", progress, || staging.commit())?;
    let kept = fingerprint::Kept {
        pages: stats.pages,
        files: stats.files,
        bytes: stats.bytes,
        warnings,
        external_links,
    };
    if let (Some(dir), Some(inputs)) = (&cache_dir, &inputs) {
        fingerprint::record(dir, &inputs.total, &out, kept.clone());
    }
    Ok(BuildReport {
        out,
        pages: kept.pages,
        files: kept.files,
        bytes: kept.bytes,
        warnings: kept.warnings,
        ranking_cache,
        page_cache,
        search_cached,
        timings: t,
        external_links: kept.external_links,
        unchanged: false,
    })
}

/// `medal check`: the content checks, then the site rendered in memory and its links
/// checked; nothing is written.
/// The search index is left out: it reads the pages but cannot break them.
pub fn check_site(opts: &BuildOptions, progress: &dyn Progress) -> Result<Rendered> {
    render_pipeline(opts, progress, false, None, None)
}

/// Checks the portal at `root` without rendering: `Ok` with the warnings, or every problem.
pub fn check(root: &Path) -> Result<Vec<error::Diagnostic>> {
    load_checked(root).map(|(_, warnings)| warnings)
}

/// A mistyped `--root` should say so, not build an empty site.
pub(crate) fn check_root(root: &Path) -> Result<()> {
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
