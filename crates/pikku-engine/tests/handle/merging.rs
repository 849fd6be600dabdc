//! Params, query and body merged: a key in two of them must hold one value.

use pikku_engine::{Engine, EngineConfig};
use serde_json::json;

use crate::{call, engine, JSON_TYPE};

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
