import type { FastifyInstance } from 'fastify';
import { authenticate, type ApiAccess } from './auth.ts';

/**
 * Registers the operator API under /api in its own encapsulated scope, where every route requires
 * `Authorization: Bearer <token>`: `CREATORFLOW_ADMIN_TOKEN` or a live API key, whose role may
 * forbid writes. Domains add their routes through `routes`.
 */
export async function registerOperatorApi(
  app: FastifyInstance,
  access: ApiAccess,
  routes: ReadonlyArray<(scope: FastifyInstance) => void>,
): Promise<void> {
  await app.register((scope, _options, done) => {
    scope.addHook('preHandler', authenticate(access));
    for (const add of routes) add(scope);
    done();
  });
}
