//! JWT verification (and issuing, for a JWT session cookie with a shared secret) with
//! jsonwebtoken. The algorithm is fixed by the configuration, so `alg: none` and algorithm
//! confusion (an HS256 token checked with an RSA public key) are refused.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{
    decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use serde_json::{Map, Value};

use super::config::JwtConfig;
use super::{invalid, Claims};
use crate::error::RequestError;

/// Verifies JWTs; built once at start-up.
pub struct JwtVerifier {
    keys: Keys,
    validation: Validation,
    signer: Option<(Header, EncodingKey)>,
    /// `iss` and `aud` written into issued tokens, so that they verify here.
    issued_claims: Map<String, Value>,
}

enum Keys {
    One(DecodingKey),
    /// From a JWK set: `(kid, key)`.
    Set(Vec<(Option<String>, DecodingKey)>),
}

impl JwtVerifier {
    /// Builds the verifier; the error names the setting at fault.
    pub fn new(jwt: &JwtConfig) -> Result<JwtVerifier, String> {
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
        let hmac = matches!(
            algorithm,
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
        );
        let mut signer = None;
        let keys = match (&jwt.jwks, &jwt.public_key_pem, &jwt.secret) {
            (Some(set), None, None) => Keys::Set(jwk_keys(set, algorithm)?),
            (None, Some(pem), None) if !hmac => Keys::One(pem_key(pem.as_bytes(), algorithm, &jwt.algorithm)?),
            (None, None, Some(secret)) if hmac => {
                if secret.len() < 32 {
                    return Err("PIKKU_ERR_SESSION: `session.jwt.secret` is shorter than 32 bytes; use a long random secret".into());
                }
                signer = Some((Header::new(algorithm), EncodingKey::from_secret(secret.as_bytes())));
                Keys::One(DecodingKey::from_secret(secret.as_bytes()))
            }
            (None, None, None) if hmac => {
                return Err(format!("PIKKU_ERR_SESSION: `session.jwt.secret` (or `jwks`) is required for {}", jwt.algorithm))
            }
            (None, None, None) => {
                return Err(format!("PIKKU_ERR_SESSION: `session.jwt.publicKeyPem` (or `jwks`) is required for {}", jwt.algorithm))
            }
            _ if hmac => {
                return Err(format!("PIKKU_ERR_SESSION: {} takes one of `session.jwt.secret` or `session.jwt.jwks`, not `publicKeyPem` or both", jwt.algorithm))
            }
            _ => {
                return Err(format!("PIKKU_ERR_SESSION: {} takes one of `session.jwt.publicKeyPem` or `session.jwt.jwks`, not `secret` or both", jwt.algorithm))
            }
        };
        let leeway = jwt.leeway_seconds.unwrap_or(30);
        if leeway > 3600 {
            return Err(format!("PIKKU_ERR_SESSION: `session.jwt.leewaySeconds` is {leeway}; allow at most 3600 seconds of clock skew"));
        }
        let mut validation = Validation::new(algorithm);
        validation.leeway = leeway;
        validation.validate_nbf = true;
        validation.required_spec_claims.clear();
        if jwt.require_exp.unwrap_or(true) {
            validation.required_spec_claims.insert("exp".into());
        }
        validation.validate_aud = jwt.audience.is_some();
        let mut issued_claims = Map::new();
        if let Some(iss) = &jwt.issuer {
            validation.set_issuer(&[iss]);
            validation.required_spec_claims.insert("iss".into());
            issued_claims.insert("iss".into(), Value::from(iss.as_str()));
        }
        if let Some(audience) = &jwt.audience {
            validation.set_audience(&[audience]);
            validation.required_spec_claims.insert("aud".into());
            issued_claims.insert("aud".into(), Value::from(audience.as_str()));
        }
        Ok(JwtVerifier {
            keys,
            validation,
            signer,
            issued_claims,
        })
    }

    /// The claims of a valid token, or a 401 that says why it is not.
    pub fn verify(&self, token: &str) -> Result<Claims, RequestError> {
        let key = match &self.keys {
            Keys::One(key) => key,
            Keys::Set(keys) => {
                let header = decode_header(token).map_err(|err| invalid(&describe(&err)))?;
                let found = match header.kid.as_deref() {
                    Some(kid) => keys.iter().find(|(id, _)| id.as_deref() == Some(kid)),
                    None if keys.len() == 1 => keys.first(),
                    None => None,
                };
                match found {
                    Some((_, key)) => key,
                    None => {
                        return Err(invalid(
                            "the token's `kid` names no key of the configured JWK set",
                        ))
                    }
                }
            }
        };
        let data = decode::<Value>(token, key, &self.validation)
            .map_err(|err| invalid(&describe(&err)))?;
        match data.claims {
            Value::Object(claims) => Ok(claims),
            _ => Err(invalid("the token's payload is not a JSON object")),
        }
    }

    /// Signs `session` with `exp` set `max_age` seconds from `now` (and the configured `iss` /
    /// `aud`), when a shared secret is configured (an app cannot issue tokens it only holds public keys for).
    pub fn issue(
        &self,
        session: &Map<String, Value>,
        now: u64,
        max_age: u64,
    ) -> Option<Result<String, String>> {
        let (header, key) = self.signer.as_ref()?;
        let mut claims = session.clone();
        claims.extend(self.issued_claims.clone());
        claims.insert("exp".into(), Value::from(now.saturating_add(max_age)));
        Some(
            encode(header, &claims, key)
                .map_err(|err| format!("the session cannot be signed as a JWT: {err}")),
        )
    }
}

fn pem_key(pem: &[u8], algorithm: Algorithm, name: &str) -> Result<DecodingKey, String> {
    let key = match algorithm {
        Algorithm::RS256 => DecodingKey::from_rsa_pem(pem),
        Algorithm::ES256 => DecodingKey::from_ec_pem(pem),
        _ => DecodingKey::from_ed_pem(pem),
    };
    key.map_err(|err| format!("PIKKU_ERR_SESSION: `session.jwt.publicKeyPem` cannot be read as a {name} public key: {err}"))
}

fn jwk_keys(
    set: &Value,
    algorithm: Algorithm,
) -> Result<Vec<(Option<String>, DecodingKey)>, String> {
    let set: JwkSet = serde_json::from_value(set.clone()).map_err(|err| {
        format!("PIKKU_ERR_SESSION: `session.jwt.jwks` is not a JWK set (`{{ \"keys\": [...] }}`): {err}")
    })?;
    if set.keys.is_empty() {
        return Err(
            "PIKKU_ERR_SESSION: `session.jwt.jwks.keys` is empty; give at least one key".into(),
        );
    }
    let mut keys = Vec::with_capacity(set.keys.len());
    for (i, jwk) in set.keys.iter().enumerate() {
        let at = format!("`session.jwt.jwks.keys[{i}]`");
        if let Some(alg) = jwk.common.key_algorithm {
            if alg.to_string() != format!("{algorithm:?}") {
                return Err(format!(
                    "PIKKU_ERR_SESSION: {at} is for {alg}, but `session.jwt.algorithm` is {algorithm:?}; a key set serves one algorithm"
                ));
            }
        }
        let key = DecodingKey::from_jwk(jwk)
            .map_err(|err| format!("PIKKU_ERR_SESSION: {at} cannot be read as a key: {err}"))?;
        if key.family() != algorithm.family() {
            return Err(format!(
                "PIKKU_ERR_SESSION: {at} is not a key for {algorithm:?} (wrong key type)"
            ));
        }
        keys.push((jwk.common.key_id.clone(), key));
    }
    Ok(keys)
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
