//! What `handle` gives back to JavaScript: the engine's answer as a number or a string, or a
//! thrown error.

use std::ptr;

use napi::sys;
use pikku_engine::{wire, Engine, HttpRequest};

/// The JavaScript error classes `handle` throws.
pub(super) enum Thrown {
    Error,
    TypeError,
    RangeError,
}

/// Throws a JavaScript error of `kind` and returns the callback's value for "nothing".
///
/// # Safety
/// `env` must be the env of the running callback.
pub(super) unsafe fn throw(env: sys::napi_env, kind: Thrown, message: &str) -> sys::napi_value {
    let message = std::ffi::CString::new(message).unwrap_or_default();
    let (code, text) = (ptr::null(), message.as_ptr());
    // SAFETY: env is live; `text` is a NUL-terminated string alive for the call; a null code
    // means none.
    unsafe {
        match kind {
            Thrown::Error => sys::napi_throw_error(env, code, text),
            Thrown::TypeError => sys::napi_throw_type_error(env, code, text),
            Thrown::RangeError => sys::napi_throw_range_error(env, code, text),
        }
    };
    ptr::null_mut()
}

thread_local! {
    /// The buffer every answer is written into before V8 copies it: no allocation per call.
    static ANSWER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Answers up to this size keep their buffer for the next call.
const KEPT_ANSWER_BYTES: usize = 64 * 1024;

/// The engine's answer to `request` as a JS value: its bare target number, or its JSON text.
///
/// # Safety
/// `env` must be the env of the running callback.
pub(super) unsafe fn answer(
    env: sys::napi_env,
    engine: &Engine,
    request: &HttpRequest,
    request_id: Option<&str>,
) -> std::result::Result<sys::napi_value, &'static str> {
    let outcome = engine.handle(request);
    let mut out = ptr::null_mut();
    if let Some(target) = wire::bare_target(&outcome) {
        // SAFETY: env is live; `out` is a valid place.
        if unsafe { sys::napi_create_uint32(env, target, &mut out) } != sys::Status::napi_ok {
            return Err("handle: the engine's answer could not be made a number");
        }
        return Ok(out);
    }
    let status = ANSWER.with_borrow_mut(|answer| {
        answer.clear();
        wire::encode_into(&outcome, request_id, answer);
        // Answers are nearly always ASCII: then V8 copies them without decoding UTF-8.
        let create = if answer.is_ascii() {
            sys::napi_create_string_latin1
        } else {
            sys::napi_create_string_utf8
        };
        // SAFETY: env is live; `answer` holds `answer.len()` bytes (Latin-1 when ASCII,
        // else UTF-8), which V8 copies before the call returns.
        let status =
            unsafe { create(env, answer.as_ptr().cast(), answer.len() as isize, &mut out) };
        if answer.capacity() > KEPT_ANSWER_BYTES {
            *answer = String::new(); // a rare large answer does not stay
        }
        status
    });
    if status != sys::Status::napi_ok {
        return Err("handle: the engine's answer could not be made a string");
    }
    Ok(out)
}
