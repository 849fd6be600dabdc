import { isAbsolute, relative, resolve, sep } from 'node:path'

import { BadRequestError } from './errors.js'

/**
 * The file under `root` that a client-given path names, for routes that serve files. Route
 * params are percent-decoded, so `/files/..%2f..%2fetc%2fpasswd` hands a `*path` of
 * `../../etc/passwd` to the function: join it with this, never with `path.join`. A path that
 * leaves `root` (`..`), is absolute or holds a NUL byte is a `BadRequestError` (400); `''` is
 * `root` itself.
 *
 * ```ts
 * const getFile = pikkuSessionlessFunc<{ path: string }, string>(async ({ files }, { path }) =>
 *   files.read(safePath('/srv/public', path)),
 * )
 * addRoute({ method: 'get', route: '/files/*path', func: getFile, auth: false })
 * ```
 */
export function safePath(root: string, clientPath: string): string {
  if (clientPath.includes('\0')) throw new BadRequestError('The path holds a NUL byte')
  if (isAbsolute(clientPath) || /^[a-zA-Z]:/.test(clientPath)) throw new BadRequestError(`The path ${JSON.stringify(clientPath)} is absolute; give it relative to the files served`)
  const base = resolve(root)
  const full = resolve(base, clientPath)
  const inside = relative(base, full)
  const leaves = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)
  if (!leaves) return full
  throw new BadRequestError(`The path ${JSON.stringify(clientPath)} leaves the folder served`)
}
