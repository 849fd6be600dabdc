//! The `pikku` code generator: reads the project's TypeScript with oxc (no TypeScript
//! compiler), finds functions and wirings, resolves their types to JSON Schema and writes the
//! metadata file the runtime loads.

mod app_config;
mod client;
mod config;
mod diagnostics;
mod imports;
mod inspect;
mod ir;
mod jsdoc;
mod links;
mod metadata;
mod openapi;
mod parse;
mod project;
mod resolve;
mod schema_text;
mod schema_values;
mod suggest;
mod text_cache;
mod typescript;
mod zod;

use std::path::{Path, PathBuf};

pub use client::fetch_client;
pub use config::{CodegenConfig, CONFIG_FILE};
use inspect::Changes;
pub use metadata::{metadata_text, Metadata};

/// The metadata file's name inside the output folder.
pub const METADATA_FILE: &str = "pikku-meta.gen.json";

/// What a run wrote.
#[derive(Debug)]
pub struct Summary {
    pub files_read: usize,
    pub functions: usize,
    pub routes: usize,
    pub channels: usize,
    pub written: Vec<String>,
    /// Rendered warnings (config keys not supported, unknown JSDoc tags, no functions found,
    /// a `createApp` session the OpenAPI document cannot read).
    pub warnings: Vec<String>,
    /// How many files were parsed and functions inspected in this run (the others were
    /// unchanged since the generator's last run).
    pub parsed: usize,
    pub inspected: usize,
}

/// What inspecting a project found, when it found no error.
#[derive(Debug)]
pub struct Inspection {
    pub metadata: Metadata,
    pub files_read: usize,
    /// How many warnings there are, and `warnings` rendered like errors (empty if none).
    pub warning_count: usize,
    pub warnings: String,
    /// The exported functions, for `pikku-functions.gen.ts`.
    pub(crate) links: Vec<links::FunctionLink>,
    /// The parsed project (the OpenAPI document reads `createApp` calls in it).
    pub(crate) project: project::Project,
    /// What is new since the generator's last run.
    pub(crate) changes: Changes,
}

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

/// Inspects the project in `root` and returns the metadata (with the warnings), or the
/// rendered diagnostics.
pub fn inspect_project(root: &Path, config: &CodegenConfig) -> Result<Inspection, String> {
    let dirs = source_folders(root, config)?;
    inspect_folders(root, config, &dirs, &mut Caches::default())
}

/// What one run keeps for the next (`pikku --watch`): parsed files, expanded types and
/// schemas, and the text of each file written.
#[derive(Debug, Default)]
struct Caches {
    parsed: project::ParseCache,
    inspected: Option<inspect::InspectState>,
    written: std::collections::HashMap<PathBuf, Written>,
    type_texts: client::TypeTexts,
}

fn inspect_folders(
    root: &Path,
    config: &CodegenConfig,
    dirs: &[PathBuf],
    caches: &mut Caches,
) -> Result<Inspection, String> {
    let tsconfig = root.join(
        config
            .tsconfig
            .as_deref()
            .unwrap_or(Path::new("tsconfig.json")),
    );
    let skip = [root.join(&config.out_dir)];
    let project = match project::Project::load(root, dirs, &skip, &tsconfig, &mut caches.parsed) {
        Ok(project) => project,
        Err(diagnostics) => {
            // The files parsed in this run are cached as parsed, but what they change was not
            // inspected: the next run inspects everything.
            caches.inspected = None;
            return Err(render(&diagnostics, None));
        }
    };
    let files = || -> Vec<(String, String)> {
        (project.files.iter())
            .map(|f| (f.display.clone(), f.text.to_string()))
            .collect()
    };
    let inspect::Inspected {
        metadata,
        warnings,
        changes,
        state,
    } = inspect::inspect(&project, caches.inspected.take())
        .map_err(|d| diagnostics::render(&d, &files()))?;
    caches.inspected = Some(state);
    Ok(Inspection {
        links: links::function_links(&project, &metadata),
        files_read: project.files.len(),
        warning_count: warnings.len(),
        warnings: if warnings.is_empty() {
            String::new()
        } else {
            diagnostics::render(&warnings, &files())
        },
        project,
        metadata,
        changes,
    })
}

fn render(diagnostics: &[diagnostics::Diagnostic], files: Option<&[(String, String)]>) -> String {
    diagnostics::render(diagnostics, files.unwrap_or(&[]))
}

/// The warning for a run that found no function: where it looked, what it looks for and how
/// to point it elsewhere.
fn no_functions_warning(root: &Path, dirs: &[PathBuf], files_read: usize) -> String {
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

/// Runs the generator once: writes `<outDir>/pikku-meta.gen.json` and the typed fetch client
/// `<outDir>/pikku-fetch.gen.ts`, and with an `openapi` key the OpenAPI document (each only when
/// it changed).
/// Warnings are in the summary, or before the errors when it fails.
pub fn generate(root: &Path) -> Result<Summary, String> {
    Generator::new(root).run()
}

/// The generator of one project, run again and again (`pikku --watch`): a run reads every
/// file, but parses only those that changed and inspects again only the functions whose
/// types may have changed with them. Its output is the same as [`generate`]'s.
#[derive(Debug)]
pub struct Generator {
    root: PathBuf,
    caches: Caches,
}

impl Generator {
    /// A generator for the project in `root` (its `pikku.config.json`).
    pub fn new(root: &Path) -> Generator {
        Generator {
            root: root.to_owned(),
            caches: Caches::default(),
        }
    }

    /// Runs it: see [`generate`].
    pub fn run(&mut self) -> Result<Summary, String> {
        let root = &self.root;
        let config = CodegenConfig::load(root)?;
        let with_warnings = |error: String| {
            (config.warnings.iter().cloned())
                .chain([error])
                .collect::<Vec<_>>()
                .join("\n\n")
        };
        let dirs = source_folders(root, &config).map_err(with_warnings)?;
        let inspection =
            inspect_folders(root, &config, &dirs, &mut self.caches).map_err(with_warnings)?;
        let mut warnings = config.warnings.clone();
        if inspection.warning_count > 0 {
            warnings.push(inspection.warnings.clone());
        }
        if inspection.metadata.functions.is_empty() {
            warnings.push(no_functions_warning(root, &dirs, inspection.files_read));
        }
        let result = write_outputs(root, &config, &inspection, warnings, &mut self.caches);
        if result.is_err() {
            // Some outputs were not written: the next run writes every one of them in full.
            self.caches.type_texts = client::TypeTexts::default();
            self.caches.written.clear();
        }
        if let Some(state) = &mut self.caches.inspected {
            state.give_back(inspection.metadata);
        }
        result.map_err(with_warnings)
    }
}

fn write_outputs(
    root: &Path,
    config: &CodegenConfig,
    inspection: &Inspection,
    mut warnings: Vec<String>,
    caches: &mut Caches,
) -> Result<Summary, String> {
    let metadata = &inspection.metadata;
    let out_dir = root.join(&config.out_dir);
    std::fs::create_dir_all(&out_dir).map_err(|err| {
        format!(
            "error[PIKKU_WRITE]: cannot create {}: {err}",
            out_dir.display()
        )
    })?;
    let mut written = Vec::new();
    let client_path = match &config.client_file {
        Some(file) => root.join(file),
        None => out_dir.join(client::CLIENT_FILE),
    };
    if let Some(parent) = client_path.parent() {
        std::fs::create_dir_all(parent).map_err(|err| {
            format!(
                "error[PIKKU_WRITE]: cannot create {}: {err}",
                parent.display()
            )
        })?;
    }
    let text = metadata_text(metadata).map_err(|err| err.to_string())?;
    write_if_changed(
        root,
        &out_dir.join(METADATA_FILE),
        text,
        &mut written,
        &mut caches.written,
    )?;
    let links_text =
        links::links_module(&inspection.links, &out_dir, links::wants_js_extension(root));
    write_if_changed(
        root,
        &out_dir.join(links::LINKS_FILE),
        links_text,
        &mut written,
        &mut caches.written,
    )?;
    let client_text =
        client::fetch_client_with(metadata, &mut caches.type_texts, &inspection.changes);
    write_if_changed(
        root,
        &client_path,
        client_text,
        &mut written,
        &mut caches.written,
    )?;
    if let Some(openapi) = &config.openapi {
        let path = if openapi.relative_to_project {
            root.join(&openapi.output_file)
        } else {
            out_dir.join(&openapi.output_file)
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|err| {
                format!(
                    "error[PIKKU_WRITE]: cannot create {}: {err}",
                    parent.display()
                )
            })?;
        }
        // The security schemes are the session sources of the app's `createApp` call(s).
        let files = (inspection.project.files.iter()).map(|f| (f.display.as_str(), &*f.text));
        let sessions = app_config::session_sources(files);
        warnings.extend(sessions.warnings);
        let document = openapi::openapi_document(metadata, &openapi.info, &sessions.sources);
        let text = serde_json::to_string_pretty(&document).map_err(|err| err.to_string())? + "\n";
        write_if_changed(root, &path, text, &mut written, &mut caches.written)?;
    }
    Ok(Summary {
        files_read: inspection.files_read,
        functions: metadata.functions.len(),
        routes: metadata.http.len(),
        channels: metadata.channels.len(),
        written,
        warnings,
        parsed: inspection.project.parsed.len(),
        inspected: inspection.changes.functions,
    })
}

/// Writes `text` to `path` unless it already holds it (watchers and builds see no change).
/// `known` holds what this generator wrote before (a hash of the text, the file's length and
/// modification time just after): a file with both unchanged is taken to hold the same text
/// without being read again.
fn write_if_changed(
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
fn file_holds(path: &Path, text: &str) -> bool {
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
struct Written {
    hash: u64,
    stamp: (u64, Option<std::time::SystemTime>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pikku-codegen-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_file_holds_a_text_only_when_every_byte_is_the_same() {
        let root = project("holds");
        let path = root.join("out.json");
        let text = "0123456789".repeat(5000); // several read blocks
        assert!(!file_holds(&path, &text), "no file");
        std::fs::write(&path, &text).unwrap();
        assert!(file_holds(&path, &text));
        assert!(!file_holds(&path, &text[1..]), "shorter");
        let mut changed = text.clone().into_bytes();
        changed[40_000] = b'x';
        assert!(
            !file_holds(&path, std::str::from_utf8(&changed).unwrap()),
            "same length"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn searches_the_root_when_there_is_no_src_and_no_folder_configured() {
        let root = project("root");
        let config = CodegenConfig::default();
        assert_eq!(source_folders(&root, &config).unwrap(), vec![root.clone()]);
        std::fs::create_dir(root.join("src")).unwrap();
        assert_eq!(
            source_folders(&root, &config).unwrap(),
            vec![root.join("src")]
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_missing_configured_folder_is_an_error_naming_it() {
        let root = project("missing");
        std::fs::create_dir(root.join("lib")).unwrap();
        let config = CodegenConfig::parse(
            "pikku.config.json",
            r#"{ "srcDirectories": ["lib", "server"] }"#,
        )
        .unwrap();
        let err = source_folders(&root, &config).unwrap_err();
        assert!(err.starts_with("error[PIKKU_CONFIG]: pikku.config.json: the source folder `server` (in `srcDirectories`) does not exist"), "{err}");
        assert!(!err.contains("`lib`"), "{err}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn no_functions_is_a_warning_naming_the_folders() {
        let root = project("empty");
        std::fs::write(root.join("server.ts"), "export const x = 1\n").unwrap();
        std::fs::create_dir(root.join("node_modules")).unwrap();
        std::fs::write(root.join("node_modules/dep.ts"), "export const y = 2\n").unwrap();
        let summary = generate(&root).unwrap();
        assert_eq!(summary.files_read, 1, "node_modules is skipped");
        assert_eq!(summary.functions, 0);
        let warning = summary.warnings.join("\n");
        assert!(warning.starts_with(&format!("warning[PIKKU_NO_FUNCTIONS]: no functions found in the project root {} (1 file read;", root.display())), "{warning}");
        assert!(
            warning.contains("`pikkuFunc`, `pikkuSessionlessFunc` or `APIFunction`"),
            "{warning}"
        );
        assert!(warning.contains("`addRoute` / `wireHTTP`"), "{warning}");
        assert!(warning.contains("`srcDirectories`"), "{warning}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
