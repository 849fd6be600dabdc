//! Route groups resolved: each route of a `wireHTTPRoutes` call with its full path (the base
//! paths of its groups joined, as the runtime joins them), its auth (its own, or its nearest
//! group's) and its tags (its groups', then its own).

use crate::diagnostics::Diagnostic;
use crate::ir::{GroupEntry, HttpWiring, RouteGroup};
use crate::project::Project;

/// Groups nest at most this deep (a group that includes itself stops here).
const MOST_DEPTH: usize = 16;

/// Every route of the project's `wireHTTPRoutes` calls, with the file it is written in (where
/// its function's name is looked up).
pub(super) fn grouped_routes(
    project: &Project,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(usize, HttpWiring)> {
    let mut routes = Vec::new();
    for (file, module) in project.modules.iter().enumerate() {
        for group in &module.group_wirings {
            let shared = Shared {
                base: String::new(),
                tags: Vec::new(),
                auth: None,
            };
            flatten(project, file, group, &shared, 0, &mut routes, diagnostics);
        }
    }
    routes
}

/// What a group passes on to its routes.
struct Shared {
    base: String,
    tags: Vec<String>,
    auth: Option<bool>,
}

fn flatten(
    project: &Project,
    file: usize,
    group: &RouteGroup,
    outer: &Shared,
    depth: usize,
    routes: &mut Vec<(usize, HttpWiring)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if depth > MOST_DEPTH {
        diagnostics.push(
            Diagnostic::new(
                "PIKKU_WIRING",
                group.loc,
                format!("route groups nest more than {MOST_DEPTH} deep here"),
            )
            .with_hint("a group that includes itself never ends: remove the cycle"),
        );
        return;
    }
    let shared = Shared {
        base: join_path(&outer.base, &group.base_path),
        tags: [outer.tags.clone(), group.tags.clone()].concat(),
        auth: group.auth.or(outer.auth),
    };
    for entry in &group.routes {
        match entry {
            GroupEntry::Route(route) => {
                let mut route = route.clone();
                route.route = join_path(&shared.base, &route.route);
                route.auth = route.auth.or(shared.auth);
                route.tags = [shared.tags.clone(), route.tags].concat();
                routes.push((file, route));
            }
            GroupEntry::Group(inner) => flatten(project, file, inner, &shared, depth + 1, routes, diagnostics),
            GroupEntry::Ref { name, loc } => match project.route_group_named(file, name) {
                Some((at, inner)) => flatten(project, at, inner, &shared, depth + 1, routes, diagnostics),
                None => diagnostics.push(
                    Diagnostic::new("PIKKU_WIRING", *loc, format!("`{name}` is not a group of routes the generator can read"))
                        .with_hint(format!("declare it as `const {name} = defineHTTPRoutes({{ … }})` at the top level of a file in the project, with its routes written out")),
                ),
            },
        }
    }
}

/// A group's base path and a route joined: `/api` + `/todos` → `/api/todos`, one slash
/// between them; an empty or `/` route is the base path itself. The runtime's `joinPath`
/// (lib/route-groups.ts) does the same.
pub(crate) fn join_path(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    match path {
        "" | "/" if base.is_empty() => "/".to_owned(),
        "" | "/" => base.to_owned(),
        _ if path.starts_with('/') => format!("{base}{path}"),
        _ => format!("{base}/{path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::join_path;

    #[test]
    fn joins_base_paths_with_one_slash() {
        assert_eq!(join_path("", "/todos"), "/todos");
        assert_eq!(join_path("/api", "/todos"), "/api/todos");
        assert_eq!(join_path("/api/", "/todos"), "/api/todos");
        assert_eq!(join_path("/api", "todos"), "/api/todos");
        assert_eq!(join_path("/api", ""), "/api");
        assert_eq!(join_path("/api", "/"), "/api");
        assert_eq!(join_path("", ""), "/");
    }
}
