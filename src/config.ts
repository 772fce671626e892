import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from './shared/errors.ts';

/**
 * The typed, frozen configuration, parsed once from the environment. Nothing else in CreatorFlow
 * reads process.env. A missing or malformed value stops start-up with one line naming the variable.
 */
export type Mode = 'sandbox' | 'live';
export type Role = 'api' | 'worker' | 'scheduler';
export const ROLES: readonly Role[] = ['api', 'worker', 'scheduler'];

/** Who can be notified. The design names these roles in its alert rules. */
export type NotifyRole = 'team_lead' | 'devops' | 'fulfillment_team';
export const NOTIFY_ROLES: readonly NotifyRole[] = ['team_lead', 'devops', 'fulfillment_team'];

/** One place a message can go: an e-mail address or a Slack-compatible webhook URL. */
export type NotifyTarget = { channel: 'email'; target: string } | { channel: 'slack'; target: string };

/** Where each role's messages go. */
export type NotifyRoutes = Readonly<Record<NotifyRole, readonly NotifyTarget[]>>;

/**
 * Parses a comma-separated target list such as `mailto:lead@shop.com, https://hooks.slack.com/...`.
 * Returns the targets, or the first entry that is neither.
 */
export function parseTargets(
  list: string,
): { ok: true; targets: NotifyTarget[] } | { ok: false; bad: string } {
  const targets: NotifyTarget[] = [];
  for (const raw of list
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)) {
    if (/^mailto:[^@\s]+@[^@\s]+\.[^@\s]+$/i.test(raw)) {
      targets.push({ channel: 'email', target: raw.slice('mailto:'.length) });
    } else if (URL.canParse(raw) && /^https?:$/.test(new URL(raw).protocol)) {
      targets.push({ channel: 'slack', target: raw });
    } else {
      return { ok: false, bad: raw };
    }
  }
  return { ok: true, targets };
}

export type DatabaseConfig = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

export interface Config {
  readonly mode: Mode;
  readonly roles: ReadonlySet<Role>;
  readonly http: { readonly port: number; readonly host: string };
  readonly database: DatabaseConfig;
  readonly redisUrl: string | undefined;
  readonly adminToken: string;
  /** True when the token was generated at start-up (sandbox) and must be printed for the operator. */
  readonly adminTokenGenerated: boolean;
  readonly tiktok: {
    readonly appKey: string | undefined;
    readonly appSecret: string | undefined;
    readonly apiBaseUrl: string;
    readonly authBaseUrl: string;
    /** How often each shop's orders are searched for changes no webhook announced. */
    readonly reconcileIntervalMs: number;
    /** Requests per minute to TikTok: per app with REDIS_URL, per process without it. */
    readonly requestBudgetPerMinute: number;
    /** Access tokens are refreshed this long before they expire. */
    readonly tokenRefreshMarginMs: number;
  };
  /** Demo traffic of sandbox mode. */
  readonly sandbox: {
    /** Webhooks per second (new orders and their lifecycle events); 0: no demo traffic. */
    readonly ratePerSecond: number;
    /** One traffic cycle; a viral spike runs in the middle of each. */
    readonly cycleMs: number;
  };
  readonly shippo: {
    readonly apiToken: string | undefined;
    readonly apiBaseUrl: string;
    readonly webhookSecret: string | undefined;
  };
  /** A second label API: orders fail over to it while Shippo's circuit is open. */
  readonly easypost: { readonly apiKey: string | undefined; readonly apiBaseUrl: string };
  readonly notify: {
    /** `smtp://user:pass@host:587` or `smtps://...`; undefined: e-mail notifications fail visibly. */
    readonly smtpUrl: string | undefined;
    readonly from: string;
    readonly routes: NotifyRoutes;
  };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .refine(
      (v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol),
      `must be an http(s) URL for ${what}`,
    )
    .transform((v) => v.replace(/\/+$/, ''));

/** A whole number in [min, max], written in the environment as digits; `message` says what is wanted. */
function wholeNumber(min: number, max: number, message: string) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);
}

const port = wholeNumber(1, 65535, 'must be a whole number from 1 to 65535');

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => {
    if (!URL.canParse(v)) return false;
    const url = new URL(v);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  }, 'must be a URL like postgres://user:password@host:5432/database');

const redisUrl = z
  .string()
  .trim()
  .refine(
    (v) => URL.canParse(v) && ['redis:', 'rediss:'].includes(new URL(v).protocol),
    'must be a URL like redis://127.0.0.1:6379',
  );

const envSchema = z.object({
  CREATORFLOW_MODE: z.enum(['sandbox', 'live']).optional(),
  CREATORFLOW_ROLES: z
    .string()
    .trim()
    .transform((v) => v.split(',').map((r) => r.trim()))
    .pipe(z.array(z.enum(['api', 'worker', 'scheduler'])).min(1))
    .optional(),
  PORT: port.optional(),
  HOST: z.string().trim().min(1).optional(),
  DATABASE_URL: postgresUrl.optional(),
  CREATORFLOW_DATA_DIR: z.string().trim().min(1).optional(),
  REDIS_URL: redisUrl.optional(),
  CREATORFLOW_ADMIN_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').optional(),
  TIKTOK_APP_KEY: optionalText,
  TIKTOK_APP_SECRET: optionalText,
  TIKTOK_API_BASE_URL: httpUrl('the TikTok Shop Open API').optional(),
  TIKTOK_AUTH_BASE_URL: httpUrl('the TikTok Shop auth service').optional(),
  SHIPPO_API_TOKEN: optionalText,
  SHIPPO_API_BASE_URL: httpUrl('the Shippo API').optional(),
  SHIPPO_WEBHOOK_SECRET: optionalText,
  EASYPOST_API_KEY: optionalText,
  EASYPOST_API_BASE_URL: httpUrl('the EasyPost API').optional(),
  SMTP_URL: z
    .string()
    .trim()
    .refine(
      (v) => URL.canParse(v) && ['smtp:', 'smtps:'].includes(new URL(v).protocol),
      'must be a URL like smtp://user:password@mail.example.com:587',
    )
    .optional(),
  NOTIFY_FROM: z.string().trim().min(3).optional(),
  NOTIFY_TEAM_LEAD: optionalText,
  NOTIFY_DEVOPS: optionalText,
  NOTIFY_FULFILLMENT_TEAM: optionalText,
  TIKTOK_RECONCILE_INTERVAL_SECONDS: wholeNumber(
    10,
    Number.MAX_SAFE_INTEGER,
    'must be a whole number of seconds, at least 10',
  ).optional(),
  TIKTOK_REQUEST_BUDGET_PER_MINUTE: wholeNumber(
    1,
    100_000,
    'must be a whole number from 1 to 100000',
  ).optional(),
  TIKTOK_TOKEN_REFRESH_MARGIN_HOURS: wholeNumber(
    1,
    144,
    'must be a whole number of hours from 1 to 144',
  ).optional(),
  SANDBOX_TRAFFIC_RATE: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'must be webhooks per second, e.g. 0.5 (0 turns demo traffic off)')
    .transform(Number)
    .refine((n) => n <= 500, 'must be at most 500 webhooks per second')
    .optional(),
  SANDBOX_SPIKE_EVERY_MINUTES: wholeNumber(
    1,
    Number.MAX_SAFE_INTEGER,
    'must be a whole number of minutes, at least 1',
  ).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

/** Parses the environment into a frozen Config, or throws CONFIG_INVALID naming the first bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // Empty strings count as unset, as shells and .env files commonly produce them.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const got = typeof present[name] === 'string' ? ` (got "${truncate(present[name])}")` : '';
    throw configError(name, `${issue?.message ?? 'is invalid'}${got}`);
  }
  const e = parsed.data;
  const mode: Mode = e.CREATORFLOW_MODE ?? (e.TIKTOK_APP_KEY ? 'live' : 'sandbox');

  if (mode === 'live') {
    if (!e.CREATORFLOW_ADMIN_TOKEN) throw configError('CREATORFLOW_ADMIN_TOKEN', 'is required in live mode');
    if (!e.TIKTOK_APP_KEY) throw configError('TIKTOK_APP_KEY', 'is required in live mode');
    if (!e.TIKTOK_APP_SECRET) throw configError('TIKTOK_APP_SECRET', 'is required in live mode');
  }

  const routes = Object.fromEntries(
    NOTIFY_ROLES.map((role) => {
      const variable = `NOTIFY_${role.toUpperCase()}`;
      const parsed = parseTargets(present[variable] ?? '');
      if (!parsed.ok) {
        throw configError(
          variable,
          `has "${truncate(parsed.bad)}", which is neither mailto:address nor an http(s) webhook URL`,
        );
      }
      return [role, parsed.targets];
    }),
  ) as unknown as NotifyRoutes;

  const config: Config = {
    mode,
    roles: new Set(e.CREATORFLOW_ROLES ?? ROLES),
    http: { port: e.PORT ?? 3000, host: e.HOST ?? '127.0.0.1' },
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'pglite', dataDir: e.CREATORFLOW_DATA_DIR ?? './data' },
    redisUrl: e.REDIS_URL,
    adminToken: e.CREATORFLOW_ADMIN_TOKEN ?? `cf_${randomBytes(18).toString('base64url')}`,
    adminTokenGenerated: !e.CREATORFLOW_ADMIN_TOKEN,
    tiktok: {
      // In sandbox the built-in simulator signs with these, so they may be made up here.
      appKey: e.TIKTOK_APP_KEY ?? (mode === 'sandbox' ? 'creatorflow-sandbox' : undefined),
      appSecret: e.TIKTOK_APP_SECRET ?? (mode === 'sandbox' ? randomBytes(24).toString('hex') : undefined),
      apiBaseUrl: e.TIKTOK_API_BASE_URL ?? 'https://open-api.tiktokglobalshop.com',
      authBaseUrl: e.TIKTOK_AUTH_BASE_URL ?? 'https://auth.tiktok-shops.com',
      reconcileIntervalMs: (e.TIKTOK_RECONCILE_INTERVAL_SECONDS ?? 300) * 1000,
      requestBudgetPerMinute: e.TIKTOK_REQUEST_BUDGET_PER_MINUTE ?? 1000,
      tokenRefreshMarginMs: (e.TIKTOK_TOKEN_REFRESH_MARGIN_HOURS ?? 24) * 3_600_000,
    },
    sandbox: {
      ratePerSecond: e.SANDBOX_TRAFFIC_RATE ?? 0.5,
      cycleMs: (e.SANDBOX_SPIKE_EVERY_MINUTES ?? 10) * 60_000,
    },
    shippo: {
      apiToken: e.SHIPPO_API_TOKEN,
      apiBaseUrl: e.SHIPPO_API_BASE_URL ?? 'https://api.goshippo.com',
      webhookSecret: e.SHIPPO_WEBHOOK_SECRET,
    },
    easypost: {
      apiKey: e.EASYPOST_API_KEY,
      apiBaseUrl: e.EASYPOST_API_BASE_URL ?? 'https://api.easypost.com/v2',
    },
    notify: { smtpUrl: e.SMTP_URL, from: e.NOTIFY_FROM ?? 'CreatorFlow <creatorflow@localhost>', routes },
    logLevel: e.LOG_LEVEL ?? 'info',
  };
  return deepFreeze(config);
}

function configError(variable: string, problem: string): AppError {
  return new AppError('CONFIG_INVALID', `${variable} ${problem}`, { details: { variable } });
}

function truncate(value: unknown): string {
  const text = String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Set)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
