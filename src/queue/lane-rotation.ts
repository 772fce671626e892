import type { Priority } from '../orders/index.ts';

/** How many claims each lane gets per rotation: urgent lanes more often, none never. */
export const DEFAULT_LANE_WEIGHTS: Readonly<Record<Priority, number>> = {
  viral: 8,
  automated: 4,
  vip: 4,
  standard: 2,
};

/**
 * A smooth weighted round-robin order of lanes (as nginx balances upstreams): each lane appears
 * `weight` times per cycle, spread out rather than bunched, heaviest first on ties. Workers walk it
 * so every lane is served every cycle and no lane starves.
 */
export function laneRotation(weights: Readonly<Record<Priority, number>> = DEFAULT_LANE_WEIGHTS): Priority[] {
  const lanes = (Object.keys(weights) as Priority[]).filter((l) => weights[l] > 0);
  const total = lanes.reduce((sum, l) => sum + weights[l], 0);
  const current = new Map<Priority, number>(lanes.map((l) => [l, 0]));
  const order: Priority[] = [];
  for (let i = 0; i < total; i++) {
    let best: Priority | undefined;
    for (const lane of lanes) {
      const value = (current.get(lane) ?? 0) + weights[lane];
      current.set(lane, value);
      if (best === undefined || value > (current.get(best) ?? 0)) best = lane;
    }
    if (best === undefined) break;
    current.set(best, (current.get(best) ?? 0) - total);
    order.push(best);
  }
  return order;
}
