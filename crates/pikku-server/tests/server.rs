//! The standalone server over real TCP on 127.0.0.1, with a Rust stand-in for the JavaScript
//! side: engine errors answered without it, calls handed over with many in flight, keep-alive,
//! and a close that lets a request in flight finish. Connections and bodies: connections.rs.

mod echo;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::net::TcpStream;

use echo::{connect, exchange, start, Echo};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_reach_the_dispatch_with_the_engines_answer() {
    let echo = Arc::new(Echo::default());
    let server = start(Arc::clone(&echo)).await;
    let mut stream = connect(&server).await;
    let body = r#"{"title":"Milk"}"#;
    let request = format!("POST /todos/7 HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len());
    let (status, head, body) = exchange(&mut stream, &request).await;
    assert_eq!(status, 200);
    assert!(head.contains("x-method: post"), "{head}");
    let wire: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(wire, json!([1, { "id": 7, "title": "Milk" }]));
    // Keep-alive: the same connection serves the next request.
    let (status, _, body) = exchange(&mut stream, "GET /hello HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!((status, body.as_str()), (200, "[0,{}]"));
    assert_eq!(echo.calls.load(Ordering::SeqCst), 2);
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_errors_are_answered_without_javascript() {
    let echo = Arc::new(Echo::default());
    let server = start(Arc::clone(&echo)).await;
    let mut stream = connect(&server).await;
    let (status, _, body) = exchange(&mut stream, "GET /nowhere HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!(status, 404);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["name"],
        "NotFoundError"
    );
    let (status, head, _) =
        exchange(&mut stream, "DELETE /hello HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!(status, 405);
    assert!(head.contains("allow: get, head"), "{head}");
    let invalid = r#"{"title":""}"#;
    let request = format!("POST /todos/1 HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{invalid}", invalid.len());
    let (status, _, body) = exchange(&mut stream, &request).await;
    assert_eq!(status, 422);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["payload"]["errors"][0]["path"],
        "/title"
    );
    let big = "x".repeat(2000);
    let request = format!("POST /todos/1 HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{big}", big.len());
    let (status, head, _) = exchange(&mut stream, &request).await;
    assert_eq!(status, 413);
    assert!(head.contains("connection: close"), "{head}");
    assert_eq!(echo.calls.load(Ordering::SeqCst), 0);
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_calls_are_in_flight_at_once() {
    let echo = Arc::new(Echo::default());
    let server = start(Arc::clone(&echo)).await;
    let started = std::time::Instant::now();
    let mut clients = Vec::new();
    for _ in 0..20 {
        let addr = server.local_addr;
        clients.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            exchange(&mut stream, "GET /slow HTTP/1.1\r\nhost: x\r\n\r\n")
                .await
                .0
        }));
    }
    for client in clients {
        assert_eq!(client.await.unwrap(), 200);
    }
    // 20 slow calls of 300 ms took about one of them, not twenty.
    assert!(
        started.elapsed() < Duration::from_millis(2000),
        "{:?}",
        started.elapsed()
    );
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_lets_a_request_in_flight_finish() {
    let echo = Arc::new(Echo::default());
    let server = start(echo).await;
    let addr = server.local_addr;
    let in_flight = tokio::spawn(async move {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        exchange(&mut stream, "GET /slow HTTP/1.1\r\nhost: x\r\n\r\n")
            .await
            .0
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.close().await;
    assert_eq!(in_flight.await.unwrap(), 200);
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
}
