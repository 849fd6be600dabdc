//! An accepted socket's frames, read and written on the server's runtime: the client's
//! messages to JavaScript, JavaScript's sends and the pings to the client, and the close.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

use crate::server::{until_stopped, Context};
use crate::sockets::{Outgoing, Reserved};
use crate::{SocketEvent, SocketOptions};

/// How long a socket waits for the client's half of a close handshake, and how long a
/// closing server waits for a socket whose client does not read.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

type Socket = WebSocketStream<TokioIo<Upgraded>>;

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

/// Serves the socket until it ends, then finishes its close as the ending asks.
pub(super) async fn run(socket: Socket, reserved: Reserved, context: &Context) {
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
