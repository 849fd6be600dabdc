//! Follows the framing of the requests a connection sends, byte by byte as they are read, to
//! find request heads whose lines end in a bare LF. hyper's parser takes a bare LF as a line
//! ending; Node's refuses the request, and a proxy in front may read such a head differently
//! from us, so the standalone server refuses it too ([`crate::strict_reads`]).
//!
//! Only what framing needs is read: `Content-Length`, `Transfer-Encoding: chunked`, chunk
//! sizes and trailers. On anything it does not understand (hyper answers it 400 anyway) or an
//! upgrade (the bytes after it are another protocol) the scan stops for good.

/// A header line longer than this is not read for framing (hyper answers such heads 431).
const MOST_LINE_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// In a request head; `started`: its request line has begun (empty lines before a request
    /// line are skipped, as hyper does).
    Head { started: bool },
    /// In a body of known length: bytes left.
    Body(u64),
    /// In a chunk-size line.
    ChunkSize,
    /// In a chunk's data: bytes left, then its line ending.
    ChunkData(u64),
    /// After a chunk's data, before its CR LF.
    ChunkEnd,
    /// In the trailer lines of a chunked body.
    Trailers,
    /// Not following any more.
    Off,
}

/// The framing state of one connection's requests.
#[derive(Debug)]
pub(crate) struct HeadScan {
    state: State,
    /// The current line, up to `MOST_LINE_BYTES` (longer lines are not kept).
    line: Vec<u8>,
    line_too_long: bool,
    /// The line's last byte (0 for none): a CR before the LF, or not.
    last: u8,
    /// Facts of the head being read.
    content_length: Option<u64>,
    chunked: bool,
    upgrade: bool,
    /// Heads finished so far.
    heads: usize,
}

impl Default for HeadScan {
    fn default() -> Self {
        HeadScan {
            state: State::Head { started: false },
            line: Vec::new(),
            line_too_long: false,
            last: 0,
            content_length: None,
            chunked: false,
            upgrade: false,
            heads: 0,
        }
    }
}

impl HeadScan {
    /// Reads `bytes`, the next ones of the connection; returns the number of the first head (0
    /// for the connection's first request) in them with a line ended by a bare LF, if any.
    /// After that the scan stops: the connection is closed at that request.
    pub(crate) fn scan(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut at = 0;
        while at < bytes.len() {
            match self.state {
                State::Off => return None,
                State::Body(left) => {
                    let step = left.min((bytes.len() - at) as u64);
                    at += step as usize;
                    self.state = if step == left {
                        self.head_state()
                    } else {
                        State::Body(left - step)
                    };
                }
                State::ChunkData(left) => {
                    let step = left.min((bytes.len() - at) as u64);
                    at += step as usize;
                    if step == left {
                        self.state = State::ChunkEnd;
                    } else {
                        self.state = State::ChunkData(left - step);
                    }
                }
                _ => {
                    let rest = &bytes[at..];
                    let Some(end) = rest.iter().position(|&b| b == b'\n') else {
                        self.push(rest);
                        return None;
                    };
                    self.push(&rest[..end]);
                    at += end + 1;
                    let bare = self.last != b'\r';
                    if !bare && !self.line_too_long {
                        self.line.pop();
                    }
                    if let Some(bad) = self.end_line(bare) {
                        self.state = State::Off;
                        return Some(bad);
                    }
                    self.line.clear();
                    self.line_too_long = false;
                    self.last = 0;
                }
            }
        }
        None
    }

    /// Adds the bytes of the current line (without its LF).
    fn push(&mut self, bytes: &[u8]) {
        let Some(&last) = bytes.last() else { return };
        self.last = last;
        if self.line.len() + bytes.len() <= MOST_LINE_BYTES {
            self.line.extend_from_slice(bytes);
        } else {
            self.line_too_long = true;
        }
    }

    /// A line ended (`bare`: by LF alone); the number of a head refused for it, if any.
    fn end_line(&mut self, bare: bool) -> Option<usize> {
        match self.state {
            State::Head { started } => {
                if bare && (started || !self.line.is_empty()) {
                    return Some(self.heads);
                }
                if !started {
                    if !self.line.is_empty() {
                        self.upgrade = self.line.starts_with(b"CONNECT ");
                        self.state = State::Head { started: true };
                    }
                } else if self.line.is_empty() {
                    self.end_head();
                } else {
                    self.header_line();
                }
            }
            // Node takes a bare LF after a chunk size or in trailers: so does this scan.
            State::ChunkSize => self.state = self.chunk_size(),
            State::ChunkEnd => {
                self.state = if self.line.is_empty() {
                    State::ChunkSize
                } else {
                    State::Off
                };
            }
            State::Trailers if self.line.is_empty() => self.state = self.head_state(),
            _ => {}
        }
        None
    }

    /// Notes what framing needs from a header line.
    fn header_line(&mut self) {
        if self.line_too_long {
            self.state = State::Off;
            return;
        }
        let Some(colon) = self.line.iter().position(|&b| b == b':') else {
            return; // hyper refuses the head
        };
        let (name, value) = (&self.line[..colon], trim(&self.line[colon + 1..]));
        if name.eq_ignore_ascii_case(b"content-length") {
            // Repeated equal values (`5, 5`) are one length to hyper; different ones are refused.
            let first = value.split(|&b| b == b',').next().map(trim);
            match first.and_then(|digits| std::str::from_utf8(digits).ok()?.parse().ok()) {
                Some(length) => self.content_length = Some(length),
                None => self.state = State::Off,
            }
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            let last = value.rsplit(|&b| b == b',').next().map(trim);
            self.chunked = last.is_some_and(|coding| coding.eq_ignore_ascii_case(b"chunked"));
        } else if name.eq_ignore_ascii_case(b"upgrade") {
            self.upgrade = true;
        }
    }

    /// The head is complete: its body, or the next head.
    fn end_head(&mut self) {
        self.heads += 1;
        let (length, chunked, upgrade) = (self.content_length, self.chunked, self.upgrade);
        self.content_length = None;
        self.chunked = false;
        self.upgrade = false;
        self.state = if upgrade {
            State::Off // what follows may be another protocol
        } else if chunked {
            State::ChunkSize
        } else {
            match length {
                Some(n) if n > 0 => State::Body(n),
                _ => self.head_state(),
            }
        };
    }

    fn chunk_size(&self) -> State {
        let digits = self.line.split(|&b| b == b';').next().map_or(&[][..], trim);
        let size = std::str::from_utf8(digits)
            .ok()
            .and_then(|hex| u64::from_str_radix(hex, 16).ok());
        match size {
            Some(0) => State::Trailers,
            Some(n) => State::ChunkData(n),
            None => State::Off,
        }
    }

    fn head_state(&self) -> State {
        State::Head { started: false }
    }
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace());
    match (start, end) {
        (Some(start), Some(end)) => &bytes[start..=end],
        _ => &[],
    }
}

#[cfg(test)]
mod tests;
