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
pub mod opendata;
pub mod progress;
pub mod releases;
pub mod views;

use crate::compute::Computed;
use crate::config::Config;
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
            sources: Vec::new(),
        }
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
    pub tera: tera::Tera,
    /// The globals every template sees (`site`, `labels`): a page depends on them too.
    pub globals: Value,
    pub jobs: Vec<Job>,
    /// robots.txt, syntax.css, downloads, schemas and the theme's static files.
    pub extras: Vec<OutFile>,
    minify: bool,
    /// Task pages left unbuilt for [`Plan::into_files`] (see [`RenderOptions::defer_tasks`]).
    deferred: bool,
    /// What every page depends on besides its template name and context (templates,
    /// globals, minify): part of each page's cache key.
    site_inputs: blake3::Hash,
}

/// What deferred task pages are built from.
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    pub portal: &'a Portal,
    pub computed: &'a Computed,
    pub config: &'a Config,
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
    let pages: Vec<&Doc<PageMeta>> = portal
        .pages
        .iter()
        .filter(|p| shown(p.meta.draft))
        .collect();
    let (tera, globals) = templates(theme, config, &pages)?;
    let site_inputs = crate::reuse::site_inputs(
        theme
            .templates
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
        &globals,
        config.build.minify,
    );
    // The downloads and other non-page files are independent of the pages' contexts.
    let (jobs, extras) = rayon::join(
        || jobs(portal, computed, config, opts, &pages),
        || extras(portal, computed, config, theme, opts),
    );
    Ok(Plan {
        tera,
        globals,
        jobs,
        extras,
        minify: config.build.minify,
        deferred: opts.defer_tasks,
        site_inputs,
    })
}

/// Every file of the site that is not a rendered page.
fn extras(
    portal: &Portal,
    computed: &Computed,
    config: &Config,
    theme: &Theme,
    opts: &RenderOptions,
) -> Vec<OutFile> {
    let shown = |draft: bool| opts.drafts || !draft;
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
    extras.extend(api::files(portal, computed));
    extras.extend(opendata::files(portal, computed, &config.base_url));
    extras.extend(releases::files(portal, config));
    // The footer of printed reports and of the progress page.
    for r in portal.reports.iter().filter(|r| shown(r.meta.draft)) {
        let url = views::doc_url("reports", r);
        extras.push(OutFile {
            path: format!("{url}print.css"),
            bytes: progress::print_css(
                &format!(
                    "{} · published {}",
                    r.meta.title,
                    r.meta.published.display()
                ),
                &format!("{}{url}", config.base_url),
            )
            .into_bytes(),
        });
    }
    if let Some(d) = &computed.as_of {
        extras.push(OutFile {
            path: "progress/print.css".into(),
            bytes: progress::print_css(
                &format!("{} progress as of {}", config.title, d.display()),
                &format!("{}progress/", config.base_url),
            )
            .into_bytes(),
        });
    }
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
        render_page(&self.tera, self.minify, job, None)
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
        self,
        sources: Sources,
        cache: Option<&PageCache>,
        on_page: &(dyn Fn() + Sync),
    ) -> Result<Vec<OutFile>> {
        let Plan {
            tera,
            jobs,
            extras,
            minify,
            deferred,
            site_inputs,
            ..
        } = self;
        let cache = cache.map(|c| (c, &site_inputs));
        let render = |job: Job| {
            let f = render_page(&tera, minify, &job, cache);
            drop(job);
            on_page();
            f
        };
        let (ready, unbuilt): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|j| j.built);
        let mut tasks: Vec<String> = if deferred {
            unbuilt.into_iter().filter_map(|j| j.task).collect()
        } else {
            Vec::new()
        };
        tasks.dedup();
        let task_pages: Vec<Vec<OutFile>> = tasks
            .par_iter()
            .map(|id| {
                let Some(b) = sources.portal.task(id) else {
                    return Ok(Vec::new());
                };
                task_jobs(b, sources.portal, sources.computed, sources.config, true)
                    .into_iter()
                    .map(render)
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<_>>()?;
        let mut pages: Vec<OutFile> = ready.into_par_iter().map(render).collect::<Result<_>>()?;
        pages.extend(task_pages.into_iter().flatten());
        Ok(finish(pages, extras))
    }
}

/// One page through its template, minified when `minify` is on; with `cache` (and the site's
/// inputs), an HTML page comes from the cache when its template and context are unchanged.
fn render_page(
    tera: &tera::Tera,
    minify: bool,
    job: &Job,
    cache: Option<(&PageCache, &blake3::Hash)>,
) -> Result<OutFile> {
    let path = job.path();
    let cached = cache
        .filter(|_| path.ends_with(".html"))
        .map(|(c, site)| (c, c.key(site, job.template, &job.ctx)));
    if let Some((c, key)) = &cached
        && let Some(bytes) = c.get(&path, key)
    {
        return Ok(OutFile { path, bytes });
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
    Ok(OutFile { path, bytes })
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

fn templates(
    theme: &Theme,
    config: &Config,
    pages: &[&Doc<PageMeta>],
) -> Result<(tera::Tera, Value)> {
    let mut tera = tera::Tera::default();
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    )
    .map_err(|e| Error::Template(describe(&e)))?;
    let globals = json!({"site": views::site(config, pages), "labels": views::labels()});
    let g = tera.global_context();
    g.insert("site", &globals["site"]);
    g.insert("labels", &globals["labels"]);
    Ok((tera, globals))
}

/// What the page families share: the inputs, and the published tasks, news, reports and
/// pages in the order the site lists them. Built once per plan.
struct Site<'a> {
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
        let cards: Vec<Value> = published
            .iter()
            .map(|b| views::task_card(b, computed.rankings.get(b.task.id.as_str()), portal))
            .collect();
        let facets = views::all_facets(&published);
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

/// Every page of the site: each family's, then the sitemap over them.
fn jobs(
    portal: &Portal,
    computed: &Computed,
    config: &Config,
    opts: &RenderOptions,
    pages: &[&Doc<PageMeta>],
) -> Vec<Job> {
    let site = Site::new(portal, computed, config, opts, pages);
    let mut jobs: Vec<Job> = FAMILIES.iter().flat_map(|family| family(&site)).collect();
    jobs.push(sitemap_job(&jobs, config));
    jobs
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
        views::page("tasks/", "Tasks", "Every task the panel has selected for MEDAL.", "tasks"),
        json!({
            "listing": {
                "title": "Tasks",
                "intro": "Every task the panel has selected, with its status, imaging modalities, specialty and task type.",
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
                1 => format!("{title}: one published MEDAL task."),
                n => format!("{title}: {n} published MEDAL tasks."),
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
            task_jobs(b, site.portal, site.computed, site.config, built)
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
    for s in &systems {
        let results = views::system_results(s, portal, computed);
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
        views::page("systems/", "AI systems and reference readers", "The AI systems evaluated on MEDAL tasks, and the human readers they are compared with.", "systems"),
        json!({"systems": system_list}),
    ));
    jobs.push(Job::new(
        "rankings/",
        "rankings.html",
        views::page("rankings/", "Rankings across tasks", "How AI systems rank across all released MEDAL tasks.", "rankings"),
        json!({
            "consensus": views::consensus(computed, portal),
            "method_note": "Each system's consensus score is its mean rank over all released tasks with a leaderboard. A system that did not take part in a task counts as ranked last there, one place behind every system ranked on it. Human readers and baselines are shown on the task pages but not ranked.",
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
            "Progress reports",
            "Progress reports for the Carl-Zeiss-Stiftung and the public.",
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
            "Progress",
            "MEDAL's progress in figures: proposals, the selection funnel, prize money and the best scores over time, computed from the portal's content.",
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
            "Open data",
            "Every task, data card, leaderboard and figure of MEDAL as JSON, CSV and Croissant, with the meaning of every field.",
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
            &format!("{} leaderboard updates", config.title),
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
        views::page("news/", "News", "News from MEDAL.", "news"),
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
            &format!("{} news", config.title),
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
            "Search",
            "Search MEDAL's tasks, AI systems, progress reports, news and pages.",
            "search",
        ),
        json!({"facets": site.facets}),
    ));
    jobs.push(Job::new(
        "404.html",
        "404.html",
        views::page(
            "404.html",
            "Page not found",
            "The page you asked for does not exist.",
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

/// The sitemap over every HTML page of `jobs`, in their order.
fn sitemap_job(jobs: &[Job], config: &Config) -> Job {
    let urls: Vec<String> = jobs
        .iter()
        .filter(|j| j.url.is_empty() || j.url.ends_with('/'))
        .filter(|j| j.template != "redirect.html")
        .map(|j| format!("{}{}", config.base_url, j.url))
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
        let title = format!(
            "How sure is the ranking? {}",
            t.acronym.as_deref().unwrap_or(&t.title)
        );
        let description = format!(
            "Bootstrap and significance analysis of the leaderboard of {}",
            t.title
        );
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
        let title = format!("Data card: {}", d.dataset.name);
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
