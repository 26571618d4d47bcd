//! "Cite this task": BibTeX and CITATION.cff text per task, and a citation of the portal's
//! release. Dates come from content (the task's last status change, the site's `as_of`), so
//! the same input gives the same citation.

use crate::model::*;

/// BibTeX's special characters in a braced value: a title with `{`, `%` or `&` still compiles.
pub fn bib_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A `@misc` entry. Authors are written in braces, so names keep their order and particles.
#[allow(clippy::too_many_arguments)]
pub fn bibtex_misc(
    key: &str,
    title: &str,
    authors: &[&str],
    date: &Date,
    version: &str,
    doi: Option<&str>,
    url: &str,
    publisher: Option<&str>,
) -> String {
    let mut lines = vec![format!("@misc{{{key},")];
    lines.push(format!("  title = {{{}}},", bib_escape(title)));
    if !authors.is_empty() {
        let a: Vec<String> = authors
            .iter()
            .map(|n| format!("{{{}}}", bib_escape(n)))
            .collect();
        lines.push(format!("  author = {{{}}},", a.join(" and ")));
    }
    lines.push(format!("  year = {{{}}},", &date.as_str()[..4]));
    lines.push(format!("  month = {{{}}},", month(date)));
    lines.push(format!("  version = {{{}}},", bib_escape(version)));
    if let Some(p) = publisher {
        lines.push(format!("  publisher = {{{}}},", bib_escape(p)));
    }
    if let Some(d) = doi {
        let bare = d
            .trim_start_matches("https://doi.org/")
            .trim_start_matches("http://doi.org/")
            .trim_start_matches("doi:");
        lines.push(format!("  doi = {{{}}},", bib_escape(bare)));
    }
    lines.push(format!("  url = {{{url}}}"));
    lines.push("}".into());
    lines.join("\n")
}

fn month(d: &Date) -> &'static str {
    const M: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let m: usize = d.as_str()[5..7].parse().unwrap_or(1);
    M[(m.max(1) - 1).min(11)]
}

/// The date a task's current definition dates from: its last status change, else submission.
fn task_date(t: &Task) -> &Date {
    t.history
        .iter()
        .map(|h| &h.date)
        .max()
        .unwrap_or(&t.submitted)
}

/// A YAML scalar that is always a string (JSON strings are valid YAML).
fn y(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

pub struct TaskCitation {
    pub bibtex: String,
    pub cff: String,
    /// One line for people: "Authors (year). Title. MEDAL, version x. URL".
    pub text: String,
}

pub fn task(t: &Task, site_title: &str, base_url: &str) -> TaskCitation {
    let url = format!("{base_url}tasks/{}/", t.id);
    let date = task_date(t);
    let authors: Vec<&str> = t.contributors.iter().map(|c| c.name.as_str()).collect();
    let bibtex = bibtex_misc(
        &format!("medal-{}", t.id),
        &format!("{}: {}", site_title, t.title),
        &authors,
        date,
        &t.version.0,
        None,
        &url,
        Some(site_title),
    );
    let mut cff = vec![
        "cff-version: 1.2.0".to_string(),
        "message: \"If you use this task, please cite it as below.\"".into(),
        "type: dataset".into(),
        format!("title: {}", y(&format!("{site_title}: {}", t.title))),
        format!("version: {}", y(&t.version.0)),
        format!("date-released: {}", y(date.as_str())),
        format!("url: {}", y(&url)),
        format!("license: {}", y(&t.governance.license)),
        "authors:".into(),
    ];
    for c in &t.contributors {
        cff.push(format!("  - name: {}", y(&c.name)));
        if let Some(o) = &c.orcid {
            cff.push(format!("    orcid: {}", y(o)));
        }
        if let Some(a) = &c.affiliation {
            cff.push(format!("    affiliation: {}", y(a)));
        }
        if let Some(ct) = &c.country {
            cff.push(format!("    country: {}", y(ct)));
        }
    }
    if !t.keywords.is_empty() {
        cff.push("keywords:".into());
        cff.extend(t.keywords.iter().map(|k| format!("  - {}", y(k))));
    }
    let names = match authors.len() {
        0 => String::new(),
        1..=3 => format!("{}. ", authors.join(", ")),
        _ => format!("{} et al. ", authors[0]),
    };
    let text = format!(
        "{names}({}). {}. {site_title}, task version {}. {url}",
        &date.as_str()[..4],
        t.title,
        t.version.0
    );
    TaskCitation {
        bibtex,
        cff: cff.join("\n") + "\n",
        text,
    }
}

/// The portal's release: its content as of the newest dated content.
pub fn portal(
    site_title: &str,
    organization: Option<&str>,
    as_of: Option<&Date>,
    base_url: &str,
) -> Option<TaskCitation> {
    let date = as_of?;
    let authors: Vec<&str> = organization.into_iter().collect();
    let title = format!("{site_title}: Medical Imaging AGI's Last Exam (portal release of {date})");
    let bibtex = bibtex_misc(
        "medal-portal",
        &title,
        &authors,
        date,
        date.as_str(),
        None,
        base_url,
        organization,
    );
    let mut cff = vec![
        "cff-version: 1.2.0".to_string(),
        "message: \"If you use MEDAL's tasks or rankings, please cite the portal release.\"".into(),
        "type: dataset".into(),
        format!("title: {}", y(&title)),
        format!("version: {}", y(date.as_str())),
        format!("date-released: {}", y(date.as_str())),
        format!("url: {}", y(base_url)),
        "authors:".into(),
    ];
    for a in &authors {
        cff.push(format!("  - name: {}", y(a)));
    }
    let text = format!(
        "{}({}). {title}. {base_url}",
        authors
            .first()
            .map(|a| format!("{a}. "))
            .unwrap_or_default(),
        &date.as_str()[..4]
    );
    Some(TaskCitation {
        bibtex,
        cff: cff.join("\n") + "\n",
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bibtex_escapes_specials_and_keeps_names_whole() {
        let d = Date::parse("2026-05-14").unwrap();
        let b = bibtex_misc(
            "k",
            "50% {of} R&D_x",
            &["Baek Hyun-woo", "Léa Marchand"],
            &d,
            "1.0.0",
            Some("https://doi.org/10.1/x"),
            "https://e.org/",
            None,
        );
        assert!(b.contains("title = {50\\% \\{of\\} R\\&D\\_x},"), "{b}");
        assert!(b.contains("author = {{Baek Hyun-woo} and {Léa Marchand}},"));
        assert!(b.contains("year = {2026},") && b.contains("month = {may},"));
        assert!(b.contains("doi = {10.1/x},"));
        assert!(b.starts_with("@misc{k,") && b.ends_with('}'));
    }
}
