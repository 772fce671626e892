/**
 * The error codes the simulator answers with. TikTok documents few codes publicly, so these are
 * plausible choices that land in the classes CreatorFlow's client recognises (tiktok-errors.ts):
 * codes starting 105/360 are auth problems, 36009002 is throttling, 36009003 an internal error,
 * everything else is permanent.
 */
export const SIM_ERRORS = {
  /** x-tts-access-token missing or unknown (HTTP 401, auth). */
  INVALID_ACCESS_TOKEN: { code: 105001, http: 401, message: 'Invalid access token.' },
  /** The access token is past access_token_expire_in (HTTP 401, auth). */
  EXPIRED_ACCESS_TOKEN: { code: 105002, http: 401, message: 'Access token is expired, please refresh it.' },
  /** shop_cipher missing, unknown, or of a shop this token is not authorised for (HTTP 403, auth). */
  INVALID_SHOP_CIPHER: {
    code: 105005,
    http: 403,
    message: 'Invalid shop_cipher or the shop is not authorized.',
  },
  /** app_key unknown, or app_secret wrong on a token call (HTTP 401, auth). */
  INVALID_APP_KEY: { code: 36004004, http: 401, message: 'Invalid app_key or app_secret.' },
  /** The auth code is unknown, used or expired (HTTP 400, auth). */
  INVALID_AUTH_CODE: { code: 36004005, http: 400, message: 'Invalid or used auth_code.' },
  /** The refresh token is unknown, already used or expired (HTTP 400, auth). */
  INVALID_REFRESH_TOKEN: { code: 36004006, http: 400, message: 'Invalid or used refresh_token.' },
  /** `sign` does not match the request received (HTTP 401, so auth: a wrong app secret, or a signing bug). */
  INVALID_SIGNATURE: { code: 106001, http: 401, message: 'Invalid signature.' },
  /** `timestamp` outside [now - 5 min, now + 30 s] (HTTP 400, permanent: check the clock). */
  TIMESTAMP_OUT_OF_RANGE: { code: 106002, http: 400, message: 'Timestamp is expired or in the future.' },
  /** app_key, timestamp or sign missing (HTTP 400, permanent). */
  MISSING_PARAMETER: { code: 106003, http: 400, message: 'Missing required common parameter.' },
  /** A parameter or body field is invalid (HTTP 400, permanent). */
  INVALID_PARAMETER: { code: 40006, http: 400, message: 'Invalid parameter.' },
  /** No such path (HTTP 404, permanent). */
  PATH_NOT_FOUND: { code: 40404, http: 404, message: 'Path not found.' },
  /** The order, package, product or delivery option does not exist in this shop (HTTP 404, permanent). */
  NOT_FOUND: { code: 21001001, http: 404, message: 'Resource not found.' },
  /** The order's status does not allow the operation (HTTP 400, permanent). */
  ORDER_STATUS_CONFLICT: {
    code: 21011002,
    http: 400,
    message: 'Order status does not allow this operation.',
  },
  /** The shipping provider is not offered by the order's delivery option (HTTP 400, permanent). */
  INVALID_SHIPPING_PROVIDER: { code: 21011003, http: 400, message: 'Invalid shipping provider.' },
  /** Throttled (HTTP 429). */
  THROTTLED: { code: 36009002, http: 429, message: 'Too many requests, please retry later.' },
  /** Injected internal error (HTTP 500, transient). */
  INTERNAL: { code: 36009003, http: 500, message: 'Internal error, please retry.' },
} as const satisfies Record<string, { code: number; http: number; message: string }>;

export type SimErrorName = keyof typeof SIM_ERRORS;
