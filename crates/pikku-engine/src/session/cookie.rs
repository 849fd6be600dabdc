//! Reading one cookie from a `Cookie` header, and writing the session's `Set-Cookie`.

use super::config::CookieAttributes;

/// A week: the default life of a session cookie.
pub const DEFAULT_MAX_AGE: u64 = 7 * 24 * 60 * 60;

/// 400 days: the longest life browsers give a cookie.
const MAX_MAX_AGE: u64 = 400 * 24 * 60 * 60;

/// Whether `name` can be a cookie name (an RFC 9110 token).
pub fn is_cookie_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The value of cookie `name` in a `Cookie` header (the first one of that name).
pub fn read<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name).then(|| value.trim().trim_matches('"'))
    })
}

/// `Set-Cookie` attributes, checked once at start-up.
#[derive(Debug, Clone)]
pub struct SetCookie {
    attributes: String,
    /// The session's life in seconds.
    pub max_age: u64,
}

impl SetCookie {
    /// Checks the attributes; the error names the one at fault.
    pub fn new(config: Option<&CookieAttributes>) -> Result<SetCookie, String> {
        let default = CookieAttributes {
            http_only: None,
            secure: None,
            same_site: None,
            path: None,
            domain: None,
            max_age_seconds: None,
        };
        let config = config.unwrap_or(&default);
        let path = config.path.as_deref().unwrap_or("/");
        let plain = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_graphic() && b != b';' && b != b',')
        };
        if !plain(path) || !path.starts_with('/') {
            return Err(format!(
                "PIKKU_ERR_SESSION: `session.setCookie.path` is `{path}`; give a path such as `/`"
            ));
        }
        let same_site = match config.same_site.as_deref().unwrap_or("lax") {
            "lax" => "Lax",
            "strict" => "Strict",
            "none" => "None",
            other => {
                return Err(format!("PIKKU_ERR_SESSION: `session.setCookie.sameSite` is `{other}`; use `lax`, `strict` or `none`"))
            }
        };
        let secure = config.secure.unwrap_or(true);
        if same_site == "None" && !secure {
            return Err("PIKKU_ERR_SESSION: `session.setCookie.sameSite` `none` needs `secure: true` (browsers drop the cookie otherwise)".into());
        }
        let mut attributes = format!("; Path={path}");
        if let Some(domain) = &config.domain {
            if !plain(domain) {
                return Err(format!(
                    "PIKKU_ERR_SESSION: `session.setCookie.domain` is `{domain}`; give a host name"
                ));
            }
            attributes.push_str(&format!("; Domain={domain}"));
        }
        if config.http_only.unwrap_or(true) {
            attributes.push_str("; HttpOnly");
        }
        if secure {
            attributes.push_str("; Secure");
        }
        attributes.push_str(&format!("; SameSite={same_site}"));
        let max_age = config.max_age_seconds.unwrap_or(DEFAULT_MAX_AGE);
        if max_age > MAX_MAX_AGE {
            return Err(format!("PIKKU_ERR_SESSION: `session.setCookie.maxAgeSeconds` is {max_age}; browsers keep a cookie at most 400 days (34560000 seconds)"));
        }
        Ok(SetCookie {
            attributes,
            max_age,
        })
    }

    /// The header that stores `value` in cookie `name`.
    pub fn set(&self, name: &str, value: &str) -> String {
        debug_assert!(is_cookie_name(name), "checked at start-up");
        format!(
            "{name}={value}; Max-Age={}{}",
            self.max_age, self.attributes
        )
    }

    /// The header that deletes cookie `name`.
    pub fn clear(&self, name: &str) -> String {
        format!("{name}=; Max-Age=0{}", self.attributes)
    }
}
