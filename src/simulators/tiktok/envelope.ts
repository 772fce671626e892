import type { FastifyReply } from 'fastify';
import { SIM_ERRORS, type SimErrorName } from './error-codes.ts';

let sequence = 0;

/** A request id in TikTok's style: a UTC timestamp and a hex suffix. */
export function requestId(nowMs: number): string {
  sequence = (sequence + 1) % 0xffffff;
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 14);
  return `${stamp}${sequence.toString(16).padStart(6, '0').toUpperCase()}SIM`;
}

/** Answers `{code: 0, message: "Success", data, request_id}`. */
export function sendData(reply: FastifyReply, nowMs: number, data: unknown): FastifyReply {
  return reply
    .code(200)
    .header('content-type', 'application/json')
    .send(JSON.stringify({ code: 0, message: 'Success', data, request_id: requestId(nowMs) }));
}

/** Answers TikTok's envelope with an error code (see error-codes.ts) and the error's HTTP status. */
export function sendError(
  reply: FastifyReply,
  nowMs: number,
  name: SimErrorName,
  detail?: string,
  retryAfterSeconds?: number,
): FastifyReply {
  const error = SIM_ERRORS[name];
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  return reply
    .code(error.http)
    .header('content-type', 'application/json')
    .send(
      JSON.stringify({
        code: error.code,
        message: detail ? `${error.message} ${detail}` : error.message,
        data: {},
        request_id: requestId(nowMs),
      }),
    );
}
