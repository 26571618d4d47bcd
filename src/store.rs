//! The file layer every on-disk cache shares (ranking, page, Markdown, search, scan memo):
//! keys hashed with the code that decides the value, entries written whole or not at all.
//! A leaf, so the stages that keep caches (`hostile`, `markdown`, `compute`, `reuse`, `write`)
//! import it downward.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

/// A hasher primed with `code` (each part length-prefixed): the sources and versions that
/// decide a cached value, so changing any of them changes every key.
pub(crate) fn hasher(code: &[&str]) -> blake3::Hasher {
    let mut h = blake3::Hasher::new();
    for part in code {
        hash_str(&mut h, part);
    }
    h
}

/// Feeds `s` to `h`, length-prefixed so that consecutive strings never run together.
pub(crate) fn hash_str(h: &mut blake3::Hasher, s: &str) {
    h.update(&(s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

/// A poisoned lock only means another thread panicked; its data is still usable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Writes a cache entry whole or not at all (a temporary file, then a rename); `None` when
/// that failed, which a cache ignores.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Option<()> {
    write_atomically_with(path, |w| w.write_all(bytes))
}

/// [`write_atomically`] with the bytes streamed by `write` (no copy of a large entry in
/// memory).
pub(crate) fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Option<()> {
    let dir = path.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let tmp = tempfile::NamedTempFile::new_in(dir).ok()?;
    let mut out = std::io::BufWriter::new(tmp);
    write(&mut out).ok()?;
    let tmp = out.into_inner().ok()?;
    tmp.persist(path).ok()?;
    Some(())
}

/// Removes the entries (`<key>.bin`) in `dir` other than `key`'s.
pub(crate) fn keep_only(dir: &Path, key: &str) {
    let current = format!("{key}.bin");
    if let Ok(list) = std::fs::read_dir(dir) {
        for f in list.flatten() {
            let name = f.file_name();
            if name.to_string_lossy().ends_with(".bin") && name != current.as_str() {
                let _ = std::fs::remove_file(f.path());
            }
        }
    }
}

/// SHA-256 of `bytes` as lower-case hex: the checksum of release manifests (the format the
/// world checks archives with; `blake3` stays the caches' internal hash).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
