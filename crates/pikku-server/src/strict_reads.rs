//! A connection's reads, scanned for request heads with a line ended by a bare LF
//! ([`HeadScan`]): hyper's parser takes them, Node's refuses them, so the request of such a head
//! is answered 400 (saying why) and the connection closed, as for the other heads Node refuses.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONNECTION};
use hyper::Response;
use pikku_engine::error::{RequestError, BAD_REQUEST};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::head_scan::HeadScan;
use crate::response::error_response;

/// What the scan found, for the connection's requests.
#[derive(Debug)]
pub(crate) struct HeadVerdicts {
    /// The number of the first refused head (`usize::MAX`: none).
    first_refused: AtomicUsize,
    /// Requests handed to the service so far.
    served: AtomicUsize,
}

impl Default for HeadVerdicts {
    fn default() -> Self {
        HeadVerdicts {
            first_refused: AtomicUsize::new(usize::MAX),
            served: AtomicUsize::new(0),
        }
    }
}

impl HeadVerdicts {
    /// Takes the next request's turn (hyper hands them over in order): whether its head was
    /// refused. The scan has read a head before hyper parses it.
    pub(crate) fn next_is_refused(&self) -> bool {
        let index = self.served.fetch_add(1, Ordering::Relaxed);
        index == self.first_refused.load(Ordering::Acquire)
    }
}

/// The answer to a request whose head has a bare LF.
pub(crate) fn bare_lf_response() -> Response<Full<Bytes>> {
    let err = RequestError::new(
        BAD_REQUEST,
        "Malformed request: a line of its head ends in a bare LF (lines end in CR LF)",
    );
    let mut response = error_response(&err, None);
    (response.headers_mut()).insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A connection's stream whose reads go through a [`HeadScan`].
pub(crate) struct StrictReads<S> {
    inner: S,
    scan: HeadScan,
    verdicts: Arc<HeadVerdicts>,
}

impl<S> StrictReads<S> {
    pub(crate) fn new(inner: S, verdicts: Arc<HeadVerdicts>) -> Self {
        StrictReads {
            inner,
            scan: HeadScan::default(),
            verdicts,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for StrictReads<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.inner).poll_read(cx, buf);
        if read.is_ready() {
            if let Some(head) = self.scan.scan(&buf.filled()[before..]) {
                self.verdicts.first_refused.store(head, Ordering::Release);
            }
        }
        read
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for StrictReads<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
