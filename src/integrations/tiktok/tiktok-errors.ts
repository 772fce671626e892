/**
 * Failures from the TikTok Shop Open API, classified for the worker. One branded class per class of
 * failure, each with an `isX()` guard (instanceof across module copies is not needed):
 * - throttled: HTTP 429 or code 36009002. Retry after `retryAfterMs` when given, else back off.
 * - transient: HTTP 5xx/408, code 36009003, network errors, timeouts. Retry with backoff.
 * - auth: codes starting 105 or 360 (other than the two above), HTTP 401/403. Refresh the token or
 *   re-authorise the shop; retrying the same call cannot help.
 * - permanent: everything else (a bad parameter, a bad signature, an unknown order). Do not retry.
 */
const brand = Symbol.for('creatorflow.tiktokApiError');

export type TiktokFailureKind = 'throttled' | 'auth' | 'transient' | 'permanent';

/** TikTok's code meaning "too many requests". */
export const TIKTOK_THROTTLED_CODE = 36009002;
/** TikTok's code meaning "internal error, try again". */
export const TIKTOK_INTERNAL_ERROR_CODE = 36009003;

/** What TikTok said about a failed call, as far as it said anything. */
export interface TiktokFailureDetails {
  /** TikTok's `code` (undefined when the answer had no envelope, e.g. a network error). */
  readonly code?: number | undefined;
  /** HTTP status (undefined for network errors and timeouts). */
  readonly httpStatus?: number | undefined;
  /** TikTok's `message`. */
  readonly tiktokMessage?: string | undefined;
  readonly requestId?: string | undefined;
  /** From a Retry-After header, when the API gave one. */
  readonly retryAfterMs?: number | undefined;
  readonly cause?: unknown;
}

/** Base of every classified TikTok Shop API failure. */
export abstract class TiktokApiError extends Error {
  readonly [brand] = true;
  abstract readonly kind: TiktokFailureKind;
  readonly code: number | undefined;
  readonly httpStatus: number | undefined;
  readonly tiktokMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: TiktokFailureDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.httpStatus = details.httpStatus;
    this.tiktokMessage = details.tiktokMessage;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** HTTP 429 or code 36009002: slow down and retry. */
export class TiktokThrottledError extends TiktokApiError {
  override readonly name = 'TiktokThrottledError';
  readonly kind = 'throttled';
}

/** The access token, app credentials or shop authorisation are not accepted. */
export class TiktokAuthError extends TiktokApiError {
  override readonly name = 'TiktokAuthError';
  readonly kind = 'auth';
}

/** 5xx, 36009003, network error or timeout: the same call may work later. */
export class TiktokTransientError extends TiktokApiError {
  override readonly name = 'TiktokTransientError';
  readonly kind = 'transient';
}

/** The same request will fail again: fix the request (or the data it names). */
export class TiktokPermanentError extends TiktokApiError {
  override readonly name = 'TiktokPermanentError';
  readonly kind = 'permanent';
}

/** Any classified TikTok Shop API failure. */
export function isTiktokApiError(value: unknown): value is TiktokApiError {
  return typeof value === 'object' && value !== null && brand in value;
}
/** Throttled (HTTP 429 / 36009002): retry after a delay. */
export function isTiktokThrottledError(value: unknown): value is TiktokThrottledError {
  return isTiktokApiError(value) && value.kind === 'throttled';
}
/** Token, credentials or shop authorisation refused: refresh or re-authorise, do not retry as is. */
export function isTiktokAuthError(value: unknown): value is TiktokAuthError {
  return isTiktokApiError(value) && value.kind === 'auth';
}
/** 5xx, internal error, network failure or timeout: retry with backoff. */
export function isTiktokTransientError(value: unknown): value is TiktokTransientError {
  return isTiktokApiError(value) && value.kind === 'transient';
}
/** Anything else: the same request will always fail. */
export function isTiktokPermanentError(value: unknown): value is TiktokPermanentError {
  return isTiktokApiError(value) && value.kind === 'permanent';
}

/** The one retry decision: only throttled and transient failures are retried. */
export function isRetryableTiktokFailure(error: unknown): boolean {
  return isTiktokThrottledError(error) || isTiktokTransientError(error);
}

/** Which class a failed answer belongs to, from TikTok's code first and the HTTP status second. */
export function classifyTiktokFailure(
  code: number | undefined,
  httpStatus: number | undefined,
): TiktokFailureKind {
  if (code === TIKTOK_THROTTLED_CODE) return 'throttled';
  if (code === TIKTOK_INTERNAL_ERROR_CODE) return 'transient';
  if (code !== undefined && code !== 0) {
    const text = String(code);
    if (text.startsWith('105') || text.startsWith('360')) return 'auth';
  }
  if (httpStatus === 429) return 'throttled';
  if (httpStatus === 401 || httpStatus === 403) return 'auth';
  if (httpStatus !== undefined && (httpStatus === 408 || httpStatus >= 500)) return 'transient';
  return 'permanent';
}

/** Builds the error of the right class for a failed answer. */
export function tiktokFailure(message: string, details: TiktokFailureDetails): TiktokApiError {
  const kind = classifyTiktokFailure(details.code, details.httpStatus);
  switch (kind) {
    case 'throttled':
      return new TiktokThrottledError(message, details);
    case 'auth':
      return new TiktokAuthError(message, details);
    case 'transient':
      return new TiktokTransientError(message, details);
    case 'permanent':
      return new TiktokPermanentError(message, details);
  }
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
