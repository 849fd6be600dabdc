//! The other session sources (JWK sets, the signed session cookie, API keys) and the
//! `Set-Cookie` the engine builds for `setSession` / `clearSession`.

mod api_key;
mod jwks;
mod settings;
mod signed_cookie;

use std::time::{SystemTime, UNIX_EPOCH};

use pikku_engine::{wire, Engine, EngineConfig, HttpRequest};
use serde_json::{json, Value};

const SECRET: &str = "a-test-secret-that-is-long-enough-for-hs256";

/// An answer's JSON, after checking it is a `WireAnswer` as generated for TypeScript.
fn typed(text: &str) -> Value {
    if let Err(err) = pikku_engine::boundary::WireAnswer::parse_exact(text) {
        panic!("{err}");
    }
    serde_json::from_str(text).unwrap()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn engine(session: Value) -> Engine {
    try_engine(session).unwrap()
}

fn try_engine(session: Value) -> Result<Engine, String> {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [
            { "method": "get", "route": "/me", "auth": true, "inputSchema": "Strict" },
        ],
        "schemas": { "Strict": { "type": "object", "properties": { "q": { "type": "string" } }, "additionalProperties": false } },
        "session": session
    }))
    .unwrap();
    Engine::new(config).map_err(|err| err.to_string())
}

#[derive(Default)]
struct Req<'a> {
    url: Option<&'a str>,
    authorization: Option<&'a str>,
    cookie: Option<&'a str>,
    api_key: Option<&'a str>,
}

fn call(e: &Engine, r: Req<'_>) -> Value {
    let request = HttpRequest {
        method: "GET",
        url: r.url.unwrap_or("/me"),
        content_type: None,
        has_session: false,
        authorization: r.authorization,
        cookie: r.cookie,
        api_key: r.api_key,
        body: b"",
        body_too_large: false,
    };
    typed(&wire::encode(&e.handle(&request), None))
}

fn assert_invalid(answer: &Value, reason: &str) {
    assert_eq!(answer[1]["name"], json!("InvalidSessionError"), "{answer}");
    let message = answer[1]["message"].as_str().unwrap();
    assert!(
        message.contains(reason),
        "`{message}` should mention `{reason}`"
    );
}
