export { startCarrierSimulator, type CarrierSimulator, type CarrierSimulatorOptions } from './server.ts';
export { defaultKnobs, type CarrierSimulatorKnobs } from './knobs.ts';
export { quoteServices, zoneBetween, SIM_SERVICES, type SimQuote, type SimService } from './pricing.ts';
export { signWebhook, type WebhookDelivery } from './webhook-pusher.ts';
export type { SimPurchase } from './sim-state.ts';
