import { z } from 'zod';

/** The parts of Shippo's answers CreatorFlow reads; anything else is ignored. */
const message = z.object({
  source: z.string().nullish(),
  code: z.string().nullish(),
  text: z.string().nullish(),
});

export const shippoMessages = z.array(message).nullish();

export const shippoAddress = z.object({
  name: z.string().nullish(),
  street1: z.string().nullish(),
  street2: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  zip: z.string().nullish(),
  country: z.string().nullish(),
  is_residential: z.boolean().nullish(),
  validation_results: z
    .object({
      is_valid: z.boolean().nullish(),
      messages: z.array(z.object({ type: z.string().nullish(), text: z.string().nullish() })).nullish(),
    })
    .nullish(),
  recommended_address: z.unknown().optional(),
});

export const shippoRate = z.object({
  object_id: z.string(),
  object_created: z.string().nullish(),
  shipment: z.string().nullish(),
  amount: z.string(),
  currency: z.string(),
  provider: z.string(),
  servicelevel: z.object({ name: z.string().nullish(), token: z.string() }),
  estimated_days: z.number().nullish(),
  attributes: z.array(z.string()).nullish(),
});

export const shippoShipment = z.object({
  object_id: z.string(),
  status: z.string().nullish(),
  rates: z.array(shippoRate),
  messages: shippoMessages,
});

export const shippoTransaction = z.object({
  object_id: z.string(),
  status: z.string(),
  rate: z.union([z.string(), z.object({ object_id: z.string() })]).nullish(),
  tracking_number: z.string().nullish(),
  tracking_url_provider: z.string().nullish(),
  label_url: z.string().nullish(),
  eta: z.string().nullish(),
  metadata: z.string().nullish(),
  messages: shippoMessages,
});

export const shippoTransactionList = z.object({
  next: z.string().nullish(),
  results: z.array(shippoTransaction),
});

export const shippoRefund = z.object({ status: z.string(), object_id: z.string().nullish() });

const trackingStatus = z.object({
  status: z.string(),
  status_details: z.string().nullish(),
  status_date: z.string().nullish(),
  location: z
    .object({ city: z.string().nullish(), state: z.string().nullish(), country: z.string().nullish() })
    .nullish(),
});

export const shippoTrack = z.object({
  carrier: z.string(),
  tracking_number: z.string(),
  eta: z.string().nullish(),
  tracking_status: trackingStatus.nullish(),
  tracking_history: z.array(trackingStatus).nullish(),
});

export type ShippoTransaction = z.infer<typeof shippoTransaction>;
export type ShippoTrack = z.infer<typeof shippoTrack>;
