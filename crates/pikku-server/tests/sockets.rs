//! WebSockets on the standalone server over real TCP on 127.0.0.1, with a Rust stand-in for
//! JavaScript that accepts upgrades to `/ws`, refuses the rest, and echoes each message back
//! through `Sockets::send_all`: the handshake, messages in order, the limits, and the close.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use pikku_engine::{Engine, EngineConfig};
use pikku_server::{Call, Dispatch, Reply, ServerOptions, SocketEvent, SocketOptions, Sockets};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{client_async, WebSocketStream};

/// Accepts `/ws…` (`/ws-slow` after 300 ms), echoes messages (`close` asks for a close with 4000), logs every event.
#[derive(Default)]
struct FakeJs {
    sockets: OnceLock<Arc<Sockets>>,
    log: Mutex<Vec<String>>,
}

impl Dispatch for FakeJs {
    fn dispatch(&self, call: Call, reply: oneshot::Sender<Reply>) {
        let accepted = call.socket.is_some() && call.url.starts_with("/ws");
        let slow = call.url == "/ws-slow";
        self.log
            .lock()
            .unwrap()
            .push(format!("upgrade {} {:?}", call.url, call.socket));
        tokio::spawn(async move {
            if slow {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            let _ = reply.send(Reply {
                status: if accepted { 101 } else { 404 },
                headers: Vec::new(),
                body: if accepted {
                    Bytes::new()
                } else {
                    Bytes::from_static(br#"{"name":"NotFoundError"}"#)
                },
            });
        });
    }

    fn socket_event(&self, event: SocketEvent<'_>) {
        let sockets = self.sockets.get().unwrap();
        match event {
            SocketEvent::Message {
                socket,
                text: "close",
            } => {
                sockets
                    .send_all(&format!("[[{socket},3,4000]]"), "bye".to_owned())
                    .unwrap();
            }
            SocketEvent::Message { socket, text } => {
                let echo = format!("echo {text}");
                let units = echo.encode_utf16().count();
                sockets
                    .send_all(&format!("[[{socket},{units}]]"), echo)
                    .unwrap();
            }
            SocketEvent::Binary { socket } => {
                self.log.lock().unwrap().push(format!("binary {socket}"))
            }
            SocketEvent::Closed { socket } => {
                self.log.lock().unwrap().push(format!("closed {socket}"))
            }
        }
    }
}

fn engine() -> Arc<Engine> {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [{ "method": "get", "route": "/hello", "auth": false }],
        "schemas": {},
        "maxBodyBytes": 1024
    }))
    .unwrap();
    Arc::new(Engine::new(config).unwrap())
}

fn start(js: &Arc<FakeJs>) -> pikku_server::RunningServer {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let options = ServerOptions {
        sockets: Some(SocketOptions {
            max_message_bytes: 1024,
            max_buffered_bytes: 64 * 1024,
            ping_interval: Duration::from_secs(30),
        }),
        ..ServerOptions::default()
    };
    let server = pikku_server::start(listener, engine(), Arc::clone(js) as _, options).unwrap();
    let _ = js.sockets.set(Arc::clone(&server.sockets));
    server
}

async fn open(
    server: &pikku_server::RunningServer,
    path: &str,
) -> Result<WebSocketStream<TcpStream>, tokio_tungstenite::tungstenite::Error> {
    let stream = TcpStream::connect(server.local_addr).await.unwrap();
    let url = format!("ws://{}{path}", server.local_addr);
    client_async(url, stream).await.map(|(socket, _)| socket)
}

/// RFC 6455's example key, as a header line.
const KEY: &str = "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

/// A handshake for `path` and `extra` header lines (a key among them, or none), sent raw.
async fn raw_upgrade(server: &pikku_server::RunningServer, path: &str, extra: &str) -> TcpStream {
    let mut stream = TcpStream::connect(server.local_addr).await.unwrap();
    let head = format!("GET {path} HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-version: 13\r\n{extra}\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

/// The first bytes of the answer, lower-case.
async fn answer_head(stream: &mut TcpStream) -> String {
    let mut head = vec![0u8; 1024];
    let n = stream.read(&mut head).await.unwrap();
    String::from_utf8_lossy(&head[..n]).to_ascii_lowercase()
}

async fn next_text(socket: &mut WebSocketStream<TcpStream>) -> String {
    match tokio::time::timeout(Duration::from_secs(3), socket.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => text.to_string(),
        other => panic!("expected a text message, got {other:?}"),
    }
}

async fn close_code(socket: &mut WebSocketStream<TcpStream>) -> Option<CloseCode> {
    loop {
        match tokio::time::timeout(Duration::from_secs(3), socket.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| f.code),
            Ok(Some(Ok(_))) => continue,
            Ok(_) => return None,
            Err(_) => panic!("the socket did not close within 3 s"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_go_both_ways_in_order_and_a_close_from_javascript_ends_the_socket() {
    let js = Arc::new(FakeJs::default());
    let server = start(&js);
    let mut socket = open(&server, "/ws").await.unwrap();
    for n in 0..20 {
        socket
            .send(Message::text(format!("m{n} é😀")))
            .await
            .unwrap();
    }
    for n in 0..20 {
        assert_eq!(next_text(&mut socket).await, format!("echo m{n} é😀"));
    }
    socket.send(Message::binary(vec![1, 2])).await.unwrap();
    socket.send(Message::text("close")).await.unwrap();
    assert_eq!(
        close_code(&mut socket).await,
        Some(CloseCode::Library(4000))
    );
    let _ = socket.next().await; // sends the client's half of the close handshake
    tokio::time::sleep(Duration::from_millis(100)).await;
    let log = js.log.lock().unwrap().clone();
    assert_eq!(log, ["upgrade /ws Some(1)", "binary 1", "closed 1"]);
    assert_eq!(server.sockets.count(), 0);
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_upgrade_gets_javascripts_answer_and_a_bad_handshake_a_400() {
    let js = Arc::new(FakeJs::default());
    let server = start(&js);
    let refused = open(&server, "/elsewhere").await.unwrap_err();
    let tokio_tungstenite::tungstenite::Error::Http(response) = refused else {
        panic!("expected an HTTP refusal, got {refused:?}");
    };
    assert_eq!(response.status(), 404);
    assert_eq!(server.sockets.count(), 0);
    // JavaScript is told the refused socket is closed too (it ignores an id it does not know).
    assert_eq!(
        *js.log.lock().unwrap(),
        ["upgrade /elsewhere Some(1)", "closed 1"]
    );

    let mut stream = raw_upgrade(&server, "/ws", "").await; // no key
    let head = answer_head(&mut stream).await;
    assert!(head.starts_with("http/1.1 400"), "{head}");
    assert!(
        head.contains("sec-websocket-key"),
        "the error names the header: {head}"
    );
    // Not sent to JavaScript.
    assert_eq!(js.log.lock().unwrap().len(), 2);
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_over_the_limit_closes_with_1009_and_others_carry_on() {
    let js = Arc::new(FakeJs::default());
    let server = start(&js);
    let mut big = open(&server, "/ws").await.unwrap();
    let mut other = open(&server, "/ws").await.unwrap();
    big.send(Message::text("x".repeat(2000))).await.unwrap();
    assert_eq!(close_code(&mut big).await, Some(CloseCode::Size));
    let _ = big.next().await;
    other.send(Message::text("still here")).await.unwrap();
    assert_eq!(next_text(&mut other).await, "echo still here");
    drop(other); // gone: the server need not wait for its half of a close
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_server_closes_open_sockets_with_1001() {
    let js = Arc::new(FakeJs::default());
    let server = start(&js);
    let mut socket = open(&server, "/ws").await.unwrap();
    socket.send(Message::text("hi")).await.unwrap();
    assert_eq!(next_text(&mut socket).await, "echo hi");
    let closing = tokio::spawn(server.close());
    assert_eq!(close_code(&mut socket).await, Some(CloseCode::Away));
    let _ = socket.next().await; // sends the client's half of the close handshake
    tokio::time::timeout(Duration::from_secs(5), closing)
        .await
        .expect("the server closes once its sockets have")
        .unwrap();
    assert!(js.log.lock().unwrap().contains(&"closed 1".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_gone_while_its_upgrade_is_decided_is_closed_once() {
    let js = Arc::new(FakeJs::default());
    let server = start(&js);
    let stream = raw_upgrade(&server, "/ws-slow", KEY).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    drop(stream); // before the answer
    tokio::time::sleep(Duration::from_millis(600)).await;
    let log = js.log.lock().unwrap().clone();
    assert_eq!(log, ["upgrade /ws-slow Some(1)", "closed 1"]);
    assert_eq!(server.sockets.count(), 0);
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_accepts_the_first_subprotocol_offered() {
    let js = Arc::new(FakeJs::default());
    let server = start(&js);
    let extra = format!("{KEY}sec-websocket-protocol: chat.v2, chat.v1\r\n");
    let mut stream = raw_upgrade(&server, "/ws", &extra).await;
    let head = answer_head(&mut stream).await;
    assert!(head.starts_with("http/1.1 101"), "{head}");
    // RFC 6455's example key and its accept value.
    assert!(
        head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="),
        "{head}"
    );
    assert!(
        head.contains("sec-websocket-protocol: chat.v2\r\n"),
        "{head}"
    );
    drop(stream);
    server.close().await;
}
