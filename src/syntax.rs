//! YAML and JSON syntax errors in a curator's words.
//!
//! The parsers say "found character that cannot start any token" for a tab, report an
//! unclosed quote where the file ends, and "mapping values are not allowed in this context"
//! for a `: ` inside a value. Each recognised case becomes a message that says what is wrong,
//! at the line where the mistake was made, with a hint that says how to fix it and the field
//! path of the keys above it.

use crate::error::Diagnostic;
use crate::locate::{json_path_at, path_at};
use std::path::Path;

/// A YAML syntax error of `text` (which starts `line_offset` lines into its file).
pub fn yaml(file: &Path, text: &str, line_offset: usize, err: &serde_yaml::Error) -> Diagnostic {
    let raw = strip_locations(&err.to_string());
    let at = err.location().map(|l| (l.line(), l.column()));
    let (message, hint, (line, col)) = explain_yaml(text, &raw, at);
    let mut d = Diagnostic::new(file, message)
        .at(line.map(|l| l + line_offset), col)
        .hint(hint);
    if let Some(path) = line.and_then(|l| path_at(text, l)) {
        d = d.field(path);
    }
    d
}

/// `text` with the tabs of its indentation replaced by spaces, at the first common width that
/// makes it parse: after a tab error, the rest of the file can still be checked. The lines keep
/// their numbers.
pub fn without_tabs(text: &str) -> Option<(String, serde_yaml::Value)> {
    let tabbed = |l: &str| l[..l.len() - l.trim_start().len()].contains('\t');
    if !text.lines().any(tabbed) {
        return None;
    }
    [2, 4, 8].into_iter().find_map(|width| {
        let spaces = " ".repeat(width);
        let mut out = String::with_capacity(text.len());
        for l in text.split_inclusive('\n') {
            let body = l.trim_start_matches([' ', '\t']);
            out.push_str(&l[..l.len() - body.len()].replace('\t', &spaces));
            out.push_str(body);
        }
        let value = serde_yaml::from_str(&out).ok()?;
        Some((out, value))
    })
}

type Place = (Option<usize>, Option<usize>);

fn explain_yaml(text: &str, raw: &str, at: Option<(usize, usize)>) -> (String, String, Place) {
    let lines: Vec<&str> = text.lines().collect();
    let err_line = at.map_or(lines.len(), |a| a.0);
    let place = at.map_or((None, None), |(l, c)| (Some(l), Some(c)));

    // A tab where indentation belongs: on the error line or the one before it.
    for n in [err_line, err_line.saturating_sub(1)] {
        let Some(l) = n.checked_sub(1).and_then(|i| lines.get(i)) else {
            continue;
        };
        let indent = &l[..l.len() - l.trim_start().len()];
        if let Some(i) = indent.find('\t') {
            return (
                format!("a tab is used for indentation on line {n}; YAML allows only spaces"),
                "replace the tab (shown as →) with spaces: indent with spaces only, two per level"
                    .to_string(),
                (Some(n), Some(indent[..i].chars().count() + 1)),
            );
        }
    }

    if let Some((n, col, q)) = open_quote(&lines, err_line) {
        let inside = if q == '"' {
            "a quotation mark inside the text is written \\\""
        } else {
            "an apostrophe inside single quotes is written twice: ''"
        };
        return (
            format!("the quote {q} opened on line {n} is not closed"),
            format!("end the value on line {n} with a closing {q}; {inside}"),
            (Some(n), Some(col)),
        );
    }

    if raw.starts_with("mapping values are not allowed") {
        let l = err_line.checked_sub(1).and_then(|i| lines.get(i)).copied();
        if let Some((key, value, col)) = l.and_then(key_value) {
            let quoted = if value.contains('"') && !value.contains('\'') {
                format!("'{value}'")
            } else {
                format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
            };
            return (
                format!(
                    "the value of `{key}` contains `: `, which YAML reads as the start of another field"
                ),
                format!("put the text in quotes: {key}: {quoted}"),
                (Some(err_line), Some(col)),
            );
        }
        return (
            format!(
                "line {err_line} holds `: ` inside a value, which YAML reads as the start of another field"
            ),
            "put the text in quotes, or write it as a block: `field: >-` with the text indented on the lines below".to_string(),
            place,
        );
    }

    let hint = if raw.starts_with("did not find expected key") {
        "check this line's indentation against the lines above (the fields of one section start in the same column); a value that starts with `@`, `` ` ``, `[` or `{` or holds ` #` belongs in quotes"
    } else if raw.starts_with("did not find expected '-' indicator") {
        "the items of one list start with `-` in the same column: check the indentation"
    } else if raw.starts_with("did not find expected ',' or ']'") {
        "a list in brackets `[a, b]` is not closed, or an item holds `,`, `]` or `: `: close the bracket, or put the item in quotes"
    } else if raw.starts_with("did not find expected ',' or '}'") {
        "a group in braces `{a: 1}` is not closed, or a value holds `,` or `}`: close the brace, or put the value in quotes"
    } else if raw.starts_with("found character that cannot start any token") {
        "a value starts with a character YAML reserves (`@`, `` ` ``, `%`): put the value in quotes"
    } else if raw.starts_with("block sequence entries are not allowed") {
        "a `- item` follows a field that already has a value: write `field:` alone, then one `- item` per line below it"
    } else if raw.contains("end of stream") {
        "the file ends inside a value: look for an unclosed quote or bracket above"
    } else {
        "check the indentation and quoting of this line and the lines above it"
    };
    (
        format!("the YAML cannot be read here: {raw}"),
        hint.to_string(),
        place,
    )
}

/// `key: value` on a line (after indentation and a list dash): the key, the value and the
/// 1-based column where the value starts.
fn key_value(line: &str) -> Option<(&str, &str, usize)> {
    let body = line.trim_start();
    let body = body.strip_prefix("- ").unwrap_or(body).trim_start();
    let (key, value) = body.split_once(": ")?;
    let key = key.trim();
    let plain = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    if key.is_empty() || !key.chars().all(plain) {
        return None;
    }
    let value = value.trim();
    let offset = line.trim_end().len() - value.len();
    Some((key, value, line[..offset].chars().count() + 1))
}

/// A quote that opens a value and is not closed on its line, whose text runs on to (or past)
/// the error line: (line, column, quote), 1-based. Multi-line quoted values are valid YAML,
/// so only one that reaches the error counts.
fn open_quote(lines: &[&str], err_line: usize) -> Option<(usize, usize, char)> {
    let mut open: Option<(usize, usize, char)> = None;
    for (i, l) in lines.iter().enumerate().take(err_line) {
        let n = i + 1;
        match open {
            Some((_, _, q)) => {
                if closing(l, 0, q).is_some() {
                    if n >= err_line.saturating_sub(1) {
                        return open;
                    }
                    open = None;
                }
            }
            None => open = opens(l).map(|(col, q)| (n, col, q)),
        }
    }
    open
}

/// A quote that starts a value on `line` and is not closed there: (1-based column, quote).
fn opens(line: &str) -> Option<(usize, char)> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'#' && (i == 0 || b[i - 1] == b' ') {
            return None;
        }
        // Only a quote at the start of a value opens a quoted scalar (quote bytes are ASCII,
        // so `i` is a character boundary here).
        let starts_value = |i: usize| {
            let head = line[..i].trim_end();
            head.is_empty() || head.ends_with([':', '-', '[', '{', ','])
        };
        if (c == b'"' || c == b'\'') && starts_value(i) {
            let q = c as char;
            match closing(line, i + 1, q) {
                Some(end) => i = end + 1,
                None => return Some((line[..i].chars().count() + 1, q)),
            }
            continue;
        }
        i += 1;
    }
    None
}

/// The byte index of the quote that closes a `q`-quoted scalar, searching from `from`.
fn closing(line: &str, from: usize, q: char) -> Option<usize> {
    let b = line.as_bytes();
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' if q == '"' => i += 2,
            b'\'' if q == '\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == q as u8 => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// A JSON syntax error of `text`, in words, when it is one of the common ones.
pub fn json(file: &Path, text: &str, err: &serde_json::Error) -> Option<Diagnostic> {
    if !matches!(
        err.classify(),
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof
    ) {
        return None;
    }
    let raw = strip_locations(&err.to_string());
    let (line, col) = (err.line(), err.column());
    let lines: Vec<&str> = text.lines().collect();
    // The last character written before the error, skipping white space: (line, column, char).
    let before = || {
        let mut n = line;
        let mut upto = col.saturating_sub(1);
        loop {
            let l = *lines.get(n.checked_sub(1)?)?;
            let head = l.get(..upto.min(l.len())).unwrap_or(l);
            if let Some((i, c)) = head.char_indices().rev().find(|(_, c)| !c.is_whitespace()) {
                return Some((n, head[..i].chars().count() + 1, c));
            }
            n = n.checked_sub(1)?;
            upto = usize::MAX;
        }
    };
    let at_char = lines
        .get(line.saturating_sub(1))
        .and_then(|l| l.get(col.saturating_sub(1)..))
        .and_then(|r| r.chars().next());
    let (message, hint, place) = match before() {
        Some((n, c, ',')) if matches!(at_char, Some('}' | ']')) => (
            "a comma after the last item: JSON allows no trailing comma".to_string(),
            format!("delete the comma at the end of line {n}"),
            (n, c),
        ),
        Some((n, _, _)) if raw.starts_with("expected `,` or") => (
            "a comma is missing between two items".to_string(),
            format!("add a comma after the item that ends on line {n}"),
            (line, col),
        ),
        _ if raw.starts_with("key must be a string") => (
            "a key is not in double quotes".to_string(),
            "JSON writes every key in double quotes: \"name\": value".to_string(),
            (line, col),
        ),
        _ if raw.starts_with("control character") => (
            "a text runs past the end of its line: its closing quote is missing".to_string(),
            format!("close the quote on line {line}; a line break inside a text is written \\n"),
            (line, col),
        ),
        _ if raw.starts_with("EOF while parsing") => (
            "the file ends before every `{` and `[` is closed".to_string(),
            "check that every { and [ has its closing } and ], and that the file is complete"
                .to_string(),
            (line, col),
        ),
        _ => return None,
    };
    let mut d = Diagnostic::new(file, message)
        .at(Some(place.0), Some(place.1))
        .hint(hint);
    if let Some(path) = json_path_at(text, place.0, place.1) {
        d = d.field(path);
    }
    Some(d)
}

/// The parsers' messages carry " at line N column M" (and YAML's a second, for the context);
/// the diagnostic carries the place itself.
pub fn strip_locations(msg: &str) -> String {
    let digits = |s: &str| s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let mut out = String::new();
    let mut rest = msg;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let mut after = &rest[i + " at line ".len()..];
        after = &after[after.len() - digits(after)..];
        if let Some(a) = after.strip_prefix(" column ") {
            after = &a[a.len() - digits(a)..];
        }
        rest = after;
    }
    out.push_str(rest);
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml_diag(text: &str) -> Diagnostic {
        let err = serde_yaml::from_str::<serde_yaml::Value>(text).unwrap_err();
        yaml(Path::new("t.yaml"), text, 0, &err)
    }

    fn json_diag(text: &str) -> Diagnostic {
        let err = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        json(Path::new("t.json"), text, &err).unwrap_or_else(|| panic!("not explained: {err}"))
    }

    #[test]
    fn a_tab_in_the_indentation_is_named() {
        let d =
            yaml_diag("id: ab\nclinical:\n  specialty: [radiology]\n\tclinical_question: Why?\n");
        assert_eq!(
            d.message,
            "a tab is used for indentation on line 4; YAML allows only spaces"
        );
        assert_eq!((d.line, d.column), (Some(4), Some(1)), "{d}");
        assert!(d.hint.as_deref().unwrap_or("").contains("spaces"), "{d}");
    }

    #[test]
    fn an_unclosed_quote_is_reported_where_it_opened() {
        let mut text = String::from("id: ab\ntitle: \"Liver metastases\nstatus: proposed\n");
        for i in 0..17 {
            text.push_str(&format!("k{i}: v\n"));
        }
        text.push_str("keywords: [\"a\", b]\n");
        let d = yaml_diag(&text);
        assert_eq!(
            d.message, "the quote \" opened on line 2 is not closed",
            "{d}"
        );
        assert_eq!((d.line, d.column), (Some(2), Some(8)), "{d}");
        assert_eq!(d.field.as_deref(), Some("title"));

        let d = yaml_diag("id: ab\ntitle: 'Liver\n");
        assert_eq!(d.line, Some(2), "{d}");
    }

    #[test]
    fn a_colon_in_a_value_asks_for_quotes() {
        let d = yaml_diag("id: ab\nclinical:\n  clinical_question: Which lesion: benign or not?\n");
        assert!(
            d.message.contains("`clinical_question` contains `: `"),
            "{d}"
        );
        assert_eq!(
            d.hint.as_deref(),
            Some("put the text in quotes: clinical_question: \"Which lesion: benign or not?\"")
        );
        assert_eq!(d.field.as_deref(), Some("clinical.clinical_question"));
        assert_eq!(d.line, Some(3));
    }

    #[test]
    fn other_yaml_errors_keep_the_parser_words_without_positions() {
        let d = yaml_diag("id: [abc\nname: x\n");
        assert!(!d.message.contains(" at line "), "{d}");
        assert!(d.hint.is_some());
    }

    #[test]
    fn a_trailing_comma_in_json_is_named() {
        let d = json_diag("{\n  \"task\": \"t\",\n  \"cases\": [\"a\", \"b\"],\n}\n");
        assert_eq!(
            d.message,
            "a comma after the last item: JSON allows no trailing comma"
        );
        assert_eq!((d.line, d.column), (Some(3), Some(22)), "{d}");
        let d = json_diag("{\"cases\": [\"a\",\n  ]}");
        assert_eq!(d.line, Some(1), "{d}");
        assert_eq!(d.field.as_deref(), Some("cases[0]"), "{d}");
    }

    #[test]
    fn a_missing_json_comma_is_named() {
        let d = json_diag("{\n  \"task\": \"t\"\n  \"split\": \"test\"\n}");
        assert_eq!(d.message, "a comma is missing between two items");
        assert!(d.hint.as_deref().unwrap_or("").contains("line 2"), "{d}");
    }

    #[test]
    fn locations_are_stripped() {
        assert_eq!(
            strip_locations(
                "did not find expected key at line 5 column 1, while parsing a block mapping at line 1 column 1"
            ),
            "did not find expected key, while parsing a block mapping"
        );
        assert_eq!(
            strip_locations("trailing comma at line 3 column 1"),
            "trailing comma"
        );
    }
}
