#![warn(missing_docs)]
//! The standalone server of `@pikku/native`: hyper on tokio owns the socket and parses HTTP;
//! the engine routes, parses, validates and decodes the session on the server's threads; only
//! requests that reach a function cross to JavaScript, through a [`Dispatch`], with many in
//! flight at once. Errors the engine decides (404, 405, 401, 413, 415, 422 …) are answered here
//! without JavaScript, unless the app has global middleware that must see them.
//!
//! No napi types: the binding implements [`Dispatch`] with a thread-safe function.

mod request;
mod server;

pub use server::{serve, RunningServer, ServerOptions};

/// A request for a function, as JavaScript gets it.
#[derive(Debug)]
pub struct Call {
    /// The engine's answer: `[target, input, session?]` (or an error answer when the app's
    /// middleware must see errors).
    pub wire: String,
    /// The request method.
    pub method: String,
    /// The path and query.
    pub url: String,
    /// Every request header, names lower-case.
    pub headers: Vec<(String, String)>,
}

/// JavaScript's answer to a [`Call`].
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// The body (JSON text), or empty.
    pub body: String,
}

/// Hands calls to JavaScript. `reply` is answered once the function settled; dropping it
/// unanswered makes the request a 500.
pub trait Dispatch: Send + Sync + 'static {
    /// Starts one call.
    fn dispatch(&self, call: Call, reply: tokio::sync::oneshot::Sender<Reply>);
}
