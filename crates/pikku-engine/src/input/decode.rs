//! Percent-decoding a query string, a form body or a path parameter.

use std::borrow::Cow;

use serde_json::Value;

use super::preview;
use crate::error::{RequestError, BAD_REQUEST};

/// Splits a raw query string (or form body) into decoded pairs; `tags[]=a` is read as
/// `tags=a`. A key or value that is not UTF-8 once decoded is a 400 naming it.
pub fn parse_query(query: &str) -> Result<Vec<(String, String)>, RequestError> {
    let mut pairs = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = part.split_once('=').unwrap_or((part, ""));
        let key = decode_component(raw_key)?;
        let key = match key.strip_suffix("[]") {
            Some(stripped) => stripped.to_owned(),
            None => key,
        };
        pairs.push((key, decode_component(raw_value)?));
    }
    Ok(pairs)
}

fn decode_component(raw: &str) -> Result<String, RequestError> {
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(|v| v.into_owned())
        .map_err(|_| {
            RequestError::new(
                BAD_REQUEST,
                format!(
                    "`{}` is not valid UTF-8 once percent-decoded",
                    preview(&Value::String(raw.chars().take(60).collect())).trim_matches('"')
                ),
            )
        })
}

/// Percent-decodes a path parameter (borrowed when there is nothing to decode).
pub fn decode_param<'a>(name: &str, raw: &'a str) -> Result<Cow<'a, str>, RequestError> {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| {
            RequestError::new(
                BAD_REQUEST,
                format!("Path parameter `{name}` is not valid UTF-8 once percent-decoded"),
            )
        })
}
