//! Parsing the file into the settings: its values, and the reference Pikku's keys read as
//! ours.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::keys::{at_key, check_keys};
use super::{CodegenConfig, OpenApiConfig};
use crate::openapi::OpenApiInfo;

/// What the file may hold, typed (unknown keys are checked before, with their positions).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawConfig {
    src_directories: Option<Vec<PathBuf>>,
    route_directories: Option<Vec<PathBuf>>,
    out_dir: Option<PathBuf>,
    client_file: Option<PathBuf>,
    fetch_file: Option<PathBuf>,
    client_files: Option<Map<String, Value>>,
    openapi: Option<OpenApiConfig>,
    #[serde(rename = "openAPI")]
    reference_openapi: Option<ReferenceOpenApi>,
    tsconfig: Option<PathBuf>,
}

/// The reference Pikku's `openAPI` key.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReferenceOpenApi {
    output_file: PathBuf,
    additional_info: Map<String, Value>,
}

impl CodegenConfig {
    /// Parses the text of a config file (`origin` names it in messages).
    pub fn parse(origin: &str, text: &str) -> Result<CodegenConfig, String> {
        let at = |line: usize, column: usize| format!("{origin}:{line}:{column}");
        let object: Map<String, Value> = serde_json::from_str(text).map_err(|err| {
            format!(
                "error[PIKKU_CONFIG]: {}: {err}\n    = help: pikku.config.json holds one object, e.g. {{ \"srcDirectories\": [\"src\"], \"outDir\": \".pikku\" }}",
                at(err.line(), err.column())
            )
        })?;
        let mut warnings = check_keys(origin, text, &object)?;
        // Unknown keys are gone: errors now are about values, with their positions.
        let raw: RawConfig = serde_json::from_str(text).map_err(|err| {
            format!(
                "error[PIKKU_CONFIG]: {}: {err}\n    = help: `srcDirectories` is a list of folders, `outDir` and `clientFile` are paths, `openapi` is {{ \"outputFile\", \"info\": {{ \"title\", \"version\", \"description\" }} }}",
                at(err.line(), err.column())
            )
        })?;
        let mut config = CodegenConfig::default();
        let directories: Vec<PathBuf> = (raw.src_directories.iter().flatten())
            .chain(raw.route_directories.iter().flatten())
            .fold(Vec::new(), |mut all, dir| {
                if !all.contains(dir) {
                    all.push(dir.clone());
                }
                all
            });
        if raw.src_directories.is_some() || raw.route_directories.is_some() {
            config.src_directories = directories;
            config.src_directories_set = true;
        }
        if let Some(out_dir) = raw.out_dir {
            config.out_dir = out_dir;
        }
        let mut fetch_file = raw.fetch_file;
        for (key, value) in raw.client_files.iter().flatten() {
            match (key.as_str(), value.as_str()) {
                ("fetchFile", Some(file)) if fetch_file.is_none() => {
                    fetch_file = Some(PathBuf::from(file))
                }
                _ => warnings.push(format!(
                    "warning[PIKKU_CONFIG]: {}: `clientFiles.{key}` is not supported by @pikku/native (it writes the fetch client only); it is ignored",
                    at_key(origin, text, key)
                )),
            }
        }
        config.client_file = match (raw.client_file, fetch_file) {
            (Some(ours), Some(_)) => {
                warnings.push(format!(
                    "warning[PIKKU_CONFIG]: {}: `fetchFile` is ignored: `clientFile` says where the fetch client goes",
                    at_key(origin, text, "fetchFile")
                ));
                Some(ours)
            }
            (ours, theirs) => ours.or(theirs),
        };
        config.openapi = match (raw.openapi, raw.reference_openapi) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "error[PIKKU_CONFIG]: {}: both `openapi` and `openAPI` are set\n    = help: keep one of them",
                    at_key(origin, text, "openAPI")
                ))
            }
            (Some(ours), None) => Some(ours),
            (None, Some(theirs)) => Some(reference_openapi(origin, text, theirs, &mut warnings)?),
            (None, None) => None,
        };
        config.tsconfig = raw.tsconfig;
        config.warnings = warnings;
        Ok(config)
    }
}

/// `openAPI: { outputFile, additionalInfo: { info, servers, … } }` as our `openapi`: the file
/// relative to the project, `info`'s title, version and description; the rest is warned about.
fn reference_openapi(
    origin: &str,
    text: &str,
    theirs: ReferenceOpenApi,
    warnings: &mut Vec<String>,
) -> Result<OpenApiConfig, String> {
    let position = at_key(origin, text, "additionalInfo");
    let mut info = Map::new();
    for (key, value) in &theirs.additional_info {
        if key != "info" {
            warnings.push(format!(
                "warning[PIKKU_CONFIG]: {position}: `openAPI.additionalInfo.{key}` is not supported by @pikku/native; it is ignored"
            ));
            continue;
        }
        for (field, value) in value.as_object().into_iter().flatten() {
            if ["title", "version", "description"].contains(&field.as_str()) {
                info.insert(field.clone(), value.clone());
            } else {
                warnings.push(format!(
                    "warning[PIKKU_CONFIG]: {position}: `openAPI.additionalInfo.info.{field}` is not supported by @pikku/native; it is ignored"
                ));
            }
        }
    }
    let info: OpenApiInfo = serde_json::from_value(Value::Object(info)).map_err(|err| {
        format!(
            "error[PIKKU_CONFIG]: {position}: `openAPI.additionalInfo.info`: {err}\n    = help: give it {{ \"title\": …, \"version\": … }} (and optionally \"description\")"
        )
    })?;
    Ok(OpenApiConfig {
        output_file: theirs.output_file,
        info,
        relative_to_project: true,
    })
}
