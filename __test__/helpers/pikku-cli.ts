// Runs the code generator as a user does: `pikku` (packages/cli) in a project's folder.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

/** The repository's root. */
export const root = join(__dirname, '../..')

export const pikku = (cwd: string) => spawnSync(process.execPath, [join(root, 'packages/cli/bin/pikku.js')], { cwd, encoding: 'utf8' })
