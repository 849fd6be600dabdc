//! The signed session cookie (tampering, rotation, expiry), the JWT cookie, and the
//! `Set-Cookie` the engine builds for `setSession` / `clearSession`.

use pikku_engine::Engine;
use serde_json::{json, Value};

use crate::{assert_invalid, call, engine, now, Req, SECRET};

const OTHER_SECRET: &str = "another-secret-that-is-long-enough-as-well";

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

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
