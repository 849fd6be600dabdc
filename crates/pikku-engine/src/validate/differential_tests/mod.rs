//! The text plan against the full path, on random schemas and documents: whenever the plan
//! accepts, serde_json must parse the text and the full validator accept the merged input,
//! with no forbidden key anywhere. And the plan must decide most plain valid documents, or
//! it would save nothing.

mod documents;
mod schemas;
mod texts;

use serde_json::{json, Map, Value};

use super::plan::Plan;
use super::InputSchema;
use crate::input::{check_keys, Source};
use documents::{document, fitting};
use schemas::schema;
use texts::{mutate, write};

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
