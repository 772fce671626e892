import type { Queryable } from '../../db/index.ts';
import { notify } from '../../notify/index.ts';
import { appendOrderEvent } from '../../orders/index.ts';
import { retryDelayMs, type RetryPolicy } from '../../shared/backoff.ts';
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

/** 8 attempts before a compensation is handed to a person, 5 s doubling to 30 min between them. */
const COMPENSATION_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 5_000, maxDelayMs: 30 * 60_000 };

/**
 * Carries out due compensations (void a label, cancel on TikTok), each retried with backoff until
 * it succeeds or its attempts are spent, when an operator is told. Returns how many were claimed.
 */
export async function runDueCompensations(deps: FulfilmentDeps, limit = 20): Promise<number> {
  const now = new Date(deps.clock.now());
  const { rows } = await deps.db.query<DueCompensation>(
    `UPDATE compensations SET attempts = attempts + 1, locked_until = $1::timestamptz + interval '2 minutes'
      WHERE id IN (SELECT id FROM compensations
                    WHERE status = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
                    ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING id, shop_id, order_id, kind, subject, attempts`,
    [now, limit],
  );
  await Promise.all(rows.map((row) => runOne(deps, row)));
  return rows.length;
}

async function runOne(deps: FulfilmentDeps, row: DueCompensation): Promise<void> {
  const key = { shopId: row.shop_id, orderId: row.order_id };
  try {
    const outcome = row.kind === 'void_label' ? await voidLabel(deps, row) : await cancelOnTiktok(deps, row);
    const now = new Date(deps.clock.now());
    await deps.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE compensations SET status = 'done', finished_at = $2, locked_until = NULL WHERE id = $1`,
        [row.id, now],
      );
      if (row.kind === 'void_label') await setLabelStatus(tx, row, 'voided');
      await appendOrderEvent(tx, {
        ...key,
        kind: 'compensated',
        from: null,
        to: null,
        detail: { compensation: row.kind, ...outcome },
        at: now,
      });
    });
  } catch (error) {
    const reason = describeError(error);
    const now = new Date(deps.clock.now());
    const delay = error instanceof NeedsPerson ? null : retryDelayMs(COMPENSATION_RETRY, row.attempts);
    if (delay !== null) {
      await deps.db.query(
        `UPDATE compensations SET next_attempt_at = $2, last_error = $3, locked_until = NULL WHERE id = $1`,
        [row.id, new Date(now.getTime() + delay), reason.slice(0, 1000)],
      );
      return;
    }
    await deps.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE compensations SET status = 'handed_over', last_error = $2, finished_at = $3, locked_until = NULL WHERE id = $1`,
        [row.id, reason.slice(0, 1000), now],
      );
      if (row.kind === 'void_label') await setLabelStatus(tx, row, 'void_rejected');
      await appendOrderEvent(tx, {
        ...key,
        kind: 'compensation_handed_over',
        from: null,
        to: null,
        detail: { compensation: row.kind, reason, attempts: row.attempts },
        at: now,
      });
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
    });
  }
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
