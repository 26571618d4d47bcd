//! Rules of contributor text: raw HTML in Markdown that the page shows as written or leaves
//! out, and unmistakable markup in plain-text fields (which are shown as written, so clinical
//! notation such as `T1<T2` or `#1 cause` is fine). Both are warnings at the line and column
//! of the markup.

use super::Validator;
use crate::error::Diagnostic;
use crate::markdown::{RawHtml, raw_html};
use std::path::Path;

/// Longer markup is shortened in messages.
const SHOWN_CHARS: usize = 60;

/// Warns about the raw HTML of the Markdown body of `file` (front matter, then `body`).
pub(super) fn markdown_body(v: &mut Validator, file: &Path, body: &str) {
    let found = raw_html(body);
    if found.is_empty() {
        return;
    }
    let text = v.source(file);
    let from = crate::load::split_front_matter(&text)
        .filter(|(_, b)| *b == body)
        .map(|(_, b)| text.len() - b.len());
    let mut seen = Occurrences::default();
    for raw in found {
        let at = match from {
            Some(from) => Some(line_col(&text, from + raw.offset)),
            // The file changed since it was read: find the text itself.
            None => seen.find(&text, 0, usize::MAX, &raw.text),
        };
        push_raw(v, file, at, None, &raw);
    }
}

/// Warns about the raw HTML of the Markdown field `field` of the YAML file `file`.
pub(super) fn markdown_field(v: &mut Validator, file: &Path, field: &str, markdown: &str) {
    let found = raw_html(markdown);
    if found.is_empty() {
        return;
    }
    let (text, key) = (v.source(file), v.locate(file, field));
    let mut seen = Occurrences::default();
    for raw in found {
        let at = key.and_then(|(l, c)| seen.find_in_value(&text, l, c, &raw.text));
        push_raw(v, file, at.or(key), Some(field), &raw);
    }
}

fn push_raw(
    v: &mut Validator,
    file: &Path,
    at: Option<(usize, usize)>,
    field: Option<&str>,
    raw: &RawHtml,
) {
    let (message, hint) = if raw.comment {
        (
            format!(
                "the HTML comment `{}` is not shown on the page",
                short(&raw.text)
            ),
            "fine for a note to editors (the file itself may be public); to show the text, remove `<!--` and `-->`".to_string(),
        )
    } else {
        (
            format!(
                "`{}` reads as raw HTML that the portal does not allow; it is shown as written",
                short(&raw.text)
            ),
            "if it is meant as text (like T1<T2), write `\\<` for its `<` and the warning goes away; the HTML the portal allows is plain formatting (`<sub>`, `<sup>`, `<br>`, `<b>`, `<i>`, …), not scripts, styles, frames or forms".to_string(),
        )
    };
    let mut d = Diagnostic::warning(file, message)
        .at(at.map(|a| a.0), at.map(|a| a.1))
        .hint(hint);
    if let Some(field) = field {
        d = d.field(field);
    }
    v.diags.push(d);
}

/// Warns about unmistakable markup in the plain-text field `field` of the YAML file `file`.
pub(super) fn plain_field(v: &mut Validator, file: &Path, field: &str, value: &str) {
    let found = markup(value);
    if found.is_empty() {
        return;
    }
    let (text, key) = (v.source(file), v.locate(file, field));
    let mut seen = Occurrences::default();
    for (range, what) in found {
        let written = &value[range];
        let at = key.and_then(|(l, c)| seen.find_in_value(&text, l, c, written));
        let at = at.or(key);
        v.diags.push(
            Diagnostic::warning(
                file,
                format!(
                    "`{field}` contains {what} (`{}`); it is plain text and shows the markup as written",
                    short(written)
                ),
            )
            .at(at.map(|a| a.0), at.map(|a| a.1))
            .field(field)
            .hint("remove the markup; formatted text belongs in `description` (Markdown)"),
        );
    }
}

/// Markup no plain sentence contains by accident, in order: an HTML element (`<b>`, `</i>`,
/// `<br/>`, `<img src=x>`: a known element name, then `>`, `/>` or attributes with `=`), a
/// Markdown link (`[text](url)`), or strong emphasis (`**text**`, `__text__`). `T1<T2`, `a<b`,
/// `#1 cause`, `- item` and `5*3` are text.
pub(super) fn markup(s: &str) -> Vec<(std::ops::Range<usize>, &'static str)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let found = if rest.starts_with('<') {
            html_element(rest).map(|n| (n, "an HTML element"))
        } else if rest.starts_with('[') {
            markdown_link(rest).map(|n| (n, "a Markdown link"))
        } else if rest.starts_with("**") || rest.starts_with("__") {
            strong(rest).map(|n| (n, "Markdown emphasis"))
        } else {
            None
        };
        match found {
            Some((n, what)) => {
                out.push((i..i + n, what));
                i += n;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    out
}

/// Element names a plain text is unlikely to put right after `<`: the sanitizer's allow-list
/// and the elements it refuses.
const ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "bdi",
    "bdo",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
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
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "math",
    "meta",
    "nav",
    "noscript",
    "object",
    "ol",
    "option",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "script",
    "section",
    "select",
    "small",
    "source",
    "span",
    "strike",
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
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

/// The length of the HTML element tag `s` starts with.
fn html_element(s: &str) -> Option<usize> {
    let from = if s.starts_with("</") { 2 } else { 1 };
    let name_len = s[from..]
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(s.len() - from);
    let name = s[from..from + name_len].to_ascii_lowercase();
    if !ELEMENTS.contains(&name.as_str()) {
        return None;
    }
    let after = &s[from + name_len..];
    let end = after.find('>')?;
    let inside = after[..end].trim();
    let tag_like = inside.is_empty()
        || inside == "/"
        || (after.starts_with(char::is_whitespace)
            && inside.contains('=')
            && !inside.contains('<'));
    tag_like.then_some(from + name_len + end + 1)
}

/// The length of the Markdown link `s` starts with: `[text](target)`, the target without
/// blanks.
fn markdown_link(s: &str) -> Option<usize> {
    let close = s.find(']')?;
    let text = &s[1..close];
    if text.trim().is_empty() || text.contains(['[', '\n']) || !s[close..].starts_with("](") {
        return None;
    }
    let target_from = close + 2;
    let target_len = s[target_from..].find(')')?;
    let target = &s[target_from..target_from + target_len];
    (!target.is_empty() && !target.contains(char::is_whitespace))
        .then_some(target_from + target_len + 1)
}

/// The length of the strong emphasis `s` starts with: `**text**` (or `__`), the text starting
/// and ending with a non-blank, on one line.
fn strong(s: &str) -> Option<usize> {
    let mark = &s[..2];
    let inner = &s[2..];
    if inner.starts_with(char::is_whitespace) || inner.starts_with(mark.chars().next()?) {
        return None;
    }
    let close = inner.find(mark)?;
    let text = &inner[..close];
    (!text.is_empty() && !text.ends_with(char::is_whitespace) && !text.contains('\n'))
        .then_some(2 + close + 2)
}

fn short(s: &str) -> String {
    let one_line = s.replace('\n', " ");
    if one_line.chars().count() <= SHOWN_CHARS {
        return one_line;
    }
    let mut out: String = one_line.chars().take(SHOWN_CHARS).collect();
    out.push('…');
    out
}

/// 1-based line and column (in characters) of the byte `offset` of `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// How often each text was found already, so that the second `<T2>` of a value points at the
/// second one in the file.
#[derive(Default)]
struct Occurrences(std::collections::HashMap<String, usize>);

impl Occurrences {
    /// The next occurrence of `needle` (its first line) in the lines `from..to` of `text`.
    fn find(&mut self, text: &str, from: usize, to: usize, needle: &str) -> Option<(usize, usize)> {
        let needle = needle.lines().next().unwrap_or(needle);
        if needle.is_empty() {
            return None;
        }
        let nth = self.0.entry(needle.to_string()).or_insert(0);
        let mut offset = 0;
        let mut hits = Vec::new();
        for (no, line) in text.split_inclusive('\n').enumerate() {
            if (from..to).contains(&no) {
                hits.extend(line.match_indices(needle).map(|(j, _)| offset + j));
            }
            offset += line.len();
        }
        let hit = *hits.get(*nth)?;
        *nth += 1;
        Some(line_col(text, hit))
    }

    /// The next occurrence of `needle` in the value of the YAML key at (`line`, `column`):
    /// the rest of its line and the lines indented deeper below it (a block scalar).
    fn find_in_value(
        &mut self,
        text: &str,
        line: usize,
        column: usize,
        needle: &str,
    ) -> Option<(usize, usize)> {
        let lines: Vec<&str> = text.lines().collect();
        let key_indent = column.saturating_sub(1);
        let end = lines
            .iter()
            .enumerate()
            .skip(line)
            .find(|(_, l)| {
                let t = l.trim_start();
                !t.is_empty() && l.len() - t.len() <= key_indent
            })
            .map_or(lines.len(), |(i, _)| i);
        self.find(text, line.saturating_sub(1), end, needle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(s: &str) -> Vec<&str> {
        markup(s).into_iter().map(|(r, _)| &s[r]).collect()
    }

    #[test]
    fn clinical_notation_is_not_markup() {
        for s in [
            "Signal is T1<T2 weighted in cysts and T2>T1 in fat",
            "a<b and c>d, p<0.05, <5 mm",
            "#1 cause of cancer death",
            "- a dash\n* a star\n> a quote",
            "5*3*2 = 30, snake_case and __init",
            "see [1] (Smith, 2020) and [the table](below here)",
            "a < b > c",
        ] {
            assert_eq!(shown(s), Vec::<&str>::new(), "{s}");
        }
    }

    #[test]
    fn unmistakable_markup_is_found_where_it_is() {
        assert_eq!(
            shown("x <b>bold</b> <script>alert(1)</script> <br/> <img src=x onerror=y>"),
            vec![
                "<b>",
                "</b>",
                "<script>",
                "</script>",
                "<br/>",
                "<img src=x onerror=y>"
            ]
        );
        assert_eq!(
            shown("a [link](https://x.org) and **strong** and __this__"),
            vec!["[link](https://x.org)", "**strong**", "__this__"]
        );
    }

    #[test]
    fn positions_in_a_block_scalar() {
        let text =
            "id: x\nsummary: >-\n  First line <b>here</b>\n  then <b>again</b>.\ntitle: <b>\n";
        let mut seen = Occurrences::default();
        assert_eq!(seen.find_in_value(text, 2, 1, "<b>"), Some((3, 14)));
        assert_eq!(seen.find_in_value(text, 2, 1, "<b>"), Some((4, 8)));
        assert_eq!(
            seen.find_in_value(text, 2, 1, "<b>"),
            None,
            "not past the block"
        );
        assert_eq!(line_col("ab\ncé<", 6), (2, 3));
    }
}
