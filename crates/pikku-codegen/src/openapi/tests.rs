//! The document built from a small metadata file: paths, components and security.

use serde_json::{json, Value};

use super::*;

fn todo(done: &str) -> Value {
    json!({ "type": "object", "properties": { "id": { "type": "integer" }, done: { "type": "boolean" } } })
}

fn document() -> Value {
    document_with(&[SessionSource::Bearer])
}

fn document_with(sources: &[SessionSource]) -> Value {
    let metadata = json!({
        "version": 1,
        "functions": {
            "getTodo": { "inputSchema": "GetTodoInput", "outputSchema": "GetTodoOutput", "sessionless": true },
            "updateTodo": { "inputSchema": "UpdateTodoInput", "outputSchema": "GetTodoOutput", "sessionless": false },
            "createTodo": { "inputSchema": "CreateTodoInput", "sessionless": false } },
        "http": [
            { "method": "get", "route": "/todos/:id", "function": "getTodo", "auth": false },
            { "method": "get", "route": "/files/*path", "function": "getTodo", "auth": false },
            { "method": "patch", "route": "/todos/:id", "function": "updateTodo" },
            { "method": "post", "route": "/todos", "function": "createTodo" } ],
        "schemas": {
            "GetTodoInput": { "type": "object", "additionalProperties": false, "required": ["id"],
                "properties": { "id": { "type": "integer" }, "path": { "type": "string" }, "verbose": { "type": "boolean" } } },
            "GetTodoOutput": { "$defs": { "Todo": todo("done"), "GetTodoInput": { "type": "string" } },
                "$ref": "#/$defs/Todo", "properties": { "alias": { "$ref": "#/$defs/GetTodoInput" } } },
            "UpdateTodoInput": { "$ref": "#/$defs/Patch", "$defs": { "Todo": todo("finished"),
                "Patch": { "type": "object", "additionalProperties": false, "required": ["id", "title"],
                    "properties": { "id": { "type": "integer" }, "title": { "type": "string" }, "todo": { "$ref": "#/$defs/Todo" } } } } },
            "CreateTodoInput": { "$defs": { "Todo": todo("done") }, "$ref": "#/$defs/Todo" } } });
    let info = OpenApiInfo {
        title: "T".into(),
        version: "1".into(),
        description: None,
    };
    let metadata: pikku_engine::MetadataFile = serde_json::from_value(metadata).unwrap();
    openapi_document(&metadata.into(), &info, sources)
}

/// Each key is a JSON pointer into the document; `null` means absent.
fn check(doc: &Value, facts: Value) {
    for (pointer, expected) in facts.as_object().unwrap() {
        let actual = doc.pointer(pointer).cloned().unwrap_or(Value::Null);
        assert_eq!(actual, *expected, "{pointer}");
    }
}

#[test]
fn converts_route_params() {
    assert_eq!(openapi_path("/a/:id/b/*rest"), "/a/{id}/b/{rest}");
    assert_eq!(openapi_path("/"), "/");
}

#[test]
fn splits_path_query_and_body() {
    check(
        &document(),
        json!({
            "/paths/~1todos~1{id}/get/operationId": "getTodo_get_todos_id",
            "/paths/~1files~1{path}/get/operationId": "getTodo_get_files_path",
            "/paths/~1todos~1{id}/get/parameters/0": { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } },
            "/paths/~1todos~1{id}/get/parameters/2": { "name": "verbose", "in": "query", "required": false, "schema": { "type": "boolean" } },
            "/paths/~1todos~1{id}/get/requestBody": null,
            "/paths/~1todos~1{id}/get/responses/200/content/application~1json/schema/$ref": "#/components/schemas/GetTodoOutput",
            "/paths/~1todos~1{id}/get/security": [],
            "/paths/~1todos~1{id}/patch/parameters/0/name": "id",
            "/paths/~1todos~1{id}/patch/parameters/1": null,
            "/paths/~1todos~1{id}/patch/requestBody/content/application~1json/schema/required": ["title"],
            "/paths/~1todos~1{id}/patch/requestBody/content/application~1json/schema/additionalProperties": false,
            "/paths/~1todos~1{id}/patch/requestBody/content/application~1json/schema/properties/id": null,
            "/paths/~1todos~1{id}/patch/responses/422/$ref": "#/components/responses/UnprocessableContent",
            "/paths/~1todos~1{id}/patch/security/0": { "bearerAuth": [] },
            "/paths/~1todos/post/requestBody/content/application~1json/schema/$ref": "#/components/schemas/CreateTodoInput",
            "/paths/~1todos/post/responses/200": null,
            "/paths/~1todos/post/responses/204/description": "Success, no content",
        }),
    );
}

#[test]
fn hoists_defs_and_renames_collisions() {
    let doc = document();
    // The same `Todo` in two schemas is one component, a different `Todo` is `Todo_2`; a
    // `$defs` entry named like a metadata schema is renamed too. Refs follow the names.
    check(
        &doc,
        json!({
            "/components/schemas/Todo": todo("done"),
            "/components/schemas/Todo_2": todo("finished"),
            "/components/schemas/Todo_3": null,
            "/components/schemas/CreateTodoInput/$ref": "#/components/schemas/Todo",
            "/components/schemas/Patch/properties/todo/$ref": "#/components/schemas/Todo_2",
            "/components/schemas/GetTodoInput_2": { "type": "string" },
            "/components/schemas/GetTodoOutput/properties/alias/$ref": "#/components/schemas/GetTodoInput_2",
        }),
    );
    assert!(!serde_json::to_string(&doc).unwrap().contains("$defs"));
}

#[test]
fn lists_the_app_session_sources_as_schemes() {
    use SessionSource::*;
    let sources = [
        Bearer,
        Cookie("sid".into()),
        ApiKeyHeader("x-key".into()),
        ApiKeyQuery("token".into()),
    ];
    let any = json!([{ "bearerAuth": [] }, { "cookieAuth": [] }, { "apiKeyAuth": [] }, { "apiKeyQueryAuth": [] }]);
    check(
        &document_with(&sources),
        json!({
            "/components/securitySchemes": {
                "bearerAuth": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" },
                "cookieAuth": { "type": "apiKey", "in": "cookie", "name": "sid" },
                "apiKeyAuth": { "type": "apiKey", "in": "header", "name": "x-key" },
                "apiKeyQueryAuth": { "type": "apiKey", "in": "query", "name": "token" } },
            "/paths/~1todos/post/security": any,
            "/paths/~1todos~1{id}/patch/security": any,
            "/paths/~1todos~1{id}/get/security": [],
        }),
    );
    // Only what the app configures; two apps with two cookie names, two schemes.
    check(
        &document_with(&[Cookie("a".into()), Cookie("b".into())]),
        json!({
            "/components/securitySchemes": {
                "cookieAuth": { "type": "apiKey", "in": "cookie", "name": "a" },
                "cookieAuth2": { "type": "apiKey", "in": "cookie", "name": "b" } },
            "/paths/~1todos/post/security": [{ "cookieAuth": [] }, { "cookieAuth2": [] }],
        }),
    );
}

#[test]
fn without_session_sources_lists_no_schemes_and_no_security() {
    let doc = document_with(&[]);
    check(
        &doc,
        json!({
            "/components/securitySchemes": null,
            "/paths/~1todos/post/security": null,
            "/paths/~1todos~1{id}/get/security": null,
            // The engine still answers 401 without a session.
            "/paths/~1todos/post/responses/401/$ref": "#/components/responses/Unauthorized",
        }),
    );
}

#[test]
fn is_deterministic() {
    let text = || serde_json::to_string_pretty(&document()).unwrap();
    assert_eq!(text(), text());
}
