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
use crate::output::{OutFile, PageLinks, PageSource};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

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

/// Where the links of the pages were written, to report a broken one at its source.
#[derive(Debug, Clone, Copy)]
pub struct Origins<'a> {
    /// Output path → what the page is made from.
    pub pages: &'a HashMap<String, PageSource>,
    /// The portal root: source files are read from here, only when a link is broken.
    pub root: &'a Path,
    /// The theme's templates by name (`theme::Theme::templates`).
    pub templates: &'a BTreeMap<String, String>,
    /// The theme's name: a template overridden by the portal is `themes/<name>/templates/…`.
    pub theme: &'a str,
    pub base_url: &'a str,
    /// URL prefixes of the other languages ("de/"): a link a template or a text writes once
    /// appears on each language's pages, under each prefix, and is reported once.
    pub prefixes: &'a [String],
}

/// One diagnostic per place a broken link was written, with the pages it breaks: the link
/// as written in one of the page's content files (or in medal.toml), else in a template the
/// page uses, else (a link built from data) the page's template without a line.
pub fn diagnostics(broken: &[BrokenLink], origins: &Origins) -> Vec<Diagnostic> {
    let base = Base::new(origins.base_url).path;
    let mut memo = Memo::default();
    let mut found: indexmap::IndexMap<(Place, String), (&BrokenLink, Vec<&str>)> =
        indexmap::IndexMap::new();
    // A page of another language links `/de/x/` where the template or text wrote
    // `{{ site.base }}x/` or `/x/`: located and reported as the link of the default language.
    let unprefixed: Vec<BrokenLink> = broken
        .iter()
        .map(|b| {
            let link = origins
                .prefixes
                .iter()
                .find(|p| b.link.starts_with(&format!("{base}{p}")))
                .map_or_else(
                    || b.link.clone(),
                    |p| b.link.replacen(&format!("{base}{p}"), &base, 1),
                );
            BrokenLink { link, ..b.clone() }
        })
        .collect();
    for (b, original) in unprefixed.iter().zip(broken) {
        let place = origins.locate(b, &base, &mut memo);
        found
            .entry((place, b.link.clone()))
            .or_insert((original, Vec::new()))
            .1
            .push(original.page.as_str());
    }
    found
        .into_iter()
        .map(|((place, _), (b, pages))| place.diagnostic(b, &pages))
        .collect()
}

/// A file (relative to the root) and, where the link was found in it, its line and column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Place {
    /// A content file, medal.toml, or a template overridden in the portal's theme folder.
    File {
        file: String,
        at: Option<(u32, u32)>,
        template: bool,
    },
    /// A template of the built-in theme (not in the portal's repository).
    BuiltIn {
        name: String,
        at: Option<(u32, u32)>,
    },
    /// A file of the site that no page job made (the search bundle).
    Site,
}

impl Place {
    fn diagnostic(&self, b: &BrokenLink, pages: &[&str]) -> Diagnostic {
        let shown = |p: &str| format!("/{}", p.strip_suffix("index.html").unwrap_or(p));
        let on = match pages {
            [one] => format!(" (on {})", shown(one)),
            [first, rest @ ..] => format!(
                " (on {} and {} other page{})",
                shown(first),
                rest.len(),
                if rest.len() == 1 { "" } else { "s" }
            ),
            [] => String::new(),
        };
        let message = format!("broken link `{}`: {}{on}", b.link, b.reason);
        const BASE: &str = "internal links are relative to the site's base URL";
        let (file, at, hint) = match self {
            Place::Site => return b.to_diagnostic(),
            Place::File {
                file,
                at: Some(at),
                template,
            } => (
                file.clone(),
                Some(*at),
                if *template {
                    format!("fix the link in this template; {BASE}")
                } else {
                    format!("fix the link here; {BASE}")
                },
            ),
            Place::File { file, at: None, .. } => (
                file.clone(),
                None,
                format!(
                    "the link is built by this template from the data it shows; fix that data or the template; {BASE}"
                ),
            ),
            Place::BuiltIn { name, at } => (
                format!("themes/medal/templates/{name}"),
                *at,
                format!(
                    "the link is in a template of medal's built-in theme: override it in your theme's templates/{name}, or report it to medal's maintainers"
                ),
            ),
        };
        let mut d = Diagnostic::new(file, message).hint(hint);
        if let Some((line, column)) = at {
            d = d.at(Some(line as usize), Some(column as usize));
        }
        d
    }
}

/// What locating many broken links (a template's link breaks every page) reads once.
#[derive(Default)]
struct Memo<'a> {
    /// Source files by path (`None`: unreadable).
    texts: HashMap<String, Option<String>>,
    /// Template → the templates it uses, itself first.
    used: HashMap<String, Vec<String>>,
    /// Template → its `href`/`src` patterns.
    attributes: HashMap<String, Vec<Attribute<'a>>>,
}

/// A template's `href`/`src` value: where it starts, and its literal parts (`None` where a
/// Tera expression or tag stands).
type Attribute<'a> = ((u32, u32), Vec<Option<&'a str>>);

impl<'a> Origins<'a> {
    fn locate(&self, b: &BrokenLink, base: &str, memo: &mut Memo<'a>) -> Place {
        let Some(source) = self.pages.get(&b.page) else {
            return Place::Site;
        };
        let mut text = |file: &str| -> Option<String> {
            memo.texts
                .entry(file.to_string())
                .or_insert_with(|| std::fs::read_to_string(self.root.join(file)).ok())
                .clone()
        };
        // As written in a content file: the link itself, then (a value the template puts
        // under the base path, such as a menu entry of medal.toml) without the base path.
        let files: Vec<&str> = source
            .files
            .iter()
            .map(String::as_str)
            .chain(["medal.toml"])
            .collect();
        for needle in needles(&b.link, base) {
            for file in &files {
                if let Some(at) = text(file).and_then(|t| find_written(&t, &needle)) {
                    return Place::File {
                        file: file.to_string(),
                        at: Some(at),
                        template: false,
                    };
                }
            }
        }
        let used = memo
            .used
            .entry(source.template.clone())
            .or_insert_with(|| templates_used(&source.template, self.templates))
            .clone();
        let place = |name: &str, at: Option<(u32, u32)>| {
            let file = format!("themes/{}/templates/{name}", self.theme);
            if self.root.join(&file).is_file() {
                Place::File {
                    file,
                    at,
                    template: true,
                }
            } else {
                Place::BuiltIn {
                    name: name.to_string(),
                    at,
                }
            }
        };
        // Typed into a template as it stands ...
        for needle in needles(&b.link, base) {
            for name in &used {
                if let Some(at) = find_written(&self.templates[name.as_str()], &needle) {
                    return place(name, Some(at));
                }
            }
        }
        // ... or around template expressions: the attribute whose literal parts match the
        // link best.
        let mut best: Option<(usize, &str, (u32, u32))> = None;
        for name in &used {
            let templates = self.templates;
            let attrs = memo
                .attributes
                .entry(name.clone())
                .or_insert_with(|| attributes(&templates[name.as_str()]));
            for (at, pattern) in attrs.iter() {
                let score: usize = pattern.iter().flatten().map(|p| p.len()).sum();
                if score > 0
                    && best.is_none_or(|(s, _, _)| score > s)
                    && glob_match(pattern, &b.link)
                {
                    best = Some((score, name.as_str(), *at));
                }
            }
        }
        match best {
            Some((_, name, at)) => place(name, Some(at)),
            None => place(&source.template, None),
        }
    }
}

/// The forms a link may be written in: as it is, and without the site's base path or the
/// leading `/` (a value a template puts after `{{ site.base_path }}`).
fn needles(link: &str, base: &str) -> Vec<String> {
    let mut out = vec![link.to_string()];
    for rest in [link.strip_prefix(base), link.strip_prefix('/')]
        .into_iter()
        .flatten()
    {
        if !rest.is_empty() && !out.iter().any(|o| o == rest) {
            out.push(rest.to_string());
        }
    }
    out
}

/// The line and column (1-based, in characters) of the first place `needle` is written in
/// `text` as a whole value: between quotes, brackets or spaces, not inside a longer word.
fn find_written(text: &str, needle: &str) -> Option<(u32, u32)> {
    const BEFORE: &[char] = &['"', '\'', '(', '<', '[', ' ', '\t', '\n', '=', ':'];
    const AFTER: &[char] = &['"', '\'', ')', '>', ']', ' ', '\t', '\r', '\n'];
    let i = text.match_indices(needle).map(|(i, _)| i).find(|&i| {
        text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| BEFORE.contains(&c))
            && text[i + needle.len()..]
                .chars()
                .next()
                .is_none_or(|c| AFTER.contains(&c))
    })?;
    find_at(text, i)
}

/// `name` and every template it extends, includes or imports, transitively, in that order.
/// (A quoted mention of a template's name counts, as for incremental rebuilds.)
fn templates_used(name: &str, templates: &BTreeMap<String, String>) -> Vec<String> {
    let mut used: Vec<String> = Vec::new();
    let mut queue = std::collections::VecDeque::from([name.to_string()]);
    while let Some(t) = queue.pop_front() {
        let Some(text) = templates.get(&t) else {
            continue;
        };
        if used.contains(&t) {
            continue;
        }
        used.push(t);
        for other in templates.keys() {
            if !used.contains(other)
                && (text.contains(&format!("\"{other}\"")) || text.contains(&format!("'{other}'")))
            {
                queue.push_back(other.clone());
            }
        }
    }
    used
}

/// Every `href`, `src` and `poster` attribute value of a template, with its line and column, as a
/// pattern: its literal parts, `None` where a Tera expression or tag stands.
fn attributes(text: &str) -> Vec<Attribute<'_>> {
    let mut out = Vec::new();
    for attr in ["href=", "src=", "poster="] {
        for (i, _) in text.match_indices(attr) {
            if text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '-')
            {
                continue;
            }
            let start = i + attr.len();
            let Some(quote) = text[start..]
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
            else {
                continue;
            };
            let value_start = start + 1;
            let mut pattern = Vec::new();
            let mut lit = value_start;
            let mut j = value_start;
            let bytes = text.as_bytes();
            let end = loop {
                if j >= text.len() {
                    break None;
                }
                if bytes[j] == quote as u8 {
                    break Some(j);
                }
                if text[j..].starts_with("{{") || text[j..].starts_with("{%") {
                    let close = if text[j..].starts_with("{{") {
                        "}}"
                    } else {
                        "%}"
                    };
                    pattern.push(Some(&text[lit..j]));
                    pattern.push(None);
                    match text[j + 2..].find(close) {
                        Some(k) => j = j + 2 + k + 2,
                        None => break None,
                    }
                    lit = j;
                    continue;
                }
                j += text[j..].chars().next().map_or(1, char::len_utf8);
            };
            let Some(end) = end else {
                continue;
            };
            pattern.push(Some(&text[lit..end]));
            pattern.retain(|p| p.is_none_or(|s| !s.is_empty()));
            if let Some(at) = find_at(text, value_start) {
                out.push((at, pattern));
            }
        }
    }
    out.sort_by_key(|(at, _)| *at);
    out
}

/// Line and column (1-based) of byte offset `i` in `text`.
fn find_at(text: &str, i: usize) -> Option<(u32, u32)> {
    let before = text.get(..i)?;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let line = u32::try_from(before.matches('\n').count() + 1).ok()?;
    let column = u32::try_from(before[line_start..].chars().count() + 1).ok()?;
    Some((line, column))
}

/// Whether `s` matches `pattern` (literal parts in order, `None` matching any text).
fn glob_match(pattern: &[Option<&str>], s: &str) -> bool {
    match pattern.split_first() {
        None => s.is_empty(),
        Some((Some(lit), rest)) => s
            .strip_prefix(lit)
            .is_some_and(|tail| glob_match(rest, tail)),
        Some((None, rest)) => {
            if rest.is_empty() {
                return true;
            }
            s.char_indices()
                .map(|(i, _)| i)
                .chain([s.len()])
                .any(|i| glob_match(rest, &s[i..]))
        }
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
                    "href" | "src" | "poster" => page.links.push(a.value.to_string()),
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

    #[test]
    fn a_link_is_found_where_written_not_inside_a_longer_one() {
        let text = "a: x/faq/\nsee [faq](faq/) and <faq/>\n";
        assert_eq!(find_written(text, "faq/"), Some((2, 11)));
        assert_eq!(find_written("url = \"é/b/\"\n", "é/b/"), Some((1, 8)));
        assert_eq!(find_written("[x](faq/more)", "faq/"), None);
        assert_eq!(
            needles("/medal/faq/", "/medal/"),
            vec!["/medal/faq/", "faq/", "medal/faq/"]
        );
    }

    #[test]
    fn template_attributes_are_patterns_around_expressions() {
        let text = "<a href=\"{{ site.base }}x/{{ id }}/\">\n<img src='{{ a or \"b\" }}'>";
        let attrs = attributes(text);
        assert_eq!(attrs.len(), 2);
        assert_eq!(attrs[0], ((1, 10), vec![None, Some("x/"), None, Some("/")]));
        assert_eq!(attrs[1], ((2, 11), vec![None]));
        assert!(glob_match(&attrs[0].1, "/x/abc/"));
        assert!(!glob_match(&attrs[0].1, "/y/abc/"));
    }

    #[test]
    fn broken_links_are_reported_at_their_source_once() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("content/pages")).unwrap();
        std::fs::write(
            root.path().join("content/pages/about.md"),
            "---\ntitle: About\n---\n\n[team](../team/)\n",
        )
        .unwrap();
        let templates = BTreeMap::from([
            (
                "base.html".to_string(),
                "<nav><a href=\"{{ site.base }}abuot/\">About</a></nav>".to_string(),
            ),
            (
                "page.html".to_string(),
                "{% extends \"base.html\" %}{{ body }}".to_string(),
            ),
        ]);
        let source = |files: &[&str]| PageSource {
            template: "page.html".into(),
            files: files.iter().map(|f| f.to_string()).collect(),
        };
        let pages = HashMap::from([
            (
                "about/index.html".to_string(),
                source(&["content/pages/about.md"]),
            ),
            ("faq/index.html".to_string(), source(&[])),
        ]);
        let link = |page: &str, link: &str| BrokenLink {
            page: page.into(),
            link: link.into(),
            reason: "missing".into(),
        };
        let broken = vec![
            link("about/index.html", "../team/"),
            link("about/index.html", "/abuot/"),
            link("faq/index.html", "/abuot/"),
            link("pagefind/x.html", "/y/"),
        ];
        let origins = Origins {
            pages: &pages,
            root: root.path(),
            templates: &templates,
            theme: "medal",
            base_url: "https://h.org/",
            prefixes: &[],
        };
        let d = diagnostics(&broken, &origins);
        assert_eq!(d.len(), 3, "{d:#?}");
        assert_eq!(d[0].file, Path::new("content/pages/about.md"));
        assert_eq!((d[0].line, d[0].column), (Some(5), Some(8)));
        assert!(d[0].message.ends_with("(on /about/)"), "{}", d[0].message);
        // Not overridden in the portal: the built-in theme's template, at the attribute.
        assert_eq!(d[1].file, Path::new("themes/medal/templates/base.html"));
        assert_eq!((d[1].line, d[1].column), (Some(1), Some(15)));
        assert!(
            d[1].message.ends_with("(on /about/ and 1 other page)"),
            "{}",
            d[1].message
        );
        assert!(
            d[1].hint
                .as_deref()
                .unwrap_or("")
                .contains("built-in theme")
        );
        assert_eq!(d[2].file, Path::new("(site) pagefind/x.html"));
    }
}
