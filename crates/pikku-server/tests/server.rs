//! The standalone server over real TCP on 127.0.0.1, with a Rust stand-in for the JavaScript
//! side: engine errors answered without it, calls handed over with many in flight, keep-alive,
//! the body limit, and a close that lets a request in flight finish.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use pikku_engine::{Engine, EngineConfig};
use pikku_server::{Call, Dispatch, Reply, ServerOptions};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

fn engine() -> Arc<Engine> {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [
            { "method": "get", "route": "/hello", "auth": false },
            { "method": "post", "route": "/todos/:id", "auth": false, "inputSchema": "Todo" },
            { "method": "get", "route": "/slow", "auth": false }
        ],
        "schemas": { "Todo": {
            "type": "object",
            "properties": { "id": { "type": "integer" }, "title": { "type": "string", "minLength": 1 } },
            "required": ["title"], "additionalProperties": false
        } },
        "maxBodyBytes": 1024
    }))
    .unwrap();
    Arc::new(Engine::new(config).unwrap())
}

/// Answers each call with the engine's wire as the body; `/slow` after 300 ms.
#[derive(Default)]
struct Echo {
    calls: AtomicUsize,
}

impl Dispatch for Echo {
    fn dispatch(&self, call: Call, reply: oneshot::Sender<Reply>) {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let slow = call.url == "/slow";
        tokio::spawn(async move {
            if slow {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            let _ = reply.send(Reply {
                status: 200,
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("x-method".into(), call.method.to_string()),
                    // Wrong on purpose: the server states the length itself.
                    ("content-length".into(), "1".into()),
                ],
                body: call.wire.into(),
            });
        });
    }
}

async fn start(echo: Arc<Echo>) -> pikku_server::RunningServer {
    start_with(echo, ServerOptions::default())
}

fn start_with(echo: Arc<Echo>, options: ServerOptions) -> pikku_server::RunningServer {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    pikku_server::start(listener, engine(), echo, options).unwrap()
}

/// Sends raw requests on one connection and reads one response per request.
async fn exchange(stream: &mut TcpStream, request: &str) -> (u16, String, String) {
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(
            n > 0,
            "connection closed early: {}",
            String::from_utf8_lossy(&buffer)
        );
        buffer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buffer).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = text[..end].to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .map_or(0, |v| v.trim().parse().unwrap());
            if buffer.len() >= end + 4 + length {
                let status = text[9..12].parse().unwrap();
                return (status, head, text[end + 4..end + 4 + length].to_owned());
            }
        }
    }
}

async fn connect(server: &pikku_server::RunningServer) -> TcpStream {
    TcpStream::connect(server.local_addr).await.unwrap()
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_is_read_or_the_connection_closed_after_the_answer() {
    let echo = Arc::new(Echo::default());
    let server = start(Arc::clone(&echo)).await;
    let mut stream = connect(&server).await;
    // A GET's body is read and dropped: the connection goes on with the next request.
    let (status, head, _) = exchange(
        &mut stream,
        "GET /hello HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nhello",
    )
    .await;
    assert_eq!(status, 200);
    assert!(!head.contains("connection: close"), "{head}");
    let (status, _, _) = exchange(&mut stream, "GET /hello HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!(status, 200);
    // A body declared over the limit is not read: whatever the answer, the connection closes.
    let (status, head, _) = exchange(
        &mut stream,
        "POST /nowhere HTTP/1.1\r\nhost: x\r\ncontent-length: 5000\r\n\r\n",
    )
    .await;
    assert_eq!(status, 404);
    assert!(head.contains("connection: close"), "{head}");
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_length_is_the_servers_and_head_keeps_it() {
    let server = start(Arc::new(Echo::default())).await;
    let mut stream = connect(&server).await;
    // The dispatcher claims `content-length: 1`; the answer carries its real length, and the
    // connection goes on in step.
    let (status, head, body) =
        exchange(&mut stream, "GET /hello HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!((status, body.as_str()), (200, "[0,{}]"));
    assert!(head.contains("content-length: 6"), "{head}");
    stream
        .write_all(b"HEAD /hello HTTP/1.1\r\nhost: x\r\n\r\nGET /hello HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let mut text = String::new();
    while text.matches("HTTP/1.1 200").count() < 2 || !text.ends_with("[0,{}]") {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed early: {text}");
        text.push_str(&String::from_utf8_lossy(&chunk[..n]));
    }
    let (head_answer, get_answer) = text.split_at(text.rfind("HTTP/1.1 200").unwrap());
    assert!(
        head_answer
            .to_ascii_lowercase()
            .contains("content-length: 6"),
        "{head_answer}"
    );
    assert!(
        head_answer.ends_with("\r\n\r\n"),
        "HEAD carries no body: {head_answer:?}"
    );
    assert!(get_answer.ends_with("[0,{}]"), "{get_answer}");
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_get_body_over_the_limit_is_no_error_but_closes_the_connection() {
    let server = start(Arc::new(Echo::default())).await;
    let mut stream = connect(&server).await;
    let big = "x".repeat(2000);
    let request = format!(
        "GET /hello HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n{big}",
        big.len()
    );
    let (status, head, _) = exchange(&mut stream, &request).await;
    assert_eq!(status, 200);
    assert!(head.contains("connection: close"), "{head}");
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off() {
    let options = ServerOptions {
        header_timeout: Some(Duration::from_millis(300)),
        body_timeout: Some(Duration::from_millis(300)),
        ..ServerOptions::default()
    };
    let server = start_with(Arc::new(Echo::default()), options);
    // A head that never ends: the connection is closed.
    let mut slow_head = connect(&server).await;
    slow_head
        .write_all(b"GET /hello HTTP/1.1\r\nhost:")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let closed =
        tokio::time::timeout(Duration::from_secs(3), slow_head.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "still open after 3 s");
    // An idle keep-alive connection: closed too.
    let mut idle = connect(&server).await;
    let (status, _, _) = exchange(&mut idle, "GET /hello HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!(status, 200);
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(3), idle.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "idle connection still open after 3 s");
    // A body that stops halfway: 408, and the connection is closed.
    let mut slow_body = connect(&server).await;
    let request = "POST /todos/1 HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 20\r\n\r\n{\"ti";
    slow_body.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(3), slow_body.read_to_end(&mut answer))
        .await
        .expect("answered and closed within 3 s")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("RequestTimeoutError"), "{answer}");
    server.close().await;
}
