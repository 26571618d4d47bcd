//! "Did you mean": the closest allowed value for a mistyped enum value or field name.

/// The allowed value closest to `got`, if one is close enough to be a likely typo.
pub fn closest<'a>(got: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let got_l = got.to_lowercase();
    allowed
        .iter()
        .map(|&a| {
            let a_l = a.to_lowercase();
            let jw = strsim::jaro_winkler(&got_l, &a_l);
            let dl = strsim::damerau_levenshtein(&got_l, &a_l);
            (a, jw, dl)
        })
        .filter(|&(a, jw, dl)| jw >= 0.85 || dl <= (a.chars().count() / 4).max(1))
        .max_by(|x, y| x.1.total_cmp(&y.1).then(y.2.cmp(&x.2)))
        .map(|(a, _, _)| a)
}

/// The backticked words of a serde message, in order.
fn backticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

/// Rewrites serde's "unknown variant `x`, expected one of `a`, `b`" and "unknown field `x`,
/// expected one of ..." into a short message and a hint that names the closest allowed value.
/// `field` is the field path of the diagnostic. `None` for other messages.
pub fn unknown_value(message: &str, field: Option<&str>) -> Option<(String, String)> {
    let (kind, rest) = if let Some(r) = message.strip_prefix("unknown variant ") {
        ("variant", r)
    } else if let Some(r) = message.strip_prefix("unknown field ") {
        ("field", r)
    } else {
        return None;
    };
    let words = backticked(rest);
    let (&got, allowed) = words.split_first()?;
    let name = field
        .and_then(|f| f.rsplit('.').next())
        .map(|f| f.split('[').next().unwrap_or(f))
        .filter(|f| !f.is_empty() && *f != got);
    let message = match (kind, name) {
        ("variant", Some(n)) => format!("unknown value `{got}` for {n}"),
        ("variant", None) => format!("unknown value `{got}`"),
        _ => format!("unknown field `{got}`"),
    };
    let list = allowed.join(", ");
    let hint = match (closest(got, allowed), allowed.is_empty()) {
        (_, true) => "this section takes no fields here: check the indentation".to_string(),
        (Some(best), false) => format!("did you mean `{best}`? allowed: {list}"),
        (None, false) if kind == "field" => format!(
            "field names are fixed by the content format (docs/content-format.md); allowed here: {list}"
        ),
        (None, false) => format!("allowed: {list}"),
    };
    Some((message, hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_values() {
        let status = [
            "proposed",
            "under_review",
            "revise_and_resubmit",
            "selected",
            "rejected",
            "released",
            "retired",
        ];
        assert_eq!(closest("relased", &status), Some("released"));
        assert_eq!(closest("underreview", &status), Some("under_review"));
        assert_eq!(closest("Selected", &status), Some("selected"));
        assert_eq!(closest("banana", &status), None);
        assert_eq!(
            closest("knd", &["id", "name", "kind", "access"]),
            Some("kind")
        );
    }

    #[test]
    fn rewrites_serde_messages() {
        let (m, h) = unknown_value(
            "unknown variant `relased`, expected one of `proposed`, `under_review`, `released`",
            Some("status"),
        )
        .unwrap();
        assert_eq!(m, "unknown value `relased` for status");
        assert_eq!(
            h,
            "did you mean `released`? allowed: proposed, under_review, released"
        );
        let (m, h) = unknown_value(
            "unknown field `titel`, expected one of `schema_version`, `id`, `title`",
            Some("titel"),
        )
        .unwrap();
        assert_eq!(m, "unknown field `titel`");
        assert!(h.starts_with("did you mean `title`?"), "{h}");
        let (m, _) = unknown_value(
            "unknown variant `robot`, expected `clinician` or `other`",
            Some("panel[1].role"),
        )
        .unwrap();
        assert_eq!(m, "unknown value `robot` for role");
        assert!(unknown_value("missing field `id`", None).is_none());
    }
}
