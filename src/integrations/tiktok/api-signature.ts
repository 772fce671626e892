import { createHmac } from 'node:crypto';

/** A query value as the Open API takes it: arrays are joined with commas before signing and sending. */
export type QueryValue = string | number | readonly (string | number)[];

/** The parameters the signature never covers. */
const UNSIGNED = new Set(['sign', 'access_token']);

/**
 * The `sign` query parameter of a TikTok Shop Open API request (protocol 202309):
 * lowercase hex HMAC-SHA256, keyed by the app secret, over
 * `secret + path + sorted {key}{value} pairs + body + secret`.
 * `body` is the exact JSON text sent, or undefined for none (and for multipart bodies).
 */
export function signApiRequest(input: {
  appSecret: string;
  path: string;
  query: Readonly<Record<string, QueryValue | undefined>>;
  body?: string | undefined;
}): string {
  const pairs = Object.keys(input.query)
    .filter((key) => !UNSIGNED.has(key) && input.query[key] !== undefined)
    .sort()
    .map((key) => `${key}${queryText(input.query[key] as QueryValue)}`)
    .join('');
  const wrapped = `${input.appSecret}${input.path}${pairs}${input.body ?? ''}${input.appSecret}`;
  return createHmac('sha256', input.appSecret).update(wrapped).digest('hex');
}

/** The text a query value is sent and signed as. */
export function queryText(value: QueryValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}
