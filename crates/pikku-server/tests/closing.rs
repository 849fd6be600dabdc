//! A close with a grace period, over real TCP on 127.0.0.1: a function that never finishes is
//! answered 503 when the grace period ends, and a client still sending a body is dropped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pikku_engine::{Engine, EngineConfig};
use pikku_server::{Mailbox, ServerOptions};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A mailbox JavaScript never empties: functions that never finish.
fn never_answered() -> Arc<Mailbox> {
    Arc::new(Mailbox::new(Arc::new(|| {})))
}

fn start(dispatch: Arc<Mailbox>) -> pikku_server::RunningServer {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [
            { "method": "get", "route": "/never", "auth": false },
            { "method": "post", "route": "/never", "auth": false }
        ]
    }))
    .unwrap();
    let engine = Arc::new(Engine::new(config).unwrap());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    pikku_server::start(listener, engine, dispatch, ServerOptions::default()).unwrap()
}

/// Everything the server sends until it closes the connection.
async fn read_all(mut stream: TcpStream) -> String {
    let mut text = Vec::new();
    let _ = stream.read_to_end(&mut text).await;
    String::from_utf8_lossy(&text).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_still_running_when_the_grace_period_ends_is_answered_503() {
    let mailbox = never_answered();
    let server = start(Arc::clone(&mailbox));
    let mut stream = TcpStream::connect(server.local_addr).await.unwrap();
    stream
        .write_all(b"GET /never HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    while mailbox.owed() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let started = Instant::now();
    let closing = tokio::spawn(server.close_within(Duration::from_millis(300)));
    let answer = read_all(stream).await;
    assert!(answer.starts_with("HTTP/1.1 503 "), "{answer}");
    assert!(answer.contains("ServiceUnavailableError"), "{answer}");
    assert!(answer.contains("waited 300 ms"), "{answer}");
    closing.await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_still_sending_its_body_when_the_grace_period_ends_is_dropped() {
    let server = start(never_answered());
    let mut stream = TcpStream::connect(server.local_addr).await.unwrap();
    stream
        .write_all(b"POST /never HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    tokio::time::timeout(
        Duration::from_secs(5),
        server.close_within(Duration::from_millis(300)),
    )
    .await
    .expect("close resolved: the connection was dropped");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(read_all(stream).await, "");
}
