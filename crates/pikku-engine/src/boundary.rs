//! The shapes that cross the N-API boundary, defined once: `handle`'s positional arguments
//! ([`HANDLE_ARGS`]) and the engine's answers ([`WireAnswer`]). Their TypeScript types are
//! generated into `lib/generated/boundary.ts` (see [`crate::generated`]); tests hold the
//! encoder ([`crate::wire`]) to these types, and the binding's declared `handle` type to
//! [`HANDLE_ARGS`].
//!
//! The encoding itself stays hand-written (it is on every request's path); these types
//! describe it and are checked against it, they do not produce it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ErrorBody;

/// One positional argument of `handle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandleArg {
    /// Its name in TypeScript.
    pub name: &'static str,
    /// Its TypeScript type.
    pub ts_type: &'static str,
    /// Whether it may be left out (undefined or null): every argument after the last
    /// required one.
    pub optional: bool,
}

const fn arg(name: &'static str, ts_type: &'static str, optional: bool) -> HandleArg {
    HandleArg {
        name,
        ts_type,
        optional,
    }
}

/// The arguments of `handle` (the binding's per-request call, src/fast_handle.rs), in order.
/// The binding reads them by the positions below; its declared TypeScript type (the
/// `ts_return_type` of `handlerFor` in src/lib.rs, hence index.d.ts) must list exactly these,
/// which a test checks, and `HandleArgs` in lib/generated/boundary.ts is generated from them.
pub const HANDLE_ARGS: [HandleArg; 10] = [
    arg("method", "string", false),
    arg("url", "string", false),
    arg("body", "Uint8Array", true),
    arg("bodyTooLarge", "boolean", true),
    arg("contentType", "string", true),
    arg("hasSession", "boolean", true),
    arg("requestId", "string", true),
    arg("authorization", "string", true),
    arg("cookie", "string", true),
    arg("apiKey", "string", true),
];

/// The position of the argument `name` in [`HANDLE_ARGS`]; a compile error when none.
const fn position(name: &str) -> usize {
    let mut at = 0;
    while at < HANDLE_ARGS.len() {
        if eq(HANDLE_ARGS[at].name.as_bytes(), name.as_bytes()) {
            return at;
        }
        at += 1;
    }
    panic!("no such argument of handle")
}

const fn eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut at = 0;
    while at < a.len() {
        if a[at] != b[at] {
            return false;
        }
        at += 1;
    }
    true
}

/// The positions of `handle`'s arguments, found by name in [`HANDLE_ARGS`].
pub mod handle_arg {
    use super::position;

    pub const METHOD: usize = position("method");
    pub const URL: usize = position("url");
    pub const BODY: usize = position("body");
    pub const BODY_TOO_LARGE: usize = position("bodyTooLarge");
    pub const CONTENT_TYPE: usize = position("contentType");
    pub const HAS_SESSION: usize = position("hasSession");
    pub const REQUEST_ID: usize = position("requestId");
    pub const AUTHORIZATION: usize = position("authorization");
    pub const COOKIE: usize = position("cookie");
    pub const API_KEY: usize = position("apiKey");
}

/// How many arguments `handle` requires: those before the first optional one.
pub const HANDLE_REQUIRED_ARGS: usize = {
    let mut required = 0;
    while required < HANDLE_ARGS.len() && !HANDLE_ARGS[required].optional {
        required += 1;
    }
    // Every argument after the first optional one is optional too: a call may stop anywhere
    // after the required ones.
    let mut at = required;
    while at < HANDLE_ARGS.len() {
        assert!(
            HANDLE_ARGS[at].optional,
            "a required argument of handle follows an optional one"
        );
        at += 1;
    }
    required
};

/// What `handle` returns in TypeScript: the bare target of a run with an empty input and no
/// session, or the JSON text of a [`WireAnswer`].
pub const HANDLE_TS_RESULT: &str = "number | string";

/// `handle`'s parameter list in TypeScript, as napi-rs writes an optional argument:
/// `method: string, url: string, body?: Uint8Array | undefined | null, …`.
pub fn handle_ts_params() -> String {
    let params: Vec<String> = HANDLE_ARGS
        .iter()
        .map(|arg| {
            if arg.optional {
                format!("{}?: {} | undefined | null", arg.name, arg.ts_type)
            } else {
                format!("{}: {}", arg.name, arg.ts_type)
            }
        })
        .collect();
    params.join(", ")
}

/// The function type of `handle` as `handlerFor` declares it (its `ts_return_type`).
pub fn handler_ts_type() -> String {
    format!(
        "(({}) => {HANDLE_TS_RESULT}) & {{ readonly engine: ExternalObject<'PikkuEngine'> }}",
        handle_ts_params()
    )
}

/// `handle`'s arguments as a TypeScript tuple type: `[method: string, url: string, body?: …]`.
pub fn handle_args_ts() -> String {
    let elements: Vec<String> = HANDLE_ARGS
        .iter()
        .map(|arg| {
            let optional = if arg.optional { "?" } else { "" };
            let absent = if arg.optional {
                " | undefined | null"
            } else {
                ""
            };
            format!("{}{optional}: {}{absent}", arg.name, arg.ts_type)
        })
        .collect();
    format!("[{}]", elements.join(", "))
}

/// Run function `target` (≥ 0) with `input` (a JSON object) and the session the engine
/// decoded, if any: `[target, input, session?]`. For a channel upgrade: `[channel, params,
/// session?]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunAnswer(
    pub u32,
    #[ts(type = "unknown")] pub serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub Option<serde_json::Value>,
);

/// Answer with this error: `[-status, errorBody, allow?]` (`allow`: the `Allow` header of a
/// 405). The body's `name` is always one of the error table's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ErrorAnswer(
    pub i32,
    #[ts(type = "ErrorBody & { name: ErrorName }")] pub ErrorBody,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub Option<String>,
);

/// The engine's answer, as JSON text parsed by JavaScript (`handle`, `invoke`,
/// `channelConnect`, `channelMessage`, `check`, and inline in the standalone server's calls):
/// a run when its first element is ≥ 0, an error when it is negative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum WireAnswer {
    Run(RunAnswer),
    Error(ErrorAnswer),
}

impl WireAnswer {
    /// Parses an answer's text as the engine wrote it, and checks it is in its canonical
    /// shape: written again, it is the same JSON (nothing was dropped or renamed), and an
    /// error's status is negative.
    pub fn parse_exact(text: &str) -> Result<WireAnswer, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|err| format!("not JSON: {err}: {text}"))?;
        let answer: WireAnswer = serde_json::from_value(value.clone())
            .map_err(|err| format!("not a WireAnswer: {err}: {text}"))?;
        if let WireAnswer::Error(ErrorAnswer(status, ..)) = &answer {
            if *status >= 0 {
                return Err(format!("an error answer with a status of {status}: {text}"));
            }
        }
        let again = serde_json::to_value(&answer).map_err(|err| err.to_string())?;
        if again != value {
            return Err(format!(
                "the answer lost something as a WireAnswer: {text} became {again}"
            ));
        }
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handle_args_are_found_by_name_and_the_required_ones_come_first() {
        assert_eq!(handle_arg::METHOD, 0);
        assert_eq!(handle_arg::URL, 1);
        assert_eq!(HANDLE_REQUIRED_ARGS, 2);
        let positions = [
            handle_arg::METHOD,
            handle_arg::URL,
            handle_arg::BODY,
            handle_arg::BODY_TOO_LARGE,
            handle_arg::CONTENT_TYPE,
            handle_arg::HAS_SESSION,
            handle_arg::REQUEST_ID,
            handle_arg::AUTHORIZATION,
            handle_arg::COOKIE,
            handle_arg::API_KEY,
        ];
        let mut sorted = positions.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..HANDLE_ARGS.len()).collect::<Vec<_>>());
    }

    #[test]
    fn answers_parse_only_in_their_own_shape() {
        assert!(WireAnswer::parse_exact(r#"[0,{}]"#).is_ok());
        assert!(WireAnswer::parse_exact(r#"[3,{"a":1},{"userId":"u"}]"#).is_ok());
        let error =
            r#"[-405,{"name":"MethodNotAllowedError","message":"m","errorId":"x"},"GET, HEAD"]"#;
        assert!(matches!(
            WireAnswer::parse_exact(error),
            Ok(WireAnswer::Error(ErrorAnswer(-405, _, Some(_))))
        ));
        for wrong in [
            r#"[0]"#,
            r#"[0,{},{},1]"#,
            r#"{"target":0}"#,
            r#"[-404,{"message":"no name"}]"#,
            r#"[-404,{"name":"NotFoundError","errorId":"x"},"allow",1]"#,
        ] {
            assert!(WireAnswer::parse_exact(wrong).is_err(), "{wrong}");
        }
    }
}
