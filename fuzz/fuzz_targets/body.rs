#![no_main]
//! Fuzzes request bodies by content type through `Engine::handle`: JSON (also `+json` and with
//! parameters), `application/x-www-form-urlencoded`, `text/plain`, none and unknown types, to
//! routes with and without an input schema, with path params and a query to merge, so that
//! body parsing, the text plan that accepts a JSON body without parsing it, merging and
//! validation all run. Input: `Content-Type\nMETHOD URL\nbody` (an empty first line sends no
//! Content-Type).
//!
//! Invariants, besides those of every answer: a run's input is valid for its route's schema
//! (checked by the fuzzer's own validator, so the text plan never lets through what the
//! validator refuses); a body is taken only with a supported content type (else 415) and
//! within the size limit (else 413); a JSON body is taken only when it is JSON, and a
//! schema-less route gets it as its input (a non-object as `data`), as it gets a text body.

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use pikku_engine::{Engine, HttpRequest};
use pikku_engine_fuzz::{answer, engine, fields, request, text, validator, Answer};
use serde_json::{json, Map, Value};

const MAX_BODY_BYTES: usize = 2048;

/// `(method, pattern, input schema)`: route `i` answers with target `i`.
const ROUTES: [(&str, &str, Option<&str>); 6] = [
    ("post", "/echo", None),
    ("post", "/todos", Some("Todo")),
    ("put", "/todos/:id", Some("Todo")),
    ("patch", "/todos/:id", Some("Patch")),
    ("get", "/todos", Some("Patch")),
    ("delete", "/echo/:id", None),
];

struct Target {
    engine: Engine,
    validators: Vec<Option<jsonschema::Validator>>,
}

static TARGET: LazyLock<Target> = LazyLock::new(|| {
    let meta = json!({ "type": "object", "properties": {
        "note": { "type": "string" },
        "score": { "type": "number", "minimum": 0, "maximum": 10 } },
        "additionalProperties": { "type": ["string", "integer", "null"] } });
    let todo = json!({ "type": "object", "properties": {
        "id": { "type": "integer" },
        "title": { "type": "string", "minLength": 1, "maxLength": 40 },
        "done": { "type": "boolean" },
        "tags": { "type": "array", "items": { "type": "string" }, "maxItems": 4 },
        "due": { "type": "string", "format": "date" },
        "priority": { "enum": [1, 2, 3] },
        "meta": { "$ref": "#/$defs/Meta" } },
        "required": ["title"], "additionalProperties": false, "$defs": { "Meta": meta } });
    let patch = json!({ "type": "object", "properties": {
        "id": { "type": "integer", "exclusiveMinimum": 0 },
        "title": { "anyOf": [{ "type": "string", "pattern": "^[a-z ]+$" }, { "type": "null" }] },
        "items": { "type": "array", "prefixItems": [{ "type": "integer" }], "items": { "type": "boolean" } },
        "nested": { "type": "object", "properties": { "deep": { "type": "array" } } } } });
    let schemas = json!({ "Todo": todo, "Patch": patch });
    let routes: Vec<_> = ROUTES
        .iter()
        .map(|(method, route, schema)| {
            json!({ "method": method, "route": route, "auth": false, "inputSchema": schema })
        })
        .collect();
    Target {
        validators: ROUTES
            .iter()
            .map(|(.., schema)| schema.map(|name| validator(&schemas[name])))
            .collect(),
        engine: engine(json!({
            "routes": routes, "schemas": schemas, "maxBodyBytes": MAX_BODY_BYTES,
        })),
    }
});

/// How the engine reads a body of this content type.
#[derive(Debug, PartialEq)]
enum Kind {
    Json,
    Form,
    Text,
    Unsupported,
}

/// The kind of a `Content-Type`, decided here apart from the engine's code.
fn kind(content_type: Option<&str>) -> Kind {
    let Some(content_type) = content_type else {
        return Kind::Unsupported;
    };
    let media = content_type.split(';').next().unwrap_or("").trim();
    let media = media.to_ascii_lowercase();
    if media == "application/json"
        || (media.starts_with("application/") && media.ends_with("+json"))
    {
        Kind::Json
    } else if media == "application/x-www-form-urlencoded" {
        Kind::Form
    } else if media == "text/plain" {
        Kind::Text
    } else {
        Kind::Unsupported
    }
}

fuzz_target!(|data: &[u8]| {
    let target = &*TARGET;
    let parts = fields(data, 3);
    let content_type = (!parts[0].is_empty()).then(|| text(parts[0]));
    let line = text(parts[1]);
    let (method, url) = line.split_once(' ').unwrap_or(("POST", &line));
    let body = parts[2];
    let request = HttpRequest {
        content_type: content_type.as_deref(),
        body,
        ..request(method, url)
    };
    let answered = answer(&target.engine.handle(&request));
    let reads_body =
        !body.is_empty() && !["get", "head", "options"].contains(&&*method.to_ascii_lowercase());
    let kind = kind(content_type.as_deref());
    match answered.status() {
        415 => assert!(reads_body && kind == Kind::Unsupported, "{request:?}: 415"),
        413 => assert!(body.len() > MAX_BODY_BYTES, "{request:?}: 413"),
        _ => {}
    }
    let Answer::Run {
        target: index,
        input,
        ..
    } = answered
    else {
        return;
    };
    assert!(
        body.len() <= MAX_BODY_BYTES,
        "{request:?}: over the limit, but ran"
    );
    let input = Value::Object(input);
    if let Some(validator) = &target.validators[index as usize] {
        assert!(
            validator.is_valid(&input),
            "{request:?} ran with an invalid input: {input}"
        );
    }
    if !reads_body {
        return;
    }
    assert_ne!(
        kind,
        Kind::Unsupported,
        "{request:?}: ran with an unsupported body"
    );
    let schema_less = ROUTES[index as usize].2.is_none() && !url.contains(['?', '#']);
    match kind {
        Kind::Json => {
            let parsed: Value = serde_json::from_slice(body).unwrap_or_else(|err| {
                panic!("{request:?}: ran with a body that is not JSON: {err}")
            });
            if schema_less && index == 0 {
                let expected = match parsed {
                    Value::Object(map) => Value::Object(map),
                    other => json!({ "data": other }),
                };
                assert_eq!(input, expected, "{request:?}");
            }
        }
        Kind::Text if schema_less && index == 0 => {
            let expected = Map::from_iter([("data".to_owned(), Value::String(text(body)))]);
            assert_eq!(input, Value::Object(expected), "{request:?}");
        }
        _ => {}
    }
});
