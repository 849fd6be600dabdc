//! The OpenAPI 3.1 document: one operation per HTTP wiring, described as the engine answers it
//! (path params, query or body input with their real types, 200/204, the error table, auth).

use std::collections::{BTreeMap, BTreeSet};

use pikku_engine::config::{FunctionMeta, HttpWiringMeta};
use pikku_engine::shared_defs::with_shared_defs;
use pikku_engine::HttpMethod;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::app_config::SessionSource;
use crate::metadata::Metadata;

/// The document's `info` (from `pikku.config.json`, key `openapi.info`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpenApiInfo {
    pub title: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The error body schema (`ErrorBody` of the contract) and the 422's, in `components/schemas`.
const ERROR: &str = "ErrorBody";
const VALIDATION: &str = "ValidationErrorBody";
/// Error responses: status, name in `components/responses`, description.
const ERRORS: [(&str, &str, &str); 8] = [
    ("400", "BadRequest", "Malformed request"),
    ("401", "Unauthorized", "Session required"),
    ("404", "NotFound", "Not found"),
    ("405", "MethodNotAllowed", "Method not wired"),
    ("413", "PayloadTooLarge", "Body too large"),
    ("415", "UnsupportedMediaType", "Bad content type"),
    ("422", "UnprocessableContent", "Invalid input"),
    ("500", "InternalServerError", "Internal error"),
];

/// Builds the OpenAPI 3.1.0 document of `metadata`'s HTTP wirings, with a security scheme for
/// each of the app's session `sources` (none: no schemes, and no `security` on operations).
/// Deterministic.
pub fn openapi_document(
    metadata: &Metadata,
    info: &OpenApiInfo,
    sources: &[SessionSource],
) -> Value {
    let used: BTreeSet<&String> = (metadata.http.iter())
        .filter_map(|w| metadata.functions.get(&w.function))
        .flat_map(|f| f.input_schema.iter().chain(&f.output_schema))
        .filter(|name| metadata.schemas.contains_key(*name))
        .collect();
    let mut reserved: BTreeSet<String> = used.iter().map(|n| sanitize(n)).collect();
    reserved.extend([ERROR.into(), VALIDATION.into()]);
    let out = Map::new();
    let security = security_schemes(sources);
    let requirement: Vec<Value> = (security.iter())
        .map(|(name, _)| json!({ name.as_str(): [] }))
        .collect();
    let mut schemas = Schemas {
        out,
        reserved,
        requirement,
    };
    let defs: BTreeMap<String, Value> = (metadata.defs.iter())
        .map(|(name, def)| (name.clone(), def.value()))
        .collect();
    for name in used {
        let schema = with_shared_defs(&metadata.schemas[name].value(), &defs);
        schemas.add(name, &schema);
    }
    let mut paths = Map::new();
    for (wiring, id) in metadata.http.iter().zip(operation_ids(&metadata.http)) {
        let Some(function) = metadata.functions.get(&wiring.function) else {
            continue;
        };
        let item = (paths.entry(openapi_path(&wiring.route))).or_insert_with(|| json!({}));
        let method = wiring.method.as_upper().to_ascii_lowercase();
        if item.get(&method).is_none() {
            item[method.as_str()] = schemas.operation(wiring, &id, function);
        }
    }
    let mut all = std::mem::take(&mut schemas.out);
    all.insert(
        ERROR.into(),
        json!({
        "type": "object", "description": "The body of every error answer.",
        "required": ["name", "errorId"],
        "properties": {
            "name": { "type": "string", "description": "The error class, as `NotFoundError`." },
            "message": { "type": "string", "description": "A sentence saying what failed." },
            "payload": { "description": "Detail, such as the list of validation errors." },
            "errorId": { "type": "string", "description": "The request id, as in the logs." } } }),
    );
    all.insert(VALIDATION.into(), json!({ "allOf": [component(ERROR), {
        "type": "object", "required": ["payload"], "properties": { "payload": {
            "type": "object", "required": ["errors"], "properties": { "errors": {
                "type": "array", "items": { "type": "object", "required": ["path", "message"],
                    "properties": { "path": { "type": "string" }, "message": { "type": "string" } } } } } } } }] }));
    let mut components = json!({ "schemas": all, "responses": error_responses() });
    if !security.is_empty() {
        components["securitySchemes"] = Value::Object(security.into_iter().collect());
    }
    json!({
        "openapi": "3.1.0",
        "info": info,
        "paths": paths,
        "components": components,
    })
}

/// One scheme per session source, in the engine's order. Names: `bearerAuth`, `cookieAuth`,
/// `apiKeyAuth`, `apiKeyQueryAuth`, with `2`, `3`… when several apps use different names for
/// the same kind of source.
fn security_schemes(sources: &[SessionSource]) -> Vec<(String, Value)> {
    let mut schemes: Vec<(String, Value)> = Vec::new();
    for source in sources {
        let (base, scheme) = match source {
            SessionSource::Bearer => (
                "bearerAuth",
                json!({ "type": "http", "scheme": "bearer", "bearerFormat": "JWT" }),
            ),
            SessionSource::Cookie(name) => (
                "cookieAuth",
                json!({ "type": "apiKey", "in": "cookie", "name": name }),
            ),
            SessionSource::ApiKeyHeader(name) => (
                "apiKeyAuth",
                json!({ "type": "apiKey", "in": "header", "name": name }),
            ),
            SessionSource::ApiKeyQuery(name) => (
                "apiKeyQueryAuth",
                json!({ "type": "apiKey", "in": "query", "name": name }),
            ),
        };
        let (mut name, mut n) = (base.to_owned(), 2);
        while schemes.iter().any(|(taken, _)| *taken == name) {
            (name, n) = (format!("{base}{n}"), n + 1);
        }
        schemes.push((name, scheme));
    }
    schemes
}

/// `components/responses`: every error answer carries an `ErrorBody`.
fn error_responses() -> Map<String, Value> {
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
fn operation_ids(http: &[HttpWiringMeta]) -> Vec<String> {
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

/// A name usable as a component key (`^[a-zA-Z0-9._-]+$`).
fn sanitize(name: &str) -> String {
    let keep = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
    name.replace(|c: char| !keep(c), "_")
}

fn component(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// `components/schemas` being built: metadata schemas under their names, their `$defs` hoisted.
struct Schemas {
    out: Map<String, Value>,
    /// Names a hoisted `$defs` entry may not take (metadata schemas, the error bodies).
    reserved: BTreeSet<String>,
    /// The `security` of an operation that needs a session: any one of the schemes.
    requirement: Vec<Value>,
}

impl Schemas {
    /// Adds metadata schema `name`: each `$defs` entry keeps its name when that is free or holds
    /// the same schema, else takes `Name_2`, `Name_3`…; `$ref`s are rewritten to components.
    fn add(&mut self, name: &str, schema: &Value) {
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
    fn object(&self, name: &str) -> Option<&Map<String, Value>> {
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

    fn operation(&self, wiring: &HttpWiringMeta, id: &str, function: &FunctionMeta) -> Value {
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
                for (key, schema) in properties {
                    let required = is_required(&key);
                    parameters.push(parameter(&key, "query", schema, required));
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
        if let Some(name) = known(&function.output_schema) {
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
        if !parameters.is_empty() {
            operation["parameters"] = Value::Array(parameters);
        }
        if let Some((schema, required)) = body {
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

fn parameter(name: &str, location: &str, schema: Value, required: bool) -> Value {
    let mut parameter = json!({ "name": name, "in": location, "required": required });
    if let Some(description) = schema.get("description") {
        parameter["description"] = description.clone();
    }
    parameter["schema"] = schema;
    parameter
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

#[cfg(test)]
mod tests {
    use super::*;

    fn todo(done: &str) -> Value {
        json!({ "type": "object", "properties": { "id": { "type": "integer" }, done: { "type": "boolean" } } })
    }

    fn document() -> Value {
        document_with(&[SessionSource::Bearer])
    }

    fn document_with(sources: &[SessionSource]) -> Value {
        let metadata = json!({
            "version": 1,
            "functions": {
                "getTodo": { "inputSchema": "GetTodoInput", "outputSchema": "GetTodoOutput", "sessionless": true },
                "updateTodo": { "inputSchema": "UpdateTodoInput", "outputSchema": "GetTodoOutput", "sessionless": false },
                "createTodo": { "inputSchema": "CreateTodoInput", "sessionless": false } },
            "http": [
                { "method": "get", "route": "/todos/:id", "function": "getTodo", "auth": false },
                { "method": "get", "route": "/files/*path", "function": "getTodo", "auth": false },
                { "method": "patch", "route": "/todos/:id", "function": "updateTodo" },
                { "method": "post", "route": "/todos", "function": "createTodo" } ],
            "schemas": {
                "GetTodoInput": { "type": "object", "additionalProperties": false, "required": ["id"],
                    "properties": { "id": { "type": "integer" }, "path": { "type": "string" }, "verbose": { "type": "boolean" } } },
                "GetTodoOutput": { "$defs": { "Todo": todo("done"), "GetTodoInput": { "type": "string" } },
                    "$ref": "#/$defs/Todo", "properties": { "alias": { "$ref": "#/$defs/GetTodoInput" } } },
                "UpdateTodoInput": { "$ref": "#/$defs/Patch", "$defs": { "Todo": todo("finished"),
                    "Patch": { "type": "object", "additionalProperties": false, "required": ["id", "title"],
                        "properties": { "id": { "type": "integer" }, "title": { "type": "string" }, "todo": { "$ref": "#/$defs/Todo" } } } } },
                "CreateTodoInput": { "$defs": { "Todo": todo("done") }, "$ref": "#/$defs/Todo" } } });
        let info = OpenApiInfo {
            title: "T".into(),
            version: "1".into(),
            description: None,
        };
        let metadata: pikku_engine::MetadataFile = serde_json::from_value(metadata).unwrap();
        openapi_document(&metadata.into(), &info, sources)
    }

    /// Each key is a JSON pointer into the document; `null` means absent.
    fn check(doc: &Value, facts: Value) {
        for (pointer, expected) in facts.as_object().unwrap() {
            let actual = doc.pointer(pointer).cloned().unwrap_or(Value::Null);
            assert_eq!(actual, *expected, "{pointer}");
        }
    }

    #[test]
    fn converts_route_params() {
        assert_eq!(openapi_path("/a/:id/b/*rest"), "/a/{id}/b/{rest}");
        assert_eq!(openapi_path("/"), "/");
    }

    #[test]
    fn splits_path_query_and_body() {
        check(
            &document(),
            json!({
                "/paths/~1todos~1{id}/get/operationId": "getTodo_get_todos_id",
                "/paths/~1files~1{path}/get/operationId": "getTodo_get_files_path",
                "/paths/~1todos~1{id}/get/parameters/0": { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } },
                "/paths/~1todos~1{id}/get/parameters/2": { "name": "verbose", "in": "query", "required": false, "schema": { "type": "boolean" } },
                "/paths/~1todos~1{id}/get/requestBody": null,
                "/paths/~1todos~1{id}/get/responses/200/content/application~1json/schema/$ref": "#/components/schemas/GetTodoOutput",
                "/paths/~1todos~1{id}/get/security": [],
                "/paths/~1todos~1{id}/patch/parameters/0/name": "id",
                "/paths/~1todos~1{id}/patch/parameters/1": null,
                "/paths/~1todos~1{id}/patch/requestBody/content/application~1json/schema/required": ["title"],
                "/paths/~1todos~1{id}/patch/requestBody/content/application~1json/schema/additionalProperties": false,
                "/paths/~1todos~1{id}/patch/requestBody/content/application~1json/schema/properties/id": null,
                "/paths/~1todos~1{id}/patch/responses/422/$ref": "#/components/responses/UnprocessableContent",
                "/paths/~1todos~1{id}/patch/security/0": { "bearerAuth": [] },
                "/paths/~1todos/post/requestBody/content/application~1json/schema/$ref": "#/components/schemas/CreateTodoInput",
                "/paths/~1todos/post/responses/200": null,
                "/paths/~1todos/post/responses/204/description": "Success, no content",
            }),
        );
    }

    #[test]
    fn hoists_defs_and_renames_collisions() {
        let doc = document();
        // The same `Todo` in two schemas is one component, a different `Todo` is `Todo_2`; a
        // `$defs` entry named like a metadata schema is renamed too. Refs follow the names.
        check(
            &doc,
            json!({
                "/components/schemas/Todo": todo("done"),
                "/components/schemas/Todo_2": todo("finished"),
                "/components/schemas/Todo_3": null,
                "/components/schemas/CreateTodoInput/$ref": "#/components/schemas/Todo",
                "/components/schemas/Patch/properties/todo/$ref": "#/components/schemas/Todo_2",
                "/components/schemas/GetTodoInput_2": { "type": "string" },
                "/components/schemas/GetTodoOutput/properties/alias/$ref": "#/components/schemas/GetTodoInput_2",
            }),
        );
        assert!(!serde_json::to_string(&doc).unwrap().contains("$defs"));
    }

    #[test]
    fn lists_the_app_session_sources_as_schemes() {
        use SessionSource::*;
        let sources = [
            Bearer,
            Cookie("sid".into()),
            ApiKeyHeader("x-key".into()),
            ApiKeyQuery("token".into()),
        ];
        let any = json!([{ "bearerAuth": [] }, { "cookieAuth": [] }, { "apiKeyAuth": [] }, { "apiKeyQueryAuth": [] }]);
        check(
            &document_with(&sources),
            json!({
                "/components/securitySchemes": {
                    "bearerAuth": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" },
                    "cookieAuth": { "type": "apiKey", "in": "cookie", "name": "sid" },
                    "apiKeyAuth": { "type": "apiKey", "in": "header", "name": "x-key" },
                    "apiKeyQueryAuth": { "type": "apiKey", "in": "query", "name": "token" } },
                "/paths/~1todos/post/security": any,
                "/paths/~1todos~1{id}/patch/security": any,
                "/paths/~1todos~1{id}/get/security": [],
            }),
        );
        // Only what the app configures; two apps with two cookie names, two schemes.
        check(
            &document_with(&[Cookie("a".into()), Cookie("b".into())]),
            json!({
                "/components/securitySchemes": {
                    "cookieAuth": { "type": "apiKey", "in": "cookie", "name": "a" },
                    "cookieAuth2": { "type": "apiKey", "in": "cookie", "name": "b" } },
                "/paths/~1todos/post/security": [{ "cookieAuth": [] }, { "cookieAuth2": [] }],
            }),
        );
    }

    #[test]
    fn without_session_sources_lists_no_schemes_and_no_security() {
        let doc = document_with(&[]);
        check(
            &doc,
            json!({
                "/components/securitySchemes": null,
                "/paths/~1todos/post/security": null,
                "/paths/~1todos~1{id}/get/security": null,
                // The engine still answers 401 without a session.
                "/paths/~1todos/post/responses/401/$ref": "#/components/responses/Unauthorized",
            }),
        );
    }

    #[test]
    fn is_deterministic() {
        let text = || serde_json::to_string_pretty(&document()).unwrap();
        assert_eq!(text(), text());
    }
}
