//! The napi binding: converts JavaScript arguments into engine calls and engine answers into
//! one string (or, for a run without input, a bare target number). No request logic lives here; it is all in `pikku-engine`. The scheduler's
//! binding is in [`scheduler`], over `pikku-scheduler`; the standalone server's in [`server`],
//! over `pikku-server`.
//!
//! The engine crosses to JavaScript as an `External`: a call on it costs about 160 ns less
//! than a method on a `#[napi]` class, whose borrow bookkeeping runs on every call.
//!
//! Every call that runs the engine on what a client sent catches panics (`catch_unwind`, and
//! by hand in `handle`): a bug one request reaches throws an error for that request instead of
//! aborting the process.

mod fast_handle;
pub mod scheduler;
pub mod server;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use pikku_engine::{wire, Engine, EngineConfig, HttpRequest, UpgradeRequest};

/// Builds the engine from an `EngineConfig` JSON string; throws with every start-up problem
/// (route conflicts, bad or missing schemas), one per line.
#[napi(ts_return_type = "ExternalObject<'PikkuEngine'>")]
pub fn create_engine(config_json: String) -> Result<External<Engine>> {
    let config: EngineConfig = serde_json::from_str(&config_json).map_err(|err| {
        Error::from_reason(format!("PIKKU_ERR_CONFIG: invalid engine config: {err}"))
    })?;
    let engine = Engine::new(config).map_err(|err| Error::from_reason(err.to_string()))?;
    Ok(External::new(engine))
}

/// The body limit in bytes.
#[napi]
pub fn max_body_bytes(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &External<Engine>,
) -> f64 {
    engine.max_body_bytes() as f64
}

/// `owns(url)`, bound to `engine`: whether a route matches the path of `url` for some method,
/// so that a host framework's middleware can pass other paths on without reading their
/// bodies. A plain N-API callback (src/fast_handle/owns.rs) that keeps the engine as its
/// read-only `engine` property, as `handlerFor`'s `handle` does.
#[napi(
    ts_return_type = "((url: string) => boolean) & { readonly engine: ExternalObject<'PikkuEngine'> }"
)]
pub fn owner_for<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: Unknown<'env>,
) -> Result<Unknown<'env>> {
    bound(env, engine, fast_handle::bind_owns)
}

/// The function `bind` makes for `engine` (`handle`, `owns`), as a value of this env.
fn bound<'env>(
    env: &'env Env,
    engine: Unknown<'env>,
    bind: unsafe fn(sys::napi_env, sys::napi_value) -> Result<sys::napi_value>,
) -> Result<Unknown<'env>> {
    // SAFETY: `env` is this call's, and `engine` one of its arguments (`bind`'s contract).
    let function = unsafe { bind(env.raw(), engine.value().value)? };
    // SAFETY: `function` was just made in this env.
    Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), function) })
}

/// The engine's call for one request, bound to `engine`: `handle(method, url, body?,
/// bodyTooLarge?, contentType?, hasSession?, requestId?, authorization?, cookie?, apiKey?)`
/// routes and prepares it (`bodyTooLarge`: the adapter stopped reading the body at the limit;
/// `authorization`, `cookie` and `apiKey` only when sessions are configured). Arguments after
/// the url may be left out: no body, no headers, no session. It returns `[target, input,
/// session?]` or `[-status, errorBody, allow?]` as JSON text, or the bare `target` of a run with
/// an empty input and no session (no text to parse). A plain N-API callback (src/fast_handle.rs)
/// that keeps the engine as its read-only `engine` property.
///
/// The arguments are `HANDLE_ARGS` (crates/pikku-engine/src/boundary.rs). napi-rs takes the
/// type below only as a literal: a test of pikku-engine fails when it (or index.d.ts) differs
/// from `HANDLE_ARGS`, and lib/native.ts does not compile when it differs from the generated
/// `HandleArgs`.
///
/// ```js
/// const handle = handlerFor(createEngine(config))
/// handle('GET', '/hello') // 0: the first route's target, with no input
/// ```
#[napi(
    ts_return_type = "((method: string, url: string, body?: Uint8Array | undefined | null, bodyTooLarge?: boolean | undefined | null, contentType?: string | undefined | null, hasSession?: boolean | undefined | null, requestId?: string | undefined | null, authorization?: string | undefined | null, cookie?: string | undefined | null, apiKey?: string | undefined | null) => number | string) & { readonly engine: ExternalObject<'PikkuEngine'> }"
)]
pub fn handler_for<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: Unknown<'env>,
) -> Result<Unknown<'env>> {
    bound(env, engine, fast_handle::bind_handle)
}

/// Benchmark only: keeps a parsed JSON value on the Rust side.
#[cfg(feature = "boundary-shapes")]
#[napi]
pub fn bench_keep_value(json: String) -> Result<External<serde_json::Value>> {
    serde_json::from_str(&json)
        .map(External::new)
        .map_err(|err| Error::from_reason(err.to_string()))
}

/// Benchmark only: builds the kept value as JS objects through N-API, the boundary shape the
/// engine does not use (it returns a JSON string that JS parses).
#[cfg(feature = "boundary-shapes")]
#[napi]
pub fn bench_value_to_js(value: &External<serde_json::Value>) -> serde_json::Value {
    (**value).clone()
}

/// A request routed by the host framework (Next.js file routes, Express routes), by name: the
/// fields of a request as the engine reads them. Named, not positional, so that two strings
/// cannot change places unnoticed; `index.d.ts` types it from this struct.
#[napi(object)]
pub struct HostRequest {
    pub method: String,
    pub url: String,
    /// The host's path parameters, as a JSON object.
    pub params_json: String,
    pub content_type: Option<String>,
    pub request_id: Option<String>,
    pub authorization: Option<String>,
    pub cookie: Option<String>,
    pub api_key: Option<String>,
    /// Whether an app hook decides on a missing session (no 401 here).
    pub has_session: bool,
    pub body: Uint8Array,
    /// The adapter stopped reading the body at the limit.
    pub body_too_large: bool,
}

/// Prepares a call of an entry routed by the host framework. Returns the engine's answer
/// as `handle` does.
#[napi(catch_unwind)]
pub fn invoke(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &External<Engine>,
    entry: u32,
    request: HostRequest,
) -> String {
    let http = HttpRequest {
        method: &request.method,
        url: &request.url,
        content_type: request.content_type.as_deref(),
        has_session: request.has_session,
        authorization: request.authorization.as_deref(),
        cookie: request.cookie.as_deref(),
        api_key: request.api_key.as_deref(),
        body: &request.body,
        body_too_large: request.body_too_large,
    };
    wire::encode(
        &engine.invoke(entry, &request.params_json, &http),
        request.request_id.as_deref(),
    )
}

/// A WebSocket upgrade request, by name: what the engine reads to find its channel and session.
#[napi(object)]
pub struct UpgradeArgs {
    pub url: String,
    pub request_id: Option<String>,
    pub authorization: Option<String>,
    pub cookie: Option<String>,
    pub api_key: Option<String>,
    /// Whether an app hook decides on a missing session (no 401 here).
    pub has_session: bool,
}

/// Finds the channel of a WebSocket upgrade request and its session. Returns
/// `[channel, params, session?]` or `[-status, errorBody]`.
#[napi(catch_unwind)]
pub fn channel_connect(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &External<Engine>,
    request: UpgradeArgs,
) -> String {
    let upgrade = UpgradeRequest {
        url: &request.url,
        authorization: request.authorization.as_deref(),
        cookie: request.cookie.as_deref(),
        api_key: request.api_key.as_deref(),
        has_session: request.has_session,
    };
    wire::encode(
        &engine.channel_connect(&upgrade),
        request.request_id.as_deref(),
    )
}

/// Routes and validates one text message of a channel. Returns `[target, input]` or
/// `[-status, errorBody]`.
#[napi(catch_unwind)]
pub fn channel_message(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &External<Engine>,
    channel: u32,
    text: String,
    has_session: bool,
) -> String {
    wire::encode(&engine.channel_message(channel, &text, has_session), None)
}

/// The engine's 401 answer (`[-401, errorBody]`) for `target` (an answer's first element)
/// without a session: for when the app's session hook ends the session the engine decoded.
#[napi]
pub fn session_required(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &External<Engine>,
    target: u32,
    request_id: Option<String>,
) -> String {
    wire::encode_error(&engine.session_required(target), request_id.as_deref())
}

/// The engine's 401 answer for an upgrade to `channel` without a session: for when the app's
/// session hook finds none.
#[napi]
pub fn channel_session_required(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &External<Engine>,
    channel: u32,
    request_id: Option<String>,
) -> String {
    wire::encode_error(
        &engine.channel_session_required(channel),
        request_id.as_deref(),
    )
}

/// Which route-scoped middleware (indexes into the config's `middlewareScopes`) covers a
/// request: its URL, or the route pattern that matched.
#[napi]
pub fn middleware_scopes(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &External<Engine>,
    url: String,
    route: Option<String>,
) -> Vec<u32> {
    engine.middleware_scopes(&url, route.as_deref())
}

/// The header that carries API keys (lower-case), when the app reads API keys from one.
#[napi]
pub fn api_key_header(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &External<Engine>,
) -> Option<String> {
    engine.api_key_header().map(str::to_owned)
}

/// The `Set-Cookie` header that stores a session (`session_json`) or clears it (`null`).
#[napi(catch_unwind)]
pub fn session_cookie(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &External<Engine>,
    session_json: Option<String>,
) -> Result<String> {
    let session = match session_json {
        Some(json) => Some(
            serde_json::from_str::<serde_json::Value>(&json)
                .map_err(|err| Error::from_reason(format!("the session is not JSON: {err}")))?,
        ),
        None => None,
    };
    engine
        .session_cookie(session.as_ref())
        .map_err(|err| Error::from_reason(format!("PIKKU_ERR_SESSION: {err}")))
}

/// Checks an in-process call's input for an entry. Returns `[target, input]` or an error.
#[napi(catch_unwind)]
pub fn check(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &External<Engine>,
    entry: u32,
    has_session: bool,
    input_json: String,
) -> String {
    wire::encode(&engine.check(entry, has_session, &input_json), None)
}

/// Adds an entry (an `EntryConfig` JSON string, and optionally its inline input schema as
/// JSON) and returns its index for `invoke` and `check`.
#[napi]
pub fn add_entry(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &mut External<Engine>,
    entry_json: String,
    inline_schema_json: Option<String>,
) -> Result<u32> {
    let entry = serde_json::from_str(&entry_json)
        .map_err(|err| Error::from_reason(format!("PIKKU_ERR_CONFIG: invalid entry: {err}")))?;
    let schema: Option<serde_json::Value> = inline_schema_json
        .map(|text| serde_json::from_str(&text))
        .transpose()
        .map_err(|err| {
            Error::from_reason(format!("PIKKU_ERR_CONFIG: invalid inline schema: {err}"))
        })?;
    engine
        .add_entry(entry, schema.as_ref())
        .map_err(|err| Error::from_reason(err.to_string()))
}

/// The `errorId` for an error raised in JavaScript: the client's `x-request-id` when it is
/// safe to echo, else a fresh UUID.
#[napi]
pub fn request_id(client_id: Option<String>) -> String {
    pikku_engine::error::request_id(client_id.as_deref())
}

/// Checks a metadata file written by the code generator; throws naming every problem.
#[napi]
pub fn check_metadata(origin: String, text: String) -> Result<()> {
    pikku_engine::metadata::load_metadata(&origin, &text)
        .map(|_| ())
        .map_err(Error::from_reason)
}
