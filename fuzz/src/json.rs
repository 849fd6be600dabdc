//! JSON checks of the fuzzer's own, independent of the engine's code: prototype-changing keys,
//! equality with float tolerance, and the schema validator.

use serde_json::Value;

/// Keys that would reach an object prototype in JavaScript, once the JSON is parsed there.
const FORBIDDEN: [&str; 3] = ["__proto__", "constructor", "prototype"];

/// Whether `value` holds a forbidden key at any depth (keys as parsed, escapes decoded).
pub fn has_forbidden_key(value: &Value) -> bool {
    match value {
        Value::Object(map) => map
            .iter()
            .any(|(key, child)| FORBIDDEN.contains(&key.as_str()) || has_forbidden_key(child)),
        Value::Array(items) => items.iter().any(has_forbidden_key),
        _ => false,
    }
}

/// Equal as JSON values; floats within a relative 1e-12 (serde_json's default float parser
/// is not always correctly rounded, so a float may move by an ulp through a round trip).
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x == y {
                return true;
            }
            let (Some(x), Some(y)) = (x.as_f64(), y.as_f64()) else {
                return false;
            };
            x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| same_json(x, y)))
        }
        _ => a == b,
    }
}

/// The validator the engine builds for an input schema (JSON Schema 2020-12, formats
/// checked), built here apart, to check the inputs the engine lets through.
pub fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("the fuzz schema compiles")
}
