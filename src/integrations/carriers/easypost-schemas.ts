import { z } from 'zod';

/** The parts of EasyPost's answers CreatorFlow reads; anything else is ignored. */
export const easyPostAddress = z.object({
  id: z.string().nullish(),
  residential: z.boolean().nullish(),
  verifications: z
    .object({
      delivery: z
        .object({
          success: z.boolean(),
          errors: z.array(z.object({ code: z.string().nullish(), message: z.string().nullish() })).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

export const easyPostRate = z.object({
  id: z.string(),
  shipment_id: z.string().nullish(),
  carrier: z.string(),
  service: z.string(),
  rate: z.string(),
  currency: z.string().nullish(),
  delivery_days: z.number().nullish(),
  created_at: z.string().nullish(),
});

const message = z.object({
  carrier: z.string().nullish(),
  type: z.string().nullish(),
  message: z.string().nullish(),
});

export const easyPostShipment = z.object({
  id: z.string(),
  reference: z.string().nullish(),
  rates: z.array(easyPostRate).nullish(),
  messages: z.array(message).nullish(),
  selected_rate: z.object({ id: z.string() }).nullish(),
  tracking_code: z.string().nullish(),
  postage_label: z.object({ label_url: z.string().nullish() }).nullish(),
  tracker: z.object({ public_url: z.string().nullish(), est_delivery_date: z.string().nullish() }).nullish(),
  refund_status: z.string().nullish(),
});

export const easyPostShipmentList = z.object({
  shipments: z.array(easyPostShipment),
  has_more: z.boolean().nullish(),
});

const trackingDetail = z.object({
  status: z.string(),
  message: z.string().nullish(),
  datetime: z.string().nullish(),
  tracking_location: z.object({ city: z.string().nullish(), state: z.string().nullish() }).nullish(),
});

export const easyPostTracker = z.object({
  tracking_code: z.string(),
  status: z.string(),
  status_detail: z.string().nullish(),
  est_delivery_date: z.string().nullish(),
  updated_at: z.string().nullish(),
  tracking_details: z.array(trackingDetail).nullish(),
});

export type EasyPostShipment = z.infer<typeof easyPostShipment>;
