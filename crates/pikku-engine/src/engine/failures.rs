//! The errors the engine answers before a function runs: no route, a method not allowed, no
//! session, a body over the limit.

use super::Outcome;
use crate::error::{
    RequestError, METHOD_NOT_ALLOWED, MISSING_SESSION, NOT_FOUND, PAYLOAD_TOO_LARGE,
};

pub(super) fn fail(err: RequestError) -> Outcome<'static> {
    Outcome::Fail(err)
}

pub(super) fn missing_session(label: &str) -> RequestError {
    RequestError::new(
        MISSING_SESSION,
        format!("{label} requires a session and the request has none; sign in first"),
    )
}

pub(super) fn not_found(method: &str, path: &str) -> RequestError {
    RequestError::new(
        NOT_FOUND,
        format!("No route matches {} {path}", shorten_method(method)),
    )
}

pub(super) fn payload_too_large(limit: u64) -> RequestError {
    RequestError::new(
        PAYLOAD_TOO_LARGE,
        format!(
            "The request body is larger than the limit of {limit} bytes (the app's `maxBodyBytes`)"
        ),
    )
}

pub(super) fn method_not_allowed(method: &str, path: &str, allow: &str) -> Outcome<'static> {
    let mut err = RequestError::new(
        METHOD_NOT_ALLOWED,
        format!(
            "{} is not allowed on {path}; allowed: {allow}",
            shorten_method(method)
        ),
    );
    err.allow = Some(allow.to_owned());
    fail(err)
}

fn shorten_method(method: &str) -> String {
    method
        .chars()
        .take(16)
        .filter(|c| c.is_ascii_graphic())
        .collect()
}
