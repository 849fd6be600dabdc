//! Errors the way a compiler reports them: a code, file:line:column, the message, a code
//! frame and a hint — all of them collected, then reported in one run.

use std::fmt::Write;

use crate::ir::Loc;

/// One problem found in the user's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub loc: Loc,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(code: &'static str, loc: Loc, message: impl Into<String>) -> Self {
        Self {
            code,
            loc,
            message: message.into(),
            hint: None,
        }
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
        let _ = writeln!(out, "error[{}]: {}", d.code, d.message);
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
    let count = diagnostics.len();
    let _ = write!(
        out,
        "{count} error{} found; nothing was written",
        if count == 1 { "" } else { "s" }
    );
    out
}
