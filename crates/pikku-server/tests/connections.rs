//! The standalone server over real TCP on 127.0.0.1, with a Rust stand-in for the JavaScript
//! side: what keeps a connection in step or closes it (bodies read or left, the length the
//! server states, HEAD, the body limit) and slow clients cut off.

mod echo;

use std::sync::Arc;
use std::time::Duration;

use pikku_server::ServerOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use echo::{connect, exchange, start, start_with, Echo};

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
