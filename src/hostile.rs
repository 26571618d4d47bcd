//! Defences against hostile or broken input, used by the loader ([`crate::load`]).
//!
//! Contributor files are untrusted. Before a file is parsed into the domain types it is
//! - read only if it lies inside the portal root (a link pointing elsewhere is refused), is a
//!   regular file (a FIFO would hang the build), is at most `[check] max_file_bytes` long and
//!   is UTF-8 text;
//! - scanned as a generic YAML or JSON tree: duplicate keys, nesting deeper than
//!   [`MAX_DEPTH`], numbers that are not finite (`.nan`, `.inf`) and link fields
//!   (`url`, `*_url`, `orcid`, `ror`, `doi`) whose scheme is not http, https or mailto
//!   (`javascript:`, `data:`, `vbscript:`) are refused with a located diagnostic.
//!
//! A build with a cache remembers the texts that passed a scan (`_scanned.bin`, by a hash of
//! this module's code and the text), so an unchanged file is scanned once; failures are never
//! remembered.
//!
//! Everything else a contributor can write is neutralised at render time: Markdown goes through
//! ammonia ([`crate::markdown`]) and plain strings are escaped by Tera; content is never
//! rendered as a template, so `{{ 7*7 }}` prints as written.

use crate::error::Diagnostic;
use crate::store::lock;
use serde::de::{self, DeserializeSeed, IgnoredAny, Visitor};
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::{LazyLock, Mutex};

/// The default of `[check] max_file_bytes`: far above any real content file.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The deepest nesting of mappings and lists accepted in YAML and JSON (the formats need 6).
pub const MAX_DEPTH: usize = 32;

/// Limits the loader applies to every file.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// Refuses `path` (a file or folder) unless it resolves to a place inside `root`: content and
/// data may not be links to files elsewhere on the machine.
pub fn confine(root: &Path, path: &Path, shown: &Path) -> Result<(), Diagnostic> {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match path.canonicalize() {
        Ok(p) if p.starts_with(&canonical_root) => Ok(()),
        Ok(_) => Err(Diagnostic::new(
            shown,
            "refusing a link that points outside the portal root",
        )
        .hint("content and data must live in the repository: copy the file instead of linking to it")),
        Err(e) => Err(Diagnostic::new(shown, format!("cannot be read: {e}"))
            .hint("a link whose target is missing, or a file without read permission")),
    }
}

/// Reads a content file: inside the root, a regular file, within the size limit, UTF-8.
pub fn read_file(
    root: &Path,
    path: &Path,
    shown: &Path,
    limits: &Limits,
) -> Result<String, Diagnostic> {
    confine(root, path, shown)?;
    let unreadable = |e: std::io::Error| {
        Diagnostic::new(shown, format!("cannot be read: {e}")).hint("check the file's permissions")
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(Diagnostic::new(shown, "not a regular file")
            .hint("content files are plain text files; remove the device, pipe or socket"));
    }
    if meta.len() > limits.max_file_bytes {
        return Err(too_big(shown, meta.len(), limits));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limits.max_file_bytes + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_big(shown, bytes.len() as u64, limits));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        let byte = e.as_bytes().get(valid.len()).copied().unwrap_or(0);
        Diagnostic::new(
            shown,
            format!("the file is not UTF-8 text (byte 0x{byte:02X} is not valid UTF-8)"),
        )
        .at(Some(line), Some(column))
        .hint("save the file with the UTF-8 encoding (not Latin-1 or UTF-16)")
    })
}

fn too_big(shown: &Path, len: u64, limits: &Limits) -> Diagnostic {
    Diagnostic::new(
        shown,
        format!(
            "the file has {len} bytes, more than the limit of {} bytes",
            limits.max_file_bytes
        ),
    )
    .hint("content files are small text files; raise `[check] max_file_bytes` in medal.toml if this one really must be this big")
}

/// The scheme of a URL as a browser reads it (tabs and newlines removed, leading controls and
/// spaces trimmed, lower-cased), or `None` for a relative URL.
pub fn url_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let t = cleaned.trim_start_matches(|c: char| c <= ' ');
    let (scheme, _) = t.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// A link a page may carry: http, https, mailto, or relative.
pub fn is_safe_url(url: &str) -> bool {
    match url_scheme(url) {
        None => true,
        Some(s) => matches!(s.as_str(), "http" | "https" | "mailto"),
    }
}

/// Fields whose value the theme turns into a link.
fn is_link_field(key: &str) -> bool {
    matches!(key, "url" | "orcid" | "ror" | "doi") || key.ends_with("_url")
}

/// Second line of defence, for page contexts: link fields with an unsafe scheme become null,
/// so no template (a custom theme included) can turn them into a `javascript:` link. The
/// loader has already refused such content; this guards against any other way in.
pub fn scrub_links(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if let serde_json::Value::String(s) = v {
                    if is_link_field(key) && !is_safe_url(s) {
                        *v = serde_json::Value::Null;
                    }
                } else {
                    scrub_links(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(scrub_links),
        _ => {}
    }
}

/// A problem the scan found, with the field path where it was found.
#[derive(Debug)]
struct Found {
    path: String,
    message: String,
    hint: &'static str,
    /// For a duplicate key: the key, to find the line of its second occurrence.
    duplicate: Option<String>,
}

type Slot = RefCell<Option<Found>>;

/// What decides a scan's verdict besides the text: this module's code and serde_yaml's and
/// serde_json's versions.
const SCAN_CODE: &[&str] = &[
    env!("CARGO_PKG_VERSION"),
    include_str!("hostile.rs"),
    include_str!("../Cargo.lock"),
];

static SCAN_SEED: LazyLock<blake3::Hasher> = LazyLock::new(|| crate::store::hasher(SCAN_CODE));

/// Texts that passed a scan, by the hash of the code, the format and the text: those loaded
/// from an earlier build and those that passed in this one. `None` until [`load_passed`]: only
/// a build with a cache remembers.
static PASSED: Mutex<Option<Passed>> = Mutex::new(None);

#[derive(Default)]
struct Passed {
    before: HashSet<[u8; 32]>,
    now: HashSet<[u8; 32]>,
}

/// Runs `scan` unless the same text passed it in this or the last build: a warm build
/// otherwise parses every file twice (once here, once typed).
fn remembered(
    format: u8,
    text: &str,
    scan: impl FnOnce() -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    if lock(&PASSED).is_none() {
        return scan();
    }
    let key = scan_key(format, text);
    let known = lock(&PASSED)
        .as_ref()
        .is_some_and(|p| p.before.contains(&key) || p.now.contains(&key));
    if !known {
        scan()?;
    }
    if let Some(p) = lock(&PASSED).as_mut() {
        p.now.insert(key);
    }
    Ok(())
}

fn scan_key(format: u8, text: &str) -> [u8; 32] {
    let mut h = SCAN_SEED.clone();
    h.update(&[format]);
    h.update(text.as_bytes());
    *h.finalize().as_bytes()
}

/// Starts remembering passed scans, with those [`save_passed`] wrote to `path` (a missing or
/// unreadable file only means scanning again).
pub fn load_passed(path: &Path) {
    let before = std::fs::read(path)
        .ok()
        .and_then(|b| postcard::from_bytes::<Vec<[u8; 32]>>(&b).ok())
        .unwrap_or_default();
    *lock(&PASSED) = Some(Passed {
        before: before.into_iter().collect(),
        now: HashSet::new(),
    });
}

/// Saves the texts that passed in this build to `path` (when they differ from the loaded
/// ones) and stops remembering.
pub fn save_passed(path: &Path) {
    let Some(p) = lock(&PASSED).take() else {
        return;
    };
    if p.now == p.before {
        return;
    }
    let mut keys: Vec<[u8; 32]> = p.now.into_iter().collect();
    keys.sort_unstable();
    if let Ok(bytes) = postcard::to_stdvec(&keys) {
        crate::store::write_atomically(path, &bytes);
    }
}

/// Scans YAML text (`line_offset` lines into its file) for the problems listed in the module
/// documentation. Syntax errors are left to the typed parse, which reports them with the
/// field path; only alias bombs and too deep nesting are reported here.
pub fn scan_yaml(file: &Path, text: &str, line_offset: usize) -> Result<(), Diagnostic> {
    remembered(b'y', text, || scan_yaml_uncached(file, text, line_offset))
}

fn scan_yaml_uncached(file: &Path, text: &str, line_offset: usize) -> Result<(), Diagnostic> {
    let slot = Slot::default();
    let de = serde_yaml::Deserializer::from_str(text);
    let Err(err) = Node::root(&slot).deserialize(de) else {
        return Ok(());
    };
    let err_at = err.location().map(|l| (l.line(), l.column()));
    match slot.into_inner() {
        Some(found) => {
            let at = match &found.duplicate {
                Some(key) => second_key_line(text, key, "").map(|l| (l, 1)),
                None => crate::locate::locate(text, &found.path),
            }
            .or(err_at);
            Err(diagnostic(file, found, at, line_offset))
        }
        None => {
            let msg = err.to_string();
            if msg.contains("repetition limit") || msg.contains("recursion limit") {
                let (line, col) =
                    err_at.map_or((None, None), |(l, c)| (Some(l + line_offset), Some(c)));
                Err(Diagnostic::new(file, strip_at(&msg))
                    .at(line, col)
                    .hint("YAML aliases (`*name`) that expand to a huge document, or nesting too deep to be content, are refused"))
            } else {
                Ok(())
            }
        }
    }
}

/// Scans JSON text like [`scan_yaml`]. serde_json already refuses `NaN`, `Infinity` and
/// out-of-range numbers such as `1e999`; syntax errors are left to the typed parse.
pub fn scan_json(file: &Path, text: &str) -> Result<(), Diagnostic> {
    remembered(b'j', text, || scan_json_uncached(file, text))
}

fn scan_json_uncached(file: &Path, text: &str) -> Result<(), Diagnostic> {
    let slot = Slot::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let Err(err) = Node::root(&slot).deserialize(&mut de) else {
        return Ok(());
    };
    match slot.into_inner() {
        Some(found) => {
            let at = match &found.duplicate {
                Some(key) => second_key_line(text, key, "\"").map(|l| (l, 1)),
                None => None,
            }
            .or(Some((err.line(), err.column())));
            Err(diagnostic(file, found, at, 0))
        }
        None => Ok(()),
    }
}

fn diagnostic(
    file: &Path,
    found: Found,
    at: Option<(usize, usize)>,
    line_offset: usize,
) -> Diagnostic {
    let (line, col) = at.map_or((None, None), |(l, c)| (Some(l + line_offset), Some(c)));
    let mut d = Diagnostic::new(file, found.message)
        .at(line, col)
        .hint(found.hint);
    if !found.path.is_empty() {
        d = d.field(found.path);
    }
    d
}

fn strip_at(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// The 1-based line where `key` (quoted with `quote`) starts a line the second time.
fn second_key_line(text: &str, key: &str, quote: &str) -> Option<usize> {
    let needle = format!("{quote}{key}{quote}:");
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start().trim_start_matches("- ").trim_start();
            t.starts_with(&needle)
                || t.starts_with(&format!("{{{needle}"))
                || l.contains(&format!(", {needle}"))
        })
        .nth(1)
        .map(|(i, _)| i + 1)
}

/// One node of the tree being scanned.
struct Node<'s> {
    slot: &'s Slot,
    path: String,
    key: String,
    depth: usize,
}

impl<'s> Node<'s> {
    fn root(slot: &'s Slot) -> Self {
        Node {
            slot,
            path: String::new(),
            key: String::new(),
            depth: 0,
        }
    }

    fn child_key(&self, key: &str) -> Node<'s> {
        let path = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        };
        Node {
            slot: self.slot,
            path,
            key: key.to_string(),
            depth: self.depth + 1,
        }
    }

    fn child_index(&self, i: usize) -> Node<'s> {
        Node {
            slot: self.slot,
            path: format!("{}[{i}]", self.path),
            key: self.key.clone(),
            depth: self.depth + 1,
        }
    }

    fn fail<E: de::Error>(&self, message: String, hint: &'static str) -> E {
        self.fail_dup(message, hint, None)
    }

    fn fail_dup<E: de::Error>(
        &self,
        message: String,
        hint: &'static str,
        duplicate: Option<String>,
    ) -> E {
        let e = E::custom(&message);
        *self.slot.borrow_mut() = Some(Found {
            path: self.path.clone(),
            message,
            hint,
            duplicate,
        });
        e
    }

    fn check_depth<E: de::Error>(&self) -> Result<(), E> {
        if self.depth >= MAX_DEPTH {
            return Err(self.fail(
                format!("nested deeper than {MAX_DEPTH} levels"),
                "content files are shallow: check the indentation, or remove the generated nesting",
            ));
        }
        Ok(())
    }

    fn string<E: de::Error>(&self, v: &str) -> Result<(), E> {
        if is_link_field(&self.key) && !is_safe_url(v) {
            let scheme = url_scheme(v).unwrap_or_default();
            return Err(self.fail(
                format!("`{scheme}:` links are not allowed"),
                "link fields take http://, https:// or mailto: URLs (or a path relative to the site)",
            ));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i128<E>(self, _: i128) -> Result<(), E> {
        Ok(())
    }
    fn visit_u128<E>(self, _: u128) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        if v.is_finite() {
            Ok(())
        } else {
            Err(self.fail(
                format!("`{v}` is not a finite number"),
                "numbers must be finite: write a real value, or leave the field out (or null) when it is missing",
            ))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.string(v)
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.check_depth()?;
        let mut i = 0;
        while seq.next_element_seed(self.child_index(i))?.is_some() {
            i += 1;
        }
        Ok(())
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.check_depth()?;
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key_seed(Key)? {
            let child = self.child_key(&key);
            if !seen.insert(key.clone()) {
                return Err(child.fail_dup(
                    format!("the key `{key}` appears twice"),
                    "a key may appear once per mapping: remove or merge the second one",
                    Some(key),
                ));
            }
            map.next_value_seed(child)?;
        }
        Ok(())
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A YAML tag (`!tag value`): scan the value.
        let (_, variant) = data.variant::<IgnoredAny>()?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }
}

/// A mapping key as text (keys are strings in the formats; others are shown as written).
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = String;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".into())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok("[…]".into())
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok("{…}".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_passed_scans_are_remembered_and_saved() {
        let dir = tempfile::tempdir().expect("tempdir");
        let saved = dir.path().join("scanned.bin");
        let good = "title: remembered\n";
        let bad = "a: 1\na: 2\n";
        let keys = || -> Vec<[u8; 32]> {
            postcard::from_bytes(&std::fs::read(&saved).expect("saved")).expect("keys")
        };
        load_passed(&saved);
        assert!(scan_yaml(Path::new("f.yaml"), good, 0).is_ok());
        assert!(scan_yaml(Path::new("f.yaml"), bad, 0).is_err());
        save_passed(&saved);
        assert!(keys().contains(&scan_key(b'y', good)));
        assert!(!keys().contains(&scan_key(b'y', bad)));
        // Remembered or not, a bad text is refused with its diagnostic every time.
        load_passed(&saved);
        assert!(scan_yaml(Path::new("f.yaml"), bad, 0).is_err());
        assert!(scan_yaml(Path::new("f.yaml"), good, 0).is_ok());
        save_passed(&saved);
        assert!(keys().contains(&scan_key(b'y', good)));
        // The JSON scan is another key.
        assert!(!keys().contains(&scan_key(b'j', good)));
    }

    #[test]
    fn url_schemes_as_a_browser_reads_them() {
        for ok in [
            "https://x.org",
            "http://x.org",
            "mailto:a@b.org",
            "../tasks/",
            "10.1000/x",
            "//cdn.example/x",
            "a/b:c",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:x",
            "data:text/html,<script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
        ] {
            assert!(!is_safe_url(bad), "{bad:?}");
        }
    }

    #[test]
    fn page_contexts_lose_unsafe_links() {
        let mut v = serde_json::json!({
            "refs": [{"url": "javascript:alert(1)", "title": "javascript:x"}],
            "system": {"code_url": " DATA:text/html,x", "url": "systems/s1/"},
            "orcid": "https://orcid.org/0000-0002-1825-0097"
        });
        scrub_links(&mut v);
        assert_eq!(v["refs"][0]["url"], serde_json::Value::Null);
        assert_eq!(v["refs"][0]["title"], "javascript:x", "text is not a link");
        assert_eq!(v["system"]["code_url"], serde_json::Value::Null);
        assert_eq!(v["system"]["url"], "systems/s1/");
        assert_eq!(v["orcid"], "https://orcid.org/0000-0002-1825-0097");
    }

    fn y(text: &str) -> Result<(), Diagnostic> {
        scan_yaml(Path::new("f.yaml"), text, 0)
    }

    #[test]
    fn yaml_scan_finds_each_problem_with_its_line() {
        let d = y("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(d.message.contains("`a` appears twice"), "{d}");
        assert_eq!(d.line, Some(3), "{d}");

        let d = y("refs:\n  - title: x\n    url: \"javascript:alert(1)\"\n").unwrap_err();
        assert!(d.message.contains("`javascript:` links"), "{d}");
        assert_eq!(d.field.as_deref(), Some("refs[0].url"));
        assert_eq!(d.line, Some(3), "{d}");

        let d = y("x:\n  alpha: .nan\n").unwrap_err();
        assert!(d.message.contains("not a finite number"), "{d}");
        assert_eq!(d.line, Some(2), "{d}");
        // serde_yaml reads an out-of-range `1e999` as a string, which no number field takes.
        assert!(y("x: 1e999\n").is_ok());
        assert!(y("x: -.inf\n").is_err());

        let deep = format!("{}1{}", "[".repeat(40), "]".repeat(40));
        let d = y(&deep).unwrap_err();
        assert!(d.message.contains("nested deeper"), "{d}");

        assert!(
            y("a: [unclosed\n").is_ok(),
            "syntax errors are left to the typed parse"
        );
        assert!(y("title: \"{{ 7*7 }}\"\nurl: https://x.org\n").is_ok());
    }

    #[test]
    fn yaml_alias_bomb_finishes_fast_with_an_error() {
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            bomb.push_str(&format!(
                "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
            prev = n;
        }
        let start = std::time::Instant::now();
        let d = y(&bomb).unwrap_err();
        assert!(start.elapsed().as_secs() < 5);
        assert!(
            d.message.contains("repetition limit") || d.message.contains("nested"),
            "{d}"
        );
    }

    #[test]
    fn json_scan_finds_duplicates_and_depth() {
        let d = scan_json(Path::new("f.json"), "{\n  \"a\": 1,\n  \"a\": 2\n}").unwrap_err();
        assert!(d.message.contains("`a` appears twice"), "{d}");
        assert_eq!(d.line, Some(3), "{d}");
        let deep = format!("{}1{}", "[".repeat(40), "]".repeat(40));
        assert!(scan_json(Path::new("f.json"), &deep).is_err());
        assert!(
            scan_json(Path::new("f.json"), "{\"x\": NaN}").is_ok(),
            "left to the typed parse"
        );
    }
}
