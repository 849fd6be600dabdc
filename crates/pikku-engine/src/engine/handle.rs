//! The three ways in: [`Engine::handle`] routes an HTTP request, [`Engine::invoke`] takes an
//! entry the host framework routed, [`Engine::check`] an input given in-process; then the
//! session gate and the body limit before the input is built.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::failures::{fail, method_not_allowed, missing_session, not_found, payload_too_large};
use super::url::{normalize_path, split_url};
use super::{Engine, HttpRequest, Input, Outcome};
use crate::coerce::PathParams;
use crate::config::HttpMethod;
use crate::error::{RequestError, BAD_REQUEST};
use crate::input::{check_keys, decode_param, Source};
use crate::router::RouteMatch;
use crate::session::SessionParts;

impl Engine {
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
