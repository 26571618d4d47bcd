//! Link checking over the rendered site, in memory: every internal `href`/`src` of every HTML
//! page must reach a file the build produced, and every `#anchor` an `id` (or `<a name>`) on
//! the page it points to. Links are resolved as a browser would, against the page's URL under
//! the site's base path, so a root-relative link that escapes a sub-path base
//! (`/tasks/` on a site at `/medal/`) is caught. External links are only collected; absolute
//! URLs on the site's own origin are left alone (files may be deployed beside the site).
//!
//! Pages are scanned with html5ever's tokenizer (already in the build through ammonia), so
//! entities, quoting and `<script>`/`<style>` contents are read the way a browser reads them.

use crate::error::Diagnostic;
use crate::output::{OutFile, PageLinks};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A link that does not resolve.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BrokenLink {
    /// The page's output path (`tasks/x/index.html`).
    pub page: String,
    pub link: String,
    pub reason: String,
}

impl BrokenLink {
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::new(
            format!("(site) {}", self.page),
            format!("broken link `{}`: {}", self.link, self.reason),
        )
        .hint("fix the link in the content or template that produces this page; internal links are relative to the site's base URL")
    }
}

/// The result of a check: broken internal links, and every external link with the pages using it.
#[derive(Debug, Clone, Default)]
pub struct LinkReport {
    pub broken: Vec<BrokenLink>,
    /// External URL → output paths of the pages linking to it.
    pub external: BTreeMap<String, BTreeSet<String>>,
}

/// Extracts the links and anchors of one HTML page.
pub fn scan(html: &str) -> PageLinks {
    let sink = Sink(RefCell::new(PageLinks::default()));
    let tok = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tok.feed(&queue);
    tok.end();
    tok.sink.0.into_inner()
}

struct Sink(RefCell<PageLinks>);

impl TokenSink for Sink {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token
            && tag.kind == TagKind::StartTag
        {
            let mut page = self.0.borrow_mut();
            for a in &tag.attrs {
                let name = &*a.name.local;
                match name {
                    "href" | "src" => page.links.push(a.value.to_string()),
                    "id" => {
                        page.anchors.insert(a.value.to_string());
                    }
                    "name" if &*tag.name == "a" => {
                        page.anchors.insert(a.value.to_string());
                    }
                    _ => {}
                }
            }
            // What the tree builder would do: the contents of these are text, not tags.
            let raw = match &*tag.name {
                "script" => Some(RawKind::ScriptData),
                "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
                "title" | "textarea" => Some(RawKind::Rcdata),
                _ => None,
            };
            if let Some(kind) = raw
                && !tag.self_closing
            {
                return TokenSinkResult::RawData(kind);
            }
        }
        TokenSinkResult::Continue
    }
}

/// Checks the links of a rendered site whose base URL is `base_url` (`https://host/sub/`).
pub fn check(files: &[OutFile], base_url: &str) -> LinkReport {
    check_with(files, base_url, HashMap::new()).0
}

/// [`check`] reusing the scans in `known` (pages from the page cache, by output path): the
/// other HTML files are scanned now. Returns the report and every page's scan.
pub fn check_with(
    files: &[OutFile],
    base_url: &str,
    mut known: HashMap<String, std::sync::Arc<PageLinks>>,
) -> (LinkReport, HashMap<String, std::sync::Arc<PageLinks>>) {
    let scanned: Vec<(String, std::sync::Arc<PageLinks>)> = files
        .par_iter()
        .filter(|f| f.path.ends_with(".html") && !known.contains_key(&f.path))
        .map(|f| {
            let links = scan(&String::from_utf8_lossy(&f.bytes));
            (f.path.clone(), std::sync::Arc::new(links))
        })
        .collect();
    known.extend(scanned);
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let report = check_scanned(&known, &paths, base_url, None);
    (report, known)
}

/// [`check`] over pages scanned before (incremental rebuilds keep the scans of unchanged
/// pages), checking the links of the pages in `only` (all when `None`).
pub fn check_scanned(
    pages: &HashMap<String, std::sync::Arc<PageLinks>>,
    paths: &HashSet<&str>,
    base_url: &str,
    only: Option<&HashSet<String>>,
) -> LinkReport {
    let base = Base::new(base_url);
    let mut report = LinkReport::default();
    let mut sorted: Vec<(&String, &std::sync::Arc<PageLinks>)> = pages
        .iter()
        .filter(|(p, _)| only.is_none_or(|o| o.contains(*p)))
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (page, links) in sorted {
        let mut seen = HashSet::new();
        for link in &links.links {
            if !seen.insert(link.as_str()) {
                continue;
            }
            match base.resolve(page, link) {
                Target::Ignore => {}
                Target::External(url) => {
                    report.external.entry(url).or_default().insert(page.clone());
                }
                Target::Broken(reason) => report.broken.push(BrokenLink {
                    page: page.clone(),
                    link: link.clone(),
                    reason,
                }),
                Target::Internal { path, fragment } => {
                    let found = if path.is_empty() || path.ends_with('/') {
                        Some(format!("{path}index.html"))
                    } else if paths.contains(path.as_str()) {
                        Some(path.clone())
                    } else if paths.contains(format!("{path}/index.html").as_str()) {
                        Some(format!("{path}/index.html"))
                    } else {
                        None
                    }
                    .filter(|p| paths.contains(p.as_str()));
                    let Some(target) = found else {
                        report.broken.push(BrokenLink {
                            page: page.clone(),
                            link: link.clone(),
                            reason: format!("no page or file /{path} in the site"),
                        });
                        continue;
                    };
                    if let Some(frag) = fragment.filter(|f| !f.is_empty() && f != "top")
                        && let Some(t) = pages.get(&target)
                        && !t.anchors.contains(&frag)
                    {
                        report.broken.push(BrokenLink {
                            page: page.clone(),
                            link: link.clone(),
                            reason: format!("no element with id `{frag}` on /{target}"),
                        });
                    }
                }
            }
        }
    }
    report.broken.sort();
    report
}

enum Target {
    Ignore,
    External(String),
    Broken(String),
    /// Output path relative to the site root (no leading '/'), and the decoded fragment.
    Internal {
        path: String,
        fragment: Option<String>,
    },
}

struct Base {
    /// `https://host` (scheme and authority, lower-cased), or empty when the base has none.
    origin: String,
    /// `/sub/`: always starts and ends with '/'.
    path: String,
}

impl Base {
    fn new(base_url: &str) -> Base {
        let (origin, path) = match base_url.split_once("://") {
            Some((scheme, rest)) => {
                let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
                (
                    format!(
                        "{}://{}",
                        scheme.to_ascii_lowercase(),
                        host.to_ascii_lowercase()
                    ),
                    path.to_string(),
                )
            }
            None => (String::new(), base_url.to_string()),
        };
        let mut path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        if !path.ends_with('/') {
            path.push('/');
        }
        Base { origin, path }
    }

    /// Resolves `link` as found on the page at output path `page`.
    fn resolve(&self, page: &str, link: &str) -> Target {
        let link = link.trim();
        let lower = link.to_ascii_lowercase();
        if ["mailto:", "tel:", "data:"]
            .iter()
            .any(|s| lower.starts_with(s))
        {
            return Target::Ignore;
        }
        let (link, fragment) = match link.split_once('#') {
            Some((l, f)) => (l, Some(decode(f))),
            None => (link, None),
        };
        let link = link.split(['?']).next().unwrap_or("");
        // Absolute path on this site, as a browser would compute it.
        let abs: String = if strip_scheme(&lower).is_some() {
            // An absolute URL on the site's own origin (canonical links, a curator's full
            // URL) may name files deployed beside the site: neither checked nor external.
            return if !self.origin.is_empty() && lower.starts_with(&self.origin) {
                Target::Ignore
            } else {
                Target::External(link.to_string())
            };
        } else if link.starts_with("//") {
            return Target::External(link.to_string());
        } else if lower.contains(':') && !lower.starts_with('/') && !lower.starts_with('.') {
            // Some other scheme (`javascript:` never reaches a page; anything else is not ours).
            let scheme_end = lower.find(':').unwrap_or(0);
            if lower[..scheme_end]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            {
                return Target::Broken("a link with a scheme other than http(s) or mailto".into());
            }
            join(&self.path, page, link)
        } else if link.starts_with('/') {
            link.to_string()
        } else if link.is_empty() {
            // `#x` or `?q` alone: this very page.
            format!("{}{page}", self.path)
        } else {
            join(&self.path, page, link)
        };
        let abs = normalize(&decode(&abs));
        match abs.strip_prefix(&self.path) {
            Some(rest) => Target::Internal {
                path: rest.to_string(),
                fragment,
            },
            None if format!("{abs}/") == self.path => Target::Internal {
                path: String::new(),
                fragment,
            },
            None => Target::Broken(format!(
                "points to {abs}, outside the site's base path {}",
                self.path
            )),
        }
    }
}

fn strip_scheme(lower: &str) -> Option<&str> {
    lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))
}

/// The page `a/b/index.html` of a site at `/sub/`, and `../c/` → `/sub/a/b/../c/` (normalized
/// later).
fn join(base: &str, page: &str, link: &str) -> String {
    let dir = match page.rfind('/') {
        Some(i) => &page[..=i],
        None => "",
    };
    format!("{base}{dir}{link}")
}

/// Removes `.` and `..` segments (never above the root), keeping a trailing '/'.
fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "" if i != last => {}
            "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let mut s = String::from("/");
    s.push_str(&out.join("/"));
    if (path.ends_with("/.") || path.ends_with("/..")) && !s.ends_with('/') {
        s.push('/');
    }
    s
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(pages: &[(&str, &str)]) -> Vec<OutFile> {
        pages
            .iter()
            .map(|(p, b)| OutFile {
                path: p.to_string(),
                bytes: b.as_bytes().to_vec(),
            })
            .collect()
    }

    fn broken(files: &[OutFile], base: &str) -> Vec<String> {
        check(files, base)
            .broken
            .iter()
            .map(|b| format!("{} {}", b.page, b.link))
            .collect()
    }

    #[test]
    fn scans_links_and_anchors_with_entities() {
        let p = scan(
            r#"<a href="a/?x=1&amp;y=2">x</a><img src=/i.png><h2 id=top-1>t</h2><a name=n></a><script>var a = '<a href="no">';</script>"#,
        );
        assert_eq!(p.links, vec!["a/?x=1&y=2", "/i.png"]);
        assert!(p.anchors.contains("top-1") && p.anchors.contains("n"));
    }

    #[test]
    fn resolves_relative_root_and_absolute_links() {
        let files = site(&[
            (
                "index.html",
                r#"<a href="tasks/">t</a><a href="/tasks/a/#s">a</a><a href="http://h.org/tasks/a/">abs</a><a href="https://elsewhere.org/x">ext</a><a href="mailto:a@b.org">m</a>"#,
            ),
            (
                "tasks/index.html",
                r##"<a href="../">home</a><a href="a/">a</a><a href="#x">self</a><p id="x"></p>"##,
            ),
            (
                "tasks/a/index.html",
                r#"<h2 id="s">s</h2><a href="../../static/style.css">css</a>"#,
            ),
            ("static/style.css", "body{}"),
        ]);
        let r = check(&files, "http://h.org/");
        assert!(r.broken.is_empty(), "{:?}", r.broken);
        assert_eq!(
            r.external.keys().collect::<Vec<_>>(),
            vec!["https://elsewhere.org/x"]
        );
    }

    #[test]
    fn a_broken_link_names_the_page_and_the_link() {
        let files = site(&[
            ("index.html", r#"<a href="tasks/missing/">x</a>"#),
            ("tasks/index.html", ""),
        ]);
        assert_eq!(
            broken(&files, "https://h.org/"),
            vec!["index.html tasks/missing/"]
        );
        let d = check(&files, "https://h.org/").broken[0].to_diagnostic();
        assert!(d.message.contains("tasks/missing/"), "{}", d.message);
    }

    #[test]
    fn a_broken_anchor_is_reported() {
        let files = site(&[
            (
                "index.html",
                r##"<a href="tasks/#nope">x</a><a href="#here">y</a><i id="here"></i>"##,
            ),
            ("tasks/index.html", r#"<h1 id="yes">t</h1>"#),
        ]);
        assert_eq!(
            broken(&files, "https://h.org/"),
            vec!["index.html tasks/#nope"]
        );
    }

    #[test]
    fn sub_path_base_catches_links_that_escape_it() {
        let files = site(&[
            (
                "index.html",
                r#"<a href="/medal/tasks/">ok</a><a href="/tasks/">escapes</a><a href="https://org.github.io/medal/">self</a><a href="../">up</a>"#,
            ),
            (
                "tasks/index.html",
                r#"<a href="/medal/">home</a><a href="../">home</a>"#,
            ),
        ]);
        assert_eq!(
            broken(&files, "https://org.github.io/medal/"),
            vec!["index.html ../", "index.html /tasks/"]
        );
    }

    #[test]
    fn a_file_link_without_slash_reaches_a_folder_page() {
        let files = site(&[
            ("index.html", r#"<a href="tasks">t</a>"#),
            ("tasks/index.html", ""),
        ]);
        assert!(broken(&files, "https://h.org/").is_empty());
    }

    #[test]
    fn normalizes_dot_segments() {
        assert_eq!(normalize("/a/b/../c/"), "/a/c/");
        assert_eq!(normalize("/a/./b"), "/a/b");
        assert_eq!(normalize("/../../x"), "/x");
        assert_eq!(normalize("/a/.."), "/");
    }
}
