// Paired runs: the ratio of two servers measured under load at the same time. On these
// shared VMs the host's speed moves by tens of percent within seconds (the same server, one
// process, 1 s runs back to back: 35k to 76k req/s), so two runs taken even a second apart
// carry that noise into their ratio. Here both servers of a comparison are pinned to CPU 0
// and loaded at once, each by its own load generator on CPU 1: the scheduler shares the core
// between them, both see the same host at the same moment, and the server that needs less
// CPU per request serves more of them. The ratio of each run is kept, grouped by pair of
// processes (round); lib/targets.mjs reads their median and its interval over rounds.
import { LOADS, checkAnswers } from './check.mjs'
import { runLoad } from './load.mjs'
import { startServer, stopServer } from './servers.mjs'
import { summarize } from './stats.mjs'
import { withLittleSteal } from './steal.mjs'

/**
 * A side of a comparison: a server name, or `{ name, label, env, runtime }` (a server started
 * with `env`, by `runtime`: see `startServer`).
 */
const sideSpec = (side) => (typeof side === 'string' ? { name: side, label: side, env: {} } : side)

/**
 * Measures `top` against `bottom` (sides, see `sideSpec`) on each of `routes`, in fresh pairs of server processes
 * (rounds): in each, per route a `warmup`-second run of both sides at once, then `pairs`
 * runs of `seconds`, both sides at once. At least `processes` rounds are run, and more up to `maxProcesses` for
 * the routes that `settled(route, rounds)` does not call settled yet (a route once settled is
 * left out of later rounds). A pair in which the hypervisor took more than `maxSteal` of
 * either CPU is run again, up to `tries` times. Resolves to a Map from route to
 * `{ rounds, again, stolen, bad, error }`: every pair's top ÷ bottom req/s, a list per round,
 * the pairs run again for steal, those kept above the limit, the non-2xx
 * answers and socket errors of the runs, and the error that ended the comparison early (the
 * rounds before it are kept).
 */
export async function pairedRuns({ top, bottom, routes, processes, maxProcesses = processes, settled = () => false, pairs, seconds, warmup, connections, tool, serverPin, loadPin, maxSteal, tries, log }) {
  const results = new Map(routes.map((route) => [route, { rounds: [], again: 0, stolen: 0, bad: 0, error: undefined }]))
  const open = (round) => routes.filter((route) => round <= processes || !settled(route, results.get(route).rounds))
  const most = Math.max(processes, maxProcesses)
  const specs = [sideSpec(top), sideSpec(bottom)]
  const [topLabel, bottomLabel] = specs.map((spec) => spec.label)
  for (let round = 1; round <= most; round++) {
    const measured = open(round)
    if (measured.length === 0) break
    const sides = []
    try {
      // Started in turns too: which one starts first changes from one round to the next.
      for (const i of round % 2 === 1 ? [0, 1] : [1, 0]) {
        const { name, label, env, runtime } = specs[i]
        sides[i] = await startServer(name, { pin: serverPin, env, runtime })
        sides[i].name = label
        const problems = await checkAnswers(sides[i].port)
        if (problems.length) throw new Error(`${label} answers wrongly:\n  ${problems.join('\n  ')}`)
      }
      for (const route of measured) {
        const load = LOADS[route]
        const result = results.get(route)
        const run = async (side, secs) => {
          const outcome = await runLoad(tool, { port: side.port, load, seconds: secs, connections, pin: loadPin })
          if (!(outcome.rps > 0)) throw new Error(`${side.name} served nothing in a ${secs} s run of ${load.label}${side.child.exitCode !== null ? ` (it exited with ${side.child.exitCode})` : ''}`)
          return outcome
        }
        if (warmup > 0) await Promise.all(sides.map((side) => run(side, warmup)))
        const ratios = []
        for (let pair = 0; pair < pairs; pair++) {
          // Whose load generator is started first (a few milliseconds ahead) alternates over
          // pairs and rounds: as often one as the other.
          const order = (round + pair) % 2 === 1 ? [0, 1] : [1, 0]
          const bothSides = async () => {
            const runs = []
            for (const i of order) runs[i] = run(sides[i], seconds)
            const outcomes = await Promise.all(runs)
            outcomes.forEach((outcome, i) => {
              const bad = outcome.non2xx + outcome.errors
              result.bad += bad
              if (bad > 0) log(`paired ${round}/${most}  ${sides[i].name}, ${load.label}: ${outcome.non2xx} non-2xx answers, ${outcome.errors} socket errors in a ${seconds} s run`)
            })
            return outcomes.map((outcome) => outcome.rps)
          }
          const onStolen = (steal, last) => log(`paired ${round}/${most}  ${topLabel} ÷ ${bottomLabel}, ${load.label}: ${(steal * 100).toFixed(0)}% of a CPU stolen by the hypervisor${last ? `, kept after ${tries} tries` : ', run again'}`)
          const { value: rps, attempts, stolen } = await withLittleSteal(bothSides, { maxSteal, tries, onStolen })
          if (attempts > 1) result.again++
          if (stolen) result.stolen++
          ratios.push(rps[0] / rps[1])
        }
        result.rounds.push(ratios)
        log(`paired ${round}/${most}  ${topLabel} ÷ ${bottomLabel}, ${load.label}: ${summarize(ratios)}${result.bad ? `  (${result.bad} non-2xx or socket errors so far)` : ''}`)
      }
    } catch (error) {
      for (const result of results.values()) result.error = `round ${round} of at most ${most}: ${error.message}`
      log(`paired ${topLabel} ÷ ${bottomLabel} stopped in round ${round}: ${error.message}`)
      return results
    } finally {
      for (const side of sides) if (side) await stopServer(side)
    }
  }
  return results
}

/** The comparisons to pair: one per throughput target (`[top, bottom, route]`), grouped by server pair. */
export function pairPlan(comparisons) {
  const plan = new Map()
  for (const [top, bottom, route] of comparisons) {
    const key = `${top}|${bottom}`
    if (!plan.has(key)) plan.set(key, { top, bottom, routes: [] })
    const entry = plan.get(key)
    if (!entry.routes.includes(route)) entry.routes.push(route)
  }
  return [...plan.values()]
}
