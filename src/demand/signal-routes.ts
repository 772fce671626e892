// POST /api/signals and GET /api/signals: content signals, usable by the rules as facts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../shared/parse-body.ts';
import type { Database } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import { listSignals, MAX_CLOCK_SKEW_MS, signalSchema, storeSignal } from './signals.ts';

const listQuery = z.object({
  shop_id: z.string().trim().min(1).max(64),
  product_id: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Registers the signal routes; auth is the caller's scope. */
export function registerDemandRoutes(app: FastifyInstance, deps: { db: Database; clock: Clock }): void {
  app.post('/api/signals', async (request, reply) => {
    const signal = parseBody(signalSchema, request.body);
    const now = new Date(deps.clock.now());
    const observedAt = signal.observed_at ? new Date(signal.observed_at) : now;
    if (observedAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS)
      throw new AppError(
        'BAD_REQUEST',
        `observed_at: ${signal.observed_at} is in the future; send when the signal was seen, or leave it out`,
      );
    const { rows } = await deps.db.query(`SELECT 1 FROM shops WHERE shop_id = $1`, [signal.shop_id]);
    if (rows.length === 0)
      throw new AppError(
        'NOT_FOUND',
        `No shop ${signal.shop_id} is registered; register it with POST /api/shops`,
      );
    return reply.status(201).send({ signal: await storeSignal(deps.db, { signal, observedAt, now }) });
  });

  app.get('/api/signals', async (request) => {
    const q = parseBody(listQuery, request.query);
    return {
      signals: await listSignals(deps.db, { shopId: q.shop_id, productId: q.product_id, limit: q.limit }),
    };
  });
}
