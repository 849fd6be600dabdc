//! The files of a project: the source folders, plus every file they import by a relative
//! path, parsed once; and finding where an imported name is declared.

mod load;
mod lookup;

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::rc::Rc;

use crate::ir::{Decl, Loc, Module};

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
}
