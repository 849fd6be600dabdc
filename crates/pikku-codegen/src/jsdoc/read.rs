//! Reading a `/** … */` comment: the description, and each tag with its value and where both
//! are in the source.

use super::{is_known, VERBATIM_TAGS};
use crate::ir::{Doc, Loc, Tag};

/// The cleaned text of a comment (no `/**`, `*/` or leading ` * `; lines joined by `\n`) and,
/// for each of its lines, (offset in the cleaned text, offset in the source).
struct Cleaned {
    text: String,
    lines: Vec<(usize, u32)>,
}

impl Cleaned {
    fn new(comment: &str, start: u32) -> Self {
        let open = if comment.starts_with("/**") { 3 } else { 0 };
        let close = if comment.len() >= open + 2 && comment.ends_with("*/") {
            comment.len() - 2
        } else {
            comment.len()
        };
        let body = &comment[open..close];
        let mut cleaned = Cleaned {
            text: String::new(),
            lines: Vec::new(),
        };
        let mut line_start = open;
        for (index, line) in body.split('\n').enumerate() {
            let rest = line.trim_start();
            let mut skipped = line.len() - rest.len();
            // The ` * ` margin (not on the first line, which follows `/**`).
            let rest = match rest.strip_prefix('*') {
                Some(after) if index > 0 => {
                    skipped += 1;
                    after
                }
                _ => rest,
            };
            let content = rest.trim_start();
            skipped += rest.len() - content.len();
            let content = content.trim_end();
            if index > 0 {
                cleaned.text.push('\n');
            }
            cleaned
                .lines
                .push((cleaned.text.len(), start + (line_start + skipped) as u32));
            cleaned.text.push_str(content);
            line_start += line.len() + 1;
        }
        cleaned
    }

    /// The source offset of byte `at` of the cleaned text.
    fn source_offset(&self, at: usize) -> u32 {
        let line = self.lines.partition_point(|(clean, _)| *clean <= at);
        let (clean, source) = self.lines[line.saturating_sub(1)];
        source + (at - clean) as u32
    }
}

/// A tag found in the cleaned text: where its `@` is, its name, where the name ends.
struct Found<'a> {
    at: usize,
    name: &'a str,
    end: usize,
}

/// Every `@name` at the start of the text or after whitespace.
fn find_tags(text: &str) -> Vec<Found<'_>> {
    let mut found = Vec::new();
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices() {
        if c == '@' && previous.is_none_or(char::is_whitespace) {
            let rest = &text[at + 1..];
            let starts_name = rest
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$');
            if starts_name {
                let len = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '-')))
                    .unwrap_or(rest.len());
                found.push(Found {
                    at,
                    name: &rest[..len],
                    end: at + 1 + len,
                });
            }
        }
        previous = Some(c);
    }
    found
}

/// Text over several lines as one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads a `/** … */` comment that starts at `start` in the source.
pub fn parse_jsdoc(comment: &str, start: Loc) -> Doc {
    let cleaned = Cleaned::new(comment, start.offset);
    let text = cleaned.text.as_str();
    let candidates = find_tags(text);
    let mut doc = Doc::default();
    let first = candidates.first().map_or(text.len(), |t| t.at);
    let description = one_line(&text[..first]);
    if !description.is_empty() {
        doc.description = Some(description);
    }
    let mut index = 0;
    while let Some(tag) = candidates.get(index) {
        let verbatim = VERBATIM_TAGS.contains(&tag.name);
        let next = candidates[index + 1..]
            .iter()
            .position(|t| !verbatim || is_known(t.name))
            .map_or(candidates.len(), |p| index + 1 + p);
        let value_end = candidates.get(next).map_or(text.len(), |t| t.at);
        let raw = &text[tag.end..value_end];
        let value = raw.trim();
        let value_at = tag.end + (raw.len() - raw.trim_start().len());
        doc.tags.push(Tag {
            name: tag.name.to_owned(),
            value: if verbatim {
                value.to_owned()
            } else {
                one_line(value)
            },
            loc: Loc {
                file: start.file,
                offset: cleaned.source_offset(tag.at),
            },
            value_loc: Loc {
                file: start.file,
                offset: cleaned.source_offset(value_at),
            },
        });
        index = next;
    }
    doc
}
