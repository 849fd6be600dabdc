//! The files of a project: the source folders, plus every file they import by a relative
//! path, parsed once; and finding where an imported name is declared.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::diagnostics::Diagnostic;
use crate::imports::{normalize, ImportResolver};
use crate::ir::{Decl, Import, Loc, Module, ReExport};
use crate::parse::parse_module;

/// One source file.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The path shown in messages (relative to the project root).
    pub display: String,
    /// Shared with the parse cache.
    pub text: Rc<str>,
}

/// Files parsed by an earlier run (`pikku --watch`): a file whose text and place in the
/// project are unchanged is not parsed again. Where imports led is kept too, while the files
/// found and the tsconfig's aliases stay the same (resolving asks the file system).
#[derive(Debug, Default)]
pub struct ParseCache {
    modules: HashMap<PathBuf, (usize, Rc<str>, Rc<Module>)>,
    resolved: HashMap<(PathBuf, String), PathBuf>,
    /// The files found and the resolver, as `resolved` was made among them.
    among: String,
}

/// Every parsed file, by index.
#[derive(Debug, Default)]
pub struct Project {
    pub files: Vec<SourceFile>,
    pub modules: Vec<Rc<Module>>,
    /// The files parsed in this run rather than taken from the cache.
    pub parsed: BTreeSet<usize>,
    by_path: HashMap<PathBuf, usize>,
    /// (file, import source) → the project file it resolves to; resolved once, at load
    /// (resolving touches the file system).
    sources: HashMap<(usize, String), usize>,
}

/// A declaration found by name: the file it is in, the declaration and where.
pub struct Found<'p> {
    pub file: usize,
    pub name: String,
    pub decl: &'p Decl,
    pub loc: Loc,
}

impl Project {
    /// Reads the `.ts`/`.tsx` files under `dirs` (and what they import relatively), except in
    /// the folders `skip` (the output folder), `node_modules`, `dist`, and dot-folders
    /// (`.next`, `.git`); import aliases come from the `paths` of `tsconfig`.
    pub fn load(
        root: &Path,
        dirs: &[PathBuf],
        skip: &[PathBuf],
        tsconfig: &Path,
        cache: &mut ParseCache,
    ) -> Result<Project, Vec<Diagnostic>> {
        let resolver = ImportResolver::from_tsconfig(tsconfig);
        let mut project = Project::default();
        let mut queue = Vec::new();
        let skip: Vec<PathBuf> = skip.iter().map(|dir| normalize(dir)).collect();
        for dir in dirs {
            collect_files(dir, &skip, &mut queue);
        }
        queue.sort();
        // Files the walk just found need no second look at the file system.
        let found: std::collections::HashSet<PathBuf> = queue.iter().cloned().collect();
        let among = format!("{queue:?} {resolver:?}");
        if among != cache.among {
            cache.resolved.clear();
            cache.among = among;
        }
        let mut diagnostics = Vec::new();
        let mut links = Vec::new();
        let mut fresh = HashMap::new();
        while let Some(path) = queue.pop() {
            if project.by_path.contains_key(&path) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let text: Rc<str> = Rc::from(text);
            let index = project.files.len();
            let display = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let cached = (cache.modules.get(&path))
                .filter(|(at, known, _)| *at == index && *known == text)
                .map(|(_, _, module)| Ok(module.clone()));
            let parsed = cached.unwrap_or_else(|| {
                project.parsed.insert(index);
                parse_module(index, &display, &text).map(Rc::new)
            });
            match parsed {
                Ok(module) => {
                    for source in module
                        .imports
                        .values()
                        .map(|i| &i.source)
                        .chain(module.reexports.iter().map(reexport_source))
                    {
                        // A target kept from the last run is used while it is still a file;
                        // an import that led nowhere is resolved again (the file may be new).
                        let key = (path.clone(), source.clone());
                        let target = match cache.resolved.get(&key) {
                            Some(target) if found.contains(target) || target.is_file() => {
                                Some(target.clone())
                            }
                            _ => resolver.resolve(&path, source),
                        };
                        match &target {
                            Some(target) => cache.resolved.insert(key, target.clone()),
                            None => cache.resolved.remove(&key),
                        };
                        if let Some(target) = target {
                            links.push((index, source.clone(), target.clone()));
                            queue.push(target);
                        }
                    }
                    fresh.insert(path.clone(), (index, text.clone(), module.clone()));
                    project.modules.push(module);
                }
                Err(errors) => {
                    diagnostics.extend(errors);
                    project.modules.push(Rc::default());
                }
            }
            project.by_path.insert(path.clone(), index);
            project.files.push(SourceFile {
                path,
                display,
                text,
            });
        }
        cache.modules = fresh;
        for (file, source, target) in links {
            if let Some(&target) = project.by_path.get(&target) {
                project.sources.insert((file, source), target);
            }
        }
        if diagnostics.is_empty() {
            Ok(project)
        } else {
            Err(diagnostics)
        }
    }

    /// Where each file's imports lead: (file, module specifier) → file.
    pub fn import_edges(&self) -> &HashMap<(usize, String), usize> {
        &self.sources
    }

    /// The files whose meaning may change with `changed`: those, and every file that imports
    /// one of them, directly or through others (a name is only ever found through imports).
    pub fn importers_of(&self, changed: &BTreeSet<usize>) -> BTreeSet<usize> {
        let mut importers: HashMap<usize, Vec<usize>> = HashMap::new();
        for ((file, _), target) in &self.sources {
            importers.entry(*target).or_default().push(*file);
        }
        let mut reached = changed.clone();
        let mut pending: Vec<usize> = changed.iter().copied().collect();
        while let Some(file) = pending.pop() {
            for importer in importers.get(&file).into_iter().flatten() {
                if reached.insert(*importer) {
                    pending.push(*importer);
                }
            }
        }
        reached
    }

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

fn reexport_source(reexport: &ReExport) -> &String {
    match reexport {
        ReExport::All { source } | ReExport::Named { source, .. } => source,
    }
}

fn collect_files(dir: &Path, skip: &[PathBuf], out: &mut Vec<PathBuf>) {
    if skip.contains(&normalize(dir)) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !name.starts_with('.') && name != "node_modules" && name != "dist" {
                collect_files(&path, skip, out);
            }
        } else if (name.ends_with(".ts") || name.ends_with(".tsx"))
            && !name.ends_with(".d.ts")
            && !name.ends_with(".gen.ts")
        {
            // `.gen.ts` files are generated outputs, not sources.
            out.push(normalize(&path));
        }
    }
}
