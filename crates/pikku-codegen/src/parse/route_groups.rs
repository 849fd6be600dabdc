//! Route groups: `defineHTTPRoutes({ basePath, tags, auth, routes })` declared as constants and
//! `wireHTTPRoutes({ … })` at the top level. Read as written; resolved (references to other
//! groups, base paths joined) by the inspector, which sees every file.

use oxc_ast::ast::*;

use super::{object_properties, Reader};
use crate::ir::{GroupEntry, HttpWiring, RouteGroup};

/// The call that declares a group of routes.
pub(super) const DEFINE_GROUP: &str = "defineHTTPRoutes";
/// The call that wires a group of routes.
pub(super) const WIRE_GROUP: &str = "wireHTTPRoutes";

impl Reader<'_> {
    /// A group's object literal: its shared settings and its routes.
    pub(super) fn route_group(&self, object: &ObjectExpression) -> RouteGroup {
        let mut group = RouteGroup {
            loc: self.loc(object.span),
            ..RouteGroup::default()
        };
        for (key, value) in object_properties(object) {
            match (key.as_str(), value) {
                ("basePath", Expression::StringLiteral(s)) => group.base_path = s.value.to_string(),
                ("tags", tags) => group.tags = string_list(tags),
                ("auth", Expression::BooleanLiteral(b)) => group.auth = Some(b.value),
                ("routes", Expression::ObjectExpression(routes)) => {
                    group.routes = object_properties(routes)
                        .filter_map(|(_, entry)| self.group_entry(entry))
                        .collect();
                }
                _ => {}
            }
        }
        group
    }

    /// One entry of `routes`: a route, a nested group (literal or `defineHTTPRoutes(…)`), or a
    /// group declared by name.
    fn group_entry(&self, entry: &Expression) -> Option<GroupEntry> {
        match entry {
            Expression::Identifier(id) => Some(GroupEntry::Ref {
                name: id.name.to_string(),
                loc: self.loc(id.span),
            }),
            Expression::CallExpression(call) => {
                let Expression::Identifier(callee) = &call.callee else {
                    return None;
                };
                let Some(Argument::ObjectExpression(object)) = call.arguments.first() else {
                    return None;
                };
                (callee.name == DEFINE_GROUP).then(|| GroupEntry::Group(self.route_group(object)))
            }
            Expression::ObjectExpression(object) => {
                if object_properties(object).any(|(key, _)| key == "routes") {
                    return Some(GroupEntry::Group(self.route_group(object)));
                }
                self.route_wiring(object, object.span)
                    .map(GroupEntry::Route)
            }
            _ => None,
        }
    }

    /// `{ method, route, func, auth?, sse?, tags? }`: a route, when its method, route and
    /// function are written out.
    pub(super) fn route_wiring(
        &self,
        object: &ObjectExpression,
        span: oxc_span::Span,
    ) -> Option<HttpWiring> {
        let (mut method, mut route, mut func, mut auth) = (None, None, None, None);
        let (mut sse, mut tags, mut upload) = (false, Vec::new(), None);
        for (key, value) in object_properties(object) {
            match (key.as_str(), value) {
                ("method", Expression::StringLiteral(s)) => method = Some(s.value.to_string()),
                ("route", Expression::StringLiteral(s)) => route = Some(s.value.to_string()),
                ("func", Expression::Identifier(id)) => func = Some(id.name.to_string()),
                ("auth", Expression::BooleanLiteral(b)) => auth = Some(b.value),
                ("sse", Expression::BooleanLiteral(b)) => sse = b.value,
                ("tags", list) => tags = string_list(list),
                ("upload", Expression::BooleanLiteral(b)) if b.value => upload = Some(Vec::new()),
                ("upload", Expression::ObjectExpression(limits)) => {
                    let fields = object_properties(limits).find(|(key, _)| key == "fileFields");
                    upload = Some(fields.map_or_else(Vec::new, |(_, list)| string_list(list)));
                }
                _ => {}
            }
        }
        Some(HttpWiring {
            method: method?,
            route: route?,
            func: func?,
            auth,
            sse,
            tags,
            upload,
            loc: self.loc(span),
        })
    }
}

/// `['a', 'b']`: the string literals of an array.
pub(super) fn string_list(value: &Expression) -> Vec<String> {
    let Expression::ArrayExpression(array) = value else {
        return Vec::new();
    };
    (array.elements.iter())
        .filter_map(|element| match element {
            ArrayExpressionElement::StringLiteral(s) => Some(s.value.to_string()),
            _ => None,
        })
        .collect()
}
