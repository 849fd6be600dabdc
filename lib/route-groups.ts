// Groups of routes: a base path, tags, an auth default and middleware shared by the routes
// they hold, nested as deep as needed. Flattened into ordinary routes when wired, so the
// engine and every adapter see nothing new; the code generator reads the same groups.

import type { PikkuMiddleware } from './middleware.js'
import type { AnyAPIFunction } from './types.js'
import { addRoute, type RouteWiring } from './wiring.js'

/** A group of routes and what they share. */
export interface HTTPRouteGroup {
  /** Put before every route path of the group (and of the groups inside it). */
  basePath?: string
  /** Tags of every route (OpenAPI), before the routes' own. */
  tags?: readonly string[]
  /** The `auth` of the routes that do not set their own (default true, as for any route). */
  auth?: boolean
  /** Middleware around every route, outside the routes' own. */
  middleware?: readonly PikkuMiddleware[]
  /** The routes and the groups inside this one, by a name of your choice. */
  routes: { readonly [name: string]: RouteWiring<any> | HTTPRouteGroup }
}

/**
 * Declares a group of routes to wire (or to nest in another group). Returns it as given: the
 * code generator reads it where it is declared.
 *
 * ```ts
 * export const todoRoutes = defineHTTPRoutes({
 *   basePath: '/todos',
 *   tags: ['todos'],
 *   routes: {
 *     list: { method: 'get', route: '', func: listTodos },
 *     get: { method: 'get', route: '/:id', func: getTodo },
 *   },
 * })
 * ```
 */
export function defineHTTPRoutes<G extends HTTPRouteGroup>(group: G): G {
  return group
}

/**
 * Wires a group of routes: each one as `addRoute` would, with the base paths of its groups
 * joined before its path, their tags and middleware before its own, and the nearest `auth`.
 * Call it at the top level of a module.
 *
 * ```ts
 * wireHTTPRoutes({ basePath: '/api', middleware: [audit], routes: { todos: todoRoutes, health: { method: 'get', route: '/health', func: health, auth: false } } })
 * ```
 */
export function wireHTTPRoutes(group: HTTPRouteGroup): void {
  for (const route of flattenRoutes(group)) addRoute(route)
}

/** The routes of a group, each with what its groups share. */
function flattenRoutes(group: HTTPRouteGroup, outer: Required<Omit<HTTPRouteGroup, 'routes' | 'auth'>> & { auth?: boolean } = { basePath: '', tags: [], middleware: [] }): RouteWiring[] {
  const shared = {
    basePath: joinPath(outer.basePath, group.basePath ?? ''),
    tags: [...outer.tags, ...(group.tags ?? [])],
    middleware: [...outer.middleware, ...(group.middleware ?? [])],
    auth: group.auth ?? outer.auth,
  }
  const routes: RouteWiring[] = []
  for (const entry of Object.values(group.routes)) {
    if ('routes' in entry) {
      routes.push(...flattenRoutes(entry, shared))
      continue
    }
    const route: RouteWiring<AnyAPIFunction> = { ...(entry as RouteWiring), route: joinPath(shared.basePath, entry.route) }
    const auth = entry.auth ?? shared.auth
    if (auth !== undefined) route.auth = auth as never
    const tags = [...shared.tags, ...(entry.tags ?? [])]
    if (tags.length > 0) route.tags = tags
    const middleware = [...shared.middleware, ...(entry.middleware ?? [])]
    if (middleware.length > 0) route.middleware = middleware
    routes.push(route)
  }
  return routes
}

/**
 * A base path and a route joined with one slash between them (`/api` + `/todos`); an empty or
 * `/` route is the base path itself. The code generator joins them the same way.
 */
export function joinPath(base: string, path: string): string {
  const trimmed = base.replace(/\/+$/, '')
  if (path === '' || path === '/') return trimmed === '' ? '/' : trimmed
  return path.startsWith('/') ? `${trimmed}${path}` : `${trimmed}/${path}`
}
