// The Fastify plugin's fast path: when nothing of Fastify's own would run for the app's routes
// (no hook applies to them, request logging is off), their requests are answered as the server
// receives them, before Fastify's router builds its request and reply objects. The answers are
// the same either way; only the work around them differs.
import type { IncomingMessage, ServerResponse } from 'node:http'

import type { FastifyInstance } from 'fastify'

/** The names the plugin's own hooks carry, as Fastify's route listing shows them. */
export const OWN_HOOKS = ['pikkuServeRoute()', 'pikkuTakeUnrouted()']

/**
 * Whether nothing of Fastify's would run for the app's `routes` (how many the plugin
 * registered): request logging is off and no hook applies to them. Hooks are read from
 * Fastify's own listing of its routes (`printRoutes({ includeHooks })`, its one public view of
 * them): each route's line is followed by one line per kind of hook that applies to it, and the
 * plugin's routes are those whose `onRequest` hooks end with `pikkuServeRoute`. A listing that
 * does not show all of them counts as hooks.
 */
export function nothingOfFastifyRuns(fastify: FastifyInstance, routes: number): boolean {
  const log = fastify.log as { level?: string }
  if (log.level !== undefined && log.level !== 'silent' && !fastify.initialConfig.disableRequestLogging) return false
  // Each route: the hook lists under its line (`• (onRequest) ["a()","b()"]`).
  const hooksByRoute: [string, string[]][][] = []
  for (const line of fastify.printRoutes({ includeHooks: true, commonPrefix: false }).split('\n')) {
    const hook = /• \((\w+)\) (\[.*\])\s*$/.exec(line)
    if (hook) hooksByRoute.at(-1)?.push([hook[1]!, JSON.parse(hook[2]!) as string[]])
    else if (line.trim() !== '') hooksByRoute.push([])
  }
  const ours = hooksByRoute.filter((hooks) => hooks.some(([kind, names]) => kind === 'onRequest' && names.at(-1) === OWN_HOOKS[0]))
  return ours.length === routes && ours.every((hooks) => hooks.every(([, names]) => names.every((name) => OWN_HOOKS.includes(name))))
}

/**
 * Puts `serve` in front of the server's Fastify listener for the requests `owns` says are the
 * app's (nothing changes when the server has other request listeners than Fastify's). While
 * `closing()`, every request goes to Fastify, which answers 503 as it closes.
 */
export function takeAhead(
  server: FastifyInstance['server'],
  owns: (url: string) => boolean,
  serve: (req: IncomingMessage, res: ServerResponse) => void,
  closing: () => boolean,
): void {
  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[]
  if (listeners.length !== 1) return
  const fastifyListener = listeners[0]!
  server.removeListener('request', fastifyListener)
  server.on('request', (req: IncomingMessage, res: ServerResponse) => (!closing() && owns(req.url ?? '/') ? serve(req, res) : fastifyListener(req, res)))
}
