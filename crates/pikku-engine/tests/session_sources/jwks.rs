//! JWK sets: the key picked by `kid`, and sets that do not fit the algorithm.

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::{assert_invalid, call, engine, now, try_engine, Req};

const RSA_PRIVATE: &str = include_str!("../keys/rsa-private.pem");
const ED_PRIVATE: &str = include_str!("../keys/ed-private.pem");
const JWKS: &str = include_str!("../keys/jwks.json");

fn signed(kid: Option<&str>, algorithm: Algorithm, key: &EncodingKey) -> String {
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    encode(
        &header,
        &json!({ "userId": "ada", "exp": now() + 600 }),
        key,
    )
    .unwrap()
}

#[test]
fn a_jwk_set_picks_the_key_by_kid() {
    let jwks: Value = serde_json::from_str(JWKS).unwrap();
    let rsa_only = json!({ "keys": [jwks["keys"][0]] });
    let e = engine(json!({ "jwt": { "algorithm": "RS256", "jwks": rsa_only } }));
    let rsa = EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap();
    let bearer = |t: String| format!("Bearer {t}");
    let ok = bearer(signed(Some("rsa-1"), Algorithm::RS256, &rsa));
    assert_eq!(
        call(
            &e,
            Req {
                authorization: Some(&ok),
                ..Req::default()
            }
        )[2]["userId"],
        "ada"
    );
    // One key in the set: a token without `kid` uses it.
    let no_kid = bearer(signed(None, Algorithm::RS256, &rsa));
    assert_eq!(
        call(
            &e,
            Req {
                authorization: Some(&no_kid),
                ..Req::default()
            }
        )[2]["userId"],
        "ada"
    );
    let unknown = bearer(signed(Some("rsa-2"), Algorithm::RS256, &rsa));
    assert_invalid(
        &call(
            &e,
            Req {
                authorization: Some(&unknown),
                ..Req::default()
            },
        ),
        "`kid`",
    );
    // HS256 signed with the JWK's modulus text as secret: refused (the algorithm is fixed).
    let confused = bearer(signed(
        Some("rsa-1"),
        Algorithm::HS256,
        &EncodingKey::from_secret(JWKS.as_bytes()),
    ));
    assert_invalid(
        &call(
            &e,
            Req {
                authorization: Some(&confused),
                ..Req::default()
            },
        ),
        "algorithm",
    );

    let ed_only = json!({ "keys": [jwks["keys"][1]] });
    let e = engine(json!({ "jwt": { "algorithm": "EdDSA", "jwks": ed_only } }));
    let ed = EncodingKey::from_ed_pem(ED_PRIVATE.as_bytes()).unwrap();
    let ok = bearer(signed(Some("ed-1"), Algorithm::EdDSA, &ed));
    assert_eq!(
        call(
            &e,
            Req {
                authorization: Some(&ok),
                ..Req::default()
            }
        )[2]["userId"],
        "ada"
    );
}

#[test]
fn a_jwk_set_that_does_not_fit_the_algorithm_is_a_start_up_error() {
    let jwks: Value = serde_json::from_str(JWKS).unwrap();
    let err = try_engine(json!({ "jwt": { "algorithm": "ES256", "jwks": jwks } })).unwrap_err();
    assert!(
        err.contains("`session.jwt.jwks.keys[0]` is for RS256"),
        "{err}"
    );
    let ed_as_es = json!({ "keys": [jwks["keys"][1]] });
    let err = try_engine(json!({ "jwt": { "algorithm": "ES256", "jwks": ed_as_es } })).unwrap_err();
    assert!(
        err.contains("`session.jwt.jwks.keys[0]` is not a key for ES256"),
        "{err}"
    );
    let err =
        try_engine(json!({ "jwt": { "algorithm": "RS256", "jwks": { "keys": [] } } })).unwrap_err();
    assert!(err.contains("`session.jwt.jwks.keys` is empty"), "{err}");
    let err = try_engine(json!({ "jwt": { "algorithm": "RS256", "jwks": [1] } })).unwrap_err();
    assert!(err.contains("`session.jwt.jwks` is not a JWK set"), "{err}");
}
