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
import { SignJWT, jwtVerify } from 'jose';

import { MAX_BODY, routes, schemas, session } from './engine-app.mjs';
import { JWT_KEY, JWT_OPTIONS, jsHandle, jsHandleAuth } from './engine-js.mjs';
import { report } from './engine-report.mjs';

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

// ---- one app (engine-app.mjs), served by both sides (the JS side: engine-js.mjs) ------------
const engine = native.createEngine(JSON.stringify({ routes, schemas, session, maxBodyBytes: MAX_BODY }));
const handle = native.handlerFor(engine);

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

report({ cases, authCases, parts, floor: jobs[0], objectShape, token, size, RUNS, SCALE });
if (sink === 0.5) console.log(''); // keeps `sink` observable
