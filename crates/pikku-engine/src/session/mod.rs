//! Sessions read by the engine in the per-request call. Sources, tried in order, the first
//! present one deciding: a JWT from `Authorization: Bearer`, a JWT from a named cookie, the
//! engine's signed session cookie, a JWT from a query parameter (WebSocket upgrades only), an
//! API key from a header, an API key from a query parameter. Claims must be a plain JSON object without prototype-changing keys. The engine
//! also builds the `Set-Cookie` that stores or clears a session set by a function.

mod api_key;
mod config;
mod cookie;
mod jwt;
mod signed_cookie;

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

pub use config::{
    ApiKeyConfig, ApiKeyEntry, CookieAttributes, JwtConfig, SessionConfig, SignedCookieConfig,
};

use crate::error::{RequestError, INVALID_SESSION};
use crate::input::{check_object_keys, parse_query, Source};
use api_key::ApiKeys;
use cookie::{is_cookie_name, SetCookie};
use jwt::JwtVerifier;
use signed_cookie::SignedCookie;

/// A decoded session: the claims of a token, or the session stored in a cookie or an API key.
pub type Claims = Map<String, Value>;

/// The longest `Authorization` value or session cookie read; longer ones are refused.
const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The parts of a request that may carry a session.
#[derive(Debug, Clone, Copy, Default)]
pub struct SessionParts<'a> {
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// The `Cookie` header.
    pub cookie: Option<&'a str>,
    /// The API key header's value.
    pub api_key: Option<&'a str>,
    /// The raw query string (without `?`).
    pub query: &'a str,
    /// A WebSocket upgrade: the JWT query parameter is read too.
    pub upgrade: bool,
}

/// A session source that is present but does not verify.
#[derive(Debug)]
pub struct SessionFailure {
    /// The 401 to answer.
    pub error: RequestError,
    /// Whether the source was a cookie (which a route without `auth` ignores).
    pub from_cookie: bool,
}

/// The app's session sources: reads sessions from requests and writes the session cookie.
/// Built once at start-up.
pub struct Sessions {
    jwt: Option<JwtVerifier>,
    jwt_cookie: Option<String>,
    jwt_query: Option<String>,
    signed: Option<SignedCookie>,
    api_keys: Option<ApiKeys>,
    set_cookie: SetCookie,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions").finish_non_exhaustive()
    }
}

impl Sessions {
    /// Builds the sources; each error names the setting at fault.
    pub fn new(config: &SessionConfig) -> Result<Sessions, Vec<String>> {
        let mut errors = Vec::new();
        let jwt = (config.jwt.as_ref()).and_then(|c| keep(&mut errors, JwtVerifier::new(c)));
        let signed =
            (config.signed_cookie.as_ref()).and_then(|c| keep(&mut errors, SignedCookie::new(c)));
        let api_keys = (config.api_key.as_ref()).and_then(|c| keep(&mut errors, ApiKeys::new(c)));
        let set_cookie = keep(&mut errors, SetCookie::new(config.set_cookie.as_ref()));
        if let Some(name) = &config.jwt_cookie {
            if config.jwt.is_none() {
                errors.push("PIKKU_ERR_SESSION: `session.jwtCookie` names a JWT cookie but `session.jwt` is not set; add `jwt` or use `signedCookie`".into());
            }
            if !is_cookie_name(name) {
                errors.push(format!("PIKKU_ERR_SESSION: `session.jwtCookie` is `{name}`; a cookie name is letters, digits and !#$%&'*+-.^_`|~"));
            }
            if config.signed_cookie.is_some() {
                errors.push("PIKKU_ERR_SESSION: `session.jwtCookie` and `session.signedCookie` are both set; an app has one session cookie, so keep one".into());
            }
        }
        if config.jwt_query.is_some() && config.jwt.is_none() {
            errors.push("PIKKU_ERR_SESSION: `session.jwtQuery` names a JWT query parameter but `session.jwt` is not set; add `jwt`".into());
        }
        match set_cookie {
            Some(set_cookie) if errors.is_empty() => Ok(Sessions {
                jwt,
                jwt_cookie: config.jwt_cookie.clone(),
                jwt_query: config.jwt_query.clone(),
                signed,
                api_keys,
                set_cookie,
            }),
            _ => Err(errors),
        }
    }

    /// The header that carries API keys, lower-case, when one is configured.
    pub fn api_key_header(&self) -> Option<&str> {
        self.api_keys.as_ref()?.header.as_deref()
    }

    /// The query parameter that carries API keys: left out of the function's input.
    pub fn api_key_query(&self) -> Option<&str> {
        self.api_keys.as_ref()?.query.as_deref()
    }

    /// The session of a request for a target that does (`auth`) or does not need one: a bad
    /// cookie counts as no session where none is needed, so that a stale cookie cannot lock a
    /// browser out of the sign-in route.
    pub fn session_for(
        &self,
        parts: SessionParts<'_>,
        auth: bool,
    ) -> Result<Option<Claims>, RequestError> {
        match self.decode(parts) {
            Ok(session) => Ok(session),
            Err(failure) if failure.from_cookie && !auth => Ok(None),
            Err(failure) => Err(failure.error),
        }
    }

    /// The session of a request: `None` when no source is present, the session when the first
    /// present source verifies, a 401 `InvalidSessionError` when it does not.
    pub fn decode(&self, parts: SessionParts<'_>) -> Result<Option<Claims>, SessionFailure> {
        let other = |error| SessionFailure {
            error,
            from_cookie: false,
        };
        let cookie = |error| SessionFailure {
            error,
            from_cookie: true,
        };
        let bearer = match (parts.authorization, &self.jwt) {
            (Some(header), Some(_)) => bearer(header).map_err(other)?,
            _ => None,
        };
        let claims = if let (Some(token), Some(jwt)) = (bearer, &self.jwt) {
            jwt.verify(token).map_err(other)?
        } else if let (Some(token), Some(jwt)) = (
            cookie_value(parts.cookie, self.jwt_cookie.as_deref()).map_err(cookie)?,
            &self.jwt,
        ) {
            jwt.verify(token).map_err(cookie)?
        } else if let (Some(value), Some(signed)) = (
            cookie_value(parts.cookie, self.signed.as_ref().map(|s| s.name.as_str()))
                .map_err(cookie)?,
            &self.signed,
        ) {
            signed.verify(value, now()).map_err(cookie)?
        } else if let (Some(token), Some(jwt)) = (self.query_token(parts), &self.jwt) {
            jwt.verify(&token).map_err(other)?
        } else if let (Some(key), Some(keys)) = (self.api_key(parts), &self.api_keys) {
            keys.verify(&key).map_err(other)?
        } else {
            return Ok(None);
        };
        if check_object_keys(&claims, Source::Body).is_err() {
            return Err(other(invalid(
                "the session holds a key that could change an object prototype",
            )));
        }
        Ok(Some(claims))
    }

    /// The `Set-Cookie` header that stores `session` (or deletes the session cookie when it is
    /// `None`): the signed cookie, or a JWT cookie signed with the shared secret. The error
    /// says what is missing or wrong.
    pub fn cookie_header(&self, session: Option<&Value>) -> Result<String, String> {
        let name = match (&self.signed, self.jwt_cookie.as_deref()) {
            (Some(signed), _) => signed.name.as_str(),
            (None, Some(name)) => name,
            (None, None) => return Err("userSession.set() and clear() need a session cookie: set `session.signedCookie` (or `session.jwtCookie` with an HS256/384/512 `session.jwt`)".into()),
        };
        let Some(session) = session else {
            return Ok(self.set_cookie.clear(name));
        };
        let Value::Object(session) = session else {
            return Err("the session given to userSession.set() is not an object".into());
        };
        if check_object_keys(session, Source::Body).is_err() {
            return Err("the session given to userSession.set() holds a key that could change an object prototype".into());
        }
        let max_age = self.set_cookie.max_age;
        let value = match (&self.signed, &self.jwt) {
            (Some(signed), _) => signed.sign(session, now().saturating_add(max_age)),
            (None, Some(jwt)) => match jwt.issue(session, now(), max_age) {
                Some(token) => token?,
                None => return Err("userSession.set() cannot sign a JWT cookie with a public key: use an HS256/384/512 `session.jwt.secret`, or `session.signedCookie`".into()),
            },
            (None, None) => unreachable!("a JWT cookie needs `jwt` (checked at start-up)"),
        };
        let header = self.set_cookie.set(name, &value);
        if header.len() > 4096 {
            return Err(format!("the session cookie would be {} bytes; browsers keep at most 4096, so store less in the session", header.len()));
        }
        Ok(header)
    }

    /// The API key of a request: the header's, else the query parameter's (decoded as the
    /// input's query is, so that the key read is the key left out of the input).
    fn api_key(&self, parts: SessionParts<'_>) -> Option<String> {
        let keys = self.api_keys.as_ref()?;
        if let Some(key) = parts.api_key.filter(|_| keys.header.is_some()) {
            return Some(key.to_owned());
        }
        query_value(parts.query, keys.query.as_deref()?)
    }

    /// The JWT in the query of a WebSocket upgrade.
    fn query_token(&self, parts: SessionParts<'_>) -> Option<String> {
        let name = self.jwt_query.as_deref().filter(|_| parts.upgrade)?;
        query_value(parts.query, name)
    }
}

/// The value of query parameter `name`, decoded as the input's query is (so that the key read
/// is the key left out of the input). A query that does not decode is answered 400 when the
/// input is built.
fn query_value(query: &str, name: &str) -> Option<String> {
    if query.is_empty() {
        return None;
    }
    let pairs = parse_query(query).ok()?;
    pairs
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// The value of cookie `name`, refusing one over the size bound.
fn cookie_value<'a>(
    header: Option<&'a str>,
    name: Option<&str>,
) -> Result<Option<&'a str>, RequestError> {
    let (Some(header), Some(name)) = (header, name) else {
        return Ok(None);
    };
    match cookie::read(header, name) {
        Some(value) if value.len() > MAX_TOKEN_BYTES => {
            Err(invalid("the session cookie is longer than 8 KiB"))
        }
        found => Ok(found),
    }
}

/// The setting's value when it is fine; a bad one's error is collected.
fn keep<T>(errors: &mut Vec<String>, result: Result<T, String>) -> Option<T> {
    result.map_err(|err| errors.push(err)).ok()
}

/// The token of a `Bearer` header; other schemes (`Basic` from a proxy) are not ours.
fn bearer(header: &str) -> Result<Option<&str>, RequestError> {
    if header.len() > MAX_TOKEN_BYTES + 7 {
        return Err(invalid("the Authorization header is longer than 8 KiB"));
    }
    let (scheme, token) = header.split_once(' ').unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    match token.trim() {
        "" => Err(invalid(
            "the Authorization header is `Bearer` without a token",
        )),
        token => Ok(Some(token)),
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn invalid(why: &str) -> RequestError {
    RequestError::new(INVALID_SESSION, format!("Invalid session: {why}"))
}
