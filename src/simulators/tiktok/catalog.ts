import type { SimRandom } from './random.ts';

/** A product a simulated shop sells; each SKU has TikTok's id and the seller's own SKU code. */
export interface SimProduct {
  readonly id: string;
  readonly name: string;
  readonly skus: readonly SimSku[];
}

export interface SimSku {
  readonly id: string;
  readonly sellerSku: string;
  readonly name: string;
  /** Dollars as TikTok writes them: "19.99". */
  readonly originalPrice: string;
  readonly salePrice: string;
}

const PRODUCTS: readonly { name: string; code: string; price: number; variants: readonly string[] }[] = [
  {
    name: 'Cloud Knit Oversized Tee',
    code: 'TEE',
    price: 24.99,
    variants: ['Black / M', 'Black / L', 'Sand / M'],
  },
  { name: 'Glow Serum 30ml', code: 'SERUM', price: 18.5, variants: ['Original'] },
  { name: 'Magnetic Phone Grip', code: 'GRIP', price: 12.99, variants: ['Rose', 'Graphite'] },
  { name: 'Stainless Tumbler 40oz', code: 'TUMB', price: 34.0, variants: ['Sage', 'Cream', 'Black'] },
  { name: 'LED Sunset Lamp', code: 'LAMP', price: 29.99, variants: ['Sunset Red', 'Rainbow'] },
  { name: 'Silk Scrunchie 6-Pack', code: 'SCRN', price: 14.99, variants: ['Pastel', 'Neutral'] },
  { name: 'Mini Waffle Maker', code: 'WAFL', price: 39.99, variants: ['Aqua'] },
  { name: 'Cordless Hair Straightener', code: 'HAIR', price: 79.0, variants: ['Pink', 'White'] },
  { name: 'Pet Hair Remover Roller', code: 'PETR', price: 19.99, variants: ['Standard'] },
  { name: 'Lip Oil Trio', code: 'LIPO', price: 22.0, variants: ['Berry', 'Honey', 'Clear'] },
];

/** The catalogue of one simulated shop: the same seed gives the same ids. */
export function buildCatalog(random: SimRandom): SimProduct[] {
  return PRODUCTS.map((p) => ({
    id: `17${random.digits(17)}`,
    name: p.name,
    skus: p.variants.map((variant, index) => {
      const sale = index === 0 && random.chance(0.4) ? p.price * 0.85 : p.price;
      return {
        id: `17${random.digits(17)}`,
        sellerSku: `CF-${p.code}-${variant
          .toUpperCase()
          .replace(/[^A-Z0-9]+/g, '-')
          .replace(/-+$/, '')}`,
        name: variant,
        originalPrice: p.price.toFixed(2),
        salePrice: sale.toFixed(2),
      };
    }),
  }));
}

/** US places: state, city, ZIP, area code. */
export const US_PLACES: readonly {
  state: string;
  stateCode: string;
  city: string;
  zip: string;
  area: string;
}[] = [
  { state: 'California', stateCode: 'CA', city: 'Los Angeles', zip: '90012', area: '213' },
  { state: 'California', stateCode: 'CA', city: 'San Jose', zip: '95112', area: '408' },
  { state: 'Texas', stateCode: 'TX', city: 'Austin', zip: '78701', area: '512' },
  { state: 'Texas', stateCode: 'TX', city: 'Houston', zip: '77002', area: '713' },
  { state: 'New York', stateCode: 'NY', city: 'Brooklyn', zip: '11201', area: '718' },
  { state: 'Florida', stateCode: 'FL', city: 'Miami', zip: '33130', area: '305' },
  { state: 'Illinois', stateCode: 'IL', city: 'Chicago', zip: '60607', area: '312' },
  { state: 'Washington', stateCode: 'WA', city: 'Seattle', zip: '98101', area: '206' },
  { state: 'Georgia', stateCode: 'GA', city: 'Atlanta', zip: '30303', area: '404' },
  { state: 'Colorado', stateCode: 'CO', city: 'Denver', zip: '80202', area: '303' },
  { state: 'Arizona', stateCode: 'AZ', city: 'Phoenix', zip: '85004', area: '602' },
  { state: 'Massachusetts', stateCode: 'MA', city: 'Boston', zip: '02108', area: '617' },
  { state: 'Ohio', stateCode: 'OH', city: 'Columbus', zip: '43215', area: '614' },
  { state: 'Oregon', stateCode: 'OR', city: 'Portland', zip: '97204', area: '503' },
  { state: 'Tennessee', stateCode: 'TN', city: 'Nashville', zip: '37203', area: '615' },
];

const FIRST = [
  'Ava',
  'Liam',
  'Mia',
  'Noah',
  'Zoe',
  'Ethan',
  'Chloe',
  'Mason',
  'Lily',
  'Lucas',
  'Aria',
  'Jayden',
];
const LAST = ['Nguyen', 'Garcia', 'Smith', 'Johnson', 'Brown', 'Lee', 'Martinez', 'Davis', 'Lopez', 'Wilson'];
const STREETS = [
  'Maple Ave',
  'Oak St',
  'Sunset Blvd',
  'Main St',
  'Cedar Ln',
  'Park Pl',
  'Lake Dr',
  'Hill Rd',
];

/** A buyer: TikTok's user_id plus where they live. High-value buyers order more, and more often. */
export interface SimBuyer {
  readonly userId: string;
  readonly name: string;
  readonly phone: string;
  readonly street: string;
  readonly unit: string | undefined;
  readonly place: (typeof US_PLACES)[number];
  readonly highValue: boolean;
}

/** A pool of buyers; orders draw from it so the same user_id comes back (repeat buyers). */
export function buildBuyers(random: SimRandom, count: number): SimBuyer[] {
  return Array.from({ length: count }, () => {
    const place = random.pick(US_PLACES);
    return {
      userId: `76${random.digits(17)}`,
      name: `${random.pick(FIRST)} ${random.pick(LAST)}`,
      phone: `(+1)${place.area}${random.digits(7)}`,
      street: `${random.int(10, 9899)} ${random.pick(STREETS)}`,
      unit: random.chance(0.3) ? `Apt ${random.int(1, 40)}${random.pick(['A', 'B', 'C'])}` : undefined,
      place,
      highValue: random.chance(0.08),
    };
  });
}

/** Delivery options and the shipping providers each offers (ids in TikTok's style). */
export const DELIVERY_OPTIONS: readonly {
  id: string;
  name: string;
  providers: readonly { id: string; name: string }[];
}[] = [
  {
    id: '7091146663229654785',
    name: 'Standard shipping',
    providers: [
      { id: '6617675021119438849', name: 'USPS' },
      { id: '6617675021119438850', name: 'UPS' },
      { id: '6617675021119438851', name: 'FedEx' },
      { id: '6617675021119438852', name: 'DHL eCommerce' },
    ],
  },
  {
    id: '7091146663229654786',
    name: 'Express shipping',
    providers: [
      { id: '6617675021119438850', name: 'UPS' },
      { id: '6617675021119438851', name: 'FedEx' },
    ],
  },
  {
    id: '7091146663229654787',
    name: 'Economy shipping',
    providers: [
      { id: '6617675021119438849', name: 'USPS' },
      { id: '6617675021119438852', name: 'DHL eCommerce' },
    ],
  },
];
