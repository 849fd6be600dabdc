//! `pikku.config.json`: where the sources are and where the output goes.

use std::path::{Path, PathBuf};

use serde::Deserialize;

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
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|err| {
                format!("error[PIKKU_CONFIG]: {}:{}:{}: {err}\n   = help: the keys are `srcDirectories` and `outDir`", path.display(), err.line(), err.column())
            }),
            Err(_) => Ok(CodegenConfig { src_directories: default_src(), out_dir: default_out() }),
        }
    }
}
