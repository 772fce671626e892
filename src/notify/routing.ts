import type { NotifyRole, NotifyRoutes, NotifyTarget } from '../config.ts';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

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
