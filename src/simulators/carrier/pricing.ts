/**
 * Plausible rates for the simulator: a price per carrier service from base + weight × zone, and a
 * transit time that grows with distance. Zones come from the first digit of the ZIP codes (US
 * ZIP prefixes run roughly east to west), which is crude but gives the right shape.
 */
export type SimProvider = 'USPS' | 'UPS' | 'FedEx' | 'DHL Express';

export interface SimService {
  provider: SimProvider;
  token: string;
  name: string;
  baseCents: number;
  centsPerLb: number;
  /** Extra cents per zone and pound. */
  zoneCentsPerLb: number;
  /** Transit days: [nearest zone, farthest zone]. */
  days: readonly [number, number];
}

export const SIM_SERVICES: readonly SimService[] = [
  {
    provider: 'USPS',
    token: 'usps_ground_advantage',
    name: 'Ground Advantage',
    baseCents: 520,
    centsPerLb: 90,
    zoneCentsPerLb: 25,
    days: [2, 5],
  },
  {
    provider: 'USPS',
    token: 'usps_priority',
    name: 'Priority Mail',
    baseCents: 890,
    centsPerLb: 120,
    zoneCentsPerLb: 35,
    days: [1, 3],
  },
  {
    provider: 'USPS',
    token: 'usps_priority_express',
    name: 'Priority Mail Express',
    baseCents: 2950,
    centsPerLb: 180,
    zoneCentsPerLb: 50,
    days: [1, 2],
  },
  {
    provider: 'UPS',
    token: 'ups_ground',
    name: 'Ground',
    baseCents: 980,
    centsPerLb: 85,
    zoneCentsPerLb: 30,
    days: [1, 5],
  },
  {
    provider: 'UPS',
    token: 'ups_second_day_air',
    name: '2nd Day Air',
    baseCents: 1890,
    centsPerLb: 160,
    zoneCentsPerLb: 45,
    days: [2, 2],
  },
  {
    provider: 'UPS',
    token: 'ups_next_day_air',
    name: 'Next Day Air',
    baseCents: 3990,
    centsPerLb: 260,
    zoneCentsPerLb: 70,
    days: [1, 1],
  },
  {
    provider: 'FedEx',
    token: 'fedex_ground',
    name: 'FedEx Ground',
    baseCents: 960,
    centsPerLb: 88,
    zoneCentsPerLb: 30,
    days: [1, 5],
  },
  {
    provider: 'FedEx',
    token: 'fedex_2_day',
    name: 'FedEx 2Day',
    baseCents: 1850,
    centsPerLb: 150,
    zoneCentsPerLb: 45,
    days: [2, 2],
  },
  {
    provider: 'FedEx',
    token: 'fedex_standard_overnight',
    name: 'FedEx Standard Overnight',
    baseCents: 3790,
    centsPerLb: 250,
    zoneCentsPerLb: 65,
    days: [1, 1],
  },
  {
    provider: 'DHL Express',
    token: 'dhl_express_worldwide',
    name: 'Express Worldwide',
    baseCents: 3400,
    centsPerLb: 300,
    zoneCentsPerLb: 40,
    days: [1, 3],
  },
];

export interface SimQuote {
  service: SimService;
  amountCents: number;
  estimatedDays: number;
}

/** Zone 1 (same region) to 8 (across the country) from two ZIP codes. */
export function zoneBetween(fromZip: string, toZip: string): number {
  const a = Number(fromZip.trim().charAt(0));
  const b = Number(toZip.trim().charAt(0));
  if (!Number.isInteger(a) || !Number.isInteger(b)) return 8;
  return Math.min(8, 1 + Math.abs(a - b));
}

/** Every service's price and transit days for a parcel of `weightOz` between two ZIP codes. */
export function quoteServices(fromZip: string, toZip: string, weightOz: number): SimQuote[] {
  const zone = zoneBetween(fromZip, toZip);
  const pounds = Math.max(1, Math.ceil(weightOz / 16));
  return SIM_SERVICES.map((service) => {
    const [near, far] = service.days;
    return {
      service,
      amountCents: service.baseCents + pounds * (service.centsPerLb + service.zoneCentsPerLb * (zone - 1)),
      estimatedDays: Math.round(near + ((far - near) * (zone - 1)) / 7),
    };
  });
}

/** Weight in ounces from Shippo's parcel fields (strings) or EasyPost's (ounces). */
export function toOunces(weight: number, unit: string): number {
  switch (unit) {
    case 'lb':
      return weight * 16;
    case 'g':
      return weight / 28.3495;
    case 'kg':
      return weight * 35.274;
    default:
      return weight;
  }
}

/** Shippo's rate attributes: CHEAPEST, FASTEST and BESTVALUE (cheapest per day saved). */
export function rateAttributes(quotes: readonly SimQuote[]): Map<SimQuote, string[]> {
  const out = new Map<SimQuote, string[]>(quotes.map((q) => [q, []]));
  const pick = (score: (q: SimQuote) => number, label: string): void => {
    const best = [...quotes].sort((x, y) => score(x) - score(y))[0];
    if (best) out.get(best)?.push(label);
  };
  pick((q) => q.amountCents, 'CHEAPEST');
  pick((q) => q.estimatedDays * 100_000 + q.amountCents, 'FASTEST');
  pick((q) => q.amountCents * (1 + q.estimatedDays / 2), 'BESTVALUE');
  return out;
}
