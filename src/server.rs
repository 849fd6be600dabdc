//! The standalone server's binding: starts `pikku-server` with an engine of its own (built
//! from the app's config, so the server's threads never share a lock with JavaScript's
//! calls), wakes JavaScript through a thread-safe function when calls wait, and moves the
//! batch and the answers as strings. The request path is all in `pikku-server`.

use std::net::ToSocketAddrs;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use pikku_engine::{Engine, EngineConfig};
use pikku_server::{
    start, Mailbox, RunningServer, ServerOptions, SocketOptions, Sockets, MOST_BACKLOG,
    MOST_HEADERS, MOST_THREADS,
};

/// The JS callback that takes the waiting calls (`serverTake`), called without arguments.
type WakeCallback = ThreadsafeFunction<(), (), (), Status, false>;

/// A listening server, as JavaScript holds it.
pub struct StandaloneServer {
    mailbox: Arc<Mailbox>,
    sockets: Arc<Sockets>,
    /// Shared with the environment's cleanup hook, which aborts a server never closed.
    running: Arc<Mutex<Option<RunningServer>>>,
    port: u16,
}

/// How the server runs, as `listen` sets it.
#[napi(object)]
pub struct ListenSettings {
    /// The server's threads; 0: one per CPU.
    pub threads: u32,
    /// The engine's error answers go to JavaScript too (the app has global middleware).
    pub errors_to_js: bool,
    /// A missing session goes to JavaScript with the body (the app has a session hook).
    pub session_hook: bool,
    /// The most headers a request may have; 0: hyper's 100.
    pub max_headers: u32,
    /// Connections the kernel may queue before they are accepted; 0: Node's 511.
    pub backlog: u32,
    /// Serve WebSocket upgrades with these limits (the app has channels); without, an
    /// upgrade request is an ordinary request.
    pub sockets: Option<SocketSettings>,
}

/// The limits of the server's WebSockets.
#[napi(object)]
pub struct SocketSettings {
    /// The largest message a client may send, in bytes (larger: closed with 1009).
    pub max_message_bytes: u32,
    /// Bytes queued for one socket before its client counts as too slow and is dropped.
    pub max_buffered_bytes: u32,
    /// How often each socket is pinged, in milliseconds (at least 1).
    pub ping_interval_ms: u32,
}

/// Starts serving the routes of `config_json` (an `EngineConfig`) on `host:port` (port 0: one
/// the system picks) as `settings` say. `on_calls` is woken when calls wait; it takes them
/// with `serverTake`. Throws when the address cannot be bound.
#[napi(ts_return_type = "ExternalObject<'PikkuServer'>")]
pub fn server_listen(
    env: Env,
    config_json: String,
    host: String,
    port: u32,
    settings: ListenSettings,
    #[napi(ts_arg_type = "() => void")] on_calls: WakeCallback,
) -> Result<External<StandaloneServer>> {
    // `listen` checks these; the binding holds to the same bounds for any other caller,
    // before it binds anything.
    if settings.max_headers > MOST_HEADERS
        || settings.threads > MOST_THREADS
        || settings.backlog > MOST_BACKLOG
    {
        return Err(Error::from_reason(format!(
            "PIKKU_ERR_LISTEN: at most {MOST_HEADERS} headers, {MOST_THREADS} threads and a backlog of {MOST_BACKLOG}, not {}, {} and {}",
            settings.max_headers, settings.threads, settings.backlog
        )));
    }
    let config: EngineConfig = serde_json::from_str(&config_json).map_err(|err| {
        Error::from_reason(format!("PIKKU_ERR_CONFIG: invalid engine config: {err}"))
    })?;
    let engine = Arc::new(Engine::new(config).map_err(|err| Error::from_reason(err.to_string()))?);
    let port = u16::try_from(port).map_err(|_| {
        Error::from_reason(format!(
            "PIKKU_ERR_LISTEN: port {port} is not a TCP port (0 to 65535)"
        ))
    })?;
    let listener = (host.as_str(), port)
        .to_socket_addrs()
        .and_then(|mut addrs| {
            let addr = addrs
                .next()
                .ok_or_else(|| std::io::Error::other("no address"))?;
            pikku_server::bind(addr, settings.backlog)
        })
        .map_err(|err| {
            Error::from_reason(format!(
                "PIKKU_ERR_LISTEN: cannot listen on {host}:{port}: {err}"
            ))
        })?;
    let mailbox = Arc::new(Mailbox::new(Arc::new(move || {
        // Fails only while Node shuts down, when no one is left to answer.
        let _ = on_calls.call((), ThreadsafeFunctionCallMode::NonBlocking);
    })));
    let options = ServerOptions {
        errors_to_js: settings.errors_to_js,
        session_hook: settings.session_hook,
        threads: settings.threads as usize,
        max_headers: NonZeroUsize::new(settings.max_headers as usize),
        sockets: settings.sockets.map(|sockets| SocketOptions {
            max_message_bytes: sockets.max_message_bytes as usize,
            max_buffered_bytes: sockets.max_buffered_bytes as usize,
            ping_interval: Duration::from_millis(u64::from(sockets.ping_interval_ms.max(1))),
        }),
        ..ServerOptions::default()
    };
    let running = start(listener, engine, Arc::clone(&mailbox) as _, options)
        .map_err(|err| Error::from_reason(format!("PIKKU_ERR_LISTEN: {err}")))?;
    let sockets = Arc::clone(&running.sockets);
    let port = running.local_addr.port();
    let running = Arc::new(Mutex::new(Some(running)));
    // A worker terminated (or Node exiting) without `close()`: nothing will answer the calls
    // waiting in JavaScript, so the server is aborted rather than left running, its port open.
    let (slot, waiting) = (Arc::clone(&running), Arc::clone(&mailbox));
    env.add_env_cleanup_hook((), move |()| {
        if let Some(running) = take(&slot) {
            running.abort();
        }
        waiting.close();
    })?;
    Ok(External::new(StandaloneServer {
        mailbox,
        sockets,
        port,
        running,
    }))
}

/// The port the server listens on.
#[napi]
pub fn server_port(
    #[napi(ts_arg_type = "ExternalObject<'PikkuServer'>")] server: &External<StandaloneServer>,
) -> u32 {
    u32::from(server.port)
}

/// Every waiting call as one JSON array of `[id, method, url, headers, wire, body?]`
/// (`headers`: one string of `name:value` lines).
#[napi]
pub fn server_take(
    #[napi(ts_arg_type = "ExternalObject<'PikkuServer'>")] server: &External<StandaloneServer>,
) -> String {
    server.mailbox.take()
}

/// Answers calls and hands the answers to their requests: `answers` is a JSON array of
/// `[id, status, headers, length]` (`headers` flat: `[name, value, …]`; `length`: the body's
/// `.length`, or `null` for none) and `bodies` the bodies one after the other. Throws on a
/// malformed batch (a bug of the adapter, not of a request).
#[napi]
pub fn server_respond(
    #[napi(ts_arg_type = "ExternalObject<'PikkuServer'>")] server: &External<StandaloneServer>,
    answers: String,
    bodies: String,
) -> Result<()> {
    server
        .mailbox
        .answer_all(&answers, bodies)
        .map_err(|err| Error::from_reason(format!("PIKKU_ERR_SERVER: {err}")))
}

/// Sends JavaScript's WebSocket frames: `frames` is a JSON array of `[socket, length]` (a text
/// message) and `[socket, length, code]` (a close, the text its reason), and `texts` their
/// texts one after the other (`length`: the text's `.length`). Throws on a malformed batch or
/// a close code a server may not send.
#[napi]
pub fn server_send(
    #[napi(ts_arg_type = "ExternalObject<'PikkuServer'>")] server: &External<StandaloneServer>,
    frames: String,
    texts: String,
) -> Result<()> {
    server
        .sockets
        .send_all(&frames, texts)
        .map_err(|err| Error::from_reason(format!("PIKKU_ERR_SERVER: {err}")))
}

/// Stops accepting, lets requests in flight finish within `grace_ms` (then answers those
/// still running 503), then resolves; the wake callback is then released, so that Node may
/// exit.
#[napi(ts_return_type = "Promise<void>")]
pub fn server_close<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ExternalObject<'PikkuServer'>")] server: &External<StandaloneServer>,
    grace_ms: u32,
) -> Result<PromiseRaw<'env, ()>> {
    let running = take(&server.running);
    let mailbox = Arc::clone(&server.mailbox);
    env.spawn_future(async move {
        if let Some(running) = running {
            let grace = std::time::Duration::from_millis(u64::from(grace_ms));
            running.close_within(grace).await;
        }
        mailbox.close();
        Ok(())
    })
}

/// The running server, once: for `close()` or for the cleanup hook, whichever comes first.
fn take(slot: &Mutex<Option<RunningServer>>) -> Option<RunningServer> {
    slot.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take()
}
