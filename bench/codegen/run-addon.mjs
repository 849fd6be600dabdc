// Which build of the code generator's addon the benchmark runs: --addon=<path>, else the CLI
// package's own pikku-codegen.<platform>.node if it is a release build (the release profile
// strips symbols; the dev profiles keep them), else cargo's release output.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** The addon to measure, and its file's stat; exits with a message when there is no release build. */
export function releaseAddon(repo, chosen) {
  const triple = { x64: 'x86_64', arm64: 'aarch64' }[process.arch] + '-unknown-linux-gnu'
  const cli = join(repo, 'packages', 'cli')
  const packaged = join(cli, `pikku-codegen.${process.platform}-${process.arch}-gnu.node`)
  const cargoRelease = join(repo, 'target', triple, 'release', 'libpikku_codegen_node.so')
  let addon = chosen
  if (!addon) {
    if (existsSync(packaged) && isStripped(packaged)) addon = packaged
    else if (existsSync(cargoRelease) && isStripped(cargoRelease)) addon = cargoRelease
  }
  if (!addon || !existsSync(addon)) {
    console.error('No release build of the code generator\'s addon found. Build it first:\n  npx napi build --platform --release --cwd packages/cli')
    process.exit(1)
  }
  if (!isStripped(addon)) console.error(`warning: ${addon} keeps its symbols: probably not a release build.`)
  const newestSource = (dir) =>
    readdirSync(dir, { recursive: true })
      .filter((f) => String(f).endsWith('.rs') || String(f) === 'Cargo.toml')
      .reduce((m, f) => Math.max(m, statSync(join(dir, String(f))).mtimeMs), 0)
  const addonStat = statSync(addon)
  if (Math.max(newestSource(join(repo, 'src')), newestSource(join(repo, 'crates'))) > addonStat.mtimeMs) {
    console.error('warning: Rust sources are newer than the addon; the figures may not reflect them.')
  }
  return { addon, addonStat }
}

function isStripped(file) {
  // ELF64 little-endian: a release build has no .symtab section.
  const b = readFileSync(file)
  if (b.readUInt32BE(0) !== 0x7f454c46) return false
  const shoff = Number(b.readBigUInt64LE(0x28))
  const shentsize = b.readUInt16LE(0x3a)
  const shnum = b.readUInt16LE(0x3c)
  const shstrndx = b.readUInt16LE(0x3e)
  const strOff = Number(b.readBigUInt64LE(shoff + shstrndx * shentsize + 0x18))
  for (let k = 0; k < shnum; k++) {
    const nameOff = b.readUInt32LE(shoff + k * shentsize)
    const end = b.indexOf(0, strOff + nameOff)
    if (b.toString('latin1', strOff + nameOff, end) === '.symtab') return false
  }
  return true
}
