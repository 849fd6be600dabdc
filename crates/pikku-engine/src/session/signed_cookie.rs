//! The engine's own session cookie: `base64url(payload).base64url(HMAC-SHA256(payload))`,
//! the payload being `{"exp": <unix seconds>, "session": {...}}`. Several secrets verify (the
//! first signs), so a secret can be rotated without signing everyone out.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

use super::config::SignedCookieConfig;
use super::cookie::is_cookie_name;
use super::{invalid, Claims};
use crate::error::RequestError;

type HmacSha256 = Hmac<Sha256>;

/// Signs and verifies session cookies.
pub struct SignedCookie {
    /// The cookie's name.
    pub name: String,
    secrets: Vec<Vec<u8>>,
}

impl SignedCookie {
    /// Checks the settings; the error names the one at fault.
    pub fn new(config: &SignedCookieConfig) -> Result<SignedCookie, String> {
        if !is_cookie_name(&config.name) {
            return Err(format!(
                "PIKKU_ERR_SESSION: `session.signedCookie.name` is `{}`; a cookie name is letters, digits and !#$%&'*+-.^_`|~",
                config.name
            ));
        }
        if config.secrets.is_empty() {
            return Err("PIKKU_ERR_SESSION: `session.signedCookie.secrets` is empty; give at least one secret".into());
        }
        if let Some(i) = config.secrets.iter().position(|s| s.len() < 32) {
            return Err(format!(
                "PIKKU_ERR_SESSION: `session.signedCookie.secrets[{i}]` is shorter than 32 bytes; use a long random secret"
            ));
        }
        Ok(SignedCookie {
            name: config.name.clone(),
            secrets: config
                .secrets
                .iter()
                .map(|s| s.as_bytes().to_vec())
                .collect(),
        })
    }

    /// The cookie value for `session`, valid until `exp` (unix seconds).
    pub fn sign(&self, session: &Map<String, Value>, exp: u64) -> String {
        let payload = serde_json::json!({ "exp": exp, "session": session });
        let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
        let mac = mac(&self.secrets[0], payload.as_bytes())
            .finalize()
            .into_bytes();
        format!("{payload}.{}", URL_SAFE_NO_PAD.encode(mac))
    }

    /// The session in a cookie value, or a 401 that says what is wrong with it.
    pub fn verify(&self, value: &str, now: u64) -> Result<Claims, RequestError> {
        let (payload, signature) = value
            .split_once('.')
            .ok_or_else(|| invalid("the session cookie is not `payload.signature`"))?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| invalid("the session cookie's signature is not base64url"))?;
        // `verify_slice` compares in constant time; every secret is tried.
        let verified = self.secrets.iter().fold(false, |ok, secret| {
            mac(secret, payload.as_bytes())
                .verify_slice(&signature)
                .is_ok()
                | ok
        });
        if !verified {
            return Err(invalid("the session cookie's signature does not verify"));
        }
        let json = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| invalid("the session cookie's payload is not base64url"))?;
        let mut payload: Map<String, Value> = serde_json::from_slice(&json)
            .map_err(|_| invalid("the session cookie's payload is not a JSON object"))?;
        match payload.get("exp").and_then(Value::as_u64) {
            Some(exp) if exp > now => {}
            Some(_) => return Err(invalid("the session cookie has expired")),
            None => return Err(invalid("the session cookie has no expiry")),
        }
        match payload.remove("session") {
            Some(Value::Object(session)) => Ok(session),
            _ => Err(invalid("the session cookie holds no session object")),
        }
    }
}

fn mac(secret: &[u8], payload: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(payload);
    mac
}
