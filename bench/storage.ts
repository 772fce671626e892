/**
 * The storage step every order transition costs: a conditional UPDATE of the order's state plus a
 * timeline INSERT, in one transaction. Measured one order per transaction with 8 concurrent
 * clients, and batched (100 orders per statement), on PGlite and PostgreSQL in the same run.
 */
import type { Database } from '../src/db/index.ts';
import { yieldToEventLoop } from '../src/shared/sleep.ts';
import { benchPglite, benchPostgres, type BenchDatabase } from './databases.ts';

const ORDERS = 4_000;
const CLIENTS = 8;
const BATCH = 100;

export async function storageBenchmark(): Promise<void> {
  const rows: string[][] = [];
  for (const open of [benchPglite, () => benchPostgres(CLIENTS)]) {
    const target: BenchDatabase | undefined = await open();
    if (!target) continue;
    try {
      await seed(target.db);
      const single = await measure(() => singleSteps(target.db));
      await target.db.query(`UPDATE orders SET state = 'received'`);
      const batched = await measure(() => batchedSteps(target.db));
      rows.push([target.label, rate(single), rate(batched)]);
    } finally {
      await target.drop();
    }
  }
  printTable(
    ['database', `steps/s (1 per tx, ${CLIENTS} clients)`, `steps/s (${BATCH} per statement)`],
    rows,
  );
}

async function seed(db: Database): Promise<void> {
  await db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('bench', 'c')`);
  await db.query(
    `INSERT INTO orders (shop_id, order_id, sla_deadline)
     SELECT 'bench', 'o' || i, now() + interval '3 minutes' FROM generate_series(1, $1) AS i`,
    [ORDERS],
  );
}

async function singleSteps(db: Database): Promise<void> {
  let next = 1;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next <= ORDERS) {
        const id = `o${next++}`;
        await db.transaction(async (tx) => {
          await tx.query(
            `UPDATE orders SET state = 'validated', updated_at = now()
              WHERE shop_id = 'bench' AND order_id = $1 AND state = 'received'`,
            [id],
          );
          await tx.query(
            `INSERT INTO order_events (shop_id, order_id, kind, from_state, to_state)
             VALUES ('bench', $1, 'transition', 'received', 'validated')`,
            [id],
          );
        });
        if (next % 200 === 0) await yieldToEventLoop();
      }
    }),
  );
}

async function batchedSteps(db: Database): Promise<void> {
  for (let start = 1; start <= ORDERS; start += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, ORDERS - start + 1) }, (_, i) => `o${start + i}`);
    await db.query(
      `WITH moved AS (
         UPDATE orders SET state = 'validated', updated_at = now()
          WHERE shop_id = 'bench' AND order_id = ANY($1::text[]) AND state = 'received'
          RETURNING shop_id, order_id)
       INSERT INTO order_events (shop_id, order_id, kind, from_state, to_state)
       SELECT shop_id, order_id, 'transition', 'received', 'validated' FROM moved`,
      [ids],
    );
    await yieldToEventLoop();
  }
}

async function measure(run: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return ORDERS / seconds;
}

function rate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

/** Prints a Markdown table, so results paste straight into RESULTS.md. */
export function printTable(header: string[], rows: string[][]): void {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  process.stdout.write(`${[line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')}\n`);
}
