//! Calls waiting for JavaScript, and answers waiting for their requests, both batched: on one
//! core every hand-over between the server's threads and JavaScript's is a context switch, so
//! each side hands over many at once.
//!
//! - Calls: the server posts each call into a JSON batch. JavaScript is woken once per batch,
//!   when the server's runtime found no new request in a look at its sockets that does not
//!   wait ([`Mailbox::hand_over`]), when a server thread has nothing left to do
//!   ([`Dispatch::idle`]), or when the batch holds [`WAKE_AT`] calls, and takes the whole batch
//!   as one text (one string to cross, one `JSON.parse`).
//! - Answers: JavaScript answers many calls at once, by id ([`Mailbox::answer_all`]), which
//!   wakes the server's runtime once for all of them: a task there hands each answer to its
//!   request ([`Dispatch::on_runtime`]).

mod batch_text;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{oneshot, Notify};

use crate::answers::{ids_of, malformed_reply, parse_answers};
use crate::{Call, Dispatch, Reply, SocketEvent};
use batch_text::{write_call, write_event};

/// What wakes JavaScript (the binding: a thread-safe function).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// JavaScript is woken at once when this many calls wait, even while the server's threads are
/// still busy.
pub const WAKE_AT: usize = 64;

/// Sockets stop reading while the batch waiting for JavaScript is this large (bytes of JSON):
/// far below the longest string V8 can build, which the batch must never reach.
pub const EVENT_ROOM_BYTES: usize = 64 * 1024 * 1024;

/// The queue of calls for JavaScript and the replies it owes.
pub struct Mailbox {
    state: Mutex<State>,
    /// Wakes the task on the server's runtime that delivers the answers taken.
    answers_taken: Notify,
    /// Wakes the task on the server's runtime that hands a new batch over to JavaScript.
    batch_started: Notify,
    /// Wakes the sockets waiting for room in the batch, when JavaScript took it.
    batch_taken: Notify,
}

struct State {
    /// Waiting calls and socket events (see [`Mailbox::take`]), separated by commas: the
    /// batch's text without its brackets.
    batch: Vec<u8>,
    /// Entries in `batch`.
    calls: usize,
    /// Calls posted since the server started (wrapping): tells whether a look at the sockets
    /// brought new ones.
    posted: u64,
    /// The batch has calls JavaScript has not been woken for.
    wake_owed: bool,
    next_id: u32,
    /// Requests waiting for their answer, by call id.
    waiting: HashMap<u32, oneshot::Sender<Reply>>,
    /// Answers given and not yet delivered.
    ready: Vec<(oneshot::Sender<Reply>, Reply)>,
    /// `None` once closed: nothing wakes JavaScript any more.
    wake: Option<Wake>,
}

impl Mailbox {
    /// A mailbox that calls `wake` when calls wait for JavaScript.
    pub fn new(wake: Wake) -> Self {
        Mailbox {
            state: Mutex::new(State {
                batch: Vec::with_capacity(4096),
                calls: 0,
                posted: 0,
                wake_owed: false,
                next_id: 0,
                waiting: HashMap::new(),
                ready: Vec::new(),
                wake: Some(wake),
            }),
            answers_taken: Notify::new(),
            batch_started: Notify::new(),
            batch_taken: Notify::new(),
        }
    }

    /// Every waiting call and socket event as one JSON array, and an empty queue:
    /// - a request: `[id, method, url, headers, wire, body?]` (`headers`: one string of
    ///   `name:value` lines; `wire`: the engine's answer, inline; `body`: see [`Call::body`], in
    ///   base64, `null` when it went over the limit);
    /// - a WebSocket upgrade: `["u", id, socket, url, headers]`, answered 101 to accept;
    /// - a socket's message `["m", socket, text]`, binary message `["b", socket]`, or close
    ///   `["c", socket]`, in the order they happened.
    pub fn take(&self) -> String {
        let mut state = self.lock();
        let mut out = Vec::with_capacity(state.batch.len() + 2);
        out.push(b'[');
        out.append(&mut state.batch);
        out.push(b']');
        state.calls = 0;
        state.wake_owed = false;
        drop(state);
        self.batch_taken.notify_waiters();
        // Only JSON text and UTF-8 strings were written into the batch.
        String::from_utf8(out).unwrap_or_else(|_| "[]".to_owned())
    }

    /// Takes a batch of JavaScript's answers for the server's runtime to deliver: `answers`
    /// is `[[id, status, headers, length], …]` (`headers` flat: `[name, value, …]`; `length`:
    /// the body's length in UTF-16 code units, as JavaScript counts it, or `null` for none)
    /// and `bodies` every body, one after the other. Answers for requests no longer waiting
    /// are dropped. A batch that cannot be read is an error naming what is wrong; the
    /// requests whose ids can be read in it are answered 500.
    pub fn answer_all(&self, answers: &str, bodies: String) -> Result<(), String> {
        let answers = match parse_answers(answers, bodies) {
            Ok(answers) => answers,
            Err(err) => {
                let failed = ids_of(answers)
                    .into_iter()
                    .map(|id| (id, malformed_reply()));
                self.settle(failed.collect());
                return Err(err);
            }
        };
        self.settle(answers);
        Ok(())
    }

    /// Hands replies to the runtime, for the requests still waiting.
    fn settle(&self, answers: Vec<(u32, Reply)>) {
        let mut state = self.lock();
        for (id, reply) in answers {
            if let Some(sender) = state.waiting.remove(&id) {
                state.ready.push((sender, reply));
            }
        }
        drop(state);
        self.answers_taken.notify_one();
    }

    /// Wakes JavaScript for a batch once the runtime has taken every request its sockets had:
    /// on one core JavaScript runs as soon as it is woken, so waking it at the first call
    /// would send small batches, and each batch costs two switches between the threads. Each
    /// `yield_now` lets the runtime look at its sockets without waiting and serve what came.
    async fn hand_over(&self) {
        loop {
            self.batch_started.notified().await;
            loop {
                let posted = self.lock().posted;
                tokio::task::yield_now().await;
                if self.lock().posted == posted {
                    break;
                }
            }
            let wake = Self::owed_wake(&mut self.lock());
            if let Some(wake) = wake {
                wake();
            }
        }
    }

    /// Hands every answer taken so far to its request.
    fn deliver(&self) {
        let ready = std::mem::take(&mut self.lock().ready);
        for (sender, reply) in ready {
            let _ = sender.send(reply); // the client may have gone away
        }
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

    /// Writes an entry into the batch, and wakes JavaScript or the hand-over for it.
    fn post(&self, write: impl FnOnce(&mut State)) {
        let mut state = self.lock();
        let first = state.calls == 0;
        if first {
            state.wake_owed = true;
        } else {
            state.batch.push(b',');
        }
        write(&mut state);
        state.calls += 1;
        state.posted = state.posted.wrapping_add(1);
        let wake = if state.calls >= WAKE_AT {
            Self::owed_wake(&mut state)
        } else {
            None
        };
        drop(state);
        if let Some(wake) = wake {
            wake();
        } else if first {
            self.batch_started.notify_one();
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half-written in a way that
        // matters more than losing the server, so a poisoned lock is used as is.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The wake to call now, when one is owed.
    fn owed_wake(state: &mut State) -> Option<Wake> {
        if !state.wake_owed {
            return None;
        }
        state.wake_owed = false;
        state.wake.clone()
    }
}

impl Dispatch for Mailbox {
    fn abandon(&self, reply: &Reply) {
        let ids: Vec<u32> = self.lock().waiting.keys().copied().collect();
        self.settle(ids.into_iter().map(|id| (id, reply.clone())).collect());
    }

    fn dispatch(&self, call: Call, reply: oneshot::Sender<Reply>) {
        self.post(|state| {
            let mut id = state.next_id;
            while state.waiting.contains_key(&id) {
                id = id.wrapping_add(1);
            }
            state.next_id = id.wrapping_add(1);
            write_call(&mut state.batch, id, &call);
            state.waiting.insert(id, reply);
        });
    }

    fn socket_event(&self, event: SocketEvent<'_>) {
        self.post(|state| write_event(&mut state.batch, event));
    }

    fn room_for_events(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            loop {
                // Listening before looking: a take between the two is not missed.
                let taken = self.batch_taken.notified();
                tokio::pin!(taken);
                taken.as_mut().enable();
                if self.lock().batch.len() < EVENT_ROOM_BYTES {
                    return;
                }
                taken.await;
            }
        })
    }

    fn idle(&self) {
        let wake = Self::owed_wake(&mut self.lock());
        if let Some(wake) = wake {
            wake();
        }
    }

    fn on_runtime(self: Arc<Self>) -> Option<Pin<Box<dyn Future<Output = ()> + Send>>> {
        Some(Box::pin(async move {
            let delivering = async {
                loop {
                    self.answers_taken.notified().await;
                    self.deliver();
                }
            };
            tokio::join!(delivering, self.hand_over());
        }))
    }
}

#[cfg(test)]
mod tests;
