//! Operations on the JSON Schema values the resolver builds: following `$defs`, merging
//! object schemas, literal values.

use serde_json::{json, Value};

use crate::ir::EnumValue;

/// Adds the properties and required keys of object schema `from` to `into`.
pub fn merge_objects(into: &mut Value, from: &Value) {
    let source_props = from["properties"].as_object().cloned().unwrap_or_default();
    if let Some(target) = into["properties"].as_object_mut() {
        target.extend(source_props);
    }
    let mut required: Vec<Value> = into["required"].as_array().cloned().unwrap_or_default();
    for key in from["required"].as_array().into_iter().flatten() {
        if !required.contains(key) {
            required.push(key.clone());
        }
    }
    into["required"] = Value::Array(required);
    if from
        .get("additionalProperties")
        .is_some_and(|a| *a != json!(false))
    {
        into["additionalProperties"] = from["additionalProperties"].clone();
    }
}

/// `NonNullable<T>`: the schema without its `null` alternative.
pub fn strip_null(schema: Value) -> Value {
    match schema.get("anyOf").and_then(Value::as_array) {
        Some(options) => {
            let kept: Vec<Value> = options
                .iter()
                .filter(|o| o.get("type") != Some(&json!("null")))
                .cloned()
                .collect();
            if kept.len() == 1 {
                kept.into_iter().next().unwrap_or_default()
            } else {
                json!({ "anyOf": kept })
            }
        }
        None => schema,
    }
}

/// An enum member's value as JSON.
pub fn enum_json(value: &EnumValue) -> Value {
    match value {
        EnumValue::Str(s) => json!(s),
        EnumValue::Num(n) => number(*n),
    }
}

/// The schema of a set of enum values: typed when they all share a type.
pub fn enum_schema<'a>(values: impl Iterator<Item = &'a EnumValue>) -> Value {
    let values: Vec<Value> = values.map(enum_json).collect();
    let all_strings = values.iter().all(Value::is_string);
    let all_numbers = values.iter().all(Value::is_number);
    match (all_strings, all_numbers) {
        (true, _) => json!({ "type": "string", "enum": values }),
        (_, true) => json!({ "type": "number", "enum": values }),
        _ => json!({ "enum": values }),
    }
}

/// A TypeScript number as JSON: integral values without a fraction (`5`, not `5.0`).
pub fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}
