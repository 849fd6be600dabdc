//! The per-request work: route, gate, parse, merge, coerce, validate — one call, raw bytes in.
//! This file holds the engine's types and small accessors; building, handling, input
//! assembly, error answers and URL handling live in the files next to it.

mod build;
mod failures;
mod handle;
mod request_input;
mod url;

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::channel::Channels;
// Only named in doc links.
#[cfg(doc)]
use crate::config::EngineConfig;
use crate::error::RequestError;
use crate::router::Router;
use crate::scope::Scopes;
use crate::session::{SessionParts, Sessions};
use crate::validate::InputSchema;
use build::Schemas;
use failures::missing_session;
pub(crate) use url::{normalize_path, split_url};

/// The default body limit: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 1024 * 1024;

/// Start-up errors, all of them, one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError(pub Vec<String>);

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for BuildError {}

/// One HTTP request as an adapter hands it over.
#[derive(Debug, Clone, Copy)]
pub struct HttpRequest<'a> {
    /// The request method (`GET`).
    pub method: &'a str,
    /// The path and query (`/todos/1?x=2`).
    pub url: &'a str,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// Whether the adapter found a session.
    pub has_session: bool,
    /// The `Authorization` header, read when sessions are configured.
    pub authorization: Option<&'a str>,
    /// The `Cookie` header, read when a session cookie is configured.
    pub cookie: Option<&'a str>,
    /// The API key header's value, read when API keys are configured.
    pub api_key: Option<&'a str>,
    /// The raw body.
    pub body: &'a [u8],
    /// The adapter stopped reading the body at the limit (its Content-Length said more, or
    /// more arrived): answered 413 once the route and the auth gate have passed.
    pub body_too_large: bool,
}

/// The input of a function that is ready to run.
#[derive(Debug, PartialEq)]
pub enum Input<'a> {
    /// The request body, unchanged, is the input (a JSON object with nothing to merge).
    Raw(&'a str),
    /// The input built from params, query and body.
    Built(Value),
    /// Params and query (a JSON object's text) in front of the members of the body's JSON
    /// object, sent as written: the body is never serialized again. A key in both holds the
    /// same value in both (a conflict is an error), so the duplicate is harmless.
    Spliced { prefix: String, body: &'a str },
}

/// What the engine decided.
#[derive(Debug, PartialEq)]
pub enum Outcome<'a> {
    /// Run target `target` with `input`, and the session the engine decoded, if any.
    Run {
        target: u32,
        input: Input<'a>,
        session: Option<Map<String, Value>>,
    },
    /// Answer with this error.
    Fail(RequestError),
}

#[derive(Debug)]
pub(crate) struct Target {
    pub(crate) label: String,
    pub(crate) auth: bool,
    schema: Option<Arc<InputSchema>>,
    /// An `sse` route: its answer is an event stream.
    streams: bool,
}

/// The engine: built once from an [`EngineConfig`], then shared by every request.
#[derive(Debug)]
pub struct Engine {
    router: Router,
    schemas: Schemas,
    pub(crate) targets: Vec<Target>,
    route_count: usize,
    /// Some route is an event stream (known at start-up: entries added later never are).
    has_streams: bool,
    pub(crate) max_body_bytes: u64,
    pub(crate) sessions: Option<Sessions>,
    pub(crate) channels: Channels,
    scopes: Scopes,
}

impl Engine {
    /// The 401 of a request to `target` without a session, where the target needs one (also
    /// when the app's session hook ends the session the engine decoded).
    pub fn session_required(&self, target: u32) -> RequestError {
        missing_session(
            self.targets
                .get(target as usize)
                .map_or("?", |t| t.label.as_str()),
        )
    }

    /// The indexes (in `middleware_scopes`) of the route-scoped middleware that covers a
    /// request: its path, or the route pattern that matched (`route`).
    pub fn middleware_scopes(&self, url: &str, route: Option<&str>) -> Vec<u32> {
        self.scopes.covering(url, route)
    }

    /// The header that carries API keys (lower-case), so that adapters pass its value.
    pub fn api_key_header(&self) -> Option<&str> {
        self.sessions.as_ref()?.api_key_header()
    }

    /// The `Set-Cookie` header that stores `session`, or clears the session cookie for `None`
    /// (a function called `setSession` / `clearSession`).
    pub fn session_cookie(&self, session: Option<&Value>) -> Result<String, String> {
        match &self.sessions {
            Some(decoder) => decoder.cookie_header(session),
            None => Err(
                "setSession and clearSession need `session.signedCookie` in the app's options"
                    .into(),
            ),
        }
    }

    /// Whether `target`'s answer is an event stream (an `sse` route), which a server must keep
    /// open for the events that follow the head.
    pub fn streams(&self, target: u32) -> bool {
        self.targets.get(target as usize).is_some_and(|t| t.streams)
    }

    /// Whether any route's answer is an event stream.
    pub fn has_streams(&self) -> bool {
        self.has_streams
    }

    /// The body limit in bytes, so that adapters stop reading past it.
    pub fn max_body_bytes(&self) -> u64 {
        self.max_body_bytes
    }

    /// Whether some route matches `url`'s path for any method (405s are still ours), so that
    /// a host framework's middleware can pass other paths on without reading their bodies.
    pub fn owns(&self, url: &str) -> bool {
        let (path, _) = split_url(url);
        self.router.allow(&normalize_path(path)).is_some()
    }

    /// The session of a request, when the app reads sessions.
    pub(crate) fn session_for(
        &self,
        parts: SessionParts<'_>,
        auth: bool,
    ) -> Result<Option<Map<String, Value>>, RequestError> {
        match &self.sessions {
            Some(sessions) => sessions.session_for(parts, auth),
            None => Ok(None),
        }
    }

    pub(crate) fn validate(&self, target: &Target, input: &Value) -> Result<(), RequestError> {
        match &target.schema {
            Some(schema) => schema.validate(input).map_err(|mut err| {
                err.message = format!("{}: {}", target.label, err.message);
                err
            }),
            None => Ok(()),
        }
    }
}
