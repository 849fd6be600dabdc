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

// The engine allocates per request (JSON trees, strings); mimalloc is much faster at that
// than glibc malloc inside Node's process.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// Whether a route matches the path of `url` (any method).
#[napi]
pub fn owns(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &External<Engine>,
    url: String,
) -> bool {
    engine.owns(&url)
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
    // SAFETY: `env` is this call's, and `engine` one of its arguments.
    let function = unsafe { fast_handle::bind_handle(env.raw(), engine.value().value)? };
    // SAFETY: `function` was just made in this env.
    Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), function) })
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

/// Prepares a call of an entry routed by the host framework (Next.js file routes, Express
/// routes); `params_json` holds the host's path parameters.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn invoke(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &External<Engine>,
    entry: u32,
    params_json: String,
    method: String,
    url: String,
    content_type: Option<String>,
    request_id: Option<String>,
    authorization: Option<String>,
    cookie: Option<String>,
    api_key: Option<String>,
    has_session: bool,
    body: &[u8],
    body_too_large: bool,
) -> String {
    let request = HttpRequest {
        method: &method,
        url: &url,
        content_type: content_type.as_deref(),
        has_session,
        authorization: authorization.as_deref(),
        cookie: cookie.as_deref(),
        api_key: api_key.as_deref(),
        body,
        body_too_large,
    };
    wire::encode(
        &engine.invoke(entry, &params_json, &request),
        request_id.as_deref(),
    )
}

/// Finds the channel of a WebSocket upgrade request and its session. Returns
/// `[channel, params, session?]` or `[-status, errorBody]`.
#[napi(catch_unwind)]
pub fn channel_connect(
    #[napi(ts_arg_type = "ExternalObject<'PikkuEngine'>")] engine: &External<Engine>,
    url: String,
    request_id: Option<String>,
    authorization: Option<String>,
    cookie: Option<String>,
    api_key: Option<String>,
    has_session: bool,
) -> String {
    let request = UpgradeRequest {
        url: &url,
        authorization: authorization.as_deref(),
        cookie: cookie.as_deref(),
        api_key: api_key.as_deref(),
        has_session,
    };
    wire::encode(&engine.channel_connect(&request), request_id.as_deref())
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
