//! `owns(url)`: whether a route of the engine matches the url's path, for the host frameworks
//! that must know before they read a body (Express's middleware, Fastify's plugin), as a plain
//! N-API callback for the reasons `handle` is one (src/fast_handle.rs).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use super::answer::{throw, Thrown};
use super::args::{Read, StringArg};
use super::engine_call;
use napi::sys;

/// The callback of `owns(url)`.
///
/// # Safety
/// Called by N-API only, with the env and callback info of a call of a function that
/// `bind_owns` made (its data pointer the engine, kept alive by the function).
pub(super) unsafe extern "C" fn owns_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: N-API's call of a function `bind_owns` made (this callback's contract).
    let (_, argv, engine) = match unsafe { engine_call::<1>(env, info, "owns") } {
        Ok(call) => call,
        Err(thrown) => return thrown,
    };
    let mut url = StringArg::new();
    // SAFETY: argv[0] is this call's (undefined when left out, which reads as the wrong type).
    let url = match unsafe { url.read(env, argv[0], false) } {
        Read::Done => url,
        Read::WrongType => {
            // SAFETY: env is this call's.
            return unsafe { throw(env, Thrown::TypeError, "owns: the url must be a string") };
        }
        Read::TooLarge => {
            // SAFETY: env is this call's.
            return unsafe {
                throw(
                    env,
                    Thrown::RangeError,
                    "owns: the url is too large to read",
                )
            };
        }
    };
    let owned = match url.get() {
        // A panic must not cross into C: it answers as a path of no route.
        Some(url) => catch_unwind(AssertUnwindSafe(|| engine.owns(url))).unwrap_or(false),
        None => false,
    };
    let mut result = ptr::null_mut();
    // SAFETY: env is this call's; `result` is a valid place for the value.
    if unsafe { sys::napi_get_boolean(env, owned, &mut result) } != sys::Status::napi_ok {
        // SAFETY: env is this call's.
        return unsafe { throw(env, Thrown::Error, "owns: its answer could not be made") };
    }
    result
}
