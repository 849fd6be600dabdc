//! `handle`, the call every HTTP request makes, as a plain N-API callback bound to one engine
//! (`handlerFor(engine)` makes it). A `#[napi]` function opens and closes napi-rs's borrow
//! bookkeeping on every call and copies each string argument onto the heap; an `External`
//! argument is looked up in napi-rs's registry of live payloads, behind a global mutex. Here
//! the engine comes from the function's own data pointer, checked once when it is bound, the
//! strings are read into stack buffers, and nothing else runs around the engine.

use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use napi::bindgen_prelude::{External, FromNapiRef};
use napi::{sys, Error, Result, Status};
use pikku_engine::boundary::{handle_arg, HANDLE_ARGS, HANDLE_REQUIRED_ARGS};
use pikku_engine::{wire, Engine, HttpRequest};

/// How many arguments `handle` takes: `HANDLE_ARGS` (crates/pikku-engine/src/boundary.rs)
/// defines them, their positions (`handle_arg`) and their TypeScript types. `handler_for`'s
/// `ts_return_type` in src/lib.rs declares them to TypeScript, and a test of pikku-engine
/// fails when it (or index.d.ts) lists anything else.
const ARGS: usize = HANDLE_ARGS.len();

/// Stack room for one string argument; a longer one goes to the heap.
const INLINE: usize = 1024;

/// One string argument's bytes: in a stack buffer, or on the heap when longer.
struct StringArg {
    /// Not zeroed: only the `len` bytes N-API wrote are ever read.
    inline: MaybeUninit<[u8; INLINE]>,
    heap: Vec<u8>,
    len: usize,
    present: bool,
}

impl StringArg {
    fn new() -> Self {
        StringArg {
            inline: MaybeUninit::uninit(),
            heap: Vec::new(),
            len: 0,
            present: false,
        }
    }

    /// Reads `value`: a string, or (when `optional`) undefined or null.
    ///
    /// # Safety
    /// `env` must be the env of the running callback and `value` one of its values.
    unsafe fn read(&mut self, env: sys::napi_env, value: sys::napi_value, optional: bool) -> Read {
        let mut len = 0;
        let buffer = self.inline.as_mut_ptr().cast::<std::os::raw::c_char>();
        // SAFETY: env and value are live (the caller's contract); `buffer` has INLINE writable
        // bytes, and N-API writes at most INLINE of them, NUL included.
        let status =
            unsafe { sys::napi_get_value_string_utf8(env, value, buffer, INLINE, &mut len) };
        if status == sys::Status::napi_string_expected {
            // Not a string: fine when the argument may be left out.
            let mut kind = 0;
            // SAFETY: env and value are live; `kind` is a valid place for the result.
            let known = unsafe { sys::napi_typeof(env, value, &mut kind) } == sys::Status::napi_ok;
            self.present = false;
            let absent = known
                && (kind == sys::ValueType::napi_undefined || kind == sys::ValueType::napi_null);
            return if optional && absent {
                Read::Done
            } else {
                Read::WrongType
            };
        }
        if status != sys::Status::napi_ok {
            return Read::WrongType;
        }
        self.present = true;
        self.heap.clear();
        // N-API stops before a character that does not fit whole (up to 4 bytes), so a text
        // that came back this close to the buffer's end may have been cut.
        if len < INLINE - 4 {
            self.len = len;
            return Read::Done;
        }
        // Ask its length, then read it whole.
        // SAFETY: a null buffer with size 0 asks N-API for the length only.
        if unsafe { sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut len) }
            != sys::Status::napi_ok
        {
            return Read::WrongType;
        }
        // A string too large to copy is refused rather than aborting the process.
        if self.heap.try_reserve_exact(len + 1).is_err() {
            return Read::TooLarge;
        }
        self.heap.resize(len + 1, 0);
        // SAFETY: `heap` has len + 1 initialised bytes, the size passed: room for the text
        // and its NUL.
        let status = unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                self.heap.as_mut_ptr().cast(),
                len + 1,
                &mut len,
            )
        };
        self.len = len;
        if status == sys::Status::napi_ok {
            Read::Done
        } else {
            Read::WrongType
        }
    }

    fn get(&self) -> Option<&str> {
        if !self.present {
            return None;
        }
        let bytes = if self.heap.is_empty() {
            // SAFETY: N-API wrote (initialised) the first `len` bytes of the inline buffer, and
            // `len` < INLINE; `present` is only set after such a write.
            unsafe { std::slice::from_raw_parts(self.inline.as_ptr().cast::<u8>(), self.len) }
        } else {
            &self.heap[..self.len]
        };
        // N-API writes UTF-8; checked all the same, as it costs nanoseconds and the N-API of
        // another runtime may differ.
        std::str::from_utf8(bytes).ok()
    }
}

/// How reading a string argument went.
enum Read {
    Done,
    WrongType,
    TooLarge,
}

/// A boolean argument, if `value` is one.
///
/// # Safety
/// `env` must be the env of the running callback and `value` one of its values.
unsafe fn read_bool(env: sys::napi_env, value: sys::napi_value) -> Option<bool> {
    let mut out = false;
    // SAFETY: env and value are live (the caller's contract); `out` is a valid place.
    (unsafe { sys::napi_get_value_bool(env, value, &mut out) } == sys::Status::napi_ok)
        .then_some(out)
}

/// Whether `value` is undefined or null.
///
/// # Safety
/// `env` must be the env of the running callback and `value` one of its values.
unsafe fn is_absent(env: sys::napi_env, value: sys::napi_value) -> bool {
    let mut kind = 0;
    // SAFETY: env and value are live (the caller's contract); `kind` is a valid place.
    (unsafe { sys::napi_typeof(env, value, &mut kind) } == sys::Status::napi_ok)
        && (kind == sys::ValueType::napi_undefined || kind == sys::ValueType::napi_null)
}

/// The bytes of a Uint8Array (a Buffer is one).
///
/// # Safety
/// `env` must be the env of the running callback and `value` one of its values; the slice
/// borrows the array's memory, so it must not outlive the callback (the array is an argument,
/// alive until the callback returns, and JavaScript cannot run meanwhile to detach it).
unsafe fn read_bytes<'a>(env: sys::napi_env, value: sys::napi_value) -> Option<&'a [u8]> {
    let mut kind = 0;
    let mut len = 0;
    let mut data = ptr::null_mut();
    let mut buffer = ptr::null_mut();
    let mut offset = 0;
    // SAFETY: env and value are live; every out-pointer is a valid place.
    let status = unsafe {
        sys::napi_get_typedarray_info(
            env,
            value,
            &mut kind,
            &mut len,
            &mut data,
            &mut buffer,
            &mut offset,
        )
    };
    if status != sys::Status::napi_ok || kind != sys::TypedarrayType::uint8_array {
        return None;
    }
    // `data` already points at the first element; it is null for an empty array.
    Some(if len == 0 || data.is_null() {
        &[]
    } else {
        // SAFETY: N-API says `data` points at `len` bytes of a Uint8Array that lives for the
        // callback (the caller's contract).
        unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) }
    })
}

/// The JavaScript error classes `handle` throws.
enum Thrown {
    Error,
    TypeError,
    RangeError,
}

/// Throws a JavaScript error of `kind` and returns the callback's value for "nothing".
///
/// # Safety
/// `env` must be the env of the running callback.
unsafe fn throw(env: sys::napi_env, kind: Thrown, message: &str) -> sys::napi_value {
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

/// Positions of `handle`'s string arguments, and where each is read into (`strings[i]` for
/// `STRING_ARGS[i]`).
const STRING_ARGS: [usize; 7] = [
    handle_arg::METHOD,
    handle_arg::URL,
    handle_arg::CONTENT_TYPE,
    handle_arg::REQUEST_ID,
    handle_arg::AUTHORIZATION,
    handle_arg::COOKIE,
    handle_arg::API_KEY,
];

/// The slot of `at` (a position of `handle`'s arguments) in `STRING_ARGS`; a compile error
/// when `at` is not a string argument.
const fn string_slot(at: usize) -> usize {
    let mut slot = 0;
    while slot < STRING_ARGS.len() {
        if STRING_ARGS[slot] == at {
            return slot;
        }
        slot += 1;
    }
    panic!("not a string argument of handle")
}

const METHOD: usize = string_slot(handle_arg::METHOD);
const URL: usize = string_slot(handle_arg::URL);
const CONTENT_TYPE: usize = string_slot(handle_arg::CONTENT_TYPE);
const REQUEST_ID: usize = string_slot(handle_arg::REQUEST_ID);
const AUTHORIZATION: usize = string_slot(handle_arg::AUTHORIZATION);
const COOKIE: usize = string_slot(handle_arg::COOKIE);
const API_KEY: usize = string_slot(handle_arg::API_KEY);

/// Whether the argument at `at` may be left out, by position.
const OPTIONAL: [bool; ARGS] = {
    let mut optional = [false; ARGS];
    let mut at = 0;
    while at < ARGS {
        optional[at] = HANDLE_ARGS[at].optional;
        at += 1;
    }
    optional
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
    // SAFETY: env and engine_value are live (the caller's contract); napi-rs checks that the
    // value is an External holding an Engine and fails otherwise.
    let engine = unsafe { <External<Engine> as FromNapiRef>::from_napi_ref(env, engine_value) }
        .map_err(|_| {
            Error::new(
                Status::InvalidArg,
                "handlerFor: the argument is not the engine",
            )
        })?;
    let data = (&**engine as *const Engine).cast_mut().cast();
    let mut function = ptr::null_mut();
    let name = "handle";
    // SAFETY: env is live; `name` is `name.len()` bytes of UTF-8; `handle_callback` has the
    // callback signature; `data` points at the engine, which the `engine` property defined
    // below keeps alive as long as the function.
    let created = unsafe {
        sys::napi_create_function(
            env,
            name.as_ptr().cast(),
            name.len() as isize,
            Some(handle_callback),
            data,
            &mut function,
        )
    };
    if created != sys::Status::napi_ok {
        return Err(Error::from_reason(
            "handlerFor: the function could not be made",
        ));
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
        return Err(Error::from_reason(
            "handlerFor: the engine could not be kept",
        ));
    }
    Ok(function)
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
    let mut argc = ARGS;
    let mut argv = [ptr::null_mut(); ARGS];
    let mut data = ptr::null_mut();
    // SAFETY: env and info are this call's; `argv` has room for `argc` = ARGS values.
    if unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            &mut data,
        )
    } != sys::Status::napi_ok
        || data.is_null()
    {
        // SAFETY: env is this call's.
        return unsafe {
            throw(
                env,
                Thrown::Error,
                "handle: its call could not be read (not made by handlerFor?)",
            )
        };
    }
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
    // SAFETY: `bind_handle` set `data` to the engine, which the function keeps alive as its
    // undeletable `engine` property; the engine is only read (`Engine` is `Sync`).
    let engine = unsafe { &*data.cast::<Engine>().cast_const() };
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

/// The engine's answer to `request` as a JS value: its bare target number, or its JSON text.
///
/// # Safety
/// `env` must be the env of the running callback.
unsafe fn answer(
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
