import { createHmac } from 'node:crypto';
import type { CarrierSimState, SimEvent } from './sim-state.ts';
import { shippoTrack, shippoTransaction } from './shippo-routes.ts';

export interface WebhookDelivery {
  event: string;
  body: string;
  status: number | 'failed';
  /** 1 for the first try; Shippo retries a delivery that did not get a 2xx. */
  attempt: number;
}

/** How long a lone event waits for a partner to swap with before it goes out alone. */
const REORDER_HOLD_MS = 500;
const MAX_ATTEMPTS = 3;

/** Signs as Shippo does: `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}

/** Turns state events into Shippo webhook bodies `{event, test, data}`. */
export function webhookBody(state: CarrierSimState, event: SimEvent): string {
  if (event.event === 'track_updated') {
    const at = {
      PRE_TRANSIT: event.track.createdAt,
      TRANSIT: event.track.transitAt,
      DELIVERED: event.track.deliveredAt,
    }[event.status];
    return JSON.stringify({ event: 'track_updated', test: true, data: shippoTrack(state, event.track, at) });
  }
  return JSON.stringify({ event: event.event, test: true, data: shippoTransaction(event.transaction) });
}

/**
 * Delivers the state's events to a URL, signed; duplicates and reorders them when the knobs say
 * so. Deliveries run one at a time, in the order decided here.
 */
export class WebhookPusher {
  readonly deliveries: WebhookDelivery[] = [];
  private held: Array<{ event: string; body: string }> = [];
  private heldSince = 0;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: CarrierSimState,
    public url: string | undefined,
    private readonly secret: string,
  ) {}

  /** Takes the state's new events and queues their deliveries. */
  flush(): void {
    const events = this.state.events.splice(0);
    if (this.url === undefined) return;
    if (this.held.length === 0) this.heldSince = Date.now();
    for (const event of events) this.held.push({ event: event.event, body: webhookBody(this.state, event) });
    if (this.held.length === 0) return;
    const waiting = Date.now() - this.heldSince < REORDER_HOLD_MS;
    if (this.state.knobs.reorderWebhooks && this.held.length < 2 && waiting) return; // wait for a partner
    const batch = this.state.knobs.reorderWebhooks ? this.held.reverse() : this.held;
    this.held = [];
    const url = this.url;
    for (const item of batch) {
      const copies = this.state.knobs.duplicateWebhooks ? 2 : 1;
      for (let i = 0; i < copies; i++) this.sending = this.sending.then(() => this.send(url, item));
    }
  }

  /** Resolves when every queued delivery has been attempted. */
  idle(): Promise<void> {
    return this.sending;
  }

  private async send(url: string, item: { event: string; body: string }): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // Signed at each try, as a real sender would, so the timestamp stays fresh.
      const signature = signWebhook(this.secret, item.body, Math.floor(Date.now() / 1000));
      let status: number | 'failed';
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'shippo-auth-signature': signature },
          body: item.body,
          signal: AbortSignal.timeout(3000),
        });
        await res.arrayBuffer().catch(() => undefined);
        status = res.status;
      } catch {
        status = 'failed';
      }
      this.deliveries.push({ ...item, status, attempt });
      if (typeof status === 'number' && status >= 200 && status < 300) return;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
