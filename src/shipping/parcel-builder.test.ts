import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildParcel, type BoxSpec } from './parcel-builder.ts';

const box: BoxSpec = { length: 10, width: 8, height: 4, distanceUnit: 'in', tareWeightOz: 3.5 };

describe('buildParcel', () => {
  it.each([
    {
      name: 'one unit weighs the unit plus the box',
      lines: [{ sellerSku: 'MUG', quantity: 1, weightOz: 12 }],
      weight: 15.5,
    },
    {
      name: 'quantities multiply unit weights',
      lines: [{ sellerSku: 'MUG', quantity: 3, weightOz: 12 }],
      weight: 39.5,
    },
    {
      name: 'several lines add up',
      lines: [
        { sellerSku: 'MUG', quantity: 2, weightOz: 12 },
        { sellerSku: 'PEN', quantity: 5, weightOz: 0.4 },
      ],
      weight: 29.5,
    },
    {
      name: 'fractions of a tenth of an ounce round up',
      lines: [{ sellerSku: 'PIN', quantity: 1, weightOz: 0.01 }],
      weight: 3.6,
    },
  ])('$name', ({ lines, weight }) => {
    const plan = buildParcel(lines, box);
    expect(plan.parcel).toEqual({
      length: 10,
      width: 8,
      height: 4,
      distanceUnit: 'in',
      weight,
      massUnit: 'oz',
    });
    expect(plan.estimatedSkus).toEqual([]);
  });

  it('an unknown SKU weight uses the fallback and is reported', () => {
    const plan = buildParcel([{ sellerSku: 'MYSTERY', quantity: 2, weightOz: undefined }], box, {
      fallbackItemWeightOz: 5,
    });
    expect(plan.parcel.weight).toBe(13.5);
    expect(plan.estimatedSkus).toEqual(['MYSTERY']);
  });

  it('rejects an order without lines, a zero quantity and a negative weight', () => {
    expect(() => buildParcel([], box)).toThrow(RangeError);
    expect(() => buildParcel([{ sellerSku: 'X', quantity: 0, weightOz: 1 }], box)).toThrow(
      /positive whole number/,
    );
    expect(() => buildParcel([{ sellerSku: 'X', quantity: 1, weightOz: -1 }], box)).toThrow(/negative/);
  });

  it('never declares less than the real weight', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            sellerSku: fc.string(),
            quantity: fc.integer({ min: 1, max: 50 }),
            weightOz: fc.double({ min: 0, max: 100, noNaN: true }),
          }),
          { minLength: 1, maxLength: 10 },
        ),
        (lines) => {
          const real = lines.reduce((sum, l) => sum + l.quantity * l.weightOz, box.tareWeightOz);
          const plan = buildParcel(lines, box);
          expect(plan.parcel.weight).toBeGreaterThanOrEqual(real - 1e-6);
          expect(plan.parcel.weight).toBeLessThanOrEqual(real + 0.1 * lines.length + 0.1);
        },
      ),
    );
  });
});
