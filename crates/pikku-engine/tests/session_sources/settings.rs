//! Bad session-source settings: start-up errors naming the setting, all of them at once.

use serde_json::json;

use crate::{try_engine, SECRET};

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
