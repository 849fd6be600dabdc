//! JavaScript's answers, as they come back in a batch: a JSON array of `[id, status, headers,
//! length]` and the bodies after one another in a second text. The bodies stay out of the
//! JSON so that neither side escapes them: JavaScript joins its strings, and each reply's
//! body is a slice of the one buffer, without a copy.

use bytes::Bytes;
use pikku_engine::error::{RequestError, INTERNAL_SERVER, SERVICE_UNAVAILABLE};
use serde_json::Value;

use crate::batch::AnswerEntry;
use crate::Reply;

/// The replies of a batch, by call id. An answer JavaScript got wrong (a status that is no
/// HTTP status, a header value that is not a string) is a 500 for its request alone; one
/// without a readable id cannot be matched to a request and is left out. The batch is an
/// error when it is not a JSON array, or its lengths and its bodies do not match.
pub(crate) fn parse_answers(answers: &str, bodies: String) -> Result<Vec<(u32, Reply)>, String> {
    let mut bodies = Bodies::new(bodies);
    let replies = match serde_json::from_str::<Vec<AnswerEntry>>(answers) {
        // The common case, every answer of the right types, in one typed pass.
        Ok(answers) => answers
            .into_iter()
            .map(|AnswerEntry(id, status, flat, length)| {
                let body = bodies.next(length)?;
                Ok((id, reply(Some((status, flat)), body)))
            })
            .collect::<Result<Vec<_>, String>>()?,
        Err(_) => each_answer(answers, &mut bodies)?,
    };
    bodies.all_read("the bodies", "the answers")?;
    Ok(replies)
}

/// The ids of a batch that cannot be read as a whole, where they can be read: their requests
/// are answered 500 rather than left waiting.
pub(crate) fn ids_of(answers: &str) -> Vec<u32> {
    let answers: Vec<Value> = serde_json::from_str(answers).unwrap_or_default();
    answers
        .iter()
        .filter_map(|answer| u32::try_from(answer.get(0)?.as_u64()?).ok())
        .collect()
}

/// The answers one by one, when some are of the wrong types.
fn each_answer(answers: &str, bodies: &mut Bodies) -> Result<Vec<(u32, Reply)>, String> {
    let answers: Vec<Value> = serde_json::from_str(answers).map_err(|err| {
        format!("answers are not a JSON array of [id, status, headers, length]: {err}")
    })?;
    let mut replies = Vec::with_capacity(answers.len());
    for (index, answer) in answers.into_iter().enumerate() {
        // The length is read first: without it the bodies after this one cannot be found.
        let length = match answer.get(3) {
            Some(Value::Null) => None,
            Some(length) => Some(length.as_u64().and_then(|n| usize::try_from(n).ok()).ok_or_else(|| {
                format!("answer {index} has no body length (a count of UTF-16 code units, or null): {answer}")
            })?),
            None => return Err(format!("answer {index} is not [id, status, headers, length]: {answer}")),
        };
        let body = bodies.next(length)?;
        let Some(id) = answer
            .get(0)
            .and_then(Value::as_u64)
            .and_then(|id| u32::try_from(id).ok())
        else {
            continue;
        };
        let parts = serde_json::from_value::<(u32, u16, Vec<String>, Value)>(answer)
            .ok()
            .map(|(_, status, flat, _)| (status, flat));
        replies.push((id, reply(parts, body)));
    }
    Ok(replies)
}

/// Texts JavaScript joined into one string, and how far it has been read: each is cut by
/// its length in UTF-16 code units, as JavaScript counts it.
pub(crate) struct Bodies {
    text: Bytes,
    at: usize,
}

impl Bodies {
    /// The joined texts, none read yet.
    pub(crate) fn new(text: String) -> Self {
        Bodies {
            text: Bytes::from(text),
            at: 0,
        }
    }

    /// An error when bytes are left over: `what` holds more than `lengths` say.
    pub(crate) fn all_read(&self, what: &str, lengths: &str) -> Result<(), String> {
        if self.at == self.text.len() {
            return Ok(());
        }
        Err(format!(
            "{what} hold {} bytes more than {lengths}' lengths say",
            self.text.len() - self.at
        ))
    }

    /// The next body, `units` UTF-16 code units long (`None`: no body).
    pub(crate) fn next(&mut self, units: Option<usize>) -> Result<Bytes, String> {
        let Some(units) = units else {
            return Ok(Bytes::new());
        };
        let rest = &self.text[self.at..];
        let bytes = utf8_length(rest, units).ok_or_else(|| {
            format!(
                "a body of {units} UTF-16 code units does not fit in the bodies left ({} bytes)",
                rest.len()
            )
        })?;
        let body = self.text.slice(self.at..self.at + bytes);
        self.at += bytes;
        Ok(body)
    }
}

/// How many bytes of `text` (UTF-8, from a `String`) hold its first `units` UTF-16 code
/// units; `None` when it is shorter, or the count ends inside a character. Reads no further
/// than that body.
fn utf8_length(text: &[u8], units: usize) -> Option<usize> {
    // ASCII, the common case: a unit is a byte.
    if text.get(..units).is_some_and(<[u8]>::is_ascii) {
        return Some(units);
    }
    let mut counted = 0;
    for (at, &byte) in text.iter().enumerate() {
        if byte & 0xC0 == 0x80 {
            continue; // inside a character
        }
        if counted == units {
            return Some(at);
        }
        // A four-byte character is a surrogate pair in UTF-16.
        counted += if byte >= 0xF0 { 2 } else { 1 };
        if counted > units {
            return None;
        }
    }
    (counted == units).then_some(text.len())
}

/// JavaScript's answer as a reply, or a 500 when it is not one.
fn reply(parts: Option<(u16, Vec<String>)>, body: Bytes) -> Reply {
    match parts {
        Some((status, flat)) if (100..=999).contains(&status) && flat.len() % 2 == 0 => {
            let mut flat = flat.into_iter();
            let mut headers = Vec::with_capacity(flat.len() / 2);
            while let (Some(name), Some(value)) = (flat.next(), flat.next()) {
                headers.push((name, value));
            }
            Reply {
                status,
                headers,
                body,
            }
        }
        _ => malformed_reply(),
    }
}

/// The 500 of an answer that cannot be sent.
/// The answer to a call still running when a close's grace period ends.
pub(crate) fn closing_reply(grace: std::time::Duration) -> Reply {
    let err = RequestError::new(
        SERVICE_UNAVAILABLE,
        format!(
            "The server closed before the function finished (it waited {} ms); try again",
            grace.as_millis()
        ),
    );
    Reply {
        status: err.kind.status,
        headers: Vec::new(),
        body: Bytes::from(pikku_engine::wire::error_body(&err, None)),
    }
}

pub(crate) fn malformed_reply() -> Reply {
    let err = RequestError::new(
        INTERNAL_SERVER,
        "The function's answer could not be sent (a status or header of the wrong type)",
    );
    Reply {
        status: err.kind.status,
        headers: Vec::new(),
        body: Bytes::from(pikku_engine::wire::error_body(&err, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies_of(answers: &str, bodies: &str) -> Vec<(u32, u16, String)> {
        parse_answers(answers, bodies.to_owned())
            .unwrap()
            .into_iter()
            .map(|(id, reply)| {
                (
                    id,
                    reply.status,
                    String::from_utf8(reply.body.to_vec()).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn each_body_is_cut_by_its_length_in_utf16_units() {
        // "é" is one unit and two bytes; "😀" two units and four bytes.
        let answers = r#"[[1,200,[],2],[2,204,[],null],[3,200,[],5],[4,200,[],0]]"#;
        assert_eq!(
            bodies_of(answers, r#"{}"é😀""#),
            [
                (1, 200, "{}".to_owned()),
                (2, 204, String::new()),
                (3, 200, r#""é😀""#.to_owned()),
                (4, 200, String::new()),
            ]
        );
    }

    #[test]
    fn an_answer_of_the_wrong_types_is_a_500_and_the_bodies_after_it_stay_in_place() {
        let answers =
            r#"[[1,"200",[],3],[2,200,[7],null],[3,200,[],4],["x",200,[],1],[5,200,[],2]]"#;
        let replies = bodies_of(answers, "bad\"ok\"-{}");
        assert_eq!(replies[0].0, 1);
        assert_eq!(replies[0].1, 500);
        assert!(
            replies[0].2.contains("could not be sent"),
            "{}",
            replies[0].2
        );
        assert_eq!(replies[1].1, 500);
        assert_eq!(replies[2], (3, 200, "\"ok\"".to_owned()));
        // The answer without an id is left out; its body is skipped all the same.
        assert_eq!(replies[3], (5, 200, "{}".to_owned()));
        assert_eq!(replies.len(), 4);
    }

    #[test]
    fn a_body_is_measured_without_reading_past_it() {
        // What follows the body is never read: here bytes that are no UTF-8 at all.
        let mut text = "é😀x".as_bytes().to_vec();
        text.extend_from_slice(&[0xFF, 0xFE]);
        assert_eq!(utf8_length(&text, 1), Some(2));
        assert_eq!(utf8_length(&text, 2), None); // inside the surrogate pair
        assert_eq!(utf8_length(&text, 3), Some(6));
        assert_eq!(utf8_length(&text, 4), Some(7));
        // Many bodies beyond ASCII, each cut whole.
        let body = format!("\"{}\"", "é".repeat(200));
        let answers = format!(
            "[{}]",
            (0..200)
                .map(|id| format!("[{id},200,[],{}]", body.encode_utf16().count()))
                .collect::<Vec<_>>()
                .join(",")
        );
        let replies = parse_answers(&answers, body.repeat(200)).unwrap();
        assert_eq!(replies.len(), 200);
        assert!(replies
            .iter()
            .all(|(_, reply)| reply.body == body.as_bytes()));
    }

    #[test]
    fn lengths_that_do_not_match_the_bodies_are_an_error_of_the_batch() {
        let short = parse_answers(r#"[[1,200,[],9]]"#, "{}".to_owned()).unwrap_err();
        assert!(short.contains("does not fit"), "{short}");
        let long = parse_answers(r#"[[1,200,[],2]]"#, "{}{}".to_owned()).unwrap_err();
        assert!(long.contains("2 bytes more"), "{long}");
        // A count that ends inside a surrogate pair.
        let inside = parse_answers(r#"[[1,200,[],1]]"#, "😀".to_owned()).unwrap_err();
        assert!(inside.contains("does not fit"), "{inside}");
        let short_beyond_ascii = parse_answers(r#"[[1,200,[],4]]"#, "é😀".to_owned()).unwrap_err();
        assert!(
            short_beyond_ascii.contains("does not fit"),
            "{short_beyond_ascii}"
        );
        let no_length = parse_answers(r#"[[1,200,[],"2"]]"#, "{}".to_owned()).unwrap_err();
        assert!(no_length.contains("no body length"), "{no_length}");
        let not_array = parse_answers(r#"{"not": "an array"}"#, String::new()).unwrap_err();
        assert!(
            not_array.starts_with("answers are not a JSON array"),
            "{not_array}"
        );
    }
}
