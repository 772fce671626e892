/** Who can be notified. The design names these roles in its alert rules. */
export type NotifyRole = 'team_lead' | 'devops' | 'fulfillment_team';
export const NOTIFY_ROLES: readonly NotifyRole[] = ['team_lead', 'devops', 'fulfillment_team'];

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** One place a message can go: an e-mail address or a Slack-compatible webhook URL. */
export type NotifyTarget = { channel: 'email'; target: string } | { channel: 'slack'; target: string };

/** Where each role's messages go. */
export type NotifyRoutes = Readonly<Record<NotifyRole, readonly NotifyTarget[]>>;

/** A message about one cause (the de-duplication key: one cause, one message per target). */
export interface NotificationRequest {
  readonly cause: string;
  readonly roles: readonly NotifyRole[];
  readonly severity: Severity;
  readonly subject: string;
  readonly body: string;
  readonly shopId?: string | undefined;
}

/** A row for the outbox. */
export interface PlannedNotification extends NotificationRequest {
  /** A team role, or 'customer' for a message to the buyer. */
  readonly role: NotifyRole | 'customer';
  readonly channel: NotifyTarget['channel'];
  readonly target: string;
}

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

/** Expands a request into one outbox row per distinct target of its roles. */
export function planNotifications(routes: NotifyRoutes, request: NotificationRequest): PlannedNotification[] {
  const seen = new Set<string>();
  const planned: PlannedNotification[] = [];
  for (const role of request.roles) {
    for (const t of routes[role]) {
      const key = `${t.channel}:${t.target}`;
      if (seen.has(key)) continue;
      seen.add(key);
      planned.push({ ...request, role, channel: t.channel, target: t.target });
    }
  }
  return planned;
}
