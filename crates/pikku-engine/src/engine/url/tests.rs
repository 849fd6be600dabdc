//! Splitting URLs and normalizing paths.

use super::*;

#[test]
fn url_splits_into_path_and_query_without_fragment() {
    assert_eq!(split_url("/todos"), ("/todos", ""));
    assert_eq!(split_url("/todos?a=1&b=2"), ("/todos", "a=1&b=2"));
    assert_eq!(split_url("/todos?a=1#top"), ("/todos", "a=1"));
    assert_eq!(split_url("/todos#top?a=1"), ("/todos", ""));
    assert_eq!(split_url("/todos?"), ("/todos", ""));
    assert_eq!(split_url("/é?q=ü"), ("/é", "q=ü"));
}

#[test]
fn paths_are_normalized_only_when_needed() {
    assert!(matches!(
        normalize_path("/todos/42"),
        std::borrow::Cow::Borrowed("/todos/42")
    ));
    assert_eq!(normalize_path("/a/./b/../c"), "/a/c");
    assert_eq!(normalize_path("/a/%2E%2e/b"), "/b");
    assert_eq!(normalize_path("/file.txt"), "/file.txt");
    assert_eq!(normalize_path("http://host/x/../y"), "/y");
    assert_eq!(normalize_path("todos"), "todos");
}
