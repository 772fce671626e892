/** A shop's default box: outer dimensions and its own weight. */
export interface BoxSpec {
  length: number;
  width: number;
  height: number;
  distanceUnit: 'in' | 'cm';
  tareWeightOz: number;
}

export interface ParcelLine {
  sellerSku: string;
  quantity: number;
  /** Unit weight in ounces; undefined when the catalogue has none. */
  weightOz: number | undefined;
}

export interface ParcelPlan {
  parcel: {
    length: number;
    width: number;
    height: number;
    distanceUnit: 'in' | 'cm';
    weight: number;
    massUnit: 'oz';
  };
  /** SKUs weighed with the fallback weight because the catalogue has none. */
  estimatedSkus: string[];
}

/** Carriers bill by the tenth of an ounce at best; rounding up never under-declares. */
const WEIGHT_STEP_OZ = 0.1;

/**
 * The parcel for an order: the shop's default box, weighing the box plus every unit. Unknown
 * weights use `fallbackItemWeightOz` and are reported, so the timeline can say the weight is a guess.
 *
 * @example buildParcel([{ sellerSku: 'MUG', quantity: 2, weightOz: 12 }], box) // weight: 24 + tare
 */
export function buildParcel(
  lines: readonly ParcelLine[],
  box: BoxSpec,
  options: { fallbackItemWeightOz?: number } = {},
): ParcelPlan {
  const fallback = options.fallbackItemWeightOz ?? 8;
  if (lines.length === 0) throw new RangeError('a parcel needs at least one line');
  for (const size of [box.length, box.width, box.height]) {
    if (!(size > 0)) throw new RangeError('box dimensions must be positive');
  }
  if (!(box.tareWeightOz >= 0)) throw new RangeError('box tare weight must not be negative');
  let tenths = Math.round(box.tareWeightOz * 10);
  const estimated = new Set<string>();
  for (const line of lines) {
    if (!Number.isInteger(line.quantity) || line.quantity <= 0) {
      throw new RangeError(`quantity of ${line.sellerSku} must be a positive whole number`);
    }
    if (line.weightOz !== undefined && !(line.weightOz >= 0)) {
      throw new RangeError(`weight of ${line.sellerSku} must not be negative`);
    }
    if (line.weightOz === undefined) estimated.add(line.sellerSku);
    // Work in whole tenths of an ounce so sums do not drift.
    tenths += Math.ceil((line.weightOz ?? fallback) * line.quantity * 10 - 1e-9);
  }
  const weight = Math.max(WEIGHT_STEP_OZ, tenths / 10);
  return {
    parcel: {
      length: box.length,
      width: box.width,
      height: box.height,
      distanceUnit: box.distanceUnit,
      weight,
      massUnit: 'oz',
    },
    estimatedSkus: [...estimated].sort(),
  };
}
