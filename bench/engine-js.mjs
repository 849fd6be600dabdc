// The JS side of bench/engine.mjs: the engine's work done in plain JS, with find-my-way (which
// splits the query and parses it with its bundled fast-querystring), JSON.parse, merge with
// conflict check, schema-guided coercion, ajv; and jose's jwtVerify for the bearer token.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jwtVerify } from 'jose';

import { JWT_SECRET, LEEWAY_S, MAX_BODY, routes, schemas } from './engine-app.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const FindMyWay = require('find-my-way');
const Ajv2020 = require('ajv/dist/2020').default;

const ajv = new Ajv2020({ allErrors: true });
const router = FindMyWay();
routes.forEach((r, index) => {
  const schema = r.inputSchema ? schemas[r.inputSchema] : null;
  const coerce = Object.create(null);
  for (const [k, s] of Object.entries(schema?.properties ?? {})) coerce[k] = s.type;
  const store = { index, auth: r.auth, coerce, validate: schema ? ajv.compile(schema) : null, readsBody: r.method !== 'get' };
  router.on(r.method.toUpperCase(), r.route, () => {}, store);
});
function coerceString(type, v) {
  if (typeof v !== 'string') return v;
  if (type === 'integer') return /^-?\d+$/.test(v) ? Number(v) : v;
  if (type === 'number') return v !== '' && Number.isFinite(+v) ? +v : v;
  if (type === 'boolean') return v === 'true' ? true : v === 'false' ? false : v;
  return v;
}
const hasOwn = Object.hasOwn;
export function jsHandle(method, url, contentType, body) {
  const found = router.find(method, url);
  if (found === null) return [-404, null];
  if (found.store.auth) return [-401, 'no session'];
  return jsInput(found, contentType, body);
}
// The params, query and body of a routed request, merged, coerced and validated.
function jsInput(found, contentType, body) {
  const { index, coerce, validate, readsBody } = found.store;
  let input = {};
  let n = 0;
  for (const k in found.params) { input[k] = coerceString(coerce[k], found.params[k]); n++; }
  const query = found.searchParams;
  for (const k in query) {
    const v = coerceString(coerce[k], query[k]);
    if (hasOwn(input, k) && input[k] !== v) return [-422, 'conflict'];
    input[k] = v; n++;
  }
  if (readsBody && body.length > 0) {
    if (body.length > MAX_BODY) return [-413, null];
    if (contentType === null || !contentType.startsWith('application/json')) return [-415, null];
    let parsed;
    try { parsed = JSON.parse(body.toString()); } catch { return [-400, 'bad json']; }
    if (n === 0 && parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) input = parsed;
    else for (const k in parsed) {
      if (hasOwn(input, k) && input[k] !== parsed[k]) return [-422, 'conflict'];
      input[k] = parsed[k];
    }
  }
  if (validate !== null && !validate(input)) return [-422, validate.errors];
  return [index, input];
}
// The JS side with sessions, in the engine's order: route, then the bearer token (jose's
// jwtVerify: HS256 only, exp/nbf with the same leeway, a JSON-object payload), then the auth
// gate, then the input. The claims come third, as on the wire. jwtVerify is async, so this is.
// Like the body, the claims skip the deep `__proto__` check: JSON.parse makes own properties.
export const JWT_KEY = new TextEncoder().encode(JWT_SECRET); // built once; jose imports it per call
export const JWT_OPTIONS = { algorithms: ['HS256'], clockTolerance: LEEWAY_S };
const MAX_TOKEN = 8 * 1024;
function bearer(header) {
  if (header.length > MAX_TOKEN + 7) return null;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'bearer') return null;
  const token = header.slice(space + 1).trim();
  return token === '' || token.length > MAX_TOKEN ? null : token;
}
export async function jsHandleAuth(method, url, contentType, authorization, body) {
  const found = router.find(method, url);
  if (found === null) return [-404, null];
  let claims = null;
  if (authorization !== null) {
    const token = bearer(authorization);
    if (token === null) return [-401, 'not a bearer token'];
    try { claims = (await jwtVerify(token, JWT_KEY, JWT_OPTIONS)).payload; } catch { return [-401, 'invalid session']; }
  }
  if (found.store.auth && claims === null) return [-401, 'no session'];
  const out = jsInput(found, contentType, body);
  if (claims !== null && out[0] >= 0) out.push(claims);
  return out;
}
