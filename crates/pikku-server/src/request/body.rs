//! Reading a request's body: within the limit, into one buffer, and what went wrong in a
//! client's terms.

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;

/// How reading a body ended.
pub(super) enum BodyRead {
    Whole(Bytes),
    TooLarge,
    TimedOut,
    /// Bad framing (a chunk size that is not hex, …) or a connection that ended mid-body.
    Broken(String),
}

/// The most set aside for a body before its bytes arrive.
const FIRST_BYTES: usize = 64 * 1024;

/// Reads `body` into one buffer, sized by its declared length (already checked against
/// `limit`; up to `FIRST_BYTES`) and grown by doubling. Frames are copied and dropped as they
/// arrive, never kept: each one shares the connection's read buffer, so a client sending a
/// body a byte at a time would otherwise pin a buffer per byte (20,000 one-byte frames held
/// 150 MB).
pub(super) async fn read_body(mut body: Incoming, limit: usize, declared: Option<u64>) -> BodyRead {
    // At most FIRST_BYTES set aside before the bytes arrive: a client that declares a
    // megabyte and sends nothing holds no megabyte.
    let declared = declared.map_or(0, |n| usize::try_from(n).unwrap_or(limit));
    let mut buffer: Vec<u8> = Vec::with_capacity(declared.min(limit).min(FIRST_BYTES));
    while let Some(frame) = body.frame().await {
        let frame = match frame {
            Ok(frame) => frame,
            Err(err) => return BodyRead::Broken(body_error(&err)),
        };
        if let Ok(data) = frame.into_data() {
            if data.len() > limit - buffer.len() {
                return BodyRead::TooLarge;
            }
            buffer.extend_from_slice(&data);
        }
    }
    BodyRead::Whole(Bytes::from(buffer))
}

/// What went wrong reading a body, in a client's terms.
fn body_error(err: &hyper::Error) -> String {
    let cause = std::error::Error::source(err);
    let io = cause.and_then(|c| c.downcast_ref::<std::io::Error>());
    match io.map(std::io::Error::kind) {
        _ if err.is_incomplete_message() => {
            "the connection ended before the whole body arrived".to_owned()
        }
        Some(std::io::ErrorKind::UnexpectedEof) => {
            "the connection ended before the whole body arrived".to_owned()
        }
        Some(std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput) => {
            format!(
                "its framing is invalid ({})",
                cause.map_or(err.to_string(), |c| c.to_string())
            )
        }
        _ => cause.map_or(err.to_string(), |c| c.to_string()),
    }
}
