//! Documents written as JSON text in unusual but valid spellings, and texts broken on purpose.

use serde_json::Value;

use super::Random;

/// Writes `value` as JSON with random spacing, escapes, number spellings and duplicate keys.
pub(super) fn write(r: &mut Random, value: &Value, out: &mut String) {
    let space = |r: &mut Random, out: &mut String| {
        if r.chance(15) {
            const SPACING: [&str; 3] = [" ", "\n\t", "\r\n  "];
            let spacing = SPACING[r.below(3) as usize];
            out.push_str(spacing);
        }
    };
    space(r, out);
    match value {
        Value::String(s) => write_string(r, s, out),
        Value::Number(n) => match n.as_i64() {
            Some(i) if r.chance(10) => {
                let spellings = [
                    format!("{i}.0"),
                    format!("{i}e0"),
                    "-0".to_owned(),
                    format!("{i}e999"),
                ];
                let spelling: &String = r.pick(&spellings);
                out.push_str(spelling);
            }
            _ => out.push_str(&n.to_string()),
        },
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(r, item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            let mut first = true;
            for (key, item) in map {
                let times = if r.chance(5) { 2 } else { 1 };
                for _ in 0..times {
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    space(r, out);
                    write_string(r, key, out);
                    space(r, out);
                    out.push(':');
                    write(r, item, out);
                }
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
    space(r, out);
}

fn write_string(r: &mut Random, s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            c if r.chance(5) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Breaks a text at random: what serde_json refuses must never be accepted.
pub(super) fn mutate(r: &mut Random, text: &str) -> String {
    if r.chance(30) {
        // Near-misses of JSON's grammar, where a scanner is most likely to be lenient.
        let (from, to) = *r.pick(&[
            ("}", ",}"),
            ("]", ",]"),
            ("[", "[,"),
            (":", "::"),
            ("\"", "\"\\x"),
            ("1", "01"),
            ("1", "1."),
            ("1", "-"),
            ("2", "2e"),
            ("1", "1e+"),
            ("true", "tru"),
            ("null", "nul"),
            (",", ""),
            ("\"", "\"\t"),
            ("\\u", "\\ud800"),
        ]);
        if let Some(at) = text
            .match_indices(from)
            .map(|(at, _)| at)
            .nth(r.below(3) as usize)
        {
            return format!("{}{to}{}", &text[..at], &text[at + from.len()..]);
        }
    }
    let mut bytes = text.as_bytes().to_vec();
    let at = r.below(bytes.len() as u64 + 1) as usize;
    let junk = *r.pick(&[
        b',', b'}', b']', b'"', b'\\', b'0', b'-', b'.', b'e', 0x01, b' ', b'x',
    ]);
    match r.below(3) {
        0 if at < bytes.len() => {
            bytes.remove(at);
        }
        1 if at < bytes.len() => bytes[at] = junk,
        _ => bytes.insert(at, junk),
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned())
}
