/**
 * A failed call to an outside service (TikTok Shop, a carrier), classified for the worker. One kind
 * union and one branded base class for every integration; `isX()` guards instead of instanceof, so
 * two copies of a module still recognise each other's errors.
 * - transient: 5xx, 408, a network error or a timeout. The same call may work later: back off.
 * - throttled: HTTP 429 or the service's own "too many requests". Retry, not before Retry-After.
 * - auth: 401/403 or the service's own token codes. Fix the credentials; retrying cannot help.
 * - permanent: any other refusal, or an answer CreatorFlow cannot read. Do not retry.
 */
export type FailureKind = 'transient' | 'throttled' | 'auth' | 'permanent';

/** Which outside service failed. */
export type IntegrationName = 'carrier' | 'tiktok';

const brand = Symbol.for('creatorflow.integrationError');

/** What every integration can say about a failed call. */
export interface IntegrationFailureDetails {
  /** HTTP status (undefined for network errors and timeouts). */
  readonly httpStatus?: number | undefined;
  /** From a Retry-After header, when the service gave one (see parseRetryAfterMs). */
  readonly retryAfterMs?: number | undefined;
  readonly cause?: unknown;
}

/** Base of every classified integration failure; each integration adds one subclass per kind. */
export abstract class IntegrationError extends Error {
  readonly [brand] = true;
  abstract readonly integration: IntegrationName;
  abstract readonly kind: FailureKind;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: IntegrationFailureDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.httpStatus = details.httpStatus;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * One kind of an integration's failures as a class of its own, named as logs and timelines show it,
 * so each integration declares its kinds in a line each.
 *
 * @example
 * export class CarrierAuthError extends ofKind(CarrierError, 'auth', 'CarrierAuthError') {}
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern: any base constructor
export function ofKind<Base extends abstract new (...args: any[]) => IntegrationError>(
  base: Base,
  kind: FailureKind,
  name: string,
) {
  abstract class OfKind extends base {
    readonly kind = kind;
    override readonly name = name;
  }
  return OfKind;
}

/** Any classified integration failure, optionally of one kind. */
export function isIntegrationError(value: unknown, kind?: FailureKind): value is IntegrationError {
  return (
    typeof value === 'object' &&
    value !== null &&
    brand in value &&
    (kind === undefined || (value as IntegrationError).kind === kind)
  );
}

/**
 * Builds an `isX()` guard for one integration's failures, of one kind or of any.
 *
 * @example
 * export const isCarrierAuthError = failureGuard<CarrierAuthError>('carrier', 'auth');
 */
export function failureGuard<E extends IntegrationError>(
  integration: IntegrationName,
  kind?: FailureKind,
): (value: unknown) => value is E {
  return (value): value is E => isIntegrationError(value, kind) && value.integration === integration;
}

/** The one retry decision: only transient and throttled failures are worth another attempt. */
export function isRetryableFailure(error: unknown): error is IntegrationError {
  return isIntegrationError(error, 'transient') || isIntegrationError(error, 'throttled');
}

/** The kind an HTTP status alone says (undefined: no answer was read, e.g. a bad body). */
export function failureKindOfStatus(status: number | undefined): FailureKind {
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'auth';
  if (status !== undefined && (status === 408 || status >= 500)) return 'transient';
  return 'permanent';
}

/** The longest wait a Retry-After header can ask for; longer (or absurd) values are cut to this. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60_000;

/**
 * Parses a Retry-After header (RFC 9110: delta-seconds, or an HTTP-date) into milliseconds from
 * `now`: never negative (a past date is 0), never above MAX_RETRY_AFTER_MS, and undefined for an
 * absent, negative or unreadable value, so the caller falls back to its own backoff.
 *
 * @example
 * parseRetryAfterMs('3', now); // 3000
 * parseRetryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', now); // until then
 */
export function parseRetryAfterMs(header: string | null | undefined, now: number): number | undefined {
  const text = header?.trim();
  if (!text) return undefined;
  // Whole seconds by the RFC; a fraction is accepted as some APIs send one.
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(text) * 1000));
  // A date names its month; this also keeps Date.parse from reading bare numbers as years.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}
