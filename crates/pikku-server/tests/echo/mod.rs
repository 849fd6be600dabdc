//! What the server tests share: an engine with three routes, a Rust stand-in for JavaScript
//! that echoes the engine's answer, and raw HTTP/1.1 over one TCP connection.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use pikku_engine::{Engine, EngineConfig};
use pikku_server::{Call, Dispatch, Reply, ServerOptions};
use serde_json::json;
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
pub struct Echo {
    pub calls: AtomicUsize,
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

pub async fn start(echo: Arc<Echo>) -> pikku_server::RunningServer {
    start_with(echo, ServerOptions::default())
}

pub fn start_with(echo: Arc<Echo>, options: ServerOptions) -> pikku_server::RunningServer {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    pikku_server::start(listener, engine(), echo, options).unwrap()
}

/// Sends raw requests on one connection and reads one response per request.
pub async fn exchange(stream: &mut TcpStream, request: &str) -> (u16, String, String) {
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

pub async fn connect(server: &pikku_server::RunningServer) -> TcpStream {
    TcpStream::connect(server.local_addr).await.unwrap()
}
