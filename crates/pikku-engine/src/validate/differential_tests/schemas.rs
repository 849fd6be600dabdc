//! Random schemas of the keywords the plan checks, and a few it leaves out.

use serde_json::{json, Map, Value};

use super::{Random, NAMES};

pub(super) fn schema(r: &mut Random, depth: u32) -> Value {
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
