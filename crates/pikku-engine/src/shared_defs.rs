//! Definitions shared by many schemas. The metadata file keeps each named type once, at the
//! top (`$defs`), and its schemas point at them with `#/$defs/Name`; a validator needs a
//! schema that carries what it refers to, so the ones it reaches are attached before compiling.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Where a shared definition is referenced from.
pub const DEFS_PREFIX: &str = "#/$defs/";

/// `schema` with the shared definitions it reaches (directly or through other definitions)
/// in its `$defs`; a definition of its own with the same name wins.
pub fn with_shared_defs(schema: &Value, shared: &BTreeMap<String, Value>) -> Value {
    let own = schema.get("$defs").and_then(Value::as_object);
    let reached = reachable(schema, shared, own);
    if reached.is_empty() {
        return schema.clone();
    }
    let mut schema = schema.clone();
    match schema.as_object_mut() {
        Some(object) => {
            let defs = object
                .entry("$defs")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(defs) = defs.as_object_mut() {
                defs.extend(reached);
            }
            schema
        }
        // `true` / `false` refer to nothing; kept for completeness.
        None => schema,
    }
}

/// The shared definitions `root` reaches, by name, leaving out those `own` defines.
pub fn reachable(
    root: &Value,
    shared: &BTreeMap<String, Value>,
    own: Option<&Map<String, Value>>,
) -> Map<String, Value> {
    let mut reached = Map::new();
    let mut pending = vec![root];
    let mut names = Vec::new();
    while let Some(schema) = pending.pop() {
        names.clear();
        referenced_names(schema, &mut names);
        for name in names.drain(..) {
            if reached.contains_key(name) || own.is_some_and(|own| own.contains_key(name)) {
                continue;
            }
            if let Some(def) = shared.get(name) {
                reached.insert(name.to_owned(), def.clone());
                pending.push(def);
            }
        }
    }
    reached
}

/// The names of every `#/$defs/…` reference inside `schema`.
pub fn referenced_names<'v>(schema: &'v Value, out: &mut Vec<&'v str>) {
    match schema {
        Value::Object(map) => {
            if let Some(name) =
                (map.get("$ref").and_then(Value::as_str)).and_then(|r| r.strip_prefix(DEFS_PREFIX))
            {
                // `#/$defs/Todo/properties/id` points into `Todo`.
                out.push(name.split('/').next().unwrap_or(name));
            }
            map.values().for_each(|v| referenced_names(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| referenced_names(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attaches_what_the_schema_reaches_and_nothing_else() {
        let shared: BTreeMap<String, Value> = serde_json::from_value(json!({
            "Todo": { "type": "object", "properties": { "tag": { "$ref": "#/$defs/Tag" } } },
            "Tag": { "type": "string" },
            "Unused": { "type": "number" }
        }))
        .unwrap();
        let schema = json!({ "type": "array", "items": { "$ref": "#/$defs/Todo" } });
        let full = with_shared_defs(&schema, &shared);
        let defs = full["$defs"].as_object().unwrap();
        assert_eq!(defs.keys().collect::<Vec<_>>(), ["Tag", "Todo"], "{full}");
        let plain = json!({ "type": "string" });
        assert_eq!(with_shared_defs(&plain, &shared), plain);
    }

    #[test]
    fn the_engine_validates_with_the_shared_definitions() {
        let config: crate::EngineConfig = serde_json::from_value(json!({
            "routes": [{ "method": "post", "route": "/todos", "auth": false, "inputSchema": "In" }],
            "schemas": {
                "In": { "$ref": "#/$defs/Todo" },
                // An output schema is never compiled: a bad one does not stop the engine.
                "Out": { "type": 12 }
            },
            "$defs": { "Todo": { "type": "object", "required": ["title"],
                "properties": { "title": { "type": "string", "minLength": 2 } } } }
        }))
        .unwrap();
        let engine = crate::Engine::new(config).unwrap();
        let answer = |body: &str| {
            let request = crate::HttpRequest {
                method: "POST",
                url: "/todos",
                content_type: Some("application/json"),
                has_session: false,
                authorization: None,
                cookie: None,
                api_key: None,
                body: body.as_bytes(),
                body_too_large: false,
            };
            crate::wire::encode(&engine.handle(&request), None)
        };
        assert_eq!(answer(r#"{"title":"ok"}"#), r#"[0,{"title":"ok"}]"#);
        let refused = answer(r#"{"title":"x"}"#);
        assert!(refused.starts_with("[-422,"), "{refused}");
        assert!(refused.contains("/title"), "{refused}");
    }

    #[test]
    fn a_schema_own_definition_wins() {
        let shared: BTreeMap<String, Value> =
            serde_json::from_value(json!({ "Tag": { "type": "string" } })).unwrap();
        let schema = json!({ "$ref": "#/$defs/Tag", "$defs": { "Tag": { "type": "integer" } } });
        assert_eq!(with_shared_defs(&schema, &shared), schema);
    }
}
