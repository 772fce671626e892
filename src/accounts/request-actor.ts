import type { FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';
import type { Actor } from './roles.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made this request to the operator API (set by the API's authentication). */
    actor?: Actor;
  }
  interface FastifyContextConfig {
    /** A POST that changes nothing (a dry run, a stream ticket): a viewer may send it. */
    readOnly?: boolean;
  }
}

/** The request's actor, who must be an admin (API keys are managed only by admins). */
export function requireAdmin(request: FastifyRequest): Actor {
  const actor = request.actor;
  if (actor?.role !== 'admin') throw new AppError('FORBIDDEN', 'Only an admin may manage API keys');
  return actor;
}
