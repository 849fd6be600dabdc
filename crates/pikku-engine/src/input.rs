//! Building a function's input: path params, query and body merged into one object, with the
//! keys that could reach a JavaScript prototype refused.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::error::{RequestError, BAD_REQUEST, UNPROCESSABLE_CONTENT};

/// Keys that `Object.assign` or a naive deep merge in JavaScript would turn into a prototype
/// write. Input holding one of them is refused outright.
const FORBIDDEN_KEYS: [&str; 3] = ["__proto__", "constructor", "prototype"];

/// Whether `key` is one of the keys refused in any input.
pub fn is_forbidden_key(key: &str) -> bool {
    is_forbidden_name(key.as_bytes())
}

/// [`is_forbidden_key`] for a key as written in JSON text.
pub fn is_forbidden_name(key: &[u8]) -> bool {
    FORBIDDEN_KEYS
        .iter()
        .any(|forbidden| forbidden.as_bytes() == key)
}

/// Where a piece of input came from, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Path,
    Query,
    Body,
}

impl Source {
    fn describe(self) -> &'static str {
        match self {
            Source::Path => "the path",
            Source::Query => "the query string",
            Source::Body => "the body",
        }
    }
}

/// Splits a raw query string (or form body) into decoded pairs; `tags[]=a` is read as
/// `tags=a`. A key or value that is not UTF-8 once decoded is a 400 naming it.
pub fn parse_query(query: &str) -> Result<Vec<(String, String)>, RequestError> {
    let mut pairs = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = part.split_once('=').unwrap_or((part, ""));
        let key = decode_component(raw_key)?;
        let key = match key.strip_suffix("[]") {
            Some(stripped) => stripped.to_owned(),
            None => key,
        };
        pairs.push((key, decode_component(raw_value)?));
    }
    Ok(pairs)
}

fn decode_component(raw: &str) -> Result<String, RequestError> {
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(|v| v.into_owned())
        .map_err(|_| {
            RequestError::new(
                BAD_REQUEST,
                format!(
                    "`{}` is not valid UTF-8 once percent-decoded",
                    preview(&Value::String(raw.chars().take(60).collect())).trim_matches('"')
                ),
            )
        })
}

/// Percent-decodes a path parameter (borrowed when there is nothing to decode).
pub fn decode_param<'a>(name: &str, raw: &'a str) -> Result<Cow<'a, str>, RequestError> {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| {
            RequestError::new(
                BAD_REQUEST,
                format!("Path parameter `{name}` is not valid UTF-8 once percent-decoded"),
            )
        })
}

/// Refuses input holding a forbidden key anywhere, naming its JSON pointer.
pub fn check_keys(value: &Value, source: Source) -> Result<(), RequestError> {
    if !holds_forbidden_key(value) {
        return Ok(());
    }
    let mut path = String::new();
    check_keys_at(value, &mut path, source)
}

/// [`check_keys`] for the members of an object.
pub fn check_object_keys(map: &Map<String, Value>, source: Source) -> Result<(), RequestError> {
    if !members_hold_forbidden_key(map) {
        return Ok(()); // the usual case: no walk that builds pointers
    }
    let mut path = String::new();
    check_members(map, &mut path, source)
}

fn holds_forbidden_key(value: &Value) -> bool {
    match value {
        Value::Object(map) => members_hold_forbidden_key(map),
        Value::Array(items) => items.iter().any(holds_forbidden_key),
        _ => false,
    }
}

fn members_hold_forbidden_key(map: &Map<String, Value>) -> bool {
    map.iter()
        .any(|(key, child)| is_forbidden_key(key) || holds_forbidden_key(child))
}

fn check_members(
    map: &Map<String, Value>,
    path: &mut String,
    source: Source,
) -> Result<(), RequestError> {
    for (key, child) in map {
        let len = path.len();
        path.push('/');
        path.push_str(key);
        if is_forbidden_key(key) {
            return Err(RequestError::new(
                BAD_REQUEST,
                format!(
                    "Input key `{key}` at {path} in {} is not allowed: it could change an object prototype in JavaScript",
                    source.describe()
                ),
            ));
        }
        check_keys_at(child, path, source)?;
        path.truncate(len);
    }
    Ok(())
}

fn check_keys_at(value: &Value, path: &mut String, source: Source) -> Result<(), RequestError> {
    match value {
        Value::Object(map) => check_members(map, path, source),
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = path.len();
                path.push('/');
                path.push_str(&i.to_string());
                check_keys_at(child, path, source)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Adds `incoming` from `source` to `merged`; a key already present with a different value
/// is a 422 naming the key and both sources.
pub fn merge_into(
    merged: &mut Map<String, Value>,
    sources: &mut Vec<(String, Source)>,
    incoming: Map<String, Value>,
    source: Source,
) -> Result<(), RequestError> {
    for (key, value) in incoming {
        match merged.get(&key) {
            Some(existing) if !same_value(existing, &value) => {
                return Err(conflict(
                    &key,
                    first_source(sources, &key),
                    existing,
                    source,
                    &value,
                ));
            }
            Some(_) => {}
            None => {
                // Only the query is noted: a key not found is the path's (`first_source`), and
                // the body is merged last, so its keys are never the first of a conflict.
                if source == Source::Query {
                    sources.push((key.clone(), source));
                }
                merged.insert(key, value);
            }
        }
    }
    Ok(())
}

/// Adds params and query (`earlier`, merged by [`merge_into`]) to the members of a JSON
/// body: the same input and the same conflicts as merging the body after them, with the few
/// keys moved instead of the many.
pub fn merge_before_body(
    body: &mut Map<String, Value>,
    earlier: Map<String, Value>,
    sources: &[(String, Source)],
) -> Result<(), RequestError> {
    for (key, value) in earlier {
        match body.get(&key) {
            Some(in_body) if !same_value(&value, in_body) => {
                return Err(conflict(
                    &key,
                    first_source(sources, &key),
                    &value,
                    Source::Body,
                    in_body,
                ));
            }
            Some(_) => {}
            None => {
                body.insert(key, value);
            }
        }
    }
    Ok(())
}

fn first_source(sources: &[(String, Source)], key: &str) -> Source {
    sources
        .iter()
        .find(|(k, _)| k == key)
        .map_or(Source::Path, |(_, s)| *s)
}

fn conflict(
    key: &str,
    first: Source,
    first_value: &Value,
    second: Source,
    second_value: &Value,
) -> RequestError {
    RequestError::new(
        UNPROCESSABLE_CONTENT,
        format!(
            "Conflicting values for key \"{key}\": {} gives {} and {} gives {}; send it once",
            first.describe(),
            preview(first_value),
            second.describe(),
            preview(second_value)
        ),
    )
}

/// Equal as JSON values, numbers compared by value (`10` and `10.0` are the same).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// A value as short JSON for a message.
pub fn preview(value: &Value) -> String {
    let text = value.to_string();
    if text.len() <= 60 {
        return text;
    }
    cut(&text, 57)
}

/// The first `keep` bytes of `text` (fewer, to end on a character) and `...`.
pub fn cut(text: &str, keep: usize) -> String {
    let mut end = keep.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
