import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * One owner per table (docs/ARCHITECTURE.md, "Who writes which table"): only `src/orders/` writes
 * the order tables and only `src/queue/` writes the job queue. Everyone else calls their named
 * commands. A plain search of the SQL in every source file of src/ (tests beside the code excepted).
 */
const OWNERS: Readonly<Record<string, string>> = {
  orders: 'orders',
  order_lines: 'orders',
  order_events: 'orders',
  order_jobs: 'queue',
};

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Each statement in `text` that writes one of the owned tables, with the table it writes. */
function writesIn(text: string): { table: string; statement: string }[] {
  const tables = Object.keys(OWNERS).join('|');
  const write = new RegExp(
    String.raw`\b(?:insert\s+into|update|delete\s+from|truncate(?:\s+table)?|merge\s+into|copy)\s+(?:only\s+)?(?:public\.)?"?(${tables})"?(?![\w.])`,
    'gi',
  );
  // A work table's description names its table for SQL built elsewhere (src/db/work-table.ts).
  const described = new RegExp(`\\btable:\\s*['"\u0060](${tables})['"\u0060]`, 'g');
  return [...text.matchAll(write), ...text.matchAll(described)].map((m) => ({
    table: m[1]!.toLowerCase(),
    statement: m[0],
  }));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('who writes which table', () => {
  it('finds every form of write the rule is about, and no read or lock', () => {
    const found = writesIn(`
      INSERT INTO order_events (shop_id) VALUES ($1);
      UPDATE orders o SET priority = 'viral';
      update public.order_lines set quantity = 2;
      DELETE FROM order_jobs j USING held h;
      WITH moved AS (UPDATE
        orders SET state = $4 RETURNING 1) SELECT 1;
      TRUNCATE order_jobs;
      SELECT 1 FROM orders FOR UPDATE OF o;
      SELECT 1 FROM order_jobs FOR NO KEY UPDATE;
      INSERT INTO orders_archive SELECT * FROM orders;
      UPDATE step_intents SET result = '{}' WHERE order_id IN (SELECT order_id FROM orders);`);
    expect(found.map((f) => f.table)).toEqual([
      'order_events',
      'orders',
      'order_lines',
      'order_jobs',
      'orders',
      'order_jobs',
    ]);
  });

  it('lets only orders/ write the order tables and only queue/ write the jobs', () => {
    const trespasses = sourceFiles(SRC).flatMap((file) => {
      const folder = relative(SRC, file).split(sep)[0];
      return writesIn(readFileSync(file, 'utf8'))
        .filter((w) => OWNERS[w.table] !== folder)
        .map(
          (w) =>
            `${relative(SRC, file)}: "${w.statement.replace(/\s+/g, ' ')}" (only src/${OWNERS[w.table]}/ may write ${w.table})`,
        );
    });
    expect(trespasses).toEqual([]);
  });
});
