import { describe, expect, it } from 'vitest';
import {
  MAX_RETRY_AFTER_MS,
  failureKindOfStatus,
  isIntegrationError,
  isRetryableFailure,
  parseRetryAfterMs,
} from './integration-error.ts';
import { CarrierAuthError, CarrierRateLimitedError, isCarrierError } from './carriers/carrier-errors.ts';
import { TiktokThrottledError, isTiktokApiError } from './tiktok/tiktok-errors.ts';

const NOW = Date.UTC(2026, 10, 24);

describe('parseRetryAfterMs', () => {
  it.each([
    { header: '3', expected: 3000 },
    { header: ' 120 ', expected: 120_000 },
    { header: '0', expected: 0 },
    { header: '1.5', expected: 1500 },
    { header: new Date(NOW + 5000).toUTCString(), expected: 5000 },
    { header: 'Tuesday, 24-Nov-26 00:00:07 GMT', expected: 7000 },
    { header: new Date(NOW - 60_000).toUTCString(), expected: 0 },
    { header: null, expected: undefined },
    { header: undefined, expected: undefined },
    { header: '', expected: undefined },
    { header: 'soon', expected: undefined },
    { header: '-5', expected: undefined },
    { header: '2026-11-24T00:00:09Z', expected: 9000 },
    { header: '1e3', expected: undefined },
    { header: 'NaN', expected: undefined },
    { header: 'Infinity', expected: undefined },
  ])('reads $header as $expected ms', ({ header, expected }) => {
    expect(parseRetryAfterMs(header, NOW)).toBe(expected);
  });

  it('cuts an absurd wait, in seconds or as a far date, to the maximum', () => {
    expect(parseRetryAfterMs('99999999999999999999999', NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfterMs('Fri, 01 Jan 2100 00:00:00 GMT', NOW)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('failureKindOfStatus', () => {
  it.each([
    [429, 'throttled'],
    [401, 'auth'],
    [403, 'auth'],
    [408, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
    [400, 'permanent'],
    [404, 'permanent'],
    [422, 'permanent'],
    [undefined, 'permanent'],
  ] as const)('HTTP %s is %s', (status, kind) => {
    expect(failureKindOfStatus(status)).toBe(kind);
  });
});

describe('one failure kind for every integration', () => {
  it('carrier and TikTok failures are both integration errors, each recognised only as its own', () => {
    const carrier = new CarrierRateLimitedError('429', 2000);
    const tiktok = new TiktokThrottledError('x', { httpStatus: 429, retryAfterMs: 2000 });
    for (const error of [carrier, tiktok]) {
      expect(isIntegrationError(error, 'throttled')).toBe(true);
      expect(error.retryAfterMs).toBe(2000);
      expect(isRetryableFailure(error)).toBe(true);
    }
    expect([isCarrierError(carrier), isCarrierError(tiktok)]).toEqual([true, false]);
    expect([isTiktokApiError(carrier), isTiktokApiError(tiktok)]).toEqual([false, true]);
  });

  it('auth failures and plain errors are not retried', () => {
    expect(isRetryableFailure(new CarrierAuthError('401', 401))).toBe(false);
    expect(isRetryableFailure(new Error('boom'))).toBe(false);
    expect(isIntegrationError({ kind: 'transient' })).toBe(false);
  });
});
