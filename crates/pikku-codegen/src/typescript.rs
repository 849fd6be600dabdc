//! JSON Schema back to TypeScript types, for the generated clients: what the schema accepts
//! is exactly what the client's types accept.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::schema_text::SchemaText;
use crate::text_cache::TextCache;

/// Named types shared by all schemas (their `$defs`), declared once each.
#[derive(Debug, Default)]
pub struct TypeNames {
    /// Emitted name → TypeScript type text.
    pub declarations: BTreeMap<String, String>,
    /// Shared `$defs` name → emitted name.
    shared: HashMap<String, String>,
    /// (schema name, name in the schema's own `$defs`) → emitted name.
    owned: HashMap<(String, String), String>,
    /// Names taken by the schemas themselves (`GetTodoInput`).
    reserved: std::collections::BTreeSet<String>,
}

impl TypeNames {
    /// Reserves the names of the schemas themselves, so that no `$defs` entry takes them.
    pub fn reserve<'a>(&mut self, names: impl IntoIterator<Item = &'a String>) {
        self.reserved.extend(names.into_iter().cloned());
    }

    /// Registers the definitions the metadata's schemas share (`#/$defs/Name`), renaming one
    /// named like a schema unless that schema is just a reference to it.
    ///
    /// `texts` holds each definition's type text by name: those not `changed` are taken from
    /// it (an earlier run made them among the same names).
    pub fn add_shared(
        &mut self,
        defs: &BTreeMap<String, SchemaText>,
        schemas: &BTreeMap<String, SchemaText>,
        texts: &mut TextCache,
        changed: impl Fn(&str) -> bool,
    ) {
        for name in defs.keys() {
            let mut emitted = name.clone();
            let mut n = 2;
            let is_itself = |candidate: &str| {
                (schemas.get(candidate).and_then(SchemaText::top_ref))
                    .is_some_and(|r| r.strip_prefix("#/$defs/") == Some(name.as_str()))
            };
            while self.reserved.contains(&emitted) && !is_itself(&emitted) {
                emitted = format!("{name}{n}");
                n += 1;
            }
            self.shared.insert(name.clone(), emitted);
        }
        for (name, def) in defs {
            let emitted = self.shared[name].clone();
            let text = texts.text(name, changed(name), || self.type_of("", &def.value()));
            self.declarations.entry(emitted).or_insert(text);
        }
        texts.end_run();
    }

    /// Registers the `$defs` of schema `owner`, renaming a name already taken by other content
    /// (or by another schema). A definition named like its own schema keeps the name.
    pub fn add_defs(&mut self, owner: &str, schema: &Value) {
        let Some(defs) = schema.get("$defs").and_then(Value::as_object) else {
            return;
        };
        for name in defs.keys() {
            let mut emitted = name.clone();
            let mut n = 2;
            // The inspector names every `$defs` entry once per run (one name, one content), so
            // a known name is the same type; only the schemas' own names must be avoided.
            let taken = |names: &Self, candidate: &str| {
                names.reserved.contains(candidate) && candidate != owner
            };
            while taken(self, &emitted) {
                emitted = format!("{name}{n}");
                n += 1;
            }
            self.owned.insert((owner.to_owned(), name.clone()), emitted);
        }
        for (name, def) in defs {
            let emitted = self.owned[&(owner.to_owned(), name.clone())].clone();
            if !self.declarations.contains_key(&emitted) {
                let text = self.type_of(owner, def);
                self.declarations.insert(emitted, text);
            }
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schemas_become_types() {
        let names = TypeNames::default();
        let t = |s: Value| names.type_of("X", &s);
        assert_eq!(
            t(json!({"type": "string", "enum": ["a", "b"]})),
            r#""a" | "b""#
        );
        assert_eq!(
            t(json!({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "null"}]}})),
            "(string | null)[]"
        );
        assert_eq!(
            t(
                json!({"type": "object", "properties": {"id": {"type": "integer"}, "my-key": {"type": "boolean"}}, "required": ["id"], "additionalProperties": false})
            ),
            r#"{ id: number; "my-key"?: boolean }"#
        );
        assert_eq!(
            t(json!({"type": "object", "additionalProperties": {"type": "number"}})),
            "{ [key: string]: number }"
        );
        assert_eq!(
            t(
                json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}], "minItems": 1, "items": false})
            ),
            "[string, number?]"
        );
        assert_eq!(
            t(json!({"type": "string", "allOf": [{"pattern": "a"}, {"pattern": "b"}]})),
            "string"
        );
    }

    #[test]
    fn defs_are_shared_and_renamed_off_schema_names() {
        let mut names = TypeNames::default();
        names.reserve([&"GetInput".to_owned(), &"ListInput".to_owned()]);
        names.add_defs(
            "GetInput",
            &json!({"$defs": {"Todo": {"type": "string"}, "ListInput": {"type": "number"}}}),
        );
        names.add_defs(
            "ListInput",
            &json!({"$defs": {"Todo": {"type": "string"}, "ListInput": {"type": "number"}}}),
        );
        assert_eq!(names.declarations.len(), 3);
        assert_eq!(
            names.type_of("GetInput", &json!({"$ref": "#/$defs/ListInput"})),
            "ListInput2"
        );
        assert_eq!(
            names.type_of("ListInput", &json!({"$ref": "#/$defs/ListInput"})),
            "ListInput"
        );
        assert_eq!(
            names.type_of("ListInput", &json!({"$ref": "#/$defs/Todo"})),
            "Todo"
        );
    }
}
