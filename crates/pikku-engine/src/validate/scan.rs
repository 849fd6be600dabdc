//! Checking JSON text against a [`Plan`] as it is read, with no value tree built.
//!
//! The answer is one-sided. `true` means that serde_json would parse the text and the full
//! validator accept it, with no forbidden key at any depth; `false` only means "not sure":
//! the caller then takes the full path, which also words the error. So anything unusual
//! (an escaped key, `5.0` for an integer, a float against a bound, deep nesting) answers
//! `false`, and only the common, valid request is decided here.

use std::borrow::Cow;

use serde_json::Value;

use super::plan::{kind, Bound, Node, NodeId, Plan, ANY};
use crate::input::is_forbidden_name;

/// Deeper documents go to the full path (serde_json's own limit is 128).
const MAX_DEPTH: u32 = 64;

/// The integers an `f64` holds exactly.
const EXACT_IN_F64: i128 = 1 << 53;

/// Where an object's members are read from: one text, or (for a merged input) the members of
/// a first object then those of a second, as if they were one object.
type Segments<'t> = [(&'t [u8], usize)];

impl Plan {
    /// Whether `body`, a JSON object, is valid for this plan; with `earlier`, the object made
    /// of `earlier`'s members followed by the body's (a key in both answers `false`, as the
    /// full path decides such conflicts).
    pub(super) fn accepts(&self, earlier: Option<&str>, body: &str) -> bool {
        let bytes = body.as_bytes();
        let start = skip_space(bytes, 0);
        if bytes.get(start) != Some(&b'{') {
            return false;
        }
        let end = match earlier {
            Some(earlier) if earlier.starts_with('{') => {
                let segments = [(earlier.as_bytes(), 0), (bytes, start)];
                self.object_instance(self.root, &segments, 0)
            }
            Some(_) => None,
            None => self.value(self.root, bytes, start, 0),
        };
        end.is_some_and(|end| skip_space(bytes, end) == bytes.len())
    }

    /// Checks the value at `at`; returns the position after it.
    fn value(&self, id: NodeId, text: &[u8], at: usize, depth: u32) -> Option<usize> {
        if *text.get(at)? == b'{' {
            return self.object_instance(id, &[(text, at)], depth);
        }
        if depth > MAX_DEPTH {
            return None;
        }
        let node = self.node(id)?;
        let end = match text[at] {
            b'[' => {
                accepts_kind(node, kind::ARRAY)?;
                self.array(node, text, at, depth)?
            }
            b'"' => {
                accepts_kind(node, kind::STRING)?;
                let string = read_string(text, at)?;
                check_string(node, text, &string)?;
                string.end
            }
            b't' | b'f' | b'n' => {
                let (word, bits) = match text[at] {
                    b't' => (&b"true"[..], kind::BOOLEAN),
                    b'f' => (&b"false"[..], kind::BOOLEAN),
                    _ => (&b"null"[..], kind::NULL),
                };
                if !text[at..].starts_with(word) {
                    return None;
                }
                accepts_kind(node, bits)?;
                let literal = &text[at..at + word.len()];
                for choices in &node.choices {
                    choices
                        .iter()
                        .any(|choice| same_literal(choice, literal))
                        .then_some(())?;
                }
                at + word.len()
            }
            _ => {
                let number = read_number(text, at)?;
                let bits = if number.integer.is_some() {
                    kind::INTEGER
                } else {
                    kind::NUMBER
                };
                accepts_kind(node, bits)?;
                check_number(node, &number)?;
                number.end
            }
        };
        self.applicators(node, |id| self.value(id, text, at, depth + 1), end)
    }

    /// Checks the object at the start of each segment as one object.
    fn object_instance(&self, id: NodeId, segments: &Segments<'_>, depth: u32) -> Option<usize> {
        if depth > MAX_DEPTH {
            return None;
        }
        let node = self.node(id)?;
        accepts_kind(node, kind::OBJECT)?;
        if !node.choices.is_empty() {
            return None;
        }
        let end = self.members(node, segments, depth)?;
        self.applicators(
            node,
            |id| self.object_instance(id, segments, depth + 1),
            end,
        )
    }

    fn node(&self, id: NodeId) -> Option<&Node> {
        let node = &self.nodes[id as usize];
        (!node.never).then_some(node)
    }

    /// `anyOf`, `allOf` and `$ref` on the same instance, which ends at `end`.
    fn applicators(
        &self,
        node: &Node,
        check: impl Fn(NodeId) -> Option<usize>,
        end: usize,
    ) -> Option<usize> {
        let same_end = |id: NodeId| check(id).filter(|&e| e == end);
        if !node.any_of.is_empty() {
            node.any_of.iter().find_map(|&id| same_end(id))?;
        }
        for &id in &node.all_of {
            same_end(id)?;
        }
        if let Some(id) = node.reference {
            same_end(id)?;
        }
        Some(end)
    }

    /// Reads the members of each segment's object; returns the end of the last one.
    fn members(&self, node: &Node, segments: &Segments<'_>, depth: u32) -> Option<usize> {
        let mut seen = 0u64;
        let mut end = 0;
        // Keys of earlier segments not among the properties, to find them again in later ones.
        let mut earlier_others: Vec<&[u8]> = Vec::new();
        for (index, &(text, start)) in segments.iter().enumerate() {
            let seen_before = seen;
            let last = index + 1 == segments.len();
            let mut at = skip_space(text, start + 1);
            if text.get(at) == Some(&b'}') {
                end = at + 1;
                continue;
            }
            loop {
                let key = read_string(text, at)?;
                if key.escaped {
                    return None; // compared and checked only as written
                }
                let name = key.raw(text);
                if is_forbidden_name(name) {
                    return None;
                }
                at = skip_space(text, key.end);
                if text.get(at) != Some(&b':') {
                    return None;
                }
                at = skip_space(text, at + 1);
                let known = node
                    .properties
                    .iter()
                    .position(|p| p.name.as_bytes() == name);
                let schema = match known {
                    Some(i) => {
                        if seen_before & (1 << i) != 0 {
                            return None; // also in an earlier segment: the full path decides
                        }
                        seen |= 1 << i;
                        node.properties[i].schema
                    }
                    None => None,
                };
                if known.is_none() || schema.is_none() {
                    if index > 0 && earlier_others.contains(&name) {
                        return None;
                    }
                    if !last {
                        earlier_others.push(name);
                    }
                }
                let schema = schema.or(node.additional).unwrap_or(ANY);
                at = skip_space(text, self.value(schema, text, at, depth + 1)?);
                match text.get(at)? {
                    b',' => at = skip_space(text, at + 1),
                    b'}' => break,
                    _ => return None,
                }
            }
            end = at + 1;
        }
        (seen & node.required == node.required).then_some(end)
    }

    fn array(&self, node: &Node, text: &[u8], start: usize, depth: u32) -> Option<usize> {
        let mut at = skip_space(text, start + 1);
        let mut count = 0u64;
        if text.get(at) != Some(&b']') {
            loop {
                let schema = match node.prefix_items.get(count as usize) {
                    Some(&id) => id,
                    None => node.items.unwrap_or(ANY),
                };
                at = skip_space(text, self.value(schema, text, at, depth + 1)?);
                count += 1;
                match text.get(at)? {
                    b',' => at = skip_space(text, at + 1),
                    b']' => break,
                    _ => return None,
                }
            }
        }
        if !node.choices.is_empty() || count < node.min_items || count > node.max_items {
            return None;
        }
        Some(at + 1)
    }
}

fn accepts_kind(node: &Node, bits: u8) -> Option<()> {
    (node.types == 0 || node.types & bits != 0).then_some(())
}

fn skip_space(text: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = text.get(at) {
        at += 1;
    }
    at
}

/// A string token: its quotes at `start` and `end - 1`.
struct StringToken {
    start: usize,
    end: usize,
    escaped: bool,
    /// Characters (code points) once unescaped.
    chars: u64,
}

impl StringToken {
    fn raw<'t>(&self, text: &'t [u8]) -> &'t [u8] {
        &text[self.start + 1..self.end - 1]
    }

    /// The string's value, unescaped when it has escapes.
    fn value<'t>(&self, text: &'t [u8]) -> Option<Cow<'t, str>> {
        if self.escaped {
            serde_json::from_slice(&text[self.start..self.end])
                .ok()
                .map(Cow::Owned)
        } else {
            std::str::from_utf8(self.raw(text)).ok().map(Cow::Borrowed)
        }
    }
}

/// Reads the string at `start` as serde_json would: control characters and bad escapes
/// (lone surrogates among them) are not sure.
fn read_string(text: &[u8], start: usize) -> Option<StringToken> {
    if text.get(start) != Some(&b'"') {
        return None;
    }
    let mut at = start + 1;
    let mut chars = 0;
    let mut escaped = false;
    loop {
        let byte = *text.get(at)?;
        match byte {
            b'"' => break,
            b'\\' => {
                escaped = true;
                match *text.get(at + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 2,
                    b'u' => {
                        let unit = hex4(text, at + 2)?;
                        at += 6;
                        if (0xD800..0xDC00).contains(&unit) {
                            // A high surrogate counts with the low one that must follow.
                            if text.get(at..at + 2) != Some(b"\\u") {
                                return None;
                            }
                            let low = hex4(text, at + 2)?;
                            if !(0xDC00..0xE000).contains(&low) {
                                return None;
                            }
                            at += 6;
                        } else if (0xDC00..0xE000).contains(&unit) {
                            return None;
                        }
                    }
                    _ => return None,
                }
                chars += 1;
            }
            0..=0x1F => return None,
            _ => {
                // The text is UTF-8: count the bytes that start a character.
                if byte & 0xC0 != 0x80 {
                    chars += 1;
                }
                at += 1;
            }
        }
    }
    Some(StringToken {
        start,
        end: at + 1,
        escaped,
        chars,
    })
}

fn hex4(text: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(text.get(at..at + 4)?).ok()?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

fn check_string(node: &Node, text: &[u8], string: &StringToken) -> Option<()> {
    if string.chars < node.min_length || string.chars > node.max_length {
        return None;
    }
    if node.choices.is_empty() && node.string_check.is_none() {
        return Some(());
    }
    let value = string.value(text)?;
    for choices in &node.choices {
        choices
            .iter()
            .any(|choice| choice.as_str() == Some(&*value))
            .then_some(())?;
    }
    match &node.string_check {
        Some(check) => check
            .is_valid(&Value::String(value.into_owned()))
            .then_some(()),
        None => Some(()),
    }
}

/// A number token.
struct NumberToken {
    end: usize,
    /// Its value when written as an integer that serde_json reads as one (not `-0`).
    integer: Option<i128>,
}

/// Reads the number at `start` with JSON's grammar; a number serde_json would refuse as out
/// of range is not sure.
fn read_number(text: &[u8], start: usize) -> Option<NumberToken> {
    let mut at = start;
    let negative = text.get(at) == Some(&b'-');
    if negative {
        at += 1;
    }
    // The magnitude, while it fits (past u64, serde_json reads a float anyway).
    let mut magnitude: Option<u64> = Some(0);
    let mut digit = |at: usize| {
        let d = text.get(at).copied().filter(u8::is_ascii_digit)?;
        magnitude = magnitude
            .and_then(|m| m.checked_mul(10))
            .and_then(|m| m.checked_add(u64::from(d - b'0')));
        Some(())
    };
    match text.get(at)? {
        b'0' => {
            digit(at);
            at += 1;
        }
        b'1'..=b'9' => {
            while digit(at).is_some() {
                at += 1;
            }
        }
        _ => return None,
    }
    let mut fraction = false;
    if text.get(at) == Some(&b'.') {
        fraction = true;
        at = digit_run(text, at + 1)?;
    }
    if let Some(b'e' | b'E') = text.get(at) {
        fraction = true;
        at += 1;
        if let Some(b'+' | b'-') = text.get(at) {
            at += 1;
        }
        at = digit_run(text, at)?;
    }
    if fraction {
        let value: f64 = std::str::from_utf8(&text[start..at]).ok()?.parse().ok()?;
        if !value.is_finite() || value.abs() > 1e300 {
            return None;
        }
        return Some(NumberToken {
            end: at,
            integer: None,
        });
    }
    let magnitude = i128::from(magnitude?);
    // serde_json reads `-0` as a float, and integers past u64 (or below i64) as floats.
    if negative && (magnitude == 0 || magnitude > -(i64::MIN as i128)) {
        return None;
    }
    let integer = if negative { -magnitude } else { magnitude };
    Some(NumberToken {
        end: at,
        integer: Some(integer),
    })
}

/// The end of the digits from `at`; `None` when there is not one (`1.`, `1e`).
fn digit_run(text: &[u8], start: usize) -> Option<usize> {
    let mut at = start;
    while text.get(at).is_some_and(u8::is_ascii_digit) {
        at += 1;
    }
    (at > start).then_some(at)
}

fn check_number(node: &Node, number: &NumberToken) -> Option<()> {
    if node.bounds.is_empty() && node.choices.is_empty() {
        return Some(());
    }
    // serde_json reads floats to within a unit in the last place: not exact enough to compare.
    let value = number.integer?;
    for bound in &node.bounds {
        within(value, bound)?;
    }
    for choices in &node.choices {
        choices
            .iter()
            .any(|choice| {
                choice.as_number().and_then(exact) == Some(value) || equal_float(choice, value)
            })
            .then_some(())?;
    }
    Some(())
}

/// A JSON number as an exact integer, when it is one serde_json holds as an integer.
fn exact(number: &serde_json::Number) -> Option<i128> {
    number
        .as_i64()
        .map(i128::from)
        .or_else(|| number.as_u64().map(i128::from))
}

fn equal_float(choice: &Value, value: i128) -> bool {
    choice
        .as_number()
        .filter(|n| exact(n).is_none())
        .and_then(serde_json::Number::as_f64)
        .is_some_and(|f| value.abs() <= EXACT_IN_F64 && f == value as f64)
}

fn within(value: i128, bound: &Bound) -> Option<()> {
    let ordering = match exact(&bound.limit) {
        Some(limit) => value.cmp(&limit),
        None => {
            if value.abs() > EXACT_IN_F64 {
                return None;
            }
            (value as f64).partial_cmp(&bound.limit.as_f64()?)?
        }
    };
    use std::cmp::Ordering::*;
    let ok = match (bound.below, bound.exclusive) {
        (true, false) => ordering != Greater,
        (true, true) => ordering == Less,
        (false, false) => ordering != Less,
        (false, true) => ordering == Greater,
    };
    ok.then_some(())
}

fn same_literal(choice: &Value, literal: &[u8]) -> bool {
    match choice {
        Value::Bool(true) => literal == b"true",
        Value::Bool(false) => literal == b"false",
        Value::Null => literal == b"null",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan(schema: Value) -> Plan {
        Plan::compile(&schema).expect("a plan")
    }

    #[test]
    fn what_serde_json_refuses_is_never_accepted() {
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(200), "]".repeat(200));
        for text in [
            r#"{"a":"\x"}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\udc00"}"#,
            r#"{"a":"\ud800\u0041"}"#,
            r#"{"a":"\u12"}"#,
            "{\"a\":\"tab\there\"}",
            r#"{"a":1e999}"#,
            r#"{"a":-1e999}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":-}"#,
            r#"{"a":1e}"#,
            r#"{"a":+1}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":1,}"#,
            r#"{"a":tru}"#,
            r#"{"a":nulls}"#,
            r#"{"a":1}x"#,
            r#"{"a":1}}"#,
            r#"{"a" 1}"#,
            r#"{a:1}"#,
            r#"{"a":1"#,
            "",
            &deep,
        ] {
            assert!(
                serde_json::from_str::<Value>(text).is_err(),
                "serde_json refuses {text}"
            );
            assert!(!Plan::any().accepts(None, text), "{text}");
        }
    }

    #[test]
    fn plain_valid_bodies_are_decided() {
        for text in [
            "{}",
            r#" { "a" : [ 1 , 2.5e-3 , -7 , 0 , true , null , { } , [ ] ] } "#,
            r#"{"a":"\ud83d\ude00 \u00e9\n\"\\\/"}"#,
            "{\"a\":\"é☃😀\"}\r\n",
            r#"{"a":18446744073709551615,"b":-9223372036854775808}"#,
        ] {
            assert!(serde_json::from_str::<Value>(text).is_ok(), "{text}");
            assert!(Plan::any().accepts(None, text), "{text}");
        }
    }

    #[test]
    fn lengths_count_characters_once_unescaped() {
        let two = plan(json!({ "properties": { "s": { "minLength": 2, "maxLength": 2 } } }));
        assert!(two.accepts(None, r#"{"s":"é😀"}"#));
        assert!(two.accepts(None, r#"{"s":"\ud83d\ude00\n"}"#));
        assert!(!two.accepts(None, r#"{"s":"\ud83d\ude00"}"#));
        assert!(!two.accepts(None, r#"{"s":"abc"}"#));
    }

    #[test]
    fn forbidden_and_escaped_keys_go_to_the_full_path() {
        let any = Plan::any();
        assert!(!any.accepts(None, r#"{"a":[{"b":{"__proto__":{}}}]}"#));
        assert!(!any.accepts(None, r#"{"constructor":1}"#));
        assert!(
            !any.accepts(None, r#"{"\u005f_proto__":1}"#),
            "escaped keys are not sure"
        );
        assert!(any.accepts(None, r#"{"proto":1,"constructors":2}"#));
    }

    #[test]
    fn merged_keys_are_decided_only_when_distinct() {
        let todo = plan(json!({
            "type": "object",
            "properties": { "id": { "type": "integer" }, "title": { "type": "string" } },
            "required": ["id", "title"],
            "additionalProperties": false
        }));
        assert!(todo.accepts(Some(r#"{"id":42}"#), r#"{"title":"milk"}"#));
        assert!(!todo.accepts(None, r#"{"title":"milk"}"#), "id is required");
        assert!(!todo.accepts(Some(r#"{"id":42}"#), r#"{"id":42,"title":"milk"}"#));
        assert!(!todo.accepts(Some(r#"{"id":"x"}"#), r#"{"title":"milk"}"#));
        let open = Plan::any();
        assert!(!open.accepts(Some(r#"{"z":1}"#), r#"{"z":1}"#));
        assert!(open.accepts(Some(r#"{"z":1}"#), r#"{"y":1,"y":2}"#));
    }

    #[test]
    fn numbers_are_compared_only_when_exact() {
        let small = plan(
            json!({ "properties": { "n": { "type": "integer", "exclusiveMaximum": 10, "minimum": -2.5 } } }),
        );
        assert!(small.accepts(None, r#"{"n":9}"#));
        assert!(small.accepts(None, r#"{"n":-2}"#));
        assert!(!small.accepts(None, r#"{"n":10}"#));
        assert!(!small.accepts(None, r#"{"n":-3}"#));
        assert!(
            !small.accepts(None, r#"{"n":9.0}"#),
            "left to the full path"
        );
        let any_number = plan(json!({ "properties": { "n": { "type": "number" } } }));
        assert!(any_number.accepts(None, r#"{"n":9.5e3}"#));
    }
}
