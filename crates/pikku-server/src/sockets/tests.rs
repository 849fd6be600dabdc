//! The registry on its own: frames to their sockets in order, sockets that are gone, the
//! buffered limit, bad batches and close codes, and long close reasons.

use super::*;
use crate::batch::FrameEntry;

fn texts(reserved: &mut Reserved) -> Vec<String> {
    let mut out = Vec::new();
    while let Ok(frame) = reserved.outgoing.try_recv() {
        out.push(match frame {
            Outgoing::Text(text) => text.to_string(),
            Outgoing::Close(frame) => {
                format!("close {} {}", u16::from(frame.code), frame.reason)
            }
        });
    }
    out
}

#[test]
fn frames_reach_their_sockets_in_order_cut_by_utf16_length() {
    let sockets = Sockets::new(SocketOptions::default());
    let mut a = sockets.reserve();
    let mut b = sockets.reserve();
    // Written from the frames' type, as generated for JavaScript (`FrameEntry`).
    let frames = serde_json::to_string(&[
        FrameEntry(a.id, 2, None),
        FrameEntry(b.id, 3, None),
        FrameEntry(a.id, 4, None),
        FrameEntry(a.id, 3, Some(4000)),
    ])
    .unwrap();
    sockets
        .send_all(&frames, "{}\"é\"\"😀\"bye".to_owned())
        .unwrap();
    assert_eq!(texts(&mut a), ["{}", "\"😀\"", "close 4000 bye"]);
    assert_eq!(texts(&mut b), ["\"é\""]);
}

#[test]
fn a_socket_that_is_gone_gets_nothing_and_the_rest_still_do() {
    let sockets = Sockets::new(SocketOptions::default());
    let gone = sockets.reserve();
    let mut open = sockets.reserve();
    sockets.forget(gone.id);
    let frames = format!("[[{},2],[{},2]]", gone.id, open.id);
    sockets.send_all(&frames, "{}[]".to_owned()).unwrap();
    assert_eq!(texts(&mut open), ["[]"]);
    assert_eq!(sockets.count(), 1);
}

#[test]
fn a_send_past_the_buffered_limit_drops_the_socket() {
    let sockets = Sockets::new(SocketOptions {
        max_buffered_bytes: 5,
        ..SocketOptions::default()
    });
    let mut slow = sockets.reserve();
    let frames = format!("[[{id},3],[{id},3]]", id = slow.id);
    sockets.send_all(&frames, "abcdef".to_owned()).unwrap();
    assert_eq!(texts(&mut slow), ["abc"]);
    // The task waiting on `dropped` is woken (here: a permit is stored for it).
    let dropped = slow.shared.dropped.notified();
    tokio::pin!(dropped);
    assert!(dropped.as_mut().enable());
}

#[test]
fn bad_batches_and_close_codes_are_errors_that_name_them() {
    let sockets = Sockets::new(SocketOptions::default());
    let mut socket = sockets.reserve();
    let id = socket.id;
    let frames = format!("[[{id},0,1005],[{id},2],[{id},0,1014]]");
    let code = sockets.send_all(&frames, "ok".to_owned()).unwrap_err();
    assert!(code.contains("frame 0: 1005 is not a close code"), "{code}");
    // The frames after the refused one still go out; 1014 may be sent.
    assert_eq!(texts(&mut socket), ["ok", "close 1014 "]);
    let shape = sockets.send_all("[[1]]", String::new()).unwrap_err();
    assert!(
        shape.contains("frame 0 is not [socket, length, code?]"),
        "{shape}"
    );
    let long = sockets
        .send_all(&format!("[[{id},1]]"), "ab".to_owned())
        .unwrap_err();
    assert!(long.contains("1 bytes more"), "{long}");
    let json = sockets.send_all("nope", String::new()).unwrap_err();
    assert!(
        json.starts_with("socket frames are not a JSON array"),
        "{json}"
    );
}

#[test]
fn a_long_reason_is_cut_between_characters() {
    let reason = Utf8Bytes::from("é".repeat(100));
    let cut = whole_characters(reason, MAX_REASON_BYTES);
    assert_eq!(cut.len(), 122);
}
