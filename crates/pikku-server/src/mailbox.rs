//! Calls waiting for JavaScript, batched. The server posts each call; the first call into an
//! empty mailbox wakes JavaScript, which takes every waiting call as one JSON text (one string
//! to cross, one `JSON.parse`) and answers each by its id. Under load one wake carries many
//! calls.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use hyper::header::COOKIE;
use hyper::HeaderMap;
use tokio::sync::oneshot;

use crate::{Call, Dispatch, Reply};

/// What wakes JavaScript (the binding: a thread-safe function).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// The queue of calls for JavaScript and the replies it owes.
pub struct Mailbox {
    state: Mutex<State>,
}

struct State {
    /// Waiting calls, each `[id,method,url,headers,wire]` (`,body` before `]` when it travels:
    /// a string, or `null` when it went over the limit),
    /// separated by commas: the batch's text without its brackets.
    batch: Vec<u8>,
    next_id: u32,
    waiting: HashMap<u32, oneshot::Sender<Reply>>,
    /// `None` once closed: nothing wakes JavaScript any more.
    wake: Option<Wake>,
}

impl Mailbox {
    /// A mailbox that calls `wake` when a call arrives in an empty queue.
    pub fn new(wake: Wake) -> Self {
        Mailbox {
            state: Mutex::new(State {
                batch: Vec::with_capacity(4096),
                next_id: 0,
                waiting: HashMap::new(),
                wake: Some(wake),
            }),
        }
    }

    /// Every waiting call as one JSON array of `[id, method, url, headers, wire, body?]`
    /// (`headers`: an object of lower-case names; `wire`: the engine's answer, inline; `body`:
    /// see [`Call::body`], `null` when it went over the limit), and an empty queue.
    pub fn take(&self) -> String {
        let mut state = self.lock();
        let mut out = Vec::with_capacity(state.batch.len() + 2);
        out.push(b'[');
        out.append(&mut state.batch);
        out.push(b']');
        drop(state);
        // Only JSON text and UTF-8 strings were written into the batch.
        String::from_utf8(out).unwrap_or_else(|_| "[]".to_owned())
    }

    /// Hands JavaScript's answer of call `id` to its request; false when no request waits for
    /// it (already answered, or the client went away).
    pub fn answer(&self, id: u32, reply: Reply) -> bool {
        let sender = self.lock().waiting.remove(&id);
        sender.is_some_and(|sender| sender.send(reply).is_ok())
    }

    /// Calls whose answer is still owed.
    pub fn owed(&self) -> usize {
        self.lock().waiting.len()
    }

    /// Stops waking JavaScript (after the server closed), so that whatever `wake` holds is
    /// released.
    pub fn close(&self) {
        let wake = self.lock().wake.take();
        drop(wake);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half-written in a way that
        // matters more than losing the server, so a poisoned lock is used as is.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Dispatch for Mailbox {
    fn dispatch(&self, call: Call, reply: oneshot::Sender<Reply>) {
        let mut state = self.lock();
        let mut id = state.next_id;
        while state.waiting.contains_key(&id) {
            id = id.wrapping_add(1);
        }
        state.next_id = id.wrapping_add(1);
        let was_empty = state.batch.is_empty();
        if !was_empty {
            state.batch.push(b',');
        }
        write_call(&mut state.batch, id, &call);
        state.waiting.insert(id, reply);
        let wake = if was_empty { state.wake.clone() } else { None };
        drop(state);
        if let Some(wake) = wake {
            wake();
        }
    }
}

fn write_call(out: &mut Vec<u8>, id: u32, call: &Call) {
    out.push(b'[');
    out.extend_from_slice(id.to_string().as_bytes());
    out.push(b',');
    write_string(out, call.method.as_str());
    out.push(b',');
    write_string(out, &call.url);
    out.push(b',');
    write_headers(out, &call.headers);
    out.push(b',');
    out.extend_from_slice(call.wire.as_bytes());
    if call.body_too_large {
        out.extend_from_slice(b",null");
    } else if let Some(body) = &call.body {
        out.push(b',');
        write_string(out, &String::from_utf8_lossy(body));
    }
    out.push(b']');
}

/// Headers as a JSON object; repeated headers joined as Node joins them (`; ` for cookies).
fn write_headers(out: &mut Vec<u8>, headers: &HeaderMap) {
    out.push(b'{');
    for (index, name) in headers.keys().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write_string(out, name.as_str());
        out.push(b':');
        let separator = if name == COOKIE { "; " } else { ", " };
        let mut values = headers.get_all(name).iter();
        let first = values.next().map(|v| String::from_utf8_lossy(v.as_bytes()));
        let mut joined = first.unwrap_or_default().into_owned();
        for value in values {
            joined.push_str(separator);
            joined.push_str(&String::from_utf8_lossy(value.as_bytes()));
        }
        write_string(out, &joined);
    }
    out.push(b'}');
}

fn write_string(out: &mut Vec<u8>, text: &str) {
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}
