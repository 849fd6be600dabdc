//! Where the session token is read from (a bearer header, a cookie) and what having none means.

use serde_json::json;

use crate::{bearer, call, good_claims, hs256, now, sign};

#[test]
fn a_valid_bearer_token_is_the_session() {
    let answer = call(&hs256(), "/me", Some(&bearer(&sign(good_claims()))), None);
    assert_eq!(answer[0], json!(0));
    assert_eq!(answer[2]["userId"], json!("ada"));
}

#[test]
fn a_valid_cookie_is_the_session() {
    let cookies = format!("theme=dark; session={}; other=1", sign(good_claims()));
    let answer = call(&hs256(), "/me", None, Some(&cookies));
    assert_eq!(answer[2]["userId"], json!("ada"));
}

#[test]
fn no_token_is_401_missing_session_on_auth_routes_only() {
    assert_eq!(
        call(&hs256(), "/me", None, None)[1]["name"],
        json!("MissingSessionError")
    );
    assert_eq!(call(&hs256(), "/public", None, None)[0], json!(1));
}

#[test]
fn a_bad_cookie_counts_as_no_session_on_public_routes_only() {
    let e = hs256();
    let stale = format!(
        "session={}",
        sign(json!({ "userId": "ada", "iss": "pikku", "aud": "app", "exp": now() - 600 }))
    );
    let answer = call(&e, "/public", None, Some(&stale));
    assert_eq!(answer.as_array().unwrap().len(), 2, "no session: {answer}");
    assert_eq!(answer[0], json!(1));
    assert_eq!(
        call(&e, "/me", None, Some(&stale))[1]["name"],
        json!("InvalidSessionError")
    );
    // A bad bearer token is the client's explicit choice: refused everywhere.
    let expired = bearer(&sign(
        json!({ "userId": "ada", "iss": "pikku", "aud": "app", "exp": now() - 600 }),
    ));
    assert_eq!(call(&e, "/public", Some(&expired), None)[0], json!(-401));
}

#[test]
fn a_cookie_header_with_a_thousand_cookies_is_read() {
    let mut cookies: Vec<String> = (0..1000).map(|i| format!("c{i}=v{i}")).collect();
    cookies.push(format!("session={}", sign(good_claims())));
    let answer = call(&hs256(), "/me", None, Some(&cookies.join("; ")));
    assert_eq!(answer[2]["userId"], json!("ada"));
}
