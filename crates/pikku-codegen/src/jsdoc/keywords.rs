//! Tags as JSON Schema keywords: each value checked for what its keyword needs.

use serde_json::{json, Value};

use super::{BAD_VALUE, DOC_TAGS, SCHEMA_TAGS, UNKNOWN_TAG};
use crate::diagnostics::Diagnostic;
use crate::ir::{Doc, Tag};
use crate::schema_values::number;

/// JSDoc tags as schema keywords; returns the warnings and errors about them. `defs` are the
/// named schemas a `$ref` may point to (to tell whether a bare `@default` word is a string).
pub fn apply_doc(schema: &mut Value, doc: &Doc, defs: Defs) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    // Followed only for a tag that may hold a bare word (a definition is parsed to be read).
    let takes_string = (doc.tags.iter())
        .any(|tag| matches!(tag.name.as_str(), "default" | "examples" | "example"))
        && accepts_string(schema, defs, 0);
    let Some(object) = schema.as_object_mut() else {
        return problems;
    };
    if let Some(description) = &doc.description {
        object.insert("description".into(), json!(description));
    }
    for tag in &doc.tags {
        match keyword(tag, takes_string) {
            Ok(Some((key, value))) => {
                object.insert(key.to_owned(), value);
            }
            Ok(None) => {}
            Err(problem) => problems.push(problem),
        }
    }
    problems
}

/// The keyword a tag stands for; `Ok(None)` for documentation tags.
fn keyword(tag: &Tag, takes_string: bool) -> Result<Option<(&'static str, Value)>, Diagnostic> {
    let value = tag.value.as_str();
    let name = tag.name.as_str();
    let bad = |expected: &str| {
        let shown = if value.is_empty() {
            "no value".to_owned()
        } else {
            format!("`{value}`")
        };
        Diagnostic::new(
            BAD_VALUE,
            if value.is_empty() {
                tag.loc
            } else {
                tag.value_loc
            },
            format!("`@{name}` needs {expected}; found {shown}"),
        )
    };
    let keyword = SCHEMA_TAGS.iter().copied().find(|k| *k == name);
    let Some(keyword) = keyword else {
        if DOC_TAGS.contains(&name) {
            return Ok(None);
        }
        return Err(Diagnostic::warning(
            UNKNOWN_TAG,
            tag.loc,
            format!("unknown JSDoc tag `@{name}`: it does not become a schema keyword"),
        )
        .with_hint(format!(
            "the tags read into schemas are {}; documentation tags such as @example, @see and @remarks are left alone",
            SCHEMA_TAGS
                .iter()
                .filter(|t| !t.starts_with("TJS-"))
                .map(|t| format!("@{t}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let json = || serde_json::from_str::<Value>(value).ok();
    let entry = match keyword {
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
            // A plain decimal (`-1.5`, `1e3`): no `NaN`, `inf`, `0x10`.
            let plain = value
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
            let n = (value.parse::<f64>().ok()).filter(|n| plain && n.is_finite());
            match n {
                Some(n) if keyword == "multipleOf" && n <= 0.0 => {
                    return Err(bad("a number greater than 0"))
                }
                Some(n) => (keyword, number(n)),
                None => return Err(bad("a number")),
            }
        }
        "minLength" | "maxLength" | "minItems" | "maxItems" => match value.parse::<u64>() {
            Ok(n) if value.bytes().all(|b| b.is_ascii_digit()) => (keyword, json!(n)),
            _ => return Err(bad("a whole number, 0 or more")),
        },
        "pattern" => {
            if !compiles(value) {
                return Err(bad("a regular expression the runtime can compile").with_hint(
                    "write an ECMA-262 regular expression without the slashes: `@pattern ^[a-z]+$`",
                ));
            }
            ("pattern", json!(value))
        }
        "format" | "TJS-format" => {
            if value.is_empty() || value.contains(char::is_whitespace) {
                return Err(bad(
                    "a format name such as `email`, `uri`, `date-time` or `uuid`",
                ));
            }
            ("format", json!(value))
        }
        "uniqueItems" => match value {
            "" | "true" => ("uniqueItems", json!(true)),
            "false" => ("uniqueItems", json!(false)),
            _ => return Err(bad("no value, `true` or `false`")),
        },
        "deprecated" => ("deprecated", json!(true)),
        "title" | "description" => {
            if value.is_empty() {
                return Err(bad("some text"));
            }
            (keyword, json!(value))
        }
        "default" => match json() {
            Some(parsed) => ("default", parsed),
            None if takes_string && !value.is_empty() => ("default", json!(value)),
            None => return Err(bad(
                "a JSON value (a bare word is a string only for string types)",
            )
            .with_hint(
                "write the value as JSON: `@default 0`, `@default \"en\"`, `@default [\"a\"]`",
            )),
        },
        "examples" => match json() {
            Some(Value::Array(items)) => ("examples", Value::Array(items)),
            Some(one) => ("examples", json!([one])),
            None if takes_string && !value.is_empty() => ("examples", json!([value])),
            None => {
                return Err(bad("a JSON array of examples (or one JSON value)")
                    .with_hint("write the examples as JSON: `@examples [\"a@b.io\", \"c@d.io\"]`"))
            }
        },
        "asType" | "TJS-type" => match value {
            "integer" => ("type", json!("integer")),
            _ => return Err(bad("`integer`")),
        },
        _ => return Ok(None),
    };
    Ok(Some(entry))
}

/// Whether the runtime compiles `pattern` (its JSON Schema library's translation and regex
/// engine).
pub(super) fn compiles(pattern: &str) -> bool {
    !pattern.is_empty() && pikku_engine::check_pattern(pattern)
}

/// The definition a `#/$defs/…` reference names.
pub type Defs<'d> = &'d dyn Fn(&str) -> Option<Value>;

/// Whether a string can be a value of `schema` (so that a bare `@default` word is a string).
fn accepts_string(schema: &Value, defs: Defs, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let Some(object) = schema.as_object() else {
        return schema == &json!(true);
    };
    if let Some(name) = object
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        return defs(name).is_some_and(|def| accepts_string(&def, defs, depth + 1));
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = object.get(key).and_then(Value::as_array) {
            return options.iter().any(|o| accepts_string(o, defs, depth + 1));
        }
    }
    if let Some(value) = object.get("const") {
        return value.is_string();
    }
    if let Some(values) = object.get("enum").and_then(Value::as_array) {
        return values.iter().any(Value::is_string);
    }
    match object.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        Some(_) => false,
        // `{}` (any, unknown) takes a string.
        None => !object.contains_key("not"),
    }
}
