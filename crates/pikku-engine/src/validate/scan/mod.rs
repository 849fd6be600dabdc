//! Checking JSON text against a [`Plan`] as it is read, with no value tree built.
//!
//! The answer is one-sided. `true` means that serde_json would parse the text and the full
//! validator accept it, with no forbidden key at any depth; `false` only means "not sure":
//! the caller then takes the full path, which also words the error. So anything unusual
//! (an escaped key, `5.0` for an integer, a float against a bound, deep nesting) answers
//! `false`, and only the common, valid request is decided here.

mod keywords;
mod tokens;

use super::plan::{kind, Node, NodeId, Plan, ANY};
use crate::input::is_forbidden_name;
use keywords::{accepts_kind, check_number, check_string, same_literal};
use tokens::{read_number, read_string, skip_space};

/// Deeper documents go to the full path (serde_json's own limit is 128).
const MAX_DEPTH: u32 = 64;

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

#[cfg(test)]
mod tests;
