//! Open WebSockets by id, and what JavaScript sends them: frames queue on each socket in the
//! order they were sent, the bytes not yet written are counted, and a socket whose client
//! does not read is dropped before it holds more than its share of memory.

mod close_codes;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{mpsc, Notify};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::frame::{CloseFrame, Utf8Bytes};

use crate::answers::Bodies;
use close_codes::{sendable, whole_characters, MAX_REASON_BYTES};
pub use close_codes::{sendable_close_codes_text, SENDABLE_CLOSE_CODES};

/// The limits of the server's WebSockets.
#[derive(Debug, Clone)]
pub struct SocketOptions {
    /// The largest message (and frame) a client may send; a larger one closes its socket
    /// with 1009.
    pub max_message_bytes: usize,
    /// Bytes sent to one socket and not yet written to its connection; a send beyond that
    /// drops the socket (its client does not read).
    pub max_buffered_bytes: usize,
    /// How often each socket is pinged; one without a pong by the next ping is dropped.
    pub ping_interval: Duration,
}

impl Default for SocketOptions {
    fn default() -> Self {
        SocketOptions {
            max_message_bytes: 1024 * 1024,
            max_buffered_bytes: 4 * 1024 * 1024,
            ping_interval: Duration::from_secs(30),
        }
    }
}

/// What goes out on a socket, in order.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Text(Utf8Bytes),
    Close(CloseFrame),
}

/// What a socket's task and the registry share.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// Bytes sent and not yet written to the connection.
    pub buffered: AtomicUsize,
    /// Notified when the socket must be dropped at once, without a close handshake.
    pub dropped: Notify,
}

/// A socket as the registry holds it.
#[derive(Debug)]
struct Open {
    outgoing: mpsc::UnboundedSender<Outgoing>,
    shared: Arc<Shared>,
}

/// A socket's id and queue, taken before JavaScript hears of it (its first sends may come
/// before the connection is upgraded), for the task that will serve it.
#[derive(Debug)]
pub(crate) struct Reserved {
    pub id: u64,
    pub outgoing: mpsc::UnboundedReceiver<Outgoing>,
    pub shared: Arc<Shared>,
}

/// The server's open WebSockets.
#[derive(Debug)]
pub struct Sockets {
    open: Mutex<HashMap<u64, Open>>,
    next: AtomicU64,
    /// Their limits.
    pub options: SocketOptions,
}

impl Sockets {
    /// No sockets yet.
    pub fn new(options: SocketOptions) -> Self {
        Sockets {
            open: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            options,
        }
    }

    /// How many sockets are open (or being upgraded).
    pub fn count(&self) -> usize {
        self.lock().len()
    }

    /// A new socket's id and queue.
    pub(crate) fn reserve(&self) -> Reserved {
        // JavaScript reads ids as numbers: exact up to 2^53, which a server never reaches.
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (sender, outgoing) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared::default());
        self.lock().insert(
            id,
            Open {
                outgoing: sender,
                shared: Arc::clone(&shared),
            },
        );
        Reserved {
            id,
            outgoing,
            shared,
        }
    }

    /// Forgets a socket that closed or was refused; what is sent to it later is dropped.
    pub(crate) fn forget(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Sends JavaScript's frames: `frames` is a JSON array of `[socket, length]` (a text
    /// message) and `[socket, length, code]` (a close with that code and the text as its
    /// reason), and `texts` their texts one after the other, each `length` UTF-16 code units
    /// long. Frames for sockets that are gone are dropped. A batch that cannot be read is an
    /// error naming where (the frames before that point are sent); a close code that may not
    /// be sent is an error too, and only its frame is left out.
    pub fn send_all(&self, frames: &str, texts: String) -> Result<(), String> {
        let frames: Vec<Vec<u64>> = serde_json::from_str(frames).map_err(|err| {
            format!("socket frames are not a JSON array of [socket, length, code?]: {err}")
        })?;
        let mut texts = Bodies::new(texts);
        let mut refused = None;
        let open = self.lock();
        for (index, frame) in frames.iter().enumerate() {
            let (socket, units, code) = match frame[..] {
                [socket, units] => (socket, units, None),
                [socket, units, code] => (socket, units, Some(code)),
                // Without its length, the texts after it cannot be found.
                _ => {
                    return Err(format!(
                        "socket frame {index} is not [socket, length, code?]: {}",
                        Value::from(frame.clone())
                    ))
                }
            };
            let units = usize::try_from(units)
                .map_err(|_| format!("socket frame {index} has a length of {units}"))?;
            let bytes = texts.next(Some(units))?;
            // Cut whole characters out of a `String`: still UTF-8.
            let text = Utf8Bytes::try_from(bytes)
                .map_err(|_| format!("socket frame {index} cuts a character in two"))?;
            let Some(socket) = open.get(&socket) else {
                continue; // closed meanwhile
            };
            match code {
                None => send_text(socket, text, self.options.max_buffered_bytes),
                Some(code) => match u16::try_from(code).ok().filter(|&c| sendable(c)) {
                    Some(code) => {
                        let reason = whole_characters(text, MAX_REASON_BYTES);
                        let frame = CloseFrame {
                            code: CloseCode::from(code),
                            reason,
                        };
                        let _ = socket.outgoing.send(Outgoing::Close(frame));
                    }
                    // The frames after it still go out; the batch is reported.
                    None => {
                        refused.get_or_insert(format!("socket frame {index}: {code} is not a close code a server may send ({})", sendable_close_codes_text()));
                    }
                },
            }
        }
        drop(open);
        texts.all_read("the texts", "the frames")?;
        refused.map_or(Ok(()), Err)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Open>> {
        // Nothing here is left half-written by a panic.
        self.open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Queues a text, or drops the socket when its client has left too much unread.
fn send_text(socket: &Open, text: Utf8Bytes, max_buffered: usize) {
    let length = text.len();
    let buffered = socket.shared.buffered.fetch_add(length, Ordering::Relaxed) + length;
    if buffered > max_buffered {
        // A slow reader must not hold server memory: it is dropped, the others carry on.
        socket.shared.dropped.notify_one();
        return;
    }
    let _ = socket.outgoing.send(Outgoing::Text(text));
}

#[cfg(test)]
mod tests;
