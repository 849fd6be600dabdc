//! Paths and operations: one per HTTP wiring, its parameters, body, responses and security.

use std::collections::{BTreeMap, BTreeSet};

use pikku_engine::config::{FunctionMeta, HttpWiringMeta, UploadMeta};
use pikku_engine::HttpMethod;
use serde_json::{json, Map, Value};

use super::components::Schemas;
use super::{component, sanitize, ERROR, ERRORS};

/// `/todos/:id/*rest` → `/todos/{id}/{rest}`.
pub fn openapi_path(route: &str) -> String {
    let segments = route.split('/').map(|segment| match param_name(segment) {
        Some(name) => format!("{{{name}}}"),
        None => segment.to_owned(),
    });
    segments.collect::<Vec<_>>().join("/")
}

fn param_name(segment: &str) -> Option<&str> {
    let name = segment.strip_prefix(':').or(segment.strip_prefix('*'));
    name.filter(|n| !n.is_empty())
}

/// The function name, or `name_method_route` for a function wired more than once; unique.
pub(super) fn operation_ids(http: &[HttpWiringMeta]) -> Vec<String> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for wiring in http {
        *count.entry(&wiring.function).or_default() += 1;
    }
    let mut used = BTreeSet::new();
    let id = |wiring: &HttpWiringMeta| {
        let mut base = sanitize(&wiring.function);
        if count[wiring.function.as_str()] > 1 {
            base = format!("{base}_{}", wiring.method.as_upper().to_ascii_lowercase());
            for segment in wiring.route.split('/').filter(|s| !s.is_empty()) {
                let segment = sanitize(segment.trim_start_matches([':', '*']));
                base = format!("{base}_{segment}");
            }
        }
        let (mut id, mut n) = (base.clone(), 2);
        while !used.insert(id.clone()) {
            (id, n) = (format!("{base}_{n}"), n + 1);
        }
        id
    };
    http.iter().map(id).collect()
}

impl Schemas {
    pub(super) fn operation(
        &self,
        wiring: &HttpWiringMeta,
        id: &str,
        function: &FunctionMeta,
    ) -> Value {
        let known = |name: &Option<String>| {
            let name = name.as_deref().map(sanitize);
            name.filter(|name| self.out.contains_key(name))
        };
        let input = known(&function.input_schema);
        let path: Vec<&str> = wiring.route.split('/').filter_map(param_name).collect();
        let object = input.as_deref().and_then(|name| self.object(name));
        let field = |key: &str| object.and_then(|o| o.get(key));
        let properties = field("properties").and_then(Value::as_object).cloned();
        let required = field("required").and_then(Value::as_array).cloned();
        let required: Vec<Value> = required.unwrap_or_default();
        let is_required = |key: &str| required.contains(&json!(key));
        let mut properties = properties.unwrap_or_default();
        let mut parameters = Vec::new();
        for name in &path {
            let schema = properties.remove(*name);
            let schema = schema.unwrap_or_else(|| json!({ "type": "string" }));
            parameters.push(parameter(name, "path", schema, true));
        }
        let body_method = matches!(
            wiring.method,
            HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch
        );
        let mut body = None;
        match (&input, object) {
            (Some(name), None) if body_method => body = Some((component(name), true)),
            (Some(name), None) => {
                let mut whole = parameter("input", "query", component(name), false);
                (whole["style"], whole["explode"]) = (json!("form"), json!(true));
                parameters.push(whole);
            }
            (Some(_), Some(_)) if !body_method => {
                for (key, schema) in &properties {
                    let required = is_required(key);
                    parameters.push(parameter(key, "query", schema.clone(), required));
                }
            }
            (Some(name), Some(object)) if !properties.is_empty() => {
                let names: Vec<&String> = properties.keys().filter(|k| is_required(k)).collect();
                let mut schema = component(name);
                if !path.is_empty() {
                    // The input object without its path params (the body's own schema).
                    let mut rest = object.clone();
                    rest.insert("properties".into(), json!(properties));
                    rest.remove("required");
                    if !names.is_empty() {
                        rest.insert("required".into(), json!(names));
                    }
                    schema = Value::Object(rest);
                }
                body = Some((schema, !names.is_empty()));
            }
            _ => {}
        }
        let mut responses = Map::new();
        if wiring.sse {
            // Each event's `data` is the output as JSON (OpenAPI 3.1 has no event-stream schema).
            let mut stream = json!({ "schema": { "type": "string" } });
            if let Some(name) = known(&function.output_schema) {
                stream["x-pikku-event"] = component(&name);
            }
            let content = json!({ "text/event-stream": stream });
            let ok = json!({ "description": "A stream of server-sent events, each one's data the output as JSON", "content": content });
            responses.insert("200".into(), ok);
            responses.insert(
                "204".into(),
                json!({ "description": "Nothing to stream: the client stops" }),
            );
        } else if let Some(name) = known(&function.output_schema) {
            let content = json!({ "application/json": { "schema": component(&name) } });
            let ok = json!({ "description": "Success", "content": content });
            responses.insert("200".into(), ok);
        } else {
            let none = json!({ "description": "Success, no content" });
            responses.insert("204".into(), none);
        }
        let auth = wiring.auth.unwrap_or(true);
        for (status, name, _) in ERRORS {
            let applies = match status {
                "401" => auth,
                "405" => false,
                "413" | "415" => body.is_some(),
                "422" => input.is_some(),
                _ => true,
            };
            if applies {
                let reference = json!({ "$ref": format!("#/components/responses/{name}") });
                responses.insert(status.into(), reference);
            }
        }
        let mut operation = json!({ "operationId": id, "responses": responses });
        describe(&mut operation, function, &wiring.tags);
        if !parameters.is_empty() {
            operation["parameters"] = Value::Array(parameters);
        }
        if let Some(upload) = &wiring.upload {
            let required: Vec<&String> = properties.keys().filter(|k| is_required(k)).collect();
            operation["requestBody"] = upload_body(&properties, &required, upload);
        } else if let Some((schema, required)) = body {
            operation["requestBody"] = json!({ "required": required, "content": {
                "application/json": { "schema": schema },
                "application/x-www-form-urlencoded": { "schema": schema } } });
        }
        // Without any scheme there is nothing to require (the engine still answers 401).
        if !self.requirement.is_empty() {
            operation["security"] = match auth {
                true => Value::Array(self.requirement.clone()),
                false => json!([]),
            };
        }
        operation
    }
}

impl Schemas {
    /// `POST /rpc/<name>` of an exposed function: its input as the body's `data`.
    pub(super) fn rpc_operation(&self, name: &str, function: &FunctionMeta) -> Value {
        let known = |schema: &Option<String>| {
            let schema = schema.as_deref().map(sanitize);
            schema.filter(|schema| self.out.contains_key(schema))
        };
        let mut body = json!({ "type": "object", "additionalProperties": false, "properties": {} });
        if let Some(input) = known(&function.input_schema) {
            body["properties"]["data"] = component(&input);
            let required = (self.object(&input))
                .and_then(|o| o.get("required"))
                .and_then(Value::as_array)
                .is_some_and(|r| !r.is_empty());
            if required {
                body["required"] = json!(["data"]);
            }
        }
        let mut responses = Map::new();
        match known(&function.output_schema) {
            Some(output) => {
                let content = json!({ "application/json": { "schema": component(&output) } });
                responses.insert(
                    "200".into(),
                    json!({ "description": "Success", "content": content }),
                );
            }
            None => {
                responses.insert(
                    "204".into(),
                    json!({ "description": "Success, no content" }),
                );
            }
        }
        for (status, error, _) in ERRORS {
            let applies = match status {
                "401" => !function.sessionless,
                "405" => false,
                _ => true,
            };
            if applies {
                let reference = json!({ "$ref": format!("#/components/responses/{error}") });
                responses.insert(status.into(), reference);
            }
        }
        let content = json!({ "application/json": { "schema": body } });
        let mut operation = json!({
            "operationId": format!("rpc_{}", sanitize(name)),
            "description": format!("Calls `{name}` by name (`expose: true`)."),
            "requestBody": { "required": true, "content": content },
            "responses": responses,
        });
        describe(&mut operation, function, &[]);
        if !self.requirement.is_empty() {
            operation["security"] = match function.sessionless {
                false => Value::Array(self.requirement.clone()),
                true => json!([]),
            };
        }
        operation
    }
}

/// An upload route's body: a form of the input's fields (without path params) and the file
/// fields as binary (any other name, when the route names none), or one file as
/// `application/octet-stream`.
fn upload_body(fields: &Map<String, Value>, required: &[&String], upload: &UploadMeta) -> Value {
    let binary = json!({ "type": "string", "format": "binary" });
    let mut properties = fields.clone();
    for field in &upload.file_fields {
        properties.insert(field.clone(), binary.clone());
    }
    let mut form = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        form["required"] = json!(required);
    }
    form["additionalProperties"] = match upload.file_fields.is_empty() {
        true => binary.clone(),
        false => json!(false),
    };
    json!({ "required": true, "content": {
        "multipart/form-data": { "schema": form },
        "application/octet-stream": { "schema": binary } } })
}

/// What the function says about itself: `summary`, `description`, tags (its routes' first),
/// `deprecated`, and a response for each Pikku error it declares.
fn describe(operation: &mut Value, function: &FunctionMeta, route_tags: &[String]) {
    if let Some(title) = &function.title {
        operation["summary"] = json!(title);
    }
    if let Some(description) = &function.description {
        operation["description"] = json!(description);
    }
    let mut tags = route_tags.to_vec();
    for tag in &function.tags {
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    if !tags.is_empty() {
        operation["tags"] = json!(tags);
    }
    if function.deprecated {
        operation["deprecated"] = json!(true);
    }
    for error in &function.errors {
        let Some(kind) = pikku_engine::error::ERROR_TABLE
            .iter()
            .find(|k| k.name == error)
        else {
            continue; // warned about by the inspector
        };
        let status = kind.status.to_string();
        if operation["responses"].get(&status).is_none() {
            let content = json!({ "application/json": { "schema": component(ERROR) } });
            operation["responses"][status.as_str()] = json!({ "description": format!("{} ({})", kind.message, kind.name), "content": content });
        }
    }
}

fn parameter(name: &str, location: &str, schema: Value, required: bool) -> Value {
    let mut parameter = json!({ "name": name, "in": location, "required": required });
    if let Some(description) = schema.get("description") {
        parameter["description"] = description.clone();
    }
    parameter["schema"] = schema;
    parameter
}
