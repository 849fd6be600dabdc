//! A WebSocket from its upgrade request to its end: the handshake's checks, JavaScript's
//! decision (the upgrade is a [`Call`]), then the socket's frames read and written on the
//! server's runtime. The protocol (framing, masking, fragments, ping replies, the close
//! handshake) is tungstenite's.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{
    HeaderValue, CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_PROTOCOL,
    SEC_WEBSOCKET_VERSION, UPGRADE,
};
use hyper::upgrade::{OnUpgrade, Upgraded};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use pikku_engine::error::{RequestError, BAD_REQUEST};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

use crate::request::{error_response, internal_error, reply_response};
use crate::server::{until_stopped, Context};
use crate::sockets::{Outgoing, Reserved};
use crate::{Call, SocketEvent, SocketOptions};

/// How long a socket waits for the client's half of a close handshake, and how long a
/// closing server waits for a socket whose client does not read.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

type Socket = WebSocketStream<TokioIo<Upgraded>>;

/// The request asks for a WebSocket (`Upgrade: websocket`).
pub(crate) fn is_upgrade(request: &Request<Incoming>) -> bool {
    request
        .headers()
        .get(UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|p| p.trim().eq_ignore_ascii_case("websocket"))
        })
}

/// Checks the handshake, asks JavaScript, and on its 101 switches protocols and serves the
/// socket on a task of its own; any other answer of JavaScript is sent as it is (a refusal).
pub(crate) async fn upgrade(
    context: &Arc<Context>,
    mut request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let key = match handshake_key(&request) {
        Ok(key) => key,
        Err(message) => {
            let mut response = error_response(&RequestError::new(BAD_REQUEST, message), None);
            response
                .headers_mut()
                .insert(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
            return response;
        }
    };
    let protocol = first_protocol(&request);
    let on_upgrade = hyper::upgrade::on(&mut request);
    let reserved = context.sockets.reserve();
    // From here the socket ends when this guard drops: on a refusal, when the client goes away
    // while JavaScript decides (hyper drops this future), or when its task has served it.
    let ending = SocketEnd {
        context: Arc::clone(context),
        id: reserved.id,
    };
    let (parts, _) = request.into_parts();
    let call = Call {
        wire: String::new(),
        url: parts
            .uri
            .path_and_query()
            .map_or("/", |pq| pq.as_str())
            .to_owned(),
        method: parts.method,
        headers: parts.headers,
        body: None,
        body_too_large: false,
        socket: Some(reserved.id),
    };
    let (sender, receiver) = tokio::sync::oneshot::channel();
    context.dispatch.dispatch(call, sender);
    match receiver.await {
        Ok(reply) if reply.status == 101 => {}
        // A refusal (or JavaScript's answer lost): the guard ends the socket.
        Ok(refusal) => return reply_response(refusal),
        Err(_) => return internal_error("The channel's answer to the upgrade was lost"),
    }
    tokio::spawn(serve(ending, on_upgrade, reserved));
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(accept) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        headers.insert(SEC_WEBSOCKET_ACCEPT, accept);
    }
    if let Some(protocol) = protocol {
        headers.insert(SEC_WEBSOCKET_PROTOCOL, protocol);
    }
    response
}

/// The end of a reserved socket, however it comes: dropped, it forgets the socket and tells
/// JavaScript it closed — exactly once per socket. (JavaScript may have opened the connection
/// before its answer was lost; an id it does not know, it ignores.)
struct SocketEnd {
    context: Arc<Context>,
    id: u64,
}

impl Drop for SocketEnd {
    fn drop(&mut self) {
        self.context.sockets.forget(self.id);
        self.context
            .dispatch
            .socket_event(SocketEvent::Closed { socket: self.id });
    }
}

/// The first subprotocol the client offers, which the server accepts (as `ws` does when the
/// app chooses none); `None` when it offers none.
fn first_protocol(request: &Request<Incoming>) -> Option<HeaderValue> {
    let offered = request
        .headers()
        .get(SEC_WEBSOCKET_PROTOCOL)?
        .to_str()
        .ok()?;
    let first = offered.split(',').next()?.trim();
    let token = !first.is_empty()
        && first
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    token.then(|| HeaderValue::from_str(first).ok()).flatten()
}

/// The `Sec-WebSocket-Key` of a well-formed handshake (RFC 6455 §4.2.1), or what is wrong.
fn handshake_key(request: &Request<Incoming>) -> Result<String, String> {
    if request.method() != Method::GET {
        return Err(format!(
            "A WebSocket upgrade is a GET request, not {}",
            request.method()
        ));
    }
    let header = |name| {
        request
            .headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let connection_upgrades = header(CONNECTION).is_some_and(|v| {
        v.split(',')
            .any(|token| token.trim().eq_ignore_ascii_case("upgrade"))
    });
    if !connection_upgrades {
        return Err("A WebSocket upgrade needs `Connection: Upgrade`".to_owned());
    }
    if header(SEC_WEBSOCKET_VERSION) != Some("13") {
        return Err(
            "This server speaks WebSocket version 13: send `Sec-WebSocket-Version: 13`".to_owned(),
        );
    }
    // The key is 16 random bytes in base64: 24 characters ending in `==`.
    match header(SEC_WEBSOCKET_KEY).map(str::trim) {
        Some(key) if key.len() == 24 && key.ends_with("==") => Ok(key.to_owned()),
        _ => Err("`Sec-WebSocket-Key` must be 16 bytes in base64".to_owned()),
    }
}

/// Serves an accepted socket until it ends; `end` then tells JavaScript it closed (also when
/// the client went away before the upgrade completed).
async fn serve(end: SocketEnd, on_upgrade: OnUpgrade, reserved: Reserved) {
    let context = &end.context;
    if let Ok(upgraded) = on_upgrade.await {
        let options = &context.sockets.options;
        let config = WebSocketConfig::default()
            .max_message_size(Some(options.max_message_bytes))
            .max_frame_size(Some(options.max_message_bytes));
        let socket =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config))
                .await;
        run(socket, reserved, context).await;
    }
}

/// Why a socket stopped being served.
enum Ending {
    /// The close handshake is done, or the connection is gone.
    Over,
    /// The server sent a close frame: the client's is awaited a while.
    Closing,
    /// The client broke the protocol: a close frame with this code goes out first.
    Refused(CloseCode),
    /// Dropped without a close frame (no pong, a client that does not read, a server that
    /// could not close it in time).
    Dropped,
}

async fn run(socket: Socket, reserved: Reserved, context: &Context) {
    let Reserved {
        id,
        mut outgoing,
        shared,
    } = reserved;
    let (mut sink, mut stream) = socket.split();
    let ponged = AtomicBool::new(true);
    let mut stopped = context.stopped.clone();
    let mut stopped_long_ago = context.stopped.clone();
    let options = &context.sockets.options;
    let ending = tokio::select! {
        ending = read(&mut stream, id, context, &ponged) => ending,
        ending = write(&mut sink, &mut outgoing, &shared.buffered, options, &mut stopped) => ending,
        () = no_pong(&ponged, options.ping_interval) => Ending::Dropped,
        () = shared.dropped.notified() => Ending::Dropped,
        () = async {
            until_stopped(&mut stopped_long_ago).await;
            tokio::time::sleep(CLOSE_WAIT).await;
        } => Ending::Dropped,
    };
    match ending {
        Ending::Closing => {
            let _ = tokio::time::timeout(CLOSE_WAIT, drain(&mut stream)).await;
        }
        Ending::Refused(code) => {
            let close = Message::Close(Some(CloseFrame {
                code,
                reason: "".into(),
            }));
            let _ = tokio::time::timeout(CLOSE_WAIT, sink.send(close)).await;
            // The rest of the refused message is still arriving, and the frames can no longer be
            // read: closing now, with unread bytes, would reset the connection before the
            // client reads the close frame. So the server ends its side and reads the raw bytes
            // away until the client ends its own (or the wait is over).
            if let Ok(socket) = sink.reunite(stream) {
                let _ = tokio::time::timeout(CLOSE_WAIT, linger(socket.into_inner())).await;
            }
        }
        Ending::Over | Ending::Dropped => {}
    }
    // Dropping both halves closes the connection.
}

/// Hands the client's messages to JavaScript until the socket ends.
async fn read(
    stream: &mut SplitStream<Socket>,
    id: u64,
    context: &Context,
    ponged: &AtomicBool,
) -> Ending {
    loop {
        // A JavaScript that is behind holds the client up here, as the event loop holds `ws`.
        context.dispatch.room_for_events().await;
        let Some(frame) = stream.next().await else {
            return Ending::Over;
        };
        match frame {
            Ok(Message::Text(text)) => context.dispatch.socket_event(SocketEvent::Message {
                socket: id,
                text: text.as_str(),
            }),
            Ok(Message::Binary(_)) => context
                .dispatch
                .socket_event(SocketEvent::Binary { socket: id }),
            Ok(Message::Pong(_)) => ponged.store(true, Ordering::Relaxed),
            // Pings are answered, and a close is answered and then ends the stream, by the protocol.
            Ok(_) => {}
            Err(WsError::Capacity(_)) => return Ending::Refused(CloseCode::Size),
            Err(WsError::Utf8(_)) => return Ending::Refused(CloseCode::Invalid),
            Err(WsError::Protocol(_)) => return Ending::Refused(CloseCode::Protocol),
            Err(_) => return Ending::Over,
        }
    }
}

/// Resolves when a ping interval passes without a pong: the client is gone, or does not read
/// (its pings wait behind a send that does not finish). Pings go out every interval (`write`).
async fn no_pong(ponged: &AtomicBool, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        if !ponged.swap(false, Ordering::Relaxed) {
            return;
        }
    }
}

/// Writes what JavaScript sends, and pings, until a close goes out or the socket fails.
async fn write(
    sink: &mut SplitSink<Socket, Message>,
    outgoing: &mut tokio::sync::mpsc::UnboundedReceiver<Outgoing>,
    buffered: &std::sync::atomic::AtomicUsize,
    options: &SocketOptions,
    stopped: &mut watch::Receiver<bool>,
) -> Ending {
    let every = options.ping_interval;
    let mut pings = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    // A send that waited past a ping's time brings one ping, not a burst.
    pings.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            // What JavaScript sent before the server closed goes out before the 1001.
            biased;
            next = outgoing.recv() => match next {
                Some(Outgoing::Text(text)) => {
                    let length = text.len();
                    if sink.send(Message::Text(text)).await.is_err() {
                        return Ending::Over;
                    }
                    buffered.fetch_sub(length, Ordering::Relaxed);
                }
                Some(Outgoing::Close(frame)) => return close_with(sink, frame).await,
                None => return Ending::Over, // forgotten by the registry
            },
            _ = pings.tick() => {
                if sink.send(Message::Ping(Bytes::new())).await.is_err() {
                    return Ending::Over;
                }
            }
            () = until_stopped(stopped) => {
                let away = CloseFrame { code: CloseCode::Away, reason: "server closing".into() };
                return close_with(sink, away).await;
            }
        }
    }
}

/// Sends the server's half of a close handshake.
async fn close_with(sink: &mut SplitSink<Socket, Message>, frame: CloseFrame) -> Ending {
    match sink.send(Message::Close(Some(frame))).await {
        Ok(()) => Ending::Closing,
        Err(_) => Ending::Over,
    }
}

/// Ends the server's side of the connection, then reads (and drops) what the client still
/// sends until it ends its side.
async fn linger(mut io: TokioIo<Upgraded>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let _ = io.shutdown().await;
    let mut buffer = [0u8; 16 * 1024];
    while matches!(io.read(&mut buffer).await, Ok(n) if n > 0) {}
}

/// Reads (and drops) what comes until the client's close frame ends the stream.
async fn drain(stream: &mut SplitStream<Socket>) {
    while let Some(Ok(_)) = stream.next().await {}
}
