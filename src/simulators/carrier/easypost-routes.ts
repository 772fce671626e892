import type { CarrierSimState, SimShipment, SimTrack, SimTransaction } from './sim-state.ts';
import { addressProblems, readAddress } from './shippo-routes.ts';
import { field, reply, text, type SimRequest, type SimResponse } from './sim-http.ts';

const EASYPOST_CARRIER: Readonly<Record<string, string>> = {
  USPS: 'USPS',
  UPS: 'UPS',
  FedEx: 'FedEx',
  'DHL Express': 'DHLExpress',
};
const TRACK_STATUS = { PRE_TRANSIT: 'pre_transit', TRANSIT: 'in_transit', DELIVERED: 'delivered' } as const;

/** Answers the EasyPost API subset (paths under /v2) on the same simulated world. */
export function handleEasyPost(state: CarrierSimState, req: SimRequest): SimResponse | undefined {
  const parts = req.path.split('/').filter(Boolean);
  const [resource, id, action] = parts;
  if (req.method === 'POST' && req.path === '/addresses') {
    const address = readAddress(field(req.body, 'address'));
    const problems = addressProblems(state, address);
    return reply(201, {
      id: state.id('adr'),
      ...(address ?? {}),
      residential: true,
      verifications: {
        delivery: {
          success: problems.length === 0,
          errors: problems.map((message) => ({ code: 'E.ADDRESS.NOT_FOUND', message })),
        },
      },
    });
  }
  if (req.method === 'POST' && req.path === '/shipments') {
    const body = field(req.body, 'shipment');
    const from = readAddress(field(body, 'from_address'));
    const to = readAddress(field(body, 'to_address'));
    const weight = Number(field(field(body, 'parcel'), 'weight'));
    if (!from || !to || !Number.isFinite(weight) || weight <= 0) {
      return reply(422, {
        error: { code: 'SHIPMENT.INVALID_PARAMS', message: 'addresses and parcel.weight are required' },
      });
    }
    return reply(
      201,
      easyPostShipment(state, state.createShipment(from, to, weight, text(body, 'reference'))),
    );
  }
  if (req.method === 'GET' && req.path === '/shipments') return listShipments(state, req);
  if (resource === 'shipments' && id) {
    const shipment = state.shipments.get(id);
    if (!shipment)
      return reply(404, {
        error: { code: 'NOT_FOUND', message: 'The requested resource could not be found.' },
      });
    if (req.method === 'GET' && parts.length === 2) return reply(200, easyPostShipment(state, shipment));
    if (req.method === 'POST' && action === 'buy') return buy(state, shipment, req.body);
    if (req.method === 'POST' && action === 'refund') {
      const tx = state.transactions.get(shipment.id);
      if (!tx)
        return reply(422, { error: { code: 'SHIPMENT.REFUND.UNAVAILABLE', message: 'not purchased' } });
      state.refund(tx);
      return reply(200, easyPostShipment(state, shipment));
    }
  }
  if (req.method === 'POST' && req.path === '/trackers') {
    const code = text(field(req.body, 'tracker'), 'tracking_code') ?? '';
    const track = state.tracks.get(code);
    return reply(
      200,
      track
        ? easyPostTracker(state, track)
        : { id: state.id('trk'), tracking_code: code, status: 'unknown', tracking_details: [] },
    );
  }
  return undefined;
}

function buy(state: CarrierSimState, shipment: SimShipment, body: unknown): SimResponse {
  if (state.transactions.get(shipment.id)?.status === 'SUCCESS') {
    return reply(422, {
      error: { code: 'SHIPMENT.POSTAGE.EXISTS', message: 'This shipment already has postage.' },
    });
  }
  const rate = state.rates.get(text(field(body, 'rate'), 'id') ?? '');
  if (!rate || rate.shipmentId !== shipment.id) {
    return reply(422, {
      error: { code: 'SHIPMENT.RATE.INVALID', message: 'Rate not found for this shipment.' },
    });
  }
  // EasyPost buys synchronously and reports failures as errors, keyed by the shipment.
  const tx = state.purchase(rate, shipment.reference, false, shipment.id);
  if (tx.status === 'ERROR') {
    const message = tx.messages[0];
    state.transactions.delete(shipment.id);
    return reply(message?.code === 'carrier_timeout' ? 504 : 422, {
      error: { code: 'SHIPMENT.POSTAGE.FAILURE', message: message?.text ?? 'purchase failed' },
    });
  }
  return reply(200, easyPostShipment(state, shipment));
}

function listShipments(state: CarrierSimState, req: SimRequest): SimResponse {
  const purchasedOnly = req.query.get('purchased') === 'true';
  const pageSize = Math.min(100, Math.max(1, Number(req.query.get('page_size') ?? 20) || 20));
  const beforeId = req.query.get('before_id');
  let all = [...state.shipments.values()].reverse();
  if (purchasedOnly) all = all.filter((s) => state.transactions.has(s.id));
  if (beforeId) all = all.slice(all.findIndex((s) => s.id === beforeId) + 1);
  return reply(200, {
    shipments: all.slice(0, pageSize).map((s) => easyPostShipment(state, s)),
    has_more: all.length > pageSize,
  });
}

function easyPostShipment(state: CarrierSimState, shipment: SimShipment): Record<string, unknown> {
  const tx: SimTransaction | undefined = state.transactions.get(shipment.id);
  const bought = tx?.trackingNumber !== undefined;
  return {
    id: shipment.id,
    object: 'Shipment',
    reference: shipment.reference ?? null,
    rates: shipment.rates.map((r) => ({
      id: r.id,
      object: 'Rate',
      shipment_id: shipment.id,
      carrier: EASYPOST_CARRIER[r.provider],
      service: r.token,
      rate: (r.amountCents / 100).toFixed(2),
      currency: 'USD',
      delivery_days: r.estimatedDays,
      delivery_date_guaranteed: false,
      created_at: new Date(r.createdAt).toISOString(),
    })),
    messages: shipment.messages.map((m) => ({ carrier: m.source, type: 'rate_error', message: m.text })),
    selected_rate: tx ? { id: tx.rate.id } : null,
    tracking_code: bought ? tx.trackingNumber : null,
    postage_label: bought ? { label_url: `https://labels.example/${shipment.id}.png` } : null,
    tracker: bought
      ? {
          public_url: `https://track.example/${tx.trackingNumber}`,
          est_delivery_date: new Date(tx.createdAt + tx.rate.estimatedDays * 86_400_000).toISOString(),
        }
      : null,
    refund_status: tx?.refund === 'refunded' ? 'submitted' : tx?.refund === 'rejected' ? 'rejected' : null,
  };
}

function easyPostTracker(state: CarrierSimState, track: SimTrack): Record<string, unknown> {
  const now = state.now();
  const steps = [
    { status: 'pre_transit', at: track.createdAt, message: 'Label created' },
    { status: 'in_transit', at: track.transitAt, message: 'In transit' },
    { status: 'delivered', at: track.deliveredAt, message: 'Delivered' },
  ].filter((s) => s.at <= now);
  return {
    id: `trk_${track.trackingNumber}`,
    object: 'Tracker',
    tracking_code: track.trackingNumber,
    carrier: track.carrier,
    status: TRACK_STATUS[state.trackStatus(track, now)],
    status_detail: steps.at(-1)?.message ?? '',
    est_delivery_date: new Date(track.deliveredAt).toISOString(),
    updated_at: new Date(now).toISOString(),
    tracking_details: steps.map((s) => ({
      status: s.status,
      message: s.message,
      datetime: new Date(s.at).toISOString(),
      tracking_location: { city: null, state: null },
    })),
  };
}
