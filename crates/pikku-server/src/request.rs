//! One request through the engine: read the body within the limit, ask the engine, and either
//! answer its error here or hand the call to JavaScript.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Incoming};
use hyper::header::{HeaderMap, HeaderValue, ALLOW, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use pikku_engine::error::MISSING_SESSION;
use pikku_engine::{wire, Engine, HttpRequest, Outcome};

use crate::{Call, Dispatch, Reply, ServerOptions};

const JSON: &str = "application/json; charset=utf-8";

/// Answers one request.
pub async fn answer(
    engine: &Engine,
    dispatch: &dyn Dispatch,
    options: &ServerOptions,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let limit = engine.max_body_bytes();
    let declared_too_large = content_length(&parts.headers).is_some_and(|n| n > limit);
    // A body left unread would be taken for the next request on the connection: every body is
    // read (within the limit) or the connection is closed after the answer.
    let (body, body_too_large) = if declared_too_large {
        (Bytes::new(), true)
    } else if body.is_end_stream() {
        (Bytes::new(), false)
    } else {
        match Limited::new(body, limit as usize).collect().await {
            Ok(collected) => (collected.to_bytes(), false),
            Err(_) => (Bytes::new(), true), // over the limit (or the client went away)
        }
    };
    // Bodies of GET, HEAD and OPTIONS are read but carry no input.
    let body = if reads_body(&parts.method) {
        body
    } else {
        Bytes::new()
    };
    let mut response = respond(engine, dispatch, options, parts, body, body_too_large).await;
    if body_too_large {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

fn reads_body(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The engine's decision, answered here when it is an error JavaScript need not see, else
/// JavaScript's answer.
async fn respond(
    engine: &Engine,
    dispatch: &dyn Dispatch,
    options: &ServerOptions,
    parts: hyper::http::request::Parts,
    body: Bytes,
    body_too_large: bool,
) -> Response<Full<Bytes>> {
    let url = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let request_id = header("x-request-id");
    let api_key = engine.api_key_header().and_then(header);
    let outcome = engine.handle(&HttpRequest {
        method: parts.method.as_str(),
        url,
        content_type: header("content-type"),
        has_session: false,
        authorization: header("authorization"),
        cookie: header("cookie"),
        api_key,
        body: &body,
        body_too_large,
    });
    let mut body_for_js = None;
    if let Outcome::Fail(err) = &outcome {
        let hook_may_help = options.session_hook && err.kind == MISSING_SESSION;
        if hook_may_help {
            body_for_js = Some(body.clone());
        } else if !options.errors_to_js {
            let mut response = json_response(err.kind.status, wire::error_body(err, request_id));
            if let Some(allow) = err
                .allow
                .as_deref()
                .and_then(|a| HeaderValue::from_str(a).ok())
            {
                response.headers_mut().insert(ALLOW, allow);
            }
            return response;
        }
    }
    let wire = wire::encode(&outcome, request_id);
    let url = url.to_owned();
    drop(outcome);
    let head = parts.method == Method::HEAD;
    let call = Call {
        wire,
        method: parts.method,
        url,
        headers: parts.headers,
        body_too_large: body_for_js.is_some() && body_too_large,
        body: body_for_js,
    };
    let (sender, receiver) = tokio::sync::oneshot::channel();
    dispatch.dispatch(call, sender);
    match receiver.await {
        Ok(reply) => reply_response(reply, head),
        Err(_) => json_response(
            500,
            r#"{"name":"InternalServerError","message":"The function's answer was lost"}"#
                .to_owned(),
        ),
    }
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

fn json_response(status: u16, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    response
}

fn reply_response(reply: Reply, head: bool) -> Response<Full<Bytes>> {
    let has_body = !reply.body.is_empty();
    let body = if head {
        Bytes::new()
    } else {
        Bytes::from(reply.body)
    };
    let mut response = Response::new(Full::new(body));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in reply.headers {
        if let (Ok(name), Ok(value)) = (
            name.parse::<hyper::header::HeaderName>(),
            HeaderValue::from_str(&value),
        ) {
            headers.append(name, value);
        }
    }
    if has_body && !headers.contains_key(CONTENT_TYPE) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    }
    response
}
