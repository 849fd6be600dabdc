// The few statistics the report reads: medians, quartiles, and a ratio's summary.

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
