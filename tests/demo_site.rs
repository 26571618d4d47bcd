//! Builds the bundled demo portal and checks the output against its source files.

mod common;

use common::*;
use medal::model::Status;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One build shared by the tests of this file (the output is read-only).
fn site() -> &'static BTreeMap<String, Vec<u8>> {
    static SITE: OnceLock<(tempfile::TempDir, BTreeMap<String, Vec<u8>>)> = OnceLock::new();
    &SITE.get_or_init(|| build(&demo_root())).1
}

fn page(path: &str) -> String {
    let bytes = site()
        .get(path)
        .unwrap_or_else(|| panic!("{path} was not written"));
    text(bytes)
}

fn portal() -> medal::model::Portal {
    medal::load::load(&demo_root()).expect("demo content loads")
}

#[test]
fn every_page_kind_exists() {
    for path in [
        "index.html",
        "tasks/index.html",
        "tasks/modality/ct/index.html",
        "tasks/modality/sm/index.html",
        "tasks/specialty/radiology/index.html",
        "tasks/specialty/obstetrics-gynecology/index.html",
        "tasks/status/released/index.html",
        "tasks/category/image-classification/index.html",
        "systems/index.html",
        "rankings/index.html",
        "reports/index.html",
        "news/index.html",
        "news/atom.xml",
        "about/index.html",
        "faq/index.html",
        "accessibility/index.html",
        "privacy/index.html",
        "imprint/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "static/style.css",
        "static/syntax.css",
        "static/share.png",
        "progress/index.html",
        "progress/print.css",
        "data/index.html",
        "api/tasks.json",
        "api/systems.json",
        "api/progress.json",
        "api/rankings.json",
        "rankings/atom.xml",
        "reports/2026-q3/print.css",
    ] {
        assert!(site().contains_key(path), "missing {path}");
    }
    let p = portal();
    for b in p.published_tasks() {
        let id = b.task.id.as_str();
        assert!(
            site().contains_key(&format!("tasks/{id}/index.html")),
            "task {id}"
        );
        assert!(
            site().contains_key(&format!("tasks/{id}/datacard/index.html")),
            "data card {id}"
        );
        assert!(
            site().contains_key(&format!("api/tasks/{id}.json")),
            "task record {id}"
        );
    }
    for s in &p.systems {
        assert!(
            site().contains_key(&format!("systems/{}/index.html", s.id)),
            "system {}",
            s.id
        );
    }
    for r in &p.reports {
        assert!(site().contains_key(&format!("reports/{}/index.html", r.id)));
    }
    for n in &p.news {
        assert!(site().contains_key(&format!("news/{}/index.html", n.id)));
    }
}

#[test]
fn demo_content_covers_what_the_portal_must_show() {
    let p = portal();
    let published: Vec<_> = p.published_tasks().collect();
    assert!(published.len() >= 12);
    let modalities: std::collections::BTreeSet<_> = published
        .iter()
        .flat_map(|b| &b.task.imaging.modalities)
        .collect();
    assert!(modalities.len() >= 7, "{modalities:?}");
    let specialties: std::collections::BTreeSet<_> = published
        .iter()
        .flat_map(|b| &b.task.clinical.specialty)
        .collect();
    assert!(specialties.len() >= 6);
    assert!(
        p.tasks
            .iter()
            .filter(|b| !b.task.status.is_published())
            .count()
            >= 6
    );
    use medal::model::SystemKind;
    assert!(
        p.systems
            .iter()
            .filter(|s| s.kind != SystemKind::HumanReader)
            .count()
            >= 8
    );
    assert!(
        p.systems
            .iter()
            .filter(|s| s.kind == SystemKind::HumanReader)
            .count()
            >= 2
    );
    let with_cases = p
        .leaderboards
        .iter()
        .filter(|lb| lb.entries.iter().all(|e| !e.per_case.is_empty()))
        .count();
    assert!(with_cases >= 6);
    assert!(p.reports.len() >= 2 && p.news.len() >= 4);
}

#[test]
fn task_pages_show_their_source_facts() {
    let p = portal();
    for b in p.published_tasks() {
        let t = &b.task;
        let html = page(&format!("tasks/{}/index.html", t.id));
        for fact in [
            &t.title,
            &t.summary,
            &t.clinical.clinical_question,
            &t.clinical.why_it_matters,
            &t.clinical.target_cohort,
            &t.task_definition.case_definition,
            &t.governance.license,
        ] {
            assert!(html.contains(fact.trim()), "{}: missing {fact:?}", t.id);
        }
        for c in &t.contributors {
            assert!(html.contains(&c.name), "{}: contributor {}", t.id, c.name);
            if let Some(orcid) = &c.orcid {
                assert!(
                    html.contains(&format!("href=\"{orcid}\""))
                        || html.contains(&format!("href={orcid}")),
                    "{}: ORCID link {orcid}",
                    t.id
                );
            }
        }
        for m in &t.evaluation.as_ref().unwrap().metrics {
            assert!(html.contains(&m.name), "{}: metric {}", t.id, m.name);
        }
        let r = b.rationale.as_ref().unwrap();
        assert!(html.contains(&r.meta.round), "{}: round", t.id);
        for d in &r.meta.dissent {
            assert!(html.contains(d.summary.trim()), "{}: dissent", t.id);
        }
        for c in &r.meta.conditions {
            assert!(html.contains(c.trim()), "{}: condition", t.id);
        }
        assert!(
            html.contains("role=\"img\"") || html.contains("role=img"),
            "{}: chart",
            t.id
        );

        let card = page(&format!("tasks/{}/datacard/index.html", t.id));
        let d = b.datacard.as_ref().unwrap();
        assert!(card.contains(&d.dataset.name));
        assert!(
            card.contains(d.annotation.reference_standard.trim()),
            "{}: reference standard",
            t.id
        );
        for bias in &d.risks.biases {
            assert!(card.contains(bias.trim()), "{}: bias {bias}", t.id);
        }
    }
}

#[test]
fn recused_members_scores_are_not_shown() {
    let p = portal();
    let mut checked = 0;
    for b in p.published_tasks() {
        let r = b.rationale.as_ref().unwrap();
        let html = page(&format!("tasks/{}/index.html", b.task.id));
        let Some(start) = html
            .find("id=cap-criteria")
            .or_else(|| html.find("id=\"cap-criteria\""))
        else {
            panic!("{}: no criteria table", b.task.id)
        };
        let table = &html[start..start + html[start..].find("</table>").unwrap()];
        for m in r.meta.panel.iter() {
            let column = table.contains(&format!(">{}<", m.id));
            // Members who scored are columns of the criteria table; recused ones never are.
            assert_eq!(
                column, !m.recused,
                "{}: member {} (recused: {})",
                b.task.id, m.id, m.recused
            );
            checked += m.recused as usize;
        }
    }
    assert!(checked > 0, "the demo has recused panel members");
}

#[test]
fn leaderboards_rank_systems_and_mark_reference_rows() {
    let p = portal();
    for lb in &p.leaderboards {
        let html = page(&format!("tasks/{}/index.html", lb.task));
        for e in &lb.entries {
            let name = &p.system(e.system.as_str()).unwrap().name;
            assert!(html.contains(name.as_str()), "{}: {name}", lb.task);
        }
        if lb.entries.iter().any(|e| e.reference_only) {
            assert!(
                html.contains("not ranked"),
                "{}: reference rows are marked",
                lb.task
            );
        }
    }
    let rankings = page("rankings/index.html");
    for lb in p.leaderboards.iter().filter(|lb| {
        p.tasks
            .iter()
            .any(|b| b.task.id == lb.task && b.task.status == Status::Released)
    }) {
        for e in lb.entries.iter().filter(|e| !e.reference_only) {
            let name = &p.system(e.system.as_str()).unwrap().name;
            assert!(rankings.contains(name.as_str()), "rankings: {name}");
        }
    }
}

#[test]
fn home_figures_are_computed_from_content() {
    let p = portal();
    let home = page("index.html");
    let proposals = p.tasks.len();
    let selected = p.published_tasks().count();
    assert!(
        home.contains(&format!(">{proposals}<")),
        "proposals {proposals}"
    );
    assert!(
        home.contains(&format!(">{selected}<")),
        "selected {selected}"
    );
    let prize: f64 = p
        .tasks
        .iter()
        .filter_map(|b| b.rationale.as_ref()?.meta.award.as_ref())
        .map(|a| a.amount_eur)
        .sum();
    let shown = medal::render::format::eur(prize);
    assert!(home.contains(&shown), "prize {shown}");
}

#[test]
fn no_confidential_proposal_reaches_any_output_file() {
    let p = portal();
    let confidential: Vec<_> = p
        .tasks
        .iter()
        .filter(|b| !b.task.status.is_published())
        .collect();
    assert!(!confidential.is_empty());
    for (path, bytes) in site() {
        let body = text(bytes);
        for b in &confidential {
            let t = &b.task;
            let needles = [
                t.id.as_str(),
                t.title.as_str(),
                &t.summary[..t.summary.len().min(60)],
                t.clinical.clinical_question.as_str(),
            ];
            for n in needles {
                assert!(
                    !body.contains(n),
                    "{path} leaks {:?} of confidential task {}",
                    n,
                    t.id
                );
            }
        }
    }
}

#[test]
fn no_script_from_content_and_no_third_party_loads() {
    for (path, bytes) in site() {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        assert!(!html.contains("javascript:"), "{path}");
        // The default theme ships no scripts at all; a later search script will be ours.
        for tag in html.split("<script").skip(1) {
            // JSON-LD blocks are data, never executed (their text is escaped by the generator).
            if tag.starts_with(" type=application/ld+json>") {
                continue;
            }
            assert!(
                tag.contains("src=/static/") || tag.contains("src=\"/static/"),
                "{path}: inline or foreign script"
            );
        }
        for attr in ["src=\"http", "src=http", "href=\"//", "src=\"//"] {
            assert!(
                !html.contains(attr),
                "{path}: loads from another host ({attr})"
            );
        }
        let lang = if path.starts_with("de/") {
            "lang=de"
        } else {
            "lang=en"
        };
        assert!(
            html.contains("<html") && html.contains(lang),
            "{path}: language"
        );
    }
}

#[test]
fn sitemap_lists_every_page_and_feed_is_atom() {
    let sitemap = page("sitemap.xml");
    assert!(sitemap.contains("<urlset"));
    assert!(sitemap.contains("http://127.0.0.1:8000/tasks/"));
    // Every page but redirects (/releases/latest/), which are not listed.
    let n_pages = site()
        .iter()
        .filter(|(k, v)| {
            k.ends_with("index.html") && !String::from_utf8_lossy(v).contains("http-equiv=refresh")
        })
        .count();
    assert_eq!(sitemap.matches("<loc>").count(), n_pages);
    let feed = page("news/atom.xml");
    assert!(feed.contains("<feed") && feed.contains("http://www.w3.org/2005/Atom"));
    assert_eq!(feed.matches("<entry>").count(), portal().news.len());
}

#[test]
fn two_builds_are_byte_identical() {
    let (_a, first) = build(&demo_root());
    assert_eq!(&first, site());
}

#[test]
fn ranking_analysis_pages_show_uncertainty() {
    let p = portal();
    let mut pages = 0;
    for lb in &p.leaderboards {
        let path = format!("tasks/{}/ranking/index.html", lb.task);
        let task = page(&format!("tasks/{}/index.html", lb.task));
        if !site().contains_key(&path) {
            // Ranked on a dataset-level metric, or bootstrap off: the page says so.
            assert!(task.contains("No uncertainty can be shown"), "{}", lb.task);
            assert!(!task.contains(&format!("tasks/{}/ranking/", lb.task)));
            continue;
        }
        pages += 1;
        let html = page(&path);
        for chart in ["chart-blob", "chart-significance", "chart-intervals"] {
            assert!(html.contains(chart), "{path}: {chart}");
        }
        assert!(html.contains("Kendall"), "{path}: stability");
        assert!(
            task.contains(&format!("tasks/{}/ranking/", lb.task)),
            "{}: link to the analysis",
            lb.task
        );
        assert!(
            task.contains("interval"),
            "{}: intervals on the task page",
            lb.task
        );
    }
    assert!(pages >= 6, "{pages} analysis pages");
    assert!(page("rankings/index.html").contains("bootstrap interval"));
}

fn json_file(path: &str) -> serde_json::Value {
    serde_json::from_str(&page(path)).unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
}

#[test]
fn every_leaderboard_task_has_json_and_csv_downloads() {
    let p = portal();
    let systems: Vec<&str> = p.systems.iter().map(|s| s.id.as_str()).collect();
    let mut checked = 0;
    for b in p.tasks.iter().filter(|b| b.task.status.has_leaderboard()) {
        let Some(lb) = p.leaderboards.iter().find(|lb| lb.task == b.task.id) else {
            continue;
        };
        let id = b.task.id.as_str();
        let doc = json_file(&format!("tasks/{id}/leaderboard.json"));
        assert_eq!(doc["task"], id);
        for field in [
            "method",
            "metric",
            "bootstrap_samples",
            "alpha",
            "kendall_tau",
            "significant_pairs",
            "entries",
        ] {
            assert!(doc.get(field).is_some(), "{id}: field {field}");
        }
        let entries = doc["entries"].as_array().expect("entries");
        assert_eq!(entries.len(), lb.entries.len(), "{id}: one row per entry");
        for e in entries {
            for field in [
                "entry",
                "system",
                "reference_only",
                "rank",
                "median_rank",
                "rank_ci",
                "tie_group",
                "missing_cases",
                "scores",
            ] {
                assert!(e.get(field).is_some(), "{id}: entry field {field}");
            }
            if e["reference_only"] == true {
                assert!(e["rank"].is_null(), "{id}: reference rows are never ranked");
                assert!(e["tie_group"].is_null());
            }
            if doc["bootstrap_samples"].as_u64().unwrap_or(0) > 0 && !e["rank"].is_null() {
                let ci = e["rank_ci"].as_array().expect("rank_ci");
                let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
                assert!(lo <= hi, "{id}: rank interval");
                assert!(e["tie_group"].as_u64().is_some(), "{id}: tie group");
            }
        }
        for pair in doc["significant_pairs"].as_array().expect("pairs") {
            for s in pair.as_array().expect("pair") {
                let s = s.as_str().expect("system id");
                assert!(systems.contains(&s), "{id}: pair names unknown system {s}");
                assert!(
                    entries
                        .iter()
                        .any(|e| e["system"] == s && e["rank"].is_number()),
                    "{id}: pair names a system that is not ranked: {s}"
                );
            }
        }
        let csv = page(&format!("tasks/{id}/leaderboard.csv"));
        let mut lines = csv.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("entry,system,reference_only,rank,")
        );
        assert_eq!(lines.count(), lb.entries.len(), "{id}: csv rows");
        checked += 1;
    }
    assert!(checked >= 5, "the demo has leaderboards");
}

#[test]
fn consensus_download_lists_every_ranked_system() {
    let doc = json_file("api/rankings.json");
    let entries = doc["entries"].as_array().expect("entries");
    assert!(doc["tasks"].as_u64().unwrap() > 0);
    assert!(!entries.is_empty());
    for e in entries {
        for field in ["system", "rank", "mean_rank", "rank_ci", "tasks"] {
            assert!(e.get(field).is_some(), "consensus field {field}");
        }
        let rank = e["rank"].as_f64().unwrap();
        let ci = e["rank_ci"].as_array().expect("consensus rank interval");
        assert!(ci[0].as_f64().unwrap() <= ci[1].as_f64().unwrap());
        assert!(rank >= 1.0 && e["tasks"].as_u64().unwrap() >= 1);
    }
    assert_eq!(entries[0]["rank"], 1);
    assert_eq!(entries[0]["tie_group"], 1, "the leader heads the top group");
}

#[test]
fn rankings_page_shows_consensus_intervals_as_a_chart_with_its_table() {
    let html = page("rankings/index.html");
    let doc = json_file("api/rankings.json");
    let entries = doc["entries"].as_array().expect("entries");
    assert!(html.contains("How sure is the overall order?"));
    assert!(
        html.contains("class=\"chart chart-intervals\""),
        "consensus chart"
    );
    assert!(html.contains("aria-labelledby=\"consensus-title consensus-desc\""));
    // One dot per system, and a table row per system beside the chart.
    let chart = &html[html.find("chart-intervals").unwrap()..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    assert_eq!(chart.matches("<circle").count(), entries.len());
    assert!(html.contains("Overall rank with its bootstrap interval"));
    let tied = entries.iter().filter(|e| e["tie_group"] == 1).count();
    assert!(tied >= 1);
    assert_eq!(html.matches("badge--top").count(), tied);
    for e in entries {
        let ci = e["rank_ci"].as_array().expect("interval");
        let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
        let span = if lo == hi {
            format!("ranks {lo}")
        } else {
            format!("ranks {lo}–{hi}")
        };
        assert!(html.contains(&span), "{} shows {span}", e["system"]);
    }
}

#[test]
fn a_warm_ranking_cache_renders_the_same_bytes_as_no_cache() {
    let root = demo_root();
    let p = portal();
    let config = medal::config::Config::load(&root).expect("medal.toml");
    let theme = medal::theme::Theme::load(&root, &config.theme).expect("theme");
    let opts = medal::render::RenderOptions::default();
    let render = |computed: &medal::compute::Computed| {
        medal::render::render(&p, computed, &config, &theme, &opts).expect("renders")
    };
    let fresh = render(&medal::compute::compute(&p));
    let dir = tempfile::tempdir().expect("tempdir");
    let ranked = medal::compute::compute(&p).rankings.len();
    assert!(ranked >= 5, "the demo ranks several tasks");

    let cold = medal::compute::RankingCache::new(dir.path());
    let cold_files = render(&medal::compute::compute_with(
        &p,
        &medal::compute::Inputs::cached(&cold),
    ));
    assert_eq!(cold.stats(), (0, ranked));
    let warm = medal::compute::RankingCache::new(dir.path());
    let warm_files = render(&medal::compute::compute_with(
        &p,
        &medal::compute::Inputs::cached(&warm),
    ));
    assert_eq!(warm.stats(), (ranked, 0));

    for files in [&cold_files, &warm_files] {
        assert_eq!(files.len(), fresh.len());
        for (a, b) in fresh.iter().zip(files.iter()) {
            assert_eq!(a.path, b.path);
            assert!(a.bytes == b.bytes, "{} differs with the cache", a.path);
        }
    }
}

#[test]
fn data_page_links_every_download_and_schema() {
    let data = page("data/index.html");
    for path in site().keys().filter(|p| {
        p.starts_with("api/")
            || p.starts_with("schemas/")
            || p.ends_with("/croissant.json")
            || p.ends_with("/leaderboard.json")
            || p.ends_with("/leaderboard.csv")
    }) {
        let linked = [">", " "]
            .iter()
            .any(|end| data.contains(&format!("href=/{path}{end}")));
        assert!(linked, "/data/ does not link {path}");
    }
    // Every field of the progress contract is documented.
    for field in [
        "as_of",
        "proposals",
        "by_status",
        "selected_total",
        "released_total",
        "prize_committed_eur",
        "prize_paid_eur",
        "by_modality",
        "by_specialty",
        "by_country",
        "systems_evaluated",
        "leaderboard_entries",
    ] {
        assert!(
            data.contains(&format!("<code>{field}</code>")),
            "{field} undocumented"
        );
    }
    assert!(
        page("index.html").contains("<a href=/data/>"),
        "home and footer link /data/"
    );
    // Placeholders in field names are text, not elements.
    let raw = String::from_utf8_lossy(&site()["data/index.html"]).into_owned();
    assert!(
        raw.contains("entries[].scores.&lt;metric"),
        "the scores field is not written as text"
    );
}

/// Every element name of a page (`<name` and `</name`), outside comments and the text of
/// `<title>` (which a minifier may write unescaped).
fn element_names(html: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |j| &after[j + 3..]);
            continue;
        }
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if name == "title" && !rest.starts_with('/') {
            rest = rest.find("</title").map_or("", |j| &rest[j..]);
        }
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

#[test]
fn every_element_of_every_page_is_html_or_svg() {
    const KNOWN: &[&str] = &[
        "a",
        "abbr",
        "address",
        "article",
        "aside",
        "b",
        "blockquote",
        "body",
        "br",
        "button",
        "caption",
        "circle",
        "cite",
        "code",
        "col",
        "colgroup",
        "data",
        "dd",
        "defs",
        "del",
        "desc",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "footer",
        "form",
        "g",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "i",
        "img",
        "input",
        "ins",
        "kbd",
        "label",
        "legend",
        "li",
        "line",
        "link",
        "main",
        "mark",
        "marker",
        "meta",
        "meter",
        "nav",
        "noscript",
        "ol",
        "optgroup",
        "option",
        "output",
        "p",
        "path",
        "pattern",
        "polygon",
        "polyline",
        "pre",
        "progress",
        "q",
        "rect",
        "s",
        "samp",
        "script",
        "section",
        "select",
        "small",
        "span",
        "strong",
        "style",
        "sub",
        "summary",
        "sup",
        "svg",
        "table",
        "tbody",
        "td",
        "template",
        "text",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "time",
        "title",
        "tr",
        "tspan",
        "u",
        "ul",
        "use",
        "var",
        "wbr",
        "fieldset",
        "ellipse",
        "symbol",
        "clippath",
        "lineargradient",
        "stop",
        "search",
        // The sign-language page's player.
        "video",
        "source",
        "track",
    ];
    for (path, bytes) in site().iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for name in element_names(&html) {
            assert!(
                KNOWN.contains(&name.as_str()),
                "{path} has an element <{name}>: text written unescaped?"
            );
        }
    }
}

#[test]
fn search_index_leaves_citation_source_text_out() {
    // The task pages show BibTeX and CITATION.cff blocks ...
    let task = site()
        .keys()
        .find(|k| {
            k.starts_with("tasks/") && k.ends_with("/index.html") && page(k).contains("cff-version")
        })
        .expect("a task page with a citation");
    assert!(page(task).contains("@misc{"), "{task}");
    // ... which search excerpts must not quote.
    let fragments = search_index_text_of(".pf_fragment");
    for source in [
        "cff-version",
        "date-released",
        "@misc{",
        "authors:",
        "license: ",
    ] {
        assert!(
            !fragments.contains(source),
            "{source:?} is in the search index"
        );
    }
}

#[test]
fn progress_page_shows_the_api_figures() {
    let p = json_file("api/progress.json");
    let html = page("progress/index.html");
    for key in [
        "proposals",
        "selected_total",
        "released_total",
        "systems_evaluated",
        "leaderboard_entries",
    ] {
        let n = p[key].as_u64().unwrap();
        assert!(
            html.contains(&format!("<dd>{n}</dd>")),
            "{key} = {n} not on /progress/"
        );
    }
    assert!(html.contains(&format!(
        "As of <time datetime={}>",
        p["as_of"].as_str().unwrap()
    )));
    // Charts: accessible SVG with a data table, no script.
    assert!(html.matches("role=img").count() >= 3);
    assert!(html.contains("Totals at the end of each month"));
    assert_eq!(
        p["proposals"].as_u64().unwrap() as usize,
        portal().tasks.len()
    );
}

#[test]
fn data_cards_embed_a_dataset_block_and_tasks_a_citation() {
    let p = portal();
    for b in p.published_tasks() {
        let id = b.task.id.as_str();
        let task = page(&format!("tasks/{id}/index.html"));
        assert!(
            task.contains("Cite this task") && task.contains(&format!("@misc{{medal-{id},")),
            "{id}"
        );
        let Some(d) = &b.datacard else { continue };
        let html = String::from_utf8_lossy(&site()[&format!("tasks/{id}/datacard/index.html")])
            .to_string();
        let open = "<script type=application/ld+json>";
        let start = html.find(open).expect("JSON-LD block") + open.len();
        let end = start + html[start..].find("</script>").unwrap();
        let ld: serde_json::Value = serde_json::from_str(&html[start..end]).expect("valid JSON-LD");
        assert_eq!(ld["@type"], "Dataset");
        assert_eq!(ld["name"], d.dataset.name.as_str());
        assert!(
            ld["description"].as_str().unwrap().len() >= 50,
            "Google wants 50+ characters"
        );
        assert!(ld["license"].as_str().is_some() && ld["creator"].is_array());
        let croissant = json_file(&format!("tasks/{id}/croissant.json"));
        assert_eq!(
            croissant["conformsTo"],
            "http://mlcommons.org/croissant/1.1"
        );
        assert!(
            croissant["rai:dataBiases"].is_array(),
            "{id}: RAI fields from the card"
        );
    }
}

#[test]
fn every_page_has_sharing_metadata() {
    for (path, bytes) in site().iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        // Minified: attributes unquoted, content first.
        assert!(
            html.contains("/static/share.png property=og:image>"),
            "{path}"
        );
        assert!(
            html.contains("content=summary_large_image name=twitter:card>"),
            "{path}"
        );
        if !path.ends_with("404.html") {
            assert!(html.contains("rel=canonical"), "{path}");
        }
    }
}

/// The words of the search index: Pagefind's index, filter and fragment files are gzipped,
/// so the plain scan above cannot see into them.
fn search_index_text() -> String {
    search_index_text_of(".pf_")
}

fn search_index_text_of(kind: &str) -> String {
    use std::io::Read;
    let mut all = String::new();
    for (path, bytes) in site() {
        if path.starts_with("pagefind/") && path.contains(kind) {
            let mut buf = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut buf)
                .unwrap_or_else(|e| panic!("{path} is not gzip: {e}"));
            all.push_str(&String::from_utf8_lossy(&buf));
            all.push('\n');
        }
    }
    all.to_lowercase()
}

/// Lower-case words of at least `min` letters.
fn words(text: &str, min: usize) -> std::collections::BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= min)
        .map(|w| w.to_lowercase())
        .collect()
}

#[test]
fn search_index_covers_published_content_and_no_confidential_proposal() {
    let p = portal();
    let index = search_index_text();
    // Published: every task's id (its URL) and words of its clinical question are in it.
    for b in p.published_tasks() {
        let t = &b.task;
        assert!(
            index.contains(&format!("/tasks/{}/", t.id.as_str())),
            "{} is not in the search index",
            t.id.as_str()
        );
        let question = words(&t.clinical.clinical_question, 8);
        assert!(
            question.iter().any(|w| index.contains(w.as_str())),
            "no word of the clinical question of {} is in the index",
            t.id.as_str()
        );
    }
    // Confidential: no id, and none of the words that only its own text uses.
    let published_pages: String = site()
        .iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(_, v)| text(v).to_lowercase())
        .collect();
    // The fragments hold the text of every indexed page (the word index is binary, and its
    // packed URLs would make substring checks meaningless).
    let fragment_words = words(&search_index_text_of(".pf_fragment"), 1);
    let mut checked = 0;
    for b in p.tasks.iter().filter(|b| !b.task.status.is_published()) {
        let t = &b.task;
        assert!(
            !index.contains(t.id.as_str()),
            "{} leaks into the index",
            t.id.as_str()
        );
        let own = format!(
            "{} {} {} {}",
            t.title, t.summary, t.clinical.clinical_question, t.clinical.why_it_matters
        );
        for w in words(&own, 7) {
            if !published_pages.contains(w.as_str()) {
                checked += 1;
                assert!(
                    !fragment_words.contains(&w),
                    "the word {w:?} of confidential task {} is in the search index",
                    t.id.as_str()
                );
            }
        }
    }
    assert!(
        checked > 5,
        "too few confidential-only words to check ({checked})"
    );
}

#[test]
fn search_bundle_is_complete_and_served_from_the_site() {
    let s = site();
    for f in [
        "search/index.html",
        "static/search.js",
        "pagefind/pagefind.js",
        "pagefind/pagefind-worker.js",
        "pagefind/pagefind-entry.json",
        "pagefind/wasm.en.pagefind",
    ] {
        assert!(s.contains_key(f), "missing {f}");
    }
    assert!(
        s.keys()
            .any(|k| k.starts_with("pagefind/pagefind.en_") && k.ends_with(".pf_meta"))
    );
    assert!(
        !s.keys()
            .any(|k| k.starts_with("pagefind/") && k.contains("-ui"))
    );
    // Every page has the header search box, a plain GET form to the search page.
    let home = page("index.html");
    assert!(home.contains("action=/search/") || home.contains("action=\"/search/\""));
    assert!(home.contains("name=q"), "no q field in the header form");
    // Only the search page may instantiate WebAssembly.
    assert!(!home.contains("wasm-unsafe-eval"));
    assert!(page("search/index.html").contains("'wasm-unsafe-eval'"));
    // Without JavaScript the search page leads to the static listing pages.
    let search = page("search/index.html");
    assert!(search.contains("/tasks/modality/ct/"));
    assert!(search.contains("/tasks/status/released/"));
}
