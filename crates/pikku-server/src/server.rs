//! The accept loop: HTTP/1.1 with keep-alive, and a graceful close that lets requests in
//! flight finish.

use std::net::SocketAddr;
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use pikku_engine::Engine;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::request::answer;
use crate::Dispatch;

/// How the server runs.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// Hand the engine's error answers to JavaScript too (the app has global middleware, such
    /// as CORS, that must see them).
    pub errors_to_js: bool,
}

/// A server accepting connections; [`close`](RunningServer::close) stops it.
#[derive(Debug)]
pub struct RunningServer {
    /// The address it listens on (port 0 resolved).
    pub local_addr: SocketAddr,
    stop: watch::Sender<bool>,
    done: JoinHandle<()>,
}

impl RunningServer {
    /// Stops accepting, lets requests in flight finish and closes idle keep-alive
    /// connections; resolves when every connection has ended.
    pub async fn close(self) {
        let _ = self.stop.send(true);
        let _ = self.done.await;
    }
}

/// Binds `addr` and serves the engine's routes on the current tokio runtime.
pub async fn serve(
    addr: SocketAddr,
    engine: Arc<Engine>,
    dispatch: Arc<dyn Dispatch>,
    options: ServerOptions,
) -> std::io::Result<RunningServer> {
    let listener = TcpListener::bind(addr).await?;
    let local_addr = listener.local_addr()?;
    let (stop, mut stopped) = watch::channel(false);
    let done = tokio::spawn(async move {
        let graceful = GracefulShutdown::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let _ = stream.set_nodelay(true);
                    let (engine, dispatch, options) = (Arc::clone(&engine), Arc::clone(&dispatch), options.clone());
                    let service = service_fn(move |request| {
                        let (engine, dispatch) = (Arc::clone(&engine), Arc::clone(&dispatch));
                        let errors_to_js = options.errors_to_js;
                        async move {
                            Ok::<_, std::convert::Infallible>(answer(&engine, &*dispatch, errors_to_js, request).await)
                        }
                    });
                    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
                    let watched = graceful.watch(connection);
                    tokio::spawn(async move {
                        let _ = watched.await; // a client that goes away is not an error of ours
                    });
                }
                _ = stopped.changed() => break,
            }
        }
        drop(listener);
        graceful.shutdown().await;
    });
    Ok(RunningServer {
        local_addr,
        stop,
        done,
    })
}
