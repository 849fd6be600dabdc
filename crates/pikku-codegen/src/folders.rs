//! The folders a run searches, and the warning when none of them held a function.

use std::path::{Path, PathBuf};

use crate::config::{CodegenConfig, CONFIG_FILE};

/// Folders the code generator never reads below the searched ones.
pub const SKIPPED_FOLDERS: &str =
    "node_modules, dist, the output folder and dot-folders (.next, .git, …)";

/// The folders to search: the configured ones (each must exist), else `src/`, else — no
/// `src/` and none configured — the project root (the README's quick start keeps `server.ts`
/// there).
pub fn source_folders(root: &Path, config: &CodegenConfig) -> Result<Vec<PathBuf>, String> {
    if !config.src_directories_set {
        let dirs: Vec<PathBuf> = config
            .src_directories
            .iter()
            .map(|d| root.join(d))
            .collect();
        if dirs.iter().all(|d| !d.is_dir()) {
            return Ok(vec![root.to_owned()]);
        }
        return Ok(dirs);
    }
    let missing: Vec<String> = (config.src_directories.iter())
        .filter(|d| !root.join(d).is_dir())
        .map(|d| format!("error[PIKKU_CONFIG]: {CONFIG_FILE}: the source folder `{}` (in `srcDirectories`) does not exist: {}
    = help: create it, or list the folders that hold your functions", d.display(), root.join(d).display()))
        .collect();
    if !missing.is_empty() {
        return Err(missing.join("\n\n"));
    }
    Ok(config
        .src_directories
        .iter()
        .map(|d| root.join(d))
        .collect())
}

/// The warning for a run that found no function: where it looked, what it looks for and how
/// to point it elsewhere.
pub(crate) fn no_functions_warning(root: &Path, dirs: &[PathBuf], files_read: usize) -> String {
    let shown: Vec<String> = dirs
        .iter()
        .map(|dir| match dir.strip_prefix(root) {
            Ok(rel) if rel.as_os_str().is_empty() => format!("the project root {}", root.display()),
            Ok(rel) => format!("{}/", rel.display()),
            Err(_) => dir.display().to_string(),
        })
        .collect();
    let files = match files_read {
        1 => "1 file".to_owned(),
        n => format!("{n} files"),
    };
    format!(
        "warning[PIKKU_NO_FUNCTIONS]: no functions found in {} ({files} read; {SKIPPED_FOLDERS} skipped)\n    = note: pikku looks in .ts/.tsx files for functions defined with `pikkuFunc`, `pikkuSessionlessFunc` or `APIFunction` and for their `addRoute` / `wireHTTP` wirings\n    = help: if they are elsewhere, list their folders in `srcDirectories` of {CONFIG_FILE}, e.g. {{ \"srcDirectories\": [\"server\"] }}",
        shown.join(", ")
    )
}
