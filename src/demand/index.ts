// Public API of demand: content signals about products.
export {
  SIGNAL_KINDS,
  listSignals,
  signalSchema,
  storeSignal,
  type SignalKind,
  type StoredSignal,
} from './signals.ts';
export { registerDemandRoutes } from './signal-routes.ts';
