//! Loading a project: walking the source folders, following relative imports, and parsing
//! each file (or taking it from the last run's cache).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::{ParseCache, Project, SourceFile};
use crate::diagnostics::Diagnostic;
use crate::imports::{normalize, ImportResolver};
use crate::ir::ReExport;
use crate::parse::parse_module;

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
