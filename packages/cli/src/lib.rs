//! The `pikku` command's addon: the code generator (oxc, schemas, clients, OpenAPI), bound for
//! Node.js. It is a development-time package of its own, so that a server's install carries
//! only the runtime engine.

use napi::{Error, Result};
use napi_derive::napi;

// Parsing and building schemas allocate many small values; mimalloc is faster at that and
// gives memory back to the system sooner than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs the `pikku` code generator in the project folder `root` (its `pikku.config.json`).
/// Returns a one-line summary, after the warnings if any (blocks starting `warning[`, each
/// ending with an empty line); throws with every diagnostic, rendered like a compiler's.
#[napi]
pub fn generate(root: String) -> Result<String> {
    let started = std::time::Instant::now();
    let summary =
        pikku_codegen::generate(std::path::Path::new(&root)).map_err(Error::from_reason)?;
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
    Ok(format!(
        "{warnings}pikku: {}, {}, {}{channels} in {} ms; {wrote}",
        count(summary.files_read, "file"),
        count(summary.functions, "function"),
        count(summary.routes, "route"),
        started.elapsed().as_millis()
    ))
}
