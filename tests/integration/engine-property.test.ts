import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decide,
  PRIORITIES,
  transitionOrder,
  type OrderEvent,
  type OrderState,
} from '../../src/orders/index.ts';
import {
  claimJobs,
  completeJob,
  continueJob,
  DEFAULT_LANE_POLICIES,
  escalateJobs,
  LeaseLostError,
  retryDelayMs,
  retryJobLater,
  type OrderJob,
} from '../../src/queue/index.ts';
import {
  LIFECYCLE_EVENTS,
  lifecycleStepBatch,
  openAsyncCommits,
  runLifecycleStep,
  type AsyncCommitDatabase,
  type StepEffect,
} from '../../bench/engine/index.ts';
import { applyOperatorAction } from '../../src/workflows/index.ts';
import { isAppError } from '../../src/shared/errors.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

/**
 * Any interleaving of two workers' claims and steps (succeeding, failing mid-transaction, or done by
 * the batch path), lease expiries, worker crashes, operator holds, releases, retries and cancels,
 * and escalations leaves every order in a legal state, with each side effect recorded exactly as
 * often as its transition (so never twice for one step), and nothing stepped while on hold.
 */
const ORDERS = ['o1', 'o2', 'o3', 'o4'];
const LEASE_MS = 1_000;
const NO_ROUTES = { team_lead: [], devops: [], fulfillment_team: [] };

type Command =
  | { kind: 'claim'; worker: number }
  | { kind: 'step'; worker: number; pick: number; fails: boolean }
  | { kind: 'batch'; worker: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'crash'; worker: number }
  | { kind: 'operator'; order: number; action: 'hold' | 'release' | 'retry' | 'cancel' }
  | { kind: 'escalate'; order: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('claim' as const), worker: fc.nat(1) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('step' as const),
      worker: fc.nat(1),
      pick: fc.nat(7),
      fails: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('batch' as const), worker: fc.nat(1) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.integer({ min: 1, max: 2 * LEASE_MS }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), worker: fc.nat(1) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('operator' as const),
      order: fc.nat(ORDERS.length - 1),
      action: fc.constantFrom('hold' as const, 'release' as const, 'retry' as const, 'cancel' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('escalate' as const), order: fc.nat(ORDERS.length - 1) }),
  },
);

let test: TestDatabase;
/** The test database with the batch pool's asynchronous commits. */
let batchDb: AsyncCommitDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  batchDb = await openAsyncCommits(test.db, test.url);
  await test.db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s', 'c')`);
  await test.db.query(`CREATE TABLE effects (order_id text NOT NULL, event text NOT NULL)`);
});
afterAll(async () => {
  await batchDb?.close();
  await test.drop();
});

const effect: StepEffect = async (tx, step) => {
  await tx.query(`INSERT INTO effects (order_id, event) VALUES ($1, $2)`, [step.orderId, step.event]);
};

async function reset(clock: ManualClock): Promise<void> {
  await test.db.query(`DELETE FROM orders`);
  await test.db.query(`TRUNCATE effects`);
  const now = new Date(clock.now());
  await test.db.query(
    `INSERT INTO orders (shop_id, order_id, priority, sla_deadline)
     SELECT 's', o, ($3::text[])[n], $2 FROM unnest($1::text[]) WITH ORDINALITY AS t(o, n)`,
    [ORDERS, now, PRIORITIES],
  );
  await test.db.query(
    `INSERT INTO order_jobs (shop_id, order_id, lane, deadline, run_at) SELECT shop_id, order_id, priority, $1, $1 FROM orders`,
    [now],
  );
}

/** What a worker pool does with a step's outcome or failure, for one held job. */
async function runStep(clock: ManualClock, worker: string, job: OrderJob, fails: boolean): Promise<boolean> {
  const key = { shopId: job.shop_id, orderId: job.order_id, workerId: worker };
  try {
    const outcome = await test.db.transaction(async (tx) => {
      const result = await runLifecycleStep(tx, {
        shopId: job.shop_id,
        orderId: job.order_id,
        at: new Date(clock.now()),
        leaseHolder: worker,
        effect,
      });
      if (fails) throw new Error('the step failed after its writes (rolled back)');
      return result;
    });
    if (outcome.next === 'done') await completeJob(test.db, key);
    else await continueJob(test.db, { ...key, runAt: new Date(clock.now()) });
    return true;
  } catch (error) {
    if (error instanceof LeaseLostError) return false;
    const delay = retryDelayMs(DEFAULT_LANE_POLICIES[job.lane], job.attempts, () => 0.5);
    if (delay === null) {
      await test.db.transaction((tx) =>
        transitionOrder(tx, {
          shopId: job.shop_id,
          orderId: job.order_id,
          event: 'fail',
          at: new Date(clock.now()),
        }),
      );
      await completeJob(test.db, key);
    } else {
      await retryJobLater(test.db, { ...key, retryAt: new Date(clock.now() + delay), error: String(error) });
    }
    return false;
  }
}

async function apply(clock: ManualClock, held: OrderJob[][], cmd: Command): Promise<void> {
  const worker = 'worker' in cmd ? `w${cmd.worker}` : '';
  switch (cmd.kind) {
    case 'claim':
      for (const lane of PRIORITIES) {
        const jobs = await claimJobs(test.db, {
          lane,
          limit: 2,
          workerId: worker,
          leaseMs: LEASE_MS,
          now: new Date(clock.now()),
        });
        held[cmd.worker]!.push(...jobs);
      }
      return;
    case 'step': {
      const mine = held[cmd.worker]!;
      if (mine.length === 0) return;
      const [job] = mine.splice(cmd.pick % mine.length, 1);
      await runStep(clock, worker, job!, cmd.fails);
      return;
    }
    case 'batch': {
      const jobs = held[cmd.worker]!.splice(0);
      if (jobs.length === 0) return;
      const outcomes = await lifecycleStepBatch({
        db: batchDb,
        clock,
        effect: (tx, steps) => Promise.all(steps.map((s) => effect(tx, s))).then(() => undefined),
      })(jobs);
      for (const [n, outcome] of outcomes.entries()) {
        const key = { shopId: jobs[n]!.shop_id, orderId: jobs[n]!.order_id, workerId: worker };
        if (outcome.next === 'done') await completeJob(test.db, key);
        else if (outcome.next === 'continue')
          await continueJob(test.db, { ...key, runAt: new Date(clock.now()) });
      }
      return;
    }
    case 'advance':
      clock.advance(cmd.ms);
      return;
    case 'crash':
      held[cmd.worker] = [];
      return;
    case 'operator':
      try {
        await applyOperatorAction(
          { db: test.db, clock, routes: NO_ROUTES },
          { orderId: ORDERS[cmd.order]!, action: cmd.action },
        );
      } catch (error) {
        if (!isAppError(error, 'CONFLICT')) throw error;
      }
      return;
    case 'escalate':
      await escalateJobs(test.db, {
        shopId: 's',
        orderIds: [ORDERS[cmd.order]!],
        lane: 'viral',
        deadline: new Date(clock.now()),
      });
      return;
  }
}

interface EventRow {
  order_id: string;
  kind: string;
  from_state: OrderState | null;
  to_state: OrderState | null;
  detail: { event?: OrderEvent; by?: string };
}

async function checkInvariants(): Promise<void> {
  const { rows: events } = await test.db.query<EventRow>(
    `SELECT order_id, kind, from_state, to_state, detail FROM order_events ORDER BY order_id, id`,
  );
  const { rows: orders } = await test.db.query<{
    order_id: string;
    state: OrderState;
    hold_reason: string | null;
  }>(`SELECT order_id, state, hold_reason FROM orders ORDER BY order_id`);
  for (const order of orders) {
    let state: OrderState = 'received';
    let onHold = false;
    const transitions = new Map<string, number>();
    for (const e of events.filter((row) => row.order_id === order.order_id)) {
      if (e.kind === 'hold') onHold = true;
      if (e.kind === 'release') onHold = false;
      if (e.kind !== 'transition') continue;
      // Each recorded transition is the state machine's, from the state the order was in.
      expect(e.from_state).toBe(state);
      const decision = decide(state, e.detail.event!);
      expect(decision).toMatchObject({ ok: true, to: e.to_state });
      // Nothing but an operator moves an order on hold.
      if (onHold) expect(e.detail.by).toBe('operator');
      state = e.to_state!;
      transitions.set(e.detail.event!, (transitions.get(e.detail.event!) ?? 0) + 1);
    }
    expect(order.state).toBe(state);
    expect(order.hold_reason !== null).toBe(onHold);
    // Each side effect as often as its committed transition: never one without it, never twice.
    const { rows: effects } = await test.db.query<{ event: string; n: number }>(
      `SELECT event, count(*)::int AS n FROM effects WHERE order_id = $1 GROUP BY event`,
      [order.order_id],
    );
    const lifecycle = new Set<string>(Object.values(LIFECYCLE_EVENTS));
    expect(new Map(effects.map((f) => [f.event, f.n]))).toEqual(
      new Map([...transitions].filter(([event]) => lifecycle.has(event))),
    );
  }
}

describe('the engine under any interleaving', () => {
  it('keeps every order legal, each side effect once per committed step, nothing stepped on hold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40 }), async (commands) => {
        const clock = new ManualClock(Date.UTC(2026, 0, 1));
        await reset(clock);
        const held: OrderJob[][] = [[], []];
        for (const cmd of commands) await apply(clock, held, cmd);
        await checkInvariants();
      }),
      { numRuns: 150 },
    );
  });
});
