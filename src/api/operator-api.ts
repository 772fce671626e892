import type { FastifyInstance } from 'fastify';
import { requireBearer } from './auth.ts';

/**
 * Registers the operator API under /api in its own encapsulated scope, where every route requires
 * `Authorization: Bearer <CREATORFLOW_ADMIN_TOKEN>`. Domains add their routes through `routes`.
 */
export async function registerOperatorApi(
  app: FastifyInstance,
  adminToken: string,
  routes: ReadonlyArray<(scope: FastifyInstance) => void>,
): Promise<void> {
  await app.register((scope, _options, done) => {
    scope.addHook('preHandler', requireBearer(adminToken));
    for (const add of routes) add(scope);
    done();
  });
}
