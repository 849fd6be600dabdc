//! The close codes a server may send, and a close reason cut to fit its frame.

use tokio_tungstenite::tungstenite::protocol::frame::Utf8Bytes;

/// The close codes a server may send, as inclusive ranges: RFC 6455's and its registry's
/// (1000-1003, 1007-1014), and the ones for libraries and apps (3000-4999). Generated for
/// JavaScript too (`closeCodeAllowed` in lib/generated/standalone.ts).
pub const SENDABLE_CLOSE_CODES: [(u16, u16); 3] = [(1000, 1003), (1007, 1014), (3000, 4999)];

/// The ranges as said in messages: `1000-1003, 1007-1014, 3000-4999`.
pub fn sendable_close_codes_text() -> String {
    (SENDABLE_CLOSE_CODES.iter())
        .map(|(low, high)| format!("{low}-{high}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A close code a server may send.
pub(super) fn sendable(code: u16) -> bool {
    SENDABLE_CLOSE_CODES
        .iter()
        .any(|(low, high)| (*low..=*high).contains(&code))
}

/// A close frame's reason fits in 123 bytes (a control frame's 125, less the code).
pub(super) const MAX_REASON_BYTES: usize = 123;

/// The longest start of `text` of at most `max` bytes that ends between characters.
pub(super) fn whole_characters(text: Utf8Bytes, max: usize) -> Utf8Bytes {
    if text.len() <= max {
        return text;
    }
    let end = (0..=max)
        .rev()
        .find(|&at| text.as_str().is_char_boundary(at))
        .unwrap_or(0);
    Utf8Bytes::from(text.as_str()[..end].to_owned())
}
