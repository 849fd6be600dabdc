//! A WebSocket from its upgrade request to its end: the handshake's checks, JavaScript's
//! decision (the upgrade is a [`Call`]), then the socket's frames read and written on the
//! server's runtime. The protocol (framing, masking, fragments, ping replies, the close
//! handshake) is tungstenite's.

mod frames;
mod handshake;

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{
    HeaderValue, CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_PROTOCOL, SEC_WEBSOCKET_VERSION,
    UPGRADE,
};
use hyper::upgrade::OnUpgrade;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use pikku_engine::error::{RequestError, BAD_REQUEST};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;

use crate::response::{error_response, internal_error, reply_response};
use crate::server::Context;
use crate::sockets::Reserved;
use crate::{Call, SocketEvent};
use frames::run;
pub(crate) use handshake::is_upgrade;
use handshake::{first_protocol, handshake_key};

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
        stream: None,
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
