import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';

/** A preHandler that admits only `Authorization: Bearer <token>` (compared in constant time). */
export function requireBearer(token: string): (request: FastifyRequest) => Promise<void> {
  const expected = digest(token);
  return async (request) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    // Hashing both sides makes the comparison constant-time whatever the presented length.
    if (!match?.[1] || !timingSafeEqual(digest(match[1].trim()), expected)) {
      throw new AppError('UNAUTHORIZED', 'Missing or wrong operator token');
    }
    await Promise.resolve();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
