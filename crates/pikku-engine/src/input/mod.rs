//! Building a function's input: path params, query and body merged into one object, with the
//! keys that could reach a JavaScript prototype refused.

mod decode;
mod forbidden_keys;
mod merge;

use serde_json::Value;

pub use decode::{decode_param, parse_query};
pub use forbidden_keys::{check_keys, check_object_keys, is_forbidden_key, is_forbidden_name};
pub use merge::{merge_before_body, merge_into};

/// Where a piece of input came from, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Path,
    Query,
    Body,
}

impl Source {
    fn describe(self) -> &'static str {
        match self {
            Source::Path => "the path",
            Source::Query => "the query string",
            Source::Body => "the body",
        }
    }
}

/// A value as short JSON for a message.
pub fn preview(value: &Value) -> String {
    let text = value.to_string();
    if text.len() <= 60 {
        return text;
    }
    cut(&text, 57)
}

/// The first `keep` bytes of `text` (fewer, to end on a character) and `...`.
pub fn cut(text: &str, keep: usize) -> String {
    let mut end = keep.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

#[cfg(test)]
mod tests;
