//! Bad tokens, algorithm confusion and bad settings: each refused with its reason, never a
//! crash.

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use pikku_engine::{Engine, EngineConfig};
use serde_json::{json, Value};

use crate::{base64url, bearer, call, engine, good_claims, hs256, now, sign, SECRET};

const RSA_PRIVATE: &str = include_str!("../keys/rsa-private.pem");
const RSA_PUBLIC: &str = include_str!("../keys/rsa-public.pem");
const ED_PRIVATE: &str = include_str!("../keys/ed-private.pem");
const ED_PUBLIC: &str = include_str!("../keys/ed-public.pem");

#[test]
fn bad_tokens_are_401_invalid_session() {
    let e = hs256();
    let good = sign(good_claims());
    let mut tampered = good.clone();
    tampered.insert_str(good.rfind('.').unwrap() + 1, "AAAA");
    let other_key = encode(
        &Header::new(Algorithm::HS256),
        &good_claims(),
        &EncodingKey::from_secret(b"another-secret-that-is-long-enough-too"),
    )
    .unwrap();
    let alg_none = format!(
        "{}.{}.",
        base64url(br#"{"alg":"none","typ":"JWT"}"#),
        base64url(good_claims().to_string().as_bytes())
    );
    let expired =
        sign(json!({ "userId": "ada", "iss": "pikku", "aud": "app", "exp": now() - 600 }));
    let not_yet = sign(
        json!({ "userId": "ada", "iss": "pikku", "aud": "app", "exp": now() + 600, "nbf": now() + 600 }),
    );
    let wrong_issuer =
        sign(json!({ "userId": "ada", "iss": "evil", "aud": "app", "exp": now() + 600 }));
    let wrong_audience =
        sign(json!({ "userId": "ada", "iss": "pikku", "aud": "other", "exp": now() + 600 }));
    let not_object = encode(
        &Header::new(Algorithm::HS256),
        &json!([1, 2]),
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    let proto = sign(
        json!({ "userId": "ada", "iss": "pikku", "aud": "app", "exp": now() + 600, "__proto__": { "admin": true } }),
    );
    let huge = format!("Bearer {}", "a".repeat(100 * 1024));
    let cases: Vec<(&str, String, &str)> = vec![
        ("tampered signature", bearer(&tampered), "signature"),
        ("wrong key", bearer(&other_key), "signature"),
        ("alg none", bearer(&alg_none), "malformed"), // `none` is not an algorithm the crate knows
        ("expired", bearer(&expired), "expired"),
        ("not yet valid", bearer(&not_yet), "not valid yet"),
        ("wrong issuer", bearer(&wrong_issuer), "issuer"),
        ("wrong audience", bearer(&wrong_audience), "audience"),
        ("payload not an object", bearer(&not_object), ""),
        ("__proto__ in claims", bearer(&proto), "prototype"),
        ("malformed base64", bearer("abc.d$f.ghi"), "malformed"),
        ("100 KB header", huge, "8 KiB"),
        (
            "bearer without a token",
            "Bearer  ".into(),
            "without a token",
        ),
    ];
    for (name, header, reason) in cases {
        let answer = call(&e, "/me", Some(&header), None);
        assert_eq!(answer[0], json!(-401), "{name}: {answer}");
        assert_eq!(
            answer[1]["name"],
            json!("InvalidSessionError"),
            "{name}: {answer}"
        );
        assert!(
            answer[1]["message"].as_str().unwrap().contains(reason),
            "{name}: {answer}"
        );
    }
}

#[test]
fn other_authorization_schemes_are_not_ours_and_tokens_must_expire() {
    let e = hs256();
    // `Basic` from a proxy in front of the app: no session, not a bad one.
    let answer = call(&e, "/me", Some("Basic dXNlcjpwYXNz"), None);
    assert_eq!(answer[1]["name"], json!("MissingSessionError"), "{answer}");
    let cookies = format!("session={}", sign(good_claims()));
    assert_eq!(
        call(&e, "/me", Some("Basic dXNlcjpwYXNz"), Some(&cookies))[2]["userId"],
        json!("ada")
    );
    // A token without `exp` would never expire: refused unless `requireExp: false`.
    let forever = sign(json!({ "userId": "ada", "iss": "pikku", "aud": "app" }));
    let answer = call(&e, "/me", Some(&bearer(&forever)), None);
    assert!(
        answer[1]["message"]
            .as_str()
            .unwrap()
            .contains("no `exp` claim"),
        "{answer}"
    );
    let lenient = engine(json!({ "algorithm": "HS256", "secret": SECRET, "requireExp": false }));
    let forever = sign(json!({ "userId": "ada" }));
    assert_eq!(
        call(&lenient, "/me", Some(&bearer(&forever)), None)[2]["userId"],
        json!("ada")
    );
}

#[test]
fn rs256_and_eddsa_verify_and_refuse_algorithm_confusion() {
    let rs = engine(json!({ "algorithm": "RS256", "publicKeyPem": RSA_PUBLIC }));
    let claims = json!({ "userId": "rsa", "exp": now() + 600 });
    let token = encode(
        &Header::new(Algorithm::RS256),
        &claims,
        &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        call(&rs, "/me", Some(&bearer(&token)), None)[2]["userId"],
        json!("rsa")
    );
    // HS256 signed with the public key as the secret: the classic confusion attack.
    let confused = encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(RSA_PUBLIC.as_bytes()),
    )
    .unwrap();
    assert_eq!(
        call(&rs, "/me", Some(&bearer(&confused)), None)[1]["name"],
        json!("InvalidSessionError")
    );

    let ed = engine(json!({ "algorithm": "EdDSA", "publicKeyPem": ED_PUBLIC }));
    let token = encode(
        &Header::new(Algorithm::EdDSA),
        &claims,
        &EncodingKey::from_ed_pem(ED_PRIVATE.as_bytes()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        call(&ed, "/me", Some(&bearer(&token)), None)[2]["userId"],
        json!("rsa")
    );
}

#[test]
fn bad_session_settings_are_start_up_errors_naming_the_setting() {
    let build = |jwt: Value| {
        let config: EngineConfig =
            serde_json::from_value(json!({ "routes": [], "session": { "jwt": jwt } })).unwrap();
        Engine::new(config).unwrap_err().to_string()
    };
    assert!(build(json!({ "algorithm": "none" })).contains("`session.jwt.algorithm` is `none`"));
    assert!(build(json!({ "algorithm": "HS256", "secret": "short" }))
        .contains("`session.jwt.secret` is shorter than 32 bytes"));
    assert!(build(json!({ "algorithm": "RS256" }))
        .contains("`session.jwt.publicKeyPem` (or `jwks`) is required"));
    assert!(
        build(json!({ "algorithm": "RS256", "publicKeyPem": "not a key" }))
            .contains("cannot be read")
    );
    assert!(
        build(json!({ "algorithm": "HS256", "secret": SECRET, "leewaySeconds": 999999 }))
            .contains("`session.jwt.leewaySeconds` is 999999")
    );
}
