//! `pikku.config.json`: where the sources are and where the output goes.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::openapi::OpenApiInfo;

/// The code generator's settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CodegenConfig {
    /// Folders searched for `.ts` files (default `["src"]`).
    #[serde(default = "default_src")]
    pub src_directories: Vec<PathBuf>,
    /// The output folder (default `.pikku`).
    #[serde(default = "default_out")]
    pub out_dir: PathBuf,
    /// Where to write the typed fetch client, relative to the project (default
    /// `<outDir>/pikku-fetch.gen.ts`).
    #[serde(default)]
    pub client_file: Option<PathBuf>,
    /// Where to write an OpenAPI 3.1 document, if anywhere.
    #[serde(default)]
    pub openapi: Option<OpenApiConfig>,
}

impl Default for CodegenConfig {
    fn default() -> Self {
        CodegenConfig {
            src_directories: default_src(),
            out_dir: default_out(),
            client_file: None,
            openapi: None,
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
        let path = root.join("pikku.config.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(CodegenConfig::default());
        };
        serde_json::from_str(&text).map_err(|err| {
            format!(
                "error[PIKKU_CONFIG]: {}:{}:{}: {err}\n    = help: the keys are `srcDirectories`, `outDir`, `clientFile` and `openapi` (`{{ \"outputFile\", \"info\": {{ \"title\", \"version\", \"description\" }} }}`)",
                path.display(),
                err.line(),
                err.column()
            )
        })
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
}

fn default_openapi_file() -> PathBuf {
    PathBuf::from("openapi.json")
}
