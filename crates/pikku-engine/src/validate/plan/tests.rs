//! Which schemas get a plan, and what it holds.

use super::compile::DRAFT_2020_12;
use super::*;
use serde_json::json;

#[test]
fn generated_shapes_have_a_plan() {
    let schema = json!({
        "$schema": DRAFT_2020_12,
        "$defs": { "Tag": { "type": "string", "enum": ["a", "b"] } },
        "type": "object",
        "title": "Todo",
        "properties": {
            "id": { "type": "integer", "minimum": 1 },
            "title": { "type": "string", "minLength": 1 },
            "due": { "type": "string", "format": "date-time" },
            "tags": { "type": "array", "items": { "$ref": "#/$defs/Tag" } },
            "pair": { "type": "array", "prefixItems": [{ "type": "number" }, { "const": "x" }], "items": false },
            "note": { "anyOf": [{ "type": "string" }, { "type": "null" }] }
        },
        "required": ["id", "title"],
        "additionalProperties": false
    });
    let plan = Plan::compile(&schema).expect("a plan");
    let root = &plan.nodes[plan.root as usize];
    assert_eq!(root.properties.len(), 6);
    let required: Vec<&str> = (0..root.properties.len())
        .filter(|i| root.required & (1 << i) != 0)
        .map(|i| &*root.properties[i].name)
        .collect();
    assert_eq!(required, ["id", "title"]);
    assert!(root
        .additional
        .is_some_and(|id| plan.nodes[id as usize].never));
}

#[test]
fn other_keywords_leave_the_schema_to_the_full_validator() {
    for schema in [
        json!({ "oneOf": [true, false] }),
        json!({ "type": "number", "multipleOf": 2 }),
        json!({ "properties": { "a": { "not": { "type": "string" } } } }),
        json!({ "$id": "https://example.com/s", "type": "string" }),
        json!({ "$ref": "https://example.com/other" }),
        json!({ "$schema": "http://json-schema.org/draft-07/schema#" }),
        json!({ "type": "decimal" }),
        // A `$ref` inside a schema with its own `$id` resolves against that `$id`.
        json!({
            "$defs": {
                "C": { "type": "string" },
                "B": { "$id": "https://example.com/b.json",
                       "$defs": { "C": { "type": "integer" }, "A": { "$ref": "#/$defs/C" } } }
            },
            "properties": { "x": { "$ref": "#/$defs/B/$defs/A" } }
        }),
    ] {
        assert!(Plan::compile(&schema).is_none(), "{schema}");
    }
    assert!(Plan::compile(&json!({ "x-internal": true, "type": "string" })).is_some());
}

#[test]
fn recursive_references_end() {
    let schema = json!({
        "type": "object",
        "properties": { "children": { "type": "array", "items": { "$ref": "#" } } }
    });
    let plan = Plan::compile(&schema).expect("a plan");
    assert_eq!(
        plan.nodes.len(),
        4,
        "any, root, children, and the ref back to the root"
    );
}
