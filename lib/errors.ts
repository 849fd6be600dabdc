import { ERROR_TABLE, type ErrorName } from './generated/error-table.js'
import type { ErrorBody } from './generated/contract.js'

/**
 * The base class of errors that map to an HTTP status. Throw a subclass from a function:
 *
 * ```ts
 * if (!todo) throw new NotFoundError(`No todo with id ${data.id}`)
 * ```
 */
export class PikkuError extends Error {
  /** Structured detail sent as `payload`. */
  readonly payload?: unknown

  constructor(message?: string, payload?: unknown) {
    super(message)
    this.name = new.target.name
    if (payload !== undefined) this.payload = payload
  }
}

/** How an error class is answered. */
export interface ErrorDetails {
  status: number
  message: string
}

const registry = new Map<Function, ErrorDetails>()

/**
 * Registers an error class with its status and default message:
 *
 * ```ts
 * class QuotaExceededError extends PikkuError {}
 * addError(QuotaExceededError, { status: 429, message: 'Quota exceeded' })
 * ```
 */
export function addError(errorClass: abstract new (...args: any[]) => Error, details: ErrorDetails): void {
  registry.set(errorClass, details)
}

export class BadRequestError extends PikkuError {}
export class UnauthorizedError extends PikkuError {}
export class MissingSessionError extends PikkuError {}
export class InvalidSessionError extends PikkuError {}
export class PaymentRequiredError extends PikkuError {}
export class ForbiddenError extends PikkuError {}
export class NotFoundError extends PikkuError {}
export class MethodNotAllowedError extends PikkuError {}
export class NotAcceptableError extends PikkuError {}
export class RequestTimeoutError extends PikkuError {}
export class ConflictError extends PikkuError {}
export class GoneError extends PikkuError {}
export class LengthRequiredError extends PikkuError {}
export class PreconditionFailedError extends PikkuError {}
export class PayloadTooLargeError extends PikkuError {}
export class URITooLongError extends PikkuError {}
export class UnsupportedMediaTypeError extends PikkuError {}
export class UnprocessableContentError extends PikkuError {}
export class LockedError extends PikkuError {}
export class TooManyRequestsError extends PikkuError {}
export class InternalServerError extends PikkuError {}
export class NotImplementedError extends PikkuError {}
export class BadGatewayError extends PikkuError {}
export class ServiceUnavailableError extends PikkuError {}
export class GatewayTimeoutError extends PikkuError {}

// Every row of the generated table has its class (tsc fails when the engine adds one).
const BUILT_IN = {
  BadRequestError,
  UnauthorizedError,
  MissingSessionError,
  InvalidSessionError,
  PaymentRequiredError,
  ForbiddenError,
  NotFoundError,
  MethodNotAllowedError,
  NotAcceptableError,
  RequestTimeoutError,
  ConflictError,
  GoneError,
  LengthRequiredError,
  PreconditionFailedError,
  PayloadTooLargeError,
  URITooLongError,
  UnsupportedMediaTypeError,
  UnprocessableContentError,
  LockedError,
  TooManyRequestsError,
  InternalServerError,
  NotImplementedError,
  BadGatewayError,
  ServiceUnavailableError,
  GatewayTimeoutError,
} satisfies Record<ErrorName, typeof PikkuError>
for (const [name, cls] of Object.entries(BUILT_IN)) addError(cls, ERROR_TABLE[name as ErrorName])

/** Finds the registered details of an error, walking its class's prototype chain. */
export function lookupError(error: unknown): ErrorDetails | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  let proto: object | null = Object.getPrototypeOf(error)
  while (proto && proto !== Object.prototype) {
    const details = registry.get((proto as { constructor: Function }).constructor)
    if (details) return details
    proto = Object.getPrototypeOf(proto)
  }
  return undefined
}

/** The body of a 500 for a value thrown that no error class covers. */
export interface UnknownErrorBody {
  errorId: string
  /** Outside production only. */
  message?: string
  /** Outside production only. */
  stack?: string
}

/** The status and body for a thrown value. */
export function describeError(
  error: unknown,
  errorId: string,
  production: boolean,
): { status: number; body: ErrorBody | UnknownErrorBody; known: boolean } {
  const details = lookupError(error)
  if (details) {
    const err = error as PikkuError
    const hide = production && details.status >= 500
    const body: ErrorBody = {
      name: err.name,
      message: hide || !err.message ? details.message : err.message,
      errorId,
    }
    if (!hide && err.payload !== undefined) body.payload = err.payload
    return { status: details.status, body, known: true }
  }
  if (production) return { status: 500, body: { errorId }, known: false }
  const err = error instanceof Error ? error : new Error(String(error))
  const body: UnknownErrorBody = { errorId, message: err.message }
  if (err.stack) body.stack = err.stack
  return { status: 500, body, known: false }
}

/** Rebuilds an engine error as an instance of its class, for in-process callers. */
export function errorFromBody(body: ErrorBody): PikkuError {
  for (const [cls, details] of registry) {
    if (cls.name === body.name && details) {
      return new (cls as typeof PikkuError)(body.message, body.payload)
    }
  }
  return new PikkuError(body.message, body.payload)
}
