//! What the later stages pass along: a file of the built site and what the link scan found in
//! a page. A leaf (it imports nothing from the crate), so `render`, `search`, `links`, `reuse`,
//! `write` and `incremental` share these types without importing one another.

use std::collections::HashSet;

/// One file of the built site, by its path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What one HTML page links to and which anchors it offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageLinks {
    /// `href`/`src` values in document order, as written (entities decoded).
    pub links: Vec<String>,
    /// `id` values and `<a name>` values.
    pub anchors: HashSet<String>,
}

/// What a page is made from, so that a broken link on it is reported where it was written:
/// in one of its content files or, failing that, in its template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageSource {
    /// The template that renders the page (its name under `templates/`).
    pub template: String,
    /// The content and data files whose text the page shows, relative to the portal root,
    /// in the order they are searched.
    pub files: Vec<String>,
}

/// Whether `new` holds the bytes of `old`: most files of a rebuild are the very same
/// allocation as before, so pointers are compared first (comparing 150 MB byte by byte took
/// tens of milliseconds).
pub fn same_bytes(old: Option<&std::sync::Arc<[u8]>>, new: &std::sync::Arc<[u8]>) -> bool {
    old.is_some_and(|o| std::sync::Arc::ptr_eq(o, new) || o == new)
}
