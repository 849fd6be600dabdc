//! Coercion by schema, of single values, repeated values, params and pairs.

use super::*;
use serde_json::json;

fn plan() -> CoercionPlan {
    CoercionPlan::from_schema(&json!({
        "type": "object",
        "properties": {
            "limit": { "type": "integer" },
            "ratio": { "type": "number" },
            "done": { "type": "boolean" },
            "name": { "type": "string" },
            "either": { "type": ["string", "number"] },
            "tags": { "type": "array", "items": { "type": "string" } },
            "ids": { "type": "array", "items": { "type": "integer" } },
            "status": { "enum": ["open", "done"] },
            "level": { "enum": [1, 2, 3] },
            "ref": { "$ref": "#/$defs/Count" }
        },
        "$defs": { "Count": { "type": "integer" } }
    }))
}

fn one(key: &str, value: &str) -> Value {
    plan().coerce(key, vec![value.to_owned()])
}

#[test]
fn coerces_only_where_the_schema_says() {
    assert_eq!(one("limit", "10"), json!(10));
    assert_eq!(one("limit", "1.5"), json!("1.5"));
    assert_eq!(one("ratio", "1.5"), json!(1.5));
    assert_eq!(one("done", "true"), json!(true));
    assert_eq!(one("done", "yes"), json!("yes"));
    assert_eq!(one("name", "10"), json!("10"));
    assert_eq!(one("either", "10"), json!("10"));
    assert_eq!(one("unknown", "10"), json!("10"));
    assert_eq!(one("level", "2"), json!(2));
    assert_eq!(one("ratio", "-2.5e1"), json!(-25.0));
    assert_eq!(one("status", "open"), json!("open"));
    assert_eq!(one("ref", "7"), json!(7));
    for junk in [
        "", " 1", "+5", "01", "0x10", "NaN", "Infinity", "1e999", "[1]", "null",
    ] {
        assert_eq!(one("ratio", junk), json!(junk), "{junk:?}");
    }
}

#[test]
fn params_text_is_the_text_of_their_object() {
    let p = plan();
    let cases: [&[(&str, &str)]; 5] = [
        &[("limit", "10"), ("done", "true"), ("name", "a \"b\" é")],
        &[("tags", "a"), ("ids", "3")],
        &[("zeta", "1"), ("alpha", "x"), ("ratio", "2.50")],
        &[("limit", "nope"), ("done", "maybe")],
        &[],
    ];
    for pairs in cases {
        let params: PathParams<'_> = pairs
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), Cow::Borrowed(*v)))
            .collect();
        for plan in [Some(&p), None] {
            let object = coerce_params(plan, params.clone());
            assert_eq!(
                params_json(plan, &params),
                serde_json::to_string(&object).unwrap(),
                "{pairs:?}"
            );
        }
    }
}

#[test]
fn integers_read_without_the_parser_match_it() {
    for text in [
        "0",
        "-0",
        "42",
        "-42",
        "007",
        "-01",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "-",
        "4-2",
    ] {
        for integer_only in [true, false] {
            let by_parser = serde_json::from_str::<Value>(text)
                .ok()
                .filter(|v| !integer_only || v.is_i64() || v.is_u64());
            assert_eq!(parse_number(text, integer_only), by_parser, "{text}");
        }
    }
}

#[test]
fn arrays_from_repeated_and_single_values() {
    let p = plan();
    assert_eq!(p.coerce("ids", vec!["1".into(), "2".into()]), json!([1, 2]));
    assert_eq!(p.coerce("tags", vec!["a".into()]), json!(["a"]));
    assert_eq!(
        p.coerce("name", vec!["a".into(), "b".into()]),
        json!(["a", "b"])
    );
}

#[test]
fn pairs_given_once_or_repeated_coerce_as_their_values_do() {
    let p = plan();
    let pairs = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    let once = coerce_pairs(
        Some(&p),
        pairs(&[
            ("limit", "10"),
            ("tags", "a"),
            ("ids", "7"),
            ("either", "3"),
            ("x", "1"),
        ]),
    );
    assert_eq!(
        Value::Object(once),
        json!({ "limit": 10, "tags": ["a"], "ids": [7], "either": "3", "x": "1" })
    );
    let repeated = coerce_pairs(
        Some(&p),
        pairs(&[("ids", "1"), ("limit", "5"), ("ids", "2")]),
    );
    assert_eq!(
        Value::Object(repeated),
        json!({ "ids": [1, 2], "limit": 5 })
    );
    let unplanned = coerce_pairs(None, pairs(&[("limit", "10"), ("limit", "11")]));
    assert_eq!(Value::Object(unplanned), json!({ "limit": ["10", "11"] }));
}
