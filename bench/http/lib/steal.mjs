// Steal time: the share of a virtual CPU's time the hypervisor gave to another guest. On
// shared VMs it comes and goes with the neighbours and takes a run's req/s down with it, so
// every measured run records it and a run with too much of it is done again.
import { readFileSync } from 'node:fs'

/** Each CPU's steal and total time in clock ticks, from /proc/stat (empty where it cannot be read). */
export function cpuTimes() {
  const times = new Map()
  try {
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const match = /^cpu(\d+) (.*)$/.exec(line)
      if (!match) continue
      // user nice system idle iowait irq softirq steal (guest time is already in user)
      const fields = match[2].trim().split(/\s+/).slice(0, 8).map(Number)
      times.set(Number(match[1]), { steal: fields[7] ?? 0, total: fields.reduce((a, b) => a + b, 0) })
    }
  } catch {
    // not Linux: no steal to report
  }
  return times
}

/** The largest share of time stolen from any of `cpus` between two `cpuTimes()`, or null. */
export function stealShare(before, after, cpus) {
  let worst = null
  for (const cpu of cpus) {
    const a = before.get(cpu)
    const b = after.get(cpu)
    if (!a || !b || b.total <= a.total) continue
    worst = Math.max(worst ?? 0, (b.steal - a.steal) / (b.total - a.total))
  }
  return worst
}

/**
 * Runs `measure` until the hypervisor took at most `maxSteal` of CPU 0 or CPU 1 while it ran,
 * `tries` times at most (`prepare`, a warm-up say, runs before each try, outside the window).
 * `onStolen(steal, last)` hears of each try that lost too much. Resolves to
 * `{ value, steal, attempts, stolen }`: the last try's result, its steal (null where
 * /proc/stat cannot tell), the tries made, and whether it was kept above the limit.
 */
export async function withLittleSteal(measure, { maxSteal, tries, prepare, onStolen }) {
  for (let attempt = 1; ; attempt++) {
    if (prepare) await prepare()
    const before = cpuTimes()
    const value = await measure()
    const steal = stealShare(before, cpuTimes(), [0, 1])
    if (steal === null || steal <= maxSteal) return { value, steal, attempts: attempt, stolen: false }
    const last = attempt >= tries
    onStolen(steal, last)
    if (last) return { value, steal, attempts: attempt, stolen: true }
  }
}
