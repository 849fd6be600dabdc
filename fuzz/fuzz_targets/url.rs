#![no_main]
//! Fuzzes request URLs through `Engine::handle`: path and query splitting, path normalisation
//! (absolute form, `.`/`..` also as `%2e`), the router (static, `:param` and `*splat` routes,
//! 405s, HEAD) and path parameter decoding and coercion. Input: `METHOD\nURL`, or a bare URL
//! sent as GET.
//!
//! Invariants, besides those of every answer (`pikku_engine_fuzz::answer`): the same request
//! gets the same answer; it is a 404 exactly when `Engine::owns` says no route has the path;
//! `/zz/..` in front of an origin-form path changes nothing; a run went to a route of the
//! request's method with each of the route's parameters in its input; and the middleware
//! scopes found from the path alone cover every route that a scope covers by its pattern (a
//! guard on `/api/*` cannot be slipped past by the spelling of a path that routes there).

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use pikku_engine::{wire, Engine};
use pikku_engine_fuzz::{answer, engine, fields, request, text, Answer, REQUEST_ID};
use serde_json::json;

/// `(method, pattern, input schema)`: route `i` answers with target `i`.
const ROUTES: [(&str, &str, Option<&str>); 13] = [
    ("get", "/", None),
    ("get", "/todos", Some("List")),
    ("get", "/todos/:id", Some("ById")),
    ("delete", "/todos/:id", Some("ById")),
    ("get", "/files/*path", None),
    ("get", "/api/users/:user/posts/:post", Some("Post")),
    ("post", "/api/echo", None),
    ("options", "/api/echo", None),
    ("get", "/health", None),
    ("get", "/café", None),
    ("get", "/API/Upper", None),
    ("put", "/a/:id/b/:id", None),
    ("patch", "/files/*path", None),
];

/// Route-scoped middleware patterns; the last one names a route pattern, not a path.
const SCOPES: [&str; 5] = ["/api/*", "/health", "/files/*", "/café", "/todos/:id"];

static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    let routes: Vec<_> = ROUTES
        .iter()
        .map(|(method, route, schema)| {
            json!({ "method": method, "route": route, "auth": false, "inputSchema": schema })
        })
        .collect();
    engine(json!({
        "routes": routes,
        "schemas": {
            "List": { "type": "object", "properties": {
                "limit": { "type": "integer" }, "done": { "type": "boolean" } } },
            "ById": { "type": "object", "properties": { "id": { "type": "integer" } },
                "required": ["id"] },
            "Post": { "type": "object", "properties": {
                "user": { "type": "string" }, "post": { "type": "integer", "minimum": 1 } },
                "required": ["user", "post"] }
        },
        "middlewareScopes": SCOPES,
    }))
});

fuzz_target!(|data: &[u8]| {
    let (method, url) = match data.iter().position(|&b| b == b'\n') {
        Some(_) => {
            let parts = fields(data, 2);
            (text(parts[0]), text(parts[1]))
        }
        None => ("GET".to_owned(), text(data)),
    };
    check(&ENGINE, &method, &url);
});

fn check(engine: &Engine, method: &str, url: &str) {
    let outcome = engine.handle(&request(method, url));
    let first = wire::encode(&outcome, Some(REQUEST_ID));
    let answered = answer(&outcome);
    let again = wire::encode(&engine.handle(&request(method, url)), Some(REQUEST_ID));
    assert_eq!(first, again, "the same request, another answer");

    let owned = engine.owns(url);
    assert_eq!(
        answered.status() == 404,
        !owned,
        "owns({url:?}) = {owned}: {first}"
    );

    if url.starts_with('/') {
        let dotted = format!("/zz/..{url}");
        let other = wire::encode(&engine.handle(&request(method, &dotted)), Some(REQUEST_ID));
        assert_eq!(first, other, "{dotted:?} is not answered as {url:?}");
    }

    let scopes = engine.middleware_scopes(url, None);
    assert!(scopes.iter().all(|&i| (i as usize) < SCOPES.len()));
    let Answer::Run { target, input, .. } = answered else {
        return;
    };
    let (route_method, pattern, _) = ROUTES[target as usize];
    let asked = method.to_ascii_lowercase();
    assert!(
        asked == route_method || (asked == "head" && route_method == "get"),
        "{method} {url} ran {route_method} {pattern}"
    );
    for name in pattern
        .split('/')
        .filter_map(|s| s.strip_prefix([':', '*']))
    {
        assert!(input.contains_key(name), "{url}: no `{name}` in {input:?}");
    }
    for (index, scope) in SCOPES.iter().enumerate() {
        if covers(scope, &pattern.to_lowercase()) && !scope.contains(':') {
            assert!(
                scopes.contains(&(index as u32)),
                "{url:?} routes to {pattern} but slips past the scope {scope}: {scopes:?}"
            );
        }
    }
}

/// Whether a scope pattern covers a route pattern: `/api/*` covers `/api` and below it,
/// another pattern only itself.
fn covers(scope: &str, pattern: &str) -> bool {
    match scope.strip_suffix("/*") {
        Some(prefix) => {
            pattern == prefix
                || (pattern.starts_with(prefix)
                    && pattern.as_bytes().get(prefix.len()) == Some(&b'/'))
        }
        None => pattern == scope,
    }
}
