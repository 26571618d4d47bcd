//! Stage 4b: the static search index, built from the rendered pages in memory (render →
//! search → write), so it holds exactly what the site publishes and nothing else.
//!
//! The engine is [Pagefind](https://pagefind.app) through its Rust library. A page takes part
//! when its template marks the main content with `data-pagefind-body`; facets come from
//! `data-pagefind-filter="key:value"` elements, the date sort key from `data-pagefind-sort`
//! (see docs/templates.md). Only rendered pages are fed to the index, so a confidential
//! proposal, which no page shows, cannot enter it.
//!
//! The browser side is `static/search.js` of the theme, which uses Pagefind's JS API from
//! `/pagefind/pagefind.js`; everything is served from the site's own origin.

use crate::error::{Error, Result};
use crate::output::OutFile;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

/// The folder of the search bundle in the output.
pub const BUNDLE_DIR: &str = "pagefind";

/// The attribute that marks a page's searchable content.
const BODY_MARK: &str = "data-pagefind-body";

/// Elements left out of the index wherever they appear: tables (leaderboards, score and result
/// tables are long lists of numbers that would swamp excerpts and inflate the index), charts,
/// badge lines ("Task version 0.9.0" would open every excerpt) and the page's own navigation
/// aids, and citation source text (BibTeX and CITATION.cff blocks: `license: "CC-BY-4.0"
/// authors: - name:` is no excerpt a reader can use). Pagefind itself already skips nav,
/// footer, form, svg and script.
const EXCLUDED: &[&str] = &[
    "table",
    "figure",
    ".toc",
    ".breadcrumbs",
    ".backlinks",
    ".meta-line",
    "pre.citation",
    ".citation-formats",
];

/// Fragments (one per page, the text shown in results) are bundled into at most this many
/// files, so a portal of 10,000 tasks does not write 10,000 fragment files (it writes 2,000 of
/// five pages each; a first query fetches one file per result shown, so bigger groups would
/// cost download size). Below it, each page
/// keeps its own fragment (the smallest first-query download).
pub const MAX_FRAGMENTS: u32 = 2000;

/// Files of the Pagefind bundle the portal does not use: its ready-made UIs (we have our own
/// small script) and the highlighting helper.
const UNUSED: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// What [`index`] produced, for the build report and the benchmark.
#[derive(Debug, Clone, Default)]
pub struct IndexSummary {
    /// Pages in the index.
    pub pages: usize,
    /// Files of the bundle.
    pub files: usize,
    /// Bytes of the bundle (its index files are gzipped already).
    pub bytes: u64,
}

/// Builds the search bundle for the rendered `pages` (`language` is the site's ISO 639-1
/// code; it picks the stemmer; a site in several languages gives them all, the default first,
/// as "en,de": the pages under `de/` are then indexed as German, and Pagefind keeps an index
/// per language). Returns the files to write under [`BUNDLE_DIR`].
pub fn index<'a>(
    pages: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    language: &str,
) -> Result<(Vec<OutFile>, IndexSummary)> {
    let mut indexer = Indexer::new(language)?;
    for (path, bytes) in pages {
        indexer.add(path, bytes)?;
    }
    indexer.finish()
}

/// [`index`] a page at a time, so a caller can free the pages once they are fed and before
/// the index files are built (at 10,000 tasks the rendered site is 1.5 GB, and building the
/// index is the peak of a build).
pub struct Indexer {
    engine: Engine,
    pages: usize,
}

impl Indexer {
    pub fn new(language: &str) -> Result<Indexer> {
        Ok(Indexer {
            engine: Engine::new(language)?,
            pages: 0,
        })
    }

    /// Feeds the file at `path`; files other than marked pages are skipped. Prepared one page
    /// at a time, as Pagefind takes them: a prepared copy of every page would cost a few
    /// hundred MB at 10,000 tasks.
    pub fn add(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        if self.engine.add(path, bytes)? {
            self.pages += 1;
        }
        Ok(())
    }

    /// The bundle of the pages fed.
    pub fn finish(mut self) -> Result<(Vec<OutFile>, IndexSummary)> {
        let out = self.engine.files()?;
        let summary = IndexSummary {
            pages: self.pages,
            files: out.len(),
            bytes: out.iter().map(|f| f.bytes.len() as u64).sum(),
        };
        Ok((out, summary))
    }
}

/// Pagefind with the portal's settings, and a runtime of its own to drive its async API (the
/// rest of the library stays synchronous).
struct Engine {
    runtime: tokio::runtime::Runtime,
    index: PagefindIndex,
    codes: Vec<String>,
}

impl Engine {
    fn new(language: &str) -> Result<Engine> {
        let codes: Vec<String> = language.split(',').map(str::to_string).collect();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| engine_error(format!("starting the indexer: {e}")))?;
        let excluded = || EXCLUDED.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // One language: forced (the pages' fragments carry no `lang`). Several: Pagefind reads
        // each page's `lang` and keeps an index per language.
        let options = if codes.len() > 1 {
            PagefindServiceConfig::builder()
                .exclude_selectors(excluded())
                .max_fragments(MAX_FRAGMENTS)
                .build()
        } else {
            PagefindServiceConfig::builder()
                .force_language(language_code(codes.first().map_or("en", String::as_str)))
                .exclude_selectors(excluded())
                .max_fragments(MAX_FRAGMENTS)
                .build()
        };
        let index = PagefindIndex::new(Some(options))
            .map_err(|e| engine_error(format!("setting up the index: {e}")))?;
        Ok(Engine {
            runtime,
            index,
            codes,
        })
    }

    /// The searchable part of the page at `path`, or `None` for a file or page left out.
    fn searchable(&self, path: &str, bytes: &[u8]) -> Option<String> {
        if !path.ends_with(".html") {
            return None;
        }
        let html = std::str::from_utf8(bytes).ok()?;
        let default = self.codes.first().map_or("en", String::as_str);
        let lang = (self.codes.len() > 1).then(|| {
            let code = self
                .codes
                .iter()
                .skip(1)
                .find(|c| path.starts_with(&format!("{c}/")))
                .map_or(default, String::as_str);
            language_code(code)
        });
        Some(spaced_blocks(&searchable_part(html, lang.as_deref())?))
    }

    /// Indexes the page at `path` (Pagefind replaces an earlier page of the same URL); `false`
    /// when it is not searchable.
    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<bool> {
        let Some(html) = self.searchable(path, bytes) else {
            return Ok(false);
        };
        self.add_searchable(path, html)?;
        Ok(true)
    }

    fn add_searchable(&mut self, path: &str, html: String) -> Result<()> {
        let Engine { runtime, index, .. } = self;
        runtime
            .block_on(index.add_html_file(None, Some(page_url(path)), html))
            .map_err(|e| engine_error(format!("indexing {path}: {e}")))?;
        Ok(())
    }

    /// The bundle of the pages indexed so far.
    fn files(&mut self) -> Result<Vec<OutFile>> {
        let Engine { runtime, index, .. } = self;
        let files = runtime
            .block_on(index.get_files())
            .map_err(|e| engine_error(format!("writing the index: {e}")))?;
        let mut out: Vec<OutFile> = files
            .into_iter()
            .filter_map(|f| {
                let name = f.filename.to_string_lossy().replace('\\', "/");
                let name = name.trim_start_matches('/').to_string();
                (!UNUSED.contains(&name.as_str())).then(|| OutFile {
                    path: format!("{BUNDLE_DIR}/{name}"),
                    bytes: f.contents,
                })
            })
            .collect();
        // The generic WebAssembly (no stemming) is only fetched for a language without its own.
        let has_own_wasm = out.iter().any(|f| {
            f.path.starts_with("pagefind/wasm.") && !f.path.ends_with(".unknown.pagefind")
        });
        if has_own_wasm {
            out.retain(|f| f.path != "pagefind/wasm.unknown.pagefind");
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}

/// A search index kept between rebuilds by `medal serve`. Pagefind replaces a page indexed
/// again under the same URL, so an update indexes only the pages whose bytes changed and then
/// rebuilds the index files from what it holds (at 1,000 tasks, under a second instead of
/// three). When pages appear, vanish or stop being searchable, it starts afresh: the pages'
/// order (and so every byte of the bundle) is then the same as [`index`] gives.
pub struct Live {
    engine: Engine,
    /// Every HTML page of the last update, in path order, with whether it is indexed.
    pages: Vec<(String, std::sync::Arc<[u8]>, bool)>,
}

impl Live {
    /// The bundle for `files` (output path → bytes, in path order), reusing `previous` when
    /// only page contents changed. Returns the bundle and the index for the next update.
    pub fn update<'a>(
        previous: Option<Live>,
        files: impl IntoIterator<Item = (&'a String, &'a std::sync::Arc<[u8]>)>,
        language: &str,
    ) -> Result<(Vec<OutFile>, Live)> {
        let pages: Vec<(String, std::sync::Arc<[u8]>)> = files
            .into_iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        let same_pages = |prev: &Live| {
            prev.engine.codes.join(",") == language
                && prev.pages.len() == pages.len()
                && prev.pages.iter().zip(&pages).all(|(a, b)| a.0 == b.0)
        };
        if let Some(mut live) = previous.filter(same_pages) {
            let mut changed = Vec::new();
            let mut afresh = false;
            for ((path, old, indexed), (_, new)) in live.pages.iter().zip(&pages) {
                if crate::output::same_bytes(Some(old), new) {
                    continue;
                }
                let html = live.engine.searchable(path, new);
                if html.is_some() != *indexed {
                    afresh = true;
                    break;
                }
                changed.extend(html.map(|h| (path.clone(), h)));
            }
            if !afresh {
                for (path, html) in changed {
                    live.engine.add_searchable(&path, html)?;
                }
                for (slot, (_, bytes)) in live.pages.iter_mut().zip(pages) {
                    slot.1 = bytes;
                }
                let bundle = live.engine.files()?;
                return Ok((bundle, live));
            }
        }
        let mut engine = Engine::new(language)?;
        let mut indexed = Vec::with_capacity(pages.len());
        for (path, bytes) in pages {
            let added = engine.add(&path, &bytes)?;
            indexed.push((path, bytes, added));
        }
        let bundle = engine.files()?;
        Ok((
            bundle,
            Live {
                engine,
                pages: indexed,
            },
        ))
    }
}

/// The part of a page the indexer needs: from the tag that carries `data-pagefind-body` to the
/// end, in an `<html>` element (Pagefind skips a page without one). The head and the site
/// header would only cost parsing time. `None` for a page without the mark. (Filters, meta
/// and sort keys must therefore be inside the marked element; docs/templates.md says so.)
/// `lang`: the page's language, for an index per language (`None`: the one forced).
fn searchable_part(html: &str, lang: Option<&str>) -> Option<String> {
    let mut from = 0;
    while let Some(i) = html[from..].find(BODY_MARK).map(|i| i + from) {
        let before = &html[..i];
        // Inside a tag: the last '<' before the mark comes after the last '>'.
        if let Some(lt) = before.rfind('<')
            && before.rfind('>').is_none_or(|gt| gt < lt)
        {
            let mut part = String::with_capacity(html.len() - lt + 12);
            match lang {
                Some(l) => part.push_str(&format!("<html lang=\"{l}\"><body>")),
                None => part.push_str("<html><body>"),
            }
            part.push_str(&html[lt..]);
            for tag in SKIPPED_ELEMENTS {
                part = drop_elements(&part, tag);
            }
            return Some(part);
        }
        from = i + BODY_MARK.len();
    }
    None
}

/// Elements cut from the page before indexing, since the indexer leaves them out anyway
/// (`table` is in [`EXCLUDED`], Pagefind skips `svg` and `footer`): they are a third of a task
/// page, and parsing them is most of what indexing costs.
const SKIPPED_ELEMENTS: &[&str] = &["table", "svg", "footer"];

/// `html` without the `tag` elements (nested ones included). Text cannot hold a raw `<` in
/// rendered pages, so every `<tag` is a tag.
fn drop_elements(html: &str, tag: &str) -> String {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let is_open_at = |i: usize| {
        html[i..].starts_with(&open)
            && matches!(
                html.as_bytes().get(i + open.len()),
                Some(b' ' | b'>' | b'/' | b'\t' | b'\n')
            )
    };
    let mut out = String::with_capacity(html.len());
    let mut pos = 0;
    while let Some(start) = html[pos..].find(&open).map(|i| i + pos) {
        if !is_open_at(start) {
            out.push_str(&html[pos..start + open.len()]);
            pos = start + open.len();
            continue;
        }
        out.push_str(&html[pos..start]);
        // Find the matching close tag, counting nested opens.
        let mut depth = 0usize;
        let mut i = start;
        loop {
            let next_open = html[i + 1..].find(&open).map(|j| j + i + 1);
            let Some(next_close) = html[i + 1..].find(&close).map(|j| j + i + 1) else {
                // Unclosed: drop the rest, as the parser would treat it as inside the element.
                return out;
            };
            match next_open {
                Some(o) if o < next_close && is_open_at(o) => {
                    depth += 1;
                    i = o;
                }
                Some(o) if o < next_close => i = o,
                _ => {
                    if depth == 0 {
                        pos = next_close + close.len();
                        break;
                    }
                    depth -= 1;
                    i = next_close;
                }
            }
        }
    }
    out.push_str(&html[pos..]);
    out
}

/// Minified pages have no white space between `</dt><dd>`, and Pagefind joins the text of
/// such elements into one word ("Intended useResearch"); a space after their closing tags
/// keeps words apart. Only the text given to the indexer changes, not the page.
fn spaced_blocks(html: &str) -> String {
    const CLOSE: &[&str] = &[
        "</dt>",
        "</dd>",
        "</li>",
        "</div>",
        "</td>",
        "</th>",
        "</caption>",
        "</summary>",
    ];
    let mut out = html.to_string();
    for tag in CLOSE {
        if out.contains(tag) {
            out = out.replace(tag, &format!("{tag} "));
        }
    }
    out
}

/// The URL a result links to, relative to the site's base ("tasks/x/index.html" →
/// "/tasks/x/"); the search script puts the base path in front, so the index does not depend
/// on where the site is served.
fn page_url(path: &str) -> String {
    let dir = path.strip_suffix("index.html").unwrap_or(path);
    format!("/{dir}")
}

/// "en-GB" → "en": Pagefind's stemmers are per base language.
fn language_code(language: &str) -> String {
    let base = language.split(['-', '_']).next().unwrap_or("");
    if base.is_empty() {
        "en".into()
    } else {
        base.to_ascii_lowercase()
    }
}

fn engine_error(message: String) -> Error {
    Error::Output(format!("search index: {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, body: &str) -> OutFile {
        OutFile {
            path: path.into(),
            bytes: format!("<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body><main>{body}</main></body></html>").into_bytes(),
        }
    }

    fn built(pages: &[OutFile]) -> (Vec<OutFile>, IndexSummary) {
        index(
            pages.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())),
            "en",
        )
        .unwrap()
    }

    /// Every word Pagefind stored, from its gzipped files.
    fn all_text(files: &[OutFile]) -> String {
        use std::io::Read;
        let mut s = String::new();
        for f in files.iter().filter(|f| f.path.contains(".pf_")) {
            let mut d = flate2::read::GzDecoder::new(&f.bytes[..]);
            let mut buf = Vec::new();
            d.read_to_end(&mut buf).unwrap();
            s.push_str(&String::from_utf8_lossy(&buf));
        }
        s
    }

    #[test]
    fn indexes_only_marked_pages() {
        let pages = [
            page(
                "tasks/a/index.html",
                "<article data-pagefind-body><h1>Pancreas segmentation</h1><p>Ductal adenocarcinoma on CT.</p></article>",
            ),
            page(
                "tasks/index.html",
                "<h1>All tasks</h1><p>Listing quokka.</p>",
            ),
            page(
                "news/x/index.html",
                "<div data-pagefind-body><h1>News</h1><p>Wombat.</p></div>",
            ),
        ];
        let (files, summary) = built(&pages);
        assert_eq!(summary.pages, 2);
        let text = all_text(&files);
        assert!(text.contains("adenocarcinoma"));
        assert!(text.contains("/tasks/a/"));
        assert!(!text.contains("quokka"), "an unmarked page is not indexed");
        assert!(files.iter().any(|f| f.path == "pagefind/pagefind.js"));
        assert!(
            files
                .iter()
                .any(|f| f.path == "pagefind/pagefind-entry.json")
        );
        assert!(!files.iter().any(|f| f.path.contains("-ui")));
        assert!(files.iter().all(|f| f.path.starts_with("pagefind/")));
    }

    #[test]
    fn keeps_tables_and_navigation_out() {
        let pages = [page(
            "systems/s/index.html",
            "<div data-pagefind-body><h1>Meridian</h1><p>Foundation model.</p><nav class=\"toc\">Tocword</nav><table><tr><td>0.8123 tablecell</td></tr></table></div>",
        )];
        let text = all_text(&built(&pages).0);
        assert!(text.contains("Foundation"));
        assert!(!text.contains("tablecell"));
        assert!(!text.contains("Tocword"));
    }

    #[test]
    fn keeps_citation_source_text_out() {
        // As task.html writes its "Cite this task" section.
        let pages = [page(
            "tasks/t/index.html",
            "<div data-pagefind-body><h1>Liver</h1><section><h2>Cite this task</h2><p>Doe J. Liver lesions.</p>\
             <details class=\"citation-formats\" open><summary>BibTeX</summary><pre class=\"citation\"><code>@misc{medal-t, bibfield = {x}}</code></pre></details>\
             <details class=\"citation-formats\"><summary>CITATION.cff</summary><pre class=\"citation\"><code>cff-version: 1.2.0\nlicense: \"CC-BY-4.0\"\nauthors:\n  - name: Cffauthor</code></pre></details></section></div>",
        )];
        let text = all_text(&built(&pages).0);
        assert!(text.contains("lesions"), "the citation sentence stays");
        for gone in ["bibfield", "misc", "cff", "CC-BY", "Cffauthor", "BibTeX"] {
            assert!(!text.contains(gone), "{gone} is in the index");
        }
    }

    #[test]
    fn same_pages_same_bytes() {
        let pages: Vec<OutFile> = (0..30)
            .map(|i| {
                page(
                    &format!("tasks/t{i}/index.html"),
                    &format!("<article data-pagefind-body><h1>Task {i}</h1><span data-pagefind-filter=\"modality:CT\"></span><span data-pagefind-sort=\"date:2026-01-{:02}\"></span><p>Word{i} liver lesion detection.</p></article>", i % 28 + 1),
                )
            })
            .collect();
        let a = built(&pages).0;
        let b = built(&pages).0;
        assert_eq!(a, b);
    }

    #[test]
    fn a_live_index_updated_in_place_equals_one_built_afresh() {
        let task = |i: usize, word: &str| {
            page(
                &format!("tasks/t{i}/index.html"),
                &format!(
                    "<article data-pagefind-body><h1>Task {i}</h1><span data-pagefind-filter=\"modality:CT\"></span><p>{word}{i} liver lesion detection.</p></article>"
                ),
            )
        };
        let site = |pages: &[OutFile]| -> std::collections::BTreeMap<String, std::sync::Arc<[u8]>> {
            pages
                .iter()
                .map(|f| (f.path.clone(), std::sync::Arc::from(f.bytes.as_slice())))
                .collect()
        };
        let mut pages: Vec<OutFile> = (0..12).map(|i| task(i, "Word")).collect();
        pages.push(OutFile {
            path: "robots.txt".into(),
            bytes: b"User-agent: *".to_vec(),
        });
        // As a build gives them: in path order.
        let afresh = |pages: &[OutFile]| {
            let mut sorted = pages.to_vec();
            sorted.sort_by(|a, b| a.path.cmp(&b.path));
            built(&sorted).0
        };
        let (first, live) = Live::update(None, site(&pages).iter(), "en").unwrap();
        assert_eq!(first, afresh(&pages));
        // One page's text changed: indexed again in place.
        pages[3] = task(3, "Wombat");
        let (second, live) = Live::update(Some(live), site(&pages).iter(), "en").unwrap();
        assert_eq!(second, afresh(&pages), "an edited page");
        assert!(all_text(&second).contains("wombat3"));
        assert!(!all_text(&second).contains("word3"));
        // A page added, and one no longer searchable: afresh, in path order.
        pages.push(task(20, "Added"));
        pages[5] = page("tasks/t5/index.html", "<p>not searchable</p>");
        let (third, _) = Live::update(Some(live), site(&pages).iter(), "en").unwrap();
        assert_eq!(third, afresh(&pages), "pages added and left out");
    }

    #[test]
    fn adjacent_block_elements_stay_separate_words() {
        let pages = [page(
            "systems/s/index.html",
            "<div data-pagefind-body><h1>S</h1><dl><dt>Intended use</dt><dd>Research</dd></dl></div>",
        )];
        let text = all_text(&built(&pages).0);
        assert!(text.contains("use Research"), "{text}");
    }

    #[test]
    fn the_mark_counts_only_as_an_attribute() {
        assert_eq!(searchable_part("<p>data-pagefind-body</p>", None), None);
        assert_eq!(
            searchable_part("<head><title>x</title></head><p>data-pagefind-body</p><main data-pagefind-body><h1>A</h1></main>", None)
                .as_deref(),
            Some("<html><body><main data-pagefind-body><h1>A</h1></main>")
        );
    }

    #[test]
    fn drops_whole_elements_with_nesting() {
        assert_eq!(
            drop_elements(
                "a<table><tr><td><table><td>x</table></td></table>b<tablex>c</tablex>",
                "table"
            ),
            "ab<tablex>c</tablex>"
        );
        assert_eq!(drop_elements("<svg viewBox=1><path/></svg>ok", "svg"), "ok");
        assert_eq!(drop_elements("keep<table>open", "table"), "keep");
    }

    #[test]
    fn urls_and_languages() {
        assert_eq!(page_url("tasks/x/index.html"), "/tasks/x/");
        assert_eq!(page_url("index.html"), "/");
        assert_eq!(page_url("404.html"), "/404.html");
        assert_eq!(language_code("en-GB"), "en");
        assert_eq!(language_code("DE"), "de");
        assert_eq!(language_code(""), "en");
    }
}
