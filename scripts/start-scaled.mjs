// `npm run start:scaled`: builds the package and the example app, then runs the example as two
// web processes and a worker sharing one Redis (examples/todo-app/src/scaled.ts).
import { buildExample, buildPackage, ensureDependencies, run } from './steps.mjs'

ensureDependencies()
buildPackage()
buildExample()
run('node', ['examples/todo-app/dist/scaled.js'])
