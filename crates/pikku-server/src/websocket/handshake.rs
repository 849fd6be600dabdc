//! The upgrade request's checks (RFC 6455 §4.2.1): is it one, is it well-formed, and which
//! subprotocol the server accepts.

use hyper::body::Incoming;
use hyper::header::{
    HeaderValue, CONNECTION, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_PROTOCOL, SEC_WEBSOCKET_VERSION,
    UPGRADE,
};
use hyper::{Method, Request};

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

/// The first subprotocol the client offers, which the server accepts (as `ws` does when the
/// app chooses none); `None` when it offers none.
pub(super) fn first_protocol(request: &Request<Incoming>) -> Option<HeaderValue> {
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
pub(super) fn handshake_key(request: &Request<Incoming>) -> Result<String, String> {
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
