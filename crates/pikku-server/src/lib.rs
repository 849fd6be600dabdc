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
//! No napi types: the binding only wakes JavaScript and moves strings.

mod answers;
mod mailbox;
mod request;
mod server;

pub use mailbox::Mailbox;
pub use server::{start, RunningServer, ServerOptions};

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
