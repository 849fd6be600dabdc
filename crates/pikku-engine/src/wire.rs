//! The one string that crosses back to JavaScript per request, parsed there with a single
//! `JSON.parse`:
//!
//! - `[target, input]` or `[target, input, session]` — run function `target` (≥ 0) with
//!   `input` (a JSON object) and the session the engine decoded (a JSON object);
//!   A caller may hand over a run with an empty input and no session as its bare `target`
//!   ([`bare_target`]);
//! - `[-status, errorBody]` or `[-405, errorBody, "GET, HEAD"]` — answer with this error.

use crate::engine::{Input, Outcome};
use crate::error::{request_id, ErrorBody, RequestError};

/// The target of a run with an empty input and no session (`GET /hello`), which a caller may
/// hand over as a bare number instead of `[target,{}]`.
pub fn bare_target(outcome: &Outcome<'_>) -> Option<u32> {
    match outcome {
        Outcome::Run {
            target,
            input: Input::Built(serde_json::Value::Object(map)),
            session: None,
        } if map.is_empty() => Some(*target),
        _ => None,
    }
}

/// Encodes an outcome; `client_request_id` is the `x-request-id` header, used as `errorId`.
pub fn encode(outcome: &Outcome<'_>, client_request_id: Option<&str>) -> String {
    let mut out = String::new();
    encode_into(outcome, client_request_id, &mut out);
    out
}

/// [`encode`] appending to `out`, so that a caller may reuse one buffer for every answer.
pub fn encode_into(outcome: &Outcome<'_>, client_request_id: Option<&str>, out: &mut String) {
    match outcome {
        Outcome::Run {
            target,
            input,
            session,
        } => {
            out.reserve(16 + input_len(input));
            out.push('[');
            out.push_str(itoa::Buffer::new().format(*target));
            out.push(',');
            match input {
                Input::Raw(text) => out.push_str(text),
                Input::Built(serde_json::Value::Object(map)) if map.is_empty() => {
                    out.push_str("{}")
                }
                Input::Built(value) => out.push_str(&value.to_string()),
                Input::Spliced { prefix, body } => splice(out, prefix, body),
            }
            if let Some(session) = session {
                out.push(',');
                out.push_str(&serde_json::to_string(session).unwrap_or_else(|_| "null".into()));
            }
            out.push(']');
        }
        Outcome::Fail(err) => out.push_str(&encode_error(err, client_request_id)),
    }
}

/// Encodes an error answer.
pub fn encode_error(err: &RequestError, client_request_id: Option<&str>) -> String {
    let body = error_body(err, client_request_id);
    match &err.allow {
        Some(allow) => format!(
            "[-{},{body},{}]",
            err.kind.status,
            serde_json::Value::String(allow.clone())
        ),
        None => format!("[-{},{body}]", err.kind.status),
    }
}

/// The JSON error body of an error answer: `{ name, message, payload?, errorId }`.
pub fn error_body(err: &RequestError, client_request_id: Option<&str>) -> String {
    let body = ErrorBody {
        name: err.kind.name.to_owned(),
        message: Some(err.message.clone()),
        payload: err.payload.as_deref().cloned(),
        error_id: request_id(client_request_id),
    };
    serde_json::to_string(&body).unwrap_or_else(|_| "{}".to_owned())
}

/// Writes `{prefix members, body members}` from two JSON object texts.
fn splice(out: &mut String, prefix: &str, body: &str) {
    let prefix_members = &prefix[..prefix.len() - 1]; // `{"id":1` without its `}`
    let body_members = body.trim_start().strip_prefix('{').unwrap_or("}");
    out.push_str(prefix_members);
    if prefix_members.len() > 1 && !body_members.trim_start().starts_with('}') {
        out.push(',');
    }
    out.push_str(body_members);
}

fn input_len(input: &Input<'_>) -> usize {
    match input {
        Input::Raw(text) => text.len(),
        Input::Spliced { prefix, body } => prefix.len() + body.len(),
        Input::Built(_) => 64,
    }
}
