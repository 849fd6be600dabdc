//! Requests that reach their function, with the input built from params, query and body.

use pikku_engine::{wire, HttpRequest};
use serde_json::{json, Value};

use crate::{call, engine, JSON_TYPE};

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
