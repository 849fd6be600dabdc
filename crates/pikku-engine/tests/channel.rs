//! WebSocket channels in the engine: the upgrade's channel and session, and messages routed by
//! their key and validated like HTTP input.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use pikku_engine::{wire, Engine, EngineConfig, HttpRequest, UpgradeRequest};
use serde_json::{json, Value};

const SECRET: &str = "a-test-secret-that-is-long-enough-for-hs256";

/// An answer's JSON, after checking it is a `WireAnswer` as generated for TypeScript.
fn typed(text: &str) -> Value {
    if let Err(err) = pikku_engine::boundary::WireAnswer::parse_exact(text) {
        panic!("{err}");
    }
    serde_json::from_str(text).unwrap()
}

fn engine() -> Engine {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [{ "method": "get", "route": "/ws/public", "auth": false }],
        "entries": [
            { "name": "createTodo", "auth": false, "inputSchema": "NewTodo" },
            { "name": "deleteTodo", "auth": true },
            { "name": "echo", "auth": false }
        ],
        "schemas": { "NewTodo": {
            "type": "object",
            "properties": { "title": { "type": "string", "minLength": 1 } },
            "required": ["title"], "additionalProperties": false
        } },
        "channels": [
            { "name": "todos", "route": "/ws/todos", "auth": false, "handlers": { "create": 0, "delete": 1 } },
            { "name": "rooms", "route": "/ws/rooms/:room", "auth": true, "routingKey": "type", "handlers": {}, "defaultHandler": 2 }
        ],
        "session": { "jwt": { "algorithm": "HS256", "secret": SECRET }, "jwtQuery": "token" },
        "maxBodyBytes": 1024
    }))
    .unwrap();
    Engine::new(config).unwrap()
}

fn token() -> String {
    let exp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 600;
    encode(
        &Header::new(Algorithm::HS256),
        &json!({ "userId": "ada", "exp": exp }),
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

fn connect(e: &Engine, url: &str, authorization: Option<&str>) -> Value {
    let request = UpgradeRequest {
        url,
        authorization,
        cookie: None,
        api_key: None,
        has_session: false,
    };
    typed(&wire::encode(&e.channel_connect(&request), None))
}

fn message(e: &Engine, channel: u32, text: &str, has_session: bool) -> Value {
    typed(&wire::encode(
        &e.channel_message(channel, text, has_session),
        None,
    ))
}

#[test]
fn an_upgrade_finds_its_channel_params_and_session() {
    let e = engine();
    assert_eq!(connect(&e, "/ws/todos", None), json!([0, {}]));
    assert_eq!(connect(&e, "/ws/nowhere", None)[0], json!(-404));
    assert_eq!(
        connect(&e, "/ws/rooms/lobby", None)[1]["name"],
        json!("MissingSessionError")
    );
    let bearer = format!("Bearer {}", token());
    let answer = connect(&e, "/ws/rooms/l%C3%B6bby", Some(&bearer));
    assert_eq!(answer, json!([1, { "room": "löbby" }, answer[2].clone()]));
    assert_eq!(answer[2]["userId"], json!("ada"));
    // Browsers cannot set headers on a WebSocket: the token may come in the query.
    let answer = connect(&e, &format!("/ws/rooms/a/../lobby?token={}", token()), None);
    assert_eq!(answer[1], json!({ "room": "lobby" }));
    assert_eq!(answer[2]["userId"], json!("ada"));
    assert_eq!(
        connect(&e, "/ws/rooms/lobby?token=bad", None)[1]["name"],
        json!("InvalidSessionError")
    );
}

#[test]
fn the_query_token_is_read_on_upgrades_only() {
    let e = engine();
    let request = HttpRequest {
        method: "GET",
        url: &format!("/ws/public?token={}", token()),
        content_type: None,
        has_session: false,
        authorization: None,
        cookie: None,
        api_key: None,
        body: b"",
        body_too_large: false,
    };
    let answer: Value = typed(&wire::encode(&e.handle(&request), None));
    assert_eq!(
        answer.as_array().unwrap().len(),
        2,
        "no session from the query: {answer}"
    );
}

#[test]
fn messages_are_routed_by_their_key_and_validated() {
    let e = engine();
    assert_eq!(
        message(&e, 0, r#"{"action":"create","title":"Milk"}"#, false),
        json!([1, { "title": "Milk" }])
    );
    let invalid = message(&e, 0, r#"{"action":"create","title":""}"#, false);
    assert_eq!(invalid[0], json!(-422));
    assert_eq!(invalid[1]["payload"]["errors"][0]["path"], json!("/title"));
    assert!(
        invalid[1]["message"]
            .as_str()
            .unwrap()
            .starts_with("createTodo:"),
        "{invalid}"
    );
    let extra = message(
        &e,
        0,
        r#"{"action":"create","title":"x","admin":true}"#,
        false,
    );
    assert_eq!(extra[0], json!(-422));
    let unknown = message(&e, 0, r#"{"action":"explode"}"#, false);
    assert_eq!(unknown[0], json!(-404));
    assert!(
        unknown[1]["message"]
            .as_str()
            .unwrap()
            .contains("no handler for action `explode`; known: create, delete"),
        "{unknown}"
    );
    let no_key = message(&e, 0, r#"{"title":"x"}"#, false);
    assert!(
        no_key[1]["message"]
            .as_str()
            .unwrap()
            .contains("needs a string `action`"),
        "{no_key}"
    );
    assert_eq!(
        message(&e, 0, r#"{"action":"delete"}"#, false)[1]["name"],
        json!("MissingSessionError")
    );
    assert_eq!(
        message(&e, 0, r#"{"action":"delete"}"#, true),
        json!([2, {}])
    );
}

#[test]
fn bad_messages_are_errors_to_send_back() {
    let e = engine();
    for (text, status, reason) in [
        ("not json", -400, "not JSON"),
        ("[1,2]", -400, "must be a JSON object"),
        (
            r#"{"action":"create","__proto__":{"x":1}}"#,
            -400,
            "prototype",
        ),
    ] {
        let answer = message(&e, 0, text, false);
        assert_eq!(answer[0], json!(status), "{text}: {answer}");
        assert!(
            answer[1]["message"].as_str().unwrap().contains(reason),
            "{text}: {answer}"
        );
    }
    let big = format!(r#"{{"action":"create","title":"{}"}}"#, "x".repeat(2000));
    assert_eq!(message(&e, 0, &big, false)[0], json!(-413));
}

#[test]
fn a_default_handler_takes_the_whole_message() {
    let e = engine();
    assert_eq!(
        message(&e, 1, r#"{"type":"chat","text":"hi"}"#, true),
        json!([3, { "type": "chat", "text": "hi" }])
    );
}

#[test]
fn channel_mistakes_are_start_up_errors() {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [],
        "entries": [{ "name": "a", "auth": false }],
        "channels": [
            { "name": "one", "route": "/ws", "auth": false, "handlers": { "x": 5 } },
            { "name": "two", "route": "/ws", "auth": false }
        ]
    }))
    .unwrap();
    let err = Engine::new(config).unwrap_err().to_string();
    assert!(
        err.contains("channel `one` names entry 5 for `x`, which does not exist"),
        "{err}"
    );
    assert!(err.contains("channel `two`"), "{err}");
}
