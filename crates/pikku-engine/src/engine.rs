//! The per-request work: route, gate, parse, merge, coerce, validate — one call, raw bytes in.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::body::{parse_body, parse_json, Body};
use crate::channel::Channels;
use crate::coerce::{
    coerce_pairs, coerce_params, params_json, params_repeat, CoercionPlan, PathParams,
};
use crate::config::{EngineConfig, EntryConfig, HttpMethod};
use crate::error::{
    RequestError, BAD_REQUEST, METHOD_NOT_ALLOWED, MISSING_SESSION, NOT_FOUND, PAYLOAD_TOO_LARGE,
};
use crate::input::{
    check_keys, check_object_keys, decode_param, merge_before_body, merge_into, parse_query, Source,
};
use crate::router::{RouteMatch, Router};
use crate::scope::Scopes;
use crate::session::{SessionParts, Sessions};
use crate::shared_defs;
use crate::validate::{text_accepted, InputSchema};

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
}

/// The engine: built once from an [`EngineConfig`], then shared by every request.
#[derive(Debug)]
pub struct Engine {
    router: Router,
    schemas: Schemas,
    pub(crate) targets: Vec<Target>,
    route_count: usize,
    pub(crate) max_body_bytes: u64,
    pub(crate) sessions: Option<Sessions>,
    pub(crate) channels: Channels,
    scopes: Scopes,
}

/// The named input schemas: compiled when a route or entry first names one (a metadata file
/// also holds output schemas, which are never compiled).
#[derive(Debug)]
struct Schemas {
    sources: BTreeMap<String, Value>,
    /// The definitions the sources share (`#/$defs/Name`).
    shared: BTreeMap<String, Value>,
    compiled: HashMap<String, Arc<InputSchema>>,
}

impl Schemas {
    /// Schema `name`, which `owner` (a route or function, for the message) names.
    fn compiled(&mut self, owner: &str, name: &str) -> Result<Arc<InputSchema>, String> {
        if let Some(schema) = self.compiled.get(name) {
            return Ok(schema.clone());
        }
        let Some(source) = self.sources.get(name) else {
            return Err(format!(
                "PIKKU_ERR_SCHEMA_MISSING: {owner} names input schema `{name}`, which is not among the schemas given; add it to `schemas` or run the code generator"
            ));
        };
        let full = shared_defs::with_shared_defs(source, &self.shared);
        let schema = Arc::new(InputSchema::compile(&full).map_err(|err| {
            format!("PIKKU_ERR_SCHEMA_INVALID: schema `{name}` is not a valid JSON Schema: {err}")
        })?);
        self.compiled.insert(name.to_owned(), schema.clone());
        Ok(schema)
    }
}

impl Engine {
    /// Compiles routes and the schemas they name; every problem is reported at once.
    pub fn new(config: EngineConfig) -> Result<Engine, BuildError> {
        let mut errors = Vec::new();
        let mut schemas = Schemas {
            sources: config.schemas,
            shared: config.defs,
            compiled: HashMap::new(),
        };
        let mut resolve = |owner: &str, name: &Option<String>| -> Option<Arc<InputSchema>> {
            match schemas.compiled(owner, name.as_deref()?) {
                Ok(schema) => Some(schema),
                Err(error) => {
                    if !errors.contains(&error) {
                        errors.push(error);
                    }
                    None
                }
            }
        };
        let mut targets = Vec::with_capacity(config.routes.len() + config.entries.len());
        for route in &config.routes {
            let label = format!("{} {}", route.method.as_upper(), route.route);
            let schema = resolve(&label, &route.input_schema);
            targets.push(Target {
                label,
                auth: route.auth,
                schema,
            });
        }
        for entry in &config.entries {
            let schema = resolve(&format!("function `{}`", entry.name), &entry.input_schema);
            targets.push(Target {
                label: entry.name.clone(),
                auth: entry.auth,
                schema,
            });
        }
        let mut router = Router::default();
        for (index, route) in config.routes.iter().enumerate() {
            if let Err(err) = router.insert(
                route.method,
                &route.route,
                index as u32,
                route.registered_by.as_deref(),
            ) {
                errors.push(err.to_string());
            }
        }
        let sessions = match config.session.as_ref().map(Sessions::new) {
            Some(Ok(decoder)) => Some(decoder),
            Some(Err(mut errs)) => {
                errors.append(&mut errs);
                None
            }
            None => None,
        };
        let route_count = config.routes.len();
        let entry_count = config.entries.len();
        let channels = Channels::new(
            &config.channels,
            |entry| ((entry as usize) < entry_count).then(|| (route_count + entry as usize) as u32),
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(BuildError(errors));
        }
        Ok(Engine {
            scopes: Scopes::new(&config.middleware_scopes),
            channels,
            router,
            schemas,
            targets,
            route_count: config.routes.len(),
            max_body_bytes: config.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
            sessions,
        })
    }

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

    /// Adds an entry after start-up (a Next.js route file loaded on first use). `inline_schema`,
    /// when given, is compiled and used instead of a named schema. Returns the entry index.
    pub fn add_entry(
        &mut self,
        entry: EntryConfig,
        inline_schema: Option<&Value>,
    ) -> Result<u32, BuildError> {
        let schema = match (inline_schema, &entry.input_schema) {
            (Some(schema), _) => Some(Arc::new(InputSchema::compile(schema).map_err(|err| {
                BuildError(vec![format!(
                    "PIKKU_ERR_SCHEMA_INVALID: the input schema of `{}` is not a valid JSON Schema: {err}",
                    entry.name
                )])
            })?)),
            (None, Some(name)) => Some(
                (self.schemas)
                    .compiled(&format!("function `{}`", entry.name), name)
                    .map_err(|error| BuildError(vec![error]))?,
            ),
            (None, None) => None,
        };
        self.targets.push(Target {
            label: entry.name,
            auth: entry.auth,
            schema,
        });
        Ok((self.targets.len() - 1 - self.route_count) as u32)
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

    /// Routes and prepares one HTTP request.
    pub fn handle<'a>(&'a self, request: &HttpRequest<'a>) -> Outcome<'a> {
        let (raw_path, query) = split_url(request.url);
        let path = normalize_path(raw_path);
        let path = path.as_ref();
        let Some(method) = HttpMethod::parse(request.method) else {
            return match self.router.allow(path) {
                Some(allow) => method_not_allowed(request.method, path, allow),
                None => fail(not_found(request.method, path)),
            };
        };
        let (target, raw_params) = match self.router.lookup(method, path) {
            RouteMatch::Found { target, params } => (target, params),
            RouteMatch::NotFound => return fail(not_found(request.method, path)),
            RouteMatch::MethodNotAllowed { allow } => {
                return method_not_allowed(request.method, path, allow)
            }
        };
        let mut params = PathParams::new();
        for (name, raw) in raw_params.iter() {
            match decode_param(name, raw) {
                Ok(value) => params.push((Cow::Borrowed(name), value)),
                Err(err) => return fail(err),
            }
        }
        self.prepare(target, request, method, params, query)
    }

    /// Prepares a call of entry `entry` (routing done by the host framework): `params` are
    /// the host's path parameters as a JSON object of strings (or string arrays).
    pub fn invoke<'a>(
        &'a self,
        entry: u32,
        params_json: &str,
        request: &HttpRequest<'a>,
    ) -> Outcome<'a> {
        let Some(target) = self.entry_target(entry) else {
            return fail(RequestError::new(
                BAD_REQUEST,
                format!("Unknown entry {entry}"),
            ));
        };
        let params = match serde_json::from_str::<Map<String, Value>>(params_json) {
            Ok(map) => flatten_params(map),
            Err(err) => {
                return fail(RequestError::new(
                    BAD_REQUEST,
                    format!("Path parameters are not a JSON object: {err}"),
                ))
            }
        };
        let (_, query) = split_url(request.url);
        let method = HttpMethod::parse(request.method).unwrap_or(HttpMethod::Post);
        self.prepare(target, request, method, params, query)
    }

    /// Checks an input given in-process (server components and actions) for entry `entry`.
    pub fn check(&self, entry: u32, has_session: bool, input_json: &str) -> Outcome<'static> {
        let Some(target_index) = self.entry_target(entry) else {
            return fail(RequestError::new(
                BAD_REQUEST,
                format!("Unknown entry {entry}"),
            ));
        };
        let target = &self.targets[target_index as usize];
        if target.auth && !has_session {
            return fail(missing_session(&target.label));
        }
        let value: Value = match serde_json::from_str(input_json) {
            Ok(value) => value,
            Err(err) => {
                return fail(RequestError::new(
                    BAD_REQUEST,
                    format!("The input is not JSON: {err}"),
                ))
            }
        };
        if let Err(err) = check_keys(&value, Source::Body) {
            return fail(err);
        }
        if let Err(err) = self.validate(target, &value) {
            return fail(err);
        }
        Outcome::Run {
            target: target_index,
            input: Input::Built(value),
            session: None,
        }
    }

    fn entry_target(&self, entry: u32) -> Option<u32> {
        let index = self.route_count + entry as usize;
        (index < self.targets.len()).then_some(index as u32)
    }

    fn prepare<'a>(
        &'a self,
        target_index: u32,
        request: &HttpRequest<'a>,
        method: HttpMethod,
        params: PathParams<'_>,
        query: &str,
    ) -> Outcome<'a> {
        let target = &self.targets[target_index as usize];
        let parts = SessionParts {
            authorization: request.authorization,
            cookie: request.cookie,
            api_key: request.api_key,
            query,
            upgrade: false,
        };
        let session = match self.session_for(parts, target.auth) {
            Ok(session) => session,
            Err(err) => return fail(err),
        };
        if target.auth && !request.has_session && session.is_none() {
            return fail(missing_session(&target.label));
        }
        if request.body_too_large || request.body.len() as u64 > self.max_body_bytes {
            return fail(payload_too_large(self.max_body_bytes));
        }
        match self.build_input(target, method, params, query, request) {
            Ok(input) => Outcome::Run {
                target: target_index,
                input,
                session,
            },
            Err(err) => fail(err),
        }
    }

    fn build_input<'a>(
        &self,
        target: &Target,
        method: HttpMethod,
        params: PathParams<'_>,
        query: &str,
        request: &HttpRequest<'a>,
    ) -> Result<Input<'a>, RequestError> {
        let body = if method.reads_body() {
            parse_body(request.content_type, request.body)?
        } else {
            Body::Empty
        };
        if matches!(body, Body::Empty) && query.is_empty() && params.is_empty() {
            // No input at all (`GET /hello`): nothing to merge.
            let input = Value::Object(Map::new());
            self.validate(target, &input)?;
            return Ok(Input::Built(input));
        }
        let plan = target.schema.as_deref().map(|s| &s.coercion);
        if let (Body::Json(text), true, false) = (&body, query.is_empty(), params_repeat(&params)) {
            // The usual request with a body: the params' object written without making it.
            let earlier = (!params.is_empty()).then(|| params_json(plan, &params));
            if let Some(input) = accepted_text(target, earlier, text) {
                return Ok(input);
            }
        }
        // Path params come first and their names are distinct: they are the merge so far.
        let mut merged = coerce_params(plan, params);
        let mut sources = Vec::new();
        if !query.is_empty() {
            if let Err(err) = self.merge_query(plan, query, &mut merged, &mut sources) {
                // The body is read first: a malformed one is the error to report.
                if let Body::Json(text) = body {
                    parse_json(text)?;
                }
                return Err(err);
            }
        }
        // Params and query as a JSON object, to go in front of a JSON object body.
        let prefix = || serde_json::to_string(&merged).unwrap_or_default();
        let (from_body, raw) = match body {
            Body::Empty => (Map::new(), None),
            Body::Json(text) => {
                if !query.is_empty() {
                    if let Some(input) =
                        accepted_text(target, (!merged.is_empty()).then(prefix), text)
                    {
                        return Ok(input);
                    }
                }
                match parse_json(text)? {
                    Value::Object(map) => (map, Some(text)),
                    value => (Map::from_iter([("data".to_owned(), value)]), None),
                }
            }
            Body::Form(pairs) => (coerce_pairs(plan, pairs), None),
            Body::Text(text) => (
                Map::from_iter([("data".to_owned(), Value::String(text))]),
                None,
            ),
        };
        check_object_keys(&from_body, Source::Body)?;
        let Some(raw) = raw else {
            merge_into(&mut merged, &mut sources, from_body, Source::Body)?;
            let input = Value::Object(merged);
            self.validate(target, &input)?;
            return Ok(Input::Built(input));
        };
        // A JSON object body is sent on as written; params and query go in front of it.
        if merged.is_empty() {
            self.validate(target, &Value::Object(from_body))?;
            return Ok(Input::Raw(raw));
        }
        let prefix = prefix();
        let mut input = from_body;
        merge_before_body(&mut input, merged, &sources)?;
        self.validate(target, &Value::Object(input))?;
        Ok(Input::Spliced { prefix, body: raw })
    }

    /// Adds the query's pairs (less an API key sent in it) to `merged`.
    fn merge_query(
        &self,
        plan: Option<&CoercionPlan>,
        query: &str,
        merged: &mut Map<String, Value>,
        sources: &mut Vec<(String, Source)>,
    ) -> Result<(), RequestError> {
        let mut pairs = parse_query(query)?;
        if let Some(key) = self.sessions.as_ref().and_then(|s| s.api_key_query()) {
            pairs.retain(|(name, _)| name != key);
        }
        let pairs = coerce_pairs(plan, pairs);
        check_object_keys(&pairs, Source::Query)?;
        merge_into(merged, sources, pairs, Source::Query)
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

/// The input of a JSON object body decided on its text, with `earlier` (params and query as a
/// JSON object) in front of it: `None` when the text check is not sure, and the body takes
/// the full path.
fn accepted_text<'a>(target: &Target, earlier: Option<String>, text: &'a str) -> Option<Input<'a>> {
    if !text_accepted(target.schema.as_deref(), earlier.as_deref(), text) {
        return None;
    }
    Some(match earlier {
        None => Input::Raw(text),
        Some(prefix) => Input::Spliced { prefix, body: text },
    })
}

fn fail(err: RequestError) -> Outcome<'static> {
    Outcome::Fail(err)
}

fn missing_session(label: &str) -> RequestError {
    RequestError::new(
        MISSING_SESSION,
        format!("{label} requires a session and the request has none; sign in first"),
    )
}

fn not_found(method: &str, path: &str) -> RequestError {
    RequestError::new(
        NOT_FOUND,
        format!("No route matches {} {path}", shorten_method(method)),
    )
}

fn payload_too_large(limit: u64) -> RequestError {
    RequestError::new(
        PAYLOAD_TOO_LARGE,
        format!(
            "The request body is larger than the limit of {limit} bytes (the app's `maxBodyBytes`)"
        ),
    )
}

fn method_not_allowed(method: &str, path: &str, allow: &str) -> Outcome<'static> {
    let mut err = RequestError::new(
        METHOD_NOT_ALLOWED,
        format!(
            "{} is not allowed on {path}; allowed: {allow}",
            shorten_method(method)
        ),
    );
    err.allow = Some(allow.to_owned());
    fail(err)
}

fn shorten_method(method: &str) -> String {
    method
        .chars()
        .take(16)
        .filter(|c| c.is_ascii_graphic())
        .collect()
}

/// The path as every adapter must see it: an absolute-form target (`http://host/x`) loses its
/// scheme and authority, and `.`/`..` segments (also as `%2e`) are resolved as a URL parser
/// would, so `/a/../b` and `/b` route alike whichever adapter received them.
pub(crate) fn normalize_path(path: &str) -> std::borrow::Cow<'_, str> {
    // The usual origin-form path: no scheme to drop, and no `.` or `%2e` segment possible.
    if path.starts_with('/') && !path.bytes().any(|b| b == b'.' || b == b'%') {
        return std::borrow::Cow::Borrowed(path);
    }
    let path = match path.split_once("://") {
        Some((scheme, rest)) if !scheme.contains('/') => rest.find('/').map_or("/", |i| &rest[i..]),
        _ => path,
    };
    let is_dot = |s: &str| s == "." || s.eq_ignore_ascii_case("%2e");
    let is_dot_dot = |s: &str| {
        ["..", ".%2e", "%2e.", "%2e%2e"]
            .iter()
            .any(|dots| s.eq_ignore_ascii_case(dots))
    };
    if !path.split('/').any(|s| is_dot(s) || is_dot_dot(s)) {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if is_dot(segment) {
            if last {
                segments.push("");
            }
        } else if is_dot_dot(segment) {
            segments.pop();
            if last {
                segments.push("");
            }
        } else {
            segments.push(segment);
        }
    }
    std::borrow::Cow::Owned(format!("/{}", segments.join("/")))
}

/// The path and query of a URL (`/todos?x=1#top` → `/todos`, `x=1`); a fragment is dropped.
pub(crate) fn split_url(url: &str) -> (&str, &str) {
    match url.bytes().position(|b| b == b'?' || b == b'#') {
        Some(at) if url.as_bytes()[at] == b'?' => {
            let rest = &url[at + 1..];
            (
                &url[..at],
                rest.split_once('#').map_or(rest, |(query, _)| query),
            )
        }
        Some(at) => (&url[..at], ""),
        None => (url, ""),
    }
}

fn flatten_params(map: Map<String, Value>) -> PathParams<'static> {
    let mut out = PathParams::with_capacity(map.len());
    for (key, value) in map {
        let value = match value {
            Value::String(s) => s,
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("/"),
            other => other.to_string(),
        };
        out.push((Cow::Owned(key), Cow::Owned(value)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_splits_into_path_and_query_without_fragment() {
        assert_eq!(split_url("/todos"), ("/todos", ""));
        assert_eq!(split_url("/todos?a=1&b=2"), ("/todos", "a=1&b=2"));
        assert_eq!(split_url("/todos?a=1#top"), ("/todos", "a=1"));
        assert_eq!(split_url("/todos#top?a=1"), ("/todos", ""));
        assert_eq!(split_url("/todos?"), ("/todos", ""));
        assert_eq!(split_url("/é?q=ü"), ("/é", "q=ü"));
    }

    #[test]
    fn paths_are_normalized_only_when_needed() {
        assert!(matches!(
            normalize_path("/todos/42"),
            std::borrow::Cow::Borrowed("/todos/42")
        ));
        assert_eq!(normalize_path("/a/./b/../c"), "/a/c");
        assert_eq!(normalize_path("/a/%2E%2e/b"), "/b");
        assert_eq!(normalize_path("/file.txt"), "/file.txt");
        assert_eq!(normalize_path("http://host/x/../y"), "/y");
        assert_eq!(normalize_path("todos"), "todos");
    }
}
