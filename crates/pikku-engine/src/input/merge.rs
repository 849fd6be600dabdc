//! Merging params, query and body into one input; a key given twice must hold one value.

use serde_json::{Map, Value};

use super::{preview, Source};
use crate::error::{RequestError, UNPROCESSABLE_CONTENT};

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
