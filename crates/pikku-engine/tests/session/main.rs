//! Sessions decoded by the engine, and the hardening cases of the auth issue: each bad token
//! is a 401 `InvalidSessionError`, never a crash. The keys in tests/keys/ are test-only keys.

mod hardening;
mod token_sources;

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
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

fn engine(jwt: Value) -> Engine {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [
            { "method": "get", "route": "/me", "auth": true },
            { "method": "get", "route": "/public", "auth": false }
        ],
        "session": { "jwt": jwt, "jwtCookie": "session" }
    }))
    .unwrap();
    Engine::new(config).unwrap()
}

fn hs256() -> Engine {
    engine(json!({ "algorithm": "HS256", "secret": SECRET, "issuer": "pikku", "audience": "app" }))
}

fn sign(claims: Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

fn good_claims() -> Value {
    json!({ "userId": "ada", "iss": "pikku", "aud": "app", "exp": now() + 600 })
}

fn call(e: &Engine, url: &str, authorization: Option<&str>, cookie: Option<&str>) -> Value {
    let request = HttpRequest {
        method: "GET",
        url,
        content_type: None,
        has_session: false,
        authorization,
        cookie,
        api_key: None,
        body: b"",
        body_too_large: false,
    };
    typed(&wire::encode(&e.handle(&request), None))
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn base64url(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}
