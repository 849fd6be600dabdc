//! The batch's JSON text, written entry by entry as calls and socket events come: requests,
//! upgrades and socket events in the shapes JavaScript reads ([`super::Mailbox::take`]).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hyper::header::COOKIE;
use hyper::HeaderMap;

use crate::header_text::latin1;
use crate::{Call, SocketEvent};

pub(super) fn write_call(out: &mut Vec<u8>, id: u32, call: &Call) {
    if let Some(socket) = call.socket {
        out.extend_from_slice(format!("[\"u\",{id},{socket},").as_bytes());
        write_string(out, &call.url);
        out.push(b',');
        write_headers(out, &call.headers);
        out.push(b']');
        return;
    }
    match call.stream {
        // The call's entry, after its tag and stream id.
        Some(stream) => out.extend_from_slice(format!("[\"s\",{stream},").as_bytes()),
        None => out.push(b'['),
    }
    out.extend_from_slice(id.to_string().as_bytes());
    out.push(b',');
    write_string(out, call.method.as_str());
    out.push(b',');
    write_string(out, &call.url);
    out.push(b',');
    write_headers(out, &call.headers);
    out.push(b',');
    out.extend_from_slice(call.wire.as_bytes());
    if call.body_too_large {
        out.extend_from_slice(b",null");
    } else if let Some(body) = &call.body {
        // Base64: the bytes exactly as received, UTF-8 or not, so that the engine's second
        // look at them answers as its first would have.
        out.push(b',');
        write_string(out, &STANDARD.encode(body));
    }
    out.push(b']');
}

/// A socket's event: `["m", socket, text]`, `["b", socket]` or `["c", socket]`.
pub(super) fn write_event(out: &mut Vec<u8>, event: SocketEvent<'_>) {
    match event {
        SocketEvent::Message { socket, text } => {
            out.extend_from_slice(format!("[\"m\",{socket},").as_bytes());
            write_string(out, text);
            out.push(b']');
        }
        SocketEvent::Binary { socket } => {
            out.extend_from_slice(format!("[\"b\",{socket}]").as_bytes())
        }
        SocketEvent::Closed { socket } => {
            out.extend_from_slice(format!("[\"c\",{socket}]").as_bytes())
        }
    }
}

/// Headers as one JSON string of `name:value` lines (names lower-case; neither part can hold a
/// line break), parsed by JavaScript only if something reads a header. Repeated headers as
/// Node has them: joined with `, ` (`; ` for cookies), or the first only for headers that
/// cannot repeat (`authorization`, `content-type`, …).
fn write_headers(out: &mut Vec<u8>, headers: &HeaderMap) {
    let mut block = String::with_capacity(256);
    for name in headers.keys() {
        if !block.is_empty() {
            block.push('\n');
        }
        block.push_str(name.as_str());
        block.push(':');
        let separator = if name == COOKIE { "; " } else { ", " };
        let first_only = SINGLE_HEADERS.contains(&name.as_str());
        for (index, value) in headers.get_all(name).iter().enumerate() {
            if index > 0 {
                if first_only {
                    break;
                }
                block.push_str(separator);
            }
            block.push_str(&latin1(value));
        }
    }
    write_string(out, &block);
}

/// Headers of which Node keeps only the first when a request repeats them.
const SINGLE_HEADERS: &[&str] = &[
    "age",
    "authorization",
    "content-length",
    "content-type",
    "etag",
    "expires",
    "from",
    "host",
    "if-modified-since",
    "if-unmodified-since",
    "last-modified",
    "location",
    "max-forwards",
    "proxy-authorization",
    "referer",
    "retry-after",
    "server",
    "user-agent",
];

fn write_string(out: &mut Vec<u8>, text: &str) {
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}
