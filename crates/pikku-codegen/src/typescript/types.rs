//! Writing a schema as TypeScript type text: references by their emitted names, literals,
//! unions, arrays, tuples and objects.

use serde_json::Value;

use super::TypeNames;

impl TypeNames {
    /// The TypeScript type of `schema`, whose `$ref`s point into the `$defs` of `owner`.
    pub fn type_of(&self, owner: &str, schema: &Value) -> String {
        let Some(object) = schema.as_object() else {
            return if *schema == Value::Bool(false) {
                "never".into()
            } else {
                "unknown".into()
            };
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap_or(reference);
            // The schema's own `$defs` first, then the shared ones.
            let own = || self.owned.get(&(owner.to_owned(), name.to_owned()));
            return (if self.owned.is_empty() { None } else { own() })
                .or_else(|| self.shared.get(name))
                .cloned()
                .unwrap_or_else(|| name.to_owned());
        }
        if let Some(value) = object.get("const") {
            return literal(value);
        }
        if let Some(values) = object.get("enum").and_then(Value::as_array) {
            return union(values.iter().map(literal).collect());
        }
        for combinator in ["anyOf", "oneOf"] {
            if let Some(options) = object.get(combinator).and_then(Value::as_array) {
                return union(options.iter().map(|o| self.type_of(owner, o)).collect());
            }
        }
        if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
            // Parts that only constrain (`{ pattern }`, as Zod writes a second pattern) add no
            // type to the schema's own `type`.
            let mut types: Vec<String> = parts
                .iter()
                .map(|p| self.type_of(owner, p))
                .filter(|t| t != "unknown")
                .collect();
            if object.contains_key("type") {
                let mut own = object.clone();
                own.remove("allOf");
                types.insert(0, self.type_of(owner, &Value::Object(own)));
            }
            return match types.len() {
                0 => "unknown".into(),
                _ => types.join(" & "),
            };
        }
        if object
            .get("not")
            .is_some_and(|n| n.as_object().is_some_and(|o| o.is_empty()))
        {
            return "never".into();
        }
        match object.get("type") {
            Some(Value::Array(types)) => union(
                types
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|t| self.of_type(owner, object, t))
                    .collect(),
            ),
            Some(Value::String(t)) => self.of_type(owner, object, t),
            _ => "unknown".into(),
        }
    }

    fn of_type(&self, owner: &str, object: &serde_json::Map<String, Value>, ty: &str) -> String {
        match ty {
            "string" => "string".into(),
            "number" | "integer" => "number".into(),
            "boolean" => "boolean".into(),
            "null" => "null".into(),
            "array" => self.array(owner, object),
            "object" => self.object(owner, object),
            _ => "unknown".into(),
        }
    }

    fn array(&self, owner: &str, object: &serde_json::Map<String, Value>) -> String {
        if let Some(prefix) = object.get("prefixItems").and_then(Value::as_array) {
            let min = object.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
            let mut items: Vec<String> = prefix
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let ty = self.type_of(owner, item);
                    if i < min {
                        ty
                    } else {
                        format!("{ty}?")
                    }
                })
                .collect();
            match object.get("items") {
                Some(Value::Bool(false)) | None => {}
                Some(rest) => items.push(format!("...{}[]", wrap(&self.type_of(owner, rest)))),
            }
            return format!("[{}]", items.join(", "));
        }
        match object.get("items") {
            Some(items) => format!("{}[]", wrap(&self.type_of(owner, items))),
            None => "unknown[]".into(),
        }
    }

    fn object(&self, owner: &str, object: &serde_json::Map<String, Value>) -> String {
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut members = Vec::new();
        if let Some(properties) = object.get("properties").and_then(Value::as_object) {
            for (key, property) in properties {
                let optional = if required.contains(&key.as_str()) {
                    ""
                } else {
                    "?"
                };
                members.push(format!(
                    "{}{optional}: {}",
                    property_key(key),
                    self.type_of(owner, property)
                ));
            }
        }
        match object.get("additionalProperties") {
            Some(Value::Bool(false)) => {}
            Some(Value::Bool(true)) | None => members.push("[key: string]: unknown".into()),
            Some(schema) => members.push(format!("[key: string]: {}", self.type_of(owner, schema))),
        }
        if members.is_empty() {
            return "Record<string, never>".into();
        }
        format!("{{ {} }}", members.join("; "))
    }
}

fn literal(value: &Value) -> String {
    value.to_string()
}

fn union(mut types: Vec<String>) -> String {
    types.dedup();
    match types.len() {
        0 => "never".into(),
        1 => types.pop().unwrap_or_default(),
        _ => types.join(" | "),
    }
}

/// Parenthesises a union before `[]`.
fn wrap(ty: &str) -> String {
    if ty.contains(" | ") || ty.contains(" & ") {
        format!("({ty})")
    } else {
        ty.to_owned()
    }
}

fn property_key(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if plain {
        key.to_owned()
    } else {
        Value::String(key.to_owned()).to_string()
    }
}
