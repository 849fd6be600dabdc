//! The request engine of `@pikku/native`, in plain Rust with no Node.js types: routing, body
//! parsing, input merging and coercion, JSON Schema validation and the error table. The napi
//! binding in the root crate only converts arguments and results.
//!
//! ```
//! use pikku_engine::{Engine, EngineConfig, HttpRequest, wire};
//!
//! let config: EngineConfig = serde_json::from_str(r#"{
//!   "routes": [{ "method": "get", "route": "/todos/:id", "auth": false, "inputSchema": "In" }],
//!   "schemas": { "In": { "type": "object", "properties": { "id": { "type": "integer" } } } }
//! }"#).unwrap();
//! let engine = Engine::new(config).unwrap();
//! let request = HttpRequest {
//!     method: "GET", url: "/todos/42", content_type: None, has_session: false,
//!     authorization: None, cookie: None, api_key: None, body: b"", body_too_large: false,
//! };
//! assert_eq!(wire::encode(&engine.handle(&request), None), r#"[0,{"id":42}]"#);
//! ```

mod body;
pub mod boundary;
mod channel;
mod coerce;
pub mod config;
mod engine;
pub mod error;
pub mod generated;
mod input;
pub mod metadata;
mod router;
mod scope;
pub mod session;
pub mod shared_defs;
mod validate;
pub mod wire;

pub use channel::UpgradeRequest;
pub use config::{
    ChannelConfig, ChannelWiringMeta, EngineConfig, EntryConfig, HttpMethod, MetadataFile,
    RouteConfig,
};
pub use engine::{BuildError, Engine, HttpRequest, Input, Outcome, DEFAULT_MAX_BODY_BYTES};
pub use error::{ErrorBody, ErrorKind, RequestError, ERROR_TABLE};
pub use router::RouteError;
pub use validate::{check_pattern, check_schema};
