// The few statistics the report reads: medians, quartiles, a ratio's summary, and an interval
// of the paired runs' median over their rounds.

/** The median of a list of numbers. */
export function median(xs) {
  return quartiles(xs).median
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

/**
 * A `level` interval of the median of all ratios, by a bootstrap over `rounds` (each a list of
 * pair ratios from one pair of processes): rounds are drawn again with replacement, as the
 * ratios of one pair of processes move together (each process draws a speed of its own), so
 * resampling single pairs would claim a precision the run does not have. Seeded: the same
 * rounds give the same interval. `[lo, hi]`.
 */
export function roundsInterval(rounds, { level = 0.9, samples = 2000, seed = 1 } = {}) {
  const kept = rounds.filter((round) => round.length > 0)
  if (kept.length === 0) return [NaN, NaN]
  const random = mulberry32(seed)
  const medians = []
  for (let s = 0; s < samples; s++) {
    const drawn = []
    for (let i = 0; i < kept.length; i++) drawn.push(...kept[Math.floor(random() * kept.length)])
    medians.push(median(drawn))
  }
  medians.sort((a, b) => a - b)
  const tail = (1 - level) / 2
  return [medians[Math.floor(tail * (samples - 1))], medians[Math.ceil((1 - tail) * (samples - 1))]]
}

/** A small seeded generator of numbers in [0, 1): the bootstrap's draws repeat from run to run. */
function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
