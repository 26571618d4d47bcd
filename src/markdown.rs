//! Markdown to safe HTML: CommonMark with tables, footnotes and strikethrough, heading anchors,
//! code highlighted by syntect with CSS classes, and every result sanitized by ammonia, since
//! contributor text is untrusted.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Highlighted code carries classes with this prefix, so theme CSS and syntect never collide.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto"]))
        .add_tag_attributes("span", ["class"])
        .add_tag_attributes("pre", ["class"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("div", ["class", "id"])
        .add_tag_attributes("sup", ["class", "id"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("a", ["class", "id"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .filter_style_properties(HashSet::from(["text-align"]))
        .attribute_filter(|element, attribute, value| {
            // Pages load nothing from other hosts: images must be the site's own.
            if element == "img" && attribute == "src" && is_external(value) {
                return None;
            }
            Some(value.into())
        });
    for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        b.add_tag_attributes(h, ["id"]);
    }
    b
});

fn is_external(url: &str) -> bool {
    let u = url.trim_start().to_ascii_lowercase();
    u.starts_with("//") || u.contains("://") || u.starts_with("data:")
}

/// How a Markdown text is placed on its page.
#[derive(Debug, Clone, Copy, Default)]
pub struct Placement {
    /// Added to every heading level: a text whose `##` sits under the page's own `<h2>` needs 1.
    pub heading_offset: u8,
    /// Prefix of every id the text defines (headings, footnotes), so that two texts on one
    /// page (a task's description and its rationale) never share an id.
    pub id_prefix: &'static str,
}

/// Renders untrusted Markdown to sanitized HTML, once per distinct (text, placement) in a
/// process; [`load_cache`] carries the results over from the previous build.
pub fn render(markdown: &str, opts: Placement) -> String {
    let key = memo_key(markdown, opts);
    if let Some(hit) = lock_memo().get_mut(&key) {
        hit.1 = true;
        return hit.0.to_string();
    }
    let html = render_uncached(markdown, opts);
    let mut memo = lock_memo();
    memo.insert(key, (Arc::from(html.as_str()), true));
    MEMO_CHANGED.store(true, Ordering::Relaxed);
    drop(memo);
    html
}

/// What decides a rendering besides the text: the code of this module and the versions of
/// pulldown-cmark, syntect and ammonia (in `Cargo.lock`).
const CODE: &[&str] = &[
    env!("CARGO_PKG_VERSION"),
    include_str!("markdown.rs"),
    include_str!("../Cargo.lock"),
];

static SEED: LazyLock<blake3::Hasher> = LazyLock::new(|| crate::store::hasher(CODE));

/// Rendered texts by key, each with whether this build used it (unused ones are not saved).
type Memo = HashMap<[u8; 32], (Arc<str>, bool)>;
static MEMO: LazyLock<Mutex<Memo>> = LazyLock::new(Mutex::default);
/// Whether the memo gained or lost entries since it was loaded or saved.
static MEMO_CHANGED: AtomicBool = AtomicBool::new(false);

fn lock_memo() -> std::sync::MutexGuard<'static, Memo> {
    // A panic elsewhere leaves the map itself intact.
    MEMO.lock().unwrap_or_else(|e| e.into_inner())
}

fn memo_key(markdown: &str, opts: Placement) -> [u8; 32] {
    let mut h = SEED.clone();
    h.update(&[opts.heading_offset]);
    h.update(&(opts.id_prefix.len() as u64).to_le_bytes());
    h.update(opts.id_prefix.as_bytes());
    h.update(markdown.as_bytes());
    *h.finalize().as_bytes()
}

#[derive(serde::Deserialize)]
struct Saved {
    entries: Vec<([u8; 32], String)>,
}

/// [`Saved`] as written: borrowed from the memo (the same encoding), so saving copies nothing.
#[derive(serde::Serialize)]
struct SavedRef<'a> {
    entries: Vec<(&'a [u8; 32], &'a str)>,
}

/// Reads the renderings saved by [`save_cache`] at `path` into the memo. A missing or
/// unreadable file only means rendering again.
pub fn load_cache(path: &std::path::Path) {
    let Ok(bytes) = std::fs::read(path) else {
        return;
    };
    let Ok(saved) = postcard::from_bytes::<Saved>(&bytes) else {
        return;
    };
    let mut memo = lock_memo();
    for (key, html) in saved.entries {
        memo.entry(key).or_insert_with(|| (Arc::from(html), false));
    }
}

/// Saves the renderings used since [`load_cache`] to `path` (when anything changed) and
/// empties the memo: a build's pages hold their own copies by then, and at 10,000 tasks the
/// memo is a few hundred MB.
pub fn save_cache(path: &std::path::Path) {
    let memo = std::mem::take(&mut *lock_memo());
    let used = memo.values().filter(|(_, used)| *used).count();
    let changed = MEMO_CHANGED.swap(false, Ordering::Relaxed) || used != memo.len();
    if !changed {
        return;
    }
    let mut entries: Vec<(&[u8; 32], &str)> = memo
        .iter()
        .filter(|(_, (_, used))| *used)
        .map(|(k, (v, _))| (k, &**v))
        .collect();
    entries.sort_unstable_by_key(|e| e.0);
    crate::store::write_atomically_with(path, |w| {
        postcard::to_io(&SavedRef { entries }, w)
            .map(drop)
            .map_err(std::io::Error::other)
    });
}

/// Empties the memo (what [`save_cache`] does after saving).
pub fn forget() {
    drop(std::mem::take(&mut *lock_memo()));
    MEMO_CHANGED.store(false, Ordering::Relaxed);
}

fn options() -> Options {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options
}

fn render_uncached(markdown: &str, opts: Placement) -> String {
    let mut events: Vec<Event> = Vec::new();
    let mut ids = IdGen::default();
    let mut notes = Footnotes::new(opts.id_prefix);
    let mut code: Option<(String, String)> = None; // (language, source)
    let mut heading: Option<(HeadingLevel, Vec<Event>)> = None;
    // The lines of a raw HTML block, split into pieces only once the block is whole (a
    // comment or a tag may span lines).
    let mut html_block: Option<String> = None;

    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::HtmlBlock) => {
                html_block = Some(String::new());
                events.push(Event::Start(Tag::HtmlBlock));
            }
            Event::Html(h) if html_block.is_some() => {
                if let Some(b) = html_block.as_mut() {
                    b.push_str(&h);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                let block = html_block.take().unwrap_or_default();
                for (kind, range) in split_raw(&block) {
                    let piece = block[range].to_string();
                    events.push(match kind {
                        Raw::Html | Raw::Comment => Event::Html(piece.into()),
                        Raw::Text => Event::Text(piece.into()),
                    });
                }
                events.push(Event::End(TagEnd::HtmlBlock));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let pieces = split_raw(&h).into_iter().map(|(kind, range)| {
                    let piece = h[range].to_string();
                    match kind {
                        Raw::Html | Raw::Comment => Event::InlineHtml(piece.into()),
                        Raw::Text => Event::Text(piece.into()),
                    }
                });
                match heading.as_mut() {
                    Some((_, inner)) => inner.extend(pieces),
                    None => events.extend(pieces),
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Text(t) if code.is_some() => {
                if let Some((_, src)) = code.as_mut() {
                    src.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, src)) = code.take() {
                    events.push(Event::Html(highlight(&lang, &src).into()));
                }
            }
            Event::FootnoteReference(label) => {
                let html = notes.reference(&label);
                match heading.as_mut() {
                    Some((_, inner)) => inner.push(Event::InlineHtml(html.into())),
                    None => events.push(Event::InlineHtml(html.into())),
                }
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                events.push(Event::Html(notes.definition(&label).into()));
            }
            Event::End(TagEnd::FootnoteDefinition) => events.push(Event::Html("</div>\n".into())),
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, Vec::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, inner)) = heading.take() {
                    let text = plain_text(&inner);
                    let id = format!("{}{}", opts.id_prefix, ids.next(&text));
                    let level = shift(level, opts.heading_offset);
                    events.push(Event::Start(Tag::Heading {
                        level,
                        id: Some(id.into()),
                        classes: Vec::new(),
                        attrs: Vec::new(),
                    }));
                    events.extend(inner);
                    events.push(Event::End(TagEnd::Heading(level)));
                }
            }
            other => match heading.as_mut() {
                Some((_, inner)) => inner.push(other),
                None => events.push(other),
            },
        }
    }

    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, limit_nesting(events).into_iter());
    accessible(&SANITIZER.clean(&html).to_string())
}

/// Element names contributor Markdown may write as HTML: exactly the sanitizer's allow-list
/// (which still filters their attributes).
static ALLOWED_TAGS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| SANITIZER.clone_tags());

/// How a piece of raw HTML written in Markdown is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Raw {
    /// An element on the allow-list, or the text between tags of an HTML block: kept as HTML.
    Html,
    /// A comment: kept, and removed by the sanitizer (a note to editors).
    Comment,
    /// Anything else that starts with `<` (`<T2 weighted in cysts and T2>`, `<script>`,
    /// `<!DOCTYPE>`): shown as written. The sanitizer would delete it, text and all.
    Text,
}

/// Splits raw HTML (an inline tag or a whole HTML block) into pieces that cover it in order.
/// Whatever is kept as HTML still goes through the sanitizer, so a mistake here can only show
/// too much as text, never let markup through.
fn split_raw(h: &str) -> Vec<(Raw, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut text_from = 0;
    let mut i = 0;
    while let Some(off) = h[i..].find('<') {
        let at = i + off;
        let (kind, end) = classify_raw(h, at);
        if at > text_from {
            out.push((Raw::Html, text_from..at));
        }
        out.push((kind, at..end));
        i = end;
        text_from = end;
    }
    if text_from < h.len() {
        out.push((Raw::Html, text_from..h.len()));
    }
    out
}

/// What the `<` at `at` starts, and where that ends.
fn classify_raw(h: &str, at: usize) -> (Raw, usize) {
    let rest = &h[at..];
    let after = |from: usize, pat: &str| rest[from..].find(pat).map(|j| at + from + j + pat.len());
    if rest.starts_with("<!--") {
        return match after(4, "-->") {
            Some(end) => (Raw::Comment, end),
            None => (Raw::Text, at + 4),
        };
    }
    let closing = rest.starts_with("</");
    let name_from = if closing { 2 } else { 1 };
    let name: String = rest[name_from..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        // `<?…?>`, `<!DOCTYPE …>`, `<![CDATA[…]]>`, or a lone `<`.
        let end = if rest.starts_with("<?") {
            after(2, "?>")
        } else if rest.starts_with("<![CDATA[") {
            after(9, "]]>")
        } else if rest.starts_with("<!") {
            after(2, ">")
        } else {
            None
        };
        return (Raw::Text, end.unwrap_or(at + 1));
    }
    // The end of the tag: the first `>` outside quoted attribute values.
    let mut quote = None;
    let mut end = None;
    for (k, c) in rest.char_indices().skip(name_from + name.len()) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => {
                end = Some(at + k + 1);
                break;
            }
            (None, '<') => break,
            _ => {}
        }
    }
    let allowed = ALLOWED_TAGS.contains(name.to_ascii_lowercase().as_str());
    match end {
        Some(end) if allowed => (Raw::Html, end),
        Some(end) => (Raw::Text, end),
        // Not a whole tag (an open quote): shown as text up to its `>` if it has one before
        // the next `<`; the rest is text anyway.
        None => {
            let gt = rest[1..]
                .find(['<', '>'])
                .filter(|&j| rest[1 + j..].starts_with('>'));
            (Raw::Text, gt.map_or(at + 1, |j| at + j + 2))
        }
    }
}

/// Raw HTML in contributor Markdown that does not appear as HTML on the page, for `medal
/// check` to point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawHtml {
    /// Byte offset in the Markdown text.
    pub offset: usize,
    /// The raw HTML as written.
    pub text: String,
    /// A comment, which the page leaves out; anything else is shown as written.
    pub comment: bool,
}

/// Every piece of raw HTML in `markdown` that is a comment or not on the allow-list, in order.
pub fn raw_html(markdown: &str) -> Vec<RawHtml> {
    let mut out = Vec::new();
    // The raw HTML of a block, and where each of its lines starts in it and in `markdown`.
    let mut block: Option<(String, Vec<(usize, usize)>)> = None;
    let note = |html: &str, starts: &[(usize, usize)], out: &mut Vec<RawHtml>| {
        for (kind, range) in split_raw(html) {
            if kind == Raw::Html {
                continue;
            }
            let (in_html, in_md) = starts
                .iter()
                .rev()
                .find(|(s, _)| *s <= range.start)
                .copied()
                .unwrap_or((0, 0));
            out.push(RawHtml {
                offset: in_md + (range.start - in_html),
                text: html[range].to_string(),
                comment: kind == Raw::Comment,
            });
        }
    };
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::HtmlBlock) => block = Some((String::new(), Vec::new())),
            Event::Html(h) if block.is_some() => {
                if let Some((html, starts)) = block.as_mut() {
                    starts.push((html.len(), range.start));
                    html.push_str(&h);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((html, starts)) = block.take() {
                    note(&html, &starts, &mut out);
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => note(&h, &[(0, range.start)], &mut out),
            _ => {}
        }
    }
    out
}

/// How deep Markdown containers (quotes, lists) and raw HTML elements may nest. Real texts
/// nest a few levels; thousands of levels (`> > > …`, `<div><div>…`) would make the HTML
/// sanitizer's tree builder quadratic, a hang on a large file.
pub const MAX_NESTING: usize = 100;

/// Keeps nesting within [`MAX_NESTING`]: Markdown containers deeper than that are left out
/// (their text stays), and raw HTML that would open elements deeper is shown as text.
fn limit_nesting(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut kept: Vec<bool> = Vec::new();
    let mut depth = 0usize;
    let mut raw_depth = 0usize;
    for event in events {
        match event {
            Event::Start(tag) => {
                let keep = depth < MAX_NESTING;
                kept.push(keep);
                if keep {
                    depth += 1;
                    out.push(Event::Start(tag));
                }
            }
            Event::End(end) => {
                if kept.pop().unwrap_or(false) {
                    depth = depth.saturating_sub(1);
                    out.push(Event::End(end));
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => match raw_nesting(&h, raw_depth) {
                Some(d) => {
                    raw_depth = d;
                    out.push(Event::InlineHtml(h));
                }
                None => out.push(Event::Text(h)),
            },
            other => out.push(other),
        }
    }
    out
}

/// The element depth after the raw HTML `h` (starting at `depth`), or `None` when it would
/// exceed [`MAX_NESTING`]. Counts start tags of non-void elements up and end tags down.
fn raw_nesting(h: &str, mut depth: usize) -> Option<usize> {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let bytes = h.as_bytes();
    let mut i = 0;
    while let Some(off) = h[i..].find('<') {
        i += off + 1;
        match bytes.get(i) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let name: String = h[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let end = h[i..].find('>').map(|j| i + j);
                let self_closing = end.is_some_and(|j| j > 0 && bytes[j - 1] == b'/');
                if !VOID.contains(&name.as_str()) && !self_closing {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return None;
                    }
                }
            }
            _ => {}
        }
    }
    Some(depth)
}

/// Runs on sanitized HTML, so it only adds structure of ours: tables and code blocks that may
/// scroll sideways become keyboard-focusable regions, and an empty header cell (the corner of
/// a `| | a | b |` table) becomes a data cell, since a header must name something.
fn accessible(html: &str) -> String {
    html.replace(
        "<table>",
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table (scrolls sideways on small screens)\"><table>",
    )
    .replace("</table>", "</table></div>")
    .replace("<pre class=\"code\">", "<pre class=\"code\" tabindex=\"0\">")
    .replace("<th></th>", "<td></td>")
}

fn shift(level: HeadingLevel, by: u8) -> HeadingLevel {
    let n = (level as u8 + by).min(6);
    HeadingLevel::try_from(n as usize).unwrap_or(HeadingLevel::H6)
}

fn plain_text(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

/// Footnote links numbered in order of first reference, with ids under the text's prefix.
struct Footnotes {
    prefix: &'static str,
    numbers: HashMap<String, usize>,
}

impl Footnotes {
    fn new(prefix: &'static str) -> Self {
        Footnotes {
            prefix,
            numbers: HashMap::new(),
        }
    }

    fn number(&mut self, label: &str) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry(label.to_string()).or_insert(next)
    }

    fn reference(&mut self, label: &str) -> String {
        let n = self.number(label);
        format!(
            "<sup class=\"footnote-reference\"><a href=\"#{p}fn-{n}\" id=\"{p}fnref-{n}\">{n}</a></sup>",
            p = self.prefix
        )
    }

    fn definition(&mut self, label: &str) -> String {
        let n = self.number(label);
        format!(
            "<div class=\"footnote-definition\" id=\"{p}fn-{n}\"><sup class=\"footnote-definition-label\"><a href=\"#{p}fnref-{n}\">{n}</a></sup>",
            p = self.prefix
        )
    }
}

/// Unique, readable heading ids within one document.
#[derive(Default)]
struct IdGen {
    seen: HashMap<String, usize>,
}

impl IdGen {
    fn next(&mut self, text: &str) -> String {
        let base = slugify(text);
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let n = self.seen.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { base } else { format!("{base}-{n}") }
    }
}

/// Lower-case words joined by '-', for anchors and URLs.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Highlighted blocks by (language, source): a portal repeats snippets across tasks (the same
/// loading code, the same metric), and highlighting is the costliest part of Markdown.
static HIGHLIGHTED: LazyLock<Mutex<HashMap<blake3::Hash, Arc<str>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Highlights one code block with classes, once per distinct (language, source).
fn highlight(lang: &str, src: &str) -> String {
    let key = blake3::Hasher::new()
        .update(lang.as_bytes())
        .update(&[0])
        .update(src.as_bytes())
        .finalize();
    if let Some(hit) = HIGHLIGHTED.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return hit.to_string();
    }
    let html = highlight_uncached(lang, src);
    if let Ok(mut m) = HIGHLIGHTED.lock() {
        m.insert(key, Arc::from(html.as_str()));
    }
    html
}

/// Unknown languages come out as escaped plain text.
fn highlight_uncached(lang: &str, src: &str) -> String {
    let syntax = (!lang.is_empty())
        .then(|| SYNTAXES.find_syntax_by_token(lang))
        .flatten();
    let lang_class = if lang.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", slugify(lang))
    };
    let body = match syntax {
        Some(syntax) => {
            let mut g = ClassedHTMLGenerator::new_with_class_style(syntax, &SYNTAXES, CLASS_STYLE);
            let ok = LinesWithEndings::from(src)
                .all(|line| g.parse_html_for_line_which_includes_newline(line).is_ok());
            if ok { g.finalize() } else { escape(src) }
        }
        None => escape(src),
    };
    format!("<pre class=\"code\"><code{lang_class}>{body}</code></pre>\n")
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

/// The stylesheet for highlighted code: a light theme, and a dark one under
/// `prefers-color-scheme: dark`.
pub fn syntax_css() -> String {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| {
        themes
            .themes
            .get(name)
            .and_then(|t| css_for_theme_with_class_style(t, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    format!(
        "{}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
        css("InspiredGitHub"),
        css("base16-ocean.dark")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> String {
        render(s, Placement::default())
    }

    #[test]
    fn the_saved_memo_reads_back() {
        let key = [7u8; 32];
        let bytes = postcard::to_stdvec(&SavedRef {
            entries: vec![(&key, "<p>T1&lt;T2</p>")],
        })
        .unwrap();
        let back: Saved = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back.entries, vec![(key, "<p>T1&lt;T2</p>".to_string())]);
    }

    #[test]
    fn scripts_and_event_handlers_are_removed() {
        let html = md(
            "Hi <script>alert(1)</script> <img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\">x</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn only_safe_link_schemes_survive() {
        let html = md(
            "[a](https://x.org) [b](mailto:a@b.org) [c](../tasks/) [d](data:text/html,x) [e](vbscript:x)",
        );
        assert!(html.contains("href=\"https://x.org\""));
        assert!(html.contains("href=\"mailto:a@b.org\""));
        assert!(html.contains("href=\"../tasks/\""));
        assert!(!html.contains("data:"), "{html}");
        assert!(!html.contains("vbscript"), "{html}");
    }

    #[test]
    fn external_images_are_not_loaded() {
        let html = md("![t](https://tracker.example/p.png) ![l](figure.png)");
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(html.contains("src=\"figure.png\""), "{html}");
    }

    #[test]
    fn headings_get_unique_anchors_and_offset() {
        let html = render(
            "## Background\n\n## Background\n",
            Placement {
                heading_offset: 1,
                id_prefix: "desc-",
            },
        );
        assert!(html.contains("<h3 id=\"desc-background\">"), "{html}");
        assert!(html.contains("<h3 id=\"desc-background-2\">"), "{html}");
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let html = md("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^1]\n\n[^1]: note\n");
        assert!(html.contains("<table>") && html.contains("<th>"), "{html}");
        assert!(
            html.contains("<div class=\"table-wrap\" tabindex=\"0\""),
            "{html}"
        );
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("href=\"#fn-1\""), "{html}");
        assert!(html.contains("id=\"fn-1\""), "{html}");
        assert!(html.contains("href=\"#fnref-1\""), "{html}");
    }

    #[test]
    fn code_is_highlighted_with_classes_not_styles() {
        let html = md("```python\ndef f(x):\n    return x < 1\n```\n");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(
            html.contains("<pre class=\"code\" tabindex=\"0\">"),
            "{html}"
        );
        assert!(!html.contains("style="), "{html}");
        assert!(html.contains("&lt;"), "{html}");
        let plain = md("```nosuchlang\n<b>\n```\n");
        assert!(plain.contains("&lt;b&gt;"), "{plain}");
    }

    #[test]
    fn empty_header_cells_become_data_cells() {
        let html = md("| | train | test |\n|---|---|---|\n| cases | 1 | 2 |\n");
        assert!(html.contains("<td></td><th>train</th>"), "{html}");
    }

    #[test]
    fn deep_nesting_is_flattened_and_keeps_the_text() {
        let html = md(&("> ".repeat(500) + "deep"));
        assert_eq!(html.matches("<blockquote>").count(), MAX_NESTING);
        assert!(html.contains("deep"));
        let html = md(&format!("{}x", "<div>".repeat(500)));
        assert!(
            html.matches("<div>").count() <= MAX_NESTING,
            "deeper is text"
        );
        assert!(html.contains("&lt;div&gt;"), "{html}");
        let html = md("<div><p>fine</p><br><img src=\"a.png\"/></div>");
        assert!(html.contains("<div><p>fine</p>"), "{html}");
    }

    #[test]
    fn text_between_angle_brackets_is_shown_as_written() {
        let html = md("Signal is T1<T2 weighted in cysts and T2>T1 in fat");
        assert!(
            html.contains("Signal is T1&lt;T2 weighted in cysts and T2&gt;T1 in fat"),
            "{html}"
        );
        // Not on the allow-list: shown, not deleted (nor run).
        let html = md("a <script>alert(1)</script> <style>p{}</style> <iframe src=x></iframe> b");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &lt;style&gt;p{}&lt;/style&gt;"),
            "{html}"
        );
        assert!(
            html.contains("&lt;iframe src=\"x\"&gt;") || html.contains("&lt;iframe src=x&gt;"),
            "{html}"
        );
        // In an HTML block too, and a `<` that starts no tag.
        let html = md("<div>\nT1<T2 and <T3 x>\n</div>\n");
        assert!(html.contains("<div>"), "{html}");
        assert!(html.contains("T1&lt;T2 and &lt;T3 x&gt;"), "{html}");
    }

    #[test]
    fn allowed_elements_stay_html_and_comments_stay_hidden() {
        let html = md(
            "H<sub>2</sub>O, 10<sup>3</sup>, a<br>b <b class=x onclick=y>bold</b> <!-- note -->",
        );
        assert!(
            html.contains("H<sub>2</sub>O, 10<sup>3</sup>, a<br>b <b>bold</b>"),
            "{html}"
        );
        assert!(!html.contains("note"), "{html}");
        let html = md("<!--\nmulti-line\nnote\n-->\n\ntext\n");
        assert!(!html.contains("note") && html.contains("text"), "{html}");
    }

    #[test]
    fn raw_html_is_reported_where_it_is_written() {
        let src = "Para one.\n\nSignal is T1<T2 weighted in cysts and T2>T1, H<sub>2</sub>O.\n\n<div>\n<!-- a\nnote -->\n<script>x</script>\n</div>\n";
        let found = raw_html(src);
        let got: Vec<(&str, bool)> = found
            .iter()
            .map(|r| (&src[r.offset..r.offset + r.text.len()], r.comment))
            .collect();
        assert_eq!(
            got,
            vec![
                ("<T2 weighted in cysts and T2>", false),
                ("<!-- a\nnote -->", true),
                ("<script>", false),
                ("</script>", false),
            ]
        );
        for r in &found {
            assert_eq!(&src[r.offset..r.offset + r.text.len()], r.text);
        }
        assert!(raw_html("a `<b>` code and T1\\<T2 escaped, <sub>2</sub>").is_empty());
    }

    #[test]
    fn syntax_css_has_light_and_dark() {
        let css = syntax_css();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
