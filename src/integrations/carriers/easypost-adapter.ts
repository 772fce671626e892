import type {
  CarrierPort,
  CarrierProvider,
  CarrierToken,
  LabelTransaction,
  Parcel,
  Rate,
} from './carrier-port.ts';
import { addressFields, amountToCents, isLivePurchase } from './carrier-port.ts';
import { createHttpJson, parseAnswer as parse, type HttpJsonOptions } from './http-json.ts';
import {
  easyPostAddress,
  easyPostShipment,
  easyPostShipmentList,
  easyPostTracker,
  type EasyPostShipment,
} from './easypost-schemas.ts';
import { fromEasyPostTrackingStatus } from './tracking-status.ts';

/** `baseUrl` is `https://api.easypost.com/v2` in live mode. */
export interface EasyPostAdapterOptions extends Omit<HttpJsonOptions, 'headers'> {
  apiKey: string;
  maxListPages?: number;
}

const EASYPOST_CARRIERS: Readonly<Record<string, CarrierProvider>> = {
  USPS: 'USPS',
  UPS: 'UPS',
  FedEx: 'FedEx',
  DHLExpress: 'DHL Express',
};
const TOKEN_TO_EASYPOST: Readonly<Record<CarrierToken, string>> = {
  usps: 'USPS',
  ups: 'UPS',
  fedex: 'FedEx',
  dhl_express: 'DHLExpress',
};
const OZ_PER: Readonly<Record<Parcel['massUnit'], number>> = { oz: 1, lb: 16, g: 1 / 28.3495, kg: 35.274 };

/**
 * The EasyPost adapter behind the same port. A purchase is a bought shipment, so its transaction id
 * is the shipment id, and the idempotency key is the shipment's `reference`: pass the same value
 * as `ShipmentRequest.metadata` and `BuyLabelInput.metadata`.
 */
export function createEasyPostAdapter(options: EasyPostAdapterOptions): CarrierPort {
  const http = createHttpJson({
    ...options,
    headers: { authorization: `Basic ${Buffer.from(`${options.apiKey}:`).toString('base64')}` },
  });
  const maxPages = options.maxListPages ?? 5;

  return {
    name: 'easypost',

    async validateAddress(address) {
      const raw = await http('POST', '/addresses', { address: addressFields(address), verify: ['delivery'] });
      const parsed = parse(easyPostAddress, raw, 'address');
      const delivery = parsed.verifications?.delivery;
      return {
        status: delivery?.success ? 'valid' : 'invalid',
        residential: parsed.residential ?? undefined,
        suggested: undefined,
        messages: (delivery?.errors ?? []).map((e) => e.message ?? e.code ?? '').filter(Boolean),
      };
    },

    async getRates(shipment) {
      const p = shipment.parcel;
      const inches = p.distanceUnit === 'in' ? 1 : 1 / 2.54;
      const raw = await http('POST', '/shipments', {
        shipment: {
          from_address: addressFields(shipment.from),
          to_address: addressFields(shipment.to),
          parcel: {
            length: round1(p.length * inches),
            width: round1(p.width * inches),
            height: round1(p.height * inches),
            weight: round1(p.weight * OZ_PER[p.massUnit]),
          },
          ...(shipment.metadata === undefined ? {} : { reference: shipment.metadata }),
        },
      });
      const parsed = parse(easyPostShipment, raw, 'shipment');
      const rates: Rate[] = [];
      for (const r of parsed.rates ?? []) {
        const provider = EASYPOST_CARRIERS[r.carrier];
        if (!provider) continue;
        rates.push({
          rateId: r.id,
          shipmentId: r.shipment_id ?? parsed.id,
          provider,
          serviceToken: r.service,
          serviceName: r.service,
          amount: r.rate,
          amountCents: amountToCents(r.rate),
          currency: r.currency ?? 'USD',
          estimatedDays: r.delivery_days ?? undefined,
          attributes: [],
          expiresAt: undefined,
        });
      }
      return {
        shipmentId: parsed.id,
        rates,
        messages: (parsed.messages ?? []).map((m) => ({
          source: m.carrier ?? '',
          code: m.type ?? '',
          text: m.message ?? '',
        })),
      };
    },

    async buyLabel(input) {
      const raw = await http('POST', `/shipments/${encodeURIComponent(input.shipmentId)}/buy`, {
        rate: { id: input.rateId },
      });
      return toTransaction(parse(easyPostShipment, raw, 'shipment'));
    },

    async findTransactionByMetadata(metadata) {
      let beforeId: string | undefined;
      for (let page = 0; page < maxPages; page++) {
        const query = `purchased=true&page_size=100${beforeId ? `&before_id=${encodeURIComponent(beforeId)}` : ''}`;
        const list = parse(easyPostShipmentList, await http('GET', `/shipments?${query}`), 'shipment list');
        const live = list.shipments
          .filter((s) => s.reference === metadata)
          .map(toTransaction)
          .find((t) => isLivePurchase(t.status));
        if (live) return live;
        const last = list.shipments.at(-1);
        if (!list.has_more || !last) return undefined;
        beforeId = last.id;
      }
      return undefined;
    },

    async getTransaction(transactionId) {
      const raw = await http('GET', `/shipments/${encodeURIComponent(transactionId)}`);
      return toTransaction(parse(easyPostShipment, raw, 'shipment'));
    },

    async voidLabel(transactionId) {
      const raw = await http('POST', `/shipments/${encodeURIComponent(transactionId)}/refund`, {});
      const status = parse(easyPostShipment, raw, 'shipment').refund_status;
      if (status === 'refunded') return { status: 'success', messages: [] };
      if (status === 'rejected' || status === 'not_applicable') return { status: 'rejected', messages: [] };
      return { status: 'pending', messages: [] };
    },

    async getTracking(carrier, trackingNumber) {
      const raw = await http('POST', '/trackers', {
        tracker: { tracking_code: trackingNumber, carrier: TOKEN_TO_EASYPOST[carrier] },
      });
      const t = parse(easyPostTracker, raw, 'tracker');
      return {
        carrier,
        trackingNumber: t.tracking_code,
        status: fromEasyPostTrackingStatus(t.status),
        details: t.status_detail ?? '',
        at: t.updated_at ?? undefined,
        eta: t.est_delivery_date ?? undefined,
        history: (t.tracking_details ?? []).map((d) => ({
          status: fromEasyPostTrackingStatus(d.status),
          details: d.message ?? '',
          at: d.datetime ?? undefined,
          location:
            [d.tracking_location?.city, d.tracking_location?.state].filter(Boolean).join(', ') || undefined,
        })),
      };
    },
  };
}

function toTransaction(s: EasyPostShipment): LabelTransaction {
  const bought = Boolean(s.postage_label?.label_url);
  const refund = s.refund_status;
  const status: LabelTransaction['status'] =
    refund === 'refunded'
      ? 'REFUNDED'
      : refund === 'submitted'
        ? 'REFUNDPENDING'
        : refund === 'rejected'
          ? 'REFUNDREJECTED'
          : bought
            ? 'SUCCESS'
            : 'ERROR';
  return {
    transactionId: s.id,
    status,
    rateId: s.selected_rate?.id,
    trackingNumber: s.tracking_code ?? undefined,
    trackingUrl: s.tracker?.public_url ?? undefined,
    labelUrl: s.postage_label?.label_url ?? undefined,
    eta: s.tracker?.est_delivery_date ?? undefined,
    metadata: s.reference ?? undefined,
    messages: bought ? [] : [{ source: 'easypost', code: 'not_purchased', text: 'shipment has no label' }],
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
