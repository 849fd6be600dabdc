//! Server-sent events: a call to an `sse` route gets a stream id (a socket of the registry,
//! reserved before JavaScript hears of the call). When JavaScript answers it with an event
//! stream's head, the response's body is what JavaScript then sends to that id, written as it
//! comes; a close ends it. The registry counts what waits for the client and drops a client
//! that does not read; JavaScript hears once that the stream ended, however it ended.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::{Body, Frame};
use hyper::header::CONTENT_TYPE;
use hyper::Response;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use crate::response::reply_response;
use crate::server::Context;
use crate::sockets::{Outgoing, Reserved, Shared};
use crate::{Reply, SocketEvent};

/// A response's body: whole, or an event stream.
pub(crate) type ServerBody = Either<Full<Bytes>, EventBody>;

/// A stream reserved for a call: its id for JavaScript, and its end, told once.
pub(crate) struct StreamSlot {
    reserved: Reserved,
    end: Arc<StreamEnd>,
}

impl StreamSlot {
    /// Reserves a stream id in the server's registry.
    pub(crate) fn reserve(context: &Arc<Context>) -> Self {
        let reserved = context.sockets.reserve();
        let end = Arc::new(StreamEnd {
            context: Arc::clone(context),
            id: reserved.id,
            told: AtomicBool::new(false),
        });
        StreamSlot { reserved, end }
    }

    /// The id JavaScript sends the events to.
    pub(crate) fn id(&self) -> u64 {
        self.reserved.id
    }

    /// JavaScript's answer: its head and then the events when it is an event stream's head
    /// (status 200, `text/event-stream`), otherwise the answer as it is (the stream is let go).
    pub(crate) fn respond(self, reply: Reply) -> Response<ServerBody> {
        if !is_stream_head(&reply) {
            return reply_response(reply).map(Either::Left);
        }
        let head = reply_response(Reply {
            body: Bytes::new(),
            ..reply
        });
        if head.status() != 200 {
            return head.map(Either::Left); // a header HTTP cannot carry: a 500
        }
        let Reserved {
            outgoing, shared, ..
        } = self.reserved;
        // A client too slow is let go at once, not when its connection finally ends: the
        // function stops sending, and what is queued for it is dropped.
        let watcher = tokio::spawn({
            let (shared, end) = (Arc::clone(&shared), Arc::clone(&self.end));
            async move {
                shared.dropped.notified().await;
                end.tell();
            }
        })
        .abort_handle();
        head.map(|_| {
            Either::Right(EventBody {
                outgoing,
                shared,
                end: self.end,
                watcher,
            })
        })
    }
}

/// Whether JavaScript answered with an event stream's head.
fn is_stream_head(reply: &Reply) -> bool {
    reply.status == 200
        && reply.body.is_empty()
        && reply.headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case(CONTENT_TYPE.as_str())
                && value.starts_with("text/event-stream")
        })
}

/// The end of a stream: forgets it in the registry and tells JavaScript, exactly once.
struct StreamEnd {
    context: Arc<Context>,
    id: u64,
    told: AtomicBool,
}

impl StreamEnd {
    fn tell(&self) {
        if self.told.swap(true, Ordering::AcqRel) {
            return;
        }
        self.context.sockets.forget(self.id);
        self.context
            .dispatch
            .socket_event(SocketEvent::Closed { socket: self.id });
    }
}

impl Drop for StreamEnd {
    fn drop(&mut self) {
        self.tell();
    }
}

/// The body of an event stream: JavaScript's texts as they come, until its close (or the
/// registry lets the stream go). Dropped (the client went away, or the answer was written),
/// it tells JavaScript.
pub(crate) struct EventBody {
    outgoing: mpsc::UnboundedReceiver<Outgoing>,
    shared: Arc<Shared>,
    end: Arc<StreamEnd>,
    watcher: AbortHandle,
}

impl Body for EventBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.outgoing.poll_recv(cx) {
            Poll::Ready(Some(Outgoing::Text(text))) => {
                let bytes = Bytes::from(text);
                self.shared
                    .buffered
                    .fetch_sub(bytes.len(), Ordering::Relaxed);
                Poll::Ready(Some(Ok(Frame::data(bytes))))
            }
            Poll::Ready(Some(Outgoing::Close(_)) | None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for EventBody {
    fn drop(&mut self) {
        self.watcher.abort();
        self.end.tell();
    }
}
