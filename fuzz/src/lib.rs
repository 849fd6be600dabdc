//! What the fuzz targets share: splitting a fuzz input into request parts, building the
//! engines they fuzz, and the invariants that hold for every answer of the engine, whatever
//! the request ([`answer`]).

pub mod json;
pub mod token;

use pikku_engine::boundary::{ErrorAnswer, RunAnswer, WireAnswer};
use pikku_engine::{wire, Engine, EngineConfig, HttpRequest, Outcome, ERROR_TABLE};
use serde_json::{Map, Value};

pub use json::{has_forbidden_key, same_json, validator};

/// The `x-request-id` of every fuzzed request: echoed as `errorId`, so answers compare equal.
pub const REQUEST_ID: &str = "fuzz";

/// The engine's answer, read back from its wire text.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// `[target, input, session?]`.
    Run {
        target: u32,
        input: Map<String, Value>,
        session: Option<Map<String, Value>>,
    },
    /// `[-status, errorBody, allow?]`.
    Fail { status: u16, name: String },
}

impl Answer {
    /// The status of a failure, 0 for a run.
    pub fn status(&self) -> u16 {
        match self {
            Answer::Run { .. } => 0,
            Answer::Fail { status, .. } => *status,
        }
    }

    /// The session of a run.
    pub fn session(&self) -> Option<&Map<String, Value>> {
        match self {
            Answer::Run { session, .. } => session.as_ref(),
            Answer::Fail { .. } => None,
        }
    }
}

/// Builds an engine from a JSON configuration; a fuzz target's configuration must build.
pub fn engine(config: Value) -> Engine {
    let config: EngineConfig = serde_json::from_value(config).expect("the fuzz config reads");
    Engine::new(config).unwrap_or_else(|err| panic!("the fuzz config builds: {err}"))
}

/// A request with no body, headers or session.
pub fn request<'a>(method: &'a str, url: &'a str) -> HttpRequest<'a> {
    HttpRequest {
        method,
        url,
        content_type: None,
        has_session: false,
        authorization: None,
        cookie: None,
        api_key: None,
        body: b"",
        body_too_large: false,
    }
}

/// The first `n - 1` lines of `data` and the rest (which may hold more lines); missing parts
/// are empty.
pub fn fields(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts: Vec<&[u8]> = data.splitn(n, |&b| b == b'\n').collect();
    parts.resize(n, b"");
    parts
}

/// Bytes as text, as an adapter hands over a header (invalid UTF-8 replaced).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Encodes `outcome` as the binding does and checks what holds for every answer: the text is
/// JSON in the canonical shape of a `WireAnswer`; an error's name and status are a row of the
/// error table, with an `Allow` list exactly on a 405 and the request id as `errorId`; a run's
/// input and session are JSON objects with no prototype-changing key at any depth; the bare
/// target form is used only for an empty input without a session.
pub fn answer(outcome: &Outcome<'_>) -> Answer {
    let text = wire::encode(outcome, Some(REQUEST_ID));
    let parsed = WireAnswer::parse_exact(&text).unwrap_or_else(|err| panic!("{err}"));
    let answer = match parsed {
        WireAnswer::Run(RunAnswer(target, input, session)) => {
            assert!(matches!(outcome, Outcome::Run { .. }), "{text}");
            let Value::Object(input) = input else {
                panic!("a run's input is not an object: {text}");
            };
            let session = session.map(|session| match session {
                Value::Object(map) => map,
                other => panic!("a session that is not an object: {other}"),
            });
            Answer::Run {
                target,
                input,
                session,
            }
        }
        WireAnswer::Error(ErrorAnswer(status, body, allow)) => {
            let status = u16::try_from(-i64::from(status)).expect("a status fits in u16");
            let row = ERROR_TABLE.iter().find(|row| row.name == body.name);
            let row = row.unwrap_or_else(|| panic!("an error not in the table: {text}"));
            assert_eq!(row.status, status, "{text}");
            assert_eq!(allow.is_some(), status == 405, "{text}");
            assert_eq!(body.error_id, REQUEST_ID, "{text}");
            assert!(body.message.is_some_and(|m| !m.is_empty()), "{text}");
            Answer::Fail {
                status,
                name: body.name,
            }
        }
    };
    if let Answer::Run { input, session, .. } = &answer {
        let input = Value::Object(input.clone());
        assert!(
            !has_forbidden_key(&input),
            "a forbidden key in the input: {text}"
        );
        let session = session.clone().map(Value::Object);
        let forbidden = session.as_ref().is_some_and(has_forbidden_key);
        assert!(!forbidden, "a forbidden key in the session: {text}");
        if wire::bare_target(outcome).is_some() {
            let empty = input.as_object().is_some_and(Map::is_empty);
            assert!(empty && session.is_none(), "a bare target for {text}");
        }
    }
    answer
}

/// The seconds since the Unix epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
