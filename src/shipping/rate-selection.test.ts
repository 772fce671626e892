import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { selectRate, type RateOption, type RateStrategy } from './rate-selection.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 24, 12);

function rate(
  id: string,
  provider: string,
  cents: number,
  days: number | undefined,
  extra: Partial<RateOption> = {},
): RateOption {
  return {
    rateId: id,
    provider,
    serviceToken: `${provider.toLowerCase()}_${id}`,
    amountCents: cents,
    estimatedDays: days,
    ...extra,
  };
}

const usGround = rate('a', 'USPS', 600, 5);
const upsGround = rate('b', 'UPS', 900, 3);
const fedex2 = rate('c', 'FedEx', 1900, 2);
const upsNext = rate('d', 'UPS', 4000, 1);
const all = [usGround, upsGround, fedex2, upsNext];

describe('selectRate', () => {
  const cases: Array<{
    name: string;
    deadlineDays: number | undefined;
    strategy: RateStrategy;
    onTime?: Record<string, { onTime: number; total: number }>;
    override?: { provider?: string; serviceToken?: string };
    expected: string;
    reason: RegExp;
  }> = [
    {
      name: 'without a deadline the cheapest rate wins',
      deadlineDays: undefined,
      strategy: 'cheapest',
      expected: 'a',
      reason: /cheapest of 4 rates \(no deadline\)/,
    },
    {
      name: 'a deadline rules out the cheap slow rate',
      deadlineDays: 4,
      strategy: 'cheapest',
      expected: 'b',
      reason: /meet the deadline/,
    },
    {
      name: 'fastest takes the earliest delivery whatever it costs',
      deadlineDays: 4,
      strategy: 'fastest',
      expected: 'd',
      reason: /fastest/,
    },
    {
      name: 'best value weighs price against transit days',
      deadlineDays: undefined,
      strategy: 'best_value',
      expected: 'a',
      reason: /best value/,
    },
    {
      name: 'a carrier that is often late loses a tight deadline to a reliable one',
      deadlineDays: 3,
      strategy: 'cheapest',
      onTime: { UPS: { onTime: 10, total: 100 }, FedEx: { onTime: 99, total: 100 } },
      expected: 'c',
      reason: /even with FedEx's on-time record/,
    },
    {
      name: 'when no rate meets the deadline the earliest delivery is chosen and the reason says so',
      deadlineDays: 0.5,
      strategy: 'cheapest',
      expected: 'd',
      reason: /no rate meets the deadline; chose the earliest delivery/,
    },
    {
      name: 'an override restricts the choice to its carrier',
      deadlineDays: undefined,
      strategy: 'cheapest',
      override: { provider: 'FedEx' },
      expected: 'c',
      reason: /override FedEx/,
    },
    {
      name: 'an override that matches nothing is ignored and the reason says so',
      deadlineDays: undefined,
      strategy: 'cheapest',
      override: { provider: 'DHL Express' },
      expected: 'a',
      reason: /override DHL Express ignored/,
    },
  ];

  it.each(cases)('$name', ({ deadlineDays, strategy, onTime, override, expected, reason }) => {
    const result = selectRate({
      rates: all,
      now: NOW,
      deadline: deadlineDays === undefined ? undefined : NOW + deadlineDays * DAY,
      strategy,
      onTime,
      override,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.chosen.rateId).toBe(expected);
    expect(result.reason).toMatch(reason);
    expect(result.rejected).toHaveLength(all.length - 1);
  });

  it('every rejected alternative carries a reason', () => {
    const result = selectRate({ rates: all, now: NOW, deadline: NOW + 4 * DAY });
    expect(result.ok && result.rejected.map((r) => [r.rate.rateId, r.reason])).toEqual([
      ['a', 'misses the deadline (5.0 days for 4.0 days available)'],
      ['c', '$10.00 dearer'],
      ['d', '$31.00 dearer'],
    ]);
  });

  it('expired rates are never chosen', () => {
    const result = selectRate({ rates: [{ ...usGround, expiresAt: NOW - 1 }, upsGround], now: NOW });
    expect(result.ok && result.chosen.rateId).toBe('b');
    expect(result.rejected[0]).toEqual({ rate: { ...usGround, expiresAt: NOW - 1 }, reason: 'expired' });
  });

  it('no usable rate is an outcome, not an exception', () => {
    const result = selectRate({ rates: [], now: NOW });
    expect(result).toEqual({
      ok: false,
      reason: expect.stringContaining('no usable rate') as string,
      rejected: [],
    });
  });
});

const arbRates = fc.array(
  fc.record({
    rateId: fc.uuid(),
    provider: fc.constantFrom('USPS', 'UPS', 'FedEx', 'DHL Express'),
    serviceToken: fc.constantFrom('ground', 'express', 'priority'),
    amountCents: fc.integer({ min: 100, max: 10_000 }),
    estimatedDays: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
  }),
  { minLength: 1, maxLength: 12 },
);
const arbRecords = fc.dictionary(
  fc.constantFrom('USPS', 'UPS', 'FedEx', 'DHL Express'),
  fc
    .integer({ min: 0, max: 200 })
    .chain((total) => fc.record({ total: fc.constant(total), onTime: fc.integer({ min: 0, max: total }) })),
);

describe('selectRate properties', () => {
  it('never picks a rate that misses the deadline when some rate meets it', () => {
    fc.assert(
      fc.property(
        arbRates,
        arbRecords,
        fc.integer({ min: 0, max: 10 }),
        fc.constantFrom<RateStrategy>('cheapest', 'fastest', 'best_value'),
        (rates, onTime, days, strategy) => {
          const deadline = NOW + days * DAY;
          const result = selectRate({ rates, now: NOW, deadline, strategy, onTime });
          const someoneMeets = rates.some(
            (r) => r.estimatedDays !== undefined && NOW + r.estimatedDays * DAY <= deadline,
          );
          expect(result.ok).toBe(true);
          if (result.ok && someoneMeets) {
            expect(result.chosen.estimatedDays).toBeDefined();
            expect(NOW + result.chosen.estimatedDays! * DAY).toBeLessThanOrEqual(deadline);
            expect(result.meetsDeadline).toBe(true);
          }
        },
      ),
    );
  });

  it('cheapest is minimal among the rates that surely meet the deadline', () => {
    fc.assert(
      fc.property(arbRates, fc.integer({ min: 1, max: 10 }), (rates, days) => {
        const deadline = NOW + days * DAY;
        const result = selectRate({ rates, now: NOW, deadline, strategy: 'cheapest' });
        // With no records every carrier slips the same fraction of a day, so a rate a whole day early is surely in.
        const surelyIn = rates.filter((r) => r.estimatedDays !== undefined && r.estimatedDays + 1 <= days);
        if (result.ok && surelyIn.length > 0) {
          expect(result.chosen.amountCents).toBeLessThanOrEqual(
            Math.min(...surelyIn.map((r) => r.amountCents)),
          );
        }
      }),
    );
  });

  it('cheapest without a deadline is the cheapest rate quoted', () => {
    fc.assert(
      fc.property(arbRates, (rates) => {
        const result = selectRate({ rates, now: NOW, strategy: 'cheapest' });
        expect(result.ok && result.chosen.amountCents).toBe(Math.min(...rates.map((r) => r.amountCents)));
      }),
    );
  });

  it('the chosen rate and the rejected ones together are exactly the rates quoted', () => {
    fc.assert(
      fc.property(arbRates, fc.integer({ min: 0, max: 10 }), (rates, days) => {
        const result = selectRate({ rates, now: NOW, deadline: NOW + days * DAY });
        const ids = [
          ...(result.ok ? [result.chosen.rateId] : []),
          ...result.rejected.map((r) => r.rate.rateId),
        ];
        expect(ids.sort()).toEqual(rates.map((r) => r.rateId).sort());
      }),
    );
  });
});
