//! The mailbox on its own: the batch's entries as JavaScript reads them, room for socket
//! events, and when a batch is handed over.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bytes::Bytes;
use hyper::{HeaderMap, Method};
use serde_json::Value;

use super::*;

fn call(url: &str) -> Call {
    Call {
        wire: "[0,{}]".to_owned(),
        method: Method::GET,
        url: url.to_owned(),
        headers: HeaderMap::new(),
        body: None,
        body_too_large: false,
        socket: None,
        stream: None,
    }
}

fn urls(batch: &str) -> Vec<String> {
    let calls: Vec<Value> = serde_json::from_str(batch).unwrap();
    calls
        .iter()
        .map(|call| call[2].as_str().unwrap().to_owned())
        .collect()
}

/// Every kind of entry, as the mailbox writes it, is a `BatchEntry` as generated for
/// JavaScript (lib/generated/standalone.ts), with nothing left over.
#[test]
fn the_batch_is_the_batch_entries_javascript_reads() {
    use crate::batch::*;
    use pikku_engine::boundary::{ErrorAnswer, RunAnswer, WireAnswer};

    let mailbox = Mailbox::new(Arc::new(|| {}));
    let mut headers = HeaderMap::new();
    headers.insert("x-one", "1".parse().unwrap());
    headers.append("cookie", "a=1".parse().unwrap());
    headers.append("cookie", "b=2".parse().unwrap());
    let calls = [
        call("/plain"),
        Call {
            headers,
            body: Some(Bytes::from_static(b"{\"x\":1}")),
            wire: r#"[-401,{"name":"MissingSessionError","message":"m","errorId":"e"}]"#.to_owned(),
            ..call("/body")
        },
        Call {
            body_too_large: true,
            ..call("/too-large")
        },
        Call {
            socket: Some(9),
            stream: None,
            wire: String::new(),
            ..call("/socket")
        },
    ];
    let mut replies = Vec::new();
    for call in calls {
        let (reply, waiting) = oneshot::channel();
        mailbox.dispatch(call, reply);
        replies.push(waiting);
    }
    mailbox.socket_event(SocketEvent::Message {
        socket: 9,
        text: "\"é\"\n",
    });
    mailbox.socket_event(SocketEvent::Binary { socket: 9 });
    mailbox.socket_event(SocketEvent::Closed { socket: 9 });
    let batch: Vec<BatchEntry> = crate::batch::parse_exact(&mailbox.take());
    let run = WireAnswer::Run(RunAnswer(0, serde_json::json!({}), None));
    let missing = |wire: &WireAnswer| matches!(wire, WireAnswer::Error(ErrorAnswer(-401, body, None)) if body.name == "MissingSessionError");
    match &batch[..] {
        [BatchEntry::Call(CallEntry(0, method, url, _, wire, None)), BatchEntry::Call(CallEntry(1, _, _, headers, body_wire, Some(Some(body)))), BatchEntry::Call(CallEntry(2, .., Some(None))), BatchEntry::Socket(SocketEntry::Upgrade(UpgradeEntry(_, 3, 9, socket_url, _))), BatchEntry::Socket(SocketEntry::Message(MessageEntry(_, 9, text))), BatchEntry::Socket(SocketEntry::Binary(BinaryEntry(_, 9))), BatchEntry::Socket(SocketEntry::Closed(ClosedEntry(_, 9)))] =>
        {
            assert_eq!(
                (method.as_str(), url.as_str(), wire),
                ("GET", "/plain", &run)
            );
            assert_eq!(headers, "x-one:1\ncookie:a=1; b=2");
            assert!(missing(body_wire), "{body_wire:?}");
            assert_eq!(body, &STANDARD.encode(b"{\"x\":1}"));
            assert_eq!(socket_url, "/socket");
            assert_eq!(text, "\"é\"\n");
        }
        other => panic!("not the entries posted: {other:?}"),
    }
}

async fn turns(count: usize) {
    for _ in 0..count {
        tokio::task::yield_now().await;
    }
}

/// The urls of each batch JavaScript took.
type Log = Arc<Mutex<Vec<Vec<String>>>>;

/// A mailbox whose wake takes the batch at once, as JavaScript does, and logs it.
fn logging_mailbox() -> (Arc<Mailbox>, Log) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let slot: Arc<Mutex<std::sync::Weak<Mailbox>>> = Arc::default();
    let (logged, taker) = (Arc::clone(&log), Arc::clone(&slot));
    let mailbox = Arc::new(Mailbox::new(Arc::new(move || {
        let mailbox = taker.lock().unwrap().upgrade().unwrap();
        logged.lock().unwrap().push(urls(&mailbox.take()));
    })));
    *slot.lock().unwrap() = Arc::downgrade(&mailbox);
    (mailbox, log)
}

#[tokio::test]
async fn sockets_wait_for_room_while_javascript_has_not_taken_a_full_batch() {
    let mailbox = Mailbox::new(Arc::new(|| {})); // JavaScript busy: takes nothing
    let message = "x".repeat(1024 * 1024);
    let room = || {
        let waiting = mailbox.room_for_events();
        futures_util::FutureExt::now_or_never(waiting).is_some()
    };
    assert!(room());
    for _ in 0..EVENT_ROOM_BYTES / message.len() {
        mailbox.socket_event(SocketEvent::Message {
            socket: 1,
            text: &message,
        });
    }
    assert!(!room(), "a full batch leaves no room");
    let waiting = mailbox.room_for_events();
    tokio::pin!(waiting);
    assert!(futures_util::FutureExt::now_or_never(waiting.as_mut()).is_none());
    let _ = mailbox.take();
    tokio::time::timeout(std::time::Duration::from_secs(1), waiting)
        .await
        .expect("a take makes room and wakes the waiting sockets");
}

// A runtime without the park hook: only the hand-over task wakes JavaScript.
#[tokio::test]
async fn a_batch_is_handed_over_once_a_look_at_the_sockets_brings_nothing_new() {
    let (mailbox, log) = logging_mailbox();
    tokio::spawn(Arc::clone(&mailbox).on_runtime().unwrap());
    let mut replies = Vec::new();
    let mut post = |url: &str| {
        let (reply, waiting) = oneshot::channel();
        mailbox.dispatch(call(url), reply);
        replies.push(waiting);
    };

    // Calls posted in one turn: not woken at the first, woken once after them all.
    post("/a");
    post("/b");
    post("/c");
    assert!(log.lock().unwrap().is_empty());
    turns(10).await;
    assert_eq!(*log.lock().unwrap(), [vec!["/a", "/b", "/c"]]);

    // Calls that come while the hand-over looks join the batch, which waits for them:
    // one look after another, for as long as each brings something new.
    post("/d");
    turns(1).await;
    post("/e");
    turns(1).await;
    post("/f");
    turns(10).await;
    assert_eq!(log.lock().unwrap()[1..], [vec!["/d", "/e", "/f"]]);
    assert_eq!(mailbox.owed(), 6);
}
