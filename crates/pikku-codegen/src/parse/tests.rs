//! The name a default-exported function gets from its file.

use super::functions::default_function_name;

#[test]
fn names_a_default_export_after_its_file() {
    assert_eq!(
        default_function_name("src/functions/get-note.ts"),
        "getNote"
    );
    assert_eq!(default_function_name("src/notes/index.ts"), "notes");
    assert_eq!(default_function_name("list_todos.tsx"), "list_todos");
    assert_eq!(default_function_name("2fa.ts"), "_2fa");
}
