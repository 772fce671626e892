/**
 * Failures from a carrier API, classified for the worker: transient (retry with backoff),
 * rate-limited (retry after the given time), permanent (do not retry), auth (fix credentials).
 * One branded class per failure, each with an `isX()` guard, so instanceof across copies is not needed.
 */
const brand = Symbol.for('creatorflow.carrierError');

export type CarrierFailureKind = 'transient' | 'rate_limited' | 'permanent' | 'auth';

/** Base of every classified carrier failure. */
export abstract class CarrierError extends Error {
  readonly [brand] = true;
  abstract readonly kind: CarrierFailureKind;
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** 5xx, network failure or timeout: the same call may work later. */
export class CarrierTransientError extends CarrierError {
  override readonly name = 'CarrierTransientError';
  readonly kind = 'transient';
}

/** 429: retry after `retryAfterMs` when the API said how long. */
export class CarrierRateLimitedError extends CarrierError {
  override readonly name = 'CarrierRateLimitedError';
  readonly kind = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, 429, options);
  }
}

/** A 4xx (or an answer we cannot read): the same call will fail again. */
export class CarrierPermanentError extends CarrierError {
  override readonly name = 'CarrierPermanentError';
  readonly kind = 'permanent';
}

/** 401/403: the credentials are wrong or revoked. */
export class CarrierAuthError extends CarrierError {
  override readonly name = 'CarrierAuthError';
  readonly kind = 'auth';
}

/** Any classified carrier failure. */
export function isCarrierError(value: unknown): value is CarrierError {
  return typeof value === 'object' && value !== null && brand in value;
}
/** A failure worth retrying with backoff (5xx, network error, timeout). */
export function isCarrierTransientError(value: unknown): value is CarrierTransientError {
  return isCarrierError(value) && value.kind === 'transient';
}
/** HTTP 429: retry after `retryAfterMs`. */
export function isCarrierRateLimitedError(value: unknown): value is CarrierRateLimitedError {
  return isCarrierError(value) && value.kind === 'rate_limited';
}
/** A 4xx the same request will always get. */
export function isCarrierPermanentError(value: unknown): value is CarrierPermanentError {
  return isCarrierError(value) && value.kind === 'permanent';
}
/** 401/403: the token is wrong; retrying cannot help. */
export function isCarrierAuthError(value: unknown): value is CarrierAuthError {
  return isCarrierError(value) && value.kind === 'auth';
}

/** The one retry decision: only transient and rate-limited failures are retried. */
export function isRetryableCarrierFailure(error: unknown): boolean {
  return isCarrierTransientError(error) || isCarrierRateLimitedError(error);
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Classifies an HTTP answer that was not 2xx. */
export function classifyHttpFailure(
  status: number,
  message: string,
  retryAfter: string | null,
  now: number,
): CarrierError {
  if (status === 429) return new CarrierRateLimitedError(message, parseRetryAfter(retryAfter, now));
  if (status === 401 || status === 403) return new CarrierAuthError(message, status);
  if (status === 408 || status >= 500) return new CarrierTransientError(message, status);
  return new CarrierPermanentError(message, status);
}
