//! One request through the engine: read the body within the limit and the time allowed, ask
//! the engine, and either answer its error here or hand the call to JavaScript. WebSocket
//! upgrades go to [`crate::websocket`].

mod body;

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::{Body, Incoming};
use hyper::header::{HeaderMap, HeaderValue, ALLOW, CONNECTION, CONTENT_LENGTH, COOKIE, HOST};
use hyper::{Method, Request, Response};
use pikku_engine::config::HttpMethod;
use pikku_engine::error::{RequestError, BAD_REQUEST, MISSING_SESSION, REQUEST_TIMEOUT};
use pikku_engine::{wire, HttpRequest, Outcome};

use crate::event_stream::{ServerBody, StreamSlot};
use crate::header_text::latin1;
use crate::response::{error_response, internal_error, reply_response};
use crate::server::Context;
use crate::{websocket, Call};
use body::{read_body, BodyRead};

/// Answers one request.
pub(crate) async fn answer(
    context: &Arc<Context>,
    request: Request<Incoming>,
) -> Response<ServerBody> {
    if let Err(reason) = strict_head(&request) {
        let err = RequestError::new(BAD_REQUEST, format!("Malformed request: {reason}"));
        let mut response = error_response(&err, None);
        closing(&mut response);
        return whole(response);
    }
    if context.options.sockets.is_some() && websocket::is_upgrade(&request) {
        return whole(websocket::upgrade(context, request).await);
    }
    let (engine, options) = (&*context.engine, &context.options);
    let (parts, body) = request.into_parts();
    let limit = engine.max_body_bytes();
    let declared = content_length(&parts.headers);
    // A body left unread would be taken for the next request on the connection: every body is
    // read (within the limit) or the connection is closed after the answer.
    let read = if declared.is_some_and(|n| n > limit) {
        BodyRead::TooLarge
    } else if body.is_end_stream() {
        BodyRead::Whole(Bytes::new())
    } else {
        let reading = read_body(body, limit as usize, declared);
        (tokio::time::timeout(options.body_timeout(), reading).await).unwrap_or(BodyRead::TimedOut)
    };
    let request_id = (parts.headers.get("x-request-id")).map(latin1);
    let request_id = || request_id.as_deref();
    let (body, unread) = match read {
        BodyRead::Whole(bytes) => (bytes, false),
        BodyRead::TooLarge => (Bytes::new(), true),
        BodyRead::TimedOut => {
            let seconds = options.body_timeout().as_secs();
            let err = RequestError::new(
                REQUEST_TIMEOUT,
                format!("The request body did not arrive within {seconds} s"),
            );
            let mut response = error_response(&err, request_id());
            closing(&mut response);
            return whole(response);
        }
        BodyRead::Broken(reason) => {
            let err = RequestError::new(
                BAD_REQUEST,
                format!("The request body could not be read: {reason}"),
            );
            let mut response = error_response(&err, request_id());
            closing(&mut response);
            return whole(response);
        }
    };
    // Bodies of GET, HEAD and OPTIONS are read (or the connection closed) but carry no input,
    // so their size is no error.
    let (body, body_too_large) = if reads_body(&parts.method) {
        (body, unread)
    } else {
        (Bytes::new(), false)
    };
    let mut response = respond(context, parts, body, body_too_large).await;
    if unread {
        closing(&mut response);
    }
    response
}

/// What Node's parser refuses and hyper's lets through, refused here the same way (400, and
/// the connection closed), so that a proxy in front cannot read one request where this server
/// reads another: a method not in upper case (`post` is not `POST`) and an HTTP/1.1 request
/// without `Host`. (hyper itself refuses differing `Content-Length` values and merges
/// identical ones, as RFC 9110 §8.6 allows.)
fn strict_head(request: &Request<Incoming>) -> Result<(), String> {
    let method = request.method().as_str();
    if method.bytes().any(|b| b.is_ascii_lowercase()) {
        return Err(format!(
            "the method `{method}` is not in upper case (methods are case-sensitive: `{}`)",
            method.to_ascii_uppercase()
        ));
    }
    let headers = request.headers();
    if request.version() == hyper::Version::HTTP_11 && !headers.contains_key(HOST) {
        return Err("an HTTP/1.1 request must have a Host header".to_owned());
    }
    Ok(())
}

/// Whether the body carries input: the engine's rule ([`HttpMethod::reads_body`]); a method
/// it does not know reads its body (and is answered 405 by the router).
fn reads_body(method: &Method) -> bool {
    HttpMethod::parse(method.as_str()).is_none_or(HttpMethod::reads_body)
}

/// A whole response (not an event stream).
fn whole(response: Response<Full<Bytes>>) -> Response<ServerBody> {
    response.map(Either::Left)
}

fn closing<B>(response: &mut Response<B>) {
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
}

/// The engine's decision, answered here when it is an error JavaScript need not see, else
/// JavaScript's answer (an event stream's, for an `sse` route).
async fn respond(
    context: &Arc<Context>,
    parts: hyper::http::request::Parts,
    body: Bytes,
    body_too_large: bool,
) -> Response<ServerBody> {
    let (engine, dispatch, options) = (&*context.engine, &*context.dispatch, &context.options);
    let url = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let header = |name: &str| parts.headers.get(name).map(latin1);
    let request_id = header("x-request-id");
    let request_id = request_id.as_deref();
    let api_key = engine.api_key_header().and_then(header);
    let (content_type, authorization) = (header("content-type"), header("authorization"));
    let cookie = cookies(&parts.headers);
    let outcome = engine.handle(&HttpRequest {
        method: parts.method.as_str(),
        url,
        content_type: content_type.as_deref(),
        has_session: false,
        authorization: authorization.as_deref(),
        cookie: cookie.as_deref(),
        api_key: api_key.as_deref(),
        body: &body,
        body_too_large,
    });
    let mut body_for_js = None;
    // An `sse` route's call gets a stream for its events; so does one the session hook may
    // let through, in an app with such routes (its route is known only once JavaScript has
    // asked the engine again).
    let mut stream = None;
    if let Outcome::Run { target, .. } = &outcome {
        if engine.streams(*target) {
            stream = Some(StreamSlot::reserve(context));
        }
    }
    if let Outcome::Fail(err) = &outcome {
        let hook_may_help = options.session_hook && err.kind == MISSING_SESSION;
        if hook_may_help {
            body_for_js = Some(body.clone());
            if engine.has_streams() {
                stream = Some(StreamSlot::reserve(context));
            }
        } else if !options.errors_to_js {
            let mut response = error_response(err, request_id);
            if let Some(allow) = err
                .allow
                .as_deref()
                .and_then(|a| HeaderValue::from_str(a).ok())
            {
                response.headers_mut().insert(ALLOW, allow);
            }
            return whole(response);
        }
    }
    let wire = wire::encode(&outcome, request_id);
    let url = url.to_owned();
    drop(outcome);
    drop(cookie);
    let call = Call {
        wire,
        method: parts.method,
        url,
        headers: parts.headers,
        body_too_large: body_for_js.is_some() && body_too_large,
        body: body_for_js,
        socket: None,
        stream: stream.as_ref().map(StreamSlot::id),
    };
    let (sender, receiver) = tokio::sync::oneshot::channel();
    dispatch.dispatch(call, sender);
    match (receiver.await, stream) {
        (Ok(reply), Some(stream)) => stream.respond(reply),
        (Ok(reply), None) => whole(reply_response(reply)),
        (Err(_), _) => whole(internal_error("The function's answer was lost")),
    }
}

/// Every `Cookie` header, joined as Node joins them (`; `), so that a session cookie in a
/// second header is found as behind the other adapters.
fn cookies(headers: &HeaderMap) -> Option<Cow<'_, str>> {
    let mut values = headers.get_all(COOKIE).iter().map(latin1);
    let first = values.next()?;
    match values.next() {
        None => Some(first),
        Some(second) => {
            let mut joined = format!("{first}; {second}");
            for more in values {
                joined.push_str("; ");
                joined.push_str(&more);
            }
            Some(Cow::Owned(joined))
        }
    }
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}
