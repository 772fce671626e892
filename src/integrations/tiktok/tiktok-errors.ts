/**
 * Failures from the TikTok Shop Open API, as the shared integration failure kinds
 * (../integration-error.ts). One class per kind, each with an `isX()` guard:
 * - throttled: HTTP 429 or code 36009002. Retry after `retryAfterMs` when given, else back off.
 * - transient: HTTP 5xx/408, code 36009003, network errors, timeouts. Retry with backoff.
 * - auth: codes starting 105 or 360 (other than the two above), HTTP 401/403. Refresh the token or
 *   re-authorise the shop; retrying the same call cannot help.
 * - permanent: everything else (a bad parameter, a bad signature, an unknown order). Do not retry.
 */
import {
  IntegrationError,
  failureGuard,
  failureKindOfStatus,
  isRetryableFailure,
  ofKind,
  type FailureKind,
  type IntegrationFailureDetails,
} from '../integration-error.ts';

/** TikTok's code meaning "too many requests". */
export const TIKTOK_THROTTLED_CODE = 36009002;
/** TikTok's code meaning "internal error, try again". */
export const TIKTOK_INTERNAL_ERROR_CODE = 36009003;

/** What TikTok said about a failed call, as far as it said anything. */
export interface TiktokFailureDetails extends IntegrationFailureDetails {
  /** TikTok's `code` (undefined when the answer had no envelope, e.g. a network error). */
  readonly code?: number | undefined;
  /** TikTok's `message`. */
  readonly tiktokMessage?: string | undefined;
  readonly requestId?: string | undefined;
}

/** Base of every classified TikTok Shop API failure. */
export abstract class TiktokApiError extends IntegrationError {
  readonly integration = 'tiktok';
  readonly code: number | undefined;
  readonly tiktokMessage: string | undefined;
  readonly requestId: string | undefined;

  constructor(message: string, details: TiktokFailureDetails = {}) {
    super(message, details);
    this.code = details.code;
    this.tiktokMessage = details.tiktokMessage;
    this.requestId = details.requestId;
  }
}

/** HTTP 429 or code 36009002: slow down and retry. */
export class TiktokThrottledError extends ofKind(TiktokApiError, 'throttled', 'TiktokThrottledError') {}

/** The access token, app credentials or shop authorisation are not accepted. */
export class TiktokAuthError extends ofKind(TiktokApiError, 'auth', 'TiktokAuthError') {}

/** 5xx, 36009003, network error or timeout: the same call may work later. */
export class TiktokTransientError extends ofKind(TiktokApiError, 'transient', 'TiktokTransientError') {}

/** The same request will fail again: fix the request (or the data it names). */
export class TiktokPermanentError extends ofKind(TiktokApiError, 'permanent', 'TiktokPermanentError') {}

/** Any classified TikTok Shop API failure. */
export const isTiktokApiError = failureGuard<TiktokApiError>('tiktok');
/** Throttled (HTTP 429 / 36009002): retry after a delay. */
export const isTiktokThrottledError = failureGuard<TiktokThrottledError>('tiktok', 'throttled');
/** Token, credentials or shop authorisation refused: refresh or re-authorise, do not retry as is. */
export const isTiktokAuthError = failureGuard<TiktokAuthError>('tiktok', 'auth');
/** 5xx, internal error, network failure or timeout: retry with backoff. */
export const isTiktokTransientError = failureGuard<TiktokTransientError>('tiktok', 'transient');
/** Anything else: the same request will always fail. */
export const isTiktokPermanentError = failureGuard<TiktokPermanentError>('tiktok', 'permanent');

/** The one retry decision, for TikTok failures: only throttled and transient ones are retried. */
export function isRetryableTiktokFailure(error: unknown): boolean {
  return isTiktokApiError(error) && isRetryableFailure(error);
}

/** Which kind a failed answer is, from TikTok's code first and the HTTP status second. */
export function classifyTiktokFailure(code: number | undefined, httpStatus: number | undefined): FailureKind {
  if (code === TIKTOK_THROTTLED_CODE) return 'throttled';
  if (code === TIKTOK_INTERNAL_ERROR_CODE) return 'transient';
  if (code !== undefined && code !== 0) {
    const text = String(code);
    if (text.startsWith('105') || text.startsWith('360')) return 'auth';
  }
  return failureKindOfStatus(httpStatus);
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
