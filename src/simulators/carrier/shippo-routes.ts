import {
  CARRIER_TOKENS,
  type CarrierSimState,
  type SimAddress,
  type SimRate,
  type SimTrack,
  type SimTransaction,
} from './sim-state.ts';
import { field, reply, text, type SimRequest, type SimResponse } from './sim-http.ts';
import { toOunces } from './pricing.ts';

/** Answers the Shippo API subset CreatorFlow uses; undefined when no route matches. */
export function handleShippo(state: CarrierSimState, req: SimRequest): SimResponse | undefined {
  const parts = req.path.split('/').filter(Boolean);
  const [resource, id, extra] = parts;
  if (req.method === 'POST' && req.path === '/addresses') return createAddress(state, req.body);
  if (req.method === 'POST' && req.path === '/shipments') return createShipment(state, req.body);
  if (req.method === 'POST' && req.path === '/transactions') return createTransaction(state, req.body);
  if (req.method === 'GET' && req.path === '/transactions') return listTransactions(state, req);
  if (req.method === 'GET' && resource === 'transactions' && id && parts.length === 2) {
    const tx = state.transactions.get(id);
    return tx ? reply(200, shippoTransaction(tx)) : reply(404, { detail: 'Not found.' });
  }
  if (req.method === 'POST' && req.path === '/refunds') return createRefund(state, req.body);
  if (req.method === 'GET' && resource === 'tracks' && id && extra && parts.length === 3) {
    const track = state.tracks.get(extra);
    if (!track || track.carrier !== id) {
      return reply(200, { carrier: id, tracking_number: extra, tracking_status: null, tracking_history: [] });
    }
    return reply(200, shippoTrack(state, track, state.now()));
  }
  return undefined;
}

/** Reads a Shippo address; undefined when a required field is missing. */
export function readAddress(body: unknown): SimAddress | undefined {
  const name = text(body, 'name');
  const street1 = text(body, 'street1');
  const city = text(body, 'city');
  const zip = text(body, 'zip');
  const country = text(body, 'country');
  if (!name || !street1 || !city || !zip || !country) return undefined;
  const street2 = text(body, 'street2');
  return {
    name,
    street1,
    city,
    zip,
    country,
    state: text(body, 'state') ?? '',
    ...(street2 ? { street2 } : {}),
  };
}

/** Valid when complete, a plausible ZIP for US addresses, and not on the undeliverable list. */
export function addressProblems(state: CarrierSimState, address: SimAddress | undefined): string[] {
  if (!address) return ['Address is incomplete: name, street1, city, zip and country are required.'];
  const problems: string[] = [];
  if (address.country === 'US' && !/^\d{5}(-\d{4})?$/.test(address.zip))
    problems.push('ZIP code is not valid.');
  if (state.isUndeliverable(address.zip) || /undeliverable/i.test(address.street1)) {
    problems.push('Address not found.');
  }
  return problems;
}

function createAddress(state: CarrierSimState, body: unknown): SimResponse {
  const address = readAddress(body);
  const problems = addressProblems(state, address);
  return reply(201, {
    object_id: state.id('adr'),
    is_complete: address !== undefined,
    ...(address ?? {}),
    is_residential: address ? !/suite|ste|inc|llc/i.test(`${address.street1} ${address.name}`) : null,
    validation_results: {
      is_valid: problems.length === 0,
      messages: problems.map((p) => ({
        source: 'Shippo Address Validator',
        code: 'invalid',
        type: 'address_error',
        text: p,
      })),
    },
  });
}

function createShipment(state: CarrierSimState, body: unknown): SimResponse {
  const from = readAddress(field(body, 'address_from'));
  const to = readAddress(field(body, 'address_to'));
  const parcels = field(body, 'parcels');
  const parcel: unknown = Array.isArray(parcels) ? parcels[0] : undefined;
  const weight = Number(text(parcel, 'weight'));
  if (!from || !to || !parcel || !Number.isFinite(weight) || weight <= 0) {
    return reply(400, {
      detail: 'address_from, address_to and parcels[0] with a positive weight are required.',
    });
  }
  const shipment = state.createShipment(
    from,
    to,
    toOunces(weight, text(parcel, 'mass_unit') ?? 'oz'),
    text(body, 'metadata'),
  );
  return reply(201, {
    object_id: shipment.id,
    object_created: new Date(shipment.createdAt).toISOString(),
    status: 'SUCCESS',
    address_from: from,
    address_to: to,
    metadata: shipment.reference ?? '',
    rates: shipment.rates.map(shippoRate),
    messages: shipment.messages,
  });
}

function createTransaction(state: CarrierSimState, body: unknown): SimResponse {
  const rateId = text(body, 'rate');
  const rate = rateId ? state.rates.get(rateId) : undefined;
  if (!rate) return reply(400, { rate: ['Rate not found.'] });
  const queued = field(body, 'async') === true || state.knobs.asyncTransactions;
  const tx = state.purchase(rate, text(body, 'metadata'), queued);
  return reply(201, shippoTransaction(tx));
}

function listTransactions(state: CarrierSimState, req: SimRequest): SimResponse {
  const metadata = req.query.get('metadata');
  const pageSize = Math.min(100, Math.max(1, Number(req.query.get('results') ?? 25) || 25));
  const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  const all = [...state.transactions.values()]
    .filter((tx) => metadata === null || tx.metadata === metadata)
    .reverse();
  const results = all.slice((page - 1) * pageSize, page * pageSize);
  const nextQuery = new URLSearchParams(req.query);
  nextQuery.set('page', String(page + 1));
  return reply(200, {
    count: all.length,
    next: page * pageSize < all.length ? `${req.baseUrl}/transactions?${nextQuery.toString()}` : null,
    previous: null,
    results: results.map((tx) => shippoTransaction(tx)),
  });
}

function createRefund(state: CarrierSimState, body: unknown): SimResponse {
  const id = text(body, 'transaction');
  const tx = id ? state.transactions.get(id) : undefined;
  if (!tx) return reply(400, { transaction: ['Transaction not found.'] });
  const outcome = state.refund(tx);
  return reply(201, {
    object_id: state.id('ref'),
    transaction: tx.id,
    status: outcome === 'refunded' ? 'SUCCESS' : 'ERROR',
  });
}

/** A rate as Shippo serialises it. */
export function shippoRate(rate: SimRate): Record<string, unknown> {
  return {
    object_id: rate.id,
    object_created: new Date(rate.createdAt).toISOString(),
    shipment: rate.shipmentId,
    amount: (rate.amountCents / 100).toFixed(2),
    currency: 'USD',
    provider: rate.provider,
    servicelevel: { name: rate.name, token: rate.token },
    estimated_days: rate.estimatedDays,
    duration_terms: `Delivery in ${rate.estimatedDays} business day${rate.estimatedDays === 1 ? '' : 's'}.`,
    attributes: rate.attributes,
  };
}

/** A transaction as Shippo serialises it. */
export function shippoTransaction(tx: SimTransaction): Record<string, unknown> {
  const hasLabel = tx.trackingNumber !== undefined;
  return {
    object_id: tx.id,
    object_created: new Date(tx.createdAt).toISOString(),
    status: tx.status,
    rate: tx.rate.id,
    metadata: tx.metadata ?? '',
    tracking_number: tx.trackingNumber ?? '',
    tracking_status: hasLabel ? 'PRE_TRANSIT' : 'UNKNOWN',
    tracking_url_provider: hasLabel
      ? `https://tracking.example/${CARRIER_TOKENS[tx.rate.provider]}/${tx.trackingNumber}`
      : '',
    label_url: hasLabel ? `https://labels.example/${tx.id}.pdf` : '',
    eta: hasLabel ? new Date(tx.createdAt + tx.rate.estimatedDays * 86_400_000).toISOString() : null,
    messages: tx.messages,
  };
}

/** A track as Shippo serialises it at simulated time `at`. */
export function shippoTrack(state: CarrierSimState, track: SimTrack, at: number): Record<string, unknown> {
  const steps = [
    { status: 'PRE_TRANSIT', at: track.createdAt, details: 'Shipping label created.', city: 'Origin' },
    { status: 'TRANSIT', at: track.transitAt, details: 'In transit to the destination.', city: 'Hub' },
    { status: 'DELIVERED', at: track.deliveredAt, details: 'Delivered.', city: 'Destination' },
  ].filter((s) => s.at <= at);
  const history = steps.map((s) => ({
    object_id: `${track.trackingNumber}-${s.status}`,
    status: s.status,
    status_details: s.details,
    status_date: new Date(s.at).toISOString(),
    location: { city: s.city, state: '', zip: '', country: 'US' },
  }));
  return {
    carrier: track.carrier,
    tracking_number: track.trackingNumber,
    transaction: track.transactionId,
    eta: new Date(track.deliveredAt).toISOString(),
    tracking_status: history.at(-1) ?? {
      status: state.trackStatus(track, at),
      status_details: '',
      status_date: null,
    },
    tracking_history: history,
  };
}
