import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { signWebhook } from '../../integrations/tiktok/index.ts';
import type { Clock } from '../../shared/clock.ts';
import type { TiktokSimulatorKnobs } from './knobs.ts';
import type { SimRandom } from './random.ts';
import type { TiktokSimCounters } from './sim-state.ts';

/** A webhook as TikTok sends it. */
export interface SimWebhook {
  readonly type: number;
  readonly tts_notification_id: string;
  readonly shop_id: string;
  readonly timestamp: number;
  readonly data: Record<string, unknown>;
}

/** One HTTP delivery attempt and how it went. */
export interface WebhookAttempt {
  readonly notificationId: string;
  readonly type: number;
  /** 1 for the first try, 2+ for redeliveries after a failure. */
  readonly attempt: number;
  /** True for the extra copy the duplicate knob sends. */
  readonly duplicate: boolean;
  /** HTTP status, or 0 for a network error or timeout. */
  readonly status: number;
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error?: string | undefined;
}

interface Pending {
  readonly webhook: SimWebhook;
  readonly body: string;
  attempt: number;
  readonly duplicate: boolean;
}

const MAX_WAITING = 100_000;
const MAX_RECORDED = 200_000;

/**
 * Delivers signed webhooks to the target URL like TikTok: at least once, concurrently, redelivered
 * after a non-2xx answer, a network error or a timeout on the knob's schedule, then given up. The
 * drop, duplicate and reorder knobs apply when a webhook is queued.
 */
export class WebhookSender {
  /** Every attempt, in the order answers arrived (the first 200,000; so are the two lists below). */
  readonly attempts: WebhookAttempt[] = [];
  /** Webhooks the drop knob swallowed: reconciliation must find these orders. */
  readonly dropped: SimWebhook[] = [];
  /** Webhooks in the order they were handed to the network (first attempts and duplicates). */
  readonly sentOrder: SimWebhook[] = [];
  private readonly queue: Pending[] = [];
  private held: Pending | undefined;
  private heldTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly listeners = new Set<(attempt: WebhookAttempt) => void>();
  private readonly agent: Agent;
  private stopped = false;

  constructor(
    private readonly deps: {
      appKey: string;
      appSecret: string;
      knobs: TiktokSimulatorKnobs;
      counters: TiktokSimCounters;
      random: SimRandom;
      clock: Clock;
    },
    public target: string | undefined,
  ) {
    this.agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
  }

  /** Queues a webhook of `type` for a shop; returns it (even when the drop knob swallows it). */
  enqueue(shopId: string, type: number, data: Record<string, unknown>): SimWebhook {
    const { counters, knobs, random } = this.deps;
    const webhook: SimWebhook = {
      type,
      tts_notification_id: `73${random.digits(17)}`,
      shop_id: shopId,
      timestamp: Math.floor(this.deps.clock.now() / 1000),
      data,
    };
    counters.webhooksQueued += 1;
    if (random.chance(knobs.dropRate)) {
      counters.webhooksDropped += 1;
      if (this.dropped.length < MAX_RECORDED) this.dropped.push(webhook);
      return webhook;
    }
    const pending: Pending = { webhook, body: JSON.stringify(webhook), attempt: 1, duplicate: false };
    const copies = random.chance(knobs.duplicateRate) ? 2 : 1;
    if (copies === 2) counters.webhooksDuplicated += 1;
    const items = copies === 2 ? [pending, { ...pending, duplicate: true }] : [pending];
    if (this.held) {
      // The held webhook goes after this newer one: an out-of-order delivery.
      const held = this.held;
      this.releaseHeld(false);
      this.push(...items, held);
    } else if (random.chance(knobs.reorderRate)) {
      counters.webhooksReordered += 1;
      this.held = items[0];
      if (items[1]) this.push(items[1]);
      // Alone for too long: send it anyway.
      this.heldTimer = setTimeout(() => this.releaseHeld(true), 250);
    } else {
      this.push(...items);
    }
    return webhook;
  }

  /** Subscribes to every attempt's outcome; returns the unsubscribe function. */
  onAttempt(listener: (attempt: WebhookAttempt) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when nothing is queued, held, in flight or waiting to be redelivered. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  setTarget(url: string | undefined): void {
    this.target = url;
    this.pump();
  }

  /** Stops sending: queued and scheduled deliveries are abandoned. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heldTimer) clearTimeout(this.heldTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    this.held = undefined;
    this.notifyIdle();
    await this.agent.destroy();
  }

  private releaseHeld(push: boolean): void {
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    const held = this.held;
    this.held = undefined;
    if (push && held) this.push(held);
    this.notifyIdle();
  }

  private push(...items: Pending[]): void {
    if (this.stopped) return;
    this.queue.push(...items);
    if (this.queue.length > MAX_WAITING) this.queue.splice(0, this.queue.length - MAX_WAITING);
    this.pump();
  }

  private pump(): void {
    if (this.target === undefined || this.stopped) return;
    while (this.inFlight < this.deps.knobs.webhookConcurrency && this.queue.length > 0) {
      const item = this.queue.shift()!;
      this.inFlight += 1;
      if (item.attempt === 1 && this.sentOrder.length < MAX_RECORDED) this.sentOrder.push(item.webhook);
      void this.deliver(item, this.target).finally(() => {
        this.inFlight -= 1;
        this.pump();
        this.notifyIdle();
      });
    }
  }

  private async deliver(item: Pending, target: string): Promise<void> {
    const { counters, knobs } = this.deps;
    counters.webhooksSent += 1;
    const started = performance.now();
    let status = 0;
    let error: string | undefined;
    try {
      const response = await request(target, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          authorization: signWebhook(this.deps.appKey, this.deps.appSecret, item.body),
        },
        body: item.body,
        signal: AbortSignal.timeout(knobs.webhookTimeoutMs),
      });
      status = response.statusCode;
      await response.body.dump();
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    const ok = status >= 200 && status < 300;
    const attempt: WebhookAttempt = {
      notificationId: item.webhook.tts_notification_id,
      type: item.webhook.type,
      attempt: item.attempt,
      duplicate: item.duplicate,
      status,
      ok,
      latencyMs: performance.now() - started,
      error,
    };
    if (this.attempts.length < MAX_RECORDED) this.attempts.push(attempt);
    if (ok) counters.webhooksAcknowledged += 1;
    else {
      counters.webhooksFailed += 1;
      this.scheduleRetry(item);
    }
    for (const listener of this.listeners) listener(attempt);
  }

  private scheduleRetry(item: Pending): void {
    if (this.stopped) return;
    const delay = this.deps.knobs.webhookRetryDelaysMs[item.attempt - 1];
    if (delay === undefined) {
      this.deps.counters.webhooksGaveUp += 1;
      return;
    }
    this.deps.counters.webhooksRetried += 1;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.push({ ...item, attempt: item.attempt + 1 });
    }, delay);
    this.timers.add(timer);
  }

  private isIdle(): boolean {
    return (
      this.inFlight === 0 &&
      this.held === undefined &&
      this.timers.size === 0 &&
      (this.queue.length === 0 || this.target === undefined || this.stopped)
    );
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
