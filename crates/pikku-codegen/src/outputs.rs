//! The files a run writes: the metadata, the function links, the fetch client and the OpenAPI
//! document.

use std::path::Path;

use crate::written::write_if_changed;
use crate::{
    app_config, client, links, metadata_text, openapi, Caches, CodegenConfig, Inspection, Summary,
    METADATA_FILE,
};

pub(crate) fn write_outputs(
    root: &Path,
    config: &CodegenConfig,
    inspection: &Inspection,
    mut warnings: Vec<String>,
    caches: &mut Caches,
) -> Result<Summary, String> {
    let metadata = &inspection.metadata;
    let out_dir = root.join(&config.out_dir);
    std::fs::create_dir_all(&out_dir).map_err(|err| {
        format!(
            "error[PIKKU_WRITE]: cannot create {}: {err}",
            out_dir.display()
        )
    })?;
    let mut written = Vec::new();
    let client_path = match &config.client_file {
        Some(file) => root.join(file),
        None => out_dir.join(client::CLIENT_FILE),
    };
    if let Some(parent) = client_path.parent() {
        std::fs::create_dir_all(parent).map_err(|err| {
            format!(
                "error[PIKKU_WRITE]: cannot create {}: {err}",
                parent.display()
            )
        })?;
    }
    let text = metadata_text(metadata).map_err(|err| err.to_string())?;
    write_if_changed(
        root,
        &out_dir.join(METADATA_FILE),
        text,
        &mut written,
        &mut caches.written,
    )?;
    let links_text =
        links::links_module(&inspection.links, &out_dir, links::wants_js_extension(root));
    write_if_changed(
        root,
        &out_dir.join(links::LINKS_FILE),
        links_text,
        &mut written,
        &mut caches.written,
    )?;
    let client_text =
        client::fetch_client_with(metadata, &mut caches.type_texts, &inspection.changes);
    write_if_changed(
        root,
        &client_path,
        client_text,
        &mut written,
        &mut caches.written,
    )?;
    if let Some(openapi) = &config.openapi {
        let path = if openapi.relative_to_project {
            root.join(&openapi.output_file)
        } else {
            out_dir.join(&openapi.output_file)
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|err| {
                format!(
                    "error[PIKKU_WRITE]: cannot create {}: {err}",
                    parent.display()
                )
            })?;
        }
        // The security schemes are the session sources of the app's `createApp` call(s).
        let files = (inspection.project.files.iter()).map(|f| (f.display.as_str(), &*f.text));
        let sessions = app_config::session_sources(files);
        warnings.extend(sessions.warnings);
        let document = openapi::openapi_document(metadata, &openapi.info, &sessions.sources);
        let text = serde_json::to_string_pretty(&document).map_err(|err| err.to_string())? + "\n";
        write_if_changed(root, &path, text, &mut written, &mut caches.written)?;
    }
    Ok(Summary {
        files_read: inspection.files_read,
        functions: metadata.functions.len(),
        routes: metadata.http.len(),
        channels: metadata.channels.len(),
        written,
        warnings,
        parsed: inspection.project.parsed.len(),
        inspected: inspection.changes.functions,
    })
}
