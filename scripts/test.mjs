// `npm test`: everything CI runs — Rust lints and tests, the build, type checks (library,
// tests, examples), and the vitest suites (real HTTP, real Express, a real Next.js build).
import { buildExample, buildPackage, ensureDependencies, run } from './steps.mjs'

ensureDependencies()
run('cargo', ['fmt', '--all', '--', '--check'])
run('cargo', ['clippy', '--workspace', '--all-targets', '--locked', '--', '-D', 'warnings'])
run('cargo', ['test', '--workspace', '--locked'])
buildPackage()
buildExample()
run('npx', ['tsc', '-p', 'tsconfig.json'])
run('npx', ['vitest', 'run'])
console.log('\n✓ all tests passed')
