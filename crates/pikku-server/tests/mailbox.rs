//! The mailbox between the server and JavaScript, over real TCP, with a Rust loop in the part
//! of JavaScript: it is woken once per batch, takes the batch as JSON text, and answers by id.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use pikku_engine::{Engine, EngineConfig};
use pikku_server::{Mailbox, ServerOptions};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

fn engine() -> Arc<Engine> {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [
            { "method": "get", "route": "/hello", "auth": false },
            { "method": "post", "route": "/secret", "auth": true }
        ]
    }))
    .unwrap();
    Arc::new(Engine::new(config).unwrap())
}

/// Plays JavaScript: on each wake takes the batch and answers every call with the call itself
/// (as JSON) as the body. Counts wakes and calls.
struct FakeJs {
    mailbox: Arc<Mailbox>,
    wakes: Arc<AtomicUsize>,
    calls: AtomicUsize,
    /// The errors of batches the mailbox refused.
    refused: std::sync::Mutex<Vec<String>>,
}

async fn start(options: ServerOptions) -> (pikku_server::RunningServer, Arc<FakeJs>) {
    let notify = Arc::new(Notify::new());
    let wakes = Arc::new(AtomicUsize::new(0));
    let (woken, counted) = (Arc::clone(&notify), Arc::clone(&wakes));
    let mailbox = Arc::new(Mailbox::new(Arc::new(move || {
        counted.fetch_add(1, Ordering::SeqCst);
        woken.notify_one();
    })));
    let js = Arc::new(FakeJs {
        mailbox: Arc::clone(&mailbox),
        wakes,
        calls: AtomicUsize::new(0),
        refused: std::sync::Mutex::new(Vec::new()),
    });
    let runner = Arc::clone(&js);
    tokio::spawn(async move {
        loop {
            notify.notified().await;
            let batch: Vec<Value> = serde_json::from_str(&runner.mailbox.take()).unwrap();
            let mut bodies = String::new();
            let answers: Vec<Value> = batch
                .iter()
                .map(|call| {
                    runner.calls.fetch_add(1, Ordering::SeqCst);
                    let body = call.to_string();
                    bodies.push_str(&body);
                    // Lengths in UTF-16 units, as JavaScript counts them.
                    let length = body.encode_utf16().count();
                    if call[2].as_str().unwrap().contains("bad") {
                        // A status JavaScript got wrong: a 500 for this request alone.
                        return json!([call[0], "200", [], length]);
                    }
                    json!([call[0], 200, ["content-type", "application/json"], length])
                })
                .collect();
            let text = serde_json::to_string(&answers).unwrap();
            if bodies.contains("misfit") {
                // Bodies that do not match the lengths: the batch is refused.
                bodies.push('!');
            }
            if let Err(err) = runner.mailbox.answer_all(&text, bodies) {
                runner.refused.lock().unwrap().push(err);
            }
        }
    });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    // One server thread: the single-threaded runtime (the server tests run the multi-threaded one).
    let options = ServerOptions {
        threads: 1,
        ..options
    };
    let server = pikku_server::start(listener, engine(), mailbox, options).unwrap();
    (server, js)
}

/// One request on a fresh connection; the body of the answer.
async fn request(addr: std::net::SocketAddr, text: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(text.as_bytes()).await.unwrap();
    let mut buffer = Vec::new();
    stream.read_to_end(&mut buffer).await.unwrap();
    let text = String::from_utf8(buffer).unwrap();
    let status = text[9..12].parse().unwrap();
    let body = text.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_carries_method_url_headers_and_the_engines_answer() {
    let (server, _js) = start(ServerOptions::default()).await;
    let (status, body) = request(
        server.local_addr,
        "GET /hello?x=1 HTTP/1.1\r\nhost: h\r\ncookie: a=1\r\ncookie: b=2\r\naccept: x\r\naccept: y\r\nx-odd: \"quoted\"\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200);
    let call: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(call[1], "GET");
    assert_eq!(call[2], "/hello?x=1");
    let headers: Vec<&str> = call[3].as_str().unwrap().split('\n').collect();
    assert_eq!(
        headers,
        [
            "host:h",
            "cookie:a=1; b=2",
            "accept:x, y",
            "x-odd:\"quoted\"",
            "connection:close"
        ]
    );
    assert_eq!(call[4], json!([0, { "x": "1" }]));
    assert_eq!(call.as_array().unwrap().len(), 5, "no body: {call}");
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_session_travels_with_the_body_only_when_a_hook_may_supply_one() {
    let secret = "POST /secret HTTP/1.1\r\nhost: h\r\ncontent-type: application/json\r\ncontent-length: 10\r\nconnection: close\r\n\r\n{\"a\":\"é\"}";
    let (server, js) = start(ServerOptions::default()).await;
    let (status, body) = request(server.local_addr, secret).await;
    assert_eq!(status, 401);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["name"],
        "MissingSessionError"
    );
    assert_eq!(js.calls.load(Ordering::SeqCst), 0, "answered in Rust");
    server.close().await;

    let hooked = ServerOptions {
        session_hook: true,
        ..ServerOptions::default()
    };
    let (server, js) = start(hooked).await;
    let (status, body) = request(server.local_addr, secret).await;
    assert_eq!(status, 200);
    let call: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(call[4][0], -401);
    assert_eq!(call[5], "eyJhIjoiw6kifQ=="); // {"a":"é"} in base64
    assert_eq!(js.calls.load(Ordering::SeqCst), 1);
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_in_flight_together_share_wakes_and_each_gets_its_own_answer() {
    let (server, js) = start(ServerOptions::default()).await;
    let addr = server.local_addr;
    let clients: Vec<_> = (0..200)
        .map(|n| {
            tokio::spawn(async move {
                let text =
                    format!("GET /hello?n={n} HTTP/1.1\r\nhost: h\r\nconnection: close\r\n\r\n");
                let (status, body) = request(addr, &text).await;
                let call: Value = serde_json::from_str(&body).unwrap();
                (status, call[4][1]["n"].as_str().unwrap().to_owned(), n)
            })
        })
        .collect();
    for client in clients {
        let (status, echoed, n) = client.await.unwrap();
        assert_eq!(status, 200);
        assert_eq!(echoed, n.to_string(), "each request got its own answer");
    }
    assert_eq!(js.calls.load(Ordering::SeqCst), 200);
    assert!(js.wakes.load(Ordering::SeqCst) <= 200);
    assert_eq!(js.mailbox.owed(), 0);
    // An answer for a call no one waits for is dropped; a malformed batch is an error.
    js.mailbox
        .answer_all(r#"[[12345, 200, [], 2]]"#, "{}".to_owned())
        .unwrap();
    assert_eq!(js.mailbox.owed(), 0);
    let err = js
        .mailbox
        .answer_all(r#"{"not": "an array"}"#, String::new())
        .unwrap_err();
    assert!(err.starts_with("answers are not a JSON array"), "{err}");
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_javascript_got_wrong_is_a_500_for_its_request_alone() {
    let (server, _js) = start(ServerOptions::default()).await;
    let addr = server.local_addr;
    let bad = tokio::spawn(async move {
        request(
            addr,
            "GET /hello?bad=1 HTTP/1.1\r\nhost: h\r\nconnection: close\r\n\r\n",
        )
        .await
    });
    let good = tokio::spawn(async move {
        request(
            addr,
            "GET /hello?good=1 HTTP/1.1\r\nhost: h\r\nconnection: close\r\n\r\n",
        )
        .await
    });
    let (status, body) = bad.await.unwrap();
    assert_eq!(status, 500);
    assert!(body.contains("could not be sent"), "{body}");
    assert_eq!(good.await.unwrap().0, 200);
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_that_cannot_be_read_answers_its_requests_500_and_the_server_goes_on() {
    let (server, js) = start(ServerOptions::default()).await;
    let addr = server.local_addr;
    // Left waiting, the request would never end: a time limit makes that a failure.
    let (status, body) = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        request(
            addr,
            "GET /hello?misfit=1 HTTP/1.1\r\nhost: h\r\nconnection: close\r\n\r\n",
        ),
    )
    .await
    .expect("the request of a refused batch got no answer");
    let refused = js.refused.lock().unwrap().clone();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].contains("1 bytes more"), "{refused:?}");
    assert_eq!(status, 500);
    assert!(body.contains("could not be sent"), "{body}");
    let (status, _) = request(
        addr,
        "GET /hello HTTP/1.1\r\nhost: h\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(js.mailbox.owed(), 0);
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_headers_reach_javascript_as_node_has_them() {
    let (server, _js) = start(ServerOptions::default()).await;
    let (_, body) = request(
        server.local_addr,
        "GET /hello HTTP/1.1\r\nhost: h\r\nauthorization: Bearer a\r\nauthorization: Bearer b\r\nconnection: close\r\n\r\n",
    )
    .await;
    let call: Value = serde_json::from_str(&body).unwrap();
    assert!(
        call[3]
            .as_str()
            .unwrap()
            .contains("authorization:Bearer a\n"),
        "{call}"
    );
    server.close().await;
}
