//! Site settings from `medal.toml`. A root without the file builds with the defaults.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute URL of the site root, e.g. `https://org.github.io/medal/`.
    pub base_url: String,
    pub language: String,
    /// Theme folder under `themes/`; the default theme is also built into the binary.
    pub theme: String,
    /// Shown on every page when set (the bundled demo portal says it is illustrative).
    pub demo_notice: Option<String>,
    pub funder: Option<String>,
    /// The DOI that always resolves to the newest release's archive (Zenodo's "concept DOI").
    pub concept_doi: Option<String>,
    pub contact: Contact,
    /// The other languages (`[languages.de]`): each gets the whole site under `/<code>/`.
    pub languages: std::collections::BTreeMap<String, LanguageOverrides>,
    /// Main navigation. Empty: a default menu of the portal's sections.
    pub nav: Vec<NavItem>,
    pub build: BuildOptions,
    pub check: CheckOptions,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Contact {
    pub organization: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
}

/// What a language changes of the site settings (`[languages.<code>]`); unset keys keep the
/// default language's.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LanguageOverrides {
    pub title: Option<String>,
    pub description: Option<String>,
    pub demo_notice: Option<String>,
    pub funder: Option<String>,
    pub contact: Option<Contact>,
}

/// One language of the site: its code, the URL prefix of its pages ("" for the default
/// language, "de/" for German) and the settings as that language sees them.
#[derive(Debug, Clone)]
pub struct Language {
    pub code: String,
    pub prefix: String,
    pub config: Config,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NavItem {
    pub name: String,
    /// Relative to the base URL, e.g. `tasks/`.
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildOptions {
    pub minify: bool,
    /// How many released tasks the home page features.
    pub featured_tasks: usize,
    /// How many news posts the home page shows.
    pub latest_news: usize,
    /// The ranking cache, relative to the portal root (keep it out of git).
    pub cache_dir: PathBuf,
}

/// Limits on what the loader accepts (`[check]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckOptions {
    /// Content files larger than this are refused with a diagnostic.
    pub max_file_bytes: u64,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            max_file_bytes: crate::hostile::DEFAULT_MAX_FILE_BYTES,
        }
    }
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            minify: true,
            featured_tasks: 6,
            latest_news: 3,
            cache_dir: PathBuf::from(".medal-cache"),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "MEDAL".into(),
            description: "Medical Imaging AGI's Last Exam: the clinical imaging questions that \
                          matter most to patients, and how well AI answers them."
                .into(),
            base_url: "http://127.0.0.1:8000/".into(),
            language: "en".into(),
            theme: "medal".into(),
            demo_notice: None,
            funder: None,
            concept_doi: None,
            contact: Contact::default(),
            languages: Default::default(),
            nav: Vec::new(),
            build: BuildOptions::default(),
            check: CheckOptions::default(),
        }
    }
}

impl Config {
    /// Reads `medal.toml` under `root`, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join("medal.toml");
        if !path.exists() {
            return Ok(Config::default().normalized());
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        Config::parse(&text)
            .and_then(|c| {
                check_base_url(&c.base_url).map_err(|m| format!("base_url: {m}"))?;
                for code in c.languages.keys() {
                    check_language_code(code).map_err(|m| format!("languages.{code}: {m}"))?;
                }
                if let Some(d) = &c.concept_doi
                    && let Err((m, hint)) = crate::validate::identifiers::doi(d)
                {
                    return Err(format!("concept_doi: {m}; {hint}"));
                }
                Ok(c)
            })
            .map(Config::normalized)
            .map_err(|message| Error::Config {
                path: path.clone(),
                message,
            })
    }

    pub fn parse(text: &str) -> std::result::Result<Config, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// `base_url` always ends in `/`, so `base_url + url` is always right.
    pub fn normalized(mut self) -> Config {
        if !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
        if self.nav.is_empty() {
            self.nav = default_nav();
        }
        self
    }

    /// Every language of the site, the default language first, then the others by code.
    pub fn site_languages(&self) -> Vec<Language> {
        let mut out = vec![Language {
            code: self.language.clone(),
            prefix: String::new(),
            config: self.clone(),
        }];
        for (code, o) in &self.languages {
            if *code == self.language {
                continue;
            }
            let mut c = self.clone();
            c.language = code.clone();
            if let Some(v) = &o.title {
                c.title = v.clone();
            }
            if let Some(v) = &o.description {
                c.description = v.clone();
            }
            if o.demo_notice.is_some() {
                c.demo_notice = o.demo_notice.clone();
            }
            if o.funder.is_some() {
                c.funder = o.funder.clone();
            }
            if let Some(v) = &o.contact {
                c.contact = v.clone();
            }
            out.push(Language {
                code: code.clone(),
                prefix: format!("{code}/"),
                config: c,
            });
        }
        out
    }

    /// The URL prefixes of the languages other than the default ("de/").
    pub fn other_prefixes(&self) -> Vec<String> {
        self.site_languages()
            .into_iter()
            .skip(1)
            .map(|l| l.prefix)
            .collect()
    }

    /// The languages for the search index: "en", or "en,de" with the default first.
    pub fn search_languages(&self) -> String {
        self.site_languages()
            .iter()
            .map(|l| l.code.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The loader's limits, from `[check]`.
    pub fn limits(&self) -> crate::hostile::Limits {
        crate::hostile::Limits {
            max_file_bytes: self.check.max_file_bytes,
        }
    }

    /// The path part of `base_url` ("/" or "/medal/"): every link on a page starts with it.
    pub fn base_path(&self) -> String {
        let after_scheme = self
            .base_url
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or(&self.base_url);
        match after_scheme.find('/') {
            Some(i) => after_scheme[i..].to_string(),
            None => "/".to_string(),
        }
    }
}

/// Every page link, feed and download URL starts with the base URL, so one that is not an
/// absolute http(s) URL would break every link of the site: it is refused up front as one
/// configuration error instead.
pub fn check_base_url(url: &str) -> std::result::Result<(), String> {
    let rest = url
        .split_once("://")
        .filter(|(scheme, _)| {
            scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
        })
        .map(|(_, rest)| rest);
    let host = rest.map(|r| r.split('/').next().unwrap_or(""));
    let problem = match (rest, host) {
        (None, _) => Some("it needs `https://` or `http://` in front"),
        (_, Some("")) => Some("it has no host"),
        _ if url
            .chars()
            .any(|c| c.is_whitespace() || c == '?' || c == '#') =>
        {
            Some("it may not contain spaces, `?` or `#`")
        }
        _ => None,
    };
    match problem {
        None => Ok(()),
        Some(why) => {
            let bare = url.split_once("://").map_or(url, |(_, r)| r).trim();
            Err(format!(
                "`{url}` is not an absolute http(s) URL ({why}); write the site's full address, e.g. `https://{}`",
                if bare.is_empty() || bare.starts_with('/') {
                    "org.github.io/medal/"
                } else {
                    bare
                }
            ))
        }
    }
}

/// An ISO 639-1 code: two lower-case letters. It becomes a URL segment (`/de/`), so nothing
/// else is accepted.
pub fn check_language_code(code: &str) -> std::result::Result<(), String> {
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(())
    } else {
        Err(format!(
            "`{code}` is not an ISO 639-1 language code: write two lower-case letters, e.g. `de`"
        ))
    }
}

pub(crate) fn default_nav() -> Vec<NavItem> {
    [
        ("Tasks", "tasks/"),
        ("Rankings", "rankings/"),
        ("Systems", "systems/"),
        ("Reports", "reports/"),
        ("News", "news/"),
        ("About", "about/"),
    ]
    .into_iter()
    .map(|(name, url)| NavItem {
        name: name.into(),
        url: url.into(),
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_of_sub_path_site() {
        let c = Config {
            base_url: "https://org.github.io/medal".into(),
            ..Config::default()
        }
        .normalized();
        assert_eq!(c.base_url, "https://org.github.io/medal/");
        assert_eq!(c.base_path(), "/medal/");
    }

    #[test]
    fn max_file_bytes_is_configurable() {
        assert_eq!(
            Config::default().check.max_file_bytes,
            crate::hostile::DEFAULT_MAX_FILE_BYTES
        );
        let c = Config::parse("[check]\nmax_file_bytes = 1024\n").unwrap();
        assert_eq!(c.check.max_file_bytes, 1024);
    }

    #[test]
    fn base_url_must_be_absolute_http() {
        for good in [
            "https://org.github.io/medal/",
            "http://127.0.0.1:8000",
            "HTTPS://example.org",
        ] {
            assert!(check_base_url(good).is_ok(), "{good}");
        }
        for bad in [
            "example.org/medal/",
            "ftp://example.org/",
            "https://",
            "/medal/",
            "",
            "https://example.org/a b/",
        ] {
            let err = check_base_url(bad).unwrap_err();
            assert!(err.contains("absolute http(s) URL"), "{bad}: {err}");
        }
        assert!(
            check_base_url("example.org/medal/")
                .unwrap_err()
                .contains("https://example.org/medal/")
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("medal.toml"),
            "base_url = \"example.org/medal/\"\n",
        )
        .unwrap();
        let err = Config::load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("medal.toml: base_url: `example.org/medal/`"),
            "{err}"
        );
    }

    #[test]
    fn unknown_setting_is_an_error() {
        let err = Config::parse("titel = \"x\"").unwrap_err();
        assert!(err.contains("titel"), "{err}");
    }
}
