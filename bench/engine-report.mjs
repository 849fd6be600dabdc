// The report of bench/engine.mjs: median ns per request for each case and side, the bare
// N-API call floor, the authenticated route, where the JS time goes, and the largest
// run-to-run spread.
import os from 'node:os';

/** Prints the tables, from the samples the timing loops collected. */
export function report({ cases, authCases, parts, floor, objectShape, token, size, RUNS, SCALE }) {
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const spread = (xs) => (Math.max(...xs) - Math.min(...xs)) / median(xs);
  const ns = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  let worst = { s: spread(floor.samples), at: 'owns floor' };
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
  console.log(`\nbare N-API call floor, \`native.owns(engine, '/hello')\` (1 string in, bool out): ${ns(median(floor.samples))} ns`);

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
}
