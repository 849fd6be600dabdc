//! How a standalone server runs: threads, time limits, header limits and WebSockets.

use std::num::NonZeroUsize;
use std::time::Duration;

use crate::send_timeout::SEND_TIMEOUT;
use crate::SocketOptions;

/// How the server runs.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// Hand the engine's error answers to JavaScript too (the app has global middleware, such
    /// as CORS, that must see them).
    pub errors_to_js: bool,
    /// The app has a session hook: a route's missing session goes to JavaScript with the
    /// body, as the hook may supply a session.
    pub session_hook: bool,
    /// The server's threads; 0: one per CPU the process may run on.
    pub threads: usize,
    /// How long a client may take to send a request's head, also the wait for the next
    /// request on an idle keep-alive connection (default 30 s).
    pub header_timeout: Option<Duration>,
    /// How long a client may take to send a request's body (default 300 s, Node's request
    /// timeout); then 408 and the connection is closed.
    pub body_timeout: Option<Duration>,
    /// How long a client may read nothing while an answer waits to be sent; then the
    /// connection is closed (default [`SEND_TIMEOUT`], 60 s).
    pub send_timeout: Option<Duration>,
    /// The most headers a request may have; more is answered 431. `None`: hyper's 100, kept
    /// on the stack (a larger count puts them on the heap for every request). At least 1.
    pub max_headers: Option<NonZeroUsize>,
    /// Serve WebSocket upgrades (the app has channels): each goes to JavaScript to be
    /// accepted or refused. `None`: an upgrade request is an ordinary request.
    pub sockets: Option<SocketOptions>,
}

impl ServerOptions {
    /// The head timeout in force.
    pub fn header_timeout(&self) -> Duration {
        self.header_timeout.unwrap_or(Duration::from_secs(30))
    }

    /// The send timeout in force.
    pub fn send_timeout(&self) -> Duration {
        self.send_timeout.unwrap_or(SEND_TIMEOUT)
    }

    /// The body timeout in force.
    pub fn body_timeout(&self) -> Duration {
        self.body_timeout.unwrap_or(Duration::from_secs(300))
    }
}
