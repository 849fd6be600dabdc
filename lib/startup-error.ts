// Start-up errors as data: every problem found while building an app, each with its code,
// what it is about, and the fix, thrown together as one error.

/** Every `PIKKU_ERR_*` code, most of them start-up problems; the README's table lists the same (tested). */
export const STARTUP_CODES = {
  PIKKU_ERR_SCHEMA_MISSING: 'a wired function has no input schema, so its input would go unvalidated',
  PIKKU_ERR_SCHEMA_INVALID: 'an input schema that is not valid JSON Schema',
  PIKKU_ERR_METADATA: 'the metadata file is missing, unreadable, stale or does not match its format',
  PIKKU_ERR_AUTH: '`auth: false` on a function that needs a session',
  PIKKU_ERR_ROUTE_PATTERN: 'a route pattern the router refuses',
  PIKKU_ERR_ROUTE_CONFLICT: 'two routes on one method and path',
  PIKKU_ERR_CHANNEL: 'a channel wiring that cannot be served',
  PIKKU_ERR_SESSION: 'a session setting that cannot verify anything (secret, key, algorithm)',
  PIKKU_ERR_CONFIG: 'an app setting out of range',
  PIKKU_ERR_MIDDLEWARE: 'a middleware pattern that is not a path',
  PIKKU_ERR_CORS: 'a CORS setting browsers refuse',
  PIKKU_ERR_SCHEDULE: 'a scheduled task that cannot run (expression, time zone, name, session)',
  PIKKU_ERR_QUEUE: 'a queue setting or wiring that cannot work',
  PIKKU_ERR_QUEUE_CONFLICT: 'two workers on one queue',
  PIKKU_ERR_LISTEN: 'a standalone server setting out of range, or a port it cannot take',
  PIKKU_ERR_SERVER: 'the standalone server could not start its runtime or stop',
  PIKKU_ERR_CLOSE: 'a close grace period that is not a whole number of milliseconds',
  PIKKU_ERR_SCHEDULER: 'a scheduler started twice, or while it is still stopping',
  PIKKU_ERR_LAMBDA: 'a Lambda handler given an event of another source than it serves',
  PIKKU_ERR_BINARY: 'no native addon for this platform: build it from source',
} as const

/** A start-up error code. */
export type StartupCode = keyof typeof STARTUP_CODES

/** One thing that stops an app from starting. */
export interface StartupProblem {
  code: StartupCode
  /** What it is about (`route GET /todos/:id`, `function getTodo`), or '' when the message says it. */
  subject: string
  /** What is wrong. */
  message: string
  /** What to do about it. */
  fix?: string
}

/**
 * Thrown by `createApp` (and the other builders) when the app cannot start: `code` is the
 * first problem's, `problems` lists all of them.
 *
 * ```ts
 * try {
 *   createApp({ metadata: '.pikku/pikku-meta.gen.json' })
 * } catch (error) {
 *   if (error instanceof PikkuStartupError) console.error(error.code, error.problems.map((p) => p.subject))
 * }
 * ```
 */
export class PikkuStartupError extends Error {
  readonly code: StartupCode
  readonly problems: readonly StartupProblem[]

  constructor(problems: readonly StartupProblem[]) {
    super(problems.map(render).join('\n'))
    this.name = 'PikkuStartupError'
    this.code = problems[0]?.code ?? 'PIKKU_ERR_CONFIG'
    this.problems = problems
  }
}

/** `CODE: subject: message; fix` — one line per problem. */
function render(problem: StartupProblem): string {
  const fix = problem.fix ? `\n    = help: ${problem.fix}` : ''
  const subject = problem.subject ? `${problem.subject}: ` : ''
  return `${problem.code}: ${subject}${problem.message}${fix}`
}

/** Throws the problems found, if any. */
export function throwProblems(problems: readonly StartupProblem[]): void {
  if (problems.length > 0) throw new PikkuStartupError(problems)
}

/**
 * The problems of an error thrown by the engine's build (its lines start with their code),
 * as data; an error without codes is returned as is.
 */
export function engineProblems(error: unknown): PikkuStartupError | unknown {
  if (!(error instanceof Error)) return error
  const problems: StartupProblem[] = []
  for (const line of error.message.split('\n')) {
    const match = /^(PIKKU_ERR_[A-Z_]+): (.*)$/.exec(line)
    if (match && match[1]! in STARTUP_CODES) {
      problems.push({ code: match[1] as StartupCode, subject: '', message: match[2]! })
    } else if (problems.length > 0) {
      problems[problems.length - 1]!.message += `\n${line}`
    }
  }
  return problems.length > 0 ? new PikkuStartupError(problems) : error
}
