//! Rendering a read schema as the JSON Schema Zod's own `z.toJSONSchema` writes for it.

use serde_json::{json, Map, Value};

use super::schema::{num, optional_in, peel, Catchall, Z};
use crate::resolve::DefTable;
use pikku_engine::shared_defs::DEFS_PREFIX;

/// The JSON Schema Zod's `toJSONSchema` (io `input`, draft 2020-12) writes for `z`.
pub(super) fn render(z: &Z, defs: &mut DefTable) -> Value {
    let mut out = match z {
        Z::String(c) => {
            let mut s = json!({ "type": "string" });
            if let Some(min) = c.min {
                s["minLength"] = num(min);
            }
            if let Some(max) = c.max {
                s["maxLength"] = num(max);
            }
            let format = match c.format {
                Some("url") => Some("uri"),
                Some("datetime") => Some("date-time"),
                Some("regex") | None => None,
                Some(other) => Some(other),
            };
            if let Some(format) = format {
                s["format"] = json!(format);
            }
            match c.patterns.as_slice() {
                [] => {}
                [one] => s["pattern"] = json!(one),
                many => {
                    s["allOf"] = many.iter().map(|p| json!({ "pattern": p })).collect();
                }
            }
            s
        }
        Z::Number(c) => {
            let mut s = json!({ "type": if c.int { "integer" } else { "number" } });
            let ex_min = c
                .exclusive_min
                .filter(|e| *e >= c.min.unwrap_or(f64::NEG_INFINITY));
            let ex_max = c
                .exclusive_max
                .filter(|e| *e <= c.max.unwrap_or(f64::INFINITY));
            match (ex_min, c.min) {
                (Some(e), _) => s["exclusiveMinimum"] = num(e),
                (None, Some(m)) => s["minimum"] = num(m),
                _ => {}
            }
            match (ex_max, c.max) {
                (Some(e), _) => s["exclusiveMaximum"] = num(e),
                (None, Some(m)) => s["maximum"] = num(m),
                _ => {}
            }
            if let Some((first, rest)) = c.multiple_of.split_first() {
                s["multipleOf"] = num(*first);
                if !rest.is_empty() {
                    s["allOf"] = rest
                        .iter()
                        .map(|m| json!({ "multipleOf": num(*m) }))
                        .collect();
                }
            }
            s
        }
        Z::Boolean => json!({ "type": "boolean" }),
        Z::Null => json!({ "type": "null" }),
        Z::Any => json!({}),
        Z::Enum(values) => {
            let mut s = json!({ "enum": values });
            if values.is_empty() {
                return json!({ "not": {} });
            }
            if let Some(t) = common_type(values) {
                s["type"] = json!(t);
            }
            s
        }
        Z::Literal(values) => match values.as_slice() {
            [] => json!({ "not": {} }),
            [one] => json!({ "type": json_type(one), "const": one }),
            many => {
                let mut s = json!({ "enum": many });
                if let Some(t) = common_type(many) {
                    s["type"] = json!(t);
                }
                s
            }
        },
        Z::Array { item, min, max } => {
            let mut s = json!({ "type": "array", "items": render(item, defs) });
            if let Some(min) = min {
                s["minItems"] = num(*min);
            }
            if let Some(max) = max {
                s["maxItems"] = num(*max);
            }
            s
        }
        Z::Tuple { items, rest } => {
            let mut s = json!({
                "type": "array",
                "prefixItems": items.iter().map(|z| render(z, defs)).collect::<Vec<_>>(),
            });
            let mut min = items.len();
            while min > 0 && optional_in(&items[min - 1]) {
                min -= 1;
            }
            match rest {
                Some(rest) => s["items"] = render(rest, defs),
                None => {
                    s["items"] = json!(false);
                    s["maxItems"] = json!(items.len());
                }
            }
            if min > 0 {
                s["minItems"] = json!(min);
            }
            s
        }
        Z::Record { key, value } => {
            let mut s = json!({
                "type": "object",
                "propertyNames": render(key, defs),
                "additionalProperties": render(value, defs),
            });
            let keys = match peel((**key).clone()) {
                Z::Enum(values) | Z::Literal(values) => values,
                _ => Vec::new(),
            };
            let keys: Vec<Value> = keys
                .iter()
                .filter_map(|v| match v {
                    Value::String(_) => Some(v.clone()),
                    Value::Number(n) => Some(json!(n.to_string())),
                    _ => None,
                })
                .collect();
            if !keys.is_empty() && !optional_in(value) {
                s["required"] = json!(keys);
            }
            s
        }
        Z::Object { shape, catchall } => {
            let properties: Map<String, Value> = shape
                .iter()
                .map(|(k, z)| (k.clone(), render(z, defs)))
                .collect();
            let required: Vec<&String> = shape
                .iter()
                .filter(|(_, z)| !optional_in(z))
                .map(|(k, _)| k)
                .collect();
            let mut s = json!({ "type": "object", "properties": properties });
            if !required.is_empty() {
                s["required"] = json!(required);
            }
            match catchall {
                Catchall::Strip => {}
                Catchall::Never => s["additionalProperties"] = json!(false),
                Catchall::Schema(z) => s["additionalProperties"] = render(z, defs),
            }
            s
        }
        Z::Union { options, exclusive } => {
            let options: Vec<Value> = options.iter().map(|z| render(z, defs)).collect();
            if *exclusive {
                json!({ "oneOf": options })
            } else {
                json!({ "anyOf": options })
            }
        }
        Z::Optional(inner) => render(inner, defs),
        Z::Nullable(inner) => json!({ "anyOf": [render(inner, defs), { "type": "null" }] }),
        Z::Default(inner, value) => {
            let mut s = render(inner, defs);
            if let Some(object) = s.as_object_mut() {
                object.insert("default".into(), value.clone());
            }
            s
        }
        Z::Named(named) => {
            let name = defs.value_def(named.file, &named.name, |defs| render(&named.z, defs));
            json!({ "$ref": format!("{DEFS_PREFIX}{name}") })
        }
        Z::Described(inner, text) => {
            let mut s = render(inner, defs);
            if let Some(object) = s.as_object_mut() {
                object.insert("description".into(), json!(text));
            }
            s
        }
    };
    compact_type_union(&mut out);
    out
}

/// Zod's last step: `anyOf` of bare `{ type }` branches becomes one `type` (a list if several).
fn compact_type_union(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if object.contains_key("type") {
        return;
    }
    let Some(Value::Array(options)) = object.get("anyOf") else {
        return;
    };
    if options.is_empty() {
        return;
    }
    let mut types: Vec<Value> = Vec::new();
    for option in options {
        let Some(o) = option.as_object() else {
            return;
        };
        if o.len() != 1 {
            return;
        }
        let Some(t) = o.get("type") else {
            return;
        };
        let members = match t {
            Value::Array(list) => list.clone(),
            one => vec![one.clone()],
        };
        for member in members {
            if !member.is_string() {
                return;
            }
            if !types.contains(&member) {
                types.push(member);
            }
        }
    }
    object.remove("anyOf");
    let t = if types.len() == 1 {
        types.pop().unwrap_or_default()
    } else {
        Value::Array(types)
    };
    object.insert("type".into(), t);
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `number`, `string`, `boolean` or `null` when every value is of it.
fn common_type(values: &[Value]) -> Option<&'static str> {
    let first = json_type(values.first()?);
    (values.iter().all(|v| json_type(v) == first) && first != "array" && first != "object")
        .then_some(first)
}
