// Chromium for the browser tests: Debian's `chromium` (scripts/steps.mjs installs it when it
// is missing), driven by playwright-core.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Launches headless Chromium. The background-networking flags keep it from reaching for
 * Google's services, which a closed network refuses (and which a test has no use for).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: \`apt-get install -y --no-install-recommends chromium\` (npm test installs it)`)
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
