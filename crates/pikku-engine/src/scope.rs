//! Which route-pattern middleware scopes (`addHTTPMiddleware('/api/*', …)`) cover a request.
//! A guard on a scope is a security decision, so the path is read here as the router reads
//! it — the query dropped, dot segments resolved (also as `%2e`), percent-decoded — and
//! compared without case, so that `/API/x`, `/a/../api/x` or `/%61pi/x` cannot slip past a
//! guard when a host router (Express ignores case) sends them to an `/api` route.

use crate::engine::{normalize_path, split_url};

/// The scopes of an app, in registration order.
#[derive(Debug, Default)]
pub struct Scopes(Vec<Scope>);

#[derive(Debug)]
enum Scope {
    /// `/api/*`: the prefix itself and everything below it.
    Below(String),
    /// `/health`: that path only.
    Exactly(String),
}

impl Scopes {
    /// The scopes of `patterns` (`/api/*`, `/health`).
    pub fn new(patterns: &[String]) -> Scopes {
        Scopes(
            patterns
                .iter()
                .map(|pattern| {
                    let pattern = pattern.to_lowercase();
                    match pattern.strip_suffix("/*") {
                        Some(prefix) => Scope::Below(prefix.to_owned()),
                        None => Scope::Exactly(pattern),
                    }
                })
                .collect(),
        )
    }

    /// The indexes of the scopes that cover the route pattern that matched (`/api/todos/:id`)
    /// or the request's path.
    pub fn covering(&self, url: &str, route: Option<&str>) -> Vec<u32> {
        if self.0.is_empty() {
            return Vec::new();
        }
        let path = comparable_path(url);
        // `/health/` is `/health` to a router that is not strict about the trailing slash
        // (Express's default), so it is to a guard.
        let path = match path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed.to_owned(),
            _ => path,
        };
        let route = route.map(str::to_lowercase);
        (self.0.iter().enumerate())
            .filter(|(_, scope)| {
                route.as_deref().is_some_and(|r| scope.covers(r)) || scope.covers(&path)
            })
            .map(|(index, _)| index as u32)
            .collect()
    }
}

impl Scope {
    fn covers(&self, path: &str) -> bool {
        match self {
            Scope::Below(prefix) => {
                path == prefix
                    || (path.starts_with(prefix.as_str())
                        && path.as_bytes().get(prefix.len()) == Some(&b'/'))
            }
            Scope::Exactly(pattern) => path == pattern,
        }
    }
}

/// The request's path as a router reads it, lower-cased.
fn comparable_path(url: &str) -> String {
    let (path, _) = split_url(url);
    let path = normalize_path(path);
    // Not decodable as UTF-8: compared with the replacement characters, as the router refuses it.
    percent_encoding::percent_decode_str(&path)
        .decode_utf8_lossy()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covering(patterns: &[&str], url: &str, route: Option<&str>) -> Vec<u32> {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        Scopes::new(&patterns).covering(url, route)
    }

    #[test]
    fn a_prefix_covers_itself_and_below_it_only() {
        let scopes = ["/api/*", "/health"];
        assert_eq!(covering(&scopes, "/api", None), [0]);
        assert_eq!(covering(&scopes, "/api/todos/1?x=1", None), [0]);
        assert_eq!(covering(&scopes, "/apis/todos", None), Vec::<u32>::new());
        assert_eq!(covering(&scopes, "/health", None), [1]);
        assert_eq!(covering(&scopes, "/health/deep", None), Vec::<u32>::new());
        assert_eq!(covering(&scopes, "/health/", None), [1]);
        assert_eq!(covering(&scopes, "/api/", None), [0]);
        assert_eq!(covering(&scopes, "/x", Some("/api/todos/:id")), [0]);
    }

    #[test]
    fn case_dot_segments_and_encodings_do_not_slip_past() {
        let scopes = ["/api/*"];
        for url in [
            "/API/x",
            "/a/../api/x",
            "/%61pi/x",
            "/a/%2e%2e/api/x",
            "/./api/x",
            "http://host/api/x",
        ] {
            assert_eq!(covering(&scopes, url, None), [0], "{url}");
        }
    }
}
