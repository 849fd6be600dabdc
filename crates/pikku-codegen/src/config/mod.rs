//! `pikku.config.json`: where the sources are and where the output goes.
//!
//! A project moving from the reference Pikku keeps its config: its `routeDirectories`,
//! `fetchFile` (also inside `clientFiles`), `openAPI: { outputFile, additionalInfo }` and
//! `tsconfig` are read as ours; its other keys are warnings naming them (never silently
//! ignored); any other key is an error naming it, with the known keys and a "did you mean".

mod keys;
mod parse;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::openapi::OpenApiInfo;

/// The config file's name, in the project root.
pub const CONFIG_FILE: &str = "pikku.config.json";

/// The code generator's settings.
#[derive(Debug, Clone)]
pub struct CodegenConfig {
    /// Folders searched for `.ts` files (default `["src"]`; the project root when `src/` does
    /// not exist and no folder is configured).
    pub src_directories: Vec<PathBuf>,
    /// Whether the folders come from the config (`srcDirectories` / `routeDirectories`): a
    /// missing one is then an error, and the default is not replaced by the project root.
    pub src_directories_set: bool,
    /// The output folder (default `.pikku`).
    pub out_dir: PathBuf,
    /// Where to write the typed fetch client, relative to the project (default
    /// `<outDir>/pikku-fetch.gen.ts`).
    pub client_file: Option<PathBuf>,
    /// Where to write an OpenAPI 3.1 document, if anywhere.
    pub openapi: Option<OpenApiConfig>,
    /// The tsconfig whose `paths` resolve imports (default `tsconfig.json`).
    pub tsconfig: Option<PathBuf>,
    /// Keys that were read but are not supported (rendered, one per line).
    pub warnings: Vec<String>,
}

impl Default for CodegenConfig {
    fn default() -> Self {
        CodegenConfig {
            src_directories: default_src(),
            src_directories_set: false,
            out_dir: default_out(),
            client_file: None,
            openapi: None,
            tsconfig: None,
            warnings: Vec::new(),
        }
    }
}

fn default_src() -> Vec<PathBuf> {
    vec![PathBuf::from("src")]
}

fn default_out() -> PathBuf {
    PathBuf::from(".pikku")
}

impl CodegenConfig {
    /// Reads `pikku.config.json` in `root`; defaults when there is none.
    pub fn load(root: &Path) -> Result<CodegenConfig, String> {
        let path = root.join(CONFIG_FILE);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(CodegenConfig::default());
        };
        CodegenConfig::parse(&path.display().to_string(), &text)
    }
}

/// The `openapi` key: where the OpenAPI 3.1 document goes (inside `outDir`) and its `info`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenApiConfig {
    /// The file name inside the output folder (default `openapi.json`).
    #[serde(default = "default_openapi_file")]
    pub output_file: PathBuf,
    /// The document's `info`.
    pub info: OpenApiInfo,
    /// `output_file` is relative to the project, not to `outDir` (the reference Pikku's
    /// `openAPI.outputFile`).
    #[serde(skip)]
    pub relative_to_project: bool,
}

fn default_openapi_file() -> PathBuf {
    PathBuf::from("openapi.json")
}
