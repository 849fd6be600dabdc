//! Writing an output only when its text changed, and what the generator keeps of each file it
//! wrote to tell that without reading it again.

use std::path::{Path, PathBuf};

/// Writes `text` to `path` unless it already holds it (watchers and builds see no change).
/// `known` holds what this generator wrote before (a hash of the text, the file's length and
/// modification time just after): a file with both unchanged is taken to hold the same text
/// without being read again.
pub(crate) fn write_if_changed(
    root: &Path,
    path: &Path,
    text: String,
    written: &mut Vec<String>,
    known: &mut std::collections::HashMap<PathBuf, Written>,
) -> Result<(), String> {
    let stamp = |path: &Path| {
        std::fs::metadata(path)
            .ok()
            .map(|m| (m.len(), m.modified().ok()))
    };
    let hash = text_hash(&text);
    let unchanged = match known.get(path) {
        Some(before) if before.hash == hash && before.stamp.0 == text.len() as u64 => {
            stamp(path) == Some(before.stamp)
        }
        _ => file_holds(path, &text),
    };
    if !unchanged {
        std::fs::write(path, &text)
            .map_err(|err| format!("error[PIKKU_WRITE]: cannot write {}: {err}", path.display()))?;
        written.push(
            path.strip_prefix(root)
                .unwrap_or(path)
                .display()
                .to_string(),
        );
    }
    match stamp(path) {
        Some(stamp) => known.insert(path.to_owned(), Written { hash, stamp }),
        None => known.remove(path),
    };
    Ok(())
}

fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Whether the file at `path` holds exactly `text`, read a block at a time (not into memory
/// whole: the metadata file of a large project is a megabyte).
pub(crate) fn file_holds(path: &Path, text: &str) -> bool {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    if file.metadata().map(|m| m.len()).ok() != Some(text.len() as u64) {
        return false;
    }
    let mut expected = text.as_bytes();
    let mut block = [0u8; 16 * 1024];
    loop {
        match file.read(&mut block) {
            Ok(0) => return expected.is_empty(),
            Ok(n) if expected.starts_with(&block[..n]) => expected = &expected[n..],
            Ok(_) => return false,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// A file this generator wrote: a hash of its text, and its length and modification time
/// after.
#[derive(Debug)]
pub(crate) struct Written {
    hash: u64,
    stamp: (u64, Option<std::time::SystemTime>),
}
