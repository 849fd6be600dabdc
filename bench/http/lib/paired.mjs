// Paired runs: the ratio of two servers measured a second apart. On these shared VMs the
// host's speed moves by tens of percent within seconds (the same server, one process, 1 s
// runs back to back: 35k to 76k req/s), so two medians taken a minute apart carry that
// noise into their ratio. Here both servers of a comparison are up side by side (both pinned
// to CPU 0, only one under load at a time), short runs take turns A B, B A, A B, … and the
// ratio of each pair is kept; the median of those ratios is the comparison's figure. A
// process also draws a speed of its own: two processes of the same server can differ by 20%
// for as long as they live (bench/README.md), so the pairs are spread over several fresh
// pairs of processes.
import { LOADS, checkAnswers } from './check.mjs'
import { runLoad } from './load.mjs'
import { startServer, stopServer } from './servers.mjs'
import { cpuTimes, stealShare } from './steal.mjs'

/**
 * Measures `top` against `bottom` on each of `routes`, in `processes` fresh pairs of server
 * processes: in each, a `warmup`-second run of each side, then `pairs` pairs of
 * `seconds`-long runs. A pair in which the hypervisor took more than `maxSteal` of either CPU
 * is run again, up to `tries` times. Resolves to a Map from route to `{ ratios, again }`
 * (every pair's top ÷ bottom req/s, in order; the pairs run again); rejects when a server
 * does not start or answers wrongly.
 */
export async function pairedRuns({ top, bottom, routes, processes, pairs, seconds, warmup, connections, tool, serverPin, loadPin, maxSteal, tries, log }) {
  const results = new Map(routes.map((route) => [route, { ratios: [], again: 0 }]))
  for (let round = 1; round <= processes; round++) {
    const sides = []
    try {
      // Started in turns too: which one starts first changes from one round to the next.
      for (const i of round % 2 === 1 ? [0, 1] : [1, 0]) {
        const name = [top, bottom][i]
        const running = await startServer(name, { pin: serverPin })
        sides[i] = running
        const problems = await checkAnswers(running.port)
        if (problems.length) throw new Error(`${name} answers wrongly:\n  ${problems.join('\n  ')}`)
      }
      for (const route of routes) {
        const load = LOADS[route]
        const run = (side, secs) => runLoad(tool, { port: side.port, load, seconds: secs, connections, pin: loadPin })
        if (warmup > 0) for (const side of sides) await run(side, warmup)
        const result = results.get(route)
        const ratios = []
        for (let pair = 0; pair < pairs; pair++) {
          // Alternate which side goes first, so that a drift within a pair cancels over pairs.
          const order = pair % 2 === 0 ? [0, 1] : [1, 0]
          let rps
          for (let attempt = 1; attempt <= tries; attempt++) {
            rps = []
            const before = cpuTimes()
            for (const i of order) rps[i] = (await run(sides[i], seconds)).rps
            const steal = stealShare(before, cpuTimes(), [0, 1])
            if (steal === null || steal <= maxSteal || attempt === tries) break
            result.again++
          }
          ratios.push(rps[0] / rps[1])
        }
        result.ratios.push(...ratios)
        log(`paired ${round}/${processes}  ${top} ÷ ${bottom}, ${load.label}: ${summarize(ratios)}`)
      }
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

/** Quartiles of a list (linear interpolation between ranks). */
export function quartiles(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const at = (q) => {
    const pos = (s.length - 1) * q
    const low = Math.floor(pos)
    return s[low] + (s[Math.min(low + 1, s.length - 1)] - s[low]) * (pos - low)
  }
  return { q1: at(0.25), median: at(0.5), q3: at(0.75) }
}

/** `0.97× (0.93–1.01, 20 pairs)`: the median pair ratio and its interquartile range. */
export function summarize(ratios) {
  const { q1, median, q3 } = quartiles(ratios)
  return `${median.toFixed(2)}× (${q1.toFixed(2)}–${q3.toFixed(2)}, ${ratios.length} pairs)`
}
