//! The scan on texts serde_json refuses, plain valid bodies, lengths, keys and numbers.

use super::*;
use serde_json::{json, Value};

fn plan(schema: Value) -> Plan {
    Plan::compile(&schema).expect("a plan")
}

#[test]
fn what_serde_json_refuses_is_never_accepted() {
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(200), "]".repeat(200));
    for text in [
        r#"{"a":"\x"}"#,
        r#"{"a":"\ud800"}"#,
        r#"{"a":"\udc00"}"#,
        r#"{"a":"\ud800\u0041"}"#,
        r#"{"a":"\u12"}"#,
        "{\"a\":\"tab\there\"}",
        r#"{"a":1e999}"#,
        r#"{"a":-1e999}"#,
        r#"{"a":01}"#,
        r#"{"a":1.}"#,
        r#"{"a":.5}"#,
        r#"{"a":-}"#,
        r#"{"a":1e}"#,
        r#"{"a":+1}"#,
        r#"{"a":[1,]}"#,
        r#"{"a":1,}"#,
        r#"{"a":tru}"#,
        r#"{"a":nulls}"#,
        r#"{"a":1}x"#,
        r#"{"a":1}}"#,
        r#"{"a" 1}"#,
        r#"{a:1}"#,
        r#"{"a":1"#,
        "",
        &deep,
    ] {
        assert!(
            serde_json::from_str::<Value>(text).is_err(),
            "serde_json refuses {text}"
        );
        assert!(!Plan::any().accepts(None, text), "{text}");
    }
}

#[test]
fn plain_valid_bodies_are_decided() {
    for text in [
        "{}",
        r#" { "a" : [ 1 , 2.5e-3 , -7 , 0 , true , null , { } , [ ] ] } "#,
        r#"{"a":"\ud83d\ude00 \u00e9\n\"\\\/"}"#,
        "{\"a\":\"é☃😀\"}\r\n",
        r#"{"a":18446744073709551615,"b":-9223372036854775808}"#,
    ] {
        assert!(serde_json::from_str::<Value>(text).is_ok(), "{text}");
        assert!(Plan::any().accepts(None, text), "{text}");
    }
}

#[test]
fn lengths_count_characters_once_unescaped() {
    let two = plan(json!({ "properties": { "s": { "minLength": 2, "maxLength": 2 } } }));
    assert!(two.accepts(None, r#"{"s":"é😀"}"#));
    assert!(two.accepts(None, r#"{"s":"\ud83d\ude00\n"}"#));
    assert!(!two.accepts(None, r#"{"s":"\ud83d\ude00"}"#));
    assert!(!two.accepts(None, r#"{"s":"abc"}"#));
}

#[test]
fn forbidden_and_escaped_keys_go_to_the_full_path() {
    let any = Plan::any();
    assert!(!any.accepts(None, r#"{"a":[{"b":{"__proto__":{}}}]}"#));
    assert!(!any.accepts(None, r#"{"constructor":1}"#));
    assert!(
        !any.accepts(None, r#"{"\u005f_proto__":1}"#),
        "escaped keys are not sure"
    );
    assert!(any.accepts(None, r#"{"proto":1,"constructors":2}"#));
}

#[test]
fn merged_keys_are_decided_only_when_distinct() {
    let todo = plan(json!({
        "type": "object",
        "properties": { "id": { "type": "integer" }, "title": { "type": "string" } },
        "required": ["id", "title"],
        "additionalProperties": false
    }));
    assert!(todo.accepts(Some(r#"{"id":42}"#), r#"{"title":"milk"}"#));
    assert!(!todo.accepts(None, r#"{"title":"milk"}"#), "id is required");
    assert!(!todo.accepts(Some(r#"{"id":42}"#), r#"{"id":42,"title":"milk"}"#));
    assert!(!todo.accepts(Some(r#"{"id":"x"}"#), r#"{"title":"milk"}"#));
    let open = Plan::any();
    assert!(!open.accepts(Some(r#"{"z":1}"#), r#"{"z":1}"#));
    assert!(open.accepts(Some(r#"{"z":1}"#), r#"{"y":1,"y":2}"#));
}

#[test]
fn numbers_are_compared_only_when_exact() {
    let small = plan(
        json!({ "properties": { "n": { "type": "integer", "exclusiveMaximum": 10, "minimum": -2.5 } } }),
    );
    assert!(small.accepts(None, r#"{"n":9}"#));
    assert!(small.accepts(None, r#"{"n":-2}"#));
    assert!(!small.accepts(None, r#"{"n":10}"#));
    assert!(!small.accepts(None, r#"{"n":-3}"#));
    assert!(
        !small.accepts(None, r#"{"n":9.0}"#),
        "left to the full path"
    );
    let any_number = plan(json!({ "properties": { "n": { "type": "number" } } }));
    assert!(any_number.accepts(None, r#"{"n":9.5e3}"#));
}
