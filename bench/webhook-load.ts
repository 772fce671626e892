/**
 * The load generator for the ingest benchmark, run as its own process so it does not share the
 * server's event loop: `node --import tsx bench/webhook-load.ts URL SECONDS CONNECTIONS KEY SECRET`.
 * Sends signed TikTok webhooks, each with a new notification id; prints autocannon's result as JSON.
 */
import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';

const [url = '', seconds = '10', connections = '50', appKey = '', appSecret = ''] = process.argv.slice(2);
let sequence = 0;

const result = await autocannon({
  url,
  connections: Number(connections),
  duration: Number(seconds),
  method: 'POST',
  requests: [
    {
      setupRequest: (request) => {
        sequence += 1;
        const body = JSON.stringify({
          type: 1,
          tts_notification_id: `bench-${process.pid}-${sequence}`,
          shop_id: '7494049642642441621',
          timestamp: Math.floor(Date.now() / 1000),
          data: { order_id: `57646141303878${sequence}`, order_status: 'AWAITING_SHIPMENT', update_time: 1 },
        });
        const authorization = createHmac('sha256', appSecret)
          .update(appKey + body)
          .digest('hex');
        return { ...request, body, headers: { 'content-type': 'application/json', authorization } };
      },
    },
  ],
});
process.stdout.write(JSON.stringify(result));
