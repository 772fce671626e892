import { describe, expect, it } from 'vitest';
import { compareOutcomes, type Outcome } from './dry-run.ts';

const base: Outcome = {
  priority: 'standard',
  holds: [],
  manual_review: false,
  carrier: null,
  service: null,
  strategy: null,
  fired: ['standard-default'],
};
const pair = (id: string, after: Partial<Outcome>) => ({
  shop_id: 's1',
  order_id: id,
  received_at: new Date(0),
  before: base,
  after: { ...base, ...after },
});

describe('dry-run comparison', () => {
  it('counts each kind of change, the priority transitions, and keeps the first examples', () => {
    const r = compareOutcomes(
      [
        pair('a', { priority: 'vip' }),
        pair('b', { priority: 'vip', carrier: 'ups' }),
        pair('c', { holds: ['address'] }),
        pair('d', {}),
        pair('e', { fired: ['other'] }),
        pair('f', { priority: 'automated', manual_review: true }),
      ],
      2,
    );
    expect(r).toMatchObject({
      orders: 6,
      changed: 4,
      priority: { changed: 3, transitions: { 'standard->vip': 2, 'standard->automated': 1 } },
      holds: { changed: 1, added: 1, removed: 0 },
      carrier: { changed: 1 },
      manual_review: { changed: 1 },
    });
    expect(r.examples.map((e) => e.order_id)).toEqual(['a', 'b']);
  });

  it('a hold lifted counts as removed', () => {
    const lifted = { ...pair('x', {}), before: { ...base, holds: ['fraud'] } };
    expect(compareOutcomes([lifted], 5).holds).toEqual({ changed: 1, added: 0, removed: 1 });
  });
});
