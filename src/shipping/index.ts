export { buildParcel, type BoxSpec, type ParcelLine, type ParcelPlan } from './parcel-builder.ts';
export {
  DEFAULT_TUNING,
  reliabilityOf,
  selectRate,
  type OnTimeRecord,
  type RateOption,
  type RateOverride,
  type RateSelection,
  type RateSelectionInput,
  type RateSelectionTuning,
  type RateStrategy,
  type RejectedRate,
} from './rate-selection.ts';
