import type { z } from 'zod';
import { CarrierPermanentError, CarrierTransientError, classifyHttpFailure } from './carrier-errors.ts';

/** How an adapter reaches its API: base URL and headers fixed once, a per-request timeout. */
export interface HttpJsonOptions {
  baseUrl: string;
  headers: Record<string, string>;
  /** Per-request timeout in ms; the resilience policy adds its own around whole calls. */
  timeoutMs?: number;
  /** Replaceable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  now?: () => number;
}

export type HttpJson = <T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown) => Promise<T>;

/** A small JSON-over-HTTP caller that turns every failure into a classified CarrierError. */
export function createHttpJson(options: HttpJsonOptions): HttpJson {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const url = `${base}${path}`;
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // Network errors and our own timeout: the request may or may not have reached the carrier.
      throw new CarrierTransientError(`${method} ${path} failed: ${describe(error)}`, undefined, {
        cause: error,
      });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const detail = errorDetail(text);
      throw classifyHttpFailure(
        response.status,
        `${method} ${path} answered ${response.status}${detail ? `: ${detail}` : ''}`,
        response.headers.get('retry-after'),
        now(),
      );
    }
    try {
      return (text === '' ? {} : JSON.parse(text)) as T;
    } catch (error) {
      throw new CarrierPermanentError(`${method} ${path} answered non-JSON`, response.status, {
        cause: error,
      });
    }
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.name === 'TimeoutError' ? 'timed out' : error.message;
  return String(error);
}

function errorDetail(text: string): string {
  if (text === '') return '';
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const record = parsed as Record<string, unknown>;
      const error = record.error as Record<string, unknown> | undefined;
      const detail = record.detail ?? record.message ?? error?.message;
      if (typeof detail === 'string') return detail;
    }
    return text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

/** Parses an answer, or fails permanently: a shape we do not understand will not fix itself. */
export function parseAnswer<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new CarrierPermanentError(
      `unexpected ${what} from carrier API: ${result.error.message}`,
      undefined,
    );
  }
  return result.data;
}
