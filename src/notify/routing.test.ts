import { describe, expect, it } from 'vitest';
import { parseTargets, type NotifyRoutes } from '../config.ts';
import { planNotifications } from './routing.ts';

const routes: NotifyRoutes = {
  team_lead: [
    { channel: 'email', target: 'lead@shop.example' },
    { channel: 'slack', target: 'https://hooks.example/ops' },
  ],
  devops: [{ channel: 'slack', target: 'https://hooks.example/ops' }],
  fulfillment_team: [],
};

describe('notification routing', () => {
  it('sends one message per distinct target even when roles share a channel', () => {
    const planned = planNotifications(routes, {
      cause: 'alert:1',
      roles: ['team_lead', 'devops'],
      severity: 'high',
      subject: 's',
      body: 'b',
    });
    expect(planned.map((p) => `${p.role}:${p.channel}:${p.target}`)).toEqual([
      'team_lead:email:lead@shop.example',
      'team_lead:slack:https://hooks.example/ops',
    ]);
  });

  it('a role with no targets plans nothing', () => {
    expect(
      planNotifications(routes, {
        cause: 'c',
        roles: ['fulfillment_team'],
        severity: 'info',
        subject: 's',
        body: 'b',
      }),
    ).toEqual([]);
  });

  it.each([
    ['', { ok: true, targets: [] }],
    ['mailto:a@b.co', { ok: true, targets: [{ channel: 'email', target: 'a@b.co' }] }],
    [
      ' https://h.example/x ,mailto:c@d.io',
      {
        ok: true,
        targets: [
          { channel: 'slack', target: 'https://h.example/x' },
          { channel: 'email', target: 'c@d.io' },
        ],
      },
    ],
    ['a@b.co', { ok: false, bad: 'a@b.co' }],
    ['ftp://x.example', { ok: false, bad: 'ftp://x.example' }],
  ])('parses %j', (list, expected) => {
    expect(parseTargets(list)).toEqual(expected);
  });
});
