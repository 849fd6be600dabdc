//! The contract types that cross from TypeScript into the engine: the start-up configuration
//! and the metadata file the code generator writes. Defined once here, exported to TypeScript
//! with ts-rs and described as JSON Schema with schemars.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The HTTP methods a route can be wired to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl HttpMethod {
    /// All methods, in the order used for `Allow` headers.
    pub const ALL: [HttpMethod; 7] = [
        HttpMethod::Get,
        HttpMethod::Head,
        HttpMethod::Post,
        HttpMethod::Put,
        HttpMethod::Patch,
        HttpMethod::Delete,
        HttpMethod::Options,
    ];

    /// Parses a request method, case-insensitively. Unknown methods give `None`.
    pub fn parse(method: &str) -> Option<HttpMethod> {
        // As sent (upper case) by every client in practice: exact comparisons first.
        let named = |same: fn(&str, &str) -> bool| {
            Self::ALL.into_iter().find(|m| same(m.as_upper(), method))
        };
        named(|a, b| a == b).or_else(|| named(str::eq_ignore_ascii_case))
    }

    /// The method as sent on the wire (`GET`).
    pub fn as_upper(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
        }
    }

    /// Position in [`HttpMethod::ALL`], used as an array index.
    pub fn index(self) -> usize {
        match self {
            HttpMethod::Get => 0,
            HttpMethod::Head => 1,
            HttpMethod::Post => 2,
            HttpMethod::Put => 3,
            HttpMethod::Patch => 4,
            HttpMethod::Delete => 5,
            HttpMethod::Options => 6,
        }
    }

    /// Whether a request body carries input for this method.
    pub fn reads_body(self) -> bool {
        !matches!(
            self,
            HttpMethod::Get | HttpMethod::Head | HttpMethod::Options
        )
    }
}

/// How the engine is set up at start-up (built by the TypeScript layer from the wirings).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EngineConfig {
    /// HTTP routes, in registration order. Route `i` answers with target index `i`.
    pub routes: Vec<RouteConfig>,
    /// Functions invoked without routing (Next.js per-file handlers, server-side calls).
    /// Entry `j` answers with target index `routes.len() + j`.
    #[serde(default)]
    pub entries: Vec<EntryConfig>,
    /// Named JSON Schemas (2020-12) that routes and entries refer to.
    #[serde(default)]
    #[ts(type = "Record<string, unknown>")]
    pub schemas: BTreeMap<String, serde_json::Value>,
    /// Definitions the schemas share, referenced as `#/$defs/Name` (the metadata's `$defs`).
    #[serde(default, rename = "$defs", skip_serializing_if = "BTreeMap::is_empty")]
    #[ts(optional, type = "Record<string, unknown>")]
    pub defs: BTreeMap<String, serde_json::Value>,
    /// Where sessions come from (a JWT in `Authorization: Bearer` or a cookie).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub session: Option<crate::session::SessionConfig>,
    /// The largest accepted request body (and channel message), in bytes. Default 1 MiB.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub max_body_bytes: Option<u64>,
    /// WebSocket channels; channel `k` answers a connection with index `k`.
    #[serde(default)]
    pub channels: Vec<ChannelConfig>,
    /// The patterns of route-scoped middleware (`/api/*`, `/health`), in registration order;
    /// `Engine::middleware_scopes` says which cover a request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub middleware_scopes: Vec<String>,
}

/// One WebSocket channel: where it is served and how its messages are routed.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelConfig {
    /// The channel's name, for messages.
    pub name: String,
    /// The path pattern of the upgrade request: `/ws/todos`, `/ws/rooms/:room`.
    pub route: String,
    /// Whether a session is required to connect (401 refuses the upgrade).
    pub auth: bool,
    /// The message key that names the handler (default `action`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub routing_key: Option<String>,
    /// Handlers by the routing key's value: indexes into `entries`.
    #[serde(default)]
    pub handlers: BTreeMap<String, u32>,
    /// The entry that takes messages no handler matches (the whole message as input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub default_handler: Option<u32>,
}

/// One HTTP route.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteConfig {
    /// The method it answers.
    pub method: HttpMethod,
    /// The path pattern: `/todos/:id`, `/files/*path`.
    pub route: String,
    /// Whether a session is required (401 without one).
    pub auth: bool,
    /// The name of the input schema in `schemas`; none means the input is not validated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub input_schema: Option<String>,
    /// What registered the route, for start-up messages: "function `getTodo`".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub registered_by: Option<String>,
    /// Server-sent events: its answer is a stream (the standalone server keeps one open for it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(optional = nullable)]
    pub sse: bool,
}

/// A function invoked without routing.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntryConfig {
    /// A label used in error messages (the function name).
    pub name: String,
    /// Whether a session is required.
    pub auth: bool,
    /// The name of the input schema in `schemas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub input_schema: Option<String>,
}

/// The metadata file written by the code generator and loaded by the runtime at start-up.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetadataFile {
    /// Format version; this engine reads version 1.
    pub version: u32,
    /// Functions by name.
    pub functions: BTreeMap<String, FunctionMeta>,
    /// HTTP wirings.
    pub http: Vec<HttpWiringMeta>,
    /// WebSocket channel wirings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<ChannelWiringMeta>>", optional)]
    pub channels: Vec<ChannelWiringMeta>,
    /// Named JSON Schemas (2020-12).
    #[ts(type = "Record<string, unknown>")]
    pub schemas: BTreeMap<String, serde_json::Value>,
    /// The named types the schemas share, each once: a schema refers to one as
    /// `#/$defs/Name`, a JSON pointer into this file.
    #[serde(default, rename = "$defs", skip_serializing_if = "BTreeMap::is_empty")]
    #[ts(optional, type = "Record<string, unknown>")]
    pub defs: BTreeMap<String, serde_json::Value>,
}

/// What the code generator knows about one function.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FunctionMeta {
    /// The input schema's name in `schemas`, if the function takes input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub input_schema: Option<String>,
    /// The output schema's name in `schemas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub output_schema: Option<String>,
    /// Whether the function runs without a session.
    pub sessionless: bool,
    /// Where the function is defined: `src/todos.ts:12:14`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub source: Option<String>,
    /// `expose: true`: served at `POST /rpc/:name`, and in the client's `rpc.invoke`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(optional = nullable)]
    pub expose: bool,
    /// A short title for people (OpenAPI `summary`, MCP tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub title: Option<String>,
    /// What the function does (OpenAPI, MCP tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub description: Option<String>,
    /// Its tags (OpenAPI, after its routes').
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional = nullable)]
    pub tags: Vec<String>,
    /// Marked deprecated.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(optional = nullable)]
    pub deprecated: bool,
    /// The error classes it declares it throws, by name (OpenAPI responses).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional = nullable)]
    pub errors: Vec<String>,
}

/// One HTTP wiring as the code generator found it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HttpWiringMeta {
    /// The method.
    pub method: HttpMethod,
    /// The path pattern.
    pub route: String,
    /// The function's name in `functions`.
    pub function: String,
    /// The route's `auth` setting, when it sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub auth: Option<bool>,
    /// Server-sent events (`sse: true`): the function's output is the type of each event.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(optional = nullable)]
    pub sse: bool,
    /// Its tags (its groups', then its own), for the OpenAPI document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional = nullable)]
    pub tags: Vec<String>,
    /// It takes uploads (`multipart/form-data`, `application/octet-stream`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub upload: Option<UploadMeta>,
}

/// What the code generator knows of an upload route.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UploadMeta {
    /// The form fields that carry files (none: any name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional = nullable)]
    pub file_fields: Vec<String>,
}

/// One channel wiring as the code generator found it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelWiringMeta {
    /// The channel's name.
    pub name: String,
    /// The path of the upgrade request.
    pub route: String,
    /// The message key that names the handler.
    pub routing_key: String,
    /// The function of each value of the routing key.
    pub messages: BTreeMap<String, String>,
    /// The function that takes other messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub default_function: Option<String>,
}

/// The metadata format version the code generator writes: 2 added the shared `$defs`.
pub const METADATA_VERSION: u32 = 2;

/// The oldest format this engine reads (version 1 is version 2 without shared definitions).
pub const OLDEST_METADATA_VERSION: u32 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_parse_in_any_case() {
        assert_eq!(HttpMethod::parse("GET"), Some(HttpMethod::Get));
        assert_eq!(HttpMethod::parse("delete"), Some(HttpMethod::Delete));
        assert_eq!(HttpMethod::parse("Options"), Some(HttpMethod::Options));
        assert_eq!(HttpMethod::parse("BREW"), None);
        for (i, method) in HttpMethod::ALL.into_iter().enumerate() {
            assert_eq!(method.index(), i);
        }
    }
}
