//! API keys from a header or the query, compared in full and left out of the input.

use pikku_engine::Engine;
use serde_json::json;

use crate::{assert_invalid, call, engine, Req, SECRET};

const API_KEY: &str = "pk_live_0123456789abcdef";

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
