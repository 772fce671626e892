import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { isAppError } from './shared/errors.ts';

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (isAppError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('defaults to sandbox on embedded PGlite in ./data, port 3000 on loopback, every role', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('sandbox');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: './data' });
    expect(config.http).toEqual({ port: 3000, host: '127.0.0.1' });
    expect([...config.roles]).toEqual(['api', 'worker', 'scheduler']);
    expect(config.adminTokenGenerated).toBe(true);
    expect(config.adminToken.length).toBeGreaterThanOrEqual(16);
  });

  it('switches to live mode when a TikTok app key is configured', () => {
    const config = loadConfig({
      TIKTOK_APP_KEY: 'key',
      TIKTOK_APP_SECRET: 'secret',
      CREATORFLOW_ADMIN_TOKEN: 'a-long-enough-operator-token',
    });
    expect(config.mode).toBe('live');
    expect(config.adminTokenGenerated).toBe(false);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@db.example:5432/cf' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db.example:5432/cf' });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' }).http.port).toBe(3000);
  });

  it('strips trailing slashes from base URLs so paths join cleanly', () => {
    expect(loadConfig({ TIKTOK_API_BASE_URL: 'http://127.0.0.1:9000/' }).tiktok.apiBaseUrl).toBe(
      'http://127.0.0.1:9000',
    );
  });

  it('freezes the parsed configuration', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT must be a whole number from 1 to 65535 \(got "abc"\)$/],
    [{ PORT: '70000' }, /^PORT must be a whole number/],
    [{ DATABASE_URL: 'nonsense' }, /^DATABASE_URL must be a URL like postgres:\/\//],
    [{ DATABASE_URL: 'mysql://h/db' }, /^DATABASE_URL must be a URL like postgres:\/\//],
    [{ REDIS_URL: 'http://x' }, /^REDIS_URL must be a URL like redis:\/\//],
    [{ CREATORFLOW_MODE: 'production' }, /^CREATORFLOW_MODE /],
    [{ CREATORFLOW_ROLES: 'api,cook' }, /^CREATORFLOW_ROLES /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL /],
    [{ TIKTOK_API_BASE_URL: 'ftp://x' }, /^TIKTOK_API_BASE_URL must be an http\(s\) URL/],
    [{ CREATORFLOW_ADMIN_TOKEN: 'short' }, /^CREATORFLOW_ADMIN_TOKEN must be at least 16 characters/],
    [{ CREATORFLOW_MODE: 'live' }, /^CREATORFLOW_ADMIN_TOKEN is required in live mode$/],
    [
      { CREATORFLOW_MODE: 'live', CREATORFLOW_ADMIN_TOKEN: 'a-long-enough-operator-token' },
      /^TIKTOK_APP_KEY is required in live mode$/,
    ],
  ])('refuses %j with one line naming the variable', (env, message) => {
    const text = problem(env);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });
});

describe('notification routes', () => {
  it('route each role to its e-mail addresses and webhook URLs', () => {
    const config = loadConfig({
      NOTIFY_TEAM_LEAD: 'mailto:lead@shop.example, https://hooks.slack.example/T1',
      NOTIFY_DEVOPS: 'https://hooks.slack.example/T2',
    });
    expect(config.notify.routes).toEqual({
      team_lead: [
        { channel: 'email', target: 'lead@shop.example' },
        { channel: 'slack', target: 'https://hooks.slack.example/T1' },
      ],
      devops: [{ channel: 'slack', target: 'https://hooks.slack.example/T2' }],
      fulfillment_team: [],
    });
  });

  it('refuse a target that is neither mailto: nor a webhook URL', () => {
    expect(problem({ NOTIFY_DEVOPS: 'ops@shop.example' })).toBe(
      'NOTIFY_DEVOPS has "ops@shop.example", which is neither mailto:address nor an http(s) webhook URL',
    );
  });

  it('refuse an SMTP_URL that is not smtp:// or smtps://', () => {
    expect(problem({ SMTP_URL: 'mail.example.com' })).toMatch(/^SMTP_URL must be a URL like smtp:\/\//);
  });
});
