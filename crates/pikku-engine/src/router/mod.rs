//! Route lookup: `:param` and `*splat` patterns on top of matchit, with a hash map in front
//! for static paths, one slot per path holding a target per method, 405 with `Allow`, and HEAD
//! answered by the GET route.

mod error;
mod pattern;

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::config::HttpMethod;
pub use error::RouteError;
use pattern::to_tree_pattern;

/// The result of a lookup.
#[derive(Debug, PartialEq)]
pub enum RouteMatch<'r> {
    /// A route answers: its target and the raw (still percent-encoded) parameters.
    Found {
        target: u32,
        params: matchit::Params<'r, 'r>,
    },
    /// No pattern matches the path.
    NotFound,
    /// A pattern matches but not for this method.
    MethodNotAllowed { allow: &'r str },
}

#[derive(Debug)]
struct Slot {
    pattern: String,
    targets: [Option<u32>; 7],
    names: [Option<String>; 7],
    allow: String,
}

/// The routing table. Built once at start-up, then read-only.
#[derive(Debug, Default)]
pub struct Router {
    tree: matchit::Router<usize>,
    /// Static paths: looked up on every request, never grown after start-up.
    statics: FxHashMap<String, usize>,
    slots: Vec<Slot>,
    /// matchit pattern → index of its slot, to find the slot of a re-registered pattern.
    by_tree_pattern: HashMap<String, usize>,
}

impl Router {
    /// Registers `method route` answering with `target`; `name` says what registered it, for
    /// conflict messages.
    pub fn insert(
        &mut self,
        method: HttpMethod,
        route: &str,
        target: u32,
        name: Option<&str>,
    ) -> Result<(), RouteError> {
        let (tree_pattern, is_static) = to_tree_pattern(route)?;
        let slot_index = match self.by_tree_pattern.get(&tree_pattern) {
            Some(&index) => index,
            None => {
                let index = self.slots.len();
                self.tree
                    .insert(tree_pattern.clone(), index)
                    .map_err(|err| self.conflict(route, err))?;
                self.slots.push(Slot {
                    pattern: route.to_owned(),
                    targets: [None; 7],
                    names: Default::default(),
                    allow: String::new(),
                });
                if is_static {
                    self.statics
                        .insert(tree_pattern.replace("{{", "{").replace("}}", "}"), index);
                }
                self.by_tree_pattern.insert(tree_pattern, index);
                index
            }
        };
        let slot = &mut self.slots[slot_index];
        let cell = &mut slot.targets[method.index()];
        if cell.is_some() {
            let names = name.zip(slot.names[method.index()].as_deref());
            return Err(RouteError::Conflict {
                method: Some(method),
                route: route.to_owned(),
                with: slot.pattern.clone(),
                names: names.map(|(new, old)| (new.to_owned(), old.to_owned())),
            });
        }
        *cell = Some(target);
        slot.names[method.index()] = name.map(str::to_owned);
        slot.allow = allow_header(&slot.targets);
        Ok(())
    }

    fn conflict(&self, route: &str, err: matchit::InsertError) -> RouteError {
        match err {
            matchit::InsertError::Conflict { with } => RouteError::Conflict {
                method: None,
                names: None,
                route: route.to_owned(),
                with: self
                    .by_tree_pattern
                    .get(&with)
                    .map(|&i| self.slots[i].pattern.clone())
                    .unwrap_or(with),
            },
            other => RouteError::InvalidPattern {
                route: route.to_owned(),
                reason: other.to_string(),
            },
        }
    }

    /// The `Allow` list of the path, when some route matches it.
    pub fn allow<'r>(&'r self, path: &'r str) -> Option<&'r str> {
        self.slot(path)
            .map(|(index, _)| self.slots[index].allow.as_str())
    }

    fn slot<'r>(&'r self, path: &'r str) -> Option<(usize, matchit::Params<'r, 'r>)> {
        let path = normalize(path);
        if let Some(&index) = self.statics.get(path) {
            return Some((index, matchit::Params::new()));
        }
        let found = self.tree.at(path).ok()?;
        Some((*found.value, found.params))
    }

    /// Finds the route for `method` and `path` (the path without its query).
    pub fn lookup<'r>(&'r self, method: HttpMethod, path: &'r str) -> RouteMatch<'r> {
        let Some((slot_index, params)) = self.slot(path) else {
            return RouteMatch::NotFound;
        };
        let slot = &self.slots[slot_index];
        let target = slot.targets[method.index()].or(if method == HttpMethod::Head {
            slot.targets[HttpMethod::Get.index()]
        } else {
            None
        });
        match target {
            Some(target) => RouteMatch::Found { target, params },
            None => RouteMatch::MethodNotAllowed { allow: &slot.allow },
        }
    }
}

/// Drops one trailing slash so that `/todos/` finds `/todos`.
fn normalize(path: &str) -> &str {
    match path.strip_suffix('/') {
        Some(stripped) if !stripped.is_empty() => stripped,
        _ => path,
    }
}

fn allow_header(targets: &[Option<u32>; 7]) -> String {
    let has = |m: HttpMethod| targets[m.index()].is_some();
    HttpMethod::ALL
        .into_iter()
        .filter(|&m| has(m) || (m == HttpMethod::Head && has(HttpMethod::Get)))
        .map(HttpMethod::as_upper)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
