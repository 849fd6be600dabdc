//! API keys. Only SHA-256 digests of the configured keys are kept, and a presented key is
//! compared by its digest against every configured one in constant time (`subtle`), so neither
//! the position of the first differing byte nor the key's length shows in the timing.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::config::ApiKeyConfig;
use super::{invalid, Claims};
use crate::error::RequestError;
use crate::input::{check_object_keys, Source};

/// The longest API key read; longer ones are refused.
const MAX_KEY_BYTES: usize = 1024;

/// The accepted keys, by digest.
pub struct ApiKeys {
    /// The header that carries keys, lower-case.
    pub header: Option<String>,
    /// The query parameter that carries keys.
    pub query: Option<String>,
    keys: Vec<([u8; 32], Map<String, Value>)>,
}

impl ApiKeys {
    /// Checks the settings; the error names the one at fault.
    pub fn new(config: &ApiKeyConfig) -> Result<ApiKeys, String> {
        if config.header.is_none() && config.query.is_none() {
            return Err("PIKKU_ERR_SESSION: `session.apiKey` needs `header` (e.g. `x-api-key`) or `query` (e.g. `apiKey`)".into());
        }
        let mut keys = Vec::with_capacity(config.keys.len());
        for (i, entry) in config.keys.iter().enumerate() {
            if entry.key.len() < 16 {
                return Err(format!(
                    "PIKKU_ERR_SESSION: `session.apiKey.keys[{i}].key` is shorter than 16 bytes; use a long random key"
                ));
            }
            if check_object_keys(&entry.session, Source::Body).is_err() {
                return Err(format!(
                    "PIKKU_ERR_SESSION: `session.apiKey.keys[{i}].session` holds a key that could change an object prototype"
                ));
            }
            keys.push((digest(entry.key.as_bytes()), entry.session.clone()));
        }
        Ok(ApiKeys {
            header: config.header.as_ref().map(|h| h.to_ascii_lowercase()),
            query: config.query.clone(),
            keys,
        })
    }

    /// The session a presented key stands for, or a 401.
    pub fn verify(&self, presented: &str) -> Result<Claims, RequestError> {
        if presented.len() > MAX_KEY_BYTES {
            return Err(invalid("the API key is longer than 1 KiB"));
        }
        let presented = digest(presented.as_bytes());
        let mut found = None;
        for (digest, session) in &self.keys {
            // No early exit: every configured key is compared.
            if bool::from(digest.ct_eq(&presented)) {
                found = Some(session);
            }
        }
        found
            .cloned()
            .ok_or_else(|| invalid("the API key is not accepted"))
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::config::ApiKeyEntry;

    fn keys() -> ApiKeys {
        let session = |who: &str| Map::from_iter([("userId".to_owned(), Value::from(who))]);
        ApiKeys::new(&ApiKeyConfig {
            header: Some("X-API-Key".into()),
            query: None,
            keys: vec![
                ApiKeyEntry {
                    key: "k1-0123456789abcdef".into(),
                    session: session("one"),
                },
                ApiKeyEntry {
                    key: "k2-0123456789abcdef".into(),
                    session: session("two"),
                },
            ],
        })
        .unwrap()
    }

    #[test]
    fn finds_the_session_of_each_key_and_refuses_near_misses() {
        let keys = keys();
        assert_eq!(keys.header.as_deref(), Some("x-api-key"));
        assert_eq!(keys.verify("k1-0123456789abcdef").unwrap()["userId"], "one");
        assert_eq!(keys.verify("k2-0123456789abcdef").unwrap()["userId"], "two");
        for near in [
            "x1-0123456789abcdef",
            "k1-0123456789abcdeX",
            "k1-0123456789abcde",
            "k1-0123456789abcdef ",
            "",
        ] {
            assert_eq!(keys.verify(near).unwrap_err().kind.status, 401, "{near:?}");
        }
        assert!(keys
            .verify(&"k".repeat(2000))
            .unwrap_err()
            .message
            .contains("1 KiB"));
    }
}
