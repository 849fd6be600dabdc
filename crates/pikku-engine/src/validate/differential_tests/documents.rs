//! Random documents: any shape, or made to fit a schema most of the time.

use serde_json::{json, Map, Value};

use super::{Random, NAMES, WORDS};

/// A random document, often close to what schemas here accept.
pub(super) fn document(r: &mut Random, depth: u32) -> Value {
    match if depth > 3 { r.below(6) } else { r.below(8) } {
        0 => json!(*r.pick(&WORDS)),
        1 => json!(r.below(30) as i64 - 10),
        2 => json!(*r.pick(&[1.5, 2.0, -0.5, 1e20])),
        3 => json!(r.chance(50)),
        4 => Value::Null,
        5 => json!(r.pick(&[u64::MAX, 1 << 53, 3]).to_owned()),
        6 => Value::Array((0..r.below(4)).map(|_| document(r, depth + 1)).collect()),
        _ => Value::Object(
            (0..r.below(4))
                .map(|_| ((*r.pick(&NAMES)).to_owned(), document(r, depth + 1)))
                .collect(),
        ),
    }
}

/// A document made to fit `schema`, mostly; sometimes a random one in its place.
pub(super) fn fitting(r: &mut Random, schema: &Value, root: &Value, depth: u32) -> Value {
    if depth > 5 || r.chance(8) {
        return document(r, 3);
    }
    let Some(keywords) = schema.as_object() else {
        return document(r, 3);
    };
    if let Some(reference) = keywords.get("$ref").and_then(Value::as_str) {
        let target = root
            .pointer(&reference[1..])
            .cloned()
            .unwrap_or(Value::Null);
        return fitting(r, &target, root, depth + 1);
    }
    if let Some(value) = keywords.get("const") {
        return value.clone();
    }
    if let Some(Value::Array(choices)) = keywords.get("enum") {
        return r.pick(choices).clone();
    }
    for applicator in ["anyOf", "allOf"] {
        if let Some(Value::Array(branches)) = keywords.get(applicator) {
            let branch = r.pick(branches).clone();
            return fitting(r, &branch, root, depth + 1);
        }
    }
    let kind = match keywords.get("type") {
        Some(Value::Array(kinds)) => r.pick(kinds).as_str().unwrap_or("null").to_owned(),
        Some(Value::String(kind)) => kind.clone(),
        _ => return document(r, 3),
    };
    let number = |name: &str| keywords.get(name).and_then(Value::as_f64);
    match kind.as_str() {
        "string" => {
            let min = number("minLength").unwrap_or(0.0) as usize;
            let max = number("maxLength").unwrap_or(9.0) as usize;
            let fits: Vec<&str> = WORDS
                .iter()
                .copied()
                .filter(|w| (min..=max).contains(&w.chars().count()))
                .collect();
            if fits.is_empty() {
                json!("x".repeat(min))
            } else {
                json!(*r.pick(&fits))
            }
        }
        "integer" | "number" => {
            let low = number("minimum")
                .or(number("exclusiveMinimum"))
                .unwrap_or(-10.0);
            let high = number("maximum")
                .or(number("exclusiveMaximum"))
                .unwrap_or(20.0);
            let value = low.ceil() as i64 + r.below(((high - low).max(0.0) as u64) + 1) as i64;
            if kind == "number" && r.chance(20) {
                json!(value as f64 + 0.25)
            } else {
                json!(value)
            }
        }
        "boolean" => json!(r.chance(50)),
        "array" => {
            let min = number("minItems").unwrap_or(0.0) as u64;
            let max = number("maxItems").unwrap_or(3.0) as u64;
            let count = min + r.below(max.saturating_sub(min) + 1);
            let prefix = keywords.get("prefixItems").and_then(Value::as_array);
            (0..count as usize)
                .map(|i| {
                    let item = prefix
                        .and_then(|p| p.get(i))
                        .or(keywords.get("items"))
                        .cloned()
                        .unwrap_or(Value::Bool(true));
                    fitting(r, &item, root, depth + 1)
                })
                .collect()
        }
        "object" => {
            let mut map = Map::new();
            let required: Vec<String> = keywords
                .get("required")
                .and_then(Value::as_array)
                .map(|names| {
                    names
                        .iter()
                        .filter_map(|n| n.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(Value::Object(properties)) = keywords.get("properties") {
                for (name, property) in properties {
                    if required.contains(name) || r.chance(50) {
                        map.insert(name.clone(), fitting(r, property, root, depth + 1));
                    }
                }
            }
            for name in required {
                map.entry(name).or_insert_with(|| json!(1));
            }
            if r.chance(20) {
                map.insert((*r.pick(&NAMES)).to_owned(), document(r, 3));
            }
            Value::Object(map)
        }
        _ => Value::Null,
    }
}
