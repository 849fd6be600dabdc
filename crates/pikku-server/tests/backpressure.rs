//! Clients that do not read their answers, over real TCP on 127.0.0.1: no pipelined function
//! runs ahead of an unread answer, and a client that reads nothing for the send timeout is
//! disconnected.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use pikku_engine::{Engine, EngineConfig};
use pikku_server::{Call, Dispatch, Reply, ServerOptions};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// Larger than what the kernel buffers of a connection whose client does not read take in.
const ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// Answers every call with `ANSWER_BYTES` of JSON, counting the calls.
#[derive(Default)]
struct Large {
    calls: AtomicUsize,
}

impl Dispatch for Large {
    fn dispatch(&self, _call: Call, reply: oneshot::Sender<Reply>) {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let body = format!("\"{}\"", "x".repeat(ANSWER_BYTES - 2));
        let _ = reply.send(Reply {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        });
    }
}

fn start(large: Arc<Large>, options: ServerOptions) -> pikku_server::RunningServer {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [{ "method": "get", "route": "/large", "auth": false }]
    }))
    .unwrap();
    let engine = Arc::new(Engine::new(config).unwrap());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    pikku_server::start(listener, engine, large, options).unwrap()
}

/// Reads until the server closes or `expected` bytes arrived; a reset counts as closed.
async fn read_up_to(stream: &mut TcpStream, expected: usize) -> usize {
    let mut chunk = vec![0u8; 1 << 16];
    let mut total = 0;
    while total < expected {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
    total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_pipelined_function_runs_ahead_of_an_unread_answer() {
    let large = Arc::new(Large::default());
    let server = start(Arc::clone(&large), ServerOptions::default());
    let mut stream = TcpStream::connect(server.local_addr).await.unwrap();
    let request = "GET /large HTTP/1.1\r\nhost: x\r\n\r\n";
    stream
        .write_all(request.repeat(8).as_bytes())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The first answer is stuck in the socket: the second function waits for it to be read.
    assert_eq!(large.calls.load(Ordering::SeqCst), 1);
    // Read, the client gets every answer, each function run in its turn.
    let read = read_up_to(&mut stream, 8 * ANSWER_BYTES).await;
    assert!(read > 8 * ANSWER_BYTES, "{read} bytes");
    assert_eq!(large.calls.load(Ordering::SeqCst), 8);
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_reads_nothing_is_disconnected_after_the_send_timeout() {
    let large = Arc::new(Large::default());
    let options = ServerOptions {
        send_timeout: Some(Duration::from_millis(300)),
        ..ServerOptions::default()
    };
    let server = start(Arc::clone(&large), options);
    let mut stream = TcpStream::connect(server.local_addr).await.unwrap();
    stream
        .write_all(b"GET /large HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let read = read_up_to(&mut stream, ANSWER_BYTES + 1024).await;
    assert!(
        read < ANSWER_BYTES,
        "{read} bytes: the answer went out whole"
    );
    // The server is not the worse for it: it closes at once.
    tokio::time::timeout(Duration::from_secs(5), server.close())
        .await
        .expect("close() resolved");
}
