//! Errors the way a compiler reports them: a code, file:line:column, the message, a code
//! frame, notes (where else the problem is felt: the function whose input uses a broken type)
//! and a hint — all of them collected, then reported in one run.

use std::fmt::Write;

use crate::ir::Loc;
use crate::project::SourceFile;

/// How bad a problem is: an error stops the run (nothing is written), a warning is printed
/// and the run goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the user's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub loc: Loc,
    pub message: String,
    pub hint: Option<String>,
    /// Other places involved, e.g. `used by the input of function `getTodo` at src/todos.ts:12:14`.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error.
    pub fn new(code: &'static str, loc: Loc, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            loc,
            message: message.into(),
            hint: None,
            notes: Vec::new(),
        }
    }

    /// A warning: reported, but the run still writes its output.
    pub fn warning(code: &'static str, loc: Loc, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::new(code, loc, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
        self
    }

    /// Adds `used by <what> at <file:line:column>` unless the problem is on that very line
    /// (an inline type: the code frame already shows the use).
    pub fn used_by(self, what: &str, at: Loc, files: &[SourceFile]) -> Self {
        let position = |loc: Loc| {
            files
                .get(loc.file)
                .map(|f| (f.display.as_str(), line_col(&f.text, loc.offset)))
        };
        let Some((path, (line, column))) = position(at) else {
            return self;
        };
        if self.loc.file == at.file && position(self.loc).is_some_and(|(_, (l, _))| l == line) {
            return self;
        }
        self.with_note(format!("used by {what} at {path}:{line}:{column}"))
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: u32) -> (usize, usize) {
    let before = &text[..(offset as usize).min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// One diagnostic per problem: the same error reached from several functions (a shared type)
/// is reported once, with a note for each use.
pub fn merge_duplicates(diagnostics: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut merged: Vec<Diagnostic> = Vec::new();
    for d in diagnostics {
        match merged
            .iter_mut()
            .find(|m| m.code == d.code && m.loc == d.loc && m.message == d.message)
        {
            Some(existing) => {
                for note in &d.notes {
                    if !existing.notes.contains(note) {
                        existing.notes.push(note.clone());
                    }
                }
            }
            None => merged.push(d.clone()),
        }
    }
    merged
}

/// Renders diagnostics against their files (`files[i]` = (display path, text)).
pub fn render(diagnostics: &[Diagnostic], files: &[(String, String)]) -> String {
    let diagnostics = merge_duplicates(diagnostics);
    let mut out = String::new();
    for d in &diagnostics {
        let (path, text) = files
            .get(d.loc.file)
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .unwrap_or(("?", ""));
        let (line, column) = line_col(text, d.loc.offset);
        let kind = if d.is_error() { "error" } else { "warning" };
        let _ = writeln!(out, "{kind}[{}]: {}", d.code, d.message);
        let _ = writeln!(out, "   --> {path}:{line}:{column}");
        if let Some(source_line) = text.lines().nth(line - 1) {
            let _ = writeln!(
                out,
                "    |\n{line:>3} | {source_line}\n    | {}^",
                " ".repeat(column - 1)
            );
        }
        for note in &d.notes {
            let _ = writeln!(out, "    = note: {note}");
        }
        if let Some(hint) = &d.hint {
            let _ = writeln!(out, "    = help: {hint}");
        }
        out.push('\n');
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let count = |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
    let _ = match (errors, warnings) {
        (0, _) => write!(out, "{}", count(warnings, "warning")),
        (_, 0) => write!(out, "{} found; nothing was written", count(errors, "error")),
        _ => write!(
            out,
            "{} and {} found; nothing was written",
            count(errors, "error"),
            count(warnings, "warning")
        ),
    };
    out
}

/// Sorts diagnostics by place (stable: the order they were found in at one place) and drops
/// repeats (a declaration expanded for several uses reports its problems once).
pub fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by_key(|d| (d.loc.file, d.loc.offset));
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    for d in diagnostics.drain(..) {
        let same_place = kept
            .iter()
            .rev()
            .take_while(|k| k.loc == d.loc)
            .any(|k| *k == d);
        if !same_place {
            kept.push(d);
        }
    }
    *diagnostics = kept;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(display: &str, text: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from(display),
            display: display.into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_problem_in_a_type_names_the_function_that_uses_it() {
        let files = [
            file("src/models.ts", "type T = {\n  a: X extends Y ? 1 : 2\n}\n"),
            file("src/todos.ts", "import type { T } from './models.js'\n\nexport const getTodo = pikkuFunc<T, void>(f)\n"),
        ];
        let problem = Diagnostic::new(
            "PIKKU_TYPE_UNSUPPORTED",
            Loc {
                file: 0,
                offset: 16,
            },
            "cannot",
        );
        let use_site = Loc {
            file: 1,
            offset: 51,
        };
        let first = problem
            .clone()
            .used_by("the input of function `getTodo`", use_site, &files);
        assert_eq!(
            first.notes,
            ["used by the input of function `getTodo` at src/todos.ts:3:14"]
        );
        let second = problem.used_by(
            "the output of function `listTodos`",
            Loc { file: 1, offset: 0 },
            &files,
        );
        let texts: Vec<(String, String)> = files
            .iter()
            .map(|f| (f.display.clone(), f.text.to_string()))
            .collect();
        let out = render(&[first, second], &texts);
        assert_eq!(
            out.matches("error[PIKKU_TYPE_UNSUPPORTED]").count(),
            1,
            "{out}"
        );
        assert!(out.contains("   --> src/models.ts:2:6\n"), "{out}");
        assert!(out.contains("    = note: used by the input of function `getTodo` at src/todos.ts:3:14\n    = note: used by the output of function `listTodos` at src/todos.ts:1:1\n"), "{out}");
        assert!(out.ends_with("1 error found; nothing was written"), "{out}");
    }

    #[test]
    fn no_note_when_the_problem_is_on_the_using_line() {
        let files = [file(
            "a.ts",
            "export const f = pikkuFunc<{ a: () => void }, void>(g)\n",
        )];
        let problem = Diagnostic::new(
            "PIKKU_TYPE_UNSUPPORTED",
            Loc {
                file: 0,
                offset: 32,
            },
            "cannot",
        );
        let problem = problem.used_by(
            "the input of function `f`",
            Loc {
                file: 0,
                offset: 13,
            },
            &files,
        );
        assert!(problem.notes.is_empty());
    }
}
