//! Responses the server writes itself: an error through the engine's error table, and
//! JavaScript's answer (a [`Reply`]) made into a response.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};
use hyper::{Response, StatusCode};
use pikku_engine::error::{RequestError, INTERNAL_SERVER};
use pikku_engine::wire;

use crate::header_text::latin1_bytes;
use crate::Reply;

const JSON: &str = "application/json; charset=utf-8";

fn json_response(status: u16, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    response
}

/// An error answer through the engine's error table (status, name, `errorId`).
pub(crate) fn error_response(
    err: &RequestError,
    request_id: Option<&str>,
) -> Response<Full<Bytes>> {
    json_response(err.kind.status, wire::error_body(err, request_id))
}

/// A 500 for a failure between the server and JavaScript (the request's headers are gone by
/// then, so the `errorId` is a fresh one).
pub(crate) fn internal_error(message: &str) -> Response<Full<Bytes>> {
    error_response(&RequestError::new(INTERNAL_SERVER, message), None)
}

/// JavaScript's answer as a response. The body's length is the server's to state (a
/// `content-length` or `transfer-encoding` from JavaScript would desynchronize the
/// connection); a header Node would refuse makes the answer a 500, as behind `node:http`;
/// values go out a byte per character (Latin-1), as Node sends them.
/// For HEAD, hyper sends the length and leaves the body out.
pub(crate) fn reply_response(reply: Reply) -> Response<Full<Bytes>> {
    let has_body = !reply.body.is_empty();
    let mut response = Response::new(Full::new(reply.body));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in reply.headers {
        let value = latin1_bytes(&value);
        let (Ok(name), Some(Ok(value))) = (
            HeaderName::from_bytes(name.as_bytes()),
            value.map(|bytes| HeaderValue::from_bytes(&bytes)),
        ) else {
            return internal_error("The answer has a header that HTTP cannot carry");
        };
        if name != CONTENT_LENGTH && name != TRANSFER_ENCODING {
            headers.append(name, value);
        }
    }
    if has_body && !headers.contains_key(CONTENT_TYPE) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    }
    response
}
