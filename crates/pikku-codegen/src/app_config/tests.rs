//! Session sources read from `createApp` calls, and the warnings for what cannot be read.

use super::SessionSource::*;
use super::*;

fn read(text: &str) -> AppSessions {
    session_sources([("src/app.ts", text)])
}

#[test]
fn reads_every_source_kind_with_its_names() {
    let app = read(
        "import { createApp } from '@pikku/native'
        const keys = [{ key: 'k'.repeat(16), session: {} }]
        export const app = createApp({
          metadata: '.pikku/pikku-meta.gen.json',
          session: {
            apiKey: { header: 'X-Key', query: `token`, keys },
            jwt: { algorithm: 'HS256', secret: process.env.SECRET },
            jwtCookie: 'sid',
            jwtQuery: 'access_token',
          },
        })",
    );
    assert_eq!(app.warnings, Vec::<String>::new());
    assert_eq!(
        app.sources,
        [
            Bearer,
            Cookie("sid".into()),
            ApiKeyHeader("x-key".into()),
            ApiKeyQuery("token".into())
        ]
    );
    let signed = read("createApp({ session: { signedCookie: { name: 'app_session', secrets } } })");
    assert_eq!(signed.sources, [Cookie("app_session".into())]);
}

#[test]
fn no_create_app_or_no_session_is_no_source() {
    for text in [
        "export const x = 1",
        "const app = createApp({ metadata })",
        "const app = createApp()",
        "createApp({ metadata, session: undefined })",
        "createApp({ session: {} })",
    ] {
        assert_eq!(read(text), AppSessions::default(), "{text}");
    }
}

#[test]
fn finds_calls_anywhere_and_joins_them() {
    let app = read(
        "import { createApp as makeApp } from '@pikku/native'
        import * as pikku from '@pikku/native'
        async function main() {
          const server = createServer(createRequestListener(makeApp({ session: { jwt } })))
          try { await start(() => pikku.createApp({ session: { apiKey: { header: 'x-api-key', keys } } })) } finally {}
        }
        export default (createApp({ session: { jwt, jwtCookie: 'a' } }) as App)",
    );
    assert_eq!(app.warnings, Vec::<String>::new());
    assert_eq!(
        app.sources,
        [Bearer, Cookie("a".into()), ApiKeyHeader("x-api-key".into())]
    );
}

#[test]
fn warns_at_what_it_cannot_read_and_lists_nothing_for_that_call() {
    for (text, what, at) in [
        (
            "createApp(options)",
            "options of `createApp` are not",
            "1:11",
        ),
        (
            "createApp({ session })",
            "`session` of `createApp` is not",
            "1:13",
        ),
        (
            "createApp({ session: s, ...rest })",
            "may set `session`",
            "1:25",
        ),
        (
            "createApp({ session: { ...base, jwt } })",
            "`session` has a spread",
            "1:24",
        ),
        (
            "createApp({ session: { jwt, jwtCookie: name } })",
            "`session.jwtCookie` is not a string literal",
            "1:40",
        ),
        (
            "createApp({ session: { apiKey: { header: `x-${h}`, keys } } })",
            "`session.apiKey.header`",
            "1:42",
        ),
        (
            "createApp({ session: { signedCookie: cookie } })",
            "`session.signedCookie` is not an object",
            "1:38",
        ),
    ] {
        let app = read(&format!("const app = 1\n{text}"));
        assert_eq!(app.sources, [], "{text}");
        assert_eq!(app.warnings.len(), 1, "{text}");
        let warning = &app.warnings[0];
        assert!(
            warning.starts_with("warning[PIKKU_OPENAPI_SESSION]: "),
            "{warning}"
        );
        assert!(warning.contains(what), "{text}: {warning}");
        let at = format!("--> src/app.ts:{}", at.replacen("1:", "2:", 1));
        assert!(warning.contains(&at), "{text}: {warning} (expected {at})");
    }
    // A session set after the spread wins: it is read.
    let app = read("createApp({ ...base, session: { jwt } })");
    assert_eq!((app.sources, app.warnings), (vec![Bearer], vec![]));
    // Another app that can be read still counts.
    let app = read("createApp(options)\ncreateApp({ session: { jwt } })");
    assert_eq!((app.sources.len(), app.warnings.len()), (1, 1));
}

#[test]
fn an_api_key_without_header_or_query_is_no_source_and_a_warning() {
    let app = read("createApp({ session: { jwt, apiKey: { keys } } })");
    assert_eq!(app.sources, [Bearer]);
    assert!(app.warnings[0].contains("neither `header` nor `query`"));
}
