//! The JSON tokens the scan reads (whitespace, strings, numbers), with the grammar and limits
//! of serde_json: what it would refuse is never read here.

use std::borrow::Cow;

pub(super) fn skip_space(text: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = text.get(at) {
        at += 1;
    }
    at
}

/// A string token: its quotes at `start` and `end - 1`.
pub(super) struct StringToken {
    start: usize,
    pub(super) end: usize,
    pub(super) escaped: bool,
    /// Characters (code points) once unescaped.
    pub(super) chars: u64,
}

impl StringToken {
    pub(super) fn raw<'t>(&self, text: &'t [u8]) -> &'t [u8] {
        &text[self.start + 1..self.end - 1]
    }

    /// The string's value, unescaped when it has escapes.
    pub(super) fn value<'t>(&self, text: &'t [u8]) -> Option<Cow<'t, str>> {
        if self.escaped {
            serde_json::from_slice(&text[self.start..self.end])
                .ok()
                .map(Cow::Owned)
        } else {
            std::str::from_utf8(self.raw(text)).ok().map(Cow::Borrowed)
        }
    }
}

/// Reads the string at `start` as serde_json would: control characters and bad escapes
/// (lone surrogates among them) are not sure.
pub(super) fn read_string(text: &[u8], start: usize) -> Option<StringToken> {
    if text.get(start) != Some(&b'"') {
        return None;
    }
    let mut at = start + 1;
    let mut chars = 0;
    let mut escaped = false;
    loop {
        let byte = *text.get(at)?;
        match byte {
            b'"' => break,
            b'\\' => {
                escaped = true;
                match *text.get(at + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 2,
                    b'u' => {
                        let unit = hex4(text, at + 2)?;
                        at += 6;
                        if (0xD800..0xDC00).contains(&unit) {
                            // A high surrogate counts with the low one that must follow.
                            if text.get(at..at + 2) != Some(b"\\u") {
                                return None;
                            }
                            let low = hex4(text, at + 2)?;
                            if !(0xDC00..0xE000).contains(&low) {
                                return None;
                            }
                            at += 6;
                        } else if (0xDC00..0xE000).contains(&unit) {
                            return None;
                        }
                    }
                    _ => return None,
                }
                chars += 1;
            }
            0..=0x1F => return None,
            _ => {
                // The text is UTF-8: count the bytes that start a character.
                if byte & 0xC0 != 0x80 {
                    chars += 1;
                }
                at += 1;
            }
        }
    }
    Some(StringToken {
        start,
        end: at + 1,
        escaped,
        chars,
    })
}

fn hex4(text: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(text.get(at..at + 4)?).ok()?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// A number token.
pub(super) struct NumberToken {
    pub(super) end: usize,
    /// Its value when written as an integer that serde_json reads as one (not `-0`).
    pub(super) integer: Option<i128>,
}

/// Reads the number at `start` with JSON's grammar; a number serde_json would refuse as out
/// of range is not sure.
pub(super) fn read_number(text: &[u8], start: usize) -> Option<NumberToken> {
    let mut at = start;
    let negative = text.get(at) == Some(&b'-');
    if negative {
        at += 1;
    }
    // The magnitude, while it fits (past u64, serde_json reads a float anyway).
    let mut magnitude: Option<u64> = Some(0);
    let mut digit = |at: usize| {
        let d = text.get(at).copied().filter(u8::is_ascii_digit)?;
        magnitude = magnitude
            .and_then(|m| m.checked_mul(10))
            .and_then(|m| m.checked_add(u64::from(d - b'0')));
        Some(())
    };
    match text.get(at)? {
        b'0' => {
            digit(at);
            at += 1;
        }
        b'1'..=b'9' => {
            while digit(at).is_some() {
                at += 1;
            }
        }
        _ => return None,
    }
    let mut fraction = false;
    if text.get(at) == Some(&b'.') {
        fraction = true;
        at = digit_run(text, at + 1)?;
    }
    if let Some(b'e' | b'E') = text.get(at) {
        fraction = true;
        at += 1;
        if let Some(b'+' | b'-') = text.get(at) {
            at += 1;
        }
        at = digit_run(text, at)?;
    }
    if fraction {
        let value: f64 = std::str::from_utf8(&text[start..at]).ok()?.parse().ok()?;
        if !value.is_finite() || value.abs() > 1e300 {
            return None;
        }
        return Some(NumberToken {
            end: at,
            integer: None,
        });
    }
    let magnitude = i128::from(magnitude?);
    // serde_json reads `-0` as a float, and integers past u64 (or below i64) as floats.
    if negative && (magnitude == 0 || magnitude > -(i64::MIN as i128)) {
        return None;
    }
    let integer = if negative { -magnitude } else { magnitude };
    Some(NumberToken {
        end: at,
        integer: Some(integer),
    })
}

/// The end of the digits from `at`; `None` when there is not one (`1.`, `1e`).
fn digit_run(text: &[u8], start: usize) -> Option<usize> {
    let mut at = start;
    while text.get(at).is_some_and(u8::is_ascii_digit) {
        at += 1;
    }
    (at > start).then_some(at)
}
