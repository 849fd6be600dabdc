//! The path and query of a request URL, the path normalized as every adapter must see it.

/// The path as every adapter must see it: an absolute-form target (`http://host/x`) loses its
/// scheme and authority, and `.`/`..` segments (also as `%2e`) are resolved as a URL parser
/// would, so `/a/../b` and `/b` route alike whichever adapter received them.
pub(crate) fn normalize_path(path: &str) -> std::borrow::Cow<'_, str> {
    // The usual origin-form path: no scheme to drop, and no `.` or `%2e` segment possible.
    if path.starts_with('/') && !path.bytes().any(|b| b == b'.' || b == b'%') {
        return std::borrow::Cow::Borrowed(path);
    }
    let path = match path.split_once("://") {
        Some((scheme, rest)) if !scheme.contains('/') => rest.find('/').map_or("/", |i| &rest[i..]),
        _ => path,
    };
    let is_dot = |s: &str| s == "." || s.eq_ignore_ascii_case("%2e");
    let is_dot_dot = |s: &str| {
        ["..", ".%2e", "%2e.", "%2e%2e"]
            .iter()
            .any(|dots| s.eq_ignore_ascii_case(dots))
    };
    if !path.split('/').any(|s| is_dot(s) || is_dot_dot(s)) {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if is_dot(segment) {
            if last {
                segments.push("");
            }
        } else if is_dot_dot(segment) {
            segments.pop();
            if last {
                segments.push("");
            }
        } else {
            segments.push(segment);
        }
    }
    std::borrow::Cow::Owned(format!("/{}", segments.join("/")))
}

/// The path and query of a URL (`/todos?x=1#top` → `/todos`, `x=1`); a fragment is dropped.
pub(crate) fn split_url(url: &str) -> (&str, &str) {
    match url.bytes().position(|b| b == b'?' || b == b'#') {
        Some(at) if url.as_bytes()[at] == b'?' => {
            let rest = &url[at + 1..];
            (
                &url[..at],
                rest.split_once('#').map_or(rest, |(query, _)| query),
            )
        }
        Some(at) => (&url[..at], ""),
        None => (url, ""),
    }
}

#[cfg(test)]
mod tests;
