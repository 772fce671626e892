import type { Queryable } from '../../db/index.ts';

export interface Intent {
  /** 1 on the first attempt; more means an earlier attempt may have reached the outside. */
  attempts: number;
  status: 'started' | 'done';
  result: Record<string, unknown> | null;
}

/**
 * Records, and commits before the outside call, that a step is about to call out under an
 * idempotency key. Called again for the same step it counts the attempt and returns the earlier
 * result when there is one, so the caller skips the call or looks for its earlier effect.
 */
export async function beginIntent(
  db: Queryable,
  input: { shopId: string; orderId: string; step: string; key: string; now: Date },
): Promise<Intent> {
  const { rows } = await db.query<Intent>(
    `INSERT INTO step_intents (shop_id, order_id, step, idempotency_key, started_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (shop_id, order_id, step) DO UPDATE
       SET attempts = step_intents.attempts + CASE WHEN step_intents.status = 'done' THEN 0 ELSE 1 END
     RETURNING attempts, status, result`,
    [input.shopId, input.orderId, input.step, input.key, input.now],
  );
  return rows[0]!;
}

/** Records a step's result, in the transaction that applies it. */
export async function finishIntent(
  tx: Queryable,
  input: { shopId: string; orderId: string; step: string; result: Record<string, unknown>; now: Date },
): Promise<void> {
  await tx.query(
    `UPDATE step_intents SET status = 'done', result = $4, finished_at = $5
      WHERE shop_id = $1 AND order_id = $2 AND step = $3`,
    [input.shopId, input.orderId, input.step, JSON.stringify(input.result), input.now],
  );
}
