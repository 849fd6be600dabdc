#![no_main]
//! Fuzzes session decoding: JWTs from `Authorization: Bearer`, from the JWT cookie and from the
//! query of a WebSocket upgrade, verified against an HS256 secret (with issuer and audience),
//! an RS256 public key and an RS256 JWK set; the engine's signed session cookie; API keys; and
//! raw `Authorization` and `Cookie` headers. Input: `SOURCE SIGNING\nHEADER\nPAYLOAD`, where
//! SOURCE is `bearer`, `cookie`, `query`, `auth` (raw Authorization), `rawcookie` (raw Cookie)
//! or `key` (raw API key), and SIGNING is `hs` (HS256 with the right secret; the signed
//! cookie with its rotated secret), `rsa` (HMAC keyed with the RSA public key: algorithm
//! confusion), `none` (no signature) or `raw` (HEADER is the token itself).
//!
//! Invariants, besides those of every answer (sessions are objects without prototype keys):
//! a failure is a 401; an `auth` route never runs without a session; a cookie alone never
//! fails a public route; and a session is only ever what a valid source holds: a JWT whose
//! header names the configured algorithm (never `none`, never HS256 where RS256 is set,
//! never a token the fuzzer could sign without the key), with an `exp` not past, an `nbf` not
//! ahead, the configured `iss` and `aud`, and claims equal to the token's payload; a signed
//! cookie with a good signature, an `exp` ahead and that session; the configured API key.

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use pikku_engine::{Engine, HttpRequest, UpgradeRequest};
use pikku_engine_fuzz::token::{b64, jwt, jwt_parts, names, segment_json, signed_cookie};
use pikku_engine_fuzz::{answer, engine, fields, now, request, text, Answer};
use serde_json::{json, Map, Value};

const SECRET: &str = "fuzz-secret-that-is-long-enough-for-hs256";
const COOKIE_SECRETS: [&str; 2] = [
    "fuzz-cookie-secret-0123456789abcdef",
    "fuzz-cookie-secret-rotated-0123456789",
];
const API_KEY: &str = "fuzz-api-key-0123456789";
const RSA_PUBLIC: &str = include_str!("../../crates/pikku-engine/tests/keys/rsa-public.pem");
const JWKS: &str = include_str!("../../crates/pikku-engine/tests/keys/jwks.json");
/// The engine's default clock skew allowance, in seconds.
const LEEWAY: u64 = 30;

/// How an engine verifies sessions.
#[derive(Clone, Copy, PartialEq)]
enum Verifier {
    /// HS256 with issuer `pikku` and audience `app`, plus the API key.
    Hs,
    /// RS256, by a public key or a JWK set.
    Rs,
    /// The engine's signed session cookie, `sid`.
    Signed,
}

static ENGINES: LazyLock<Vec<(Verifier, Engine)>> = LazyLock::new(|| {
    let build = |session: Value| {
        engine(json!({
            "routes": [
                { "method": "get", "route": "/me", "auth": true },
                { "method": "get", "route": "/public", "auth": false }
            ],
            "channels": [{ "name": "live", "route": "/ws", "auth": true }],
            "session": session,
        }))
    };
    let jwks: Value = serde_json::from_str(JWKS).expect("the test JWK set reads");
    vec![
        (
            Verifier::Hs,
            build(json!({
                "jwt": { "algorithm": "HS256", "secret": SECRET, "issuer": "pikku", "audience": "app" },
                "jwtCookie": "session", "jwtQuery": "token",
                "apiKey": { "header": "x-api-key",
                    "keys": [{ "key": API_KEY, "session": { "userId": "key-user" } }] }
            })),
        ),
        (
            Verifier::Rs,
            build(
                json!({ "jwt": { "algorithm": "RS256", "publicKeyPem": RSA_PUBLIC },
                "jwtCookie": "session", "jwtQuery": "token" }),
            ),
        ),
        (
            Verifier::Rs,
            build(
                json!({ "jwt": { "algorithm": "RS256", "jwks": { "keys": [jwks["keys"][0]] } },
                "jwtCookie": "session" }),
            ),
        ),
        (
            Verifier::Signed,
            build(json!({ "signedCookie": { "name": "sid", "secrets": COOKIE_SECRETS } })),
        ),
    ]
});

/// One fuzz input, made into the request parts that carry a session.
struct Case {
    source: String,
    /// How the token and the signed cookie sent were signed (`raw`: sent as written).
    signing: String,
    /// The JWT sent, when the source sends one whole and it is read back unchanged.
    token: Option<String>,
    /// The signed cookie sent, likewise.
    cookie_value: Option<String>,
    authorization: Option<String>,
    cookie: Option<String>,
    api_key: Option<String>,
    upgrade_url: String,
    /// The clock before and after the engine's calls.
    before: u64,
    after: u64,
}

fuzz_target!(|data: &[u8]| {
    let parts = fields(data, 3);
    let first = text(parts[0]);
    let (source, signing) = first.split_once(' ').unwrap_or((&first, "raw"));
    let (header, payload) = (parts[1], parts[2]);
    let token = match signing {
        "hs" => jwt(header, payload, Some(SECRET.as_bytes())),
        "rsa" => jwt(header, payload, Some(RSA_PUBLIC.as_bytes())),
        "none" => jwt(header, payload, None),
        _ => text(header),
    };
    let cookie_value = match signing {
        "hs" => signed_cookie(payload, COOKIE_SECRETS[1].as_bytes()),
        "rsa" => signed_cookie(payload, SECRET.as_bytes()),
        "none" => format!("{}.", b64(payload)),
        _ => text(header),
    };
    // Values a cookie header carries as they are (no separator, space or quote to trim).
    let plain = |v: &str| !v.is_empty() && !v.contains([';', ',', '"', ' ', '\t', '\r', '\n']);
    let mut case = Case {
        source: source.to_owned(),
        signing: signing.to_owned(),
        token: None,
        cookie_value: None,
        authorization: None,
        cookie: None,
        api_key: None,
        upgrade_url: "/ws".to_owned(),
        before: now(),
        after: 0,
    };
    match source {
        "bearer" => {
            case.authorization = Some(format!("Bearer {token}"));
            case.token = Some(token.trim().to_owned());
        }
        "cookie" => {
            case.cookie = Some(format!("theme=dark; session={token}; sid={cookie_value}"));
            case.token = plain(&token).then_some(token);
            case.cookie_value = plain(&cookie_value).then_some(cookie_value);
        }
        "query" => {
            let encoded = utf8_percent_encode(&token, NON_ALPHANUMERIC);
            case.upgrade_url = format!("/ws?token={encoded}");
            case.token = Some(token);
        }
        "rawcookie" => case.cookie = Some(text(header)),
        "key" => case.api_key = Some(text(header)),
        _ => case.authorization = Some(text(header)),
    }
    if !["bearer", "cookie", "query"].contains(&source) {
        case.signing = "raw".to_owned(); // the header is sent as it is
    }
    let mut answers = Vec::new();
    for (verifier, engine) in ENGINES.iter() {
        for path in ["/me", "/public"] {
            let request = HttpRequest {
                authorization: case.authorization.as_deref(),
                cookie: case.cookie.as_deref(),
                api_key: case.api_key.as_deref(),
                ..request("GET", path)
            };
            answers.push((*verifier, path, answer(&engine.handle(&request))));
        }
        let upgrade = UpgradeRequest {
            url: &case.upgrade_url,
            authorization: case.authorization.as_deref(),
            cookie: case.cookie.as_deref(),
            api_key: case.api_key.as_deref(),
            has_session: false,
        };
        answers.push((*verifier, "/ws", answer(&engine.channel_connect(&upgrade))));
    }
    case.after = now();
    for (verifier, path, answered) in answers {
        check(&case, verifier, path, &answered);
    }
});

fn check(case: &Case, verifier: Verifier, path: &str, answered: &Answer) {
    let cookie_only = case.authorization.is_none() && case.api_key.is_none();
    match answered {
        Answer::Fail { status, .. } => {
            assert_eq!(*status, 401, "{path}: {answered:?}");
            let public = path == "/public";
            assert!(
                !(public && cookie_only),
                "a cookie alone failed {path}: {answered:?}"
            );
        }
        Answer::Run { session: None, .. } => {
            assert_eq!(path, "/public", "{path} ran without a session");
        }
        Answer::Run {
            session: Some(session),
            ..
        } => match verifier {
            Verifier::Signed => check_signed_cookie(case, session),
            _ => check_jwt_or_key(case, verifier, path, session),
        },
    }
}

fn check_jwt_or_key(case: &Case, verifier: Verifier, path: &str, session: &Map<String, Value>) {
    if verifier == Verifier::Hs && Value::Object(session.clone()) == json!({ "userId": "key-user" })
    {
        assert_eq!(case.source, "key", "the API key's session without the key");
        assert_eq!(
            case.api_key.as_deref(),
            Some(API_KEY),
            "another key was taken"
        );
        return;
    }
    let sources_a_token = case.source != "key" && (case.source != "query" || path == "/ws");
    assert!(
        sources_a_token,
        "{} {path}: a session from nowhere",
        case.source
    );
    let exp = session.get("exp").and_then(Value::as_f64);
    let exp = exp.unwrap_or_else(|| panic!("a JWT session without a numeric exp: {session:?}"));
    assert!(
        exp.round() + LEEWAY as f64 >= case.before as f64,
        "an expired token: {session:?}"
    );
    match session.get("nbf") {
        None => {}
        Some(Value::Number(nbf)) => {
            let nbf = nbf.as_f64().unwrap_or(f64::MAX).round();
            assert!(
                nbf <= (case.after + LEEWAY) as f64,
                "a token not valid yet: {session:?}"
            );
        }
        Some(other) => panic!("a token with a malformed nbf {other}: {session:?}"),
    }
    let algorithm = match verifier {
        Verifier::Hs => {
            assert!(
                names(session.get("iss"), "pikku"),
                "another issuer: {session:?}"
            );
            assert!(
                names(session.get("aud"), "app"),
                "another audience: {session:?}"
            );
            assert!(
                ["hs", "raw"].contains(&case.signing.as_str()),
                "a token signed without the secret ({}) verified",
                case.signing
            );
            "HS256"
        }
        _ => {
            assert_eq!(
                case.signing, "raw",
                "a token the fuzzer signed verified as RS256"
            );
            "RS256"
        }
    };
    let Some(token) = &case.token else {
        return;
    };
    let (header, payload) = jwt_parts(token)
        .unwrap_or_else(|| panic!("a session from a token that does not read: {token:?}"));
    assert_eq!(header["alg"], algorithm, "{header} verified as {algorithm}");
    assert_eq!(
        payload,
        Value::Object(session.clone()),
        "the session is not the claims"
    );
}

fn check_signed_cookie(case: &Case, session: &Map<String, Value>) {
    assert!(
        ["cookie", "rawcookie"].contains(&case.source.as_str()),
        "a signed-cookie session without a cookie ({})",
        case.source
    );
    let Some(value) = &case.cookie_value else {
        return;
    };
    assert!(
        ["hs", "raw"].contains(&case.signing.as_str()),
        "a cookie signed without the secret ({}) verified",
        case.signing
    );
    let payload = value.split('.').next().and_then(segment_json);
    let payload =
        payload.unwrap_or_else(|| panic!("a session from a cookie that does not read: {value:?}"));
    let exp = payload["exp"].as_u64();
    assert!(
        exp.is_some_and(|exp| exp > case.before),
        "an expired cookie: {payload}"
    );
    assert_eq!(
        payload["session"],
        Value::Object(session.clone()),
        "not the cookie's session"
    );
}
