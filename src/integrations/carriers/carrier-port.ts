/**
 * The one port every carrier adapter (Shippo, EasyPost, ...) implements. Glossary:
 * - shipment: a from/to/parcel triple the aggregator quotes rates for;
 * - rate: one carrier service's price and transit time for a shipment, bought by id;
 * - transaction: the purchase of a rate, i.e. a label (EasyPost: a bought shipment);
 * - metadata: our own idempotency key, carried on the purchase so a retry can find it.
 */
export type CarrierProvider = 'USPS' | 'UPS' | 'FedEx' | 'DHL Express';
export type CarrierToken = 'usps' | 'ups' | 'fedex' | 'dhl_express';

export interface Address {
  name: string;
  street1: string;
  street2?: string | undefined;
  city: string;
  state: string;
  zip: string;
  /** ISO-3166 alpha-2. */
  country: string;
  phone?: string | undefined;
  email?: string | undefined;
}

export interface AddressValidation {
  status: 'valid' | 'partially_valid' | 'invalid';
  residential: boolean | undefined;
  /** A corrected address the aggregator recommends, when it has one. */
  suggested: Address | undefined;
  messages: string[];
}

export interface Parcel {
  length: number;
  width: number;
  height: number;
  distanceUnit: 'in' | 'cm';
  weight: number;
  massUnit: 'oz' | 'lb' | 'g' | 'kg';
}

export interface ShipmentRequest {
  from: Address;
  to: Address;
  parcel: Parcel;
  /** Our reference for the shipment (order id); EasyPost stores it as `reference`. */
  metadata?: string | undefined;
}

export interface Rate {
  rateId: string;
  shipmentId: string;
  provider: CarrierProvider;
  serviceToken: string;
  serviceName: string;
  /** Decimal string exactly as the aggregator sent it. */
  amount: string;
  amountCents: number;
  currency: string;
  estimatedDays: number | undefined;
  attributes: string[];
  /** Epoch ms after which buying the rate fails, when known. */
  expiresAt: number | undefined;
}

export interface CarrierMessage {
  source: string;
  code: string;
  text: string;
}

export interface RateQuote {
  shipmentId: string;
  rates: Rate[];
  /** Why some carriers gave no rate (bad address, unsupported service...). */
  messages: CarrierMessage[];
}

export type TransactionStatus =
  'QUEUED' | 'WAITING' | 'SUCCESS' | 'ERROR' | 'REFUNDED' | 'REFUNDPENDING' | 'REFUNDREJECTED';

export interface LabelTransaction {
  transactionId: string;
  status: TransactionStatus;
  rateId: string | undefined;
  trackingNumber: string | undefined;
  trackingUrl: string | undefined;
  labelUrl: string | undefined;
  /** ISO timestamp of the expected delivery, when the carrier gives one. */
  eta: string | undefined;
  metadata: string | undefined;
  messages: CarrierMessage[];
}

export interface BuyLabelInput {
  rateId: string;
  /** Needed by EasyPost (buy is per shipment); Shippo ignores it. */
  shipmentId: string;
  /** Our idempotency key (e.g. `order:<id>:label:<n>`), stored on the purchase. */
  metadata: string;
  labelFileType?: 'PDF_4x6' | 'PDF' | 'PNG' | 'ZPLII';
}

export interface RefundResult {
  status: 'pending' | 'success' | 'rejected';
  messages: CarrierMessage[];
}

export type TrackingStatus = 'pre_transit' | 'transit' | 'delivered' | 'returned' | 'failure' | 'unknown';

export interface TrackingEvent {
  status: TrackingStatus;
  details: string;
  /** ISO timestamp. */
  at: string | undefined;
  location: string | undefined;
}

export interface TrackingInfo {
  carrier: CarrierToken;
  trackingNumber: string;
  status: TrackingStatus;
  details: string;
  at: string | undefined;
  eta: string | undefined;
  history: TrackingEvent[];
}

/** Every carrier adapter implements this; adapters speak HTTP only and never touch the database. */
export interface CarrierPort {
  readonly name: 'shippo' | 'easypost';
  validateAddress(address: Address): Promise<AddressValidation>;
  getRates(shipment: ShipmentRequest): Promise<RateQuote>;
  buyLabel(input: BuyLabelInput): Promise<LabelTransaction>;
  /** A live (not ERROR, not refunded) purchase carrying this metadata, if one exists. */
  findTransactionByMetadata(metadata: string): Promise<LabelTransaction | undefined>;
  getTransaction(transactionId: string): Promise<LabelTransaction>;
  voidLabel(transactionId: string): Promise<RefundResult>;
  getTracking(carrier: CarrierToken, trackingNumber: string): Promise<TrackingInfo>;
}

export const PROVIDER_TOKENS: Readonly<Record<CarrierProvider, CarrierToken>> = {
  USPS: 'usps',
  UPS: 'ups',
  FedEx: 'fedex',
  'DHL Express': 'dhl_express',
};

/** The carrier token (`usps`...) of a provider name (`USPS`...). */
export function providerToken(provider: CarrierProvider): CarrierToken {
  return PROVIDER_TOKENS[provider];
}

/** Whole cents of a decimal amount string ("12.5" → 1250), without floating-point drift. */
export function amountToCents(amount: string): number {
  const match = /^\s*(-?)(\d+)(?:\.(\d{0,2})\d*)?\s*$/.exec(amount);
  if (!match) throw new RangeError(`not a decimal amount: ${amount}`);
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

/** A purchase that holds (or will hold) a label: anything but ERROR and the refund states. */
export function isLivePurchase(status: TransactionStatus): boolean {
  return status === 'QUEUED' || status === 'WAITING' || status === 'SUCCESS';
}

/** An address as both aggregators' JSON spells it (street1, zip ...), empty optional fields left out. */
export function addressFields(a: Address): Record<string, string> {
  const out: Record<string, string> = {
    name: a.name,
    street1: a.street1,
    city: a.city,
    state: a.state,
    zip: a.zip,
    country: a.country,
  };
  if (a.street2) out.street2 = a.street2;
  if (a.phone) out.phone = a.phone;
  if (a.email) out.email = a.email;
  return out;
}
