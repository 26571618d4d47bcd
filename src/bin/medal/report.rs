//! How diagnostics reach people and tools: a readable report with the offending line and a
//! caret, JSON for scripts, or GitHub Actions annotations that show inline on pull requests.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use medal::error::{Diagnostic, Severity};
use std::io::IsTerminal;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// Writes `diags` in `format`: human and github to stderr and stdout as tools expect them,
/// json to stdout.
pub fn print(diags: &[Diagnostic], root: &Path, format: Format) {
    match format {
        Format::Human => {
            let styled = std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
                && std::env::var_os("CI").is_none();
            for d in diags {
                eprintln!("{}\n", human(d, root, styled));
            }
        }
        Format::Json => println!("{}", json(diags)),
        Format::Github => {
            for d in diags {
                println!("{}", github(d, root));
            }
        }
    }
}

/// The diagnostic with its source line, a caret under the offending value, and the hint.
pub fn human(d: &Diagnostic, root: &Path, styled: bool) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path = d.file.to_string_lossy().replace('\\', "/");
    let location = match (d.line, d.column) {
        (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
        (Some(l), None) => format!("{path}:{l}"),
        _ => path.clone(),
    };
    let title = match &d.field {
        Some(f) => format!("{}: {}", f, d.message),
        None => d.message.clone(),
    };
    let source_line = d.line.and_then(|n| {
        let text = std::fs::read_to_string(root.join(&d.file)).ok()?;
        // A tab is shown as → : printed as spaces it looks like the indentation it breaks.
        text.lines()
            .nth(n.checked_sub(1)? as usize)
            .map(|l| l.replace('\t', "→"))
    });

    let title = level.primary_title(title);
    let line_text;
    let group = match (&source_line, d.line) {
        (Some(text), Some(n)) => {
            line_text = text.clone();
            let span = caret_span(
                &line_text,
                d.column.map(|c| c as usize),
                d.end_column.map(|c| c.get() as usize),
            );
            let label = d.field.clone().unwrap_or_default();
            Group::with_title(title).element(
                Snippet::source(line_text.as_str())
                    .line_start(n as usize)
                    .path(path.as_str())
                    .annotation(AnnotationKind::Primary.span(span).label(label)),
            )
        }
        _ => Group::with_title(title).element(Level::NOTE.message(format!("in {location}"))),
    };
    let mut report = vec![group];
    if let Some(h) = &d.hint {
        report.push(Group::with_title(Level::HELP.secondary_title(h.clone())));
    }
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&report).to_string()
}

/// From the column (1-based) to the end column when the diagnostic knows it, else to the end
/// of the token there: the value a curator must change.
fn caret_span(line: &str, column: Option<usize>, end: Option<usize>) -> std::ops::Range<usize> {
    let byte = |c: usize| {
        line.char_indices()
            .nth(c.saturating_sub(1))
            .map(|(i, _)| i)
            .unwrap_or(line.len())
    };
    let start = match column {
        Some(c) => byte(c),
        None => line.len() - line.trim_start().len(),
    };
    if let Some(end) = end.map(byte).filter(|&e| e > start) {
        return start..end;
    }
    let rest = &line[start..];
    // A tab (shown as →) is the mistake itself, not the start of a value.
    if rest.starts_with('→') {
        return start..start + '→'.len_utf8();
    }
    let mut len = rest.find([',', '}', ']', '#']).unwrap_or(rest.len());
    // A key (`case_defintion: …`): the caret covers the key, not its value. A plain value
    // cannot hold `: `, and a quoted one starts with its quote.
    if !rest.starts_with(['"', '\'']) {
        len = rest[..len].find(": ").unwrap_or(len);
    }
    let end = start + rest[..len].trim_end().len();
    if end > start {
        start..end
    } else if rest.starts_with([',', '}', ']']) {
        // A stray comma or bracket is the mistake itself.
        start..start + 1
    } else {
        start..line.len()
    }
}

pub fn json(diags: &[Diagnostic]) -> String {
    let items: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": d.severity.as_str(),
                "file": d.file.to_string_lossy().replace('\\', "/"),
                "line": d.line,
                "column": d.column,
                "end_column": d.end_column,
                "field": d.field,
                "message": d.message,
                "hint": d.hint,
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "errors": diags.iter().filter(|d| d.is_error()).count(),
        "warnings": diags.iter().filter(|d| !d.is_error()).count(),
        "diagnostics": items,
    }))
    .unwrap_or_default()
}

/// `::error file=…,line=…,col=…,title=…::message`, escaped as the Actions runner expects. A
/// file that is not in the repository (`root`), such as a template of the built-in theme, is
/// named in the message instead, so no annotation points at a file the pull request lacks.
pub fn github(d: &Diagnostic, root: &Path) -> String {
    fn data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let path = d.file.to_string_lossy().replace('\\', "/");
    let mut props = Vec::new();
    let mut message = String::new();
    if root.join(&d.file).is_file() {
        props.push(format!("file={}", property(&path)));
        if let Some(l) = d.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = d.column {
            props.push(format!("col={c}"));
        }
    } else {
        let at = match (d.line, d.column) {
            (Some(l), Some(c)) => format!(":{l}:{c}"),
            (Some(l), None) => format!(":{l}"),
            _ => String::new(),
        };
        message = format!("{path}{at}: ");
    }
    if let Some(c) = d.end_column {
        props.push(format!("endColumn={c}"));
    }
    if let Some(f) = &d.field {
        props.push(format!("title={}", property(f)));
    }
    message.push_str(&d.message);
    if let Some(h) = &d.hint {
        message.push_str("\nhint: ");
        message.push_str(h);
    }
    let props = if props.is_empty() {
        String::new()
    } else {
        format!(" {}", props.join(","))
    };
    format!("::{}{props}::{}", d.severity.as_str(), data(&message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag() -> Diagnostic {
        Diagnostic::new("content/tasks/a/task.yaml", "unknown value `relased`")
            .at(Some(2), Some(9))
            .field("status")
            .hint("did you mean `released`?")
    }

    #[test]
    fn human_shows_the_line_and_a_caret() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("content/tasks/a/task.yaml");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "id: a\nstatus: relased\n").unwrap();
        let out = human(&diag(), dir.path(), false);
        assert!(
            out.contains("error: status: unknown value `relased`"),
            "{out}"
        );
        assert!(out.contains("content/tasks/a/task.yaml:2:9"), "{out}");
        assert!(out.contains("status: relased"), "{out}");
        assert!(out.contains("^^^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `released`?"), "{out}");
    }

    #[test]
    fn the_caret_of_a_key_covers_the_key() {
        assert_eq!(
            caret_span("  case_defintion: \"One study\"", Some(3), None),
            2..16
        );
        assert_eq!(caret_span("  access: public", Some(11), None), 10..16);
        assert_eq!(caret_span("  \"a\",]", Some(6), None), 5..6);
        assert_eq!(caret_span("  title: \"Risk: high\"", Some(10), None), 9..21);
    }

    #[test]
    fn human_shows_a_tab() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("content/tasks/a/task.yaml");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "clinical:\n\tspecialty: [radiology]\n").unwrap();
        let d = Diagnostic::new("content/tasks/a/task.yaml", "a tab is used for indentation")
            .at(Some(2), Some(1));
        let out = human(&d, dir.path(), false);
        assert!(out.contains("→specialty: [radiology]"), "{out}");
    }

    #[test]
    fn the_caret_covers_the_end_column_past_commas() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("content/tasks/a/task.yaml");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let line = "title: \"FILL IN: the title, at most 150 characters\"";
        std::fs::write(&file, format!("id: a\n{line}\n")).unwrap();
        let d = Diagnostic::new("content/tasks/a/task.yaml", "placeholder not filled in yet")
            .at(Some(2), Some(8))
            .end_column(Some(line.chars().count() + 1))
            .field("title");
        let out = human(&d, dir.path(), false);
        let carets = "^".repeat(line.len() - 7);
        assert!(out.contains(&format!(" {carets}")), "{out}");
        assert!(!out.contains(&format!("{carets}^")), "{out}");
        let v: serde_json::Value = serde_json::from_str(&json(std::slice::from_ref(&d))).unwrap();
        assert_eq!(v["diagnostics"][0]["end_column"], line.len() + 1);
        let end = format!(",col=8,endColumn={},", line.len() + 1);
        assert!(
            github(&d, dir.path()).contains(&end),
            "{}",
            github(&d, dir.path())
        );
    }

    #[test]
    fn human_without_source_still_names_the_place() {
        let out = human(&diag(), Path::new("/nonexistent"), false);
        assert!(out.contains("content/tasks/a/task.yaml:2:9"), "{out}");
    }

    #[test]
    fn github_annotations_are_escaped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/tasks/a")).unwrap();
        std::fs::write(dir.path().join("content/tasks/a/task.yaml"), "").unwrap();
        std::fs::write(dir.path().join("a,b:c.yaml"), "").unwrap();
        let line = github(&diag(), dir.path());
        assert_eq!(
            line,
            "::error file=content/tasks/a/task.yaml,line=2,col=9,title=status::unknown value `relased`%0Ahint: did you mean `released`?"
        );
        let w = Diagnostic::warning("a,b:c.yaml", "50% done");
        assert_eq!(
            github(&w, dir.path()),
            "::warning file=a%2Cb%3Ac.yaml::50%25 done"
        );
    }

    #[test]
    fn github_names_a_file_outside_the_repository_in_the_message() {
        let d = Diagnostic::new("themes/medal/templates/base.html", "broken link `x/`")
            .at(Some(12), Some(30));
        assert_eq!(
            github(&d, Path::new("/nonexistent")),
            "::error::themes/medal/templates/base.html:12:30: broken link `x/`"
        );
    }

    #[test]
    fn json_is_machine_readable() {
        let v: serde_json::Value = serde_json::from_str(&json(&[diag()])).unwrap();
        assert_eq!(v["errors"], 1);
        assert_eq!(v["diagnostics"][0]["line"], 2);
        assert_eq!(v["diagnostics"][0]["field"], "status");
        assert_eq!(v["diagnostics"][0]["severity"], "error");
    }
}
