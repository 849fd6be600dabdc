//! The other session sources (JWK sets, the signed session cookie, API keys) and the
//! `Set-Cookie` the engine builds for `setSession` / `clearSession`.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use pikku_engine::{wire, Engine, EngineConfig, HttpRequest};
use serde_json::{json, Value};

const SECRET: &str = "a-test-secret-that-is-long-enough-for-hs256";
const OTHER_SECRET: &str = "another-secret-that-is-long-enough-as-well";
const RSA_PRIVATE: &str = include_str!("keys/rsa-private.pem");
const ED_PRIVATE: &str = include_str!("keys/ed-private.pem");
const JWKS: &str = include_str!("keys/jwks.json");
const API_KEY: &str = "pk_live_0123456789abcdef";

/// An answer's JSON, after checking it is a `WireAnswer` as generated for TypeScript.
fn typed(text: &str) -> Value {
    if let Err(err) = pikku_engine::boundary::WireAnswer::parse_exact(text) {
        panic!("{err}");
    }
    serde_json::from_str(text).unwrap()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn engine(session: Value) -> Engine {
    try_engine(session).unwrap()
}

fn try_engine(session: Value) -> Result<Engine, String> {
    let config: EngineConfig = serde_json::from_value(json!({
        "routes": [
            { "method": "get", "route": "/me", "auth": true, "inputSchema": "Strict" },
        ],
        "schemas": { "Strict": { "type": "object", "properties": { "q": { "type": "string" } }, "additionalProperties": false } },
        "session": session
    }))
    .unwrap();
    Engine::new(config).map_err(|err| err.to_string())
}

#[derive(Default)]
struct Req<'a> {
    url: Option<&'a str>,
    authorization: Option<&'a str>,
    cookie: Option<&'a str>,
    api_key: Option<&'a str>,
}

fn call(e: &Engine, r: Req<'_>) -> Value {
    let request = HttpRequest {
        method: "GET",
        url: r.url.unwrap_or("/me"),
        content_type: None,
        has_session: false,
        authorization: r.authorization,
        cookie: r.cookie,
        api_key: r.api_key,
        body: b"",
        body_too_large: false,
    };
    typed(&wire::encode(&e.handle(&request), None))
}

fn assert_invalid(answer: &Value, reason: &str) {
    assert_eq!(answer[1]["name"], json!("InvalidSessionError"), "{answer}");
    let message = answer[1]["message"].as_str().unwrap();
    assert!(
        message.contains(reason),
        "`{message}` should mention `{reason}`"
    );
}

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

fn cookie_engine(secrets: &[&str], max_age: u64) -> Engine {
    engine(json!({
        "signedCookie": { "name": "sid", "secrets": secrets },
        "setCookie": { "maxAgeSeconds": max_age }
    }))
}

/// The `name=value` part of a `Set-Cookie` header, as a browser sends it back.
fn cookie_pair(set_cookie: &str) -> &str {
    set_cookie.split(';').next().unwrap()
}

#[test]
fn a_signed_cookie_round_trips_and_refuses_tampering() {
    let e = cookie_engine(&[SECRET], 3600);
    let header = e
        .session_cookie(Some(&json!({ "userId": "ada", "role": "admin" })))
        .unwrap();
    assert!(header.starts_with("sid="), "{header}");
    assert!(
        header.ends_with("; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax"),
        "{header}"
    );
    let sent = format!("theme=dark; {}", cookie_pair(&header));
    let answer = call(
        &e,
        Req {
            cookie: Some(&sent),
            ..Req::default()
        },
    );
    assert_eq!(answer[2], json!({ "userId": "ada", "role": "admin" }));

    let value = cookie_pair(&header).strip_prefix("sid=").unwrap();
    let (payload, mac) = value.split_once('.').unwrap();
    let forged_payload =
        base64url(br#"{"exp":99999999999,"session":{"userId":"eve","role":"admin"}}"#);
    let cases = [
        (
            "forged payload",
            format!("sid={forged_payload}.{mac}"),
            "signature",
        ),
        (
            "flipped mac",
            format!(
                "sid={payload}.{}{}",
                if mac.starts_with('A') { "B" } else { "A" },
                &mac[1..]
            ),
            "signature",
        ),
        (
            "no signature",
            format!("sid={payload}"),
            "payload.signature",
        ),
        ("not base64", format!("sid={payload}.$$$"), "base64url"),
        ("huge", format!("sid={}", "a".repeat(9000)), "8 KiB"),
    ];
    for (name, cookie, reason) in cases {
        let answer = call(
            &e,
            Req {
                cookie: Some(&cookie),
                ..Req::default()
            },
        );
        assert_eq!(answer[0], json!(-401), "{name}");
        assert_invalid(&answer, reason);
    }
}

#[test]
fn signed_cookie_secrets_rotate_and_expire() {
    let old = cookie_engine(&[SECRET], 3600);
    let header = old
        .session_cookie(Some(&json!({ "userId": "ada" })))
        .unwrap();
    let sent = cookie_pair(&header);
    let rotated = cookie_engine(&[OTHER_SECRET, SECRET], 3600);
    assert_eq!(
        call(
            &rotated,
            Req {
                cookie: Some(sent),
                ..Req::default()
            }
        )[2]["userId"],
        "ada"
    );
    let dropped = cookie_engine(&[OTHER_SECRET], 3600);
    assert_invalid(
        &call(
            &dropped,
            Req {
                cookie: Some(sent),
                ..Req::default()
            },
        ),
        "signature",
    );

    let instant = cookie_engine(&[SECRET], 0);
    let header = instant
        .session_cookie(Some(&json!({ "userId": "ada" })))
        .unwrap();
    assert_invalid(
        &call(
            &instant,
            Req {
                cookie: Some(cookie_pair(&header)),
                ..Req::default()
            },
        ),
        "expired",
    );
}

#[test]
fn clear_session_deletes_the_cookie_and_attributes_are_configurable() {
    let e = engine(json!({
        "signedCookie": { "name": "sid", "secrets": [SECRET] },
        "setCookie": { "secure": false, "sameSite": "strict", "path": "/app", "domain": "example.test", "httpOnly": false }
    }));
    assert_eq!(
        e.session_cookie(None).unwrap(),
        "sid=; Max-Age=0; Path=/app; Domain=example.test; SameSite=Strict"
    );
    let set = e.session_cookie(Some(&json!({ "userId": "ada" }))).unwrap();
    assert!(
        set.ends_with("; Max-Age=604800; Path=/app; Domain=example.test; SameSite=Strict"),
        "{set}"
    );
}

#[test]
fn set_session_refuses_what_it_cannot_store() {
    let e = cookie_engine(&[SECRET], 60);
    let err = e.session_cookie(Some(&json!([1]))).unwrap_err();
    assert!(err.contains("not an object"), "{err}");
    let proto: Value = serde_json::from_str(r#"{"__proto__":{"admin":true}}"#).unwrap();
    assert!(e
        .session_cookie(Some(&proto))
        .unwrap_err()
        .contains("prototype"));
    let big = json!({ "blob": "x".repeat(5000) });
    assert!(e.session_cookie(Some(&big)).unwrap_err().contains("4096"));

    let bearer_only = engine(json!({ "jwt": { "algorithm": "HS256", "secret": SECRET } }));
    assert!(bearer_only
        .session_cookie(None)
        .unwrap_err()
        .contains("`session.signedCookie`"));
}

#[test]
fn a_jwt_cookie_with_a_shared_secret_can_be_issued() {
    let e = engine(json!({
        "jwt": { "algorithm": "HS256", "secret": SECRET, "issuer": "pikku", "audience": "app" },
        "jwtCookie": "token"
    }));
    let header = e.session_cookie(Some(&json!({ "userId": "ada" }))).unwrap();
    assert!(header.starts_with("token=ey"), "{header}");
    let answer = call(
        &e,
        Req {
            cookie: Some(cookie_pair(&header)),
            ..Req::default()
        },
    );
    assert_eq!(answer[2]["userId"], "ada");
    assert!(answer[2]["exp"].as_i64().unwrap() > now());
}

fn api_key_engine() -> Engine {
    engine(json!({
        "jwt": { "algorithm": "HS256", "secret": SECRET },
        "apiKey": { "header": "X-Api-Key", "query": "apiKey", "keys": [
            { "key": API_KEY, "session": { "userId": "robot", "scopes": ["read"] } }
        ] }
    }))
}

#[test]
fn api_keys_from_a_header_or_the_query() {
    let e = api_key_engine();
    assert_eq!(e.api_key_header(), Some("x-api-key"));
    let answer = call(
        &e,
        Req {
            api_key: Some(API_KEY),
            ..Req::default()
        },
    );
    assert_eq!(answer[2], json!({ "userId": "robot", "scopes": ["read"] }));
    // The query key is not part of the input (the schema allows no extra property).
    let url = format!("/me?q=hi&apiKey={API_KEY}");
    let answer = call(
        &e,
        Req {
            url: Some(&url),
            ..Req::default()
        },
    );
    assert_eq!(answer[1], json!({ "q": "hi" }), "{answer}");
    assert_eq!(answer[2]["userId"], "robot");
    for wrong in [
        "pk_live_0123456789abcdeF",
        "pk_live_0123456789abcde",
        "",
        "x",
    ] {
        assert_invalid(
            &call(
                &e,
                Req {
                    api_key: Some(wrong),
                    ..Req::default()
                },
            ),
            "not accepted",
        );
    }
    assert_invalid(
        &call(
            &e,
            Req {
                url: Some("/me?apiKey=nope"),
                ..Req::default()
            },
        ),
        "not accepted",
    );
    // The name is read decoded, as the input's query is: what is left out is what is checked.
    for url in [
        format!("/me?api%4Bey={API_KEY}"),
        format!("/me?apiKey[]={API_KEY}"),
    ] {
        let answer = call(
            &e,
            Req {
                url: Some(&url),
                ..Req::default()
            },
        );
        assert_eq!(answer[2]["userId"], "robot", "{url}: {answer}");
        assert_eq!(answer[1], json!({}), "{url}: {answer}");
    }
    let long = "k".repeat(5000);
    assert_invalid(
        &call(
            &e,
            Req {
                api_key: Some(&long),
                ..Req::default()
            },
        ),
        "1 KiB",
    );
    // A bearer token comes first: a bad one is refused even with a good key next to it.
    assert_invalid(
        &call(
            &e,
            Req {
                authorization: Some("Bearer x.y.z"),
                api_key: Some(API_KEY),
                ..Req::default()
            },
        ),
        "malformed",
    );
}

#[test]
fn bad_source_settings_are_start_up_errors_naming_the_setting() {
    let hs = json!({ "algorithm": "HS256", "secret": SECRET });
    let cases = [
        (
            json!({ "jwt": hs, "jwtCookie": "to ken" }),
            "`session.jwtCookie` is `to ken`",
        ),
        (
            json!({ "jwt": hs, "jwtCookie": "token", "signedCookie": { "name": "sid", "secrets": [SECRET] } }),
            "an app has one session cookie",
        ),
        (
            json!({ "setCookie": { "maxAgeSeconds": 99999999999u64 } }),
            "`session.setCookie.maxAgeSeconds` is 99999999999",
        ),
        (
            json!({ "jwtCookie": "token" }),
            "`session.jwtCookie` names a JWT cookie but `session.jwt` is not set",
        ),
        (
            json!({ "signedCookie": { "name": "sid", "secrets": ["short"] } }),
            "`session.signedCookie.secrets[0]` is shorter than 32 bytes",
        ),
        (
            json!({ "signedCookie": { "name": "sid", "secrets": [] } }),
            "`session.signedCookie.secrets` is empty",
        ),
        (
            json!({ "signedCookie": { "name": "s id", "secrets": [SECRET] } }),
            "`session.signedCookie.name` is `s id`",
        ),
        (
            json!({ "apiKey": { "keys": [] } }),
            "`session.apiKey` needs `header`",
        ),
        (
            json!({ "apiKey": { "header": "x-api-key", "keys": [{ "key": "short", "session": {} }] } }),
            "`session.apiKey.keys[0].key` is shorter than 16 bytes",
        ),
        (
            json!({ "setCookie": { "sameSite": "loose" } }),
            "`session.setCookie.sameSite` is `loose`",
        ),
        (
            json!({ "setCookie": { "sameSite": "none", "secure": false } }),
            "needs `secure: true`",
        ),
        (
            json!({ "jwt": { "algorithm": "HS256", "secret": SECRET, "publicKeyPem": "x" } }),
            "HS256 takes one of",
        ),
    ];
    for (session, expected) in cases {
        let err = try_engine(session.clone()).unwrap_err();
        assert!(
            err.contains(expected),
            "{session}: `{err}` should contain `{expected}`"
        );
    }
    // Every problem at once.
    let err = try_engine(json!({ "jwtCookie": "token", "setCookie": { "sameSite": "loose" } }))
        .unwrap_err();
    assert_eq!(err.lines().count(), 2, "{err}");
}

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
