import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LANE_WEIGHTS, laneRotation } from './lane-rotation.ts';

describe('lane rotation', () => {
  it('gives each lane its weight per cycle, viral first and spread out', () => {
    const order = laneRotation();
    expect(order).toHaveLength(18);
    for (const [lane, weight] of Object.entries(DEFAULT_LANE_WEIGHTS)) {
      expect(order.filter((l) => l === lane)).toHaveLength(weight);
    }
    expect(order[0]).toBe('viral');
    // Spread, not bunched: viral never waits more than three turns.
    const viralAt = order.flatMap((l, i) => (l === 'viral' ? [i] : []));
    for (let i = 1; i < viralAt.length; i++) expect(viralAt[i]! - viralAt[i - 1]!).toBeLessThanOrEqual(3);
  });

  it('never starves a lane with a positive weight, whatever the weights', () => {
    const weight = fc.integer({ min: 0, max: 20 });
    fc.assert(
      fc.property(
        fc.record({ viral: weight, vip: weight, standard: weight, automated: weight }),
        (weights) => {
          const order = laneRotation(weights);
          for (const [lane, w] of Object.entries(weights)) {
            expect(order.filter((l) => l === lane)).toHaveLength(w);
          }
        },
      ),
    );
  });
});
