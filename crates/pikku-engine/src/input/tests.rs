//! Decoding, forbidden keys and merging.

use super::*;
use serde_json::{json, Map};

#[test]
fn query_pairs_are_decoded() {
    assert!(parse_query("a=%FF")
        .unwrap_err()
        .message
        .contains("not valid UTF-8"));
    assert_eq!(
        parse_query("a=1&b=hello+world&c=%C3%A9&tags[]=x&tags[]=y&flag").unwrap(),
        vec![
            ("a".into(), "1".into()),
            ("b".into(), "hello world".into()),
            ("c".into(), "é".into()),
            ("tags".into(), "x".into()),
            ("tags".into(), "y".into()),
            ("flag".into(), "".into()),
        ]
    );
}

#[test]
fn forbidden_keys_are_found_at_any_depth() {
    let ok = json!({"a": [{"b": 1}], "proto": 2});
    assert!(check_keys(&ok, Source::Body).is_ok());
    let bad = json!({"a": [{"b": {"__proto__": {"polluted": true}}}]});
    let err = check_keys(&bad, Source::Body).unwrap_err();
    assert_eq!(err.kind.status, 400);
    assert!(err.message.contains("/a/0/b/__proto__"), "{}", err.message);
    let ctor = json!({"constructor": {"prototype": {}}});
    assert!(check_keys(&ctor, Source::Query).is_err());
    let nested = json!({"a": {"list": [1, {"prototype": 2}]}});
    let err = check_object_keys(nested.as_object().unwrap(), Source::Body).unwrap_err();
    assert!(
        err.message.contains("/a/list/1/prototype"),
        "{}",
        err.message
    );
    assert!(check_object_keys(ok.as_object().unwrap(), Source::Body).is_ok());
}

#[test]
fn merge_allows_equal_values_and_names_conflicts() {
    let mut merged = Map::new();
    let mut sources = vec![];
    let path = json!({"id": 1}).as_object().unwrap().clone();
    merge_into(&mut merged, &mut sources, path, Source::Path).unwrap();
    let same = json!({"id": 1.0, "x": true}).as_object().unwrap().clone();
    merge_into(&mut merged, &mut sources, same, Source::Body).unwrap();
    let other = json!({"id": 2}).as_object().unwrap().clone();
    let err = merge_into(&mut merged, &mut sources, other, Source::Query).unwrap_err();
    assert_eq!(err.kind.status, 422);
    assert!(err.message.contains("\"id\""), "{}", err.message);
    assert!(err.message.contains("the path gives 1"), "{}", err.message);
    assert!(
        err.message.contains("the query string gives 2"),
        "{}",
        err.message
    );
}
