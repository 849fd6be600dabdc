//! Sessions read by the engine in the per-request call: a JWT from `Authorization: Bearer` or
//! from a named cookie, verified with a well-kept crate (jsonwebtoken): the algorithm fixed by
//! the configuration (so `alg: none` and algorithm confusion are refused), `exp`/`nbf` with
//! leeway, `iss`/`aud` when configured, and claims that must be a plain JSON object.

use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::error::{RequestError, INVALID_SESSION};
use crate::input::{check_keys, Source};

/// The longest `Authorization` value or session cookie read; longer ones are refused.
const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Where sessions come from.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionConfig {
    /// How JWTs are verified.
    pub jwt: JwtConfig,
    /// Also read the JWT from this cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cookie: Option<String>,
}

/// How a JWT is verified.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JwtConfig {
    /// The one accepted algorithm: HS256, HS384, HS512, RS256, ES256 or EdDSA.
    pub algorithm: String,
    /// The shared secret (HS algorithms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub secret: Option<String>,
    /// The public key in PEM (RS256, ES256, EdDSA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub public_key_pem: Option<String>,
    /// The required `iss`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub issuer: Option<String>,
    /// The required `aud`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub audience: Option<String>,
    /// Clock skew allowed on `exp` and `nbf`, in seconds (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub leeway_seconds: Option<u64>,
}

/// Verifies session tokens; built once at start-up.
pub struct SessionDecoder {
    key: DecodingKey,
    validation: Validation,
    cookie: Option<String>,
}

impl std::fmt::Debug for SessionDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionDecoder").finish_non_exhaustive()
    }
}

impl SessionDecoder {
    /// Builds the decoder; the error names the setting at fault.
    pub fn new(config: &SessionConfig) -> Result<SessionDecoder, String> {
        let jwt = &config.jwt;
        let algorithm = match jwt.algorithm.as_str() {
            "HS256" => Algorithm::HS256,
            "HS384" => Algorithm::HS384,
            "HS512" => Algorithm::HS512,
            "RS256" => Algorithm::RS256,
            "ES256" => Algorithm::ES256,
            "EdDSA" => Algorithm::EdDSA,
            other => {
                return Err(format!(
                    "PIKKU_ERR_SESSION: `session.jwt.algorithm` is `{other}`; use HS256, HS384, HS512, RS256, ES256 or EdDSA"
                ))
            }
        };
        let pem = || {
            jwt.public_key_pem
                .as_deref()
                .map(str::as_bytes)
                .ok_or_else(|| {
                    format!(
                        "PIKKU_ERR_SESSION: `session.jwt.publicKeyPem` is required for {}",
                        jwt.algorithm
                    )
                })
        };
        let unreadable = |err: jsonwebtoken::errors::Error| {
            format!("PIKKU_ERR_SESSION: `session.jwt.publicKeyPem` cannot be read as a {} public key: {err}", jwt.algorithm)
        };
        let key = match algorithm {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => match jwt.secret.as_deref() {
                Some(secret) if secret.len() >= 32 => DecodingKey::from_secret(secret.as_bytes()),
                Some(_) => return Err("PIKKU_ERR_SESSION: `session.jwt.secret` is shorter than 32 bytes; use a long random secret".into()),
                None => return Err(format!("PIKKU_ERR_SESSION: `session.jwt.secret` is required for {}", jwt.algorithm)),
            },
            Algorithm::RS256 => DecodingKey::from_rsa_pem(pem()?).map_err(unreadable)?,
            Algorithm::ES256 => DecodingKey::from_ec_pem(pem()?).map_err(unreadable)?,
            _ => DecodingKey::from_ed_pem(pem()?).map_err(unreadable)?,
        };
        let mut validation = Validation::new(algorithm);
        validation.leeway = jwt.leeway_seconds.unwrap_or(30);
        validation.validate_nbf = true;
        validation.required_spec_claims.clear();
        validation.validate_aud = jwt.audience.is_some();
        if let Some(issuer) = &jwt.issuer {
            validation.set_issuer(&[issuer]);
            validation.required_spec_claims.insert("iss".into());
        }
        if let Some(audience) = &jwt.audience {
            validation.set_audience(&[audience]);
            validation.required_spec_claims.insert("aud".into());
        }
        Ok(SessionDecoder {
            key,
            validation,
            cookie: config.cookie.clone(),
        })
    }

    /// The session of a request: `None` without a token, the claims with a valid one, and a
    /// 401 `InvalidSessionError` for a token that does not verify.
    pub fn decode(
        &self,
        authorization: Option<&str>,
        cookies: Option<&str>,
    ) -> Result<Option<Map<String, Value>>, RequestError> {
        let token = match authorization {
            Some(header) => Some(bearer(header)?),
            None => self
                .cookie
                .as_deref()
                .and_then(|name| cookie(cookies?, name)),
        };
        let Some(token) = token else { return Ok(None) };
        if token.len() > MAX_TOKEN_BYTES {
            return Err(invalid("the token is longer than 8 KiB"));
        }
        let data = decode::<Value>(token, &self.key, &self.validation)
            .map_err(|err| invalid(&describe(&err)))?;
        let Value::Object(claims) = data.claims else {
            return Err(invalid("the token's payload is not a JSON object"));
        };
        let claims = Value::Object(claims);
        check_keys(&claims, Source::Body).map_err(|_| {
            invalid("the token's claims hold a key that could change an object prototype")
        })?;
        let Value::Object(claims) = claims else {
            unreachable!("checked above")
        };
        Ok(Some(claims))
    }
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

/// The value of cookie `name` in a `Cookie` header.
fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name).then(|| value.trim().trim_matches('"'))
    })
}

fn describe(err: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match err.kind() {
        ErrorKind::ExpiredSignature => "the token has expired".into(),
        ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".into(),
        ErrorKind::InvalidSignature => "the token's signature does not verify".into(),
        ErrorKind::InvalidAlgorithm => "the token's algorithm is not the configured one".into(),
        ErrorKind::InvalidIssuer => "the token's issuer is not accepted".into(),
        ErrorKind::InvalidAudience => "the token's audience is not accepted".into(),
        ErrorKind::MissingRequiredClaim(claim) => format!("the token has no `{claim}` claim"),
        _ => "the token is malformed".into(),
    }
}

fn invalid(why: &str) -> RequestError {
    RequestError::new(INVALID_SESSION, format!("Invalid session: {why}"))
}
