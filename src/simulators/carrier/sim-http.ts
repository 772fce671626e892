/** The request and answer shapes route handlers work with (the server does the HTTP). */
export interface SimRequest {
  method: string;
  /** Path without the query, e.g. `/transactions/tx_1`. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** The server's own base URL, for links in answers. */
  baseUrl: string;
}

export interface SimResponse {
  status: number;
  body: unknown;
}

/** A JSON answer. */
export function reply(status: number, body: unknown): SimResponse {
  return { status, body };
}

/** Reads an object field of an unknown JSON body. */
export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Reads a string field, or undefined. */
export function text(value: unknown, key: string): string | undefined {
  const v = field(value, key);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}
