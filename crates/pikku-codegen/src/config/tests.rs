//! Reading config files: our keys, the reference Pikku's, and the errors and warnings.

use std::path::PathBuf;

use super::CodegenConfig;

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
        parse(r#"{ "clientFiles": { "fetchFile": "a.ts", "websocketFile": "b.ts" } }"#).unwrap();
    assert_eq!(config.client_file, Some(PathBuf::from("a.ts")));
    assert_eq!(config.warnings.len(), 1);
    assert!(config.warnings[0].contains("`clientFiles.websocketFile` is not supported"));
}

#[test]
fn unsupported_reference_keys_are_warnings_naming_them() {
    let config =
        parse("{\n  \"websocketFile\": \"ws.ts\",\n  \"globalHTTPPrefix\": \"/api\"\n}").unwrap();
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
        err.contains("pikku.config.json:3:3: unknown field `database`\n    = help: the keys are"),
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
