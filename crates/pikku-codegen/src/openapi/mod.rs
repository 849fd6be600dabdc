//! The OpenAPI 3.1 document: one operation per HTTP wiring, described as the engine answers it
//! (path params, query or body input with their real types, 200/204, the error table, auth).

mod components;
mod operations;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use pikku_engine::shared_defs::with_shared_defs;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::app_config::SessionSource;
use crate::metadata::Metadata;
use components::{error_responses, Schemas};
pub use operations::openapi_path;
use operations::operation_ids;

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
pub(super) const ERROR: &str = "ErrorBody";
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
    let exposed = (metadata.functions.values()).filter(|f| f.expose);
    let used: BTreeSet<&String> = (metadata.http.iter())
        .filter_map(|w| metadata.functions.get(&w.function))
        .chain(exposed)
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
    // The exposed functions, each at its own path of `POST /rpc/:name`.
    for (name, function) in metadata.functions.iter().filter(|(_, f)| f.expose) {
        let item = (paths.entry(format!("/rpc/{name}"))).or_insert_with(|| json!({}));
        if item.get("post").is_none() {
            item["post"] = schemas.rpc_operation(name, function);
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

/// A name usable as a component key (`^[a-zA-Z0-9._-]+$`).
fn sanitize(name: &str) -> String {
    let keep = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
    name.replace(|c: char| !keep(c), "_")
}

fn component(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}
