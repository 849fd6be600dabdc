//! What the built engine knows: every start-up problem at once, and which paths are its own.

use pikku_engine::{Engine, EngineConfig};
use serde_json::json;

use crate::engine;

#[test]
fn owns_sees_the_normalized_path() {
    let e = engine();
    assert!(e.owns("/todos/7?x=1"));
    assert!(e.owns("/x/../todos"));
    assert!(!e.owns("/elsewhere"));
}

#[test]
fn start_up_problems_are_all_reported() {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [
            { "method": "get", "route": "/a/:id", "auth": false, "inputSchema": "Missing" },
            { "method": "get", "route": "/a/:slug", "auth": false },
            { "method": "get", "route": "/b", "auth": false, "inputSchema": "Bad" }
        ],
        "schemas": { "Bad": { "type": 12 } }
    }))
    .unwrap();
    let err = Engine::new(config).unwrap_err().to_string();
    assert!(
        err.contains("PIKKU_ERR_SCHEMA_MISSING: GET /a/:id names input schema `Missing`"),
        "{err}"
    );
    assert!(err.contains("PIKKU_ERR_ROUTE_CONFLICT"), "{err}");
    assert!(
        err.contains("PIKKU_ERR_SCHEMA_INVALID: schema `Bad`"),
        "{err}"
    );
}
