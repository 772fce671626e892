import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { Database } from '../db/index.ts';
import { setStock } from './stock-queries.ts';

/** One catalogue row as imported. */
export interface StockRow {
  readonly sellerSku: string;
  readonly onHand: number;
  readonly weightOz: number | undefined;
  readonly lowStockThreshold: number | undefined;
}

export const SKU_PATTERN = /^[\w.\-/ ]{1,100}$/;
const MAX_ROWS = 50_000;

const wholeNumber = (max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n <= max, `must be at most ${max}`);

const rowSchema = z.object({
  seller_sku: z.string().trim().regex(SKU_PATTERN, 'use 1-100 letters, digits, spaces and . _ - /'),
  on_hand: wholeNumber(10_000_000),
  weight_oz: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : Number(v)))
    .refine(
      (v) => v === undefined || (Number.isFinite(v) && v > 0 && v <= 100_000),
      'must be a positive number of ounces',
    ),
  low_stock_threshold: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : v))
    .pipe(wholeNumber(1_000_000).optional()),
});

export type ParsedStockCsv = { ok: true; rows: StockRow[] } | { ok: false; problems: string[] };

/**
 * Reads a catalogue CSV with a header row: `seller_sku,on_hand` and optionally `weight_oz` and
 * `low_stock_threshold`. Every problem is reported with its line, so the whole file can be fixed
 * at once; a SKU listed twice is a problem too.
 */
export function parseStockCsv(text: string): ParsedStockCsv {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      bom: true,
      trim: true,
    });
  } catch (error) {
    return { ok: false, problems: [`not a readable CSV: ${(error as Error).message}`] };
  }
  if (records.length === 0) return { ok: false, problems: ['the file has no rows under its header'] };
  const header = Object.keys(records[0] ?? {});
  const missing = ['seller_sku', 'on_hand'].filter((c) => !header.includes(c));
  if (missing.length > 0) {
    return {
      ok: false,
      problems: [`the header must name ${missing.join(' and ')} (got: ${header.join(', ')})`],
    };
  }
  if (records.length > MAX_ROWS) return { ok: false, problems: [`at most ${MAX_ROWS} rows per file`] };

  const problems: string[] = [];
  const rows: StockRow[] = [];
  const seen = new Map<string, number>();
  records.forEach((record, index) => {
    const line = index + 2;
    const parsed = rowSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`line ${line}: ${String(issue.path[0])} ${issue.message}`);
      return;
    }
    const first = seen.get(parsed.data.seller_sku);
    if (first !== undefined) {
      problems.push(`line ${line}: seller_sku ${parsed.data.seller_sku} is already on line ${first}`);
      return;
    }
    seen.set(parsed.data.seller_sku, line);
    rows.push({
      sellerSku: parsed.data.seller_sku,
      onHand: parsed.data.on_hand,
      weightOz: parsed.data.weight_oz,
      lowStockThreshold: parsed.data.low_stock_threshold,
    });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows };
}

export type StockImportResult =
  { ok: true; created: number; updated: number } | { ok: false; problems: string[] };

/** Sets every row's stock in one transaction: all rows or none (a row below what is reserved refuses the file). */
export async function importStock(
  db: Database,
  shopId: string,
  rows: readonly StockRow[],
): Promise<StockImportResult> {
  return db
    .transaction(async (tx) => {
      // The file's SKUs are locked first, in SKU order as reservations lock them, so an import and
      // the orders reserving or shipping meanwhile cannot deadlock.
      await tx.query(
        `SELECT 1 FROM inventory WHERE shop_id = $1 AND seller_sku = ANY($2::text[]) ORDER BY seller_sku FOR UPDATE`,
        [shopId, rows.map((r) => r.sellerSku)],
      );
      let created = 0;
      const problems: string[] = [];
      for (const row of rows) {
        const result = await setStock(tx, {
          shopId,
          sellerSku: row.sellerSku,
          onHand: row.onHand,
          weightOz: row.weightOz,
          lowStockThreshold: row.lowStockThreshold,
        });
        if (!result.ok)
          problems.push(
            `${row.sellerSku}: ${result.reserved} unit(s) are reserved, so on_hand cannot be ${row.onHand}`,
          );
        else if (!result.previous) created += 1;
      }
      if (problems.length > 0) throw new StockImportRefused(problems);
      return { ok: true as const, created, updated: rows.length - created };
    })
    .catch((error: unknown) => {
      if (error instanceof StockImportRefused) return { ok: false as const, problems: error.problems };
      throw error;
    });
}

/** Rolls the import's transaction back with the rows that could not be set. */
class StockImportRefused extends Error {
  override readonly name = 'StockImportRefused';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}
