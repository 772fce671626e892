import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quoteServices, rateAttributes, toOunces, zoneBetween } from './pricing.ts';

describe('simulated pricing', () => {
  it.each([
    ['94105', '94607', 1],
    ['94105', '80202', 2],
    ['94105', '02110', 8],
    ['?', '02110', 8],
  ])('ZIP %s to %s is zone %i', (a, b, zone) => {
    expect(zoneBetween(a, b)).toBe(zone);
  });

  it('a heavier parcel or a farther destination never costs less', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 200 }),
        fc.constantFrom('0', '3', '6', '9'),
        (weight, extra, farDigit) => {
          const base = quoteServices('94105', '94105', weight);
          const heavier = quoteServices('94105', '94105', weight + extra);
          const farther = quoteServices('94105', `${farDigit}0000`, weight);
          base.forEach((q, i) => {
            expect(heavier[i]!.amountCents).toBeGreaterThanOrEqual(q.amountCents);
            expect(farther[i]!.amountCents).toBeGreaterThanOrEqual(q.amountCents);
            expect(farther[i]!.estimatedDays).toBeGreaterThanOrEqual(q.estimatedDays);
          });
        },
      ),
    );
  });

  it('overnight services are faster and dearer than ground', () => {
    const quotes = quoteServices('94105', '02110', 32);
    const byToken = (t: string) => quotes.find((q) => q.service.token === t)!;
    expect(byToken('ups_next_day_air').estimatedDays).toBeLessThan(byToken('ups_ground').estimatedDays);
    expect(byToken('ups_next_day_air').amountCents).toBeGreaterThan(byToken('ups_ground').amountCents);
  });

  it('labels exactly one rate each CHEAPEST, FASTEST and BESTVALUE', () => {
    const labels = [...rateAttributes(quoteServices('94105', '10001', 20)).values()].flat().sort();
    expect(labels).toEqual(['BESTVALUE', 'CHEAPEST', 'FASTEST']);
  });

  it('converts mass units to ounces', () => {
    expect(toOunces(2, 'lb')).toBe(32);
    expect(toOunces(1, 'kg')).toBeCloseTo(35.274);
    expect(toOunces(28.3495, 'g')).toBeCloseTo(1);
    expect(toOunces(5, 'oz')).toBe(5);
  });
});
