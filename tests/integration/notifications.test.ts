import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmailSender, type EmailSender } from '../../src/integrations/notify/index.ts';
import {
  dispatchDueNotifications,
  listNotifications,
  notify,
  type NotifyRoutes,
} from '../../src/notify/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

interface Mail {
  to: string[];
  data: string;
}

let test: TestDatabase;
let smtp: SMTPServer;
let smtpPort: number;
const mails: Mail[] = [];
let hook: Server;
let hookUrl: string;
const posts: unknown[] = [];
let hookFailures = 0;
let email: EmailSender;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  test = await createTestDatabase();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('nobody@'))
        return callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
      callback();
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  email = createEmailSender(`smtp://127.0.0.1:${smtpPort}`, 'CreatorFlow <alerts@creatorflow.test>');

  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (hookFailures > 0) {
        hookFailures -= 1;
        res.writeHead(503).end('busy');
        return;
      }
      posts.push(JSON.parse(body));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  email.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => hook.close(() => resolve()));
  await test.drop();
});
beforeEach(async () => {
  mails.length = 0;
  posts.length = 0;
  hookFailures = 0;
  await test.db.query('DELETE FROM notifications');
});

const routes = (): NotifyRoutes => ({
  team_lead: [
    { channel: 'email', target: 'lead@shop.test' },
    { channel: 'slack', target: hookUrl },
  ],
  devops: [{ channel: 'slack', target: hookUrl }],
  fulfillment_team: [{ channel: 'email', target: 'nobody@shop.test' }],
});
const deps = () => ({ db: test.db, clock, email });
const request = {
  cause: 'alert:automation_success_rate:1',
  roles: ['team_lead', 'devops'] as const,
  severity: 'high' as const,
  subject: 'Automation success rate under 95%',
  body: 'Automation success rate is 91% over the last 15 minutes.',
};

describe('notifications', () => {
  it('are delivered by e-mail over SMTP and to a Slack-compatible webhook, once per target', async () => {
    expect(
      await notify(test.db, routes(), { ...request, roles: [...request.roles] }, new Date(clock.now())),
    ).toBe(2);
    expect(await dispatchDueNotifications(deps())).toEqual({ sent: 2, failed: 0 });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['lead@shop.test']);
    expect(mails[0]!.data).toContain('Subject: Automation success rate under 95%');
    expect(mails[0]!.data).toMatch(/Message-ID: <[0-9a-f]{32}@creatorflow>/i);
    expect(posts).toEqual([{ text: '*Automation success rate under 95%*\n' + request.body }]);
    expect(await dispatchDueNotifications(deps())).toEqual({ sent: 0, failed: 0 });
  });

  it('one cause is never sent twice, however often it is raised', async () => {
    await notify(test.db, routes(), { ...request, roles: ['devops'] }, new Date(clock.now()));
    await dispatchDueNotifications(deps());
    expect(await notify(test.db, routes(), { ...request, roles: ['devops'] }, new Date(clock.now()))).toBe(0);
    await dispatchDueNotifications(deps());
    expect(posts).toHaveLength(1);
  });

  it('a failing webhook is retried with backoff until it succeeds', async () => {
    hookFailures = 2;
    await notify(test.db, routes(), { ...request, roles: ['devops'] }, new Date(clock.now()));
    expect(await dispatchDueNotifications(deps())).toEqual({ sent: 0, failed: 1 });
    expect(await dispatchDueNotifications(deps())).toEqual({ sent: 0, failed: 0 });
    clock.advance(5_000);
    expect(await dispatchDueNotifications(deps())).toEqual({ sent: 0, failed: 1 });
    clock.advance(10_000);
    expect(await dispatchDueNotifications(deps())).toEqual({ sent: 1, failed: 0 });
    const [row] = await listNotifications(test.db);
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('a mailbox the server refuses is failed for an operator, not retried forever', async () => {
    await notify(test.db, routes(), { ...request, roles: ['fulfillment_team'] }, new Date(clock.now()));
    expect(await dispatchDueNotifications(deps())).toEqual({ sent: 0, failed: 1 });
    const [row] = await listNotifications(test.db);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row?.last_error).toMatch(/SMTP refused the message \(550\)/);
  });

  it('e-mail without an SMTP server configured fails visibly', async () => {
    await notify(test.db, routes(), { ...request, roles: ['team_lead'] }, new Date(clock.now()));
    await dispatchDueNotifications({ ...deps(), email: undefined });
    const rows = await listNotifications(test.db);
    expect(rows.find((r) => r.channel === 'email')?.last_error ?? '').toMatch(/set SMTP_URL/);
  });
});
