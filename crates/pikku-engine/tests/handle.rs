//! The whole per-request call, table-driven: request in, wire string out.

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

#[test]
fn successful_requests_carry_the_target_and_merged_input() {
    let e = engine();
    // (method, url, content type, body, expected wire answer)
    type Case<'a> = (&'a str, &'a str, Option<&'a str>, &'a str, Value);
    let cases: &[Case] = &[
        ("GET", "/todos", None, "", json!([0, {}])),
        (
            "GET",
            "/todos?limit=5&done=true",
            None,
            "",
            json!([0, {"limit": 5, "done": true}]),
        ),
        (
            "GET",
            "/todos?tags=a&tags=b",
            None,
            "",
            json!([0, {"tags": ["a", "b"]}]),
        ),
        ("GET", "/todos/7", None, "", json!([1, {"id": 7}])),
        ("HEAD", "/todos/7", None, "", json!([1, {"id": 7}])),
        ("GET", "/todos/7/", None, "", json!([1, {"id": 7}])),
        (
            "POST",
            "/todos",
            JSON_TYPE,
            r#"{"title":"a"}"#,
            json!([3, {"title": "a"}]),
        ),
        (
            "PUT",
            "/todos/7",
            JSON_TYPE,
            r#"{"title":"a"}"#,
            json!([2, {"id": 7, "title": "a"}]),
        ),
        (
            "POST",
            "/todos",
            Some("application/x-www-form-urlencoded"),
            "title=x&id=3",
            json!([3, {"title": "x", "id": 3}]),
        ),
        (
            "POST",
            "/echo",
            Some("text/plain"),
            "hi",
            json!([5, {"data": "hi"}]),
        ),
        ("POST", "/echo", JSON_TYPE, "[1]", json!([5, {"data": [1]}])),
        ("POST", "/echo", None, "", json!([5, {}])),
        (
            "POST",
            "/echo/1?q=2",
            JSON_TYPE,
            " { } ",
            json!([6, {"id": "1", "q": "2"}]),
        ),
        (
            "POST",
            "/echo/1",
            JSON_TYPE,
            "\n{\"a\":[1,{\"b\":2}]}\n",
            json!([6, {"id": "1", "a": [1, {"b": 2}]}]),
        ),
        (
            "POST",
            "/echo/1",
            JSON_TYPE,
            r#"{"id":"1"}"#,
            json!([6, {"id": "1"}]),
        ),
    ];
    for (method, url, ct, body, expected) in cases {
        assert_eq!(
            &call(&e, method, url, *ct, body),
            expected,
            "{method} {url} {body}"
        );
    }
}

#[test]
fn failures_carry_status_name_and_message() {
    let e = engine();
    // (method, url, content type, body, wire status, error name, message part)
    type Case<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        &'a str,
        i64,
        &'a str,
        &'a str,
    );
    let cases: &[Case] = &[
        (
            "GET",
            "/nope",
            None,
            "",
            -404,
            "NotFoundError",
            "No route matches GET /nope",
        ),
        (
            "DELETE",
            "/todos/1",
            None,
            "",
            -405,
            "MethodNotAllowedError",
            "allowed: GET, HEAD, PUT",
        ),
        (
            "PROPFIND",
            "/todos/1",
            None,
            "",
            -405,
            "MethodNotAllowedError",
            "PROPFIND is not allowed",
        ),
        (
            "GET",
            "/me",
            None,
            "",
            -401,
            "MissingSessionError",
            "GET /me requires a session",
        ),
        (
            "GET",
            "/todos/x",
            None,
            "",
            -422,
            "UnprocessableContentError",
            "/id: \"x\" is not of type \"integer\"",
        ),
        (
            "GET",
            "/todos?limit=1&limit=2",
            None,
            "",
            -422,
            "UnprocessableContentError",
            "/limit",
        ),
        (
            "POST",
            "/todos",
            JSON_TYPE,
            r#"{"title":""}"#,
            -422,
            "UnprocessableContentError",
            "/title",
        ),
        (
            "PUT",
            "/todos/1",
            JSON_TYPE,
            r#"{"id":2,"title":"a"}"#,
            -422,
            "UnprocessableContentError",
            "Conflicting values for key \"id\"",
        ),
        (
            "POST",
            "/echo",
            JSON_TYPE,
            "{\"a\":",
            -400,
            "BadRequestError",
            "Malformed JSON body at line 1, column 5",
        ),
        (
            "POST",
            "/echo",
            Some("image/png"),
            "x",
            -415,
            "UnsupportedMediaTypeError",
            "image/png",
        ),
        (
            "POST",
            "/echo",
            None,
            "x",
            -415,
            "UnsupportedMediaTypeError",
            "no Content-Type",
        ),
        (
            "POST",
            "/echo",
            JSON_TYPE,
            &"1".repeat(65),
            -413,
            "PayloadTooLargeError",
            "limit of 64 bytes",
        ),
        (
            "POST",
            "/echo",
            JSON_TYPE,
            r#"{"__proto__":{}}"#,
            -400,
            "BadRequestError",
            "`__proto__`",
        ),
        (
            "GET",
            "/todos/%FF",
            None,
            "",
            -400,
            "BadRequestError",
            "not valid UTF-8",
        ),
    ];
    for (method, url, ct, body, status, name, message) in cases {
        let answer = call(&e, method, url, *ct, body);
        assert_eq!(answer[0], json!(status), "{method} {url}: {answer}");
        assert_eq!(answer[1]["name"], json!(name), "{method} {url}: {answer}");
        assert_eq!(answer[1]["errorId"], json!("rid"));
        let text = answer[1]["message"].as_str().unwrap();
        assert!(
            text.contains(message),
            "{method} {url}: {text:?} lacks {message:?}"
        );
    }
}

#[test]
fn a_405_carries_the_allow_list() {
    let answer = call(&engine(), "POST", "/todos/1", JSON_TYPE, "{}");
    assert_eq!(answer[2], json!("GET, HEAD, PUT"));
}

#[test]
fn an_unchanged_json_body_is_passed_through_as_sent() {
    let e = engine();
    let body = r#"{ "title" : "spaces kept" }"#;
    let request = HttpRequest {
        method: "POST",
        url: "/todos",
        content_type: JSON_TYPE,
        has_session: false,
        authorization: None,
        cookie: None,
        api_key: None,
        body: body.as_bytes(),
        body_too_large: false,
    };
    assert_eq!(
        wire::encode(&e.handle(&request), None),
        format!("[3,{body}]")
    );
}

#[test]
fn params_go_in_front_of_a_body_sent_as_written() {
    let request = HttpRequest {
        method: "PUT",
        url: "/todos/7",
        content_type: JSON_TYPE,
        has_session: false,
        authorization: None,
        cookie: None,
        api_key: None,
        body: br#"{ "title" : "kept" }"#,
        body_too_large: false,
    };
    assert_eq!(
        wire::encode(&engine().handle(&request), None),
        r#"[2,{"id":7, "title" : "kept" }]"#
    );
}

#[test]
fn a_body_over_the_limit_is_answered_after_routing_and_the_auth_gate() {
    let e = engine();
    let status = |method: &'static str, url: &'static str| {
        let request = HttpRequest {
            method,
            url,
            content_type: JSON_TYPE,
            has_session: false,
            authorization: None,
            cookie: None,
            api_key: None,
            body: b"",
            body_too_large: true,
        };
        serde_json::from_str::<Value>(&wire::encode(&e.handle(&request), None)).unwrap()[0].clone()
    };
    assert_eq!(status("POST", "/nowhere"), json!(-404));
    assert_eq!(status("DELETE", "/echo"), json!(-405));
    assert_eq!(status("POST", "/echo"), json!(-413));
}

#[test]
fn owns_sees_the_normalized_path() {
    let e = engine();
    assert!(e.owns("/todos/7?x=1"));
    assert!(e.owns("/x/../todos"));
    assert!(!e.owns("/elsewhere"));
}

#[test]
fn start_up_problems_are_all_reported() {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [
            { "method": "get", "route": "/a/:id", "auth": false, "inputSchema": "Missing" },
            { "method": "get", "route": "/a/:slug", "auth": false },
            { "method": "get", "route": "/b", "auth": false, "inputSchema": "Bad" }
        ],
        "schemas": { "Bad": { "type": 12 } }
    }))
    .unwrap();
    let err = Engine::new(config).unwrap_err().to_string();
    assert!(
        err.contains("PIKKU_ERR_SCHEMA_MISSING: GET /a/:id names input schema `Missing`"),
        "{err}"
    );
    assert!(err.contains("PIKKU_ERR_ROUTE_CONFLICT"), "{err}");
    assert!(
        err.contains("PIKKU_ERR_SCHEMA_INVALID: schema `Bad`"),
        "{err}"
    );
}

#[test]
fn conflicts_name_the_source_of_each_value() {
    let e = engine();
    const FORM: Option<&str> = Some("application/x-www-form-urlencoded");
    // (method, url, content type, body, the part of the message naming both sources)
    let cases: &[(&str, &str, Option<&str>, &str, &str)] = &[
        (
            "PUT",
            "/todos/1?id=2",
            JSON_TYPE,
            r#"{"title":"a"}"#,
            "the path gives 1 and the query string gives 2",
        ),
        (
            "PUT",
            "/todos/1",
            JSON_TYPE,
            r#"{"id":2,"title":"a"}"#,
            "the path gives 1 and the body gives 2",
        ),
        (
            "POST",
            "/echo?a=1",
            JSON_TYPE,
            r#"{"a":2}"#,
            "the query string gives \"1\" and the body gives 2",
        ),
        (
            "POST",
            "/echo/5?a=1",
            JSON_TYPE,
            r#"{"a":2}"#,
            "the query string gives \"1\" and the body gives 2",
        ),
        (
            "POST",
            "/echo/5",
            JSON_TYPE,
            r#"{"id":"6"}"#,
            "the path gives \"5\" and the body gives \"6\"",
        ),
        (
            "POST",
            "/echo/5?x=1",
            FORM,
            "x=2",
            "the query string gives \"1\" and the body gives \"2\"",
        ),
        (
            "POST",
            "/echo/5",
            FORM,
            "id=6",
            "the path gives \"5\" and the body gives \"6\"",
        ),
    ];
    for (method, url, content_type, body, sources) in cases {
        let wire = call(&e, method, url, *content_type, body);
        assert_eq!(wire[0], -422, "{method} {url}: {wire}");
        let message = wire[1]["message"].as_str().unwrap_or_default();
        assert!(message.contains(sources), "{method} {url}: {message}");
    }
    // The same value from two sources is no conflict.
    assert_eq!(
        call(&e, "POST", "/echo/5?id=5", JSON_TYPE, r#"{"id":"5"}"#),
        json!([6, {"id": "5"}])
    );
}

#[test]
fn a_param_name_given_twice_groups_its_values_as_a_repeated_query_key_does() {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [
            { "method": "post", "route": "/open/:id/x/:id", "auth": false },
            { "method": "post", "route": "/typed/:id/x/:id", "auth": false, "inputSchema": "ById" }
        ],
        "schemas": { "ById": { "type": "object", "properties": { "id": { "type": "integer" } } } }
    }))
    .unwrap();
    let e = Engine::new(config).unwrap();
    assert_eq!(
        call(&e, "POST", "/open/1/x/2", JSON_TYPE, r#"{"z":1}"#),
        json!([0, {"id": ["1", "2"], "z": 1}])
    );
    assert_eq!(
        call(&e, "POST", "/open/1/x/2", None, ""),
        json!([0, {"id": ["1", "2"]}])
    );
    let refused = call(&e, "POST", "/typed/1/x/2", JSON_TYPE, "{}");
    assert_eq!(refused[0], json!(-422), "{refused}");
}
