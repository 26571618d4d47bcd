//! The library's modules import one another without a cycle: every stage imports only the
//! stages and leaves below it (ARCHITECTURE.md). The graph is read from the sources: every
//! `crate::…` and `super::…` path outside comments and test code, and a parent module's uses
//! of its children (`views::page`), each resolved to the deepest module file it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Edges that close a cycle on purpose: the format (and text) rules of `validate` are methods over the
/// parent's `Validator`, which only dispatches to them.
const ALLOWED: &[(&str, &str)] = &[
    ("validate::task", "validate"),
    ("validate::datacard", "validate"),
    ("validate::rationale", "validate"),
    ("validate::leaderboard", "validate"),
    ("validate::text", "validate"),
    ("validate::release", "validate"),
    ("validate::translations", "validate"),
    ("validate::accessibility", "validate"),
];

type Graph = BTreeMap<String, BTreeSet<String>>;

/// `src/render/mod.rs` → `render`, `src/render/views.rs` → `render::views`, `src/lib.rs` → ``.
fn module_name(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    parts.join("::")
}

/// The text that builds into the library: no comments, no `#[cfg(test)]` code (by the crate's
/// convention a test module ends its file, or is a file of its own: `mod tests;`).
fn code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            match lines.next() {
                Some(next)
                    if next
                        .trim_start()
                        .trim_start_matches("pub ")
                        .starts_with("mod ")
                        && next.trim_end().ends_with(';') =>
                {
                    continue;
                }
                _ => break,
            }
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Paths written after `at` (`a::b::C`, `{a, b::{c, d}}`), each as its segments.
fn paths_after(s: &str) -> Vec<Vec<String>> {
    let s = s.trim_start();
    if let Some(group) = s.strip_prefix('{') {
        // Top-level items of the group, each read on its own.
        let mut depth = 0;
        let mut items = Vec::new();
        let mut start = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    items.push(&group[start..i]);
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&group[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return items
            .into_iter()
            .flat_map(paths_after)
            .filter(|p| !p.is_empty())
            .collect();
    }
    let mut segs = Vec::new();
    let mut rest = s;
    loop {
        let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        let seg = &rest[..end];
        rest = &rest[end..];
        let Some(after) = rest.strip_prefix("::") else {
            segs.push(seg.to_string());
            break;
        };
        if after.starts_with('{') {
            segs.push(seg.to_string());
            return paths_after(after)
                .into_iter()
                .map(|tail| segs.iter().cloned().chain(tail).collect())
                .collect();
        }
        segs.push(seg.to_string());
        rest = after;
    }
    vec![segs]
}

/// The module graph of the files in `files` (module name → source text).
fn graph(files: &BTreeMap<String, String>) -> Graph {
    let resolve = |mut segs: Vec<String>| -> Option<String> {
        segs.retain(|s| s != "self");
        (0..=segs.len())
            .rev()
            .map(|n| segs[..n].join("::"))
            .find(|m| files.contains_key(m))
    };
    let mut g = Graph::new();
    for (module, text) in files {
        let text = code(text);
        let own: Vec<String> = module
            .split("::")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let parent: Vec<String> = own[..own.len().saturating_sub(1)].to_vec();
        let mut targets = BTreeSet::new();
        for (root, base) in [("crate::", Vec::new()), ("super::", parent)] {
            for (i, _) in text.match_indices(root) {
                if text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| is_ident(c) || c == ':')
                {
                    continue;
                }
                for p in paths_after(&text[i + root.len()..]) {
                    // `super::super::x`: each `super` leaves one level.
                    let mut full: Vec<String> = base.clone();
                    for seg in p {
                        if seg == "super" {
                            full.pop();
                        } else {
                            full.push(seg);
                        }
                    }
                    targets.extend(resolve(full));
                }
            }
        }
        // A parent naming its children (`views::page(…)`, `use views::FacetKind`).
        for child in files.keys() {
            let Some(name) = child
                .strip_prefix(module.as_str())
                .map(|c| c.trim_start_matches("::"))
                .filter(|c| {
                    !c.is_empty()
                        && !c.contains("::")
                        && (module.is_empty() || child.starts_with(&format!("{module}::")))
                })
            else {
                continue;
            };
            let needle = format!("{name}::");
            let used = text.match_indices(&needle).any(|(i, _)| {
                !text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| is_ident(c) || c == ':')
            });
            if used {
                targets.insert(child.clone());
            }
        }
        targets.remove(module);
        g.insert(module.clone(), targets);
    }
    g
}

/// One cycle of `g` without the allowed edges, as its modules in order, if there is one.
fn find_cycle(g: &Graph, allowed: &[(&str, &str)]) -> Option<Vec<String>> {
    fn visit(
        m: &str,
        g: &Graph,
        allowed: &[(&str, &str)],
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(m.to_string(), 1);
        stack.push(m.to_string());
        for t in g.get(m).into_iter().flatten() {
            if allowed.contains(&(m, t.as_str())) {
                continue;
            }
            match state.get(t.as_str()) {
                Some(1) => {
                    let from = stack.iter().position(|s| s == t).unwrap_or(0);
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(t.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(t, g, allowed, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(m.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in g.keys() {
        if !state.contains_key(m)
            && let Some(c) = visit(m, g, allowed, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

fn library_sources() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                // The binary is a client of the library, not part of its graph.
                if path != src.join("bin") {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(&src).expect("under src");
                let text = std::fs::read_to_string(&path).expect("source is UTF-8");
                files.insert(module_name(rel), text);
            }
        }
    }
    files
}

fn show(cycle: &[String]) -> String {
    cycle
        .iter()
        .map(|m| {
            if m.is_empty() {
                "(crate root)"
            } else {
                m.as_str()
            }
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

#[test]
fn library_modules_import_without_a_cycle() {
    let g = graph(&library_sources());
    // The reader sees the crate: known edges are there, so an empty graph cannot pass.
    for (from, to) in [
        ("render", "compute"),
        ("render", "render::views"),
        ("links", "output"),
        ("validate::task", "validate::identifiers"),
        ("", "render"),
    ] {
        assert!(
            g.get(from).is_some_and(|t| t.contains(to)),
            "expected {from} → {to} in {g:#?}"
        );
    }
    if let Some(cycle) = find_cycle(&g, ALLOWED) {
        panic!(
            "import cycle: {}\nmove what both sides need into a module below them (see \
             ARCHITECTURE.md, module map)",
            show(&cycle)
        );
    }
}

#[test]
fn leaves_import_nothing_from_the_crate() {
    let g = graph(&library_sources());
    for leaf in ["output", "store", "error", "model", "locate", "timings"] {
        let deps = &g[leaf];
        assert!(deps.is_empty(), "{leaf} is a leaf but imports {deps:?}");
    }
}

#[test]
fn a_cycle_through_a_child_or_a_group_import_is_found() {
    let files: BTreeMap<String, String> = [
        ("", "pub mod a;\npub mod b;\n"),
        (
            "a",
            "pub mod c;\nuse crate::{b::{self, X}, other};\npub fn f() { c::g() }\n",
        ),
        (
            "a::c",
            "// crate::b is only a comment here\npub fn g() { super::super::b::h() }\n",
        ),
        (
            "b",
            "pub fn h() {}\n#[cfg(test)]\nmod tests {\n    use crate::a;\n}\n",
        ),
        ("other", "use crate::b::h;\n"),
    ]
    .into_iter()
    .map(|(m, t)| (m.to_string(), t.to_string()))
    .collect();
    let g = graph(&files);
    assert_eq!(
        g["a"],
        BTreeSet::from(["a::c".to_string(), "b".into(), "other".into()])
    );
    assert_eq!(g["a::c"], BTreeSet::from(["b".to_string()]));
    assert!(
        g["b"].is_empty(),
        "test code is not an import: {:?}",
        g["b"]
    );
    assert_eq!(find_cycle(&g, &[]), None);

    let mut cyclic = files.clone();
    cyclic.insert("b".into(), "pub fn h() { crate::a::c::g() }\n".into());
    let cycle = find_cycle(&graph(&cyclic), &[]).expect("a → b → a::c → b");
    assert_eq!(cycle.first(), cycle.last());
    assert!(cycle.contains(&"b".to_string()) && cycle.contains(&"a::c".to_string()));
    assert_eq!(
        find_cycle(&graph(&cyclic), &[("b", "a::c")]),
        None,
        "an allowed edge breaks the cycle"
    );
}
