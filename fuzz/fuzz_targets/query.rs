#![no_main]
//! Fuzzes query strings coerced against an input schema: the input is the query of
//! `GET /search?…`, whose schema has integers (with bounds), numbers, booleans, arrays of
//! integers and of strings, an enum, `anyOf`, a nullable integer and string-typed extras, so
//! that percent-decoding, `key[]`, repeated keys and every coercion rule run.
//!
//! Invariants, besides those of every answer: a run's input is valid for the schema (checked
//! by the fuzzer's own validator); the same text as an `application/x-www-form-urlencoded` body
//! of `POST /search` gets the same answer; and a run's input sent back as a JSON body is
//! accepted as the same input, so that coercion only makes values the JSON path takes alike.

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use pikku_engine::{Engine, HttpRequest};
use pikku_engine_fuzz::{answer, engine, request, same_json, text, validator, Answer};
use serde_json::{json, Value};

struct Target {
    engine: Engine,
    validator: jsonschema::Validator,
}

static TARGET: LazyLock<Target> = LazyLock::new(|| {
    let schema = json!({
        "type": "object",
        "properties": {
            "limit": { "type": "integer", "minimum": 0, "maximum": 1000 },
            "ratio": { "type": "number" },
            "done": { "type": "boolean" },
            "ids": { "type": "array", "items": { "type": "integer" }, "maxItems": 8 },
            "tags": { "type": "array", "items": { "type": "string", "maxLength": 20 } },
            "q": { "type": "string", "maxLength": 50 },
            "mode": { "enum": ["a", "b", 1, true] },
            "either": { "anyOf": [{ "type": "integer" }, { "type": "boolean" }] },
            "maybe": { "type": ["integer", "null"] },
            "flag": { "type": ["boolean", "string"] }
        },
        "additionalProperties": { "type": "string" }
    });
    Target {
        validator: validator(&schema),
        engine: engine(json!({
            "routes": [
                { "method": "get", "route": "/search", "auth": false, "inputSchema": "Search" },
                { "method": "post", "route": "/search", "auth": false, "inputSchema": "Search" }
            ],
            "schemas": { "Search": schema },
        })),
    }
});

fuzz_target!(|data: &[u8]| {
    let target = &*TARGET;
    let query = text(data);
    // A `#` would end the query and start a fragment: the two requests would differ.
    let query = query.split('#').next().unwrap_or_default();
    let url = format!("/search?{query}");
    let by_query = answer(&target.engine.handle(&request("GET", &url)));

    let form = HttpRequest {
        content_type: Some("application/x-www-form-urlencoded"),
        body: query.as_bytes(),
        ..request("POST", "/search")
    };
    let by_form = answer(&target.engine.handle(&form));
    match (&by_query, &by_form) {
        (Answer::Run { input: a, .. }, Answer::Run { input: b, .. }) => {
            assert_eq!(a, b, "{query:?}: the query and the form body differ")
        }
        (a, b) => assert_eq!(a.status(), b.status(), "{query:?}: {a:?} but {b:?}"),
    }

    let Answer::Run { input, .. } = by_query else {
        return;
    };
    let input = Value::Object(input);
    assert!(
        target.validator.is_valid(&input),
        "{query:?} ran with an input the schema refuses: {input}"
    );
    let body = input.to_string();
    let json = HttpRequest {
        content_type: Some("application/json"),
        body: body.as_bytes(),
        ..request("POST", "/search")
    };
    match answer(&target.engine.handle(&json)) {
        Answer::Run { input: again, .. } => assert!(
            same_json(&input, &Value::Object(again.clone())),
            "{query:?}: {input} came back as {again:?}"
        ),
        other => panic!("{query:?}: the coerced input {input} sent as JSON got {other:?}"),
    }
});
