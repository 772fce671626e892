import { describe, expect, it } from 'vitest';
import { TICKET_TTL_MS, issueTicket, verifyTicket } from './sse-ticket.ts';

const TOKEN = 'operator-token-0123456789';
const NOW = Date.UTC(2026, 0, 1);

describe('event stream tickets', () => {
  it('a fresh ticket issued under the token is accepted', () => {
    const { ticket } = issueTicket(TOKEN, NOW);
    expect(verifyTicket(TOKEN, ticket, NOW + 1_000)).toBe(true);
  });

  it('a ticket is refused once its minute has passed', () => {
    const { ticket } = issueTicket(TOKEN, NOW);
    expect(verifyTicket(TOKEN, ticket, NOW + TICKET_TTL_MS + 1)).toBe(false);
  });

  it('a ticket issued under another token is refused', () => {
    const { ticket } = issueTicket('another-token-0123456789', NOW);
    expect(verifyTicket(TOKEN, ticket, NOW)).toBe(false);
  });

  it.each([
    ['a far-future expiry with a forged signature', `${NOW + 10 * TICKET_TTL_MS}.${'A'.repeat(43)}`],
    ['the token itself', TOKEN],
    ['an empty string', ''],
    [
      'an edited expiry',
      (() => {
        const [, sig] = issueTicket(TOKEN, NOW).ticket.split('.');
        return `${NOW + TICKET_TTL_MS - 1}.${sig}`;
      })(),
    ],
  ])('%s is refused', (_what, ticket) => {
    expect(verifyTicket(TOKEN, ticket, NOW)).toBe(false);
  });
});
