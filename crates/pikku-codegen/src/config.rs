//! `pikku.config.json`: where the sources are and where the output goes.
//!
//! A project moving from the reference Pikku keeps its config: its `routeDirectories`,
//! `fetchFile` (also inside `clientFiles`), `openAPI: { outputFile, additionalInfo }` and
//! `tsconfig` are read as ours; its other keys are warnings naming them (never silently
//! ignored); any other key is an error naming it, with the known keys and a "did you mean".

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::diagnostics::line_col;
use crate::openapi::OpenApiInfo;
use crate::suggest::did_you_mean;

/// The config file's name, in the project root.
pub const CONFIG_FILE: &str = "pikku.config.json";

/// Our keys.
const KEYS: [&str; 4] = ["srcDirectories", "outDir", "clientFile", "openapi"];
/// Keys of the reference Pikku that are read (as ours).
const READ_REFERENCE_KEYS: [&str; 6] = [
    "routeDirectories",
    "fetchFile",
    "clientFiles",
    "openAPI",
    "tsconfig",
    "$schema",
];
/// Keys of the reference Pikku for outputs or features @pikku/native does not have.
const UNSUPPORTED_REFERENCE_KEYS: [&str; 46] = [
    "bootstrapFile",
    "bootstrapFiles",
    "channelsMapDeclarationFile",
    "channelsWiringFile",
    "channelsWiringMetaFile",
    "cliBootstrapFile",
    "cliFile",
    "cliWiringMetaFile",
    "cliWiringsFile",
    "configDir",
    "extends",
    "filters",
    "functionsFile",
    "functionsMetaFile",
    "functionsMetaMinFile",
    "globalHTTPPrefix",
    "httpMapDeclarationFile",
    "httpWiringMetaFile",
    "httpWiringsFile",
    "mcpJsonFile",
    "mcpWiringsFile",
    "mcpWiringsMetaFile",
    "middlewareServices",
    "nextBackendFile",
    "nextHTTPFile",
    "nextJSFile",
    "packageMappings",
    "queueMapDeclarationFile",
    "queueWiringsFile",
    "queueWorkersWiringFile",
    "queueWorkersWiringMetaFile",
    "rootDir",
    "rpcInternalMapDeclarationFile",
    "rpcInternalWiringMetaFile",
    "rpcMapDeclarationFile",
    "rpcWiringsFile",
    "scaffold",
    "schedulersWiringFile",
    "schedulersWiringMetaFile",
    "schema",
    "schemaDirectory",
    "schemasFromTypes",
    "servicesFile",
    "supportsImportAttributes",
    "typesDeclarationFile",
    "websocketFile",
];

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
    /// Reads `pikku.config.json` in `root`; defaults when there is none.
    pub fn load(root: &Path) -> Result<CodegenConfig, String> {
        let path = root.join(CONFIG_FILE);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(CodegenConfig::default());
        };
        CodegenConfig::parse(&path.display().to_string(), &text)
    }

    /// Parses the text of a config file (`origin` names it in messages).
    pub fn parse(origin: &str, text: &str) -> Result<CodegenConfig, String> {
        let at = |line: usize, column: usize| format!("{origin}:{line}:{column}");
        let object: Map<String, Value> = serde_json::from_str(text).map_err(|err| {
            format!(
                "error[PIKKU_CONFIG]: {}: {err}\n    = help: pikku.config.json holds one object, e.g. {{ \"srcDirectories\": [\"src\"], \"outDir\": \".pikku\" }}",
                at(err.line(), err.column())
            )
        })?;
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        let all_keys: Vec<&str> = (KEYS.iter().chain(&READ_REFERENCE_KEYS))
            .chain(&UNSUPPORTED_REFERENCE_KEYS)
            .copied()
            .filter(|k| *k != "$schema")
            .collect();
        let mut keys: Vec<_> = (object.keys())
            .map(|key| (key_position(text, key), key))
            .collect();
        keys.sort();
        for ((line, column), key) in keys {
            if KEYS.contains(&key.as_str()) || READ_REFERENCE_KEYS.contains(&key.as_str()) {
                continue;
            }
            if UNSUPPORTED_REFERENCE_KEYS.contains(&key.as_str()) {
                warnings.push(format!(
                    "warning[PIKKU_CONFIG]: {}: `{key}` is a setting of the reference Pikku that @pikku/native does not support; it is ignored",
                    at(line, column)
                ));
                continue;
            }
            let suggestion = did_you_mean(key, &all_keys)
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            errors.push(format!(
                "error[PIKKU_CONFIG]: {}: unknown field `{key}`\n    = help: {suggestion}the keys are {}; from the reference Pikku, {} are read too",
                at(line, column),
                quoted(&KEYS),
                quoted(&READ_REFERENCE_KEYS[..5]),
            ));
        }
        if !errors.is_empty() {
            return Err(errors.join("\n\n"));
        }
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

/// `origin:line:column` of `key`'s first appearance in the text.
fn at_key(origin: &str, text: &str, key: &str) -> String {
    let (line, column) = key_position(text, key);
    format!("{origin}:{line}:{column}")
}

/// Line and column of `"key"` followed by `:` (1:1 when it cannot be found).
fn key_position(text: &str, key: &str) -> (usize, usize) {
    let needle = serde_json::to_string(key).unwrap_or_default();
    let mut from = 0;
    while let Some(found) = text[from..].find(&needle) {
        let start = from + found;
        let after = &text[start + needle.len()..];
        if after.trim_start().starts_with(':') {
            return line_col(text, start as u32);
        }
        from = start + needle.len();
    }
    (1, 1)
}

fn quoted(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.join(""),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<CodegenConfig, String> {
        CodegenConfig::parse("pikku.config.json", text)
    }

    #[test]
    fn reads_our_keys_with_defaults() {
        let config = parse("{}").unwrap();
        assert_eq!(config.src_directories, vec![PathBuf::from("src")]);
        assert!(!config.src_directories_set);
        assert_eq!(config.out_dir, PathBuf::from(".pikku"));
        assert!(config.client_file.is_none() && config.openapi.is_none());
        let config = parse(r#"{ "srcDirectories": ["lib"], "outDir": "gen", "clientFile": "web/api.ts", "openapi": { "info": { "title": "T", "version": "1" } } }"#).unwrap();
        assert_eq!(config.src_directories, vec![PathBuf::from("lib")]);
        assert!(config.src_directories_set);
        assert_eq!(config.out_dir, PathBuf::from("gen"));
        assert_eq!(config.client_file, Some(PathBuf::from("web/api.ts")));
        let openapi = config.openapi.unwrap();
        assert_eq!(openapi.output_file, PathBuf::from("openapi.json"));
        assert!(!openapi.relative_to_project);
        assert!(config.warnings.is_empty());
    }

    #[test]
    fn reads_the_reference_pikku_config() {
        let config = parse(
            r#"{
  "$schema": "https://raw.githubusercontent.com/pikkujs/pikku/main/packages/cli/cli.schema.json",
  "tsconfig": "./tsconfig.json",
  "srcDirectories": ["src", "shared"],
  "routeDirectories": ["src", "routes"],
  "outDir": ".pikku",
  "fetchFile": "client/pikku-fetch.gen.ts",
  "openAPI": {
    "outputFile": "docs/openapi.json",
    "additionalInfo": {
      "info": { "title": "Todos", "version": "1.0.0", "description": "The API", "license": { "name": "MIT" } },
      "servers": [{ "url": "http://localhost:4002" }]
    }
  }
}"#,
        )
        .unwrap();
        let dirs: Vec<&str> = (config.src_directories.iter())
            .map(|d| d.to_str().unwrap())
            .collect();
        assert_eq!(dirs, ["src", "shared", "routes"]);
        assert_eq!(
            config.client_file,
            Some(PathBuf::from("client/pikku-fetch.gen.ts"))
        );
        assert_eq!(config.tsconfig, Some(PathBuf::from("./tsconfig.json")));
        let openapi = config.openapi.unwrap();
        assert_eq!(openapi.output_file, PathBuf::from("docs/openapi.json"));
        assert!(openapi.relative_to_project);
        let info = serde_json::to_value(&openapi.info).unwrap();
        assert_eq!(info["title"], "Todos");
        assert_eq!(info["version"], "1.0.0");
        assert_eq!(info["description"], "The API");
        let warnings = config.warnings.join("\n");
        assert!(warnings.contains("`openAPI.additionalInfo.info.license` is not supported"));
        assert!(warnings.contains("`openAPI.additionalInfo.servers` is not supported"));
        assert_eq!(config.warnings.len(), 2, "{warnings}");
    }

    #[test]
    fn fetch_file_inside_client_files() {
        let config =
            parse(r#"{ "clientFiles": { "fetchFile": "a.ts", "websocketFile": "b.ts" } }"#)
                .unwrap();
        assert_eq!(config.client_file, Some(PathBuf::from("a.ts")));
        assert_eq!(config.warnings.len(), 1);
        assert!(config.warnings[0].contains("`clientFiles.websocketFile` is not supported"));
    }

    #[test]
    fn unsupported_reference_keys_are_warnings_naming_them() {
        let config =
            parse("{\n  \"websocketFile\": \"ws.ts\",\n  \"globalHTTPPrefix\": \"/api\"\n}")
                .unwrap();
        assert_eq!(config.warnings.len(), 2);
        assert!(config.warnings[0].starts_with("warning[PIKKU_CONFIG]: pikku.config.json:2:3: `websocketFile` is a setting of the reference Pikku"));
        assert!(config.warnings[1]
            .starts_with("warning[PIKKU_CONFIG]: pikku.config.json:3:3: `globalHTTPPrefix`"));
    }

    #[test]
    fn unknown_keys_are_errors_with_the_known_keys_and_a_suggestion() {
        let err = parse("{\n  \"srcDir\": [\".\"],\n  \"database\": 1\n}").unwrap_err();
        assert!(err.contains("error[PIKKU_CONFIG]: pikku.config.json:2:3: unknown field `srcDir`\n    = help: did you mean `srcDirectories`? the keys are `srcDirectories`, `outDir`, `clientFile` and `openapi`"), "{err}");
        assert!(
            err.contains(
                "pikku.config.json:3:3: unknown field `database`\n    = help: the keys are"
            ),
            "{err}"
        );
        let err = parse(r#"{ "outdir": "x" }"#).unwrap_err();
        assert!(err.contains("did you mean `outDir`?"), "{err}");
    }

    #[test]
    fn bad_values_and_syntax_are_errors_with_positions() {
        let err = parse("{\n  \"srcDirectories\": \"src\"\n}").unwrap_err();
        assert!(
            err.starts_with("error[PIKKU_CONFIG]: pikku.config.json:2:"),
            "{err}"
        );
        assert!(err.contains("invalid type"), "{err}");
        let err = parse("{ \"outDir\": }").unwrap_err();
        assert!(
            err.starts_with("error[PIKKU_CONFIG]: pikku.config.json:1:"),
            "{err}"
        );
        let err = parse(r#"{ "openAPI": { "outputFile": "o.json", "additionalInfo": { "info": { "version": "1" } } } }"#).unwrap_err();
        assert!(
            err.contains("`openAPI.additionalInfo.info`: missing field `title`"),
            "{err}"
        );
        let err = parse(r#"{ "openapi": { "info": { "title": "a", "version": "1" } }, "openAPI": { "outputFile": "o", "additionalInfo": {} } }"#).unwrap_err();
        assert!(
            err.contains("both `openapi` and `openAPI` are set"),
            "{err}"
        );
    }
}
