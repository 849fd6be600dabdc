//! Top-level wirings: `addRoute` / `wireHTTP` and `addChannel` / `wireChannel` calls.

use oxc_ast::ast::*;
use oxc_span::Span;

use super::route_groups::WIRE_GROUP;
use super::{object_properties, Reader};
use crate::ir::ChannelWiring;

const HTTP_WIRINGS: [&str; 2] = ["addRoute", "wireHTTP"];
const CHANNEL_WIRINGS: [&str; 2] = ["addChannel", "wireChannel"];

impl Reader<'_> {
    /// `addRoute({ method: 'get', route: '/x', func: f, auth: false })` at the top level.
    pub(super) fn top_level_call(&mut self, expression: &Expression) {
        let Expression::CallExpression(call) = expression else {
            return;
        };
        let Expression::Identifier(callee) = &call.callee else {
            return;
        };
        let Some(Argument::ObjectExpression(object)) = call.arguments.first() else {
            return;
        };
        if CHANNEL_WIRINGS.contains(&callee.name.as_str()) {
            self.channel_wiring(object, call.span);
            return;
        }
        if callee.name == WIRE_GROUP {
            let group = self.route_group(object);
            self.module.group_wirings.push(group);
            return;
        }
        if !HTTP_WIRINGS.contains(&callee.name.as_str()) {
            return;
        }
        if let Some(wiring) = self.route_wiring(object, call.span) {
            self.module.wirings.push(wiring);
        }
    }

    /// `addChannel({ name, route, onMessage, onMessageWiring: { action: { create: f } } })`.
    fn channel_wiring(&mut self, object: &ObjectExpression, span: Span) {
        let (mut name, mut route, mut default_handler) = (None, None, None);
        let mut routing_keys = Vec::new();
        let mut handlers = Vec::new();
        for (key, value) in object_properties(object) {
            match (key.as_str(), value) {
                ("name", Expression::StringLiteral(s)) => name = Some(s.value.to_string()),
                ("route", Expression::StringLiteral(s)) => route = Some(s.value.to_string()),
                ("onMessage", handler) => default_handler = handler_function(handler),
                ("onMessageWiring", Expression::ObjectExpression(wiring)) => {
                    for (key, values) in object_properties(wiring) {
                        routing_keys.push(key);
                        let Expression::ObjectExpression(values) = values else {
                            continue;
                        };
                        for (value, handler) in object_properties(values) {
                            if let Some(func) = handler_function(handler) {
                                handlers.push((value, func));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        self.module.channels.push(ChannelWiring {
            name,
            route,
            routing_keys,
            handlers,
            default_handler,
            loc: self.loc(span),
        });
    }
}

/// The function of a channel handler: `f`, or `{ func: f, auth }`.
fn handler_function(handler: &Expression) -> Option<String> {
    match handler {
        Expression::Identifier(id) => Some(id.name.to_string()),
        Expression::ObjectExpression(object) => {
            object_properties(object).find_map(|(key, value)| match (key.as_str(), value) {
                ("func", Expression::Identifier(id)) => Some(id.name.to_string()),
                _ => None,
            })
        }
        _ => None,
    }
}
