//! The keys that could reach a JavaScript prototype, refused at any depth of any input.

use serde_json::{Map, Value};

use super::Source;
use crate::error::{RequestError, BAD_REQUEST};

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
