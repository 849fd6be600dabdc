//! Schemas as TypeScript types, and `$defs` named apart from the schemas.

use serde_json::{json, Value};

use super::TypeNames;

#[test]
fn schemas_become_types() {
    let names = TypeNames::default();
    let t = |s: Value| names.type_of("X", &s);
    assert_eq!(
        t(json!({"type": "string", "enum": ["a", "b"]})),
        r#""a" | "b""#
    );
    assert_eq!(
        t(json!({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "null"}]}})),
        "(string | null)[]"
    );
    assert_eq!(
        t(
            json!({"type": "object", "properties": {"id": {"type": "integer"}, "my-key": {"type": "boolean"}}, "required": ["id"], "additionalProperties": false})
        ),
        r#"{ id: number; "my-key"?: boolean }"#
    );
    assert_eq!(
        t(json!({"type": "object", "additionalProperties": {"type": "number"}})),
        "{ [key: string]: number }"
    );
    assert_eq!(
        t(
            json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}], "minItems": 1, "items": false})
        ),
        "[string, number?]"
    );
    assert_eq!(
        t(json!({"type": "string", "allOf": [{"pattern": "a"}, {"pattern": "b"}]})),
        "string"
    );
}

#[test]
fn defs_are_shared_and_renamed_off_schema_names() {
    let mut names = TypeNames::default();
    names.reserve([&"GetInput".to_owned(), &"ListInput".to_owned()]);
    names.add_defs(
        "GetInput",
        &json!({"$defs": {"Todo": {"type": "string"}, "ListInput": {"type": "number"}}}),
    );
    names.add_defs(
        "ListInput",
        &json!({"$defs": {"Todo": {"type": "string"}, "ListInput": {"type": "number"}}}),
    );
    assert_eq!(names.declarations.len(), 3);
    assert_eq!(
        names.type_of("GetInput", &json!({"$ref": "#/$defs/ListInput"})),
        "ListInput2"
    );
    assert_eq!(
        names.type_of("ListInput", &json!({"$ref": "#/$defs/ListInput"})),
        "ListInput"
    );
    assert_eq!(
        names.type_of("ListInput", &json!({"$ref": "#/$defs/Todo"})),
        "Todo"
    );
}
