//! Schema-guided coercion of string inputs (path params, query, form fields): a string becomes
//! a number or a boolean only where the schema asks for one and does not also accept a string.
//! The plan is read from the schema once, at start-up.

use std::borrow::Cow;
use std::collections::HashMap;

use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use serde_json::{Map, Value};

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
    /// Reads the plan from an input schema (its top-level `properties`, following local
    /// `$ref`s and `allOf`/`anyOf`/`oneOf`).
    pub fn from_schema(schema: &Value) -> Self {
        let mut fields = FxHashMap::default();
        collect_properties(schema, schema, &mut fields, 0);
        Self { fields }
    }

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

const MAX_DEPTH: usize = 16;

fn collect_properties(
    root: &Value,
    schema: &Value,
    out: &mut FxHashMap<String, FieldKind>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let schema = resolve(root, schema);
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (key, prop) in props {
            let kind = out.entry(key.clone()).or_default();
            merge_kind(root, prop, kind, depth + 1);
        }
    }
    for combinator in ["allOf", "anyOf", "oneOf"] {
        if let Some(parts) = schema.get(combinator).and_then(Value::as_array) {
            for part in parts {
                collect_properties(root, part, out, depth + 1);
            }
        }
    }
}

fn merge_kind(root: &Value, schema: &Value, kind: &mut FieldKind, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let schema = resolve(root, schema);
    let Some(object) = schema.as_object() else {
        // `true` or an empty schema accepts anything, strings included.
        kind.string = true;
        return;
    };
    let mut typed = false;
    let mut add_type = |name: &str, kind: &mut FieldKind| {
        typed = true;
        match name {
            "string" => kind.string = true,
            "number" => kind.number = true,
            "integer" => kind.integer = true,
            "boolean" => kind.boolean = true,
            "array" => {
                let mut items = FieldKind::default();
                match object.get("items") {
                    Some(item_schema) => merge_kind(root, item_schema, &mut items, depth + 1),
                    None => items.string = true,
                }
                kind.array = Some(Box::new(items));
            }
            _ => {}
        }
    };
    match object.get("type") {
        Some(Value::String(name)) => add_type(name, kind),
        Some(Value::Array(names)) => {
            for name in names.iter().filter_map(Value::as_str) {
                add_type(name, kind);
            }
        }
        _ => {}
    }
    for literal_key in ["const", "enum"] {
        let literals: Vec<&Value> = match object.get(literal_key) {
            Some(Value::Array(values)) if literal_key == "enum" => values.iter().collect(),
            Some(value) if literal_key == "const" => vec![value],
            _ => continue,
        };
        typed = true;
        for literal in literals {
            match literal {
                Value::String(_) => kind.string = true,
                Value::Number(_) => kind.number = true,
                Value::Bool(_) => kind.boolean = true,
                _ => {}
            }
        }
    }
    let mut combined = false;
    for combinator in ["anyOf", "oneOf", "allOf"] {
        if let Some(parts) = object.get(combinator).and_then(Value::as_array) {
            combined = true;
            for part in parts {
                merge_kind(root, part, kind, depth + 1);
            }
        }
    }
    if !typed && !combined && !object.contains_key("$ref") {
        kind.string = true;
    }
}

/// Follows a local `$ref` (`#/$defs/Todo`) to its schema.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..MAX_DEPTH {
        match current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(pointer) => match root.pointer(pointer) {
                Some(target) => current = target,
                None => return current,
            },
            None => return current,
        }
    }
    current
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan() -> CoercionPlan {
        CoercionPlan::from_schema(&json!({
            "type": "object",
            "properties": {
                "limit": { "type": "integer" },
                "ratio": { "type": "number" },
                "done": { "type": "boolean" },
                "name": { "type": "string" },
                "either": { "type": ["string", "number"] },
                "tags": { "type": "array", "items": { "type": "string" } },
                "ids": { "type": "array", "items": { "type": "integer" } },
                "status": { "enum": ["open", "done"] },
                "level": { "enum": [1, 2, 3] },
                "ref": { "$ref": "#/$defs/Count" }
            },
            "$defs": { "Count": { "type": "integer" } }
        }))
    }

    fn one(key: &str, value: &str) -> Value {
        plan().coerce(key, vec![value.to_owned()])
    }

    #[test]
    fn coerces_only_where_the_schema_says() {
        assert_eq!(one("limit", "10"), json!(10));
        assert_eq!(one("limit", "1.5"), json!("1.5"));
        assert_eq!(one("ratio", "1.5"), json!(1.5));
        assert_eq!(one("done", "true"), json!(true));
        assert_eq!(one("done", "yes"), json!("yes"));
        assert_eq!(one("name", "10"), json!("10"));
        assert_eq!(one("either", "10"), json!("10"));
        assert_eq!(one("unknown", "10"), json!("10"));
        assert_eq!(one("level", "2"), json!(2));
        assert_eq!(one("ratio", "-2.5e1"), json!(-25.0));
        assert_eq!(one("status", "open"), json!("open"));
        assert_eq!(one("ref", "7"), json!(7));
        for junk in [
            "", " 1", "+5", "01", "0x10", "NaN", "Infinity", "1e999", "[1]", "null",
        ] {
            assert_eq!(one("ratio", junk), json!(junk), "{junk:?}");
        }
    }

    #[test]
    fn params_text_is_the_text_of_their_object() {
        let p = plan();
        let cases: [&[(&str, &str)]; 5] = [
            &[("limit", "10"), ("done", "true"), ("name", "a \"b\" é")],
            &[("tags", "a"), ("ids", "3")],
            &[("zeta", "1"), ("alpha", "x"), ("ratio", "2.50")],
            &[("limit", "nope"), ("done", "maybe")],
            &[],
        ];
        for pairs in cases {
            let params: PathParams<'_> = pairs
                .iter()
                .map(|(k, v)| (Cow::Borrowed(*k), Cow::Borrowed(*v)))
                .collect();
            for plan in [Some(&p), None] {
                let object = coerce_params(plan, params.clone());
                assert_eq!(
                    params_json(plan, &params),
                    serde_json::to_string(&object).unwrap(),
                    "{pairs:?}"
                );
            }
        }
    }

    #[test]
    fn integers_read_without_the_parser_match_it() {
        for text in [
            "0",
            "-0",
            "42",
            "-42",
            "007",
            "-01",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "-",
            "4-2",
        ] {
            for integer_only in [true, false] {
                let by_parser = serde_json::from_str::<Value>(text)
                    .ok()
                    .filter(|v| !integer_only || v.is_i64() || v.is_u64());
                assert_eq!(parse_number(text, integer_only), by_parser, "{text}");
            }
        }
    }

    #[test]
    fn arrays_from_repeated_and_single_values() {
        let p = plan();
        assert_eq!(p.coerce("ids", vec!["1".into(), "2".into()]), json!([1, 2]));
        assert_eq!(p.coerce("tags", vec!["a".into()]), json!(["a"]));
        assert_eq!(
            p.coerce("name", vec!["a".into(), "b".into()]),
            json!(["a", "b"])
        );
    }

    #[test]
    fn pairs_given_once_or_repeated_coerce_as_their_values_do() {
        let p = plan();
        let pairs = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        let once = coerce_pairs(
            Some(&p),
            pairs(&[
                ("limit", "10"),
                ("tags", "a"),
                ("ids", "7"),
                ("either", "3"),
                ("x", "1"),
            ]),
        );
        assert_eq!(
            Value::Object(once),
            json!({ "limit": 10, "tags": ["a"], "ids": [7], "either": "3", "x": "1" })
        );
        let repeated = coerce_pairs(
            Some(&p),
            pairs(&[("ids", "1"), ("limit", "5"), ("ids", "2")]),
        );
        assert_eq!(
            Value::Object(repeated),
            json!({ "ids": [1, 2], "limit": 5 })
        );
        let unplanned = coerce_pairs(None, pairs(&[("limit", "10"), ("limit", "11")]));
        assert_eq!(Value::Object(unplanned), json!({ "limit": ["10", "11"] }));
    }
}
