//! A function's input from params, query and body: a JSON object body is sent on as written
//! whenever the schema's text plan accepts it; otherwise the pieces are merged and validated.

use serde_json::{Map, Value};

use super::{Engine, HttpRequest, Input, Target};
use crate::body::{parse_body, parse_json, Body};
use crate::coerce::{
    coerce_pairs, coerce_params, params_json, params_repeat, CoercionPlan, PathParams,
};
use crate::config::HttpMethod;
use crate::error::RequestError;
use crate::input::{check_object_keys, merge_before_body, merge_into, parse_query, Source};
use crate::validate::text_accepted;

impl Engine {
    pub(super) fn build_input<'a>(
        &self,
        target: &Target,
        method: HttpMethod,
        params: PathParams<'_>,
        query: &str,
        request: &HttpRequest<'a>,
    ) -> Result<Input<'a>, RequestError> {
        let body = if method.reads_body() {
            parse_body(request.content_type, request.body)?
        } else {
            Body::Empty
        };
        if matches!(body, Body::Empty) && query.is_empty() && params.is_empty() {
            // No input at all (`GET /hello`): nothing to merge.
            let input = Value::Object(Map::new());
            self.validate(target, &input)?;
            return Ok(Input::Built(input));
        }
        let plan = target.schema.as_deref().map(|s| &s.coercion);
        if let (Body::Json(text), true, false) = (&body, query.is_empty(), params_repeat(&params)) {
            // The usual request with a body: the params' object written without making it.
            let earlier = (!params.is_empty()).then(|| params_json(plan, &params));
            if let Some(input) = accepted_text(target, earlier, text) {
                return Ok(input);
            }
        }
        // Path params come first and their names are distinct: they are the merge so far.
        let mut merged = coerce_params(plan, params);
        let mut sources = Vec::new();
        if !query.is_empty() {
            if let Err(err) = self.merge_query(plan, query, &mut merged, &mut sources) {
                // The body is read first: a malformed one is the error to report.
                if let Body::Json(text) = body {
                    parse_json(text)?;
                }
                return Err(err);
            }
        }
        // Params and query as a JSON object, to go in front of a JSON object body.
        let prefix = || serde_json::to_string(&merged).unwrap_or_default();
        let (from_body, raw) = match body {
            Body::Empty => (Map::new(), None),
            Body::Json(text) => {
                if !query.is_empty() {
                    if let Some(input) =
                        accepted_text(target, (!merged.is_empty()).then(prefix), text)
                    {
                        return Ok(input);
                    }
                }
                match parse_json(text)? {
                    Value::Object(map) => (map, Some(text)),
                    value => (Map::from_iter([("data".to_owned(), value)]), None),
                }
            }
            Body::Form(pairs) => (coerce_pairs(plan, pairs), None),
            Body::Text(text) => (
                Map::from_iter([("data".to_owned(), Value::String(text))]),
                None,
            ),
        };
        check_object_keys(&from_body, Source::Body)?;
        let Some(raw) = raw else {
            merge_into(&mut merged, &mut sources, from_body, Source::Body)?;
            let input = Value::Object(merged);
            self.validate(target, &input)?;
            return Ok(Input::Built(input));
        };
        // A JSON object body is sent on as written; params and query go in front of it.
        if merged.is_empty() {
            self.validate(target, &Value::Object(from_body))?;
            return Ok(Input::Raw(raw));
        }
        let prefix = prefix();
        let mut input = from_body;
        merge_before_body(&mut input, merged, &sources)?;
        self.validate(target, &Value::Object(input))?;
        Ok(Input::Spliced { prefix, body: raw })
    }

    /// Adds the query's pairs (less an API key sent in it) to `merged`.
    fn merge_query(
        &self,
        plan: Option<&CoercionPlan>,
        query: &str,
        merged: &mut Map<String, Value>,
        sources: &mut Vec<(String, Source)>,
    ) -> Result<(), RequestError> {
        let mut pairs = parse_query(query)?;
        if let Some(key) = self.sessions.as_ref().and_then(|s| s.api_key_query()) {
            pairs.retain(|(name, _)| name != key);
        }
        let pairs = coerce_pairs(plan, pairs);
        check_object_keys(&pairs, Source::Query)?;
        merge_into(merged, sources, pairs, Source::Query)
    }
}

/// The input of a JSON object body decided on its text, with `earlier` (params and query as a
/// JSON object) in front of it: `None` when the text check is not sure, and the body takes
/// the full path.
fn accepted_text<'a>(target: &Target, earlier: Option<String>, text: &'a str) -> Option<Input<'a>> {
    if !text_accepted(target.schema.as_deref(), earlier.as_deref(), text) {
        return None;
    }
    Some(match earlier {
        None => Input::Raw(text),
        Some(prefix) => Input::Spliced { prefix, body: text },
    })
}
