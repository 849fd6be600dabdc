// `pikku init [dir]`: writes a small working project (one function, one route, one test) from
// ../templates/app, so that a newcomer's commands are `npx pikku init my-app`, `cd my-app`,
// `npm install` and `npm run dev`.
const { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs')
const { basename, join, relative, resolve } = require('node:path')

const TEMPLATE = join(__dirname, '..', 'templates', 'app')

/** Writes the project into `dir` (default: the current folder); returns the exit code. */
function init(args) {
  const extra = args.filter((arg) => arg.startsWith('-'))
  if (extra.length > 0 || args.length > 1) {
    console.error(`pikku init: unexpected ${extra.length > 0 ? `option \`${extra[0]}\`` : `argument \`${args[1]}\``}\n  usage: pikku init [dir]`)
    return 2
  }
  const target = resolve(args[0] ?? '.')
  if (existsSync(target) && readdirSync(target).some((name) => name !== '.git')) {
    console.error(`pikku init: ${target} is not empty; nothing was written\n  = help: give a new folder: \`npx pikku init my-app\``)
    return 1
  }
  mkdirSync(target, { recursive: true })
  cpSync(TEMPLATE, target, { recursive: true })
  // npm leaves `.gitignore` out of published packages: the template names it `gitignore`.
  renameSync(join(target, 'gitignore'), join(target, '.gitignore'))
  const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'))
  manifest.name = packageName(basename(target))
  // The runtime and this command are released together, with the same version.
  const version = `^${require('../package.json').version}`
  manifest.dependencies['@pikku/native'] = version
  manifest.devDependencies['@pikku/native-cli'] = version
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  const cd = relative(process.cwd(), target)
  console.log(
    [
      `pikku: a new project in ${target}`,
      '',
      'Next:',
      ...(cd ? [`  cd ${cd}`] : []),
      '  npm install',
      '  npm run dev        # serves http://localhost:3000, regenerates and restarts on every save',
      '  curl localhost:3000/greet/World',
      '  npm test',
    ].join('\n'),
  )
  return 0
}

/** A valid npm package name from a folder name. */
function packageName(folder) {
  const name = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '')
  return name || 'pikku-app'
}

module.exports = { init }
