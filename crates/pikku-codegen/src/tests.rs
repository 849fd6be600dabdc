//! A run's folders and warnings, and telling whether a file already holds a text.

use super::*;
use crate::written::file_holds;

fn project(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pikku-codegen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_file_holds_a_text_only_when_every_byte_is_the_same() {
    let root = project("holds");
    let path = root.join("out.json");
    let text = "0123456789".repeat(5000); // several read blocks
    assert!(!file_holds(&path, &text), "no file");
    std::fs::write(&path, &text).unwrap();
    assert!(file_holds(&path, &text));
    assert!(!file_holds(&path, &text[1..]), "shorter");
    let mut changed = text.clone().into_bytes();
    changed[40_000] = b'x';
    assert!(
        !file_holds(&path, std::str::from_utf8(&changed).unwrap()),
        "same length"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn searches_the_root_when_there_is_no_src_and_no_folder_configured() {
    let root = project("root");
    let config = CodegenConfig::default();
    assert_eq!(source_folders(&root, &config).unwrap(), vec![root.clone()]);
    std::fs::create_dir(root.join("src")).unwrap();
    assert_eq!(
        source_folders(&root, &config).unwrap(),
        vec![root.join("src")]
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_missing_configured_folder_is_an_error_naming_it() {
    let root = project("missing");
    std::fs::create_dir(root.join("lib")).unwrap();
    let config = CodegenConfig::parse(
        "pikku.config.json",
        r#"{ "srcDirectories": ["lib", "server"] }"#,
    )
    .unwrap();
    let err = source_folders(&root, &config).unwrap_err();
    assert!(err.starts_with("error[PIKKU_CONFIG]: pikku.config.json: the source folder `server` (in `srcDirectories`) does not exist"), "{err}");
    assert!(!err.contains("`lib`"), "{err}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn no_functions_is_a_warning_naming_the_folders() {
    let root = project("empty");
    std::fs::write(root.join("server.ts"), "export const x = 1\n").unwrap();
    std::fs::create_dir(root.join("node_modules")).unwrap();
    std::fs::write(root.join("node_modules/dep.ts"), "export const y = 2\n").unwrap();
    let summary = generate(&root).unwrap();
    assert_eq!(summary.files_read, 1, "node_modules is skipped");
    assert_eq!(summary.functions, 0);
    let warning = summary.warnings.join("\n");
    assert!(
        warning.starts_with(&format!(
            "warning[PIKKU_NO_FUNCTIONS]: no functions found in the project root {} (1 file read;",
            root.display()
        )),
        "{warning}"
    );
    assert!(
        warning.contains("`pikkuFunc`, `pikkuSessionlessFunc` or `APIFunction`"),
        "{warning}"
    );
    assert!(warning.contains("`addRoute` / `wireHTTP`"), "{warning}");
    assert!(warning.contains("`srcDirectories`"), "{warning}");
    std::fs::remove_dir_all(&root).unwrap();
}
