//! The `pikku` code generator: reads the project's TypeScript with oxc (no TypeScript
//! compiler), finds functions and wirings, resolves their types to JSON Schema and writes the
//! metadata file the runtime loads.

mod app_config;
mod client;
mod config;
mod diagnostics;
mod folders;
mod imports;
mod inspect;
mod ir;
mod jsdoc;
mod links;
mod metadata;
mod openapi;
mod outputs;
mod parse;
mod project;
mod resolve;
mod schema_text;
mod schema_values;
mod suggest;
#[cfg(test)]
mod tests;
mod text_cache;
mod typescript;
mod written;
mod zod;

use std::path::{Path, PathBuf};

pub use client::fetch_client;
pub use config::{CodegenConfig, CONFIG_FILE};
use folders::no_functions_warning;
pub use folders::{source_folders, SKIPPED_FOLDERS};
use inspect::Changes;
pub use metadata::{metadata_text, Metadata};
use outputs::write_outputs;
use written::Written;

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
