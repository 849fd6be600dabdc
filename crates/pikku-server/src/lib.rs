#![warn(missing_docs)]
//! The standalone server of `@pikku/native`: hyper on tokio owns the socket and parses HTTP;
//! the engine routes, parses, validates and decodes the session on the server's threads; only
//! requests that reach a function cross to JavaScript, through a [`Dispatch`], with many in
//! flight at once. Errors the engine decides (404, 405, 401, 413, 415, 422 …) are answered here
//! without JavaScript, unless the app has global middleware that must see them.
//!
//! [`Mailbox`] is the dispatch the binding uses: calls queue up as one JSON batch that
//! JavaScript takes when it is woken, and answers come back by call id, delivered together.
//!
//! WebSocket channels: an upgrade is a [`Call`] that JavaScript accepts (101) or refuses;
//! once accepted, the socket's frames are read here and its messages reach
//! JavaScript as [`SocketEvent`]s, in order; JavaScript's sends come back through
//! [`Sockets::send_all`].
//!
//! No napi types: the binding only wakes JavaScript and moves strings.

mod answers;
pub mod batch;
mod bind;
mod event_stream;
mod head_scan;
mod header_text;
mod mailbox;
mod request;
mod response;
mod send_timeout;
mod server;
mod server_options;
mod sockets;
mod strict_reads;
mod websocket;

pub use bind::{bind, DEFAULT_BACKLOG, MOST_BACKLOG};
pub use mailbox::Mailbox;
pub use send_timeout::SEND_TIMEOUT;
pub use server::{start, RunningServer, MOST_HEADERS, MOST_THREADS};
pub use server_options::ServerOptions;
pub use sockets::{sendable_close_codes_text, SocketOptions, Sockets, SENDABLE_CLOSE_CODES};

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use hyper::{HeaderMap, Method};

/// A request for a function, as JavaScript gets it.
#[derive(Debug)]
pub struct Call {
    /// The engine's answer: `[target, input, session?]` (or an error answer when the app's
    /// middleware or session hook must see it).
    pub wire: String,
    /// The request method.
    pub method: Method,
    /// The path and query.
    pub url: String,
    /// The request headers.
    pub headers: HeaderMap,
    /// The body, only when the engine found no session for a route that needs one and the
    /// app's session hook may supply it: JavaScript then asks the engine again.
    pub body: Option<Bytes>,
    /// With `body`: the body went over the limit and was not kept.
    pub body_too_large: bool,
    /// A WebSocket upgrade, and the id its socket will have: JavaScript accepts it with
    /// status 101 or answers it as an ordinary request (a refusal). `wire` is then empty.
    pub socket: Option<u64>,
    /// A call that may answer with an event stream (an `sse` route), and the id its events
    /// are sent to: an answer of status 200 with `content-type: text/event-stream` and no body
    /// is the stream's head, and what JavaScript sends to the id follows it.
    pub stream: Option<u64>,
}

/// What happens on an open WebSocket, for JavaScript, in the order it happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SocketEvent<'a> {
    /// A text message.
    Message {
        /// The socket's id.
        socket: u64,
        /// The message.
        text: &'a str,
    },
    /// A binary message (channels speak JSON text: JavaScript answers it with an error).
    Binary {
        /// The socket's id.
        socket: u64,
    },
    /// The socket closed (either side, or the connection was lost); nothing more comes of it.
    Closed {
        /// The socket's id.
        socket: u64,
    },
}

/// JavaScript's answer to a [`Call`].
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// Response headers; a body without `content-type` is sent as JSON.
    pub headers: Vec<(String, String)>,
    /// The body (JSON text), or empty.
    pub body: Bytes,
}

/// Hands calls to JavaScript. `reply` is answered once the function settled; dropping it
/// unanswered makes the request a 500.
pub trait Dispatch: Send + Sync + 'static {
    /// Starts one call.
    fn dispatch(&self, call: Call, reply: tokio::sync::oneshot::Sender<Reply>);

    /// Hands over what happened on an open WebSocket.
    fn socket_event(&self, _event: SocketEvent<'_>) {}

    /// Resolves once there is room for more socket events: each socket waits for it before it
    /// reads its next frame, so that clients cannot pile up events while JavaScript is behind.
    fn room_for_events(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(std::future::ready(()))
    }

    /// The server is closing and its grace period has passed: answer every call still
    /// waiting with `reply` (its function's own answer, if it comes later, is dropped).
    fn abandon(&self, _reply: &Reply) {}

    /// A server thread has nothing left to do and is about to sleep: the moment to hand over
    /// calls held back to be sent together.
    fn idle(&self) {}

    /// Work to run on the server's runtime for as long as the server runs, if any. The mailbox
    /// hands JavaScript's answers to their requests there: a request woken from a thread of
    /// the runtime costs nothing, one woken from JavaScript's thread costs a system call.
    fn on_runtime(self: Arc<Self>) -> Option<Pin<Box<dyn Future<Output = ()> + Send>>> {
        None
    }
}
