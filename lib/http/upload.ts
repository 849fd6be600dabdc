// Uploads: the body of a route wired with `upload` — `multipart/form-data` or
// `application/octet-stream` — streamed to temporary files within the route's limits (file
// count and size, field count and size, file field names), checked as it arrives, so that
// nothing over a limit is kept and nothing reaches the function before the whole request
// passed. The text fields then go through the engine as a form body, validated and read by
// the function's schema as any form; the files reach the function as its `files` service.

import { createReadStream, createWriteStream, type ReadStream } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'

import type { BusboyFileStream } from '@fastify/busboy'

import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.js'
import type { HttpRequestLike } from './answer.js'
import { BodyBuffer } from './body-buffer.js'

/** The client went away mid-upload: no one is left to answer, and nothing failed on our side. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError'
}

/** The limits of an upload route (`addRoute({ upload: { … } })`). */
export interface UploadOptions {
  /** The file fields it takes; a file under another name is refused (default: any name). */
  fileFields?: readonly string[]
  /** The most files (default 1). */
  maxFiles?: number
  /** The largest file in bytes (default 10 MiB); the body of an `application/octet-stream` upload too. */
  maxFileBytes?: number
  /** The most text fields (default 100). */
  maxFields?: number
  /** The longest text field in bytes (default 64 KiB). */
  maxFieldBytes?: number
}

/** The limits of an upload route, each given or defaulted. */
export type UploadLimits = Required<Omit<UploadOptions, 'fileFields'>> & Pick<UploadOptions, 'fileFields'>

export const UPLOAD_DEFAULTS: UploadLimits = { maxFiles: 1, maxFileBytes: 10 * 1024 * 1024, maxFields: 100, maxFieldBytes: 64 * 1024 }

/**
 * A file of an upload, in a temporary file that is removed when the invocation ends: read it,
 * or move it elsewhere, before the function returns.
 */
export interface UploadedFile {
  /** The form field it came in (`body` for an `application/octet-stream` upload). */
  field: string
  /** The file name the client gave, if any (never a path to trust). */
  filename: string | undefined
  /** Its content type, as the client gave it. */
  mimeType: string
  /** Its size in bytes. */
  size: number
  /** Where it is on disk, until the invocation ends. */
  path: string
  /** Reads it as a stream. */
  stream(): ReadStream
  /** Reads it whole. */
  bytes(): Promise<Buffer>
}

/** What an upload's body held: its files on disk and its text fields, in order. */
export interface UploadBody {
  files: UploadedFile[]
  fields: [string, string][]
  /** Removes the files (when the invocation has ended, or the upload was refused). */
  cleanup(): Promise<void>
}

/**
 * The most bytes an upload's body can hold within `limits` (each part's headers allowed 1 KiB):
 * a larger declared `Content-Length` is refused before a byte is read.
 */
export function mostUploadBytes(limits: UploadLimits): number {
  return limits.maxFiles * (limits.maxFileBytes + 1024) + limits.maxFields * (limits.maxFieldBytes + 1024) + 1024
}

/** Whether a content type is one an upload route streams. */
export function isUploadType(contentType: string | undefined): boolean {
  const type = contentType?.trimStart().toLowerCase()
  return type !== undefined && (type.startsWith('multipart/form-data') || type.startsWith('application/octet-stream'))
}

/**
 * Reads an upload's body from `source` into temporary files, within `limits`. Rejects with
 * `PayloadTooLargeError` (413) at the first limit passed — it stops reading there — and
 * `BadRequestError` (400) for a body that is not a form or a file under a name not taken.
 */
export async function readUpload(source: Readable, contentType: string, limits: UploadLimits): Promise<UploadBody> {
  const dir = await mkdtemp(join(tmpdir(), 'pikku-upload-'))
  const body: UploadBody = { files: [], fields: [], cleanup: () => rm(dir, { recursive: true, force: true }) }
  try {
    if (contentType.trimStart().toLowerCase().startsWith('application/octet-stream')) {
      body.files.push(await saveFile(source, join(dir, 'body'), limits.maxFileBytes, 'body', undefined, contentType).done)
    } else {
      // Loaded with the first form: an app without uploads never loads it.
      const { Busboy } = await import('@fastify/busboy')
      await readForm(Busboy, source, contentType, limits, dir, body)
    }
    return body
  } catch (error) {
    await body.cleanup()
    throw error
  }
}

/** A multipart form: files to `dir`, fields kept, each limit checked as the parts arrive. */
function readForm(Busboy: typeof import('@fastify/busboy').Busboy, source: Readable, contentType: string, limits: UploadLimits, dir: string, body: UploadBody): Promise<void> {
  return new Promise((resolve, reject) => {
    let form: ReturnType<typeof Busboy>
    try {
      form = Busboy({
        headers: { 'content-type': contentType },
        limits: { files: limits.maxFiles, fileSize: limits.maxFileBytes, fields: limits.maxFields, fieldSize: limits.maxFieldBytes, fieldNameSize: 200, parts: limits.maxFiles + limits.maxFields },
      })
    } catch (error) {
      return reject(new BadRequestError(`The upload is not a multipart form: ${(error as Error).message}`))
    }
    let failed = false
    let files = 0
    const saving: Promise<void>[] = []
    /** The files being written: stopped (their descriptors closed) when the upload fails. */
    const writing = new Set<FileSave>()
    const fail = (error: Error) => {
      if (failed) return
      failed = true
      source.unpipe(form)
      for (const save of writing) save.abort(error)
      reject(error)
    }
    form.on('file', (field: string, file: BusboyFileStream, filename: string, _encoding: string, mimeType: string) => {
      if (failed) return void file.resume()
      if (limits.fileFields !== undefined && !limits.fileFields.includes(field)) {
        file.resume()
        return fail(new BadRequestError(`The upload has a file in field \`${field}\`; this route takes files in ${limits.fileFields.map((f) => `\`${f}\``).join(', ')}`))
      }
      const index = files++ // files are handed over in the order they came, whichever is written first
      const save = saveFile(file, join(dir, String(index)), limits.maxFileBytes, field, filename || undefined, mimeType)
      writing.add(save)
      const saved = save.done.then(
        (uploaded) => {
          writing.delete(save)
          body.files[index] = uploaded
        },
        (error: Error) => {
          writing.delete(save)
          fail(error)
        },
      )
      saving.push(saved)
    })
    form.on('field', (field: string, value: string, fieldTruncated: boolean, valueTruncated: boolean) => {
      if (fieldTruncated) return fail(new PayloadTooLargeError('The upload has a field name longer than 200 bytes'))
      if (valueTruncated) return fail(new PayloadTooLargeError(`The upload's field \`${field}\` is longer than ${limits.maxFieldBytes} bytes`))
      body.fields.push([field, value])
    })
    form.on('filesLimit', () => fail(new PayloadTooLargeError(`The upload has more than ${limits.maxFiles} file${limits.maxFiles === 1 ? '' : 's'}`)))
    form.on('fieldsLimit', () => fail(new PayloadTooLargeError(`The upload has more than ${limits.maxFields} fields`)))
    form.on('partsLimit', () => fail(new PayloadTooLargeError(`The upload has more than ${limits.maxFiles + limits.maxFields} parts`)))
    form.on('error', (error: unknown) => fail(new BadRequestError(`The upload is not a well-formed multipart form: ${(error as Error).message}`)))
    form.on('finish', () => {
      if (failed) return
      void Promise.all(saving).then(() => !failed && resolve())
    })
    source.on('error', () => fail(new ClientGoneError()))
    source.pipe(form)
  })
}

/** A file being written: its outcome, and a stop that closes it. */
interface FileSave {
  done: Promise<UploadedFile>
  abort(error: Error): void
}

/** Streams one file to `path`, refused (413) past `maxBytes`: nothing more is read. */
function saveFile(file: Readable, path: string, maxBytes: number, field: string, filename: string | undefined, mimeType: string): FileSave {
  const out = createWriteStream(path)
  let size = 0
  let settle: { resolve: (file: UploadedFile) => void; reject: (error: Error) => void } | undefined
  const done = new Promise<UploadedFile>((resolve, reject) => (settle = { resolve, reject }))
  const stop = (error: Error) => {
    if (settle === undefined) return
    const { reject } = settle
    settle = undefined
    file.unpipe(out) // and nothing more is read of it
    out.destroy()
    reject(error)
  }
  file.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size > maxBytes) stop(new PayloadTooLargeError(`The upload's file in field \`${field}\` is larger than ${maxBytes} bytes`))
  })
  // busboy truncates a file at its `fileSize` limit and says so.
  file.on('limit', () => stop(new PayloadTooLargeError(`The upload's file in field \`${field}\` is larger than ${maxBytes} bytes`)))
  file.on('error', () => stop(new ClientGoneError()))
  out.on('error', (error: Error) => stop(error))
  out.on('finish', () => {
    if (settle === undefined) return
    settle.resolve({ field, filename, mimeType, size, path, stream: () => createReadStream(path), bytes: () => readFile(path) })
    settle = undefined
  })
  file.pipe(out)
  return { done, abort: stop }
}

/**
 * A body that is not an upload's, read whole up to `limit` bytes (`null` past it: the rest is
 * left unread, and the 413 that follows closes the connection). A client that goes away
 * rejects with `ClientGoneError`.
 */
export function readWhole(source: Readable, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const body = new BodyBuffer(limit, NaN)
    const onData = (chunk: Buffer) => {
      if (body.add(chunk)) return
      source.off('data', onData)
      source.pause()
      resolve(null)
    }
    source.on('data', onData)
    source.on('end', () => resolve(body.bytes()))
    source.on('error', () => reject(new ClientGoneError()))
  })
}

/** The 415 of an upload route asked with another body (JSON, say). */
export function notAnUpload(request: HttpRequestLike): UnsupportedMediaTypeError {
  return new UnsupportedMediaTypeError(`${request.method} ${request.url.split('?')[0]} takes multipart/form-data or application/octet-stream`)
}

/**
 * The files of an upload route's invocation (its `files` service), typed; throws for an
 * invocation of another route.
 *
 * ```ts
 * const saveAvatar = pikkuFunc<{ caption?: string }, { size: number }>(async (services, { caption }) => {
 *   const [avatar] = uploadedFiles(services)
 *   await services.storage.put(avatar!.stream())
 *   return { size: avatar!.size }
 * })
 * addRoute({ method: 'post', route: '/avatar', func: saveAvatar, upload: { fileFields: ['avatar'], maxFileBytes: 2_000_000 } })
 * ```
 */
export function uploadedFiles(services: object): readonly UploadedFile[] {
  const files = (services as { files?: readonly UploadedFile[] }).files
  if (files === undefined) throw new TypeError('uploadedFiles(services): this invocation has no upload; wire the function to a POST route with `upload`')
  return files
}
