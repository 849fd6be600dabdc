//! `pikku --watch` redoes only what a change affects: after each edit of a small project, the
//! files written by a generator that ran before are the same as a fresh run's, byte for byte.

use std::path::{Path, PathBuf};

use pikku_codegen::Generator;

const OUTPUTS: [&str; 3] = [
    ".pikku/pikku-meta.gen.json",
    ".pikku/pikku-fetch.gen.ts",
    ".pikku/pikku-functions.gen.ts",
];

fn project() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pikku-watch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src/models")).unwrap();
    let files = [
        (
            "src/models/address.ts",
            "export interface Address {\n  /** @minLength 1 */\n  line1: string\n  city: string\n}\n",
        ),
        (
            "src/models/status.ts",
            "export type Status = 'draft' | 'active'\n",
        ),
        (
            "src/models/index.ts",
            "export * from './address.js'\nexport * from './status.js'\n",
        ),
        (
            "src/schemas.ts",
            "import { z } from 'zod'\nexport const ZTag = z.enum(['a', 'b'])\nexport const ZNote = z.object({ text: z.string().min(1), tag: ZTag })\n",
        ),
        (
            "src/people.ts",
            "import { pikkuSessionlessFunc, addRoute } from '@pikku/native'\nimport type { Address } from './models/index.js'\n\nexport interface Person { id: string; home: Address }\n\nexport const getPerson = pikkuSessionlessFunc<{ id: string }, Person>(async () => ({}) as Person)\nexport const movePerson = pikkuSessionlessFunc<{ id: string; to: Address }, Person>(async () => ({}) as Person)\n\naddRoute({ method: 'get', route: '/people/:id', func: getPerson, auth: false })\naddRoute({ method: 'post', route: '/people/:id/move', func: movePerson, auth: false })\n",
        ),
        (
            "src/notes.ts",
            "import { pikkuSessionlessFunc, addRoute } from '@pikku/native'\nimport { z } from 'zod'\nimport { ZNote } from './schemas.js'\nimport type { Status } from './models/status.js'\n\nexport const addNote = pikkuSessionlessFunc({ input: ZNote, output: z.object({ id: z.string() }), func: async () => ({ id: '1' }) })\nexport const setStatus = pikkuSessionlessFunc<{ id: string; status: Status }, void>(async () => {})\n\naddRoute({ method: 'post', route: '/notes', func: addNote, auth: false })\naddRoute({ method: 'put', route: '/notes/:id/status', func: setStatus, auth: false })\n",
        ),
    ];
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn outputs(root: &Path) -> Vec<String> {
    OUTPUTS
        .iter()
        .map(|file| std::fs::read_to_string(root.join(file)).unwrap_or_default())
        .collect()
}

/// Runs the long-lived generator, then a fresh one, and compares what each leaves written.
fn same_as_fresh(
    generator: &mut Generator,
    root: &Path,
    step: &str,
) -> Result<(usize, usize), String> {
    let kept = generator.run();
    let kept_outputs = outputs(root);
    let fresh = Generator::new(root).run();
    assert_eq!(
        kept.as_ref()
            .map(|s| (s.functions, s.routes, s.warnings.clone())),
        fresh
            .as_ref()
            .map(|s| (s.functions, s.routes, s.warnings.clone())),
        "{step}: the summaries differ"
    );
    assert_eq!(
        kept_outputs,
        outputs(root),
        "{step}: the outputs differ from a fresh run's"
    );
    kept.map(|s| (s.parsed, s.inspected))
}

#[test]
fn every_run_writes_what_a_fresh_run_writes() {
    let root = project();
    let mut generator = Generator::new(&root);
    assert_eq!(
        same_as_fresh(&mut generator, &root, "first run"),
        Ok((6, 4))
    );
    let meta = || std::fs::read_to_string(root.join(OUTPUTS[0])).unwrap();

    // A shared model changes: every function using it is made again.
    edit(
        &root,
        "src/models/address.ts",
        "city: string",
        "city: string\n  zip?: string",
    );
    // Parsed again: the model; inspected again: the functions of people.ts (its importer).
    assert_eq!(
        same_as_fresh(&mut generator, &root, "model changed"),
        Ok((1, 2))
    );
    assert!(meta().contains("\"zip\""));

    // One function's own input changes.
    edit(
        &root,
        "src/people.ts",
        "{ id: string }, Person",
        "{ id: string; full?: boolean }, Person",
    );
    assert_eq!(
        same_as_fresh(&mut generator, &root, "function changed"),
        Ok((1, 2))
    );
    assert_eq!(
        same_as_fresh(&mut generator, &root, "nothing changed"),
        Ok((0, 0))
    );

    // A Zod schema in a file of its own changes.
    edit(
        &root,
        "src/schemas.ts",
        "z.enum(['a', 'b'])",
        "z.enum(['a', 'b', 'c'])",
    );
    assert_eq!(
        same_as_fresh(&mut generator, &root, "zod changed"),
        Ok((1, 2))
    );
    assert!(meta().contains("\"c\""));

    // A function is added, then one removed.
    edit(&root, "src/notes.ts", "\naddRoute(", "\nexport const dropNote = pikkuSessionlessFunc<{ id: string }, void>(async () => {})\naddRoute({ method: 'delete', route: '/notes/:id', func: dropNote, auth: false })\naddRoute(");
    same_as_fresh(&mut generator, &root, "function added").unwrap();
    assert!(meta().contains("dropNote"));
    edit(
        &root,
        "src/people.ts",
        "addRoute({ method: 'post', route: '/people/:id/move', func: movePerson, auth: false })\n",
        "",
    );
    edit(&root, "src/people.ts", "export const movePerson = pikkuSessionlessFunc<{ id: string; to: Address }, Person>(async () => ({}) as Person)\n", "");
    same_as_fresh(&mut generator, &root, "function removed").unwrap();
    assert!(!meta().contains("movePerson"));

    // Two types of one name: which gets the plain name is decided as a fresh run decides.
    edit(
        &root,
        "src/notes.ts",
        "import type { Status } from './models/status.js'\n",
        "type Status = 'open' | 'done'\nexport interface Address { planet: string }\n",
    );
    edit(
        &root,
        "src/notes.ts",
        "status: Status }",
        "status: Status; at?: Address }",
    );
    same_as_fresh(&mut generator, &root, "names collide").unwrap();
    assert!(meta().contains("\"Address2\""));
    edit(
        &root,
        "src/models/address.ts",
        "zip?: string",
        "zip?: number",
    );
    same_as_fresh(&mut generator, &root, "after a collision").unwrap();

    // A syntax error fails the run and writes nothing; fixed, the next run is whole again.
    edit(
        &root,
        "src/people.ts",
        "export interface Person {",
        "export interface Person {{",
    );
    let before = outputs(&root);
    assert!(generator.run().is_err());
    assert_eq!(outputs(&root), before);
    edit(
        &root,
        "src/people.ts",
        "export interface Person {{",
        "export interface Person {",
    );
    same_as_fresh(&mut generator, &root, "syntax fixed").unwrap();

    // A file changes while another does not parse; once that one is fixed, the change shows.
    edit(
        &root,
        "src/notes.ts",
        "export const addNote",
        "export const addNote = (",
    );
    assert!(generator.run().is_err());
    edit(
        &root,
        "src/models/address.ts",
        "line1: string",
        "line1: string\n  line2?: string",
    );
    assert!(generator.run().is_err());
    edit(
        &root,
        "src/notes.ts",
        "export const addNote = (",
        "export const addNote",
    );
    same_as_fresh(&mut generator, &root, "fixed after another change").unwrap();
    assert!(meta().contains("\"line2\""));

    // A warning from a shared type (an unknown JSDoc tag) stays reported, as a fresh run does.
    edit(
        &root,
        "src/models/address.ts",
        "  city: string",
        "  /** @colour red */\n  city: string",
    );
    same_as_fresh(&mut generator, &root, "warning added").unwrap();
    let fresh = Generator::new(&root).run().unwrap();
    assert!(
        fresh.warnings.join("\n").contains("@colour"),
        "{:?}",
        fresh.warnings
    );
    edit(
        &root,
        "src/people.ts",
        "{ id: string; full?: boolean }",
        "{ id: string; full?: boolean; brief?: boolean }",
    );
    same_as_fresh(&mut generator, &root, "warning kept").unwrap();

    // An import now leads elsewhere.
    std::fs::write(
        root.join("src/models/other.ts"),
        "export interface Address { street: string }\n",
    )
    .unwrap();
    edit(
        &root,
        "src/people.ts",
        "from './models/index.js'",
        "from './models/other.js'",
    );
    same_as_fresh(&mut generator, &root, "import moved").unwrap();
    assert!(meta().contains("\"street\""));

    // Output deleted by hand: written again even though nothing changed.
    std::fs::remove_file(root.join(OUTPUTS[1])).unwrap();
    same_as_fresh(&mut generator, &root, "output deleted").unwrap();
    std::fs::remove_dir_all(&root).unwrap();
}
