//! Request bodies by content type: JSON, `application/x-www-form-urlencoded` and `text/plain`.

use serde_json::Value;

use crate::error::{RequestError, BAD_REQUEST, UNSUPPORTED_MEDIA_TYPE};

/// A parsed body.
#[derive(Debug, PartialEq)]
pub enum Body<'a> {
    /// No body (empty, or a method whose body carries no input).
    Empty,
    /// A JSON document's text, UTF-8 but not yet parsed ([`parse_json`]).
    Json(&'a str),
    /// Form fields, still strings (coerced later like the query).
    Form(Vec<(String, String)>),
    /// A `text/plain` body.
    Text(String),
}

const ACCEPTED: &str = "application/json, application/x-www-form-urlencoded or text/plain";

/// Parses `bytes` according to `content_type`.
pub fn parse_body<'a>(
    content_type: Option<&str>,
    bytes: &'a [u8],
) -> Result<Body<'a>, RequestError> {
    if bytes.is_empty() {
        return Ok(Body::Empty);
    }
    let Some(content_type) = content_type else {
        return Err(RequestError::new(
            UNSUPPORTED_MEDIA_TYPE,
            format!("The request has a body but no Content-Type header; send {ACCEPTED}"),
        ));
    };
    // The usual header, as clients send it, before any splitting.
    if content_type == "application/json" {
        return Ok(Body::Json(utf8(bytes)?));
    }
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if is_json(media_type) {
        Ok(Body::Json(utf8(bytes)?))
    } else if media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Ok(Body::Form(crate::input::parse_query(utf8(bytes)?)?))
    } else if media_type.eq_ignore_ascii_case("text/plain") {
        Ok(Body::Text(utf8(bytes)?.to_owned()))
    } else {
        Err(RequestError::new(
            UNSUPPORTED_MEDIA_TYPE,
            format!(
                "Content-Type `{}` is not supported; send {ACCEPTED}",
                crate::input::preview(&Value::String(media_type.chars().take(80).collect()))
                    .trim_matches('"')
            ),
        ))
    }
}

/// Parses a JSON body's text; a malformed one is a 400 naming the line and column.
pub fn parse_json(text: &str) -> Result<Value, RequestError> {
    serde_json::from_str(text).map_err(|err| {
        RequestError::new(
            BAD_REQUEST,
            format!(
                "Malformed JSON body at line {}, column {}: {}",
                err.line(),
                err.column(),
                strip_position(&err.to_string())
            ),
        )
    })
}

fn is_json(media_type: &str) -> bool {
    let starts = |prefix: &str| {
        media_type
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    let ends = |suffix: &str| {
        media_type
            .len()
            .checked_sub(suffix.len())
            .and_then(|at| media_type.get(at..))
            .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix))
    };
    media_type.eq_ignore_ascii_case("application/json") || (starts("application/") && ends("+json"))
}

fn utf8(bytes: &[u8]) -> Result<&str, RequestError> {
    std::str::from_utf8(bytes).map_err(|err| {
        RequestError::new(
            BAD_REQUEST,
            format!(
                "The body is not valid UTF-8 (at byte {})",
                err.valid_up_to()
            ),
        )
    })
}

/// serde_json appends " at line L column C"; the message states the position itself.
fn strip_position(message: &str) -> &str {
    message
        .rsplit_once(" at line ")
        .map_or(message, |(head, _)| head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_by_content_type() {
        let json = parse_body(Some("application/json; charset=utf-8"), br#"{"a":1}"#).unwrap();
        assert_eq!(json, Body::Json(r#"{"a":1}"#));
        let vendor = parse_body(Some("application/vnd.api+json"), b"[1]").unwrap();
        assert_eq!(vendor, Body::Json("[1]"));
        let upper = parse_body(Some("APPLICATION/VND.API+JSON"), b"[1]").unwrap();
        assert_eq!(upper, Body::Json("[1]"));
        assert!(parse_body(Some("text/json+plain"), b"[1]").is_err());
        assert_eq!(
            parse_body(Some("application/x-www-form-urlencoded"), b"a=1&b=x+y").unwrap(),
            Body::Form(vec![("a".into(), "1".into()), ("b".into(), "x y".into())])
        );
        assert_eq!(
            parse_body(Some("text/plain"), b"hi").unwrap(),
            Body::Text("hi".into())
        );
        assert_eq!(parse_body(None, b"").unwrap(), Body::Empty);
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let err = parse_json("{\n  \"a\": 1,\n  oops\n}").unwrap_err();
        assert_eq!(err.kind.status, 400);
        assert!(err.message.contains("line 3, column 3"), "{}", err.message);
    }

    #[test]
    fn other_types_are_415() {
        let err = parse_body(Some("application/xml"), b"<a/>").unwrap_err();
        assert_eq!(err.kind.status, 415);
        assert!(err.message.contains("application/xml"), "{}", err.message);
        assert_eq!(parse_body(None, b"x").unwrap_err().kind.status, 415);
    }
}
