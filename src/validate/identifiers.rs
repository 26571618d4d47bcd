//! Shape (and, where the scheme has one, checksum) of the identifiers curators write: ORCID,
//! ROR, DOI, ISO 3166-1 country codes, SPDX licence expressions and web URLs.
//!
//! Each check returns `Err((message, hint))` for the diagnostic.

pub type Check = Result<(), (String, String)>;

fn bad(message: String, hint: impl Into<String>) -> Check {
    Err((message, hint.into()))
}

/// `https://orcid.org/XXXX-XXXX-XXXX-XXXX`, the last character an ISO 7064 MOD 11-2 check
/// digit (0-9 or X).
pub fn orcid(s: &str) -> Check {
    let hint = "write the full URL, e.g. https://orcid.org/0000-0002-1825-0097, copied from the person's ORCID record";
    let Some(id) = s.strip_prefix("https://orcid.org/") else {
        return bad(format!("`{s}` is not an ORCID URL"), hint);
    };
    let b = id.as_bytes();
    let shape = b.len() == 19
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 9 | 14 => c == b'-',
            18 => c.is_ascii_digit() || c == b'X',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return bad(
            format!("`{id}` is not an ORCID iD (four groups of four digits)"),
            hint,
        );
    }
    let digits: Vec<u32> = id
        .bytes()
        .filter(|c| c.is_ascii_digit() || *c == b'X')
        .map(|c| if c == b'X' { 10 } else { u32::from(c - b'0') })
        .collect();
    let mut total = 0;
    for d in &digits[..15] {
        total = (total + d) * 2;
    }
    let expected = (12 - total % 11) % 11;
    if digits[15] != expected {
        return bad(
            format!("the ORCID iD `{id}` has a wrong check digit"),
            "the last character is a checksum of the others: a digit is mistyped or swapped; copy the iD from orcid.org",
        );
    }
    Ok(())
}

const CROCKFORD: &str = "0123456789abcdefghjkmnpqrstvwxyz";

/// `https://ror.org/0` + 6 base32 (Crockford) characters + a 2-digit ISO 7064 mod 97-10
/// checksum of the first 7 characters.
pub fn ror(s: &str) -> Check {
    let hint = "write the full URL, e.g. https://ror.org/04cdgtt98, as shown on the organization's ror.org page";
    let Some(id) = s.strip_prefix("https://ror.org/") else {
        return bad(format!("`{s}` is not a ROR URL"), hint);
    };
    let b = id.as_bytes();
    let shape = b.len() == 9
        && b[0] == b'0'
        && b[1..7].iter().all(|&c| CROCKFORD.as_bytes().contains(&c))
        && b[7..].iter().all(u8::is_ascii_digit);
    if !shape {
        return bad(
            format!("`{id}` is not a ROR id (0, six characters, two check digits)"),
            hint,
        );
    }
    let n = id[..7].chars().fold(0u64, |n, c| {
        n * 32 + CROCKFORD.find(c).map_or(0, |i| i as u64)
    });
    let expected = 98 - (n * 100) % 97;
    if id[7..].parse::<u64>().ok() != Some(expected) {
        return bad(
            format!("the ROR id `{id}` has wrong check digits"),
            "the last two digits are a checksum of the others: a character is mistyped; copy the id from ror.org",
        );
    }
    Ok(())
}

/// `10.NNNN/suffix`, bare or as a `https://doi.org/` URL.
pub fn doi(s: &str) -> Check {
    let bare = [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "doi:",
    ]
    .iter()
    .find_map(|p| s.strip_prefix(p))
    .unwrap_or(s);
    let ok = bare
        .strip_prefix("10.")
        .and_then(|r| r.split_once('/'))
        .is_some_and(|(registrant, suffix)| {
            (4..=9).contains(&registrant.split('.').next().map_or(0, str::len))
                && registrant.chars().all(|c| c.is_ascii_digit() || c == '.')
                && !suffix.is_empty()
                && !suffix.chars().any(char::is_whitespace)
        });
    if ok {
        Ok(())
    } else {
        bad(
            format!("`{s}` is not a DOI"),
            "a DOI looks like 10.1038/s41592-023-02151-z (or https://doi.org/10.1038/...)",
        )
    }
}

/// An officially assigned ISO 3166-1 alpha-2 code, in capitals.
pub fn country(s: &str) -> Check {
    if s.len() == 2 && s.bytes().all(|c| c.is_ascii_uppercase()) {
        if isocountry::CountryCode::for_alpha2(s).is_ok() {
            return Ok(());
        }
    } else if let Ok(c) = isocountry::CountryCode::for_alpha2_caseless(s) {
        return bad(
            format!("`{s}` is not an ISO 3166-1 alpha-2 code"),
            format!("write country codes in capitals: `{}`", c.alpha2()),
        );
    }
    bad(
        format!("`{s}` is not an ISO 3166-1 alpha-2 country code"),
        "use the two-letter code, e.g. DE, US, NG, KR (GB for the United Kingdom)",
    )
}

/// An SPDX licence id or expression (`CC-BY-4.0`, `MIT OR Apache-2.0`, `LicenseRef-...`).
pub fn license(s: &str) -> Check {
    match spdx::Expression::parse(s) {
        Ok(_) => Ok(()),
        Err(_) => {
            let hint = match spdx::imprecise_license_id(s) {
                Some((id, _)) => format!("did you mean `{}`? (SPDX ids: https://spdx.org/licenses/)", id.name),
                None => "use an SPDX licence id such as CC-BY-4.0 or Apache-2.0, or an expression like `MIT OR Apache-2.0` (https://spdx.org/licenses/)".into(),
            };
            bad(format!("`{s}` is not an SPDX licence identifier"), hint)
        }
    }
}

/// An absolute http or https URL with a host.
pub fn url(s: &str) -> Check {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    let ok = host.is_some_and(|h| {
        !h.is_empty()
            && (h.contains('.') || h.starts_with("localhost"))
            && !h.starts_with('.')
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.:[]@".contains(c))
    }) && !s.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        bad(
            format!("`{s}` is not a web address"),
            "write an absolute http or https URL, e.g. https://example.org/page",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orcid_check_digit() {
        assert!(orcid("https://orcid.org/0000-0002-1825-0097").is_ok());
        assert!(orcid("https://orcid.org/0000-0001-8356-196X").is_ok());
        let (m, _) = orcid("https://orcid.org/0000-0002-1825-0098").unwrap_err();
        assert!(m.contains("check digit"), "{m}");
        assert!(
            orcid("0000-0002-1825-0097")
                .unwrap_err()
                .0
                .contains("not an ORCID URL")
        );
        assert!(orcid("https://orcid.org/0000-0002-1825").is_err());
    }

    #[test]
    fn ror_checksum() {
        assert!(ror("https://ror.org/04cdgtt98").is_ok(), "DKFZ");
        assert!(ror("https://ror.org/017q7sd72").is_ok());
        assert!(
            ror("https://ror.org/04cdgtt97")
                .unwrap_err()
                .0
                .contains("check digits")
        );
        assert!(
            ror("https://ror.org/04cdgit98")
                .unwrap_err()
                .0
                .contains("not a ROR id")
        );
        assert!(ror("https://ror.org/14cdgtt98").is_err(), "starts with 0");
        assert!(ror("04cdgtt98").unwrap_err().0.contains("not a ROR URL"));
    }

    #[test]
    fn doi_shape() {
        assert!(doi("10.1038/s41592-023-02151-z").is_ok());
        assert!(doi("https://doi.org/10.5281/zenodo.0000101").is_ok());
        assert!(doi("10.0000/example").is_ok());
        assert!(doi("10.12/x").is_err());
        assert!(doi("doi.org/10.1038/x").is_err());
        assert!(doi("10.1038/").is_err());
    }

    #[test]
    fn country_codes() {
        assert!(country("DE").is_ok());
        assert!(country("GB").is_ok());
        assert!(country("UK").is_err(), "not officially assigned");
        assert!(country("XX").is_err());
        assert!(country("de").unwrap_err().1.contains("`DE`"));
        assert!(country("DEU").is_err());
    }

    #[test]
    fn spdx_licences() {
        assert!(license("CC-BY-NC-4.0").is_ok());
        assert!(license("MIT OR Apache-2.0").is_ok());
        assert!(license("LicenseRef-MEDAL-terms").is_ok());
        assert!(license("Apache 2").unwrap_err().1.contains("Apache-2.0"));
        assert!(license("whatever licence").is_err());
    }

    #[test]
    fn url_shape() {
        assert!(url("https://data.example.org/medal/x.zip").is_ok());
        assert!(url("http://example.org").is_ok());
        assert!(url("ftp://example.org/x").is_err());
        assert!(url("example.org/x").is_err());
        assert!(url("https://exa mple.org").is_err());
        assert!(url("https:///x").is_err());
    }
}
