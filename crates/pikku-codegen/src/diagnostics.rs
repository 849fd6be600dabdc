//! Errors the way a compiler reports them: a code, file:line:column, the message, a code
//! frame and a hint — all of them collected, then reported in one run.

use std::fmt::Write;

use crate::ir::Loc;

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

/// Renders diagnostics against their files (`files[i]` = (display path, text)).
pub fn render(diagnostics: &[Diagnostic], files: &[(String, String)]) -> String {
    let mut out = String::new();
    for d in diagnostics {
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
