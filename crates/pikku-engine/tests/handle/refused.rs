//! Requests answered with an error before their function runs: its status, name and message.

use pikku_engine::{wire, HttpRequest};
use serde_json::{json, Value};

use crate::{call, engine, JSON_TYPE};

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
