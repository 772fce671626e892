import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  claimWork,
  completeWork,
  failWork,
  workDueRows,
  type WorkRow,
  type WorkTable,
} from '../../src/db/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

// A work table of the tests' own, with the columns every work table has.
const CREATE = `
  CREATE TABLE work_items (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL,
    status          text NOT NULL DEFAULT 'pending',
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    locked_until    timestamptz,
    last_error      text,
    ended_at        timestamptz
  )`;

const ITEMS: WorkTable = {
  table: 'work_items',
  returning: 'id, name, attempts',
  doneStatus: 'done',
  doneAtColumn: 'ended_at',
  givenUpStatus: 'failed',
  givenUpIsDone: false,
  retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 },
};
// The outbox's way: a leased row is marked, and a lapsed lease makes it due again.
const SENDING: WorkTable = { ...ITEMS, leasedStatus: 'sending' };

interface Item extends WorkRow {
  name: string;
}
interface Stored {
  name: string;
  status: string;
  attempts: number;
  last_error: string | null;
  ended: boolean;
  leased: boolean;
}

let test: TestDatabase;
const clock = new ManualClock(Date.UTC(2026, 5, 1));
const now = () => new Date(clock.now());
const lease = { limit: 10, leaseMs: 30_000 };

beforeAll(async () => {
  test = await createTestDatabase();
  await test.db.exec(CREATE);
});
afterAll(() => test.drop());
beforeEach(async () => {
  await test.db.query('DELETE FROM work_items');
});

async function add(name: string, dueInMs = 0): Promise<void> {
  await test.db.query('INSERT INTO work_items (name, next_attempt_at) VALUES ($1, $2)', [
    name,
    new Date(clock.now() + dueInMs),
  ]);
}

async function stored(): Promise<Stored[]> {
  const { rows } = await test.db.query<Stored>(
    `SELECT name, status, attempts, last_error, ended_at IS NOT NULL AS ended,
            locked_until IS NOT NULL AS leased
       FROM work_items ORDER BY id`,
  );
  return rows;
}

const names = (rows: readonly Item[]) => rows.map((r) => r.name);

describe('a work table', () => {
  it('claims due rows oldest due first, at most the limit, counting the attempt', async () => {
    await add('later', 5_000);
    await add('b', -1_000);
    await add('a', -2_000);
    await add('c', 0);
    const claimed = await claimWork<Item>(test.db, ITEMS, { now: now(), limit: 2, leaseMs: 30_000 });
    expect(names(claimed).sort()).toEqual(['a', 'b']);
    expect(claimed.every((r) => r.attempts === 1)).toBe(true);
    expect(names(await claimWork<Item>(test.db, ITEMS, { now: now(), ...lease }))).toEqual(['c']);
    clock.advance(5_000);
    expect(names(await claimWork<Item>(test.db, ITEMS, { now: now(), ...lease }))).toEqual(['later']);
  });

  it('does not hand out a leased row again until its lease passes', async () => {
    for (const table of [ITEMS, SENDING]) {
      await test.db.query('DELETE FROM work_items');
      await add('x');
      expect(await claimWork<Item>(test.db, table, { now: now(), ...lease })).toHaveLength(1);
      clock.advance(29_000);
      expect(await claimWork<Item>(test.db, table, { now: now(), ...lease })).toHaveLength(0);
      clock.advance(2_000);
      const again = await claimWork<Item>(test.db, table, { now: now(), ...lease });
      expect(again.map((r) => r.attempts)).toEqual([2]);
    }
  });

  it('marks a claimed row with the leased status when the table has one', async () => {
    await add('x');
    await claimWork<Item>(test.db, SENDING, { now: now(), ...lease });
    expect((await stored())[0]).toMatchObject({ status: 'sending', leased: true });
  });

  it('two workers at once never claim the same row', async () => {
    for (let i = 0; i < 30; i++) await add(`r${i}`);
    const claims = await Promise.all(
      [1, 2, 3].map(() => claimWork<Item>(test.db, SENDING, { now: now(), limit: 12, leaseMs: 30_000 })),
    );
    const all = claims.flat().map((r) => r.name);
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
  });

  it('completing a row ends it, in its done status or the one given, and clears lease and error', async () => {
    await add('a');
    await add('b');
    const [a, b] = await claimWork<Item>(test.db, SENDING, { now: now(), ...lease });
    await completeWork(test.db, SENDING, { id: b!.id, now: now(), status: 'ignored' });
    await failWork(test.db, SENDING, { id: a!.id, attempts: 1, error: 'first try failed', now: now() });
    clock.advance(60_000);
    await claimWork<Item>(test.db, SENDING, { now: now(), ...lease });
    await completeWork(test.db, SENDING, { id: a!.id, now: now() });
    expect(await stored()).toEqual([
      { name: 'a', status: 'done', attempts: 2, last_error: null, ended: true, leased: false },
      { name: 'b', status: 'ignored', attempts: 1, last_error: null, ended: true, leased: false },
    ]);
  });

  it('a failed row is due again after the backoff, and given up once its attempts are spent', async () => {
    await add('f');
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [row] = await claimWork<Item>(test.db, SENDING, { now: now(), ...lease });
      expect(row?.attempts).toBe(attempt);
      const retryAt = await failWork(test.db, SENDING, {
        id: row!.id,
        attempts: row!.attempts,
        error: `failure ${attempt}`,
        now: now(),
      });
      if (attempt < 3) {
        // Equal jitter: at least half the ceiling (1 s, then 2 s), at most the ceiling.
        const ceiling = 1_000 * 2 ** (attempt - 1);
        expect(retryAt!.getTime() - clock.now()).toBeGreaterThanOrEqual(ceiling / 2);
        expect(retryAt!.getTime() - clock.now()).toBeLessThanOrEqual(ceiling);
        expect((await stored())[0]).toMatchObject({ status: 'pending', leased: false });
        clock.advance(ceiling / 2 - 1);
        if (ceiling / 2 - 1 > 0) {
          expect(await claimWork<Item>(test.db, SENDING, { now: now(), ...lease })).toHaveLength(0);
        }
        clock.advance(ceiling / 2 + 1);
      } else {
        expect(retryAt).toBeNull();
      }
    }
    expect(await stored()).toEqual([
      { name: 'f', status: 'failed', attempts: 3, last_error: 'failure 3', ended: false, leased: false },
    ]);
    clock.advance(24 * 60 * 60_000);
    expect(await claimWork<Item>(test.db, SENDING, { now: now(), ...lease })).toHaveLength(0);
  });

  it('a final failure is given up at once; a table that counts giving up as an end stamps it', async () => {
    await add('p');
    const [row] = await claimWork<Item>(test.db, ITEMS, { now: now(), ...lease });
    const handedOver = { ...ITEMS, givenUpStatus: 'handed_over', givenUpIsDone: true };
    const long = 'x'.repeat(5_000);
    expect(
      await failWork(test.db, handedOver, { id: row!.id, attempts: 1, error: long, now: now(), final: true }),
    ).toBeNull();
    const [after] = await stored();
    expect(after).toMatchObject({ status: 'handed_over', ended: true, leased: false });
    expect(after!.last_error).toHaveLength(1000);
  });
});

describe('workDueRows', () => {
  const deps = () => ({ db: test.db, clock });

  it('completes what worked and fails what threw, and says how many of each', async () => {
    for (const name of ['ok1', 'bad', 'ok2']) await add(name);
    const result = await workDueRows<Item, string>(deps(), ITEMS, lease, {
      run: (row) => (row.name === 'bad' ? Promise.reject(new Error('no')) : Promise.resolve('fine')),
      doneStatus: (r) => (r === 'fine' ? 'processed' : 'done'),
    });
    expect(result).toEqual({ claimed: 3, done: 2, failed: 1 });
    expect((await stored()).map((r) => [r.name, r.status, r.last_error])).toEqual([
      ['ok1', 'processed', null],
      ['bad', 'pending', 'no'],
      ['ok2', 'processed', null],
    ]);
  });

  it('the done hook shares the completing transaction: when it throws, the row is failed, not done', async () => {
    await add('a');
    await workDueRows<Item, void>(deps(), ITEMS, lease, {
      run: () => Promise.resolve(),
      onDone: async (tx, row) => {
        await tx.query(`UPDATE work_items SET name = 'renamed' WHERE id = $1`, [row.id]);
        throw new Error('hook failed');
      },
    });
    expect(await stored()).toMatchObject([{ name: 'a', status: 'pending', last_error: 'hook failed' }]);
  });

  it('the give-up hook runs once, when the row is given up, with the error', async () => {
    await add('g');
    const givenUp: string[] = [];
    const work = {
      run: () => Promise.reject(new Error('still down')),
      onGiveUp: (_tx: unknown, row: Item, error: unknown) => {
        givenUp.push(`${row.name}: ${(error as Error).message} after ${row.attempts}`);
      },
    };
    for (let round = 0; round < 3; round++) {
      await workDueRows<Item, never>(deps(), ITEMS, lease, work);
      clock.advance(60_000);
    }
    expect(givenUp).toEqual(['g: still down after 3']);
    expect((await stored())[0]).toMatchObject({ status: 'failed', attempts: 3 });
  });
});
