import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, isAppError } from '../shared/errors.ts';

/** The one JSON error shape every route answers with: `{error: {code, message, hint, details?}}`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, appError.message);
    return reply.status(appError.status).send({
      error: {
        code: appError.code,
        message: appError.message,
        hint: appError.hint,
        ...(appError.details ? { details: appError.details } : {}),
      },
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        code: 'NOT_FOUND',
        message: `No route ${request.method} ${request.url.split('?')[0]}`,
        hint: 'See the README for the HTTP endpoints.',
      },
    }),
  );
}

/** Maps Fastify's own errors (body parsing, validation, limits) onto the catalogue. */
function toAppError(error: FastifyError | AppError): AppError {
  if (isAppError(error)) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large', { cause: error });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'The request Content-Type is not supported', {
        cause: error,
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('BAD_REQUEST', 'The request body is not valid JSON', { cause: error });
    default:
      break;
  }
  if (error.statusCode === 400 || error instanceof SyntaxError) {
    return new AppError('BAD_REQUEST', error.message, { cause: error });
  }
  return new AppError('INTERNAL', 'Internal error', { cause: error });
}
