//! The batch formats between the standalone server and JavaScript, defined once: what
//! `serverTake` hands over ([`BatchEntry`]), the answers `serverRespond` takes
//! ([`AnswerEntry`]) and the frames `serverSend` takes ([`FrameEntry`]). Their TypeScript
//! types are generated into `lib/generated/standalone.ts` ([`generated_files`]), which
//! lib/adapters/standalone.ts and lib/standalone/*.ts use. The batches are written and read
//! by hand on the hot path (the mailbox writes JSON text directly); tests hold that text to
//! these types.

use pikku_engine::boundary::WireAnswer;
use serde::{Deserialize, Serialize};
use ts_rs::{Config, TS};

/// A request for a function: `[id, method, url, headers, wire, body?]`. `headers`: one
/// string of `name:value` lines; `wire`: the engine's answer; `body` (only when the session
/// hook may supply a missing session): the body in base64, or `null` when it went over the
/// limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CallEntry(
    pub u32,
    pub String,
    pub String,
    pub String,
    pub WireAnswer,
    #[serde(default, with = "nullable", skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string | null")]
    pub Option<Option<String>>,
);

/// A call that may answer with an event stream (an `sse` route): `["s", stream, id, method,
/// url, headers, wire, body?]`, a [`CallEntry`] after the tag and the id its events are sent
/// to. Answered with status 200, `content-type: text/event-stream` and no body, the events
/// follow as frames to `stream`, and a close ends them; `["c", stream]` tells that it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StreamCallEntry(
    #[ts(inline)] pub StreamTag,
    #[ts(type = "number")] pub u64,
    pub u32,
    pub String,
    pub String,
    pub String,
    pub WireAnswer,
    #[serde(default, with = "nullable", skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string | null")]
    pub Option<Option<String>>,
);

/// An element that may be absent (`None`), `null` (`Some(None)`) or a string.
mod nullable {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(
        value: &Option<Option<String>>,
        to: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(to)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        from: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(from).map(Some)
    }
}

macro_rules! tag {
    ($name:ident = $text:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
        pub enum $name {
            #[serde(rename = $text)]
            #[allow(missing_docs)]
            Tag,
        }
    };
}

tag!(UpgradeTag = "u", "The tag of an upgrade entry: `\"u\"`.");
tag!(
    StreamTag = "s",
    "The tag of a call that may answer with an event stream: `\"s\"`."
);
tag!(
    MessageTag = "m",
    "The tag of a text message entry: `\"m\"`."
);
tag!(
    BinaryTag = "b",
    "The tag of a binary message entry: `\"b\"`."
);
tag!(
    ClosedTag = "c",
    "The tag of a socket's close entry: `\"c\"`."
);

/// A WebSocket upgrade: `["u", id, socket, url, headers]`, answered 101 (by call `id`) to
/// accept it; `socket` is the id the socket will have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UpgradeEntry(
    #[ts(inline)] pub UpgradeTag,
    pub u32,
    #[ts(type = "number")] pub u64,
    pub String,
    pub String,
);

/// A socket's text message: `["m", socket, text]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MessageEntry(
    #[ts(inline)] pub MessageTag,
    #[ts(type = "number")] pub u64,
    pub String,
);

/// A socket's binary message: `["b", socket]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BinaryEntry(#[ts(inline)] pub BinaryTag, #[ts(type = "number")] pub u64);

/// A socket closed: `["c", socket]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ClosedEntry(#[ts(inline)] pub ClosedTag, #[ts(type = "number")] pub u64);

/// A WebSocket's upgrade, message, binary message or close.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum SocketEntry {
    /// `["u", id, socket, url, headers]`.
    Upgrade(UpgradeEntry),
    /// `["m", socket, text]`.
    Message(MessageEntry),
    /// `["b", socket]`.
    Binary(BinaryEntry),
    /// `["c", socket]`.
    Closed(ClosedEntry),
}

/// One entry of the batch `serverTake` returns (a JSON array of them), in the order they
/// happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum BatchEntry {
    /// A request for a function.
    Call(CallEntry),
    /// A request for a function that may answer with an event stream.
    StreamCall(StreamCallEntry),
    /// Something on a WebSocket.
    Socket(SocketEntry),
}

/// JavaScript's answer to call `id`: `[id, status, headers, length]`. `headers` flat:
/// `[name, value, …]`; `length`: the body's length in UTF-16 code units (its `.length`), or
/// `null` for none. The bodies travel after one another in a second string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AnswerEntry(
    pub u32,
    pub u16,
    pub Vec<String>,
    #[ts(type = "number | null")] pub Option<usize>,
);

/// A frame JavaScript sends on a socket: `[socket, length]` (a text message) or `[socket,
/// length, code]` (a close, its text the reason). `length`: the text's `.length`; the texts
/// travel after one another in a second string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FrameEntry(
    #[ts(type = "number")] pub u64,
    #[ts(type = "number")] pub usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub Option<u16>,
);

const HEADER: &str = "// Generated by crates/pikku-server (src/batch.rs). Do not edit.\n// Regenerate: PIKKU_UPDATE_GENERATED=1 cargo test -p pikku-server generated\n";

/// The TypeScript generated from these types: its path relative to the repository root, and
/// its contents.
pub fn generated_files() -> Vec<(&'static str, String)> {
    let cfg = Config::new();
    let decls = [
        declare::<BatchEntry>(&cfg),
        declare::<CallEntry>(&cfg),
        declare::<StreamCallEntry>(&cfg),
        declare::<SocketEntry>(&cfg),
        declare::<UpgradeEntry>(&cfg),
        declare::<MessageEntry>(&cfg),
        declare::<BinaryEntry>(&cfg),
        declare::<ClosedEntry>(&cfg),
        declare::<AnswerEntry>(&cfg),
        declare::<FrameEntry>(&cfg),
    ];
    let mut out = String::from(HEADER);
    out.push_str("\nimport type { WireAnswer } from './boundary.js'\n");
    for decl in decls {
        out.push('\n');
        out.push_str(&decl);
    }
    out.push_str(&limits_ts());
    vec![("lib/generated/standalone.ts", out)]
}

/// The limits JavaScript checks before it hands settings to the server, from the server's
/// own: `listen`'s bounds, and which close codes a server may send.
fn limits_ts() -> String {
    let ranges = (crate::SENDABLE_CLOSE_CODES.iter())
        .map(|(low, high)| format!("(code >= {low} && code <= {high})"))
        .collect::<Vec<_>>()
        .join(" || ");
    format!(
        "\n/** The server's bounds of `listen`'s settings (inclusive). */\nexport const LISTEN_LIMITS = {{ threads: [1, {threads}], maxHeaders: [1, {headers}], backlog: [1, {backlog}] }} as const\n\n/** The close codes a server may send, as said in messages. */\nexport const SENDABLE_CLOSE_CODES = '{text}'\n\n/** Whether a server may send close code `code` ({text}). */\nexport function closeCodeAllowed(code: number): boolean {{\n  return Number.isInteger(code) && ({ranges})\n}}\n",
        threads = crate::MOST_THREADS,
        headers = crate::MOST_HEADERS,
        backlog = crate::MOST_BACKLOG,
        text = crate::sendable_close_codes_text(),
    )
}

/// `T`'s TypeScript declaration, exported, after its doc comment.
fn declare<T: TS>(cfg: &Config) -> String {
    format!("{}export {}\n", T::docs().unwrap_or_default(), T::decl(cfg))
}

/// Parses a text the server wrote (or takes) as `T`, and checks it is `T`'s canonical shape:
/// written again, it is the same JSON.
#[cfg(test)]
pub(crate) fn parse_exact<T: Serialize + serde::de::DeserializeOwned>(text: &str) -> T {
    let value: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|err| panic!("not JSON ({err}): {text}"));
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|err| panic!("not a {} ({err}): {text}", std::any::type_name::<T>()));
    let again = serde_json::to_value(&typed).unwrap();
    assert_eq!(again, value, "lost in {}", std::any::type_name::<T>());
    typed
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn generated_files_are_fresh() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let stale = pikku_engine::generated::stale_files(&root, generated_files());
        assert!(
            stale.is_empty(),
            "generated files are stale: {stale:?}; run `PIKKU_UPDATE_GENERATED=1 cargo test -p pikku-server generated` and commit them"
        );
    }

    #[test]
    fn entries_parse_only_in_their_own_shape() {
        let call: BatchEntry = parse_exact(r#"[1,"GET","/a","",[0,{}]]"#);
        assert!(matches!(call, BatchEntry::Call(CallEntry(1, .., None))));
        let null_body: BatchEntry = parse_exact(r#"[1,"GET","/a","",[0,{}],null]"#);
        assert!(matches!(
            null_body,
            BatchEntry::Call(CallEntry(.., Some(None)))
        ));
        let stream: BatchEntry = parse_exact(r#"["s",9,1,"GET","/a","",[0,{}]]"#);
        assert!(matches!(
            stream,
            BatchEntry::StreamCall(StreamCallEntry(StreamTag::Tag, 9, 1, .., None))
        ));
        let close: BatchEntry = parse_exact(r#"["c",7]"#);
        assert_eq!(
            close,
            BatchEntry::Socket(SocketEntry::Closed(ClosedEntry(ClosedTag::Tag, 7)))
        );
        for wrong in [
            r#"["x",7]"#,
            r#"["c"]"#,
            r#"[1,"GET","/a","",[0,{}],null,1]"#,
        ] {
            assert!(
                serde_json::from_str::<BatchEntry>(wrong).is_err(),
                "{wrong}"
            );
        }
        let frame: FrameEntry = parse_exact("[3,10,1000]");
        assert_eq!(frame, FrameEntry(3, 10, Some(1000)));
        let _: AnswerEntry = parse_exact(r#"[1,200,["a","b"],null]"#);
    }
}
