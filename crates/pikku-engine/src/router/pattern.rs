//! Route patterns (`/todos/:id/*rest`) checked and turned into matchit's syntax.

use super::{normalize, RouteError};

/// Only bytes outside ASCII are encoded in registered static segments.
const NON_ASCII: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');

/// Turns `/todos/:id/*rest` into matchit's `/todos/{id}/{*rest}`; also says whether the
/// pattern has no parameters.
pub(super) fn to_tree_pattern(route: &str) -> Result<(String, bool), RouteError> {
    let invalid = |reason: &str| RouteError::InvalidPattern {
        route: route.to_owned(),
        reason: reason.to_owned(),
    };
    if !route.starts_with('/') {
        return Err(invalid("it must start with `/`, as in `/todos/:id`"));
    }
    let segments: Vec<&str> = normalize(route).split('/').skip(1).collect();
    let mut out = String::with_capacity(route.len() + 8);
    let mut is_static = true;
    for (i, segment) in segments.iter().enumerate() {
        out.push('/');
        if let Some(name) = segment.strip_prefix(':') {
            check_param_name(name).map_err(|r| invalid(&r))?;
            out.push('{');
            out.push_str(name);
            out.push('}');
            is_static = false;
        } else if let Some(name) = segment.strip_prefix('*') {
            if i + 1 != segments.len() {
                return Err(invalid("a `*splat` segment must be the last one"));
            }
            check_param_name(name).map_err(|r| invalid(&r))?;
            out.push_str("{*");
            out.push_str(name);
            out.push('}');
            is_static = false;
        } else {
            if segment.contains([':', '*']) {
                return Err(invalid(
                    "`:` and `*` may only start a segment (`/:id`, `/*rest`)",
                ));
            }
            // Requests arrive percent-encoded (`/caf%C3%A9`): register the same spelling.
            let encoded = percent_encoding::utf8_percent_encode(segment, NON_ASCII).to_string();
            out.push_str(&encoded.replace('{', "{{").replace('}', "}}"));
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    Ok((out, is_static))
}

fn check_param_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a parameter needs a name, as in `:id` or `*path`".into());
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!(
            "parameter name `{name}` may only hold letters, digits and `_`"
        ));
    }
    if crate::input::is_forbidden_key(name) {
        return Err(format!("parameter name `{name}` is reserved in JavaScript"));
    }
    Ok(())
}
