// GET /api/spikes: viral spike episodes, the open ones first. Auth is the caller's scope.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../shared/parse-body.ts';
import type { Database } from '../db/index.ts';
import { listEpisodes } from './spike-queries.ts';

const listQuery = z.object({
  shop_id: z.string().trim().min(1).max(64).optional(),
  product_id: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Registers GET /api/spikes: `{active: [...], past: [...]}`, each with start, end and peak rate. */
export function registerSpikeRoutes(app: FastifyInstance, deps: { db: Database }): void {
  app.get('/api/spikes', async (request) => {
    const q = parseBody(listQuery, request.query);
    const episodes = await listEpisodes(deps.db, {
      shopId: q.shop_id,
      productId: q.product_id,
      limit: q.limit,
    });
    return {
      active: episodes.filter((e) => e.ended_at === null),
      past: episodes.filter((e) => e.ended_at !== null),
    };
  });
}
