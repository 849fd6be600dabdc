//! The `pikku` command's addon: the code generator (oxc, schemas, clients, OpenAPI), bound for
//! Node.js. It is a development-time package of its own, so that a server's install carries
//! only the runtime engine.

use napi::{Error, Result};
use napi_derive::napi;

/// The `pikku` code generator for the project folder `root` (its `pikku.config.json`).
/// `pikku --watch` keeps one and runs it after every change: a run parses only the files
/// that changed and inspects again only the functions they may affect.
#[napi]
pub struct Generator {
    inner: pikku_codegen::Generator,
}

#[napi]
impl Generator {
    #[napi(constructor)]
    pub fn new(root: String) -> Self {
        Generator {
            inner: pikku_codegen::Generator::new(std::path::Path::new(&root)),
        }
    }

    /// Runs the generator. Returns a one-line summary, after the warnings if any (blocks
    /// starting `warning[`, each ending with an empty line); throws with every diagnostic,
    /// rendered like a compiler's.
    #[napi]
    pub fn run(&mut self) -> Result<String> {
        let started = std::time::Instant::now();
        let summary = self.inner.run().map_err(Error::from_reason)?;
        Ok(summary_line(&summary, started.elapsed()))
    }
}

/// `pikku: 3 files, 4 functions, 4 routes in 12 ms; wrote …`, after the warnings.
fn summary_line(summary: &pikku_codegen::Summary, took: std::time::Duration) -> String {
    let wrote = if summary.written.is_empty() {
        "output up to date".to_owned()
    } else {
        format!("wrote {}", summary.written.join(", "))
    };
    let count = |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
    let channels = match summary.channels {
        0 => String::new(),
        n => format!(", {}", count(n, "channel")),
    };
    let warnings: String = (summary.warnings.iter())
        .map(|w| format!("{w}\n\n"))
        .collect();
    format!(
        "{warnings}pikku: {}, {}, {}{channels} in {} ms; {wrote}",
        count(summary.files_read, "file"),
        count(summary.functions, "function"),
        count(summary.routes, "route"),
        took.as_millis()
    )
}
