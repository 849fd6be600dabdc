//! The whole per-request call, table-driven: request in, wire string out.

mod accepted;
mod merging;
mod refused;
mod start_up;

use pikku_engine::{wire, Engine, EngineConfig, HttpRequest};
use serde_json::{json, Value};

/// An answer's JSON, after checking it is a `WireAnswer` as generated for TypeScript.
fn typed(text: &str) -> Value {
    if let Err(err) = pikku_engine::boundary::WireAnswer::parse_exact(text) {
        panic!("{err}");
    }
    serde_json::from_str(text).unwrap()
}

fn engine() -> Engine {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [
            { "method": "get", "route": "/todos", "auth": false, "inputSchema": "List" },
            { "method": "get", "route": "/todos/:id", "auth": false, "inputSchema": "ById" },
            { "method": "put", "route": "/todos/:id", "auth": false, "inputSchema": "Todo" },
            { "method": "post", "route": "/todos", "auth": false, "inputSchema": "Todo" },
            { "method": "get", "route": "/me", "auth": true },
            { "method": "post", "route": "/echo", "auth": false },
            { "method": "post", "route": "/echo/:id", "auth": false },
            { "method": "options", "route": "/echo/:id", "auth": false }
        ],
        "schemas": {
            "List": { "type": "object", "properties": {
                "limit": { "type": "integer" }, "done": { "type": "boolean" },
                "tags": { "type": "array", "items": { "type": "string" } } },
                "additionalProperties": false },
            "ById": { "type": "object", "properties": { "id": { "type": "integer" } },
                "required": ["id"], "additionalProperties": false },
            "Todo": { "type": "object", "properties": {
                "id": { "type": "integer" }, "title": { "type": "string", "minLength": 1 } },
                "required": ["title"], "additionalProperties": false }
        },
        "maxBodyBytes": 64
    }))
    .unwrap();
    Engine::new(config).unwrap()
}

fn call(engine: &Engine, method: &str, url: &str, content_type: Option<&str>, body: &str) -> Value {
    let request = HttpRequest {
        method,
        url,
        content_type,
        has_session: false,
        authorization: None,
        cookie: None,
        api_key: None,
        body: body.as_bytes(),
        body_too_large: false,
    };
    let text = wire::encode(&engine.handle(&request), Some("rid"));
    typed(&text)
}

const JSON_TYPE: Option<&str> = Some("application/json");
