//! Reading a coercion plan from an input schema: what each top-level field accepts, through
//! local `$ref`s and `allOf`/`anyOf`/`oneOf`.

use rustc_hash::FxHashMap;
use serde_json::Value;

use super::{CoercionPlan, FieldKind};

impl CoercionPlan {
    /// Reads the plan from an input schema (its top-level `properties`, following local
    /// `$ref`s and `allOf`/`anyOf`/`oneOf`).
    pub fn from_schema(schema: &Value) -> Self {
        let mut fields = FxHashMap::default();
        collect_properties(schema, schema, &mut fields, 0);
        Self { fields }
    }
}

const MAX_DEPTH: usize = 16;

fn collect_properties(
    root: &Value,
    schema: &Value,
    out: &mut FxHashMap<String, FieldKind>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let schema = resolve(root, schema);
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (key, prop) in props {
            let kind = out.entry(key.clone()).or_default();
            merge_kind(root, prop, kind, depth + 1);
        }
    }
    for combinator in ["allOf", "anyOf", "oneOf"] {
        if let Some(parts) = schema.get(combinator).and_then(Value::as_array) {
            for part in parts {
                collect_properties(root, part, out, depth + 1);
            }
        }
    }
}

fn merge_kind(root: &Value, schema: &Value, kind: &mut FieldKind, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let schema = resolve(root, schema);
    let Some(object) = schema.as_object() else {
        // `true` or an empty schema accepts anything, strings included.
        kind.string = true;
        return;
    };
    let mut typed = false;
    let mut add_type = |name: &str, kind: &mut FieldKind| {
        typed = true;
        match name {
            "string" => kind.string = true,
            "number" => kind.number = true,
            "integer" => kind.integer = true,
            "boolean" => kind.boolean = true,
            "array" => {
                let mut items = FieldKind::default();
                match object.get("items") {
                    Some(item_schema) => merge_kind(root, item_schema, &mut items, depth + 1),
                    None => items.string = true,
                }
                kind.array = Some(Box::new(items));
            }
            _ => {}
        }
    };
    match object.get("type") {
        Some(Value::String(name)) => add_type(name, kind),
        Some(Value::Array(names)) => {
            for name in names.iter().filter_map(Value::as_str) {
                add_type(name, kind);
            }
        }
        _ => {}
    }
    for literal_key in ["const", "enum"] {
        let literals: Vec<&Value> = match object.get(literal_key) {
            Some(Value::Array(values)) if literal_key == "enum" => values.iter().collect(),
            Some(value) if literal_key == "const" => vec![value],
            _ => continue,
        };
        typed = true;
        for literal in literals {
            match literal {
                Value::String(_) => kind.string = true,
                Value::Number(_) => kind.number = true,
                Value::Bool(_) => kind.boolean = true,
                _ => {}
            }
        }
    }
    let mut combined = false;
    for combinator in ["anyOf", "oneOf", "allOf"] {
        if let Some(parts) = object.get(combinator).and_then(Value::as_array) {
            combined = true;
            for part in parts {
                merge_kind(root, part, kind, depth + 1);
            }
        }
    }
    if !typed && !combined && !object.contains_key("$ref") {
        kind.string = true;
    }
}

/// Follows a local `$ref` (`#/$defs/Todo`) to its schema.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..MAX_DEPTH {
        match current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(pointer) => match root.pointer(pointer) {
                Some(target) => current = target,
                None => return current,
            },
            None => return current,
        }
    }
    current
}
