//! Lookups, 405s, conflicts and bad patterns.

use super::*;
use HttpMethod::*;

fn router(routes: &[(HttpMethod, &str)]) -> Router {
    let mut r = Router::default();
    for (i, (m, p)) in routes.iter().enumerate() {
        r.insert(*m, p, i as u32, None).unwrap();
    }
    r
}

/// The target and params of a match.
fn found(m: RouteMatch<'_>) -> Option<(u32, Vec<(&str, &str)>)> {
    match m {
        RouteMatch::Found { target, params } => Some((target, params.iter().collect())),
        _ => None,
    }
}

#[test]
fn matches_static_param_and_splat_routes() {
    let r = router(&[
        (Get, "/todos"),
        (Get, "/todos/:id"),
        (Get, "/files/*path"),
        (Get, "/"),
    ]);
    assert_eq!(found(r.lookup(Get, "/todos")), Some((0, vec![])));
    assert_eq!(found(r.lookup(Get, "/todos/")), Some((0, vec![])));
    assert_eq!(
        found(r.lookup(Get, "/todos/42")),
        Some((1, vec![("id", "42")]))
    );
    assert_eq!(
        found(r.lookup(Get, "/files/a/b.txt")),
        Some((2, vec![("path", "a/b.txt")]))
    );
    assert_eq!(found(r.lookup(Get, "/")), Some((3, vec![])));
    assert_eq!(r.lookup(Get, "/nope"), RouteMatch::NotFound);
}

#[test]
fn wrong_method_is_405_with_allow_and_head_uses_get() {
    let r = router(&[(Get, "/todos/:id"), (Delete, "/todos/:id")]);
    assert_eq!(
        r.lookup(Post, "/todos/1"),
        RouteMatch::MethodNotAllowed {
            allow: "GET, HEAD, DELETE"
        }
    );
    assert!(matches!(
        r.lookup(Head, "/todos/1"),
        RouteMatch::Found { target: 0, .. }
    ));
}

#[test]
fn conflicts_name_both_routes() {
    let mut r = router(&[(Get, "/todos/:id")]);
    r.insert(Get, "/named", 1, Some("function `a`")).unwrap();
    let same = r
        .insert(Get, "/named", 9, Some("function `b`"))
        .unwrap_err()
        .to_string();
    assert!(
        same.contains(
            "route `GET /named` is registered twice: by function `a` and by function `b`"
        ),
        "{same}"
    );
    let shape = r
        .insert(Get, "/todos/:slug", 9, None)
        .unwrap_err()
        .to_string();
    assert!(
        shape.contains("/todos/:slug") && shape.contains("/todos/:id"),
        "{shape}"
    );
}

#[test]
fn non_ascii_static_routes_match_their_encoded_requests() {
    let r = router(&[(Get, "/café"), (Get, "/café/:id")]);
    assert!(matches!(
        r.lookup(Get, "/caf%C3%A9"),
        RouteMatch::Found { target: 0, .. }
    ));
    assert!(matches!(
        r.lookup(Get, "/caf%C3%A9/1"),
        RouteMatch::Found { target: 1, .. }
    ));
    assert_eq!(r.allow("/caf%C3%A9"), Some("GET, HEAD"));
    assert_eq!(r.allow("/nope"), None);
}

#[test]
fn bad_patterns_are_explained() {
    let mut r = Router::default();
    for bad in ["todos", "/a/*rest/b", "/a/:", "/a/b:c", "/a/:__proto__"] {
        let err = r.insert(Get, bad, 0, None).unwrap_err();
        assert!(matches!(err, RouteError::InvalidPattern { .. }), "{bad}");
    }
}
