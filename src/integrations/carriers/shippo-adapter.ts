import type { z } from 'zod';
import type {
  AddressValidation,
  CarrierMessage,
  CarrierPort,
  CarrierProvider,
  LabelTransaction,
  Rate,
  TransactionStatus,
  TrackingInfo,
} from './carrier-port.ts';
import { addressFields, amountToCents, isLivePurchase } from './carrier-port.ts';
import { createHttpJson, parseAnswer as parse, type HttpJsonOptions } from './http-json.ts';
import type { shippoMessages } from './shippo-schemas.ts';
import {
  shippoAddress,
  shippoRefund,
  shippoShipment,
  shippoTrack,
  shippoTransaction,
  shippoTransactionList,
  type ShippoTransaction,
  type ShippoTrack,
} from './shippo-schemas.ts';
import { fromShippoTrackingStatus } from './tracking-status.ts';

/** `baseUrl` is `https://api.goshippo.com` in live mode, the simulator's URL in sandbox and tests. */
export interface ShippoAdapterOptions extends Omit<HttpJsonOptions, 'headers'> {
  token: string;
  /** How many pages of `GET /transactions` a metadata lookup reads at most. */
  maxListPages?: number;
}

const RATE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
const PROVIDERS: readonly CarrierProvider[] = ['USPS', 'UPS', 'FedEx', 'DHL Express'];
const STATUSES: readonly TransactionStatus[] = [
  'QUEUED',
  'WAITING',
  'SUCCESS',
  'ERROR',
  'REFUNDED',
  'REFUNDPENDING',
  'REFUNDREJECTED',
];

/** The Shippo REST adapter (API version 2018-02-08) behind the carrier port. */
export function createShippoAdapter(options: ShippoAdapterOptions): CarrierPort {
  const http = createHttpJson({
    ...options,
    headers: { authorization: `ShippoToken ${options.token}`, 'shippo-api-version': '2018-02-08' },
  });
  const maxPages = options.maxListPages ?? 5;

  return {
    name: 'shippo',

    async validateAddress(address) {
      const raw = await http('POST', '/addresses', { ...addressFields(address), validate: true });
      return toValidation(parse(shippoAddress, raw, 'address'));
    },

    async getRates(shipment) {
      const raw = await http('POST', '/shipments', {
        address_from: addressFields(shipment.from),
        address_to: addressFields(shipment.to),
        parcels: [
          {
            length: String(shipment.parcel.length),
            width: String(shipment.parcel.width),
            height: String(shipment.parcel.height),
            distance_unit: shipment.parcel.distanceUnit,
            weight: String(shipment.parcel.weight),
            mass_unit: shipment.parcel.massUnit,
          },
        ],
        async: false,
        ...(shipment.metadata === undefined ? {} : { metadata: shipment.metadata }),
      });
      const parsed = parse(shippoShipment, raw, 'shipment');
      const rates: Rate[] = [];
      for (const rate of parsed.rates) {
        const provider = PROVIDERS.find((p) => p === rate.provider);
        if (!provider) continue; // a carrier CreatorFlow does not ship with
        const created = rate.object_created ? Date.parse(rate.object_created) : Number.NaN;
        rates.push({
          rateId: rate.object_id,
          shipmentId: rate.shipment ?? parsed.object_id,
          provider,
          serviceToken: rate.servicelevel.token,
          serviceName: rate.servicelevel.name ?? rate.servicelevel.token,
          amount: rate.amount,
          amountCents: amountToCents(rate.amount),
          currency: rate.currency,
          estimatedDays: rate.estimated_days ?? undefined,
          attributes: rate.attributes ?? [],
          expiresAt: Number.isNaN(created) ? undefined : created + RATE_LIFETIME_MS,
        });
      }
      return { shipmentId: parsed.object_id, rates, messages: toMessages(parsed.messages) };
    },

    async buyLabel(input) {
      const raw = await http('POST', '/transactions', {
        rate: input.rateId,
        label_file_type: input.labelFileType ?? 'PDF_4x6',
        async: false,
        metadata: input.metadata,
      });
      return toTransaction(parse(shippoTransaction, raw, 'transaction'));
    },

    async findTransactionByMetadata(metadata) {
      // The list may ignore the filter; we filter again here and read a few pages at most.
      let path: string | undefined = `/transactions?metadata=${encodeURIComponent(metadata)}&results=100`;
      for (let page = 0; path !== undefined && page < maxPages; page++) {
        const list: { next?: string | null | undefined; results: ShippoTransaction[] } = parse(
          shippoTransactionList,
          await http('GET', path),
          'transaction list',
        );
        const live = list.results
          .map(toTransaction)
          .find((t) => t.metadata === metadata && isLivePurchase(t.status));
        if (live) return live;
        path = list.next ? relativePath(list.next) : undefined;
      }
      return undefined;
    },

    async getTransaction(transactionId) {
      const raw = await http('GET', `/transactions/${encodeURIComponent(transactionId)}`);
      return toTransaction(parse(shippoTransaction, raw, 'transaction'));
    },

    async voidLabel(transactionId) {
      const refund = parse(
        shippoRefund,
        await http('POST', '/refunds', { transaction: transactionId }),
        'refund',
      );
      const status = refund.status.toUpperCase();
      if (status === 'SUCCESS') return { status: 'success', messages: [] };
      if (status === 'ERROR' || status === 'REJECTED' || status === 'REFUNDREJECTED') {
        return { status: 'rejected', messages: [] };
      }
      return { status: 'pending', messages: [] };
    },

    async getTracking(carrier, trackingNumber) {
      const raw = await http(
        'GET',
        `/tracks/${encodeURIComponent(carrier)}/${encodeURIComponent(trackingNumber)}`,
      );
      return toTracking(parse(shippoTrack, raw, 'track'), carrier);
    },
  };
}

/** The normalised transaction of a Shippo transaction object (also used for webhook payloads). */
export function toTransaction(t: ShippoTransaction): LabelTransaction {
  const status = STATUSES.find((s) => s === t.status.toUpperCase()) ?? 'ERROR';
  return {
    transactionId: t.object_id,
    status,
    rateId: typeof t.rate === 'string' ? t.rate : (t.rate?.object_id ?? undefined),
    trackingNumber: t.tracking_number || undefined,
    trackingUrl: t.tracking_url_provider || undefined,
    labelUrl: t.label_url || undefined,
    eta: t.eta ?? undefined,
    metadata: t.metadata || undefined,
    messages: toMessages(t.messages),
  };
}

/** The normalised tracking of a Shippo track object (also used for webhook payloads). */
export function toTracking(track: ShippoTrack, carrier: TrackingInfo['carrier']): TrackingInfo {
  const history = (track.tracking_history ?? []).map((h) => ({
    status: fromShippoTrackingStatus(h.status),
    details: h.status_details ?? '',
    at: h.status_date ?? undefined,
    location: [h.location?.city, h.location?.state].filter(Boolean).join(', ') || undefined,
  }));
  const current = track.tracking_status;
  return {
    carrier,
    trackingNumber: track.tracking_number,
    status: current ? fromShippoTrackingStatus(current.status) : 'unknown',
    details: current?.status_details ?? '',
    at: current?.status_date ?? undefined,
    eta: track.eta ?? undefined,
    history,
  };
}

function toValidation(a: z.infer<typeof shippoAddress>): AddressValidation {
  const messages = (a.validation_results?.messages ?? []).map((m) => m.text ?? '').filter(Boolean);
  const warnings = (a.validation_results?.messages ?? []).some((m) => m.type === 'address_warning');
  const valid = a.validation_results?.is_valid === true;
  const suggestion = shippoAddress.safeParse(a.recommended_address);
  const s = suggestion.success ? suggestion.data : undefined;
  return {
    status: !valid ? 'invalid' : warnings ? 'partially_valid' : 'valid',
    residential: a.is_residential ?? undefined,
    suggested:
      s?.street1 && s.city && s.zip
        ? {
            name: s.name ?? a.name ?? '',
            street1: s.street1,
            street2: s.street2 ?? undefined,
            city: s.city,
            state: s.state ?? '',
            zip: s.zip,
            country: s.country ?? a.country ?? '',
          }
        : undefined,
    messages,
  };
}

function toMessages(messages: z.infer<typeof shippoMessages>): CarrierMessage[] {
  return (messages ?? []).map((m) => ({ source: m.source ?? '', code: m.code ?? '', text: m.text ?? '' }));
}

function relativePath(next: string): string {
  const url = new URL(next, 'http://placeholder');
  return `${url.pathname}${url.search}`;
}
