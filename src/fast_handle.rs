//! `handle`, the call every HTTP request makes, as a plain N-API callback bound to one engine
//! (`handlerFor(engine)` makes it), and `owns`, the check a host framework's middleware makes
//! before it (`ownerFor(engine)`). A `#[napi]` function opens and closes napi-rs's borrow
//! bookkeeping on every call and copies each string argument onto the heap; an `External`
//! argument is looked up in napi-rs's registry of live payloads, behind a global mutex. Here
//! the engine comes from the function's own data pointer, checked once when it is bound, the
//! strings are read into stack buffers, and nothing else runs around the engine.

mod answer;
mod args;
mod owns;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use napi::bindgen_prelude::{External, FromNapiRef};
use napi::{sys, Error, Result, Status};
use pikku_engine::boundary::{handle_arg, HANDLE_REQUIRED_ARGS};
use pikku_engine::{Engine, HttpRequest};

use answer::{answer, throw, Thrown};
use args::{
    is_absent, read_bool, read_bytes, Read, StringArg, API_KEY, ARGS, AUTHORIZATION, CONTENT_TYPE,
    COOKIE, METHOD, OPTIONAL, REQUEST_ID, STRING_ARGS, URL,
};

/// Makes `handle` for the engine `engine_value` (an `External<Engine>`): a function whose data
/// pointer is the engine. The engine is also kept as the function's read-only, undeletable
/// `engine` property, so it lives at least as long as the function that points at it.
///
/// # Safety
/// `env` must be the live env of this call, and `engine_value` a value of that env.
pub(crate) unsafe fn bind_handle(
    env: sys::napi_env,
    engine_value: sys::napi_value,
) -> Result<sys::napi_value> {
    // SAFETY: the caller's contract; `handle_callback` reads its data pointer as the engine.
    unsafe { bind(env, engine_value, "handle", handle_callback, "handlerFor") }
}

/// Makes `owns(url)` for the engine `engine_value`, as `bind_handle` makes `handle`.
///
/// # Safety
/// As for `bind_handle`.
pub(crate) unsafe fn bind_owns(
    env: sys::napi_env,
    engine_value: sys::napi_value,
) -> Result<sys::napi_value> {
    // SAFETY: the caller's contract; `owns_callback` reads its data pointer as the engine.
    unsafe { bind(env, engine_value, "owns", owns::owns_callback, "ownerFor") }
}

/// A function named `name` calling `callback` with the engine as its data pointer, the engine
/// kept as its `engine` property; `maker` names the export in errors.
///
/// # Safety
/// As for `bind_handle`; `callback` must read its data pointer as a `&Engine` and nothing else.
unsafe fn bind(
    env: sys::napi_env,
    engine_value: sys::napi_value,
    name: &str,
    callback: unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value,
    maker: &str,
) -> Result<sys::napi_value> {
    // SAFETY: env and engine_value are live (the caller's contract); napi-rs checks that the
    // value is an External holding an Engine and fails otherwise.
    let engine = unsafe { <External<Engine> as FromNapiRef>::from_napi_ref(env, engine_value) }
        .map_err(|_| {
            Error::new(
                Status::InvalidArg,
                format!("{maker}: the argument is not the engine"),
            )
        })?;
    let data = (&**engine as *const Engine).cast_mut().cast();
    let mut function = ptr::null_mut();
    // SAFETY: env is live; `name` is `name.len()` bytes of UTF-8; `callback` has the
    // callback signature; `data` points at the engine, which the `engine` property defined
    // below keeps alive as long as the function.
    let created = unsafe {
        sys::napi_create_function(
            env,
            name.as_ptr().cast(),
            name.len() as isize,
            Some(callback),
            data,
            &mut function,
        )
    };
    if created != sys::Status::napi_ok {
        return Err(Error::from_reason(format!(
            "{maker}: the function could not be made"
        )));
    }
    let keep = sys::napi_property_descriptor {
        utf8name: c"engine".as_ptr(),
        name: ptr::null_mut(),
        method: None,
        getter: None,
        setter: None,
        value: engine_value,
        // `default` is 0: not writable, enumerable or configurable. The function's data
        // pointer stays valid because nothing can take this property away from it.
        attributes: sys::PropertyAttributes::default,
        data: ptr::null_mut(),
    };
    // SAFETY: env and function are live; `keep` is one valid descriptor whose name is a
    // NUL-terminated static string.
    if unsafe { sys::napi_define_properties(env, function, 1, &keep) } != sys::Status::napi_ok {
        return Err(Error::from_reason(format!(
            "{maker}: the engine could not be kept"
        )));
    }
    Ok(function)
}

/// The arguments (up to `N`, and how many were given) and the engine of a call of a function
/// that `bind` made; `Err` is the error thrown into JavaScript when the call cannot be read.
///
/// # Safety
/// `env` and `info` must be those of a running callback of a function `bind` made: its data
/// pointer is the engine, which the function keeps alive as its undeletable `engine` property.
unsafe fn engine_call<'e, const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    name: &str,
) -> std::result::Result<(usize, [sys::napi_value; N], &'e Engine), sys::napi_value> {
    let mut argc = N;
    let mut argv = [ptr::null_mut(); N];
    let mut data = ptr::null_mut();
    // SAFETY: env and info are this call's; `argv` has room for `argc` = N values.
    let read = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            &mut data,
        )
    };
    if read != sys::Status::napi_ok || data.is_null() {
        let message = format!("{name}: its call could not be read (not made by this addon?)");
        // SAFETY: env is this call's.
        return Err(unsafe { throw(env, Thrown::Error, &message) });
    }
    // SAFETY: `bind` set `data` to the engine, kept alive by the function (the caller's
    // contract); the engine is only read (`Engine` is `Sync`).
    Ok((argc, argv, unsafe { &*data.cast::<Engine>().cast_const() }))
}

/// The callback of `handle(method, url, body?, bodyTooLarge?, contentType?, hasSession?,
/// requestId?, authorization?, cookie?, apiKey?)`. Arguments after the url may be left out
/// (`handle('GET', '/hello')`): each N-API read costs, and most requests have no body, no
/// credentials and no request id.
///
/// # Safety
/// Called by N-API only, with the env and callback info of a call of a function that
/// `bind_handle` made (its data pointer the engine, kept alive by the function).
unsafe extern "C" fn handle_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: N-API's call of a function `bind_handle` made (this callback's contract).
    let (argc, argv, engine) = match unsafe { engine_call::<ARGS>(env, info, "handle") } {
        Ok(call) => call,
        Err(thrown) => return thrown,
    };
    if argc < HANDLE_REQUIRED_ARGS {
        // SAFETY: env is this call's.
        return unsafe {
            throw(
                env,
                Thrown::TypeError,
                "handle: expected a method and a url",
            )
        };
    }
    let given = argc.min(ARGS);
    let mut strings: [StringArg; STRING_ARGS.len()] = std::array::from_fn(|_| StringArg::new());
    for (string, &at) in strings.iter_mut().zip(STRING_ARGS.iter()) {
        if at >= given {
            continue;
        }
        // SAFETY: argv[at] is one of this call's values (at < given).
        let (kind, message) = match unsafe { string.read(env, argv[at], OPTIONAL[at]) } {
            Read::Done => continue,
            Read::WrongType => (
                Thrown::TypeError,
                "handle: method and url must be strings, and headers strings or undefined",
            ),
            Read::TooLarge => (
                Thrown::RangeError,
                "handle: an argument is too large to read",
            ),
        };
        // SAFETY: env is this call's.
        return unsafe { throw(env, kind, message) };
    }
    // Left out, undefined or null: false, and no body.
    // Each read below: argv[at] is one of this call's values when at < given.
    // SAFETY: as said, at < given here.
    let absent = |at: usize| at >= given || unsafe { is_absent(env, argv[at]) };
    let flag = |at: usize| {
        (at < given)
            // SAFETY: as above.
            .then(|| unsafe { read_bool(env, argv[at]) })
            .flatten()
            .or_else(|| absent(at).then_some(false))
    };
    let bytes = (given > handle_arg::BODY)
        // SAFETY: as above; the bytes are read before the callback returns.
        .then(|| unsafe { read_bytes(env, argv[handle_arg::BODY]) })
        .flatten()
        .or_else(|| absent(handle_arg::BODY).then_some(&[][..]));
    let (Some(body), Some(body_too_large), Some(has_session)) = (
        bytes,
        flag(handle_arg::BODY_TOO_LARGE),
        flag(handle_arg::HAS_SESSION),
    ) else {
        // SAFETY: env is this call's.
        return unsafe {
            throw(
                env,
                Thrown::TypeError,
                "handle: body must be a Uint8Array, bodyTooLarge and hasSession booleans",
            )
        };
    };
    let (Some(method), Some(url)) = (strings[METHOD].get(), strings[URL].get()) else {
        // SAFETY: env is this call's.
        return unsafe {
            throw(
                env,
                Thrown::TypeError,
                "handle: method and url must be UTF-8 strings",
            )
        };
    };
    let request = HttpRequest {
        method,
        url,
        content_type: strings[CONTENT_TYPE].get(),
        has_session,
        authorization: strings[AUTHORIZATION].get(),
        cookie: strings[COOKIE].get(),
        api_key: strings[API_KEY].get(),
        body,
        body_too_large,
    };
    // A panic must not cross into C (the process would abort): a request that trips a bug in
    // the engine fails alone, as a thrown error the adapter answers with a 500.
    // SAFETY: env is this call's.
    let answered = catch_unwind(AssertUnwindSafe(|| unsafe {
        answer(env, engine, &request, strings[REQUEST_ID].get())
    }));
    match answered {
        Ok(Ok(value)) => value,
        // SAFETY: env is this call's.
        Ok(Err(message)) => unsafe { throw(env, Thrown::Error, message) },
        // SAFETY: env is this call's.
        Err(_) => unsafe {
            throw(env, Thrown::Error,
                "handle: the engine failed on this request (a bug in @pikku/native: please report it with the request)",
            )
        },
    }
}
