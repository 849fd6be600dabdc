//! Reading `handle`'s arguments straight from N-API: strings into stack buffers (the heap
//! only past 1 KiB), booleans, and a Uint8Array body borrowed, not copied.

use std::mem::MaybeUninit;
use std::ptr;

use napi::sys;
use pikku_engine::boundary::{handle_arg, HANDLE_ARGS};

/// How many arguments `handle` takes: `HANDLE_ARGS` (crates/pikku-engine/src/boundary.rs)
/// defines them, their positions (`handle_arg`) and their TypeScript types. `handler_for`'s
/// `ts_return_type` in src/lib.rs declares them to TypeScript, and a test of pikku-engine
/// fails when it (or index.d.ts) lists anything else.
pub(super) const ARGS: usize = HANDLE_ARGS.len();

/// Stack room for one string argument; a longer one goes to the heap.
const INLINE: usize = 1024;

/// One string argument's bytes: in a stack buffer, or on the heap when longer.
pub(super) struct StringArg {
    /// Not zeroed: only the `len` bytes N-API wrote are ever read.
    inline: MaybeUninit<[u8; INLINE]>,
    heap: Vec<u8>,
    len: usize,
    present: bool,
}

impl StringArg {
    pub(super) fn new() -> Self {
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
    pub(super) unsafe fn read(
        &mut self,
        env: sys::napi_env,
        value: sys::napi_value,
        optional: bool,
    ) -> Read {
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

    pub(super) fn get(&self) -> Option<&str> {
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
pub(super) enum Read {
    Done,
    WrongType,
    TooLarge,
}

/// A boolean argument, if `value` is one.
///
/// # Safety
/// `env` must be the env of the running callback and `value` one of its values.
pub(super) unsafe fn read_bool(env: sys::napi_env, value: sys::napi_value) -> Option<bool> {
    let mut out = false;
    // SAFETY: env and value are live (the caller's contract); `out` is a valid place.
    (unsafe { sys::napi_get_value_bool(env, value, &mut out) } == sys::Status::napi_ok)
        .then_some(out)
}

/// Whether `value` is undefined or null.
///
/// # Safety
/// `env` must be the env of the running callback and `value` one of its values.
pub(super) unsafe fn is_absent(env: sys::napi_env, value: sys::napi_value) -> bool {
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
pub(super) unsafe fn read_bytes<'a>(
    env: sys::napi_env,
    value: sys::napi_value,
) -> Option<&'a [u8]> {
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

/// Positions of `handle`'s string arguments, and where each is read into (`strings[i]` for
/// `STRING_ARGS[i]`).
pub(super) const STRING_ARGS: [usize; 7] = [
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

pub(super) const METHOD: usize = string_slot(handle_arg::METHOD);
pub(super) const URL: usize = string_slot(handle_arg::URL);
pub(super) const CONTENT_TYPE: usize = string_slot(handle_arg::CONTENT_TYPE);
pub(super) const REQUEST_ID: usize = string_slot(handle_arg::REQUEST_ID);
pub(super) const AUTHORIZATION: usize = string_slot(handle_arg::AUTHORIZATION);
pub(super) const COOKIE: usize = string_slot(handle_arg::COOKIE);
pub(super) const API_KEY: usize = string_slot(handle_arg::API_KEY);

/// Whether the argument at `at` may be left out, by position.
pub(super) const OPTIONAL: [bool; ARGS] = {
    let mut optional = [false; ARGS];
    let mut at = 0;
    while at < ARGS {
        optional[at] = HANDLE_ARGS[at].optional;
        at += 1;
    }
    optional
};
