//! The text plan against the full path, on random schemas and documents: whenever the plan
//! accepts, serde_json must parse the text and the full validator accept the merged input,
//! with no forbidden key anywhere. And the plan must decide most plain valid documents, or
//! it would save nothing.

use serde_json::{json, Map, Value};

use super::plan::Plan;
use super::InputSchema;
use crate::input::{check_keys, Source};

/// A small xorshift generator: the same cases on every run, no dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const NAMES: [&str; 6] = ["a", "b", "id", "title", "é", "__proto__"];
const WORDS: [&str; 8] = [
    "",
    "x",
    "milk",
    "é☃",
    "2024-01-02T03:04:05Z",
    "a@b.co",
    "q\"t",
    "\u{1F600}",
];

fn schema(r: &mut Random, depth: u32) -> Value {
    let leaf = depth > 2 || r.chance(40);
    let choice = if leaf { r.below(6) } else { r.below(12) };
    match choice {
        0 => {
            let mut s = json!({ "type": "string" });
            if r.chance(40) {
                s["minLength"] = json!(r.below(3));
            }
            if r.chance(30) {
                s["maxLength"] = json!(r.below(5));
            }
            if r.chance(15) {
                s["enum"] = json!(["x", "milk", "q\"t"]);
            }
            if r.chance(10) {
                s["format"] = json!(r.pick(&["date-time", "email"]));
            }
            if r.chance(10) {
                s["pattern"] = json!("^m");
            }
            s
        }
        1 | 2 => {
            let mut s = json!({ "type": r.pick(&["integer", "number"]) });
            for bound in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
                if r.chance(20) {
                    s[bound] = if r.chance(50) {
                        json!(r.below(20) as i64 - 5)
                    } else {
                        json!(r.below(20) as f64 - 5.5)
                    };
                }
            }
            if r.chance(10) {
                s["enum"] = json!([1, 2.0, 3.5]);
            }
            s
        }
        3 => json!({ "type": r.pick(&["boolean", "null"]) }),
        4 => json!({ "const": r.pick(&[json!(true), json!(null), json!("x"), json!(2)]).clone() }),
        5 => json!({ "type": ["string", "null"] }),
        6 | 7 => {
            let mut properties = Map::new();
            let mut required = vec![];
            for _ in 0..r.below(4) {
                let name = *r.pick(&NAMES[..5]);
                properties.insert(name.to_owned(), schema(r, depth + 1));
                if r.chance(50) {
                    required.push(name);
                }
            }
            if r.chance(10) {
                required.push("b");
            }
            let mut s = json!({ "type": "object", "properties": properties, "required": required });
            match r.below(4) {
                0 => s["additionalProperties"] = json!(false),
                1 => s["additionalProperties"] = schema(r, depth + 1),
                2 => s["additionalProperties"] = json!(true),
                _ => {}
            }
            s
        }
        8 => {
            let mut s = json!({ "type": "array", "items": schema(r, depth + 1) });
            if r.chance(30) {
                s["prefixItems"] = json!([schema(r, depth + 1)]);
            }
            if r.chance(30) {
                s["minItems"] = json!(r.below(2));
            }
            if r.chance(30) {
                s["maxItems"] = json!(r.below(3));
            }
            s
        }
        9 => json!({ "anyOf": [schema(r, depth + 1), schema(r, depth + 1)] }),
        10 => json!({ "allOf": [schema(r, depth + 1), schema(r, depth + 1)] }),
        _ => json!({ "$ref": "#/$defs/Shared" }),
    }
}

/// A random document, often close to what schemas here accept.
fn document(r: &mut Random, depth: u32) -> Value {
    match if depth > 3 { r.below(6) } else { r.below(8) } {
        0 => json!(*r.pick(&WORDS)),
        1 => json!(r.below(30) as i64 - 10),
        2 => json!(*r.pick(&[1.5, 2.0, -0.5, 1e20])),
        3 => json!(r.chance(50)),
        4 => Value::Null,
        5 => json!(r.pick(&[u64::MAX, 1 << 53, 3]).to_owned()),
        6 => Value::Array((0..r.below(4)).map(|_| document(r, depth + 1)).collect()),
        _ => Value::Object(
            (0..r.below(4))
                .map(|_| ((*r.pick(&NAMES)).to_owned(), document(r, depth + 1)))
                .collect(),
        ),
    }
}

/// A document made to fit `schema`, mostly; sometimes a random one in its place.
fn fitting(r: &mut Random, schema: &Value, root: &Value, depth: u32) -> Value {
    if depth > 5 || r.chance(8) {
        return document(r, 3);
    }
    let Some(keywords) = schema.as_object() else {
        return document(r, 3);
    };
    if let Some(reference) = keywords.get("$ref").and_then(Value::as_str) {
        let target = root
            .pointer(&reference[1..])
            .cloned()
            .unwrap_or(Value::Null);
        return fitting(r, &target, root, depth + 1);
    }
    if let Some(value) = keywords.get("const") {
        return value.clone();
    }
    if let Some(Value::Array(choices)) = keywords.get("enum") {
        return r.pick(choices).clone();
    }
    for applicator in ["anyOf", "allOf"] {
        if let Some(Value::Array(branches)) = keywords.get(applicator) {
            let branch = r.pick(branches).clone();
            return fitting(r, &branch, root, depth + 1);
        }
    }
    let kind = match keywords.get("type") {
        Some(Value::Array(kinds)) => r.pick(kinds).as_str().unwrap_or("null").to_owned(),
        Some(Value::String(kind)) => kind.clone(),
        _ => return document(r, 3),
    };
    let number = |name: &str| keywords.get(name).and_then(Value::as_f64);
    match kind.as_str() {
        "string" => {
            let min = number("minLength").unwrap_or(0.0) as usize;
            let max = number("maxLength").unwrap_or(9.0) as usize;
            let fits: Vec<&str> = WORDS
                .iter()
                .copied()
                .filter(|w| (min..=max).contains(&w.chars().count()))
                .collect();
            if fits.is_empty() {
                json!("x".repeat(min))
            } else {
                json!(*r.pick(&fits))
            }
        }
        "integer" | "number" => {
            let low = number("minimum")
                .or(number("exclusiveMinimum"))
                .unwrap_or(-10.0);
            let high = number("maximum")
                .or(number("exclusiveMaximum"))
                .unwrap_or(20.0);
            let value = low.ceil() as i64 + r.below(((high - low).max(0.0) as u64) + 1) as i64;
            if kind == "number" && r.chance(20) {
                json!(value as f64 + 0.25)
            } else {
                json!(value)
            }
        }
        "boolean" => json!(r.chance(50)),
        "array" => {
            let min = number("minItems").unwrap_or(0.0) as u64;
            let max = number("maxItems").unwrap_or(3.0) as u64;
            let count = min + r.below(max.saturating_sub(min) + 1);
            let prefix = keywords.get("prefixItems").and_then(Value::as_array);
            (0..count as usize)
                .map(|i| {
                    let item = prefix
                        .and_then(|p| p.get(i))
                        .or(keywords.get("items"))
                        .cloned()
                        .unwrap_or(Value::Bool(true));
                    fitting(r, &item, root, depth + 1)
                })
                .collect()
        }
        "object" => {
            let mut map = Map::new();
            let required: Vec<String> = keywords
                .get("required")
                .and_then(Value::as_array)
                .map(|names| {
                    names
                        .iter()
                        .filter_map(|n| n.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(Value::Object(properties)) = keywords.get("properties") {
                for (name, property) in properties {
                    if required.contains(name) || r.chance(50) {
                        map.insert(name.clone(), fitting(r, property, root, depth + 1));
                    }
                }
            }
            for name in required {
                map.entry(name).or_insert_with(|| json!(1));
            }
            if r.chance(20) {
                map.insert((*r.pick(&NAMES)).to_owned(), document(r, 3));
            }
            Value::Object(map)
        }
        _ => Value::Null,
    }
}

/// Writes `value` as JSON with random spacing, escapes, number spellings and duplicate keys.
fn write(r: &mut Random, value: &Value, out: &mut String) {
    let space = |r: &mut Random, out: &mut String| {
        if r.chance(15) {
            const SPACING: [&str; 3] = [" ", "\n\t", "\r\n  "];
            let spacing = SPACING[r.below(3) as usize];
            out.push_str(spacing);
        }
    };
    space(r, out);
    match value {
        Value::String(s) => write_string(r, s, out),
        Value::Number(n) => match n.as_i64() {
            Some(i) if r.chance(10) => {
                let spellings = [
                    format!("{i}.0"),
                    format!("{i}e0"),
                    "-0".to_owned(),
                    format!("{i}e999"),
                ];
                let spelling: &String = r.pick(&spellings);
                out.push_str(spelling);
            }
            _ => out.push_str(&n.to_string()),
        },
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(r, item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            let mut first = true;
            for (key, item) in map {
                let times = if r.chance(5) { 2 } else { 1 };
                for _ in 0..times {
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    space(r, out);
                    write_string(r, key, out);
                    space(r, out);
                    out.push(':');
                    write(r, item, out);
                }
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
    space(r, out);
}

fn write_string(r: &mut Random, s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            c if r.chance(5) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Breaks a text at random: what serde_json refuses must never be accepted.
fn mutate(r: &mut Random, text: &str) -> String {
    if r.chance(30) {
        // Near-misses of JSON's grammar, where a scanner is most likely to be lenient.
        let (from, to) = *r.pick(&[
            ("}", ",}"),
            ("]", ",]"),
            ("[", "[,"),
            (":", "::"),
            ("\"", "\"\\x"),
            ("1", "01"),
            ("1", "1."),
            ("1", "-"),
            ("2", "2e"),
            ("1", "1e+"),
            ("true", "tru"),
            ("null", "nul"),
            (",", ""),
            ("\"", "\"\t"),
            ("\\u", "\\ud800"),
        ]);
        if let Some(at) = text
            .match_indices(from)
            .map(|(at, _)| at)
            .nth(r.below(3) as usize)
        {
            return format!("{}{to}{}", &text[..at], &text[at + from.len()..]);
        }
    }
    let mut bytes = text.as_bytes().to_vec();
    let at = r.below(bytes.len() as u64 + 1) as usize;
    let junk = *r.pick(&[
        b',', b'}', b']', b'"', b'\\', b'0', b'-', b'.', b'e', 0x01, b' ', b'x',
    ]);
    match r.below(3) {
        0 if at < bytes.len() => {
            bytes.remove(at);
        }
        1 if at < bytes.len() => bytes[at] = junk,
        _ => bytes.insert(at, junk),
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned())
}

/// The full path's verdict: the body parses to an object, no forbidden key, no conflict
/// with `earlier`, and the merged input validates.
fn full_path_accepts(schema: &InputSchema, earlier: &Map<String, Value>, body: &str) -> bool {
    let Ok(Value::Object(mut input)) = serde_json::from_str::<Value>(body) else {
        return false;
    };
    if check_keys(&Value::Object(input.clone()), Source::Body).is_err() {
        return false;
    }
    for (key, value) in earlier {
        match input.get(key) {
            Some(existing) if existing != value => return false,
            _ => {
                input.insert(key.clone(), value.clone());
            }
        }
    }
    schema.validate(&Value::Object(input)).is_ok()
}

#[test]
fn the_plan_accepts_only_what_the_full_path_accepts() {
    let mut r = Random(0x9E37_79B9_7F4A_7C15);
    let (mut valid, mut decided, mut planned) = (0, 0, 0);
    for _ in 0..4000 {
        let mut root = schema(&mut r, 0);
        if let Value::Object(keywords) = &mut root {
            keywords.insert("$defs".into(), json!({ "Shared": schema(&mut r, 2) }));
        }
        let Ok(compiled) = InputSchema::compile(&root) else {
            continue;
        };
        let Some(plan) = Plan::compile(&root) else {
            continue;
        };
        planned += 1;
        for _ in 0..40 {
            let value = if r.chance(60) {
                fitting(&mut r, &root, &root, 0)
            } else if r.chance(70) {
                Value::Object(
                    (0..r.below(4))
                        .map(|_| ((*r.pick(&NAMES)).to_owned(), document(&mut r, 1)))
                        .collect(),
                )
            } else {
                document(&mut r, 0)
            };
            let mut text = String::new();
            write(&mut r, &value, &mut text);
            if r.chance(25) {
                text = mutate(&mut r, &text);
            }
            let earlier: Map<String, Value> = if r.chance(30) {
                json!({ *r.pick(&["id", "a", "z"]): r.below(3) })
                    .as_object()
                    .unwrap()
                    .clone()
            } else {
                Map::new()
            };
            let earlier_text =
                (!earlier.is_empty()).then(|| Value::Object(earlier.clone()).to_string());
            let fast = plan.accepts(earlier_text.as_deref(), &text);
            let full = full_path_accepts(&compiled, &earlier, &text);
            assert!(
                !fast || full,
                "the plan accepted what the full path refuses\nschema: {root}\nearlier: {earlier_text:?}\nbody: {text}"
            );
            valid += usize::from(full);
            decided += usize::from(fast);
        }
    }
    assert!(planned > 2000, "most random schemas have a plan: {planned}");
    assert!(
        decided * 10 > valid * 8,
        "the plan decides most valid documents: {decided} of {valid}"
    );
}
