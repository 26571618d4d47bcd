//! Stage 4: render every page with the theme's Tera templates, in parallel, into memory.
//!
//! To add a page type: build its context in [`views`], push a [`Job`] in the function of its
//! page family (listed in `FAMILIES`; a new family is one more such function), and add the
//! template to the default theme (and to `docs/templates.md`).

pub mod api;
pub mod charts;
pub mod citation;
pub mod format;
pub mod frozen;
pub mod i18n;
pub mod opendata;
pub mod progress;
pub mod releases;
pub mod views;

use crate::compute::Computed;
use crate::config::{Config, Language};
use crate::error::{Error, Result};
use crate::markdown::{self, Placement};
use crate::model::*;
use crate::output::{OutFile, PageSource};
use crate::reuse::PageCache;
use crate::theme::Theme;
use rayon::prelude::*;
use serde_json::{Value, json};
use views::FacetKind;

#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Include reports, news and pages marked `draft: true`.
    pub drafts: bool,
    /// Build the contexts of these tasks' own pages only (task, data card, analysis); the
    /// other tasks' jobs are listed with `built: false` (incremental rebuilds keep their
    /// previous output). `None`: every task.
    pub only_tasks: Option<std::collections::BTreeSet<String>>,
    /// Leave every task's own pages unbuilt in the plan; [`Plan::into_files`] builds each
    /// task's contexts just before rendering its pages, so only the contexts in flight are in
    /// memory (at 10,000 tasks, all of them at once were gigabytes).
    pub defer_tasks: bool,
    /// Leave [`Plan::extras`] empty: `medal serve` serves an edit's pages first and makes the
    /// downloads and feeds afterwards with [`extra_files`].
    pub defer_extras: bool,
    /// Plan the own pages of the tasks in `only_tasks` and nothing else (`medal serve`'s quick
    /// pass after a text edit; the rest follows).
    pub tasks_only: bool,
}

/// A page to render: where it goes, with which template and context. The output of a job is
/// a function of its template (and the templates that one uses), its context and the site
/// globals only, which is what incremental rebuilds rely on.
#[derive(Debug, Clone)]
pub struct Job {
    /// URL relative to the base ("" for home, "tasks/x/"), or a file name ("404.html").
    pub url: String,
    pub template: &'static str,
    pub ctx: Value,
    /// The task whose own page this is (task, data card, analysis), if any.
    pub task: Option<String>,
    /// False when the context was not built (see [`RenderOptions::only_tasks`]).
    pub built: bool,
    /// The page's language: an index into [`Plan::languages`] (0: the default language).
    pub lang: usize,
    /// The content files whose text the page shows (relative to the root): where a broken
    /// link on it is looked for first.
    pub sources: Vec<String>,
}

impl Job {
    fn new(url: impl Into<String>, template: &'static str, page: Value, extra: Value) -> Job {
        let mut ctx = match extra {
            Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        ctx.insert("page".into(), page);
        let mut ctx = Value::Object(ctx);
        crate::hostile::scrub_links(&mut ctx);
        Job {
            url: url.into(),
            template,
            ctx,
            task: None,
            built: true,
            lang: 0,
            sources: Vec::new(),
        }
    }

    /// The job as a page of language `lang`, under its URL prefix: `page.url` is where the
    /// page is, `page.path` the same page's URL without the prefix (for the alternates).
    fn localize(mut self, lang: usize, prefix: &str) -> Job {
        let path = self.url.clone();
        self.url = format!("{prefix}{path}");
        self.lang = lang;
        if let Some(page) = self.ctx.get_mut("page").and_then(Value::as_object_mut) {
            page.insert("url".into(), Value::String(self.url.clone()));
            page.insert("path".into(), Value::String(path));
        }
        self
    }

    /// The job, noting that the page shows the text of `files`.
    fn shows(mut self, files: impl IntoIterator<Item = String>) -> Job {
        self.sources.extend(files);
        self
    }

    /// The output file: `tasks/x/` → `tasks/x/index.html`.
    pub fn path(&self) -> String {
        if self.url.is_empty() {
            "index.html".into()
        } else if self.url.ends_with('/') {
            format!("{}index.html", self.url)
        } else {
            self.url.clone()
        }
    }
}

/// Everything a render needs, before any page is rendered: the templates with the site
/// globals, one job per page, and the files that do not come from templates.
pub struct Plan {
    /// The templates with each language's globals, in the order of `languages`.
    pub teras: Vec<tera::Tera>,
    /// The globals every template sees (`site`, `labels`, `tr`), one object per language: a
    /// page depends on them too.
    pub globals: Value,
    /// The site's languages, the default first.
    pub languages: Vec<Language>,
    /// Their formatting and strings for contexts built later (deferred task pages).
    locales: Vec<Option<std::sync::Arc<format::Locale>>>,
    pub jobs: Vec<Job>,
    /// robots.txt, syntax.css, downloads, schemas and the theme's static files.
    pub extras: Vec<OutFile>,
    minify: bool,
    /// Task pages left unbuilt for [`Plan::into_files`] (see [`RenderOptions::defer_tasks`]).
    deferred: bool,
    /// What every page depends on besides its template name and context (templates,
    /// globals, minify), per language: part of each page's cache key.
    site_inputs: Vec<blake3::Hash>,
}

/// What deferred task pages are built from.
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    pub portal: &'a Portal,
    pub computed: &'a Computed,
    pub config: &'a Config,
    /// What each task's own pages are made from: with a page cache, a task whose inputs
    /// are unchanged takes its pages from the cache without building their contexts.
    pub task_keys: Option<&'a crate::fingerprint::TaskKeys>,
}

/// What every language's pages and files are made from: the languages (the default first),
/// the portal as each other language shows it, the catalogs and the formatting.
struct Languages {
    languages: Vec<Language>,
    localized: Vec<Option<Portal>>,
    catalogs: Vec<i18n::Catalog>,
    locales: Vec<Option<std::sync::Arc<format::Locale>>>,
    labels: Value,
}

impl Languages {
    fn new(portal: &Portal, config: &Config, theme: &Theme) -> Result<Languages> {
        let languages = config.site_languages();
        // Each other language sees the portal with its translations in place.
        let localized: Vec<Option<Portal>> = languages
            .iter()
            .enumerate()
            .map(|(i, l)| (i > 0).then(|| i18n::localize(portal, &l.code, &languages[0].code)))
            .collect();
        let labels = views::labels();
        let catalogs = i18n::load(theme, &config.theme, &languages, &labels)?;
        let locales = catalogs
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (i > 0).then(|| {
                    std::sync::Arc::new(format::Locale {
                        code: c.code.clone(),
                        strings: c.strings.clone(),
                    })
                })
            })
            .collect();
        Ok(Languages {
            languages,
            localized,
            catalogs,
            locales,
            labels,
        })
    }
}

/// The portal each language's pages show.
fn portals<'a>(localized: &'a [Option<Portal>], portal: &'a Portal) -> Vec<&'a Portal> {
    localized
        .iter()
        .map(|p| p.as_ref().unwrap_or(portal))
        .collect()
}

/// Every file of the site that is not a rendered page: downloads, feeds, printed reports,
/// the theme's files (what [`Plan::extras`] holds unless [`RenderOptions::defer_extras`]).
pub fn extra_files(
    portal: &Portal,
    computed: &Computed,
    config: &Config,
    theme: &Theme,
    opts: &RenderOptions,
) -> Result<Vec<OutFile>> {
    let l = Languages::new(portal, config, theme)?;
    let portals = portals(&l.localized, portal);
    let mut out = extras(portal, computed, config, theme);
    out.extend(print_files(
        &portals,
        &l.locales,
        &l.languages,
        computed,
        opts,
    ));
    Ok(out)
}

/// Lists the pages and prepares the templates, without rendering.
pub fn plan(
    portal: &Portal,
    computed: &Computed,
    config: &Config,
    theme: &Theme,
    opts: &RenderOptions,
) -> Result<Plan> {
    let shown = |draft: bool| opts.drafts || !draft;
    let Languages {
        languages,
        localized,
        catalogs,
        locales,
        labels,
    } = Languages::new(portal, config, theme)?;
    let portals = portals(&localized, portal);
    let pages: Vec<Vec<&Doc<PageMeta>>> = portals
        .iter()
        .map(|p| p.pages.iter().filter(|p| shown(p.meta.draft)).collect())
        .collect();
    let mut teras = Vec::new();
    let mut globals = Vec::new();
    let mut site_inputs = Vec::new();
    for ((lang, catalog), pages) in languages.iter().zip(&catalogs).zip(&pages) {
        let locale = locales.get(globals.len()).cloned().flatten();
        let (tera, g) = format::with_locale(locale.as_ref(), || {
            templates(theme, lang, &languages, pages, catalog, &labels)
        })?;
        site_inputs.push(crate::reuse::site_inputs(
            theme
                .templates
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
            &g,
            config.build.minify,
        ));
        teras.push(tera);
        globals.push(g);
    }
    // The downloads and other non-page files are independent of the pages' contexts, and of
    // the language.
    let (jobs, mut extras) = rayon::join(
        || all_jobs(&locales, &portals, computed, &languages, opts, &pages),
        || match opts.defer_extras {
            true => Vec::new(),
            false => extras(portal, computed, config, theme),
        },
    );
    if !opts.defer_extras {
        extras.extend(print_files(&portals, &locales, &languages, computed, opts));
    }
    Ok(Plan {
        teras,
        globals: Value::Array(globals),
        languages,
        locales,
        jobs,
        extras,
        minify: config.build.minify,
        deferred: opts.defer_tasks,
        site_inputs,
    })
}

/// Every file of the site that is not a rendered page.
fn extras(portal: &Portal, computed: &Computed, config: &Config, theme: &Theme) -> Vec<OutFile> {
    let mut extras = vec![
        OutFile {
            path: "robots.txt".into(),
            bytes: format!(
                "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
                config.base_url
            )
            .into_bytes(),
        },
        // GitHub Pages would run Jekyll over the site otherwise (and drop `_`-prefixed files).
        OutFile {
            path: ".nojekyll".into(),
            bytes: Vec::new(),
        },
        OutFile {
            path: "static/syntax.css".into(),
            bytes: markdown::syntax_css().into_bytes(),
        },
    ];
    // The two largest sets of downloads, side by side (they are most of a cold plan).
    let (api, opendata) = rayon::join(
        || api::files(portal, computed),
        || opendata::files(portal, computed, &config.base_url),
    );
    extras.extend(api);
    extras.extend(opendata);
    extras.extend(releases::files(portal, config));
    for (name, text) in crate::schema::all(&config.base_url) {
        extras.push(OutFile {
            path: format!("schemas/{name}"),
            bytes: text.into_bytes(),
        });
    }
    for (path, bytes) in &theme.statics {
        extras.push(OutFile {
            path: format!("static/{path}"),
            bytes: bytes.clone(),
        });
    }
    extras
}

/// The footer of printed reports and of the progress page, per language: a print stylesheet
/// beside each page, with its title, date and address in the page's language.
fn print_files(
    portals: &[&Portal],
    locales: &[Option<std::sync::Arc<format::Locale>>],
    languages: &[Language],
    computed: &Computed,
    opts: &RenderOptions,
) -> Vec<OutFile> {
    let shown = |draft: bool| opts.drafts || !draft;
    let mut out = Vec::new();
    for (i, (portal, lang)) in portals.iter().zip(languages).enumerate() {
        let locale = locales.get(i).cloned().flatten();
        let (prefix, base) = (&lang.prefix, &lang.config.base_url);
        format::with_locale(locale.as_ref(), || {
            for r in portal.reports.iter().filter(|r| shown(r.meta.draft)) {
                let url = views::doc_url("reports", r);
                let footer = format::tr_with(
                    "print_report_footer",
                    &[
                        ("title", &r.meta.title),
                        ("date", &format::date(&r.meta.published)),
                    ],
                );
                out.push(OutFile {
                    path: format!("{prefix}{url}print.css"),
                    bytes: progress::print_css(&footer, &format!("{base}{prefix}{url}"))
                        .into_bytes(),
                });
            }
            if let Some(d) = &computed.as_of {
                let footer = format::tr_with(
                    "print_progress_footer",
                    &[("site", &lang.config.title), ("date", &format::date(d))],
                );
                out.push(OutFile {
                    path: format!("{prefix}progress/print.css"),
                    bytes: progress::print_css(&footer, &format!("{base}{prefix}progress/"))
                        .into_bytes(),
                });
            }
        });
    }
    out
}

impl Plan {
    /// What each page (by output path) is made from, for locating its broken links.
    pub fn page_sources(&self) -> std::collections::HashMap<String, PageSource> {
        self.jobs
            .iter()
            .map(|j| {
                let source = PageSource {
                    template: j.template.to_string(),
                    files: j.sources.clone(),
                };
                (j.path(), source)
            })
            .collect()
    }

    /// Renders one page (and minifies it when `[build] minify` is on).
    pub fn render_job(&self, job: &Job) -> Result<OutFile> {
        render_page(&self.teras, self.minify, job, None).map(|(f, _)| f)
    }

    /// Renders every page in parallel, calling `on_page` after each, and returns the whole
    /// site sorted by path.
    pub fn render_all(&self, on_page: &(dyn Fn() + Sync)) -> Result<Vec<OutFile>> {
        let pages: Vec<OutFile> = self
            .jobs
            .par_iter()
            .filter(|job| job.built)
            .map(|job| {
                let f = self.render_job(job);
                on_page();
                f
            })
            .collect::<Result<_>>()?;
        Ok(finish(pages, self.extras.iter().cloned()))
    }

    /// [`Plan::render_all`] for a one-off build: each page's context is freed as soon as the
    /// page is rendered, deferred task pages are built from `sources` a task at a time, and
    /// the other files move instead of being copied, so contexts and pages are not all in
    /// memory at once. With `cache`, a page whose template and context are cached is neither
    /// rendered nor minified again.
    pub fn into_files(
        mut self,
        sources: Sources,
        cache: Option<&PageCache>,
        on_page: &(dyn Fn() + Sync),
    ) -> Result<Vec<OutFile>> {
        let mut pages = self.render_ready(cache, on_page)?;
        pages.extend(self.render_tasks(sources, cache, on_page)?);
        self.into_files_with(pages, cache, on_page)
    }

    /// The pages whose contexts the plan holds (all but deferred task pages), each context
    /// freed as soon as its page is rendered: at 10,000 tasks the listings' contexts are more
    /// than a gigabyte, so they go first.
    pub fn render_ready(
        &mut self,
        cache: Option<&PageCache>,
        on_page: &(dyn Fn() + Sync),
    ) -> Result<Vec<OutFile>> {
        let ready = self.take_jobs(true);
        let cache = cache.map(|c| (c, self.site_inputs.as_slice()));
        let (teras, minify) = (&self.teras, self.minify);
        ready
            .into_par_iter()
            .map(|job| {
                let f = render_page(teras, minify, &job, cache).map(|(f, _)| f);
                drop(job);
                on_page();
                f
            })
            .collect()
    }

    /// The deferred task pages (see [`RenderOptions::defer_tasks`]), built from `sources` a
    /// task at a time. Afterwards the plan needs `sources` no more: a one-off build frees the
    /// portal and the rankings (a gigabyte at 10,000 tasks) before [`Plan::into_files_with`]
    /// renders the other pages.
    pub fn render_tasks(
        &mut self,
        sources: Sources,
        cache: Option<&PageCache>,
        on_page: &(dyn Fn() + Sync),
    ) -> Result<Vec<OutFile>> {
        let unbuilt = self.take_jobs(false);
        let cache = cache.map(|c| (c, self.site_inputs.as_slice()));
        let mut tasks: Vec<(usize, String)> = if self.deferred {
            unbuilt
                .into_iter()
                .filter_map(|j| Some((j.lang, j.task?)))
                .collect()
        } else {
            Vec::new()
        };
        tasks.dedup();
        // A task's pages in a language, by what they are made from (see `Sources::task_keys`).
        let task_key = |lang: usize, id: &str| {
            let (c, sites) = cache?;
            let mut h = blake3::Hasher::new();
            h.update(sources.task_keys?.get(id)?.as_bytes());
            h.update(sites.get(lang)?.as_bytes());
            h.update(&(lang as u64).to_le_bytes());
            Some((c, h.finalize().to_hex().to_string()))
        };
        let task_pages: Vec<Vec<OutFile>> = tasks
            .par_iter()
            .map(|(lang, id)| {
                let keyed = task_key(*lang, id);
                if let Some((c, key)) = &keyed
                    && let Some(pages) = c.task_pages(key)
                {
                    pages.iter().for_each(|_| on_page());
                    return Ok(pages);
                }
                let (Some(b), Some(l)) = (sources.portal.task(id), self.languages.get(*lang))
                else {
                    return Ok(Vec::new());
                };
                let localized;
                let b = if *lang == 0 {
                    b
                } else {
                    localized = i18n::localize_bundle(b, &l.code, &self.languages[0].code);
                    &localized
                };
                let locale = self.locales.get(*lang).cloned().flatten();
                let pages = format::with_locale(locale.as_ref(), || {
                    task_jobs(b, sources.portal, sources.computed, &l.config, true)
                })
                .into_iter()
                .map(|j| {
                    let f = render_page(
                        &self.teras,
                        self.minify,
                        &j.localize(*lang, &l.prefix),
                        cache,
                    );
                    on_page();
                    f
                })
                .collect::<Result<Vec<_>>>()?;
                let keys: Option<Vec<(String, String)>> = pages
                    .iter()
                    .map(|(f, k)| Some((f.path.clone(), k.clone()?)))
                    .collect();
                if let (Some((c, key)), Some(keys)) = (&keyed, keys) {
                    c.remember_task(key, keys);
                }
                Ok(pages.into_iter().map(|(f, _)| f).collect())
            })
            .collect::<Result<_>>()?;
        Ok(task_pages.into_iter().flatten().collect())
    }

    /// The pages not rendered yet (if any), with `pages` (from [`Plan::render_ready`] and
    /// [`Plan::render_tasks`]) and the other files: the whole site, sorted by path.
    pub fn into_files_with(
        mut self,
        mut pages: Vec<OutFile>,
        cache: Option<&PageCache>,
        on_page: &(dyn Fn() + Sync),
    ) -> Result<Vec<OutFile>> {
        pages.extend(self.render_ready(cache, on_page)?);
        Ok(finish(pages, self.extras))
    }

    /// Takes the jobs whose contexts are built (`built`) or deferred out of the plan.
    fn take_jobs(&mut self, built: bool) -> Vec<Job> {
        let (taken, kept) = std::mem::take(&mut self.jobs)
            .into_iter()
            .partition(|j| j.built == built);
        self.jobs = kept;
        taken
    }
}

/// One page through its template, minified when `minify` is on; with `cache` (and the site's
/// inputs), an HTML page comes from the cache when its template and context are unchanged.
/// Returns the page and, with `cache`, its page key.
fn render_page(
    teras: &[tera::Tera],
    minify: bool,
    job: &Job,
    cache: Option<(&PageCache, &[blake3::Hash])>,
) -> Result<(OutFile, Option<String>)> {
    let path = job.path();
    let cached = cache
        .filter(|_| path.ends_with(".html"))
        .and_then(|(c, sites)| Some((c, c.key(sites.get(job.lang)?, job.template, &job.ctx))));
    let Some(tera) = teras.get(job.lang) else {
        return Err(Error::Template(format!(
            "no templates for the language of /{}",
            job.url
        )));
    };
    if let Some((c, key)) = &cached
        && let Some(bytes) = c.get(&path, key)
    {
        return Ok((OutFile { path, bytes }, Some(key.clone())));
    }
    let ctx = tera::Context::from_serialize(&job.ctx)
        .map_err(|e| Error::Template(format!("{}: {e}", job.template)))?;
    let html = tera.render(job.template, &ctx).map_err(|e| {
        Error::Template(format!(
            "rendering {} for /{}: {}",
            job.template,
            job.url,
            describe(&e)
        ))
    })?;
    let bytes = if minify && path.ends_with(".html") {
        crate::reuse::minify(html.as_bytes())
    } else {
        html.into_bytes()
    };
    Ok((OutFile { path, bytes }, cached.map(|(_, k)| k)))
}

/// Rendered pages plus the other files, sorted by path; a page wins over a static file of the
/// same path.
pub fn finish(pages: Vec<OutFile>, extras: impl IntoIterator<Item = OutFile>) -> Vec<OutFile> {
    let mut files = pages;
    files.extend(extras);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    files
}

/// Renders the whole site.
pub fn render(
    portal: &Portal,
    computed: &Computed,
    config: &Config,
    theme: &Theme,
    opts: &RenderOptions,
) -> Result<Vec<OutFile>> {
    let sources = Sources {
        portal,
        computed,
        config,
        task_keys: None,
    };
    plan(portal, computed, config, theme, opts)?.into_files(sources, None, &|| {})
}

/// Tera's errors nest their cause; show the whole chain.
fn describe(e: &tera::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(cause) = src {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        src = cause.source();
    }
    s
}

/// A language's name in itself, for the language switcher.
fn native_name(code: &str) -> &str {
    match code {
        "en" => "English",
        "de" => "Deutsch",
        "fr" => "Français",
        "it" => "Italiano",
        "es" => "Español",
        "nl" => "Nederlands",
        "pl" => "Polski",
        "pt" => "Português",
        other => other,
    }
}

/// The templates with the globals of one language: `site` (its settings, `base` with its URL
/// prefix, `root` for the language-neutral downloads, the languages for the alternates and
/// the switcher), `labels` (vocabulary labels in that language) and `tr` (its strings).
fn templates(
    theme: &Theme,
    lang: &Language,
    languages: &[Language],
    pages: &[&Doc<PageMeta>],
    catalog: &i18n::Catalog,
    labels: &Value,
) -> Result<(tera::Tera, Value)> {
    let config = &lang.config;
    let mut tera = tera::Tera::default();
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    )
    .map_err(|e| Error::Template(describe(&e)))?;
    let mut site = views::site(config, pages);
    if let Value::Object(m) = &mut site {
        let root = config.base_path();
        m.insert("base".into(), json!(format!("{root}{}", lang.prefix)));
        m.insert("root".into(), json!(root));
        m.insert("prefix".into(), json!(lang.prefix));
        // The language content is written in, where the page's differs (else empty): data
        // cards, system profiles and other untranslated text are marked with it.
        let original = &languages[0].code;
        m.insert(
            "original".into(),
            json!(if &lang.code == original {
                ""
            } else {
                original.as_str()
            }),
        );
        m.insert(
            "languages".into(),
            json!(
                languages
                    .iter()
                    .map(|l| json!({"code": l.code, "prefix": l.prefix, "name": native_name(&l.code)}))
                    .collect::<Vec<_>>()
            ),
        );
    }
    let globals = json!({
        "site": site,
        "labels": catalog.localize_labels(labels),
        "tr": catalog.to_value(),
    });
    let g = tera.global_context();
    g.insert("site", &globals["site"]);
    g.insert("labels", &globals["labels"]);
    g.insert("tr", &globals["tr"]);
    Ok((tera, globals))
}

/// What the page families share: the inputs, and the published tasks, news, reports and
/// pages in the order the site lists them. Built once per plan.
struct Site<'a> {
    /// The page language's formatting and strings (`None`: the default language).
    locale: Option<std::sync::Arc<format::Locale>>,
    portal: &'a Portal,
    computed: &'a Computed,
    config: &'a Config,
    opts: &'a RenderOptions,
    /// Published tasks in listing order, with their cards (same order).
    published: Vec<&'a TaskBundle>,
    cards: Vec<Value>,
    /// Every facet value of the published tasks, with counts.
    facets: Value,
    /// Shown news, newest first.
    news: Vec<&'a Doc<NewsMeta>>,
    /// Shown reports, newest period first.
    reports: Vec<&'a Doc<ReportMeta>>,
    /// Shown Markdown pages.
    pages: &'a [&'a Doc<PageMeta>],
}

impl<'a> Site<'a> {
    fn new(
        portal: &'a Portal,
        computed: &'a Computed,
        config: &'a Config,
        opts: &'a RenderOptions,
        pages: &'a [&'a Doc<PageMeta>],
    ) -> Self {
        let shown = |draft: bool| opts.drafts || !draft;
        let mut published: Vec<&TaskBundle> = portal.published_tasks().collect();
        views::task_order(&mut published);
        // Listings only: a quick pass plans the tasks' own pages alone.
        let (cards, facets) = match opts.tasks_only {
            true => (Vec::new(), Value::Null),
            false => (
                published
                    .iter()
                    .map(|b| views::task_card(b, computed.rankings.get(b.task.id.as_str()), portal))
                    .collect(),
                views::all_facets(&published),
            ),
        };
        let mut news: Vec<&Doc<NewsMeta>> =
            portal.news.iter().filter(|n| shown(n.meta.draft)).collect();
        news.sort_by(|a, b| b.meta.date.cmp(&a.meta.date).then(a.id.cmp(&b.id)));
        let mut reports: Vec<&Doc<ReportMeta>> = portal
            .reports
            .iter()
            .filter(|r| shown(r.meta.draft))
            .collect();
        reports.sort_by(|a, b| {
            b.meta
                .period
                .end
                .cmp(&a.meta.period.end)
                .then(a.id.cmp(&b.id))
        });
        Site {
            locale: format::current(),
            portal,
            computed,
            config,
            opts,
            published,
            cards,
            facets,
            news,
            reports,
            pages,
        }
    }

    /// The date of the newest news post, as the feeds write it.
    fn news_updated(&self) -> String {
        self.news
            .first()
            .map(|n| format!("{}T00:00:00Z", n.meta.date))
            .unwrap_or_else(|| "2026-01-01T00:00:00Z".into())
    }
}

/// The page families, in the order the sitemap lists their pages. A new family (releases, a
/// second language) is one more function like these, added here.
const FAMILIES: &[fn(&Site) -> Vec<Job>] = &[
    listing_jobs,
    own_task_jobs,
    system_jobs,
    report_jobs,
    download_jobs,
    news_jobs,
    page_jobs,
    release_jobs,
];

/// Every page of the site in every language (the default language's at the root, the others
/// under their prefix), then the sitemap over them.
fn all_jobs(
    locales: &[Option<std::sync::Arc<format::Locale>>],
    portals: &[&Portal],
    computed: &Computed,
    languages: &[Language],
    opts: &RenderOptions,
    pages: &[Vec<&Doc<PageMeta>>],
) -> Vec<Job> {
    let mut all = Vec::new();
    for (i, ((lang, portal), pages)) in languages.iter().zip(portals).zip(pages).enumerate() {
        let locale = locales.get(i).cloned().flatten();
        let site = format::with_locale(locale.as_ref(), || {
            Site::new(portal, computed, &lang.config, opts, pages)
        });
        let families: &[fn(&Site) -> Vec<Job>] = match opts.tasks_only {
            true => &[own_task_jobs],
            false => FAMILIES,
        };
        // Families side by side, in their order; each worker formats in the language's locale.
        let jobs: Vec<Job> = families
            .par_iter()
            .map(|family| format::with_locale(locale.as_ref(), || family(&site)))
            .collect::<Vec<_>>()
            .into_iter()
            .flatten()
            .collect();
        all.extend(jobs.into_iter().map(|j| j.localize(i, &lang.prefix)));
    }
    if let Some(default) = languages.first().filter(|_| !opts.tasks_only) {
        let sitemap = sitemap_job(&all, &default.config, languages);
        all.push(sitemap.localize(0, ""));
    }
    all
}

/// Home, the task index and a static listing page per facet value.
fn listing_jobs(site: &Site) -> Vec<Job> {
    let Site {
        computed,
        config,
        published,
        cards,
        facets,
        news,
        ..
    } = site;
    let mut jobs = Vec::new();
    let featured: Vec<Value> = published
        .iter()
        .zip(cards)
        .filter(|(b, _)| b.task.status == Status::Released)
        .map(|(_, c)| c.clone())
        .take(config.build.featured_tasks)
        .collect();
    jobs.push(Job::new(
        "",
        "index.html",
        views::page("", &config.title, &config.description, "home"),
        json!({
            "figures": views::figures(computed),
            "latest_news": news.iter().take(config.build.latest_news).map(|n| views::post_summary(n)).collect::<Vec<_>>(),
            "featured_tasks": featured,
            "facets": facets,
        }),
    ));
    jobs.push(Job::new(
        "tasks/",
        "tasks.html",
        views::page(
            "tasks/",
            &format::tr("page_tasks_title"),
            &format::tr("page_tasks_description"),
            "tasks",
        ),
        json!({
            "listing": {
                "title": format::tr("page_tasks_title"),
                "intro": format::tr("page_tasks_intro"),
                "tasks": cards,
                "current": null,
            },
            "facets": facets,
        }),
    ));
    for kind in FacetKind::ALL {
        for (value, label) in kind.vocabulary() {
            let matching: Vec<Value> = published
                .iter()
                .zip(cards)
                .filter(|(b, _)| kind.values(&b.task).iter().any(|(v, _)| *v == value))
                .map(|(_, c)| c.clone())
                .collect();
            if matching.is_empty() {
                continue;
            }
            let url = kind.url(value);
            let title = kind.listing_title(label);
            let description = match matching.len() {
                1 => format::tr_with("listing_one", &[("title", &title)]),
                n => format::tr_with("listing_many", &[("title", &title), ("n", &n.to_string())]),
            };
            jobs.push(Job::new(
                url.clone(),
                "tasks.html",
                views::page(&url, &title, &description, "listing"),
                json!({
                    "listing": {
                        "title": title,
                        "intro": description,
                        "current": views::facet_link(kind, value, label, matching.len()),
                        "tasks": matching,
                    },
                    "facets": facets,
                }),
            ));
        }
    }
    jobs
}

/// Every published task's own pages (task, data card, analysis): each task's contexts
/// (Markdown, highlighting, charts) are independent, so they are built in parallel and kept
/// in the listing's order. Deferred ones are built while rendering instead (see
/// [`Plan::into_files`]).
fn own_task_jobs(site: &Site) -> Vec<Job> {
    let opts = site.opts;
    let task_jobs: Vec<Vec<Job>> = site
        .published
        .par_iter()
        .map(|b| {
            let id = b.task.id.as_str();
            let built =
                !opts.defer_tasks && opts.only_tasks.as_ref().is_none_or(|s| s.contains(id));
            format::with_locale(site.locale.as_ref(), || {
                task_jobs(b, site.portal, site.computed, site.config, built)
            })
        })
        .collect();
    task_jobs.into_iter().flatten().collect()
}

/// A page per system, the system index, and the rankings across tasks.
fn system_jobs(site: &Site) -> Vec<Job> {
    let Site {
        portal, computed, ..
    } = *site;
    let mut jobs = Vec::new();
    let mut systems: Vec<&System> = portal.systems.iter().collect();
    systems.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    let mut system_list = Vec::new();
    let mut all_results = views::system_results(portal, computed);
    for s in &systems {
        let results = all_results.remove(s.id.as_str()).unwrap_or_default();
        let ranks: Vec<f64> = results.iter().filter_map(|r| r["rank"].as_f64()).collect();
        let mut o = views::system(s);
        if let Value::Object(m) = &mut o {
            let n_tasks = results
                .iter()
                .map(|r| r["task_id"].as_str().unwrap_or(""))
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            m.insert("n_tasks".into(), json!(n_tasks));
            m.insert(
                "best_rank".into(),
                json!(ranks.iter().copied().reduce(f64::min).map(format::rank)),
            );
        }
        system_list.push(o.clone());
        let url = views::system_url(s.id.as_str());
        let description = s
            .intended_use
            .clone()
            .unwrap_or_else(|| format!("{}: {}", s.name, s.kind.label()));
        jobs.push(
            Job::new(
                url.clone(),
                "system.html",
                views::page(&url, &s.name, &description, "system"),
                json!({"system": o, "results": results, "releases": frozen::system_history(portal, s.id.as_str())}),
            )
            .shows(["data/systems.yaml".to_string()]),
        );
    }
    jobs.push(Job::new(
        "systems/",
        "systems.html",
        views::page(
            "systems/",
            &format::tr("page_systems_title"),
            &format::tr("page_systems_description"),
            "systems",
        ),
        json!({"systems": system_list}),
    ));
    jobs.push(Job::new(
        "rankings/",
        "rankings.html",
        views::page(
            "rankings/",
            &format::tr("page_rankings_title"),
            &format::tr("page_rankings_description"),
            "rankings",
        ),
        json!({
            "consensus": views::consensus(computed, portal),
            "method_note": format::tr("rankings_method_note"),
        }),
    ));
    jobs
}

/// The report index, a page per report, and the live progress page.
fn report_jobs(site: &Site) -> Vec<Job> {
    let Site {
        portal,
        computed,
        ref reports,
        ..
    } = *site;
    let mut jobs = Vec::new();
    jobs.push(Job::new(
        "reports/",
        "reports.html",
        views::page(
            "reports/",
            &format::tr("page_reports_title"),
            &format::tr("page_reports_description"),
            "reports",
        ),
        json!({"reports": reports.iter().map(|r| views::report_summary(r)).collect::<Vec<_>>()}),
    ));
    for (i, r) in reports.iter().enumerate() {
        // Reports are newest first: the previous one is the next older one.
        let previous = reports[i + 1..]
            .iter()
            .find(|p| p.meta.period.end < r.meta.period.start)
            .copied();
        let url = views::doc_url("reports", r);
        let body = markdown::render(&r.body, Placement::default());
        jobs.push(
            Job::new(
                url.clone(),
                "report.html",
                views::page(&url, &r.meta.title, &r.meta.title, "report"),
                json!({
                    "report": views::report(r, body),
                    "figures": views::report_figures(portal, r, previous),
                    "progress": progress::context(portal, computed, &progress::Window {
                        start: Some(&r.meta.period.start),
                        end: &r.meta.period.end,
                        previous_end: previous.map(|p| &p.meta.period.end),
                        id: "report",
                    }),
                }),
            )
            .shows([format!("content/reports/{}.md", r.id)]),
        );
    }

    // The live progress page, up to the newest dated content
    // (An empty portal has no dates: the page says so rather than vanish from the menu.)
    let latest = reports.first().map(|r| views::report_summary(r));
    jobs.push(Job::new(
        "progress/",
        "progress.html",
        views::page(
            "progress/",
            &format::tr("page_progress_title"),
            &format::tr("page_progress_description"),
            "progress",
        ),
        json!({
            "progress": computed.as_of.as_ref().map(|as_of| progress::context(portal, computed, &progress::Window {
                start: None,
                end: as_of,
                previous_end: None,
                id: "live",
            })),
            "latest_report": latest,
        }),
    ));
    jobs
}

/// Open data: the page documenting every download, and the feed of leaderboard updates.
fn download_jobs(site: &Site) -> Vec<Job> {
    let Site {
        portal,
        computed,
        config,
        ..
    } = *site;
    let mut jobs = Vec::new();
    let portal_cite = citation::portal(
        &config.title,
        config.contact.organization.as_deref(),
        computed.as_of.as_ref(),
        &config.base_url,
    );
    let mut data_tasks: Vec<&TaskBundle> = site.published.clone();
    data_tasks.sort_by(|a, b| a.task.id.cmp(&b.task.id));
    jobs.push(Job::new(
        "data/",
        "data.html",
        views::page(
            "data/",
            &format::tr("page_data_title"),
            &format::tr("page_data_description"),
            "data",
        ),
        json!({
            "as_of": computed.as_of,
            "schemas": opendata::schemas("").iter().map(|(n, _)| format!("schemas/{n}")).collect::<Vec<_>>(),
            "content_schemas": crate::schema::all("").iter().map(|(n, _)| format!("schemas/{n}")).collect::<Vec<_>>(),
            "tasks": data_tasks.iter().map(|b| {
                let id = b.task.id.as_str();
                let ranked = computed.rankings.contains_key(id);
                json!({
                    "id": id,
                    "title": b.task.title,
                    "url": views::task_url(id),
                    "record_url": views::task_json_url(id),
                    "croissant_url": b.datacard.as_ref().map(|_| views::croissant_url(id)),
                    "leaderboard_json_url": ranked.then(|| format!("tasks/{id}/leaderboard.json")),
                    "leaderboard_csv_url": ranked.then(|| format!("tasks/{id}/leaderboard.csv")),
                })
            }).collect::<Vec<_>>(),
            "example_task": data_tasks.iter().find(|b| computed.rankings.contains_key(b.task.id.as_str()) && b.datacard.is_some()).map(|b| b.task.id.as_str()),
            "citation": portal_cite.map(|c| json!({"bibtex": c.bibtex, "cff": c.cff, "text": c.text})),
        }),
    ));

    // Leaderboard updates: one feed entry per result on a published leaderboard
    let updates = views::leaderboard_updates(portal, computed);
    let updates_updated = updates
        .first()
        .and_then(|u| u["date"].as_str())
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| site.news_updated());
    jobs.push(Job::new(
        "rankings/atom.xml",
        "updates.xml",
        views::page(
            "rankings/atom.xml",
            &format::tr_with("feed_updates_title", &[("site", &config.title)]),
            &config.description,
            "feed",
        ),
        json!({"updates": updates, "updated": updates_updated}),
    ));
    jobs
}

/// The news index, a page per post, and the news feed.
fn news_jobs(site: &Site) -> Vec<Job> {
    let Site {
        config, ref news, ..
    } = *site;
    let mut jobs = Vec::new();
    let posts_full: Vec<Value> = news
        .iter()
        .map(|n| {
            views::with_body(
                views::post_summary(n),
                markdown::render(&n.body, Placement::default()),
            )
        })
        .collect();
    jobs.push(Job::new(
        "news/",
        "news.html",
        views::page(
            "news/",
            &format::tr("page_news_title"),
            &format::tr("page_news_description"),
            "news",
        ),
        json!({"posts": news.iter().map(|n| views::post_summary(n)).collect::<Vec<_>>()}),
    ));
    for (n, post) in news.iter().zip(&posts_full) {
        let url = views::doc_url("news", n);
        let description = n
            .meta
            .summary
            .clone()
            .unwrap_or_else(|| n.meta.title.clone());
        jobs.push(
            Job::new(
                url.clone(),
                "post.html",
                views::page(&url, &n.meta.title, &description, "post"),
                json!({"post": post, "feed_url": "news/atom.xml"}),
            )
            .shows([format!("content/news/{}.md", n.id)]),
        );
    }
    jobs.push(Job::new(
        "news/atom.xml",
        "atom.xml",
        views::page(
            "news/atom.xml",
            &format::tr_with("feed_news_title", &[("site", &config.title)]),
            &config.description,
            "feed",
        ),
        json!({"posts": posts_full, "updated": site.news_updated()}),
    ));
    jobs
}

/// The Markdown pages, the search page and the 404 page.
fn page_jobs(site: &Site) -> Vec<Job> {
    let mut jobs = Vec::new();
    for p in site.pages {
        let url = views::doc_url("", p);
        let description = p
            .meta
            .summary
            .clone()
            .unwrap_or_else(|| p.meta.title.clone());
        let mut shows = vec![format!("content/pages/{}.md", p.id)];
        // The statement's page shows the facts of data/accessibility.yaml below its text.
        let statement = match (p.meta.role, &site.portal.accessibility) {
            (Some(PageRole::Accessibility), Some(s)) => {
                shows.push("data/accessibility.yaml".into());
                views::accessibility_statement(s)
            }
            _ => Value::Null,
        };
        jobs.push(
            Job::new(
                url.clone(),
                "page.html",
                views::page(&url, &p.meta.title, &description, "page"),
                json!({
                    "content_page": views::content_page(p, markdown::render(&p.body, Placement::default())),
                    "statement": statement,
                }),
            )
            .shows(shows),
        );
    }

    // The search page: the index is built after rendering (crate::search); without JavaScript
    // it offers the static listing pages.
    jobs.push(Job::new(
        "search/",
        "search.html",
        views::page(
            "search/",
            &format::tr("page_search_title"),
            &format::tr("page_search_description"),
            "search",
        ),
        json!({"facets": site.facets}),
    ));
    jobs.push(Job::new(
        "404.html",
        "404.html",
        views::page(
            "404.html",
            &format::tr("page_not_found_title"),
            &format::tr("page_not_found_description"),
            "not_found",
        ),
        json!({}),
    ));
    jobs
}

/// The releases: their index, the `latest` redirect, a page per release and per frozen
/// leaderboard, and the feed (made from the frozen files only, see [`releases`]).
fn release_jobs(site: &Site) -> Vec<Job> {
    releases::pages(site.portal, site.config, &site.news_updated())
        .into_iter()
        .map(|p| {
            Job::new(
                p.url.clone(),
                p.template,
                views::page(&p.url, &p.title, &p.description, p.kind),
                p.ctx,
            )
            .shows(p.shows)
        })
        .collect()
}

/// The sitemap over every HTML page of `jobs`, in their order; with more than one language,
/// each page lists its counterparts (`xhtml:link` alternates).
fn sitemap_job(jobs: &[Job], config: &Config, languages: &[Language]) -> Job {
    let base = &config.base_url;
    let urls: Vec<Value> = jobs
        .iter()
        .filter(|j| j.url.is_empty() || j.url.ends_with('/'))
        .filter(|j| j.template != "redirect.html")
        .map(|j| {
            let path = j
                .url
                .strip_prefix(&languages[j.lang].prefix)
                .unwrap_or(&j.url);
            let alternates: Vec<Value> = if languages.len() > 1 {
                languages
                    .iter()
                    .map(|l| json!({"lang": l.code, "href": format!("{base}{}{path}", l.prefix)}))
                    .collect()
            } else {
                Vec::new()
            };
            json!({"loc": format!("{base}{}", j.url), "alternates": alternates})
        })
        .collect();
    Job::new(
        "sitemap.xml",
        "sitemap.xml",
        views::page("sitemap.xml", "Sitemap", "", "sitemap"),
        json!({"urls": urls}),
    )
}

/// A published task's own pages: its analysis (when ranked with an uncertainty analysis), the
/// task page and its data card. With `built` false, the contexts are left out.
fn task_jobs(
    b: &TaskBundle,
    portal: &Portal,
    computed: &Computed,
    config: &Config,
    built: bool,
) -> Vec<Job> {
    let mut jobs = Vec::new();
    let t = &b.task;
    let id = t.id.as_str();
    let leaderboard = computed.rankings.get(id).filter(|_| built).and_then(|r| {
        let lb = portal.leaderboard(t.id.as_str())?;
        Some(views::leaderboard(
            t,
            lb,
            r,
            computed.uncertainty.get(id),
            portal,
        ))
    });
    let task = if built {
        views::task_full(b)
    } else {
        Value::Null
    };
    if let (Some(r), Some(u), Some(lb)) = (
        computed.rankings.get(id),
        computed.uncertainty.get(id).filter(|u| u.samples > 0),
        portal.leaderboard(t.id.as_str()),
    ) {
        let url = views::analysis_url(id);
        let title = format::tr_with(
            "page_analysis_title",
            &[("task", t.acronym.as_deref().unwrap_or(&t.title))],
        );
        let description = format::tr_with("page_analysis_description", &[("task", &t.title)]);
        jobs.push(Job::new(
            url.clone(),
            "analysis.html",
            views::page(&url, &title, &description, "analysis"),
            if built {
                json!({
                    "task": task,
                    // The task page's table: the same ranking and uncertainty.
                    "leaderboard": leaderboard,
                    "analysis": views::analysis(t, lb, r, u, portal),
                })
            } else {
                Value::Null
            },
        ));
    }
    let url = views::task_url(id);
    jobs.push(Job::new(
        url.clone(),
        "task.html",
        views::page(&url, &t.title, &t.summary, "task"),
        if built {
            let cite = citation::task(t, &config.title, &config.base_url);
            json!({
                "task": task,
                "rationale": b.rationale.as_ref().map(views::rationale),
                "leaderboard": leaderboard,
                "facet_links": views::facet_links(t),
                "history": frozen::task_history(portal, id),
                "citation": {"bibtex": cite.bibtex, "cff": cite.cff, "text": cite.text},
            })
        } else {
            Value::Null
        },
    ));
    if let Some(d) = &b.datacard {
        let url = views::datacard_url(id);
        let title = format::tr_with("page_datacard_title", &[("name", &d.dataset.name)]);
        jobs.push(Job::new(
            url.clone(),
            "datacard.html",
            views::page(&url, &title, &t.summary, "datacard"),
            if built {
                let dataset = opendata::dataset_schema_org(t, d, &config.title, &config.base_url);
                json!({
                    "task": task,
                    "datacard": views::datacard(d),
                    "dataset_jsonld": opendata::script_json(&dataset),
                    "dataset_bibtex": opendata::dataset_bibtex(t, d, &config.base_url),
                })
            } else {
                Value::Null
            },
        ));
    }
    // Where a link on these pages may be written: the task's files, its leaderboard, and
    // the systems it names.
    let dir = format!("content/tasks/{id}");
    let mut files = vec![format!("{dir}/task.yaml")];
    if b.rationale.is_some() {
        files.push(format!("{dir}/rationale.md"));
    }
    if b.datacard.is_some() {
        files.push(format!("{dir}/datacard.yaml"));
    }
    if portal.leaderboard(id).is_some() {
        files.push(format!("data/leaderboards/{id}.json"));
        files.push("data/systems.yaml".into());
    }
    for job in &mut jobs {
        job.task = Some(id.to_string());
        job.built = built;
        job.sources.clone_from(&files);
    }
    jobs
}
