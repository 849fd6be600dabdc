//! The session settings an app gives at start-up (`createApp({ session })`), exported to
//! TypeScript with ts-rs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

/// Where sessions come from. Sources are tried in this order, and the first one present
/// decides: `Authorization: Bearer` (JWT), the JWT cookie, the signed session cookie, the API
/// key header, the API key query parameter. A source that is present but does not verify
/// answers 401 `InvalidSessionError` and later sources are not tried — except that on a route
/// without `auth` a bad cookie counts as no session (a stale cookie must not lock users out of
/// the sign-in route). An `Authorization` header that is not `Bearer` is ignored.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionConfig {
    /// How JWTs (bearer, or the `cookie` below) are verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub jwt: Option<JwtConfig>,
    /// Also read the JWT from this cookie (and write it there on `userSession.set`, with an HS
    /// secret). An app has one session cookie: this or `signedCookie`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub jwt_cookie: Option<String>,
    /// Also read the JWT from this query parameter, on WebSocket upgrades only (browsers cannot
    /// set headers there; a token in a URL is kept out of ordinary requests' logs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub jwt_query: Option<String>,
    /// A session cookie signed by the engine (HMAC-SHA256), which `setSession` writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub signed_cookie: Option<SignedCookieConfig>,
    /// API keys, each standing for a fixed session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub api_key: Option<ApiKeyConfig>,
    /// The attributes of the `Set-Cookie` written by `setSession` / `clearSession`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub set_cookie: Option<CookieAttributes>,
}

/// How a JWT is verified.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JwtConfig {
    /// The one accepted algorithm: HS256, HS384, HS512, RS256, ES256 or EdDSA.
    pub algorithm: String,
    /// The shared secret (HS algorithms), at least 32 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub secret: Option<String>,
    /// The public key in PEM (RS256, ES256, EdDSA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub public_key_pem: Option<String>,
    /// A JWK set (`{ "keys": [...] }`); a token's `kid` picks its key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "{ keys: Array<Record<string, unknown>> }")]
    pub jwks: Option<Value>,
    /// The required `iss`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub issuer: Option<String>,
    /// The required `aud`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub audience: Option<String>,
    /// Clock skew allowed on `exp` and `nbf`, in seconds (default 30, at most 3600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub leeway_seconds: Option<u64>,
    /// Whether a token must carry `exp` (default true: a token without one never expires).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub require_exp: Option<bool>,
}

/// A session cookie signed with HMAC-SHA256: `base64url(payload).base64url(mac)`, where the
/// payload holds the session and its expiry.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignedCookieConfig {
    /// The cookie's name.
    pub name: String,
    /// Signing secrets, each at least 32 bytes: the first signs, all verify (for rotation).
    pub secrets: Vec<String>,
}

/// API keys read from a header and/or a query parameter; compared in constant time.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiKeyConfig {
    /// The header that carries the key (for example `x-api-key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub header: Option<String>,
    /// The query parameter that carries the key (for example `apiKey`); it is not part of the
    /// function's input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub query: Option<String>,
    /// The accepted keys and the session each one stands for.
    pub keys: Vec<ApiKeyEntry>,
}

/// One accepted API key.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiKeyEntry {
    /// The key, at least 16 bytes. Only its SHA-256 digest is kept.
    pub key: String,
    /// The session of a request that presents this key.
    #[ts(type = "Record<string, unknown>")]
    pub session: Map<String, Value>,
}

/// Attributes of the session's `Set-Cookie`. Defaults: `HttpOnly`, `Secure`, `SameSite=Lax`,
/// `Path=/`, a week.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CookieAttributes {
    /// Hidden from page scripts (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub http_only: Option<bool>,
    /// Sent over HTTPS only (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub secure: Option<bool>,
    /// `lax` (default), `strict` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "'lax' | 'strict' | 'none'")]
    pub same_site: Option<String>,
    /// The cookie's path (default `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub path: Option<String>,
    /// The cookie's domain (default: the host that answered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub domain: Option<String>,
    /// How long the session lasts, in seconds (default 604800, a week; at most 400 days); also
    /// the expiry written into a signed cookie or a JWT cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub max_age_seconds: Option<u64>,
}
