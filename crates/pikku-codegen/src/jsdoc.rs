//! JSDoc comments: the description and the `@tag value` annotations, several to a line or
//! spread over lines, turned into JSON Schema keywords the way `ts-json-schema-generator`
//! reads them (`@minLength 1 @maxLength 120`, `@pattern`, `@default`, `@examples` …).
//!
//! A tag is `@` and a name at the start of the comment text or right after whitespace; its
//! value runs to the next tag. The value of a tag that holds data (`@pattern`, `@default`,
//! `@examples`, `@example`) runs to the next *known* tag, so that an `@` in a regular
//! expression, a JSON string or a code sample never starts a tag. An unknown tag is a warning;
//! a malformed value is an error at the value.

use serde_json::{json, Value};

use crate::diagnostics::Diagnostic;
use crate::ir::{Doc, Loc, Tag};
use crate::schema_values::number;

/// The tags that become schema keywords.
pub const SCHEMA_TAGS: [&str; 20] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "uniqueItems",
    "default",
    "examples",
    "deprecated",
    "title",
    "description",
    "asType",
    // Written by users of typescript-json-schema: `@TJS-type integer` is `@asType integer`.
    "TJS-type",
    "TJS-format",
];

/// Documentation tags: read by editors and doc tools, no schema keyword, no warning.
const DOC_TAGS: [&str; 44] = [
    "example",
    "see",
    "remarks",
    "param",
    "returns",
    "return",
    "since",
    "todo",
    "link",
    "linkcode",
    "linkplain",
    "internal",
    "public",
    "private",
    "protected",
    "readonly",
    "beta",
    "alpha",
    "experimental",
    "type",
    "typedef",
    "typeParam",
    "template",
    "throws",
    "throw",
    "author",
    "version",
    "override",
    "inheritDoc",
    "ignore",
    "hidden",
    "category",
    "module",
    "packageDocumentation",
    "privateRemarks",
    "defaultValue",
    "label",
    "virtual",
    "sealed",
    "eventProperty",
    "decorator",
    "license",
    "file",
    "note",
];

/// Tags whose value is data, read verbatim up to the next known tag.
const VERBATIM_TAGS: [&str; 4] = ["pattern", "default", "examples", "example"];

/// The code of the warning for a tag the generator does not know.
pub const UNKNOWN_TAG: &str = "PIKKU_JSDOC_UNKNOWN_TAG";
/// The code of the error for a tag whose value is not what the keyword needs.
pub const BAD_VALUE: &str = "PIKKU_JSDOC_VALUE";

fn is_known(name: &str) -> bool {
    SCHEMA_TAGS.contains(&name) || DOC_TAGS.contains(&name)
}

/// The cleaned text of a comment (no `/**`, `*/` or leading ` * `; lines joined by `\n`) and,
/// for each of its lines, (offset in the cleaned text, offset in the source).
struct Cleaned {
    text: String,
    lines: Vec<(usize, u32)>,
}

impl Cleaned {
    fn new(comment: &str, start: u32) -> Self {
        let open = if comment.starts_with("/**") { 3 } else { 0 };
        let close = if comment.len() >= open + 2 && comment.ends_with("*/") {
            comment.len() - 2
        } else {
            comment.len()
        };
        let body = &comment[open..close];
        let mut cleaned = Cleaned {
            text: String::new(),
            lines: Vec::new(),
        };
        let mut line_start = open;
        for (index, line) in body.split('\n').enumerate() {
            let rest = line.trim_start();
            let mut skipped = line.len() - rest.len();
            // The ` * ` margin (not on the first line, which follows `/**`).
            let rest = match rest.strip_prefix('*') {
                Some(after) if index > 0 => {
                    skipped += 1;
                    after
                }
                _ => rest,
            };
            let content = rest.trim_start();
            skipped += rest.len() - content.len();
            let content = content.trim_end();
            if index > 0 {
                cleaned.text.push('\n');
            }
            cleaned
                .lines
                .push((cleaned.text.len(), start + (line_start + skipped) as u32));
            cleaned.text.push_str(content);
            line_start += line.len() + 1;
        }
        cleaned
    }

    /// The source offset of byte `at` of the cleaned text.
    fn source_offset(&self, at: usize) -> u32 {
        let line = self.lines.partition_point(|(clean, _)| *clean <= at);
        let (clean, source) = self.lines[line.saturating_sub(1)];
        source + (at - clean) as u32
    }
}

/// A tag found in the cleaned text: where its `@` is, its name, where the name ends.
struct Found<'a> {
    at: usize,
    name: &'a str,
    end: usize,
}

/// Every `@name` at the start of the text or after whitespace.
fn find_tags(text: &str) -> Vec<Found<'_>> {
    let mut found = Vec::new();
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices() {
        if c == '@' && previous.is_none_or(char::is_whitespace) {
            let rest = &text[at + 1..];
            let starts_name = rest
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$');
            if starts_name {
                let len = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '-')))
                    .unwrap_or(rest.len());
                found.push(Found {
                    at,
                    name: &rest[..len],
                    end: at + 1 + len,
                });
            }
        }
        previous = Some(c);
    }
    found
}

/// Text over several lines as one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads a `/** … */` comment that starts at `start` in the source.
pub fn parse_jsdoc(comment: &str, start: Loc) -> Doc {
    let cleaned = Cleaned::new(comment, start.offset);
    let text = cleaned.text.as_str();
    let candidates = find_tags(text);
    let mut doc = Doc::default();
    let first = candidates.first().map_or(text.len(), |t| t.at);
    let description = one_line(&text[..first]);
    if !description.is_empty() {
        doc.description = Some(description);
    }
    let mut index = 0;
    while let Some(tag) = candidates.get(index) {
        let verbatim = VERBATIM_TAGS.contains(&tag.name);
        let next = candidates[index + 1..]
            .iter()
            .position(|t| !verbatim || is_known(t.name))
            .map_or(candidates.len(), |p| index + 1 + p);
        let value_end = candidates.get(next).map_or(text.len(), |t| t.at);
        let raw = &text[tag.end..value_end];
        let value = raw.trim();
        let value_at = tag.end + (raw.len() - raw.trim_start().len());
        doc.tags.push(Tag {
            name: tag.name.to_owned(),
            value: if verbatim {
                value.to_owned()
            } else {
                one_line(value)
            },
            loc: Loc {
                file: start.file,
                offset: cleaned.source_offset(tag.at),
            },
            value_loc: Loc {
                file: start.file,
                offset: cleaned.source_offset(value_at),
            },
        });
        index = next;
    }
    doc
}

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
fn compiles(pattern: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(comment: &str) -> Vec<(String, String)> {
        parse_jsdoc(comment, Loc::default())
            .tags
            .into_iter()
            .map(|t| (t.name, t.value))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// The schema `{ "type": type }` with the comment applied, and the problems' codes and
    /// messages.
    fn applied(ty: &str, comment: &str) -> (Value, Vec<String>) {
        let mut schema = json!({ "type": ty });
        let problems = apply_doc(&mut schema, &parse_jsdoc(comment, Loc::default()), &|_| {
            None
        });
        let problems = problems
            .iter()
            .map(|p| format!("{}: {}", p.code, p.message))
            .collect();
        (schema, problems)
    }

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
}
