//! Schema-guided coercion of string inputs (path params, query, form fields): a string becomes
//! a number or a boolean only where the schema asks for one and does not also accept a string.
//! The plan is read from the schema once, at start-up.

mod pairs;
mod schema_kinds;

use std::borrow::Cow;

use rustc_hash::FxHashMap;
use serde_json::Value;

pub use pairs::{coerce_pairs, coerce_params, params_json, params_repeat, PathParams};

/// What a top-level field of an input schema accepts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldKind {
    string: bool,
    number: bool,
    integer: bool,
    boolean: bool,
    /// The items' kind when the field accepts an array.
    array: Option<Box<FieldKind>>,
}

/// How to coerce each top-level field of one input schema.
#[derive(Debug, Clone, Default)]
pub struct CoercionPlan {
    /// Built at start-up from the schema, only read per request.
    fields: FxHashMap<String, FieldKind>,
}

impl CoercionPlan {
    /// Coerces the string values of one field.
    pub fn coerce(&self, key: &str, values: Vec<String>) -> Value {
        let kind = self.fields.get(key);
        let wants_array = kind.is_some_and(|k| k.array.is_some() && !k.string);
        if values.len() == 1 && !wants_array {
            let value = values.into_iter().next().unwrap_or_default();
            return coerce_one(kind, value);
        }
        let items = kind.and_then(|k| k.array.as_deref());
        Value::Array(values.into_iter().map(|v| coerce_one(items, v)).collect())
    }

    /// [`coerce`](Self::coerce) for a key given once.
    fn coerce_single(&self, key: &str, value: Cow<'_, str>) -> Value {
        let kind = self.fields.get(key);
        match kind.and_then(|k| k.array.as_deref().filter(|_| !k.string)) {
            Some(items) => Value::Array(vec![coerce_one(Some(items), value)]),
            None => coerce_one(kind, value),
        }
    }
}

fn coerce_one<'v>(kind: Option<&FieldKind>, value: impl Into<Cow<'v, str>>) -> Value {
    let value = value.into();
    let Some(kind) = kind else {
        return Value::String(value.into_owned());
    };
    if kind.string {
        return Value::String(value.into_owned());
    }
    if kind.integer || kind.number {
        if let Some(number) = parse_number(&value, kind.integer && !kind.number) {
            return number;
        }
    }
    if kind.boolean {
        match &*value {
            "true" => return Value::Bool(true),
            "false" => return Value::Bool(false),
            _ => {}
        }
    }
    Value::String(value.into_owned())
}

/// Parses a number written as JSON writes one (`-1`, `2.5`, `1e3`), rejecting `""`, `" 1"`,
/// `"+1"`, `"01"`, `"0x1"`, `"NaN"`, `"Infinity"` and values out of range.
fn parse_number(text: &str, integer_only: bool) -> Option<Value> {
    let starts = text.starts_with(|c: char| c == '-' || c.is_ascii_digit());
    if !starts || !text.ends_with(|c: char| c.is_ascii_digit()) {
        return None; // also keeps JSON's tolerated whitespace out
    }
    // The usual path param (`42`), without a JSON parser.
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.bytes().all(|b| b.is_ascii_digit()) && !(digits.starts_with('0') && digits.len() > 1)
    {
        if text.len() == digits.len() {
            if let Ok(n) = text.parse::<u64>() {
                return Some(Value::from(n));
            }
        } else if let Ok(n) = text.parse::<i64>() {
            // `-0` is a float to serde_json; `n == 0` leaves it to the parser below.
            if n != 0 {
                return Some(Value::from(n));
            }
        }
    }
    let value: Value = serde_json::from_str(text).ok()?;
    match value {
        Value::Number(n) if !integer_only || n.is_i64() || n.is_u64() => Some(Value::Number(n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
