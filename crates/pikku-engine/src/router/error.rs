//! Why a route could not be registered, worded for the app's author.

use std::fmt;

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
