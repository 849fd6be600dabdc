//! Route lookup: `:param` and `*splat` patterns on top of matchit, with a hash map in front
//! for static paths, one slot per path holding a target per method, 405 with `Allow`, and HEAD
//! answered by the GET route.

use std::collections::HashMap;
use std::fmt;

use rustc_hash::FxHashMap;

use crate::config::HttpMethod;

/// Why a route could not be registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// Two registrations would answer the same requests.
    Conflict {
        method: Option<HttpMethod>,
        route: String,
        with: String,
        /// What registered each side (`function getTodo`), when known.
        names: Option<(String, String)>,
    },
    /// The pattern is not valid.
    InvalidPattern { route: String, reason: String },
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::Conflict {
                method: Some(method),
                route,
                names,
                ..
            } => {
                let method = method.as_upper();
                match names {
                    Some((new, old)) => write!(
                        f,
                        "PIKKU_ERR_ROUTE_CONFLICT: route `{method} {route}` is registered twice: by {old} and by {new}; remove one of the two wirings"
                    ),
                    None => write!(
                        f,
                        "PIKKU_ERR_ROUTE_CONFLICT: route `{method} {route}` is registered twice; remove one of the two wirings"
                    ),
                }
            }
            RouteError::Conflict {
                method: None,
                route,
                with,
                ..
            } => write!(
                f,
                "PIKKU_ERR_ROUTE_CONFLICT: route `{route}` conflicts with the registered route `{with}`: both would match the same paths; rename one parameter or make one path static"
            ),
            RouteError::InvalidPattern { route, reason } => {
                write!(f, "PIKKU_ERR_ROUTE_PATTERN: route `{route}` is not a valid pattern: {reason}")
            }
        }
    }
}

impl std::error::Error for RouteError {}

/// The result of a lookup.
#[derive(Debug, PartialEq)]
pub enum RouteMatch<'r> {
    /// A route answers: its target and the raw (still percent-encoded) parameters.
    Found {
        target: u32,
        params: matchit::Params<'r, 'r>,
    },
    /// No pattern matches the path.
    NotFound,
    /// A pattern matches but not for this method.
    MethodNotAllowed { allow: &'r str },
}

#[derive(Debug)]
struct Slot {
    pattern: String,
    targets: [Option<u32>; 7],
    names: [Option<String>; 7],
    allow: String,
}

/// The routing table. Built once at start-up, then read-only.
#[derive(Debug, Default)]
pub struct Router {
    tree: matchit::Router<usize>,
    /// Static paths: looked up on every request, never grown after start-up.
    statics: FxHashMap<String, usize>,
    slots: Vec<Slot>,
    /// matchit pattern → index of its slot, to find the slot of a re-registered pattern.
    by_tree_pattern: HashMap<String, usize>,
}

impl Router {
    /// Registers `method route` answering with `target`; `name` says what registered it, for
    /// conflict messages.
    pub fn insert(
        &mut self,
        method: HttpMethod,
        route: &str,
        target: u32,
        name: Option<&str>,
    ) -> Result<(), RouteError> {
        let (tree_pattern, is_static) = to_tree_pattern(route)?;
        let slot_index = match self.by_tree_pattern.get(&tree_pattern) {
            Some(&index) => index,
            None => {
                let index = self.slots.len();
                self.tree
                    .insert(tree_pattern.clone(), index)
                    .map_err(|err| self.conflict(route, err))?;
                self.slots.push(Slot {
                    pattern: route.to_owned(),
                    targets: [None; 7],
                    names: Default::default(),
                    allow: String::new(),
                });
                if is_static {
                    self.statics
                        .insert(tree_pattern.replace("{{", "{").replace("}}", "}"), index);
                }
                self.by_tree_pattern.insert(tree_pattern, index);
                index
            }
        };
        let slot = &mut self.slots[slot_index];
        let cell = &mut slot.targets[method.index()];
        if cell.is_some() {
            let names = name.zip(slot.names[method.index()].as_deref());
            return Err(RouteError::Conflict {
                method: Some(method),
                route: route.to_owned(),
                with: slot.pattern.clone(),
                names: names.map(|(new, old)| (new.to_owned(), old.to_owned())),
            });
        }
        *cell = Some(target);
        slot.names[method.index()] = name.map(str::to_owned);
        slot.allow = allow_header(&slot.targets);
        Ok(())
    }

    fn conflict(&self, route: &str, err: matchit::InsertError) -> RouteError {
        match err {
            matchit::InsertError::Conflict { with } => RouteError::Conflict {
                method: None,
                names: None,
                route: route.to_owned(),
                with: self
                    .by_tree_pattern
                    .get(&with)
                    .map(|&i| self.slots[i].pattern.clone())
                    .unwrap_or(with),
            },
            other => RouteError::InvalidPattern {
                route: route.to_owned(),
                reason: other.to_string(),
            },
        }
    }

    /// The `Allow` list of the path, when some route matches it.
    pub fn allow<'r>(&'r self, path: &'r str) -> Option<&'r str> {
        self.slot(path)
            .map(|(index, _)| self.slots[index].allow.as_str())
    }

    fn slot<'r>(&'r self, path: &'r str) -> Option<(usize, matchit::Params<'r, 'r>)> {
        let path = normalize(path);
        if let Some(&index) = self.statics.get(path) {
            return Some((index, matchit::Params::new()));
        }
        let found = self.tree.at(path).ok()?;
        Some((*found.value, found.params))
    }

    /// Finds the route for `method` and `path` (the path without its query).
    pub fn lookup<'r>(&'r self, method: HttpMethod, path: &'r str) -> RouteMatch<'r> {
        let Some((slot_index, params)) = self.slot(path) else {
            return RouteMatch::NotFound;
        };
        let slot = &self.slots[slot_index];
        let target = slot.targets[method.index()].or(if method == HttpMethod::Head {
            slot.targets[HttpMethod::Get.index()]
        } else {
            None
        });
        match target {
            Some(target) => RouteMatch::Found { target, params },
            None => RouteMatch::MethodNotAllowed { allow: &slot.allow },
        }
    }
}

/// Only bytes outside ASCII are encoded in registered static segments.
const NON_ASCII: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');

/// Drops one trailing slash so that `/todos/` finds `/todos`.
fn normalize(path: &str) -> &str {
    match path.strip_suffix('/') {
        Some(stripped) if !stripped.is_empty() => stripped,
        _ => path,
    }
}

fn allow_header(targets: &[Option<u32>; 7]) -> String {
    let has = |m: HttpMethod| targets[m.index()].is_some();
    HttpMethod::ALL
        .into_iter()
        .filter(|&m| has(m) || (m == HttpMethod::Head && has(HttpMethod::Get)))
        .map(HttpMethod::as_upper)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Turns `/todos/:id/*rest` into matchit's `/todos/{id}/{*rest}`; also says whether the
/// pattern has no parameters.
fn to_tree_pattern(route: &str) -> Result<(String, bool), RouteError> {
    let invalid = |reason: &str| RouteError::InvalidPattern {
        route: route.to_owned(),
        reason: reason.to_owned(),
    };
    if !route.starts_with('/') {
        return Err(invalid("it must start with `/`, as in `/todos/:id`"));
    }
    let segments: Vec<&str> = normalize(route).split('/').skip(1).collect();
    let mut out = String::with_capacity(route.len() + 8);
    let mut is_static = true;
    for (i, segment) in segments.iter().enumerate() {
        out.push('/');
        if let Some(name) = segment.strip_prefix(':') {
            check_param_name(name).map_err(|r| invalid(&r))?;
            out.push('{');
            out.push_str(name);
            out.push('}');
            is_static = false;
        } else if let Some(name) = segment.strip_prefix('*') {
            if i + 1 != segments.len() {
                return Err(invalid("a `*splat` segment must be the last one"));
            }
            check_param_name(name).map_err(|r| invalid(&r))?;
            out.push_str("{*");
            out.push_str(name);
            out.push('}');
            is_static = false;
        } else {
            if segment.contains([':', '*']) {
                return Err(invalid(
                    "`:` and `*` may only start a segment (`/:id`, `/*rest`)",
                ));
            }
            // Requests arrive percent-encoded (`/caf%C3%A9`): register the same spelling.
            let encoded = percent_encoding::utf8_percent_encode(segment, NON_ASCII).to_string();
            out.push_str(&encoded.replace('{', "{{").replace('}', "}}"));
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    Ok((out, is_static))
}

fn check_param_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a parameter needs a name, as in `:id` or `*path`".into());
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!(
            "parameter name `{name}` may only hold letters, digits and `_`"
        ));
    }
    if crate::input::is_forbidden_key(name) {
        return Err(format!("parameter name `{name}` is reserved in JavaScript"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
}
