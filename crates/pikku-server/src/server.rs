//! The accept loop: HTTP/1.1 with keep-alive and WebSocket upgrades, and a graceful close
//! that lets requests in flight finish and closes open sockets (1001).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Either;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use pikku_engine::Engine;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::sync::{mpsc, oneshot, watch};

use crate::answers::closing_reply;
use crate::request::answer;
use crate::send_timeout::SendTimeout;
use crate::server_options::ServerOptions;
use crate::strict_reads::{bare_lf_response, HeadVerdicts, StrictReads};
use crate::{Dispatch, Sockets};

/// The most a request line and headers may take, as Node's default: more is answered 431.
/// (hyper's read buffer: bodies are read through it in chunks of at most this size.)
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// How long answers given at the end of a close's grace period have to go out before the
/// connections still open are dropped.
const LAST_WRITES: Duration = Duration::from_secs(1);

/// The largest `max_headers`: above 100 hyper allocates two buffers of that many entries
/// per request. Generated for JavaScript too (`LISTEN_LIMITS` in lib/generated/standalone.ts).
pub const MOST_HEADERS: u32 = 1024;
/// The most threads a server may have.
pub const MOST_THREADS: u32 = 1024;

/// A server accepting connections on threads of its own; [`close`](RunningServer::close)
/// stops it.
pub struct RunningServer {
    /// The address it listens on (port 0 resolved).
    pub local_addr: SocketAddr,
    /// The open WebSockets (none when the server serves no upgrades).
    pub sockets: Arc<Sockets>,
    stop: watch::Sender<bool>,
    abort: watch::Sender<bool>,
    done: oneshot::Receiver<()>,
    dispatch: Arc<dyn Dispatch>,
    /// The runtime of several threads; one thread runs its own runtime and ends by itself.
    runtime: Option<Runtime>,
}

impl std::fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningServer")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl RunningServer {
    /// Stops accepting, lets requests in flight finish, closes idle keep-alive connections and
    /// open WebSockets (1001); resolves when every connection has ended, then ends the
    /// server's threads.
    pub async fn close(self) {
        self.close_within(Duration::MAX).await;
    }

    /// [`close`](Self::close), with requests in flight given `grace` to finish: past it, calls
    /// still waiting for JavaScript are answered 503, and connections still open a second
    /// later (a body still arriving, say) are dropped.
    pub async fn close_within(self, grace: Duration) {
        let _ = self.stop.send(true);
        let mut done = self.done;
        if tokio::time::timeout(grace, &mut done).await.is_err() {
            self.dispatch.abandon(&closing_reply(grace));
            if tokio::time::timeout(LAST_WRITES, &mut done).await.is_err() {
                let _ = self.abort.send(true);
                let _ = done.await;
            }
        }
        if let Some(runtime) = self.runtime {
            runtime.shutdown_background();
        }
    }

    /// Stops at once, without waiting for anything: the listener and every connection are
    /// dropped (requests in flight are reset) and the server's threads end. For when no one
    /// is left to answer: the JavaScript environment that served its calls is going away.
    pub fn abort(self) {
        let _ = self.abort.send(true);
        if let Some(runtime) = self.runtime {
            runtime.shutdown_background();
        }
    }
}

/// Serves the engine's routes on `listener` (bound by the caller, so that a taken port is an
/// error at once) on a tokio runtime of its own, whose threads tell `dispatch` when they are
/// about to sleep ([`Dispatch::idle`]). One thread runs a single-threaded runtime, which
/// hands tasks over more cheaply than a work-stealing one.
pub fn start(
    listener: std::net::TcpListener,
    engine: Arc<Engine>,
    dispatch: Arc<dyn Dispatch>,
    options: ServerOptions,
) -> std::io::Result<RunningServer> {
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    let idle = Arc::clone(&dispatch);
    let mut builder = if threads == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(threads).thread_name("pikku-server");
        builder
    };
    let runtime = builder
        .enable_io()
        .enable_time()
        .on_thread_park(move || idle.idle())
        .build()?;
    listener.set_nonblocking(true)?;
    let listener = {
        let _entered = runtime.enter();
        TcpListener::from_std(listener)?
    };
    let local_addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let (abort, mut aborted) = watch::channel(false);
    let (finished, done) = oneshot::channel();
    let sockets = Arc::new(Sockets::new(options.sockets.clone().unwrap_or_default()));
    let (live, ended) = mpsc::channel(1);
    let context = Arc::new(Context {
        engine,
        dispatch: Arc::clone(&dispatch),
        sockets: Arc::clone(&sockets),
        options,
        stopped: stopped.clone(),
        _live: live,
    });
    let serving = async move {
        // Aborted, the loop and its tasks are dropped with the runtime: every socket closes.
        tokio::select! {
            () = accept_loop(listener, context, stopped, ended) => {}
            () = until_stopped(&mut aborted) => {}
        }
        let _ = finished.send(());
    };
    let runtime = if threads == 1 {
        std::thread::Builder::new()
            .name("pikku-server".into())
            .spawn(move || runtime.block_on(serving))?;
        None
    } else {
        runtime.spawn(serving);
        Some(runtime)
    };
    Ok(RunningServer {
        local_addr,
        sockets,
        stop,
        abort,
        done,
        dispatch,
        runtime,
    })
}

/// What every connection of the server shares. Connections and sockets hold it while they
/// run: the server has closed when the last of them has let it go.
pub(crate) struct Context {
    pub engine: Arc<Engine>,
    pub dispatch: Arc<dyn Dispatch>,
    pub options: ServerOptions,
    pub sockets: Arc<Sockets>,
    /// Becomes `true` when the server closes.
    pub stopped: watch::Receiver<bool>,
    /// Dropped with the last holder of the context, which ends the server's wait.
    _live: mpsc::Sender<()>,
}

async fn accept_loop(
    listener: TcpListener,
    context: Arc<Context>,
    mut stopped: watch::Receiver<bool>,
    mut ended: mpsc::Receiver<()>,
) {
    let background = Arc::clone(&context.dispatch).on_runtime().map(tokio::spawn);
    let header_timeout = context.options.header_timeout();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of descriptors, say: wait a little instead of spinning on the error.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let served = Arc::clone(&context);
                let verdicts = Arc::new(HeadVerdicts::default());
                let stream = StrictReads::new(stream, Arc::clone(&verdicts));
                let stream = SendTimeout::new(stream, context.options.send_timeout());
                let service = service_fn(move |request| {
                    let context = Arc::clone(&served);
                    let refused = verdicts.next_is_refused();
                    async move {
                        if refused {
                            return Ok::<_, std::convert::Infallible>(bare_lf_response().map(Either::Left));
                        }
                        Ok(answer(&context, request).await)
                    }
                });
                let mut http = http1::Builder::new();
                http.timer(TokioTimer::new())
                    .header_read_timeout(header_timeout)
                    .max_buf_size(MAX_HEAD_BYTES)
                    .writev(false)
                    // A client may end its side once the request is sent and wait for the
                    // answer (as Node allows); hyper would otherwise drop the request.
                    .half_close(true);
                if let Some(max) = context.options.max_headers {
                    http.max_headers(max.get());
                }
                let connection = http.serve_connection(TokioIo::new(stream), service).with_upgrades();
                let mut stopped = stopped.clone();
                tokio::spawn(async move {
                    tokio::pin!(connection);
                    // A client that goes away is not an error of ours.
                    tokio::select! {
                        _ = connection.as_mut() => return,
                        () = until_stopped(&mut stopped) => {}
                    }
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                });
            }
            _ = stopped.changed() => break,
        }
    }
    drop(listener);
    let dispatch = Arc::clone(&context.dispatch);
    drop(context);
    let _ = ended.recv().await; // every connection and socket has ended
                                // The last sockets' close events may wait in a batch whose hand-over is aborted below.
    dispatch.idle();
    if let Some(task) = background {
        task.abort(); // every request has its answer
    }
}

/// Resolves once the server closes.
pub(crate) async fn until_stopped(stopped: &mut watch::Receiver<bool>) {
    // An error means the server is gone: closed all the same.
    let _ = stopped.wait_for(|stopped| *stopped).await;
}
