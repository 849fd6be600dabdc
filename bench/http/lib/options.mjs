// The checks the benchmark's commands (run.mjs, ab.mjs) make of their options before they pin a
// CPU or start anything: a bad value stops the command with a message naming the option, what
// it takes and what it was given.

/** Stops the command with `message` (exit code 1). */
export function fail(message) {
  console.error(message)
  process.exit(1)
}

/**
 * Option `name` of `opts` as a whole number of at least `min`; `why` says what its smallest
 * value means. Durations are whole too: wrk takes whole seconds.
 */
export function wholeOption(opts, name, min, why = '') {
  const text = opts[name]
  if (!/^\d+$/.test(text) || Number(text) < min) fail(`--${name} takes a whole number of at least ${min}${why}, not ${JSON.stringify(text)}`)
  return Number(text)
}

/** Option `name` of `opts`, a percentage from 0 to 100, as a fraction. */
export function fractionOption(opts, name) {
  const text = opts[name]
  const value = text.trim() === '' ? NaN : Number(text)
  if (!(value >= 0 && value <= 100)) fail(`--${name} takes a number from 0 to 100, not ${JSON.stringify(text)}`)
  return value / 100
}

/** The options of a command made of paired runs (lib/paired.mjs), `rounds` of them by default. */
export function pairedRunOptions(rounds) {
  return {
    rounds: { type: 'string', default: String(rounds) },
    pairs: { type: 'string', default: '5' },
    'pair-duration': { type: 'string', default: '2' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    'max-steal': { type: 'string', default: '5' },
    tries: { type: 'string', default: '4' },
  }
}

/** The values of `pairedRunOptions`, checked: what `pairedRuns` takes, with `rounds` as `processes`. */
export function pairedRunSettings(opts) {
  const [processes, pairs, seconds, connections, tries] = ['rounds', 'pairs', 'pair-duration', 'connections', 'tries'].map((name) => wholeOption(opts, name, 1))
  return { processes, pairs, seconds, connections, tries, warmup: wholeOption(opts, 'warmup', 0), maxSteal: fractionOption(opts, 'max-steal') }
}
