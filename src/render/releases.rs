//! The releases family: `/releases/`, `/releases/latest/`, a page per release with what
//! changed since the previous one, a frozen leaderboard page per task, and the downloads
//! (each frozen file as is, the deposit archive, `/api/releases.json`).
//!
//! Everything here reads the frozen files ([`super::frozen`]), never the computed rankings.

use super::frozen::{self, frozen_task_url, release_url};
use super::views::{self, system_url};
use super::{api, citation, format};
use crate::compute::changes::{self, Changes, RankMove};
use crate::config::Config;
use crate::markdown::{self, Placement};
use crate::model::*;
use crate::output::OutFile;
use serde_json::{Value, json};

/// Releases newest first.
fn newest_first(portal: &Portal) -> Vec<&Release> {
    let mut r: Vec<&Release> = portal.releases.iter().collect();
    r.reverse();
    r
}

fn doi_url(doi: &str) -> String {
    let bare = doi
        .trim_start_matches("https://doi.org/")
        .trim_start_matches("http://doi.org/")
        .trim_start_matches("https://dx.doi.org/")
        .trim_start_matches("doi:");
    format!("https://doi.org/{bare}")
}

/// The summary of a release that the index, `/api/releases.json` and the feed share.
fn summary(r: &Release, latest: bool) -> Value {
    let m = &r.meta;
    let systems: std::collections::BTreeSet<&str> = r
        .tasks
        .iter()
        .filter_map(|t| t.leaderboard.as_ref())
        .flat_map(|l| {
            l.get("entries")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(|e| e.get("system").and_then(Value::as_str))
        .collect();
    json!({
        "version": m.version,
        "date": m.date,
        "date_display": format::date(&m.date),
        "as_of": m.as_of,
        "as_of_display": format::date(&m.as_of),
        "title": m.title,
        "doi": m.doi,
        "doi_url": m.doi.as_deref().map(doi_url),
        "reconstructed": m.reconstructed,
        "url": release_url(m.version.as_str()),
        "tasks": r.tasks.len(),
        "ranked_tasks": r.tasks.iter().filter(|t| t.leaderboard.is_some()).count(),
        "systems": systems.len(),
        "entries": r.entry_count(),
        "errata": m.errata.len(),
        "latest": latest,
    })
}

/// `/api/releases.json`.
pub fn api_doc(portal: &Portal, base_url: &str) -> Value {
    let releases: Vec<Value> = newest_first(portal)
        .into_iter()
        .map(|r| {
            let m = &r.meta;
            let s = summary(r, false);
            json!({
                "version": m.version,
                "date": m.date,
                "as_of": m.as_of,
                "title": m.title,
                "doi": m.doi,
                "reconstructed": m.reconstructed,
                "url": format!("{base_url}{}", release_url(m.version.as_str())),
                "archive_url": format!("{base_url}{}medal-{}.zip", release_url(m.version.as_str()), m.version),
                "tasks": s["tasks"],
                "systems": s["systems"],
                "entries": s["entries"],
                "errata": m.errata.len(),
            })
        })
        .collect();
    json!({ "releases": releases })
}

/// A page of the releases family, before it becomes a render job.
pub struct Page {
    pub url: String,
    pub template: &'static str,
    pub title: String,
    pub description: String,
    pub kind: &'static str,
    pub ctx: Value,
    /// The files whose text the page shows.
    pub shows: Vec<String>,
}

impl Page {
    fn new(
        url: impl Into<String>,
        template: &'static str,
        title: impl Into<String>,
        description: impl Into<String>,
        kind: &'static str,
        ctx: Value,
    ) -> Page {
        Page {
            url: url.into(),
            template,
            title: title.into(),
            description: description.into(),
            kind,
            ctx,
            shows: Vec::new(),
        }
    }

    fn shows(mut self, file: String) -> Page {
        self.shows.push(file);
        self
    }
}

/// The pages of every release; `fallback_updated` dates the feed before the first release.
pub fn pages(portal: &Portal, config: &Config, fallback_updated: &str) -> Vec<Page> {
    let mut jobs = Vec::new();
    let list = newest_first(portal);
    let summaries: Vec<Value> = list
        .iter()
        .enumerate()
        .map(|(i, r)| summary(r, i == 0))
        .collect();
    jobs.push(Page::new(
        "releases/",
        "releases.html",
        format::tr("page_releases_title"),
        format::tr("page_releases_description"),
        "releases",
        json!({"releases": summaries}),
    ));
    if let Some(latest) = list.first() {
        let target = release_url(latest.meta.version.as_str());
        jobs.push(Page::new(
            "releases/latest/",
            "redirect.html",
            format::tr_with(
                "page_latest_release_title",
                &[("version", latest.meta.version.as_str())],
            ),
            format::tr("page_latest_release_description"),
            "redirect",
            json!({"target": target}),
        ));
    }
    for (i, r) in portal.releases.iter().enumerate() {
        let previous = i.checked_sub(1).and_then(|j| portal.releases.get(j));
        let newer = portal.releases.get(i + 1);
        jobs.extend(release_jobs(r, previous, newer, portal, config));
    }
    // The releases feed (Atom), newest first.
    let updated = list
        .first()
        .map(|r| format!("{}T00:00:00Z", r.meta.date))
        .unwrap_or_else(|| fallback_updated.to_string());
    jobs.push(Page::new(
        "releases/atom.xml",
        "releases.xml",
        format::tr_with("feed_releases_title", &[("site", &config.title)]),
        config.description.clone(),
        "feed",
        json!({"releases": summaries, "updated": updated}),
    ));
    jobs
}

fn release_jobs(
    r: &Release,
    previous: Option<&Release>,
    newer: Option<&Release>,
    portal: &Portal,
    config: &Config,
) -> Vec<Page> {
    let v = r.meta.version.as_str();
    let url = release_url(v);
    let dir = format!("data/releases/{v}");
    let mut jobs = Vec::new();
    let title = match &r.meta.title {
        Some(t) => format!("MEDAL {v}: {t}"),
        None => format!("MEDAL {v}"),
    };
    let tasks: Vec<Value> = r
        .tasks
        .iter()
        .map(|t| {
            let (ranked, total) = t.leaderboard.as_ref().map_or((0, 0), frozen::counts);
            json!({
                "id": t.meta.id,
                "title": t.meta.title,
                "acronym": t.meta.acronym,
                "version": t.meta.version,
                "status": t.meta.status,
                "url": t.leaderboard.as_ref().map(|_| frozen_task_url(v, &t.meta.id)),
                "live_url": frozen::task_link(portal, &t.meta.id),
                "leader": t.leaderboard.as_ref().and_then(|l| frozen::leader(r, l)),
                "ranked": ranked,
                "entries": total,
            })
        })
        .collect();
    let files: Vec<Value> = r
        .manifest
        .files
        .iter()
        .map(|f| json!({"path": f.path, "url": format!("{url}{}", f.path), "bytes": f.bytes, "size": size(f.bytes), "sha256": f.sha256}))
        .collect();
    let cite = cite(r, config);
    let changes = previous.map(|p| (p, changes::between(p, r)));
    let errata: Vec<Value> = r
        .meta
        .errata
        .iter()
        .map(|e| {
            json!({
                "date": e.date,
                "date_display": format::date(&e.date),
                "html": markdown::render(&e.text, Placement::default()),
            })
        })
        .collect();
    let description = format::tr_with(
        "page_release_description",
        &[
            ("version", v),
            ("date", &format::date(&r.meta.date)),
            ("as_of", &format::date(&r.meta.as_of)),
        ],
    );
    jobs.push(
        Page::new(
            url.clone(),
            "release.html",
            title,
            description,
            "release",
            json!({
                "release": summary(r, newer.is_none()),
                "notes_html": r.meta.notes.as_deref().map(|n| markdown::render(n, Placement::default())),
                "errata": errata,
                "consensus": frozen::consensus(r, portal),
                "tasks": tasks,
                "files": files,
                "archive": {"url": format!("{url}medal-{v}.zip"), "name": format!("medal-{v}.zip")},
                "citation": {"bibtex": cite.0, "cff": cite.1},
                "previous": previous.map(|p| json!({"version": p.meta.version, "url": release_url(p.meta.version.as_str())})),
                "newer": newer.map(|p| json!({"version": p.meta.version, "url": release_url(p.meta.version.as_str())})),
                "changes": changes.as_ref().map(|(p, c)| changes_view(c, p, r, portal)),
            }),
        )
        .shows(format!("{dir}/release.yaml")),
    );
    for t in &r.tasks {
        let Some(doc) = &t.leaderboard else {
            continue;
        };
        let turl = frozen_task_url(v, &t.meta.id);
        let title = format::tr_with(
            "page_release_task_title",
            &[("task", t.meta.short_name()), ("version", v)],
        );
        let description = format::tr_with(
            "page_release_task_description",
            &[
                ("task", &t.meta.title),
                ("version", v),
                ("date", &format::date(&r.meta.date)),
            ],
        );
        jobs.push(
            Page::new(
                turl.clone(),
                "release_task.html",
                title,
                description,
                "release_task",
                json!({
                    "release": summary(r, newer.is_none()),
                    "task": {
                        "id": t.meta.id,
                        "title": t.meta.title,
                        "acronym": t.meta.acronym,
                        "version": t.meta.version,
                        "url": frozen::task_link(portal, &t.meta.id),
                    },
                    "leaderboard": frozen::leaderboard(r, t, doc, portal),
                    "analysis": frozen::analysis(r, t, doc, portal),
                    "json_url": format!("{url}tasks/{}.json", t.meta.id),
                    "yaml_url": format!("{url}tasks/{}.yaml", t.meta.id),
                }),
            )
            .shows(format!("{dir}/release.yaml")),
        );
    }
    jobs
}

fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else if bytes >= 1_000 {
        format!("{:.1} kB", bytes as f64 / 1e3)
    } else {
        format!("{bytes} bytes")
    }
}

fn move_view(m: &RankMove, r: &Release) -> Value {
    let span = |ci: Option<(f64, f64)>| ci.map(|(a, b)| views::rank_span((a, b)));
    json!({
        "system": m.system,
        "name": r.system_name(&m.system),
        "before": format::rank(m.before),
        "after": format::rank(m.after),
        "up": m.after < m.before,
        "before_ci": span(m.before_ci),
        "after_ci": span(m.after_ci),
        "within_noise": m.within_noise,
    })
}

/// What changed, ready for the template: names from the frozen files, links to frozen pages.
fn changes_view(c: &Changes, before: &Release, after: &Release, portal: &Portal) -> Value {
    let v = after.meta.version.as_str();
    let task_ref = |id: &str, r: &Release| {
        let t = r.task(id);
        json!({
            "id": id,
            "title": t.map_or(id, |t| t.meta.title.as_str()),
            "short": t.map_or(id, |t| t.meta.short_name()),
            "url": t.and_then(|t| t.leaderboard.as_ref()).map(|_| frozen_task_url(r.meta.version.as_str(), id)),
        })
    };
    json!({
        "empty": c.is_empty(),
        "since": before.meta.version,
        "since_url": release_url(before.meta.version.as_str()),
        "tasks_added": c.tasks_added.iter().map(|id| task_ref(id, after)).collect::<Vec<_>>(),
        "tasks_retired": c.tasks_retired.iter().map(|id| task_ref(id, before)).collect::<Vec<_>>(),
        "systems_added": c.systems_added.iter().map(|id| json!({
            "id": id,
            "name": after.system_name(id),
            "url": portal.system(id).map(|_| system_url(id)),
        })).collect::<Vec<_>>(),
        "overall": c.overall.iter().map(|m| move_view(m, after)).collect::<Vec<_>>(),
        "tasks": c.tasks.iter().map(|t| json!({
            "task": task_ref(&t.task, after),
            "entries_added": t.entries_added.iter().map(|(e, s)| json!({"entry": e, "name": after.system_name(s)})).collect::<Vec<_>>(),
            "moves": t.moves.iter().map(|m| move_view(m, after)).collect::<Vec<_>>(),
            "evaluation": t.evaluation,
            "comparable": t.comparable,
        })).collect::<Vec<_>>(),
        "version": v,
    })
}

/// BibTeX and CITATION.cff of a release. Only the release's immutable facts and its DOI (an
/// editable field, added once deposited) go in; `concept_doi` joins as an identifier.
fn cite(r: &Release, config: &Config) -> (String, String) {
    let m = &r.meta;
    let v = m.version.as_str();
    let url = format!("{}{}", config.base_url, release_url(v));
    let org = config.contact.organization.as_deref();
    let title = format!(
        "{}: Medical Imaging AGI's Last Exam, release {v}",
        config.title
    );
    let bibtex = citation::bibtex_misc(
        &format!("medal-{v}"),
        &title,
        &org.into_iter().collect::<Vec<_>>(),
        &m.date,
        v,
        m.doi.as_deref(),
        &url,
        org,
    );
    (
        bibtex,
        cff(
            &title,
            v,
            &m.date,
            m.doi.as_deref(),
            config.concept_doi.as_deref(),
            &url,
            org,
        ),
    )
}

fn y(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn bare_doi(d: &str) -> &str {
    d.trim_start_matches("https://doi.org/")
        .trim_start_matches("http://doi.org/")
        .trim_start_matches("https://dx.doi.org/")
        .trim_start_matches("doi:")
}

fn cff(
    title: &str,
    version: &str,
    date: &Date,
    doi: Option<&str>,
    concept_doi: Option<&str>,
    url: &str,
    org: Option<&str>,
) -> String {
    let mut lines = vec![
        "cff-version: 1.2.0".to_string(),
        "message: \"If you use this release of the benchmark, please cite it as below.\"".into(),
        "type: dataset".into(),
        format!("title: {}", y(title)),
        format!("version: {}", y(version)),
        format!("date-released: {}", y(date.as_str())),
        format!("url: {}", y(url)),
        "authors:".into(),
        format!("  - name: {}", y(org.unwrap_or("MEDAL team"))),
    ];
    if let Some(d) = doi {
        lines.push(format!("doi: {}", y(bare_doi(d))));
    }
    let ids: Vec<(&str, &str)> = doi
        .map(|d| (bare_doi(d), "The DOI of this release"))
        .into_iter()
        .chain(concept_doi.map(|d| (bare_doi(d), "The concept DOI: always the newest release")))
        .collect();
    if !ids.is_empty() {
        lines.push("identifiers:".into());
        for (d, what) in ids {
            lines.push("  - type: doi".into());
            lines.push(format!("    value: {}", y(d)));
            lines.push(format!("    description: {}", y(what)));
        }
    }
    lines.join("\n") + "\n"
}

/// The downloads of every release: each frozen file (and release.yaml) as is, the deposit
/// archive, and `/api/releases.json`.
pub fn files(portal: &Portal, config: &Config) -> Vec<OutFile> {
    let mut out = Vec::new();
    for r in &portal.releases {
        let v = r.meta.version.as_str();
        for (path, (bytes, _)) in &r.files {
            out.push(OutFile {
                path: format!("releases/{v}/{path}"),
                bytes: bytes.clone(),
            });
        }
        out.push(OutFile {
            path: format!("releases/{v}/release.yaml"),
            bytes: r.yaml.clone(),
        });
        out.push(OutFile {
            path: format!("releases/{v}/medal-{v}.zip"),
            bytes: archive(r, config),
        });
    }
    // Always there (an empty list before the first release), so tools can rely on it.
    out.push(OutFile {
        path: "api/releases.json".into(),
        bytes: api::pretty(&api_doc(portal, &config.base_url)),
    });
    out
}

/// The deposit archive: the frozen files with their manifest, a README and CITATION.cff made
/// from the release's immutable facts only (an archive cannot hold the DOI it is deposited
/// for), in a fixed order with fixed timestamps, so every build writes the same bytes.
pub fn archive(r: &Release, config: &Config) -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let m = &r.meta;
    let v = m.version.as_str();
    let title = format!(
        "{}: Medical Imaging AGI's Last Exam, release {v}",
        config.title
    );
    let url = format!("{}{}", config.base_url, release_url(v));
    let org = config.contact.organization.as_deref();
    let readme = format!(
        "# {title}\n\n\
         The MEDAL benchmark as it stood on {as_of}, frozen on {date}{rec}.\n\
         Web page: {url}\n\n\
         Files (checksums in manifest.json):\n\n\
         - rankings.json: the consensus ranking across released tasks (/api/rankings.json of that day)\n\
         - tasks/<task-id>.json: each task's leaderboard (/tasks/<id>/leaderboard.json of that day)\n\
         - tasks/<task-id>.yaml: the task's title, acronym, version and evaluation block\n\
         - systems.json: the systems the entries name\n\n\
         Every field is documented at {base}data/#releases.\n",
        as_of = m.as_of,
        date = m.date,
        rec = if m.reconstructed {
            " (reconstructed after the fact for that date)"
        } else {
            ""
        },
        base = config.base_url,
    );
    let citation = cff(
        &title,
        v,
        &m.date,
        None,
        config.concept_doi.as_deref(),
        &url,
        org,
    );
    let mut entries: Vec<(String, &[u8])> = r
        .files
        .iter()
        .map(|(p, (b, _))| (p.clone(), b.as_slice()))
        .collect();
    entries.push(("README.md".into(), readme.as_bytes()));
    entries.push(("CITATION.cff".into(), citation.as_bytes()));
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let folder = format!("medal-{v}");
    for (path, bytes) in entries {
        // Writing into memory cannot fail but for a bug; such an archive is left empty.
        if zip.start_file(format!("{folder}/{path}"), options).is_err()
            || zip.write_all(bytes).is_err()
        {
            return Vec::new();
        }
    }
    zip.finish().map(|c| c.into_inner()).unwrap_or_default()
}
