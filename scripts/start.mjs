// `npm start`: builds the package and the example app, then serves the example.
import { buildExample, buildPackage, ensureDependencies, run } from './steps.mjs'

ensureDependencies()
buildPackage()
buildExample()
run('node', ['examples/todo-app/dist/server.js'])
