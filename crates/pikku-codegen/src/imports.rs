//! Which file an import names: relative paths (`./todo.js` → `todo.ts`, `./models` →
//! `models/index.ts`) and the `paths` aliases of the project's `tsconfig.json`
//! (`"@/*": ["./src/*"]`). Package imports (`'@pikku/native'`) name no project file.

use std::path::{Path, PathBuf};

/// Resolves import specifiers to project files.
#[derive(Debug, Default)]
pub struct ImportResolver {
    /// (pattern prefix, pattern suffix after `*` if any, target patterns), from `paths`.
    aliases: Vec<(String, Option<String>, Vec<String>)>,
    /// The folder `paths` targets are relative to (`baseUrl`, else the tsconfig's folder).
    base: PathBuf,
}

impl ImportResolver {
    /// Reads `compilerOptions.paths` / `baseUrl` of the tsconfig file `file` (in the
    /// project, `tsconfig.json` unless pikku.config.json names another), if there is one.
    pub fn from_tsconfig(file: &Path) -> ImportResolver {
        let root = file.parent().unwrap_or(Path::new("."));
        let mut resolver = ImportResolver {
            aliases: Vec::new(),
            base: root.to_owned(),
        };
        let Ok(text) = std::fs::read_to_string(file) else {
            return resolver;
        };
        let Ok(config) = serde_json::from_str::<serde_json::Value>(&strip_jsonc(&text)) else {
            return resolver;
        };
        let options = &config["compilerOptions"];
        if let Some(base_url) = options["baseUrl"].as_str() {
            resolver.base = root.join(base_url);
        }
        if let Some(paths) = options["paths"].as_object() {
            for (pattern, targets) in paths {
                let targets: Vec<String> = targets
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect();
                match pattern.split_once('*') {
                    Some((prefix, suffix)) => {
                        resolver
                            .aliases
                            .push((prefix.to_owned(), Some(suffix.to_owned()), targets))
                    }
                    None => resolver.aliases.push((pattern.clone(), None, targets)),
                }
            }
        }
        resolver
    }

    /// The file that `source`, imported from `from`, names.
    pub fn resolve(&self, from: &Path, source: &str) -> Option<PathBuf> {
        if source.starts_with('.') {
            return find_module(&from.parent()?.join(source));
        }
        for (prefix, suffix, targets) in &self.aliases {
            let matched = match suffix {
                Some(suffix) => source
                    .strip_prefix(prefix.as_str())
                    .and_then(|rest| rest.strip_suffix(suffix.as_str())),
                None => (source == prefix).then_some(""),
            };
            let Some(star) = matched else { continue };
            for target in targets {
                if let Some(found) = find_module(&self.base.join(target.replacen('*', star, 1))) {
                    return Some(found);
                }
            }
        }
        None
    }
}

/// `base` as a module: with `.ts`/`.tsx` (in place of a written `.js`), or a folder's index.
fn find_module(base: &Path) -> Option<PathBuf> {
    let text = base.to_string_lossy();
    let stem = [".js", ".ts", ".tsx", ".mjs"]
        .iter()
        .find_map(|ext| text.strip_suffix(ext))
        .unwrap_or(&text)
        .to_owned();
    let candidates = [
        format!("{stem}.ts"),
        format!("{stem}.tsx"),
        format!("{stem}/index.ts"),
        format!("{stem}/index.tsx"),
        format!("{stem}.d.ts"),
    ];
    candidates
        .into_iter()
        .map(PathBuf::from)
        .find(|c| c.is_file())
        .map(|c| normalize(&c))
}

/// Resolves `.` and `..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// tsconfig files allow comments and trailing commas; JSON does not.
fn strip_jsonc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for next in chars.by_ref() {
                    if next == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for next in chars.by_ref() {
                    if last == '*' && next == '/' {
                        break;
                    }
                    last = next;
                }
            }
            _ => out.push(c),
        }
    }
    // Trailing commas: `,` followed by whitespace and a closing bracket.
    let mut cleaned = String::with_capacity(out.len());
    let chars: Vec<char> = out.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == ',' {
            let next = chars[i + 1..].iter().find(|n| !n.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        cleaned.push(*c);
    }
    cleaned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_comments_and_trailing_commas() {
        let text = "{\n  // a comment\n  \"a\": \"http://x\", /* block */ \"b\": [1, 2,],\n}";
        let value: serde_json::Value = serde_json::from_str(&strip_jsonc(text)).unwrap();
        assert_eq!(value, serde_json::json!({"a": "http://x", "b": [1, 2]}));
    }
}
