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

#[cfg(test)]
mod tests {
    use super::*;

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
