// The native addon, through the loader that napi-rs generates at the package root.
export { NativeEngine, checkMetadata, requestId } from '../index.js'
