/**
 * Failures from a carrier API, as the shared integration failure kinds (../integration-error.ts):
 * transient (retry with backoff), throttled (HTTP 429: retry after the given time), permanent (do
 * not retry), auth (fix credentials). One class per kind, each with an `isX()` guard.
 */
import {
  IntegrationError,
  failureGuard,
  failureKindOfStatus,
  isRetryableFailure,
  ofKind,
  parseRetryAfterMs,
} from '../integration-error.ts';

/** Base of every classified carrier failure. */
export abstract class CarrierError extends IntegrationError {
  readonly integration = 'carrier';
  /** The HTTP status (undefined for network errors and timeouts). */
  readonly status: number | undefined;
  constructor(
    message: string,
    status: number | undefined,
    options?: { cause?: unknown; retryAfterMs?: number | undefined },
  ) {
    super(message, { httpStatus: status, ...options });
    this.status = status;
  }
}

/** 5xx, network failure or timeout: the same call may work later. */
export class CarrierTransientError extends ofKind(CarrierError, 'transient', 'CarrierTransientError') {}

/** 429: retry after `retryAfterMs` when the API said how long. */
export class CarrierRateLimitedError extends CarrierError {
  override readonly name = 'CarrierRateLimitedError';
  readonly kind = 'throttled';
  constructor(message: string, retryAfterMs: number | undefined, options?: { cause?: unknown }) {
    super(message, 429, { ...options, retryAfterMs });
  }
}

/** A 4xx (or an answer we cannot read): the same call will fail again. */
export class CarrierPermanentError extends ofKind(CarrierError, 'permanent', 'CarrierPermanentError') {}

/** 401/403: the credentials are wrong or revoked. */
export class CarrierAuthError extends ofKind(CarrierError, 'auth', 'CarrierAuthError') {}

/** Any classified carrier failure. */
export const isCarrierError = failureGuard<CarrierError>('carrier');
/** A failure worth retrying with backoff (5xx, network error, timeout). */
export const isCarrierTransientError = failureGuard<CarrierTransientError>('carrier', 'transient');
/** HTTP 429: retry after `retryAfterMs`. */
export const isCarrierRateLimitedError = failureGuard<CarrierRateLimitedError>('carrier', 'throttled');
/** A 4xx the same request will always get. */
export const isCarrierPermanentError = failureGuard<CarrierPermanentError>('carrier', 'permanent');
/** 401/403: the token is wrong; retrying cannot help. */
export const isCarrierAuthError = failureGuard<CarrierAuthError>('carrier', 'auth');

/** The one retry decision, for carrier failures: only transient and rate-limited ones are retried. */
export function isRetryableCarrierFailure(error: unknown): boolean {
  return isCarrierError(error) && isRetryableFailure(error);
}

/** Classifies an HTTP answer that was not 2xx. */
export function classifyHttpFailure(
  status: number,
  message: string,
  retryAfter: string | null,
  now: number,
): CarrierError {
  const kind = failureKindOfStatus(status);
  switch (kind) {
    case 'throttled':
      return new CarrierRateLimitedError(message, parseRetryAfterMs(retryAfter, now));
    case 'auth':
      return new CarrierAuthError(message, status);
    case 'transient':
      return new CarrierTransientError(message, status);
    case 'permanent':
      return new CarrierPermanentError(message, status);
  }
}
