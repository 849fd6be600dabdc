//! WebSocket channels: the upgrade request finds its channel and its session, then each
//! message is routed by a key (`{ "action": "create", ... }` → the function wired to `create`)
//! and validated against that function's input schema, as an HTTP request would be.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::config::{ChannelConfig, HttpMethod};
use crate::engine::{normalize_path, split_url, Engine, Input, Outcome};
use crate::error::{RequestError, BAD_REQUEST, MISSING_SESSION, NOT_FOUND, PAYLOAD_TOO_LARGE};
use crate::input::{check_object_keys, decode_param, Source};
use crate::router::{RouteMatch, Router};
use crate::session::SessionParts;

/// A WebSocket upgrade request as an adapter hands it over.
#[derive(Debug, Clone, Copy)]
pub struct UpgradeRequest<'a> {
    /// The path and query (`/ws/todos?token=…`).
    pub url: &'a str,
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// The `Cookie` header.
    pub cookie: Option<&'a str>,
    /// The API key header's value.
    pub api_key: Option<&'a str>,
    /// A JS hook decides on a missing session (the engine does not refuse the upgrade).
    pub has_session: bool,
}

/// The app's channels, compiled at start-up.
#[derive(Debug, Default)]
pub struct Channels {
    router: Router,
    channels: Vec<Channel>,
}

#[derive(Debug)]
struct Channel {
    name: String,
    auth: bool,
    routing_key: String,
    /// Handler targets by the routing key's value.
    handlers: HashMap<String, u32>,
    default_handler: Option<u32>,
}

impl Channels {
    /// Compiles the channels; `entry_target` maps an entry index to its target (or `None` when
    /// there is no such entry). Problems are added to `errors`.
    pub fn new(
        configs: &[ChannelConfig],
        entry_target: impl Fn(u32) -> Option<u32>,
        errors: &mut Vec<String>,
    ) -> Channels {
        let mut out = Channels::default();
        for (index, config) in configs.iter().enumerate() {
            let owner = format!("channel `{}`", config.name);
            if let Err(err) =
                out.router
                    .insert(HttpMethod::Get, &config.route, index as u32, Some(&owner))
            {
                errors.push(err.to_string());
            }
            let mut target_of = |entry: u32, what: &str| {
                let target = entry_target(entry);
                if target.is_none() {
                    errors.push(format!(
                        "PIKKU_ERR_CHANNEL: {owner} names entry {entry} for {what}, which does not exist"
                    ));
                }
                target
            };
            let handlers = (config.handlers.iter())
                .filter_map(|(value, entry)| {
                    Some((value.clone(), target_of(*entry, &format!("`{value}`"))?))
                })
                .collect();
            let default_handler =
                (config.default_handler).and_then(|entry| target_of(entry, "its default handler"));
            out.channels.push(Channel {
                name: config.name.clone(),
                auth: config.auth,
                routing_key: config
                    .routing_key
                    .clone()
                    .unwrap_or_else(|| "action".into()),
                handlers,
                default_handler,
            });
        }
        out
    }
}

impl Engine {
    /// The 401 of an upgrade to `channel` without a session, where the channel needs one (also
    /// when the app's session hook found none).
    pub fn channel_session_required(&self, channel: u32) -> RequestError {
        let name = (self.channels.channels.get(channel as usize)).map_or("?", |c| c.name.as_str());
        RequestError::new(
            MISSING_SESSION,
            format!("Channel `{name}` requires a session and the upgrade request has none; sign in first"),
        )
    }

    /// Finds the channel of an upgrade request and its session: `[channel, params, session?]`,
    /// or 404 (no channel there) and 401 (a channel with `auth` and no session, or a bad one).
    pub fn channel_connect(&self, request: &UpgradeRequest<'_>) -> Outcome<'static> {
        let (raw_path, query) = split_url(request.url);
        let path = normalize_path(raw_path);
        let path = path.as_ref();
        let (index, raw_params) = match self.channels.router.lookup(HttpMethod::Get, path) {
            RouteMatch::Found { target, params } => (target, params),
            _ => {
                return Outcome::Fail(RequestError::new(
                    NOT_FOUND,
                    format!("No channel is served at {path}"),
                ))
            }
        };
        let channel = &self.channels.channels[index as usize];
        let mut params = Map::new();
        for (name, raw) in raw_params.iter() {
            match decode_param(name, raw) {
                Ok(value) => params.insert(name.to_owned(), Value::String(value.into_owned())),
                Err(err) => return Outcome::Fail(err),
            };
        }
        let parts = SessionParts {
            authorization: request.authorization,
            cookie: request.cookie,
            api_key: request.api_key,
            query,
            upgrade: true,
        };
        let session = match self.session_for(parts, channel.auth) {
            Ok(session) => session,
            Err(err) => return Outcome::Fail(err),
        };
        if channel.auth && session.is_none() && !request.has_session {
            return Outcome::Fail(self.channel_session_required(index));
        }
        Outcome::Run {
            target: index,
            input: Input::Built(Value::Object(params)),
            session,
        }
    }

    /// Routes and validates one text message of channel `channel`: `[target, input]` for the
    /// handler (the routing key left out of its input), or an error to send back.
    pub fn channel_message(&self, channel: u32, text: &str, has_session: bool) -> Outcome<'static> {
        match self.route_message(channel, text, has_session) {
            Ok((target, input)) => Outcome::Run {
                target,
                input: Input::Built(input),
                session: None,
            },
            Err(err) => Outcome::Fail(err),
        }
    }

    fn route_message(
        &self,
        channel: u32,
        text: &str,
        has_session: bool,
    ) -> Result<(u32, Value), RequestError> {
        let channel = (self.channels.channels.get(channel as usize))
            .ok_or_else(|| RequestError::new(BAD_REQUEST, format!("Unknown channel {channel}")))?;
        if text.len() as u64 > self.max_body_bytes {
            return Err(RequestError::new(
                PAYLOAD_TOO_LARGE,
                format!(
                    "The message is larger than the limit of {} bytes (the app's `maxBodyBytes`)",
                    self.max_body_bytes
                ),
            ));
        }
        let bad = |why: String| RequestError::new(BAD_REQUEST, why);
        let mut message = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                return Err(bad(format!(
                    "A message of channel `{}` must be a JSON object such as {{\"{}\": \"…\"}}",
                    channel.name, channel.routing_key
                )))
            }
            Err(err) => return Err(bad(format!("The message is not JSON: {err}"))),
        };
        check_object_keys(&message, Source::Body)?;
        let routed = match message.get(&channel.routing_key) {
            Some(Value::String(value)) => channel.handlers.get(value).copied(),
            _ => None,
        };
        let target = match (routed, channel.default_handler) {
            (Some(target), _) => {
                message.remove(&channel.routing_key);
                target
            }
            (None, Some(target)) => target,
            (None, None) => {
                let mut known: Vec<&str> = channel.handlers.keys().map(String::as_str).collect();
                known.sort_unstable();
                return Err(RequestError::new(
                    NOT_FOUND,
                    match message.get(&channel.routing_key) {
                        Some(Value::String(value)) => format!("Channel `{}` has no handler for {} `{value}`; known: {}", channel.name, channel.routing_key, known.join(", ")),
                        _ => format!("A message of channel `{}` needs a string `{}` naming its handler (one of: {})", channel.name, channel.routing_key, known.join(", ")),
                    },
                ));
            }
        };
        let target_info = &self.targets[target as usize];
        if target_info.auth && !has_session {
            return Err(RequestError::new(
                MISSING_SESSION,
                format!(
                    "{} requires a session and the connection has none",
                    target_info.label
                ),
            ));
        }
        let input = Value::Object(message);
        self.validate(target_info, &input)?;
        Ok((target, input))
    }
}
