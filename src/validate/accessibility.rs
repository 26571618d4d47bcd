//! Rules of data/accessibility.yaml (the facts of the accessibility statement) and of the
//! pages with a `role` (Easy Read, sign language, the statement's free text): the statement's
//! version, dates, contact and enforcement body, a status that agrees with its list of
//! non-accessible content, at most one page per role, and a well-formed video on the
//! sign-language page only.

use super::{Validator, identifiers};
use crate::model::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The version of data/accessibility.yaml this generator reads.
pub const STATEMENT_VERSION: &str = "0.2";

/// The longest answer time the statement may promise: BGG § 12b and BITV 2.0 expect an answer
/// to a report of a barrier within a month.
pub const MAX_RESPONSE_DAYS: u32 = 30;

const FILE: &str = "data/accessibility.yaml";

pub(super) fn check(v: &mut Validator, portal: &Portal) {
    if let Some(s) = &portal.accessibility {
        statement(v, s);
    }
    pages(v, portal);
}

fn statement(v: &mut Validator, s: &AccessibilityStatement) {
    let file = Path::new(FILE);
    if s.schema_version != STATEMENT_VERSION {
        v.error(
            file,
            "schema_version",
            format!(
                "schema_version `{}` of the accessibility statement is not supported",
                s.schema_version
            ),
            format!("write schema_version: \"{STATEMENT_VERSION}\""),
        );
    }
    if s.standard.trim().is_empty() {
        v.error(
            file,
            "standard",
            "the standard is empty",
            "name the standard the site is measured against, e.g. \"WCAG 2.1 AA / EN 301 549 V3.2.1\"",
        );
    }
    match s.status {
        ComplianceStatus::Full if !s.non_accessible.is_empty() => v.warning(
            file,
            "status",
            format!(
                "status `full` but {} non-accessible item(s) are listed",
                s.non_accessible.len()
            ),
            "a fully compliant site has no non-accessible content: set `status: partial`, or remove the list if everything was fixed",
        ),
        ComplianceStatus::Partial | ComplianceStatus::None if s.non_accessible.is_empty() => v
            .error(
                file,
                "status",
                format!(
                    "status `{}` but no non-accessible content is listed",
                    s.status
                ),
                "the statement must say what is not accessible: add `non_accessible:` with `- {what: …, why: non_compliance}` items, or set `status: full`",
            ),
        _ => {}
    }
    for (i, n) in s.non_accessible.iter().enumerate() {
        if n.what.trim().is_empty() {
            v.error(
                file,
                &format!("non_accessible[{i}].what"),
                "the non-accessible item says nothing",
                "describe the content that is not accessible",
            );
        }
    }
    if s.reviewed < s.prepared {
        v.error(
            file,
            "reviewed",
            format!(
                "the statement was reviewed ({}) before it was prepared ({})",
                s.reviewed, s.prepared
            ),
            "`reviewed` is the date of the last review, on or after `prepared`",
        );
    }
    if let Err((message, hint)) = email(&s.feedback.email) {
        v.error(file, "feedback.email", message, hint);
    }
    v.ident(
        file,
        "feedback.url",
        s.feedback.url.as_deref(),
        identifiers::url,
    );
    let days = s.feedback.response_days;
    if days == 0 || days > MAX_RESPONSE_DAYS {
        v.error(
            file,
            "feedback.response_days",
            format!("an answer within {days} days: the answer time must be 1 to {MAX_RESPONSE_DAYS} days"),
            format!("BGG § 12b and BITV 2.0 expect an answer to a reported barrier within a month: write at most {MAX_RESPONSE_DAYS}"),
        );
    }
    if s.enforcement.name.trim().is_empty() {
        v.error(
            file,
            "enforcement.name",
            "the enforcement body has no name",
            "in Germany: Schlichtungsstelle nach dem Behindertengleichstellungsgesetz",
        );
    }
    if let Err((message, hint)) = identifiers::url(&s.enforcement.url) {
        v.error(file, "enforcement.url", message, hint);
    }
}

/// A plausible e-mail address: `local@domain.tld`, no spaces, no `mailto:`.
pub fn email(s: &str) -> identifiers::Check {
    let bad = || {
        Err((
            format!("`{s}` is not an e-mail address"),
            "write the address alone, e.g. accessibility@example.org (no `mailto:`, no name)"
                .to_string(),
        ))
    };
    if s.starts_with("mailto:") || s.chars().any(|c| c.is_whitespace() || "<>,;\"".contains(c)) {
        return bad();
    }
    let Some((local, domain)) = s.split_once('@') else {
        return bad();
    };
    let labels: Vec<&str> = domain.split('.').collect();
    let ok = !local.is_empty()
        && !domain.contains('@')
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if ok { Ok(()) } else { bad() }
}

fn page_file(p: &Doc<PageMeta>) -> PathBuf {
    PathBuf::from("content/pages").join(format!("{}.md", p.id))
}

fn pages(v: &mut Validator, portal: &Portal) {
    // All pages are in the site's language for now; a translation machinery keys this by
    // (language, role).
    let mut first: BTreeMap<PageRole, &Doc<PageMeta>> = BTreeMap::new();
    for p in &portal.pages {
        let file = page_file(p);
        if let Some(role) = p.meta.role {
            if let Some(other) = first.get(&role) {
                v.error(
                    &file,
                    "role",
                    format!(
                        "`role: {role}` is already the role of {}",
                        page_file(other).display()
                    ),
                    "every page's header links to the one page of each role: remove the role from one of them",
                );
            } else {
                first.insert(role, p);
            }
        }
        match (&p.meta.video, p.meta.role) {
            (Some(video), Some(PageRole::SignLanguage)) => check_video(v, &file, video),
            (Some(_), role) => v.error(
                &file,
                "video",
                format!(
                    "a video on a page {}",
                    role.map_or("without a role".to_string(), |r| format!("with `role: {r}`"))
                ),
                "`video` belongs to the sign-language page: add `role: sign_language` or remove `video`",
            ),
            (None, Some(PageRole::SignLanguage)) => v.error(
                &file,
                "role",
                "a sign-language page without a video",
                "add `video: {src: static/video/….webm, duration: \"0:30\", size: \"2 MB\"}` (the file under the portal's static/ folder)",
            ),
            (None, _) => {}
        }
    }
    if portal.accessibility.is_some() && !first.contains_key(&PageRole::Accessibility) {
        v.warning(
            Path::new(FILE),
            "status",
            "no page shows the accessibility statement",
            "add `role: accessibility` to the front matter of the statement's page (e.g. content/pages/accessibility.md)",
        );
    }
    if let Some(p) = first.get(&PageRole::Accessibility)
        && portal.accessibility.is_none()
        && !portal.unreadable.accessibility
    {
        v.warning(
            &page_file(p),
            "role",
            "the accessibility statement has no facts: data/accessibility.yaml is missing",
            "add data/accessibility.yaml (standard, status, non-accessible content, dates, feedback, enforcement): the EU model statement requires them",
        );
    }
}

fn check_video(v: &mut Validator, file: &Path, video: &Video) {
    site_file(
        v,
        file,
        "video.src",
        &video.src,
        &["webm", "mp4"],
        "a video",
    );
    if let Some(p) = &video.poster {
        site_file(
            v,
            file,
            "video.poster",
            p,
            &["png", "jpg", "jpeg", "webp", "svg"],
            "an image",
        );
    }
    if let Some(c) = &video.captions {
        site_file(v, file, "video.captions", c, &["vtt"], "a WebVTT file");
    }
    let d = video.duration.0.trim();
    if !is_duration(d) {
        v.error(
            file,
            "video.duration",
            format!("`{d}` is not a playing time"),
            "write minutes and seconds as M:SS (\"0:08\", \"12:30\") or H:MM:SS, in quotes",
        );
    }
    if !is_size(video.size.0.trim()) {
        v.error(
            file,
            "video.size",
            format!("`{}` is not a file size", video.size.0),
            "write a number and a unit, e.g. \"120 kB\" or \"2.4 MB\"",
        );
    }
}

/// A path of the built site, relative to its root, with one of `exts`. Whether the file
/// exists is the link check's part: it follows `src` and `poster` of every page.
fn site_file(v: &mut Validator, file: &Path, field: &str, path: &str, exts: &[&str], what: &str) {
    let relative = !path.is_empty()
        && !path.starts_with('/')
        && !path.contains("://")
        && !path.contains('\\')
        && !path.contains(':')
        && !path
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..");
    if !relative {
        v.error(
            file,
            field,
            format!("`{path}` is not a file of the site"),
            "write the path from the site's root to a file of the portal's static/ folder, e.g. static/video/welcome.webm (no leading /, no ..)",
        );
        return;
    }
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !exts.contains(&ext.as_str()) {
        v.error(
            file,
            field,
            format!("`{path}` is not {what}"),
            format!("use a file ending in .{}", exts.join(", .")),
        );
    }
}

/// `M:SS`, `MM:SS` or `H:MM:SS`.
fn is_duration(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    let digits = |p: &str, max: usize| {
        !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())
    };
    let sixty = |p: &str| p.len() == 2 && digits(p, 2) && p < "60";
    match parts.as_slice() {
        [m, s] => digits(m, 3) && sixty(s),
        [h, m, s] => digits(h, 2) && sixty(m) && sixty(s),
        _ => false,
    }
}

/// A number and a unit of bytes: `120 kB`, `2.4 MB`.
fn is_size(s: &str) -> bool {
    let Some((n, unit)) = s.split_once(' ') else {
        return false;
    };
    n.parse::<f64>().is_ok_and(|x| x.is_finite() && x > 0.0)
        && ["B", "kB", "KB", "KiB", "MB", "MiB", "GB", "GiB"].contains(&unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(email("medal@example.org").is_ok());
        assert!(email("a.b+c@sub.example.de").is_ok());
        for bad in [
            "medal",
            "medal@",
            "@example.org",
            "medal@example",
            "mailto:medal@example.org",
            "Medal <medal@example.org>",
            "a@b@example.org",
            "medal@example..org",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_and_sizes() {
        for ok in ["0:08", "12:30", "1:02:03", "120:00"] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in ["8", "0:8", "0:60", "1:2:3", "a:bc", "", "0:08 min"] {
            assert!(!is_duration(bad), "{bad}");
        }
        assert!(is_size("120 kB") && is_size("2.4 MB") && is_size("900 B"));
        assert!(!is_size("120kB") && !is_size("big") && !is_size("0 kB") && !is_size("1 mb"));
    }
}
