import type { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * Validates a request body against a zod schema, or throws BAD_REQUEST whose message names the exact
 * field (`ship_from.zip: Required`) and whose details list every problem.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? undefined);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  const first = problems[0];
  throw new AppError('BAD_REQUEST', first ? `${first.field}: ${first.message}` : 'Invalid body', {
    details: { problems },
  });
}
