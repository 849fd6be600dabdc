//! Loading the code generator's metadata file: checked against its JSON Schema (derived from
//! [`MetadataFile`]) so that a bad file fails at start-up with every problem named.

use std::sync::OnceLock;

use serde_json::Value;

use crate::config::{MetadataFile, METADATA_VERSION, OLDEST_METADATA_VERSION};

/// The JSON Schema of the metadata file.
pub fn metadata_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(MetadataFile)).unwrap_or(Value::Null)
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::validator_for(&metadata_schema()).unwrap_or_else(|err| {
            unreachable!("the derived metadata schema is a valid schema: {err}")
        })
    })
}

/// Parses and checks a metadata file. `origin` names it in errors (a file path).
pub fn load_metadata(origin: &str, text: &str) -> Result<MetadataFile, String> {
    let value: Value = serde_json::from_str(text).map_err(|err| {
        format!(
            "PIKKU_ERR_METADATA: {origin}:{}:{}: not valid JSON: {err}",
            err.line(),
            err.column()
        )
    })?;
    // The version first: a file of another format is explained as such, not field by field.
    match value.get("version").and_then(Value::as_u64) {
        Some(version) if version > u64::from(METADATA_VERSION) => {
            return Err(format!(
                "PIKKU_ERR_METADATA: {origin} has format version {version}, written by a newer `pikku`; this runtime reads versions {OLDEST_METADATA_VERSION} to {METADATA_VERSION}: update @pikku/native to the version of @pikku/native-cli"
            ))
        }
        Some(version) if version < u64::from(OLDEST_METADATA_VERSION) => {
            return Err(format!(
                "PIKKU_ERR_METADATA: {origin} has format version {version}; this runtime reads versions {OLDEST_METADATA_VERSION} to {METADATA_VERSION}: regenerate it with `pikku`"
            ))
        }
        _ => {}
    }
    let problems: Vec<String> = validator()
        .iter_errors(&value)
        .take(20)
        .map(|err| {
            let at = err.instance_path().as_str();
            format!("  at {}: {err}", if at.is_empty() { "/" } else { at })
        })
        .collect();
    if !problems.is_empty() {
        return Err(format!(
            "PIKKU_ERR_METADATA: {origin} does not match the metadata format (version {METADATA_VERSION}); regenerate it with `pikku`:\n{}",
            problems.join("\n")
        ));
    }
    let file: MetadataFile = serde_json::from_value(value)
        .map_err(|err| format!("PIKKU_ERR_METADATA: {origin}: {err}"))?;
    let mut dangling = Vec::new();
    for wiring in &file.http {
        if !file.functions.contains_key(&wiring.function) {
            dangling.push(format!(
                "  route `{} {}` names function `{}`, which is not in `functions`",
                wiring.method.as_upper(),
                wiring.route,
                wiring.function
            ));
        }
    }
    for (name, function) in &file.functions {
        for schema in [&function.input_schema, &function.output_schema]
            .into_iter()
            .flatten()
        {
            if !file.schemas.contains_key(schema) {
                dangling.push(format!(
                    "  function `{name}` names schema `{schema}`, which is not in `schemas`"
                ));
            }
        }
    }
    let mut names = Vec::new();
    for (owner, schema) in (file
        .schemas
        .iter()
        .map(|(n, s)| (format!("schema `{n}`"), s)))
    .chain(
        file.defs
            .iter()
            .map(|(n, s)| (format!("definition `{n}`"), s)),
    ) {
        crate::shared_defs::referenced_names(schema, &mut names);
        for name in names.drain(..) {
            let own = schema
                .get("$defs")
                .is_some_and(|own| own.get(name).is_some());
            if !own && !file.defs.contains_key(name) {
                dangling.push(format!(
                    "  {owner} refers to `#/$defs/{name}`, which is not in `$defs`"
                ));
            }
        }
    }
    dangling.dedup();
    if !dangling.is_empty() {
        return Err(format!(
            "PIKKU_ERR_METADATA: {origin} refers to missing entries:\n{}",
            dangling.join("\n")
        ));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
        "version": 2,
        "functions": { "getTodo": { "inputSchema": "GetTodoInput", "sessionless": true } },
        "http": [ { "method": "get", "route": "/todos/:id", "function": "getTodo" } ],
        "schemas": { "GetTodoInput": { "type": "object" } }
    }"#;

    #[test]
    fn loads_a_good_file() {
        let file = load_metadata("meta.json", GOOD).unwrap();
        assert_eq!(file.http[0].function, "getTodo");
    }

    #[test]
    fn names_every_problem() {
        let bad = r#"{ "version": 2, "functions": { "f": { "sessionless": "yes" } }, "http": [ { "method": "fetch", "route": "/", "function": "f" } ], "schemas": {} }"#;
        let err = load_metadata("meta.json", bad).unwrap_err();
        assert!(err.contains("/functions/f/sessionless"), "{err}");
        assert!(err.contains("/http/0/method"), "{err}");
        let err = load_metadata("meta.json", "{ nope").unwrap_err();
        assert!(err.contains("meta.json:1:3"), "{err}");
        let dangling = GOOD.replace("\"function\": \"getTodo\"", "\"function\": \"gone\"");
        assert!(load_metadata("m", &dangling)
            .unwrap_err()
            .contains("`gone`"));
        let missing_def = GOOD.replace(
            "\"schemas\": { \"GetTodoInput\": { \"type\": \"object\" } }",
            "\"schemas\": { \"GetTodoInput\": { \"$ref\": \"#/$defs/Todo\" } }",
        );
        assert!(load_metadata("m", &missing_def)
            .unwrap_err()
            .contains("schema `GetTodoInput` refers to `#/$defs/Todo`, which is not in `$defs`"));
        let newer = GOOD.replace("\"version\": 2", "\"version\": 3");
        let err = load_metadata("m", &newer).unwrap_err();
        assert!(
            err.contains("format version 3, written by a newer `pikku`"),
            "{err}"
        );
        assert!(err.contains("update @pikku/native"), "{err}");
        let older = GOOD.replace("\"version\": 2", "\"version\": 0");
        assert!(load_metadata("m", &older)
            .unwrap_err()
            .contains("regenerate it with `pikku`"));
        // Version 1 (no shared definitions) is still read.
        assert!(load_metadata("m", &GOOD.replace("\"version\": 2", "\"version\": 1")).is_ok());
    }
}
