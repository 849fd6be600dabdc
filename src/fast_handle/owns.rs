//! `owns(url)`: whether a route of the engine matches the url's path, for the host frameworks
//! that must know before they read a body (Express's middleware, Fastify's plugin), as a plain
//! N-API callback for the reasons `handle` is one (src/fast_handle.rs).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use napi::sys;
use pikku_engine::Engine;

use super::answer::{throw, Thrown};
use super::args::{Read, StringArg};

/// The callback of `owns(url)`.
///
/// # Safety
/// Called by N-API only, with the env and callback info of a call of a function that
/// `bind_owns` made (its data pointer the engine, kept alive by the function).
pub(super) unsafe extern "C" fn owns_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let mut argc = 1;
    let mut argv = [ptr::null_mut(); 1];
    let mut data = ptr::null_mut();
    // SAFETY: env and info are this call's; `argv` has room for `argc` = 1 value.
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
        // SAFETY: env is this call's.
        return unsafe { throw(env, Thrown::Error, "owns: its call could not be read") };
    }
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
    // SAFETY: `bind_owns` set `data` to the engine, which the function keeps alive as its
    // undeletable `engine` property; the engine is only read (`Engine` is `Sync`).
    let engine = unsafe { &*data.cast::<Engine>().cast_const() };
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
