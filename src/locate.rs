//! Finds the line of a field path (`evaluation.metrics[1].direction`) in YAML text.
//!
//! serde_yaml loses the position of errors raised while converting a scalar (a bad slug or
//! date) and cross-file rules have no position at all; both know the field path, and this maps
//! it back to a line by following indentation. It reads block-style YAML as curators write it;
//! for flow-style values (`{a: 1}`, `[x, y]`) it stops at the line that holds them.

#[derive(Debug, PartialEq)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(n) = idx.trim_end_matches(']').parse() {
                out.push(Seg::Index(n));
            }
        }
    }
    out
}

struct Line<'a> {
    /// 1-based line number.
    no: usize,
    /// Column of the content after indentation and list dashes (0-based).
    indent: usize,
    /// Column of the first list dash on the line, if it starts a sequence item.
    dash: Option<usize>,
    text: &'a str,
}

impl Line<'_> {
    /// Where the line starts structurally: its dash, else its content.
    fn start(&self) -> usize {
        self.dash.unwrap_or(self.indent)
    }

    fn key(&self) -> Option<&str> {
        let t = self.text;
        let end = t.find(':')?;
        let k = t[..end].trim().trim_matches('"').trim_matches('\'');
        (!k.is_empty() && !k.contains(' ') || t.starts_with('"')).then_some(k)
    }

    /// Whether the key's value continues on this line (a scalar or flow value).
    fn inline_value(&self) -> bool {
        self.text
            .find(':')
            .map(|i| {
                let v = self.text[i + 1..].trim();
                !v.is_empty()
                    && !v.starts_with('#')
                    && v != "|"
                    && v != ">"
                    && !v.starts_with("|-")
                    && !v.starts_with(">-")
            })
            .unwrap_or(false)
    }
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---" {
            continue;
        }
        let mut col = raw.len() - trimmed.len();
        let mut rest = trimmed;
        let mut dash = None;
        while rest == "-" || rest.starts_with("- ") {
            dash.get_or_insert(col);
            let after = rest[1..].trim_start();
            col += rest.len() - after.len();
            rest = after;
        }
        out.push(Line {
            no: i + 1,
            indent: col,
            dash,
            text: rest,
        });
    }
    out
}

/// The 1-based (line, column) of `path` in `text`, as closely as the text allows.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let ls = lines(text);
    let (mut lo, mut hi) = (0, ls.len());
    let mut parent: Option<usize> = None;
    let mut found = None;
    for seg in segments(path) {
        let deeper = |l: &Line| parent.is_none_or(|p| l.indent > p);
        match seg {
            Seg::Key(k) => {
                let child = ls[lo..hi]
                    .iter()
                    .filter(|l| deeper(l))
                    .map(|l| l.indent)
                    .min()?;
                let idx = (lo..hi).find(|&j| ls[j].indent == child && ls[j].key() == Some(k));
                let Some(idx) = idx else {
                    // A flow mapping on one line: `- {id: P1, role: clinician}`.
                    let flow = (lo..hi).find(|&j| ls[j].text.contains(&format!("{k}:")));
                    return flow.map(|j| (ls[j].no, ls[j].indent + 1)).or(found);
                };
                found = Some((ls[idx].no, ls[idx].indent + 1));
                if ls[idx].inline_value() {
                    return found;
                }
                lo = idx + 1;
                hi = (lo..hi)
                    .find(|&j| {
                        ls[j].start() < child || (ls[j].start() == child && ls[j].dash.is_none())
                    })
                    .unwrap_or(hi);
                parent = Some(child);
            }
            Seg::Index(n) => {
                let d = ls[lo..hi].iter().filter_map(|l| l.dash).min()?;
                let items: Vec<usize> = (lo..hi).filter(|&j| ls[j].dash == Some(d)).collect();
                let Some(&idx) = items.get(n) else {
                    return found;
                };
                found = Some((ls[idx].no, d + 1));
                hi = items.get(n + 1).copied().unwrap_or(hi);
                lo = idx;
                parent = Some(d);
            }
        }
    }
    found
}

/// The 1-based (line, column) of `path` (`entries[3].per_case.f2[17]`) in JSON text: where
/// its value starts. A path the text lacks falls back to its nearest parent (an object at its
/// first key, so a missing `entries[1].scores` points at the entry's `"id"` line).
pub fn locate_json(text: &str, path: &str) -> Option<(usize, usize)> {
    let mut want = path.to_string();
    let mut inside = false;
    loop {
        if let Some(at) = json_value_start(text, &want, inside) {
            return Some(at);
        }
        inside = true;
        let cut = want.rfind(['.', '['])?;
        want.truncate(cut);
    }
}

enum Frame {
    Obj {
        key: Option<String>,
        expect_key: bool,
    },
    Arr {
        idx: usize,
    },
}

fn json_path(stack: &[Frame]) -> String {
    let mut out = String::new();
    for f in stack {
        match f {
            Frame::Obj { key: Some(k), .. } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Frame::Obj { key: None, .. } => {}
            Frame::Arr { idx } => out.push_str(&format!("[{idx}]")),
        }
    }
    out
}

fn json_value_start(text: &str, want: &str, first_key: bool) -> Option<(usize, usize)> {
    let mut stack: Vec<Frame> = Vec::new();
    // Depth of the wanted object whose first key is the answer.
    let mut open: Option<usize> = None;
    let (mut line, mut col) = (1, 0);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        col += 1;
        let here = (line, col);
        match c {
            '\n' => {
                line += 1;
                col = 0;
            }
            '"' => {
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    col += 1;
                    match c {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                col += 1;
                                s.push(e);
                            }
                        }
                        '"' => break,
                        other => s.push(other),
                    }
                }
                let depth = stack.len();
                if let Some(Frame::Obj { key, expect_key }) = stack.last_mut()
                    && *expect_key
                {
                    if open == Some(depth) {
                        return Some(here);
                    }
                    *key = Some(s);
                    *expect_key = false;
                } else if json_path(&stack) == want {
                    return Some(here);
                }
            }
            '{' | '[' => {
                if json_path(&stack) == want {
                    if !(first_key && c == '{') {
                        return Some(here);
                    }
                    open = Some(stack.len() + 1);
                }
                stack.push(if c == '{' {
                    Frame::Obj {
                        key: None,
                        expect_key: true,
                    }
                } else {
                    Frame::Arr { idx: 0 }
                });
            }
            '}' | ']' => {
                stack.pop();
            }
            ',' => match stack.last_mut() {
                Some(Frame::Obj { expect_key, .. }) => *expect_key = true,
                Some(Frame::Arr { idx }) => *idx += 1,
                None => {}
            },
            c if c.is_whitespace() || c == ':' => {}
            _ => {
                if json_path(&stack) == want {
                    return Some(here);
                }
                while let Some(&n) = chars.peek() {
                    if n == ',' || n == '}' || n == ']' || n.is_whitespace() {
                        break;
                    }
                    chars.next();
                    col += 1;
                }
            }
        }
    }
    None
}

/// The field path of the structure around line `line` (1-based) of YAML text, from the keys
/// and list items above it: for a syntax error, where the parser knows no path. Only keys
/// written in block style count.
pub fn path_at(text: &str, line: usize) -> Option<String> {
    let ls = lines(text);
    let i = ls.iter().rposition(|l| l.no <= line)?;
    // Segments from the innermost out.
    let mut segs: Vec<String> = Vec::new();
    let cur = &ls[i];
    if let Some(k) = cur.key() {
        segs.push(k.to_string());
    }
    // What holds the node found so far: a mapping whose keys are at this column, or a list
    // whose dashes are.
    enum In {
        Map(usize),
        List(usize),
    }
    let mut inside = In::Map(cur.indent);
    if let Some(d) = cur.dash {
        segs.push(format!("[{}]", item_index(&ls, i, d)));
        inside = In::List(d);
    }
    for j in (0..i).rev() {
        let m = &ls[j];
        let parent = match inside {
            // The first line of the list item whose fields these are.
            In::Map(c) if m.dash.is_some() && m.indent == c => {
                let d = m.dash.unwrap_or(0);
                segs.push(format!("[{}]", item_index(&ls, j, d)));
                inside = In::List(d);
                continue;
            }
            In::Map(c) => m.indent < c,
            In::List(d) => m.start() < d || (m.start() == d && m.dash.is_none()),
        };
        if !parent {
            continue;
        }
        let Some(k) = m.key() else { continue };
        if m.inline_value() {
            // The line continues this key's value (a multi-line scalar or flow value).
            segs.clear();
        }
        segs.push(k.to_string());
        inside = In::Map(m.indent);
        if let Some(d) = m.dash {
            segs.push(format!("[{}]", item_index(&ls, j, d)));
            inside = In::List(d);
        }
    }
    let mut out = String::new();
    for s in segs.iter().rev() {
        if !out.is_empty() && !s.starts_with('[') {
            out.push('.');
        }
        out.push_str(s);
    }
    (!out.is_empty()).then_some(out)
}

/// The index of the list item that starts on `ls[i]` with its dash at column `d`.
fn item_index(ls: &[Line], i: usize, d: usize) -> usize {
    let mut n: usize = 0;
    for l in ls[..=i].iter().rev() {
        if l.dash == Some(d) {
            n += 1;
        } else if l.start() < d || (l.start() == d && l.dash.is_none()) {
            break;
        }
    }
    n.saturating_sub(1)
}

/// The field path of the innermost object or array around (line, column) (1-based) of JSON
/// text: for a syntax error, where the parser knows no path.
pub fn json_path_at(text: &str, line: usize, column: usize) -> Option<String> {
    let mut stack: Vec<Frame> = Vec::new();
    let (mut l, mut c) = (1, 0);
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        c += 1;
        if (l, c) >= (line, column) {
            break;
        }
        match ch {
            '\n' => {
                l += 1;
                c = 0;
            }
            '"' => {
                let mut s = String::new();
                while let Some(ch) = chars.next() {
                    c += 1;
                    match ch {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                c += 1;
                                s.push(e);
                            }
                        }
                        '"' | '\n' => break,
                        other => s.push(other),
                    }
                }
                if let Some(Frame::Obj { key, expect_key }) = stack.last_mut()
                    && *expect_key
                {
                    *key = Some(s);
                    *expect_key = false;
                }
            }
            '{' => stack.push(Frame::Obj {
                key: None,
                expect_key: true,
            }),
            '[' => stack.push(Frame::Arr { idx: 0 }),
            '}' | ']' => {
                stack.pop();
            }
            ',' => match stack.last_mut() {
                Some(Frame::Obj { expect_key, .. }) => *expect_key = true,
                Some(Frame::Arr { idx }) => *idx += 1,
                None => {}
            },
            _ => {}
        }
    }
    let p = json_path(&stack);
    (!p.is_empty()).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "\
id: abc
evaluation:
  metrics:
    - id: f2
      direction: higher_is_better
    - id: fp
      name: \"False positives\"
      direction: lower_is_bettr
  ranking:
    method: aggregate_then_rank
panel:
  - {id: P1, role: clinician}
  - {id: P2, role: robot}
keywords: [a, b]
history:
- date: 2026-01-01
  status: proposed
- date: 2026-02-01
  status: selected
";

    #[test]
    fn nested_block_paths() {
        assert_eq!(locate(YAML, "id"), Some((1, 1)));
        assert_eq!(
            locate(YAML, "evaluation.metrics[1].direction"),
            Some((8, 7))
        );
        assert_eq!(locate(YAML, "evaluation.metrics[1]"), Some((6, 5)));
        assert_eq!(locate(YAML, "evaluation.ranking.method"), Some((10, 5)));
    }

    #[test]
    fn flow_values_stop_at_their_line() {
        assert_eq!(locate(YAML, "panel[1].role").map(|p| p.0), Some(13));
        assert_eq!(locate(YAML, "keywords[1]").map(|p| p.0), Some(14));
    }

    #[test]
    fn compact_sequences() {
        assert_eq!(locate(YAML, "history[1].status").map(|p| p.0), Some(19));
        assert_eq!(locate(YAML, "history[1].date").map(|p| p.0), Some(18));
    }

    #[test]
    fn unknown_paths_fall_back_to_the_nearest_parent() {
        assert_eq!(locate(YAML, "evaluation.nope").map(|p| p.0), Some(2));
        assert_eq!(locate(YAML, "missing"), None);
    }

    #[test]
    fn json_paths() {
        let json = "{\n  \"task\": \"t\",\n  \"cases\": [\"a\", \"b\"],\n  \"entries\": [\n    {\"id\": \"e1\"},\n    {\n      \"id\": \"e2\",\n      \"per_case\": {\"f2\": [0.5,\n        null, 2]}\n    }\n  ]\n}";
        assert_eq!(locate_json(json, "task"), Some((2, 11)));
        assert_eq!(locate_json(json, "cases[1]").map(|p| p.0), Some(3));
        assert_eq!(locate_json(json, "entries[1].id"), Some((7, 13)));
        assert_eq!(
            locate_json(json, "entries[1].per_case.f2[2]"),
            Some((9, 15))
        );
        assert_eq!(
            locate_json(json, "entries[1].scores.f2").map(|p| p.0),
            Some(7)
        );
        assert_eq!(locate_json(json, "entries[0]").map(|p| p.0), Some(5));
    }

    #[test]
    fn paths_around_a_line() {
        assert_eq!(
            path_at(YAML, 8).as_deref(),
            Some("evaluation.metrics[1].direction")
        );
        assert_eq!(
            path_at(YAML, 7).as_deref(),
            Some("evaluation.metrics[1].name")
        );
        assert_eq!(
            path_at(YAML, 6).as_deref(),
            Some("evaluation.metrics[1].id")
        );
        assert_eq!(
            path_at(YAML, 10).as_deref(),
            Some("evaluation.ranking.method")
        );
        assert_eq!(path_at(YAML, 19).as_deref(), Some("history[1].status"));
        assert_eq!(path_at(YAML, 1).as_deref(), Some("id"));
        let nested =
            "contributors:\n  - name: A\n    roles:\n      - annotator\n      - organiser\n";
        assert_eq!(
            path_at(nested, 5).as_deref(),
            Some("contributors[0].roles[1]")
        );
        let wrapped = "title: a long\n  title: that wraps\n";
        assert_eq!(path_at(wrapped, 2).as_deref(), Some("title"));
    }

    #[test]
    fn json_paths_around_a_position() {
        let json = "{\n  \"entries\": [\n    {\"id\": \"e1\"},\n    {\"id\": \"e2\", \"scores\": {\"f\": 1,}}\n  ]\n}";
        assert_eq!(
            json_path_at(json, 4, 36).as_deref(),
            Some("entries[1].scores.f")
        );
        assert_eq!(json_path_at(json, 3, 5).as_deref(), Some("entries[0]"));
        assert_eq!(json_path_at(json, 1, 1), None);
    }
}
