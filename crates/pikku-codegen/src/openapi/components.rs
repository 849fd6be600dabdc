//! `components`: the metadata schemas with their `$defs` hoisted beside them (renamed on a
//! clash, `$ref`s rewritten), and the shared error responses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::{component, sanitize, ERROR, ERRORS, VALIDATION};

/// `components/responses`: every error answer carries an `ErrorBody`.
pub(super) fn error_responses() -> Map<String, Value> {
    let mut responses = Map::new();
    for (status, name, description) in ERRORS {
        let body = if status == "422" { VALIDATION } else { ERROR };
        let content = json!({ "application/json": { "schema": component(body) } });
        let mut response = json!({ "description": description, "content": content });
        if status == "405" {
            let allow = json!({ "description": "Wired methods", "schema": { "type": "string" } });
            response["headers"] = json!({ "Allow": allow });
        }
        responses.insert(name.into(), response);
    }
    responses
}

/// `components/schemas` being built: metadata schemas under their names, their `$defs` hoisted.
pub(super) struct Schemas {
    pub(super) out: Map<String, Value>,
    /// Names a hoisted `$defs` entry may not take (metadata schemas, the error bodies).
    pub(super) reserved: BTreeSet<String>,
    /// The `security` of an operation that needs a session: any one of the schemes.
    pub(super) requirement: Vec<Value>,
}

impl Schemas {
    /// Adds metadata schema `name`: each `$defs` entry keeps its name when that is free or holds
    /// the same schema, else takes `Name_2`, `Name_3`…; `$ref`s are rewritten to components.
    pub(super) fn add(&mut self, name: &str, schema: &Value) {
        let root = sanitize(name);
        let defs = schema.get("$defs").and_then(Value::as_object).cloned();
        let defs = defs.unwrap_or_default();
        let mut names: BTreeMap<String, String> =
            defs.keys().map(|k| (k.clone(), sanitize(k))).collect();
        let mut changed = true;
        while changed {
            changed = false;
            for (def, body) in &defs {
                let target = names[def].clone();
                let rewritten = rewrite(body, &names, &root);
                let differs = self.out.get(&target).is_some_and(|v| *v != rewritten);
                let twice = names.iter().any(|(other, t)| other < def && *t == target);
                if self.reserved.contains(&target) || differs || twice {
                    let mut n = 2;
                    while self.taken(&format!("{target}_{n}"), &names) {
                        n += 1;
                    }
                    names.insert(def.clone(), format!("{target}_{n}"));
                    changed = true;
                }
            }
        }
        for (def, body) in &defs {
            let body = rewrite(body, &names, &root);
            self.out.insert(names[def].clone(), body);
        }
        let mut top = schema.clone();
        if let Some(object) = top.as_object_mut() {
            object.remove("$defs");
        }
        let top = rewrite(&top, &names, &root);
        self.out.insert(root, top);
    }

    fn taken(&self, candidate: &str, names: &BTreeMap<String, String>) -> bool {
        self.reserved.contains(candidate)
            || self.out.contains_key(candidate)
            || names.values().any(|t| t == candidate)
    }

    /// The object schema (with `properties`) that component `name` is or refers to.
    pub(super) fn object(&self, name: &str) -> Option<&Map<String, Value>> {
        let mut schema = self.out.get(name)?;
        for _ in 0..16 {
            if schema.get("properties").is_some_and(Value::is_object) {
                return schema.as_object();
            }
            let target = schema.get("$ref")?.as_str()?;
            let target = target.strip_prefix("#/components/schemas/")?;
            schema = self.out.get(target)?;
        }
        None
    }
}

/// Rewrites `#/$defs/X…` to `#/components/schemas/<names[X]>…` and `#` to the root's component.
fn rewrite(value: &Value, names: &BTreeMap<String, String>, root: &str) -> Value {
    let one = |(key, v): (&String, &Value)| match (key.as_str(), v) {
        ("$ref", Value::String(r)) => (key.clone(), json!(rewrite_ref(r, names, root))),
        _ => (key.clone(), rewrite(v, names, root)),
    };
    match value {
        Value::Object(map) => Value::Object(map.iter().map(one).collect()),
        Value::Array(items) => items.iter().map(|v| rewrite(v, names, root)).collect(),
        other => other.clone(),
    }
}

fn rewrite_ref(reference: &str, names: &BTreeMap<String, String>, root: &str) -> String {
    if reference == "#" {
        return format!("#/components/schemas/{root}");
    }
    if let Some(pointer) = reference.strip_prefix("#/$defs/") {
        let (head, tail) = pointer.split_at(pointer.find('/').unwrap_or(pointer.len()));
        if let Some(target) = names.get(&head.replace("~1", "/").replace("~0", "~")) {
            return format!("#/components/schemas/{target}{tail}");
        }
    }
    reference.to_owned()
}
