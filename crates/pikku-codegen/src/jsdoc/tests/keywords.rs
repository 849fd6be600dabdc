//! Tags turned into keywords: every keyword, documentation and unknown tags, malformed values,
//! patterns and bare `@default` words.

use serde_json::json;

use super::applied;
use crate::ir::Loc;
use crate::jsdoc::keywords::compiles;
use crate::jsdoc::{apply_doc, parse_jsdoc, BAD_VALUE, UNKNOWN_TAG};

#[test]
fn turns_every_tag_into_its_keyword() {
    let (schema, problems) = applied(
        "number",
        "/** @minimum 0 @maximum 1e3 @exclusiveMinimum -1.5 @exclusiveMaximum 1001\n * @multipleOf 0.5 @default 2 @examples 3 @deprecated @title Score\n * @description How good. */",
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        schema,
        json!({
            "type": "number", "minimum": 0, "maximum": 1000, "exclusiveMinimum": -1.5,
            "exclusiveMaximum": 1001, "multipleOf": 0.5, "default": 2, "examples": [3],
            "deprecated": true, "title": "Score", "description": "How good."
        })
    );
    let (schema, problems) = applied(
        "string",
        "/** @minLength 0 @maxLength 9 @pattern ^\\d+$ @format uuid @default en @examples [\"a\", \"b\"] */",
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        schema,
        json!({
            "type": "string", "minLength": 0, "maxLength": 9, "pattern": "^\\d+$",
            "format": "uuid", "default": "en", "examples": ["a", "b"]
        })
    );
    let (schema, problems) = applied("array", "/** @minItems 1 @maxItems 3 @uniqueItems */");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        schema,
        json!({ "type": "array", "minItems": 1, "maxItems": 3, "uniqueItems": true })
    );
    let (schema, _) = applied("number", "/** @asType integer */");
    assert_eq!(schema, json!({ "type": "integer" }));
    // A bare word is a string for a string type; a lone example becomes a list.
    let (schema, _) = applied("string", "/** @examples hello */");
    assert_eq!(schema, json!({ "type": "string", "examples": ["hello"] }));
}

#[test]
fn documentation_tags_are_silent_and_unknown_tags_warn() {
    let (schema, problems) = applied(
        "string",
        "/**\n * Name.\n * @example\n * @Component class X {}\n * @see Other\n * @remarks Long text.\n * @param x the x\n * @returns y\n * @since 1.0\n * @todo later\n * @internal @public @beta @type {string}\n */",
    );
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(schema, json!({ "type": "string", "description": "Name." }));
    let doc = parse_jsdoc("/** @minLenght 1 @maxLength 2 */", Loc::default());
    let mut schema = json!({ "type": "string" });
    let problems = apply_doc(&mut schema, &doc, &|_| None);
    assert_eq!(schema, json!({ "type": "string", "maxLength": 2 }));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].code, UNKNOWN_TAG);
    assert!(!problems[0].is_error());
    assert_eq!(problems[0].loc.offset, 4);
    assert!(problems[0].hint.as_deref().unwrap().contains("@minLength"));
}

#[test]
fn malformed_values_are_errors_at_the_value() {
    for (ty, comment, expected) in [
        ("number", "/** @minimum abc */", "`@minimum` needs a number; found `abc`"),
        ("number", "/** @maximum */", "`@maximum` needs a number; found no value"),
        ("number", "/** @minimum 1 2 */", "`@minimum` needs a number; found `1 2`"),
        ("number", "/** @minimum NaN */", "`@minimum` needs a number; found `NaN`"),
        ("number", "/** @maximum inf */", "`@maximum` needs a number; found `inf`"),
        ("number", "/** @multipleOf 0 */", "`@multipleOf` needs a number greater than 0; found `0`"),
        ("string", "/** @minLength -1 */", "`@minLength` needs a whole number, 0 or more; found `-1`"),
        ("string", "/** @maxLength 1.5 */", "`@maxLength` needs a whole number, 0 or more; found `1.5`"),
        ("array", "/** @minItems +1 */", "`@minItems` needs a whole number, 0 or more; found `+1`"),
        ("array", "/** @uniqueItems yes */", "`@uniqueItems` needs no value, `true` or `false`; found `yes`"),
        ("number", "/** @default abc */", "`@default` needs a JSON value (a bare word is a string only for string types); found `abc`"),
        ("number", "/** @examples [1, */", "`@examples` needs a JSON array of examples (or one JSON value); found `[1,`"),
        ("string", "/** @format */", "`@format` needs a format name such as `email`, `uri`, `date-time` or `uuid`; found no value"),
        ("number", "/** @asType float */", "`@asType` needs `integer`; found `float`"),
        ("string", "/** @pattern [a-z */", "`@pattern` needs a regular expression the runtime can compile; found `[a-z`"),
        ("string", "/** @pattern (?<n>a */", "`@pattern` needs a regular expression the runtime can compile; found `(?<n>a`"),
        ("string", "/** @pattern */", "`@pattern` needs a regular expression the runtime can compile; found no value"),
    ] {
        let (_, problems) = applied(ty, comment);
        assert_eq!(problems, vec![format!("{BAD_VALUE}: {expected}")], "{comment}");
    }
    // The error points at the value: `abc` is at offset 13 of `/** @minimum abc */`.
    let doc = parse_jsdoc(
        "/** @minimum abc */",
        Loc {
            file: 2,
            offset: 100,
        },
    );
    let problems = apply_doc(&mut json!({ "type": "number" }), &doc, &|_| None);
    assert_eq!(
        problems[0].loc,
        Loc {
            file: 2,
            offset: 113
        }
    );
    assert!(problems[0].is_error());
}

#[test]
fn patterns_the_runtime_accepts_are_accepted() {
    for pattern in ["^(?!admin).*$", "^\\p{L}+$", "^[^@]+@[^@]+$", "(a)\\1"] {
        assert!(compiles(pattern), "{pattern}");
    }
}

#[test]
fn a_bare_default_word_follows_references_to_strings() {
    let defs = std::collections::BTreeMap::from([(
        "Locale".to_owned(),
        json!({ "type": "string", "enum": ["en", "fr"] }),
    )]);
    let doc = parse_jsdoc("/** @default en */", Loc::default());
    let mut schema = json!({ "$ref": "#/$defs/Locale" });
    let defs = |name: &str| defs.get(name).cloned();
    assert!(apply_doc(&mut schema, &doc, &defs).is_empty());
    assert_eq!(schema["default"], json!("en"));
    let mut schema = json!({ "anyOf": [{ "type": "null" }, { "type": "string" }] });
    assert!(apply_doc(&mut schema, &doc, &defs).is_empty());
}
