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

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hyper::header::COOKIE;
use hyper::HeaderMap;
use tokio::sync::{oneshot, Notify};

use crate::answers::{ids_of, malformed_reply, parse_answers};
use crate::header_text::latin1;
use crate::{Call, Dispatch, Reply, SocketEvent};

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

fn write_call(out: &mut Vec<u8>, id: u32, call: &Call) {
    if let Some(socket) = call.socket {
        out.extend_from_slice(format!("[\"u\",{id},{socket},").as_bytes());
        write_string(out, &call.url);
        out.push(b',');
        write_headers(out, &call.headers);
        out.push(b']');
        return;
    }
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
        // Base64: the bytes exactly as received, UTF-8 or not, so that the engine's second
        // look at them answers as its first would have.
        out.push(b',');
        write_string(out, &STANDARD.encode(body));
    }
    out.push(b']');
}

/// A socket's event: `["m", socket, text]`, `["b", socket]` or `["c", socket]`.
fn write_event(out: &mut Vec<u8>, event: SocketEvent<'_>) {
    match event {
        SocketEvent::Message { socket, text } => {
            out.extend_from_slice(format!("[\"m\",{socket},").as_bytes());
            write_string(out, text);
            out.push(b']');
        }
        SocketEvent::Binary { socket } => {
            out.extend_from_slice(format!("[\"b\",{socket}]").as_bytes())
        }
        SocketEvent::Closed { socket } => {
            out.extend_from_slice(format!("[\"c\",{socket}]").as_bytes())
        }
    }
}

/// Headers as one JSON string of `name:value` lines (names lower-case; neither part can hold a
/// line break), parsed by JavaScript only if something reads a header. Repeated headers as
/// Node has them: joined with `, ` (`; ` for cookies), or the first only for headers that
/// cannot repeat (`authorization`, `content-type`, …).
fn write_headers(out: &mut Vec<u8>, headers: &HeaderMap) {
    let mut block = String::with_capacity(256);
    for name in headers.keys() {
        if !block.is_empty() {
            block.push('\n');
        }
        block.push_str(name.as_str());
        block.push(':');
        let separator = if name == COOKIE { "; " } else { ", " };
        let first_only = SINGLE_HEADERS.contains(&name.as_str());
        for (index, value) in headers.get_all(name).iter().enumerate() {
            if index > 0 {
                if first_only {
                    break;
                }
                block.push_str(separator);
            }
            block.push_str(&latin1(value));
        }
    }
    write_string(out, &block);
}

/// Headers of which Node keeps only the first when a request repeats them.
const SINGLE_HEADERS: &[&str] = &[
    "age",
    "authorization",
    "content-length",
    "content-type",
    "etag",
    "expires",
    "from",
    "host",
    "if-modified-since",
    "if-unmodified-since",
    "last-modified",
    "location",
    "max-forwards",
    "proxy-authorization",
    "referer",
    "retry-after",
    "server",
    "user-agent",
];

fn write_string(out: &mut Vec<u8>, text: &str) {
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use hyper::Method;
    use serde_json::Value;

    use super::*;

    fn call(url: &str) -> Call {
        Call {
            wire: "[0,{}]".to_owned(),
            method: Method::GET,
            url: url.to_owned(),
            headers: HeaderMap::new(),
            body: None,
            body_too_large: false,
            socket: None,
        }
    }

    fn urls(batch: &str) -> Vec<String> {
        let calls: Vec<Value> = serde_json::from_str(batch).unwrap();
        calls
            .iter()
            .map(|call| call[2].as_str().unwrap().to_owned())
            .collect()
    }

    /// Every kind of entry, as the mailbox writes it, is a `BatchEntry` as generated for
    /// JavaScript (lib/generated/standalone.ts), with nothing left over.
    #[test]
    fn the_batch_is_the_batch_entries_javascript_reads() {
        use crate::batch::*;
        use pikku_engine::boundary::{ErrorAnswer, RunAnswer, WireAnswer};

        let mailbox = Mailbox::new(Arc::new(|| {}));
        let mut headers = HeaderMap::new();
        headers.insert("x-one", "1".parse().unwrap());
        headers.append("cookie", "a=1".parse().unwrap());
        headers.append("cookie", "b=2".parse().unwrap());
        let calls = [
            call("/plain"),
            Call {
                headers,
                body: Some(Bytes::from_static(b"{\"x\":1}")),
                wire: r#"[-401,{"name":"MissingSessionError","message":"m","errorId":"e"}]"#
                    .to_owned(),
                ..call("/body")
            },
            Call {
                body_too_large: true,
                ..call("/too-large")
            },
            Call {
                socket: Some(9),
                wire: String::new(),
                ..call("/socket")
            },
        ];
        let mut replies = Vec::new();
        for call in calls {
            let (reply, waiting) = oneshot::channel();
            mailbox.dispatch(call, reply);
            replies.push(waiting);
        }
        mailbox.socket_event(SocketEvent::Message {
            socket: 9,
            text: "\"é\"\n",
        });
        mailbox.socket_event(SocketEvent::Binary { socket: 9 });
        mailbox.socket_event(SocketEvent::Closed { socket: 9 });
        let batch: Vec<BatchEntry> = crate::batch::parse_exact(&mailbox.take());
        let run = WireAnswer::Run(RunAnswer(0, serde_json::json!({}), None));
        let missing = |wire: &WireAnswer| matches!(wire, WireAnswer::Error(ErrorAnswer(-401, body, None)) if body.name == "MissingSessionError");
        match &batch[..] {
            [BatchEntry::Call(CallEntry(0, method, url, _, wire, None)), BatchEntry::Call(CallEntry(1, _, _, headers, body_wire, Some(Some(body)))), BatchEntry::Call(CallEntry(2, .., Some(None))), BatchEntry::Socket(SocketEntry::Upgrade(UpgradeEntry(_, 3, 9, socket_url, _))), BatchEntry::Socket(SocketEntry::Message(MessageEntry(_, 9, text))), BatchEntry::Socket(SocketEntry::Binary(BinaryEntry(_, 9))), BatchEntry::Socket(SocketEntry::Closed(ClosedEntry(_, 9)))] =>
            {
                assert_eq!(
                    (method.as_str(), url.as_str(), wire),
                    ("GET", "/plain", &run)
                );
                assert_eq!(headers, "x-one:1\ncookie:a=1; b=2");
                assert!(missing(body_wire), "{body_wire:?}");
                assert_eq!(body, &STANDARD.encode(b"{\"x\":1}"));
                assert_eq!(socket_url, "/socket");
                assert_eq!(text, "\"é\"\n");
            }
            other => panic!("not the entries posted: {other:?}"),
        }
    }

    async fn turns(count: usize) {
        for _ in 0..count {
            tokio::task::yield_now().await;
        }
    }

    /// The urls of each batch JavaScript took.
    type Log = Arc<Mutex<Vec<Vec<String>>>>;

    /// A mailbox whose wake takes the batch at once, as JavaScript does, and logs it.
    fn logging_mailbox() -> (Arc<Mailbox>, Log) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let slot: Arc<Mutex<std::sync::Weak<Mailbox>>> = Arc::default();
        let (logged, taker) = (Arc::clone(&log), Arc::clone(&slot));
        let mailbox = Arc::new(Mailbox::new(Arc::new(move || {
            let mailbox = taker.lock().unwrap().upgrade().unwrap();
            logged.lock().unwrap().push(urls(&mailbox.take()));
        })));
        *slot.lock().unwrap() = Arc::downgrade(&mailbox);
        (mailbox, log)
    }

    #[tokio::test]
    async fn sockets_wait_for_room_while_javascript_has_not_taken_a_full_batch() {
        let mailbox = Mailbox::new(Arc::new(|| {})); // JavaScript busy: takes nothing
        let message = "x".repeat(1024 * 1024);
        let room = || {
            let waiting = mailbox.room_for_events();
            futures_util::FutureExt::now_or_never(waiting).is_some()
        };
        assert!(room());
        for _ in 0..EVENT_ROOM_BYTES / message.len() {
            mailbox.socket_event(SocketEvent::Message {
                socket: 1,
                text: &message,
            });
        }
        assert!(!room(), "a full batch leaves no room");
        let waiting = mailbox.room_for_events();
        tokio::pin!(waiting);
        assert!(futures_util::FutureExt::now_or_never(waiting.as_mut()).is_none());
        let _ = mailbox.take();
        tokio::time::timeout(std::time::Duration::from_secs(1), waiting)
            .await
            .expect("a take makes room and wakes the waiting sockets");
    }

    // A runtime without the park hook: only the hand-over task wakes JavaScript.
    #[tokio::test]
    async fn a_batch_is_handed_over_once_a_look_at_the_sockets_brings_nothing_new() {
        let (mailbox, log) = logging_mailbox();
        tokio::spawn(Arc::clone(&mailbox).on_runtime().unwrap());
        let mut replies = Vec::new();
        let mut post = |url: &str| {
            let (reply, waiting) = oneshot::channel();
            mailbox.dispatch(call(url), reply);
            replies.push(waiting);
        };

        // Calls posted in one turn: not woken at the first, woken once after them all.
        post("/a");
        post("/b");
        post("/c");
        assert!(log.lock().unwrap().is_empty());
        turns(10).await;
        assert_eq!(*log.lock().unwrap(), [vec!["/a", "/b", "/c"]]);

        // Calls that come while the hand-over looks join the batch, which waits for them:
        // one look after another, for as long as each brings something new.
        post("/d");
        turns(1).await;
        post("/e");
        turns(1).await;
        post("/f");
        turns(10).await;
        assert_eq!(log.lock().unwrap()[1..], [vec!["/d", "/e", "/f"]]);
        assert_eq!(mailbox.owed(), 6);
    }
}
