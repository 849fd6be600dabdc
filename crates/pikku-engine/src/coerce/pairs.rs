//! Coercing path params and query or form pairs into the objects that are merged into an
//! input, repeated names grouped into arrays.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value};
use smallvec::SmallVec;

use super::CoercionPlan;

/// Whether a name comes twice among `params` (`/a/:id/b/:id`): then they group into an
/// array as repeated query keys do, through [`coerce_pairs`].
pub fn params_repeat(params: &PathParams<'_>) -> bool {
    params
        .iter()
        .enumerate()
        .any(|(i, (name, _))| params[..i].iter().any(|(n, _)| n == name))
}

/// Coerces path params into an object.
pub fn coerce_params(plan: Option<&CoercionPlan>, params: PathParams<'_>) -> Map<String, Value> {
    if params_repeat(&params) {
        let pairs = params
            .into_iter()
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        return coerce_pairs(plan, pairs);
    }
    let mut map = Map::new();
    for (name, value) in params {
        let value = match plan {
            Some(plan) => plan.coerce_single(&name, value),
            None => Value::String(value.into_owned()),
        };
        map.insert(name.into_owned(), value);
    }
    map
}

/// The JSON text of the object [`coerce_params`] makes for distinct names, written without
/// making it: the same members, in the order of its map (by name).
pub fn params_json(plan: Option<&CoercionPlan>, params: &PathParams<'_>) -> String {
    let mut order: SmallVec<[usize; 4]> = (0..params.len()).collect();
    order.sort_unstable_by(|&a, &b| params[a].0.cmp(&params[b].0));
    let mut out = Vec::with_capacity(16 * params.len() + 2);
    out.push(b'{');
    for (i, &at) in order.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let (name, value) = &params[at];
        let written = serde_json::to_writer(&mut out, name.as_ref()).and_then(|()| {
            out.push(b':');
            match plan {
                Some(plan) => {
                    serde_json::to_writer(&mut out, &plan.coerce_single(name, Cow::Borrowed(value)))
                }
                None => serde_json::to_writer(&mut out, value.as_ref()),
            }
        });
        debug_assert!(written.is_ok(), "strings and numbers always serialize");
    }
    out.push(b'}');
    // serde_json writes UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// Path params: names from the route, values percent-decoded (borrowed when unchanged).
pub type PathParams<'a> = SmallVec<[(Cow<'a, str>, Cow<'a, str>); 4]>;

/// Coerces string pairs into an object, grouping repeated keys (in first-seen order).
pub fn coerce_pairs(
    plan: Option<&CoercionPlan>,
    pairs: Vec<(String, String)>,
) -> Map<String, Value> {
    // A few pairs (path params, a short query) are grouped by a scan; many by a map, so that a
    // query of thousands of keys stays linear.
    const SCAN_UP_TO: usize = 16;
    let empty = CoercionPlan::default();
    let plan = plan.unwrap_or(&empty);
    // The usual case, path params and a short query without a repeated key: no grouping.
    let repeats = |pairs: &[(String, String)]| {
        pairs
            .iter()
            .enumerate()
            .any(|(i, (key, _))| pairs[..i].iter().any(|(k, _)| k == key))
    };
    if pairs.len() <= SCAN_UP_TO && !repeats(&pairs) {
        // Inserted one by one: collecting would sort a copy first, for a handful of keys.
        let mut map = Map::new();
        for (key, value) in pairs {
            let value = plan.coerce_single(&key, Cow::Owned(value));
            map.insert(key, value);
        }
        return map;
    }
    let mut positions: HashMap<String, usize> = HashMap::new();
    let mut grouped: Vec<(String, Vec<String>)> = Vec::with_capacity(pairs.len());
    let many = pairs.len() > SCAN_UP_TO;
    for (key, value) in pairs {
        let known = if many {
            positions.get(&key).copied()
        } else {
            grouped.iter().position(|(k, _)| *k == key)
        };
        match known {
            Some(index) => grouped[index].1.push(value),
            None => {
                if many {
                    positions.insert(key.clone(), grouped.len());
                }
                grouped.push((key, vec![value]));
            }
        }
    }
    grouped
        .into_iter()
        .map(|(key, values)| {
            let value = plan.coerce(&key, values);
            (key, value)
        })
        .collect()
}
