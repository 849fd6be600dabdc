//! Sessions read by the engine in the per-request call. Sources, tried in order, the first
//! present one deciding: a JWT from `Authorization: Bearer`, a JWT from a named cookie, the
//! engine's signed session cookie, an API key from a header, an API key from a query
//! parameter. Claims must be a plain JSON object without prototype-changing keys. The engine
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
use crate::input::{check_keys, Source};
use api_key::ApiKeys;
use cookie::SetCookie;
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
}

/// Reads sessions from requests and writes session cookies; built once at start-up.
pub struct SessionDecoder {
    jwt: Option<JwtVerifier>,
    jwt_cookie: Option<String>,
    signed: Option<SignedCookie>,
    api_keys: Option<ApiKeys>,
    set_cookie: SetCookie,
}

impl std::fmt::Debug for SessionDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionDecoder").finish_non_exhaustive()
    }
}

impl SessionDecoder {
    /// Builds the decoder; each error names the setting at fault.
    pub fn new(config: &SessionConfig) -> Result<SessionDecoder, Vec<String>> {
        let mut errors = Vec::new();
        let jwt = config
            .jwt
            .as_ref()
            .and_then(|c| keep(&mut errors, JwtVerifier::new(c)));
        let signed =
            (config.signed_cookie.as_ref()).and_then(|c| keep(&mut errors, SignedCookie::new(c)));
        let api_keys = (config.api_key.as_ref()).and_then(|c| keep(&mut errors, ApiKeys::new(c)));
        let set_cookie = keep(&mut errors, SetCookie::new(config.set_cookie.as_ref()));
        if config.cookie.is_some() && config.jwt.is_none() {
            errors.push("PIKKU_ERR_SESSION: `session.cookie` names a JWT cookie but `session.jwt` is not set; add `jwt` or use `signedCookie`".into());
        }
        if let (Some(name), Some(signed)) = (&config.cookie, &config.signed_cookie) {
            if *name == signed.name {
                errors.push(format!("PIKKU_ERR_SESSION: `session.cookie` and `session.signedCookie.name` are both `{name}`; give them different names"));
            }
        }
        match set_cookie {
            Some(set_cookie) if errors.is_empty() => Ok(SessionDecoder {
                jwt,
                jwt_cookie: config.cookie.clone(),
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

    /// The session of a request: `None` when no source is present, the session when the first
    /// present source verifies, a 401 `InvalidSessionError` when it does not.
    pub fn decode(&self, parts: SessionParts<'_>) -> Result<Option<Claims>, RequestError> {
        let claims = if let (Some(header), Some(jwt)) = (parts.authorization, &self.jwt) {
            jwt.verify(bearer(header)?)?
        } else if let Some(token) = self.cookie_value(parts.cookie, self.jwt_cookie.as_deref())? {
            self.jwt
                .as_ref()
                .expect("a JWT cookie needs `jwt`")
                .verify(token)?
        } else if let Some(value) =
            self.cookie_value(parts.cookie, self.signed.as_ref().map(|s| s.name.as_str()))?
        {
            self.signed
                .as_ref()
                .expect("named above")
                .verify(value, now())?
        } else if let Some(key) = self.api_key(parts)? {
            self.api_keys.as_ref().expect("found above").verify(&key)?
        } else {
            return Ok(None);
        };
        let claims = Value::Object(claims);
        if check_keys(&claims, Source::Body).is_err() {
            return Err(invalid(
                "the session holds a key that could change an object prototype",
            ));
        }
        let Value::Object(claims) = claims else {
            unreachable!("built above")
        };
        Ok(Some(claims))
    }

    /// The `Set-Cookie` header that stores `session` (or deletes the session cookie when it is
    /// `None`): the signed cookie when configured, else a JWT cookie signed with the shared
    /// secret. The error says what is missing or wrong.
    pub fn cookie_header(&self, session: Option<&Value>) -> Result<String, String> {
        let jwt_cookie = self.jwt_cookie.as_deref().filter(|_| self.jwt.is_some());
        let name = match (&self.signed, jwt_cookie) {
            (Some(signed), _) => signed.name.as_str(),
            (None, Some(name)) => name,
            (None, None) => return Err("setSession and clearSession need a session cookie: set `session.signedCookie` (or `session.cookie` with an HS256/384/512 `session.jwt`)".into()),
        };
        let Some(session) = session else {
            return Ok(self.set_cookie.clear(name));
        };
        let Value::Object(session) = session else {
            return Err("the session given to setSession is not an object".into());
        };
        if check_keys(&Value::Object(session.clone()), Source::Body).is_err() {
            return Err(
                "the session given to setSession holds a key that could change an object prototype"
                    .into(),
            );
        }
        let max_age = self.set_cookie.max_age;
        let value = match &self.signed {
            Some(signed) => signed.sign(session, now() + max_age),
            None => match self.jwt.as_ref().and_then(|jwt| jwt.issue(session, now(), max_age)) {
                Some(token) => token?,
                None => return Err("setSession cannot sign a JWT cookie with a public key: use an HS256/384/512 `session.jwt.secret`, or `session.signedCookie`".into()),
            },
        };
        let header = self.set_cookie.set(name, &value);
        if header.len() > 4096 {
            return Err(format!("the session cookie would be {} bytes; browsers keep at most 4096, so store less in the session", header.len()));
        }
        Ok(header)
    }

    fn cookie_value<'a>(
        &self,
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

    fn api_key(&self, parts: SessionParts<'_>) -> Result<Option<String>, RequestError> {
        let Some(keys) = &self.api_keys else {
            return Ok(None);
        };
        if let Some(key) = parts.api_key.filter(|_| keys.header.is_some()) {
            return Ok(Some(key.to_owned()));
        }
        let Some(name) = &keys.query else {
            return Ok(None);
        };
        let raw = parts.query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key == name).then_some(value)
        });
        let Some(raw) = raw else { return Ok(None) };
        let spaced = raw.replace('+', " ");
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8()
            .map(|key| Some(key.into_owned()))
            .map_err(|_| invalid("the API key in the query is not UTF-8"))
    }
}

/// The value of a setting that is fine; a bad one's error is collected.
fn keep<T>(errors: &mut Vec<String>, result: Result<T, String>) -> Option<T> {
    result.map_err(|err| errors.push(err)).ok()
}

fn bearer(header: &str) -> Result<&str, RequestError> {
    if header.len() > MAX_TOKEN_BYTES + 7 {
        return Err(invalid("the Authorization header is longer than 8 KiB"));
    }
    match header.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(invalid("the Authorization header is not `Bearer <token>`")),
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
