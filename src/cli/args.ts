/** Parsers of command-line values; each throws a UsageError whose message says what was expected. */

/** A command-line mistake: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** "60s", "1.5m", "500ms", "2h", "1m30s" → milliseconds. A bare number is seconds. */
export function parseDuration(flag: string, text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return positive(flag, text, Number(trimmed) * 1000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|min|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new UsageError(`${flag} must be a duration such as 500ms, 60s, 2m or 1m30s (got "${text}")`);
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0);
  return positive(flag, text, ms);
}

/** "50/s", "3000/min", "20/m", "100/h", "50" (per second) → per second. */
export function parseRate(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(?:\/\s*(ms|s|sec|m|min|h|hour))?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} must be a rate such as 50/s, 3000/min or 100/h (got "${text}")`);
  const per: Record<string, number> = { ms: 0.001, s: 1, sec: 1, m: 60, min: 60, h: 3600, hour: 3600 };
  const rate = Number(match[1]) / per[match[2] ?? 's']!;
  if (!(rate > 0)) throw new UsageError(`${flag} must be above zero (got "${text}")`);
  if (rate > 20_000)
    throw new UsageError(`${flag} above 20000/s is more than one simulator can send (got "${text}")`);
  return rate;
}

/** "0.05" or "5%" → 0.05, within [0, 1]. */
export function parseProbability(flag: string, text: string): number {
  const trimmed = text.trim();
  const match = /^(\d+(?:\.\d+)?)(%)?$/.exec(trimmed);
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : Number.NaN;
  if (!(value >= 0 && value <= 1)) {
    throw new UsageError(
      `${flag} must be a probability from 0 to 1, or a percentage such as 5% (got "${text}")`,
    );
  }
  return value;
}

/** A whole number within bounds. */
export function parseInteger(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got "${text}")`);
  }
  return value;
}

/** An http(s) URL. */
export function parseUrl(flag: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `${flag} must be a URL such as http://127.0.0.1:3000/webhooks/tiktok (got "${text}")`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${flag} must be an http:// or https:// URL (got "${text}")`);
  }
  return url.toString();
}

function positive(flag: string, text: string, ms: number): number {
  if (!(ms > 0)) throw new UsageError(`${flag} must be longer than zero (got "${text}")`);
  return ms;
}
