import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import { parseBody } from '../shared/parse-body.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';
import { requireAdmin } from './request-actor.ts';
import { ROLES } from './roles.ts';

const newKeySchema = z.strictObject({
  name: z.string().trim().min(1, 'must name the key (who or what uses it)').max(100),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
  shop_ids: z
    .null({
      error:
        'keys limited to shops are not available yet; leave shop_ids out for a key that covers every shop',
    })
    .optional(),
});

/**
 * POST /api/keys (make a key; its token is answered once), GET /api/keys (every key, no tokens),
 * DELETE /api/keys/:id (revoke at once). Admins only.
 */
export function registerKeyRoutes(app: FastifyInstance, deps: { db: Database; clock: Clock }): void {
  app.post('/api/keys', async (request, reply) => {
    requireAdmin(request);
    const input = parseBody(newKeySchema, request.body);
    const key = await createApiKey(deps.db, {
      name: input.name,
      role: input.role,
      now: new Date(deps.clock.now()),
    });
    return reply
      .status(201)
      .send({ id: key.id, name: key.name, role: key.role, shop_ids: key.shop_ids, token: key.token });
  });

  app.get('/api/keys', async (request) => {
    requireAdmin(request);
    return { keys: await listApiKeys(deps.db) };
  });

  app.delete<{ Params: { id: string } }>('/api/keys/:id', async (request, reply) => {
    requireAdmin(request);
    const revoked = await revokeApiKey(deps.db, { id: request.params.id, now: new Date(deps.clock.now()) });
    if (!revoked) throw new AppError('NOT_FOUND', `No live API key ${request.params.id}`);
    return reply.status(204).send();
  });
}
