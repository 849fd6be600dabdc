// Loaded with `node --import` when /usr/bin/time is missing: writes this process's peak
// resident set size (getrusage ru_maxrss, in KB) to $PIKKU_BENCH_RSS_FILE when it exits.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  if (process.env.PIKKU_BENCH_RSS_FILE) {
    writeFileSync(process.env.PIKKU_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS))
  }
})
