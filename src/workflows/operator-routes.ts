import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../shared/parse-body.ts';
import type { Database } from '../db/index.ts';
import type { NotifyRoutes } from '../notify/index.ts';
import type { Clock } from '../shared/clock.ts';
import { applyOperatorAction } from './operator-actions.ts';

const actionSchema = z.object({
  action: z.enum(['retry', 'hold', 'release', 'cancel'], { message: 'use retry, hold, release or cancel' }),
});
const actionBodySchema = z.object({ reason: z.string().trim().min(1).max(500).optional() });

/** POST /api/orders/:order_id/(retry|hold|release|cancel), with an optional `{reason}`. Auth is the caller's. */
export function registerOperatorActionRoutes(
  app: FastifyInstance,
  deps: { db: Database; clock: Clock; routes: NotifyRoutes; customerEmail?: boolean },
): void {
  app.post<{ Params: { order_id: string; action: string } }>(
    '/api/orders/:order_id/:action',
    async (request) => {
      const { action } = parseBody(actionSchema, { action: request.params.action });
      const body = parseBody(actionBodySchema, request.body ?? {});
      return applyOperatorAction(deps, { orderId: request.params.order_id, action, reason: body.reason });
    },
  );
}
