export type {
  Address,
  AddressValidation,
  BuyLabelInput,
  CarrierMessage,
  CarrierPort,
  CarrierProvider,
  CarrierToken,
  LabelTransaction,
  Parcel,
  Rate,
  RateQuote,
  RefundResult,
  ShipmentRequest,
  TrackingEvent,
  TrackingInfo,
  TrackingStatus,
  TransactionStatus,
} from './carrier-port.ts';
export { PROVIDER_TOKENS, amountToCents, isLivePurchase, providerToken } from './carrier-port.ts';
export {
  CarrierAuthError,
  CarrierError,
  CarrierPermanentError,
  CarrierRateLimitedError,
  CarrierTransientError,
  classifyHttpFailure,
  isCarrierAuthError,
  isCarrierError,
  isCarrierPermanentError,
  isCarrierRateLimitedError,
  isCarrierTransientError,
  isRetryableCarrierFailure,
} from './carrier-errors.ts';
export {
  TRACKING_MEANINGS,
  TRACKING_RANK,
  fromEasyPostTrackingStatus,
  fromShippoTrackingStatus,
  type TrackingMeaning,
} from './tracking-status.ts';
export { createShippoAdapter, type ShippoAdapterOptions } from './shippo-adapter.ts';
export { createEasyPostAdapter, type EasyPostAdapterOptions } from './easypost-adapter.ts';
export {
  parseShippoWebhook,
  toCarrierWebhookEvent,
  type CarrierWebhookEvent,
  shippoSignatureHeader,
  signShippoPayload,
  verifyShippoSignature,
  type ParsedShippoWebhook,
  type ShippoWebhook,
  type SignatureCheck,
  type VerifyShippoSignatureInput,
} from './shippo-webhook.ts';
export {
  toTracking as shippoTrackToTracking,
  toTransaction as shippoToTransaction,
} from './shippo-adapter.ts';
export {
  DEFAULT_POLICY_OPTIONS,
  countsAgainstBreaker,
  createIntegrationPolicy,
  isRefusedByPolicy,
  type BreakerState,
  type IntegrationPolicy,
  type IntegrationPolicyOptions,
} from './resilience.ts';
export { buyLabelOnce, type PurchaseOutcome } from './idempotent-purchase.ts';
export { buyResiliently, withResilience } from './resilient-carrier.ts';
export { parseEasyPostEvent, verifyEasyPostSignature, type EasyPostEvent } from './easypost-webhook.ts';
export { registerBreakerMetrics } from './breaker-metrics.ts';
