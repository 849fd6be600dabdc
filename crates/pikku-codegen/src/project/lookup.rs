//! Finding what a name means in a file: a type or value declaration, or a function, followed
//! through imports, namespaces and re-exports.

use std::collections::HashMap;

use super::{Found, Project};
use crate::ir::{Decl, Import, Loc, Module, ReExport, RouteGroup};

impl Project {
    /// Finds the type declaration that `name` means in file `file` (local, imported, `ns.Name`).
    pub fn lookup(&self, file: usize, name: &str) -> Option<Found<'_>> {
        self.lookup_in(Space::Types, file, name)
    }

    /// Finds the value (`as const` object, enum) that `typeof name` means in file `file`.
    pub fn lookup_value(&self, file: usize, name: &str) -> Option<Found<'_>> {
        self.lookup_in(Space::Values, file, name)
    }

    fn lookup_in(&self, space: Space, file: usize, name: &str) -> Option<Found<'_>> {
        let module = &self.modules[file];
        if let Some((namespace, member)) = name.split_once('.') {
            let import = module
                .imports
                .get(namespace)
                .filter(|i| i.imported == "*")?;
            return self.find_export(space, self.target(file, import)?, member, 0);
        }
        if let Some((decl, loc)) = space.of(module).get(name) {
            return Some(Found {
                file,
                name: name.to_owned(),
                decl,
                loc: *loc,
            });
        }
        let import = module.imports.get(name)?;
        self.find_export(space, self.target(file, import)?, &import.imported, 0)
    }

    /// The group of routes (`const x = defineHTTPRoutes(…)`) that `local` means in file `file`,
    /// and the file it is declared in: local, or imported by name.
    pub fn route_group_named(&self, file: usize, local: &str) -> Option<(usize, &RouteGroup)> {
        let module = &self.modules[file];
        if let Some(group) = module.route_groups.get(local) {
            return Some((file, group));
        }
        let import = module.imports.get(local)?;
        let target = self.target(file, import)?;
        let exported = self.modules[target].exports.get(&import.imported)?;
        self.modules[target]
            .route_groups
            .get(exported)
            .map(|group| (target, group))
    }

    /// The name of the function `local` means in file `file`: one defined there, or one
    /// imported — by its name, renamed (`export { f as g }`), as a default export, or through
    /// re-exports. `None` when it is not a function the project defines.
    pub fn function_named(&self, file: usize, local: &str) -> Option<String> {
        self.function_in(file, local, true, 0)
    }

    /// `name` is a local name of `file` (`local`), or one of its exports.
    fn function_in(&self, file: usize, name: &str, local: bool, depth: usize) -> Option<String> {
        if depth > 32 {
            return None;
        }
        let module = &self.modules[file];
        let own = if local {
            Some(name)
        } else {
            module.exports.get(name).map(String::as_str)
        };
        if let Some(own) = own {
            if module.functions.iter().any(|f| f.name == own) {
                return Some(own.to_owned());
            }
            if let Some(import) = module.imports.get(own) {
                let target = self.target(file, import)?;
                return self.function_in(target, &import.imported, false, depth + 1);
            }
            if local {
                return None;
            }
        }
        for reexport in &module.reexports {
            let Some((target, imported)) = self.reexported(file, reexport, name) else {
                continue;
            };
            if let Some(found) = self.function_in(target, imported, false, depth + 1) {
                return Some(found);
            }
        }
        None
    }

    /// Where `export … from` in `file` takes `name` from: the module and the name there
    /// (`None` when it does not re-export `name`, or its source is not in the project).
    fn reexported<'r>(
        &self,
        file: usize,
        reexport: &'r ReExport,
        name: &'r str,
    ) -> Option<(usize, &'r str)> {
        let (source, imported) = match reexport {
            ReExport::Named { source, names } => {
                let (_, imported) = names.iter().find(|(exported, _)| exported == name)?;
                (source, imported.as_str())
            }
            ReExport::All { source } => (source, name),
        };
        Some((self.source_file(file, source)?, imported))
    }

    fn target(&self, file: usize, import: &Import) -> Option<usize> {
        self.source_file(file, &import.source)
    }

    /// The project file that `source` (an import's module specifier) in `file` resolves to.
    fn source_file(&self, file: usize, source: &str) -> Option<usize> {
        self.sources.get(&(file, source.to_owned())).copied()
    }

    fn find_export(
        &self,
        space: Space,
        file: usize,
        name: &str,
        depth: usize,
    ) -> Option<Found<'_>> {
        if depth > 32 {
            return None;
        }
        let module = &self.modules[file];
        if let Some(local) = module.exports.get(name) {
            if let Some((decl, loc)) = space.of(module).get(local) {
                return Some(Found {
                    file,
                    name: local.clone(),
                    decl,
                    loc: *loc,
                });
            }
            let import = module.imports.get(local)?;
            return self.find_export(
                space,
                self.target(file, import)?,
                &import.imported,
                depth + 1,
            );
        }
        for reexport in &module.reexports {
            let Some((target, imported)) = self.reexported(file, reexport, name) else {
                continue;
            };
            if let Some(found) = self.find_export(space, target, imported, depth + 1) {
                return Some(found);
            }
        }
        None
    }
}

/// Types and values live in separate namespaces (`type Status` and `const Status`).
#[derive(Clone, Copy)]
enum Space {
    Types,
    Values,
}

impl Space {
    fn of(self, module: &Module) -> &HashMap<String, (Decl, Loc)> {
        match self {
            Space::Types => &module.decls,
            Space::Values => &module.values,
        }
    }
}
