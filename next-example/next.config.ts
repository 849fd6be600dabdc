import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // The package loads a native addon: keep it out of the bundle and require it at run time.
  serverExternalPackages: ['@pikku/native'],
  // This app lives inside the package's repository, whose own lockfile would otherwise make
  // Next take the repository as the workspace root.
  turbopack: { root: __dirname },
  outputFileTracingRoot: __dirname,
}

export default nextConfig
