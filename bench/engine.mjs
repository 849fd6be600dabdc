// Per-request engine call (Rust, through N-API) against the same work in plain JS, and the
// same with a bearer JWT (HS256) verified by the engine against jose's jwtVerify in JS.
// Run from the repo root: `node bench/engine.mjs` (or `taskset -c 0 node bench/engine.mjs`).
// Options: --runs=N (default 7, at least 5), --scale=F (multiplies every iteration count).
// See bench/README.md for what each column measures.
import { createRequire } from 'node:module';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deepStrictEqual } from 'node:assert/strict';
import os from 'node:os';
import { SignJWT, jwtVerify } from 'jose';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const arg = (name, def) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.slice(name.length + 3)) : def;
};
const RUNS = Math.max(5, arg('runs', 7));
const SCALE = arg('scale', 1);

// ---- the addon and dist must be built ----------------------------------------------------
function fail(msg) {
  console.error(`bench/engine.mjs: ${msg}\nBuild first: npx napi build --platform --release && npx tsc -p tsconfig.build.json`);
  process.exit(1);
}
const addons = readdirSync(root).filter((f) => /^pikku-native\..*\.node$/.test(f));
if (addons.length === 0) fail('the native addon (pikku-native.<platform>.node) is not built.');
if (!existsSync(join(root, 'dist', 'index.js'))) fail('dist/ is not built (dist/index.js is missing).');
let native;
try {
  native = require(join(root, 'index.js')); // the napi loader the package ships
  if (typeof require(join(root, 'dist', 'index.js')).createApp !== 'function') throw new Error('no createApp export');
} catch (err) {
  fail(`cannot load the addon or dist: ${err.message}`);
}
if (typeof native.createEngine !== 'function') fail('index.js does not export createEngine.');
const newest = (dir) => readdirSync(dir, { recursive: true })
  .map((f) => statSync(join(dir, f))).filter((s) => s.isFile()).reduce((m, s) => Math.max(m, s.mtimeMs), 0);
const addonTime = statSync(join(root, addons[0])).mtimeMs;
if (Math.max(newest(join(root, 'src')), newest(join(root, 'crates'))) > addonTime) {
  console.error('warning: Rust sources are newer than the addon; the numbers may not reflect them.\n');
}
const FindMyWay = require('find-my-way');
const Ajv2020 = require('ajv/dist/2020').default;

// ---- one app, described once, served by both sides ---------------------------------------
const item = { type: 'object', properties: { name: { type: 'string' }, qty: { type: 'integer' }, price: { type: 'number' } },
  required: ['name', 'qty', 'price'], additionalProperties: false };
const TodoInput = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, notify: { type: 'boolean' }, title: { type: 'string', minLength: 1 },
    done: { type: 'boolean' }, tags: { type: 'array', items: { type: 'string' } }, items: { type: 'array', items: item },
  },
  required: ['title'],
  additionalProperties: false,
};
const routes = [
  { method: 'post', route: '/todos/:id', auth: false, inputSchema: 'TodoInput' },
  { method: 'post', route: '/todos', auth: false, inputSchema: 'TodoInput' },
  { method: 'get', route: '/hello', auth: false },
  { method: 'post', route: '/secure/todos/:id', auth: true, inputSchema: 'TodoInput' },
];
const schemas = { TodoInput };
const MAX_BODY = 1 << 20;
// Sessions: a JWT in `Authorization: Bearer`, HS256 only, with the engine's default leeway.
const JWT_SECRET = 'bench-secret-0123456789abcdef-0123456789abcdef'; // 46 bytes (the engine wants 32+)
const LEEWAY_S = 30;
const session = { jwt: { algorithm: 'HS256', secret: JWT_SECRET, leewaySeconds: LEEWAY_S } };
const engine = native.createEngine(JSON.stringify({ routes, schemas, session, maxBodyBytes: MAX_BODY }));
const handle = native.handlerFor(engine);

// The JS side: find-my-way (which splits the query and parses it with its bundled
// fast-querystring), JSON.parse, merge with conflict check, schema-guided coercion, ajv.
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
function jsHandle(method, url, contentType, body) {
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
const JWT_KEY = new TextEncoder().encode(JWT_SECRET); // built once; jose imports it per call
const JWT_OPTIONS = { algorithms: ['HS256'], clockTolerance: LEEWAY_S };
const MAX_TOKEN = 8 * 1024;
function bearer(header) {
  if (header.length > MAX_TOKEN + 7) return null;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'bearer') return null;
  const token = header.slice(space + 1).trim();
  return token === '' || token.length > MAX_TOKEN ? null : token;
}
async function jsHandleAuth(method, url, contentType, authorization, body) {
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
// `handle`'s answer parsed: JSON text, or the bare target of a run with no input and no session.
const wire = (answer) => (typeof answer === 'number' ? [answer, {}] : JSON.parse(answer));
// What the `handle()`-only column sums: the answer's size (a bare target counts 1).
const size = (answer) => (typeof answer === 'number' ? 1 : answer.length);
// The native side timed the same way: one async call per request, awaited in an async loop.
async function nativeHandleAsync(method, url, contentType, authorization, body) {
  return wire(handle(method, url, body, false, contentType, false, null, authorization));
}

// ---- cases -------------------------------------------------------------------------------
const small = { title: 'Buy milk', done: false, tags: ['a', 'b'] };
const big = { title: 'Stock up', done: false, tags: ['shop', 'weekly'], items: [] };
for (let i = 0; i < 100; i++) {
  big.items.push({ name: `Item ${String(i).padStart(3, '0')}: organic whole-grain sourdough loaf, sliced, 800 g pack (x2)`, qty: i % 7 + 1, price: 2.5 + i / 100 });
}
const JSON_CT = 'application/json';
const cases = [
  { name: 'GET /hello (no body, no schema)', method: 'GET', url: '/hello', ct: null, body: Buffer.alloc(0), iters: 500_000 },
  { name: 'POST /todos/42?notify=true, small', method: 'POST', url: '/todos/42?notify=true', ct: JSON_CT, body: Buffer.from(JSON.stringify(small)), iters: 200_000 },
  { name: 'POST /todos/42?notify=true, 10 KB', method: 'POST', url: '/todos/42?notify=true', ct: JSON_CT, body: Buffer.from(JSON.stringify(big)), iters: 20_000 },
  { name: 'POST /todos, small (body echoed raw)', method: 'POST', url: '/todos', ct: JSON_CT, body: Buffer.from(JSON.stringify(small)), iters: 200_000 },
  { name: 'POST /todos, 10 KB (body echoed raw)', method: 'POST', url: '/todos', ct: JSON_CT, body: Buffer.from(JSON.stringify(big)), iters: 20_000 },
];

// Both sides must do the same work: same successful result, and both reject a bad input.
for (const c of cases) {
  c.result = handle(c.method, c.url, c.body, false, c.ct);
  const fromNative = wire(c.result);
  if (fromNative[0] < 0) fail(`native rejected ${c.name}: ${c.result}`);
  deepStrictEqual(jsHandle(c.method, c.url, c.ct, c.body), fromNative, `results differ for ${c.name}`);
}
const bad = Buffer.from(JSON.stringify({ ...small, title: '' }));
const nativeBad = wire(handle('POST', '/todos/42', bad, false, JSON_CT))[0];
const jsBad = jsHandle('POST', '/todos/42', JSON_CT, bad)[0];
if (nativeBad !== -422 || jsBad !== -422) fail(`expected both to reject an empty title with 422, got ${nativeBad} and ${jsBad}`);

// ---- the authenticated case --------------------------------------------------------------
// A token signed once with jose: `sub`, `iat`, `exp` one hour ahead, two custom claims.
const token = await new SignJWT({ name: 'Ada Lovelace', roles: ['admin', 'editor'] })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject('user-42').setIssuedAt().setExpirationTime('1h').sign(JWT_KEY);
const AUTH = `Bearer ${token}`;
const smallBody = Buffer.from(JSON.stringify(small));
const authCases = [
  { name: 'POST /secure/todos/42, small, Bearer JWT', method: 'POST', url: '/secure/todos/42', ct: JSON_CT, auth: AUTH, body: smallBody, iters: 50_000 },
  { name: 'POST /todos/42, small, no token (baseline)', method: 'POST', url: '/todos/42', ct: JSON_CT, auth: null, body: smallBody, iters: 200_000 },
];
for (const c of authCases) {
  c.result = handle(c.method, c.url, c.body, false, c.ct, false, null, c.auth);
  const fromNative = wire(c.result);
  if (fromNative[0] < 0) fail(`native rejected ${c.name}: ${c.result}`);
  deepStrictEqual(await jsHandleAuth(c.method, c.url, c.ct, c.auth, c.body), fromNative, `results differ for ${c.name}`);
  deepStrictEqual(await nativeHandleAsync(c.method, c.url, c.ct, c.auth, c.body), fromNative, `async native differs for ${c.name}`);
}
const claims = wire(authCases[0].result)[2];
if (claims?.sub !== 'user-42' || !(claims.exp > Date.now() / 1000)) fail(`the engine's session is not the token's claims: ${authCases[0].result}`);
// Both reject a tampered token (payload changed, signature kept) and a missing one with 401.
const [h, p, sig] = token.split('.');
const forged = JSON.parse(Buffer.from(p, 'base64url').toString());
forged.sub = 'user-1';
const tampered = `Bearer ${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${sig}`;
for (const [what, auth] of [['a tampered token', tampered], ['no token', null]]) {
  const n = wire(handle('POST', '/secure/todos/42', smallBody, false, JSON_CT, false, null, auth));
  const j = await jsHandleAuth('POST', '/secure/todos/42', JSON_CT, auth, smallBody);
  if (n[0] !== -401 || j[0] !== -401) fail(`expected both to reject ${what} with 401, got ${n[0]} (${JSON.stringify(n[1])}) and ${j[0]}`);
}

// ---- timing ------------------------------------------------------------------------------
// Each variant is a closure returning a number that is summed, so no work can be dropped.
const variants = {
  handle: (c) => () => size(handle(c.method, c.url, c.body, false, c.ct)),
  native: (c) => () => wire(handle(c.method, c.url, c.body, false, c.ct))[0] + 1,
  parse: (c) => () => wire(c.result)[0] + 1,
  js: (c) => () => jsHandle(c.method, c.url, c.ct, c.body)[0] + 1,
};
// The other boundary shape, only in a build with `--features boundary-shapes`: the same answer
// built as JS objects through N-API (what `JSON.parse(result)` replaces).
const objectShape = typeof native.benchValueToJs === 'function';
if (objectShape) {
  for (const c of cases) c.kept = native.benchKeepValue(JSON.stringify(wire(c.result)));
  variants.objects = (c) => () => native.benchValueToJs(c.kept)[0] + 1;
}
// The authenticated case: the synchronous native calls as above, plus both sides as async
// functions awaited one request at a time (an `async` variant returns a promise of a number).
const authVariants = {
  handle: (c) => () => size(handle(c.method, c.url, c.body, false, c.ct, false, null, c.auth)),
  parse: (c) => () => wire(c.result)[0] + 1,
  native: (c) => () => wire(handle(c.method, c.url, c.body, false, c.ct, false, null, c.auth))[0] + 1,
  nativeAwait: (c) => async () => (await nativeHandleAsync(c.method, c.url, c.ct, c.auth, c.body))[0] + 1,
  jsAwait: (c) => async () => (await jsHandleAuth(c.method, c.url, c.ct, c.auth, c.body))[0] + 1,
};
const isAsync = (fn) => fn.constructor.name === 'AsyncFunction';
// Where the JS time goes: jose alone, with the key as given (a Uint8Array, imported into
// WebCrypto on every call) and as a CryptoKey imported once; and an awaited no-op.
const cryptoKey = await crypto.subtle.importKey('raw', JWT_KEY, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
const parts = [
  { key: 'jose', name: 'jose `jwtVerify` alone, Uint8Array key (imported per call)', fn: async () => (await jwtVerify(token, JWT_KEY, JWT_OPTIONS)).payload.exp & 1, iters: 50_000 },
  { key: 'joseCK', name: 'jose `jwtVerify` alone, CryptoKey imported once', fn: async () => (await jwtVerify(token, cryptoKey, JWT_OPTIONS)).payload.exp & 1, iters: 50_000 },
  { key: 'noop', name: 'an awaited async no-op (the async loop floor)', fn: async () => 1, iters: 1_000_000 },
];
let sink = 0;
function timeLoop(fn, iters) {
  let acc = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) acc += fn();
  const t1 = process.hrtime.bigint();
  sink ^= acc;
  return Number(t1 - t0) / iters;
}
async function timeLoopAsync(fn, iters) {
  let acc = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) acc += await fn();
  const t1 = process.hrtime.bigint();
  sink ^= acc;
  return Number(t1 - t0) / iters;
}
const floorCall = () => (native.owns(engine, '/hello') ? 1 : 0);
const jobs = [{ key: 'floor', fn: floorCall, iters: 1_000_000, samples: [] }];
const scaled = (n) => Math.max(1, Math.round(n * SCALE));
for (const [list, vs] of [[cases, variants], [authCases, authVariants]]) {
  for (const c of list) {
    c.samples = {};
    for (const [key, make] of Object.entries(vs)) {
      c.samples[key] = [];
      jobs.push({ key, fn: make(c), iters: scaled(c.iters), samples: c.samples[key] });
    }
  }
}
for (const part of parts) { part.samples = []; jobs.push({ key: part.key, fn: part.fn, iters: scaled(part.iters), samples: part.samples }); }
jobs[0].iters = scaled(jobs[0].iters);
const timeJob = (j) => (isAsync(j.fn) ? timeLoopAsync(j.fn, j.iters) : timeLoop(j.fn, j.iters));
for (const j of jobs) { await timeJob(j); await timeJob(j); } // warm-up: two full loops
for (let r = 0; r < RUNS; r++) for (const j of jobs) j.samples.push(await timeJob(j)); // interleaved runs

// ---- report ------------------------------------------------------------------------------
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const spread = (xs) => (Math.max(...xs) - Math.min(...xs)) / median(xs);
const ns = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
let worst = { s: spread(jobs[0].samples), at: 'owns floor' };
const medians = (c) => Object.fromEntries(Object.entries(c.samples).map(([k, xs]) => {
  if (spread(xs) > worst.s) worst = { s: spread(xs), at: `${c.name} / ${k}` };
  return [k, median(xs)];
}));
const rows = cases.map((c) => {
  const m = medians(c);
  const objects = objectShape ? ` ${ns(m.objects)} |` : '';
  return `| ${c.name} | ${c.body.length} | ${size(c.result)} | ${ns(m.handle)} | ${ns(m.parse)} |${objects} **${ns(m.native)}** | **${ns(m.js)}** | ${(m.js / m.native).toFixed(2)}× |`;
});
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`Node ${process.version}, ${cpu}, availableParallelism ${os.availableParallelism()} of ${os.cpus().length} CPUs, ${os.platform()} ${os.arch()}`);
console.log(`median ns per request over ${RUNS} interleaved runs (after 2 warm-up loops), scale ${SCALE}\n`);
const objectsHead = objectShape ? ' same answer as objects through N-API |' : '';
console.log(`| case | body B | result B | native \`handle()\` only | \`JSON.parse(result)\` only |${objectsHead} native \`JSON.parse(handle())\` | JS find-my-way + ajv | JS / native |`);
console.log(`|---|---:|---:|---:|---:|${objectShape ? '---:|' : ''}---:|---:|---:|`);
if (!objectShape) console.log('(build with `--features boundary-shapes` to add the objects-through-N-API column)');
for (const row of rows) console.log(row);
console.log(`\nbare N-API call floor, \`native.owns(engine, '/hello')\` (1 string in, bool out): ${ns(median(jobs[0].samples))} ns`);

console.log(`\nAuthenticated route: \`Authorization: Bearer <JWT>\` (HS256, ${token.length} B token) + path param + validated JSON body`);
console.log('engine: jsonwebtoken in Rust; JS: jose `jwtVerify` (async) with a Uint8Array key, then find-my-way + ajv as above\n');
console.log('| case | body B | result B | native `handle()` only | `JSON.parse(result)` only | native `JSON.parse(handle())`, sync loop | native, awaited | JS find-my-way + jose + ajv, awaited | JS / native (both awaited) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const c of authCases) {
  const m = medians(c);
  console.log(`| ${c.name} | ${c.body.length} | ${size(c.result)} | ${ns(m.handle)} | ${ns(m.parse)} | ${ns(m.native)} | **${ns(m.nativeAwait)}** | **${ns(m.jsAwait)}** | ${(m.jsAwait / m.nativeAwait).toFixed(2)}× |`);
}
console.log('\nwhere the JS time goes (awaited one at a time, ns per call):');
for (const part of parts) {
  if (spread(part.samples) > worst.s) worst = { s: spread(part.samples), at: part.name };
  console.log(`- ${part.name}: ${ns(median(part.samples))}`);
}
console.log(`largest run-to-run spread, (max-min)/median: ${(worst.s * 100).toFixed(1)}% (${worst.at}); load average ${os.loadavg()[0].toFixed(2)}`);
if (sink === 0.5) console.log(''); // keeps `sink` observable
