import { workDueRows, type Queryable, type WorkTable } from '../../db/index.ts';
import { notify } from '../../notify/index.ts';
import { appendOrderEvent } from '../../orders/index.ts';
import { describeError } from '../../shared/errors.ts';
import { labelApiNamed } from './carrier-choice.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';

interface DueCompensation {
  id: number;
  shop_id: string;
  order_id: string;
  kind: 'void_label' | 'cancel_on_tiktok';
  subject: string;
  attempts: number;
}

/** A failure no retry can fix: handed to a person at once. */
class NeedsPerson extends Error {
  override readonly name = 'NeedsPerson';
}

/**
 * Compensations as a work table (src/db/work-table.ts): claimed under a 2-minute lease, tried 8
 * times, 5 s doubling to 30 min apart, then handed over to a person.
 */
const COMPENSATIONS_TABLE: WorkTable = {
  table: 'compensations',
  returning: 'id, shop_id, order_id, kind, subject, attempts',
  doneStatus: 'done',
  doneAtColumn: 'finished_at',
  givenUpStatus: 'handed_over',
  givenUpIsDone: true,
  retry: { maxAttempts: 8, baseDelayMs: 5_000, maxDelayMs: 30 * 60_000, jitter: 'none' },
};

/**
 * Carries out due compensations (void a label, cancel on TikTok), each retried with backoff until
 * it succeeds or its attempts are spent, when an operator is told. Returns how many were claimed.
 */
export async function runDueCompensations(deps: FulfilmentDeps, limit = 20): Promise<number> {
  const { claimed } = await workDueRows<DueCompensation, Record<string, unknown>>(
    deps,
    COMPENSATIONS_TABLE,
    { limit, leaseMs: 2 * 60_000 },
    {
      run: (row) => (row.kind === 'void_label' ? voidLabel(deps, row) : cancelOnTiktok(deps, row)),
      onDone: (tx, row, outcome, now) => recordEnd(tx, row, 'compensated', outcome, now),
      isFinal: (error) => error instanceof NeedsPerson,
      onGiveUp: (tx, row, error, now) => handOver(deps, tx, row, describeError(error), now),
    },
  );
  return claimed;
}

/** How a compensation ended, on its label (voided, or the void refused) and its order's timeline. */
async function recordEnd(
  tx: Queryable,
  row: DueCompensation,
  end: 'compensated' | 'compensation_handed_over',
  detail: Record<string, unknown>,
  at: Date,
): Promise<void> {
  if (row.kind === 'void_label') {
    await setLabelStatus(tx, row, end === 'compensated' ? 'voided' : 'void_rejected');
  }
  await appendOrderEvent(tx, {
    shopId: row.shop_id,
    orderId: row.order_id,
    kind: end,
    from: null,
    to: null,
    detail: { compensation: row.kind, ...detail },
    at,
  });
}

/** The compensation is a person's now: the label marked, the timeline told, the team notified. */
async function handOver(
  deps: FulfilmentDeps,
  tx: Queryable,
  row: DueCompensation,
  reason: string,
  now: Date,
): Promise<void> {
  await recordEnd(tx, row, 'compensation_handed_over', { reason, attempts: row.attempts }, now);
  await notify(
    tx,
    deps.routes,
    {
      cause: `compensation:${row.id}`,
      roles: ['fulfillment_team', 'devops'],
      severity: 'high',
      subject: `Order ${row.order_id}: ${row.kind.replace(/_/g, ' ')} needs a person`,
      body: `CreatorFlow tried ${row.attempts} times to ${row.kind.replace(/_/g, ' ')} for order ${row.order_id} of shop ${row.shop_id} and gave up: ${reason}. Do it by hand in the carrier's or TikTok's dashboard.`,
      shopId: row.shop_id,
    },
    now,
  );
}

async function setLabelStatus(
  tx: Queryable,
  row: DueCompensation,
  status: 'voided' | 'void_rejected',
): Promise<void> {
  await tx.query(
    `UPDATE labels SET status = $3, updated_at = now() WHERE shop_id = $1 AND idempotency_key = $2`,
    [row.shop_id, row.subject, status],
  );
}

async function voidLabel(deps: FulfilmentDeps, row: DueCompensation): Promise<Record<string, unknown>> {
  const { rows } = await deps.db.query<{ transaction_id: string; aggregator: string }>(
    `SELECT transaction_id, aggregator FROM labels WHERE shop_id = $1 AND idempotency_key = $2`,
    [row.shop_id, row.subject],
  );
  const label = rows[0];
  if (!label) return { note: 'no label was stored under this key' };
  const carrier = labelApiNamed(deps, label.aggregator);
  if (!carrier)
    throw new Error(`the label was bought through ${label.aggregator}, which is not configured now`);
  const { port, policy } = carrier;
  const refund = await policy.execute(() => port.voidLabel(label.transaction_id));
  if (refund.status === 'rejected') {
    throw new NeedsPerson(
      `the carrier refused to void label ${label.transaction_id}: ${refund.messages.map((m) => m.text).join('; ')}`,
    );
  }
  return { transaction_id: label.transaction_id, refund: refund.status };
}

async function cancelOnTiktok(deps: FulfilmentDeps, row: DueCompensation): Promise<Record<string, unknown>> {
  const credentials = await deps.tiktok.credentials(row.shop_id);
  if (!credentials) throw new Error(`shop ${row.shop_id} is not authorised at TikTok`);
  const detail = await deps.tiktok.orderDetail(credentials, row.order_id);
  if (detail?.status === 'CANCELLED') return { note: 'already cancelled at TikTok' };
  const { cancelId } = await deps.tiktok.api.cancelOrder(credentials, {
    orderId: row.order_id,
    cancelReason: 'seller_cancelled',
  });
  return { cancel_id: cancelId };
}
