// The start-up rule: every wired function's input is validated, or the app does not start.
// This finds each function's input schema — given on the function, or the code generator's
// by the function's metadata name — and says what is wrong when there is none.

import { existsSync } from 'node:fs'

import { functionMeta, toJSONSchema, type JSONSchema } from './functions.js'
import { hasFunctionLinks, linkedName } from './function-links.js'
import type { MetadataFile } from './generated/contract.js'
import { loadMetadata } from './metadata.js'
import { PikkuStartupError, type StartupProblem } from './startup-error.js'
import type { AnyAPIFunction } from './types.js'

/** How a function's input is checked. */
export type InputPlan =
  /** A schema given on the function (JSON Schema, or Zod turned into it). */
  | { kind: 'inline'; schema: JSONSchema }
  /** The code generator's schema, by its name in the metadata. */
  | { kind: 'named'; schema: string }
  /** The code generator found that the function takes no input. */
  | { kind: 'none' }
  /** The function opted out (`unvalidatedInput: true`): it checks its input itself. */
  | { kind: 'unvalidated' }

/** The metadata (if any) and every way a function object is linked to its name in it. */
export class SchemaLinks {
  readonly metadata: MetadataFile | undefined
  private readonly origin: string | undefined
  /** Names learnt from wirings the metadata records (a route's function). */
  private readonly learnt = new WeakMap<AnyAPIFunction, string>()

  constructor(source: string | MetadataFile | undefined) {
    this.origin = typeof source === 'string' ? source : source === undefined ? undefined : 'the metadata object'
    this.metadata = source === undefined ? undefined : readMetadata(source)
  }

  /** The function the metadata records for a route, if it does. */
  routeFunction(method: string, route: string): string | undefined {
    return this.metadata?.http.find((w) => w.method === method && w.route === route)?.function
  }

  /** Remembers the name a recorded wiring gives `func`, so that other entries find it too. */
  learn(func: AnyAPIFunction, name: string): void {
    if (!this.learnt.has(func)) this.learnt.set(func, name)
  }

  /** `func`'s metadata name: its `name` option, the generated link, or a recorded wiring's. */
  nameOf(func: AnyAPIFunction): string | undefined {
    return functionMeta(func)?.name ?? linkedName(func) ?? this.learnt.get(func)
  }

  /**
   * How `func`'s input is checked, or the problem that stops the app. `wired` is the name a
   * recorded wiring gives it (a route's, a channel handler's); `subject` says where it is
   * used, for the problem.
   */
  input(func: AnyAPIFunction, subject: string, wired?: string): InputPlan | StartupProblem {
    const meta = functionMeta(func)
    if (meta?.input !== undefined) return { kind: 'inline', schema: toJSONSchema(meta.input) }
    if (meta?.unvalidatedInput === true) return { kind: 'unvalidated' }
    const known = this.nameOf(func)
    if (wired !== undefined && known !== undefined && known !== wired) {
      return {
        code: 'PIKKU_ERR_METADATA',
        subject,
        message: `${this.origin} records function \`${wired}\` here, but the function wired is \`${known}\`: the metadata is older than the code`,
        fix: 'run `npx pikku` again',
      }
    }
    const name = wired ?? known
    const recorded = name === undefined ? undefined : this.metadata?.functions[name]
    if (recorded) return recorded.inputSchema === undefined ? { kind: 'none' } : { kind: 'named', schema: recorded.inputSchema }
    return this.missing(subject, name)
  }

  private missing(subject: string, name: string | undefined): StartupProblem {
    const message = 'its input has no schema, so it would run unvalidated'
    const optOut = 'or, if it checks its input itself, say so with `unvalidatedInput: true` on its definer'
    const inline = "give it an `input` schema (`input: z.object({ … })` or JSON Schema)"
    if (this.metadata === undefined) {
      return {
        code: 'PIKKU_ERR_SCHEMA_MISSING',
        subject,
        message: `${message}: the app has no metadata`,
        fix: `run \`npx pikku\` (it writes .pikku/pikku-meta.gen.json from your types) and pass it: \`createApp({ metadata: '.pikku/pikku-meta.gen.json' })\`; or ${inline}; ${optOut}`,
      }
    }
    if (name === undefined) {
      const link = hasFunctionLinks()
        ? 'the generated links (`pikku-functions.gen.ts`) do not include it: export it from a file in `srcDirectories` and run `npx pikku` again'
        : "import the generated links once where the app is made (`import './.pikku/pikku-functions.gen'`), which tell the app which function is which"
      return {
        code: 'PIKKU_ERR_SCHEMA_MISSING',
        subject,
        message: `${message}: the app cannot tell which function of ${this.origin} this is`,
        fix: `${link}; or give it the \`name\` the metadata knows it by (\`pikkuFunc({ name: 'getTodo', func })\`); or ${inline}; ${optOut}`,
      }
    }
    return {
      code: 'PIKKU_ERR_SCHEMA_MISSING',
      subject,
      message: `${message}: ${this.origin} has no function \`${name}\``,
      fix: `run \`npx pikku\` again (the metadata is older than the code, or \`${name}\` is outside \`srcDirectories\` of pikku.config.json); or ${inline}; ${optOut}`,
    }
  }
}

/** Whether an `input` answer is a problem. */
export function isProblem(plan: InputPlan | StartupProblem): plan is StartupProblem {
  return 'code' in plan
}

/** Reads the metadata; a missing file is a start-up error that says how to make it. */
function readMetadata(source: string | MetadataFile): MetadataFile {
  if (typeof source === 'string' && !existsSync(source)) {
    throw new PikkuStartupError([
      {
        code: 'PIKKU_ERR_METADATA',
        subject: `metadata file ${source}`,
        message: `there is no such file (looked in ${process.cwd()})`,
        fix: 'run `npx pikku` in the project folder: it writes .pikku/pikku-meta.gen.json from your functions\' types (a relative path is read from the folder the process runs in)',
      },
    ])
  }
  try {
    return loadMetadata(source)
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^PIKKU_ERR_METADATA: /, '') : String(error)
    throw new PikkuStartupError([{ code: 'PIKKU_ERR_METADATA', subject: '', message }])
  }
}
