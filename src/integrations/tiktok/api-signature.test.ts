import { describe, expect, it } from 'vitest';
import { signApiRequest } from './api-signature.ts';

// Known answers computed independently of this code, e.g.:
// printf '%s' 'secret/order/202309/ordersapp_keyk1idsa,bshop_ciphercipher9timestamp1700000000secret' \
//   | openssl dgst -sha256 -hmac secret
const GET_ORDERS = '6d8e1e851ea2586083acce1c79742b904f057b89f1932eb7b440fa235fbfd0a5';
const SEARCH = '46b40ec19dda0ef2b08260ef072be2a0e1838b363b1ec729f91f6d392f2e59db';

describe('TikTok Open API request signatures', () => {
  it('sort the query, join arrays with commas and drop sign and access_token', () => {
    const sign = signApiRequest({
      appSecret: 'secret',
      path: '/order/202309/orders',
      query: {
        timestamp: 1700000000,
        shop_cipher: 'cipher9',
        ids: ['a', 'b'],
        app_key: 'k1',
        sign: 'ignored',
        access_token: 'ignored',
      },
    });
    expect(sign).toBe(GET_ORDERS);
  });

  it('append the exact JSON body after the sorted pairs', () => {
    const sign = signApiRequest({
      appSecret: 'secret',
      path: '/order/202309/orders/search',
      query: { app_key: 'k1', timestamp: '1700000000', shop_cipher: 'cipher9', page_size: 20 },
      body: '{"order_status":"AWAITING_SHIPMENT"}',
    });
    expect(sign).toBe(SEARCH);
  });

  it('change when any signed part changes', () => {
    const base = {
      appSecret: 'secret',
      path: '/order/202309/orders',
      query: { app_key: 'k1', timestamp: 1700000000, shop_cipher: 'cipher9', ids: ['a', 'b'] },
    };
    expect(signApiRequest({ ...base, path: '/order/202309/orders/search' })).not.toBe(GET_ORDERS);
    expect(signApiRequest({ ...base, query: { ...base.query, ids: ['b', 'a'] } })).not.toBe(GET_ORDERS);
    expect(signApiRequest({ ...base, body: '{}' })).not.toBe(GET_ORDERS);
    expect(signApiRequest({ ...base, appSecret: 'other' })).not.toBe(GET_ORDERS);
  });
});
