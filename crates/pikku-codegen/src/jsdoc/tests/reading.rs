//! Reading comments: descriptions, several tags to a line, `@` inside values, multi-line
//! values and where each tag is.

use serde_json::json;

use super::{applied, pairs, tags};
use crate::ir::Loc;
use crate::jsdoc::parse_jsdoc;

#[test]
fn reads_description_and_tags() {
    let doc = parse_jsdoc(
        "/**\n * The title.\n * Shown in lists.\n * @minLength 1\n * @pattern ^[a-z]+$\n */",
        Loc::default(),
    );
    assert_eq!(
        doc.description.as_deref(),
        Some("The title. Shown in lists.")
    );
    assert_eq!(
        tags("/**\n * The title.\n * @minLength 1\n * @pattern ^[a-z]+$\n */"),
        pairs(&[("minLength", "1"), ("pattern", "^[a-z]+$")])
    );
    assert_eq!(tags("/** @format email */"), pairs(&[("format", "email")]));
}

#[test]
fn reads_several_tags_on_one_line() {
    assert_eq!(
        tags("/** @minLength 1 @maxLength 120 */"),
        pairs(&[("minLength", "1"), ("maxLength", "120")])
    );
    assert_eq!(
        tags("/**\n * Age. @minimum 13 @maximum 130\n * @asType integer */"),
        pairs(&[("minimum", "13"), ("maximum", "130"), ("asType", "integer")])
    );
    assert_eq!(
        tags("/**\r\n * @minLength 1\r\n * @maxLength 2 @format date\r\n */"),
        pairs(&[("minLength", "1"), ("maxLength", "2"), ("format", "date")])
    );
    assert_eq!(
        tags("/** @TJS-type integer @minimum 0 */"),
        pairs(&[("TJS-type", "integer"), ("minimum", "0")])
    );
    let (schema, problems) = applied("string", "/** @minLength 1 @maxLength 120 */");
    assert_eq!(
        schema,
        json!({ "type": "string", "minLength": 1, "maxLength": 120 })
    );
    assert!(problems.is_empty());
}

#[test]
fn keeps_at_signs_inside_values() {
    assert_eq!(
        tags("/** @pattern ^[^@]+@[^@]+$ @format email */"),
        pairs(&[("pattern", "^[^@]+@[^@]+$"), ("format", "email")])
    );
    // In a pattern even ` @x` is the pattern's, unless `x` is a known tag.
    assert_eq!(
        tags("/** @pattern ^a @b$ @maxLength 9 */"),
        pairs(&[("pattern", "^a @b$"), ("maxLength", "9")])
    );
    let doc = parse_jsdoc(
        "/**\n * Write to team@example.com or {@link Contact}.\n * @format email\n */",
        Loc::default(),
    );
    assert_eq!(
        doc.description.as_deref(),
        Some("Write to team@example.com or {@link Contact}.")
    );
    assert_eq!(
        tags("/** @description mail me at a@b.io @maxLength 3 */"),
        pairs(&[("description", "mail me at a@b.io"), ("maxLength", "3")])
    );
    assert_eq!(
        tags("/** @default \"a @b\" @examples [\"x @y\", \"@z\"] */"),
        pairs(&[("default", "\"a @b\""), ("examples", "[\"x @y\", \"@z\"]")])
    );
    // `@` not followed by a name starts no tag.
    assert_eq!(
        tags("/** @title Costs @ 5 */"),
        pairs(&[("title", "Costs @ 5")])
    );
}

#[test]
fn reads_values_over_several_lines() {
    let comment = "/**\n * @description The first line\n *   and the second.\n * @default {\n *   \"a\": 1,\n *   \"b\": [2, 3]\n * }\n * @examples [\n *   \"x\",\n *   \"y\"\n * ]\n */";
    let (schema, problems) = applied("object", comment);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        schema,
        json!({
            "type": "object",
            "description": "The first line and the second.",
            "default": { "a": 1, "b": [2, 3] },
            "examples": ["x", "y"]
        })
    );
}

#[test]
fn tags_know_where_they_are() {
    let comment = "/**\n   * Text.\n   * @minLength 1 @maxLength 2\n   */";
    let doc = parse_jsdoc(
        comment,
        Loc {
            file: 0,
            offset: 10,
        },
    );
    let at = |o: u32| &comment[(o - 10) as usize..];
    assert!(at(doc.tags[0].loc.offset).starts_with("@minLength 1"));
    assert!(at(doc.tags[0].value_loc.offset).starts_with("1 @maxLength"));
    assert!(at(doc.tags[1].loc.offset).starts_with("@maxLength 2"));
    assert!(at(doc.tags[1].value_loc.offset).starts_with("2\n"));
}
