import { randomBytes } from 'node:crypto';
import type { CarrierSimulatorKnobs } from './knobs.ts';
import { quoteServices, rateAttributes, type SimProvider } from './pricing.ts';

const DAY = 86_400_000;
const RATE_LIFETIME = 7 * DAY;

export interface SimAddress {
  name: string;
  street1: string;
  street2?: string;
  city: string;
  state: string;
  zip: string;
  country: string;
}
export interface SimRate {
  id: string;
  shipmentId: string;
  createdAt: number;
  provider: SimProvider;
  token: string;
  name: string;
  amountCents: number;
  estimatedDays: number;
  attributes: string[];
}
export interface SimShipment {
  id: string;
  createdAt: number;
  from: SimAddress;
  to: SimAddress;
  reference: string | undefined;
  rates: SimRate[];
  messages: Array<{ source: string; code: string; text: string }>;
}
export type SimTransactionStatus = 'QUEUED' | 'SUCCESS' | 'ERROR' | 'REFUNDED' | 'REFUNDREJECTED';
export interface SimTransaction {
  id: string;
  createdAt: number;
  status: SimTransactionStatus;
  rate: SimRate;
  metadata: string | undefined;
  trackingNumber: string | undefined;
  /** Real ms at which a QUEUED purchase settles. */
  settleAt: number | undefined;
  /** What a QUEUED purchase settles to. */
  settlesTo: 'SUCCESS' | 'ERROR';
  messages: Array<{ source: string; code: string; text: string }>;
  refund: 'none' | 'refunded' | 'rejected';
}
export type SimTrackStatus = 'PRE_TRANSIT' | 'TRANSIT' | 'DELIVERED';
export interface SimTrack {
  carrier: string;
  trackingNumber: string;
  transactionId: string;
  createdAt: number;
  transitAt: number;
  deliveredAt: number;
  /** The statuses already announced by webhook. */
  announced: SimTrackStatus[];
}
export interface SimPurchase {
  transactionId: string;
  rateId: string;
  metadata: string | undefined;
  provider: SimProvider;
}
/** A change the webhook pusher announces. */
export type SimEvent =
  | { event: 'transaction_created' | 'transaction_updated'; transaction: SimTransaction }
  | { event: 'track_updated'; track: SimTrack; status: SimTrackStatus };

export const CARRIER_TOKENS: Readonly<Record<SimProvider, string>> = {
  USPS: 'usps',
  UPS: 'ups',
  FedEx: 'fedex',
  'DHL Express': 'dhl_express',
};

/** The simulator's in-memory world: shipments, purchases, tracking and simulated time. */
export class CarrierSimState {
  readonly shipments = new Map<string, SimShipment>();
  readonly rates = new Map<string, SimRate>();
  readonly transactions = new Map<string, SimTransaction>();
  readonly tracks = new Map<string, SimTrack>();
  /** Every label that was (or will be) charged, in order: tests assert no double purchase with it. */
  readonly purchases: SimPurchase[] = [];
  readonly events: SimEvent[] = [];
  /** What the tick still has to look at: queued purchases and undelivered tracks. */
  private readonly pending = new Set<SimTransaction>();
  private readonly moving = new Set<SimTrack>();
  private serial = 0;
  private offsetMs = 0;
  private readonly realStart = Date.now();

  constructor(
    readonly knobs: CarrierSimulatorKnobs,
    /** Simulated ms per real ms: 86_400 makes a day pass every second. Fixed for the run. */
    readonly timeScale: number,
    private readonly random: () => number,
  ) {}

  /** Simulated now (epoch ms): scaled real time plus any manual jumps. */
  now(): number {
    return this.realStart + (Date.now() - this.realStart) * this.timeScale + this.offsetMs;
  }

  /** Jumps simulated time forward (tracking progresses on the next tick). */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  id(prefix: string): string {
    this.serial += 1;
    return `${prefix}_${this.serial.toString(36)}${randomBytes(6).toString('hex')}`;
  }

  /** Whether a destination is one the knobs make undeliverable. */
  isUndeliverable(zip: string): boolean {
    return this.knobs.noRateZipPrefixes.some((p) => p !== '' && zip.startsWith(p));
  }

  /** Quotes every service for a parcel and stores the shipment. */
  createShipment(
    from: SimAddress,
    to: SimAddress,
    weightOz: number,
    reference: string | undefined,
  ): SimShipment {
    const createdAt = this.knobs.expiredRates ? this.now() - RATE_LIFETIME - DAY : this.now();
    const shipment: SimShipment = {
      id: this.id('shp'),
      createdAt,
      from,
      to,
      reference,
      rates: [],
      messages: [],
    };
    if (this.isUndeliverable(to.zip)) {
      for (const provider of ['USPS', 'UPS', 'FedEx', 'DHL Express'] as const) {
        shipment.messages.push({
          source: provider,
          code: 'address_invalid',
          text: 'The destination cannot be served.',
        });
      }
    } else {
      const quotes = quoteServices(from.zip, to.zip, weightOz);
      const attributes = rateAttributes(quotes);
      for (const q of quotes) {
        const rate: SimRate = {
          id: this.id('rate'),
          shipmentId: shipment.id,
          createdAt,
          provider: q.service.provider,
          token: q.service.token,
          name: q.service.name,
          amountCents: q.amountCents,
          estimatedDays: q.estimatedDays,
          attributes: attributes.get(q) ?? [],
        };
        shipment.rates.push(rate);
        this.rates.set(rate.id, rate);
      }
    }
    this.shipments.set(shipment.id, shipment);
    return shipment;
  }

  /** Buys a rate: ERROR for an expired rate or a carrier timeout, else a (possibly queued) label. */
  purchase(rate: SimRate, metadata: string | undefined, queued: boolean, id = this.id('tx')): SimTransaction {
    const tx: SimTransaction = {
      id,
      createdAt: this.now(),
      status: 'QUEUED',
      rate,
      metadata,
      trackingNumber: undefined,
      settleAt: undefined,
      settlesTo: 'SUCCESS',
      messages: [],
      refund: 'none',
    };
    this.transactions.set(tx.id, tx);
    if (this.now() - rate.createdAt > RATE_LIFETIME) {
      tx.status = 'ERROR';
      tx.messages.push({
        source: 'shippo',
        code: 'rate_expired',
        text: 'The rate has expired; get new rates.',
      });
    } else if (this.takeCarrierTimeout()) {
      tx.settlesTo = 'ERROR';
      if (!queued) this.settle(tx);
    } else {
      this.purchases.push({ transactionId: tx.id, rateId: rate.id, metadata, provider: rate.provider });
      if (!queued) this.settle(tx);
    }
    if (queued && tx.status === 'QUEUED') {
      tx.settleAt = Date.now() + this.knobs.asyncSettleMs;
      this.pending.add(tx);
    }
    this.events.push({ event: 'transaction_created', transaction: tx });
    return tx;
  }

  /** Moves a QUEUED purchase to its final status and starts its tracking. */
  settle(tx: SimTransaction): void {
    tx.settleAt = undefined;
    if (tx.settlesTo === 'ERROR') {
      tx.status = 'ERROR';
      tx.messages.push({
        source: tx.rate.provider,
        code: 'carrier_timeout',
        text: `${tx.rate.provider} did not answer in time; try again.`,
      });
      return;
    }
    tx.status = 'SUCCESS';
    tx.trackingNumber = this.trackingNumber(tx.rate.provider);
    const createdAt = this.now();
    const track: SimTrack = {
      carrier: CARRIER_TOKENS[tx.rate.provider],
      trackingNumber: tx.trackingNumber,
      transactionId: tx.id,
      createdAt,
      transitAt: createdAt + DAY / 2,
      deliveredAt: createdAt + Math.max(1, tx.rate.estimatedDays) * DAY,
      announced: [],
    };
    this.tracks.set(track.trackingNumber, track);
    this.moving.add(track);
  }

  /** Refunds a label unless the knob rejects refunds. */
  refund(tx: SimTransaction): 'refunded' | 'rejected' {
    tx.refund = this.knobs.rejectRefunds || tx.status !== 'SUCCESS' ? 'rejected' : 'refunded';
    tx.status = tx.refund === 'refunded' ? 'REFUNDED' : 'REFUNDREJECTED';
    const track = tx.trackingNumber === undefined ? undefined : this.tracks.get(tx.trackingNumber);
    if (tx.refund === 'refunded' && track) {
      this.tracks.delete(track.trackingNumber);
      this.moving.delete(track);
    }
    this.events.push({ event: 'transaction_updated', transaction: tx });
    return tx.refund;
  }

  /** The status of a track at simulated time `at`. */
  trackStatus(track: SimTrack, at = this.now()): SimTrackStatus {
    if (at >= track.deliveredAt) return 'DELIVERED';
    if (at >= track.transitAt) return 'TRANSIT';
    return 'PRE_TRANSIT';
  }

  /** Settles due purchases and records tracking changes as events; called on every tick. */
  tick(): void {
    const realNow = Date.now();
    for (const tx of this.pending) {
      if (tx.settleAt !== undefined && tx.settleAt <= realNow) {
        this.pending.delete(tx);
        this.settle(tx);
        this.events.push({ event: 'transaction_updated', transaction: tx });
      }
    }
    for (const track of this.moving) {
      const current = this.trackStatus(track);
      if (current === 'DELIVERED') this.moving.delete(track);
      const order: SimTrackStatus[] = ['PRE_TRANSIT', 'TRANSIT', 'DELIVERED'];
      for (const status of order.slice(0, order.indexOf(current) + 1)) {
        if (track.announced.includes(status)) continue;
        track.announced.push(status);
        this.events.push({ event: 'track_updated', track, status });
      }
    }
  }

  private takeCarrierTimeout(): boolean {
    if (this.knobs.carrierTimeoutNext > 0) {
      this.knobs.carrierTimeoutNext -= 1;
      return true;
    }
    return this.random() < this.knobs.carrierTimeoutRatio;
  }

  private trackingNumber(provider: SimProvider): string {
    const digits = (n: number): string =>
      Array.from({ length: n }, () => Math.floor(this.random() * 10).toString()).join('');
    switch (provider) {
      case 'USPS':
        return `9400${digits(18)}`;
      case 'UPS':
        return `1Z${digits(16)}`;
      case 'FedEx':
        return digits(12);
      case 'DHL Express':
        return digits(10);
    }
  }
}
