//! Header values as text, read as Node reads them: each byte one character (Latin-1), so that
//! a byte of 0x80 or more (an `é` in a cookie) neither drops the header nor alters its other
//! bytes. Clients should not send such bytes, but some do; node:http takes them.

use std::borrow::Cow;

use hyper::header::HeaderValue;

/// The value as Node has it.
pub(crate) fn latin1(value: &HeaderValue) -> Cow<'_, str> {
    let bytes = value.as_bytes();
    match std::str::from_utf8(bytes) {
        Ok(text) if bytes.is_ascii() => Cow::Borrowed(text),
        _ => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// A value JavaScript set, as the bytes Node sends for it: a byte per character (Latin-1);
/// `None` when a character is above U+00FF.
pub(crate) fn latin1_bytes(text: &str) -> Option<Cow<'_, [u8]>> {
    if text.is_ascii() {
        return Some(Cow::Borrowed(text.as_bytes()));
    }
    let bytes = text.chars().map(|c| u8::try_from(u32::from(c)).ok());
    bytes.collect::<Option<Vec<u8>>>().map(Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_each_character_as_one_byte() {
        assert_eq!(latin1_bytes("café").as_deref(), Some(&b"caf\xe9"[..]));
        assert_eq!(latin1_bytes("plain").as_deref(), Some(&b"plain"[..]));
        assert_eq!(latin1_bytes("\u{1f600}"), None);
    }

    #[test]
    fn reads_each_byte_as_one_character() {
        let ascii = HeaderValue::from_static("token=abc");
        assert!(matches!(latin1(&ascii), Cow::Borrowed("token=abc")));
        let value = HeaderValue::from_bytes(b"lang=\xe9; token=abc").unwrap();
        assert_eq!(latin1(&value), "lang=\u{e9}; token=abc");
        // UTF-8 bytes are two characters each, as in Node.
        let value = HeaderValue::from_bytes("lang=é".as_bytes()).unwrap();
        assert_eq!(latin1(&value), "lang=\u{c3}\u{a9}");
    }
}
