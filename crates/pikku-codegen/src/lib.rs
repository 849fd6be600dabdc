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
mod openapi;
mod parse;
mod project;
mod resolve;
mod schema_values;
mod typescript;

use std::path::Path;

pub use client::fetch_client;
pub use config::CodegenConfig;
pub use pikku_engine::MetadataFile;

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
    /// Rendered warnings (`warning[…]: …`): the output was written, but with a caveat.
    pub warnings: Vec<String>,
}

/// What inspecting a project found, when it found no error.
#[derive(Debug)]
pub struct Inspection {
    pub metadata: MetadataFile,
    pub files_read: usize,
    /// How many warnings there are, and `warnings` rendered like errors (empty if none).
    pub warning_count: usize,
    pub warnings: String,
    /// The exported functions, for `pikku-functions.gen.ts`.
    pub(crate) links: Vec<links::FunctionLink>,
    /// The parsed project (the OpenAPI document reads `createApp` calls in it).
    pub(crate) project: project::Project,
}

/// Inspects the project in `root` and returns the metadata (with the warnings), or the
/// rendered diagnostics.
pub fn inspect_project(root: &Path, config: &CodegenConfig) -> Result<Inspection, String> {
    let dirs: Vec<_> = config
        .src_directories
        .iter()
        .map(|d| root.join(d))
        .collect();
    let project = project::Project::load(root, &dirs).map_err(|d| render(&d, None))?;
    let files: Vec<(String, String)> = project
        .files
        .iter()
        .map(|f| (f.display.clone(), f.text.clone()))
        .collect();
    let (metadata, warnings) =
        inspect::inspect(&project).map_err(|d| diagnostics::render(&d, &files))?;
    let function_links = links::function_links(&project, &metadata);
    let files_read = project.files.len();
    Ok(Inspection {
        links: function_links,
        project,
        metadata,
        files_read,
        warning_count: warnings.len(),
        warnings: if warnings.is_empty() {
            String::new()
        } else {
            diagnostics::render(&warnings, &files)
        },
    })
}

fn render(diagnostics: &[diagnostics::Diagnostic], files: Option<&[(String, String)]>) -> String {
    diagnostics::render(diagnostics, files.unwrap_or(&[]))
}

/// Runs the generator once: writes `<outDir>/pikku-meta.gen.json` and the typed fetch client
/// `<outDir>/pikku-fetch.gen.ts`, and with an `openapi` key the OpenAPI document (each only when
/// it changed). Warnings are returned in the summary; they do not stop the run.
pub fn generate(root: &Path) -> Result<Summary, String> {
    let config = CodegenConfig::load(root)?;
    let Inspection {
        metadata,
        files_read,
        warning_count,
        warnings: inspection_warnings,
        links: function_links,
        project,
    } = inspect_project(root, &config)?;
    let mut warnings = Vec::new();
    if warning_count > 0 {
        warnings.push(inspection_warnings);
    }
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
    let text = serde_json::to_string_pretty(&metadata).map_err(|err| err.to_string())? + "\n";
    write_if_changed(root, &out_dir.join(METADATA_FILE), &text, &mut written)?;
    let links_text =
        links::links_module(&function_links, &out_dir, links::wants_js_extension(root));
    write_if_changed(
        root,
        &out_dir.join(links::LINKS_FILE),
        &links_text,
        &mut written,
    )?;
    write_if_changed(
        root,
        &client_path,
        &client::fetch_client(&metadata),
        &mut written,
    )?;
    if let Some(openapi) = &config.openapi {
        let path = out_dir.join(&openapi.output_file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|err| {
                format!(
                    "error[PIKKU_WRITE]: cannot create {}: {err}",
                    parent.display()
                )
            })?;
        }
        // The security schemes are the session sources of the app's `createApp` call(s).
        let files = (project.files.iter()).map(|f| (f.display.as_str(), f.text.as_str()));
        let sessions = app_config::session_sources(files);
        warnings.extend(sessions.warnings);
        let document = openapi::openapi_document(&metadata, &openapi.info, &sessions.sources);
        let text = serde_json::to_string_pretty(&document).map_err(|err| err.to_string())? + "\n";
        write_if_changed(root, &path, &text, &mut written)?;
    }
    Ok(Summary {
        files_read,
        functions: metadata.functions.len(),
        routes: metadata.http.len(),
        channels: metadata.channels.len(),
        written,
        warnings,
    })
}

/// Writes `text` to `path` unless it already holds it (watchers and builds see no change).
fn write_if_changed(
    root: &Path,
    path: &Path,
    text: &str,
    written: &mut Vec<String>,
) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    std::fs::write(path, text)
        .map_err(|err| format!("error[PIKKU_WRITE]: cannot write {}: {err}", path.display()))?;
    written.push(
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string(),
    );
    Ok(())
}
