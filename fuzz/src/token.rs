//! Tokens as a client makes them: JWTs signed with HMAC-SHA256 (with the right secret, or
//! with an RSA public key as the secret, the algorithm-confusion attack), unsigned ones, and
//! the engine's signed session cookie; and their parts read back for the checks.

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// base64url with or without padding: reads back any segment a JWT library might accept.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// base64url without padding, as JWTs and the signed cookie write it.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// HMAC-SHA256 of `message` with `key`.
pub fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// `header.payload.signature`, the signature an HMAC-SHA256 with `key` (none when `None`).
pub fn jwt(header: &[u8], payload: &[u8], key: Option<&[u8]>) -> String {
    let signed = format!("{}.{}", b64(header), b64(payload));
    let signature = key.map_or(String::new(), |key| b64(&hmac(key, signed.as_bytes())));
    format!("{signed}.{signature}")
}

/// The engine's session cookie: `base64url(payload).base64url(HMAC-SHA256(that))`.
pub fn signed_cookie(payload: &[u8], secret: &[u8]) -> String {
    let payload = b64(payload);
    let mac = hmac(secret, payload.as_bytes());
    format!("{payload}.{}", b64(&mac))
}

/// The JSON of one base64url segment, when it decodes.
pub fn segment_json(segment: &str) -> Option<Value> {
    serde_json::from_slice(&LENIENT.decode(segment).ok()?).ok()
}

/// The header and payload of a three-part token, read without verifying it.
pub fn jwt_parts(token: &str) -> Option<(Value, Value)> {
    let mut parts = token.split('.');
    let (header, payload) = (parts.next()?, parts.next()?);
    parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    Some((segment_json(header)?, segment_json(payload)?))
}

/// Whether a claim (`iss`, `aud`) names `expected`: it is that string, or a list holding it.
pub fn names(claim: Option<&Value>, expected: &str) -> bool {
    match claim {
        Some(Value::String(s)) => s == expected,
        Some(Value::Array(items)) => items.iter().any(|item| item == expected),
        _ => false,
    }
}
