import { describe, expect, it } from 'vitest';
import {
  classifyHttpFailure,
  isCarrierAuthError,
  isCarrierPermanentError,
  isCarrierRateLimitedError,
  isCarrierTransientError,
  isRetryableCarrierFailure,
} from './carrier-errors.ts';
import { amountToCents } from './carrier-port.ts';

const NOW = Date.UTC(2026, 10, 24);

describe('classifyHttpFailure', () => {
  it.each([
    { status: 429, guard: isCarrierRateLimitedError, retryable: true },
    { status: 500, guard: isCarrierTransientError, retryable: true },
    { status: 503, guard: isCarrierTransientError, retryable: true },
    { status: 408, guard: isCarrierTransientError, retryable: true },
    { status: 401, guard: isCarrierAuthError, retryable: false },
    { status: 403, guard: isCarrierAuthError, retryable: false },
    { status: 400, guard: isCarrierPermanentError, retryable: false },
    { status: 404, guard: isCarrierPermanentError, retryable: false },
  ])('HTTP $status is classified so that retrying is $retryable', ({ status, guard, retryable }) => {
    const error = classifyHttpFailure(status, 'x', null, NOW);
    expect(guard(error)).toBe(true);
    expect(isRetryableCarrierFailure(error)).toBe(retryable);
  });

  it('a 429 carries the Retry-After delay', () => {
    const error = classifyHttpFailure(429, 'slow down', '7', NOW);
    expect(isCarrierRateLimitedError(error) && error.retryAfterMs).toBe(7000);
  });

  it('plain errors are not carrier errors and are not retried', () => {
    expect(isCarrierTransientError(new Error('boom'))).toBe(false);
    expect(isRetryableCarrierFailure('nope')).toBe(false);
  });
});

describe('amountToCents', () => {
  it.each([
    ['12.34', 1234],
    ['12.3', 1230],
    ['12', 1200],
    ['0.07', 7],
    ['19.999', 1999],
  ])('%s is %i cents without floating-point drift', (amount, cents) => {
    expect(amountToCents(amount)).toBe(cents);
  });

  it('rejects text that is not an amount', () => {
    expect(() => amountToCents('ten')).toThrow(RangeError);
  });
});
