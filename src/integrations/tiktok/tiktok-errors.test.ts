import { describe, expect, it } from 'vitest';
import {
  classifyTiktokFailure,
  isRetryableTiktokFailure,
  isTiktokApiError,
  isTiktokAuthError,
  isTiktokPermanentError,
  isTiktokThrottledError,
  isTiktokTransientError,
  tiktokFailure,
} from './tiktok-errors.ts';
import type { FailureKind } from '../integration-error.ts';

describe('classifyTiktokFailure', () => {
  const table: [number | undefined, number | undefined, FailureKind][] = [
    [36009002, 200, 'throttled'],
    [36009002, 429, 'throttled'],
    [undefined, 429, 'throttled'],
    [36009003, 500, 'transient'],
    [36009003, 200, 'transient'],
    [105001, 401, 'auth'],
    [105002, 200, 'auth'],
    [36004004, 400, 'auth'],
    [undefined, 401, 'auth'],
    [undefined, 403, 'auth'],
    [40006, 403, 'auth'],
    [undefined, 500, 'transient'],
    [undefined, 503, 'transient'],
    [undefined, 408, 'transient'],
    [21011002, 400, 'permanent'],
    [40006, 200, 'permanent'],
    [106002, 400, 'permanent'],
    [undefined, 404, 'permanent'],
    [undefined, undefined, 'permanent'],
  ];
  it.each(table)('code %s on HTTP %s is %s', (code, status, kind) => {
    expect(classifyTiktokFailure(code, status)).toBe(kind);
  });
});

describe('TikTok error classes', () => {
  it('carry the code, message, request id and retry-after, and answer exactly one guard', () => {
    const error = tiktokFailure('throttled', {
      code: 36009002,
      httpStatus: 429,
      tiktokMessage: 'Too many requests',
      requestId: 'req-1',
      retryAfterMs: 2000,
    });
    expect(error).toMatchObject({
      code: 36009002,
      tiktokMessage: 'Too many requests',
      requestId: 'req-1',
      retryAfterMs: 2000,
    });
    expect(error.name).toBe('TiktokThrottledError');
    const guards = [
      isTiktokThrottledError,
      isTiktokAuthError,
      isTiktokTransientError,
      isTiktokPermanentError,
    ];
    expect(guards.map((g) => g(error))).toEqual([true, false, false, false]);
    expect(isTiktokApiError(error)).toBe(true);
    expect(isTiktokApiError(new Error('plain'))).toBe(false);
  });

  it('retries only throttled and transient failures', () => {
    expect(isRetryableTiktokFailure(tiktokFailure('x', { httpStatus: 429 }))).toBe(true);
    expect(isRetryableTiktokFailure(tiktokFailure('x', { httpStatus: 502 }))).toBe(true);
    expect(isRetryableTiktokFailure(tiktokFailure('x', { code: 105002 }))).toBe(false);
    expect(isRetryableTiktokFailure(tiktokFailure('x', { code: 40006, httpStatus: 400 }))).toBe(false);
    expect(isRetryableTiktokFailure(new Error('not classified'))).toBe(false);
  });

  it('keeps the cause', () => {
    const cause = new Error('socket hang up');
    expect(tiktokFailure('x', { httpStatus: 503, cause }).cause).toBe(cause);
  });
});
