import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardServer, type DashboardServer } from '../helpers/dashboard-server.ts';
import { seedOrder, seedShop } from '../helpers/dashboard-seed.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { AUTH } from '../helpers/test-server.ts';

let test: TestDatabase;
let server: DashboardServer;

beforeAll(async () => {
  test = await createTestDatabase();
  await seedShop(test.db);
  server = await startDashboardServer(test.db, { listen: true, liveIntervalMs: 200 });
});
afterAll(async () => {
  await server?.close();
  await test?.drop();
});

/** Reads server-sent events from a stream until `done` says it has what it wants. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  done: (events: { event: string; data: unknown }[]) => boolean,
): Promise<{ event: string; data: unknown }[]> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  while (!done(events)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return events;
}

async function ticket(): Promise<string> {
  const res = await fetch(`${server.url}/api/events/ticket`, { method: 'POST', headers: AUTH });
  expect(res.status).toBe(201);
  return ((await res.json()) as { ticket: string }).ticket;
}

describe('GET /api/events', () => {
  it('refuses a browser without the token or a valid ticket, saying how to get one', async () => {
    for (const path of [
      '/api/events',
      '/api/events?ticket=123.abc',
      `/api/events?ticket=${'x'.repeat(40)}`,
    ]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
        'POST /api/events/ticket',
      );
    }
  });

  it('issues tickets only to the operator', async () => {
    const res = await fetch(`${server.url}/api/events/ticket`, { method: 'POST' });
    expect(res.status).toBe(401);
  });

  it('streams the overview at once, then each order change as it happens', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/events?ticket=${await ticket()}`, {
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    let seeded = false;
    const events = await readEvents(res.body!, (seen) => {
      if (!seeded && seen.some((e) => e.event === 'overview')) {
        seeded = true;
        void seedOrder(test.db, { orderId: 'live-1', receivedAt: new Date(), outcome: 'processed' });
      }
      return seen.some(
        (e) =>
          e.event === 'orders' &&
          (e.data as { changes: { order_id: string; to: string }[] }).changes.some(
            (c) => c.order_id === 'live-1' && c.to === 'label_generated',
          ),
      );
    });
    controller.abort();
    expect(events[0]).toMatchObject({ event: 'overview', data: { lanes: expect.any(Array) } });
    const changes = events
      .filter((e) => e.event === 'orders')
      .flatMap((e) => (e.data as { changes: { order_id: string; to: string }[] }).changes);
    expect(changes.filter((c) => c.order_id === 'live-1').map((c) => c.to)).toEqual([
      'received',
      'validated',
      'processing',
      'inventory_reserved',
      'label_generated',
    ]);
  });

  it('accepts the bearer header too (for scripts), and the server closes with a stream open', async () => {
    const res = await fetch(`${server.url}/api/events`, { headers: AUTH });
    expect(res.status).toBe(200);
    const events = await readEvents(res.body!, (seen) => seen.length > 0);
    expect(events[0]?.event).toBe('overview');
    const other = await fetch(`${server.url}/api/events`, { headers: AUTH });
    expect(other.status).toBe(200);
    await server.close();
    const reader = other.body!.getReader();
    let ended = false;
    while (!ended) ended = (await reader.read()).done;
    expect(ended).toBe(true);
  });
});
