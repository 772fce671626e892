import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { actorOfApiKey, ADMIN_TOKEN_ACTOR, mayWrite } from '../accounts/index.ts';
import type { Queryable } from '../db/index.ts';
import { AppError } from '../shared/errors.ts';

/** What the operator API accepts as a bearer token. */
export interface ApiAccess {
  /** `CREATORFLOW_ADMIN_TOKEN`: the break-glass admin. */
  readonly adminToken: string;
  /** Where API keys are looked up; without it only the admin token is accepted. */
  readonly keys?: Queryable;
}

/**
 * A preHandler that admits `Authorization: Bearer <token>` for the admin token (compared in
 * constant time) or a live API key, sets `request.actor`, and refuses a viewer's writes (any
 * method but GET and HEAD, unless the route is marked `readOnly`) with 403.
 */
export function authenticate(access: ApiAccess): (request: FastifyRequest) => Promise<void> {
  const expected = digest(access.adminToken);
  return async (request) => {
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    // Hashing both sides makes the comparison constant-time whatever the presented length.
    const actor = !token
      ? undefined
      : timingSafeEqual(digest(token), expected)
        ? ADMIN_TOKEN_ACTOR
        : access.keys && (await actorOfApiKey(access.keys, token));
    if (!actor) throw new AppError('UNAUTHORIZED', 'Missing, wrong or revoked token');
    request.actor = actor;
    const reads =
      request.method === 'GET' || request.method === 'HEAD' || request.routeOptions.config.readOnly;
    if (!reads && !mayWrite(actor.role)) {
      throw new AppError('FORBIDDEN', `A ${actor.role} may only read; ${request.method} changes something`);
    }
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
