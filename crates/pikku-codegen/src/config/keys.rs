//! The keys a config file may hold: ours, the reference Pikku's (read, or only warned about),
//! and an error for any other, with the known keys and a "did you mean".

use serde_json::{Map, Value};

use crate::diagnostics::line_col;
use crate::suggest::did_you_mean;

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

/// The warnings for keys of the reference Pikku that are not supported, or the errors for
/// unknown keys (each at its position in `text`).
pub(super) fn check_keys(
    origin: &str,
    text: &str,
    object: &Map<String, Value>,
) -> Result<Vec<String>, String> {
    let at = |line: usize, column: usize| format!("{origin}:{line}:{column}");
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
    Ok(warnings)
}

/// `origin:line:column` of `key`'s first appearance in the text.
pub(super) fn at_key(origin: &str, text: &str, key: &str) -> String {
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
