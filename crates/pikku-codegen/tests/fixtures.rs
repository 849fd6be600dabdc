//! Compiler-style snapshot tests: each folder under `tests/fixtures/` is a small project; its
//! metadata is compared with `expected.json` (and its warnings, if any, with
//! `expected-warnings.txt`), or its diagnostics with `expected.txt`.
//! `PIKKU_UPDATE_SNAPSHOTS=1 cargo test -p pikku-codegen` rewrites them.

use std::path::{Path, PathBuf};

use pikku_codegen::{fetch_client, inspect_project, metadata_text, CodegenConfig};
use pikku_engine::shared_defs::with_shared_defs;

fn check(dir: &Path) -> Result<(), String> {
    let config = CodegenConfig {
        src_directories: vec![PathBuf::from(".")],
        ..Default::default()
    };
    let (name, actual) = match inspect_project(dir, &config) {
        Ok(inspection) => {
            let metadata = inspection.metadata;
            let file = metadata.to_file();
            check_warnings(dir, &inspection.warnings)?;
            // Every schema written must compile in the runtime engine, with the shared
            // definitions it refers to.
            for (name, schema) in &file.schemas {
                let schema = with_shared_defs(schema, &file.defs);
                pikku_engine::check_schema(&schema).map_err(|err| {
                    format!(
                        "{}: the generated schema `{name}` does not compile: {err}",
                        dir.display()
                    )
                })?;
            }
            compare(dir, "expected-client.gen.ts", &fetch_client(&metadata))?;
            let text = metadata_text(&metadata).unwrap();
            // The text is the metadata: nothing left out, nothing added.
            let read: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                read,
                serde_json::to_value(&file).unwrap(),
                "{}",
                dir.display()
            );
            ("expected.json", text)
        }
        Err(diagnostics) => ("expected.txt", diagnostics + "\n"),
    };
    let path = dir.join(name);
    if std::env::var_os("PIKKU_UPDATE_SNAPSHOTS").is_some() {
        for stale in ["expected.json", "expected.txt"] {
            let _ = std::fs::remove_file(dir.join(stale));
        }
        std::fs::write(&path, &actual).unwrap();
        return Ok(());
    }
    match std::fs::read_to_string(&path) {
        Ok(expected) if expected == actual => Ok(()),
        Ok(expected) => Err(format!(
            "{}: output differs from {name}\n--- expected\n{expected}\n--- actual\n{actual}",
            dir.display()
        )),
        Err(_) => Err(format!(
            "{}: produced {name}, which is not the expected kind of output:\n{actual}",
            dir.display()
        )),
    }
}

/// Compares the warnings of a run that succeeded with `expected-warnings.txt`, which is
/// there only when there are warnings.
fn check_warnings(dir: &Path, warnings: &str) -> Result<(), String> {
    const NAME: &str = "expected-warnings.txt";
    if !warnings.is_empty() {
        return compare(dir, NAME, &format!("{warnings}\n"));
    }
    if !dir.join(NAME).exists() {
        return Ok(());
    }
    if std::env::var_os("PIKKU_UPDATE_SNAPSHOTS").is_some() {
        let _ = std::fs::remove_file(dir.join(NAME));
        return Ok(());
    }
    Err(format!(
        "{}: {NAME} is there but the run gave no warning",
        dir.display()
    ))
}

/// Compares (or, when updating, writes) one more output of a fixture.
fn compare(dir: &Path, name: &str, actual: &str) -> Result<(), String> {
    let path = dir.join(name);
    if std::env::var_os("PIKKU_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return Ok(());
    }
    match std::fs::read_to_string(&path) {
        Ok(expected) if expected == actual => Ok(()),
        _ => Err(format!(
            "{}: {name} differs\n--- actual\n{actual}",
            dir.display()
        )),
    }
}

#[test]
fn fixtures_match_their_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let failures: Vec<String> = dirs.iter().filter_map(|d| check(d).err()).collect();
    assert!(failures.is_empty(), "{}\n\nrun `PIKKU_UPDATE_SNAPSHOTS=1 cargo test -p pikku-codegen` after checking the differences", failures.join("\n\n"));
}
