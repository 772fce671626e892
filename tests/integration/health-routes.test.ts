import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createMetrics } from '../../src/shared/metrics.ts';
import { createTestDatabase, migrations, type TestDatabase } from '../helpers/test-database.ts';

let test: TestDatabase;
let app: FastifyInstance;
beforeAll(async () => {
  test = await createTestDatabase();
  app = await buildServer({ log: createLogger('silent'), db: test.db, migrations, metrics: createMetrics() });
});
afterAll(async () => {
  await app.close();
  await test.drop();
});

describe('health and metrics endpoints', () => {
  it('/healthz answers while the process is alive', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is ready when the database answers and every migration is applied', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready' });
  });

  it('/readyz is not ready when a migration of this code is missing', async () => {
    const withNewer = [
      ...migrations,
      { version: migrations.length + 1, name: 'next', sql: '', checksum: '' },
    ];
    const unready = await buildServer({
      log: createLogger('silent'),
      db: test.db,
      migrations: withNewer,
      metrics: createMetrics(),
    });
    const res = await unready.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ reason: 'migrations not applied' });
    await unready.close();
  });

  it('/metrics speaks Prometheus text and counts requests', async () => {
    await app.inject({ method: 'GET', url: '/healthz' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/creatorflow_http_requests_total\{[^}]*route="\/healthz"[^}]*\} \d+/);
    expect(res.body).toContain('process_resident_memory_bytes');
  });

  it('an unknown route answers 404 in the standard error shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No route GET /nowhere', hint: expect.any(String) },
    });
  });
});
